"""End to end: the page in headless Chromium against `tripp`'s server on a loopback port.

Plans Baku → Nakhchivan, checks the route is drawn on the map and listed, switches the
scenario to tripp-2030 and sees the route change, with no failed request on the way.
Screenshots go to test-artifacts/. Needs Debian's chromium at /usr/bin/chromium (``make
system`` installs it) and the npm libraries (``npm ci``).
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest

CHROMIUM = Path(os.environ.get("TRIPP_CHROMIUM", "/usr/bin/chromium"))
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ARTIFACTS = Path(__file__).resolve().parents[1] / "test-artifacts"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    port = free_port()
    process = subprocess.Popen(
        [
            sys.executable,
            *("-m", "uvicorn", "--factory", "tripp.api.app:create_app"),
            *("--host", "127.0.0.1", "--port", str(port), "--log-level", "warning"),
        ],
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                if httpx.get(f"{url}/api/health", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"the server did not start on {url}")
            time.sleep(0.2)
        assert httpx.get(f"{url}/api/health").json()["web_assets"], (
            "Leaflet/Swagger UI not found: run `npm ci` at the repository root"
        )
        yield url
    finally:
        process.terminate()
        process.wait(timeout=10)


def _wait_until(condition: Callable[[], bool], timeout_s: float = 30.0) -> None:
    """Poll ``condition`` from Python (a predicate evaluated in the page would need
    'unsafe-eval', which the page's Content-Security-Policy rightly forbids)."""
    deadline = time.monotonic() + timeout_s
    while not condition():
        assert time.monotonic() < deadline, "the page did not get there in time"
        time.sleep(0.05)


def test_plan_route_and_switch_scenario(server: str) -> None:
    if not CHROMIUM.is_file():
        pytest.fail(
            f"Chromium not found at {CHROMIUM}: install Debian's chromium "
            "(`apt-get install chromium`, or `make system`)"
        )
    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(exist_ok=True)
    failures: list[str] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        page = browser.new_page(viewport={"width": 1440, "height": 900})
        page.on("requestfailed", lambda r: failures.append(f"failed {r.url} {r.failure}"))
        page.on(
            "response",
            lambda r: failures.append(f"{r.status} {r.url}") if r.status >= 400 else None,
        )
        page.on("pageerror", lambda e: failures.append(f"page error: {e}"))
        page.on(  # anything the Content-Security-Policy blocks
            "console",
            lambda m: failures.append(m.text) if "Content Security Policy" in m.text else None,
        )
        page.goto(server + "/")
        page.wait_for_selector("body[data-ready=true]", timeout=30_000)
        assert page.locator("path.leaflet-interactive").count() > 100  # the network is drawn
        assert page.locator("path.tripp-link").count() > 0  # TRIPP highlighted (planned)
        page.screenshot(path=str(ARTIFACTS / "web-atlas.png"))

        page.fill("#origin", "Baku")
        page.fill("#destination", "Nakhchivan")
        page.click("#plan")
        _wait_until(lambda: int(page.get_attribute("#map", "data-route-legs") or 0) > 0)
        before = page.get_attribute("#map", "data-route-nodes") or ""
        legs_drawn = int(page.get_attribute("#map", "data-route-legs") or 0)
        assert page.locator("path.route-leg").count() == legs_drawn
        assert page.locator("#legs-list li[data-kind=link]").count() == legs_drawn
        assert "Nakhchivan" in page.inner_text("#legs-list")
        assert "meghri" not in before.split(",")
        page.screenshot(path=str(ARTIFACTS / "web-route-baseline.png"))

        page.select_option("#scenario", "tripp-2030")
        _wait_until(lambda: (page.get_attribute("#map", "data-route-nodes") or "") != before)
        after = page.get_attribute("#map", "data-route-nodes") or ""
        assert "meghri" in after.split(",")  # the route now runs through Armenia's Meghri
        assert "Meghri" in page.inner_text("#legs-list")
        page.screenshot(path=str(ARTIFACTS / "web-route-tripp-2030.png"))

        page.click(".tab[data-view=compare]")
        page.click("#compare-form button[type=submit]")
        page.wait_for_selector("#exposure-chart svg rect", timeout=30_000)
        page.wait_for_selector("path.route-after", timeout=30_000)
        assert page.locator("#delta-table tbody tr").count() >= 1
        page.screenshot(path=str(ARTIFACTS / "web-compare.png"))

        page.click(".tab[data-view=energy]")
        page.click("#energy-form button[type=submit]")
        page.wait_for_selector("path.energy-flow", timeout=60_000)
        assert page.locator("#unmet-table tbody tr").count() >= 1
        page.screenshot(path=str(ARTIFACTS / "web-energy.png"))
        browser.close()
    assert failures == []
