"""``tripp serve`` as processes: ``--workers N`` each bind their own socket on the one port
(``SO_REUSEPORT``), keep ``TCP_NODELAY`` on their connections, and share their jobs."""

from __future__ import annotations

import asyncio
import socket
import subprocess
import sys
from typing import Any

import httpx
import pytest

from tripp.api.workers import check_port_free, listening_socket
from tripp.errors import InputError


def _nodelay_of_accepted(listener: socket.socket) -> int:
    """TCP_NODELAY of a connection that asyncio accepts on ``listener``."""

    async def accept_one() -> int:
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
        return flags[0]

    return asyncio.run(accept_one())


def test_worker_sockets_share_the_port_and_their_connections_have_nodelay() -> None:
    first = listening_socket("127.0.0.1", 0)
    port = first.getsockname()[1]
    second = listening_socket("127.0.0.1", port)  # a second worker on the same port
    first.listen()
    second.listen()
    try:
        assert first.proto == second.proto == socket.IPPROTO_TCP
        assert second.getsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT) != 0
        with pytest.raises(InputError, match=f"127.0.0.1:{port} cannot be bound"):
            check_port_free("127.0.0.1", port)  # taken: tripp serve refuses to join it
        second.close()
        assert _nodelay_of_accepted(first) != 0
    finally:
        first.close()
        second.close()


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.mark.filterwarnings("ignore::DeprecationWarning")
def test_two_workers_answer_routes_and_share_jobs() -> None:
    port = _free_port()
    command = [sys.executable, "-c", "from tripp.cli.main import main; main()", "serve"]
    server = subprocess.Popen(
        [*command, "--port", str(port), "--workers", "2"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        assert server.stdout is not None
        announced = server.stdout.readline()
        assert "tripp serving on" in announced and "2 workers" in announced, (
            server.stderr.read() if server.stderr else ""
        )
        # announced only once both workers' sockets listen: connections are taken at once
        # (and answered once the apps have started)
        for _ in range(8):
            socket.create_connection(("127.0.0.1", port), timeout=2).close()
        with httpx.Client(base_url=base, timeout=10) as client:
            assert client.get("/api/health", timeout=90).status_code == 200
            query = {"origin": "Baku", "destination": "Kars", "modes": "rail"}
            answers = [client.get("/api/route", params=query) for _ in range(5)]
        assert {a.status_code for a in answers} == {200}
        assert len({a.content for a in answers}) == 1
        assert answers[0].json()["routes"][0]["countries"] == ["AZ", "GE", "TR"]
        # a job is known to both workers: each poll on a new connection may reach either
        job = {"kind": "exposure", "scenario": "baseline-2025"}
        started = httpx.post(f"{base}/api/jobs", json=job, timeout=10)
        assert started.status_code == 202, started.text
        polls = [httpx.get(f"{base}/api/jobs/{started.json()['id']}") for _ in range(12)]
        assert {p.status_code for p in polls} == {200}
        # a second server on the same port is refused, not joined
        second = subprocess.run(
            [*command, "--port", str(port), "--workers", "2"], capture_output=True, text=True
        )
        assert second.returncode == 2 and "cannot be bound" in second.stderr
    finally:
        server.terminate()
        server.wait(timeout=30)
    assert server.returncode == 0
