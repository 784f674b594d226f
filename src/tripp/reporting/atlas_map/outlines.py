"""Country outlines: the committed Natural Earth GeoJSON, read as data or as shapes.

The file is found through :mod:`importlib.resources` on the ``tripp`` package, so it is
located the same way wherever the package is installed. shapely and matplotlib are
imported only when the outlines are turned into shapes.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Final

from tripp.atlas.countries import read_outlines


@dataclass(frozen=True)
class _Outline:
    name: str
    iso_a2: str | None
    geometry: Any  # shapely MultiPolygon
    path: Any  # matplotlib Path


EXCLAVE_NAMES: Final[dict[str, str]] = {"AZ": "Nakhchivan"}


def _load_outlines() -> list[_Outline]:
    from matplotlib.path import Path as MplPath
    from shapely.geometry import shape
    from shapely.geometry.polygon import orient

    outlines = []
    for feature in read_outlines()["features"]:
        geometry = shape(feature["geometry"])
        vertices: list[tuple[float, float]] = []
        codes: list[Any] = []
        for polygon in geometry.geoms:
            polygon = orient(polygon, 1.0)  # holes wind the other way: they stay empty
            for ring in (polygon.exterior, *polygon.interiors):
                xy = [(float(x), float(y)) for x, y in ring.coords]
                vertices.extend(xy)
                codes.extend([MplPath.MOVETO] + [MplPath.LINETO] * (len(xy) - 2))
                codes.append(MplPath.CLOSEPOLY)
        props = feature["properties"]
        outlines.append(
            _Outline(props["name"], props.get("iso_a2"), geometry, MplPath(vertices, codes))
        )
    return outlines
