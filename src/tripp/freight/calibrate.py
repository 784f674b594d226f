"""Fitting route choice to the observed base year: the logit's θ by a grid search.

For each candidate θ (relative-cost sensitivity, :class:`~tripp.assignment.spec.ChoiceSpec`)
the base-year scenario is assigned and compared with the observed counts
(:func:`~tripp.freight.counts.check_flows`). The fit is the θ with the largest share of
counts within their tolerance, then every key total within, then the lowest RMSE %; the
whole grid is reported, so that how sharply the fit depends on θ is visible.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from tripp.errors import FieldProblem, InputError
from tripp.freight.counts import check_flows
from tripp.freight.settings import FreightSettings
from tripp.scenarios.network import ScenarioNetwork

__all__ = ["FitPoint", "fit_flows"]


@dataclass(frozen=True, slots=True)
class FitPoint:
    """The base year's agreement with the counts at one θ."""

    theta: float
    within_share: float
    keys_within: bool
    rmse_percent: float
    converged: bool

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready mapping (shares and % rounded to 4 and 2 decimals)."""
        return {
            "theta": self.theta,
            "within_share": round(self.within_share, 4),
            "keys_within": self.keys_within,
            "rmse_percent": round(self.rmse_percent, 2),
            "converged": self.converged,
        }


def fit_flows(
    network: ScenarioNetwork,
    *,
    thetas: list[float],
    counts: str | Path | None = None,
    settings: FreightSettings | None = None,
) -> tuple[FitPoint, list[FitPoint]]:
    """The best θ among ``thetas`` (module docstring) and every point of the grid.

    >>> import tripp
    >>> network = tripp.scenario(tripp.load_atlas(), "baseline-2025")
    >>> best, grid = tripp.fit_flows(network, thetas=[8.0])
    >>> best.theta, len(grid)
    (8.0, 1)
    """
    if not thetas or any(not t > 0 for t in thetas):
        raise InputError(FieldProblem("theta", "give one or more positive values", "e.g. 2,4,8,16"))
    base = settings or FreightSettings()
    grid = []
    for theta in thetas:
        chosen = replace(base, choice=replace(base.choice, theta=theta))
        check = check_flows(network, counts, settings=chosen)
        grid.append(
            FitPoint(
                theta,
                check.within_share,
                check.keys_within,
                check.rmse_percent,
                check.converged,
            )
        )
    best = max(grid, key=lambda p: (p.within_share, p.keys_within, -p.rmse_percent))
    return best, grid
