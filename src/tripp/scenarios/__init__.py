"""Scenarios: TOML overlays that open, close and change parts of the atlas."""

from tripp.scenarios.apply import apply_scenario
from tripp.scenarios.io import list_scenarios, load_scenario, resolve_scenario_file
from tripp.scenarios.model import DemandRule, Scenario, SetRule

__all__ = [
    "DemandRule",
    "Scenario",
    "SetRule",
    "apply_scenario",
    "list_scenarios",
    "load_scenario",
    "resolve_scenario_file",
]
