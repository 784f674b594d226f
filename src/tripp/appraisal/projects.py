"""Which projects of the atlas a scenario carries that its base does not, and their costs
by year.

A project is in an appraisal when one of its elements (projects.csv ``elements``) differs
between the two networks in the appraisal's year: open in one and not the other, or with
another capacity, time or cost. It counts for the side that has more of it: +1 when the
scenario opens it or raises its capacity, −1 when only the base has it (appraising the
base against the scenario turns every sign).
"""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from tripp.atlas.model import Atlas, Project, is_available
from tripp.atlas.validate_projects import ELEMENT_KEYS

#: Fields that say where a row is and why, not what it offers: never a difference.
_PROVENANCE = {"source_ids", "estimated", "method", "note"}
_TABLE_OF = {kind: table for kind, (table, _) in ELEMENT_KEYS.items()}


@dataclass(frozen=True)
class ProjectInScope:
    """A project the appraisal costs, the side it counts for (+1: the scenario's, −1: the
    base's) and what differs (e.g. ``opens link:kars__igdir__rail``)."""

    project: Project
    sign: int
    changes: tuple[str, ...]


def _rows(atlas: Atlas) -> dict[str, list[Any]]:
    out: dict[str, list[Any]] = defaultdict(list)
    for kind, (table, columns) in ELEMENT_KEYS.items():
        for row in getattr(atlas, table):
            out[":".join([kind, *(str(getattr(row, c) or "") for c in columns)])].append(row)
    return out


def _open(row: Any, year: int) -> bool:
    status = getattr(row, "status", "operating")
    return is_available(status, getattr(row, "open_year", None), year)


def offer(row: Any) -> dict[str, Any]:
    """What a row offers, without its status and provenance."""
    skip = _PROVENANCE | {"status", "open_year"}
    return {f.name: getattr(row, f.name) for f in dataclasses.fields(row) if f.name not in skip}


def _capacity(rows: list[Any]) -> float:
    values = [getattr(r, "capacity", None) for r in rows]
    return sum(v for v in values if v is not None)


def _change(element: str, base: list[Any], other: list[Any], year: int) -> tuple[int, str] | None:
    """How ``element`` differs in ``year``: (+1 or −1, what), None when it does not."""
    open_base = [r for r in base if _open(r, year)]
    open_other = [r for r in other if _open(r, year)]
    if bool(open_other) != bool(open_base):
        return (1, f"opens {element}") if open_other else (-1, f"closes {element}")
    if not open_other or [offer(r) for r in open_base] == [offer(r) for r in open_other]:
        return None
    before, after = _capacity(open_base), _capacity(open_other)
    if after < before:
        return -1, f"lowers the capacity of {element}"
    what = "raises the capacity of" if after > before else "changes"
    return 1, f"{what} {element}"


def projects_in_scope(base: Atlas, other: Atlas, year: int) -> list[ProjectInScope]:
    """The projects of ``other``'s projects table with an element that differs between
    ``base`` and ``other`` in ``year``; a project whose elements differ both ways counts
    for the side with more of them (the scenario's on a tie)."""
    rows_base, rows_other = _rows(base), _rows(other)
    out = []
    for project in other.projects:
        changes = [
            change
            for element in project.elements
            if (change := _change(element, rows_base[element], rows_other[element], year))
        ]
        if changes:
            sign = 1 if sum(s for s, _ in changes) >= 0 else -1
            out.append(ProjectInScope(project, sign, tuple(what for _, what in changes)))
    return out
