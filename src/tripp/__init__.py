"""tripp: an open model of the TRIPP corridor and the freight and energy routes around it.

Every command of the ``tripp`` command line is a function here, with the data object first
and options by keyword; results convert with ``to_dict()``, ``to_json()`` and
``to_frame()``. Heavy modules load on first use, so ``import tripp`` stays fast and has no
side effects. A walk-through is in ``docs/python.md``.

===================  =================================================================
command              function
===================  =================================================================
route                :func:`route` on a :func:`compile` d atlas
nodes, links         :func:`nodes`, :func:`links`
validate             :func:`validate`
atlas check          :func:`check_atlas`
atlas describe       :func:`describe_atlas`
atlas map            :func:`draw_atlas_map`
atlas dictionary     :func:`data_dictionary`
scenario list        :func:`list_scenarios`
scenario show        :func:`load_scenario` (and :func:`scenario`: applied and compiled)
compare, exposure    :func:`compare`, :func:`exposure`
report               :func:`report`
assign               :func:`assign` (corridor demand) and :func:`assign_tntp` (TNTP files)
bottlenecks          :func:`bottlenecks`
flows, flows check   :func:`flows`, :func:`check_flows`
flows fit, shift     :func:`fit_flows`, :func:`flow_shift`
energy               :func:`energy` (:func:`energy_security` for ``--security``)
criticality          :func:`criticality` (:func:`energy_criticality` for ``--elements energy``)
reliability          :func:`reliability`
appraise             :func:`appraise`
===================  =================================================================

>>> import tripp
>>> graph = tripp.compile(tripp.load_atlas())
>>> tripp.route(graph, "Baku", "Tbilisi", modes=["rail"]).routes[0].countries
('AZ', 'GE')
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

from tripp.version import __version__ as __version__

_EXPORTS = {
    # model
    "load_atlas": "tripp.atlas.io",
    "validate": "tripp.atlas.io",
    "Atlas": "tripp.atlas.model",
    "nodes": "tripp.atlas.listing:filter_nodes",
    "links": "tripp.atlas.listing:filter_links",
    "describe_atlas": "tripp.atlas.describe",
    "data_dictionary": "tripp.atlas.schema",
    # engine
    "compile": "tripp.graph.compile:compile_graph",
    "Graph": "tripp.graph.compile",
    "Kernel": "tripp.graph.paths",
    "route": "tripp.routing.route",
    "route_request": "tripp.routing.route",
    "RouteRequest": "tripp.routing.request",
    "Objective": "tripp.routing.request",
    "RouteSettings": "tripp.routing.request",
    "RouteResult": "tripp.routing.result",
    "Route": "tripp.routing.result",
    "check_atlas": "tripp.routing.plausibility",
    "AtlasCheck": "tripp.routing.plausibility",
    # analyses
    "list_scenarios": "tripp.scenarios.io",
    "load_scenario": "tripp.scenarios.io",
    "Scenario": "tripp.scenarios.model",
    "scenario": "tripp.scenarios.network:scenario_network",
    "ScenarioNetwork": "tripp.scenarios.network",
    "compare": "tripp.scenarios.compare",
    "Comparison": "tripp.scenarios.compare",
    "exposure": "tripp.scenarios.exposure",
    "Exposure": "tripp.scenarios.exposure",
    "energy": "tripp.scenarios.energy",
    "EnergyResult": "tripp.energy_model.result",
    "energy_security": "tripp.scenarios.energy",
    "SecurityReport": "tripp.energy_model.security_report",
    "assign": "tripp.freight.scenario",
    "bottlenecks": "tripp.freight.scenario",
    "CorridorAssignment": "tripp.freight.corridor",
    "flows": "tripp.freight.flows",
    "Flows": "tripp.freight.flows",
    "check_flows": "tripp.freight.counts",
    "FlowCheck": "tripp.freight.counts",
    "fit_flows": "tripp.freight.calibrate",
    "flow_shift": "tripp.freight.shift",
    "Shift": "tripp.freight.shift",
    "assign_tntp": "tripp.assignment.equilibrium",
    "AssignmentResult": "tripp.assignment.result",
    "criticality": "tripp.resilience.criticality",
    "CriticalityResult": "tripp.resilience.criticality",
    "energy_criticality": "tripp.resilience.energy_criticality",
    "EnergyCriticality": "tripp.resilience.energy_criticality",
    "reliability": "tripp.resilience.reliability",
    "ReliabilityResult": "tripp.resilience.reliability",
    "appraise": "tripp.appraisal.run",
    "AppraisalResult": "tripp.appraisal.result",
    "AppraisalSettings": "tripp.appraisal.settings",
    # interfaces
    "import_osm": "tripp.importers.osm",
    "report": "tripp.reporting.write:write_report",
    "draw_atlas_map": "tripp.reporting.atlas_map",
    # errors
    "TrippError": "tripp.errors",
    "InputError": "tripp.errors",
    "NoRouteError": "tripp.errors",
    "ConvergenceError": "tripp.errors",
}

__all__ = [
    "AppraisalResult",
    "AppraisalSettings",
    "AssignmentResult",
    "Atlas",
    "AtlasCheck",
    "Comparison",
    "ConvergenceError",
    "CorridorAssignment",
    "CriticalityResult",
    "EnergyCriticality",
    "EnergyResult",
    "Exposure",
    "FlowCheck",
    "Flows",
    "Graph",
    "InputError",
    "Kernel",
    "NoRouteError",
    "Objective",
    "ReliabilityResult",
    "Route",
    "RouteRequest",
    "RouteResult",
    "RouteSettings",
    "Scenario",
    "ScenarioNetwork",
    "SecurityReport",
    "Shift",
    "TrippError",
    "appraise",
    "assign",
    "assign_tntp",
    "bottlenecks",
    "check_atlas",
    "check_flows",
    "compare",
    "compile",
    "criticality",
    "data_dictionary",
    "describe_atlas",
    "draw_atlas_map",
    "energy",
    "energy_criticality",
    "energy_security",
    "exposure",
    "fit_flows",
    "flow_shift",
    "flows",
    "import_osm",
    "links",
    "list_scenarios",
    "load_atlas",
    "load_scenario",
    "nodes",
    "reliability",
    "report",
    "route",
    "route_request",
    "scenario",
    "validate",
]

if TYPE_CHECKING:
    from tripp.appraisal.result import AppraisalResult
    from tripp.appraisal.run import appraise
    from tripp.appraisal.settings import AppraisalSettings
    from tripp.assignment.equilibrium import assign_tntp
    from tripp.assignment.result import AssignmentResult
    from tripp.atlas.describe import describe_atlas
    from tripp.atlas.io import load_atlas, validate
    from tripp.atlas.listing import filter_links as links
    from tripp.atlas.listing import filter_nodes as nodes
    from tripp.atlas.model import Atlas
    from tripp.atlas.schema import data_dictionary
    from tripp.energy_model.result import EnergyResult
    from tripp.energy_model.security_report import SecurityReport
    from tripp.errors import ConvergenceError, InputError, NoRouteError, TrippError
    from tripp.freight.calibrate import fit_flows
    from tripp.freight.corridor import CorridorAssignment
    from tripp.freight.counts import FlowCheck, check_flows
    from tripp.freight.flows import Flows, flows
    from tripp.freight.scenario import assign, bottlenecks
    from tripp.freight.shift import Shift, flow_shift
    from tripp.graph.compile import Graph
    from tripp.graph.compile import compile_graph as compile
    from tripp.graph.paths import Kernel
    from tripp.importers.osm import import_osm
    from tripp.reporting.atlas_map import draw_atlas_map
    from tripp.reporting.write import write_report as report
    from tripp.resilience.criticality import CriticalityResult, criticality
    from tripp.resilience.energy_criticality import EnergyCriticality, energy_criticality
    from tripp.resilience.reliability import ReliabilityResult, reliability
    from tripp.routing.plausibility import AtlasCheck, check_atlas
    from tripp.routing.request import Objective, RouteRequest, RouteSettings
    from tripp.routing.result import Route, RouteResult
    from tripp.routing.route import route, route_request
    from tripp.scenarios.compare import Comparison, compare
    from tripp.scenarios.energy import energy, energy_security
    from tripp.scenarios.exposure import Exposure, exposure
    from tripp.scenarios.io import list_scenarios, load_scenario
    from tripp.scenarios.model import Scenario
    from tripp.scenarios.network import ScenarioNetwork
    from tripp.scenarios.network import scenario_network as scenario


def __getattr__(name: str) -> Any:
    target = _EXPORTS.get(name)
    if target is None:
        raise AttributeError(f"module 'tripp' has no attribute {name!r}")
    module_name, _, attribute = target.partition(":")
    return getattr(import_module(module_name), attribute or name)


def __dir__() -> list[str]:
    return sorted([*globals(), *__all__])
