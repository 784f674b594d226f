"""Apply a scenario to an atlas: a new :class:`Atlas`, the base is never changed.

Rows a scenario adds come first: its [[contract]] rows join contracts.csv's, and each
[[energy]] row joins energy.csv's or replaces the row with its key (node_id, carrier, role,
year). Then rules apply in file order, ancestors first; within one file ``open`` comes
before ``close`` (so closing wins when both name an element), then ``set``, then ``demand``.
``open`` makes a link, crossing, storage or plant operating from any year; ``close`` makes
it closed.
Selecting a node reaches its links and crossings; a country reaches the links that lie in
it or touch it and the crossings into or out of it; a corridor tag, its tagged links; a
service selector, the service of that id or every service departing that node; an
``energy:NODE:CARRIER:ROLE`` target, every year's row of that node, carrier and role.

Every figure a rule sets must stay finite and within the range the atlas column registry
(:mod:`tripp.atlas.schema`) allows, a factor's result included (:func:`out_of_range`).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

from tripp.atlas.model import (
    Atlas,
    Contract,
    Crossing,
    DemandRow,
    EnergyRow,
    Link,
    Plant,
    Service,
    Storage,
    Tariff,
    Transfer,
)
from tripp.atlas.schema import DEMAND
from tripp.errors import InputError, Problem
from tripp.scenarios.model import (
    DemandRule,
    Scenario,
    SetRule,
    in_range,
    range_text,
    set_column,
)


@dataclass(frozen=True, slots=True)
class OutOfRange:
    """A figure a scenario takes outside its atlas range.

    ``rule`` is the index of the [[set]] rule in ``scenario.set`` that set it, or ``None``
    for a demand figure (the product of the [[demand]] factors that match its row).
    """

    rule: int | None
    element: str  # the row changed: link:ID, crossing:NODE:FROM:TO:MODE, demand:O:D:C:YEAR, …
    field: str
    value: float
    allowed: str  # the range, e.g. "0.01 … 40000 km"


def apply_scenario(atlas: Atlas, scenario: Scenario) -> Atlas:
    """The atlas as the scenario describes it (statuses, figures and demand changed).

    Raises :class:`~tripp.errors.InputError` naming every figure taken out of its range.
    """
    applied, outside = _apply(atlas, scenario)
    if outside:
        where = scenario.file or scenario.name
        raise InputError(
            [
                Problem(
                    where,
                    f"{o.element} {o.field} becomes {o.value:g}, outside {o.allowed}",
                    "change the [[set]] or [[demand]] rule that sets it",
                    column=o.field,
                )
                for o in outside
            ]
        )
    return applied


def out_of_range(atlas: Atlas, scenario: Scenario) -> list[OutOfRange]:
    """Every figure the scenario's rules take outside its atlas range (none: it applies)."""
    return _apply(atlas, scenario)[1]


def _apply(atlas: Atlas, scenario: Scenario) -> tuple[Atlas, list[OutOfRange]]:
    links, crossings = list(atlas.links), list(atlas.crossings)
    transfers, tariffs = list(atlas.transfers), list(atlas.tariffs)
    services = list(atlas.services)
    contracts = [*atlas.contracts, *scenario.contract]
    energy = _with_added(atlas.energy, scenario.energy)
    storage, plants = list(atlas.storage), list(atlas.plants)
    for status, selectors in (("operating", scenario.open), ("closed", scenario.close)):
        for selector in selectors:
            for i in _links(atlas, selector):
                links[i] = dataclasses.replace(links[i], status=status, open_year=None)
            for i in _crossings(atlas, selector):
                crossings[i] = dataclasses.replace(crossings[i], status=status, open_year=None)
            for i in _storage(atlas, selector):
                storage[i] = dataclasses.replace(storage[i], status=status, open_year=None)
            for i in _plants(atlas, selector):
                plants[i] = dataclasses.replace(plants[i], status=status, open_year=None)
    outside: list[OutOfRange] = []
    families: dict[str, tuple[list[Any], Any]] = {
        "crossing": (crossings, lambda target: _crossings(atlas, target)),
        "transfer": (transfers, lambda target: _transfers(atlas, target)),
        "tariff": (tariffs, lambda target: _tariffs(atlas, target)),
        "service": (services, lambda target: _services(atlas, target)),
        "energy": (energy, lambda target: _energy(energy, target)),
        "contract": (contracts, lambda target: _by_id(contracts, "contract_id", target)),
        "storage": (storage, lambda target: _by_id(storage, "storage_id", target)),
        "plant": (plants, lambda target: _by_id(plants, "plant_id", target)),
        "link": (links, lambda target: _links(atlas, target)),
    }
    for index, rule in enumerate(scenario.set):
        rows, select = families[rule.family]
        outside += _set_all(rows, select(rule.target), rule, index)
    outside += _contract_years(contracts, scenario)
    demand = [_scaled(row, scenario.demand, outside) for row in atlas.demand]
    applied = dataclasses.replace(
        atlas,
        links=tuple(links),
        crossings=tuple(crossings),
        transfers=tuple(transfers),
        tariffs=tuple(tariffs),
        services=tuple(services),
        energy=tuple(energy),
        contracts=tuple(contracts),
        storage=tuple(storage),
        plants=tuple(plants),
        demand=tuple(demand),
    )
    return applied, outside


def _with_added(rows: tuple[EnergyRow, ...], added: tuple[EnergyRow, ...]) -> list[EnergyRow]:
    """The energy rows with the scenario's added ones: a row with the key (node_id, carrier,
    role, year) of an existing one replaces it in place, any other is appended."""
    out = list(rows)
    for row in added:
        key = (row.node_id, row.carrier, row.role, row.year)
        same = [i for i, r in enumerate(out) if (r.node_id, r.carrier, r.role, r.year) == key]
        if same:
            out[same[0]] = row
        else:
            out.append(row)
    return out


def _energy(rows: list[EnergyRow], selector: str) -> list[int]:
    """Every year's row of ``energy:NODE:CARRIER:ROLE``."""
    node, carrier, role = selector.split(":")[1:4]
    return [
        i for i, r in enumerate(rows) if (r.node_id, r.carrier, r.role) == (node, carrier, role)
    ]


def _by_id(rows: list[Any], id_field: str, selector: str) -> list[int]:
    """The row whose ``id_field`` is the selector's id (``contract:ID`` …)."""
    rest = selector.partition(":")[2]
    return [i for i, r in enumerate(rows) if getattr(r, id_field) == rest]


def _storage(atlas: Atlas, selector: str) -> list[int]:
    kind, _, rest = selector.partition(":")
    return [i for i, s in enumerate(atlas.storage) if kind == "storage" and s.storage_id == rest]


def _plants(atlas: Atlas, selector: str) -> list[int]:
    kind, _, rest = selector.partition(":")
    return [i for i, p in enumerate(atlas.plants) if kind == "plant" and p.plant_id == rest]


def _contract_years(contracts: list[Contract], scenario: Scenario) -> list[OutOfRange]:
    """A contract whose [[set]] year_to falls before its year_from (the last rule's index)."""
    outside = []
    for row in contracts:
        if row.year_to is not None and row.year_to < row.year_from:
            rules = [
                i
                for i, r in enumerate(scenario.set)
                if r.target == f"contract:{row.contract_id}" and r.field in ("year_from", "year_to")
            ]
            index = rules[-1] if rules else None
            allowed = f"[{row.year_from}, 2100] year (not before year_from)"
            element = f"contract:{row.contract_id}"
            outside.append(OutOfRange(index, element, "year_to", row.year_to, allowed))
    return outside


def _set_all(rows: list[Any], indices: list[int], rule: SetRule, index: int) -> list[OutOfRange]:
    column = set_column(rule.family, rule.field)
    outside = []
    for i in indices:
        value = rule.apply(getattr(rows[i], rule.field))
        if value is not None and not in_range(column, value):
            element = _element(rows[i])
            outside.append(OutOfRange(index, element, rule.field, value, range_text(column)))
        rows[i] = dataclasses.replace(rows[i], **{rule.field: value})
    return outside


def _element(
    row: Link | Crossing | Transfer | Tariff | Service | EnergyRow | Contract | Storage | Plant,
) -> str:
    """The selector that names ``row`` alone (an energy row: with its year)."""
    if isinstance(row, EnergyRow):
        return f"energy:{row.node_id}:{row.carrier}:{row.role}:{row.year}"
    if isinstance(row, Contract):
        return f"contract:{row.contract_id}"
    if isinstance(row, Storage):
        return f"storage:{row.storage_id}"
    if isinstance(row, Plant):
        return f"plant:{row.plant_id}"
    if isinstance(row, Link):
        return f"link:{row.link_id}"
    if isinstance(row, Crossing):
        return f"crossing:{row.node_id}:{row.from_country}:{row.to_country}:{row.mode}"
    if isinstance(row, Transfer):
        return f"transfer:{row.node_id}:{row.from_mode}:{row.to_mode}"
    if isinstance(row, Service):
        return f"service:{row.service_id}"
    return f"tariff:{row.mode}:{row.country}"


def _links(atlas: Atlas, selector: str) -> list[int]:
    kind, _, rest = selector.partition(":")
    nodes = atlas.node_by_id
    out = []
    for i, link in enumerate(atlas.links):
        ends = (link.from_node, link.to_node)
        hit = (
            (kind == "link" and link.link_id == rest)
            or (kind == "corridor" and rest.casefold() in {c.casefold() for c in link.corridors})
            or (kind == "mode" and link.mode == rest)
            or (kind == "node" and rest in ends)
            or (
                kind == "country"
                and (link.country == rest or any(nodes[e].country == rest for e in ends))
            )
        )
        if hit:
            out.append(i)
    return out


def _crossings(atlas: Atlas, selector: str) -> list[int]:
    kind, _, rest = selector.partition(":")
    parts = rest.split(":")
    out = []
    for i, c in enumerate(atlas.crossings):
        hit = (
            kind in ("node", "crossing")
            and c.node_id == parts[0]
            and (len(parts) == 1 or [c.from_country, c.to_country, c.mode] == parts[1:])
        ) or (kind == "country" and rest in (c.from_country, c.to_country))
        if hit:
            out.append(i)
    return out


def _transfers(atlas: Atlas, selector: str) -> list[int]:
    parts = selector.split(":")[1:]
    return [
        i
        for i, t in enumerate(atlas.transfers)
        if t.node_id == parts[0] and (len(parts) == 1 or [t.from_mode, t.to_mode] == parts[1:])
    ]


def _tariffs(atlas: Atlas, selector: str) -> list[int]:
    mode, country = selector.split(":")[1:3]
    return [i for i, t in enumerate(atlas.tariffs) if (t.mode, t.country) == (mode, country)]


def _services(atlas: Atlas, selector: str) -> list[int]:
    """Services named by id, or every service departing a node (``service:NODE``)."""
    rest = selector.partition(":")[2]
    return [i for i, s in enumerate(atlas.services) if rest in (s.service_id, s.node_id)]


def _scaled(row: DemandRow, rules: tuple[DemandRule, ...], outside: list[OutOfRange]) -> DemandRow:
    factor = 1.0
    for rule in rules:
        if (
            rule.origin in ("*", row.origin)
            and rule.destination in ("*", row.destination)
            and rule.commodity in ("*", row.commodity)
        ):
            factor *= rule.factor
    if factor == 1.0:
        return row
    t_per_year = None if row.t_per_year is None else row.t_per_year * factor
    teu_per_year = None if row.teu_per_year is None else row.teu_per_year * factor
    for name, value in (("t_per_year", t_per_year), ("teu_per_year", teu_per_year)):
        column = DEMAND.column(name)
        if value is not None and not in_range(column, value):
            element = f"demand:{row.origin}:{row.destination}:{row.commodity}:{row.year}"
            outside.append(OutOfRange(None, element, name, value, range_text(column)))
    return dataclasses.replace(row, t_per_year=t_per_year, teu_per_year=teu_per_year)
