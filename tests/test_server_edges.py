"""The server's edges (issue 16, item 8): bound before announced, a bad ``--host`` named,
a deadline for request headers, the Host header checked, security headers, HEAD and
OPTIONS, a long URL answered in the problem shape, caches bounded in bytes."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import time
from collections.abc import Iterator

import httpx
import pytest
from fastapi.testclient import TestClient
from hypothesis import given, settings
from hypothesis import strategies as st

from tripp.api.app import create_app
from tripp.api.protocol import HEADER_TIMEOUT_S
from tripp.api.state import QUERY_OVERHEAD_BYTES, ApiState, LruCache, QueryIndex

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")

SERVE = [sys.executable, "-c", "from tripp.cli.main import main; main()", "serve"]


# -- caches ------------------------------------------------------------------------------


@settings(max_examples=60, deadline=None)
@given(
    budget=st.integers(1, 500),
    sizes=st.lists(st.integers(0, 200), min_size=31, max_size=31),
    requests=st.lists(st.integers(0, 30), max_size=80),
)
def test_result_cache_never_exceeds_its_byte_budget(
    budget: int, sizes: list[int], requests: list[int]
) -> None:
    cache: LruCache[bytes] = LruCache(20, max_bytes=budget, size_of=len)
    for key in requests:
        value = cache.get(key, lambda: b"x" * sizes[key])  # noqa: B023 (called at once)
        assert len(value) == sizes[key]  # a value over the budget is answered, not kept
        kept = [cache.peek(k) for k in range(31)]
        assert cache.nbytes == sum(len(v) for v in kept if v is not None)
        assert cache.nbytes <= budget
        assert len(cache) <= 20


def test_the_servers_caches_have_byte_budgets() -> None:
    state = ApiState()
    assert state.results.max_bytes is not None
    for i in range(200):
        state.cached(("big", i), lambda: b"x" * (state.results.max_bytes // 50))
    assert state.results.nbytes <= state.results.max_bytes
    index = QueryIndex(4096, max_bytes=1_000_000)
    for i in range(100):  # 100 KB query strings: 10 fit
        index.put(b"%d" % i + b"q" * 100_000, 200, i)
    assert index.nbytes <= 1_000_000
    assert len(index) == 1_000_000 // (100_002 + QUERY_OVERHEAD_BYTES)


# -- headers, methods and hosts, in process ---------------------------------------------


@pytest.fixture(scope="module")
def client() -> Iterator[TestClient]:
    with TestClient(create_app(allowed_hosts=["localhost", "testserver"])) as test_client:
        yield test_client


def test_every_answer_has_the_security_headers(client: TestClient) -> None:
    for path in ("/", "/api/health", "/api/docs", "/api/nope", "/static/app.js"):
        answer = client.get(path)
        csp = answer.headers["content-security-policy"]
        assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp, path
        assert answer.headers["x-content-type-options"] == "nosniff"
        assert answer.headers["x-frame-options"] == "DENY"
        assert answer.headers["referrer-policy"] == "no-referrer"
    docs = client.get("/api/docs").text
    assert "<script>" not in docs  # no inline script: the policy would block it
    assert "/api/openapi.json" in client.get("/api/docs/init.js").text


def test_head_answers_like_get_without_a_body(client: TestClient) -> None:
    for path in ("/api/health", "/", "/api/route?origin=Baku&destination=Kars"):
        head, get = client.head(path), client.get(path)
        assert head.status_code == get.status_code == 200, path
        assert head.content == b""
        assert head.headers["content-type"] == get.headers["content-type"]


def test_options_lists_every_method_of_the_path(client: TestClient) -> None:
    answer = client.options("/api/jobs")
    assert answer.status_code == 204
    assert set(answer.headers["allow"].split(", ")) == {"GET", "HEAD", "OPTIONS", "POST"}
    assert set(client.options("/api/health").headers["allow"].split(", ")) == {
        "GET",
        "HEAD",
        "OPTIONS",
    }
    assert client.options("/api/nope").status_code == 404


def test_a_host_not_allowed_is_refused_in_the_problem_shape(client: TestClient) -> None:
    answer = client.get("/api/health", headers={"host": "evil.example:8000"})
    assert answer.status_code == 400
    body = answer.json()
    assert body["problems"][0]["where"] == "Host"
    assert "--allowed-host" in body["problems"][0]["fix"]
    assert client.get("/api/health", headers={"host": "localhost:8000"}).status_code == 200


# -- tripp serve as a process -------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture(scope="module")
def served() -> Iterator[int]:
    """``tripp serve --workers 1`` on a free port; the port, once it says it serves."""
    port = _free_port()
    server = subprocess.Popen(
        [*SERVE, "--port", str(port), "--workers", "1", "--allowed-host", "tripp.test"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert server.stdout is not None
        line = server.stdout.readline()
        assert "tripp serving on" in line, server.stderr.read() if server.stderr else ""
        # announced: the port takes connections now (they wait until the app has started)
        with socket.create_connection(("127.0.0.1", port), timeout=2):
            pass
        answer = httpx.get(f"http://127.0.0.1:{port}/api/health", timeout=60)
        assert answer.status_code == 200
        yield port
    finally:
        server.terminate()
        server.wait(timeout=30)


def test_served_hosts_loopback_and_allowed_names(served: int) -> None:
    base = f"http://127.0.0.1:{served}/api/health"
    assert httpx.get(base, headers={"host": f"localhost:{served}"}).status_code == 200
    assert httpx.get(base, headers={"host": "tripp.test"}).status_code == 200
    rebound = httpx.get(base, headers={"host": f"attacker.example:{served}"})
    assert rebound.status_code == 400 and rebound.json()["problems"][0]["where"] == "Host"


def test_a_long_url_answers_414_in_the_problem_shape(served: int) -> None:
    # raw: httpx itself refuses URLs over 64 KiB
    request = b"GET /api/route?origin=" + b"B" * 100_000 + b" HTTP/1.1\r\nHost: localhost\r\n\r\n"
    with socket.create_connection(("127.0.0.1", served), timeout=10) as sock:
        sock.sendall(request)
        answer = b""
        while chunk := sock.recv(65536):
            answer += chunk
    head, _, body = answer.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 414 ")
    assert b"content-type: application/json" in head
    assert json.loads(body)["problems"][0]["where"] == "url"


def test_headers_that_never_finish_are_cut_off(served: int) -> None:
    sockets = [socket.create_connection(("127.0.0.1", served), timeout=2) for _ in range(50)]
    try:
        for sock in sockets:
            sock.sendall(b"GET /api/health HTT")  # half a request line, never finished
        started = time.monotonic()
        closed_after: list[float] = []
        for sock in sockets:
            sock.settimeout(HEADER_TIMEOUT_S + 5 - (time.monotonic() - started))
            assert sock.recv(1024) == b""  # closed by the server, nothing answered
            closed_after.append(time.monotonic() - started)
        assert max(closed_after) < HEADER_TIMEOUT_S + 3
        # the server still answers
        assert httpx.get(f"http://127.0.0.1:{served}/api/health").status_code == 200
    finally:
        for sock in sockets:
            sock.close()


@pytest.mark.parametrize("host", ["999.1.1.1", "no.such.host.invalid"])
def test_a_bad_host_is_named_not_the_port(host: str) -> None:
    result = subprocess.run(
        [*SERVE, "--host", host, "--port", str(_free_port())],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2, result.stderr
    assert "--host" in result.stderr and host in result.stderr
    assert "--port" not in result.stderr and "Traceback" not in result.stderr
    assert "tripp serving" not in result.stdout
