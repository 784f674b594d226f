"""Figures an importer reads off WGS 84 geometry: points' lon/lat, lines' geodesic lengths
and ends, and the nearest node to a line's end.

Every function works on arrays of shapely geometries (one per feature) and returns arrays,
so a layer of a million lines is measured without a Python loop per segment. Distances are
geodesic on the WGS 84 ellipsoid (pyproj's ``Geod``, Karney's algorithm). shapely, pyproj
and scipy are imported when a function runs.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Final

import numpy as np

if TYPE_CHECKING:
    from numpy.typing import NDArray

#: Decimal places kept of a point's lon/lat (1e-7 degree is about 1 cm).
COORDINATE_DECIMALS: Final = 7
#: Decimal places kept of a geodesic length in km (1 m).
LENGTH_DECIMALS: Final = 3


def point_lon_lat(
    geometries: NDArray[np.object_],
) -> tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.bool_]]:
    """Lon and lat (degrees, rounded to :data:`COORDINATE_DECIMALS`) of Point geometries,
    and a boolean array marking the features that are not a non-empty Point (their lon/lat
    are NaN)."""
    import shapely

    is_point = (shapely.get_type_id(geometries) == 0) & ~shapely.is_empty(geometries)
    lon = np.where(is_point, shapely.get_x(geometries), np.nan).astype(np.float64)
    lat = np.where(is_point, shapely.get_y(geometries), np.nan).astype(np.float64)
    return np.round(lon, COORDINATE_DECIMALS), np.round(lat, COORDINATE_DECIMALS), ~is_point


def is_line(geometries: NDArray[np.object_]) -> NDArray[np.bool_]:
    """Whether each geometry is a non-empty LineString or MultiLineString."""
    import shapely

    kinds = shapely.get_type_id(geometries)
    return np.isin(kinds, (1, 5)) & ~shapely.is_empty(geometries)


def geodesic_length_km(geometries: NDArray[np.object_]) -> NDArray[np.float64]:
    """Geodesic length on the WGS 84 ellipsoid of (Multi)LineStrings in lon/lat, km,
    rounded to :data:`LENGTH_DECIMALS`; NaN where a geometry is not a line.

    >>> import shapely
    >>> line = shapely.LineString([(0, 0), (1, 0)])  # one degree along the equator
    >>> float(geodesic_length_km(np.array([line]))[0])
    111.319
    """
    import shapely
    from pyproj import Geod

    lines = is_line(geometries)
    parts, owner = shapely.get_parts(geometries[lines], return_index=True)
    coords, part = shapely.get_coordinates(parts, return_index=True)
    same_part = part[1:] == part[:-1]
    start, end = coords[:-1][same_part], coords[1:][same_part]
    _, _, segment_m = Geod(ellps="WGS84").inv(start[:, 0], start[:, 1], end[:, 0], end[:, 1])
    per_part_m = np.bincount(part[1:][same_part], weights=segment_m, minlength=len(parts))
    per_line_m = np.bincount(owner, weights=per_part_m, minlength=int(lines.sum()))
    length_km = np.full(len(geometries), np.nan)
    length_km[lines] = np.round(per_line_m / 1000.0, LENGTH_DECIMALS)
    return length_km


def line_ends(
    geometries: NDArray[np.object_],
) -> tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.bool_]]:
    """First and last points (lon, lat columns) of lines, and a boolean array marking the
    features without two ends: not a line, or a MultiLineString whose parts do not join
    into one line (their ends are NaN)."""
    import shapely

    merged = np.array(geometries, dtype=object)
    multi = shapely.get_type_id(merged) == 5
    merged[multi] = shapely.line_merge(merged[multi])
    single = (shapely.get_type_id(merged) == 1) & ~shapely.is_empty(merged)
    start = np.full((len(merged), 2), np.nan)
    end = np.full((len(merged), 2), np.nan)
    start[single] = shapely.get_coordinates(shapely.get_point(merged[single], 0))
    end[single] = shapely.get_coordinates(shapely.get_point(merged[single], -1))
    return start, end, ~single


def nearest_nodes(
    points: NDArray[np.float64], node_lon: NDArray[np.float64], node_lat: NDArray[np.float64]
) -> tuple[NDArray[np.intp], NDArray[np.float64]]:
    """For each (lon, lat) row of ``points``, the index of the nearest node and the geodesic
    distance to it, m.

    The nearest node is found in a k-d tree of the nodes on the unit sphere (chord distance
    grows with great-circle distance, so a query is O(log n)); its distance is then
    measured on the ellipsoid.

    >>> idx, dist_m = nearest_nodes(np.array([[0.0, 0.0001]]), np.array([0.0, 1.0]),
    ...                             np.array([0.0, 0.0]))
    >>> int(idx[0]), round(float(dist_m[0]), 1)
    (0, 11.1)
    """
    from pyproj import Geod
    from scipy.spatial import cKDTree

    tree = cKDTree(_unit_vectors(node_lon, node_lat))
    _, index = tree.query(_unit_vectors(points[:, 0], points[:, 1]))
    _, _, distance_m = Geod(ellps="WGS84").inv(
        points[:, 0], points[:, 1], node_lon[index], node_lat[index]
    )
    return np.asarray(index, dtype=np.intp), np.asarray(distance_m, dtype=np.float64)


def _unit_vectors(lon: NDArray[np.float64], lat: NDArray[np.float64]) -> NDArray[np.float64]:
    """Points on the unit sphere (x, y, z) of degrees lon/lat."""
    lon_rad, lat_rad = np.radians(lon), np.radians(lat)
    return np.column_stack(
        (np.cos(lat_rad) * np.cos(lon_rad), np.cos(lat_rad) * np.sin(lon_rad), np.sin(lat_rad))
    )
