"""The feature behind each imported row, so that the validation gate's problems (a table's
CSV line and column) can name the GeoPackage layer, feature and field the user can fix.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tripp.errors import InputError, Problem
from tripp.importers.tables import ImportResult, cell_text

_LINE_BREAK = re.compile(r"\r\n|\r|\n")


@dataclass(frozen=True, slots=True)
class LayerOrigin:
    """Where the rows of one table came from: the layer, each row's feature id (in row
    order) and, per atlas column, the field it was read from ("" for a constant, None for a
    value taken from geometry)."""

    layer: str
    feature_ids: tuple[Any, ...]
    fields: Mapping[str, str | None]

    def csv_lines(self, rows: Sequence[Mapping[str, Any]]) -> list[int]:
        """The CSV line each of ``rows`` ends on once written (header: line 1), as the atlas
        reader numbers them: a cell with line breaks spans several lines."""
        lines, line = [], 1
        for row in rows:
            breaks = sum(len(_LINE_BREAK.findall(cell_text(v))) for v in row.values())
            line += 1 + breaks
            lines.append(line)
        return lines


@dataclass(frozen=True)
class GpkgImport(ImportResult):
    """An :class:`ImportResult` that knows the layer feature behind each row."""

    file: Path = Path()
    origins: Mapping[str, LayerOrigin] = field(default_factory=dict)

    def located(self, error: InputError) -> InputError:
        """``error`` with each problem of a row read from a layer named by the feature and
        field it came from (the table's CSV line is never shown: nothing was written)."""
        return InputError([self._locate(problem) for problem in error.problems])

    def _locate(self, problem: Problem) -> Problem:
        table = Path(problem.where).stem
        origin = self.origins.get(table)
        if origin is None or problem.row is None or Path(problem.where).suffix != ".csv":
            return problem
        # Rows past the layer's (sources the embedded tables cite) came from no feature.
        lines = origin.csv_lines(self.tables[table])[: len(origin.feature_ids)]
        if problem.row not in lines:
            return problem
        feature = origin.feature_ids[lines.index(problem.row)]
        column = problem.column
        if column is not None and column in origin.fields:
            source = origin.fields[column]
            what = (
                "from geometry" if source is None else f"field {source}" if source else "constant"
            )
            column = f"{table}.{column} ({what})"
        return Problem(
            f"{self.file} layer '{origin.layer}' feature {feature}",
            problem.problem,
            problem.fix,
            None,
            column,
        )
