"""Rich displays of the atlas: listed rows, the description, the plausibility checks."""

from __future__ import annotations

from typing import Any

from rich.table import Table

from tripp.atlas.model import Link, Node
from tripp.atlas.schema import LINKS, NODES
from tripp.cli.display import console
from tripp.routing.plausibility import CheckResult


def print_rows(table_name: str, rows: list[Node] | list[Link]) -> None:
    """Print rows as a Rich table with the main columns of the table."""

    columns = {
        "nodes": ("node_id", "name", "kind", "country", "region", "lon", "lat"),
        "links": (
            "link_id",
            "from_node",
            "to_node",
            "mode",
            "country",
            "length_km",
            "gauge_mm",
            "status",
            "open_year",
            "corridors",
        ),
    }[table_name]
    assert all(
        c in {col.name for col in (NODES if table_name == "nodes" else LINKS).columns}
        for c in columns
    )
    table = Table(title=f"{len(rows)} {table_name}")
    for column in columns:
        table.add_column(column)
    for row in rows:
        values = [getattr(row, c) for c in columns]
        table.add_row(
            *("" if v is None else ";".join(v) if isinstance(v, tuple) else str(v) for v in values)
        )
    console().print(table)


def print_description(data: dict[str, Any]) -> None:
    """Print the output of :func:`describe_atlas` as Rich tables."""

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


def print_checks(results: list[CheckResult]) -> None:
    """Rich table of model against publication."""

    table = Table(title="Atlas plausibility: model vs publication")
    for column in ("check", "metric", "model", "published", "ok", "source"):
        table.add_column(column)
    for r in results:
        j = r.journey
        model = "no route" if r.model is None else f"{r.model:,.1f}"
        table.add_row(
            f"{j.check_id}\n{j.description}",
            j.metric,
            model,
            f"{j.low:,.1f} – {j.high:,.1f}",
            "yes" if r.within else "[red]NO[/red]",
            "\n".join(r.sources),
        )
    console().print(table)
    failed = sum(not r.within for r in results)
    console().print(f"{len(results) - failed} of {len(results)} within the published range")
