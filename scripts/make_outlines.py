"""Regenerate ``src/tripp/data/geo/countries.geojson`` from Natural Earth via ``world-atlas``.

The npm package ``world-atlas`` redistributes Natural Earth's admin-0 countries (public
domain) as quantized TopoJSON. This script decodes it without a TopoJSON dependency,
simplifies the *shared arcs* (so neighbouring countries keep one common border), clips to
the region tripp draws and writes GeoJSON with coordinates rounded to 3 decimals.

Usage::

    cd /tmp && npm pack world-atlas@2.0.2 && tar xzf world-atlas-2.0.2.tgz
    .venv/bin/python scripts/make_outlines.py /tmp/package/countries-50m.json

Options: ``--out`` (default ``src/tripp/data/geo/countries.geojson``), ``--tolerance-deg``
(default 0.01), ``--bbox`` as ``lon_min,lat_min,lon_max,lat_max`` (default -12,0,125,62).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

import pycountry
from shapely.geometry import LineString, MultiPolygon, Polygon, box
from shapely.geometry.base import BaseGeometry
from shapely.validation import make_valid

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_OUT = ROOT / "src" / "tripp" / "data" / "geo" / "countries.geojson"
DEFAULT_BBOX = (-12.0, 0.0, 125.0, 62.0)
DIGITS = 3

Point = tuple[float, float]


def decode_arcs(topology: dict[str, Any]) -> list[list[Point]]:
    """Absolute lon/lat of every arc: undo the delta encoding, then apply the transform."""
    transform = topology.get("transform")
    arcs: list[list[Point]] = []
    for arc in topology["arcs"]:
        if transform is None:
            arcs.append([(float(p[0]), float(p[1])) for p in arc])
            continue
        (sx, sy), (tx, ty) = transform["scale"], transform["translate"]
        x = y = 0
        points: list[Point] = []
        for dx, dy, *_ in arc:
            x += dx
            y += dy
            points.append((x * sx + tx, y * sy + ty))
        arcs.append(points)
    return arcs


def simplify_arcs(arcs: list[list[Point]], tolerance_deg: float) -> list[list[Point]]:
    """Douglas–Peucker on each arc; endpoints stay, so shared borders stay shared."""
    if tolerance_deg <= 0:
        return arcs
    out = []
    for arc in arcs:
        if len(arc) <= 2:
            out.append(arc)
            continue
        line = LineString(arc).simplify(tolerance_deg, preserve_topology=False)
        points = [(float(x), float(y)) for x, y in line.coords]
        if arc[0] == arc[-1] and len(points) < 4:  # a closed arc collapsed: keep a triangle
            points = _keep_triangle(arc)
        out.append(points)
    return out


def _keep_triangle(arc: list[Point]) -> list[Point]:
    step = max(1, (len(arc) - 1) // 3)
    return [arc[0], arc[step], arc[min(2 * step, len(arc) - 2)], arc[-1]]


def ring(indices: list[int], arcs: list[list[Point]]) -> list[Point]:
    """Stitch a TopoJSON ring: ``~i`` is arc ``i`` reversed; shared endpoints appear once."""
    points: list[Point] = []
    for index in indices:
        arc = arcs[~index][::-1] if index < 0 else arcs[index]
        points.extend(arc if not points else arc[1:])
    return points


def polygon(rings: list[list[int]], arcs: list[list[Point]]) -> BaseGeometry | None:
    """A valid shapely polygon from TopoJSON rings, or None when it collapsed."""
    coords = [ring(r, arcs) for r in rings]
    coords = [c for c in coords if len(set(c)) >= 3]
    if not coords:
        return None
    shape = Polygon(coords[0], coords[1:])
    if not shape.is_valid:
        shape = make_valid(shape)
    return shape if not shape.is_empty else None


def geometry(obj: dict[str, Any], arcs: list[list[Point]]) -> BaseGeometry | None:
    """The shapely geometry of a TopoJSON Polygon or MultiPolygon object."""
    if obj["type"] == "Polygon":
        parts = [polygon(obj["arcs"], arcs)]
    elif obj["type"] == "MultiPolygon":
        parts = [polygon(rings, arcs) for rings in obj["arcs"]]
    else:
        return None
    polygons: list[Polygon] = []
    for part in parts:
        polygons.extend(_polygons(part))
    return MultiPolygon(polygons) if polygons else None


def _polygons(shape: BaseGeometry | None) -> list[Polygon]:
    if shape is None or shape.is_empty:
        return []
    if isinstance(shape, Polygon):
        return [shape]
    return [p for g in getattr(shape, "geoms", []) for p in _polygons(g)]


def alpha2(numeric: str | None) -> str | None:
    """ISO 3166-1 alpha-2 of a numeric code, or None (Kosovo, N. Cyprus, Somaliland …)."""
    if not numeric:
        return None
    country = pycountry.countries.get(numeric=numeric.zfill(3))
    return country.alpha_2 if country else None


def _round(coords: Any) -> Any:
    if isinstance(coords, (list, tuple)) and coords and isinstance(coords[0], (int, float)):
        return [round(float(c), DIGITS) for c in coords]
    return [_round(c) for c in coords]


def _rounded_geometry(shape: BaseGeometry) -> dict[str, Any] | None:
    """GeoJSON of ``shape`` with rounded coordinates; repeated points after rounding dropped."""
    polygons = []
    for part in _polygons(shape):
        rings = []
        for line in (part.exterior, *part.interiors):
            points: list[list[float]] = []
            for point in _round(list(line.coords)):
                if not points or point != points[-1]:
                    points.append(point)
            if len(points) >= 4:
                rings.append(points)
        if rings:
            polygons.append(rings)
    if not polygons:
        return None
    return {"type": "MultiPolygon", "coordinates": polygons}


def convert(
    topology: dict[str, Any],
    *,
    tolerance_deg: float,
    bbox: tuple[float, float, float, float],
) -> dict[str, Any]:
    """The GeoJSON FeatureCollection of the countries that meet ``bbox``."""
    arcs = simplify_arcs(decode_arcs(topology), tolerance_deg)
    region = box(*bbox)
    features = []
    for obj in topology["objects"]["countries"]["geometries"]:
        shape = geometry(obj, arcs)
        if shape is None or not shape.intersects(region):
            continue
        clipped = shape.intersection(region)
        if clipped.is_empty or clipped.area < 1e-6:
            continue
        geojson = _rounded_geometry(clipped)
        if geojson is None:
            continue
        name = obj.get("properties", {}).get("name", "")
        features.append(
            {
                "type": "Feature",
                "properties": {"name": name, "iso_a2": alpha2(obj.get("id"))},
                "geometry": geojson,
            }
        )
    features.sort(key=lambda f: f["properties"]["name"])
    return {"type": "FeatureCollection", "bbox": list(bbox), "features": features}


def _dumps(collection: dict[str, Any]) -> str:
    """Compact JSON with one feature per line, so a regeneration diffs by country."""
    features = ",\n".join(
        json.dumps(f, separators=(",", ":"), ensure_ascii=False) for f in collection["features"]
    )
    head = json.dumps({k: v for k, v in collection.items() if k != "features"})[:-1]
    return f'{head}, "features": [\n{features}\n]}}\n'


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("topojson", type=Path, help="world-atlas countries-50m.json")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    parser.add_argument("--tolerance-deg", type=float, default=0.01)
    parser.add_argument("--bbox", default=",".join(str(v) for v in DEFAULT_BBOX))
    args = parser.parse_args(argv)
    values = [float(v) for v in args.bbox.split(",")]
    if len(values) != 4:
        parser.error("--bbox needs lon_min,lat_min,lon_max,lat_max")
    topology = json.loads(args.topojson.read_text(encoding="utf-8"))
    collection = convert(
        topology,
        tolerance_deg=args.tolerance_deg,
        bbox=(values[0], values[1], values[2], values[3]),
    )
    args.out.parent.mkdir(parents=True, exist_ok=True)
    text = _dumps(collection)
    args.out.write_text(text, encoding="utf-8")
    print(
        f"wrote {len(collection['features'])} countries, {len(text) / 1e6:.2f} MB to {args.out}",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
