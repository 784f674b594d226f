"""Rich tables for the terminal. Only the CLI calls this module."""

from __future__ import annotations

from rich.console import Console
from rich.table import Table

from tripp.routing.result import Route, RouteResult


def console() -> Console:
    """A console on stdout that does not wrap narrow terminals into unreadable columns."""
    return Console(width=max(Console().width, 110))


def print_routes(result: RouteResult) -> None:
    """Print each route's summary, legs, borders and gauge changes."""
    out = console()
    names = result.atlas.node_by_id if result.atlas else {}

    def name(node_id: str) -> str:
        node = names.get(node_id)
        return node.name if node else node_id

    out.print(
        f"[bold]{name(result.origin)} → {name(result.destination)}[/bold]  "
        f"objective {result.objective}, year {result.year}"
        + (f", via {', '.join(map(name, result.via))}" if result.via else "")
        + (f", avoiding {', '.join(result.avoid_countries)}" if result.avoid_countries else "")
    )
    for line in result.warnings:
        out.print(f"[yellow]warning:[/yellow] {line}", highlight=False)
    for r in result.routes:
        _print_route(out, r, name)


def _print_route(out: Console, r: Route, name: object) -> None:
    assert callable(name)
    differs = f" ({r.differs_by})" if r.differs_by else ""
    out.print(
        f"\n[bold]Route {r.rank}[/bold]{differs}: {r.distance_km:,.0f} km, {r.time_h:,.1f} h "
        f"({r.time_h / 24:.1f} days), USD {r.cost_usd:,.0f} per {r.cost_unit}; "
        f"countries {' → '.join(r.countries)}; {len(r.border_crossings)} border "
        f"crossing(s), {len(r.gauge_changes)} gauge change(s), "
        f"{len(r.transfers)} transfer(s)"
    )
    table = Table(show_header=True, header_style="bold")
    for column in ("#", "from", "to", "mode", "country", "km", "h", "USD", "detail"):
        table.add_column(column, justify="right" if column in ("#", "km", "h", "USD") else "left")
    for i, leg in enumerate(r.legs, start=1):
        table.add_row(
            str(i),
            name(leg.from_node),
            name(leg.to_node) if leg.kind == "link" else "",
            leg.mode,
            leg.country,
            f"{leg.distance_km:,.0f}" if leg.kind == "link" else "",
            f"{leg.time_h:,.1f}",
            f"{leg.cost_usd:,.0f}",
            leg.detail or leg.link_id,
        )
    out.print(table)
