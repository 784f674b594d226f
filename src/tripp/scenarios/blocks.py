"""The rows a scenario adds to the energy tables: [[contract]] and [[energy]] blocks, and
the ``energy:NODE:CARRIER:ROLE`` targets of a [[set]].

A block's cells are parsed as the atlas parses the same columns of contracts.csv and
energy.csv (:func:`tripp.atlas.io.parse_cell`: type, choices, range, country code, id
pattern), its references are checked against the atlas (nodes, sources, seasonal profiles)
and the row as a whole by the atlas's own energy checks (:mod:`tripp.atlas.validate_energy`:
unit of the carrier, seller ≠ buyer, years in order, mcm_per_day for peak_demand only).
"""

from __future__ import annotations

from typing import Any

from tripp.atlas.io import parse_cell
from tripp.atlas.model import Atlas, Contract, EnergyRow
from tripp.atlas.names import did_you_mean
from tripp.atlas.schema import CARRIERS, ENERGY_ROLES, Column, ParsedRow
from tripp.atlas.validate_energy import check_contract_rows, check_energy_rows
from tripp.errors import Problem
from tripp.scenarios.model import ADD_TABLES

#: (key, problem, fix) of one problem of a block.
Found = list[tuple[str, str, str]]


def energy_key(row: EnergyRow) -> tuple[str, str, str, int]:
    """The atlas key of an energy row: (node_id, carrier, role, year)."""
    return (row.node_id, row.carrier, row.role, row.year)


def block_row(
    name: str, block: dict[str, Any], atlas: Atlas, line: int | None
) -> tuple[Contract | EnergyRow | None, Found]:
    """The row a ``[[name]]`` block (``contract`` or ``energy``) adds, and its problems;
    the row is None when there is a problem. ``line`` is the block's line in the file."""
    table = ADD_TABLES[name]
    names = [c.name for c in table.columns]
    found: Found = []
    for key in block:
        if key not in names:
            guess = did_you_mean(key, names, limit=1)
            fix = f"did you mean '{guess[0]}'?" if guess else f"use {', '.join(names)}"
            found.append((key, f"unknown key '{key}'", fix))
    values: dict[str, Any] = {}
    for column in table.columns:
        text = _cell_text(column, block.get(column.name), found)
        if text is None:
            continue
        value, bad = parse_cell(f"[[{name}]]", line, column, text)
        found += [(column.name, f"{column.name} {p.problem}", p.fix) for p in bad]
        if value is not None:
            values[column.name] = value
    found += _references(name, values, atlas)
    if values.get("estimated") and not values.get("method"):
        found.append(("method", "the row is estimated and has no method", "say how it was derived"))
    if all(c.name in values for c in table.columns if c.required):  # the row checks need them
        problems: list[Problem] = []
        check = check_contract_rows if name == "contract" else check_energy_rows
        check([ParsedRow(line or 0, values)], problems)
        found += [(p.column or name, p.problem, p.fix) for p in problems]
    if found:
        return None, found
    row = Contract(**values) if name == "contract" else EnergyRow(**values)
    return row, found


def _cell_text(column: Column, raw: object, found: Found) -> str | None:
    """The TOML value ``raw`` as the CSV text the atlas parser reads ("" when absent);
    None (and a problem) when its TOML type does not fit the column."""
    if raw is None:
        return ""
    number = isinstance(raw, int | float) and not isinstance(raw, bool)
    if column.type == "list":
        if isinstance(raw, str):
            return raw
        if isinstance(raw, list) and all(isinstance(v, str) for v in raw):
            return ";".join(raw)
        wanted = f'a list of strings, e.g. {column.name} = ["a", "b"]'
    elif column.type == "bool":
        if isinstance(raw, bool):
            return "true" if raw else "false"
        wanted = "true or false"
    elif column.type == "int":
        if isinstance(raw, int) and not isinstance(raw, bool):
            return str(raw)
        wanted = "a whole number"
    elif column.type == "float":
        if number:
            return repr(float(raw))  # type: ignore[arg-type]
        wanted = "a number"
    else:
        if isinstance(raw, str):
            return raw
        wanted = f'a string, e.g. {column.name} = "…"'
    found.append((column.name, f"{column.name} {raw!r} is not {wanted}", f"write {wanted}"))
    return None


def _references(name: str, values: dict[str, Any], atlas: Atlas) -> Found:
    """Problems of the ids a block names: sources, node and seasonal profile."""
    found: Found = []
    sources = [s.source_id for s in atlas.sources]
    for source in values.get("source_ids", ()):
        if source not in sources:
            fix = _hint(source, sources, "add it to the atlas's sources.csv")
            found.append(("source_ids", f"unknown source '{source}'", fix))
    if name == "energy":
        node = values.get("node_id")
        if node is not None and node not in atlas.node_by_id:
            found.append(("node_id", f"unknown node '{node}'", _hint(node, atlas.node_by_id)))
        profile = values.get("profile_id")
        profiles = sorted({s.profile_id for s in atlas.seasons})
        if profile and profile not in profiles:
            fix = _hint(profile, profiles) if profiles else "the atlas has no seasons.csv profile"
            found.append(("profile_id", f"unknown profile '{profile}'", fix))
    return found


def _hint(word: str, known: Any, otherwise: str = "use an id the atlas has") -> str:
    """ "did you mean …?" for the closest of ``known``, else ``otherwise``."""
    guess = did_you_mean(word, list(known), limit=1)
    return f"did you mean '{guess[0]}'?" if guess else otherwise


def energy_target_problem(rest: str, atlas: Atlas, added: list[EnergyRow]) -> str | None:
    """Why ``energy:REST`` (NODE:CARRIER:ROLE) selects no energy row of the atlas or of the
    scenario's [[energy]] blocks (``added``), naming what exists; None when it selects."""
    parts = rest.split(":")
    if len(parts) != 3:
        return f"'energy:{rest}' is not energy:NODE:CARRIER:ROLE"
    node, carrier, role = parts
    if node not in atlas.node_by_id:
        return f"unknown node '{node}'; {_hint(node, atlas.node_by_id)}"
    if carrier not in CARRIERS:
        return f"unknown carrier '{carrier}'; use one of {', '.join(CARRIERS)}"
    if role not in ENERGY_ROLES:
        return f"unknown role '{role}'; {_hint(role, ENERGY_ROLES)}"
    rows = [*atlas.energy, *added]
    if any((r.node_id, r.carrier, r.role) == (node, carrier, role) for r in rows):
        return None
    here = sorted({f"{r.carrier}:{r.role}" for r in rows if r.node_id == node})
    exists = (
        f"the energy rows of {node} are {', '.join(here)}"
        if here
        else f"{node} has no energy rows (add one with [[energy]])"
    )
    return f"no {carrier} {role} row at {node}; {exists}"
