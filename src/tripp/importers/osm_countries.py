"""Countries of points, from the bundled Natural Earth outlines (1:50m), vectorised.

A point inside no outline but within :data:`COAST_TOLERANCE_DEG` of one (a quay, a coastal
road drawn just off the generalised coastline) takes the nearest country; a point farther
out has none (``""``). Where outlines grown by the tolerance overlap, the first in the
file's order wins, which the caller reports or, for a ferry, reads as international
waters.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any, Final

import numpy as np
import numpy.typing as npt

from tripp.atlas.countries import is_country, read_outlines

#: How far off the outlines (degrees, ≈ 5.5 km at the equator) a point still takes the
#: nearest country: the 1:50m coastline is generalised by a few kilometres.
COAST_TOLERANCE_DEG: Final = 0.05


@dataclass(frozen=True)
class Outlines:
    """Country polygons, their codes and their bounding boxes."""

    codes: tuple[str, ...]
    geometries: tuple[Any, ...]  # prepared shapely geometries
    bounds: npt.NDArray[np.float64]  # per geometry: min lon, min lat, max lon, max lat


@cache
def country_outlines() -> Outlines:
    """The bundled outlines with an ISO alpha-2 code (others, e.g. disputed areas without
    one, are left out), read once per process."""
    import shapely

    codes, geometries = [], []
    for feature in read_outlines().get("features", []):
        code = (feature.get("properties") or {}).get("iso_a2")
        if isinstance(code, str) and is_country(code) and feature.get("geometry"):
            codes.append(code)
            geometries.append(shapely.from_geojson(_json(feature["geometry"])))
    shapely.prepare(geometries)
    bounds = shapely.bounds(np.array(geometries, dtype=object))
    return Outlines(tuple(codes), tuple(geometries), bounds)


@cache
def _within_tolerance(index: int) -> Any:
    """Outline ``index`` grown by :data:`COAST_TOLERANCE_DEG` (prepared)."""
    import shapely

    grown = shapely.buffer(country_outlines().geometries[index], COAST_TOLERANCE_DEG)
    shapely.prepare(grown)
    return grown


def _json(geometry: object) -> str:
    import json

    return json.dumps(geometry)


def countries_of(lon: npt.NDArray[np.float64], lat: npt.NDArray[np.float64]) -> list[str]:
    """The country code of each point (``""`` where none lies within the tolerance)."""
    import shapely

    outlines = country_outlines()
    found = np.full(len(lon), -1, dtype=np.int64)
    for index, geometry in enumerate(outlines.geometries):
        west, south, east, north = outlines.bounds[index]
        candidates = np.flatnonzero(
            (found < 0) & (lon >= west) & (lon <= east) & (lat >= south) & (lat <= north)
        )
        if len(candidates):
            inside = shapely.contains_xy(geometry, lon[candidates], lat[candidates])
            found[candidates[inside]] = index
    missing = np.flatnonzero(found < 0)
    for index in range(len(outlines.codes)):
        if not len(missing):
            break
        west, south, east, north = outlines.bounds[index] + COAST_TOLERANCE_DEG * np.array(
            [-1, -1, 1, 1]
        )
        x, y = lon[missing], lat[missing]
        near = (x >= west) & (x <= east) & (y >= south) & (y <= north)
        if near.any():
            coast = _within_tolerance(index)
            near[near] = shapely.contains_xy(coast, x[near], y[near])
            found[missing[near]] = index
            missing = missing[~near]
    return [outlines.codes[i] if i >= 0 else "" for i in found]
