"""Benchmark: where an assignment iteration's time goes as networks grow (issue 21, item 1).

On seeded synthetic grids (:mod:`benchmarks.synthetic`) of about 10,000, 50,000 and 200,000
links, runs tripp's bfw for a fixed number of iterations and splits the wall time of the run
into the all-or-nothing passes (one shortest-path tree per origin and the loading of its
demand, :func:`tripp.assignment.kernels.all_or_nothing`), the line searches, and the rest
(costs, conjugate directions, gap bookkeeping). Each figure is per iteration, in seconds;
``per_tree_us`` is the all-or-nothing time per origin and iteration, and ``ns_per_link_tree``
that time per link, which stays flat if a tree costs O(links) (it grows with log(nodes)
under a binary heap). Numba compiles before the timed runs. Each size runs on one thread
and on every core (``--threads 1 0``). Usage: ``.venv/bin/python
benchmarks/assignment_profile.py [--iterations 10] [--sizes 10000 50000] [--threads 1 0]``.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import tripp.assignment.context as context
import tripp.assignment.frank_wolfe as frank_wolfe
from synthetic import grid_case
from tripp.assignment import AssignmentSpec, assign

#: Zones of each grid size: city-like ratios (a zone per ~100-250 links).
ZONES = {10_000: 100, 50_000: 250, 200_000: 500}


class Timer:
    """Accumulates the wall time of the functions it wraps, by name."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}
        self.calls: dict[str, int] = {}

    def wrap(self, name: str, function: Callable[..., Any]) -> Callable[..., Any]:
        def timed(*args: Any, **kwargs: Any) -> Any:
            started = time.perf_counter()
            try:
                return function(*args, **kwargs)
            finally:
                self.seconds[name] = self.seconds.get(name, 0.0) + time.perf_counter() - started
                self.calls[name] = self.calls.get(name, 0) + 1

        return timed


def profile(n_links: int, iterations: int, threads: int | None) -> dict[str, float]:
    """Per-iteration seconds of a bfw run of ``iterations`` on the ``n_links`` grid, its
    all-or-nothing passes on at most ``threads`` threads (None: every core)."""
    case = grid_case(n_links, ZONES.get(n_links, max(2, n_links // 200)), seed=0)
    spec = AssignmentSpec(
        algorithm="bfw", max_iterations=iterations, target_gap=1e-12, threads=threads
    )
    assign(case.network, case.demand, AssignmentSpec(max_iterations=2, threads=threads))
    timer = Timer()
    originals = (context.all_or_nothing, context.shortest_path_total, frank_wolfe.line_search)
    context.all_or_nothing = timer.wrap("aon", originals[0])
    context.shortest_path_total = timer.wrap("sptt", originals[1])
    frank_wolfe.line_search = timer.wrap("line_search", originals[2])
    try:
        started = time.perf_counter()
        result = assign(case.network, case.demand, spec)
        total = time.perf_counter() - started
    finally:
        context.all_or_nothing, context.shortest_path_total, frank_wolfe.line_search = originals
    done = max(1, result.iterations)
    trees = timer.calls.get("aon", 0) * case.demand.trips.shape[0]
    aon = timer.seconds.get("aon", 0.0) + timer.seconds.get("sptt", 0.0)
    return {
        "links": float(case.network.n_links),
        "nodes": float(case.network.n_nodes),
        "zones": float(case.demand.trips.shape[0]),
        "iterations": float(done),
        "total_s_per_it": total / done,
        "aon_s_per_it": aon / done,
        "line_search_s_per_it": timer.seconds.get("line_search", 0.0) / done,
        "other_s_per_it": (total - aon - timer.seconds.get("line_search", 0.0)) / done,
        "per_tree_us": 1e6 * timer.seconds.get("aon", 0.0) / max(1, trees),
        "ns_per_link_tree": 1e9
        * timer.seconds.get("aon", 0.0)
        / max(1, trees)
        / case.network.n_links,
    }


def main() -> None:
    """Profile each size and print one line per grid."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--iterations", type=int, default=10)
    parser.add_argument("--sizes", type=int, nargs="+", default=sorted(ZONES))
    parser.add_argument("--threads", type=int, nargs="+", default=[1, 0], help="0: every core")
    args = parser.parse_args()
    for size in args.sizes:
        for threads in args.threads:
            _print(profile(size, args.iterations, threads or None), threads)


def _print(row: dict[str, float], threads: int) -> None:
    share = row["aon_s_per_it"] / row["total_s_per_it"]
    print(
        f"{int(row['links']):>7} links {int(row['nodes']):>6} nodes "
        f"{int(row['zones']):>4} zones, threads {threads or 'all'}: "
        f"{row['total_s_per_it']:.3f} s/it — all-or-nothing {row['aon_s_per_it']:.3f} "
        f"({share:.0%}), line search {row['line_search_s_per_it']:.4f}, rest "
        f"{row['other_s_per_it']:.4f}; {row['per_tree_us']:,.0f} µs per tree (wall), "
        f"{row['ns_per_link_tree']:.1f} ns per link and tree",
        flush=True,
    )


if __name__ == "__main__":
    main()
