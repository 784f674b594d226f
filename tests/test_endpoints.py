"""Endpoints: a route starts and ends at the places named, with no transfer unless the next
leg exists, the same at both ends; via points are passed, not detoured into."""

from __future__ import annotations

from pathlib import Path

import pytest

import tripp
from tripp.graph.clusters import CITY_FACILITY_KM, cluster

CASPIAN = Path(__file__).parent / "fixtures" / "caspian"


@pytest.fixture(scope="module")
def atlas_graph() -> tripp.Graph:
    return tripp.compile(tripp.load_atlas())


@pytest.fixture(scope="module")
def hand_graph() -> tripp.Graph:
    return tripp.compile(tripp.load_atlas(CASPIAN))


def test_shanghai_rotterdam_by_sea_has_no_transfer_at_either_end(
    atlas_graph: tripp.Graph,
) -> None:
    route = tripp.route(atlas_graph, "Shanghai", "Rotterdam", modes="sea").routes[0]
    assert route.transfers == () and all(leg.kind != "transfer" for leg in route.legs)
    assert route.legs[0].from_node == "shanghai" and route.legs[-1].to_node == "rotterdam"
    assert {leg.mode for leg in route.legs if leg.kind == "link"} == {"sea"}


def test_aktau_alat_by_ferry_ends_at_the_port_without_a_rail_transfer(
    atlas_graph: tripp.Graph,
) -> None:
    route = tripp.route(atlas_graph, "Aktau", "Alat", modes="ferry").routes[0]
    assert route.transfers == ()
    assert [leg.kind for leg in route.legs][-1] == "border"  # the port's import clearance
    assert route.countries == ("KZ", "AZ")


def test_origin_and_destination_follow_the_same_rule(hand_graph: tripp.Graph) -> None:
    # the hand-built atlas is symmetric: same crossings, transfers and ferries both ways
    for modes in ("rail,ferry", "road,ferry"):
        cargo = "roro" if "road" in modes else "container"
        there = tripp.route(hand_graph, "kport", "east", modes=modes, cargo_type=cargo).routes[0]
        back = tripp.route(hand_graph, "east", "kport", modes=modes, cargo_type=cargo).routes[0]
        assert there.time_h == pytest.approx(back.time_h)
        assert there.cost_usd == pytest.approx(back.cost_usd)
        assert there.link_ids == tuple(reversed(back.link_ids))
        assert sorted(leg.kind for leg in there.legs) == sorted(leg.kind for leg in back.legs)
        assert [leg.kind for leg in there.legs if leg.kind == "link"]
        assert there.legs[0].from_node == back.legs[-1].to_node == "kport"
    ferry = tripp.route(hand_graph, "kport", "aport", modes="ferry").routes[0]
    assert [leg.kind for leg in ferry.legs] == ["border", "wait", "link", "border"]


def test_a_ferry_only_trip_never_ends_with_a_transfer(hand_graph: tripp.Graph) -> None:
    for a, b in (("kport", "aport"), ("aport", "kport")):
        route = tripp.route(hand_graph, a, b, modes="ferry").routes[0]
        assert route.transfers == ()


def test_baku_is_passed_at_its_port() -> None:
    atlas = tripp.load_atlas()
    assert cluster(atlas, "baku") == ("baku", "alat")
    assert cluster(atlas, "tbilisi") == ("tbilisi",)  # no facility named after it
    assert CITY_FACILITY_KM >= 63  # Alat lies 63 km from Baku


def test_via_baku_from_xian_to_duisburg_has_no_loop(atlas_graph: tripp.Graph) -> None:
    result = tripp.route(atlas_graph, "Xi'an", "Duisburg", via="Baku", alternatives=3)
    for route in result.routes:
        nodes = route.nodes
        assert len(set(nodes)) == len(nodes), nodes  # no Alat→Baku→Alat, no U-turn
        assert {"baku", "alat"} & set(nodes)


def test_via_still_works_where_a_place_can_only_be_visited(hand_graph: tripp.Graph) -> None:
    # by rail, west is a dead end beyond the junction: the route goes in and out
    route = tripp.route(hand_graph, "kport", "junction", via="west", modes="rail").routes[0]
    assert route.nodes == ("kport", "junction", "west", "junction")
