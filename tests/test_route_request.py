"""One RouteRequest for every interface: checked once, problems naming its fields, each
interface wording them its own way (CLI options, REST query parameters, Python fields)."""

from __future__ import annotations

import math
import pickle
import warnings
from typing import Any

import pytest
from typer.testing import CliRunner

import tripp
from tests.conftest import MINI
from tripp.api.problems import PARAMETERS
from tripp.cli.common import FLAGS
from tripp.cli.main import app
from tripp.errors import InputError, NoRouteError
from tripp.routing.request import Objective, RouteRequest, RouteSettings, split_list
from tripp.routing.route import route_request
from tripp.scenarios.network import scenario_network

with warnings.catch_warnings():  # starlette's note that it prefers httpx2
    warnings.simplefilter("ignore", DeprecationWarning)
    from fastapi.testclient import TestClient

SCENARIOS = MINI.parent / "scenarios"


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_every_problem_at_once_each_naming_its_field(mini_graph: tripp.Graph) -> None:
    with pytest.raises(InputError) as caught:
        RouteRequest.check(
            mini_graph,
            "Alpah",
            "e",
            via="Zulu",
            avoid_countries="XQ",
            avoid_nodes=["q"],
            modes="rail,boat",
            year=1700,
            objective="fastest",
            alternatives=0,
            min_difference=1.5,
            vot_usd_per_teu_h=-1.0,
        )
    where = [p.where for p in caught.value.problems]
    assert where == [
        "origin",
        "via",
        "avoid_nodes",
        "avoid_countries",
        "modes",
        "objective",
        "alternatives",
        "min_difference",
        "year",
        "vot_usd_per_teu_h",
    ]
    assert "did you mean 'Alpha'?" in caught.value.problems[0].fix
    assert "--" not in str(caught.value)


def test_lists_are_split_stripped_and_blanks_dropped(mini_graph: tripp.Graph) -> None:
    assert split_list(["a, b", " ,c", ""]) == ("a", "b", "c") == split_list(" a,b ,, c")
    assert split_list(None) == ()
    request = RouteRequest.check(
        mini_graph, "a", "e", avoid_countries=[" ir, "], modes="rail, ,road", year=2030
    )
    assert request.avoid_countries == ("IR",) and request.modes == ("rail", "road")
    everything = RouteRequest.check(mini_graph, "a", "e", modes=" , ")
    assert everything.modes == ("rail", "road", "ferry", "sea")
    assert everything.objective is Objective.TIME


def test_year_defaults_to_the_network_year(mini_atlas: tripp.Atlas) -> None:
    plain = scenario_network(mini_atlas, None)
    assert plain.scenario is None and plain.name is None
    assert plain.year == mini_atlas.as_of_year
    later = scenario_network(mini_atlas, SCENARIOS / "no-iran.toml")
    assert later.year == 2030 != mini_atlas.as_of_year
    request = RouteRequest.check(later.graph, "a", "e", network_year=later.year)
    assert request.year == 2030
    assert RouteRequest.check(plain.graph, "a", "e").year == mini_atlas.as_of_year
    assert RouteRequest.check(later.graph, "a", "e", year=2031, network_year=2030).year == 2031
    with pytest.raises(ValueError, match="without a scenario"):
        plain.applied()


def test_the_command_line_routes_in_the_scenario_year() -> None:
    import json

    scenario = str(SCENARIOS / "no-iran.toml")
    code, out, _ = run(
        "route", "a", "c", "--atlas", str(MINI), "--scenario", scenario, "--format", "json"
    )
    assert code == 0 and json.loads(out)["year"] == 2030
    code, out, _ = run("route", "a", "c", "--atlas", str(MINI), "--format", "json")
    assert code == 0 and json.loads(out)["year"] == tripp.load_atlas(MINI).as_of_year


def test_route_request_runs_a_built_request(mini_graph: tripp.Graph) -> None:
    request = RouteRequest.check(mini_graph, "Alpha", "Ekho", year=2030, alternatives=2)
    assert route_request(mini_graph, request) == tripp.route(
        mini_graph, "a", "e", year=2030, alternatives=2
    )


@pytest.mark.parametrize("vot", [-1.0, math.inf, math.nan])
def test_value_of_time_rule_is_the_same_at_every_door(mini_graph: tripp.Graph, vot: float) -> None:
    with pytest.raises(InputError) as python:
        tripp.route(mini_graph, "a", "e", settings=RouteSettings(vot_usd_per_teu_h=vot))
    with pytest.raises(InputError) as checked:
        RouteRequest.check(mini_graph, "a", "e", vot_usd_per_teu_h=vot)
    assert python.value.problems == checked.value.problems
    [problem] = python.value.problems
    assert problem.where == "vot_usd_per_teu_h" and problem.fix == "give a value ≥ 0"
    expected = f"error: --vot-usd-per-teu-h: {problem.problem} — fix: give a value ≥ 0\n"
    for command in (
        ("route", "a", "e"),
        ("criticality", str(SCENARIOS / "base.toml"), "--workers", "1"),
    ):
        code, _, err = run(*command, "--atlas", str(MINI), "--vot-usd-per-teu-h", str(vot))
        assert code == 2 and err.lstrip("\n") == expected  # criticality's progress bar: "\n"


def test_value_of_time_rule_in_the_rest_api() -> None:
    with TestClient(tripp_app()) as client:
        for vot in ("-1", "inf", "nan"):
            query = {"origin": "Baku", "destination": "Kars", "vot_usd_per_teu_h": vot}
            response = client.get("/api/route", params=query)
            assert response.status_code == 422, response.text
            [problem] = response.json()["problems"]
            assert problem["where"] == "vot_usd_per_teu_h" and problem["fix"] == "give a value ≥ 0"


def tripp_app() -> Any:
    from tripp.api import create_app

    return create_app()


def test_each_door_words_the_fields_its_own_way(mini_graph: tripp.Graph) -> None:
    with pytest.raises(InputError) as caught:
        RouteRequest.check(mini_graph, "a", "e", avoid_countries="AZ", avoid_nodes="e")
    error = caught.value
    python = [str(p) for p in error.problems]
    assert python == [
        "origin: a is in AZ, which avoid_countries excludes — fix: remove AZ from avoid_countries",
        "destination: e is also in avoid_nodes — fix: remove it from avoid_nodes",
    ]
    cli = [str(p) for p in error.worded(FLAGS).problems]
    assert cli == [
        "origin: a is in AZ, which --avoid-country excludes — fix: remove AZ from --avoid-country",
        "destination: e is also in --avoid-node — fix: remove it from --avoid-node",
    ]
    rest = [str(p) for p in error.worded(PARAMETERS).problems]
    assert rest == [
        "origin: a is in AZ, which avoid_country excludes — fix: remove AZ from avoid_country",
        "destination: e is also in avoid_node — fix: remove it from avoid_node",
    ]
    with pytest.raises(InputError) as bad:
        RouteRequest.check(mini_graph, "a", "e", avoid_countries="Irann", vot_usd_per_teu_h=-2)
    assert [p.where for p in bad.value.worded(FLAGS).problems] == [
        "--avoid-country",
        "--vot-usd-per-teu-h",
    ]
    assert [p.where for p in bad.value.worded(PARAMETERS).problems] == [
        "avoid_country",
        "vot_usd_per_teu_h",
    ]


def test_no_route_names_the_settings_that_cut_it_in_each_doors_words(
    mini_graph: tripp.Graph,
) -> None:
    with pytest.raises(NoRouteError) as caught:
        tripp.route(mini_graph, "a", "e", year=2030, avoid_countries=["IR", "GE"])
    error = caught.value
    assert error.cuts == (("avoid_countries", ("IR", "GE")),) and error.later_year is None
    tail = "cuts every route (one exists without it)"
    assert str(error) == f"no route from a to e in 2030: avoid_countries=('IR', 'GE') {tail}"
    assert error.worded(FLAGS) == f"no route from a to e in 2030: --avoid-country IR,GE {tail}"
    assert error.worded(PARAMETERS) == f"no route from a to e in 2030: avoid_country=IR,GE {tail}"
    with pytest.raises(NoRouteError) as later:
        tripp.route(mini_graph, "a", "e", year=2028, modes=["rail"])
    assert later.value.later_year == 2029
    assert later.value.worded(FLAGS).endswith("open in 2029 (try --year 2029)")
    assert later.value.worded(PARAMETERS).endswith("open in 2029 (try year=2029)")


def test_the_rest_api_never_quotes_a_command_line_option() -> None:
    queries = [
        {"origin": "Baku", "destination": "Nakhchivan", "avoid_country": "AZ"},
        {"origin": "Baku", "destination": "Kars", "avoid_node": "Baku", "modes": "rail,boat"},
        {"origin": "Baku", "destination": "Tbilisi", "modes": "sea"},
        {"origin": "Baku", "destination": "Kars", "avoid_country": "AZ,GE,TR", "via": "Poti"},
    ]
    with TestClient(tripp_app()) as client:
        for query in queries:
            response = client.get("/api/route", params=query)
            assert response.status_code in {404, 422} and "--" not in response.text
    contradiction = client.get("/api/route", params=queries[0]).json()["problems"]
    assert contradiction[0]["fix"] == "remove AZ from avoid_country"


def test_the_errors_survive_pickling(mini_graph: tripp.Graph) -> None:
    with pytest.raises(NoRouteError) as no_route:
        tripp.route(mini_graph, "a", "e", year=2030, avoid_countries=["IR", "GE"])
    copy = pickle.loads(pickle.dumps(no_route.value))
    assert str(copy) == str(no_route.value) and copy.worded(FLAGS) == no_route.value.worded(FLAGS)
    with pytest.raises(InputError) as bad:
        RouteSettings(vot_usd_per_teu_h=-1)
    assert pickle.loads(pickle.dumps(bad.value)).problems == bad.value.problems
