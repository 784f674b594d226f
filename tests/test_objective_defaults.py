"""Issue 17: one objective default (time) at every door, no placeholder value of time, and
closures that can never help under the objective the routes minimise."""

from __future__ import annotations

import dataclasses
import inspect
import warnings
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
from typer.testing import CliRunner

import tripp
from tripp.atlas.model import CargoType
from tripp.atlas.reliability import load_params
from tripp.cli.main import app
from tripp.errors import InputError
from tripp.resilience.kernel import build_kernel
from tripp.routing.objective import DEFAULT_OBJECTIVE, Objective
from tripp.routing.request import RouteRequest, RouteSettings, atlas_vot
from tripp.scenarios.network import scenario_network

with warnings.catch_warnings():  # starlette's note that it prefers httpx2
    warnings.simplefilter("ignore", DeprecationWarning)
    from fastapi.testclient import TestClient

COMMANDS = ("route", "compare", "exposure", "criticality", "reliability")


def _callback(name: str) -> Callable[..., Any]:
    for command in app.registered_commands:
        if command.name == name or (command.name is None and command.callback.__name__ == name):
            assert command.callback is not None
            return command.callback
    raise AssertionError(f"no command {name}")


def _default(function: Callable[..., Any], name: str = "objective") -> Any:
    return inspect.signature(function).parameters[name].default


def test_the_default_is_time() -> None:
    assert DEFAULT_OBJECTIVE is Objective.TIME


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_defaults_to_the_same_objective(command: str) -> None:
    default = _default(_callback(command))
    if command == "reliability":  # None: the sweep's options fill it in (or its manifest)
        from tripp.cli.resilience import SWEEP_DEFAULTS

        assert default is None
        default = SWEEP_DEFAULTS["objective"]
    assert default == DEFAULT_OBJECTIVE.value


@pytest.mark.parametrize("verb", ["route", "compare", "exposure", "criticality", "reliability"])
def test_every_python_verb_defaults_to_the_same_objective(verb: str) -> None:
    assert str(_default(getattr(tripp, verb))) == DEFAULT_OBJECTIVE.value


def test_route_choice_takes_no_objective_and_says_so() -> None:
    # bottlenecks and flows split freight by route choice on each cargo type's generalised
    # cost: an objective would be silently ignored, so it is refused
    assert "objective" not in inspect.signature(tripp.bottlenecks).parameters
    assert _default(tripp.assign) is None
    network = tripp.scenario(tripp.load_atlas(), "baseline-2025")
    with pytest.raises(InputError, match="applies to the equilibrium algorithms only"):
        tripp.assign(network, objective="time")
    result = CliRunner().invoke(app, ["bottlenecks", "baseline-2025", "--objective", "time"])
    assert result.exit_code == 2 and "equilibrium algorithms only" in result.stderr


def test_the_request_and_the_sweep_kernel_default_to_it_too() -> None:
    assert _default(RouteRequest.check) == DEFAULT_OBJECTIVE
    assert _default(build_kernel) == DEFAULT_OBJECTIVE
    fields = {f.name: f.default for f in dataclasses.fields(RouteRequest)}
    assert fields["objective"] == DEFAULT_OBJECTIVE


def test_the_rest_api_and_its_jobs_default_to_it() -> None:
    from tripp.api import create_app

    with TestClient(create_app()) as client:
        schema = client.get("/api/openapi.json").json()
    defaults = {}
    for path in ("/api/route", "/api/compare", "/api/exposure"):
        parameters = schema["paths"][path]["get"]["parameters"]
        defaults[path] = next(p for p in parameters if p["name"] == "objective")["schema"]
    assert {path: d.get("default") for path, d in defaults.items()} == dict.fromkeys(
        defaults, "time"
    )
    jobs = {
        name: model["properties"]["objective"]["default"]
        for name, model in schema["components"]["schemas"].items()
        if name.endswith("Job") and "objective" in model["properties"]
    }
    assert set(jobs) == {"CompareJob", "ExposureJob", "ReliabilityJob", "CriticalityJob"}
    assert set(jobs.values()) == {"time"}


def test_no_placeholder_value_of_time(mini_graph: tripp.Graph) -> None:
    assert RouteSettings().vot_usd_per_teu_h is None
    assert _default(_callback("route"), "vot_usd_per_teu_h") is None
    # the mini atlas has no cargo_types table: generalised cost needs a figure given
    with pytest.raises(InputError, match="vot_usd_per_teu_h: the atlas gives no value of time"):
        tripp.route(mini_graph, "a", "e", objective="generalized")
    with pytest.raises(InputError, match="no value of time for cargo type 'container'"):
        atlas_vot(mini_graph.atlas)
    # other objectives route, without a generalised cost to show
    assert tripp.route(mini_graph, "a", "e").routes[0].generalized_cost_usd is None
    given = tripp.route(mini_graph, "a", "e", settings=RouteSettings(vot_usd_per_teu_h=2.0))
    route = given.routes[0]
    assert route.generalized_cost_usd == pytest.approx(route.cost_usd + 2.0 * route.time_h)


def test_atlas_vot_reads_the_cargo_type_row(mini_atlas: tripp.Atlas) -> None:
    rows = (
        CargoType(cargo_type="dry_bulk", unit="t", t_per_unit=1.0, vot_usd_per_unit_h=0.1),
        CargoType(cargo_type="container", unit="TEU", t_per_unit=10.0, vot_usd_per_unit_h=2.5),
    )
    atlas = dataclasses.replace(mini_atlas, cargo_types=rows)
    assert atlas_vot(atlas) == 2.5
    assert atlas_vot(atlas, "dry_bulk") == 0.1
    without = dataclasses.replace(mini_atlas, cargo_types=())  # the implicit container
    with pytest.raises(InputError, match="no value of time"):
        atlas_vot(without)


@pytest.mark.parametrize("elements", ["links", "countries"])
def test_closing_an_element_never_helps_under_the_objective(elements: str) -> None:
    network = scenario_network(tripp.load_atlas(), "baseline-2025")
    result = tripp.criticality(network, elements=elements, top=1000, workers=1)
    assert result.spec["objective"] == "time"
    assert result.spec["objective_unit"] == "TEU-h/year"
    assert len(result.impacts) == result.closed > 10
    for impact in result.impacts:
        assert impact.delta_objective_per_year >= -1e-6, impact.element_id
        assert impact.delta_time_h_mean is None or impact.delta_time_h_mean >= -1e-9
    ordered = [(-i.unmet_t_per_year, -i.delta_objective_per_year) for i in result.impacts]
    assert ordered == sorted(ordered)


def test_reliability_without_variability_gives_the_route_times() -> None:
    network = scenario_network(tripp.load_atlas(), "baseline-2025")
    shipped = load_params(None, network.atlas)
    still = dataclasses.replace(
        shipped,
        link_closed_share=np.zeros_like(shipped.link_closed_share),
        crossing_closed_share=np.zeros_like(shipped.crossing_closed_share),
        dwell_sigma=np.zeros_like(shipped.dwell_sigma),
    )
    result = tripp.reliability(network, samples=8, seed=3, params=still, workers=1)
    assert result.spec["objective"] == "time"
    checked = 0
    for od in result.ods:
        if od["undisturbed_time_h"] is None:
            continue
        best = tripp.route(
            network.graph, od["origin"], od["destination"], year=network.year
        ).routes[0]
        assert od["time_h"]["p50"] == pytest.approx(best.time_h, abs=1e-9)
        assert od["time_h"]["p90"] == pytest.approx(best.time_h, abs=1e-9)
        assert od["cost_usd_per_teu"]["p50"] == pytest.approx(best.cost_usd, abs=1e-6)
        checked += 1
    assert checked >= 5
