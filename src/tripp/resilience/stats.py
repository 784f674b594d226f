"""Monte Carlo estimates with their standard errors.

Quantiles are order statistics (the inverted empirical CDF: the ⌈nq⌉-th smallest of n
samples), so a sample without a route counts as infinitely long and a quantile that falls in
that mass is reported as ``None`` (no route). The standard error of a quantile comes from the
distribution-free binomial confidence interval of order statistics: with
``h = z·sqrt(n q (1-q))`` and z = 1.96, the 95 % interval is [x(⌊nq − h⌋), x(⌈nq + h⌉)]
and SE = interval width / (2z). A probability p estimated from n samples has
SE = sqrt(p (1 − p) / n).
"""

from __future__ import annotations

import math

import numpy as np

from tripp.resilience.kernel import FloatArray

Z95 = 1.959963984540054
QUANTILES = (0.5, 0.9, 0.95)


def quantile_with_se(ordered: FloatArray, q: float) -> tuple[float | None, float | None]:
    """Estimate and standard error of quantile ``q`` of sorted samples (``inf``: no route).

    >>> estimate, se = quantile_with_se(np.arange(1.0, 101.0), 0.5)
    >>> estimate, round(se, 2)
    (50.0, 5.1)
    """
    n = len(ordered)
    half = Z95 * math.sqrt(n * q * (1 - q))
    estimate = float(ordered[max(math.ceil(n * q), 1) - 1])
    low = float(ordered[min(max(math.floor(n * q - half), 1), n) - 1])
    high = float(ordered[min(max(math.ceil(n * q + half), 1), n) - 1])
    if not math.isfinite(estimate):
        return None, None
    return estimate, (high - low) / (2 * Z95) if math.isfinite(high) else None


def probability_with_se(hits: int, n: int) -> tuple[float, float]:
    """Share ``hits / n`` and its binomial standard error."""
    p = hits / n
    return p, math.sqrt(p * (1 - p) / n)


def summarise(values: FloatArray) -> dict[str, float | None]:
    """P50/P90/P95 and their SEs of one O-D's samples (``nan``: no route)."""
    ordered = np.sort(np.where(np.isnan(values), np.inf, values))
    out: dict[str, float | None] = {}
    for q in QUANTILES:
        estimate, se = quantile_with_se(ordered, q)
        label = f"p{round(q * 100)}"
        out[label], out[f"{label}_se"] = estimate, se
    return out
