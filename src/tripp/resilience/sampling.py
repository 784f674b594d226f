"""Random disruptions of one network state per sample, and the task that runs a range of them.

A sample is the network as a shipment finds it at a random moment of the year:

* each freight link is closed with probability equal to the share of the year it is closed
  (``closures_per_year × closure_days / 365``), independently of the others;
* each crossing row (one direction and mode at a border point) likewise, and its dwell is
  drawn from a lognormal with the row's median and σ = ln(P90 / median) / z90.

Sample ``i`` of seed ``s`` draws from its own stream,
``numpy.random.default_rng(SeedSequence(s, spawn_key=(i,)))``, always in the same order
(links, crossings, dwells), so a sample's network does not depend on which worker or chunk
runs it, nor on the parameter values being zero.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from tripp.atlas.reliability import ReliabilityParams
from tripp.resilience.kernel import FloatArray, RoutingKernel


@dataclass(frozen=True, eq=False)
class Sampler:
    """What a worker needs to draw and route samples: the kernel and the parameters."""

    kernel: RoutingKernel
    params: ReliabilityParams
    seed: int

    def network(self, index: int) -> tuple[FloatArray, npt.NDArray[np.bool_]]:
        """Per-arc time (h) and closed mask of sample ``index``."""
        params, kernel = self.params, self.kernel
        rng = np.random.default_rng(np.random.SeedSequence(self.seed, spawn_key=(index,)))
        link_closed = rng.random(len(params.link_closed_share)) < params.link_closed_share
        crossing_closed = rng.random(len(params.crossing_closed_share)) < (
            params.crossing_closed_share
        )
        dwell = params.dwell_median_h * np.exp(
            params.dwell_sigma * rng.standard_normal(len(params.dwell_sigma))
        )
        # index -1 (no link, no crossing) reads the appended neutral value
        extra_dwell = np.append(dwell - kernel.crossing_dwell_h, 0.0)[kernel.arc_crossing]
        closed = (
            np.append(link_closed, False)[kernel.arc_link]
            | np.append(crossing_closed, False)[kernel.arc_crossing]
        )
        return kernel.time_h + extra_dwell, closed


def sample_range(sampler: Sampler, span: tuple[int, int]) -> dict[str, npt.NDArray[Any]]:
    """Route every O-D in samples ``span[0]`` to ``span[1] - 1``.

    Returns ``first_sample`` and per (sample, O-D) ``time_h`` and ``cost_usd_per_teu``
    (``nan``: no route).
    """
    start, stop = span
    shape = (stop - start, sampler.kernel.n_od)
    time_h, cost = np.empty(shape), np.empty(shape)
    for row, index in enumerate(range(start, stop)):
        arc_time, closed = sampler.network(index)
        solution = sampler.kernel.solve(time_h=arc_time, closed=closed)
        time_h[row], cost[row] = solution.time_h, solution.cost_usd_per_teu
    return {"first_sample": np.array(start), "time_h": time_h, "cost_usd_per_teu": cost}
