"""Criticality of energy elements: close each pipeline or power line, re-solve the gas and
power flows (PyPSA, :mod:`tripp.energy_model`), rank by the demand left unmet.

Ranking: first by the increase in the cost of the closure (USD/year): domestic demand left
unmet at the value of lost load plus exports left undelivered at their netback (so gas and
power, consumers and exporters compare on one scale), then by the unmet gas (mcm/year) and
power (GWh/year) it adds. Each impact also gives the domestic and the export parts apart.
Fibre carries no energy and is not ranked. The model is built once and re-solved with each
link held at zero; a closure whose solve is not optimal stops the ranking with an error
naming the link — a failed solve is never read as "no harm".
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from tripp.atlas.model import Atlas, is_available
from tripp.errors import FieldProblem, InputError
from tripp.scenarios.network import ScenarioNetwork

if TYPE_CHECKING:
    import pandas as pd

ENERGY_LINK_MODES = ("gas_pipeline", "oil_pipeline", "power_line")


@dataclass(frozen=True, slots=True)
class EnergyImpact:
    """What closing one energy link does to supply."""

    element_id: str
    mode: str
    delta_unmet_gas_mcm_per_year: float
    delta_unmet_power_gwh_per_year: float
    delta_cost_usd_per_year: float
    delta_unmet_domestic_gas_mcm_per_year: float
    delta_unmet_domestic_power_gwh_per_year: float
    delta_system_cost_usd_per_year: float  # supply, transport, domestic lost load
    delta_unserved_export_usd_per_year: float  # export revenue lost at the netback
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

    def to_json(self, top: int | None = None, *, indent: int | None = 2) -> str:
        """:meth:`to_dict` as JSON text."""
        return json.dumps(self.to_dict(top), indent=indent, ensure_ascii=False)

    def to_frame(self, top: int | None = None) -> pd.DataFrame:
        """The ranking, one row per closed link: the columns of :class:`EnergyImpact`
        (``regions_cut`` joined by ``;``), most harmful first."""
        import pandas as pd

        rows = [{**i.to_dict(), "regions_cut": ";".join(i.regions_cut)} for i in self.impacts]
        return pd.DataFrame(rows[:top], columns=list(EnergyImpact.__slots__))


def _unmet(result: Any) -> dict[tuple[str, str], float]:
    return {(d["node_id"], d["carrier"]): float(d["unmet"]) for d in result.demands}


def energy_criticality(
    network: ScenarioNetwork,
    *,
    year: int | None = None,
    progress: Callable[[int, int], None] | None = None,
    settings: Any = None,
) -> EnergyCriticality:
    """Close each pipeline and power line of the scenario that exists in ``year`` (default:
    the scenario's) and rank the closures by the gas (mcm/year) and power (GWh/year) demand
    they leave unmet and the system cost (USD/year) they add: ``tripp criticality
    --elements energy``. See :func:`rank_energy_links`.

    >>> import tripp
    >>> network = tripp.scenario(tripp.load_atlas(), "nakhchivan-islanded")
    >>> ranking = tripp.energy_criticality(network)
    >>> ranking.year == network.year, ranking.impacts[0].mode
    (True, 'gas_pipeline')
    """
    return rank_energy_links(
        network.atlas,
        scenario=network.applied().name,
        year=network.year if year is None else year,
        progress=progress,
        settings=settings,
    )


def rank_energy_links(
    atlas: Atlas,
    *,
    scenario: str,
    year: int,
    progress: Callable[[int, int], None] | None = None,
    settings: Any = None,
) -> EnergyCriticality:
    """Close each energy link of ``atlas`` that exists in ``year`` and rank the closures."""
    from tripp.energy_model.api import solve_energy, solve_energy_closures

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
    closures = solve_energy_closures(
        atlas,
        year=year,
        link_ids=[atlas.links[i].link_id for i in links],
        scenario=scenario,
        settings=settings,
    )
    for done, (link_id, after) in enumerate(closures, start=1):
        unmet = _unmet(after)
        grew = {key: unmet.get(key, 0.0) - before.get(key, 0.0) for key in unmet}
        link = atlas.link_by_id[link_id]
        domestic_after, domestic_before = after.shortfall("demand"), base.shortfall("demand")
        impacts.append(
            EnergyImpact(
                f"link:{link_id}",
                link.mode,
                sum(v for (_, carrier), v in grew.items() if carrier == "gas"),
                sum(v for (_, carrier), v in grew.items() if carrier == "power"),
                after.total_cost_usd - base.total_cost_usd,
                domestic_after["gas_mcm_per_year"] - domestic_before["gas_mcm_per_year"],
                domestic_after["power_gwh_per_year"] - domestic_before["power_gwh_per_year"],
                after.system_cost_usd - base.system_cost_usd,
                after.cost_usd["unserved_export"] - base.cost_usd["unserved_export"],
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
