"""Apply a scenario to an atlas: a new :class:`Atlas`, the base is never changed.

Rules apply in file order, ancestors first; within one file ``open`` comes before
``close`` (so closing wins when both name an element), then ``set``, then ``demand``.
``open`` makes a link or crossing operating from any year; ``close`` makes it closed.
Selecting a node reaches its links and crossings; a country reaches the links that lie in
it or touch it and the crossings into or out of it; a corridor tag, its tagged links.
"""

from __future__ import annotations

import dataclasses
from typing import Any, TypeVar

from tripp.atlas.model import Atlas, Crossing, DemandRow, Link, Tariff, Transfer
from tripp.scenarios.model import DemandRule, Scenario, SetRule

Row = TypeVar("Row", Link, Crossing, Transfer, Tariff)


def apply_scenario(atlas: Atlas, scenario: Scenario) -> Atlas:
    """The atlas as the scenario describes it (statuses, figures and demand changed)."""
    links, crossings = list(atlas.links), list(atlas.crossings)
    transfers, tariffs = list(atlas.transfers), list(atlas.tariffs)
    for status, selectors in (("operating", scenario.open), ("closed", scenario.close)):
        for selector in selectors:
            for i in _links(atlas, selector):
                links[i] = dataclasses.replace(links[i], status=status, open_year=None)
            for i in _crossings(atlas, selector):
                crossings[i] = dataclasses.replace(crossings[i], status=status, open_year=None)
    for rule in scenario.set:
        kind = rule.target.split(":", 1)[0]
        if kind == "crossing":
            _set_all(crossings, _crossings(atlas, rule.target), rule)
        elif kind == "transfer":
            _set_all(transfers, _transfers(atlas, rule.target), rule)
        elif kind == "tariff":
            _set_all(tariffs, _tariffs(atlas, rule.target), rule)
        else:
            _set_all(links, _links(atlas, rule.target), rule)
    demand = [_scaled(row, scenario.demand) for row in atlas.demand]
    return dataclasses.replace(
        atlas,
        links=tuple(links),
        crossings=tuple(crossings),
        transfers=tuple(transfers),
        tariffs=tuple(tariffs),
        demand=tuple(demand),
    )


def _set_all(rows: list[Any], indices: list[int], rule: SetRule) -> None:
    for i in indices:
        current = getattr(rows[i], rule.field)
        rows[i] = dataclasses.replace(rows[i], **{rule.field: rule.apply(current)})


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


def _scaled(row: DemandRow, rules: tuple[DemandRule, ...]) -> DemandRow:
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
    return dataclasses.replace(
        row,
        t_per_year=None if row.t_per_year is None else row.t_per_year * factor,
        teu_per_year=None if row.teu_per_year is None else row.teu_per_year * factor,
    )
