"""Topology of the kept ways on flat arrays: topology nodes, the segments between them and
their geodesic lengths.

A node is a *topology node* when it ends a way piece, is used by two or more ways, or is a
place (station, ferry terminal, border control). Pieces are split at topology nodes into
*segments*; each segment's length is the sum of the WGS 84 geodesic distances
(``pyproj.Geod(ellps="WGS84")``, computed for all consecutive point pairs at once) between
its points.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from tripp.importers.osm_read import OsmPlaces, OsmWays, pair_lengths_km

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]


@dataclass(frozen=True, slots=True)
class Segments:
    """Segments between topology nodes. Nodes are indices into :attr:`node_osm_id`;
    ``first``/``last`` are positions of the segment's end points in the ways' flat arrays."""

    node_osm_id: IntArray  # OSM id of each topology node
    node_lon: FloatArray
    node_lat: FloatArray
    u: IntArray
    v: IntArray
    piece: IntArray
    first: IntArray
    last: IntArray
    length_km: FloatArray
    cumulative_km: FloatArray  # per point: geodesic km from its piece's start


def build_segments(ways: OsmWays, places: OsmPlaces) -> Segments:
    """Split ``ways`` at their topology nodes (see the module docstring)."""
    n_points = len(ways.node_id)
    lengths = np.diff(ways.offsets)
    piece_of = np.repeat(np.arange(ways.n_pieces), lengths)
    osm_ids, inverse = np.unique(ways.node_id, return_inverse=True)
    # count each way once per node: the second copy of a dual-gauge way does not count
    second_copy = np.zeros(ways.n_pieces, dtype=bool)
    second_copy[1:] = (ways.gauge_copy[1:] != 0) & (ways.way_id[1:] == ways.way_id[:-1])
    counted = ~second_copy[piece_of]
    uses = np.bincount(inverse[counted], minlength=len(osm_ids))
    is_topology = uses >= 2
    starts, ends = ways.offsets[:-1], ways.offsets[1:] - 1
    is_topology[inverse[starts]] = True
    is_topology[inverse[ends]] = True
    is_topology |= np.isin(osm_ids, places.node_id)

    pair_km = pair_lengths_km(ways.lon, ways.lat)
    cumulative = np.concatenate(([0.0], np.cumsum(pair_km)))
    cumulative -= np.repeat(cumulative[starts], lengths)  # km from the piece's start

    at = np.flatnonzero(is_topology[inverse])
    same_piece = piece_of[at[:-1]] == piece_of[at[1:]]
    first, last = at[:-1][same_piece], at[1:][same_piece]
    topology = np.flatnonzero(is_topology)
    index_of = np.full(len(osm_ids), -1, dtype=np.int64)
    index_of[topology] = np.arange(len(topology))
    first_point = np.zeros(len(osm_ids), dtype=np.int64)
    first_point[inverse[::-1]] = np.arange(n_points)[::-1]
    return Segments(
        node_osm_id=osm_ids[topology],
        node_lon=ways.lon[first_point[topology]],
        node_lat=ways.lat[first_point[topology]],
        u=index_of[inverse[first]],
        v=index_of[inverse[last]],
        piece=piece_of[first],
        first=first,
        last=last,
        length_km=cumulative[last] - cumulative[first],
        cumulative_km=cumulative,
    )
