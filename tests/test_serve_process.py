"""``tripp serve`` as processes: ``--workers N`` share one socket whose connections keep
``TCP_NODELAY`` (without it each answer on a kept-alive connection waited ~40 ms)."""

from __future__ import annotations

import asyncio
import socket
import subprocess
import sys
import time
from typing import Any

import httpx
import pytest

from tripp.api.command import tcp_listener


def test_connections_accepted_on_the_workers_socket_have_nodelay() -> None:
    bound = socket.socket(socket.AF_INET)  # as uvicorn binds it for --workers: protocol 0
    bound.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    bound.bind(("127.0.0.1", 0))
    listener = tcp_listener(bound)
    assert listener.proto == socket.IPPROTO_TCP
    assert listener.get_inheritable()  # the worker processes receive it

    async def nodelay_of_accepted() -> list[int]:
        flags: list[int] = []

        class Probe(asyncio.Protocol):
            def connection_made(self, transport: Any) -> None:
                sock = transport.get_extra_info("socket")
                flags.append(sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY))
                transport.close()

        server = await asyncio.get_running_loop().create_server(Probe, sock=listener)
        reader, writer = await asyncio.open_connection(*listener.getsockname()[:2])
        await reader.read()  # until the server closes it
        writer.close()
        server.close()
        await server.wait_closed()
        return flags

    flags = asyncio.run(nodelay_of_accepted())
    assert len(flags) == 1 and flags[0] != 0


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.mark.filterwarnings("ignore::DeprecationWarning")
def test_two_workers_answer_on_one_kept_alive_connection() -> None:
    port = _free_port()
    command = [sys.executable, "-c", "from tripp.cli import main; main()", "serve"]
    server = subprocess.Popen(
        [*command, "--port", str(port), "--workers", "2"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        with httpx.Client(base_url=base, timeout=10) as client:
            while True:
                assert server.poll() is None, server.stderr.read() if server.stderr else ""
                try:
                    if client.get("/api/health").status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                assert time.monotonic() < deadline, "tripp serve --workers 2 did not start"
                time.sleep(0.3)
            query = {"origin": "Baku", "destination": "Kars", "modes": "rail"}
            answers = [client.get("/api/route", params=query) for _ in range(5)]
        assert {a.status_code for a in answers} == {200}
        assert len({a.content for a in answers}) == 1
        assert answers[0].json()["routes"][0]["countries"] == ["AZ", "GE", "TR"]
        # a job is known to both workers: each poll on a new connection may reach either
        job = {"kind": "exposure", "scenario": "baseline-2025"}
        started = httpx.post(f"{base}/api/jobs", json=job, timeout=10)
        assert started.status_code == 202, started.text
        polls = [httpx.get(f"{base}/api/jobs/{started.json()['id']}") for _ in range(8)]
        assert {p.status_code for p in polls} == {200}
    finally:
        server.terminate()
        server.wait(timeout=30)
