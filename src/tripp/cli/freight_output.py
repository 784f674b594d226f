"""Print and write corridor assignment results (Rich tables, GeoPackage and CSV), flows and
their check against observed counts."""

from __future__ import annotations

from pathlib import Path

from tripp.atlas.model import Atlas
from tripp.freight.calibrate import FitPoint
from tripp.freight.corridor import CorridorAssignment
from tripp.freight.counts import MIN_SHARE_WITHIN, FlowCheck
from tripp.freight.flows import Flows
from tripp.freight.shift import Shift
from tripp.reporting.atomic import output_folder
from tripp.units import FREIGHT_MODES


def print_assignment(result: CorridorAssignment, top: int) -> None:
    """The run summary and the most loaded elements."""
    from rich.table import Table

    from tripp.cli.display import console

    out = console()
    s = result.summary()
    out.print(
        f"[bold]Corridor assignment: {s['scenario']} ({s['year']}, demand of "
        f"{s['demand_year']})[/bold] — {s['algorithm']}, {s['iterations']} iterations, "
        f"relative gap {s['relative_gap']:.2e}, converged {s['converged']}"
    )
    out.print(
        f"demand {s['demand_t_per_year'] / 1e6:,.2f} Mt/year; unserved "
        f"{s['unserved_t_per_year'] / 1e6:,.2f} Mt/year; elements without a capacity in "
        f"the atlas (free-flow time only): {s['uncapacitated']}"
    )
    for u in result.unserved:
        out.print(
            f"  unserved: {u['origin']} → {u['destination']} ({u['commodity']}), "
            f"{u['t_per_year'] / 1e6:,.2f} Mt/year — no freight route in {s['year']}"
        )
    table = Table(title=f"Bottlenecks: the {top} most loaded elements with a capacity")
    for column in (
        "element",
        "kind",
        "mode",
        "country",
        "flow Mt/y",
        "capacity Mt/y",
        "v/c",
        "delay h",
        "delay t·h/y",
    ):
        table.add_column(column)
    for e in result.bottlenecks(top):
        table.add_row(
            f"{e.element_id}\n{e.name}",
            e.kind,
            e.mode,
            e.country,
            f"{e.flow_t_per_year / 1e6:,.2f}",
            "" if e.capacity_t_per_year is None else f"{e.capacity_t_per_year / 1e6:,.2f}",
            "" if e.v_c is None else f"{e.v_c:.2f}",
            f"{e.delay_h:,.1f}",
            f"{e.delay_t_h_per_year:,.0f}",
        )
    out.print(table)


def write_assignment(
    result: CorridorAssignment, atlas: Atlas, folder: Path, *, force: bool, command: str
) -> Path:
    """``links.gpkg`` (layer ``links``: every freight link with its flow, for QGIS) and
    ``elements.csv`` (every loaded element) in ``folder``, swapped in atomically with the
    manifest naming ``command``; an existing ``folder`` is replaced only as
    :func:`tripp.reporting.atomic.check_output_folder` allows."""
    import geopandas as gpd
    import pandas as pd
    from shapely.geometry import LineString

    loads = {e.element_id: e for e in result.elements if e.kind == "link"}
    nodes = atlas.node_by_id
    rows = []
    for link in atlas.links:
        if link.mode not in FREIGHT_MODES:
            continue
        load = loads.get(link.link_id)
        a, b = nodes[link.from_node], nodes[link.to_node]
        rows.append(
            {
                "link_id": link.link_id,
                "mode": link.mode,
                "country": link.country,
                "status": link.status,
                "capacity_t_per_year": None if load is None else load.capacity_t_per_year,
                "flow_t_per_year": 0.0 if load is None else load.flow_t_per_year,
                "v_c": None if load is None else load.v_c,
                "delay_h": 0.0 if load is None else load.delay_h,
                "scenario": result.scenario,
                "geometry": LineString([(a.lon, a.lat), (b.lon, b.lat)]),
            }
        )
    with output_folder(folder, command=command, force=force) as staging:
        gpd.GeoDataFrame(rows, crs="EPSG:4326").to_file(
            staging / "links.gpkg", layer="links", driver="GPKG", engine="pyogrio"
        )
        pd.DataFrame([e.to_dict() for e in result.elements]).to_csv(
            staging / "elements.csv", index=False
        )
    return folder


#: Rows of each ranking the tables show (the JSON has them all).
SHOWN_ROWS = 10


def _mt(value: float | None) -> str:
    return "unknown" if value is None else f"{value / 1e6:,.3f}"


def print_flows(result: Flows) -> None:
    """The run line, the elements with flow (most loaded first) and the corridor totals."""
    from rich.table import Table

    from tripp.cli.display import console

    out = console()
    run = result.assignment.summary()
    out.print(
        f"[bold]Flows: {result.scenario} ({result.year}, demand of {run['demand_year']})"
        f"[/bold] — converged {run['converged']}, relative gap {run['relative_gap']:.2e}; "
        f"demand {run['demand_t_per_year'] / 1e6:,.2f} Mt/year, unserved "
        f"{run['unserved_t_per_year'] / 1e6:,.2f} Mt/year; TEU = t / {result.t_per_teu:g}"
    )
    loaded = [e for e in result.elements if e.t_per_year > 0]
    table = Table(title=f"Volumes on {len(loaded)} elements with flow")
    for column in (
        "element",
        "kind",
        "mode",
        "from → to",
        "Mt/y",
        "kTEU/y",
        "capacity Mt/y",
        "v/c",
    ):
        table.add_column(column)
    for e in loaded:
        ends = "" if e.source is None else f"{e.source} → {e.target}"
        table.add_row(
            f"{e.element_id}\n{e.name}",
            e.kind,
            e.mode,
            ends,
            _mt(e.t_per_year),
            f"{e.teu_per_year / 1e3:,.1f}",
            _mt(e.capacity_t_per_year),
            "unknown" if e.v_c is None else f"{e.v_c:.2f}",
        )
    out.print(table)
    idle = len(result.elements) - len(loaded)
    out.print(f"{idle} elements without flow are not shown (`--format json` lists them all).")
    corridors = Table(title="Corridors: largest link flow (a lower bound of the tonnes using it)")
    for column in ("corridor", "Mt/y", "kTEU/y"):
        corridors.add_column(column)
    for c in sorted(result.corridors, key=lambda c: -c.t_per_year):
        corridors.add_row(c.corridor, _mt(c.t_per_year), f"{c.teu_per_year / 1e3:,.1f}")
    out.print(corridors)


def print_flow_check(result: FlowCheck) -> None:
    """Each count against the model, the share within, the fit statistics and the verdict."""
    from rich.table import Table

    from tripp.cli.display import console

    out = console()
    table = Table(
        title=f"Observed counts against {result.scenario} ({result.year}, demand of "
        f"{result.demand_year})"
    )
    for column in ("count", "unit", "observed", "modelled", "ratio", "within", "source"):
        table.add_column(column)
    for c in result.checks:
        count = c.count
        key = " (key)" if count.key else ""
        table.add_row(
            f"{count.name}{key}\n{count.target}",
            count.unit,
            f"{count.observed:,.0f}",
            f"{c.modelled:,.0f}",
            f"{c.ratio:.2f}",
            f"{'yes' if c.within else 'NO'} (±{count.tolerance:.0%})",
            ";".join(count.source_ids),
        )
    out.print(table)
    if result.skipped:
        out.print(f"not compared (other years): {', '.join(c.count_id for c in result.skipped)}")
    out.print(
        f"within: {result.within_share:.0%} (at least {MIN_SHARE_WITHIN:.0%} needed); key "
        f"totals within: {result.keys_within}; RMSE {result.rmse_percent:.1f} % of the mean "
        f"count; median |ratio − 1| {result.median_abs_ratio_error:.2f}"
    )
    if not result.converged:
        out.print("[bold red]the assignment did not converge: the check cannot pass[/bold red]")
    out.print("[bold]passed[/bold]" if result.passed else "[bold red]failed[/bold red]")


def print_fit(best: FitPoint, grid: list[FitPoint]) -> None:
    """The counts' agreement at each θ, and the best θ."""
    from rich.table import Table

    from tripp.cli.display import console

    table = Table(title="Route choice θ against the observed counts")
    for column in ("θ", "within", "key totals within", "RMSE %", "converged"):
        table.add_column(column)
    for p in grid:
        table.add_row(
            f"{p.theta:g}",
            f"{p.within_share:.0%}",
            "yes" if p.keys_within else "no",
            f"{p.rmse_percent:.1f}",
            "yes" if p.converged else "NO",
        )
    out = console()
    out.print(table)
    out.print(f"best θ = {best.theta:g} ({best.within_share:.0%} within)")


def print_shift(result: Shift) -> None:
    """The attracted tonnes by market and by the route they left, and the transit change."""
    from rich.table import Table

    from tripp.cli.display import console

    out = console()
    out.print(
        f"[bold]{result.corridor} in {result.other} against {result.base} (demand of "
        f"{result.demand_year})[/bold]: {_mt(result.attracted_t_per_year)} Mt/year, "
        f"{result.attracted_teu_per_year / 1e3:,.1f} thousand TEU/year"
    )
    for title, values in (("by market", result.by_market), ("from routes", result.from_routes)):
        table = Table(title=f"Attracted tonnes {title}")
        table.add_column(title.split()[-1])
        table.add_column("Mt/year")
        ranked = sorted(values.items(), key=lambda kv: -kv[1])
        for name, tonnes in ranked[:SHOWN_ROWS]:
            table.add_row(name, _mt(tonnes))
        if len(ranked) > SHOWN_ROWS:
            rest = ranked[SHOWN_ROWS:]
            table.add_row(f"{len(rest)} more", _mt(sum(t for _, t in rest)))
        out.print(table)
    table = Table(title="Transit (t/year whose route crosses a country that is neither end)")
    for column in ("country", "before Mt", "after Mt", "change Mt"):
        table.add_column(column)
    for row in result.transit_change()[:SHOWN_ROWS]:
        if abs(row["change_t"]) >= 0.5e4:
            table.add_row(
                row["country"],
                _mt(row["transit_t_before"]),
                _mt(row["transit_t_after"]),
                f"{row['change_t'] / 1e6:+,.2f}",
            )
    out.print(table)
