"""GIS layers beside the report: the compared networks and the chosen routes.

``network.gpkg`` holds the layers ``nodes`` (points) and ``links`` (straight lines between
their nodes) of every compared (non-base) scenario, with a ``scenario`` column;
``routes.gpkg`` holds the layer ``routes``: one line through the visited places per
scenario, pair and rank. The same data is written as GeoJSON. CRS: EPSG:4326 (lon/lat in
degrees). List values (corridors, countries) are joined with ``;``. geopandas, shapely
and pyogrio load only when the layers are written.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tripp.atlas.model import is_available
from tripp.reporting.build import ReportData, ScenarioRoutes

if TYPE_CHECKING:
    import geopandas as gpd

CRS = "EPSG:4326"
#: GeoJSON file → (GeoPackage, layer).
GEOJSON_FILES = {
    "network_nodes.geojson": ("network.gpkg", "nodes"),
    "network_links.geojson": ("network.gpkg", "links"),
    "routes.geojson": ("routes.gpkg", "routes"),
}


def write_layers(data: ReportData, folder: Path) -> list[Path]:
    """Write the GeoPackages and GeoJSON files into ``folder``; return their paths."""
    frames = {
        ("network.gpkg", "nodes"): (node_frame(data.others), "Point"),
        ("network.gpkg", "links"): (link_frame(data.others), "LineString"),
        ("routes.gpkg", "routes"): (route_frame(data.scenarios), "LineString"),
    }
    written: list[Path] = []
    for (file, layer), (frame, geometry_type) in frames.items():
        _write(frame, folder / file, layer=layer, driver="GPKG", geometry_type=geometry_type)
        if folder / file not in written:
            written.append(folder / file)
    for file, key in GEOJSON_FILES.items():
        frame, geometry_type = frames[key]
        _write(frame, folder / file, layer=key[1], driver="GeoJSON", geometry_type=geometry_type)
        written.append(folder / file)
    return written


def _write(
    frame: gpd.GeoDataFrame, path: Path, *, layer: str, driver: str, geometry_type: str
) -> None:
    from pyogrio import write_dataframe

    write_dataframe(
        frame, path, layer=layer, driver=driver, geometry_type=geometry_type, promote_to_multi=False
    )


def node_frame(scenarios: Sequence[ScenarioRoutes]) -> gpd.GeoDataFrame:
    """One point per node per scenario."""
    from shapely.geometry import Point

    rows = [
        {
            "scenario": s.name,
            "node_id": node.node_id,
            "name": node.name,
            "kind": node.kind,
            "country": node.country,
            "region": node.region,
            "estimated": node.estimated,
            "geometry": Point(node.lon, node.lat),
        }
        for s in scenarios
        for node in s.network.atlas.nodes
    ]
    return _frame(rows, ["scenario", "node_id", "name", "kind", "country", "region", "estimated"])


def link_frame(scenarios: Sequence[ScenarioRoutes]) -> gpd.GeoDataFrame:
    """One line per link per scenario, with its status in the scenario's atlas.

    ``available`` says whether the link can be used in the scenario's year; ``capacity``
    is in ``capacity_unit``; ``length_km`` in km.
    """
    from shapely.geometry import LineString

    rows: list[dict[str, Any]] = []
    for s in scenarios:
        nodes = s.network.atlas.node_by_id
        year = s.network.year
        for link in s.network.atlas.links:
            a, b = nodes[link.from_node], nodes[link.to_node]
            rows.append(
                {
                    "scenario": s.name,
                    "scenario_year": year,
                    "link_id": link.link_id,
                    "from_node": link.from_node,
                    "to_node": link.to_node,
                    "mode": link.mode,
                    "country": link.country,
                    "status": link.status,
                    "open_year": link.open_year,
                    "available": is_available(link.status, link.open_year, year),
                    "length_km": link.length_km,
                    "capacity": link.capacity,
                    "capacity_unit": link.capacity_unit,
                    "gauge_mm": link.gauge_mm,
                    "corridors": ";".join(link.corridors),
                    "estimated": link.estimated,
                    "geometry": LineString([(a.lon, a.lat), (b.lon, b.lat)]),
                }
            )
    columns = [
        "scenario",
        "scenario_year",
        "link_id",
        "from_node",
        "to_node",
        "mode",
        "country",
        "status",
        "open_year",
        "available",
        "length_km",
        "capacity",
        "capacity_unit",
        "gauge_mm",
        "corridors",
        "estimated",
    ]
    frame = _frame(rows, columns)
    for column in ("open_year", "gauge_mm"):
        frame[column] = frame[column].astype("Int64")
    frame["capacity"] = frame["capacity"].astype("float64")
    return frame


def route_frame(scenarios: Sequence[ScenarioRoutes]) -> gpd.GeoDataFrame:
    """One line per chosen route per scenario per pair (pairs without a route are left out).

    Totals are ``time_h`` (h), ``cost_usd`` (USD per TEU) and ``distance_km`` (km).
    """
    from shapely.geometry import LineString

    rows = []
    for s in scenarios:
        nodes = s.network.atlas.node_by_id
        for (origin, destination), chosen in s.routes.items():
            if chosen is None or len(chosen.nodes) < 2:
                continue
            rows.append(
                {
                    "scenario": s.name,
                    "scenario_year": s.network.year,
                    "origin": origin,
                    "destination": destination,
                    "rank": chosen.rank,
                    "time_h": round(chosen.time_h, 3),
                    "cost_usd": round(chosen.cost_usd, 2),
                    "distance_km": round(chosen.distance_km, 3),
                    "countries": ";".join(chosen.countries),
                    "border_crossings": ";".join(b.node for b in chosen.border_crossings),
                    "gauge_changes": ";".join(g.node for g in chosen.gauge_changes),
                    "nodes": ";".join(chosen.nodes),
                    "geometry": LineString([(nodes[n].lon, nodes[n].lat) for n in chosen.nodes]),
                }
            )
    columns = [
        "scenario",
        "scenario_year",
        "origin",
        "destination",
        "rank",
        "time_h",
        "cost_usd",
        "distance_km",
        "countries",
        "border_crossings",
        "gauge_changes",
        "nodes",
    ]
    return _frame(rows, columns)


def _frame(rows: list[dict[str, Any]], columns: list[str]) -> gpd.GeoDataFrame:
    import geopandas as gpd

    if not rows:
        return gpd.GeoDataFrame({c: [] for c in columns}, geometry=[], crs=CRS)
    return gpd.GeoDataFrame(rows, geometry="geometry", crs=CRS)
