"""Parse a whole valid atlas table column by column, for folders with millions of rows.

The row-wise parser of :mod:`tripp.atlas.io` handles one cell at a time so that it can
name each problem's row and column. Most tables of a large atlas have no problem at all;
:func:`read_valid_table` parses those a column at a time instead: a number column through
one ``float``/``int`` conversion of all its cells, an id column through one pattern match
per cell, and every other column (choices, countries, booleans, lists) by parsing each
*distinct* text once with the row-wise cell parser itself, so the values are the same.

It returns None as soon as the table would give any problem (a header, encoding or CSV
error, an extra cell, an invalid or missing value, a row spread over several lines): the
caller then parses the table row by row and reports exactly what it always did.
"""

from __future__ import annotations

import csv
import math
import re
from collections.abc import Callable, Sequence
from functools import partial
from pathlib import Path
from typing import Any

from tripp.atlas.schema import Column, ParsedRow, Table

#: Parses one stripped cell as the row-wise reader does: (value, whether it is valid).
CellParser = Callable[[Column, str], tuple[Any, bool]]


class _Invalid(Exception):
    """Some cell of the table would give a problem: parse it row by row."""


def read_valid_table(file: Path, table: Table, parse_cell: CellParser) -> list[ParsedRow] | None:
    """The rows of ``file`` as the row-wise reader parses them (same lines, same values,
    blank rows left out), or None when reading it row by row would report any problem."""
    try:
        with file.open(newline="", encoding="utf-8-sig") as handle:
            reader = csv.reader(handle)
            header = next(reader, None) or []
            header_lines = reader.line_num
            body = list(reader)
            one_line_rows = reader.line_num - header_lines == len(body)
    except (OSError, csv.Error, UnicodeDecodeError):
        return None
    names = [c.name for c in table.columns]
    if not one_line_rows or not _header_is_valid(header, table, names):
        return None
    try:
        return _parse_body(header, header_lines, body, table, parse_cell)
    except _Invalid:
        return None


def _header_is_valid(header: list[str], table: Table, names: list[str]) -> bool:
    """No unknown or repeated column and every required one present."""
    return (
        len(set(header)) == len(header)
        and all(name in names for name in header)
        and all(c.name in header for c in table.columns if c.required)
    )


def _parse_body(
    header: list[str],
    header_lines: int,
    body: list[list[str]],
    table: Table,
    parse_cell: CellParser,
) -> list[ParsedRow]:
    """The rows of ``body`` (the CSV rows under the header), parsed column by column."""
    rows, lines = _rows_and_lines(body, header_lines, len(header))
    present = [c for c in table.columns if c.name in header]
    by_column = list(zip(*rows, strict=True)) if rows else [() for _ in header]
    body.clear()  # the caller's list too: free the rows before the values are made
    rows.clear()
    texts = {c.name: list(map(str.strip, by_column[header.index(c.name)])) for c in present}
    del by_column
    keep = _not_blank(texts, len(lines))
    if keep is not None:
        lines = [lines[i] for i in keep]
        texts = {name: [cells[i] for i in keep] for name, cells in texts.items()}
    columns = [(c.name, *_parse_column(c, texts.pop(c.name), parse_cell)) for c in present]
    names = [name for name, _, _ in columns]
    records = list(
        map(dict, map(partial(zip, names), zip(*(v for _, v, _ in columns), strict=True)))
    )
    for name, values, has_empty in columns:
        if has_empty:  # None where empty: not a value of the row
            for record, value in zip(records, values, strict=True):
                if value is None:
                    del record[name]
    return list(map(ParsedRow, lines, records))


def _rows_and_lines(
    body: list[list[str]], header_lines: int, width: int
) -> tuple[list[list[str]], list[int]]:
    """The non-empty rows, padded to ``width`` cells, with their line numbers (an empty
    line gives no row, as in :class:`csv.DictReader`)."""
    first_line = header_lines + 1
    if all(len(row) == width for row in body):
        return body, list(range(first_line, first_line + len(body)))
    rows: list[list[str]] = []
    lines: list[int] = []
    for line, row in enumerate(body, start=first_line):
        if not row:
            continue
        if len(row) > width:
            raise _Invalid
        rows.append(row + [""] * (width - len(row)))
        lines.append(line)
    return rows, lines


def _not_blank(texts: dict[str, list[str]], n_rows: int) -> list[int] | None:
    """Indices of the rows with a non-empty cell, or None when every row has one."""
    if not texts:
        return []
    first = next(iter(texts.values()))
    if "" not in first:
        return None
    empty = [i for i, text in enumerate(first) if not text]
    blank = {i for i in empty if not any(cells[i] for cells in texts.values())}
    if not blank:
        return None
    return [i for i in range(n_rows) if i not in blank]


def _parse_column(
    column: Column, texts: list[str], parse_cell: CellParser
) -> tuple[list[Any], bool]:
    """Every cell of ``column`` parsed (None where empty) and whether any is empty;
    :class:`_Invalid` on any problem."""
    has_empty = "" in texts
    if has_empty and column.required:
        raise _Invalid
    if column.type == "str" and not column.choices:
        return _strings(column, texts, has_empty), has_empty
    if column.type in ("int", "float") and not column.choices:
        numbers = _numbers(column, texts, has_empty)
        if numbers is not None:
            return numbers, has_empty
    return _by_distinct_text(column, texts, parse_cell), has_empty


def _strings(column: Column, texts: list[str], has_empty: bool) -> list[Any]:
    """Texts as they are (a pattern checked); one string object per distinct text of free
    text and references (a method repeated on a million rows is held once)."""
    if column.pattern:
        match = re.compile(column.pattern).match
        if not all(map(match, (t for t in texts if t) if has_empty else texts)):
            raise _Invalid
    if not column.pattern or column.references:
        shared: dict[str, str] = {}
        texts = list(map(shared.setdefault, texts, texts))
    return [t or None for t in texts] if has_empty else texts


def _numbers(column: Column, texts: list[str], has_empty: bool) -> list[Any] | None:
    """The numbers of a column without choices; None when a cell holds '_' (a digit
    separator, left to the cell parser)."""
    given: Sequence[str] = [t for t in texts if t] if has_empty else texts
    if "_" in "".join(given):
        return None
    convert: Callable[[str], float] = int if column.type == "int" else float
    try:
        numbers = list(map(convert, given))
    except ValueError:
        raise _Invalid from None
    if column.type == "float" and not all(map(math.isfinite, numbers)):
        raise _Invalid
    low, high = column.minimum, column.maximum
    if numbers and (
        (low is not None and min(numbers) < low) or (high is not None and max(numbers) > high)
    ):
        raise _Invalid
    if not has_empty:
        return numbers
    it = iter(numbers)
    return [next(it) if t else None for t in texts]


def _by_distinct_text(column: Column, texts: list[str], parse_cell: CellParser) -> list[Any]:
    """Parse each distinct text once with the row-wise parser and share its value."""
    values: dict[str, Any] = {}
    for text in set(texts):
        value, ok = parse_cell(column, text)
        if not ok:
            raise _Invalid
        values[text] = value
    return list(map(values.__getitem__, texts))
