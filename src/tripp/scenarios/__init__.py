"""Scenarios: TOML overlays of the atlas, the ScenarioNetwork they compile to, and their comparison.

Load and apply (:mod:`~tripp.scenarios.io`, :mod:`~tripp.scenarios.apply`), compile with its year
(:mod:`~tripp.scenarios.network`), then compare, exposure and energy on it."""

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
