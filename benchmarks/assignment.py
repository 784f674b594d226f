"""Benchmark: tripp vs AequilibraE, static user equilibrium on TNTP and synthetic networks.

Run inside the benchmark's own environment (AequilibraE is not a tripp dependency)::

    bash benchmarks/assignment_env.sh                       # once
    benchmarks/.env-aequilibrae/bin/python benchmarks/assignment.py [--repeats 3]
    benchmarks/.env-aequilibrae/bin/python benchmarks/assignment.py --networks grid-200k \\
        --repeats 1 --limit-s 300

Networks: the TNTP files SiouxFalls, Anaheim and BerlinMPFC (``../shared/data/tntp``), and
seeded synthetic ones (:mod:`synthetic`): ``chicago-like`` (a 729-node grid with 387 zones,
the shape of Chicago Sketch: few links per OD), grids of 10,000, 50,000 and 200,000 links
(100, 250 and 500 zones), and ``city-13k`` (a grid whose streets are split by shape nodes
into chains, 12,906 nodes and 27,792 links with 865 zones: a network drawn from map data).

Per network and gap (1e-4, 1e-6) it prints the warm wall time (best of ``--repeats``) of
tripp's default (``auto``), its bfw and gp, and AequilibraE's bfw, each tool's time per
iteration, and the ratio tripp / AequilibraE (``auto`` runs what
:func:`~tripp.assignment.spec.choose_algorithm` picks, so its row is that algorithm's run).
Every run is cut at ``--limit-s`` seconds (an iteration budget from the tool's own time
per iteration over 3 warm iterations): the row then says NOT REACHED and the ratio is a
bound (``<`` when AequilibraE stopped short, ``>`` when tripp did). Also:
whether tripp gp reaches 1e-8 and how long it takes against its own 1e-4 time (unless
``--no-tight``, and when ``--gaps`` starts at 1e-4), flow and
TSTT errors against the best-known flows where TNTP has them, peak memory traced during
a 5-iteration run of each tool, and the threads each uses. Numba compile time is measured
once against an empty cache directory. Both tools compute the same relative gap,
(TSTT − SPTT) / TSTT. AequilibraE gets each two-way road as one link with both
directions (so its own graph compression can merge chains), the TNTP zones as centroids
that block through traffic where the file says so, and a free-flow time of at least 1e-6.
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
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

os.environ.setdefault("AEQ_SHOW_PROGRESS", "FALSE")  # AequilibraE's own switch for its bars
# a fresh Numba cache, so the first call really compiles (reported as compile time)
os.environ.setdefault("NUMBA_CACHE_DIR", tempfile.mkdtemp(prefix="tripp-numba-"))

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from synthetic import grid_case
from tripp.assignment import AssignmentSpec, Demand, assign, load_tntp, read_flows
from tripp.assignment.context import SolveContext
from tripp.assignment.network import AssignmentNetwork
from tripp.assignment.spec import choose_algorithm
from tripp.assignment.vdf_kind import ALPHA, BETA, CAPACITY, T0

DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "tntp"
TNTP = ("SiouxFalls", "Anaheim", "BerlinMPFC")
#: synthetic networks: grid_case(links, zones, shape_nodes=...)
SYNTHETIC = {
    "chicago-like": (2950, 387, 0.0),
    "grid-10k": (10_000, 100, 0.0),
    "grid-50k": (50_000, 250, 0.0),
    "grid-200k": (200_000, 500, 0.0),
    "city-13k": (3900, 865, 6.0),
}
DEFAULT_NETWORKS = (*TNTP, "chicago-like", "grid-10k", "city-13k", "grid-50k")
#: The least free-flow time AequilibraE is given (network time unit); tripp takes zero.
AEQ_MIN_FREE_FLOW_TIME = 1e-6


@dataclass
class Case:
    """A network, its demand, and what AequilibraE needs to build the same problem."""

    name: str
    network: AssignmentNetwork
    demand: Demand
    zone_ids: np.ndarray
    no_through_zones: bool
    best_flow: np.ndarray | None = None


def load_case(name: str) -> Case:
    """A TNTP network from ``DATA`` or a synthetic one from :data:`SYNTHETIC`."""
    if name in SYNTHETIC:
        n_links, n_zones, shape = SYNTHETIC[name]
        grid = grid_case(n_links, n_zones, seed=0, shape_nodes=shape)
        zone_ids = grid.network.node_ids[grid.demand.zone_nodes]
        return Case(name, grid.network, grid.demand, zone_ids, no_through_zones=False)
    folder = DATA / name
    if not folder.is_dir():
        sys.exit(f"{name}: neither a synthetic network nor TNTP data at {folder}")
    network, demand = load_tntp(folder / f"{name}_net.tntp", folder / f"{name}_trips.tntp")
    known = folder / f"{name}_flow.tntp"  # Berlin has no best-known flows
    best = read_flows(known).volume if known.is_file() else None
    zone_ids = network.node_ids[demand.zone_nodes]
    return Case(name, network, demand, zone_ids, bool(network.no_through.any()), best)


def flow_error(flow: np.ndarray, best: np.ndarray | None) -> str:
    """Flow-weighted relative error Σ|x − x*| / Σx* (n/a without best-known flows)."""
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
    """One case set up for AequilibraE's own API (graph built once, outside the timing)."""

    def __init__(self, case: Case) -> None:
        import pandas as pd
        from aequilibrae.matrix import AequilibraeMatrix
        from aequilibrae.paths import Graph

        net = case.network
        tail = net.node_ids[net.tail] + 1  # AequilibraE wants positive ids
        head = net.node_ids[net.head] + 1
        p = net.vdf_params
        values = {
            "free_flow_time": np.maximum(p[T0], AEQ_MIN_FREE_FLOW_TIME),
            "capacity": p[CAPACITY],
            "b": p[ALPHA],
            "power": p[BETA],
        }
        forward, backward, single = _two_way_pairs(tail, head)
        columns: dict[str, Any] = {
            "link_id": np.arange(1, forward.shape[0] + single.shape[0] + 1),
            "a_node": np.concatenate([tail[forward], tail[single]]),
            "b_node": np.concatenate([head[forward], head[single]]),
            "direction": np.concatenate(
                [np.zeros(forward.shape[0], np.int8), np.ones(single.shape[0], np.int8)]
            ),
        }
        for field, value in values.items():
            columns[f"{field}_ab"] = np.concatenate([value[forward], value[single]])
            columns[f"{field}_ba"] = np.concatenate([value[backward], value[single]])
        # which AequilibraE result (link row, AB or BA) each tripp CSR link is
        self.row = np.empty(net.n_links, dtype=np.int64)
        self.ab = np.empty(net.n_links, dtype=np.bool_)
        self.row[forward], self.ab[forward] = np.arange(forward.shape[0]), True
        self.row[backward], self.ab[backward] = np.arange(forward.shape[0]), False
        self.row[single] = forward.shape[0] + np.arange(single.shape[0])
        self.ab[single] = True
        self.order = net.csr.order
        centroids = (case.zone_ids + 1).astype(np.int64)
        graph = Graph()
        graph.network = pd.DataFrame(columns)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            graph.prepare_graph(centroids)
        graph.set_graph("free_flow_time")
        graph.set_skimming([])
        graph.set_blocked_centroid_flows(case.no_through_zones)
        matrix = AequilibraeMatrix()
        matrix.create_empty(zones=centroids.shape[0], matrix_names=["demand"], memory_only=True)
        matrix.index[:] = centroids
        matrix.matrices[:, :, 0] = case.demand.trips
        matrix.computational_view(["demand"])
        self.graph = graph
        self.matrix = matrix
        self.compact = (int(graph.compact_num_nodes), int(graph.compact_num_links))

    def run(self, rgap: float, max_iter: int) -> tuple[float, int, np.ndarray]:
        """(final relative gap, iterations, link flows in tripp's input order)."""
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
        table = assignment.results().sort_index()
        by_row = np.where(
            self.ab, table["PCE_AB"].to_numpy()[self.row], table["PCE_BA"].to_numpy()[self.row]
        )
        flows = np.empty_like(by_row)
        flows[self.order] = by_row
        return float(report["rgap"][-1]), len(report["rgap"]), flows


def _two_way_pairs(tail: np.ndarray, head: np.ndarray) -> tuple[np.ndarray, ...]:
    """``(forward, backward, single)`` link positions: ``forward[i]`` a→b and
    ``backward[i]`` b→a are the two directions of one road (a < b, no parallel link either
    way); ``single`` the links left one-way."""
    key = {}
    count: dict[tuple[int, int], int] = {}
    for i, (a, b) in enumerate(zip(tail.tolist(), head.tolist(), strict=True)):
        key[(a, b)] = i
        count[(a, b)] = count.get((a, b), 0) + 1
    forward, backward = [], []
    for (a, b), i in key.items():
        if a < b and count[(a, b)] == 1 and count.get((b, a)) == 1:
            forward.append(i)
            backward.append(key[(b, a)])
    paired = np.zeros(tail.shape[0], dtype=np.bool_)
    paired[forward] = paired[backward] = True
    return (
        np.array(forward, dtype=np.int64),
        np.array(backward, dtype=np.int64),
        np.flatnonzero(~paired).astype(np.int64),
    )


def _short(reached: bool) -> str:
    return "" if reached else " NOT REACHED"


def _ratio(tripp_s: float, tripp_reached: bool, aeq_s: float, aeq_reached: bool) -> str:
    """tripp's time over AequilibraE's; a bound when one of them stopped short."""
    if tripp_reached and aeq_reached:
        return f"{tripp_s / aeq_s:.3f}"
    if tripp_reached:
        return f"< {tripp_s / aeq_s:.3f}"
    return f"> {tripp_s / aeq_s:.3f}" if aeq_reached else "n/a (neither reached)"


def tstt_error(result: Any, best_tstt: float | None) -> str:
    """Relative TSTT error against the best-known flows' TSTT (n/a without them)."""
    return "n/a" if best_tstt is None else f"{abs(result.tstt / best_tstt - 1):.2e}"


def bench(case: Case, args: argparse.Namespace) -> None:
    """Time both tools on one case and print its rows."""
    net, demand = case.network, case.demand
    ctx = SolveContext(net, demand)
    print(
        f"\n== {case.name}: {net.n_nodes} nodes, {net.n_links} links, "
        f"{demand.trips.shape[0]} zones, {len(ctx.od[2])} OD pairs; tripp searches "
        f"{ctx.search.n_links} links on {ctx.aon.threads} thread(s) =="
    )

    def tripp(algorithm: str, gap: float, max_iterations: int = args.max_iter) -> Any:
        spec = AssignmentSpec(algorithm, gap, max_iterations)
        return assign(net, demand, spec)

    best_tstt = None
    if case.best_flow is not None:
        best = net.csr.from_caller_order(case.best_flow)
        best_tstt = float(np.dot(best, ctx.costs(best)))
    aeq = Aequilibrae(case)
    print(f"AequilibraE compressed graph: {aeq.compact[0]} nodes, {aeq.compact[1]} links")
    # time per iteration of each, from 3 warm iterations: the budgets that cut runs at
    # --limit-s (the first calls also warm both tools up). tripp's 3 iterations come after
    # a first loading of the same cost (an all-or-nothing pass, or gp's first sweep).
    per_iteration = {}
    for label, probe, passes in (
        ("aeq", partial(aeq.run, 1e-12, 3), 3),
        ("bfw", partial(tripp, "bfw", 1e-12, 3), 4),
        ("gp", partial(tripp, "gp", 1e-12, 3), 4),
    ):
        probe()
        per_iteration[label] = best_of(1, probe)[0] / passes

    def budget(label: str) -> int:
        return max(2, min(args.max_iter, int(args.limit_s / per_iteration[label])))

    times_1e4: dict[str, float] = {}
    for gap in args.gaps:
        a_s, (a_gap, a_it, a_flow) = best_of(args.repeats, partial(aeq.run, gap, budget("aeq")))
        a_reached = a_gap <= gap
        print(
            f"gap {gap:.0e}  AequilibraE bfw {a_s:10.4g} s ({a_it:5d} it, "
            f"{1e3 * a_s / a_it:8.2f} ms/it, gap {a_gap:.2e}{_short(a_reached)}, "
            f"flow err {flow_error(a_flow, case.best_flow)})"
        )
        rows = {}
        for algorithm in ("bfw", "gp"):
            rows[algorithm] = best_of(
                args.repeats, partial(tripp, algorithm, gap, budget(algorithm))
            )
        # auto runs exactly what choose_algorithm picks: its row is that algorithm's run
        rows["auto"] = rows[choose_algorithm(gap, len(ctx.od[2]), ctx.search.n_links).value]
        for algorithm in ("auto", "bfw", "gp"):
            t_s, result = rows[algorithm]
            if gap == 1e-4:
                times_1e4[algorithm] = t_s
            ran = f"={result.algorithm}" if algorithm == "auto" else "    "
            print(
                f"gap {gap:.0e}  tripp {algorithm:4s}{ran} "
                f"{t_s:10.4g} s ({result.iterations:5d} it, "
                f"{1e3 * t_s / result.iterations:8.2f} ms/it, gap {result.relative_gap:.2e}"
                f"{_short(result.converged)}, flow err {flow_error(result.flow, case.best_flow)},"
                f" TSTT err {tstt_error(result, best_tstt)})  ratio tripp/AequilibraE "
                f"{_ratio(t_s, result.converged, a_s, a_reached)}"
            )
    if args.tight and args.gaps[0] == 1e-4:
        t8_s, r8 = best_of(args.repeats, partial(tripp, "gp", 1e-8, budget("gp")))
        print(
            f"gap 1e-8  tripp gp   reached={r8.converged} in {t8_s:.4g} s ({r8.iterations} it, "
            f"gap {r8.relative_gap:.2e}) = {t8_s / times_1e4['auto']:.1f}x its 1e-4 time "
            f"(auto), {t8_s / times_1e4['gp']:.1f}x gp's; flow err "
            f"{flow_error(r8.flow, case.best_flow)}"
        )
    print(
        "peak traced memory (MiB), 5 iterations: "
        f"tripp bfw {traced_peak_mib(partial(tripp, 'bfw', 1e-12, 5)):.1f}, "
        f"tripp gp {traced_peak_mib(partial(tripp, 'gp', 1e-12, 5)):.1f}, "
        f"AequilibraE bfw {traced_peak_mib(partial(aeq.run, 1e-12, 5)):.1f}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--max-iter", type=int, default=20000)
    parser.add_argument("--limit-s", type=float, default=300.0)
    parser.add_argument("--gaps", type=float, nargs="+", default=[1e-4, 1e-6])
    parser.add_argument(
        "--no-tight", dest="tight", action="store_false", help="skip tripp gp to 1e-8"
    )
    parser.add_argument("--networks", nargs="+", default=list(DEFAULT_NETWORKS))
    args = parser.parse_args()
    import aequilibrae  # noqa: F401  (fail early outside the benchmark's environment)
    from aequilibrae.parameters import Parameters

    threads = Parameters().parameters["system"]["cpus"]
    print(
        f"CPU cores: {os.cpu_count()}; AequilibraE threads setting {threads} (0: all); "
        f"warm times are best of {args.repeats}"
    )
    started = time.perf_counter()
    tiny = grid_case(200, 10, seed=1)
    assign(tiny.network, tiny.demand, AssignmentSpec("bfw", 1e-4))
    assign(tiny.network, tiny.demand, AssignmentSpec("gp", 1e-4))
    print(f"tripp Numba compile (empty cache, bfw + gp): {time.perf_counter() - started:.1f} s")
    for name in args.networks:
        bench(load_case(name), args)
    peak_rss_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"\nprocess peak RSS (both tools, all runs): {peak_rss_mib:.0f} MiB")


if __name__ == "__main__":
    main()
