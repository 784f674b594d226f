"""The map layer of a criticality ranking: one GeoJSON feature per ranked closure.

Links are drawn as straight lines between their end nodes, nodes and crossing points as
points, countries by their outline (the bundled Natural Earth file); a pair of elements is a
GeometryCollection of both. Properties are the ranking row of :meth:`Impact.to_dict`.
"""

from __future__ import annotations

from typing import Any

from tripp.atlas.countries import read_outlines
from tripp.atlas.model import Atlas
from tripp.resilience.criticality import CriticalityResult


def criticality_geojson(result: CriticalityResult, atlas: Atlas) -> dict[str, Any]:
    """A FeatureCollection of the ranked closures of ``result`` (lon/lat, WGS 84)."""
    outlines: dict[str, Any] | None = None

    def geometry(element_id: str) -> dict[str, Any] | None:
        nonlocal outlines
        kind, _, key = element_id.partition(":")
        nodes = atlas.node_by_id
        if kind == "link":
            link = atlas.link_by_id[key]
            ends = (nodes[link.from_node], nodes[link.to_node])
            return {"type": "LineString", "coordinates": [[n.lon, n.lat] for n in ends]}
        if kind in ("node", "crossing"):
            return {"type": "Point", "coordinates": [nodes[key].lon, nodes[key].lat]}
        if outlines is None:
            outlines = {
                f["properties"].get("iso_a2"): f["geometry"] for f in read_outlines()["features"]
            }
        return outlines.get(key)

    features = []
    for impact in result.impacts:
        shapes = [geometry(e.element_id) for e in impact.elements]
        shapes = [shape for shape in shapes if shape is not None]
        shape: dict[str, Any] | None
        if len(shapes) == 1:
            shape = shapes[0]
        else:
            shape = {"type": "GeometryCollection", "geometries": shapes} if shapes else None
        features.append({"type": "Feature", "geometry": shape, "properties": impact.to_dict()})
    return {"type": "FeatureCollection", "properties": result.spec, "features": features}
