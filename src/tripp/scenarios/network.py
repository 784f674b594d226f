"""The atlas, with a scenario applied or as is, compiled: the one object that carries atlas,
graph and year to every analysis and interface."""

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
    """The atlas with ``scenario`` applied (None: the atlas as is) and its compiled graph."""

    scenario: Scenario | None
    atlas: Atlas
    graph: Graph

    @property
    def year(self) -> int:
        """The network's year, which every analysis uses by default: the scenario's, or the
        atlas's ``as_of_year`` without a scenario."""
        return self.atlas.as_of_year if self.scenario is None else self.scenario.year

    @property
    def name(self) -> str | None:
        """The scenario's name; None for the atlas as is."""
        return None if self.scenario is None else self.scenario.name

    @property
    def demand_year(self) -> int | None:
        """The demand year every analysis uses by default: the scenario's ``demand_year``,
        else the latest demand year not after the network's year (else the earliest)."""
        if self.scenario is not None and self.scenario.demand_year is not None:
            return self.scenario.demand_year
        years = self.atlas.demand_years
        if not years:
            return None
        earlier = [y for y in years if y <= self.year]
        return earlier[-1] if earlier else years[0]

    def applied(self) -> Scenario:
        """The scenario; an analysis that compares scenarios needs one."""
        if self.scenario is None:
            raise ValueError("this network is the atlas as is, without a scenario")
        return self.scenario


def scenario_network(base_atlas: Atlas, name_or_path: str | Path | None) -> ScenarioNetwork:
    """Load, apply and compile a scenario: ``tripp.scenario(atlas, name_or_path)``.

    ``name_or_path`` is a shipped scenario's name or a TOML file (None: ``base_atlas`` as it
    is); the result carries the scenario, its atlas, the compiled graph and the year every
    analysis uses by default.

    >>> import tripp
    >>> network = tripp.scenario(tripp.load_atlas(), "tripp-2030")
    >>> network.year, network.scenario.lineage
    (2030, ('baseline-2025', 'tripp-2030'))
    """
    if name_or_path is None:
        return ScenarioNetwork(None, base_atlas, compile_graph(base_atlas))
    scenario = load_scenario(name_or_path, base_atlas)
    atlas = apply_scenario(base_atlas, scenario)
    return ScenarioNetwork(scenario, atlas, compile_graph(atlas))
