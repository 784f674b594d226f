"""``tripp import osm``: small PBFs written here with known topology, imported and checked
row by row (borders, a gauge change, ferries, merged chains, speeds, --modes, --bbox), then
validated and routed; bad files fail with exit 2 and one line."""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import numpy as np
import osmium
import pytest
from pyproj import Geod
from typer.testing import CliRunner

from tripp.cli.main import app
from tripp.errors import InputError
from tripp.importers.osm import import_osm
from tripp.importers.osm_defaults import embedded_defaults
from tripp.importers.osm_tags import RAIL_SPEED, ROAD_SPEED

runner = CliRunner()

# OSM node id → (lon, lat, tags)
NODES: dict[int, tuple[float, float, dict[str, str]]] = {
    # BTK: Kars (TR) → Akhalkalaki (GE) on 1435 mm, no border control on the line
    1: (43.0950, 40.6010, {"railway": "station", "name": "Kars"}),
    2: (43.1500, 40.8000, {}),
    3: (43.2200, 41.0000, {}),
    4: (43.3300, 41.3000, {}),
    5: (43.4800, 41.4050, {"railway": "station", "name": "Akhalkalaki"}),
    # Akhalkalaki → Tbilisi on 1520 mm, drawn as three ways end to end
    6: (43.8000, 41.5000, {}),
    7: (44.2000, 41.6500, {}),
    8: (44.5000, 41.6800, {}),
    9: (44.8000, 41.7200, {"railway": "station", "name:en": "Tbilisi", "name": "თბილისი"}),
    # road Tbilisi → Red Bridge (border control) → Ganja
    20: (44.8050, 41.7150, {}),
    21: (45.0000, 41.4500, {}),
    22: (45.0760, 41.3320, {"barrier": "border_control", "name": "Red Bridge"}),
    23: (45.5000, 41.1000, {}),
    24: (46.3600, 40.6800, {}),
    # rail at Alat (AZ) and a ferry terminal 1.5 km off it, ferries to Türkmenbaşy and Kuryk
    30: (49.1000, 39.9300, {}),
    31: (49.4000, 39.9400, {"railway": "station", "name": "Alat"}),
    32: (49.4160, 39.9500, {"amenity": "ferry_terminal", "name": "Alat ferry terminal"}),
    33: (51.0000, 40.0000, {}),
    34: (52.9800, 40.0200, {}),
    35: (53.2000, 40.1000, {}),
    36: (51.6700, 43.1700, {"amenity": "ferry_terminal", "name": "Kuryk"}),
    37: (50.5000, 41.5000, {}),
}
RAIL_1435 = {"railway": "rail", "gauge": "1435", "usage": "main", "electrified": "no"}
RAIL_1520 = {"railway": "rail", "gauge": "1520", "usage": "main"}
# OSM way id → (node ids, tags)
WAYS: dict[int, tuple[list[int], dict[str, str]]] = {
    101: ([1, 2, 3, 4, 5], RAIL_1435),
    201: ([5, 6], RAIL_1520),
    202: ([6, 7, 8], RAIL_1520),
    203: ([8, 9], RAIL_1520),
    301: ([20, 21, 22], {"highway": "trunk", "maxspeed:hgv": "30", "maxspeed": "90"}),
    302: ([22, 23, 24], {"highway": "primary", "maxspeed": "RU:rural"}),
    401: ([30, 31], {"railway": "rail", "gauge": "1520"}),
    402: ([32, 33, 34], {"route": "ferry", "duration": "12:00"}),
    403: ([34, 35], {"highway": "secondary"}),
    404: ([32, 37, 36], {"route": "ferry"}),
    501: ([2, 3], {"railway": "rail", "gauge": "1435", "service": "siding"}),
    502: ([6, 7], {"railway": "rail"}),
}


def write_pbf(
    path: Path,
    nodes: dict[int, tuple[float, float, dict[str, str]]] = NODES,
    ways: dict[int, tuple[list[int], dict[str, str]]] = WAYS,
) -> Path:
    """Write ``nodes`` and ``ways`` as an OSM PBF at ``path``."""
    writer = osmium.SimpleWriter(str(path))
    try:
        for node_id in sorted(nodes):
            lon, lat, tags = nodes[node_id]
            writer.add_node(osmium.osm.mutable.Node(id=node_id, location=(lon, lat), tags=tags))
        for way_id in sorted(ways):
            refs, tags = ways[way_id]
            writer.add_way(osmium.osm.mutable.Way(id=way_id, nodes=refs, tags=tags))
    finally:
        writer.close()
    return path


@pytest.fixture(scope="module")
def pbf(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_pbf(tmp_path_factory.mktemp("osm") / "caucasus.osm.pbf")


@pytest.fixture(scope="module")
def tables(pbf: Path) -> dict[str, list[dict[str, Any]]]:
    return {name: list(rows) for name, rows in import_osm(pbf).tables.items()}


def geodesic_km(node_ids: Iterable[int]) -> float:
    points = [NODES[n] for n in node_ids]
    lon = np.array([p[0] for p in points])
    lat = np.array([p[1] for p in points])
    _, _, metres = Geod(ellps="WGS84").inv(lon[:-1], lat[:-1], lon[1:], lat[1:])
    return float(np.sum(metres)) / 1000


def rows_at(rows: list[dict[str, Any]], node_id: str) -> list[dict[str, Any]]:
    return [row for row in rows if row["node_id"] == node_id]


def link_between(tables: dict[str, list[dict[str, Any]]], a: str, b: str) -> dict[str, Any]:
    found = [r for r in tables["links"] if {r["from_node"], r["to_node"]} == {a, b}]
    assert len(found) == 1, found
    return found[0]


def test_degree_2_chain_of_three_ways_is_one_link(tables: dict[str, list[dict[str, Any]]]) -> None:
    link = link_between(tables, "osm-n5", "osm-n9")
    assert link["gauge_mm"] == 1520 and link["country"] == "GE"
    assert link["length_km"] == pytest.approx(geodesic_km([5, 6, 7, 8, 9]), rel=1e-3)
    node_ids = {row["node_id"] for row in tables["nodes"]}
    assert not {"osm-n6", "osm-n7", "osm-n8"} & node_ids  # chain joints merged away


def test_rail_border_node_inserted_where_the_line_leaves_turkiye(
    tables: dict[str, list[dict[str, Any]]],
) -> None:
    borders = [r for r in tables["nodes"] if r["node_id"].startswith("osm-w101-b")]
    assert len(borders) == 1
    border = borders[0]
    assert border["kind"] == "border_crossing" and border["country"] == "TR"
    assert 41.0 < border["lat"] < 41.3  # between the last Turkish and first Georgian point
    to_border = link_between(tables, "osm-n1", border["node_id"])
    beyond = link_between(tables, border["node_id"], "osm-n5")
    assert to_border["country"] == "TR" and beyond["country"] == "GE"
    assert to_border["length_km"] + beyond["length_km"] == pytest.approx(
        geodesic_km([1, 2, 3, 4, 5]), rel=1e-3
    )
    crossings = {
        (r["from_country"], r["to_country"], r["mode"])
        for r in rows_at(tables["crossings"], border["node_id"])
    }
    assert crossings == {("TR", "GE", "rail"), ("GE", "TR", "rail")}


def test_border_control_node_carries_the_road_crossing(
    tables: dict[str, list[dict[str, Any]]],
) -> None:
    node = next(r for r in tables["nodes"] if r["node_id"] == "osm-n22")
    assert node["kind"] == "border_crossing" and node["name"] == "Red Bridge"
    rows = rows_at(tables["crossings"], "osm-n22")
    pairs = {(r["from_country"], r["to_country"], r["mode"]) for r in rows}
    assert pairs == {("GE", "AZ", "road"), ("AZ", "GE", "road")}
    figure = embedded_defaults().crossing("GE", "AZ", "road")
    assert all(r["dwell_h"] == figure.time_h and r["estimated"] for r in rows)
    assert "median" in rows[0]["method"] and set(figure.source_ids) <= set(rows[0]["source_ids"])


def test_gauge_change_where_1435_meets_1520(tables: dict[str, list[dict[str, Any]]]) -> None:
    rows = [r for r in rows_at(tables["transfers"], "osm-n5") if r["from_mode"] == "rail"]
    assert [(r["from_gauge_mm"], r["to_gauge_mm"], r["bidirectional"]) for r in rows] == [
        (1435, 1520, True)
    ]
    assert rows[0]["time_h"] == embedded_defaults().transfer("rail", "rail").time_h


def test_ferry_snapped_to_rail_with_transfers_and_port_crossings(
    tables: dict[str, list[dict[str, Any]]],
) -> None:
    ferry = link_between(tables, "osm-n31", "osm-n34")  # terminal 32 snapped onto Alat
    assert ferry["mode"] == "ferry" and ferry["country"] == "XZ"
    assert ferry["time_h"] == pytest.approx(12.0, abs=0.01)  # the duration tag
    alat = next(r for r in tables["nodes"] if r["node_id"] == "osm-n31")
    assert alat["kind"] == "port" and alat["country"] == "AZ"
    changes = {(r["from_mode"], r["to_mode"]) for r in rows_at(tables["transfers"], "osm-n31")}
    assert changes == {("rail", "ferry"), ("ferry", "rail")}
    at_tmb = {(r["from_mode"], r["to_mode"]) for r in rows_at(tables["transfers"], "osm-n34")}
    assert at_tmb == {("road", "ferry"), ("ferry", "road")}
    ports = {
        (r["from_country"], r["to_country"], r["mode"])
        for r in rows_at(tables["crossings"], "osm-n31")
    }
    assert ("AZ", "XZ", "ferry") in ports and ("XZ", "AZ", "rail") in ports
    assert "osm-n32" not in {r["node_id"] for r in tables["nodes"]}


def test_ferry_without_duration_takes_the_default_speed(
    tables: dict[str, list[dict[str, Any]]],
) -> None:
    ferry = link_between(tables, "osm-n31", "osm-n36")
    defaults = embedded_defaults()
    assert ferry["speed_kmh"] == defaults.ferry_speed_kmh and ferry["estimated"]
    assert set(defaults.ferry_sources) <= set(ferry["source_ids"])
    assert ferry["length_km"] == pytest.approx(geodesic_km([32, 37, 36]), rel=1e-3)


def test_speeds_from_tags_and_defaults(tables: dict[str, list[dict[str, Any]]]) -> None:
    capped = link_between(tables, "osm-n20", "osm-n22")  # maxspeed:hgv 30 beats maxspeed 90
    assert capped["speed_kmh"] == 30 and "capped" in capped["method"]
    implicit = link_between(tables, "osm-n22", "osm-n24")  # RU:rural gives no number
    assert implicit["speed_kmh"] == ROAD_SPEED.speed_kmh
    assert implicit["source_ids"] == ("osm_extract", ROAD_SPEED.source_id)
    rail = link_between(tables, "osm-n5", "osm-n9")
    assert rail["speed_kmh"] == RAIL_SPEED.speed_kmh and rail["estimated"]


def test_sidings_and_untagged_gauge_are_skipped_and_counted(pbf: Path) -> None:
    result = import_osm(pbf)
    assert result.summary["ways skipped (rail service=siding)"] == 1
    assert result.summary["ways skipped (rail without gauge)"] == 1
    assert any("no gauge tag" in note for note in result.notes)
    assert any("ODbL" in note for note in result.notes)


def test_every_row_cites_the_extract(tables: dict[str, list[dict[str, Any]]]) -> None:
    source = next(r for r in tables["sources"] if r["source_id"] == "osm_extract")
    assert source["publisher"] == "OpenStreetMap contributors" and "ODbL" in source["note"]
    for name in ("nodes", "links", "crossings", "transfers"):
        assert all("osm_extract" in row["source_ids"] for row in tables[name]), name


def test_modes_keep_only_the_modes_asked(pbf: Path) -> None:
    links = import_osm(pbf, modes=("rail",)).tables["links"]
    assert {row["mode"] for row in links} == {"rail"}


def test_bbox_keeps_the_parts_inside(pbf: Path) -> None:
    # west of Tbilisi: the road and the Caspian are out, the rail line is cut at node 8
    result = import_osm(pbf, bbox=(42.5, 40.0, 44.6, 42.0))
    links = result.tables["links"]
    assert {row["mode"] for row in links} == {"rail"}
    assert "osm-n9" not in {row["node_id"] for row in result.tables["nodes"]}
    cut = link_between(dict(result.tables), "osm-n5", "osm-n8")  # type: ignore[arg-type]
    assert cut["length_km"] == pytest.approx(geodesic_km([5, 6, 7, 8]), rel=1e-3)


def invoke(*args: str) -> tuple[int, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.output


def test_cli_writes_a_valid_atlas_that_routes_across_border_and_gauge(
    pbf: Path, tmp_path: Path
) -> None:
    out = tmp_path / "atlas"
    code, output = invoke("import", "osm", str(pbf), "--out", str(out))
    assert code == 0, output
    code, output = invoke("validate", str(out))
    assert code == 0, output
    code, output = invoke(
        "route", "osm-n1", "osm-n9", "--atlas", str(out), "--modes", "rail", "--format", "json"
    )
    assert code == 0, output
    route = json.loads(output)["routes"][0]
    text = json.dumps(route)
    assert "osm-w101-b1" in text and "osm-n5" in text  # the border and the gauge change


def test_force_rules(pbf: Path, tmp_path: Path) -> None:
    out = tmp_path / "atlas"
    assert invoke("import", "osm", str(pbf), "--out", str(out), "--modes", "rail")[0] == 0
    code, output = invoke("import", "osm", str(pbf), "--out", str(out))
    assert code == 2 and "--force" in output
    code, output = invoke("import", "osm", str(pbf), "--out", str(out), "--force")
    assert code == 0, output
    assert "road" in (out / "links.csv").read_text(encoding="utf-8")


def test_truncated_pbf_exits_2_with_one_line(pbf: Path, tmp_path: Path) -> None:
    cut = tmp_path / "cut.osm.pbf"
    data = pbf.read_bytes()
    cut.write_bytes(data[: len(data) // 2])
    code, output = invoke("import", "osm", str(cut), "--out", str(tmp_path / "out"))
    assert code == 2
    lines = output.strip().splitlines()
    assert len(lines) == 1 and str(cut) in lines[0] and "Traceback" not in output


def test_not_a_pbf_exits_2_naming_the_file(tmp_path: Path) -> None:
    text = tmp_path / "notes.osm.pbf"
    text.write_text("this is not a protobuf file\n", encoding="utf-8")
    code, output = invoke("import", "osm", str(text), "--out", str(tmp_path / "out"))
    assert code == 2 and str(text) in output and "Traceback" not in output
    assert len(output.strip().splitlines()) == 1


def test_missing_file_is_an_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no such file"):
        import_osm(tmp_path / "absent.osm.pbf")


def test_land_node_outside_the_outlines_is_named(tmp_path: Path) -> None:
    nodes = {1: (-40.0, 30.0, {}), 2: (-39.9, 30.1, {})}  # mid Atlantic
    path = write_pbf(tmp_path / "sea.osm.pbf", nodes, {7: ([1, 2], {"highway": "primary"})})
    with pytest.raises(InputError, match="OSM node 1"):
        import_osm(path)


def test_dual_gauge_way_gives_one_link_per_gauge(tmp_path: Path) -> None:
    nodes = {n: NODES[n] for n in (5, 6, 7)}
    ways = {
        11: ([5, 6], {"railway": "rail", "gauge": "1520;1435"}),
        12: ([6, 7], {"railway": "rail", "gauge": "1435"}),
    }
    tables = import_osm(write_pbf(tmp_path / "dual.osm.pbf", nodes, ways)).tables
    links = {row["link_id"]: row["gauge_mm"] for row in tables["links"]}
    assert links == {"osm-w11-g1520-1": 1520, "osm-w11-g1435-1": 1435, "osm-w12-1": 1435}
    changes = [(r["node_id"], r["from_gauge_mm"], r["to_gauge_mm"]) for r in tables["transfers"]]
    assert ("osm-n6", 1435, 1520) in changes  # the 1520 rail ends where the dual gauge does


def test_station_beside_the_line_moves_onto_its_nearest_node(tmp_path: Path) -> None:
    nodes = {n: NODES[n] for n in (5, 6, 7)}
    nodes[40] = (43.8010, 41.5010, {"railway": "station", "name": "Ninotsminda"})  # ~140 m off
    nodes[41] = (43.8000, 41.5500, {"railway": "station", "name": "Far"})  # ~5.6 km off
    ways = {11: ([5, 6, 7], {"railway": "rail", "gauge": "1520"})}
    result = import_osm(write_pbf(tmp_path / "beside.osm.pbf", nodes, ways))
    station = next(r for r in result.tables["nodes"] if r["node_id"] == "osm-n6")
    assert (station["kind"], station["name"]) == ("rail_station", "Ninotsminda")
    assert len(result.tables["links"]) == 2  # the line is split at the station
    assert result.summary["places moved onto a way"] == 1
    assert result.summary["places not on a kept way"] == 1


def test_nothing_to_import_is_an_input_error(pbf: Path) -> None:
    with pytest.raises(InputError, match="has no rail way that tripp reads inside --bbox"):
        import_osm(pbf, modes=("rail",), bbox=(10.0, 10.0, 11.0, 11.0))


def test_ferry_end_at_sea_lies_in_international_waters(tmp_path: Path) -> None:
    from tripp.importers.tables import write_atlas_folder

    nodes = {n: NODES[n] for n in (30, 31, 32, 37)}
    ways = {
        401: ([30, 31], {"railway": "rail", "gauge": "1520"}),
        404: ([32, 37], {"route": "ferry"}),
    }
    result = import_osm(write_pbf(tmp_path / "sea.osm.pbf", nodes, ways))
    at_sea = next(r for r in result.tables["nodes"] if r["node_id"] == "osm-n37")
    assert (at_sea["country"], at_sea["kind"]) == ("XZ", "port")
    assert not rows_at(list(result.tables["crossings"]), "osm-n37")
    atlas = write_atlas_folder(result.tables, tmp_path / "out", command="test", force=False)
    assert len(atlas.links) == 2


def test_way_with_nodes_missing_from_the_extract_keeps_its_parts(tmp_path: Path) -> None:
    nodes = {n: NODES[n] for n in (5, 6, 7, 8)}  # node 999 is outside the extract
    ways = {11: ([5, 6, 999, 7, 8], {"railway": "rail", "gauge": "1520"})}
    result = import_osm(write_pbf(tmp_path / "cut.osm.pbf", nodes, ways))
    ends = {frozenset((r["from_node"], r["to_node"])) for r in result.tables["links"]}
    assert ends == {frozenset(("osm-n5", "osm-n6")), frozenset(("osm-n7", "osm-n8"))}
    assert result.summary["ways kept in parts (nodes missing from the extract)"] == 1
