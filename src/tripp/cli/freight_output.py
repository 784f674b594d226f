"""Print and write corridor assignment results: Rich tables, JSON, GeoPackage and CSV."""

from __future__ import annotations

from pathlib import Path

from tripp.atlas.model import Atlas
from tripp.freight.corridor import CorridorAssignment
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
