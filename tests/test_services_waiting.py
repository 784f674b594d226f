"""Scheduled services (services.csv): a consignment that boards waits half the headway plus
the dwell; through traffic on the same rail layer does not; a service carries only its
cargo types. On the hand-built atlas tests/fixtures/caspian."""

from __future__ import annotations

from pathlib import Path

import pytest

import tripp
from tripp.errors import NoRouteError
from tripp.graph.compile import ARC_WAIT

CASPIAN = Path(__file__).parent / "fixtures" / "caspian"


@pytest.fixture(scope="module")
def graph() -> tripp.Graph:
    return tripp.compile(tripp.load_atlas(CASPIAN))


def waits(route: tripp.Route) -> list[tripp.Leg]:
    return [leg for leg in route.legs if leg.kind == "wait"]


def test_boarding_a_ferry_waits_half_the_headway_plus_the_dwell(graph: tripp.Graph) -> None:
    route = tripp.route(graph, "kport", "aport", modes="ferry").routes[0]
    (wait,) = waits(route)
    assert wait.time_h == pytest.approx(84 / 3 + 2)  # 3 departures a week, 2 h dwell
    assert wait.cost_usd == 0
    assert "3 departures/week" in wait.detail and wait.from_node == "kport"
    assert [leg.kind for leg in route.legs] == ["border", "wait", "link", "border"]


def test_arriving_by_another_layer_boards_and_waits(graph: tripp.Graph) -> None:
    # by rail to the junction (the train formed there: 13 h), then rail → ferry at the port
    route = tripp.route(graph, "west", "east", modes="rail,ferry").routes[0]
    kinds = [leg.kind for leg in route.legs]
    transfer = kinds.index("transfer")
    assert "wait" in kinds[transfer:]  # the ferry is boarded after the transfer
    assert [leg.time_h for leg in waits(route)] == [pytest.approx(13.0), pytest.approx(30.0)]


def test_what_reaches_a_formation_node_by_rail_joins_the_next_train(
    graph: tripp.Graph,
) -> None:
    # a service row marks where block trains are formed: arriving by rail or starting there,
    # a container waits for the next one (riding through would let a detour skip the wait)
    arriving = tripp.route(graph, "west", "kport", modes="rail").routes[0]
    starting = tripp.route(graph, "junction", "kport", modes="rail").routes[0]
    assert arriving.link_ids == ("r_wj", "r_jk")
    for route in (arriving, starting):
        (wait,) = waits(route)
        assert wait.from_node == "junction"
        assert wait.time_h == pytest.approx(84 / 7 + 1)
    assert starting.time_h == pytest.approx(84 / 7 + 1 + 2.0)


def test_a_train_listed_for_containers_leaves_other_rail_cargo_untimed(
    graph: tripp.Graph,
) -> None:
    # the block train from the junction carries containers: they wait for it; dry bulk
    # runs on r_jk too (in wagonload trains the atlas has no timetable for), without a wait
    container = tripp.route(graph, "junction", "kport", modes="rail").routes[0]
    assert "r_jk" in container.link_ids and len(waits(container)) == 1
    bulk = tripp.route(graph, "junction", "kport", modes="rail", cargo_type="dry_bulk")
    assert bulk.routes[0].link_ids == container.link_ids and waits(bulk.routes[0]) == []


def test_a_sailing_carries_only_its_cargo_types(tmp_path: Path) -> None:
    table = (CASPIAN / "services.csv").read_text(encoding="utf-8")
    (tmp_path / "atlas").mkdir()
    for file in CASPIAN.iterdir():
        (tmp_path / "atlas" / file.name).write_bytes(file.read_bytes())
    (tmp_path / "atlas" / "services.csv").write_text(
        table.replace("container;dry_bulk;roro", "container;roro"), encoding="utf-8"
    )
    graph = tripp.compile(tripp.load_atlas(tmp_path / "atlas"))
    assert tripp.route(graph, "kport", "aport", modes="ferry").routes[0].link_ids
    with pytest.raises(NoRouteError):
        tripp.route(graph, "kport", "aport", modes="ferry", cargo_type="dry_bulk")


def test_wait_arcs_exist_only_where_services_depart(graph: tripp.Graph) -> None:
    wait_nodes = {graph.node_ids[graph.state_node[t]] for t in graph.tail[graph.kind == ARC_WAIT]}
    assert wait_nodes == {"kport", "aport", "junction"}
    assert graph.n_states < 3 * len(graph.node_ids) * 4  # a few states per (node, layer)


def test_the_embedded_atlas_stays_small_and_quick_to_compile() -> None:
    import time

    atlas = tripp.load_atlas()
    start = time.perf_counter()
    graph = tripp.compile(atlas)
    elapsed_s = time.perf_counter() - start
    assert graph.n_states < 1000 and graph.n_arcs < 2000
    assert elapsed_s < 1.0
