"""Criticality of energy elements: close each pipeline or power line, re-solve the gas and
power flows (PyPSA, :mod:`tripp.energy_model`), rank by the demand left unmet.

Ranking: first by the increase in unmet demand priced at the value of lost load (USD/year,
so gas and power compare on one scale), then by the unmet gas (mcm/year) and power
(GWh/year) it adds. Fibre carries no energy and is not ranked. Solves run one after the
other in this process (each is a linear programme of about a second on the atlas).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from tripp.atlas.model import Atlas, is_available
from tripp.errors import FieldProblem, InputError

ENERGY_LINK_MODES = ("gas_pipeline", "oil_pipeline", "power_line")


@dataclass(frozen=True, slots=True)
class EnergyImpact:
    """What closing one energy link does to supply."""

    element_id: str
    mode: str
    delta_unmet_gas_mcm_per_year: float
    delta_unmet_power_gwh_per_year: float
    delta_cost_usd_per_year: float
    regions_cut: tuple[str, ...]  # demand nodes whose unmet demand grows

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready mapping."""
        return {
            name: list(v)
            if isinstance(v := getattr(self, name), tuple)
            else (round(v, 3) if isinstance(v, float) else v)
            for name in self.__slots__
        }


@dataclass(frozen=True)
class EnergyCriticality:
    """Energy links ranked by the demand their closure leaves unmet."""

    scenario: str
    year: int
    impacts: tuple[EnergyImpact, ...]

    def to_dict(self, top: int | None = None) -> dict[str, Any]:
        """JSON-ready mapping of the ranking."""
        return {
            "scenario": self.scenario,
            "year": self.year,
            "elements": "energy",
            "ranking": [i.to_dict() for i in self.impacts[:top]],
        }


def _unmet(result: Any) -> dict[tuple[str, str], float]:
    return {(d["node_id"], d["carrier"]): float(d["unmet"]) for d in result.demands}


def energy_criticality(
    atlas: Atlas,
    *,
    scenario: str,
    year: int,
    progress: Callable[[int, int], None] | None = None,
    settings: Any = None,
) -> EnergyCriticality:
    """Close each energy link that exists in ``year`` and rank the closures."""
    from tripp.energy_model import solve_energy

    if not atlas.energy:
        raise InputError(
            FieldProblem(
                "elements",
                "the atlas has no energy rows",
                "add energy.csv rows or rank freight elements",
            )
        )
    links = [
        i
        for i, link in enumerate(atlas.links)
        if link.mode in ENERGY_LINK_MODES and is_available(link.status, link.open_year, year)
    ]
    base = solve_energy(atlas, year=year, scenario=scenario, settings=settings)
    before = _unmet(base)
    impacts = []
    for done, index in enumerate(links, start=1):
        closed = list(atlas.links)
        closed[index] = dataclasses.replace(closed[index], status="closed")
        after = solve_energy(
            dataclasses.replace(atlas, links=tuple(closed)),
            year=year,
            scenario=scenario,
            settings=settings,
        )
        unmet = _unmet(after)
        grew = {key: unmet.get(key, 0.0) - before.get(key, 0.0) for key in unmet}
        link = atlas.links[index]
        impacts.append(
            EnergyImpact(
                f"link:{link.link_id}",
                link.mode,
                sum(v for (_, carrier), v in grew.items() if carrier == "gas"),
                sum(v for (_, carrier), v in grew.items() if carrier == "power"),
                after.total_cost_usd - base.total_cost_usd,
                tuple(sorted(node for (node, _), v in grew.items() if v > 1e-6)),
            )
        )
        if progress is not None:
            progress(done, len(links))
    impacts.sort(
        key=lambda i: (
            -i.delta_cost_usd_per_year,
            -i.delta_unmet_gas_mcm_per_year,
            -i.delta_unmet_power_gwh_per_year,
            i.element_id,
        )
    )
    return EnergyCriticality(scenario, year, tuple(impacts))
