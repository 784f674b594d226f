"""Admission control: heavy endpoints never starve cached routes (issue 16, item 4).

A kind of heavy endpoint at its limit answers the next new request at once with 429,
``Retry-After`` and the problem shape, while cached answers (its own and ``/api/route``'s)
keep coming; ``compare`` leaves PyPSA alone when the scenarios' energy inputs agree.
"""

from __future__ import annotations

import asyncio
import json
import multiprocessing
import os
import signal
import subprocess
import sys
import threading
from typing import Any

import httpx
import pytest

from tripp.api import create_app, routes_analysis
from tripp.graph.paths import Kernel

BASE = "http://127.0.0.1"
ROUTE = {"origin": "Baku", "destination": "Kars"}


def assert_busy(response: httpx.Response) -> None:
    assert response.status_code == 429, response.text
    assert int(response.headers["retry-after"]) > 0
    body = response.json()
    assert set(body) == {"detail", "problems"}
    assert body["problems"][0]["where"] in {"compare", "exposure", "energy"}
    assert "retry" in body["problems"][0]["fix"]


def test_full_kind_answers_429_at_once_while_cached_answers_keep_coming(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """With a slow fake compare holding the only compare slot: another new compare gets 429
    and a cached compare and routes get 200, all while the slow one still runs."""
    started, release = threading.Event(), threading.Event()

    def fake_compare(state: Any, base: str, other: str, pairs: Any, *rest: Any) -> bytes:
        if pairs == (("Baku", "Kars"),):  # the slow one
            started.set()
            assert release.wait(60)
        return json.dumps({"pairs": [list(p) for p in pairs]}).encode()

    monkeypatch.setattr(routes_analysis, "compare_json", fake_compare)
    app = create_app(kernel=Kernel.PYTHON, heavy_processes=False)

    async def scenario() -> None:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url=BASE, timeout=60) as client:
            cached = await client.get("/api/compare", params={"pairs": "Yerevan>Kars"})
            assert cached.status_code == 200, cached.text
            slow = asyncio.create_task(client.get("/api/compare", params={"pairs": "Baku>Kars"}))
            assert await asyncio.to_thread(started.wait, 30)

            assert_busy(await client.get("/api/compare", params={"pairs": "Aktau>Kars"}))
            again = await client.get("/api/compare", params={"pairs": "Yerevan>Kars"})
            assert again.status_code == 200 and again.content == cached.content
            for _ in range(2):  # computed, then cached
                route = await client.get("/api/route", params=ROUTE)
                assert route.status_code == 200, route.text
            assert not slow.done()  # all of the above answered while it still ran

            release.set()
            assert (await slow).status_code == 200
            freed = await client.get("/api/compare", params={"pairs": "Aktau>Kars"})
            assert freed.status_code == 200

    try:
        asyncio.run(scenario())
    finally:
        release.set()
        app.state.admission.shutdown()


def test_processes_compute_new_answers_and_refuse_beyond_the_limit() -> None:
    """The real path: a new exposure computed in a pool process (the pool's start makes it
    take seconds), a second new one refused meanwhile, a route answered meanwhile, and the
    process's answer the same as one computed here."""
    app = create_app(kernel=Kernel.PYTHON)
    admission = app.state.admission

    async def scenario() -> bytes:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url=BASE, timeout=120) as client:
            first = asyncio.create_task(
                client.get("/api/exposure", params={"scenario": "georgia-disrupted"})
            )
            while admission.running["exposure"] == 0:
                await asyncio.sleep(0.01)
            assert_busy(await client.get("/api/exposure", params={"scenario": "aras-2030"}))
            assert (await client.get("/api/route", params=ROUTE)).status_code == 200
            assert not first.done()
            response = await first
            assert response.status_code == 200, response.text
            return response.content

    try:
        body = asyncio.run(scenario())
    finally:
        admission.shutdown()
    here = routes_analysis.exposure_json(app.state.tripp, "georgia-disrupted", "time")
    assert json.loads(body) == json.loads(here)


def test_a_dead_pool_process_answers_503_and_a_new_pool_serves_the_next() -> None:
    app = create_app(kernel=Kernel.PYTHON)
    admission = app.state.admission
    params = {"scenario": "georgia-disrupted"}

    async def scenario() -> None:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url=BASE, timeout=120) as client:
            first = asyncio.create_task(client.get("/api/exposure", params=params))
            while not (children := multiprocessing.active_children()):
                await asyncio.sleep(0.01)
            assert not first.done()
            for child in children:
                os.kill(child.pid, signal.SIGKILL)
            died = await first
            assert died.status_code == 503, died.text
            assert int(died.headers["retry-after"]) > 0
            assert set(died.json()) == {"detail", "problems"}
            again = await client.get("/api/exposure", params=params)
            assert again.status_code == 200, again.text

    try:
        asyncio.run(scenario())
    finally:
        admission.shutdown()


def test_compare_energy_choice_is_checked() -> None:
    app = create_app(kernel=Kernel.PYTHON, heavy_processes=False)

    async def scenario() -> httpx.Response:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url=BASE) as client:
            return await client.get("/api/compare", params={"energy": "maybe"})

    response = asyncio.run(scenario())
    assert response.status_code == 422
    assert any("energy" in str(p["where"]) for p in response.json()["problems"])


FREIGHT_ONLY = """
import json, sys
from typer.testing import CliRunner
import tripp
from tripp.cli.main import app
from tripp.scenarios.compare import energy_inputs_differ

atlas = tripp.load_atlas()
base = tripp.scenario(atlas, "baseline-2025")
other = tripp.scenario(atlas, "upper-lars-closed")
demo = tripp.scenario(atlas, "tripp-2030")
python = tripp.compare(base, other, pairs=[("Baku", "Kars")])
cli = CliRunner().invoke(
    app, ["compare", "baseline-2025", "upper-lars-closed", "--format", "json"]
)
print(json.dumps({
    "pypsa": "pypsa" in sys.modules,
    "python_energy": python.energy,
    "cli_exit": cli.exit_code,
    "cli_energy": json.loads(cli.output)["energy"] if cli.exit_code == 0 else cli.output,
    "demo_differs": energy_inputs_differ(base, demo),
    "freight_differs": energy_inputs_differ(base, other),
}))
"""


def test_freight_only_compare_does_not_import_pypsa() -> None:
    """baseline-2025 against upper-lars-closed (a road closure: same energy rows, lines and
    pipelines) by Python and by the CLI: no energy side, PyPSA never imported; the demo pair
    does differ in energy, so its comparison keeps its energy side."""
    done = subprocess.run(
        [sys.executable, "-c", FREIGHT_ONLY], capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr
    found = json.loads(done.stdout.strip().splitlines()[-1])
    assert found == {
        "pypsa": False,
        "python_energy": None,
        "cli_exit": 0,
        "cli_energy": None,
        "demo_differs": True,
        "freight_differs": False,
    }


def test_compare_refuses_an_unknown_energy_choice_before_routing() -> None:
    import tripp
    from tripp.errors import InputError

    atlas = tripp.load_atlas()
    base, other = (tripp.scenario(atlas, n) for n in ("baseline-2025", "upper-lars-closed"))
    with pytest.raises(InputError, match=r"energy: is 'yes'.*use auto, true or false"):
        tripp.compare(base, other, energy="yes")  # type: ignore[arg-type]
