"""Gas security of supply from the atlas alone (no LP): the N-1 indicator and days on storage.

The N-1 formula of Regulation (EU) 2017/1938, Annex II (EUR-Lex, 2017; text at
https://legislation.gov.uk/eur/2017/1938/annex/II) "describes the ability of the technical
capacity of the gas infrastructure to satisfy total gas demand in the calculated area in the
event of disruption of the single largest gas infrastructure during a day of exceptionally
high gas demand occurring with a statistical probability of once in 20 years":

    N-1 [%] = (EPm + Pm + Sm + LNGm − Im) / Dmax × 100,   N-1 ≥ 100 %

with EPm the technical capacity of the entry points, Pm the maximal technical production
capability, Sm the maximal technical storage deliverability, LNGm the maximal technical
LNG facility capacity, Im the technical capacity of the single largest gas infrastructure
and Dmax the total daily gas demand on a 1-in-20-years day, all in mcm/d. How each is read
from the atlas is in :func:`security_of_supply` and docs/energy.md.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Final

from tripp.atlas.model import Atlas, EnergyRow, Link, is_available
from tripp.energy_model.build import current_rows
from tripp.energy_model.security_demand import (
    PEAK_DAY_FACTOR,
    PEAK_DAY_FACTOR_SOURCE,
    area_demand,
)
from tripp.energy_model.security_report import (
    STANDARD,
    EntryPoint,
    Infrastructure,
    SecurityArea,
    SecurityReport,
)
from tripp.errors import InputError, Problem
from tripp.units import CAPACITY_UNITS, to_canonical_capacity

__all__ = ["PEAK_DAY_FACTOR", "security_of_supply"]

#: Days by which a capacity stored canonically in mcm_per_year is divided to give mcm/d
#: (the same 365 as the ``mcm_per_day`` → ``mcm_per_year`` conversion of tripp.units).
DAYS_PER_CAPACITY_YEAR: Final = 365.0
#: The two ends of the maximum-flow graph of an area's entries and consumers.
_SOURCE, _SINK = "__entry__", "__consumers__"
_DIGITS = 4


def _r(value: float) -> float:
    return float(round(value, _DIGITS))


def _gas_components(atlas: Atlas, links: list[Link], rows: list[EnergyRow]) -> list[set[str]]:
    """Connected components of the gas buses of each country: nodes touched by an available
    pipeline or holding a gas row, joined by pipelines whose two ends are in one country."""
    nodes = atlas.node_by_id
    parent: dict[str, str] = {}

    def find(node: str) -> str:
        parent.setdefault(node, node)
        while parent[node] != node:
            parent[node] = parent[parent[node]]
            node = parent[node]
        return node

    for row in rows:
        find(row.node_id)
    for link in links:
        a, b = find(link.from_node), find(link.to_node)
        if nodes[link.from_node].country == nodes[link.to_node].country and a != b:
            parent[a] = b
    groups: dict[str, set[str]] = defaultdict(set)
    for node in list(parent):
        groups[find(node)].add(node)
    return sorted(groups.values(), key=lambda g: sorted(g))


def _mcm_per_day(link: Link) -> float | None:
    """The link's capacity in mcm/d (canonical mcm_per_year ÷ 365), or None when it has no
    capacity in a gas flow unit."""
    canonical = CAPACITY_UNITS.get(link.capacity_unit, ("", 0.0))[0]
    if link.capacity is None or canonical != "mcm_per_year":
        return None
    return to_canonical_capacity(link.capacity, link.capacity_unit)[0] / DAYS_PER_CAPACITY_YEAR


def _capacity_mcm_per_day(link: Link, problems: list[Problem]) -> float | None:
    """:func:`_mcm_per_day` of an entry pipeline, or None with a problem recorded: a missing
    capacity is never read as zero."""
    capacity = _mcm_per_day(link)
    if capacity is None:
        problems.append(
            Problem(
                "links.csv",
                f"gas_pipeline '{link.link_id}' enters a calculated area "
                + (
                    "without capacity"
                    if link.capacity is None
                    else f"with capacity in '{link.capacity_unit}', not a gas flow unit"
                ),
                "give capacity and capacity_unit (mcm_per_year, bcm_per_year or mcm_per_day): "
                "the N-1 indicator needs the technical capacity of every entry point",
                column="capacity",
            )
        )
    return capacity


def _entries(
    area: set[str], sinks: set[str], links: list[Link], problems: list[Problem]
) -> tuple[list[EntryPoint], float]:
    """Pipelines with one end outside and one inside the area (forward ones only inward),
    each at the capacity it can deliver to the area's consumers (``sinks``), and the
    capacity all of them deliver together (mcm/d).

    What an entry can supply the area is the least of its own capacity and the maximum flow
    from where it enters to the consumers over the area's own pipelines: a transit pipeline
    (SCP through Georgia) counts for what its offtakes can take, not its full capacity.
    """
    import networkx as nx

    graph = nx.DiGraph()
    inward: list[tuple[Link, str, float]] = []
    for link in links:
        inside_from, inside_to = link.from_node in area, link.to_node in area
        if not (inside_from or inside_to):
            continue
        if inside_from and inside_to:  # the area's own network; no capacity: not limiting
            internal = _mcm_per_day(link)
            bound = {} if internal is None else {"capacity": internal}
            graph.add_edge(link.from_node, link.to_node, **bound)
            if link.direction != "forward":
                graph.add_edge(link.to_node, link.from_node, **bound)
            continue
        capacity = _capacity_mcm_per_day(link, problems)
        if capacity is None:
            continue
        if inside_to:
            inward.append((link, link.to_node, capacity))
        elif link.direction != "forward":
            inward.append((link, link.from_node, capacity))
    for sink in sinks:
        graph.add_edge(sink, _SINK)  # no capacity attribute: unbounded

    def deliverable(entering: list[tuple[Link, str, float]]) -> float:
        flows = graph.copy()
        for link, node, capacity in entering:
            flows.add_edge(_SOURCE, f"{_SOURCE}{link.link_id}", capacity=capacity)
            flows.add_edge(f"{_SOURCE}{link.link_id}", node)
        if not entering or _SINK not in flows:
            return 0.0
        return float(nx.maximum_flow_value(flows, _SOURCE, _SINK))

    out = [
        EntryPoint(
            link.link_id, link.from_node, link.to_node, _r(deliverable([(link, node, capacity)]))
        )
        for link, node, capacity in inward
    ]
    return out, deliverable(inward)


def _lasts(
    deficit: float, volume: float, withdrawal: float
) -> tuple[float | None, str, bool | None]:
    """Days on storage, the sentence that says how long the area lasts, and whether the
    storage's withdrawal rate covers the deficit."""
    if deficit <= 0:
        return None, "indefinitely", None
    if volume <= 0:
        return 0.0, f"no storage: short {deficit:,.2f} mcm/d from day one", False
    days = volume / deficit
    if withdrawal >= deficit:
        return _r(days), f"{days:,.1f} days on storage", True
    return (
        _r(days),
        f"{days:,.1f} days of working volume, but withdrawal {withdrawal:,.2f} mcm/d is below "
        f"the deficit {deficit:,.2f} mcm/d: short {deficit - withdrawal:,.2f} mcm/d from day one",
        False,
    )


def _area(
    atlas: Atlas,
    year: int,
    name: tuple[str, str, str | None],
    nodes: set[str],
    links: list[Link],
    rows: list[EnergyRow],
    problems: list[Problem],
) -> SecurityArea:
    area_name, country, region = name
    consumers = {r.node_id for r in rows if r.role == "demand" and r.node_id in nodes} | {
        p.node_id
        for p in atlas.plants
        if p.node_id in nodes and is_available(p.status, p.open_year, year)
    }
    entries, ep = _entries(nodes, consumers, links, problems)
    production = [
        Infrastructure(r.node_id, "production", _r(r.value / DAYS_PER_CAPACITY_YEAR))
        for r in rows
        if r.role == "supply" and r.node_id in nodes and r.value > 0
    ]
    stores = [
        s
        for s in atlas.storage
        if s.carrier == "gas" and s.node_id in nodes and is_available(s.status, s.open_year, year)
    ]
    storages = [Infrastructure(s.storage_id, "storage", _r(s.withdrawal)) for s in stores]
    pm = sum(p.capacity_mcm_per_day for p in production)
    sm = sum(s.capacity_mcm_per_day for s in storages)
    lng = 0.0
    flowing = [Infrastructure(e.link_id, "entry_point", e.capacity_mcm_per_day) for e in entries]
    largest = max(
        flowing + production + storages, key=lambda i: i.capacity_mcm_per_day, default=None
    )
    im = largest.capacity_mcm_per_day if largest else 0.0
    demand = area_demand(atlas, year, nodes, rows, problems)
    n_1 = (ep + pm + sm + lng - im) / demand.dmax * 100.0 if demand.dmax > 0 else None
    stopped = max((i.capacity_mcm_per_day for i in flowing + production), default=0.0)
    # a month's mean day cannot exceed the peak day: a published Dmax caps the estimate
    month_day = min(demand.peak_month_mean, demand.dmax)
    deficit = _r(max(month_day - (ep + pm - stopped), 0.0))
    volume = sum(s.working_volume for s in stores)
    days, lasts, covers = _lasts(deficit, volume, sm)
    return SecurityArea(
        area=area_name,
        country=country,
        region=region,
        nodes=tuple(sorted(nodes)),
        entry_points=tuple(entries),
        ep_mcm_per_day=_r(ep),
        pm_mcm_per_day=_r(pm),
        sm_mcm_per_day=_r(sm),
        lng_mcm_per_day=lng,
        largest_infrastructure=largest,
        im_mcm_per_day=_r(im),
        dmax_mcm_per_day=_r(demand.dmax),
        dmax_method=demand.method,
        n_minus_1_pct=None if n_1 is None else round(n_1, 1),
        meets_standard=None if n_1 is None else n_1 >= 100.0,
        peak_month=demand.peak_month,
        peak_month_demand_mcm_per_day=_r(month_day),
        storage_working_volume_mcm=_r(volume),
        deficit_mcm_per_day=_r(deficit),
        days_on_storage=days,
        lasts=lasts,
        withdrawal_covers_deficit=covers,
    )


_Named = tuple[str, str, str | None, set[str]]


def _names(atlas: Atlas, components: list[set[str]], demand_nodes: set[str]) -> list[_Named]:
    """(name, country, region, nodes) of each component holding domestic demand: named by
    its country, or by the region(s) of its demand nodes when the country has several gas
    components (Nakhchivan, AZ)."""
    nodes = atlas.node_by_id
    per_country: dict[str, int] = defaultdict(int)
    for component in components:
        per_country[nodes[min(component)].country] += 1
    out: list[_Named] = []
    for component in components:
        country = nodes[min(component)].country
        demanded = sorted(component & demand_nodes)
        if not demanded:
            continue
        if per_country[country] == 1:
            out.append((country, country, None, component))
            continue
        region = " + ".join(sorted({nodes[n].region or nodes[n].name for n in demanded}))
        out.append((region, country, region, component))
    return sorted(out, key=lambda item: (item[1], item[0]))


def security_of_supply(atlas: Atlas, *, year: int, scenario: str | None = None) -> SecurityReport:
    """The N-1 indicator (EU 2017/1938 Annex II) and days on storage of every calculated
    area of ``atlas`` in ``year``, from the atlas alone (no LP).

    A calculated area is a connected component of a country's gas buses (joined by the
    gas pipelines available in ``year``) that holds a domestic gas ``demand`` row. Rates
    are in mcm/d: link capacities (canonical mcm_per_year) ÷ 365, supplies' annual volume
    ÷ 365, storage withdrawal as given. ``scenario`` only labels the report.

    Raises :class:`~tripp.errors.InputError` naming every gas pipeline that enters an area
    without a capacity in a gas unit, and every profile or plant that cannot be read.
    """
    problems: list[Problem] = []
    rows = [r for r in current_rows(atlas, year) if r.carrier == "gas"]
    links = [
        link
        for link in atlas.links
        if link.mode == "gas_pipeline" and is_available(link.status, link.open_year, year)
    ]
    components = _gas_components(atlas, links, rows)
    demand_nodes = {r.node_id for r in rows if r.role == "demand" and r.value > 0}
    named = _names(atlas, components, demand_nodes)
    areas = [
        _area(atlas, year, (name, country, region), nodes, links, rows, problems)
        for name, country, region, nodes in named
    ]
    if problems:
        raise InputError(problems)
    return SecurityReport(
        scenario=scenario,
        year=year,
        standard=STANDARD,
        areas=tuple(areas),
        notes=tuple(_notes(atlas, year, components, {n for *_, nodes in named for n in nodes})),
    )


def _notes(atlas: Atlas, year: int, components: list[set[str]], reported: set[str]) -> list[str]:
    nodes = atlas.node_by_id
    notes = [
        "LNGm is 0: the atlas has no LNG terminals.",
        "Link capacities are stored in mcm_per_year and divided by 365 for mcm/d; Pm is each "
        "gas supply row's annual volume / 365; gas swap rows are imports that arrive through "
        "entry pipelines (EPm), not production.",
        f"Estimated Dmax uses a peak-day factor of {PEAK_DAY_FACTOR} ({PEAK_DAY_FACTOR_SOURCE}, "
        "enagas.es press release of 29 Feb 2012): an observed cold-spell day, not a statistical "
        "once-in-20-years day, which the atlas has no source for.",
        "A gas pipeline with direction 'both' counts as an entry point at either end; a "
        "one-way pipeline counts only if links.csv marks it 'forward'.",
        "An entry point counts for what it can deliver to the area's consumers (demand nodes "
        "and gas-fired plants) over the area's own pipelines (maximum flow), and EPm for what "
        "all entries deliver together: a transit pipeline counts for its offtakes, not its "
        "full capacity; the area's own pipelines without a capacity do not limit it.",
    ]
    if not any(
        s.carrier == "gas" and is_available(s.status, s.open_year, year) for s in atlas.storage
    ):
        notes.append(
            "No gas storage in the atlas for this year: Sm is 0 and an area with a "
            "deficit lasts 0 days (no storage)."
        )
    skipped = sorted({nodes[min(c)].country for c in components if not c & reported})
    if skipped:
        notes.append(
            "Gas areas without domestic demand rows are not reported (exports only): "
            + ", ".join(skipped)
            + "."
        )
    return notes
