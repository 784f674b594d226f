"""The whole map: figure layout (main panel, zoom panel, legend, titles) and file output.

:func:`build_figure` lays out the panels; :func:`draw_atlas_map` checks the output path
and writes the figure atomically. matplotlib is imported only inside the functions.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

from tripp.atlas.model import Atlas
from tripp.errors import InputError, Problem
from tripp.reporting.atlas_map.legend_labels import _draw_legend, _place_labels
from tripp.reporting.atlas_map.outlines import _load_outlines
from tripp.reporting.atlas_map.panel import _aspect, _draw_panel, _mark_zoom, _mid_lat
from tripp.reporting.atlas_map.plan import TRIPP_AREA_BBOX, BBox, default_extent, plan_links
from tripp.reporting.atlas_map.style import FOOTER, TEXT_COLOUR
from tripp.reporting.atomic import atomic_path, check_output_file

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

#: The logger of the former single module, kept so that log records keep their name.
logger = logging.getLogger("tripp.reporting.atlas_map")

FORMATS: Final[dict[str, str]] = {".png": "png", ".svg": "svg", ".pdf": "pdf"}
#: How each format carries the creator tripp writes into it (:func:`_save_atomically`): what
#: tells a map tripp drew from a file it must not replace.
CREATOR_MARKS: Final[dict[str, bytes]] = {
    "png": b"tEXtSoftware\x00tripp ",
    "svg": b"<dc:title>tripp ",
    "pdf": b"/Creator (tripp ",
}


def draw_atlas_map(
    atlas: Atlas,
    out: Path,
    *,
    year: int | None = None,
    force: bool = False,
    highlight: str = "TRIPP",
    bbox: BBox | None = None,
    dpi: int = 200,
) -> Path:
    """Draw the atlas network on country outlines into ``out`` (.png, .svg or .pdf).

    ``bbox`` is ``(lon_min, lat_min, lon_max, lat_max)`` in degrees (default: the nodes'
    extent with a margin). The file is written atomically; an existing file is replaced
    only with ``force`` and only when it is a map tripp drew (it names tripp as its creator).
    Returns ``out``.

    Raises :class:`~tripp.errors.InputError` for an unknown suffix, a missing folder, an
    existing file without ``force`` or not drawn by tripp, a bad ``bbox`` or an unknown
    ``highlight`` tag.

    >>> import tempfile, tripp
    >>> folder = Path(tempfile.mkdtemp())
    >>> tripp.draw_atlas_map(tripp.load_atlas(), folder / "atlas.svg", year=2030).name
    'atlas.svg'
    """
    out = Path(out)
    fmt = FORMATS.get(out.suffix.lower())
    if fmt is None:
        raise InputError(
            Problem(str(out), f"unknown map format '{out.suffix}'", "use .png, .svg or .pdf")
        )
    check_output_file(out, force=force, mark=CREATOR_MARKS[fmt])
    figure = build_figure(atlas, year=year, highlight=highlight, bbox=bbox)
    _save_atomically(figure, out, fmt, dpi)
    logger.info("wrote %s", out)
    return out


def _save_atomically(figure: Figure, out: Path, fmt: str, dpi: int) -> None:
    import matplotlib

    from tripp.version import __version__

    creator = f"tripp {__version__}"
    metadatas: dict[str, dict[str, Any]] = {
        "png": {"Software": creator},
        "svg": {"Creator": creator, "Date": None},
        "pdf": {"Creator": creator, "CreationDate": None},
    }
    metadata = metadatas[fmt]
    with atomic_path(out) as temporary, matplotlib.rc_context({"svg.hashsalt": "tripp"}):
        figure.savefig(temporary, format=fmt, dpi=dpi, metadata=metadata)


def _check_bbox(bbox: BBox) -> BBox:
    lon_min, lat_min, lon_max, lat_max = (float(v) for v in bbox)
    if not (-180 <= lon_min < lon_max <= 180 and -90 <= lat_min < lat_max <= 90):
        raise InputError(
            Problem(
                "bbox",
                f"({lon_min}, {lat_min}, {lon_max}, {lat_max}) is not a lon/lat box",
                "give lon_min < lon_max in −180…180 and lat_min < lat_max in −90…90",
            )
        )
    return lon_min, lat_min, lon_max, lat_max


def build_figure(
    atlas: Atlas,
    *,
    year: int | None = None,
    highlight: str = "TRIPP",
    bbox: BBox | None = None,
) -> Figure:
    """The map as a matplotlib figure (not saved); see :func:`draw_atlas_map`.

    Its axes are labelled ``main``, ``zoom`` (only when drawn) and ``legend``.
    """
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    strokes = plan_links(atlas, year=year, highlight=highlight)
    extent = _check_bbox(bbox) if bbox is not None else default_extent(atlas)
    outlines = _load_outlines()
    with_zoom = _zoom_is_useful(extent)

    aspect = _aspect(extent)
    main_w_in = 10.6
    ratio = (extent[3] - extent[1]) / ((extent[2] - extent[0]) / aspect)
    fig_h_in = min(max(main_w_in * min(max(ratio, 0.45), 1.1) / 0.80, 7.5), 11.0)
    figure = Figure(figsize=(16.0, fig_h_in), facecolor="white")
    FigureCanvasAgg(figure)
    bottom, top = 0.6 / fig_h_in, 1 - 1.0 / fig_h_in

    main_w = 0.66 if with_zoom else 0.74
    side_x = 0.03 + main_w + 0.035
    main = figure.add_axes((0.03, bottom, main_w, top - bottom), label="main")
    _draw_panel(main, atlas, strokes, outlines, extent, scale=1.0, gid_prefix="")
    zoom: Axes | None = None
    if with_zoom:
        zoom_h = (top - bottom) * 0.56
        zoom = figure.add_axes((side_x, top - zoom_h, 0.98 - side_x, zoom_h), label="zoom")
        _draw_panel(zoom, atlas, strokes, outlines, TRIPP_AREA_BBOX, scale=1.5, gid_prefix="zoom:")
        zoom.set_title(
            "TRIPP area: Nakhchivan – Syunik (Meghri)",
            fontsize=9.5,
            loc="left",
            color=TEXT_COLOUR,
        )
        _mark_zoom(main, TRIPP_AREA_BBOX)
        legend_top = top - zoom_h - 0.05
    else:
        legend_top = top
    legend_ax = figure.add_axes(
        (side_x, bottom, 0.98 - side_x, max(legend_top - bottom, 0.1)), label="legend"
    )
    _draw_legend(legend_ax, atlas, strokes, highlight)

    as_of = year if year is not None else atlas.as_of_year
    figure.text(
        0.03,
        1 - 0.35 / fig_h_in,
        f"tripp atlas: freight and energy links, status in {as_of}",
        fontsize=15,
        fontweight="bold",
        color=TEXT_COLOUR,
        va="center",
    )
    highlighted = sum(s.highlighted for s in strokes)
    figure.text(
        0.03,
        1 - 0.68 / fig_h_in,
        f"{len(atlas.nodes)} places, {len(atlas.links)} links"
        + (f"; {highlighted} links of the {highlight} corridor in red" if highlight else "")
        + ". Lines join linked places straight; they do not follow the alignments.",
        fontsize=9.5,
        color="#555555",
        va="center",
    )
    figure.text(0.03, 0.22 / fig_h_in, FOOTER, fontsize=8, color="#666666", va="center")
    figure.text(
        0.98,
        0.22 / fig_h_in,
        f"Network: tripp atlas ({atlas.name}), {len(atlas.sources)} "
        f"source{'s' if len(atlas.sources) != 1 else ''}. "
        f"Equirectangular, scaled for {_mid_lat(extent):.0f}°N.",
        fontsize=8,
        color="#666666",
        va="center",
        ha="right",
    )
    renderer = figure.canvas.get_renderer()  # type: ignore[attr-defined]
    _place_labels(
        main,
        atlas,
        strokes,
        renderer,
        kinds=("port", "city"),
        limit=45,
        outlines=outlines,
        skip=TRIPP_AREA_BBOX if zoom is not None else None,
    )
    if zoom is not None:
        _place_labels(
            zoom,
            atlas,
            strokes,
            renderer,
            kinds=("city", "port", "border_crossing", "rail_station", "dry_port", "terminal"),
            limit=30,
            outlines=outlines,
            zoom=True,
        )
    return figure


def _zoom_is_useful(extent: BBox) -> bool:
    """A zoom panel helps when the map is far larger than the TRIPP area and contains it."""
    z = TRIPP_AREA_BBOX
    overlaps = extent[0] < z[2] and z[0] < extent[2] and extent[1] < z[3] and z[1] < extent[3]
    area = (extent[2] - extent[0]) * (extent[3] - extent[1])
    return overlaps and area > 6 * (z[2] - z[0]) * (z[3] - z[1])
