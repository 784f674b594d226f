"""Frozen results of an equilibrium assignment."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["AssignmentResult", "IterationRecord"]


@dataclass(frozen=True, slots=True)
class IterationRecord:
    """One iteration of an assignment algorithm.

    ``relative_gap`` is the gap of the flows at the start of the iteration (before its move);
    ``step_size`` the line-search step taken (``None`` for path-based gradient projection,
    which moves each OD by its own Newton step); ``time_s`` seconds since the run started.
    """

    iteration: int
    relative_gap: float
    step_size: float | None
    time_s: float


@dataclass(frozen=True, eq=False)
class AssignmentResult:
    """Link flows and costs at (near) user equilibrium, with the run's convergence record.

    Per-link arrays are in the order the links were given. Flows are in the network's flow
    unit per period and costs in its time unit (both network-specific for TNTP data).

    ``relative_gap`` is recomputed from the returned flows: ``(TSTT − SPTT) / TSTT`` with
    ``TSTT = Σ_a x_a c_a(x_a)`` and ``SPTT = Σ_od d_od × (shortest-path cost at c(x))``.
    ``converged`` says whether it is at most ``target_gap``.
    """

    init_node: np.ndarray
    term_node: np.ndarray
    flow: np.ndarray
    cost: np.ndarray
    history: tuple[IterationRecord, ...]
    converged: bool
    relative_gap: float
    target_gap: float
    tstt: float
    wall_s: float
    algorithm: str
    iterations: int

    @property
    def links(self) -> int:
        """Number of links."""
        return int(self.flow.shape[0])

    def summary(self) -> dict[str, Any]:
        """The stable summary shape printed by ``tripp assign --format json``."""
        return {
            "algorithm": self.algorithm,
            "iterations": self.iterations,
            "relative_gap": self.relative_gap,
            "converged": self.converged,
            "tstt": self.tstt,
            "wall_s": self.wall_s,
            "links": self.links,
        }

    def to_frame(self) -> pd.DataFrame:
        """Link table: ``init_node``, ``term_node``, ``flow``, ``cost``."""
        import pandas as pd

        return pd.DataFrame(
            {
                "init_node": self.init_node,
                "term_node": self.term_node,
                "flow": self.flow,
                "cost": self.cost,
            }
        )

    def history_frame(self) -> pd.DataFrame:
        """Convergence history: ``iteration``, ``relative_gap``, ``step_size``, ``time_s``."""
        import pandas as pd

        return pd.DataFrame(
            {
                "iteration": [r.iteration for r in self.history],
                "relative_gap": [r.relative_gap for r in self.history],
                "step_size": [r.step_size for r in self.history],
                "time_s": [r.time_s for r in self.history],
            }
        )

    def to_dict(self) -> dict[str, Any]:
        """Summary plus ``target_gap``, the convergence history and the link table."""
        out = self.summary()
        out["target_gap"] = self.target_gap
        out["history"] = [
            {
                "iteration": r.iteration,
                "relative_gap": r.relative_gap,
                "step_size": r.step_size,
                "time_s": r.time_s,
            }
            for r in self.history
        ]
        out["link_flows"] = [
            {"init_node": int(i), "term_node": int(j), "flow": float(x), "cost": float(c)}
            for i, j, x, c in zip(self.init_node, self.term_node, self.flow, self.cost, strict=True)
        ]
        return out

    def to_json(self, *, indent: int | None = None) -> str:
        """:meth:`to_dict` as JSON text."""
        return json.dumps(self.to_dict(), indent=indent)
