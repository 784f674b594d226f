"""Stream an OpenStreetMap PBF into flat arrays: the kept ways' node ids and coordinates, and
the tagged nodes that are places.

pyosmium reads the file on its own threads; its location handler sees every node (so ways
get their coordinates) and a C++ tag filter then lets through only the nodes and ways of
:data:`FILTER_TAGS`, so Python touches the wanted ways and places only. Per way, Python
reads the few tags of :data:`~tripp.importers.osm_tags.WAY_KEYS` (classified once per
distinct combination), the node ids, and the coordinates as one WKB string; everything
after that is NumPy on the flat arrays (:class:`OsmWays`).
"""

from __future__ import annotations

import datetime as dt
import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt

from tripp.errors import InputError, Problem
from tripp.importers.osm_tags import (
    PLACE_TAGS,
    ROAD_CLASSES,
    WAY_KEYS,
    WayClass,
    classify_way,
    parse_duration_h,
    place_kind,
)

if TYPE_CHECKING:
    import osmium

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]

#: (key, value) pairs the C++ filter lets through to Python.
FILTER_TAGS = (
    ("railway", "rail"),
    *(("highway", value) for value in ROAD_CLASSES),
    ("route", "ferry"),
    *PLACE_TAGS,
)
#: Ways decoded per batch before their ids and coordinates become arrays.
BATCH_WAYS = 20_000
#: Length of a WKB linestring's header (byte order, type, point count) in hex digits.
WKB_HEADER_HEX = 18


@dataclass(frozen=True, slots=True)
class OsmWays:
    """Kept ways (or their parts) as flat arrays: piece ``i`` is the run of points
    ``offsets[i]:offsets[i + 1]`` of ``node_id``, ``lon`` and ``lat`` (degrees, WGS 84)."""

    way_id: IntArray  # OSM way id of each piece
    gauge_copy: IntArray  # gauge of a dual-gauge copy (mm), 0 otherwise
    repeats_way: npt.NDArray[np.bool_]  # a second (third…) gauge copy of a dual-gauge way
    class_index: IntArray  # index into classes
    ferry_speed_kmh: FloatArray  # ferry way's length / its duration tag (NaN: none)
    offsets: IntArray
    node_id: IntArray
    lon: FloatArray
    lat: FloatArray
    classes: tuple[WayClass, ...]

    @property
    def n_pieces(self) -> int:
        """Number of pieces."""
        return len(self.way_id)


@dataclass(frozen=True, slots=True)
class OsmPlaces:
    """Tagged nodes that are places (stations, ferry terminals, border controls)."""

    node_id: IntArray
    lon: FloatArray
    lat: FloatArray
    kind: tuple[str, ...]
    name: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class OsmExtract:
    """What :func:`read_osm` found: ways, places, skipped ways by reason, the year the
    extract's data is from (the header's timestamp, else the file's date), and how many ways
    were kept in parts: a way with nodes missing from the extract (cut at its edge) keeps
    its runs of two or more nodes that are there (a ferry's ``duration`` is then not used)."""

    ways: OsmWays
    places: OsmPlaces
    ways_read: int
    skipped: dict[str, int]
    year: int
    ways_cut: int  # ways kept in parts because some of their nodes are not in the extract


def read_osm(path: Path, *, modes: Sequence[str]) -> OsmExtract:
    """Read the rail, road and ferry ways of ``modes`` and the place nodes of ``path``.

    Raises :class:`~tripp.errors.InputError` naming the file when it is missing, not a PBF,
    or truncated.
    """
    import osmium

    if not path.is_file():
        raise InputError(
            Problem(str(path), "no such file", "give the path of an OpenStreetMap .osm.pbf file")
        )
    collector = _Collector(tuple(modes))
    try:
        source = osmium.io.File(str(path), "pbf")
        processor = (
            osmium.FileProcessor(source, osmium.osm.NODE | osmium.osm.WAY)
            .with_locations()
            .with_filter(osmium.filter.TagFilter(*FILTER_TAGS))
        )
        for obj in processor:
            if isinstance(obj, osmium.osm.Way):
                collector.way(obj)
            elif isinstance(obj, osmium.osm.Node):
                collector.node(obj)
        year = _year(processor.header.get("osmosis_replication_timestamp"), path)
    except RuntimeError as error:
        raise InputError(
            Problem(
                str(path),
                f"is not a readable OpenStreetMap PBF ({error})",
                "give a complete .osm.pbf file (download it again if it was cut short)",
            )
        ) from None
    return OsmExtract(
        collector.finish_ways(),
        collector.finish_places(),
        collector.read,
        dict(collector.skipped),
        year,
        collector.ways_cut,
    )


class _Collector:
    """Accumulates ways and places as the file streams by (batched into arrays)."""

    def __init__(self, modes: tuple[str, ...]) -> None:
        import osmium

        self.modes = modes
        self.wkb = osmium.geom.WKBFactory()
        self.all_nodes = osmium.geom.ALL
        self.invalid_location = osmium.InvalidLocationError
        self.class_cache: dict[tuple[str | None, ...], tuple[WayClass, ...] | str] = {}
        self.class_ids: dict[WayClass, int] = {}
        self.skipped: Counter[str] = Counter()
        self.read = 0
        self.ways_cut = 0
        # per piece: way id, gauge copy, class, duration (h), is a second gauge copy
        self.pieces: list[tuple[int, int, int, float, bool]] = []
        self.lengths: list[int] = []
        self.refs: list[int] = []
        self.hex_coords: list[str] = []
        self.id_chunks: list[IntArray] = []
        self.coord_chunks: list[FloatArray] = []
        self.places: list[tuple[int, float, float, str, str]] = []

    def way(self, way: osmium.osm.Way) -> None:
        tags = way.tags
        railway, highway = tags.get("railway"), tags.get("highway")
        if railway == "rail":
            values = (railway, None, None, *(tags.get(key) for key in WAY_KEYS[3:]))
        elif highway in ROAD_CLASSES:
            values = (None, highway, None, None, tags.get("maxspeed"), tags.get("maxspeed:hgv"))
            values += (None, None, None)
        elif tags.get("route") == "ferry":
            values = (None, None, "ferry", None, None, None, None, None, None)
        else:
            return  # a station or platform drawn as a way: not a line
        self.read += 1
        classes = self.class_cache.get(values)
        if classes is None:
            classes = self.class_cache[values] = classify_way(values)
        if isinstance(classes, str):
            self.skipped[classes] += 1
            return
        if classes[0].mode not in self.modes:
            self.skipped[f"{classes[0].mode} not in --modes"] += 1
            return
        nodes = way.nodes
        if len(nodes) < 2:
            self.skipped["fewer than 2 nodes"] += 1
            return
        try:
            line = self.wkb.create_linestring(way, use_nodes=self.all_nodes)
            runs = [([node.ref for node in nodes], line[WKB_HEADER_HEX:])]
            whole = True
        except self.invalid_location:
            runs = _runs_with_locations(nodes)
            whole = False
            if not runs:
                self.skipped["nodes missing from the extract"] += 1
                return
            self.ways_cut += 1
        duration_h = (
            parse_duration_h(tags.get("duration"))
            if classes[0].mode == "ferry" and whole
            else math.nan
        )
        for copy_number, way_class in enumerate(classes):
            index = self.class_ids.setdefault(way_class, len(self.class_ids))
            copy = way_class.gauge_mm if len(classes) > 1 else 0
            for refs, coordinates in runs:
                self.pieces.append((way.id, copy, index, duration_h, copy_number > 0))
                self.lengths.append(len(refs))
                self.refs.extend(refs)
                self.hex_coords.append(coordinates)
        if len(self.hex_coords) >= BATCH_WAYS:
            self._flush()

    def node(self, node: osmium.osm.Node) -> None:
        tags = node.tags
        kind = place_kind(tags)
        if kind is None or not node.location.valid():
            return
        name = tags.get("name:en") or tags.get("name") or ""
        self.places.append((node.id, node.location.lon, node.location.lat, kind, name))

    def _flush(self) -> None:
        if self.refs:
            self.id_chunks.append(np.array(self.refs, dtype=np.int64))
            raw = bytes.fromhex("".join(self.hex_coords))
            self.coord_chunks.append(np.frombuffer(raw, dtype="<f8").astype(np.float64))
        self.refs, self.hex_coords = [], []

    def finish_ways(self) -> OsmWays:
        self._flush()
        ids = np.concatenate(self.id_chunks) if self.id_chunks else np.zeros(0, np.int64)
        coords = (
            np.concatenate(self.coord_chunks) if self.coord_chunks else np.zeros(0, np.float64)
        ).reshape(-1, 2)
        offsets = np.zeros(len(self.lengths) + 1, dtype=np.int64)
        np.cumsum(np.array(self.lengths, dtype=np.int64), out=offsets[1:])
        pieces = self.pieces
        return OsmWays(
            way_id=np.array([p[0] for p in pieces], dtype=np.int64),
            gauge_copy=np.array([p[1] for p in pieces], dtype=np.int64),
            repeats_way=np.array([p[4] for p in pieces], dtype=bool),
            class_index=np.array([p[2] for p in pieces], dtype=np.int64),
            ferry_speed_kmh=_ferry_speeds_kmh(pieces, offsets, coords),
            offsets=offsets,
            node_id=ids,
            lon=np.ascontiguousarray(coords[:, 0]),
            lat=np.ascontiguousarray(coords[:, 1]),
            classes=tuple(self.class_ids),
        )

    def finish_places(self) -> OsmPlaces:
        places = sorted(self.places)
        return OsmPlaces(
            node_id=np.array([p[0] for p in places], dtype=np.int64),
            lon=np.array([p[1] for p in places], dtype=np.float64),
            lat=np.array([p[2] for p in places], dtype=np.float64),
            kind=tuple(p[3] for p in places),
            name=tuple(p[4] for p in places),
        )


def _runs_with_locations(nodes: osmium.osm.WayNodeList) -> list[tuple[list[int], str]]:
    """The runs of two or more consecutive nodes of a way whose locations the extract holds,
    as (node ids, coordinates as little-endian float64 lon/lat pairs in hex)."""
    runs: list[tuple[list[int], str]] = []
    refs: list[int] = []
    coordinates: list[float] = []
    for node in [*nodes, None]:
        if node is not None and node.location.valid():
            refs.append(node.ref)
            coordinates += (node.location.lon, node.location.lat)
            continue
        if len(refs) >= 2:
            runs.append((refs, np.array(coordinates, dtype="<f8").tobytes().hex()))
        refs, coordinates = [], []
    return runs


def _ferry_speeds_kmh(
    pieces: list[tuple[int, int, int, float, bool]], offsets: IntArray, coords: FloatArray
) -> FloatArray:
    """Per piece: the whole way's geodesic length over its ``duration`` (NaN: none)."""
    durations_h = np.array([p[3] for p in pieces], dtype=np.float64)
    speeds = np.full(len(pieces), math.nan)
    for i in np.flatnonzero(~np.isnan(durations_h)):
        points = coords[offsets[i] : offsets[i + 1]]
        speeds[i] = float(pair_lengths_km(points[:, 0], points[:, 1]).sum()) / durations_h[i]
    return speeds


def pair_lengths_km(lon: FloatArray, lat: FloatArray) -> FloatArray:
    """Geodesic length (km, WGS 84) from each point to the next (``len(lon) - 1`` values)."""
    from pyproj import Geod

    if len(lon) < 2:
        return np.zeros(0)
    _, _, metres = Geod(ellps="WGS84").inv(lon[:-1], lat[:-1], lon[1:], lat[1:])
    return np.asarray(metres, dtype=np.float64) / 1000.0


def _year(timestamp: str | None, path: Path) -> int:
    """The year of the header's replication timestamp (ISO 8601), else of the file's date."""
    if timestamp and timestamp[:4].isdigit():
        return int(timestamp[:4])
    modified = dt.datetime.fromtimestamp(path.stat().st_mtime, tz=dt.UTC)
    return modified.year


def clip_to_bbox(ways: OsmWays, bbox: tuple[float, float, float, float]) -> OsmWays:
    """The parts of ``ways`` inside ``bbox`` (W, S, E, N degrees): each way is cut into its
    runs of consecutive nodes inside the box; a run of one node is dropped, and a segment
    that leaves the box is dropped, not cut at the edge (the link ends at its last node
    inside)."""
    west, south, east, north = bbox
    inside = (ways.lon >= west) & (ways.lon <= east) & (ways.lat >= south) & (ways.lat <= north)
    n_points = len(inside)
    piece_of = np.repeat(np.arange(ways.n_pieces), np.diff(ways.offsets))
    starts = np.zeros(n_points, dtype=bool)
    starts[ways.offsets[:-1][ways.offsets[:-1] < n_points]] = True
    # a run starts at an inside point whose predecessor is outside or in another piece
    run_start = inside & (starts | ~np.concatenate(([False], inside[:-1])))
    run_id = np.cumsum(run_start) - 1
    kept_points = np.flatnonzero(inside)
    run_of_point = run_id[kept_points]
    run_lengths = np.bincount(run_of_point, minlength=int(run_start.sum()))
    long_runs = run_lengths >= 2
    keep = long_runs[run_of_point]
    kept_points = kept_points[keep]
    run_pieces = piece_of[np.flatnonzero(run_start)][long_runs]
    offsets = np.zeros(len(run_pieces) + 1, dtype=np.int64)
    np.cumsum(run_lengths[long_runs], out=offsets[1:])
    return OsmWays(
        way_id=ways.way_id[run_pieces],
        gauge_copy=ways.gauge_copy[run_pieces],
        repeats_way=ways.repeats_way[run_pieces],
        class_index=ways.class_index[run_pieces],
        ferry_speed_kmh=ways.ferry_speed_kmh[run_pieces],
        offsets=offsets,
        node_id=ways.node_id[kept_points],
        lon=ways.lon[kept_points],
        lat=ways.lat[kept_points],
        classes=ways.classes,
    )
