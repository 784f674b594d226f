"""Invariants on random networks (Hypothesis): totals are the sums of legs; closing a link
never makes the best route cheaper; every reported route respects its constraints."""

from __future__ import annotations

import dataclasses
import itertools
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import tripp
from tripp.atlas.model import Atlas, Crossing, Link, Node, Source, Tariff, Transfer
from tripp.errors import NoRouteError
from tripp.routing.request import RouteSettings

VOT_1 = RouteSettings(vot_usd_per_teu_h=1.0)  # the hand-built atlases give no value of time

COUNTRIES = ("AZ", "GE", "TR")


@st.composite
def networks(draw: st.DrawFn) -> Atlas:
    """A random multimodal network: 4–8 nodes in three countries, rail of two gauges, road."""
    n = draw(st.integers(4, 8))
    nodes = tuple(
        Node(
            node_id=f"n{i}",
            name=f"Node {i}",
            kind="city",
            country=draw(st.sampled_from(COUNTRIES)),
            lon=float(i),
            lat=0.0,
            source_ids=("s",),
        )
        for i in range(n)
    )
    links, crossings, transfers = [], set(), set()
    for k in range(draw(st.integers(n, 3 * n))):
        a, b = draw(st.sampled_from(range(n))), draw(st.sampled_from(range(n)))
        if a == b:
            continue
        mode = draw(st.sampled_from(["rail", "road"]))
        country = draw(st.sampled_from([nodes[a].country, nodes[b].country]))
        gauge = draw(st.sampled_from([1520, 1435])) if mode == "rail" else None
        links.append(
            Link(
                link_id=f"l{k}",
                from_node=f"n{a}",
                to_node=f"n{b}",
                mode=mode,
                country=country,
                length_km=draw(st.floats(1, 500)),
                speed_kmh=draw(st.floats(10, 100)),
                gauge_mm=gauge,
                status="operating",
                source_ids=("s",),
            )
        )
        for end in (a, b):
            for pair in ((nodes[end].country, country), (country, nodes[end].country)):
                if pair[0] != pair[1]:
                    crossings.add((f"n{end}", *pair, mode))
        if draw(st.booleans()):
            transfers.add(f"n{a}")
    return Atlas(
        folder=Path("."),
        sources=(Source("s", "t", "p", "https://example.org", 2026, "high"),),
        nodes=nodes,
        links=tuple(links),
        crossings=tuple(
            Crossing(
                node_id=node,
                from_country=f,
                to_country=t,
                mode=m,
                dwell_h=3.0,
                cost_usd_per_teu=50.0,
                source_ids=("s",),
            )
            for node, f, t, m in sorted(crossings)
        ),
        transfers=tuple(
            Transfer(
                node_id=node,
                from_mode="rail",
                from_gauge_mm=1520,
                to_mode="rail",
                to_gauge_mm=1435,
                time_h=4.0,
                cost_usd_per_teu=100.0,
                source_ids=("s",),
            )
            for node in sorted(transfers)
        ),
        tariffs=(
            Tariff(mode="rail", country="*", cost_usd_per_teu_km=0.5, price_year=2025),
            Tariff(mode="road", country="*", cost_usd_per_teu_km=1.5, price_year=2025),
        ),
    )


def best(graph: tripp.Graph, objective: str) -> tripp.Route | None:
    try:
        return tripp.route(graph, "n0", "n1", objective=objective, alternatives=2).routes[0]
    except NoRouteError:
        return None


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(networks(), st.sampled_from(["time", "cost", "distance", "generalized"]))
def test_totals_are_sums_of_legs(atlas: Atlas, objective: str) -> None:
    graph = tripp.compile(atlas)
    try:
        result = tripp.route(graph, "n0", "n1", objective=objective, alternatives=3, settings=VOT_1)
    except NoRouteError:
        return
    for r in result.routes:
        assert r.time_h == pytest.approx(sum(leg.time_h for leg in r.legs))
        assert r.cost_usd == pytest.approx(sum(leg.cost_usd for leg in r.legs))
        assert r.distance_km == pytest.approx(sum(leg.distance_km for leg in r.legs))
        assert r.legs[0].from_node == "n0" and r.legs[-1].to_node == "n1"
        links = [leg for leg in r.legs if leg.kind == "link"]
        for before, after in itertools.pairwise(links):
            assert before.to_node == after.from_node  # legs are contiguous
        assert len(set(r.nodes)) == len(r.nodes)  # loopless
    key = {
        "time": "time_h",
        "cost": "cost_usd",
        "distance": "distance_km",
        "generalized": "generalized_cost_usd",
    }[objective]
    values = [getattr(r, key) for r in result.routes]
    assert values == sorted(values)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(networks(), st.sampled_from(["time", "cost"]), st.data())
def test_closing_a_link_never_makes_the_optimum_cheaper(
    atlas: Atlas, objective: str, data: st.DataObject
) -> None:
    before = best(tripp.compile(atlas), objective)
    if before is None or not atlas.links:
        return
    closed = data.draw(st.sampled_from(range(len(atlas.links))))
    links = list(atlas.links)
    links[closed] = dataclasses.replace(links[closed], status="closed")
    after = best(tripp.compile(dataclasses.replace(atlas, links=tuple(links))), objective)
    if after is not None:
        key = "time_h" if objective == "time" else "cost_usd"
        assert getattr(after, key) >= getattr(before, key) - 1e-9
        assert atlas.links[closed].link_id not in after.link_ids


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(networks(), st.sampled_from(COUNTRIES))
def test_avoided_country_is_never_crossed(atlas: Atlas, country: str) -> None:
    graph = tripp.compile(atlas)
    ends = {atlas.node_by_id["n0"].country, atlas.node_by_id["n1"].country}
    if country in ends:
        return
    try:
        result = tripp.route(graph, "n0", "n1", avoid_countries=[country], alternatives=2)
    except NoRouteError:
        return
    for r in result.routes:
        assert country not in r.countries
        assert all(leg.country != country for leg in r.legs)
