"""The column-wise reader of valid tables gives exactly what the row-wise reader gives:
the same rows, lines and values, the same atlas, and, where any cell is wrong, the same
problems (it then leaves the table to the row-wise reader)."""

from __future__ import annotations

from pathlib import Path
from unittest import mock

import pytest

from tests.scale_atlas import write_big_atlas
from tripp.atlas import io
from tripp.atlas.fastparse import read_valid_table
from tripp.atlas.io import default_atlas_folder, load_atlas, validate
from tripp.atlas.schema import TABLES, ParsedRow, Table
from tripp.errors import Problem


def _row_wise(file: Path, table: Table) -> tuple[list[ParsedRow], list[Problem]]:
    problems: list[Problem] = []
    with file.open(newline="", encoding="utf-8-sig") as handle:
        rows = [row for row, ok in io._parse_rows(file.name, handle, table, problems) if ok]
    return rows, problems


def _row_wise_only() -> mock._patch:  # type: ignore[type-arg]
    return mock.patch.object(io, "read_valid_table", lambda *args: None)


@pytest.fixture(scope="module")
def big_atlas(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_big_atlas(tmp_path_factory.mktemp("big") / "atlas")


def test_every_embedded_table_reads_the_same_both_ways() -> None:
    fast_tables = 0
    for table in TABLES.values():
        file = default_atlas_folder() / table.filename
        if not file.exists():
            continue
        rows, problems = _row_wise(file, table)
        assert not problems
        fast = read_valid_table(file, table, io._valid_cell)
        if fast is not None:
            fast_tables += 1
            assert fast == rows, table.name
    assert fast_tables >= 8  # the tables without a note spread over several lines


def test_a_big_links_table_in_every_csv_form_reads_the_same_both_ways(big_atlas: Path) -> None:
    file, table = big_atlas / "links.csv", TABLES["links"]
    rows, problems = _row_wise(file, table)
    assert not problems and len(rows) > 3000
    fast = read_valid_table(file, table, io._valid_cell)
    assert fast is not None, "a valid table is read column by column"
    assert fast == rows
    lines = [row.line for row in rows]
    assert lines == sorted(lines) and len(set(lines)) == len(lines)
    assert lines[-1] > len(rows) + 1  # blank and empty rows were skipped, not renumbered
    assert any(isinstance(row.values["length_km"], float) for row in fast)


def test_the_big_atlas_loads_the_same_both_ways(big_atlas: Path) -> None:
    fast = load_atlas(big_atlas)
    with _row_wise_only():
        row_wise = load_atlas(big_atlas)
    assert fast == row_wise
    assert len(fast.links) > 3000


def test_the_embedded_atlas_loads_the_same_both_ways() -> None:
    with _row_wise_only():
        row_wise = load_atlas()
    assert load_atlas() == row_wise


@pytest.mark.parametrize(
    ("column", "text", "message"),
    [
        ("length_km", "abc", "'abc' is not a number"),
        ("mode", "rial", "'rial' is not one of"),
        ("gauge_mm", "999", "999 is not one of"),
        ("link_id", "bad id", "does not match the expected form"),
        ("estimated", "yes", "'yes' is not a boolean"),
        ("speed_kmh", "-5", "is out of range"),
    ],
)
def test_a_bad_cell_in_a_big_table_gives_the_row_wise_problems(
    big_atlas: Path, tmp_path: Path, column: str, text: str, message: str
) -> None:
    folder = tmp_path / "atlas"
    folder.mkdir()
    for file in big_atlas.iterdir():
        folder.joinpath(file.name).write_bytes(file.read_bytes())
    links = folder / "links.csv"
    lines = links.read_text(encoding="utf-8").splitlines(keepends=True)
    header = lines[0].rstrip("\n").split(",")
    target = next(
        i
        for i in range(len(lines) - 40, 0, -1)
        if '"' not in lines[i] and len(lines[i].split(",")) == len(header)
    )
    cells = lines[target].rstrip("\r\n").split(",")
    cells[header.index(column)] = text
    lines[target] = ",".join(cells) + "\r\n"
    links.write_text("".join(lines), encoding="utf-8")
    assert read_valid_table(links, TABLES["links"], io._valid_cell) is None
    problems = validate(folder)
    with _row_wise_only():
        assert validate(folder) == problems
    bad = [p for p in problems if p.row == target + 1 and p.column == column]
    assert bad and message in bad[0].problem, problems


def test_blank_and_empty_rows_are_skipped_and_keep_their_lines(tmp_path: Path) -> None:
    file = tmp_path / "sources.csv"
    file.write_text(
        "source_id,title,publisher,url,year,confidence\n"
        "a,A,P,https://a.example,2020,high\n"
        "\n"
        "\n"
        "b,B,P,https://b.example,2021,low\n"
        ",,,,,\n",
        encoding="utf-8",
    )
    table = TABLES["sources"]
    fast = read_valid_table(file, table, io._valid_cell)
    assert fast is not None
    assert [row.line for row in fast] == [2, 5]
    assert fast == _row_wise(file, table)[0]


@pytest.mark.parametrize(
    "body",
    [
        'a,"A, quoted",P,https://a.example,2020,high\nb,"B\non two lines",P,https://b.example,2021,low\n',
        "a,A,P,https://a.example,2020,high,extra\n",
        "a,A,P,https://a.example,2020,\n",
    ],
    ids=["multi-line cell", "extra cell", "empty required cell"],
)
def test_what_the_column_reader_leaves_to_the_row_reader(tmp_path: Path, body: str) -> None:
    file = tmp_path / "sources.csv"
    file.write_text("source_id,title,publisher,url,year,confidence\n" + body, encoding="utf-8")
    assert read_valid_table(file, TABLES["sources"], io._valid_cell) is None
