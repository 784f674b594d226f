"""The Python API: every command-line verb is a function in ``tripp``; results convert to
JSON and frames; ``import tripp`` stays light."""

from __future__ import annotations

import doctest
import importlib
import json
import pkgutil
import subprocess
import sys
import types
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import typer

import tripp
from tests.conftest import MINI
from tripp.cli.main import app
from tripp.errors import InputError

#: Every command of the command line → the ``tripp`` functions that do its work.
COMMAND_VERBS: dict[str, tuple[str, ...]] = {
    "flows show": ("flows",),
    "flows check": ("check_flows",),
    "flows fit": ("fit_flows",),
    "flows shift": ("flow_shift",),
    "route": ("route", "compile"),
    "nodes": ("nodes",),
    "links": ("links",),
    "validate": ("validate",),
    "atlas check": ("check_atlas",),
    "atlas map": ("draw_atlas_map",),
    "atlas describe": ("describe_atlas",),
    "atlas dictionary": ("data_dictionary",),
    "scenario list": ("list_scenarios",),
    "scenario show": ("load_scenario",),
    "scenario validate": ("load_scenario",),
    "compare": ("compare", "scenario"),
    "exposure": ("exposure",),
    "report": ("report",),
    "demo": ("compare", "report"),
    "assign": ("assign", "assign_tntp"),
    "bottlenecks": ("bottlenecks",),
    "energy": ("energy",),
    "criticality": ("criticality", "energy_criticality"),
    "reliability": ("reliability",),
    "appraise": ("appraise",),
    "import osm": ("import_osm",),
}
#: Commands that are not computations: they start a program rather than return a result.
NOT_VERBS = {"serve": "runs the REST API and web page until stopped"}


def _commands(group: Any, prefix: str = "") -> Iterator[str]:
    for name, command in group.commands.items():
        if hasattr(command, "commands"):
            yield from _commands(command, f"{prefix}{name} ")
        else:
            yield f"{prefix}{name}"


def _import_every_module() -> None:
    """Import all of tripp, so that a subpackage bound on ``tripp`` would shadow a verb."""
    for module in pkgutil.walk_packages(tripp.__path__, "tripp."):
        if not module.name.startswith(("tripp.api", "tripp.cli.serve")):
            importlib.import_module(module.name)


def test_every_public_name_resolves_to_a_function_or_class_even_after_importing_all() -> None:
    _import_every_module()
    for name in tripp.__all__:
        value = getattr(tripp, name)
        assert not isinstance(value, types.ModuleType), f"tripp.{name} is shadowed by a module"
        assert callable(value), name
    assert sorted(tripp.__all__) == sorted(tripp._EXPORTS)
    with pytest.raises(AttributeError, match="no attribute 'energy_flow'"):
        tripp.energy_flow  # noqa: B018


def test_every_command_has_a_python_function() -> None:
    commands = set(_commands(typer.main.get_command(app)))
    assert commands == set(COMMAND_VERBS) | set(NOT_VERBS)
    for verbs in COMMAND_VERBS.values():
        for verb in verbs:
            assert verb in tripp.__all__, verb


def _is_verb(name: str) -> bool:
    return name[0].islower() and isinstance(getattr(tripp, name), types.FunctionType)


VERBS = sorted(name for name in tripp.__all__ if _is_verb(name))


@pytest.mark.parametrize("name", VERBS)
def test_every_verb_documents_a_runnable_example(name: str) -> None:
    verb = getattr(tripp, name)
    assert verb.__doc__ and ">>>" in verb.__doc__, f"tripp.{name} has no example"
    finder = doctest.DocTestFinder(recurse=False)
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    module = sys.modules[verb.__module__]
    for test in finder.find(verb, name, module=module, globs=dict(vars(module))):
        runner.run(test)
    assert runner.summarize(verbose=False).failed == 0


def test_verbs_take_the_data_object_first_and_options_by_keyword() -> None:
    import inspect

    for name in VERBS:
        parameters = list(inspect.signature(getattr(tripp, name)).parameters.values())
        positional = [p for p in parameters if p.kind is p.POSITIONAL_OR_KEYWORD]
        assert len(positional) <= 3, f"tripp.{name}: options should be keyword-only"


def test_import_tripp_loads_no_heavy_library() -> None:
    code = (
        "import sys, tripp; heavy = [m for m in ('numpy', 'pandas', 'pypsa', 'dask', 'typer',"
        " 'rich', 'scipy', 'numba') if m in sys.modules]; print(heavy)"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


@pytest.fixture(scope="module")
def atlas() -> tripp.Atlas:
    return tripp.load_atlas()


@pytest.fixture(scope="module")
def networks(atlas: tripp.Atlas) -> tuple[tripp.ScenarioNetwork, tripp.ScenarioNetwork]:
    return tripp.scenario(atlas, "baseline-2025"), tripp.scenario(atlas, "tripp-2030")


Networks = tuple[tripp.ScenarioNetwork, tripp.ScenarioNetwork]
#: How to get each kind of result, and the columns its frame must have.
RESULTS: dict[str, tuple[Callable[[Networks], Any], list[str]]] = {
    "route": (
        lambda n: tripp.route(n[1].graph, "Baku", "Kars", alternatives=2),
        ["route", "leg", "kind", "from", "to", "time_h", "cost_usd"],
    ),
    "compare": (
        lambda n: tripp.compare(*n, pairs=[("Baku", "Nakhchivan"), ("Baku", "Kars")], energy=False),
        ["origin", "destination", "time_h_before", "time_h_after", "delta_time_h"],
    ),
    "exposure": (
        lambda n: tripp.exposure(n[1]),
        ["country", "transit_share_t", "transit_share_tkm"],
    ),
    "assign": (
        lambda n: tripp.assign(n[1]),
        ["kind", "element_id", "flow_t_per_year", "capacity_t_per_year", "v_c", "delay_h"],
    ),
    "energy": (
        lambda n: tripp.energy(n[0], carrier="power"),
        ["link_id", "carrier", "flow_forward", "flow_backward", "utilisation"],
    ),
    "criticality": (
        lambda n: tripp.criticality(n[1], elements="countries", top=3, workers=1),
        ["rank", "elements", "unmet_t_per_year", "delta_generalized_usd_per_year"],
    ),
    "reliability": (
        lambda n: tripp.reliability(n[1], samples=8, seed=3, workers=1),
        ["origin", "destination", "p_no_route", "time_h_p90", "cost_usd_per_teu_p50_se"],
    ),
    "appraise": (
        lambda n: tripp.appraise(n[1], against=n[0]),
        ["year", "capex_usd", "opex_usd", "benefits_usd", "net_usd"],
    ),
    "check_atlas": (
        lambda n: tripp.check_atlas(n[0].graph),
        ["check_id", "metric", "model", "low", "high", "within"],
    ),
}


@pytest.mark.parametrize("verb", sorted(RESULTS))
def test_results_round_trip_through_json_and_make_frames(verb: str, networks: Networks) -> None:
    make, columns = RESULTS[verb]
    result = make(networks)
    assert json.loads(result.to_json()) == result.to_dict()
    frame = result.to_frame()
    assert len(frame) > 0
    assert set(columns) <= set(frame.columns), set(columns) - set(frame.columns)


def test_comparison_frame_matches_its_pairs(networks: Networks) -> None:
    result = tripp.compare(*networks, pairs=[("Baku", "Nakhchivan")], energy=False)
    row = result.to_frame().iloc[0]
    pair = result.pairs[0]
    assert row["time_h_before"] == pair["before"]["time_h"]
    assert row["delta_time_h"] == pytest.approx(row["time_h_after"] - row["time_h_before"])


def test_corridor_frame_is_the_bottleneck_ranking(networks: Networks) -> None:
    result = tripp.bottlenecks(networks[1])
    frame = result.to_frame(5)
    assert list(frame["element_id"]) == [e.element_id for e in result.bottlenecks(5)]
    assert frame["v_c"].is_monotonic_decreasing
    assert json.loads(result.to_json(5)) == result.to_dict(5)


def test_assign_rejects_a_demand_year_without_demand(networks: Networks) -> None:
    with pytest.raises(InputError, match="no demand rows for '1999'") as error:
        tripp.assign(networks[0], demand_year=1999)
    assert "give one of the demand years" in error.value.problems[0].fix


def test_exposure_is_transit_exposure_on_the_scenario(networks: Networks) -> None:
    from tripp.scenarios.exposure import transit_exposure

    network = networks[1]
    direct = transit_exposure(network.graph, scenario="tripp-2030", year=2030, demand_year=2024)
    assert tripp.exposure(network, demand_year=2024).to_dict() == direct.to_dict()


def test_validate_lists_every_problem_of_a_broken_folder(atlas_copy: Callable[..., Any]) -> None:
    assert tripp.validate(MINI) == ()
    problems = tripp.validate(atlas_copy(nodes={",AZ,": ",ZZ,"}))
    assert problems and all(p.where.endswith(".csv") for p in problems)
    assert any(p.column == "country" for p in problems)


def test_assign_tntp_equals_assigning_the_loaded_files(tmp_path: Any) -> None:
    from tripp.assignment import AssignmentSpec, assign, load_tntp

    net, trips = tmp_path / "t_net.tntp", tmp_path / "t_trips.tntp"
    net.write_text(
        "<NUMBER OF ZONES> 2\n<NUMBER OF NODES> 2\n<FIRST THRU NODE> 1\n<NUMBER OF LINKS> 2\n"
        "<END OF METADATA>\n~ init term cap len fft b power speed toll type ;\n"
        "1 2 100 1 10 1 1 0 0 1 ;\n1 2 200 1 20 1 1 0 0 1 ;\n"
    )
    trips.write_text(
        "<NUMBER OF ZONES> 2\n<TOTAL OD FLOW> 200\n<END OF METADATA>\n"
        "Origin 1\n2 : 200;\nOrigin 2\n1 : 0;\n"
    )
    spec = AssignmentSpec("gp", 1e-10)
    result = tripp.assign_tntp(net, trips, spec=spec)
    assert [round(float(f), 6) for f in result.flow] == [150.0, 50.0]
    again = assign(*load_tntp(net, trips), spec)
    assert list(result.flow) == list(again.flow)
    assert json.loads(result.to_json())["link_flows"][0]["flow"] == pytest.approx(150.0)


def test_compare_says_its_demand_year_and_exposure_reproduces_its_before_shares(
    networks: Networks,
) -> None:
    result = tripp.compare(*networks, pairs=[("Baku", "Nakhchivan")], energy=False)
    data = result.to_dict()
    assert data["demand_year"] == 2030  # the other scenario's, on both sides
    same = tripp.exposure(networks[0], demand_year=data["demand_year"])
    shares = {c["country"]: c["transit_share_t"] for c in same.to_dict()["countries"]}
    for row in data["exposure_change"]:
        assert row["transit_share_t_before"] == pytest.approx(shares.get(row["country"], 0.0))
    with pytest.raises(InputError, match="no demand rows for '1999'"):
        tripp.exposure(networks[0], demand_year=1999)
