"""`tripp import gpkg`: a GeoPackage round trip of the embedded atlas through the shipped
example mapping, geometry rules (reprojection, geodesic length, snapping) and every error
path (exit 2, one line per problem, nothing written)."""

from __future__ import annotations

import csv
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import pytest
from pyproj import Geod
from shapely.geometry import LineString, MultiLineString, Point
from typer.testing import CliRunner

import tripp
from tripp.atlas.io import default_atlas_folder
from tripp.atlas.schema import TABLES
from tripp.cli.main import app
from tripp.errors import InputError, Problem
from tripp.importers import geometry
from tripp.importers.gpkg import GEODESIC_METHOD
from tripp.importers.mapping import read_mapping
from tripp.importers.origins import GpkgImport, LayerOrigin
from tripp.importers.tables import cell_text

DOCS = Path(__file__).resolve().parents[1] / "docs"
EXAMPLE = DOCS / "examples" / "atlas.gpkg.toml"
#: Tables the example mapping reads from attribute layers.
ATTRIBUTE_TABLES = ("sources", "crossings", "transfers", "tariffs", "cargo_types", "services")
runner = CliRunner()


def run(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


def embedded_frame(name: str) -> pd.DataFrame:
    """A table of the embedded atlas as a GIS user would hold it: numbers as numbers
    (integers with gaps as reals), booleans as booleans, text as text."""
    frame = pd.read_csv(
        default_atlas_folder() / TABLES[name].filename, keep_default_na=False, na_values=[""]
    )
    for column in TABLES[name].columns:
        if column.type == "bool" and column.name in frame:
            flags = frame[column.name].map({True: True, False: False, "true": True, "false": False})
            frame[column.name] = flags.astype("boolean")
    return frame


def write_atlas_gpkg(path: Path) -> None:
    """The embedded atlas as a GeoPackage: nodes as Points and links as LineStrings
    between their end nodes (every column as a field), the other tables as attribute
    layers."""
    nodes = embedded_frame("nodes")
    points = [Point(lon, lat) for lon, lat in zip(nodes["lon"], nodes["lat"], strict=True)]
    gpd.GeoDataFrame(nodes, geometry=points, crs="EPSG:4326").to_file(
        path, layer="nodes", driver="GPKG"
    )
    where = dict(zip(nodes["node_id"], points, strict=True))
    links = embedded_frame("links")
    lines = [
        LineString([where[a], where[b]])
        for a, b in zip(links["from_node"], links["to_node"], strict=True)
    ]
    gpd.GeoDataFrame(links, geometry=lines, crs="EPSG:4326").to_file(
        path, layer="links", driver="GPKG"
    )
    for name in ATTRIBUTE_TABLES:
        pyogrio.write_dataframe(embedded_frame(name), path, layer=name, driver="GPKG")


def test_example_mapping_round_trips_the_embedded_atlas(tmp_path: Path) -> None:
    gpkg, out = tmp_path / "atlas.gpkg", tmp_path / "imported"
    write_atlas_gpkg(gpkg)
    code, stdout, stderr = run(
        "import", "gpkg", str(gpkg), "--mapping", str(EXAMPLE), "--out", str(out)
    )
    assert code == 0, stderr
    assert "nodes rows from layer nodes" in stdout
    imported, embedded = tripp.load_atlas(out), tripp.load_atlas()
    for name in ("nodes", "links", *ATTRIBUTE_TABLES):
        assert len(getattr(imported, name)) == len(getattr(embedded, name)) > 0, name
        assert getattr(imported, name) == getattr(embedded, name), name
    assert run("validate", str(out))[0] == 0
    routes = [
        json.loads(run("route", "Baku", "Kars", *atlas, "--format", "json")[1])["routes"]
        for atlas in (("--atlas", str(out)), ())
    ]
    assert routes[0] == routes[1] and routes[0][0]["legs"]


def test_example_mapping_reads_every_column_but_node_positions() -> None:
    mapping = read_mapping(EXAMPLE)
    for table in mapping.tables:
        columns = {c.name for c in TABLES[table.table].columns}
        if table.table == "nodes":
            columns -= {"lon", "lat"}
        assert table.layer == table.table
        assert table.columns == {name: name for name in columns}


# A small network of our own: two stations 1 degree apart on the equator, a line between.

SMALL_MAPPING = """
[nodes]
layer = "stations"
[nodes.columns]
node_id = "code"
name = "name_en"
kind = {value = "rail_station"}
country = "iso2"
source_ids = {value = "my_gis"}

[links]
layer = "lines"
[links.columns]
link_id = "id"
from_node = "from_code"
to_node = "to_code"
mode = {value = "road"}
speed_kmh = "speed"
status = {value = "operating"}
source_ids = {value = "my_gis"}

[sources]
layer = "refs"
[sources.columns]
source_id = "id"
title = "title"
publisher = {value = "Me"}
url = {value = "https://example.org/gis"}
year = {value = 2025}
confidence = {value = "med"}

[embedded]
tables = ["tariffs", "cargo_types"]
"""

STATIONS = {"x": (10.0, 0.0), "y": (11.0, 0.0), "z": (11.0, 1.0)}


def write_small_gpkg(
    path: Path,
    *,
    crs: str | None = "EPSG:4326",
    speed: float = 60.0,
    end_offset_deg: float = 0.0,
) -> None:
    """Stations x, y, z in Kenya's latitude band (on the equator); lines x→y and y→z,
    their ends moved ``end_offset_deg`` north of the stations; a refs attribute layer."""
    stations = gpd.GeoDataFrame(
        {"code": list(STATIONS), "name_en": ["Ex", "Why", "Zed"], "iso2": ["KE"] * 3},
        geometry=[Point(*xy) for xy in STATIONS.values()],
        crs="EPSG:4326",
    )
    lines = gpd.GeoDataFrame(
        {
            "id": ["xy", "yz"],
            "from_code": ["x", "y"],
            "to_code": ["y", "z"],
            "speed": [speed, 50.0],
        },
        geometry=[
            LineString([_moved(STATIONS[a], end_offset_deg), _moved(STATIONS[b], end_offset_deg)])
            for a, b in (("x", "y"), ("y", "z"))
        ],
        crs="EPSG:4326",
    )
    if crs is None:
        stations, lines = (
            stations.set_crs(None, allow_override=True),
            lines.set_crs(None, allow_override=True),
        )
    elif crs != "EPSG:4326":
        stations, lines = stations.to_crs(crs), lines.to_crs(crs)
    stations.to_file(path, layer="stations", driver="GPKG")
    lines.to_file(path, layer="lines", driver="GPKG")
    refs = pd.DataFrame({"id": ["my_gis"], "title": ["My GIS network"]})
    pyogrio.write_dataframe(refs, path, layer="refs", driver="GPKG")


def _moved(xy: tuple[float, float], north_deg: float) -> tuple[float, float]:
    return xy[0], xy[1] + north_deg


def import_small(tmp_path: Path, mapping: str = SMALL_MAPPING, **gpkg: Any) -> tuple[int, str]:
    path, mapping_file = tmp_path / "net.gpkg", tmp_path / "mapping.toml"
    write_small_gpkg(path, **gpkg)
    mapping_file.write_text(mapping, encoding="utf-8")
    code, stdout, stderr = run(
        "import",
        "gpkg",
        str(path),
        "--mapping",
        str(mapping_file),
        "--out",
        str(tmp_path / "out"),
        "--format",
        "json",
    )
    return code, stdout if code == 0 else stderr


def expected_length_km(a: str, b: str) -> float:
    (lon1, lat1), (lon2, lat2) = STATIONS[a], STATIONS[b]
    return Geod(ellps="WGS84").inv(lon1, lat1, lon2, lat2)[2] / 1000.0


def test_a_layer_in_web_mercator_is_reprojected_and_lengths_come_from_the_lines(
    tmp_path: Path,
) -> None:
    code, out = import_small(tmp_path, crs="EPSG:3857")
    assert code == 0, out
    report = json.loads(out)
    assert any("reprojected from EPSG:3857" in note for note in report["notes"])
    assert report["summary"]["links lengths from geometry"] == 2
    atlas = tripp.load_atlas(tmp_path / "out")
    for node in atlas.nodes:
        assert (node.lon, node.lat) == pytest.approx(STATIONS[node.node_id], abs=1e-7)
    xy = atlas.link_by_id["xy"]
    # One degree of longitude along the equator is 111.319 km on the WGS 84 ellipsoid.
    assert xy.length_km == pytest.approx(111.319, abs=0.001)
    assert xy.length_km == pytest.approx(expected_length_km("x", "y"), abs=0.001)
    assert xy.estimated and xy.method == GEODESIC_METHOD
    assert atlas.link_by_id["yz"].length_km == pytest.approx(expected_length_km("y", "z"), abs=1e-3)


@pytest.mark.filterwarnings("ignore:'crs' was not provided")
def test_a_layer_without_crs_needs_the_mapping_to_state_it(tmp_path: Path) -> None:
    code, err = import_small(tmp_path, crs=None)
    assert code == 2
    assert "declares no CRS" in err and 'crs = "EPSG:4326"' in err
    stated = SMALL_MAPPING.replace('layer = "lines"', 'layer = "lines"\ncrs = "EPSG:4326"')
    stated = stated.replace('layer = "stations"', 'layer = "stations"\ncrs = "EPSG:4326"')
    code, out = import_small(tmp_path, stated, crs=None)
    assert code == 0, out
    assert tripp.load_atlas(tmp_path / "out").node_by_id["z"].lat == 1.0


SNAPPED = SMALL_MAPPING.replace('from_node = "from_code"\nto_node = "to_code"\n', "").replace(
    'layer = "lines"', 'layer = "lines"\nsnap_m = 50'
)


def test_snap_m_takes_each_end_node_from_the_nearest_station(tmp_path: Path) -> None:
    # Ends 0.0003 degree (33 m) north of their stations: within 50 m.
    code, out = import_small(tmp_path, SNAPPED, end_offset_deg=0.0003)
    assert code == 0, out
    links = tripp.load_atlas(tmp_path / "out").link_by_id
    assert (links["xy"].from_node, links["xy"].to_node) == ("x", "y")
    assert (links["yz"].from_node, links["yz"].to_node) == ("y", "z")


def test_a_line_end_beyond_snap_m_is_an_error_naming_the_feature(tmp_path: Path) -> None:
    # Ends 0.001 degree (111 m) north of their stations: beyond 50 m.
    code, err = import_small(tmp_path, SNAPPED, end_offset_deg=0.001)
    assert code == 2
    assert "layer 'lines' feature 1" in err and "nearest node, x, is 111 m" in err
    assert "snap_m = 50" in err and not (tmp_path / "out").exists()


def test_a_wrong_layer_names_the_available_layers(tmp_path: Path) -> None:
    code, err = import_small(tmp_path, SMALL_MAPPING.replace('"stations"', '"station"'))
    assert code == 2
    assert "has no layer 'station' (mapped to nodes)" in err
    assert "one of: stations, lines, refs" in err
    assert "Traceback" not in err and not (tmp_path / "out").exists()


def test_a_missing_field_names_the_fields_of_the_layer(tmp_path: Path) -> None:
    code, err = import_small(tmp_path, SMALL_MAPPING.replace('"name_en"', '"name_fr"'))
    assert code == 2
    assert "layer 'stations'" in err and "has no field 'name_fr' (mapped to nodes.name)" in err
    assert "one of: code, name_en, iso2" in err


def test_every_mapping_problem_is_reported_at_once_with_did_you_mean(tmp_path: Path) -> None:
    bad = SMALL_MAPPING.replace('speed_kmh = "speed"', 'speed_khm = "speed"')
    bad = bad.replace("[sources]", "[source]").replace("[sources.columns]", "[source.columns]")
    bad = bad.replace('kind = {value = "rail_station"}', "kind = 3")
    code, err = import_small(tmp_path, bad)
    assert code == 2
    lines = err.strip().splitlines()
    assert any("links.columns.speed_khm" in line and "'speed_kmh'" in line for line in lines)
    assert any("source:" in line and "did you mean 'sources'" in line for line in lines)
    assert any("nodes.columns.kind" in line and "neither a field name" in line for line in lines)
    assert all("mapping.toml" in line for line in lines if "fix:" in line)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("[nodes\nlayer=", "is not valid TOML"),
        ('[nodes.columns]\nnode_id = "code"', "nodes.layer: is missing"),
        ("[links]\nlayer = 'lines'\nsnap_m = -5\n[links.columns]\nlink_id = 'id'", "snap_m"),
        ("[embedded]\ntables = ['tarifs']", "did you mean 'tariffs'?"),
        ("[sources]\nlayr = 'refs'\n[sources.columns]\nsource_id = 'id'", "did you mean 'layer'?"),
        ("[sources]\nlayer = 'refs'\n[sources.columns]\ntitle = {value = [1]}", "not a usable"),
    ],
)
def test_mapping_errors(tmp_path: Path, text: str, expected: str) -> None:
    file = tmp_path / "m.toml"
    file.write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as caught:
        read_mapping(file)
    assert expected in str(caught.value) and str(file) in str(caught.value)


def test_links_not_mapped_to_nodes_need_snap_m(tmp_path: Path) -> None:
    file = tmp_path / "m.toml"
    file.write_text(SMALL_MAPPING.replace('from_node = "from_code"', ""), encoding="utf-8")
    with pytest.raises(InputError, match=r"links\.columns\.from_node: required column not mapped"):
        read_mapping(file)


def test_a_bad_value_is_reported_by_the_validation_gate_and_nothing_is_written(
    tmp_path: Path,
) -> None:
    code, err = import_small(tmp_path, speed=900.0)
    assert code == 2
    assert "net.gpkg layer 'lines' feature 1: links.speed_kmh (field speed): 900" in err
    assert "nothing was written" in err and not (tmp_path / "out").exists()


@pytest.mark.parametrize("content", [None, "not a geopackage", "geojson"])
def test_a_missing_or_foreign_file_is_an_error(tmp_path: Path, content: str | None) -> None:
    path, mapping = tmp_path / "net.gpkg", tmp_path / "m.toml"
    mapping.write_text(SMALL_MAPPING, encoding="utf-8")
    if content == "geojson":
        gpd.GeoDataFrame({"a": [1]}, geometry=[Point(0, 0)], crs="EPSG:4326").to_file(
            path, driver="GeoJSON"
        )
    elif content is not None:
        path.write_text(content, encoding="utf-8")
    code, _, err = run("import", "gpkg", str(path), "--mapping", str(mapping), "--out", "x")
    assert code == 2
    assert ("not found" if content is None else "is not a GeoPackage with layers") in err


def test_embedded_tables_come_with_the_sources_they_cite(tmp_path: Path) -> None:
    code, out = import_small(tmp_path)
    assert code == 0, out
    atlas, embedded = tripp.load_atlas(tmp_path / "out"), tripp.load_atlas()
    assert atlas.tariffs == embedded.tariffs and atlas.cargo_types == embedded.cargo_types
    cited = _cited((*embedded.tariffs, *embedded.cargo_types))
    assert {s.source_id for s in atlas.sources} == cited | {"my_gis"}


def test_embedded_modes_keep_only_those_modes_rows(tmp_path: Path) -> None:
    mapping = SMALL_MAPPING.replace('"cargo_types"]', '"cargo_types"]\nmodes = ["road"]')
    code, out = import_small(tmp_path, mapping)
    assert code == 0, out
    tariffs = tripp.load_atlas(tmp_path / "out").tariffs
    assert {t.mode for t in tariffs} == {"road"}
    assert len(tariffs) == sum(t.mode == "road" for t in tripp.load_atlas().tariffs)


def _cited(rows: Sequence[Any]) -> set[str]:
    return {source for row in rows for source in row.source_ids}


def test_csv_lines_count_line_breaks_as_the_atlas_reader_does(tmp_path: Path) -> None:
    rows = [{"note": "one\ntwo", "year": 2020}, {"note": "three\r\nfour\rfive"}, {"note": "six"}]
    file = tmp_path / "t.csv"
    with file.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["note", "year"])
        writer.writerows([[cell_text(row.get("note")), cell_text(row.get("year"))] for row in rows])
    with file.open(newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        read_lines = [reader.line_num for _ in reader]
    origin = LayerOrigin("layer", (1, 2, 3), {"note": "remark"})
    assert origin.csv_lines(rows) == read_lines == [3, 6, 7]


def test_the_mapping_shown_in_the_docs_is_valid(tmp_path: Path) -> None:
    text = (DOCS / "import.md").read_text(encoding="utf-8")
    block = text.split("```toml\n", 1)[1].split("```", 1)[0]
    file = tmp_path / "docs.toml"
    file.write_text(block, encoding="utf-8")
    mapping = read_mapping(file)
    assert [t.table for t in mapping.tables] == ["nodes", "links", "sources"]
    assert mapping.table("links") is not None and mapping.table("links").snap_m == 50
    assert mapping.embedded == ("tariffs", "cargo_types") and mapping.embedded_modes == ("rail",)


def test_a_multilinestring_is_measured_over_its_parts_and_joined_for_its_ends() -> None:
    joined = MultiLineString([[(0, 0), (1, 0)], [(1, 0), (2, 0)]])
    apart = MultiLineString([[(0, 0), (1, 0)], [(5, 0), (6, 0)]])
    lengths_km = geometry.geodesic_length_km(np.array([joined, apart, Point(0, 0)]))
    assert lengths_km[0] == pytest.approx(2 * 111.319, abs=0.002)
    assert lengths_km[1] == pytest.approx(2 * 111.319, abs=0.002) and np.isnan(lengths_km[2])
    start, end, bad = geometry.line_ends(np.array([joined, apart]))
    assert start[0].tolist() == [0, 0] and end[0].tolist() == [2, 0]
    assert bad.tolist() == [False, True]


def test_gate_problems_name_the_feature_only_for_rows_read_from_a_layer() -> None:
    result = GpkgImport(
        {"sources": [{"source_id": "mine", "year": 3000}, {"source_id": "kept", "year": 1}]},
        file=Path("net.gpkg"),
        origins={"sources": LayerOrigin("refs", (7,), {"source_id": "id", "year": ""})},
    )
    gate = InputError(
        [
            Problem("sources.csv", "3000 is out of range", "fix it", 2, "year"),
            Problem("sources.csv", "1 is out of range", "fix it", 3, "year"),
            Problem("links.csv", "no rows", "add some"),
        ]
    )
    mine, kept, whole = result.located(gate).problems
    assert str(mine).startswith("net.gpkg layer 'refs' feature 7: sources.year (constant):")
    assert kept == gate.problems[1] and whole == gate.problems[2]
