"""Stacked atlas folders: a later folder adds rows and overrides rows by key, conflicts are
reported (Python, ``tripp validate``, notes on stderr), problems name the folder."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

import tripp
from tripp.atlas.io import default_atlas_folder
from tripp.atlas.overrides import ColumnChange, RowPlace
from tripp.atlas.stack import cell_text
from tripp.cli.common import NOTED_CONFLICTS
from tripp.cli.main import app
from tripp.errors import InputError

runner = CliRunner()
EMBEDDED_LINKS = default_atlas_folder() / "links.csv"
NEW_NODE = "test_depot"
NEW_LINK = "baku__test_depot__road"
SURVEY = "overlay_survey"


def _embedded_rows(name: str) -> tuple[list[str], list[tuple[int, dict[str, str]]]]:
    """The header and the (line, row) pairs of an embedded table."""
    with (default_atlas_folder() / name).open(newline="", encoding="utf-8-sig") as handle:
        reader = csv.DictReader(handle)
        rows = [(reader.line_num, dict(row)) for row in reader]
        return list(reader.fieldnames or []), rows


def _overridden_link() -> tuple[int, dict[str, str]]:
    """An embedded rail link well inside links.csv with a running speed (line, row)."""
    _, rows = _embedded_rows("links.csv")
    line, row = next((n, r) for n, r in rows[30:] if r["mode"] == "rail" and r["speed_kmh"])
    return line, row


def _write(file: Path, header: list[str], rows: list[dict[str, str]]) -> None:
    with file.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=header)
        writer.writeheader()
        writer.writerows(rows)


def _overlay(folder: Path, *, extra_links: tuple[dict[str, str], ...] = ()) -> Path:
    """An overlay folder: a new node joined to Baku by a new road link, one embedded rail
    link 15 km/h faster, and its own source."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "sources.csv").write_text(
        "source_id,title,publisher,url,year,confidence\n"
        f"{SURVEY},Depot survey,Test,https://example.org/survey,2026,med\n",
        encoding="utf-8",
    )
    (folder / "nodes.csv").write_text(
        "node_id,name,kind,country,lon,lat,source_ids\n"
        f"{NEW_NODE},Test Depot,terminal,AZ,49.60,40.25,{SURVEY}\n",
        encoding="utf-8",
    )
    header, _ = _embedded_rows("links.csv")
    _, faster = _overridden_link()
    faster = {**faster, "speed_kmh": str(float(faster["speed_kmh"]) + 15)}
    new = {column: "" for column in header} | {
        "link_id": NEW_LINK,
        "from_node": "baku",
        "to_node": NEW_NODE,
        "mode": "road",
        "length_km": "30",
        "speed_kmh": "60",
        "status": "operating",
        "source_ids": SURVEY,
    }
    _write(folder / "links.csv", header, [faster, new, *extra_links])
    return folder


@pytest.fixture
def overlay(tmp_path: Path) -> Path:
    return _overlay(tmp_path / "overlay")


def run(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_a_later_folder_adds_rows_and_overrides_by_id_in_place(overlay: Path) -> None:
    base = tripp.load_atlas()
    stacked = tripp.load_atlas(["embedded", overlay])
    _, row = _overridden_link()
    link_id = row["link_id"]
    assert NEW_NODE in stacked.node_by_id and NEW_LINK in stacked.link_by_id
    assert len(stacked.nodes) == len(base.nodes) + 1
    assert len(stacked.links) == len(base.links) + 1
    assert stacked.links[-1].link_id == NEW_LINK
    position = [link.link_id for link in base.links].index(link_id)
    assert stacked.links[position].link_id == link_id
    assert stacked.links[position].speed_kmh == base.links[position].speed_kmh + 15
    assert stacked.link_by_id[link_id].source_ids == base.link_by_id[link_id].source_ids
    assert stacked.folders == (default_atlas_folder(), overlay) and stacked.folder == overlay
    assert base.folders == (default_atlas_folder(),) and base.merge.overrides == ()


def test_an_override_with_other_values_is_a_conflict_naming_its_columns(overlay: Path) -> None:
    line, row = _overridden_link()
    merge = tripp.load_atlas(["embedded", overlay]).merge
    assert merge.layers == ("embedded", str(overlay))
    (conflict,) = merge.overrides
    old = tripp.load_atlas().link_by_id[row["link_id"]].speed_kmh
    assert conflict.table == "links" and conflict.key == (("link_id", row["link_id"]),)
    assert conflict.earlier == RowPlace("embedded/links.csv", line)
    assert conflict.later == RowPlace(f"{overlay}/links.csv", 2)
    assert conflict.columns == (ColumnChange("speed_kmh", cell_text(old), cell_text(old + 15)),)


def test_an_identical_override_is_counted_not_listed(overlay: Path) -> None:
    header, rows = _embedded_rows("sources.csv")
    with (overlay / "sources.csv").open(newline="", encoding="utf-8") as handle:
        own = list(csv.DictReader(handle))
    _write(overlay / "sources.csv", header, [*own, rows[0][1]])  # an embedded row, unchanged
    merge = tripp.load_atlas(["embedded", overlay]).merge
    assert merge.identical_rows == 1
    assert [o.table for o in merge.overrides] == ["links"]


def test_validate_lists_folders_and_every_conflict_in_json(overlay: Path) -> None:
    code, out, err = run("validate", "embedded", str(overlay), "--format", "json")
    assert code == 0, err
    data = json.loads(out)
    assert data["valid"] is True and data["folder"] == str(overlay)
    assert data["folders"] == [str(default_atlas_folder()), str(overlay)]
    assert data["counts"]["links"] == len(tripp.load_atlas().links) + 1
    expected = tripp.load_atlas(["embedded", overlay]).merge.overrides
    assert data["conflicts"] == [o.to_dict() for o in expected]
    (conflict,) = data["conflicts"]
    assert [c["column"] for c in conflict["columns"]] == ["speed_kmh"]
    assert conflict["later"] == {"file": f"{overlay}/links.csv", "row": 2}
    assert err.startswith("note: links link_id=") and "speed_kmh" in err


def test_a_route_uses_the_overlay_link_and_notes_go_to_stderr(overlay: Path) -> None:
    args = ("route", "Test Depot", "Baku", "--format", "json")
    code, out, err = run(*args, "--atlas", "embedded", "--atlas", str(overlay))
    assert code == 0, err
    legs = json.loads(out)["routes"][0]["legs"]
    assert NEW_LINK in json.dumps(legs)
    assert "note:" not in out
    assert [line for line in err.splitlines() if line.startswith("note: ")]
    code, _, err = run(*args)  # the embedded atlas alone does not know the depot
    assert code == 2 and "Test Depot" in err


def test_more_conflicts_than_noted_end_with_a_count(tmp_path: Path) -> None:
    header, rows = _embedded_rows("nodes.csv")
    count = NOTED_CONFLICTS + 3
    changed = [{**row, "note": f"renamed {i}"} for i, (_, row) in enumerate(rows[:count])]
    overlay = tmp_path / "notes"
    overlay.mkdir()
    _write(overlay / "nodes.csv", header, changed)
    code, out, err = run(
        "nodes", "--atlas", "embedded", "--atlas", str(overlay), "--format", "json"
    )
    assert code == 0 and json.loads(out)
    notes = err.splitlines()
    assert len(notes) == NOTED_CONFLICTS + 1
    assert all(line.startswith("note: nodes node_id=") for line in notes[:-1])
    assert notes[-1] == (
        f"note: … and 3 more conflicts (tripp validate embedded {overlay} --format json lists all)"
    )


def test_a_problem_in_the_overlay_names_its_folder_and_line(tmp_path: Path) -> None:
    header, _ = _embedded_rows("links.csv")
    road = {column: "" for column in header} | {
        "from_node": "baku",
        "mode": "road",
        "length_km": "12",
        "speed_kmh": "50",
        "status": "operating",
        "source_ids": SURVEY,
    }
    slow = road | {"link_id": "baku__slow__road", "to_node": NEW_NODE, "speed_kmh": "fast"}
    lost = road | {"link_id": "baku__nowhere__road", "to_node": "nowhere"}
    overlay = _overlay(tmp_path / "imported", extra_links=(slow, lost))
    with pytest.raises(InputError) as raised:
        tripp.load_atlas(["embedded", overlay])
    shown = {(p.where, p.row, p.column) for p in raised.value.problems}
    assert shown == {
        (f"{overlay}/links.csv", 4, "speed_kmh"),  # found parsing the folder
        (f"{overlay}/links.csv", 5, "to_node"),  # found checking the merged tables
    }
    code, out, _ = run("validate", "embedded", str(overlay), "--format", "json")
    assert code == 2
    assert {p["where"] for p in json.loads(out)["problems"]} == {f"{overlay}/links.csv"}


def test_a_duplicate_id_within_one_folder_is_still_an_error(tmp_path: Path) -> None:
    _, row = _overridden_link()
    overlay = _overlay(tmp_path / "dup", extra_links=(row,))  # its id is on line 2 already
    with pytest.raises(InputError) as raised:
        tripp.load_atlas(["embedded", overlay])
    (problem,) = raised.value.problems
    assert (problem.where, problem.row, problem.column) == (f"{overlay}/links.csv", 4, "link_id")
    assert "duplicate link_id" in problem.problem and "first on line 2" in problem.problem


def test_embedded_names_the_embedded_atlas_and_dot_slash_a_folder_so_named(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert tripp.load_atlas("embedded").folder == default_atlas_folder()
    _overlay(tmp_path / "embedded")
    monkeypatch.chdir(tmp_path)
    stacked = tripp.load_atlas(["embedded", "./embedded"])
    assert stacked.folders == (default_atlas_folder(), Path("embedded"))
    assert NEW_NODE in stacked.node_by_id
    assert stacked.merge.layers == ("embedded", "./embedded")


def test_unknown_folders_in_the_stack_are_named(tmp_path: Path, overlay: Path) -> None:
    missing = tmp_path / "not-there"
    with pytest.raises(InputError) as raised:
        tripp.load_atlas(["embedded", missing, overlay, "also-missing"])
    assert [p.where for p in raised.value.problems] == [str(missing), "also-missing"]
    code, out, err = run("links", "--atlas", "embedded", "--atlas", str(missing))
    assert code == 2 and out == "" and str(missing) in err and "not found" in err


def test_a_required_table_need_be_in_one_folder_only(tmp_path: Path, overlay: Path) -> None:
    other = tmp_path / "other"
    other.mkdir()
    (other / "sources.csv").write_text((overlay / "sources.csv").read_text(), encoding="utf-8")
    with pytest.raises(InputError) as raised:
        tripp.load_atlas([overlay, other])
    missing = [p for p in raised.value.problems if "missing from every folder" in p.problem]
    assert {p.where for p in missing} == {"crossings.csv", "transfers.csv", "tariffs.csv"}
    assert tripp.load_atlas(["embedded", overlay, other]).merge.identical_rows == 1


def test_the_api_serves_the_stack(overlay: Path) -> None:
    from fastapi.testclient import TestClient

    from tripp.api.app import create_app
    from tripp.graph.paths import Kernel

    app = create_app(["embedded", overlay], kernel=Kernel.PYTHON, heavy_processes=False)
    with TestClient(app) as client:
        health = client.get("/api/health").json()
    assert health["atlas"]["folder"] == "embedded + overlay"
    assert health["atlas"]["nodes"] == len(tripp.load_atlas().nodes) + 1
