"""The report's appraisal section: each compared scenario appraised against the base
(:func:`tripp.appraisal.run.appraise`), its headline figures, notes and three charts.

Whether to appraise (``appraise``): ``True`` appraises every compared scenario and lets an
appraisal's error stop the report; ``False`` never; ``None`` (the default) appraises when
the report compares two scenarios (one base, one other), and an appraisal that cannot be
made (e.g. an atlas without demand or values of time) is shown in the section with its
reason rather than stopping the report.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from tripp.appraisal.result import AppraisalResult
from tripp.appraisal.settings import AppraisalSettings
from tripp.errors import ConvergenceError, InputError
from tripp.scenarios.network import ScenarioNetwork

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class AppraisalOutcome:
    """One compared scenario's appraisal against the base, or why there is none."""

    result: AppraisalResult | None
    error: str | None = None


def should_appraise(appraise: bool | None, n_others: int) -> bool:
    """Whether a report comparing the base with ``n_others`` scenarios appraises them."""
    return n_others == 1 if appraise is None else appraise


def appraise_others(
    base: ScenarioNetwork,
    others: Sequence[ScenarioNetwork],
    *,
    appraise: bool | None = None,
    settings: AppraisalSettings | None = None,
) -> tuple[AppraisalOutcome | None, ...]:
    """Per compared scenario, its appraisal against ``base`` (None: not appraised; see the
    module for ``appraise``)."""
    if not should_appraise(appraise, len(others)):
        return tuple(None for _ in others)
    from tripp.appraisal.run import appraise as run_appraisal

    outcomes: list[AppraisalOutcome | None] = []
    for other in others:
        try:
            result = run_appraisal(other, against=base, settings=settings)
        except (InputError, ConvergenceError) as error:
            if appraise:
                raise
            logger.warning("report: %s not appraised: %s", other.name, error)
            outcomes.append(AppraisalOutcome(None, str(error)))
        else:
            outcomes.append(AppraisalOutcome(result))
    return tuple(outcomes)


def appraisal_context(outcome: AppraisalOutcome | None) -> dict[str, Any] | None:
    """The section's figures, notes and chart images for the template (None: no section)."""
    if outcome is None:
        return None
    result = outcome.result
    if result is None:
        return {"error": outcome.error}
    from tripp.reporting.appraisal_charts import (
        cash_flow_chart,
        money_scale,
        stakeholder_chart,
        tornado_chart,
    )

    scale, unit = money_scale([result.npv_usd, result.pv_benefits_usd, result.pv_costs_usd])
    return {
        "error": None,
        "scenario": result.scenario,
        "against": result.against,
        "unit": unit,
        "rows": _headline_rows(result, scale, unit),
        "settings": (
            f"discount rate {100 * result.discount_rate:g} % a year (financial "
            f"{100 * result.financial_rate:g} %), {result.horizon_years} years from "
            f"{result.first_year}, opening {result.open_year}, demand of "
            f"{result.demand_year}, USD in {result.price_year} prices"
        ),
        "notes": list(result.notes),
        "cash_flow_chart": cash_flow_chart(result),
        "stakeholder_chart": stakeholder_chart(result),
        "tornado_chart": tornado_chart(result),
    }


def _headline_rows(result: AppraisalResult, scale: float, unit: str) -> list[dict[str, str]]:
    """Label, value and note of NPV, BCR, EIRR, FIRR and the present values."""

    def money(value: float) -> str:
        return f"{value / scale:,.2f} {unit}"

    def rate(value: float | None, note: str) -> tuple[str, str]:
        return ("—", note) if value is None else (f"{100 * value:,.1f} %", note)

    eirr, eirr_note = rate(result.eirr, result.eirr_note)
    firr, firr_note = rate(result.firr, result.firr_note)
    rows = [
        ("economic NPV", money(result.npv_usd), "benefits − costs, discounted"),
        ("BCR", "—" if result.bcr is None else f"{result.bcr:,.2f}", "PV benefits / PV costs"),
        ("EIRR", eirr, eirr_note or "the rate at which the economic NPV is zero"),
        ("PV of benefits", money(result.pv_benefits_usd), ""),
        ("PV of costs", money(result.pv_costs_usd), "capex + opex − residual value"),
        ("financial NPV", money(result.fnpv_usd), "the project owners' net revenue − costs"),
        ("FIRR", firr, firr_note or "the rate at which the financial NPV is zero"),
    ]
    if result.risk is not None:
        risk = result.risk
        rows.append(
            (
                "NPV P10 / P50 / P90",
                " / ".join(
                    money(float(risk[k])) for k in ("p10_npv_usd", "p50_npv_usd", "p90_npv_usd")
                ),
                f"{risk['samples']} draws (seed {risk['seed']}); "
                f"P(NPV < 0) = {100 * float(risk['prob_npv_negative']):.1f} %",
            )
        )
    return [{"label": label, "value": value, "note": note} for label, value, note in rows]
