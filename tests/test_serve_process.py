"""``tripp serve`` as processes: ``--workers N`` each bind their own socket on the one port
(``SO_REUSEPORT``), keep ``TCP_NODELAY`` on their connections, and share their jobs; a
worker killed under load loses no job."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx
import pytest

from tripp.api.jobstore import DB_NAME
from tripp.api.workers import check_port_free, listening_socket
from tripp.errors import InputError

SERVE = [sys.executable, "-c", "from tripp.cli.main import main; main()", "serve"]


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


def _serve_two_workers(port: int, state_dir: Path) -> subprocess.Popen[bytes]:
    """``tripp serve --workers 2`` on 127.0.0.1:``port``, once it answers."""
    server = subprocess.Popen(
        [*SERVE, "--port", str(port), "--workers", "2", "--state-dir", str(state_dir)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 90
    while True:
        assert server.poll() is None, server.stderr.read() if server.stderr else ""
        try:
            if httpx.get(f"http://127.0.0.1:{port}/api/health").status_code == 200:
                return server
        except httpx.TransportError:
            pass
        assert time.monotonic() < deadline, "tripp serve --workers 2 did not start"
        time.sleep(0.3)


@pytest.mark.filterwarnings("ignore::DeprecationWarning")
def test_two_workers_answer_routes_and_share_jobs(tmp_path: Path) -> None:
    port = _free_port()
    server = _serve_two_workers(port, tmp_path)
    base = f"http://127.0.0.1:{port}"
    try:
        assert server.stdout is not None
        announced = server.stdout.readline()
        assert "tripp serving on" in announced and "2 workers" in announced
        with httpx.Client(base_url=base, timeout=10) as client:
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
            [*SERVE, "--port", str(port), "--workers", "2", "--state-dir", str(tmp_path)],
            capture_output=True,
            text=True,
        )
        assert second.returncode == 2 and "cannot be bound" in second.stderr
    finally:
        server.terminate()
        server.wait(timeout=30)
    assert server.returncode == 0


def _owner_pid(state_dir: Path, job_id: str) -> tuple[int, str]:
    """The pid of the worker running ``job_id`` and its status, from the store."""
    with sqlite3.connect(state_dir / DB_NAME) as db:
        row = db.execute("SELECT owner_pid, status FROM jobs WHERE id = ?", (job_id,)).fetchone()
    return int(row[0]), str(row[1])


@pytest.mark.filterwarnings("ignore::DeprecationWarning")
def test_a_worker_killed_under_load_loses_no_job(tmp_path: Path) -> None:
    port = _free_port()
    server = _serve_two_workers(port, tmp_path)
    base = f"http://127.0.0.1:{port}"
    try:
        # no waiting: a worker whose app has started is restarted whenever it dies
        bodies = [
            {"kind": "reliability", "samples": 2000},  # long: the one to kill a worker under
            *({"kind": "exposure", "scenario": s} for s in ("tripp-2030", "aras-2030")),
            {"kind": "compare", "pairs": ["Baku>Kars"]},
            {"kind": "exposure", "scenario": "no-russia"},
        ]
        accepted = []
        for body in bodies:  # a new connection each: they spread over both workers
            answer = httpx.post(f"{base}/api/jobs", json=body, timeout=10)
            assert answer.status_code == 202, answer.text
            accepted.append(answer.json()["id"])
        deadline = time.monotonic() + 30
        while (owner := _owner_pid(tmp_path, accepted[0]))[1] != "running":
            assert time.monotonic() < deadline, f"the long job never ran: {owner}"
            time.sleep(0.1)
        os.kill(owner[0], signal.SIGKILL)
        killed_s, jobs, ended_s = time.monotonic(), [], None
        killed = {j for j in accepted if _owner_pid(tmp_path, j)[0] == owner[0]}
        while not jobs or any(job["status"] in {"queued", "running"} for job in jobs):
            # every job ends: the killed worker's within 10 s, the other's when done; none
            # is lost (404)
            assert time.monotonic() - killed_s < 60, f"left hanging: {jobs}"
            time.sleep(0.2)
            try:
                polls = [httpx.get(f"{base}/api/jobs/{j}", timeout=10) for j in accepted]
            except httpx.TransportError:  # a connection the dying worker's socket took
                continue
            assert [p.status_code for p in polls] == [200] * len(accepted)
            jobs = [p.json() for p in polls]
            if ended_s is None and all(
                job["status"] in {"succeeded", "failed"} for job in jobs if job["id"] in killed
            ):
                ended_s = time.monotonic()
        assert ended_s is not None and ended_s - killed_s < 10
        assert jobs[0]["status"] == "failed"
        for job in jobs:
            if job["status"] == "failed":  # the killed worker's, saying so
                assert job["id"] in killed
                (problem,) = job["error"]["problems"]
                assert f"(pid {owner[0]}) stopped" in problem["problem"]
                assert "submit the job again" in problem["fix"] and job["finished_s"]
        listed = {j["id"] for j in httpx.get(f"{base}/api/jobs", timeout=10).json()}
        assert set(accepted) <= listed
        assert httpx.get(f"{base}/api/health", timeout=10).status_code == 200  # still serving
    finally:
        server.terminate()
        server.wait(timeout=60)
    assert server.returncode == 0
