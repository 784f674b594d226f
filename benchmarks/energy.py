"""Benchmark: build and solve the energy model of the embedded atlas in a fresh process.

Each run is a new Python process, so the time includes ``import pypsa`` (the target is
under 5 s). Links without capacity are taken as unbounded, as ``--missing-capacity
unbounded`` does. Each run also times a bare ``import pypsa`` in a second fresh process,
as a peer measured on the same, possibly busy, machine at the same moment (the two go in
alternating order). All times are in seconds, measured inside the child, so interpreter
start-up is left out. Besides each run it prints the medians of tripp's total, its build
and solve, the bare import, tripp's own part (its total minus its own ``import pypsa``)
and the ratio of tripp's total to the bare import (the median of the per-run ratios).
Usage: ``.venv/bin/python benchmarks/energy.py [--runs 3] [--scenario NAME]``.
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
from tripp.energy_model import EnergySettings, MissingCapacity, solve_energy
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

BARE = """
import json, time
t0 = time.perf_counter()
import pypsa
print(json.dumps({"bare_import_pypsa_s": time.perf_counter() - t0}))
"""


def _child(code: str) -> dict[str, float | int]:
    """Run ``code`` in a fresh interpreter and return the JSON figures it prints last."""
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    figures: dict[str, float | int] = json.loads(done.stdout.strip().splitlines()[-1])
    return figures


def main() -> None:
    """Run tripp's child and a bare ``import pypsa`` ``--runs`` times; print each and medians."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--scenario", default="baseline-2025")
    args = parser.parse_args()
    tripp_code = CHILD.format(scenario=args.scenario)
    rows: list[dict[str, float | int]] = []
    for run in range(args.runs):
        if run % 2:  # alternate which goes first, so neither always gets the warmer cache
            bare = _child(BARE)
            figures = _child(tripp_code)
        else:
            figures = _child(tripp_code)
            bare = _child(BARE)
        figures.update(bare)
        rows.append(figures)
        shown = ", ".join(
            f"{k} {v:.2f}" if isinstance(v, float) else f"{k} {v}" for k, v in figures.items()
        )
        print(f"run {run + 1}: {shown}")

    def median(key: str) -> float:
        return statistics.median(float(r[key]) for r in rows)

    own = statistics.median(float(r["total_s"]) - float(r["import_pypsa_s"]) for r in rows)
    ratio = statistics.median(float(r["total_s"]) / float(r["bare_import_pypsa_s"]) for r in rows)
    print(f"median build_solve {median('build_solve_s'):.2f} s")
    print(f"median bare import pypsa {median('bare_import_pypsa_s'):.2f} s")
    print(f"median tripp's own part (total minus its import pypsa) {own:.2f} s")
    print(f"median ratio tripp total / bare import pypsa {ratio:.2f}")
    print(f"median total {median('total_s'):.2f} s (target < 5 s)")


if __name__ == "__main__":
    main()
