"""Load test of ``/api/route``: 50 concurrent clients against uvicorn on loopback.

Starts ``tripp``'s app with uvicorn in a subprocess on a free 127.0.0.1 port, then drives
it from 50 keep-alive connections on asyncio streams (a light client: httpx's own overhead
would dominate on a 2-core machine). Phases over one request mix (O-D pairs of the atlas ×
scenarios × objectives):

* ``first``: requests new to the server (routing computed; each scenario compiled once),
* ``repeat``: the same requests again (answered from the server's result cache),

each with every client pausing ``--interval-ms`` between its requests (50 clients at 10
requests/s each: 500 requests/s offered), then ``saturate``: the cached mix in a closed loop
(each client sends its next request as soon as its answer arrives), which measures the
server's throughput; there latency is queueing, about clients / throughput.

Targets: p50 under 20 ms and p99 under 100 ms per request. Only loopback is contacted; the
run is bounded by the request count.

Run: ``.venv/bin/python benchmarks/api_load.py [--requests 3000] [--clients 50]``
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import time
from typing import Any
from urllib.parse import urlencode

import httpx

PLACES = (
    "Baku", "Nakhchivan", "Kars", "Tbilisi", "Yerevan", "Aktau", "Poti", "Batumi",
    "Istanbul", "Xi'an", "Duisburg", "Tehran", "Ganja", "Gyumri", "Meghri", "Almaty",
)  # fmt: skip
SCENARIOS = ("", "baseline-2025", "tripp-2030", "no-russia", "aras-2030")
OBJECTIVES = ("time", "cost")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def request_mix(count: int, seed: int) -> list[dict[str, str]]:
    rng = random.Random(seed)
    mix = []
    for _ in range(count):
        origin, destination = rng.sample(PLACES, 2)
        params = {"origin": origin, "destination": destination}
        params["objective"] = rng.choice(OBJECTIVES)
        if scenario := rng.choice(SCENARIOS):
            params["scenario"] = scenario
        mix.append(params)
    return mix


class Connection:
    """One keep-alive HTTP/1.1 connection on asyncio streams: a light load generator, so that
    the figures measure the server rather than the client's own Python overhead."""

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


async def drive(
    port: int, mix: list[dict[str, str]], clients: int, interval_s: float
) -> dict[str, Any]:
    """Send ``mix`` from ``clients`` connections; each waits ``interval_s`` between requests
    (0: closed loop, the next request as soon as the answer arrives)."""
    latencies_ms: list[float] = []
    statuses: dict[int, int] = {}
    targets = [f"/api/route?{urlencode(params)}" for params in mix]
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
        "requests": len(ordered),
        "clients": clients,
        "interval_ms": interval_s * 1000,
        "statuses": statuses,
        "throughput_rps": round(len(ordered) / wall_s, 1),
        "p50_ms": round(pct(50), 2),
        "p90_ms": round(pct(90), 2),
        "p99_ms": round(pct(99), 2),
        "max_ms": round(ordered[-1], 2),
        "mean_ms": round(statistics.fmean(ordered), 2),
    }


def start_server(port: int) -> subprocess.Popen[bytes]:
    command = [
        sys.executable,
        *("-m", "uvicorn", "--factory", "tripp.api.app:create_app"),
        *("--host", "127.0.0.1", "--port", str(port), "--log-level", "warning"),
    ]
    process = subprocess.Popen(command)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/api/health", timeout=2).status_code == 200:
                return process
        except httpx.TransportError:
            time.sleep(0.2)
    process.terminate()
    raise SystemExit("the server did not start")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=3000)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument(
        "--interval-ms",
        type=float,
        default=100.0,
        help="Each client's pause between requests (50 clients × 10/s = 500 req/s offered).",
    )
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--json", help="Also write the figures to this file.")
    args = parser.parse_args()
    load = os.getloadavg()
    print(f"{os.cpu_count()} CPUs, load average before the run {load[0]:.2f} (other work skews it)")
    port = free_port()
    server = start_server(port)
    try:
        mix = request_mix(args.requests, args.seed)
        interval_s = args.interval_ms / 1000
        figures = {
            "first": asyncio.run(drive(port, mix, args.clients, interval_s)),
            "repeat": asyncio.run(drive(port, mix, args.clients, interval_s)),
            "saturate": asyncio.run(drive(port, mix, args.clients, 0.0)),
        }
    finally:
        server.terminate()
        server.wait(timeout=10)
    for phase, f in figures.items():
        verdict = "ok" if f["p50_ms"] < 20 and f["p99_ms"] < 100 else "over target"
        print(
            f"{phase:8s} {f['requests']} requests, {f['clients']} clients, "
            f"{f['interval_ms']:.0f} ms apart: p50 {f['p50_ms']} ms, p90 {f['p90_ms']} ms, "
            f"p99 {f['p99_ms']} ms, max {f['max_ms']} ms, {f['throughput_rps']} req/s, "
            f"statuses {f['statuses']} [{verdict}: p50 < 20 ms, p99 < 100 ms]"
        )
    if args.json:
        with open(args.json, "w", encoding="utf-8") as handle:
            json.dump(figures, handle, indent=2)


if __name__ == "__main__":
    main()
