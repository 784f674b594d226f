"""Criticality of energy elements: close each pipeline or power line, re-solve the gas and
power flows (PyPSA, :mod:`tripp.energy_model`), rank by the demand left unmet.

Ranking: first by the increase in unmet demand priced at the value of lost load (USD/year,
so gas and power compare on one scale), then by the unmet gas (mcm/year) and power
(GWh/year) it adds. Fibre carries no energy and is not ranked. Solves run one after the
other in this process (each is a linear programme of about a second on the atlas).
"""

from __future__ import annotations

import dataclasses
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
