"""The command line: output shapes, exit codes and one-line errors for every error path."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from typer.testing import CliRunner

from tests.conftest import MINI
from tripp.cli.main import app

runner = CliRunner()
Copy = Callable[..., Path]


def run(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_route_json_shape() -> None:
    code, out, _ = run(
        "route",
        "Alpha",
        "Echo",
        "--atlas",
        str(MINI),
        "--year",
        "2030",
        "--alternatives",
        "2",
        "--format",
        "json",
    )
    assert code == 0
    data = json.loads(out)
    assert data["origin"] == "a" and data["destination"] == "e" and data["year"] == 2030
    assert data["objective"] == "time" and len(data["routes"]) == 2
    first = data["routes"][0]
    for key in (
        "distance_km",
        "time_h",
        "cost_usd",
        "legs",
        "countries",
        "border_crossings",
        "gauge_changes",
        "transfers",
    ):
        assert key in first
    assert data["routes"][1]["gauge_changes"][0]["node"] == "d"


def test_route_geojson_is_a_feature_collection_of_legs() -> None:
    code, out, _ = run(
        "route", "a", "c", "--atlas", str(MINI), "--modes", "rail", "--format", "geojson"
    )
    data = json.loads(out)
    assert code == 0 and data["type"] == "FeatureCollection"
    assert [f["properties"]["kind"] for f in data["features"]] == ["link", "border", "link"]


def test_route_table_lists_legs_and_borders() -> None:
    code, out, _ = run(
        "route", "a", "e", "--atlas", str(MINI), "--year", "2030", "--avoid-country", "IR"
    )
    assert code == 0
    assert "gauge 1520 → 1435 mm" in out and "AZ → GE" in out and "18.0 h" in out


def test_no_route_exits_3_naming_the_constraint() -> None:
    code, _, err = run(
        "route", "a", "e", "--atlas", str(MINI), "--year", "2030", "--avoid-country", "IR,GE"
    )
    assert code == 3
    assert err.strip() == (
        "error: no route from a to e in 2030: --avoid-country IR,GE cuts "
        "every route (one exists without it)"
    )


def test_unknown_node_exits_2_with_did_you_mean() -> None:
    code, _, err = run("route", "Alpah", "e", "--atlas", str(MINI))
    assert code == 2 and "unknown place 'Alpah' — fix: did you mean 'Alpha'?" in err
    assert "Traceback" not in err


def test_unknown_country_code_exits_2() -> None:
    code, _, err = run("route", "a", "e", "--atlas", str(MINI), "--avoid-country", "Irann")
    assert code == 2 and "unknown country 'Irann' — fix: did you mean 'IR'" in err


def test_contradictory_options_exit_2() -> None:
    code, _, err = run("route", "a", "e", "--atlas", str(MINI), "--avoid-node", "a")
    assert code == 2 and "origin: a is also in --avoid-node" in err


def test_bad_option_values_exit_2() -> None:
    code, _, err = run(
        "route",
        "a",
        "e",
        "--atlas",
        str(MINI),
        "--objective",
        "fastest",
        "--modes",
        "rail,boat",
        "--alternatives",
        "0",
    )
    assert code == 2
    assert "unknown objective 'fastest'" in err and "unknown mode 'boat'" in err
    assert "--alternatives: 0 is out of range" in err


def test_malformed_csv_exits_2_listing_every_problem(atlas_copy: Copy) -> None:
    folder = atlas_copy(
        links={"r1,a,b,both,rail,,100,50": "r1,a,b,both,rail,,1OO,50"},
        nodes={"x,Xray,,city,IR": "x,Xray,,town,IR"},
    )
    code, _, err = run("validate", str(folder))
    assert code == 2
    assert "links.csv:2: length_km: '1OO' is not a number" in err
    assert "nodes.csv:7: kind: 'town' is not one of" in err
    assert "2 problem(s) found" in err
    code, _, err = run("route", "a", "e", "--atlas", str(folder))
    assert code == 2 and err.startswith("error: 2 problems found:")


def test_validate_json_and_success() -> None:
    code, out, _ = run("validate", str(MINI), "--format", "json")
    assert code == 0 and json.loads(out)["counts"]["links"] == 6


def test_nodes_and_links_filters() -> None:
    code, out, _ = run("links", "--atlas", str(MINI), "--mode", "road", "--format", "json")
    assert code == 0 and [r["link_id"] for r in json.loads(out)] == ["road1", "road2"]
    code, out, _ = run("nodes", "--atlas", str(MINI), "--country", "GE", "--format", "json")
    assert [r["node_id"] for r in json.loads(out)] == ["c", "d"]
    code, out, _ = run(
        "links",
        "--atlas",
        str(MINI),
        "--corridor",
        "test",
        "--status",
        "under_construction",
        "--format",
        "geojson",
    )
    assert [f["properties"]["link_id"] for f in json.loads(out)["features"]] == ["r4"]
    code, _, err = run("links", "--atlas", str(MINI), "--mode", "rial")
    assert code == 2 and "did you mean 'rail'?" in err
