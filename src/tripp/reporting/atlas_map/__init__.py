"""Draw the atlas network on Natural Earth country outlines (PNG, SVG or PDF).

Links are straight lines between their nodes' coordinates, coloured by mode and styled by
status; links tagged with the highlighted corridor are drawn on top, thicker. When the map
covers far more than the TRIPP area (Nakhchivan, Syunik, the Araz valley), a second panel
zooms on it. matplotlib and shapely are imported only when a map is drawn.

The seam for tests and other interfaces is :func:`plan_links` (what is drawn, as data) and
:func:`build_figure` (the matplotlib figure, whose link artists carry ``gid``
``link:<link_id>`` and ``highlight:<link_id>``, prefixed ``zoom:`` in the zoom panel).

Modules: :mod:`~tripp.reporting.atlas_map.plan` (link strokes, statuses, extents),
:mod:`~tripp.reporting.atlas_map.outlines` (country outlines),
:mod:`~tripp.reporting.atlas_map.style` (colours and line styles),
:mod:`~tripp.reporting.atlas_map.panel` (one map panel, graticule),
:mod:`~tripp.reporting.atlas_map.legend_labels` (legend, label placement) and
:mod:`~tripp.reporting.atlas_map.figure` (layout, zoom panel, file output).
"""

from __future__ import annotations

from tripp.reporting.atlas_map.figure import FORMATS, build_figure, draw_atlas_map
from tripp.reporting.atlas_map.legend_labels import label_order as label_order
from tripp.reporting.atlas_map.outlines import read_outlines
from tripp.reporting.atlas_map.plan import OUTLINES_BBOX as OUTLINES_BBOX
from tripp.reporting.atlas_map.plan import TRIPP_AREA_BBOX, LinkStroke, default_extent, plan_links
from tripp.reporting.atlas_map.plan import BBox as BBox
from tripp.reporting.atlas_map.plan import node_degrees as node_degrees
from tripp.reporting.atlas_map.style import MODE_COLOURS, STATUS_STYLES

__all__ = [
    "FORMATS",
    "MODE_COLOURS",
    "STATUS_STYLES",
    "TRIPP_AREA_BBOX",
    "LinkStroke",
    "build_figure",
    "default_extent",
    "draw_atlas_map",
    "plan_links",
    "read_outlines",
]
