"""Issue 17: years the atlas describes, country names for codes, detour warnings."""

from __future__ import annotations

import json
import math
import warnings
from pathlib import Path

import pytest
from typer.testing import CliRunner

import tripp
from tripp.atlas.countries import country_code
from tripp.cli.main import app
from tripp.errors import InputError
from tripp.graph.clusters import EARTH_RADIUS_KM, great_circle_km
from tripp.routing.request import RouteRequest, supported_years
from tripp.scenarios import load_scenario

with warnings.catch_warnings():  # starlette's note that it prefers httpx2
    warnings.simplefilter("ignore", DeprecationWarning)
    from fastapi.testclient import TestClient


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture(scope="module")
def graph() -> tripp.Graph:
    return tripp.compile(tripp.load_atlas())


def test_supported_years_by_the_rule(graph: tripp.Graph) -> None:
    atlas = graph.atlas
    # as of 2026; the latest open_year in links.csv is 2032 (Black Sea cable): 2021 to 2042
    assert atlas.as_of_year == 2026
    assert max(link.open_year or 0 for link in atlas.links) == 2032
    assert supported_years(atlas) == (2021, 2042)


@pytest.mark.parametrize("year", ["1990", "2050", "2020", "2043"])
def test_a_year_outside_the_range_exits_2_naming_it(year: str) -> None:
    code, _, err = run("route", "Baku", "Kars", "--year", year)
    assert code == 2
    assert f"--year: {year} is outside the years this atlas describes, 2021 to 2042" in err


@pytest.mark.parametrize("year", [2021, 2042])
def test_the_ends_of_the_range_route(graph: tripp.Graph, year: int) -> None:
    assert tripp.route(graph, "Baku", "Kars", year=year).year == year


def test_python_and_the_rest_api_use_the_same_range(graph: tripp.Graph) -> None:
    with pytest.raises(InputError, match=r"year: 1990 is outside .* 2021 to 2042"):
        tripp.route(graph, "Baku", "Kars", year=1990)
    from tripp.api import create_app

    with TestClient(create_app()) as client:
        response = client.get(
            "/api/route", params={"origin": "Baku", "destination": "Kars", "year": 2050}
        )
    assert response.status_code == 422
    assert "2021 to 2042" in json.dumps(response.json())


def test_a_scenario_year_outside_the_range_is_refused(tmp_path: Path) -> None:
    file = tmp_path / "far.toml"
    file.write_text('description = "far future"\nyear = 2050\n', encoding="utf-8")
    with pytest.raises(InputError, match=r"year 2050 is outside the years .* 2021 to 2042"):
        load_scenario(str(file), tripp.load_atlas())


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("Russia", "RU"),
        ("russia", "RU"),
        ("Türkiye", "TR"),
        ("Turkey", "TR"),
        ("TURKIYE", "TR"),
        ("Iran", "IR"),
        ("ge", "GE"),
        ("AZ", "AZ"),
        ("Azerbaijan", "AZ"),
        ("Russian Federation", "RU"),
        ("Rusia", None),
        ("XQ", None),
    ],
)
def test_country_names_are_accepted_for_codes(text: str, code: str | None) -> None:
    assert country_code(text) == code


def test_avoid_russia_by_name(graph: tripp.Graph) -> None:
    request = RouteRequest.check(graph, "Xian", "Duisburg", avoid_countries="Russia, türkiye")
    assert request.avoid_countries == ("RU", "TR")
    code, out, err = run(
        "route", "Xian", "Duisburg", "--avoid-country", "Russia", "--format", "json"
    )
    assert code == 0, err
    data = json.loads(out)
    assert "RU" not in data["routes"][0]["countries"]
    code, _, err = run("route", "Xian", "Duisburg", "--avoid-country", "Rusia")
    assert code == 2 and "unknown country 'Rusia'" in err and "'RU'" in err


def test_great_circle_by_hand() -> None:
    assert great_circle_km(0.0, 0.0, 90.0, 0.0) == pytest.approx(math.pi / 2 * EARTH_RADIUS_KM)
    assert great_circle_km(10.0, 50.0, 10.0, 51.0) == pytest.approx(math.pi / 180 * EARTH_RADIUS_KM)


def test_a_mode_forced_detour_is_named(graph: tripp.Graph) -> None:
    result = tripp.route(graph, "Nakhchivan", "Yerevan", modes="rail")
    best = result.routes[0]
    nodes = graph.atlas.node_by_id
    a, b = nodes[result.origin], nodes[result.destination]
    crow = great_circle_km(a.lon, a.lat, b.lon, b.lat)
    assert best.distance_km > 3 * crow  # the premise: a continental detour
    open_km = tripp.route(graph, "Nakhchivan", "Yerevan").routes[0].distance_km
    assert result.warnings[0].startswith(f"route 1 is {best.distance_km:,.0f} km")
    assert f"{best.distance_km / crow:.1f}× the {crow:,.0f} km great-circle" in result.warnings[0]
    forced = [w for w in result.warnings if "force a detour" in w]
    assert forced == [
        f"the modes asked for (rail) force a detour: route 1 is {best.distance_km:,.0f} km, "
        f"{best.distance_km / open_km:.1f}× the {open_km:,.0f} km of the best route with "
        "every mode"
    ]


def test_no_warning_for_a_direct_route(graph: tripp.Graph) -> None:
    result = tripp.route(graph, "Baku", "Kars", modes="rail", year=2026)
    assert result.warnings == ()
    assert result.to_dict()["warnings"] == []


def test_warnings_in_the_json_and_the_table() -> None:
    code, out, _ = run("route", "Nakhchivan", "Yerevan", "--modes", "rail", "--format", "json")
    assert code == 0
    data = json.loads(out)
    assert any("force a detour" in w for w in data["warnings"])
    code, out, _ = run("route", "Nakhchivan", "Yerevan", "--modes", "rail")
    assert code == 0 and "warning: the modes asked for (rail) force a detour" in out
