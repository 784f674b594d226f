"""Benchmark: routing-only Monte Carlo samples per second per core, and 1 → 2 worker scaling.

    .venv/bin/python benchmarks/resilience.py [--samples 10000] [--scenario baseline-2025]

One sample = draw closures and border dwells for every link and crossing of the atlas, then
re-route every demand O-D of the scenario (one multi-source Dijkstra + path sums). Reported:

1. in-process: one core, no Dask (the kernel's own speed);
2. two plain processes at once (no Dask): the machine's own scaling ceiling;
3. Dask LocalCluster with 1 and 2 worker processes: cluster start-up, then the steady rate
   over the whole sweep (samples / wall / workers), and the scaling efficiency
   rate(2) / (2 × rate(1));
4. the end-to-end ``reliability()`` call with 2 workers, start-up and all.

The load average is printed before and after: other processes on a shared machine lower
every figure, the scaling ones most.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import time

from tripp.atlas.io import load_atlas
from tripp.atlas.reliability import load_params
from tripp.resilience.kernel import build_kernel, od_pairs
from tripp.resilience.reliability import CHUNK_SAMPLES, reliability
from tripp.resilience.runner import dask_client, run_tasks
from tripp.resilience.sampling import Sampler, sample_range
from tripp.scenarios.exposure import demand_year_for
from tripp.scenarios.network import scenario_network


def make_sampler(scenario: str) -> Sampler:
    network = scenario_network(load_atlas(), scenario)
    year = network.year
    ods = od_pairs(network.atlas, demand_year_for(network.atlas, year))
    kernel = build_kernel(network.graph, ods, year=year)
    return Sampler(kernel, load_params(None, network.atlas), seed=1)


def in_process_rate(scenario: str, samples: int) -> float:
    sampler = make_sampler(scenario)
    sample_range(sampler, (0, 50))  # warm caches and imports
    started = time.perf_counter()
    sample_range(sampler, (0, samples))
    return samples / (time.perf_counter() - started)


def dask_rate(sampler: Sampler, workers: int, samples: int) -> tuple[float, float]:
    """(cluster start-up s, samples per second per worker) for a sweep of ``samples``."""
    started = time.perf_counter()
    with dask_client(workers=workers) as client:
        startup = time.perf_counter() - started
        warm = [(0, 10)] * workers
        run_tasks(client, sampler, sample_range, warm, on_done=lambda i, r: None, name="warm")
        spans = [(a, min(a + CHUNK_SAMPLES, samples)) for a in range(0, samples, CHUNK_SAMPLES)]
        began = time.perf_counter()
        run_tasks(client, sampler, sample_range, spans, on_done=lambda i, r: None, name="bench")
        wall = time.perf_counter() - began
    return startup, samples / wall / workers


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--samples", type=int, default=10_000)
    parser.add_argument("--scenario", default="baseline-2025")
    args = parser.parse_args()
    print(f"cores: {os.cpu_count()}, load average before: {os.getloadavg()}")
    sampler = make_sampler(args.scenario)
    print(
        f"scenario {args.scenario}: {sampler.kernel.n_states} states, "
        f"{len(sampler.kernel.head)} arcs, {sampler.kernel.n_od} O-D pairs, "
        f"{len(sampler.kernel.sources)} origins"
    )
    one = in_process_rate(args.scenario, args.samples // 4)
    print(f"in-process, 1 core: {one:,.0f} samples/s")
    with multiprocessing.get_context("spawn").Pool(2) as pool:
        pair = pool.starmap(in_process_rate, [(args.scenario, args.samples // 4)] * 2)
    print(
        f"2 plain processes at once: {sum(pair):,.0f} samples/s in all "
        f"(machine scaling {sum(pair) / (2 * one):.0%})"
    )
    rates = {}
    for workers in (1, 2):
        startup, rate = dask_rate(sampler, workers, args.samples)
        rates[workers] = rate
        print(
            f"Dask, {workers} worker(s): start-up {startup:.1f} s, "
            f"{rate:,.0f} samples/s per core, {args.samples / rate / workers:.1f} s for "
            f"{args.samples:,} samples"
        )
    print(f"Dask scaling 1 → 2 workers: {rates[2] / rates[1]:.0%} (per-core rate ratio)")
    network = scenario_network(load_atlas(), args.scenario)
    started = time.perf_counter()
    reliability(network, samples=args.samples, seed=1, workers=2)
    print(
        f"reliability(), {args.samples:,} samples, 2 workers, end to end: "
        f"{time.perf_counter() - started:.1f} s"
    )
    print(f"load average after: {os.getloadavg()}")


if __name__ == "__main__":
    main()
