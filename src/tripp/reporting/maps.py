"""Maps of the chosen routes before and after, on Natural Earth country outlines.

Each panel shows one scenario: its network thin and grey (dotted where a link is not
available in the scenario's year), and the chosen route of every pair on top, one colour
per pair. Lines join linked places straight. matplotlib and geopandas load only when a
map is drawn.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from tripp.atlas.countries import outlines_file
from tripp.atlas.model import is_available
from tripp.reporting.build import Pair, ScenarioRoutes, route_label
from tripp.reporting.charts import TEXT_COLOUR, new_figure, png_data_uri

if TYPE_CHECKING:
    from matplotlib.axes import Axes

BBox = tuple[float, float, float, float]

SEA_COLOUR = "#dde8f0"
LAND_COLOUR = "#f4f1ea"
LAND_ON_ROUTE_COLOUR = "#ebe3cf"
BORDER_COLOUR = "#a59f93"
NETWORK_COLOUR = "#9aa3ab"
PAIR_COLOURS = ("#c0392b", "#1f6fb2", "#2e8b57", "#8e44ad", "#d68910", "#16a085", "#7f8c8d")
#: Line width of the last and of the first pair's route, in points.
ROUTE_WIDTH_PT = (1.8, 6.5)
#: Smallest map span in degrees, and the margin around the routes as a share of their span.
MIN_SPAN_DEG = 2.0
MARGIN = 0.15
#: The South Caucasus, where TRIPP runs: lon_min, lat_min, lon_max, lat_max in degrees.
CAUCASUS_BBOX: BBox = (38.5, 37.0, 51.0, 43.8)
FOOTER = "Country outlines: Natural Earth (public domain). Lines join linked places straight."


def route_maps(
    before: ScenarioRoutes, after: ScenarioRoutes, pairs: Sequence[Pair]
) -> list[dict[str, str]]:
    """Maps of the chosen routes before and after: ``caption`` and PNG data URI ``image``.

    The first map covers every route; when that is far larger than the South Caucasus,
    a second one zooms on it (the overview then leaves its places unlabelled).
    """
    extent = _extent([before, after], pairs)
    zoom = _zoom_is_useful(extent)
    maps = [
        {
            "caption": "Chosen routes before and after; the network is grey, dotted where a "
            "link is not open in the scenario's year.",
            "image": _route_map(before, after, pairs, extent, skip=CAUCASUS_BBOX if zoom else None),
        }
    ]
    if zoom:
        maps.append(
            {
                "caption": "The same routes in the South Caucasus, where TRIPP runs.",
                "image": _route_map(before, after, pairs, CAUCASUS_BBOX, skip=None),
            }
        )
    return maps


def _zoom_is_useful(extent: BBox) -> bool:
    """A zoom helps when the map contains the South Caucasus and is far larger than it."""
    z = CAUCASUS_BBOX
    overlaps = extent[0] < z[2] and z[0] < extent[2] and extent[1] < z[3] and z[1] < extent[3]
    area = (extent[2] - extent[0]) * (extent[3] - extent[1])
    return overlaps and area > 4 * (z[2] - z[0]) * (z[3] - z[1])


def _route_map(
    before: ScenarioRoutes,
    after: ScenarioRoutes,
    pairs: Sequence[Pair],
    extent: BBox,
    *,
    skip: BBox | None,
) -> str:
    """Before and after panels over ``extent``: side by side, or stacked when wide."""
    outlines = _outlines(extent)
    aspect = _aspect(extent)
    # height / width of a panel, as drawn
    shape = min(max((extent[3] - extent[1]) * aspect / (extent[2] - extent[0]), 0.3), 1.4)
    stacked = shape < 0.75
    if stacked:
        figure = new_figure(11.0, 2 * 10.6 * shape + 1.6)
        axes = figure.subplots(2, 1)
    else:
        figure = new_figure(12.0, 5.8 * shape + 1.6)
        axes = figure.subplots(1, 2)
    for ax, side, when in ((axes[0], before, "Before"), (axes[1], after, "After")):
        _panel(ax, side, pairs, outlines, extent, skip=skip)
        scenario = side.network.applied()
        ax.set_title(
            f"{when}: {scenario.name} ({scenario.year})", fontsize=10, loc="left", color=TEXT_COLOUR
        )
    handles, labels = axes[1].get_legend_handles_labels()
    if handles:
        figure.legend(handles, labels, loc="outside lower center", ncols=4, frameon=False)
    figure.text(0.01, 0.005, FOOTER, fontsize=7, color="#666666")
    return png_data_uri(figure)


def _aspect(extent: BBox) -> float:
    """Data aspect (y per x) that makes a degree of longitude as long as on the ground."""
    mid_lat = (extent[1] + extent[3]) / 2
    return 1 / max(math.cos(math.radians(mid_lat)), 0.2)


def _extent(sides: Sequence[ScenarioRoutes], pairs: Sequence[Pair]) -> BBox:
    """Bounding box (lon_min, lat_min, lon_max, lat_max) of the routes, with a margin."""
    points: list[tuple[float, float]] = []
    for side in sides:
        nodes = side.network.atlas.node_by_id
        for pair in pairs:
            chosen = side.routes.get(pair)
            if chosen is not None:
                points.extend((nodes[n].lon, nodes[n].lat) for n in chosen.nodes)
    if not points:
        points = [(n.lon, n.lat) for n in sides[0].network.atlas.nodes] or [(45.0, 40.0)]
    lons, lats = [p[0] for p in points], [p[1] for p in points]
    span_lon = max(max(lons) - min(lons), MIN_SPAN_DEG) * (1 + 2 * MARGIN)
    span_lat = max(max(lats) - min(lats), MIN_SPAN_DEG) * (1 + 2 * MARGIN)
    lon_c, lat_c = (max(lons) + min(lons)) / 2, (max(lats) + min(lats)) / 2
    return (
        lon_c - span_lon / 2,
        max(lat_c - span_lat / 2, -89.0),
        lon_c + span_lon / 2,
        min(lat_c + span_lat / 2, 89.0),
    )


def _outlines(extent: BBox) -> Any:
    """The committed country outlines that meet ``extent``, as a GeoDataFrame."""
    import geopandas as gpd

    frame = gpd.read_file(outlines_file(), engine="pyogrio")
    # a margin, because the panel's limits widen to fill the frame
    pad = max(extent[2] - extent[0], extent[3] - extent[1])
    box = (extent[0] - pad, extent[1] - pad, extent[2] + pad, extent[3] + pad)
    frame = frame.cx[box[0] : box[2], box[1] : box[3]]
    return frame.set_geometry(frame.geometry.clip_by_rect(*box))


def _panel(
    ax: Axes,
    side: ScenarioRoutes,
    pairs: Sequence[Pair],
    outlines: Any,
    extent: BBox,
    *,
    skip: BBox | None,
) -> None:
    """One scenario's network and chosen routes; places inside ``skip`` stay unlabelled."""
    from matplotlib import patheffects

    atlas = side.network.atlas
    year = side.network.year
    nodes = atlas.node_by_id
    chosen = [(pair, side.routes.get(pair)) for pair in pairs]
    on_route = {c for _, r in chosen if r is not None for c in r.countries}
    ax.set_facecolor(SEA_COLOUR)
    if len(outlines):
        colours = [
            LAND_ON_ROUTE_COLOUR if code in on_route else LAND_COLOUR for code in outlines["iso_a2"]
        ]
        outlines.plot(ax=ax, color=colours, edgecolor=BORDER_COLOUR, linewidth=0.5, zorder=1)
    for link in atlas.links:
        a, b = nodes[link.from_node], nodes[link.to_node]
        available = is_available(link.status, link.open_year, year)
        ax.plot(
            [a.lon, b.lon],
            [a.lat, b.lat],
            color=NETWORK_COLOUR,
            linewidth=0.9 if available else 0.7,
            linestyle="-" if available else (0, (1.0, 2.0)),
            zorder=2,
        )
    labelled: set[str] = set()
    for index, (pair, found) in enumerate(chosen):
        label = route_label(atlas, pair)
        if found is None:
            ax.plot([], [], color="none", label=f"{label}: no route")
            continue
        xs = [nodes[n].lon for n in found.nodes]
        ys = [nodes[n].lat for n in found.nodes]
        # earlier pairs wider and drawn below, so that shared stretches show every colour
        width = ROUTE_WIDTH_PT[0] + (ROUTE_WIDTH_PT[1] - ROUTE_WIDTH_PT[0]) * (
            (len(chosen) - 1 - index) / max(len(chosen) - 1, 1)
        )
        colour = PAIR_COLOURS[index % len(PAIR_COLOURS)]
        ax.plot(xs, ys, color="white", linewidth=width + 2.0, zorder=3 + index * 0.01)
        ax.plot(xs, ys, color=colour, linewidth=width, label=label, zorder=3.005 + index * 0.01)
        ax.scatter(xs, ys, s=14, color="#262626", edgecolors="white", linewidths=0.5, zorder=5)
        ends = {found.nodes[0], found.nodes[-1]} | {b.node for b in found.border_crossings}
        labelled |= ends
    halo = [patheffects.withStroke(linewidth=2.4, foreground="white")]
    for node_id in sorted(labelled):
        node = nodes[node_id]
        if skip and skip[0] <= node.lon <= skip[2] and skip[1] <= node.lat <= skip[3]:
            continue
        ax.annotate(
            node.name,
            (node.lon, node.lat),
            xytext=(4, 3),
            textcoords="offset points",
            fontsize=7.5,
            color=TEXT_COLOUR,
            zorder=6,
            path_effects=halo,
        )
    ax.set_xlim(extent[0], extent[2])
    ax.set_ylim(extent[1], extent[3])
    ax.set_aspect(_aspect(extent), adjustable="box")
    ax.set_xlabel("")
    ax.set_ylabel("")
    ax.xaxis.set_major_formatter(lambda v, _: _degrees(v, "E", "W"))
    ax.yaxis.set_major_formatter(lambda v, _: _degrees(v, "N", "S"))
    ax.tick_params(labelsize=7, colors="#777777")
    for spine in ax.spines.values():
        spine.set_color("#8c8c8c")


def _degrees(value: float, positive: str, negative: str) -> str:
    """A tick label such as ``45°E`` or ``3°W`` (``0°`` for zero)."""
    if value == 0:
        return "0°"
    return f"{abs(value):g}°{positive if value > 0 else negative}"
