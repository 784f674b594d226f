"""OSM import benchmark: a country-sized synthetic extract through ``tripp import osm``,
then loading, compiling and routing on the imported atlas (not a timed unit test).

Targets (issue 22): import ≥ 1 M ways and 10 M nodes in ≤ 60 s and ≤ 4 GB peak on 2 cores;
routing p50 on the imported ~1 M-link graph under 50 ms; compile time and memory reported.

1. The extract is written by :mod:`osm_synthetic` with pyosmium's SimpleWriter (lines over
   the Türkiye–Georgia–Armenia–Azerbaijan borders, dropped residential/service ways and
   sidings, ferries, stations, degree-2 chains) and cached in ``benchmarks/.cache/``.
2. ``tripp import osm FILE --out DIR --force --format json`` runs as a child process held
   to ``--cores`` CPUs: wall time, the child's peak RSS (``getrusage(RUSAGE_CHILDREN)`` in
   a wrapper process of its own) and the counts it prints.
3. The peers, in the same run where ``bash benchmarks/osm_env.sh`` installed them
   (``benchmarks/.env-osm``): pyrosm on the PBF, osmnx on OSM XML converted from it with
   pyosmium (the conversion is not counted), each held to the same CPUs, with an address
   space limit (``--peer-memory-gb``) and a time limit; a peer that is missing or fails
   is reported with the reason.
4. A fresh process loads the imported folder, compiles it (time, peak RSS after each) and
   times ``tripp.route`` between seeded random pairs of imported places (one warm-up, then
   ``--pairs``): p50 and p90, with the graph's links, states and arcs.

Prints a Markdown table. Run:
``.venv/bin/python benchmarks/osm_import.py [--ways N --nodes-per-way K --out-dir D]``
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from osm_synthetic import write_synthetic_pbf

HERE = Path(__file__).resolve().parent
CACHE = HERE / ".cache"
PEER_PYTHON = HERE / ".env-osm" / "bin" / "python"
MB = 1024.0  # ru_maxrss is in KiB on Linux


def synthetic_extract(ways: int, nodes_per_way: int) -> tuple[Path, dict[str, Any]]:
    """The cached extract for these sizes, written first if missing (time not counted)."""
    path = CACHE / f"synthetic-{ways}w-{nodes_per_way}n.osm.pbf"
    counts_file = path.with_suffix(".json")
    if path.exists() and counts_file.exists():
        return path, json.loads(counts_file.read_text())
    start = time.perf_counter()
    counts: dict[str, Any] = dict(write_synthetic_pbf(path, ways, nodes_per_way))
    counts["write_s"] = round(time.perf_counter() - start, 1)
    counts["size_mb"] = round(path.stat().st_size / 1e6, 1)
    counts_file.write_text(json.dumps(counts))
    return path, counts


def measured(
    command: list[str], *, cores: int, timeout_s: float, memory_gb: float | None = None
) -> dict[str, Any]:
    """Run ``command`` in a wrapper process held to ``cores`` CPUs: wall time, the
    command's peak RSS, exit status, its last stdout line and its stderr tail."""
    wrapper = [sys.executable, __file__, "--measure-child", str(cores), str(memory_gb or 0)]
    start = time.perf_counter()
    try:
        done = subprocess.run(
            [*wrapper, "--", *command], capture_output=True, text=True, timeout=timeout_s
        )
    except subprocess.TimeoutExpired:
        return {"ok": False, "why": f"over the {timeout_s:.0f} s limit", "wall_s": timeout_s}
    wall_s = time.perf_counter() - start
    report = json.loads(done.stderr.strip().splitlines()[-1])
    return {
        "ok": report["rc"] == 0,
        "why": "" if report["rc"] == 0 else _last_error(report["stderr"]),
        "wall_s": report.get("wall_s", wall_s),
        "peak_rss_mb": report["maxrss_kb"] / MB,
        "output": done.stdout,
    }


def _last_error(stderr: str) -> str:
    lines = [line for line in stderr.strip().splitlines() if line.strip()]
    return lines[-1][:200] if lines else "failed without a message"


def _measure_child(cores: int, memory_gb: float, command: list[str]) -> None:
    """The wrapper: pin to the first ``cores`` CPUs, cap the address space, run, report."""
    allowed = sorted(os.sched_getaffinity(0))
    os.sched_setaffinity(0, allowed[: max(1, cores)])
    if memory_gb > 0:
        limit = int(memory_gb * 1024**3)
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    start = time.perf_counter()
    done = subprocess.run(command, stdout=sys.stdout, stderr=subprocess.PIPE, text=True)
    wall_s = time.perf_counter() - start
    maxrss_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    report = {"rc": done.returncode, "wall_s": wall_s, "maxrss_kb": maxrss_kb}
    report["stderr"] = done.stderr[-2000:]
    print(json.dumps(report), file=sys.stderr)


def tripp_import(pbf: Path, out: Path, *, cores: int, timeout_s: float) -> dict[str, Any]:
    tripp = Path(sys.executable).with_name("tripp")
    command = [str(tripp), "import", "osm", str(pbf), "--out", str(out), "--force"]
    result = measured([*command, "--format", "json"], cores=cores, timeout_s=timeout_s)
    if result["ok"]:
        result["counts"] = json.loads(result.pop("output"))["counts"]
    return result


def peers(
    pbf: Path, names: list[str], *, cores: int, timeout_s: float, memory_gb: float
) -> dict[str, Any]:
    """Each peer's run, or why it did not run."""
    script = str(HERE / "osm_peers.py")
    out: dict[str, Any] = {}
    for name in names:
        if not PEER_PYTHON.exists():
            out[name] = {"ok": False, "why": "no benchmarks/.env-osm (bash benchmarks/osm_env.sh)"}
            continue
        probe = subprocess.run(
            [str(PEER_PYTHON), "-c", f"import {name}"], capture_output=True, text=True
        )
        if probe.returncode != 0:
            out[name] = {
                "ok": False,
                "why": f"{name} is not installed: {_last_error(probe.stderr)}",
            }
            continue
        file = pbf if name == "pyrosm" else _as_xml(pbf)
        result = measured(
            [str(PEER_PYTHON), script, name, str(file)],
            cores=cores,
            timeout_s=timeout_s,
            memory_gb=memory_gb,
        )
        if result["ok"]:
            result["counts"] = json.loads(result.pop("output"))
        out[name] = result
    return out


def _as_xml(pbf: Path) -> Path:
    """The extract as OSM XML for osmnx, converted once with pyosmium (not timed)."""
    import osmium

    xml = pbf.with_suffix("").with_suffix(".osm")
    if not xml.exists():
        with osmium.SimpleWriter(str(xml), overwrite=True) as writer:
            for obj in osmium.FileProcessor(str(pbf)):
                writer.add(obj)
    return xml


def route_probe(folder: Path, pairs: int, seed: int) -> dict[str, Any]:
    """Load, compile and route on ``folder`` in this (fresh) process."""
    import tripp
    from tripp.errors import NoRouteError

    def peak_mb() -> float:
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / MB

    start = time.perf_counter()
    atlas = tripp.load_atlas(folder)
    load_s, load_mb = time.perf_counter() - start, peak_mb()
    start = time.perf_counter()
    graph = tripp.compile(atlas)
    compile_s, compile_mb = time.perf_counter() - start, peak_mb()
    rng = random.Random(seed)
    ids = list(graph.node_ids)
    timings_ms, no_route = [], 0
    for k in range(pairs + 1):
        origin, destination = rng.sample(ids, 2)
        start = time.perf_counter()
        try:
            tripp.route(graph, origin, destination)
        except NoRouteError:
            no_route += 1
        if k == 0:
            first_ms = (time.perf_counter() - start) * 1000
        else:
            timings_ms.append((time.perf_counter() - start) * 1000)
    timings_ms.sort()
    return {
        "links": len(atlas.links),
        "nodes": len(atlas.nodes),
        "states": graph.n_states,
        "arcs": graph.n_arcs,
        "load_s": load_s,
        "load_peak_mb": load_mb,
        "compile_s": compile_s,
        "compile_peak_mb": compile_mb,
        "first_route_ms": first_ms,
        "p50_ms": timings_ms[len(timings_ms) // 2],
        "p90_ms": timings_ms[int(0.9 * (len(timings_ms) - 1))],
        "pairs": pairs,
        "no_route": no_route,
    }


def table(extract: dict[str, Any], runs: dict[str, Any], probe: dict[str, Any] | None) -> str:
    rows = [
        "| step | wall s | peak RSS MB | what |",
        "|---|---:|---:|---|",
        f"| synthetic extract (not timed here) | {extract.get('write_s', '(cached)')} | | "
        f"{extract['ways']:,} ways, {extract['nodes']:,} nodes, {extract.get('size_mb', '?')} MB |",
    ]
    for name, run in runs.items():
        if not run.get("ok"):
            rows.append(f"| {name} | | | not run: {run.get('why', '')} |")
            continue
        what = ", ".join(f"{v:,} {k}" for k, v in run.get("counts", {}).items() if v)
        rows.append(f"| {name} | {run['wall_s']:.1f} | {run['peak_rss_mb']:,.0f} | {what} |")
    if probe is not None:
        rows += [
            f"| tripp load_atlas | {probe['load_s']:.1f} | {probe['load_peak_mb']:,.0f} | "
            f"{probe['links']:,} links, {probe['nodes']:,} nodes |",
            f"| tripp compile | {probe['compile_s']:.1f} | {probe['compile_peak_mb']:,.0f} | "
            f"{probe['states']:,} states, {probe['arcs']:,} arcs |",
            f"| tripp route (first) | {probe['first_route_ms'] / 1000:.2f} | | one warm-up pair |",
            f"| tripp route p50 / p90 | {probe['p50_ms']:.1f} ms / {probe['p90_ms']:.1f} ms | | "
            f"{probe['pairs']} seeded pairs, {probe['no_route']} without a route |",
        ]
    return "\n".join(rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ways", type=int, default=2_000_000)
    parser.add_argument("--nodes-per-way", type=int, default=7)
    parser.add_argument("--out-dir", type=Path, default=CACHE / "imported")
    parser.add_argument("--cores", type=int, default=2)
    parser.add_argument("--pairs", type=int, default=50)
    parser.add_argument("--seed", type=int, default=22)
    parser.add_argument("--peers", default="pyrosm,osmnx", help="comma-separated; '' for none")
    parser.add_argument("--timeout", type=float, default=900.0, help="seconds for tripp import")
    parser.add_argument("--peer-timeout", type=float, default=900.0, help="seconds per peer")
    parser.add_argument("--peer-memory-gb", type=float, default=12.0)
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args()
    if args.nodes_per_way < 3:
        parser.error("--nodes-per-way must be at least 3")
    pbf, extract = synthetic_extract(args.ways, args.nodes_per_way)
    runs = {
        "tripp import osm": tripp_import(
            pbf, args.out_dir, cores=args.cores, timeout_s=args.timeout
        )
    }
    names = [n for n in args.peers.split(",") if n]
    limits = {"timeout_s": args.peer_timeout, "memory_gb": args.peer_memory_gb}
    runs.update(peers(pbf, names, cores=args.cores, **limits))
    probe = None
    if runs["tripp import osm"]["ok"]:
        done = subprocess.run(
            [
                sys.executable,
                __file__,
                "--route-probe",
                str(args.out_dir),
                str(args.pairs),
                str(args.seed),
            ],
            capture_output=True,
            text=True,
            check=True,
        )
        probe = json.loads(done.stdout.strip().splitlines()[-1])
    print(table(extract, runs, probe))
    if args.json:
        args.json.write_text(
            json.dumps({"extract": extract, "runs": runs, "probe": probe}, indent=2)
        )


if __name__ == "__main__":
    if sys.argv[1:2] == ["--measure-child"]:
        _measure_child(int(sys.argv[2]), float(sys.argv[3]), sys.argv[5:])
    elif sys.argv[1:2] == ["--route-probe"]:
        print(json.dumps(route_probe(Path(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]))))
    else:
        main()
