"""The compiled (Numba) searches of the API server give the pure-Python answers exactly.

Dijkstra: the three implementations agree on random graphs, and the compiled one picks the
very path the heap one picks among equally short ones. Yen: on the embedded atlas, routes
with alternatives, via points and avoided countries are the same JSON in both modes.
"""

from __future__ import annotations

import json
import warnings
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import tripp
from tripp.graph.paths import (
    compiled_kernel_enabled,
    dijkstra_compiled,
    dijkstra_heap,
    use_compiled_kernel,
)
from tripp.routing.route import route


@st.composite
def tied_graphs(draw: st.DrawFn) -> tuple[np.ndarray, np.ndarray, np.ndarray, int, int, int]:
    """Random CSR graphs with small integer weights (many equally short paths)."""
    n = draw(st.integers(2, 25))
    distinct = sorted(
        set(
            draw(
                st.lists(
                    st.tuples(st.integers(0, n - 1), st.integers(0, n - 1)).filter(
                        lambda p: p[0] != p[1]
                    ),
                    min_size=10,
                    max_size=120,
                )
            )
        )
    )
    # arcs grouped by tail, heads in any order: ties then reach the heap in any order too
    pairs = sorted(draw(st.permutations(distinct)), key=lambda p: p[0])
    weight = np.array(
        draw(
            st.lists(
                st.sampled_from([0.0, 1.0, 2.0, np.inf]), min_size=len(pairs), max_size=len(pairs)
            )
        )
    )
    tail = np.array([p[0] for p in pairs], dtype=np.int64)
    head = np.array([p[1] for p in pairs], dtype=np.int64)
    indptr = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(np.bincount(tail, minlength=n), out=indptr[1:])
    source = draw(st.integers(0, n - 1))
    target = draw(st.integers(0, n - 1).filter(lambda t: t != source))
    return indptr, head, weight, n, source, target


@settings(max_examples=500, deadline=None)
@given(tied_graphs())
def test_compiled_dijkstra_picks_the_heap_path_among_ties(
    graph: tuple[np.ndarray, np.ndarray, np.ndarray, int, int, int],
) -> None:
    indptr, head, weight, _, source, target = graph
    python = dijkstra_heap(indptr.tolist(), head.tolist(), weight.tolist(), source, target)
    compiled = dijkstra_compiled(indptr, head, weight, source, target)
    assert python == compiled


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


def _answers(graph: tripp.Graph) -> list[str]:
    return [json.dumps(route(graph, **q).to_dict()) for q in QUERIES]


def test_compiled_alternatives_are_the_python_ones(atlas_graph: tripp.Graph) -> None:
    before = use_compiled_kernel(False)  # an earlier test's app may have left it on
    try:
        python = _answers(atlas_graph)
        assert any(len(json.loads(a)["routes"]) >= 3 for a in python)  # Yen really ran
        use_compiled_kernel()
        assert compiled_kernel_enabled()
        assert _answers(atlas_graph) == python
    finally:
        use_compiled_kernel(before)


def test_an_api_app_searches_with_the_compiled_kernel_while_it_runs() -> None:
    with warnings.catch_warnings():  # starlette's note that it prefers httpx2
        warnings.simplefilter("ignore", DeprecationWarning)
        from fastapi.testclient import TestClient

    from tripp.api import create_app

    before = use_compiled_kernel(False)  # an earlier test's app may have left it on
    try:
        with TestClient(create_app()) as running:
            assert compiled_kernel_enabled()
            answer = running.get("/api/route", params={"origin": "Baku", "destination": "Kars"})
            expected = route(tripp.compile(tripp.load_atlas()), "Baku", "Kars").to_dict()
            assert answer.json() == expected
        assert not compiled_kernel_enabled()  # restored when the app stopped
    finally:
        use_compiled_kernel(before)


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

    prepared, lazy = ApiState(), ApiState()
    assert prepared.prepare() == 1 + len(list_scenarios())
    assert len(prepared.networks) == 1 + len(list_scenarios()) and len(lazy.networks) == 0
    graph = prepared.network("tripp-2030").graph
    assert len(graph.memo("route steps", None, dict)) == graph.n_arcs
    queries: list[tuple[str | None, str, str, dict[str, Any]]] = [
        ("tripp-2030", "Baku", "Nakhchivan", {"alternatives": 3}),
        ("tripp-2030", "Yerevan", "Kars", {"objective": "cost", "year": 2031}),
        (None, "Baku", "Kars", {"avoid_countries": ("GE",), "alternatives": 2}),
        (None, "Aktau", "Poti", {"via": ("Tbilisi",), "objective": "generalized"}),
    ]
    for scenario, origin, destination, options in queries:
        answers = [
            compute(state, scenario, checked(state, scenario, origin, destination, **options))
            for state in (prepared, lazy)
        ]
        assert answers[0] == answers[1]
