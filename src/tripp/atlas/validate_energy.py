"""Checks across the energy tables: seasonal profiles, contracts, storage, energy rows.

Called by :func:`tripp.atlas.validate.check_tables`; every problem names the file, row,
column and fix. Units per carrier are checked here so that the energy model can convert
each figure once, without guessing.
"""

from __future__ import annotations

from collections import defaultdict

from tripp.atlas.schema import ParsedRow
from tripp.errors import Problem

#: How far a profile's 12 monthly shares may sum from 1.
SHARE_SUM_TOLERANCE = 0.01
#: The units of each carrier in contracts.csv and storage.csv.
CONTRACT_UNIT_OF = {"gas": "mcm_per_year", "power": "gwh_per_year"}
VOLUME_UNIT_OF = {"gas": "mcm", "power": "mwh"}
RATE_UNIT_OF = {"gas": "mcm_per_day", "power": "mw"}

Rows = dict[str, list[ParsedRow]]


def check_energy_tables(rows: Rows, problems: list[Problem]) -> None:
    """Check seasons.csv, contracts.csv, storage.csv and the energy rows' roles and units."""
    _check_seasons(rows["seasons"], problems)
    _check_energy_rows(rows["energy"], problems)
    _check_contracts(rows["contracts"], problems)
    _check_storage(rows["storage"], problems)


def _check_seasons(rows: list[ParsedRow], problems: list[Problem]) -> None:
    months: dict[str, dict[int, float]] = defaultdict(dict)
    first_line: dict[str, int] = {}
    for row in rows:
        profile = row.values["profile_id"]
        months[profile][row.values["month"]] = row.values["share"]
        first_line.setdefault(profile, row.line)
    for profile, shares in months.items():
        missing = sorted(set(range(1, 13)) - set(shares))
        if missing:
            problems.append(
                Problem(
                    "seasons.csv",
                    f"profile '{profile}' has no share for month(s) {', '.join(map(str, missing))}",
                    "give all 12 months",
                    first_line[profile],
                    "month",
                )
            )
        elif abs(sum(shares.values()) - 1.0) > SHARE_SUM_TOLERANCE:
            problems.append(
                Problem(
                    "seasons.csv",
                    f"the 12 shares of profile '{profile}' sum to {sum(shares.values()):.4f}",
                    "make them sum to 1 (each month's share of the annual volume)",
                    first_line[profile],
                    "share",
                )
            )


def _check_energy_rows(rows: list[ParsedRow], problems: list[Problem]) -> None:
    for row in rows:
        values = row.values
        peak = values["role"] == "peak_demand"
        if peak and (values["carrier"], values["unit"]) != ("gas", "mcm_per_day"):
            problems.append(
                Problem(
                    "energy.csv",
                    f"peak_demand at '{values['node_id']}' is {values['carrier']} in "
                    f"{values['unit']}",
                    "give peak-day demand of gas in mcm_per_day",
                    row.line,
                    "unit",
                )
            )
        elif not peak and values["unit"] == "mcm_per_day":
            problems.append(
                Problem(
                    "energy.csv",
                    f"{values['role']} at '{values['node_id']}' is in mcm_per_day",
                    "give annual figures in mcm_per_year (mcm_per_day is for peak_demand)",
                    row.line,
                    "unit",
                )
            )


def _check_contracts(rows: list[ParsedRow], problems: list[Problem]) -> None:
    for row in rows:
        values = row.values
        where = f"contract '{values['contract_id']}'"
        unit = CONTRACT_UNIT_OF[values["carrier"]]
        if values["unit"] != unit:
            problems.append(
                Problem(
                    "contracts.csv",
                    f"{where} is {values['carrier']} in {values['unit']}",
                    f"give a {values['carrier']} contract in {unit}",
                    row.line,
                    "unit",
                )
            )
        if values["seller"] == values["buyer"]:
            problems.append(
                Problem(
                    "contracts.csv",
                    f"{where} has seller and buyer {values['seller']}",
                    "a country's own supplies serve it without a contract: remove the row",
                    row.line,
                    "buyer",
                )
            )
        if values.get("year_to") is not None and values["year_to"] < values["year_from"]:
            problems.append(
                Problem(
                    "contracts.csv",
                    f"{where} ends ({values['year_to']}) before it starts ({values['year_from']})",
                    "give year_to >= year_from",
                    row.line,
                    "year_to",
                )
            )


def _check_storage(rows: list[ParsedRow], problems: list[Problem]) -> None:
    for row in rows:
        values = row.values
        carrier = values["carrier"]
        for column, wanted in (
            ("volume_unit", VOLUME_UNIT_OF[carrier]),
            ("rate_unit", RATE_UNIT_OF[carrier]),
        ):
            if values[column] != wanted:
                problems.append(
                    Problem(
                        "storage.csv",
                        f"{carrier} storage '{values['storage_id']}' has {column} {values[column]}",
                        f"give {column} {wanted}",
                        row.line,
                        column,
                    )
                )
