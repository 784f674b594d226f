"""Write imported rows as an atlas folder: CSV in the column registry's order, atomically,
and only once the whole folder passes the atlas's validation gate.

The folder is built beside ``out``, read back with :func:`tripp.atlas.io.load_atlas`, and
swapped in only when it is valid; otherwise nothing is written and the
:class:`~tripp.errors.InputError` lists every problem (file, row, column, fix). ``out`` is
replaced only as :mod:`tripp.reporting.atomic` allows (``force``, and only an output tripp
wrote).
"""

from __future__ import annotations

import csv
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Final, TypeAlias

from tripp.atlas.io import default_atlas_folder, load_atlas
from tripp.atlas.model import Atlas
from tripp.atlas.schema import TABLES, Table
from tripp.errors import InputError, Problem
from tripp.reporting.atomic import output_folder

#: The atlas's shortest link (km, the registry's minimum of ``links.length_km``): a shorter
#: imported link is set to it.
MIN_LENGTH_KM: Final = float(TABLES["links"].column("length_km").minimum or 0.0)

#: Imported rows per atlas table name: each row maps column names to values (str, int,
#: float, bool, a tuple for list columns; None or absent for an empty cell).
AtlasTables: TypeAlias = Mapping[str, Sequence[Mapping[str, Any]]]


def write_atlas_folder(tables: AtlasTables, out: Path, *, command: str, force: bool) -> Atlas:
    """Write ``tables`` as an atlas folder at ``out`` and return it as loaded from there.

    Every required table is written, header only where ``tables`` has no rows for it;
    optional tables only when they have rows. Raises :class:`~tripp.errors.InputError` when a
    table or column is unknown, or when the folder fails validation (nothing is written).

    >>> import tempfile
    >>> tables = embedded_rows(["tariffs", "cargo_types"], modes=["road"])
    >>> tables["sources"].append({"source_id": "survey", "title": "Our survey",
    ...     "publisher": "Us", "url": "https://example.org/survey", "year": 2026,
    ...     "confidence": "med"})
    >>> tables["nodes"] = [
    ...     {"node_id": "kars", "name": "Kars", "kind": "city", "country": "TR",
    ...      "lon": 43.10, "lat": 40.60, "source_ids": ("survey",)},
    ...     {"node_id": "ani", "name": "Ani", "kind": "city", "country": "TR",
    ...      "lon": 43.57, "lat": 40.51, "source_ids": ("survey",)}]
    >>> tables["links"] = [{"link_id": "kars-ani", "from_node": "kars", "to_node": "ani",
    ...     "mode": "road", "length_km": 45.0, "speed_kmh": 60.0, "status": "operating",
    ...     "source_ids": ("survey",)}]
    >>> out = Path(tempfile.mkdtemp()) / "atlas"
    >>> atlas = write_atlas_folder(tables, out, command="python", force=False)
    >>> [link.link_id for link in atlas.links], (out / "links.csv").exists()
    (['kars-ani'], True)
    >>> import shutil; shutil.rmtree(out.parent)
    """
    unknown = sorted(set(tables) - set(TABLES))
    if unknown:
        raise InputError(
            Problem(", ".join(unknown), "is not an atlas table", f"use {', '.join(TABLES)}")
        )
    with output_folder(Path(out), command=command, force=force) as staging:
        for table in TABLES.values():
            rows = tables.get(table.name, ())
            if rows or table.required:
                _write_table(staging / table.filename, table, rows)
        try:
            atlas = load_atlas(staging)
        except InputError as error:
            raise InputError(
                [_in_output(problem, staging, Path(out)) for problem in error.problems]
            ) from None
    return replace(atlas, folder=Path(out))


def embedded_rows(
    names: Sequence[str], *, modes: Sequence[str] | None = None
) -> dict[str, list[dict[str, str]]]:
    """Rows of the embedded atlas's tables ``names`` as written there (text cells), keeping
    only rows of ``modes`` where a table has a ``mode`` column, plus under ``sources`` every
    source those rows cite: published figures (tariffs, cargo types) an imported folder needs
    to stand alone, each keeping its own source.

    >>> rows = embedded_rows(["tariffs"], modes=["rail"])
    >>> {row["mode"] for row in rows["tariffs"]}, len(rows["sources"]) > 0
    ({'rail'}, True)
    """
    folder = default_atlas_folder()
    picked: dict[str, list[dict[str, str]]] = {}
    cited: set[str] = set()
    for name in names:
        rows = written_rows(folder / TABLES[name].filename)
        if modes is not None:
            rows = [row for row in rows if row.get("mode", modes[0]) in modes]
        picked[name] = rows
        cited.update(s for row in rows for s in row.get("source_ids", "").split(";") if s)
    picked["sources"] = embedded_sources(sorted(cited))
    return picked


def _write_table(file: Path, table: Table, rows: Sequence[Mapping[str, Any]]) -> None:
    """Write ``rows`` to ``file`` with the columns of ``table`` that any row fills, in the
    registry's order (required columns always)."""
    known = [column.name for column in table.columns]
    used = {name for row in rows for name, value in row.items() if value is not None}
    extra = sorted(used - set(known))
    if extra:
        raise InputError(
            Problem(
                table.filename,
                f"unknown column(s) {', '.join(extra)}",
                f"use the columns of {table.name} (docs/data-dictionary.md)",
            )
        )
    header = [c.name for c in table.columns if c.required or c.name in used]
    columns = [_column_texts([row.get(name) for row in rows]) for name in header]
    with file.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(zip(*columns, strict=True))


def _column_texts(values: list[Any]) -> list[str]:
    """:func:`cell_text` of every value of one column, a whole column of one type at a time
    (a country's network writes millions of cells)."""
    kinds = set(map(type, values)) - {type(None)}
    if kinds <= {str}:
        return ["" if v is None else v for v in values]
    if kinds <= {float}:
        return ["" if v is None else repr(v) for v in values]
    if kinds <= {int}:
        return ["" if v is None else str(v) for v in values]
    return list(map(cell_text, values))


def cell_text(value: Any) -> str:
    """One value as the atlas writes it: lists ';'-joined, booleans lower case, floats in
    the shortest form that reads back equal (``repr``), None empty."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (tuple, list)):
        return ";".join(str(item) for item in value)
    if isinstance(value, float):
        return repr(float(value))  # numpy floats too, written as plain numbers
    return str(value)


def _in_output(problem: Problem, staging: Path, out: Path) -> Problem:
    """``problem`` as found in the folder to be written at ``out`` (not its staging twin)."""
    return Problem(
        problem.where.replace(str(staging), str(out)),
        f"{problem.problem} (nothing was written)",
        problem.fix,
        problem.row,
        problem.column,
    )


@dataclass(frozen=True)
class ImportResult:
    """What an importer read: the rows to write, counts of what it saw and did (``summary``,
    e.g. ways read, chains merged, rows skipped by reason) and notes for the user."""

    tables: AtlasTables
    summary: Mapping[str, int | float | str] = field(default_factory=dict)
    notes: tuple[str, ...] = ()


def embedded_sources(source_ids: Sequence[str]) -> list[dict[str, str]]:
    """The embedded atlas's sources.csv rows of ``source_ids`` (text cells), in file order.

    >>> [row["publisher"] for row in embedded_sources(["carec_2022_all"])]
    ['ADB / CAREC']
    """
    wanted = set(source_ids)
    rows = written_rows(default_atlas_folder() / "sources.csv")
    return [row for row in rows if row["source_id"] in wanted]


def written_rows(file: Path) -> list[dict[str, str]]:
    """The rows of an atlas CSV ``file`` as written there: text cells, empty ones left out."""
    with file.open(newline="", encoding="utf-8-sig") as handle:
        return [{k: v for k, v in row.items() if k and v} for row in csv.DictReader(handle)]
