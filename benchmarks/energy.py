"""Benchmark: build and solve the energy model of the embedded atlas in a fresh process.

Each run is a new Python process, so the time includes ``import pypsa`` (the target is
under 5 s). Links without capacity are taken as unbounded, as ``--missing-capacity
unbounded`` does. Usage: ``.venv/bin/python benchmarks/energy.py [--runs 3] [--scenario NAME]``.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys

CHILD = """
import json, time
t0 = time.perf_counter()
import tripp
from tripp.energy import EnergySettings, MissingCapacity, solve_energy
from tripp.scenarios import apply_scenario, load_scenario
base = tripp.load_atlas()
scenario = load_scenario({scenario!r}, base)
atlas = apply_scenario(base, scenario)
t1 = time.perf_counter()
import pypsa
t2 = time.perf_counter()
result = solve_energy(atlas, year=scenario.year,
                      settings=EnergySettings(missing_capacity=MissingCapacity.UNBOUNDED))
t3 = time.perf_counter()
print(json.dumps({{"atlas_s": t1 - t0, "import_pypsa_s": t2 - t1, "build_solve_s": t3 - t2,
                  "total_s": t3 - t0, "links": len(result.links),
                  "demands": len(result.demands)}}))
"""


def main() -> None:
    """Run the child ``--runs`` times and print each run and the median total."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--scenario", default="baseline-2025")
    args = parser.parse_args()
    totals = []
    for run in range(args.runs):
        done = subprocess.run(
            [sys.executable, "-c", CHILD.format(scenario=args.scenario)],
            capture_output=True,
            text=True,
            check=True,
        )
        figures = json.loads(done.stdout.strip().splitlines()[-1])
        totals.append(figures["total_s"])
        shown = ", ".join(
            f"{k} {v:.2f}" if isinstance(v, float) else f"{k} {v}" for k, v in figures.items()
        )
        print(f"run {run + 1}: {shown}")
    print(f"median total {statistics.median(totals):.2f} s (target < 5 s)")


if __name__ == "__main__":
    main()
