"""Routing benchmark: in-process latency and command cold start (not a timed unit test).

In-process: p50 and p99 of ``tripp.route`` over random O-D pairs of the atlas (targets:
p50 under 2 ms) with the kernel ``auto`` picks for the graph (``tripp_route``) and with the
compiled one a server asks for (``tripp_route_compiled``), beside a peer — NetworkX's
Dijkstra on the same compiled graph — in the same run, so the ratio is meaningful on a
noisy shared machine.
Cold start: wall time of ``tripp route`` as a new process (target under 1 s), beside
``python -c pass`` and ``python -c "import numpy, scipy.sparse.csgraph"``.

Run: ``.venv/bin/python benchmarks/routing.py [--pairs 1000] [--atlas DIR] [--json FILE]``
"""

from __future__ import annotations

import argparse
import contextlib
import json
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

import tripp
from tripp.errors import NoRouteError
from tripp.graph.paths import Kernel
from tripp.routing.route import prepare


def percentile(values: list[float], q: float) -> float:
    return float(np.percentile(np.asarray(values), q))


def freight_places(graph: tripp.Graph) -> list[str]:
    """Places with at least one freight link (energy-only places cannot be routed to)."""
    modes = {"rail", "road", "ferry", "sea"}
    used = {
        end
        for link in graph.atlas.links
        if link.mode in modes
        for end in (link.from_node, link.to_node)
    }
    return [node_id for node_id in graph.node_ids if node_id in used]


def in_process(graph: tripp.Graph, pairs: int, seed: int, kernel: Kernel) -> dict[str, float]:
    rng = random.Random(seed)
    ids = freight_places(graph)
    timings_ms, failures = [], 0
    for _ in range(pairs):
        origin, destination = rng.sample(ids, 2)
        start = time.perf_counter()
        try:
            tripp.route(graph, origin, destination, year=2030, kernel=kernel)
        except NoRouteError:
            failures += 1
        timings_ms.append((time.perf_counter() - start) * 1000)
    return {
        "pairs": pairs,
        "no_route": failures,
        "p50_ms": percentile(timings_ms, 50),
        "p99_ms": percentile(timings_ms, 99),
        "mean_ms": statistics.fmean(timings_ms),
    }


def networkx_peer(graph: tripp.Graph, pairs: int, seed: int) -> dict[str, float] | None:
    try:
        import networkx as nx
    except ImportError:
        return None
    usable = graph.available_from_year <= 2030
    g = nx.DiGraph()
    for tail, head, weight in zip(
        graph.tail[usable], graph.head[usable], graph.time_h[usable], strict=True
    ):
        g.add_edge(int(tail), int(head), weight=float(weight))
    rng = random.Random(seed)
    ids = [graph.node_index(n) for n in freight_places(graph)]
    timings_ms = []
    for _ in range(pairs):
        a, b = rng.sample(ids, 2)
        source, target = int(graph.start_state[a]), int(graph.end_state[b])
        start = time.perf_counter()
        with contextlib.suppress(nx.NetworkXNoPath, nx.NodeNotFound):
            nx.dijkstra_path(g, source, target, weight="weight")
        timings_ms.append((time.perf_counter() - start) * 1000)
    return {"p50_ms": percentile(timings_ms, 50), "p99_ms": percentile(timings_ms, 99)}


def cold_start(command: list[str], runs: int) -> float:
    """Median wall time in seconds of ``command`` as a fresh process."""
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(command, check=False, capture_output=True)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pairs", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=7, help="cold-start repetitions")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--atlas", type=Path, default=None)
    parser.add_argument("--json", type=Path, default=None, help="also write figures here")
    args = parser.parse_args()

    atlas = tripp.load_atlas(args.atlas)
    graph = tripp.compile(atlas)
    figures: dict[str, object] = {"graph": repr(graph)}
    figures["tripp_route"] = in_process(graph, args.pairs, args.seed, Kernel.AUTO)
    prepare(graph, kernel=Kernel.COMPILED)  # load Numba before timing
    figures["tripp_route_compiled"] = in_process(graph, args.pairs, args.seed, Kernel.COMPILED)
    figures["networkx_dijkstra_peer"] = networkx_peer(graph, args.pairs, args.seed)
    exe = str(Path(sys.executable).with_name("tripp"))
    atlas_args = ["--atlas", str(args.atlas)] if args.atlas else []
    first, second = graph.node_ids[0], graph.node_ids[-1]
    figures["cold_start_s"] = {
        "tripp_route": cold_start([exe, "route", first, second, *atlas_args], args.runs),
        "python_pass": cold_start([sys.executable, "-c", "pass"], args.runs),
        "python_import_numpy_scipy": cold_start(
            [sys.executable, "-c", "import numpy, scipy.sparse.csgraph"], args.runs
        ),
    }
    print(json.dumps(figures, indent=2))
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
