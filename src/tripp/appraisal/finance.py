"""Discounting, net present value, benefit–cost ratio and internal rate of return of yearly
cash flows (USD), with numpy-financial's root finder for the rate.

An internal rate of return exists only where the flows have benefits and change sign; where
they do not, :func:`irr` says why rather than returning a number.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import numpy_financial as npf

FloatArray = npt.NDArray[np.float64]


def discount_factors(n_years: int, rate: float) -> FloatArray:
    """1 / (1 + rate)^k for k = 0 … n_years − 1: flows are discounted to the first year."""
    return np.asarray(1.0 / (1.0 + rate) ** np.arange(n_years), dtype=np.float64)


def present_value(flows: FloatArray, rate: float) -> float:
    """Σ flow_k / (1 + rate)^k (USD of the first year's value)."""
    return float(np.dot(flows, discount_factors(len(flows), rate)))


@dataclass(frozen=True, slots=True)
class Rate:
    """An internal rate of return (per year) or why there is none (``value`` None)."""

    value: float | None
    note: str = ""


def irr(net: FloatArray, *, has_benefits: bool) -> Rate:
    """The internal rate of return of the yearly ``net`` flows.

    None, with the reason, where the project has no benefits (the only inflow would be
    the residual value of its own assets), where the flows never change sign, or where
    the root finder finds no rate; a note where the flows change sign more than once
    (the rate may not be unique).
    """
    if not has_benefits:
        return Rate(None, "no benefits: an internal rate of return does not exist")
    signs = np.sign(net[np.abs(net) > 1e-9 * max(1.0, float(np.abs(net).max(initial=0.0)))])
    changes = int(np.count_nonzero(np.diff(signs)))
    if changes == 0:
        return Rate(None, "the net cash flows never change sign: no rate of return exists")
    value = float(npf.irr(net))
    if not np.isfinite(value):
        return Rate(None, "no rate of return found for these net cash flows")
    note = (
        ""
        if changes == 1
        else f"net cash flows change sign {changes} times: the rate may not be unique"
    )
    return Rate(value, note)


def bcr(pv_benefits: float, pv_costs: float) -> float | None:
    """PV of benefits over PV of costs (net of residual value); None without costs."""
    return None if pv_costs <= 0 else pv_benefits / pv_costs
