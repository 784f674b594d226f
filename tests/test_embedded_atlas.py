"""The shipped atlas: valid, sourced, connected, sized, and true to known facts."""

from __future__ import annotations

import pytest
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

import tripp
from tripp.graph.compile import ARC_LINK
from tripp.routing.plausibility import default_journeys_file, load_journeys, run_checks

STARTER = (
    "baku",
    "alat",
    "horadiz",
    "aghband",
    "meghri",
    "ordubad",
    "julfa",
    "nakhchivan",
    "sadarak",
    "dilucu",
    "igdir",
    "kars",
    "kalaleh",
    "jolfa_ir",
    "ganja",
    "beyuk_kesik",
    "tbilisi",
    "marabda",
    "akhalkalaki",
    "yerevan",
    "gyumri",
    "yeraskh",
)


@pytest.fixture(scope="module")
def atlas() -> tripp.Atlas:
    return tripp.load_atlas()


@pytest.fixture(scope="module")
def graph(atlas: tripp.Atlas) -> tripp.Graph:
    return tripp.compile(atlas)


def test_size_and_starter_places(atlas: tripp.Atlas) -> None:
    assert len(atlas.nodes) >= 150 and len(atlas.links) >= 250 and len(atlas.crossings) >= 30
    assert set(STARTER) <= set(atlas.node_by_id)
    modes = {t.mode for t in atlas.tariffs}
    assert {"rail", "road", "ferry", "sea"} <= modes


def test_every_figure_names_a_source_and_estimates_their_method(atlas: tripp.Atlas) -> None:
    sources = {s.source_id for s in atlas.sources}
    tables = (
        atlas.nodes,
        atlas.links,
        atlas.crossings,
        atlas.transfers,
        atlas.tariffs,
        atlas.energy,
        atlas.demand,
    )
    for table in tables:
        for row in table:
            assert row.source_ids and set(row.source_ids) <= sources, row
            assert not row.estimated or row.method.strip(), row
    assert all(s.url.startswith(("http://", "https://")) for s in atlas.sources)


@pytest.mark.parametrize("mode", ["rail", "road", "sea"])
def test_each_mode_layer_is_connected(atlas: tripp.Atlas, mode: str) -> None:
    index = {n.node_id: i for i, n in enumerate(atlas.nodes)}
    links = [link for link in atlas.links if link.mode == mode]
    rows = [index[link.from_node] for link in links]
    cols = [index[link.to_node] for link in links]
    matrix = coo_matrix(([1] * len(rows), (rows, cols)), shape=(len(index), len(index)))
    _, labels = connected_components(matrix, directed=False)
    assert len({labels[i] for i in rows + cols}) == 1


def test_every_crossing_joins_links_it_can_be_used_by(graph: tripp.Graph) -> None:
    used = set(graph.crossing[graph.crossing >= 0].tolist())
    atlas = graph.atlas
    dangling = [c for i, c in enumerate(atlas.crossings) if i not in used]
    assert not dangling, dangling[:3]


def test_btk_changes_gauge_at_akhalkalaki(graph: tripp.Graph) -> None:
    best = tripp.route(graph, "Baku", "Kars", modes=["rail"], year=2026).routes[0]
    assert [g.node for g in best.gauge_changes] == ["akhalkalaki"]
    assert best.countries == ("AZ", "GE", "TR")
    assert 826 <= best.distance_km <= 849


def test_no_standard_gauge_path_from_china_to_almaty(graph: tripp.Graph) -> None:
    result = tripp.route(graph, "alashankou", "almaty", modes=["rail"], alternatives=4)
    assert result.routes and all(r.gauge_changes for r in result.routes)
    standard = [
        a
        for a in range(graph.n_arcs)
        if graph.kind[a] == ARC_LINK and graph.state_layer[int(graph.tail[a])][1] == 1435
    ]  # type: ignore[index]
    kz_standard = [a for a in standard if graph.state_layer[int(graph.tail[a])][2] == "KZ"]  # type: ignore[index]
    assert not kz_standard  # Kazakh track is all 1520 mm


def test_tripp_opens_a_rail_route_through_armenia_in_2030(graph: tripp.Graph) -> None:
    with pytest.raises(tripp.NoRouteError):
        tripp.route(graph, "horadiz", "sadarak", modes=["rail"], year=2026, avoid_countries=["IR"])
    best = tripp.route(
        graph, "horadiz", "sadarak", modes=["rail"], year=2030, avoid_countries=["IR"]
    ).routes[0]
    assert "AM" in best.countries and "meghri" in best.nodes


def test_reference_journeys(atlas: tripp.Atlas, graph: tripp.Graph) -> None:
    results = run_checks(graph, load_journeys(default_journeys_file(), atlas))
    by_id = {r.journey.check_id: r for r in results}
    must_hold = (
        "btk_length",
        "kars_dilucu_length",
        "horadiz_aghband_length",
        "tripp_armenia_length",
        "mc_china_europe_days",
        "northern_xian_malaszewicze_days",
        "northern_chongqing_duisburg_days",
        "sea_suez_days",
        "sea_cape_days",
        "dwell_kz_rail_china",
        "dwell_brest_malaszewicze",
        "dwell_az_ge_road",
    )
    for check_id in must_hold:
        r = by_id[check_id]
        assert r.within, (check_id, r.model, r.journey.low, r.journey.high)
    for r in results:  # a miss must be explained in the data
        assert r.within or "model" in r.journey.note.lower(), r.journey.check_id
