"""Which inputs the economic NPV hangs on: each uncertain input 20 % lower and higher
(the tornado), and the change of each that drives the NPV to zero (its switching value).

Switching values are found with SciPy's Brent root finder on the NPV as a function of the
input's multiplier, between 0 and :data:`MAX_MULTIPLIER`; an input whose multiplier
cannot bring the NPV to zero in that range has none, and says so. The discount rate's
switching value is the EIRR; the opening delay's, the first whole year of delay at which
the NPV turns negative.
"""

from __future__ import annotations

from typing import Any

from scipy.optimize import brentq

from tripp.appraisal.cashflow import CashFlowModel, Factors
from tripp.appraisal.finance import present_value

#: The tornado's step: each input ±20 %.
STEP = 0.2
#: The highest multiplier of an input a switching value is searched up to.
MAX_MULTIPLIER = 100.0
#: The uncertain inputs, as fields of :class:`~tripp.appraisal.cashflow.Factors`.
INPUTS = ("capex", "opex", "traffic", "value_of_time", "energy")


def scaled(name: str, multiplier: float) -> Factors:
    """Factors with input ``name`` at ``multiplier`` and the others as given."""
    fields: dict[str, Any] = {name: multiplier}
    return Factors(**fields)


def economic_npv(model: CashFlowModel, factors: Factors, rate: float) -> float:
    """The economic NPV (USD) under ``factors`` at ``rate``."""
    return present_value(model.economic(factors).net, rate)


def _active(model: CashFlowModel, name: str) -> bool:
    """Whether the input moves the NPV at all (no energy benefit: energy does not)."""
    low = economic_npv(model, scaled(name, 0.0), 0.0)
    high = economic_npv(model, scaled(name, 1.0), 0.0)
    return abs(high - low) > 1e-6


def tornado(model: CashFlowModel, rate: float) -> list[dict[str, Any]]:
    """NPV with each input 20 % lower and higher (and the discount rate), widest first."""
    rows: list[dict[str, Any]] = []
    for name in INPUTS:
        if not _active(model, name):
            continue
        low = economic_npv(model, scaled(name, 1 - STEP), rate)
        high = economic_npv(model, scaled(name, 1 + STEP), rate)
        rows.append({"input": name, "npv_usd_low": low, "npv_usd_high": high})
    base = Factors()
    rows.append(
        {
            "input": "discount_rate",
            "npv_usd_low": economic_npv(model, base, rate * (1 - STEP)),
            "npv_usd_high": economic_npv(model, base, rate * (1 + STEP)),
        }
    )
    for row in rows:
        row["swing_usd"] = abs(row["npv_usd_high"] - row["npv_usd_low"])
        row["change_pct"] = STEP * 100
    return sorted(rows, key=lambda r: -r["swing_usd"])


def switching_values(model: CashFlowModel, rate: float, eirr: float | None) -> list[dict[str, Any]]:
    """Per input: the multiplier (1 = as given) at which the NPV is zero, as a change in %,
    or None with the reason."""
    rows: list[dict[str, Any]] = []
    for name in INPUTS:
        if not _active(model, name):
            continue

        def npv(multiplier: float, field: str = name) -> float:
            return economic_npv(model, scaled(field, multiplier), rate)

        low, high = npv(0.0), npv(MAX_MULTIPLIER)
        if low * high > 0:
            rows.append(
                {
                    "input": name,
                    "switching_value": None,
                    "change_pct": None,
                    "note": f"no multiplier from 0 to {MAX_MULTIPLIER:g} brings the NPV to zero",
                }
            )
            continue
        root = float(brentq(npv, 0.0, MAX_MULTIPLIER, xtol=1e-9))
        rows.append(
            {"input": name, "switching_value": root, "change_pct": (root - 1) * 100, "note": ""}
        )
    rows.append(
        {
            "input": "discount_rate",
            "switching_value": eirr,
            "change_pct": None if eirr is None else (eirr / rate - 1) * 100 if rate else None,
            "note": "the rate at which the NPV is zero: the EIRR"
            if eirr is not None
            else "no EIRR",
        }
    )
    rows.append(_delay(model, rate))
    return rows


def _delay(model: CashFlowModel, rate: float) -> dict[str, Any]:
    if economic_npv(model, Factors(), rate) <= 0:
        return {
            "input": "delay_years",
            "switching_value": 0,
            "change_pct": None,
            "note": "the NPV is not positive without delay",
        }
    for years in range(1, model.horizon_years + 1):
        if economic_npv(model, Factors(delay_years=years), rate) < 0:
            return {
                "input": "delay_years",
                "switching_value": years,
                "change_pct": None,
                "note": f"opening {years} years late turns the NPV negative",
            }
    return {
        "input": "delay_years",
        "switching_value": None,
        "change_pct": None,
        "note": "no delay within the horizon turns the NPV negative",
    }
