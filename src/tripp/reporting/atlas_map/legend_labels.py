"""The legend panel and the placement of place and country labels without overlaps.

matplotlib and shapely are imported only inside the functions.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any, Final

from tripp.atlas.model import Atlas, Node
from tripp.reporting.atlas_map.outlines import EXCLAVE_NAMES, _Outline
from tripp.reporting.atlas_map.plan import BBox, LinkStroke, node_degrees
from tripp.reporting.atlas_map.style import (
    HIGHLIGHT_COLOUR,
    MODE_COLOURS,
    NODE_MARKERS,
    STATUS_STYLES,
    TEXT_COLOUR,
)

if TYPE_CHECKING:
    from matplotlib.axes import Axes


def label_order(
    nodes: Iterable[Node], strokes: Sequence[LinkStroke], atlas: Atlas, kinds: Sequence[str]
) -> list[Node]:
    """Nodes of ``kinds`` worth a label, most important first.

    Ports and cities on the highlighted corridor come first, then by number of links.
    """
    degree = node_degrees(atlas)
    on_highlight = {
        end
        for s in strokes
        if s.highlighted
        for end in (atlas.link_by_id[s.link_id].from_node, atlas.link_by_id[s.link_id].to_node)
    }
    chosen = [n for n in nodes if n.kind in kinds]
    return sorted(
        chosen,
        key=lambda n: (
            n.node_id not in on_highlight,
            kinds.index(n.kind),
            -degree.get(n.node_id, 0),
            n.name,
        ),
    )


def _draw_legend(ax: Axes, atlas: Atlas, strokes: Sequence[LinkStroke], highlight: str) -> None:
    from matplotlib.lines import Line2D

    ax.axis("off")
    modes = [m for m in MODE_COLOURS if any(s.mode == m for s in strokes)]
    statuses = [st for st in STATUS_STYLES if any(s.status == st for s in strokes)]
    mode_handles = [
        Line2D([], [], color=MODE_COLOURS[m], linewidth=2.0, label=m.replace("_", " "))
        for m in modes
    ]
    status_handles = []
    for st in statuses:
        style, factor, grey = STATUS_STYLES[st]
        status_handles.append(
            Line2D(
                [],
                [],
                color=grey or "#333333",
                linestyle=style,
                linewidth=1.6 * factor,
                label=st.replace("_", " "),
            )
        )
    kinds = {n.kind for n in atlas.nodes if n.kind != "waypoint"}
    place_handles = []
    if any(s.highlighted for s in strokes):
        place_handles.append(
            Line2D([], [], color=HIGHLIGHT_COLOUR, linewidth=3.0, label=f"{highlight} corridor")
        )
    for kind, label in (("city", "city"), ("port", "port"), ("border_crossing", "border")):
        if kind in kinds:
            marker, size = NODE_MARKERS[kind]
            place_handles.append(_marker_handle(marker, math.sqrt(size), "#262626", label))
    if kinds - set(NODE_MARKERS):
        place_handles.append(_marker_handle("o", 2.5, "#6b6b6b", "other place"))
    common: dict[str, Any] = {
        "frameon": False,
        "fontsize": 8,
        "title_fontsize": 8.5,
        "alignment": "left",
        "handlelength": 2.6,
        "borderaxespad": 0.0,
        "labelcolor": TEXT_COLOUR,
    }
    figure = ax.get_figure()
    assert figure is not None
    renderer = figure.canvas.get_renderer()  # type: ignore[attr-defined]
    sections = [
        (title, handles)
        for title, handles in (
            ("Mode", mode_handles),
            ("Status", status_handles),
            ("Highlight and places", place_handles),
        )
        if handles
    ]
    two_columns = ax.get_window_extent(renderer).width / figure.dpi > 3.5
    x, y = 0.0, 1.0
    for i, (title, handles) in enumerate(sections):
        if two_columns and i == 1:
            x, y = 0.5, 1.0
        legend = ax.legend(
            handles=handles, title=title, loc="upper left", bbox_to_anchor=(x, y), **common
        )
        legend.get_title().set_fontweight("bold")
        ax.add_artist(legend)
        y = legend.get_window_extent(renderer).transformed(ax.transAxes.inverted()).y0 - 0.04


def _marker_handle(marker: str, size: float, colour: str, label: str) -> Any:
    from matplotlib.lines import Line2D

    return Line2D(
        [],
        [],
        linestyle="none",
        marker=marker,
        markersize=size,
        markerfacecolor=colour,
        markeredgecolor="white",
        label=label,
    )


def _place_labels(
    ax: Axes,
    atlas: Atlas,
    strokes: Sequence[LinkStroke],
    renderer: Any,
    *,
    kinds: Sequence[str],
    limit: int,
    outlines: Sequence[_Outline] = (),
    zoom: bool = False,
    skip: BBox | None = None,
) -> list[str]:
    """Label the most important visible places without overlaps; return the labelled ids.

    Places inside ``skip`` (the area a zoom panel shows) are left to that panel.
    """
    from matplotlib import patheffects

    x0, x1 = ax.get_xlim()
    y0, y1 = ax.get_ylim()
    frame = ax.get_window_extent(renderer)
    visible = [
        n
        for n in atlas.nodes
        if x0 <= n.lon <= x1
        and y0 <= n.lat <= y1
        and not (skip and skip[0] <= n.lon <= skip[2] and skip[1] <= n.lat <= skip[3])
    ]
    on_highlight = {
        end
        for s in strokes
        if s.highlighted
        for end in (atlas.link_by_id[s.link_id].from_node, atlas.link_by_id[s.link_id].to_node)
    }
    halo = [patheffects.withStroke(linewidth=2.6, foreground="white")]
    taken: list[Any] = []
    labelled: list[str] = []
    for node in label_order(visible, strokes, atlas, kinds):
        if len(labelled) >= limit:
            break
        for dx, dy, ha, va in _LABEL_SPOTS:
            text = ax.annotate(
                node.name,
                (node.lon, node.lat),
                xytext=(dx, dy),
                textcoords="offset points",
                ha=ha,
                va=va,
                fontsize=8.5 if zoom else 7.5,
                fontweight="bold" if node.node_id in on_highlight else "normal",
                color=TEXT_COLOUR,
                path_effects=halo,
                zorder=9,
                annotation_clip=True,
            )
            box = text.get_window_extent(renderer)
            inside = frame.x0 <= box.x0 and box.x1 <= frame.x1 and frame.y0 <= box.y0
            if inside and box.y1 <= frame.y1 and not any(box.overlaps(t) for t in taken):
                taken.append(box.expanded(1.06, 1.15))
                labelled.append(node.node_id)
                break
            text.remove()
    _country_labels(ax, outlines, renderer, taken, zoom=zoom)
    return labelled


_LABEL_SPOTS: Final = (
    (4.0, 3.0, "left", "bottom"),
    (-4.0, 3.0, "right", "bottom"),
    (4.0, -3.0, "left", "top"),
    (-4.0, -3.0, "right", "top"),
)


def _country_labels(
    ax: Axes, outlines: Sequence[_Outline], renderer: Any, taken: list[Any], *, zoom: bool
) -> None:
    """Faint country names on large visible land; exclaves named in the zoom panel."""
    from shapely.geometry import box

    x0, x1 = ax.get_xlim()
    y0, y1 = ax.get_ylim()
    view = box(x0, y0, x1, y1)
    threshold = view.area * (0.02 if zoom else 0.006)
    for outline in outlines:
        parts = sorted(
            (p for p in _parts(outline.geometry.intersection(view)) if p.area >= threshold),
            key=lambda p: -p.area,
        )
        for i, part in enumerate(parts if zoom else parts[:1]):
            name = outline.name.upper()
            if i > 0:
                exclave = EXCLAVE_NAMES.get(outline.iso_a2 or "")
                if exclave is None:
                    continue
                name = f"{exclave.upper()}\n({outline.name})"
            point = part.representative_point()
            text = ax.text(
                point.x,
                point.y,
                name,
                ha="center",
                va="center",
                fontsize=8 if zoom else 6.5,
                color="#8d8677",
                zorder=2,
                clip_on=True,
            )
            bbox = text.get_window_extent(renderer)
            if any(bbox.overlaps(t) for t in taken):
                text.remove()
            else:
                taken.append(bbox)


def _parts(geometry: Any) -> list[Any]:
    if geometry.is_empty:
        return []
    if geometry.geom_type == "Polygon":
        return [geometry]
    return [p for g in getattr(geometry, "geoms", []) for p in _parts(g)]
