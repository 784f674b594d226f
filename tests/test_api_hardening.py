"""Server hardening, the last items of issue 16: heavy jobs off the server's process, the
connection cap and a slow body answered in the problem shape, loopback hosts by default."""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import httpx
import pytest
import uvicorn
from fastapi import FastAPI
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from tripp.api import create_app, routes_jobs
from tripp.api.guards import BODY_TIMEOUT_S, SECURITY_HEADERS
from tripp.api.jobs import JobManager
from tripp.api.protocol import GuardedProtocol
from tripp.graph.paths import Kernel

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")

LOCAL = "http://127.0.0.1"
ROUTE = {"origin": "Baku", "destination": "Kars"}
#: A heavy job of seconds: the demo pair's energy inputs differ, so PyPSA solves both.
JOB = {"kind": "compare", "base": "baseline-2025", "other": "tripp-2030"}


def _wait_for(client: TestClient, job_id: str, *, until: set[str], timeout_s: float) -> Any:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        job = client.get(f"/api/jobs/{job_id}").json()
        if job["status"] in until:
            return job
        time.sleep(0.05)
    raise AssertionError(f"job {job_id} not {until} within {timeout_s} s: {job}")


# -- heavy jobs run in the admission's process pool -----------------------------------------


def test_a_heavy_job_runs_in_a_pool_process_while_cached_routes_answer(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A compare job is computed by a pool process (not by a thread of the server), its
    answer is the endpoint's (cached under the same key), and a cached route answers within
    1 s all along (a CPU-bound job on a thread of this process would hold the GIL)."""
    app = create_app(kernel=Kernel.PYTHON, allowed_hosts=["127.0.0.1"])
    admission = app.state.admission
    computed: list[tuple[str, int | None]] = []
    compute_blocking = admission.compute_blocking

    def spy(kind: str, *args: Any, **options: Any) -> tuple[bytes, int | None]:
        body, pid = compute_blocking(kind, *args, **options)
        computed.append((kind, pid))
        return body, pid

    monkeypatch.setattr(admission, "compute_blocking", spy)
    with TestClient(app, base_url=LOCAL) as client:
        assert client.get("/api/route", params=ROUTE).status_code == 200  # now cached
        posted = client.post("/api/jobs", json=JOB)
        assert posted.status_code == 202, posted.text
        job_id, slowest_s, answered = posted.json()["id"], 0.0, 0
        deadline = time.monotonic() + 180
        while client.get(f"/api/jobs/{job_id}").json()["status"] in {"queued", "running"}:
            assert time.monotonic() < deadline, "the job did not finish in 180 s"
            began = time.perf_counter()
            route = client.get("/api/route", params=ROUTE)
            slowest_s = max(slowest_s, time.perf_counter() - began)
            assert route.status_code == 200
            answered += 1
            time.sleep(0.02)
        job = client.get(f"/api/jobs/{job_id}").json()
        assert job["status"] == "succeeded", job
        endpoint = client.get("/api/compare", params={"base": "baseline-2025"})  # cached
        assert endpoint.status_code == 200
        assert job["result"] == endpoint.json()
    (kind, pid), *rest = computed
    assert kind == "compare" and not rest
    assert pid is not None and pid != os.getpid()  # another process computed it
    assert answered >= 3, "the job ended before the routes could be timed"
    assert slowest_s < 1.0, f"a cached route took {slowest_s:.2f} s while the job ran"


def test_a_heavy_job_finding_its_kind_full_waits_for_a_slot(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Two exposure jobs, one exposure slot: both accepted; the second waits (saying so)
    until the first frees the slot, then runs; neither is refused or fails."""
    release = threading.Event()
    started: list[str] = []

    def fake_exposure(state: Any, scenario: str, objective: str) -> bytes:
        started.append(scenario)
        assert release.wait(60)
        return json.dumps({"scenario": scenario}).encode()

    monkeypatch.setattr(routes_jobs, "exposure_json", fake_exposure)
    app = create_app(kernel=Kernel.PYTHON, heavy_processes=False, allowed_hosts=["127.0.0.1"])
    try:
        with TestClient(app, base_url=LOCAL) as client:
            ids = []
            for scenario in ("aras-2030", "georgia-disrupted"):
                posted = client.post("/api/jobs", json={"kind": "exposure", "scenario": scenario})
                assert posted.status_code == 202, posted.text
                ids.append(posted.json()["id"])
            deadline = time.monotonic() + 30
            while not (started and _waiting(client, ids)):
                assert time.monotonic() < deadline, [
                    client.get(f"/api/jobs/{i}").json() for i in ids
                ]
                time.sleep(0.05)
            assert len(started) == 1  # one slot: the other job has not begun computing
            release.set()
            done = [_wait_for(client, i, until={"succeeded", "failed"}, timeout_s=30) for i in ids]
    finally:
        release.set()
    assert [job["status"] for job in done] == ["succeeded", "succeeded"], done
    assert [job["result"]["scenario"] for job in done] == ["aras-2030", "georgia-disrupted"]
    assert sorted(started) == ["aras-2030", "georgia-disrupted"]


def _waiting(client: TestClient, ids: list[str]) -> bool:
    messages = [client.get(f"/api/jobs/{i}").json()["message"] for i in ids]
    return "waiting for a free exposure process" in messages


def test_a_job_waiting_for_a_slot_fails_cleanly_when_the_server_stops(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    release = threading.Event()

    def fake_exposure(state: Any, scenario: str, objective: str) -> bytes:
        assert release.wait(60)
        return b"{}"

    monkeypatch.setattr(routes_jobs, "exposure_json", fake_exposure)
    jobs = JobManager()
    app = create_app(
        kernel=Kernel.PYTHON, heavy_processes=False, jobs=jobs, allowed_hosts=["127.0.0.1"]
    )
    try:
        with TestClient(app, base_url=LOCAL) as client:
            ids = [
                client.post("/api/jobs", json={"kind": "exposure", "scenario": s}).json()["id"]
                for s in ("aras-2030", "georgia-disrupted")
            ]
            deadline = time.monotonic() + 30
            while not _waiting(client, ids):
                assert time.monotonic() < deadline
                time.sleep(0.05)
            threading.Timer(0.5, release.set).start()  # the running one ends during the stop
    finally:
        release.set()
    ended = {job.status for job in (jobs.store.get(i) for i in ids) if job is not None}
    assert ended == {"succeeded", "failed"}
    (failed,) = [job for job in (jobs.store.get(i) for i in ids) if job and job.error]
    assert "stopped" in failed.error["problems"][0]["problem"]
    assert "submit" in failed.error["problems"][0]["fix"]


# -- a real server: the connection cap and a slow body -------------------------------------


@contextmanager
def serving(app: FastAPI, protocol: type[GuardedProtocol] = GuardedProtocol) -> Iterator[int]:
    """``app`` on uvicorn with ``protocol``, in a thread, on a free loopback port."""
    sock = socket.socket()
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    config = uvicorn.Config(
        app, http=protocol, log_level="warning", access_log=False, loop="asyncio"
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=lambda: asyncio.run(server.serve(sockets=[sock])))
    thread.start()
    try:
        deadline = time.monotonic() + 60
        while not server.started:
            assert thread.is_alive() and time.monotonic() < deadline, "the server did not start"
            time.sleep(0.02)
        yield port
    finally:
        server.should_exit = True
        thread.join(30)
        sock.close()


def _read_answer(conn: socket.socket, timeout_s: float) -> tuple[int, dict[str, str], bytes]:
    """Status, headers and body of one HTTP/1.1 answer with a Content-Length."""
    conn.settimeout(timeout_s)
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = conn.recv(65536)
        assert chunk, f"closed before an answer: {data!r}"
        data += chunk
    head, body = data.split(b"\r\n\r\n", 1)
    lines = head.decode("latin-1").split("\r\n")
    headers = _headers(lines[1:])
    while len(body) < int(headers["content-length"]):
        body += conn.recv(65536)
    return int(lines[0].split()[1]), headers, body


def _headers(lines: list[str]) -> dict[str, str]:
    """Header lines as a dict, names in lower case."""
    pairs = (line.split(": ", 1) for line in lines)
    return {name.lower(): value for name, value in pairs}


def _request(
    path: str, *, body: bytes = b"", method: str = "GET", length: int | None = None
) -> bytes:
    """An HTTP/1.1 request; ``length``: the Content-Length to declare (default: the body's)."""
    head = f"{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n"
    if method == "POST":
        length = len(body) if length is None else length
        head += f"Content-Type: application/json\r\nContent-Length: {length}\r\n"
    return head.encode() + b"\r\n" + body


def assert_problem_shape(body: bytes, headers: dict[str, str]) -> dict[str, Any]:
    assert headers["content-type"] == "application/json"
    found: dict[str, Any] = json.loads(body)
    assert set(found) == {"detail", "problems"}
    assert {"where", "problem", "fix"} <= set(found["problems"][0])
    for name, value in SECURITY_HEADERS:
        assert headers[name.decode()] == value.decode()
    return found


class OneConnection(GuardedProtocol):
    max_connections = 1


def test_over_the_connection_cap_the_answer_is_503_in_the_problem_shape() -> None:
    app = create_app(kernel=Kernel.PYTHON, allowed_hosts=["127.0.0.1"])
    with serving(app, OneConnection) as port:
        with socket.create_connection(("127.0.0.1", port)) as first:
            first.sendall(_request("/api/health"))
            assert _read_answer(first, 30)[0] == 200  # kept alive: holds the one connection
            with socket.create_connection(("127.0.0.1", port)) as second:
                second.sendall(_request("/api/health"))
                status, headers, body = _read_answer(second, 30)
                assert status == 503
                assert int(headers["retry-after"]) >= 1
                assert headers["connection"] == "close"
                found = assert_problem_shape(body, headers)
                assert "retry" in found["problems"][0]["fix"]
        deadline = time.monotonic() + 10  # the first connection's close reaches the server
        while True:
            with socket.create_connection(("127.0.0.1", port)) as third:
                third.sendall(_request("/api/health"))
                if _read_answer(third, 30)[0] == 200:
                    break
            assert time.monotonic() < deadline, "still refused after the other connection closed"
            time.sleep(0.1)


def test_a_body_that_trickles_in_is_answered_408_and_its_connection_closed() -> None:
    """Headers, then one byte of a 200-byte body every 0.1 s: 408 in the problem shape
    about 0.5 s after the headers, then the connection closes; a body sent at once is
    still answered."""
    jobs = JobManager(paused=True)
    app = create_app(
        kernel=Kernel.PYTHON, jobs=jobs, allowed_hosts=["127.0.0.1"], body_timeout_s=0.5
    )
    with serving(app) as port:
        with socket.create_connection(("127.0.0.1", port)) as slow:
            slow.sendall(_request("/api/jobs", method="POST", length=200))
            began, answer = time.monotonic(), b""
            slow.settimeout(0.1)
            while b"\r\n\r\n" not in answer:
                assert time.monotonic() - began < 10, "no answer to the slow body"
                try:
                    slow.sendall(b" ")
                    answer += slow.recv(65536)
                except TimeoutError:
                    continue
            took_s = time.monotonic() - began
            head, body = answer.split(b"\r\n\r\n", 1)
            lines = head.decode().split("\r\n")
            headers = _headers(lines[1:])
            assert lines[0].split()[1] == "408", answer
            while len(body) < int(headers["content-length"]):
                body += slow.recv(65536)
            found = assert_problem_shape(body, headers)
            assert found["problems"][0]["where"] == "body"
            assert "0.5 s" in found["problems"][0]["problem"]
            assert 0.4 <= took_s < 5
            slow.settimeout(5)
            with contextlib.suppress(ConnectionResetError):  # then the server closes it
                assert slow.recv(65536) == b""
        with socket.create_connection(("127.0.0.1", port)) as quick:
            job = json.dumps({"kind": "exposure"}).encode()
            quick.sendall(_request("/api/jobs", method="POST", body=job))
            assert _read_answer(quick, 30)[0] == 202


def test_serve_offers_the_body_timeout_with_the_apps_default() -> None:
    from tripp.cli import serve
    from tripp.cli.main import app as cli

    assert serve.BODY_TIMEOUT_S == BODY_TIMEOUT_S
    assert "--body-timeout" in CliRunner().invoke(cli, ["serve", "--help"]).output


# -- the Host header ------------------------------------------------------------------------


def test_without_allowed_hosts_only_local_names_are_answered() -> None:
    app = create_app(kernel=Kernel.PYTHON)

    async def status(host: str) -> int:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url=LOCAL) as client:
            answer = await client.get("/api/health", headers={"host": host})
            return answer.status_code

    for host in ("localhost:8000", "127.0.0.1", "[::1]:8000", "testserver"):
        assert asyncio.run(status(host)) == 200, host
    for host in ("evil.example", "evil.example:8000", "192.168.1.20"):
        assert asyncio.run(status(host)) == 400, host


# -- a pool process does not outlive its server ---------------------------------------------

ORPHAN = """
import sys, time
from tripp.api.admission import Admission
from tripp.api.state import ApiState

admission = Admission(ApiState())
pid, _ = admission._submit(str, ()).result(timeout=120)
print(pid, flush=True)
time.sleep(120)
"""


def test_a_pool_process_exits_soon_after_its_server_is_killed() -> None:
    server = subprocess.Popen(
        [sys.executable, "-c", ORPHAN], stdout=subprocess.PIPE, text=True, env=os.environ
    )
    try:
        assert server.stdout is not None
        pool_pid = int(server.stdout.readline())
        assert pool_pid != server.pid and os.path.exists(f"/proc/{pool_pid}")
    finally:
        server.kill()  # SIGKILL: no clean-up runs in the server
        server.wait(30)
    deadline = time.monotonic() + 10
    while os.path.exists(f"/proc/{pool_pid}"):
        with open(f"/proc/{pool_pid}/stat", encoding="utf-8") as stat:
            if stat.read().rsplit(")", 1)[1].split()[0] == "Z":  # exited, not yet reaped
                break
        assert time.monotonic() < deadline, "the pool process outlived its server by 10 s"
        time.sleep(0.1)
