"""Issue 17: alternatives that differ by a rule a user can read, and say how."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

import tripp
from tripp.cli.main import app
from tripp.routing.corridors import corridor
from tripp.routing.request import MIN_DIFFERENCE
from tripp.routing.result import Route


@pytest.fixture(scope="module")
def graph() -> tripp.Graph:
    return tripp.compile(tripp.load_atlas())


def _own_share(route: Route, other: Route) -> float:
    """Share of ``route``'s length (km) on links ``other`` does not use (by hand)."""
    shared = set(other.link_ids)
    own = sum(leg.distance_km for leg in route.legs if leg.kind == "link")
    mine = sum(
        leg.distance_km for leg in route.legs if leg.kind == "link" and leg.link_id not in shared
    )
    return mine / own


PAIRS = [("Xian", "Duisburg"), ("Almaty", "Baku"), ("Xian", "Istanbul"), ("Baku", "Kars")]


@pytest.mark.parametrize(("origin", "destination"), PAIRS)
def test_each_alternative_differs_from_every_better_one(
    graph: tripp.Graph, origin: str, destination: str
) -> None:
    routes = tripp.route(graph, origin, destination, alternatives=5).routes
    assert len(routes) >= 2
    assert len({r.link_ids for r in routes}) == len(routes)  # never the same link sequence
    assert routes[0].differs_by == ""
    for i, route in enumerate(routes[1:], start=1):
        assert route.differs_by
        for better in routes[:i]:
            other_corridor = corridor(route, graph.atlas) != corridor(better, graph.atlas)
            assert other_corridor or _own_share(route, better) >= MIN_DIFFERENCE - 1e-9


def test_parallel_border_crossings_are_one_corridor(graph: tripp.Graph) -> None:
    dostyk = tripp.route(graph, "Xian", "Almaty", via="Dostyk").routes[0]
    khorgos = tripp.route(graph, "Xian", "Almaty", via="Altynkol").routes[0]
    assert dostyk.link_ids != khorgos.link_ids
    assert corridor(dostyk, graph.atlas) == corridor(khorgos, graph.atlas)
    # so Xi'an→Duisburg offers no Khorgos twin of the Dostyk route
    routes = tripp.route(graph, "Xian", "Duisburg", alternatives=5).routes
    first = corridor(routes[0], graph.atlas)
    assert all(corridor(r, graph.atlas) != first for r in routes[1:])


def test_parallel_caspian_ports_are_one_corridor(graph: tripp.Graph) -> None:
    kuryk = tripp.route(graph, "Kuryk", "Baku", modes="ferry,rail,road").routes[0]
    aktau = tripp.route(graph, "Aktau", "Baku", modes="ferry,rail,road").routes[0]
    assert {leg.mode for leg in kuryk.legs + aktau.legs if leg.kind == "link"} >= {"ferry"}
    assert corridor(kuryk, graph.atlas) == corridor(aktau, graph.atlas)
    turkmenbashi = tripp.route(graph, "Turkmenbashi", "Baku", modes="ferry,rail,road").routes[0]
    assert corridor(turkmenbashi, graph.atlas) != corridor(aktau, graph.atlas)


def test_labels_name_countries_and_crossings(graph: tripp.Graph) -> None:
    routes = tripp.route(graph, "Almaty", "Baku", alternatives=5).routes
    labels = [r.differs_by for r in routes]
    assert labels[0] == ""
    best = set(routes[0].countries)
    for route, label in zip(routes[1:], labels[1:], strict=True):
        added = [c for c in route.countries if c not in best]
        dropped = [c for c in routes[0].countries if c not in route.countries]
        if added:
            assert f"via {', '.join(dict.fromkeys(added))}" in label
        if dropped:
            assert f"avoids {', '.join(dict.fromkeys(dropped))}" in label
    assert any("Caspian ferry Turkmenbashi–" in label for label in labels)


def test_differs_by_in_json_and_table() -> None:
    runner = CliRunner()
    result = runner.invoke(
        app, ["route", "Xian", "Duisburg", "--alternatives", "3", "--format", "json"]
    )
    assert result.exit_code == 0
    routes = json.loads(result.stdout)["routes"]
    assert [list(r)[:2] for r in routes] == [["rank", "differs_by"]] * len(routes)
    assert routes[0]["differs_by"] == "" and all(r["differs_by"] for r in routes[1:])
    table = runner.invoke(app, ["route", "Xian", "Duisburg", "--alternatives", "3"]).stdout
    assert f"Route 2 ({routes[1]['differs_by']})" in " ".join(table.split())
