"""The kernel a route search runs is chosen per call, never by process state.

On the embedded atlas, routes with alternatives, via points and avoided countries are the
same JSON with either kernel (the single-pair searches are cross-checked on random graphs in
``test_shortest_path.py``). The API server asks for the compiled kernel through its state;
a one-shot ``tripp route`` on the atlas never imports Numba or SciPy.
"""

from __future__ import annotations

import json
import subprocess
import sys
import warnings
from typing import Any

import pytest

import tripp
from tripp.graph import paths
from tripp.graph.paths import Kernel
from tripp.routing import alternatives
from tripp.routing.route import route


@pytest.fixture(scope="module")
def atlas_graph() -> tripp.Graph:
    return tripp.compile(tripp.load_atlas())


QUERIES: list[dict[str, Any]] = [
    {"origin": "Baku", "destination": "Kars", "alternatives": 5},
    {"origin": "Baku", "destination": "Kars", "alternatives": 4, "objective": "cost"},
    {"origin": "Xi'an", "destination": "Istanbul", "alternatives": 4, "avoid_countries": ["RU"]},
    {"origin": "Almaty", "destination": "Nakhchivan", "alternatives": 3, "via": ["Baku"]},
    {"origin": "Shanghai", "destination": "Rotterdam", "alternatives": 6, "objective": "distance"},
    {"origin": "Aktau", "destination": "Poti", "alternatives": 3, "modes": ["rail", "ferry"]},
]


def _answers(graph: tripp.Graph, kernel: Kernel) -> list[str]:
    return [json.dumps(route(graph, **q, kernel=kernel).to_dict()) for q in QUERIES]


@pytest.fixture
def python_only(monkeypatch: pytest.MonkeyPatch) -> None:
    """Any search or spur step by the compiled kernel fails."""

    def refuse(*_: object) -> None:
        raise AssertionError("the compiled kernel ran")

    monkeypatch.setattr(paths, "dijkstra_compiled", refuse)
    monkeypatch.setattr(alternatives, "_spurs_compiled", refuse)


@pytest.fixture
def compiled_only(monkeypatch: pytest.MonkeyPatch) -> None:
    """Any search or spur step by the Python kernel fails."""

    def refuse(*_: object) -> None:
        raise AssertionError("the Python kernel ran")

    monkeypatch.setattr(paths, "dijkstra_heap", refuse)
    monkeypatch.setattr(alternatives, "_spurs_python", refuse)


def test_auto_routes_the_atlas_in_python(atlas_graph: tripp.Graph, python_only: None) -> None:
    found = route(atlas_graph, "Baku", "Kars", alternatives=3)
    assert len(found.routes) == 3


def test_the_compiled_kernel_is_asked_for_per_call(
    atlas_graph: tripp.Graph, compiled_only: None
) -> None:
    found = route(atlas_graph, "Baku", "Kars", alternatives=3, kernel="compiled")
    assert len(found.routes) == 3
    with pytest.raises(AssertionError, match="the Python kernel ran"):
        route(atlas_graph, "Baku", "Kars")  # the next call, on auto, is not compiled


def test_compiled_alternatives_are_the_python_ones(atlas_graph: tripp.Graph) -> None:
    python = _answers(atlas_graph, Kernel.PYTHON)
    assert any(len(json.loads(a)["routes"]) >= 3 for a in python)  # Yen really ran
    assert _answers(atlas_graph, Kernel.COMPILED) == python


def test_an_api_app_searches_with_the_compiled_kernel(compiled_only: None) -> None:
    with warnings.catch_warnings():  # starlette's note that it prefers httpx2
        warnings.simplefilter("ignore", DeprecationWarning)
        from fastapi.testclient import TestClient

    from tripp.api import create_app

    app = create_app()
    assert app.state.tripp.kernel is Kernel.COMPILED
    graph = tripp.compile(tripp.load_atlas())
    with TestClient(app) as running:
        fast = running.get("/api/route?origin=Baku&destination=Kars&alternatives=3")
        expected = route(graph, "Baku", "Kars", alternatives=3, kernel="compiled")
        assert fast.json() == expected.to_dict()
        via = running.get("/api/route?origin=Baku&destination=Kars&via=Tbilisi")  # FastAPI's
        expected = route(graph, "Baku", "Kars", via=["Tbilisi"], kernel="compiled")
        assert via.json() == expected.to_dict()
        with pytest.raises(AssertionError, match="the Python kernel ran"):
            route(graph, "Baku", "Kars")  # the running app changed nothing for other callers


def test_one_shot_route_on_the_atlas_imports_neither_numba_nor_scipy() -> None:
    code = (
        "import sys\n"
        "from tripp.cli.main import main\n"
        "sys.argv = ['tripp', 'route', 'Baku', 'Kars', '--alternatives', '3']\n"
        "try:\n"
        "    main()\n"
        "except SystemExit as done:\n"
        "    assert not done.code, done.code\n"
        "print(sorted(m for m in ('numba', 'scipy') if m in sys.modules))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert "Baku" in result.stdout and "Kars" in result.stdout
    assert result.stdout.strip().splitlines()[-1] == "[]"


PLAIN_QUERIES = [
    "origin=Baku&destination=Kars",
    "origin=baku&destination=Nakhchivan&scenario=tripp-2030&objective=cost",
    "origin=Xi%27an&destination=Istanbul&alternatives=3&year=2030",
    "origin=Baku&destination=Kars&scenario=no-russia&alternatives=2&objective=distance",
    "origin=Atlantis&destination=Kars",  # unknown place: FastAPI lists the problem (422)
    "origin=Baku&destination=Kars&alternatives=0",  # out of range: 422
    "origin=Baku&destination=Kars&alternatives=7",  # beyond the fast path: FastAPI answers
    "origin=Baku&destination=Kars&scenario=nope",  # unknown scenario: 422
    "origin=Baku&destination=Baku",  # same place: 422
    "origin=Baku&origin=Tbilisi&destination=Kars",  # repeated: FastAPI takes the last
    "origin=Baku&destination=Kars&year=1700",  # out of range: 422
]


def test_the_fast_path_answers_exactly_as_fastapi() -> None:
    """Every query answered twice by a running app: as is (plain ones by the fast path) and
    with an extra parameter FastAPI ignores (so always by FastAPI), on separate apps so
    that neither answer comes from the other's cache."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        from fastapi.testclient import TestClient

    from tripp.api import create_app

    with TestClient(create_app()) as fast, TestClient(create_app()) as plain:
        for query in PLAIN_QUERIES:
            ours = fast.get(f"/api/route?{query}")
            theirs = plain.get(f"/api/route?{query}&via_fastapi=1")
            assert (ours.status_code, ours.content) == (theirs.status_code, theirs.content), query
            assert ours.headers["content-type"] == theirs.headers["content-type"]
            assert ours.headers["content-length"] == theirs.headers["content-length"]
            again = fast.get(f"/api/route?{query}")  # now from the cache, where cached
            assert (again.status_code, again.content) == (ours.status_code, ours.content)


def test_a_prepared_server_state_gives_the_answers_of_a_lazy_one() -> None:
    from tripp.api.route_answers import checked, compute
    from tripp.api.state import ApiState
    from tripp.scenarios import list_scenarios

    prepared, lazy = ApiState(kernel=Kernel.COMPILED), ApiState()
    assert prepared.prepare() == 1 + len(list_scenarios())
    assert len(prepared.networks) == 1 + len(list_scenarios()) and len(lazy.networks) == 0
    graph = prepared.network("tripp-2030").graph
    assert len(graph.memo("route steps", None, dict)) == graph.n_arcs
    queries: list[tuple[str | None, str, str, dict[str, Any]]] = [
        ("tripp-2030", "Baku", "Nakhchivan", {"alternatives": 3}),
        ("tripp-2030", "Yerevan", "Kars", {"objective": "cost", "year": 2031}),
        (None, "Baku", "Kars", {"avoid_countries": ("GE",), "alternatives": 2}),
        (
            None,
            "Aktau",
            "Poti",
            {"via": ("Tbilisi",), "objective": "generalized", "vot_usd_per_teu_h": 1.0},
        ),
    ]
    for scenario, origin, destination, options in queries:
        answers = [
            compute(state, scenario, checked(state, scenario, origin, destination, **options))
            for state in (prepared, lazy)
        ]
        assert answers[0] == answers[1]
