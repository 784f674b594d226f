"""Load test of ``/api/route``: 50 concurrent connections against ``tripp serve`` on loopback.

Starts ``tripp serve`` (uvicorn) in a subprocess on a free 127.0.0.1 port and drives it with
a request mix built from the atlas: ``--pairs`` O-D pairs (places that route in the atlas
as is) × the scenarios in ``SCENARIOS`` (none, baseline-2025, tripp-2030, no-russia,
aras-2030), each with an objective (time or cost) and, for one in ten, ``alternatives=3``;
place names are sent as people type them (``Xi%27an``, spaces, mixed case), in shuffled
order. Each wrk thread rotates through the whole mix from its own offset.

The load tool is ``wrk`` (Debian's ``apt-get install wrk``) when it is on ``PATH``: a closed
loop (each connection sends its next request as soon as its answer arrives) with
``-t2 -c50 --latency`` and a Lua script that rotates through the mix. Phases:

* ``first``: a freshly started server, one pass through the mix (each wrk thread stops
  after its share): every request is computed (each scenario compiled once per worker),
* ``cold``: another fresh server for ``--duration`` s: the first pass through the mix is
  computed, later passes are cached,
* ``warm``: the same server again for ``--duration`` s, every answer cached.
* ``kill``: the last server (``--workers`` 2 or more): wrk on the cached routes for
  ``--duration`` s while jobs are submitted and, once one runs, the worker process running it
  is killed with SIGKILL. Reported: the routes' figures (connections of the killed worker
  fail) and every accepted job's end: finished, failed (with the reason) or lost (404, or
  still queued or running :data:`KILL_SETTLE_S` s after the kill) — the target is 0 lost.
* ``memory``: the last server (run it after ``mixed``): new ``/api/energy`` answers and one
  job of each kind (compare, exposure, energy, criticality, a short reliability), waited
  for; then each process of the server (supervisor, workers, their pool and Dask processes)
  with its resident memory (``VmRSS``), its peak (``VmHWM``) from ``/proc/<pid>/status``, and
  whether PyPSA's libraries (netCDF4, polars, matplotlib) are mapped into it.
* ``mixed``: the last server (or a fresh one): one wrk pass so that every route in the mix
  is cached, then wrk on those cached routes for ``--duration`` s while ``--heavy-clients``
  Python threads send new (uncached) ``/api/compare`` and ``/api/exposure`` requests back
  to back beside it. Reported: the cached routes' p50/p99 under that mix, and the heavy
  requests answered, refused (429/503 with ``Retry-After``, pausing ``--heavy-pause-ms``
  after each) and failed (any other status, or no answer within 30 s).

Without wrk (or with ``--tool asyncio``) a light asyncio client (50 keep-alive connections
on asyncio streams) runs ``first``/``repeat`` phases with each client pausing
``--interval-ms`` between requests, then a closed-loop ``saturate`` phase; in Python it
competes with the server for the CPU, so its figures are pessimistic.

Targets: p50 under 20 ms and p99 under 100 ms per request. Only loopback is contacted; the
run is bounded by its duration (wrk) or its request count (asyncio).

``--workers`` is passed to ``tripp serve``; without it the server starts its default (one
worker per CPU core, at most 4).

Run: ``.venv/bin/python benchmarks/api_load.py [--workers N] [--duration 20] [--tool wrk]``
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode

import httpx

SCENARIOS = ("", "baseline-2025", "tripp-2030", "no-russia", "aras-2030")
OBJECTIVES = ("time", "cost")
#: Kinds of place a freight route starts or ends at.
ENDPOINT_KINDS = {"city", "port", "rail_station", "dry_port"}

#: wrk phases: a fresh server for ``first`` and ``cold``; the others reuse the last.
PHASES = ("first", "cold", "warm", "mixed", "kill", "memory")
#: Jobs the ``kill`` phase submits before it kills a worker: long reliability sweeps (one is
#: running on the worker killed) and short exposure runs.
KILL_JOBS = (
    *(
        {"kind": "reliability", "scenario": "baseline-2025", "samples": 2000, "seed": s}
        for s in range(3)
    ),
    *({"kind": "exposure", "scenario": name} for name in ("tripp-2030", "no-russia", "aras-2030")),
)
#: How long the ``kill`` phase waits for every accepted job to end after the kill (s).
KILL_SETTLE_S = 60.0
#: Scenarios the heavy requests of the ``mixed`` phase compare with baseline-2025.
HEAVY_OTHERS = ("tripp-2030", "no-russia", "aras-2030", "georgia-disrupted", "iran-closed")
#: How long a heavy request of the ``mixed`` phase may take before it counts as failed (s).
HEAVY_TIMEOUT_S = 30.0
#: The jobs and new energy answers of the ``memory`` phase: every kind of job once.
MEMORY_JOBS = (
    {"kind": "compare", "base": "baseline-2025", "other": "tripp-2030"},
    {"kind": "exposure", "scenario": "iran-closed", "objective": "cost"},
    {"kind": "energy", "scenario": "tripp-2030", "carrier": "gas"},
    {"kind": "criticality", "scenario": "baseline-2025"},
    {"kind": "reliability", "scenario": "baseline-2025", "samples": 50},
)
MEMORY_ENERGY = tuple(
    f"/api/energy?scenario={name}&carrier={carrier}"
    for name in ("baseline-2025", "no-russia")
    for carrier in ("all", "power")
)
#: Shared libraries whose mapping into a process shows that PyPSA was imported there.
PYPSA_LIBRARIES = ("netCDF4", "_polars_runtime", "matplotlib")

TARGET_P50_MS = 20.0
TARGET_P99_MS = 100.0


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def routable_pairs(count: int, seed: int) -> list[tuple[str, str]]:
    """``count`` distinct (origin, destination) names that route in the atlas as is."""
    from tripp.atlas.io import load_atlas
    from tripp.errors import TrippError
    from tripp.graph.compile import compile_graph
    from tripp.routing.route import route

    atlas = load_atlas()
    graph = compile_graph(atlas)
    names = sorted(n.name for n in atlas.nodes if n.kind in ENDPOINT_KINDS)
    rng = random.Random(seed)
    pairs: list[tuple[str, str]] = []
    seen: set[tuple[str, str]] = set()
    for _ in range(50 * count):
        if len(pairs) == count:
            break
        origin, destination = rng.sample(names, 2)
        if (origin, destination) in seen:
            continue
        seen.add((origin, destination))
        try:
            route(graph, origin, destination)
        except TrippError:
            continue
        pairs.append((origin, destination))
    return pairs


def request_mix(pairs: int, seed: int) -> list[str]:
    """``/api/route?...`` targets: every pair × every scenario, objectives mixed, shuffled."""
    rng = random.Random(seed)
    targets = []
    for origin, destination in routable_pairs(pairs, seed):
        for scenario in SCENARIOS:
            params = {
                "origin": origin if rng.random() < 0.8 else origin.lower(),
                "destination": destination,
                "objective": rng.choice(OBJECTIVES),
            }
            if scenario:
                params["scenario"] = scenario
            if rng.random() < 0.1:
                params["alternatives"] = "3"
            targets.append("/api/route?" + urlencode(params, quote_via=quote))
    rng.shuffle(targets)
    return targets


# --- wrk ------------------------------------------------------------------------------------

WRK_SCRIPT = """
-- Rotate through the targets in %(paths)s; each connection starts at its own offset.
local paths = {}
for line in io.lines(%(paths)s) do paths[#paths + 1] = line end
local threads = {}
local thread_id = 0

function setup(thread)
  thread:set("id", thread_id)
  thread_id = thread_id + 1
  table.insert(threads, thread)
end

function init(args)
  -- spread the threads' starting points over the mix
  counter = math.floor(#paths * id / %(threads)d)
end

function request()
  counter = counter + 1
  return wrk.format("GET", paths[(counter %% #paths) + 1])
end

-- with a limit: each thread stops after that many answers (one pass through its share)
local limit = %(limit)d
local answered = 0
if limit > 0 then
  function response(status, headers, body)
    answered = answered + 1
    if answered >= limit then wrk.thread:stop() end
  end
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'TRIPP {"requests": %%d, "duration_us": %%d, "bytes": %%d, "p50_us": %%d, ' ..
    '"p90_us": %%d, "p99_us": %%d, "max_us": %%d, "mean_us": %%f, "connect": %%d, ' ..
    '"read": %%d, "write": %%d, "timeout": %%d, "non_2xx": %%d}\\n',
    summary.requests, summary.duration, summary.bytes,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max,
    latency.mean, e.connect, e.read, e.write, e.timeout, e.status))
end
"""


def run_wrk(
    port: int,
    targets: list[str],
    *,
    threads: int,
    clients: int,
    duration_s: int,
    folder: Path,
    one_pass: bool = False,
) -> dict[str, Any]:
    """One closed-loop wrk run over ``targets`` for ``duration_s`` or, with ``one_pass``,
    until each thread has had answers to its share of them; its figures."""
    paths = folder / "paths.txt"
    paths.write_text("\n".join(targets) + "\n", encoding="ascii")
    script = folder / "rotate.lua"
    limit = len(targets) // threads if one_pass else 0
    script.write_text(
        WRK_SCRIPT % {"paths": json.dumps(str(paths)), "threads": threads, "limit": limit}
    )
    command = [
        "wrk",
        *(f"-t{threads}", f"-c{clients}", f"-d{duration_s}s", "--latency", "--timeout", "10s"),
        *("-s", str(script), f"http://127.0.0.1:{port}"),
    ]
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    match = re.search(r"^TRIPP (\{.*\})$", output, re.MULTILINE)
    if match is None:
        raise SystemExit(f"wrk printed no summary:\n{output}")
    raw = json.loads(match.group(1))
    if one_pass and raw["requests"] < len(targets):
        print(f"warning: the pass did not finish in {duration_s} s ({raw['requests']} answers)")
    # one pass: wrk runs for its whole duration, idle once done; the throughput is then
    # estimated from Little's law (connections / mean latency), wrk's own would be too low
    throughput = (
        clients / (raw["mean_us"] / 1e6)
        if one_pass
        else raw["requests"] / (raw["duration_us"] / 1e6)
    )
    return {
        "tool": " ".join(["wrk", *command[1:5], "-s rotate.lua"])
        + (" (one pass)" if one_pass else ""),
        "requests": raw["requests"],
        "clients": clients,
        "non_2xx": raw["non_2xx"],
        "socket_errors": sum(raw[k] for k in ("connect", "read", "write", "timeout")),
        "throughput_rps": round(throughput, 1),
        "p50_ms": round(raw["p50_us"] / 1000, 2),
        "p90_ms": round(raw["p90_us"] / 1000, 2),
        "p99_ms": round(raw["p99_us"] / 1000, 2),
        "max_ms": round(raw["max_us"] / 1000, 2),
        "mean_ms": round(raw["mean_us"] / 1000, 2),
    }


# --- mixed: cached routes beside new heavy requests ------------------------------------------


def heavy_mix(pairs: int, seed: int) -> list[str]:
    """New ``/api/compare`` (one O-D pair each, baseline-2025 against one of
    :data:`HEAVY_OTHERS`) and ``/api/exposure`` (each scenario and objective) targets,
    interleaved: every one a different question, so none is cached."""
    from tripp.scenarios import list_scenarios

    rng = random.Random(seed + 1)
    compares = [
        "/api/compare?"
        + urlencode(
            {
                "base": "baseline-2025",
                "other": HEAVY_OTHERS[i % len(HEAVY_OTHERS)],
                "pairs": f"{origin}>{destination}",
            },
            quote_via=quote,
        )
        for i, (origin, destination) in enumerate(routable_pairs(pairs, seed + 1))
    ]
    exposures = [
        "/api/exposure?" + urlencode({"scenario": name, "objective": objective})
        for name in list_scenarios()
        for objective in ("time", "cost", "distance", "generalized")
    ]
    rng.shuffle(exposures)
    mixed = [t for pair in zip(compares, exposures, strict=False) for t in pair]
    return mixed + compares[len(exposures) :]


class HeavyLoad:
    """``clients`` threads sending the heavy targets back to back (each once, in order)
    until :meth:`stop`; a refused one (429/503) makes its thread pause ``pause_s``."""

    def __init__(self, port: int, targets: list[str], clients: int, pause_s: float) -> None:
        self.base, self.pause_s = f"http://127.0.0.1:{port}", pause_s
        self.targets = iter(targets)
        self.lock, self.stopped = threading.Lock(), threading.Event()
        self.answered_s: list[float] = []
        self.refused = self.failed = 0
        self.statuses: dict[str, int] = {}
        self.threads = [threading.Thread(target=self._client) for _ in range(clients)]

    def start(self) -> None:
        for thread in self.threads:
            thread.start()

    def stop(self) -> dict[str, Any]:
        """Stop sending, wait for the requests in flight; the counts."""
        self.stopped.set()
        for thread in self.threads:
            thread.join()
        ordered = sorted(self.answered_s)
        return {
            "clients": len(self.threads),
            "answered": len(ordered),
            "refused_429_503": self.refused,
            "failed": self.failed,
            "statuses": self.statuses,
            "answered_p50_s": round(ordered[len(ordered) // 2], 2) if ordered else None,
            "answered_max_s": round(ordered[-1], 2) if ordered else None,
        }

    def _client(self) -> None:
        with httpx.Client(base_url=self.base, timeout=HEAVY_TIMEOUT_S) as client:
            while not self.stopped.is_set():
                with self.lock:
                    target = next(self.targets, None)
                if target is None:
                    return
                start = time.perf_counter()
                try:
                    status = str(client.get(target).status_code)
                except httpx.HTTPError as error:
                    status = type(error).__name__
                elapsed_s = time.perf_counter() - start
                with self.lock:
                    self.statuses[status] = self.statuses.get(status, 0) + 1
                    if status == "200":
                        self.answered_s.append(elapsed_s)
                    elif status in {"429", "503"}:
                        self.refused += 1
                    else:
                        self.failed += 1
                if status in {"429", "503"}:
                    self.stopped.wait(self.pause_s)


def run_mixed(
    port: int,
    targets: list[str],
    heavy: list[str],
    *,
    threads: int,
    clients: int,
    duration_s: int,
    heavy_clients: int,
    pause_s: float,
    folder: Path,
) -> dict[str, Any]:
    """Cache every route target (one wrk pass), then wrk on them for ``duration_s`` beside
    ``heavy_clients`` threads sending new heavy requests; the wrk figures of the cached
    routes with the heavy counts under ``"heavy"``."""
    run_wrk(
        port, targets, threads=threads, clients=clients, duration_s=60, folder=folder, one_pass=True
    )
    load = HeavyLoad(port, heavy, heavy_clients, pause_s)
    load.start()
    try:
        figures = run_wrk(
            port,
            targets,
            threads=threads,
            clients=clients,
            duration_s=duration_s,
            folder=folder,
        )
    finally:
        figures["heavy"] = load.stop()
    figures["tool"] += f" + {heavy_clients} threads sending new compare/exposure"
    return figures


# --- kill: a worker dies under load; no accepted job may be lost ---------------------------


def _worker_running_a_job(base: str, state_dir: Path, job_ids: list[str]) -> int | None:
    """The pid of the server worker running one of ``job_ids`` (from the job store), if any."""
    import sqlite3

    try:
        with httpx.Client(base_url=base, timeout=5) as client:
            running = [
                j for j in job_ids if client.get(f"/api/jobs/{j}").json()["status"] == "running"
            ]
    except httpx.TransportError:
        return None
    if not running:
        return None
    with sqlite3.connect(state_dir / "jobs.sqlite3") as db:
        row = db.execute("SELECT owner_pid FROM jobs WHERE id = ?", (running[0],)).fetchone()
    return int(row[0]) if row and row[0] else None


def run_kill(
    port: int,
    targets: list[str],
    *,
    threads: int,
    clients: int,
    duration_s: int,
    state_dir: Path,
    folder: Path,
) -> dict[str, Any]:
    """wrk on the cached routes while jobs run and the worker running one is killed; the
    routes' figures with the jobs' ends under ``"jobs"``."""
    base = f"http://127.0.0.1:{port}"
    outcome: dict[str, Any] = {}

    def submit_and_kill() -> None:
        with httpx.Client(base_url=base, timeout=10) as client:
            answers = [client.post("/api/jobs", json=job) for job in KILL_JOBS]
        job_ids = [a.json()["id"] for a in answers if a.status_code == 202]
        outcome["accepted"] = len(job_ids)
        outcome["refused"] = len(answers) - len(job_ids)
        victim = None
        deadline = time.monotonic() + duration_s / 2
        while victim is None and time.monotonic() < deadline:
            victim = _worker_running_a_job(base, state_dir, job_ids)
            time.sleep(0.2)
        if victim is None:
            outcome["killed_pid"] = None
            return
        os.kill(victim, 9)
        outcome["killed_pid"] = victim
        killed_at = time.monotonic()
        ends: dict[str, int] = {}
        reasons: set[str] = set()
        pending = set(job_ids)
        with httpx.Client(base_url=base, timeout=5) as client:
            while pending and time.monotonic() < killed_at + KILL_SETTLE_S:
                for job_id in sorted(pending):
                    try:
                        answer = client.get(f"/api/jobs/{job_id}")
                    except httpx.TransportError:
                        continue  # the dead worker's socket is closing
                    status = "lost (404)" if answer.status_code == 404 else answer.json()["status"]
                    if status not in {"queued", "running"}:
                        pending.discard(job_id)
                        ends[status] = ends.get(status, 0) + 1
                        if status == "failed":
                            reasons.add(str(answer.json().get("error", ""))[:120])
                time.sleep(0.5)
        if pending:
            ends["lost (still queued or running)"] = len(pending)
        outcome["ends"] = ends
        outcome["settled_s"] = round(time.monotonic() - killed_at, 1)
        outcome["failure_reasons"] = sorted(reasons)

    killer = threading.Thread(target=submit_and_kill)
    killer.start()
    try:
        figures = run_wrk(
            port, targets, threads=threads, clients=clients, duration_s=duration_s, folder=folder
        )
    finally:
        killer.join()
    lost = sum(n for end, n in outcome.get("ends", {}).items() if end.startswith("lost"))
    figures["jobs"] = {**outcome, "lost": lost}
    figures["tool"] += " + jobs, one worker killed with SIGKILL"
    return figures


# --- memory: each server process's resident size after a mixed load ------------------------


def _status_kib(pid: int) -> dict[str, int]:
    """``VmRSS`` and ``VmHWM`` of ``pid`` in KiB (from ``/proc/<pid>/status``)."""
    found = {}
    with open(f"/proc/{pid}/status", encoding="utf-8") as status:
        for line in status:
            name, _, value = line.partition(":")
            if name in {"VmRSS", "VmHWM"}:
                found[name] = int(value.split()[0])
    return found


def process_tree(root: int) -> list[dict[str, Any]]:
    """``root`` and every process under it: pid, parent, depth, a short role, VmRSS and VmHWM
    (MiB), and whether PyPSA's libraries are mapped into it."""
    parents: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat", encoding="utf-8") as stat:
                    parents[int(entry)] = int(stat.read().rsplit(")", 1)[1].split()[1])
            except OSError:
                continue
    found, frontier = [], [(root, 0)]
    while frontier:
        pid, depth = frontier.pop(0)
        try:
            with open(f"/proc/{pid}/cmdline", "rb") as cmdline:
                command = cmdline.read().replace(b"\0", b" ").decode(errors="replace")
            with open(f"/proc/{pid}/maps", encoding="utf-8") as maps:
                mapped = maps.read()
            kib = _status_kib(pid)
        except OSError:
            continue
        if "resource_tracker" in command:
            role = "resource tracker"
        elif "spawn_main" not in command:
            role = "tripp serve"
        else:  # the workers are the supervisor's spawned children; theirs are pools or Dask
            role = "server worker" if depth == 1 else "pool or Dask process"
        found.append(
            {
                "pid": pid,
                "parent": parents.get(pid),
                "depth": depth,
                "role": role,
                "rss_mib": round(kib.get("VmRSS", 0) / 1024, 1),
                "peak_mib": round(kib.get("VmHWM", 0) / 1024, 1),
                "pypsa_loaded": any(lib in mapped for lib in PYPSA_LIBRARIES),
            }
        )
        children = sorted(child for child, parent in parents.items() if parent == pid)
        frontier[:0] = [(child, depth + 1) for child in children]
    return found  # depth first: each process right after its parent


def run_memory(port: int, server_pid: int) -> dict[str, Any]:
    """New energy answers and one job of each kind, waited for; then the server's processes
    (:func:`process_tree`)."""
    base = f"http://127.0.0.1:{port}"
    with httpx.Client(base_url=base, timeout=120) as client:
        energy = {}
        for target in MEMORY_ENERGY:
            for _ in range(60):  # a busy energy slot answers 429: wait and ask again
                status = client.get(target).status_code
                if status not in {429, 503}:
                    break
                time.sleep(2)
            energy[target] = status
        job_ids = [client.post("/api/jobs", json=job).json()["id"] for job in MEMORY_JOBS]
        ends: dict[str, str] = {}
        deadline = time.monotonic() + 600
        while len(ends) < len(job_ids) and time.monotonic() < deadline:
            for job_id, job in zip(job_ids, MEMORY_JOBS, strict=True):
                status = client.get(f"/api/jobs/{job_id}").json()["status"]
                if status not in {"queued", "running"}:
                    ends[job["kind"]] = status
            time.sleep(1)
    return {"energy": energy, "jobs": ends, "processes": process_tree(server_pid)}


# --- asyncio fallback -----------------------------------------------------------------------


class Connection:
    """One keep-alive HTTP/1.1 connection on asyncio streams: a light load generator."""

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.reader, self.writer = reader, writer

    @classmethod
    async def open(cls, port: int) -> Connection:
        return cls(*await asyncio.open_connection("127.0.0.1", port))

    async def get(self, target: str) -> int:
        self.writer.write(f"GET {target} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".encode())
        head = await self.reader.readuntil(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        length = next(
            int(line.split(":", 1)[1])
            for line in lines
            if line.lower().startswith("content-length")
        )
        await self.reader.readexactly(length)
        return int(lines[0].split()[1])

    def close(self) -> None:
        self.writer.close()


async def drive(port: int, targets: list[str], clients: int, interval_s: float) -> dict[str, Any]:
    """Send ``targets`` from ``clients`` connections; each waits ``interval_s`` between
    requests (0: closed loop, the next request as soon as the answer arrives)."""
    latencies_ms: list[float] = []
    statuses: dict[int, int] = {}
    shares = [targets[i::clients] for i in range(clients)]
    connections = [await Connection.open(port) for _ in range(clients)]

    async def client(connection: Connection, mine: list[str], offset: float) -> None:
        await asyncio.sleep(offset)
        for target in mine:
            start = time.perf_counter()
            status = await connection.get(target)
            elapsed = time.perf_counter() - start
            latencies_ms.append(elapsed * 1000)
            statuses[status] = statuses.get(status, 0) + 1
            if interval_s:
                await asyncio.sleep(max(0.0, interval_s - elapsed))

    started = time.perf_counter()
    await asyncio.gather(
        *(
            client(c, mine, interval_s * i / clients)
            for i, (c, mine) in enumerate(zip(connections, shares, strict=True))
        )
    )
    wall_s = time.perf_counter() - started
    for connection in connections:
        connection.close()
    ordered = sorted(latencies_ms)

    def pct(q: float) -> float:
        return ordered[min(len(ordered) - 1, int(q / 100 * len(ordered)))]

    return {
        "tool": f"asyncio, {interval_s * 1000:.0f} ms between a client's requests",
        "requests": len(ordered),
        "clients": clients,
        "non_2xx": sum(n for status, n in statuses.items() if not 200 <= status < 300),
        "socket_errors": 0,
        "throughput_rps": round(len(ordered) / wall_s, 1),
        "p50_ms": round(pct(50), 2),
        "p90_ms": round(pct(90), 2),
        "p99_ms": round(pct(99), 2),
        "max_ms": round(ordered[-1], 2),
        "mean_ms": round(statistics.fmean(ordered), 2),
    }


# --- the server -----------------------------------------------------------------------------


def start_server(port: int, workers: int, state_dir: Path) -> subprocess.Popen[bytes]:
    """``tripp serve`` on 127.0.0.1:``port`` with its jobs in ``state_dir``, once it answers
    /api/health."""
    command = [
        sys.executable,
        *("-c", "from tripp.cli.main import main; main()", "serve"),
        *("--host", "127.0.0.1", "--port", str(port), "--workers", str(workers)),
        *("--state-dir", str(state_dir)),
    ]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/api/health", timeout=2).status_code == 200:
                time.sleep(0.5 * workers)  # let every worker finish starting
                return process
        except httpx.TransportError:
            time.sleep(0.2)
        if process.poll() is not None:
            raise SystemExit("the server exited")
    process.terminate()
    raise SystemExit("the server did not start")


def stop_server(server: subprocess.Popen[bytes]) -> None:
    server.terminate()
    server.wait(timeout=30)


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--tool", choices=("auto", "wrk", "asyncio"), default="auto")
    parser.add_argument("--pairs", type=int, default=200, help="O-D pairs (× 5 scenarios).")
    parser.add_argument("--clients", type=int, default=50, help="Concurrent connections.")
    parser.add_argument(
        "--workers", type=int, default=None, help="`tripp serve --workers` (default: its own)."
    )
    parser.add_argument("--duration", type=int, default=20, help="Seconds per wrk phase.")
    parser.add_argument("--threads", type=int, default=2, help="wrk threads.")
    parser.add_argument(
        "--heavy-clients",
        type=int,
        default=4,
        help="mixed: threads sending new compare/exposure requests beside the cached routes.",
    )
    parser.add_argument(
        "--heavy-pause-ms",
        type=float,
        default=100.0,
        help="mixed: a heavy client's pause after a refusal (429/503), in ms.",
    )
    parser.add_argument(
        "--first-duration",
        type=int,
        default=30,
        help="Bound on the `first` phase (s); wrk waits it out even when the pass is done.",
    )
    parser.add_argument(
        "--phases",
        default="first,cold,warm,mixed",
        help="wrk phases, in order: first (a fresh server, one pass through the mix: every "
        "request computed), cold (a fresh server for --duration s), warm (the last server "
        "again, every answer cached), mixed (the last server: cached routes beside new "
        "compare/exposure requests), kill (the last server: routes while a worker running a "
        "job is killed), memory (the last server: energy answers and a job of each kind, "
        "then each server process's VmRSS).",
    )
    parser.add_argument(
        "--interval-ms",
        type=float,
        default=100.0,
        help="asyncio: each client's pause between requests (50 × 10/s = 500 req/s offered).",
    )
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--json", help="Also write the figures to this file.")
    args = parser.parse_args()
    if args.workers is None:
        from tripp.cli.serve import default_workers

        args.workers = default_workers()
    tool = args.tool
    if tool == "auto":
        tool = "wrk" if shutil.which("wrk") else "asyncio"
    elif tool == "wrk" and not shutil.which("wrk"):
        raise SystemExit("wrk is not installed (Debian: apt-get install wrk)")
    targets = request_mix(args.pairs, args.seed)
    load = os.getloadavg()
    print(
        f"{os.cpu_count()} CPUs, load average before the run {load[0]:.2f} "
        f"(other work skews it); {len(targets)} distinct /api/route requests; "
        f"{args.clients} connections; tool {tool}; server workers {args.workers}"
    )
    figures: dict[str, dict[str, Any]] = {}
    server: subprocess.Popen[bytes] | None = None
    port = free_port()
    # the servers' job store: removed only once the last server has stopped
    state = tempfile.TemporaryDirectory(prefix="tripp-state-")
    state_dir = Path(state.name)
    try:
        if tool == "wrk":
            with tempfile.TemporaryDirectory(prefix="tripp-wrk-") as folder:
                for phase in args.phases.split(","):
                    if phase not in PHASES:
                        raise SystemExit(f"unknown phase {phase!r}: use {', '.join(PHASES)}")
                    if server is None or phase in {"first", "cold"}:
                        if server is not None:  # a new server, its caches empty
                            stop_server(server)
                            port = free_port()
                        server = start_server(port, args.workers, state_dir)
                    if phase == "kill":
                        if args.workers < 2:
                            raise SystemExit("the kill phase needs --workers 2 or more")
                        figures[phase] = run_kill(
                            port,
                            targets,
                            threads=args.threads,
                            clients=args.clients,
                            duration_s=args.duration,
                            state_dir=state_dir,
                            folder=Path(folder),
                        )
                        continue
                    if phase == "memory":
                        figures[phase] = run_memory(port, server.pid)
                        continue
                    if phase == "mixed":
                        figures[phase] = run_mixed(
                            port,
                            targets,
                            heavy_mix(args.pairs, args.seed),
                            threads=args.threads,
                            clients=args.clients,
                            duration_s=args.duration,
                            heavy_clients=args.heavy_clients,
                            pause_s=args.heavy_pause_ms / 1000,
                            folder=Path(folder),
                        )
                        continue
                    figures[phase] = run_wrk(
                        port,
                        targets,
                        threads=args.threads,
                        clients=args.clients,
                        duration_s=args.first_duration if phase == "first" else args.duration,
                        folder=Path(folder),
                        one_pass=phase == "first",
                    )
        else:
            server = start_server(port, args.workers, state_dir)
            interval_s = args.interval_ms / 1000
            figures["first"] = asyncio.run(drive(port, targets, args.clients, interval_s))
            figures["repeat"] = asyncio.run(drive(port, targets, args.clients, interval_s))
            figures["saturate"] = asyncio.run(drive(port, targets, args.clients, 0.0))
    finally:
        if server is not None:
            stop_server(server)
        state.cleanup()
    print("wrk's percentiles include its coordinated-omission correction" if tool == "wrk" else "")
    for phase, f in figures.items():
        if phase == "memory":
            print(f"memory   energy answers {f['energy']}; jobs {f['jobs']}; processes:")
            for p in f["processes"]:
                print(
                    f"{'':8s} {'  ' * p['depth']}{p['pid']} {p['role']}: VmRSS {p['rss_mib']} "
                    f"MiB, VmHWM {p['peak_mib']} MiB, PyPSA loaded {p['pypsa_loaded']}"
                )
            continue
        ok = f["p50_ms"] < TARGET_P50_MS and f["p99_ms"] < TARGET_P99_MS
        print(
            f"{phase:8s} {f['requests']} requests, {f['clients']} connections: "
            f"p50 {f['p50_ms']} ms, p90 {f['p90_ms']} ms, p99 {f['p99_ms']} ms, "
            f"max {f['max_ms']} ms, {f['throughput_rps']} req/s, non-2xx {f['non_2xx']}, "
            f"socket errors {f['socket_errors']} "
            f"[{'ok' if ok else 'over target'}: p50 < 20 ms, p99 < 100 ms] ({f['tool']})"
        )
        if "heavy" in f:
            h = f["heavy"]
            print(
                f"{'':8s} beside them, {h['clients']} heavy clients: {h['answered']} new "
                f"compare/exposure answered (p50 {h['answered_p50_s']} s, max "
                f"{h['answered_max_s']} s), {h['refused_429_503']} refused with Retry-After, "
                f"{h['failed']} failed; statuses {h['statuses']}"
            )
        if "jobs" in f:
            j = f["jobs"]
            print(
                f"{'':8s} jobs: {j.get('accepted')} accepted, worker pid {j.get('killed_pid')} "
                f"killed; ends {j.get('ends')} within {j.get('settled_s')} s; lost {j['lost']}; "
                f"reasons {j.get('failure_reasons')}"
            )
    if args.json:
        with open(args.json, "w", encoding="utf-8") as handle:
            json.dump(figures, handle, indent=2)


if __name__ == "__main__":
    main()
