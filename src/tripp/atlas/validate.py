"""Checks across rows and tables: keys, references, modes, gauges, statuses, countries.

Called by :func:`tripp.atlas.io.load_atlas` in the same pass as parsing, so a cell that does
not parse never hides a problem elsewhere. The checks run on the rows that parsed; a row that
failed to parse is left out of them, but the ids it gave still count as known (a node whose
``lat`` is wrong is not also an unknown node), and references into a table that could not be
read at all are not checked. Appends every problem found and resolves each link's ``country``
(the one derived value, never guessed: a link between two countries must state which one it
lies in).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from operator import attrgetter, methodcaller
from pathlib import Path
from typing import Any

from tripp.atlas.countries import country_hint, is_country
from tripp.atlas.model import ATLAS_AS_OF_YEAR, DEFAULT_CARGO_TYPE, FORECAST_YEARS
from tripp.atlas.names import hint
from tripp.atlas.schema import TABLES, TARIFF_COLUMN_OF_UNIT, Column, ParsedRow
from tripp.atlas.validate_energy import check_energy_tables
from tripp.atlas.validate_projects import check_projects
from tripp.errors import Problem
from tripp.units import ENERGY_MODES, FREIGHT_MODES, INTERNATIONAL_WATERS

Rows = dict[str, list[ParsedRow]]


@dataclass
class Parsed:
    """The tables of an atlas folder as read, per table name.

    ``rows``: rows whose every cell parsed (the subjects of the checks); ``failed``: rows with
    a cell that did not parse, holding the values that did; ``unreadable``: tables missing or
    with a header or encoding that could not be read (none of their rows are known).
    """

    rows: Rows = field(default_factory=dict)
    failed: Rows = field(default_factory=dict)
    unreadable: set[str] = field(default_factory=set)

    def known(self, table: str, column: str) -> set[Any] | None:
        """Every value of ``column`` given in ``table``, parsed rows or not; None when the
        table could not be read, so nothing can be said about references into it."""
        if table in self.unreadable:
            return None
        return {r.values.get(column) for r in (*self.rows[table], *self.failed[table])}


def check_tables(folder: Path, parsed: Parsed, problems: list[Problem]) -> None:
    """Run every cross-row check on the rows of the atlas in ``folder`` that parsed."""
    del folder  # problems name files relative to the folder the user gave
    rows = parsed.rows
    fill_empty_defaults(parsed)
    known: dict[str, set[Any] | None] = {}  # per "table.column" referred to
    for table in TABLES.values():
        check_keys(table.name, table.key, rows[table.name], problems)
        _check_references(table.name, parsed, known, problems)
        _check_provenance(table.name, rows[table.name], problems)
    nodes = {r.values["node_id"]: r.values for r in rows["nodes"]}
    _check_links(rows["links"], nodes, problems)
    links = _targets(parsed, "links", ("from_node", "to_node", "mode"))
    _check_crossings(rows["crossings"], links, nodes, problems)
    _check_transfers(rows["transfers"], links, problems)
    cargo = cargo_types_of(rows["cargo_types"])
    _check_cargo_types(rows["cargo_types"], problems)
    _check_cargo_lists(rows["transfers"], "transfers.csv", "cargo_types", cargo, problems)
    _check_cargo_lists(rows["services"], "services.csv", "cargo_types", cargo, problems)
    _check_services(rows["services"], links, problems)
    _check_sailings(rows["services"], rows["links"], nodes, problems)
    tariffs = _targets(parsed, "tariffs", ("mode", "country"))
    _check_tariffs(rows["tariffs"], tariffs, rows["links"], cargo, problems)
    _check_demand(rows["demand"], cargo, problems)
    check_energy_tables(rows, problems)
    check_projects(rows, problems)


def fill_empty_defaults(parsed: Parsed) -> None:
    """Write the documented meaning of an empty key cell into the rows (a tariff's or a
    transfer's cargo type: container), so that keys compare as the engine reads them."""
    for name, column, default in (
        ("tariffs", "cargo_type", DEFAULT_CARGO_TYPE),
        ("transfers", "cargo_types", (DEFAULT_CARGO_TYPE,)),
    ):
        for row in (*parsed.rows[name], *parsed.failed[name]):
            row.values.setdefault(column, default)


def _check_demand(
    rows: list[ParsedRow], cargo: dict[str, tuple[str, tuple[str, ...]]], problems: list[Problem]
) -> None:
    """A demand row names a known cargo type, gives TEU when it travels in TEU, and has a
    reference year no later than the forecast year (:func:`tripp.atlas.model.demand_in_year`)."""
    last = FORECAST_YEARS[-1]
    for row in rows:
        values = row.values
        kind = values["cargo_type"]
        if kind not in cargo:
            problems.append(
                Problem(
                    "demand.csv",
                    f"unknown cargo type '{kind}'",
                    hint(kind, cargo, f"use one of {', '.join(cargo)} (cargo_types.csv)"),
                    row.line,
                    "cargo_type",
                )
            )
        elif cargo[kind][0] == "TEU" and values.get("teu_per_year") is None:
            problems.append(
                Problem(
                    "demand.csv",
                    f"a '{kind}' flow is counted in TEU but has no teu_per_year",
                    "give teu_per_year (and t_per_year in tonnes)",
                    row.line,
                    "teu_per_year",
                )
            )
        for mode in values.get("modes", ()):
            if mode not in FREIGHT_MODES or (kind in cargo and mode not in cargo[kind][1]):
                problems.append(
                    Problem(
                        "demand.csv",
                        f"mode '{mode}' is not a mode its cargo type '{kind}' may use",
                        f"use modes of {kind} in cargo_types.csv",
                        row.line,
                        "modes",
                    )
                )
        if values["year"] > last:
            problems.append(
                Problem(
                    "demand.csv",
                    f"reference year {values['year']} is after the forecast year {last}",
                    f"give the flow in a year up to {last}; later years are derived by growth",
                    row.line,
                    "year",
                )
            )


def _column(rows: list[ParsedRow], column: str) -> list[Any]:
    """The values of ``column`` in ``rows`` (None where a row has none)."""
    return list(map(methodcaller("get", column), map(attrgetter("values"), rows)))


def _distinct(rows: list[ParsedRow], column: str) -> set[Any]:
    """The distinct values of ``column`` in ``rows`` (None where a row has none)."""
    return set(map(methodcaller("get", column), map(attrgetter("values"), rows)))


def check_keys(
    name: str, key: tuple[str, ...], rows: list[ParsedRow], problems: list[Problem]
) -> None:
    """Append a problem for each row of table ``name`` whose ``key`` an earlier row gave."""
    if len(key) == 1 and len(_distinct(rows, key[0])) == len(rows):
        return  # the common case, checked without a tuple per row
    keys = [tuple(row.values.get(k) for k in key) for row in rows]
    if len(set(keys)) == len(keys):
        return
    seen: dict[tuple[Any, ...], int] = {}
    for row, value in zip(rows, keys, strict=True):
        if value in seen:
            shown = ", ".join(str(v) for v in value if v is not None)
            problems.append(
                Problem(
                    f"{name}.csv",
                    f"duplicate {'/'.join(key)} '{shown}' (first on line {seen[value]})",
                    "give each row a unique key or merge the rows",
                    row.line,
                    key[0],
                )
            )
        else:
            seen[value] = row.line


def _targets(parsed: Parsed, table: str, needed: tuple[str, ...]) -> list[ParsedRow] | None:
    """The rows of ``table`` that other tables are checked against: those that parsed and the
    failed ones that still give every ``needed`` column; None when the table could not be read."""
    if table in parsed.unreadable:
        return None
    failed = [r for r in parsed.failed[table] if all(k in r.values for k in needed)]
    return [*parsed.rows[table], *failed]


def _check_references(
    name: str, parsed: Parsed, known: dict[str, set[Any] | None], problems: list[Problem]
) -> None:
    """Every id a column of table ``name`` refers to exists (``known``: the ids of each
    target column met so far)."""
    for column in TABLES[name].columns:
        if not column.references:
            continue
        if not parsed.rows[name]:
            continue
        target_table, target_column = column.references.split(".")
        if column.references not in known:
            known[column.references] = parsed.known(target_table, target_column)
        valid = known[column.references]
        if valid is None or _all_known(parsed.rows[name], column, valid):
            continue
        for row in parsed.rows[name]:
            value = row.values.get(column.name)
            items = value if isinstance(value, tuple) else (value,) if value else ()
            for item in items:
                if item not in valid:
                    what = "source" if target_table == "sources" else "node"
                    problems.append(
                        Problem(
                            f"{name}.csv",
                            f"unknown {what} '{item}'",
                            _ref_fix(item, valid, target_table),
                            row.line,
                            column.name,
                        )
                    )


def _all_known(rows: list[ParsedRow], column: Column, valid: set[Any]) -> bool:
    """Whether every id that ``column`` of ``rows`` refers to is in ``valid`` (the common
    case, checked without a loop per row)."""
    if column.type == "list":  # a tuple of ids per row, the same tuple for the same text
        items: set[Any] = set()
        for value in _distinct(rows, column.name):
            items.update(value or ())
        return items <= valid
    values = map(methodcaller("get", column.name), map(attrgetter("values"), rows))
    return valid.issuperset(filter(None, values))


def _ref_fix(item: str, valid: set[Any], table: str) -> str:
    return hint(item, [str(v) for v in valid if v], f"add it to {table}.csv or use an existing id")


def _check_provenance(name: str, rows: list[ParsedRow], problems: list[Problem]) -> None:
    if "estimated" not in {c.name for c in TABLES[name].columns}:
        return
    estimated, method = _column(rows, "estimated"), _column(rows, "method")
    if not any(e and not m for e, m in zip(estimated, method, strict=True)):
        return  # the common case, checked without a lookup per row
    for row in rows:
        if row.values.get("estimated") and not row.values.get("method"):
            problems.append(
                Problem(
                    f"{name}.csv",
                    "estimated row has no method",
                    "say how the figure was derived, e.g. 'great-circle "
                    "93 km × 1.25 rail circuity'",
                    row.line,
                    "method",
                )
            )


def _check_year(where: str, row: ParsedRow, problems: list[Problem]) -> None:
    status = row.values.get("status", "operating")
    year = row.values.get("open_year")
    if year is None:
        return
    if status in ("operating", "closed", "suspended") and year > ATLAS_AS_OF_YEAR:
        problems.append(
            Problem(
                where,
                f"status {status} with open_year {year} after the atlas year {ATLAS_AS_OF_YEAR}",
                "set status under_construction or planned, or correct open_year",
                row.line,
                "status",
            )
        )
    if status in ("under_construction", "planned") and year < ATLAS_AS_OF_YEAR:
        problems.append(
            Problem(
                where,
                f"status {status} with open_year {year} before the atlas year {ATLAS_AS_OF_YEAR}",
                "set status operating, or give the year it is now due to open",
                row.line,
                "open_year",
            )
        )


def _check_links(
    rows: list[ParsedRow], nodes: dict[str, dict[str, Any]], problems: list[Problem]
) -> None:
    for row in rows:
        v, line = row.values, row.line

        def fail(column: str, problem: str, fix: str, line: int = line) -> None:
            problems.append(Problem("links.csv", problem, fix, line, column))

        mode = v["mode"]
        if v["from_node"] == v["to_node"]:
            fail("to_node", "link starts and ends at the same node", "connect two different nodes")
        if mode == "rail" and "gauge_mm" not in v:
            fail("gauge_mm", "rail link without gauge", "give the track gauge, e.g. 1520 or 1435")
        if mode != "rail" and "gauge_mm" in v:
            fail("gauge_mm", f"{mode} link with a gauge", "leave gauge_mm empty for non-rail links")
        if mode in FREIGHT_MODES and "speed_kmh" not in v and "time_h" not in v:
            fail(
                "speed_kmh",
                f"{mode} link has neither speed_kmh nor time_h",
                "give an average freight speed or an end-to-end time",
            )
        if ("capacity" in v) != ("capacity_unit" in v):
            fail(
                "capacity_unit",
                "capacity and capacity_unit must be given together",
                "give both or neither",
            )
        if "open_year" in v:
            _check_year("links.csv", row, problems)
        start, stop = nodes.get(v["from_node"]), nodes.get(v["to_node"])
        if start is None or stop is None:
            continue  # the unknown node is already reported
        ends = [start["country"], stop["country"]]
        country = v.get("country")
        if country is None:
            if ends[0] != ends[1]:
                fail(
                    "country",
                    f"link joins {ends[0]} and {ends[1]} but names no country",
                    f"set country to {ends[0]} or {ends[1]} (where the link lies)",
                )
            else:
                v["country"] = ends[0]
        elif country not in ends and country != INTERNATIONAL_WATERS:
            fail(
                "country",
                f"country {country} is neither end's country ({ends[0]}, {ends[1]})",
                f"use {ends[0]} or {ends[1]}, or split the link at the border",
            )
        elif country == INTERNATIONAL_WATERS and mode not in ("sea", "ferry", *ENERGY_MODES):
            fail(
                "country",
                f"{mode} link in international waters",
                "only sea, ferry and energy links may lie in XZ",
            )


def _check_crossings(
    rows: list[ParsedRow],
    links: list[ParsedRow] | None,
    nodes: dict[str, dict[str, Any]],
    problems: list[Problem],
) -> None:
    """``links`` is None when links.csv could not be read: which links meet a crossing is
    then unknown and not checked."""
    if not rows:
        return
    at_crossings = {row.values["node_id"] for row in rows}
    link_countries: dict[str, set[tuple[str, str]]] = defaultdict(set)
    for link in links or ():
        v = link.values
        if "country" in v:
            for end in (v["from_node"], v["to_node"]):
                if end in at_crossings:
                    link_countries[end].add((v["mode"], v["country"]))
    for row in rows:
        v, line = row.values, row.line
        if ("capacity" in v) != ("capacity_unit" in v):
            problems.append(
                Problem(
                    "crossings.csv",
                    "capacity and capacity_unit must be given together",
                    "give both or neither",
                    line,
                    "capacity_unit",
                )
            )
        if v["from_country"] == v["to_country"]:
            problems.append(
                Problem(
                    "crossings.csv",
                    "from_country equals to_country",
                    "a crossing joins two different countries",
                    line,
                    "to_country",
                )
            )
            continue
        node = nodes.get(v["node_id"])
        if node is None:
            continue
        sides = {v["from_country"], v["to_country"]}
        if node["country"] not in sides:
            problems.append(
                Problem(
                    "crossings.csv",
                    f"node {v['node_id']} is in "
                    f"{node['country']}, not in {v['from_country']} or "
                    f"{v['to_country']}",
                    "move the crossing to a node on that border or correct the countries",
                    line,
                    "node_id",
                )
            )
        if links is not None:
            _check_crossing_links(row, node["country"], link_countries[v["node_id"]], problems)
        _check_year("crossings.csv", row, problems)


def _check_crossing_links(
    row: ParsedRow, node_country: str, present: set[tuple[str, str]], problems: list[Problem]
) -> None:
    """A crossing needs links of its countries at its node (``present``: their modes and
    countries), except where a route starts or ends at the node."""
    v, line = row.values, row.line
    ends_here = v["to_country"] == node_country
    if (v["mode"], v["to_country"]) not in present and not ends_here:
        problems.append(
            Problem(
                "crossings.csv",
                f"no {v['mode']} link of country {v['to_country']} meets {v['node_id']}",
                "add the link or correct mode/to_country",
                line,
                "mode",
            )
        )
    starts_here = v["from_country"] == node_country
    if not starts_here and not any(
        c == v["from_country"] for m, c in present if m in FREIGHT_MODES
    ):
        problems.append(
            Problem(
                "crossings.csv",
                f"no freight link of country {v['from_country']} meets {v['node_id']}",
                "add the link or correct from_country",
                line,
                "from_country",
            )
        )


def _check_transfers(
    rows: list[ParsedRow], links: list[ParsedRow] | None, problems: list[Problem]
) -> None:
    """``links`` is None when links.csv could not be read: the layers a transfer joins are
    then unknown and not checked."""
    if not rows:
        return
    layers: dict[str, set[tuple[str, int | None]]] = defaultdict(set)
    at_transfers = {row.values["node_id"] for row in rows}
    for link in links or ():
        v = link.values
        for end in (v["from_node"], v["to_node"]):
            if end in at_transfers:
                layers[end].add((v["mode"], v.get("gauge_mm")))
    for row in rows:
        v, line = row.values, row.line
        for side in ("from", "to"):
            mode, gauge = v[f"{side}_mode"], v.get(f"{side}_gauge_mm")
            if gauge is not None and mode != "rail":
                problems.append(
                    Problem(
                        "transfers.csv",
                        f"{side}_gauge_mm given for {mode}",
                        "gauges apply to rail only",
                        line,
                        f"{side}_gauge_mm",
                    )
                )
            elif links is not None and not any(
                m == mode and (gauge is None or g == gauge) for m, g in layers[v["node_id"]]
            ):
                shown = mode if gauge is None else f"{mode} {gauge} mm"
                problems.append(
                    Problem(
                        "transfers.csv",
                        f"no {shown} link meets {v['node_id']}",
                        "add the link or correct the mode",
                        line,
                        f"{side}_mode",
                    )
                )
        same_mode = v["from_mode"] == v["to_mode"]
        if same_mode and (
            v["from_mode"] != "rail"
            or "from_gauge_mm" not in v
            or v.get("from_gauge_mm") == v.get("to_gauge_mm")
        ):
            problems.append(
                Problem(
                    "transfers.csv",
                    "transfer to the same mode",
                    "a rail→rail transfer is a gauge change: give two different gauges",
                    line,
                    "to_mode",
                )
            )
        if ("capacity" in v) != ("capacity_unit" in v):
            problems.append(
                Problem(
                    "transfers.csv",
                    "capacity and capacity_unit must be given together",
                    "give both or neither",
                    line,
                    "capacity_unit",
                )
            )


def cargo_types_of(rows: list[ParsedRow]) -> dict[str, tuple[str, tuple[str, ...]]]:
    """Cargo type id → (unit, modes) of the cargo_types.csv rows; without any, the implicit
    container (TEU, every freight mode) of :attr:`tripp.atlas.model.Atlas.cargo_type_by_id`."""
    if not rows:
        return {DEFAULT_CARGO_TYPE: ("TEU", FREIGHT_MODES)}
    return {r.values["cargo_type"]: (r.values["unit"], r.values["modes"]) for r in rows}


def _check_cargo_types(rows: list[ParsedRow], problems: list[Problem]) -> None:
    for row in rows:
        for mode in row.values["modes"]:
            if mode not in FREIGHT_MODES:
                problems.append(
                    Problem(
                        "cargo_types.csv",
                        f"unknown mode '{mode}'",
                        "use rail, road, ferry or sea",
                        row.line,
                        "modes",
                    )
                )
    if rows and DEFAULT_CARGO_TYPE not in {r.values["cargo_type"] for r in rows}:
        problems.append(
            Problem(
                "cargo_types.csv",
                f"no row for {DEFAULT_CARGO_TYPE}, the default cargo type",
                f"add a {DEFAULT_CARGO_TYPE} row (unit TEU)",
                1,
                "cargo_type",
            )
        )


def _check_cargo_lists(
    rows: list[ParsedRow],
    where: str,
    column: str,
    cargo: dict[str, tuple[str, tuple[str, ...]]],
    problems: list[Problem],
) -> None:
    """Every cargo type named in ``column`` of ``rows`` is a known one."""
    for row in rows:
        for item in row.values.get(column, ()):
            if item not in cargo:
                problems.append(
                    Problem(
                        where,
                        f"unknown cargo type '{item}'",
                        hint(item, cargo, f"use one of {', '.join(cargo)} (cargo_types.csv)"),
                        row.line,
                        column,
                    )
                )


def _check_services(
    rows: list[ParsedRow], links: list[ParsedRow] | None, problems: list[Problem]
) -> None:
    """A service departs by a link of its mode (toward ``to_node`` when given)."""
    if not rows:
        return
    leaving: set[tuple[str, str, str | None]] = set()  # (node, mode, toward); None: any
    for link in links or ():
        v = link.values
        ends = [(v["from_node"], v["to_node"])]
        if v.get("direction", "both") == "both":
            ends.append((v["to_node"], v["from_node"]))
        for node, other in ends:
            leaving.update(((node, v["mode"], other), (node, v["mode"], None)))
    for row in rows:
        v = row.values
        _check_year("services.csv", row, problems)
        if links is None:
            continue
        to_node = v.get("to_node")
        if (v["node_id"], v["mode"], to_node) not in leaving:
            toward = f" toward {to_node}" if to_node else ""
            problems.append(
                Problem(
                    "services.csv",
                    f"no {v['mode']} link leaves {v['node_id']}{toward}",
                    "add the link or correct node_id, mode or to_node",
                    row.line,
                    "to_node" if to_node else "mode",
                )
            )


def _check_sailings(
    services: list[ParsedRow],
    links: list[ParsedRow],
    nodes: dict[str, dict[str, Any]],
    problems: list[Problem],
) -> None:
    """An atlas that lists services lists the sailings of every port: a sea or ferry link
    leaving a place that is not a waypoint needs a service of its mode there (the engine
    sails only listed services; an atlas without services.csv sails untimed)."""
    if not services:
        return
    listed = {(r.values["node_id"], r.values["mode"]) for r in services}
    reported: set[tuple[str, str]] = set()
    for link in links:
        v = link.values
        if v["mode"] not in ("sea", "ferry") or v.get("status") == "closed":
            continue
        ends = [v["from_node"]] + ([v["to_node"]] if v.get("direction", "both") == "both" else [])
        for node in ends:
            key = (node, v["mode"])
            kind = nodes.get(node, {}).get("kind")
            if kind in (None, "waypoint") or key in listed or key in reported:
                continue
            reported.add(key)
            problems.append(
                Problem(
                    "links.csv",
                    f"{v['mode']} departures from {node} have no service in services.csv",
                    f"add a services.csv row for {node} ({v['mode']}: departures per week, "
                    "dwell, cargo types, source)",
                    link.line,
                    "mode",
                )
            )


def _check_tariffs(
    rows: list[ParsedRow],
    tariffs: list[ParsedRow] | None,
    links: list[ParsedRow],
    cargo: dict[str, tuple[str, tuple[str, ...]]],
    problems: list[Problem],
) -> None:
    """Check the tariff ``rows`` that parsed, and that every freight link in ``links`` has a
    tariff among ``tariffs`` (None when tariffs.csv could not be read: not checked) for
    every cargo type that may use its mode."""
    for row in rows:
        kind = row.values.get("cargo_type", DEFAULT_CARGO_TYPE)
        if kind not in cargo:
            problems.append(
                Problem(
                    "tariffs.csv",
                    f"unknown cargo type '{kind}'",
                    f"use one of {', '.join(cargo)} (cargo_types.csv)",
                    row.line,
                    "cargo_type",
                )
            )
        else:
            column = TARIFF_COLUMN_OF_UNIT[cargo[kind][0]]
            if column not in row.values:
                problems.append(
                    Problem(
                        "tariffs.csv",
                        f"{kind} is counted in {cargo[kind][0]} but the row has no {column}",
                        f"give {column}",
                        row.line,
                        column,
                    )
                )
        country = row.values["country"]
        if country != "*" and not is_country(country):
            problems.append(
                Problem(
                    "tariffs.csv",
                    f"unknown country code '{country}'",
                    country_hint(country) + " or '*'",
                    row.line,
                    "country",
                )
            )
    if tariffs is None:
        return
    have = {
        (
            row.values["mode"],
            row.values["country"],
            row.values.get("cargo_type", DEFAULT_CARGO_TYPE),
        )
        for row in tariffs
    }
    missing: Counter[tuple[str, str, str]] = Counter()
    first_line: dict[tuple[str, str, str], int] = {}
    pairs = list(zip(_column(links, "mode"), _column(links, "country"), strict=True))
    links_of = Counter(pairs)  # per (mode, country): how many links, and the first one's line
    lines = [link.line for link in links]
    first_link_line = dict(zip(reversed(pairs), reversed(lines), strict=True))
    for (mode, country), n_links in links_of.items():
        if mode not in FREIGHT_MODES or not country:
            continue
        for kind, (_unit, modes) in cargo.items():
            # the graph's base cost is the container's: it needs a tariff on every mode
            modes = FREIGHT_MODES if kind == DEFAULT_CARGO_TYPE else modes
            if (
                mode in modes
                and (mode, country, kind) not in have
                and (mode, "*", kind) not in have
            ):
                missing[(mode, country, kind)] += n_links
                first_line.setdefault((mode, country, kind), first_link_line[(mode, country)])
    for (mode, country, kind), count in sorted(missing.items()):
        problems.append(
            Problem(
                "links.csv",
                f"no tariff for {mode} in {country} ({count} links) for cargo type {kind}",
                f"add a tariffs.csv row (mode {mode}, country {country}, cargo_type {kind}) "
                f"or (mode {mode}, country *, cargo_type {kind})",
                first_line[(mode, country, kind)],
                "mode",
            )
        )
