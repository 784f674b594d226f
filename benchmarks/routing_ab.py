"""Route latency and cold start of two revisions of tripp, measured in one run.

Checks out ``--before`` (a commit, default ``HEAD~1``) in a temporary git worktree and times,
for it and for this working tree, interleaved so that both see the same machine load:

* in-process: p50 and p99 of ``tripp.route`` over seeded random O-D pairs of the embedded
  atlas (year 2030), the best of ``--rounds`` rounds;
* cold start: median wall time of a new Python process running ``tripp route Baku Kars``
  through each revision's own command-line entry point.

Both revisions run on this virtual environment's packages, with their own ``src`` first on
``PYTHONPATH``. Prints JSON with the figures and the after/before ratios.

Run: ``.venv/bin/python benchmarks/routing_ab.py [--before REV] [--pairs 1000] [--rounds 3]``
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

#: Runs in a child process: route latency in ms over seeded pairs, as JSON.
IN_PROCESS = """
import json, random, sys, time
import numpy as np
import tripp
graph = tripp.compile(tripp.load_atlas())
freight = {"rail", "road", "ferry", "sea"}
used = {e for l in graph.atlas.links if l.mode in freight for e in (l.from_node, l.to_node)}
ids = [n for n in graph.node_ids if n in used]
rng = random.Random(1)
times = []
for _ in range(int(sys.argv[1])):
    origin, destination = rng.sample(ids, 2)
    start = time.perf_counter()
    try:
        tripp.route(graph, origin, destination, year=2030)
    except tripp.NoRouteError:
        pass
    times.append((time.perf_counter() - start) * 1000)
print(json.dumps({"p50_ms": float(np.percentile(times, 50)),
                  "p99_ms": float(np.percentile(times, 99))}))
"""

#: Runs in a child process: the revision's own ``tripp route`` entry point.
COLD_START = """
import importlib, sys
sys.argv = ["tripp", "route", "Baku", "Kars", "--format", "json"]
try:
    main = importlib.import_module("tripp.cli.main").main
except ModuleNotFoundError:
    main = importlib.import_module("tripp.cli").main
main()
"""


def child_env(src: Path) -> dict[str, str]:
    """This environment with ``src`` first on ``PYTHONPATH``."""
    return {**os.environ, "PYTHONPATH": str(src)}


def in_process(src: Path, pairs: int) -> dict[str, float]:
    result = subprocess.run(
        [sys.executable, "-c", IN_PROCESS, str(pairs)],
        env=child_env(src),
        capture_output=True,
        text=True,
        check=True,
    )
    figures: dict[str, float] = json.loads(result.stdout)
    return figures


def cold_start_s(src: Path) -> float:
    start = time.perf_counter()
    subprocess.run(
        [sys.executable, "-c", COLD_START], env=child_env(src), capture_output=True, check=True
    )
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--before", default="HEAD~1", help="the earlier revision")
    parser.add_argument("--pairs", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=3, help="in-process rounds per revision")
    parser.add_argument("--runs", type=int, default=15, help="cold starts per revision")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        before = Path(scratch) / "before"
        subprocess.run(
            ["git", "-C", str(ROOT), "worktree", "add", "--detach", str(before), args.before],
            check=True,
            capture_output=True,
        )
        try:
            trees = {"before": before / "src", "after": ROOT / "src"}
            latency: dict[str, list[dict[str, float]]] = {name: [] for name in trees}
            starts: dict[str, list[float]] = {name: [] for name in trees}
            for _ in range(args.rounds):
                for name, src in trees.items():
                    latency[name].append(in_process(src, args.pairs))
            for _ in range(args.runs):
                for name, src in trees.items():
                    starts[name].append(cold_start_s(src))
        finally:
            subprocess.run(
                ["git", "-C", str(ROOT), "worktree", "remove", "--force", str(before)],
                check=True,
                capture_output=True,
            )
    figures: dict[str, dict[str, float]] = {
        name: {
            "p50_ms": min(r["p50_ms"] for r in latency[name]),
            "p99_ms": min(r["p99_ms"] for r in latency[name]),
            "cold_start_median_s": statistics.median(starts[name]),
        }
        for name in ("before", "after")
    }
    figures["after_over_before"] = {
        key: figures["after"][key] / figures["before"][key] for key in figures["after"]
    }
    print(json.dumps({"before": args.before, **figures}, indent=2))


if __name__ == "__main__":
    main()
