"""What stacking atlas folders did: the rows a later folder overrode with other values.

``load_atlas(["embedded", "imported"])`` reads each folder and merges them table by table
by the table's key (:mod:`tripp.atlas.stack`): a later row with a key already present
replaces the earlier row. Overriding is allowed, it is the point of a stack; every override
that changes a value is kept here as an :class:`Override`, so that the user sees which
layer decided each figure. Overrides with identical values are only counted.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class RowPlace:
    """A row of a folder's table: ``file`` as the user can find it (``imported/links.csv``)
    and its 1-based line (the header is line 1)."""

    file: str
    row: int

    def __str__(self) -> str:
        return f"{self.file}:{self.row}"

    def to_dict(self) -> dict[str, object]:
        """The place as a JSON-ready mapping."""
        return {"file": self.file, "row": self.row}


@dataclass(frozen=True, slots=True)
class ColumnChange:
    """One column whose value a later row changed, as CSV cell text ("" for empty)."""

    column: str
    old: str
    new: str

    def to_dict(self) -> dict[str, str]:
        """The change as a JSON-ready mapping."""
        return {"column": self.column, "old": self.old, "new": self.new}


@dataclass(frozen=True, slots=True)
class Override:
    """A row of ``table`` with ``key`` (column → cell text) given at ``earlier`` and
    replaced by the row at ``later``, which differs in ``columns``."""

    table: str
    key: tuple[tuple[str, str], ...]
    earlier: RowPlace
    later: RowPlace
    columns: tuple[ColumnChange, ...]

    def __str__(self) -> str:
        key = ", ".join(f"{column}={value}" for column, value in self.key if value)
        changes = "; ".join(f"{c.column} {_short(c.old)} → {_short(c.new)}" for c in self.columns)
        return f"{self.table} {key}: {self.later} overrides {self.earlier}: {changes}"

    def to_dict(self) -> dict[str, object]:
        """The override as a JSON-ready mapping."""
        return {
            "table": self.table,
            "key": dict(self.key),
            "earlier": self.earlier.to_dict(),
            "later": self.later.to_dict(),
            "columns": [change.to_dict() for change in self.columns],
        }


#: The longest cell text an override's one-line summary shows (its dict has them whole).
SHOWN_CHARS = 40


def _short(text: str) -> str:
    if not text:
        return "(empty)"
    return text if len(text) <= SHOWN_CHARS else text[: SHOWN_CHARS - 1] + "…"


@dataclass(frozen=True, slots=True)
class AtlasMerge:
    """How the folders of a stack were merged: their names as the user gave them (first to
    last; ``embedded`` for the embedded atlas), every override that changed a value, and how
    many overrides repeated a row unchanged. Empty for a single folder."""

    layers: tuple[str, ...] = ()
    overrides: tuple[Override, ...] = ()
    identical_rows: int = 0


#: The merge of a single folder: nothing stacked, nothing overridden.
NO_MERGE = AtlasMerge()
