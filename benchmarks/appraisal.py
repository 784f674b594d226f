"""Benchmark: ``tripp appraise`` on the embedded atlas, deterministic and with 1,000
Monte Carlo samples, each in a fresh process.

The peer, measured in the same runs on the same (possibly busy) machine, is what any
appraisal of these scenarios must do anyway: the model runs alone — the two route-choice
assignments and the two energy solves on the scenario's year and demand. The ratio
``appraisal / model runs`` is tripp's own overhead (ledgers, cash flows, tornado,
switching values); the sampled run adds the Dask cluster's start-up and the draws. Times
are seconds measured inside the child (interpreter start-up left out); the script prints
each run and the medians. Usage: ``.venv/bin/python benchmarks/appraisal.py [--runs 3]
[--samples 1000] [--workers 2]``.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys

SETUP = """
import json, logging, time
logging.disable(logging.WARNING)
t0 = time.perf_counter()
import tripp
from tripp.appraisal.network import as_of
atlas = tripp.load_atlas()
base = tripp.scenario(atlas, "baseline-2025")
other = tripp.scenario(atlas, "tripp-2030")
t1 = time.perf_counter()
"""

MODEL_RUNS = (
    SETUP
    + """
from tripp.energy_model.api import solve_energy
from tripp.freight.scenario import assign
frozen = as_of(base)
for network in (frozen, other):
    assign(network, year=other.year, demand_year=other.demand_year)
    solve_energy(network.atlas, year=other.year)
t2 = time.perf_counter()
print(json.dumps({{"load_s": t1 - t0, "run_s": t2 - t1, "total_s": t2 - t0}}))
"""
)

APPRAISAL = (
    SETUP
    + """
result = tripp.appraise(other, against=base, samples={samples}, seed=1, workers={workers})
t2 = time.perf_counter()
print(json.dumps({{"load_s": t1 - t0, "run_s": t2 - t1, "total_s": t2 - t0,
                  "npv_usd": result.npv_usd,
                  "p50_npv_usd": None if result.risk is None else result.risk["p50_npv_usd"]}}))
"""
)


def _child(code: str) -> dict[str, float]:
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def main() -> None:
    """Run the benchmark and print each run and the medians."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--samples", type=int, default=1000)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    rows = []
    for run in range(args.runs):
        peer = _child(MODEL_RUNS.format())
        plain = _child(APPRAISAL.format(samples=0, workers=args.workers))
        sampled = _child(APPRAISAL.format(samples=args.samples, workers=args.workers))
        row = {
            "model_runs_s": peer["run_s"],
            "appraise_s": plain["run_s"],
            "appraise_sampled_s": sampled["run_s"],
            "ratio_appraise_to_model_runs": plain["run_s"] / peer["run_s"],
            "load_s": plain["load_s"],
        }
        rows.append(row)
        print(f"run {run + 1}: " + ", ".join(f"{k} {v:.2f}" for k, v in row.items()), flush=True)
    print(
        "median: "
        + ", ".join(f"{k} {statistics.median(r[k] for r in rows):.2f}" for k in rows[0])
        + f" (samples {args.samples}, workers {args.workers}, NPV {plain['npv_usd'] / 1e6:,.0f} "
        f"USD million, P50 {sampled['p50_npv_usd'] / 1e6:,.0f})"
    )


if __name__ == "__main__":
    main()
