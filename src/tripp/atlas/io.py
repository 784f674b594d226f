"""Read an atlas folder: parse every CSV against the column registry, then check it whole.

Nothing partial comes out: either every table is valid and an :class:`Atlas` is returned,
or one :class:`~tripp.errors.InputError` lists every problem with file, row, column and fix.
Parsing and the checks across rows and tables run in the same pass: a row that failed to
parse is left out of the cross checks (its ids still count as known), a table that could not
be read at all is not a reference target, and everything else is checked.
"""

from __future__ import annotations

import csv
import math
import re
from collections.abc import Iterator
from dataclasses import replace
from importlib import resources
from pathlib import Path
from typing import Any, TextIO

from tripp.atlas import model
from tripp.atlas.bulk import paused_gc
from tripp.atlas.countries import country_hint, is_country
from tripp.atlas.fastparse import read_valid_table
from tripp.atlas.names import did_you_mean
from tripp.atlas.overrides import NO_MERGE
from tripp.atlas.schema import TABLES, Column, ParsedRow, Table
from tripp.atlas.stack import AtlasFolders, Layer, atlas_layers, stack_tables
from tripp.atlas.validate import Parsed, check_tables
from tripp.errors import InputError, Problem
from tripp.units import to_canonical_capacity

ROW_TYPES: dict[str, type] = {
    "sources": model.Source,
    "nodes": model.Node,
    "links": model.Link,
    "crossings": model.Crossing,
    "transfers": model.Transfer,
    "tariffs": model.Tariff,
    "energy": model.EnergyRow,
    "seasons": model.SeasonShare,
    "contracts": model.Contract,
    "storage": model.Storage,
    "plants": model.Plant,
    "demand": model.DemandRow,
    "growth": model.GrowthPath,
    "cargo_types": model.CargoType,
    "services": model.Service,
    "projects": model.Project,
}
_BOOLS = {"true": True, "false": False}
#: The file of each table, as the reader names it in a problem.
FILENAMES = frozenset(table.filename for table in TABLES.values())


def default_atlas_folder() -> Path:
    """The atlas shipped inside the package."""
    return Path(str(resources.files("tripp") / "data" / "atlas"))


@paused_gc
def load_atlas(folders: AtlasFolders = None) -> model.Atlas:
    """Read and validate the atlas in ``folders``: one folder, None (the embedded atlas), or
    a stack of folders, first to last, where the word ``embedded`` stands for the embedded
    atlas (a folder so named is ``./embedded``).

    A stack is merged table by table by each table's key (:mod:`tripp.atlas.stack`): a
    later folder adds rows or overrides rows of the same key, and every override that
    changes a value is listed in :attr:`~tripp.atlas.model.Atlas.merge`. The checks across
    tables run once on the merged rows; a required table need only be in one folder.
    Raises :class:`~tripp.errors.InputError` listing every problem found, each naming the
    folder's file in a stack (``imported/links.csv``).

    >>> atlas = load_atlas()
    >>> "kars" in atlas.node_by_id
    True
    """
    layers = atlas_layers(folders, default_atlas_folder())
    problems: list[Problem] = []
    last = layers[-1].path
    if len(layers) == 1:
        parsed = _read_folder(last, problems, require=True)
        check_tables(last, parsed, problems)
        merge = NO_MERGE
    else:
        read = []
        for layer in layers:
            found: list[Problem] = []
            read.append((layer, _read_folder(layer.path, found, require=False)))
            problems.extend(_in_layer(problem, layer) for problem in found)
        stack = stack_tables(read, problems)
        parsed, merge = stack.parsed, stack.merge
        _require_in_stack(layers, parsed, problems)
        checked: list[Problem] = []
        check_tables(last, parsed, checked)
        problems.extend(map(stack.relocate, checked))
    if problems:
        raise InputError(problems)
    for name in ("links", "transfers"):
        for row in parsed.rows[name]:
            _canonical_capacity(row.values)
    rows = {
        name: tuple(ROW_TYPES[name](**row.values) for row in parsed.rows[name]) for name in TABLES
    }
    return model.Atlas(
        folder=last,
        base_folders=tuple(layer.path for layer in layers[:-1]),
        merge=merge,
        **rows,  # type: ignore[arg-type]
    )


def validate(folders: AtlasFolders = None) -> tuple[Problem, ...]:
    """Every problem :func:`load_atlas` finds in the atlas ``folders`` (one folder, None for
    the embedded atlas, or a stack); empty when it is valid.

    Each :class:`~tripp.errors.Problem` names file, row (1-based, header 1), column and fix.

    >>> validate()
    ()
    """
    try:
        load_atlas(folders)
    except InputError as error:
        return error.problems
    return ()


def _read_folder(path: Path, problems: list[Problem], *, require: bool) -> Parsed:
    """The tables of the folder ``path`` as parsed (a missing table: no rows); appends a
    problem for anything that does not parse and, with ``require``, for a missing required
    table (marked unreadable: nothing can be said about references into it)."""
    parsed = Parsed()
    for table in TABLES.values():
        file = path / table.filename
        parsed.rows[table.name], parsed.failed[table.name] = [], []
        if file.exists():
            _read_table(file, table, problems, parsed)
        elif require and table.required:
            problems.append(
                Problem(
                    str(file),
                    "required table is missing",
                    f"create {table.filename} (see docs/data-dictionary.md)",
                )
            )
            parsed.unreadable.add(table.name)
    return parsed


def _require_in_stack(layers: tuple[Layer, ...], parsed: Parsed, problems: list[Problem]) -> None:
    """Append a problem for each required table that no folder of the stack has (and mark
    it unreadable)."""
    for table in TABLES.values():
        if table.required and not any((each.path / table.filename).exists() for each in layers):
            problems.append(
                Problem(
                    table.filename,
                    "required table is missing from every folder of the stack "
                    f"({', '.join(layer.name for layer in layers)})",
                    f"create {table.filename} in one of them (see docs/data-dictionary.md)",
                )
            )
            parsed.unreadable.add(table.name)


def _in_layer(problem: Problem, layer: Layer) -> Problem:
    """A problem of a stacked folder's table file named with its folder (``imported/…``)."""
    if problem.where in FILENAMES:
        return replace(problem, where=f"{layer.name}/{problem.where}")
    return problem


def read_reference_rows(
    file: Path, columns: tuple[str, ...], *, what: str, not_found_fix: str
) -> list[tuple[int, dict[str, str]]]:
    """The rows of a reference CSV (journeys, observed counts) as (line, stripped cells),
    after checking that ``file`` exists (else "``what`` not found" with ``not_found_fix``)
    and that its header has every one of ``columns`` (both :class:`InputError`)."""
    if not file.is_file():
        raise InputError(Problem(str(file), f"{what} not found", not_found_fix))
    with file.open(newline="", encoding="utf-8-sig") as handle:
        reader = csv.DictReader(handle)
        missing = [c for c in columns if c not in (reader.fieldnames or [])]
        if missing:
            raise InputError(
                Problem(
                    file.name,
                    f"missing columns {', '.join(missing)}",
                    f"use the header {','.join(columns)}",
                    1,
                )
            )
        return [
            (reader.line_num, {k: (v or "").strip() for k, v in raw.items() if k}) for raw in reader
        ]


def _canonical_capacity(values: dict[str, Any]) -> None:
    """Convert a declared capacity to its canonical unit, once (e.g. Mt/year → t/year)."""
    if "capacity" in values:
        values["capacity"], values["capacity_unit"] = to_canonical_capacity(
            values["capacity"], values["capacity_unit"]
        )


def _read_table(file: Path, table: Table, problems: list[Problem], parsed: Parsed) -> None:
    """Sort the rows of ``file`` into ``parsed`` (rows that parsed, rows that failed, or the
    table marked unreadable); append a problem for anything that does not parse.

    A table without any problem is parsed column by column (:mod:`tripp.atlas.fastparse`);
    any other is read row by row, so that each problem names its row and column."""
    valid_rows = read_valid_table(file, table, _valid_cell)
    if valid_rows is not None:
        parsed.rows[table.name].extend(valid_rows)
        return
    where = file.name
    try:
        handle = file.open(newline="", encoding="utf-8-sig")
    except OSError as error:
        problems.append(
            Problem(str(file), f"cannot be read ({error.strerror})", "check the file's permissions")
        )
        parsed.unreadable.add(table.name)
        return
    with handle:
        try:
            for row, ok in _parse_rows(where, handle, table, problems):
                (parsed.rows if ok else parsed.failed)[table.name].append(row)
        except _Unreadable:
            parsed.unreadable.add(table.name)
        except (csv.Error, UnicodeDecodeError) as error:
            problems.append(
                Problem(
                    where,
                    f"is not valid UTF-8 CSV ({error})",
                    "save the file as UTF-8 CSV with comma separators",
                )
            )
            parsed.unreadable.add(table.name)


class _Unreadable(Exception):
    """The header of a table is wrong: none of its rows can be read (already reported)."""


def _parse_rows(
    where: str, handle: TextIO, table: Table, problems: list[Problem]
) -> Iterator[tuple[ParsedRow, bool]]:
    """Yield each non-blank row with its parsed values and whether every cell parsed."""
    reader = csv.DictReader(handle)
    header = list(reader.fieldnames or [])
    if not _check_header(where, header, table, problems):
        raise _Unreadable
    known = {c.name for c in table.columns}
    for raw in reader:
        line = reader.line_num
        if None in raw:
            problems.append(
                Problem(
                    where,
                    "more cells than header columns",
                    "remove the extra cells or quote commas",
                    line,
                )
            )
            continue
        if all(not (v or "").strip() for v in raw.values()):
            continue
        before = len(problems)
        values: dict[str, Any] = {}
        for column in table.columns:
            text = (raw.get(column.name) or "").strip() if column.name in known else ""
            values[column.name] = _parse_cell(where, line, column, text, problems)
        row = ParsedRow(line, {k: v for k, v in values.items() if v is not None})
        yield row, len(problems) == before


def _check_header(where: str, header: list[str], table: Table, problems: list[Problem]) -> bool:
    names = [c.name for c in table.columns]
    ok = True
    for name in header:
        if name not in names:
            guess = did_you_mean(name, names, limit=1)
            fix = f"rename it to '{guess[0]}'" if guess else f"remove it; known: {', '.join(names)}"
            problems.append(Problem(where, f"unknown column '{name}'", fix, 1))
            ok = False
    for column in table.columns:
        if column.required and column.name not in header:
            problems.append(
                Problem(
                    where,
                    f"required column '{column.name}' is missing",
                    f"add a '{column.name}' column ({column.description})",
                    1,
                )
            )
            ok = False
    return ok


def parse_cell(
    where: str, line: int | None, column: Column, text: str
) -> tuple[Any, list[Problem]]:
    """Parse one cell's ``text`` as the atlas parses ``column``: the typed value (None when
    empty or invalid) and the problems found (type, choices, range, country, pattern); for
    rows that come from elsewhere than a CSV file, e.g. a scenario's [[contract]] block."""
    problems: list[Problem] = []
    value = _parse_cell(where, line or 0, column, text.strip(), problems)
    return value, problems


def _valid_cell(column: Column, text: str) -> tuple[Any, bool]:
    """The value of one stripped cell and whether it parsed without a problem."""
    problems: list[Problem] = []
    value = _parse_cell("", 0, column, text, problems)
    return value, not problems


def _parse_cell(where: str, line: int, column: Column, text: str, problems: list[Problem]) -> Any:
    """Parse one cell; append a problem and return None when it is invalid or empty."""

    def fail(problem: str, fix: str) -> None:
        problems.append(Problem(where, problem, fix, line, column.name))

    if not text:
        if column.required:
            fail("is empty", f"give the {column.description}")
        return None
    if column.type == "list":
        return tuple(item.strip() for item in text.split(";") if item.strip())
    if column.type == "bool":
        if text.lower() not in _BOOLS:
            fail(f"'{text}' is not a boolean", "write true or false")
            return None
        return _BOOLS[text.lower()]
    if column.type == "country":
        if not is_country(text):
            fail(f"unknown country code '{text}'", country_hint(text))
            return None
        return text
    if column.type in ("int", "float"):
        number = _parse_number(text, column.type)
        if number is None:
            kind = "a whole number" if column.type == "int" else "a number"
            fail(f"'{text}' is not {kind}", f"write {kind} in {column.unit or 'the column unit'}")
            return None
        if column.choices and str(number) not in column.choices:
            fail(
                f"{text} is not one of {', '.join(column.choices)}",
                f"use one of {', '.join(column.choices)}",
            )
            return None
        low, high = column.minimum, column.maximum
        if (low is not None and number < low) or (high is not None and number > high):
            fail(
                f"{text} is out of range [{_fmt(low)}, {_fmt(high)}] {column.unit}".rstrip(),
                f"give a value between {_fmt(low)} and {_fmt(high)}",
            )
            return None
        return number
    if column.choices and text not in column.choices:
        guess = did_you_mean(text, column.choices, limit=1)
        fix = f"did you mean '{guess[0]}'?" if guess else f"use one of {', '.join(column.choices)}"
        fail(f"'{text}' is not one of {', '.join(column.choices)}", fix)
        return None
    if column.pattern and not re.match(column.pattern, text):
        fail(
            f"'{text}' does not match the expected form {column.pattern}",
            "use letters, digits, '_', '-' or '.' (ids) or a full http(s) address (urls)",
        )
        return None
    return text


def _parse_number(text: str, kind: str) -> int | float | None:
    try:
        if kind == "int":
            return int(text)
        value = float(text.replace("_", ""))
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def _fmt(value: float | None) -> str:
    return "…" if value is None else f"{value:g}"
