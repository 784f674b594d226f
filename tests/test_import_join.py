"""``tripp import osm --join embedded``: the imported network connects to the atlas it is
stacked on, and the stack is valid without conflicts.

The extract is the one ``test_import_osm`` writes (Kars → Akhalkalaki on 1435 mm, then
Tbilisi on 1520 mm, a road through Red Bridge, ferries from Alat). Joined to the embedded
atlas, each place a mode reaches gets a join link to the nearest imported node of that mode
(and gauge) in its country; the imported ferries sail at the embedded ferries' median
frequency, so that the stack (whose atlas lists services) validates; a route on the stack
runs from imported lines onto embedded ones.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from tests.test_import_osm import write_pbf
from tripp.atlas.io import load_atlas
from tripp.cli.main import app
from tripp.importers.join import join_to_atlas
from tripp.importers.osm import import_osm
from tripp.importers.osm_defaults import embedded_defaults

runner = CliRunner()


@pytest.fixture(scope="module")
def joined(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("join")
    pbf = write_pbf(folder / "caucasus.osm.pbf")
    out = folder / "caucasus"
    done = runner.invoke(app, ["import", "osm", str(pbf), "--out", str(out), "--join", "embedded"])
    assert done.exit_code == 0, done.output
    return out


def _rows(folder: Path, table: str) -> list[dict[str, Any]]:
    import csv

    with (folder / f"{table}.csv").open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def test_places_get_a_join_link_per_mode_and_gauge_to_the_nearest_imported_node(
    joined: Path,
) -> None:
    joins = {
        (r["from_node"], r["to_node"], r["mode"], r["gauge_mm"]): r
        for r in _rows(joined, "links")
        if r["link_id"].startswith("join-")
    }
    assert set(joins) == {
        ("kars", "osm-n1", "rail", "1435"),
        ("akhalkalaki", "osm-n5", "rail", "1435"),
        ("akhalkalaki", "osm-n5", "rail", "1520"),
        ("tbilisi", "osm-n9", "rail", "1520"),
        ("alat", "osm-n31", "rail", "1520"),
        ("tbilisi", "osm-n20", "road", ""),
        ("red_bridge", "osm-n22", "road", ""),
        ("ganja", "osm-n24", "road", ""),
    }
    kars = joins["kars", "osm-n1", "rail", "1435"]
    assert float(kars["length_km"]) == pytest.approx(0.86, abs=0.01)  # straight km
    assert kars["estimated"] == "true" and "join link" in kars["method"]
    assert kars["speed_kmh"] == "53.9"  # the imported line's speed there
    # the embedded places are copied as the embedded atlas writes them
    embedded = load_atlas()
    nodes = {r["node_id"]: r for r in _rows(joined, "nodes")}
    assert float(nodes["kars"]["lon"]) == embedded.node_by_id["kars"].lon
    assert nodes["kars"]["source_ids"] == ";".join(embedded.node_by_id["kars"].source_ids)


def test_the_joined_folder_validates_alone_and_stacked_without_conflicts(joined: Path) -> None:
    alone = runner.invoke(app, ["validate", str(joined)])
    assert alone.exit_code == 0, alone.output
    stacked = runner.invoke(app, ["validate", "embedded", str(joined), "--format", "json"])
    assert stacked.exit_code == 0, stacked.output
    answer = json.loads(stacked.stdout)
    assert answer["valid"] and answer["conflicts"] == []
    assert answer["identical_overrides"] > 0  # the copied places, tariffs and sources


def test_imported_ferries_sail_at_the_embedded_median_each_way(joined: Path) -> None:
    service = embedded_defaults().ferry_service
    services = _rows(joined, "services")
    ferries = [r for r in _rows(joined, "links") if r["mode"] == "ferry"]
    assert len(services) == 2 * len(ferries) == 4
    for row in services:
        assert float(row["departures_per_week"]) == service.departures_per_week
        assert float(row["dwell_h"]) == service.dwell_h
        assert row["estimated"] == "true" and "no timetable" in row["method"]
    assert {(r["node_id"], r["to_node"]) for r in services} == {
        (a, b)
        for f in ferries
        for a, b in ((f["from_node"], f["to_node"]), (f["to_node"], f["from_node"]))
    }


def test_a_route_on_the_stack_runs_from_imported_lines_onto_embedded_ones(joined: Path) -> None:
    done = runner.invoke(
        app,
        [
            *("route", "--atlas", "embedded", "--atlas", str(joined), "osm-n9", "Baku"),
            *("--year", "2026", "--modes", "rail", "--format", "json"),
        ],
    )
    assert done.exit_code == 0, done.output
    legs = json.loads(done.stdout)["routes"][0]["legs"]
    links = [leg.get("link_id") or "" for leg in legs]
    assert any(link.startswith("join-tbilisi-osm-n9") for link in links), links
    assert any(link and not link.startswith(("osm-", "join-")) for link in links)  # embedded


def test_nothing_within_reach_is_said_and_no_join_link_is_made(tmp_path: Path) -> None:
    pbf = write_pbf(tmp_path / "caucasus.osm.pbf")
    result = join_to_atlas(import_osm(pbf), load_atlas(), within_km=0.1)
    assert not [r for r in result.tables["links"] if r["link_id"].startswith("join-")]
    assert "do not connect" in result.notes[-1]


@pytest.mark.parametrize("km", ["0", "-1", "51"])
def test_a_join_distance_out_of_range_is_refused(tmp_path: Path, km: str) -> None:
    pbf = write_pbf(tmp_path / "caucasus.osm.pbf")
    done = runner.invoke(
        app,
        [
            *("import", "osm", str(pbf), "--out", str(tmp_path / "o")),
            *("--join", "embedded", "--join-km", km),
        ],
    )
    assert done.exit_code == 2
    assert "--join-km" in done.output and not (tmp_path / "o").exists()
