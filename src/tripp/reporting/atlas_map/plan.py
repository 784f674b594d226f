"""What the atlas map draws, as data: link strokes, statuses in a year and map extents.

No matplotlib or shapely here: :func:`plan_links` and :func:`default_extent` are the
test seam for what is drawn.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Final

from tripp.atlas.model import Atlas, is_available
from tripp.atlas.names import did_you_mean
from tripp.errors import InputError, Problem

BBox = tuple[float, float, float, float]

#: Region of the zoom panel: lon_min, lat_min, lon_max, lat_max in degrees.
TRIPP_AREA_BBOX: Final[BBox] = (44.0, 38.5, 47.5, 41.5)
#: Extent when the atlas has no nodes: the region the outlines cover.
OUTLINES_BBOX: Final[BBox] = (-12.0, 0.0, 125.0, 62.0)


@dataclass(frozen=True, slots=True)
class LinkStroke:
    """One link as drawn: its ends in lon/lat, mode, status in the map's year, highlight."""

    link_id: str
    mode: str
    status: str
    start: tuple[float, float]
    end: tuple[float, float]
    highlighted: bool
    parallel_index: int = 0
    parallel_count: int = 1


def plan_links(
    atlas: Atlas, *, year: int | None = None, highlight: str = "TRIPP"
) -> tuple[LinkStroke, ...]:
    """What :func:`draw_atlas_map` draws for each link, as data.

    With ``year`` a link available that year is drawn as operating; an operating link
    that opens later is drawn as planned; others keep their status. ``highlight`` is a
    corridor tag (case-insensitive; ``""`` highlights nothing). Links joining the same two
    nodes get a ``parallel_index`` so they are drawn side by side.

    Raises :class:`~tripp.errors.InputError` when no link carries the ``highlight`` tag.
    """
    tag = highlight.casefold()
    if tag and not any(tag == c.casefold() for link in atlas.links for c in link.corridors):
        tags = sorted({c for link in atlas.links for c in link.corridors})
        guess = did_you_mean(highlight, tags, limit=1)
        fix = (
            f"did you mean '{guess[0]}'?"
            if guess
            else f"use one of: {', '.join(tags)}, or an empty tag"
            if tags
            else "pass an empty highlight: no link has a corridor tag"
        )
        raise InputError(Problem("highlight", f"no link is tagged '{highlight}'", fix))
    nodes = atlas.node_by_id
    pairs: dict[frozenset[str], list[str]] = defaultdict(list)
    for link in atlas.links:
        pairs[frozenset((link.from_node, link.to_node))].append(link.link_id)
    strokes = []
    for link in atlas.links:
        a, b = nodes[link.from_node], nodes[link.to_node]
        siblings = pairs[frozenset((link.from_node, link.to_node))]
        strokes.append(
            LinkStroke(
                link_id=link.link_id,
                mode=link.mode,
                status=_status_in(link.status, link.open_year, year),
                start=(a.lon, a.lat),
                end=(b.lon, b.lat),
                highlighted=bool(tag) and tag in {c.casefold() for c in link.corridors},
                parallel_index=siblings.index(link.link_id),
                parallel_count=len(siblings),
            )
        )
    return tuple(strokes)


def _status_in(status: str, open_year: int | None, year: int | None) -> str:
    if year is None:
        return status
    if is_available(status, open_year, year):
        return "operating"
    return "planned" if status == "operating" else status


def default_extent(atlas: Atlas, *, margin: float = 0.08, min_span_deg: float = 2.0) -> BBox:
    """The nodes' bounding box widened by ``margin`` of its span (at least ``min_span_deg``)."""
    if not atlas.nodes:
        return OUTLINES_BBOX
    lons = [n.lon for n in atlas.nodes]
    lats = [n.lat for n in atlas.nodes]
    dlon = max(max(lons) - min(lons), min_span_deg)
    dlat = max(max(lats) - min(lats), min_span_deg)
    clon, clat = (max(lons) + min(lons)) / 2, (max(lats) + min(lats)) / 2
    half_lon, half_lat = dlon * (0.5 + margin), dlat * (0.5 + margin)
    return (
        max(clon - half_lon, -180.0),
        max(clat - half_lat, -90.0),
        min(clon + half_lon, 180.0),
        min(clat + half_lat, 90.0),
    )


def node_degrees(atlas: Atlas) -> dict[str, int]:
    """Number of links at each node."""
    degree: dict[str, int] = defaultdict(int)
    for link in atlas.links:
        degree[link.from_node] += 1
        degree[link.to_node] += 1
    return dict(degree)
