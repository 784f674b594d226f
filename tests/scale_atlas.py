"""A copy of the embedded atlas with thousands of extra links written every way a CSV may
hold them (padded, quoted, digit separators, short rows, blank lines), for the tests of the
column-wise reader and compiler on a large table."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

from tripp.atlas.io import default_atlas_folder
from tripp.units import FREIGHT_MODES


def write_big_atlas(folder: Path, copies: int = 12) -> Path:
    """The embedded atlas in ``folder`` with ``copies`` parallel copies of every freight
    link appended to links.csv (new ids), notes kept on one line."""
    shutil.copytree(default_atlas_folder(), folder)
    file = folder / "links.csv"
    with file.open(newline="", encoding="utf-8") as handle:
        reader = csv.reader(handle)
        header = next(reader)
        rows = [[cell.replace("\n", " ") for cell in row] for row in reader]
    at = {name: i for i, name in enumerate(header)}
    with file.open("w", newline="", encoding="utf-8") as handle:
        plain = csv.writer(handle)
        quoted = csv.writer(handle, quoting=csv.QUOTE_ALL)
        plain.writerow(header)
        plain.writerows(rows)
        freight = [row for row in rows if row[at["mode"]] in FREIGHT_MODES]
        for k in range(copies):
            for n, original in enumerate(freight):
                row = list(original)
                row[at["link_id"]] = f"{row[at['link_id']]}.copy{k}"
                style = (k + n) % 5
                if style == 1:
                    row = [f"  {cell} " for cell in row]
                elif style == 2:
                    quoted.writerow(row)
                    continue
                elif style == 3:
                    length = row[at["length_km"]]
                    if len(length.split(".")[0]) >= 2:
                        row[at["length_km"]] = f"{length[0]}_{length[1:]}"
                elif style == 4:
                    while row and not row[-1].strip():
                        row.pop()  # a short row: the missing cells are empty
                plain.writerow(row)
                if n % 97 == 0:
                    handle.write("\n")  # a blank line: skipped, the next row keeps its number
                if n % 131 == 0:
                    handle.write("," * (len(header) - 1) + "\n")  # a row of empty cells
    return folder
