"""A scenario applied to the atlas and compiled: the one object that carries atlas, graph and
year to every analysis."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from tripp.atlas.model import Atlas
from tripp.graph.compile import Graph, compile_graph
from tripp.scenarios.apply import apply_scenario
from tripp.scenarios.io import load_scenario
from tripp.scenarios.model import Scenario


@dataclass(frozen=True)
class ScenarioNetwork:
    """A scenario applied to the atlas and compiled: what routing under it needs."""

    scenario: Scenario
    atlas: Atlas
    graph: Graph

    @property
    def year(self) -> int:
        """The scenario's year: the network and demand every analysis uses by default."""
        return self.scenario.year


def scenario_network(base_atlas: Atlas, name_or_path: str | Path) -> ScenarioNetwork:
    """Load, apply and compile a scenario: ``tripp.scenario(atlas, name_or_path)``.

    ``name_or_path`` is a shipped scenario's name or a TOML file; the result carries the
    scenario, its atlas, the compiled graph and the year every analysis uses by default.

    >>> import tripp
    >>> network = tripp.scenario(tripp.load_atlas(), "tripp-2030")
    >>> network.year, network.scenario.lineage
    (2030, ('baseline-2025', 'tripp-2030'))
    """
    scenario = load_scenario(name_or_path, base_atlas)
    atlas = apply_scenario(base_atlas, scenario)
    return ScenarioNetwork(scenario, atlas, compile_graph(atlas))
