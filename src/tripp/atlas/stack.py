"""Stack atlas folders: later folders add rows or override rows by the table's key.

``load_atlas(["embedded", "imported"])`` reads each folder's tables as it reads one folder,
then merges them table by table by :attr:`~tripp.atlas.schema.Table.key`: a row of a later
folder whose key is already present replaces the earlier row where it stood, a new key is
appended, and a table a later folder lacks leaves the earlier rows alone. The checks across
rows and tables then run once on the merged rows, so an imported folder's links may join the
embedded atlas's nodes and cite its sources. Every override that changes a value is kept as
an :class:`~tripp.atlas.overrides.Override` (allowed, not an error); a key given twice in one
folder stays an error of that folder.

The checks name files as one folder would (``links.csv``) and rows by line: the merged rows
are numbered afresh, one line each, and :meth:`Stack.relocate` turns a problem's merged line
back into the folder's file and line (``imported/links.csv:12``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from tripp.atlas.overrides import AtlasMerge, ColumnChange, Override, RowPlace
from tripp.atlas.schema import TABLES, ParsedRow, Table
from tripp.atlas.validate import Parsed, check_keys, fill_empty_defaults
from tripp.errors import InputError, Problem

#: The name that stands for the embedded atlas in a stack (a folder so named: ``./embedded``).
EMBEDDED = "embedded"
#: What :func:`~tripp.atlas.io.load_atlas` reads: one folder, None (the embedded atlas) or a
#: stack of folders, first to last.
AtlasFolders = str | Path | Sequence[str | Path] | None


@dataclass(frozen=True, slots=True)
class Layer:
    """One folder of a stack: ``name`` as the user gave it (``embedded``, ``imported``) and
    the folder it reads."""

    name: str
    path: Path


def atlas_layers(folders: AtlasFolders, embedded: Path) -> tuple[Layer, ...]:
    """The folders of ``folders`` in order, the word ``embedded`` (and None) standing for
    the ``embedded`` atlas folder. Raises :class:`~tripp.errors.InputError` naming every
    folder that does not exist, or when the stack is empty."""
    if folders is None:
        return (Layer(EMBEDDED, embedded),)
    given = [folders] if isinstance(folders, str | Path) else list(folders)
    if not given:
        raise InputError(
            Problem("atlas", "no atlas folder given", "give a folder, or None for the embedded")
        )
    layers = [_layer(item, embedded) for item in given]
    missing = [
        Problem(
            layer.name,
            "atlas folder not found",
            "give a folder holding nodes.csv etc."
            + (f" ('{EMBEDDED}' names the embedded atlas)" if len(layers) > 1 else ""),
        )
        for layer in layers
        if not layer.path.is_dir()
    ]
    if missing:
        raise InputError(missing)
    return tuple(layers)


def _layer(item: str | Path, embedded: Path) -> Layer:
    if isinstance(item, str) and item == EMBEDDED:
        return Layer(EMBEDDED, embedded)
    text = str(item)
    return Layer(text.rstrip("/") or text, Path(item))


@dataclass
class Stack:
    """The merged tables of a stack (``parsed``, lines numbered afresh), what the merge did
    (``merge``), and where each merged row came from (table file, merged line → place)."""

    parsed: Parsed
    merge: AtlasMerge
    origins: dict[tuple[str, int], RowPlace] = field(default_factory=dict)

    def relocate(self, problem: Problem) -> Problem:
        """``problem`` (about a merged row) naming the folder's file and line instead."""
        if problem.row is None:
            return problem
        place = self.origins.get((problem.where, problem.row))
        return problem if place is None else replace(problem, where=place.file, row=place.row)


def stack_tables(folders: Sequence[tuple[Layer, Parsed]], problems: list[Problem]) -> Stack:
    """Merge the tables of ``folders`` (first to last) by key; a key given twice within one
    folder is appended to ``problems`` (named by its folder) and its second row left out."""
    merged = Parsed()
    stack = Stack(merged, AtlasMerge(layers=tuple(layer.name for layer, _ in folders)))
    overrides: list[Override] = []
    identical = 0
    for _, parsed in folders:
        fill_empty_defaults(parsed)
    for table in TABLES.values():
        kept: dict[tuple[Any, ...], tuple[str, ParsedRow]] = {}
        failed: list[tuple[str, ParsedRow]] = []
        for layer, parsed in folders:
            file = f"{layer.name}/{table.filename}"
            if table.name in parsed.unreadable:
                merged.unreadable.add(table.name)
            found: list[Problem] = []
            check_keys(table.name, table.key, parsed.rows[table.name], found)
            problems.extend(replace(p, where=file) for p in found)
            seen: set[tuple[Any, ...]] = set()
            for row in parsed.rows[table.name]:
                key = tuple(row.values.get(column) for column in table.key)
                if key in seen:
                    continue
                seen.add(key)
                if key in kept:
                    change = _override(table, kept[key], (file, row))
                    if change is None:
                        identical += 1
                    else:
                        overrides.append(change)
                kept[key] = (file, row)
            failed.extend((file, row) for row in parsed.failed[table.name])
        merged.rows[table.name] = _renumber(table, list(kept.values()), stack.origins, start=2)
        start = 2 + len(merged.rows[table.name])
        merged.failed[table.name] = _renumber(table, failed, stack.origins, start=start)
    stack.merge = replace(stack.merge, overrides=tuple(overrides), identical_rows=identical)
    return stack


def _renumber(
    table: Table,
    rows: list[tuple[str, ParsedRow]],
    origins: dict[tuple[str, int], RowPlace],
    *,
    start: int,
) -> list[ParsedRow]:
    """``rows`` numbered one line each from ``start``, their places kept in ``origins``."""
    out = []
    for line, (file, row) in enumerate(rows, start=start):
        origins[(table.filename, line)] = RowPlace(file, row.line)
        out.append(ParsedRow(line, row.values))
    return out


def _override(
    table: Table, earlier: tuple[str, ParsedRow], later: tuple[str, ParsedRow]
) -> Override | None:
    """The override of ``earlier`` by ``later`` (file, row), None when no value differs."""
    old, new = earlier[1].values, later[1].values
    changes = tuple(
        ColumnChange(column.name, cell_text(old.get(column.name)), cell_text(new.get(column.name)))
        for column in table.columns
        if old.get(column.name) != new.get(column.name)
    )
    if not changes:
        return None
    return Override(
        table.name,
        tuple((column, cell_text(new.get(column))) for column in table.key),
        RowPlace(earlier[0], earlier[1].line),
        RowPlace(later[0], later[1].line),
        changes,
    )


def cell_text(value: Any) -> str:
    """A parsed cell's value written as in a CSV cell ("" for empty, ``a;b`` for a list).

    >>> cell_text(80.0), cell_text(0.125), cell_text(True), cell_text(("TRIPP", "BTK"))
    ('80', '0.125', 'true', 'TRIPP;BTK')
    """
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, tuple):
        return ";".join(map(str, value))
    if isinstance(value, float):
        short = f"{value:g}"
        return short if float(short) == value else repr(value)
    return str(value)
