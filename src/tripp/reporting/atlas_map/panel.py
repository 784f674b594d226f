"""One map panel: country outlines, graticule, link lines, highlight, nodes, zoom frame.

Also the geometry helpers that fit a lon/lat extent to a panel (equirectangular, scaled
for the extent's middle latitude). matplotlib is imported only inside the functions.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Sequence
from typing import TYPE_CHECKING

from tripp.atlas.model import Atlas, Node
from tripp.reporting.atlas_map.outlines import _Outline
from tripp.reporting.atlas_map.plan import OUTLINES_BBOX, BBox, LinkStroke
from tripp.reporting.atlas_map.style import (
    BORDER_COLOUR,
    HIGHLIGHT_COLOUR,
    HIGHLIGHT_WIDTH_PT,
    LAND_COLOUR,
    LAND_OTHER_COLOUR,
    MODE_COLOURS,
    MODE_WIDTHS_PT,
    MODE_ZORDER,
    NODE_MARKERS,
    OTHER_MARKER,
    PARALLEL_SPACING_PT,
    SEA_COLOUR,
    STATUS_STYLES,
)

if TYPE_CHECKING:
    from matplotlib.axes import Axes


def _mid_lat(extent: BBox) -> float:
    return (extent[1] + extent[3]) / 2


def _aspect(extent: BBox) -> float:
    """Data aspect (y per x) that makes a degree of longitude as long as on the ground."""
    return 1 / max(math.cos(math.radians(_mid_lat(extent))), 0.2)


def _draw_panel(
    ax: Axes,
    atlas: Atlas,
    strokes: Sequence[LinkStroke],
    outlines: Sequence[_Outline],
    extent: BBox,
    *,
    scale: float,
    gid_prefix: str,
) -> None:
    """Outlines, graticule, links, highlight and nodes in ``ax`` over ``extent``."""
    from matplotlib.collections import PatchCollection
    from matplotlib.lines import Line2D
    from matplotlib.patches import PathPatch
    from matplotlib.transforms import ScaledTranslation

    figure = ax.get_figure()
    assert figure is not None
    ax.set_facecolor(SEA_COLOUR)
    aspect = _aspect(extent)
    frame = ax.get_window_extent()
    fitted = _within(_fit_extent(extent, aspect, frame.width, frame.height), OUTLINES_BBOX)
    ax.set_xlim(fitted[0], fitted[2])
    ax.set_ylim(fitted[1], fitted[3])
    ax.set_aspect(aspect, adjustable="box")  # where clipped to the outlines, the frame shrinks
    ax.set_anchor("NW")
    _graticule(ax)

    present = set(atlas.countries())
    ax.add_collection(
        PatchCollection(
            [PathPatch(o.path) for o in outlines],
            facecolors=[
                LAND_COLOUR if o.iso_a2 in present else LAND_OTHER_COLOUR for o in outlines
            ],
            edgecolors=BORDER_COLOUR,
            linewidths=0.45 * math.sqrt(scale),
            zorder=1,
        ),
        autolim=False,
    )
    cos_lat = math.cos(math.radians(_mid_lat(extent)))
    for s in sorted(strokes, key=lambda s: MODE_ZORDER.get(s.mode, 3.0)):
        transform = ax.transData
        if s.parallel_count > 1:
            dx, dy = (s.end[0] - s.start[0]) * cos_lat, s.end[1] - s.start[1]
            norm = math.hypot(dx, dy) or 1.0
            shift = (s.parallel_index - (s.parallel_count - 1) / 2) * PARALLEL_SPACING_PT * scale
            transform = transform + ScaledTranslation(
                -dy / norm * shift / 72, dx / norm * shift / 72, figure.dpi_scale_trans
            )
        style, factor, grey = STATUS_STYLES.get(s.status, ("-", 1.0, None))
        xs, ys = (s.start[0], s.end[0]), (s.start[1], s.end[1])
        inactive = grey is not None
        ax.add_line(
            Line2D(
                xs,
                ys,
                color=grey or MODE_COLOURS.get(s.mode, "#555555"),
                linestyle=style,
                linewidth=MODE_WIDTHS_PT.get(s.mode, 1.0) * factor * scale,
                solid_capstyle="round",
                zorder=2.5 if inactive else MODE_ZORDER.get(s.mode, 3.0),
                transform=transform,
                gid=f"{gid_prefix}link:{s.link_id}",
            )
        )
        if s.highlighted:
            width = HIGHLIGHT_WIDTH_PT * (0.6 if inactive else 1.0) * scale
            ax.add_line(
                Line2D(
                    xs,
                    ys,
                    color="white",
                    alpha=0.85,
                    linewidth=width + 2.0 * scale,
                    solid_capstyle="round",
                    zorder=5.5,
                    transform=transform,
                )
            )
            ax.add_line(
                Line2D(
                    xs,
                    ys,
                    color=HIGHLIGHT_COLOUR,
                    linestyle=style,
                    linewidth=width,
                    solid_capstyle="round",
                    zorder=6,
                    transform=transform,
                    gid=f"{gid_prefix}highlight:{s.link_id}",
                )
            )
    by_marker: dict[tuple[str, float], list[Node]] = defaultdict(list)
    for node in atlas.nodes:
        if node.kind != "waypoint":
            by_marker[NODE_MARKERS.get(node.kind, OTHER_MARKER)].append(node)
    for (marker, size), nodes in by_marker.items():
        small = size < 10
        ax.scatter(
            [n.lon for n in nodes],
            [n.lat for n in nodes],
            s=size * scale,
            marker=marker,
            c="#6b6b6b" if small else "#262626",
            edgecolors="white",
            linewidths=0.4 if small else 0.6,
            zorder=7,
            gid=f"{gid_prefix}nodes:{marker}",
        )


def _graticule(ax: Axes) -> None:
    from matplotlib.ticker import FuncFormatter, MultipleLocator

    x0, x1 = ax.get_xlim()
    span = x1 - x0
    step = next((s for s in (1, 2, 5, 10, 20) if span / s <= 12), 30)
    ax.xaxis.set_major_locator(MultipleLocator(step))
    ax.yaxis.set_major_locator(MultipleLocator(step))
    ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: _degrees(v, "E", "W")))
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: _degrees(v, "N", "S")))
    ax.tick_params(labelsize=7, colors="#777777", length=2, width=0.5)
    ax.grid(True, color="#ffffff", linewidth=0.5, alpha=0.7, zorder=1.5)
    ax.set_axisbelow(False)
    for spine in ax.spines.values():
        spine.set_color("#8c8c8c")
        spine.set_linewidth(0.6)


def _degrees(value: float, positive: str, negative: str) -> str:
    if value == 0:
        return "0°"
    return f"{abs(value):g}°{positive if value > 0 else negative}"


def _fit_extent(extent: BBox, aspect: float, width: float, height: float) -> BBox:
    """Widen ``extent`` about its centre so that it fills a ``width`` × ``height`` box."""
    lon_span, lat_span = extent[2] - extent[0], extent[3] - extent[1]
    want = height / width  # (lat_span * aspect) / lon_span must equal this
    if lat_span * aspect / lon_span < want:
        lat_span = want * lon_span / aspect
    else:
        lon_span = lat_span * aspect / want
    lon_c, lat_c = (extent[0] + extent[2]) / 2, (extent[1] + extent[3]) / 2
    return (lon_c - lon_span / 2, lat_c - lat_span / 2, lon_c + lon_span / 2, lat_c + lat_span / 2)


def _within(extent: BBox, region: BBox) -> BBox:
    """``extent`` cut to ``region`` (the outlines' coverage) where they overlap."""
    cut = (
        max(extent[0], region[0]),
        max(extent[1], region[1]),
        min(extent[2], region[2]),
        min(extent[3], region[3]),
    )
    return cut if cut[0] < cut[2] and cut[1] < cut[3] else extent


def _mark_zoom(ax: Axes, bbox: BBox) -> None:
    from matplotlib.patches import Rectangle

    ax.add_patch(
        Rectangle(
            (bbox[0], bbox[1]),
            bbox[2] - bbox[0],
            bbox[3] - bbox[1],
            fill=False,
            edgecolor="#333333",
            linewidth=0.9,
            zorder=8,
        )
    )
