"""Benchmark: tripp vs AequilibraE, static user equilibrium on SiouxFalls, Anaheim and Berlin.

Run inside the benchmark's own environment (AequilibraE is not a tripp dependency)::

    bash benchmarks/assignment_env.sh                       # once
    benchmarks/.env-aequilibrae/bin/python benchmarks/assignment.py [--repeats 3]

Per network it prints the warm wall time (best of ``--repeats``) of each tool to reach
relative gap 1e-4 and 1e-6 (both with bfw, and tripp's gp), the ratio, whether tripp reaches
1e-8 and how long it takes, what AequilibraE reaches when given 10× that time (as an
iteration budget from its own time per iteration), the flow error against the best-known
flows, and peak traced memory (tracemalloc, separate untimed runs). tripp's Numba compile
time is measured separately, against an empty cache directory. Both tools compute the same
relative gap, (TSTT − SPTT) / TSTT.
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import tempfile
import time
import tracemalloc
import warnings
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

# a fresh Numba cache, so the first call really compiles (reported as compile time)
os.environ.setdefault("AEQ_SHOW_PROGRESS", "FALSE")  # AequilibraE's own switch for its bars
os.environ.setdefault("NUMBA_CACHE_DIR", tempfile.mkdtemp(prefix="tripp-numba-"))

import numpy as np

from tripp.assignment import AssignmentSpec, assign, load_tntp, read_flows, read_net, read_trips

DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "tntp"
NETWORKS = ("SiouxFalls", "Anaheim", "BerlinMPFC")
#: The least free-flow time AequilibraE is given (network time unit); tripp takes zero.
AEQ_MIN_FREE_FLOW_TIME = 1e-6


def flow_error(flow: np.ndarray, best: np.ndarray | None) -> str:
    """Flow-weighted relative error Σ|x − x*| / Σx*, as a percentage (n/a without best-known
    flows)."""
    if best is None:
        return "n/a"
    return f"{float(np.abs(flow - best).sum() / best.sum()):.3%}"


def best_of(repeats: int, run: Callable[[], Any]) -> tuple[float, Any]:
    """Minimum wall time over ``repeats`` runs, and the last run's result."""
    times = []
    result = None
    for _ in range(repeats):
        started = time.perf_counter()
        result = run()
        times.append(time.perf_counter() - started)
    return min(times), result


def traced_peak_mib(run: Callable[[], Any]) -> float:
    """Peak memory traced by tracemalloc during ``run`` (MiB)."""
    tracemalloc.start()
    run()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak / 2**20


class Aequilibrae:
    """One network set up for AequilibraE's own API (graph built once, outside the timing)."""

    def __init__(self, name: str) -> None:
        import pandas as pd
        from aequilibrae.matrix import AequilibraeMatrix
        from aequilibrae.paths import Graph

        net = read_net(DATA / name / f"{name}_net.tntp")
        trips = read_trips(DATA / name / f"{name}_trips.tntp")
        links = pd.DataFrame(
            {
                "link_id": np.arange(1, net.init_node.shape[0] + 1),
                "a_node": net.init_node,
                "b_node": net.term_node,
                "direction": np.ones(net.init_node.shape[0], dtype=np.int8),
                # AequilibraE refuses zero times (Berlin has some): a floor of 1e-6 min
                "free_flow_time": np.maximum(net.free_flow_time, AEQ_MIN_FREE_FLOW_TIME),
                "capacity": net.capacity,
                "b": net.b,
                "power": net.power,
            }
        )
        centroids = np.arange(1, net.n_zones + 1, dtype=np.int64)
        graph = Graph()
        graph.network = links
        graph.prepare_graph(centroids)
        graph.set_graph("free_flow_time")
        graph.set_skimming([])
        graph.set_blocked_centroid_flows(net.first_thru_node > 1)
        matrix = AequilibraeMatrix()
        matrix.create_empty(zones=net.n_zones, matrix_names=["demand"], memory_only=True)
        matrix.index[:] = centroids
        matrix.matrices[:, :, 0] = trips.trips
        matrix.computational_view(["demand"])
        self.graph = graph
        self.matrix = matrix

    def run(self, rgap: float, max_iter: int) -> tuple[float, int, np.ndarray]:
        """(final relative gap, iterations, link flows by link_id order)."""
        from aequilibrae.paths import TrafficAssignment, TrafficClass

        assignment = TrafficAssignment()
        assignment.set_classes([TrafficClass("car", self.graph, self.matrix)])
        assignment.set_vdf("BPR")
        assignment.set_vdf_parameters({"alpha": "b", "beta": "power"})
        assignment.set_capacity_field("capacity")
        assignment.set_time_field("free_flow_time")
        assignment.set_algorithm("bfw")
        assignment.max_iter = max_iter
        assignment.rgap_target = rgap
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            assignment.execute()
        report = assignment.assignment.convergence_report
        flows = assignment.results().sort_index()["PCE_AB"].to_numpy()
        return float(report["rgap"][-1]), len(report["rgap"]), flows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--max-iter", type=int, default=20000)
    parser.add_argument("--networks", nargs="+", default=list(NETWORKS))
    args = parser.parse_args()
    if not DATA.is_dir():
        sys.exit(f"TNTP data not found at {DATA}")
    print(f"CPU cores: {os.cpu_count()}; warm times are best of {args.repeats}")
    for name in args.networks:
        network, demand = load_tntp(
            DATA / name / f"{name}_net.tntp", DATA / name / f"{name}_trips.tntp"
        )
        known = DATA / name / f"{name}_flow.tntp"  # Berlin has no best-known flows
        best = read_flows(known).volume if known.is_file() else None

        def tripp(algorithm: str, gap: float, net: Any = network, dem: Any = demand) -> Any:
            spec = AssignmentSpec(algorithm=algorithm, target_gap=gap, max_iterations=args.max_iter)
            return assign(net, dem, spec)

        print(f"\n== {name}: {network.n_links} links, {network.n_nodes} nodes ==")
        started = time.perf_counter()
        tripp("bfw", 1e-4)
        tripp("gp", 1e-4)
        compile_s = time.perf_counter() - started
        print(f"tripp first calls (Numba compile, empty cache): {compile_s:.2f} s")

        aeq = Aequilibrae(name)
        aeq.run(1e-2, args.max_iter)  # warm-up, untimed
        rows = []
        for gap in (1e-4, 1e-6):
            a_s, (a_gap, a_it, a_flow) = best_of(args.repeats, partial(aeq.run, gap, args.max_iter))
            for algorithm in ("bfw", "gp"):
                t_s, result = best_of(args.repeats, partial(tripp, algorithm, gap))
                rows.append(
                    f"gap {gap:.0e}  tripp {algorithm:3s} {t_s * 1e3:9.1f} ms "
                    f"({result.iterations:5d} it, gap {result.relative_gap:.2e}, "
                    f"flow err {flow_error(result.flow, best)})   "
                    f"AequilibraE bfw {a_s * 1e3:9.1f} ms ({a_it:5d} it, gap {a_gap:.2e}, "
                    f"flow err {flow_error(a_flow, best)})   ratio tripp/AequilibraE "
                    f"{t_s / a_s:.3f}"
                )
            if gap == 1e-6:
                aeq_per_iteration = a_s / a_it
        print("\n".join(rows))

        t8_s, r8 = best_of(args.repeats, lambda: tripp("gp", 1e-8))
        print(
            f"gap 1e-8  tripp gp  reached={r8.converged} in {t8_s * 1e3:.1f} ms "
            f"({r8.iterations} it, gap {r8.relative_gap:.2e}, "
            f"flow err {flow_error(r8.flow, best)})"
        )
        budget = max(1, min(args.max_iter, int(10 * t8_s / aeq_per_iteration)))
        started = time.perf_counter()
        a8_gap, _, _ = aeq.run(1e-8, budget)
        a8_s = time.perf_counter() - started
        print(
            f"gap 1e-8  AequilibraE bfw given 10x tripp's time ({budget} it): "
            f"reached={a8_gap <= 1e-8}, gap {a8_gap:.2e} after {a8_s * 1e3:.1f} ms"
        )
        print(
            "peak traced memory (MiB) to 1e-6: "
            f"tripp bfw {traced_peak_mib(lambda: tripp('bfw', 1e-6)):.2f}, "
            f"tripp gp {traced_peak_mib(lambda: tripp('gp', 1e-6)):.2f}, "
            f"AequilibraE bfw {traced_peak_mib(partial(aeq.run, 1e-6, args.max_iter)):.2f}"
        )
    peak_rss_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"\nprocess peak RSS (both tools, all runs): {peak_rss_mib:.0f} MiB")


if __name__ == "__main__":
    main()
