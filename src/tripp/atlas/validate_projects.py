"""Checks of projects.csv: every element names an atlas row, the capex profile adds up.

Called by :func:`tripp.atlas.validate.check_tables`; every problem names the file, row,
column and fix, so the appraisal can cost a project without guessing what it builds.
"""

from __future__ import annotations

from tripp.atlas.names import hint
from tripp.atlas.schema import ParsedRow
from tripp.errors import Problem

#: How far a capex profile may sum from 100 % (percentage points).
PROFILE_SUM_TOLERANCE_PCT = 0.5
#: Element selectors a project may name, with the table and columns that make up the id.
ELEMENT_KEYS: dict[str, tuple[str, tuple[str, ...]]] = {
    "link": ("links", ("link_id",)),
    "crossing": ("crossings", ("node_id", "from_country", "to_country", "mode")),
    "transfer": ("transfers", ("node_id", "from_mode", "to_mode")),
    "storage": ("storage", ("storage_id",)),
    "plant": ("plants", ("plant_id",)),
}

Rows = dict[str, list[ParsedRow]]


def element_ids(rows: Rows) -> set[str]:
    """Every selector a project may name in the parsed atlas ``rows``."""
    out: set[str] = set()
    for kind, (table, columns) in ELEMENT_KEYS.items():
        for row in rows[table]:
            out.add(":".join([kind, *(str(row.values.get(c) or "") for c in columns)]))
    return out


def check_projects(rows: Rows, problems: list[Problem]) -> None:
    """A project's elements exist; its capex profile has one share per construction year,
    each a number, summing to 100."""
    if not rows["projects"]:
        return
    known = element_ids(rows)
    for row in rows["projects"]:
        values = row.values
        for element in values.get("elements") or ():
            if element not in known:
                kind = element.partition(":")[0]
                fix = (
                    hint(element, sorted(known), "name an existing element")
                    if kind in ELEMENT_KEYS
                    else f"start it with one of {', '.join(f'{k}:' for k in ELEMENT_KEYS)}"
                )
                problems.append(
                    Problem(
                        "projects.csv", f"unknown element '{element}'", fix, row.line, "elements"
                    )
                )
        _check_profile(row, problems)


def _check_profile(row: ParsedRow, problems: list[Problem]) -> None:
    profile = row.values.get("capex_profile_pct") or ()
    if not profile:
        return
    years = row.values.get("construction_years")
    try:
        shares = [float(p) for p in profile]
    except ValueError:
        problems.append(
            Problem(
                "projects.csv",
                f"'{';'.join(profile)}' is not a list of numbers",
                "give one percentage per construction year, e.g. 30;40;30",
                row.line,
                "capex_profile_pct",
            )
        )
        return
    if years is not None and len(shares) != years:
        problems.append(
            Problem(
                "projects.csv",
                f"{len(shares)} shares for {years} construction years",
                "give one share per construction year, or leave it empty for an even spread",
                row.line,
                "capex_profile_pct",
            )
        )
    if min(shares) < 0 or abs(sum(shares) - 100.0) > PROFILE_SUM_TOLERANCE_PCT:
        problems.append(
            Problem(
                "projects.csv",
                f"shares sum to {sum(shares):g} %",
                "give non-negative shares that sum to 100",
                row.line,
                "capex_profile_pct",
            )
        )
