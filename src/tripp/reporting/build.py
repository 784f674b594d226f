"""The data a report shows: comparisons, the chosen routes with their legs, and provenance.

:func:`collect` does all the routing once; the charts, maps, layers, tables and the HTML
page are drawn from the :class:`ReportData` it returns and never route again.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from tripp.atlas.describe import describe_atlas
from tripp.atlas.model import Atlas, Source
from tripp.errors import InputError, NoRouteError, Problem
from tripp.routing.result import Route
from tripp.routing.route import route
from tripp.scenarios.compare import DEFAULT_PAIRS, Comparison, compare
from tripp.scenarios.network import ScenarioNetwork

if TYPE_CHECKING:
    from tripp.appraisal.settings import AppraisalSettings
    from tripp.reporting.appraisal_section import AppraisalOutcome

Pair = tuple[str, str]


@dataclass(frozen=True)
class ScenarioRoutes:
    """A scenario network and its best route for each O-D pair (``None``: no route)."""

    network: ScenarioNetwork
    routes: dict[Pair, Route | None]

    @property
    def name(self) -> str:
        """The scenario's name."""
        return self.network.applied().name


@dataclass(frozen=True)
class ReportData:
    """Everything a report shows, computed once."""

    base: ScenarioRoutes
    others: tuple[ScenarioRoutes, ...]
    comparisons: tuple[Comparison, ...]
    pairs: tuple[Pair, ...]
    objective: str
    #: Per compared scenario, its appraisal against the base (None: not appraised).
    appraisals: tuple[AppraisalOutcome | None, ...] = ()

    @property
    def scenarios(self) -> tuple[ScenarioRoutes, ...]:
        """The base scenario first, then the others."""
        return (self.base, *self.others)


def collect(
    base: ScenarioNetwork,
    others: list[ScenarioNetwork],
    *,
    pairs: list[Pair] | None,
    objective: str,
    appraise: bool | None = None,
    appraisal_settings: AppraisalSettings | None = None,
) -> ReportData:
    """Compare ``base`` with each of ``others``, route every pair under every scenario and
    appraise the others against the base (``appraise``: see
    :mod:`tripp.reporting.appraisal_section`; by default when there is one other).

    Raises :class:`~tripp.errors.InputError` when ``others`` is empty, and whatever
    :func:`~tripp.routing.route.route` raises for an unknown place or objective (and, with
    ``appraise=True``, what the appraisal raises).
    """
    from tripp.reporting.appraisal_section import appraise_others

    if not others:
        raise InputError(
            Problem("others", "no scenario to compare with the base", "give at least one")
        )
    chosen = tuple(pairs or DEFAULT_PAIRS)
    comparisons = tuple(
        compare(base, other, pairs=list(chosen), objective=objective) for other in others
    )
    return ReportData(
        base=_routes(base, chosen, objective),
        others=tuple(_routes(other, chosen, objective) for other in others),
        comparisons=comparisons,
        pairs=chosen,
        objective=objective,
        appraisals=appraise_others(base, others, appraise=appraise, settings=appraisal_settings),
    )


def _routes(network: ScenarioNetwork, pairs: tuple[Pair, ...], objective: str) -> ScenarioRoutes:
    found: dict[Pair, Route | None] = {}
    for origin, destination in pairs:
        try:
            found[(origin, destination)] = route(
                network.graph,
                origin,
                destination,
                year=network.year,
                objective=objective,
            ).routes[0]
        except NoRouteError:
            found[(origin, destination)] = None
    return ScenarioRoutes(network, found)


def scenario_context(network: ScenarioNetwork) -> dict[str, Any]:
    """A scenario's definition, ready for the template; its sources are listed by id."""
    scenario = network.applied()
    known = {source.source_id for source in network.atlas.sources}
    return {
        "name": scenario.name,
        "description": scenario.description,
        "year": scenario.year,
        "lineage": " → ".join(scenario.lineage) or scenario.name,
        "open": list(scenario.open),
        "close": list(scenario.close),
        "set": [_set_text(r.target, r.field, r.value, r.factor) for r in scenario.set],
        "demand": [
            f"{r.origin} → {r.destination} ({r.commodity}) × {r.factor:g}" for r in scenario.demand
        ],
        "sources": [s for s in scenario.source_ids if s in known],
        "missing_sources": [s for s in scenario.source_ids if s not in known],
    }


def _set_text(target: str, field: str, value: float | None, factor: float | None) -> str:
    if value is not None:
        return f"{target}: {field} = {value:g}"
    return f"{target}: {field} × {factor:g}"


def sources_context(networks: Sequence[ScenarioNetwork]) -> list[dict[str, Any]]:
    """Every atlas source a scenario cites, once, in order of first citation, with citers."""
    cited: dict[str, tuple[Source, list[str]]] = {}
    for network in networks:
        by_id = {source.source_id: source for source in network.atlas.sources}
        for source_id in network.applied().source_ids:
            if source_id in by_id:
                cited.setdefault(source_id, (by_id[source_id], []))[1].append(
                    network.applied().name
                )
    return [
        {
            "id": source.source_id,
            "title": source.title,
            "publisher": source.publisher,
            "url": source.url,
            "year": source.year,
            "confidence": source.confidence,
            "cited_by": names,
        }
        for source, names in cited.values()
    ]


def provenance_context(atlas: Atlas) -> dict[str, Any]:
    """Atlas name, row and source counts, and the share of figures flagged as estimated."""
    described = describe_atlas(atlas)
    overall = described["estimated"]["overall"]
    return {
        "atlas": atlas.name,
        "as_of_year": atlas.as_of_year,
        "sources": len(atlas.sources),
        "rows": overall["rows"],
        "estimated_rows": overall["estimated"],
        "estimated_share": overall["share"],
        "by_table": {
            table: share for table, share in described["estimated"].items() if table != "overall"
        },
    }


def route_label(atlas: Atlas, pair: Pair) -> str:
    """``Origin → Destination`` with the atlas's names where the ids are known."""
    nodes = atlas.node_by_id
    return " → ".join(nodes[p].name if p in nodes else p for p in pair)
