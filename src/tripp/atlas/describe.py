"""Counts that describe an atlas: places and links by country, mode and status, sources by
confidence and how much of it is estimated rather than published.

:func:`describe_atlas` returns plain JSON-ready data; :func:`print_description` renders it
as Rich tables for the terminal (only interfaces call it).
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from tripp.atlas.model import Atlas, Provenance
from tripp.atlas.schema import CONFIDENCES, STATUSES
from tripp.units import ALL_MODES

#: Tables whose rows carry figures and the ``estimated`` flag, in the order reported.
FIGURE_TABLES: tuple[str, ...] = (
    "nodes",
    "links",
    "crossings",
    "transfers",
    "tariffs",
    "energy",
    "demand",
)
#: Every table counted in ``totals``.
TOTAL_TABLES: tuple[str, ...] = (
    "nodes",
    "links",
    "crossings",
    "transfers",
    "tariffs",
    "sources",
    "energy",
    "demand",
)


def describe_atlas(atlas: Atlas) -> dict[str, Any]:
    """Counts that describe ``atlas``, as JSON-ready data with stable keys.

    Keys:

    - ``folder`` (str) and ``as_of_year`` (int): which atlas, statuses as of which year.
    - ``totals``: rows per table, keys ``nodes, links, crossings, transfers, tariffs,
      sources, energy, demand``.
    - ``by_country``: ``{code: {"nodes": n, "links": n}}`` for every country code that has
      a node or a link, sorted; a link counts in its resolved ``country`` (``XZ`` is
      international waters).
    - ``by_mode``: links per mode, every mode of the registry (zeros included), in order
      ``rail, road, ferry, sea, gas_pipeline, oil_pipeline, power_line, fibre``.
    - ``by_status``: links per status, every status (zeros included), in order
      ``operating, under_construction, planned, closed, suspended``.
    - ``by_mode_status``: ``{mode: {status: n}}`` for the modes that have links, each
      with every status.
    - ``sources_by_confidence``: sources per confidence, keys ``high, med, low``.
    - ``estimated``: for each table with figures (``nodes, links, crossings, transfers,
      tariffs, energy, demand``) and ``overall``: ``{"rows": n, "estimated": n,
      "share": estimated / rows}``; ``share`` is ``None`` when there are no rows.

    >>> from tripp.atlas.io import load_atlas
    >>> data = describe_atlas(load_atlas())
    >>> data["totals"]["links"] == sum(data["by_mode"].values())
    True
    """
    by_country: dict[str, dict[str, int]] = {}
    for table in ("nodes", "links"):
        for code, n in Counter(row.country for row in getattr(atlas, table)).items():
            by_country.setdefault(code, {"nodes": 0, "links": 0})[table] = n
    modes = Counter(link.mode for link in atlas.links)
    statuses = Counter(link.status for link in atlas.links)
    pairs = Counter((link.mode, link.status) for link in atlas.links)
    confidence = Counter(source.confidence for source in atlas.sources)
    estimated: dict[str, dict[str, Any]] = {}
    all_rows = all_estimated = 0
    for table in FIGURE_TABLES:
        rows: tuple[Provenance, ...] = getattr(atlas, table)
        flagged = sum(row.estimated for row in rows)
        estimated[table] = _share(len(rows), flagged)
        all_rows += len(rows)
        all_estimated += flagged
    estimated["overall"] = _share(all_rows, all_estimated)
    return {
        "folder": str(atlas.folder),
        "as_of_year": atlas.as_of_year,
        "totals": {table: len(getattr(atlas, table)) for table in TOTAL_TABLES},
        "by_country": {code: by_country[code] for code in sorted(by_country)},
        "by_mode": {mode: modes.get(mode, 0) for mode in ALL_MODES},
        "by_status": {status: statuses.get(status, 0) for status in STATUSES},
        "by_mode_status": {
            mode: {status: pairs.get((mode, status), 0) for status in STATUSES}
            for mode in ALL_MODES
            if modes.get(mode)
        },
        "sources_by_confidence": {c: confidence.get(c, 0) for c in CONFIDENCES},
        "estimated": estimated,
    }


def _share(rows: int, flagged: int) -> dict[str, Any]:
    return {"rows": rows, "estimated": flagged, "share": flagged / rows if rows else None}


def print_description(data: dict[str, Any]) -> None:
    """Print the output of :func:`describe_atlas` as Rich tables."""
    from rich.table import Table

    from tripp.cli.display import console

    out = console()
    out.print(f"[bold]Atlas[/bold] {data['folder']} — statuses as of {data['as_of_year']}")

    totals = Table(title="Rows per table", title_justify="left", header_style="bold")
    for table in data["totals"]:
        totals.add_column(table, justify="right")
    totals.add_row(*(f"{n:,}" for n in data["totals"].values()))
    out.print(totals)

    countries = Table(title="By country", title_justify="left", header_style="bold")
    for column in ("country", "nodes", "links"):
        countries.add_column(column, justify="left" if column == "country" else "right")
    for code, counts in data["by_country"].items():
        countries.add_row(code, f"{counts['nodes']:,}", f"{counts['links']:,}")
    out.print(countries)

    statuses = [s for s, n in data["by_status"].items() if n]
    modes = Table(title="Links by mode and status", title_justify="left", header_style="bold")
    modes.add_column("mode")
    for status in statuses:
        modes.add_column(status.replace("_", " "), justify="right")
    modes.add_column("total", justify="right", style="bold")
    for mode, counts in data["by_mode_status"].items():
        modes.add_row(
            mode.replace("_", " "),
            *(f"{counts[s]:,}" if counts[s] else "·" for s in statuses),
            f"{data['by_mode'][mode]:,}",
        )
    modes.add_row(
        "total",
        *(f"{data['by_status'][s]:,}" for s in statuses),
        f"{sum(data['by_status'].values()):,}",
        style="bold",
    )
    out.print(modes)

    sources = Table(title="Sources by confidence", title_justify="left", header_style="bold")
    sources.add_column("confidence")
    sources.add_column("sources", justify="right")
    for level, n in data["sources_by_confidence"].items():
        sources.add_row(level, f"{n:,}")
    out.print(sources)

    shares = Table(title="Estimated figures", title_justify="left", header_style="bold")
    for column in ("table", "rows", "estimated", "share"):
        shares.add_column(column, justify="left" if column == "table" else "right")
    for table, share in data["estimated"].items():
        shares.add_row(
            table,
            f"{share['rows']:,}",
            f"{share['estimated']:,}",
            "–" if share["share"] is None else f"{share['share']:.0%}",
            style="bold" if table == "overall" else None,
        )
    out.print(shares)
