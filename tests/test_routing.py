"""Routing on the hand-built mini atlas; every expected figure is worked out by hand.

Mini atlas (see tests/fixtures/mini): rail a–b–c–d (1520 mm, AZ then GE) and d–e
(1435 mm, TR, opens 2029) with a gauge-change transfer at d; road a–x–e through Iran.
Rail a→e: 2 h + border b 3 h + 1 h + 2 h + gauge change 5 h + border d 4 h + 1 h = 18 h,
USD 350 (350 km × 1) + 100 + 200 + 50 = 700. Road a→e: border a 1 h + 5 h + border x 2 h
+ 5 h = 13 h, USD 1,200 (600 km × 2) + 10 + 20 = 1,230.
"""

from __future__ import annotations

import pytest

import tripp
from tripp.errors import InputError, NoRouteError


def test_time_objective_takes_the_faster_road(mini_graph: tripp.Graph) -> None:
    best = tripp.route(mini_graph, "a", "e", year=2030).routes[0]
    assert best.time_h == pytest.approx(13.0)
    assert best.cost_usd == pytest.approx(1230.0)
    assert best.countries == ("AZ", "IR", "TR")
    assert [b.node for b in best.border_crossings] == ["a", "x"]


@pytest.mark.parametrize("objective", ["cost", "distance"])
def test_cost_and_distance_take_the_rail(mini_graph: tripp.Graph, objective: str) -> None:
    best = tripp.route(mini_graph, "a", "e", year=2030, objective=objective).routes[0]
    assert best.time_h == pytest.approx(18.0)
    assert best.cost_usd == pytest.approx(700.0)
    assert best.distance_km == pytest.approx(350.0)
    assert best.link_ids == ("r1", "r2", "r3", "r4")


def test_generalized_cost_weighs_time_by_value_of_time(mini_graph: tripp.Graph) -> None:
    # rail 700 + 18 v, road 1230 + 13 v: road wins when v > 106 USD per TEU-hour
    cheap = tripp.RouteSettings(vot_usd_per_teu_h=100.0)
    dear = tripp.RouteSettings(vot_usd_per_teu_h=110.0)
    slow = tripp.route(mini_graph, "a", "e", year=2030, objective="generalized", settings=cheap)
    fast = tripp.route(mini_graph, "a", "e", year=2030, objective="generalized", settings=dear)
    assert slow.routes[0].generalized_cost_usd == pytest.approx(700 + 18 * 100)
    assert fast.routes[0].generalized_cost_usd == pytest.approx(1230 + 13 * 110)


def test_gauge_change_is_forced_where_gauges_differ(mini_graph: tripp.Graph) -> None:
    best = tripp.route(mini_graph, "a", "e", year=2030, modes=["rail"]).routes[0]
    [change] = best.gauge_changes
    assert (change.node, change.from_gauge_mm, change.to_gauge_mm) == ("d", 1520, 1435)
    assert change.time_h == 5.0 and change.cost_usd == 200.0


def test_no_gauge_change_without_a_transfer_row(atlas_copy) -> None:  # type: ignore[no-untyped-def]
    graph = tripp.compile(tripp.load_atlas(atlas_copy(transfers=None)))
    with pytest.raises(NoRouteError, match="no route from a to e in 2030"):
        tripp.route(graph, "a", "e", year=2030, modes=["rail"])
    # the road still works, so the rail failure is the gauge, not the network
    assert tripp.route(graph, "a", "e", year=2030).routes[0].countries == ("AZ", "IR", "TR")


def test_border_dwell_is_counted_once_per_crossing(mini_graph: tripp.Graph) -> None:
    best = tripp.route(mini_graph, "a", "c", modes=["rail"]).routes[0]
    assert best.time_h == pytest.approx(2 + 3 + 1)
    assert [(b.node, b.from_country, b.to_country, b.dwell_h) for b in best.border_crossings] == [
        ("b", "AZ", "GE", 3.0)
    ]
    back = tripp.route(mini_graph, "c", "a", modes=["rail"]).routes[0]
    assert [(b.from_country, b.to_country) for b in back.border_crossings] == [("GE", "AZ")]


def test_year_filtering_opens_the_line_in_its_year(mini_graph: tripp.Graph) -> None:
    with pytest.raises(NoRouteError, match=r"open in 2029 \(try year=2029\)"):
        tripp.route(mini_graph, "a", "e", year=2028, modes=["rail"])
    assert tripp.route(mini_graph, "a", "e", year=2029, modes=["rail"]).routes[0].time_h == 18.0


def test_avoid_country_changes_the_route(mini_graph: tripp.Graph) -> None:
    best = tripp.route(mini_graph, "a", "e", year=2030, avoid_countries=["IR"]).routes[0]
    assert "IR" not in best.countries and best.time_h == pytest.approx(18.0)


def test_avoid_country_that_cuts_everything_names_the_constraint(mini_graph: tripp.Graph) -> None:
    with pytest.raises(NoRouteError, match=r"avoid_countries=\('IR', 'GE'\) cuts every route"):
        tripp.route(mini_graph, "a", "e", year=2030, avoid_countries=["IR", "GE"])


def test_alternatives_are_distinct_and_ordered(mini_graph: tripp.Graph) -> None:
    result = tripp.route(mini_graph, "a", "e", year=2030, alternatives=5)
    times = [r.time_h for r in result.routes]
    assert times == sorted(times) and len(result.routes) == 2
    assert len({r.link_ids for r in result.routes}) == len(result.routes)
    assert [r.rank for r in result.routes] == [1, 2]


def test_via_forces_the_route_through_a_place(mini_graph: tripp.Graph) -> None:
    best = tripp.route(mini_graph, "a", "e", year=2030, via=["c"]).routes[0]
    assert "c" in best.nodes and best.time_h == pytest.approx(18.0)


def test_names_match_ignoring_case_accents_and_by_alt_name(mini_graph: tripp.Graph) -> None:
    for spelling in ("alpha", "ÄLPHA", "Alfa", "a"):
        assert tripp.route(mini_graph, spelling, "Ekho").origin == "a"


def test_contradictory_options_are_reported_together(mini_graph: tripp.Graph) -> None:
    with pytest.raises(InputError) as caught:
        tripp.route(mini_graph, "a", "e", avoid_countries=["AZ"], avoid_nodes=["e"])
    text = str(caught.value)
    assert "origin: a is in AZ, which avoid_countries excludes" in text
    assert "destination: e is also in avoid_nodes" in text


def test_unknown_names_get_did_you_mean(mini_graph: tripp.Graph) -> None:
    with pytest.raises(InputError, match="unknown place 'Alpa' — fix: did you mean 'Alpha'"):
        tripp.route(mini_graph, "Alpa", "e")
    with pytest.raises(InputError, match="did you mean 'IR'"):
        tripp.route(mini_graph, "a", "e", avoid_countries=["Irann"])


def test_results_convert_to_json_geojson_and_frames(mini_graph: tripp.Graph) -> None:
    result = tripp.route(mini_graph, "a", "e", year=2030, alternatives=2)
    data = result.to_dict()
    assert list(data)[:5] == ["origin", "destination", "objective", "year", "routes"]
    leg = data["routes"][0]["legs"][0]
    assert {"from", "to", "mode", "distance_km", "time_h", "cost_usd", "country"} <= set(leg)
    features = result.to_geojson()["features"]
    assert {f["geometry"]["type"] for f in features} == {"LineString", "Point"}
    frame = result.to_frame()
    assert frame.groupby("route")["time_h"].sum().tolist() == [13.0, 18.0]


def test_constraints_kept_on_the_graph_never_leak_into_other_requests(
    mini_atlas: tripp.Atlas,
) -> None:
    graph = tripp.compile(mini_atlas)  # a graph of its own: its memo starts empty
    plain = tripp.route(graph, "a", "e", year=2030)
    avoided = tripp.route(graph, "a", "e", year=2030, avoid_countries=["IR"])
    earlier = tripp.route(graph, "a", "e", year=2028)
    again = tripp.route(graph, "a", "e", year=2030)
    assert "IR" in plain.routes[0].countries and "IR" not in avoided.routes[0].countries
    assert again.to_dict() == plain.to_dict()
    fresh = tripp.compile(mini_atlas)
    assert earlier.to_dict() == tripp.route(fresh, "a", "e", year=2028).to_dict()
    by_cost = tripp.route(graph, "a", "e", year=2030, objective="cost")
    assert by_cost.to_dict() == tripp.route(fresh, "a", "e", year=2030, objective="cost").to_dict()


def test_graph_memo_computes_once_and_drops_the_oldest(mini_atlas: tripp.Atlas) -> None:
    graph = tripp.compile(mini_atlas)
    made: list[str] = []

    def make(value: str) -> str:
        made.append(value)
        return value

    other = graph.memo("other", None, lambda: make("other"), limit=2)
    assert graph.memo("t", "a", lambda: make("a"), limit=2) == "a"
    assert graph.memo("t", "a", lambda: make("again"), limit=2) == "a"
    graph.memo("t", "b", lambda: make("b"), limit=2)
    graph.memo("t", "c", lambda: make("c"), limit=2)  # "a" is the oldest: dropped
    assert graph.memo("t", "a", lambda: make("a2"), limit=2) == "a2"
    assert made == ["other", "a", "b", "c", "a2"]
    # another family keeps its entry however many keys this one had
    assert graph.memo("other", None, lambda: make("other again"), limit=2) is other
