"""Invariants with scheduled services and cargo types (Hypothesis): totals are the sums of
legs, routes never loop, and closing a link never makes the quickest route quicker."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import tripp
from tripp.atlas.model import Atlas, CargoType, Link, Node, Service, Source, Tariff, Transfer
from tripp.errors import NoRouteError

CARGO = ("container", "dry_bulk")


@st.composite
def networks(draw: st.DrawFn) -> Atlas:
    """4–7 places in one country, rail (1520 mm) and road links, rail↔road transfers for
    some cargo types, and rail services with their own frequency, dwell and cargo types."""
    n = draw(st.integers(4, 7))
    nodes = tuple(
        Node(node_id=f"n{i}", name=f"N{i}", kind="city", country="AZ", source_ids=("s",))
        for i in range(n)
    )
    links = []
    for k in range(draw(st.integers(n, 3 * n))):
        a, b = draw(st.sampled_from(range(n))), draw(st.sampled_from(range(n)))
        if a == b:
            continue
        mode = draw(st.sampled_from(["rail", "road"]))
        links.append(
            Link(
                link_id=f"l{k}",
                from_node=f"n{a}",
                to_node=f"n{b}",
                mode=mode,
                country="AZ",
                length_km=draw(st.floats(1, 500)),
                speed_kmh=draw(st.floats(10, 100)),
                gauge_mm=1520 if mode == "rail" else None,
                source_ids=("s",),
            )
        )
    cargo_lists = st.lists(st.sampled_from(CARGO), min_size=1, max_size=2, unique=True)
    transfers = tuple(
        Transfer(
            node_id=f"n{i}",
            from_mode="rail",
            to_mode="road",
            time_h=draw(st.floats(0, 24)),
            cost_usd_per_teu=50.0,
            cargo_types=tuple(draw(cargo_lists)),
            source_ids=("s",),
        )
        for i in range(n)
        if draw(st.booleans())
    )
    services = tuple(
        Service(
            service_id=f"s{i}",
            node_id=f"n{i}",
            mode="rail",
            to_node=draw(st.sampled_from(["", *(f"n{j}" for j in range(n) if j != i)])),
            departures_per_week=draw(st.floats(0.5, 21)),
            dwell_h=draw(st.floats(0, 12)),
            cargo_types=tuple(draw(cargo_lists)),
            source_ids=("s",),
        )
        for i in range(n)
        if draw(st.booleans())
    )
    return Atlas(
        folder=Path("."),
        sources=(Source("s", "t", "p", "https://example.org", 2026, "high"),),
        nodes=nodes,
        links=tuple(links),
        crossings=(),
        transfers=transfers,
        tariffs=tuple(
            Tariff(mode=m, country="*", cargo_type=c, **{unit: rate}, price_year=2025)
            for m, rate in (("rail", 0.5), ("road", 1.5))
            for c, unit in (("container", "cost_usd_per_teu_km"), ("dry_bulk", "cost_usd_per_t_km"))
        ),
        cargo_types=(
            CargoType(
                cargo_type="container",
                unit="TEU",
                t_per_unit=10,
                modes=("rail", "road"),
                vot_usd_per_unit_h=2.0,
            ),
            CargoType(
                cargo_type="dry_bulk",
                unit="t",
                t_per_unit=1,
                modes=("rail", "road"),
                vot_usd_per_unit_h=0.1,
            ),
        ),
        services=services,
    )


def best(graph: tripp.Graph, cargo: str) -> tripp.Route | None:
    try:
        return tripp.route(graph, "n0", "n1", cargo_type=cargo).routes[0]
    except NoRouteError:
        return None


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(networks(), st.sampled_from(CARGO), st.sampled_from(["time", "cost", "generalized"]))
def test_totals_are_sums_of_legs_with_waits(atlas: Atlas, cargo: str, objective: str) -> None:
    graph = tripp.compile(atlas)
    try:
        result = tripp.route(
            graph, "n0", "n1", cargo_type=cargo, objective=objective, alternatives=3
        )
    except NoRouteError:
        return
    for r in result.routes:
        assert r.time_h == pytest.approx(sum(leg.time_h for leg in r.legs))
        assert r.cost_usd == pytest.approx(sum(leg.cost_usd for leg in r.legs))
        assert r.legs[0].from_node == "n0" and r.legs[-1].to_node == "n1"
        assert len(set(r.nodes)) == len(r.nodes)  # loopless
        assert r.cost_unit == {"container": "TEU", "dry_bulk": "t"}[cargo]
        for leg in r.legs:
            if leg.kind == "wait":
                service = next(s for s in atlas.services if s.node_id == leg.from_node)
                assert cargo in service.cargo_types or any(
                    cargo in s.cargo_types for s in atlas.services if s.node_id == leg.from_node
                )


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(networks(), st.sampled_from(CARGO), st.data())
def test_closing_a_link_never_makes_the_quickest_route_quicker(
    atlas: Atlas, cargo: str, data: st.DataObject
) -> None:
    before = best(tripp.compile(atlas), cargo)
    if before is None or not atlas.links:
        return
    closed = data.draw(st.sampled_from(range(len(atlas.links))))
    links = list(atlas.links)
    links[closed] = dataclasses.replace(links[closed], status="closed")
    after = best(tripp.compile(dataclasses.replace(atlas, links=tuple(links))), cargo)
    if after is not None:
        assert after.time_h >= before.time_h - 1e-9
        assert atlas.links[closed].link_id not in after.link_ids
