"""Read GeoPackage layers into atlas rows, as a mapping file says (:mod:`.mapping`).

Steps: check the mapping; open the GeoPackage and check that every mapped layer and field
is there (every problem at once); read each layer (nodes, then links, then the rest),
reprojected to WGS 84 where its CRS is another; build one row per feature, in the layer's
order, from mapped fields and constants; take the columns the mapping leaves to the
geometry (nodes' ``lon``/``lat``; links' ``length_km``, and ``from_node``/``to_node`` with
``snap_m``); add the tables kept from the embedded atlas and the sources they cite.

Values pass as read (text, numbers, booleans); the atlas folder writer's validation gate
reports every bad one. pyogrio, geopandas, shapely and pyproj load when a file is read.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

import numpy as np

from tripp.atlas.schema import TABLES
from tripp.errors import InputError, Problem
from tripp.importers import geometry
from tripp.importers.mapping import GEOMETRY_COLUMNS, Constant, TableMapping, read_mapping
from tripp.importers.origins import GpkgImport, LayerOrigin
from tripp.importers.tables import cell_text, embedded_rows

if TYPE_CHECKING:
    import pandas as pd

#: The method of a link whose ``length_km`` tripp measured on the layer's line.
GEODESIC_METHOD: Final = "length_km: geodesic length of the layer's line on the WGS 84 ellipsoid"
WGS84: Final = "EPSG:4326"


@dataclass(frozen=True, slots=True)
class _Layer:
    """A layer as read: its features' values (index: feature id), WGS 84 geometries (None
    where the mapping takes nothing from the geometry) and what was done to them."""

    frame: pd.DataFrame
    geometries: np.ndarray[Any, np.dtype[np.object_]] | None
    boolean_fields: frozenset[str]
    note: str | None


@dataclass(frozen=True, slots=True)
class _Features:
    """A layer's features as the geometry steps see them: where the layer is, the feature
    ids (in layer order) and their WGS 84 geometries."""

    where: str
    ids: list[Any]
    geometries: np.ndarray[Any, np.dtype[np.object_]]

    def raise_for(self, bad: np.ndarray[Any, np.dtype[np.bool_]], problem: str, fix: str) -> None:
        """Raise one problem per feature marked in ``bad``, named by its feature id."""
        fids = [fid for fid, flagged in zip(self.ids, bad.tolist(), strict=True) if flagged]
        if fids:
            raise InputError(
                [
                    Problem(f"{self.where} feature {fid}", problem, fix, column="geometry")
                    for fid in fids
                ]
            )


def import_gpkg(file: Path, mapping_file: Path) -> GpkgImport:
    """Read the GeoPackage ``file`` into atlas rows as ``mapping_file`` says.

    Raises :class:`~tripp.errors.InputError` for a bad mapping, a missing file or one that
    is not a GeoPackage, a missing layer or field, a layer without CRS, and features whose
    geometry cannot give the columns left to it, each problem naming the fix. Write the
    result with :func:`tripp.importers.tables.write_atlas_folder`.

    >>> import tempfile, geopandas as gpd, pandas as pd
    >>> from shapely.geometry import LineString, Point
    >>> folder = Path(tempfile.mkdtemp())
    >>> stations = gpd.GeoDataFrame(
    ...     {"code": ["kars", "ani"], "name": ["Kars", "Ani"]},
    ...     geometry=[Point(43.10, 40.60), Point(43.57, 40.51)], crs="EPSG:4326")
    >>> stations.to_file(folder / "net.gpkg", layer="stations")
    >>> lines = gpd.GeoDataFrame({"id": ["kars-ani"]},
    ...     geometry=[LineString([(43.10, 40.60), (43.35, 40.58), (43.57, 40.51)])], crs=4326)
    >>> lines.to_file(folder / "net.gpkg", layer="lines")
    >>> refs = pd.DataFrame({"ref": ["my_gis"], "title": ["Our lines"], "by": ["Us"],
    ...     "url": ["https://example.org/lines"], "year": [2026]})
    >>> gpd.GeoDataFrame(refs).to_file(folder / "net.gpkg", layer="refs")
    >>> _ = (folder / "map.toml").write_text('''
    ... [nodes]
    ... layer = "stations"
    ... [nodes.columns]
    ... node_id = "code"
    ... name = "name"
    ... kind = {value = "rail_station"}
    ... country = {value = "TR"}
    ... source_ids = {value = "my_gis"}
    ... [links]
    ... layer = "lines"
    ... snap_m = 10
    ... [links.columns]
    ... link_id = "id"
    ... mode = {value = "rail"}
    ... gauge_mm = {value = 1435}
    ... status = {value = "operating"}
    ... speed_kmh = {value = 40}
    ... source_ids = {value = "my_gis"}
    ... [sources]
    ... layer = "refs"
    ... [sources.columns]
    ... source_id = "ref"
    ... title = "title"
    ... publisher = "by"
    ... url = "url"
    ... year = "year"
    ... confidence = {value = "med"}
    ... [embedded]
    ... tables = ["tariffs", "cargo_types"]
    ... ''')
    >>> result = import_gpkg(folder / "net.gpkg", folder / "map.toml")
    >>> [(r["from_node"], r["to_node"], r["length_km"]) for r in result.tables["links"]]
    [('kars', 'ani', 41.472)]
    >>> import shutil; shutil.rmtree(folder)
    """
    mapping = read_mapping(mapping_file)
    file = Path(file)
    infos = _layer_infos(file, mapping.tables)
    tables: dict[str, list[dict[str, Any]]] = {}
    summary: dict[str, int | float | str] = {}
    notes: list[str] = []
    origins: dict[str, LayerOrigin] = {}
    for table in mapping.tables:
        layer = _read_layer(file, table, infos[table.layer])
        rows = _mapped_rows(table, layer)
        if layer.geometries is not None:
            where = f"{file} layer '{table.layer}'"
            features = _Features(where, layer.frame.index.tolist(), layer.geometries)
            if table.table == "nodes" and "lon" not in table.columns:
                _points(rows, features)
            if table.table == "links":
                summary.update(_lines(rows, table, features, tables.get("nodes")))
        tables[table.table] = rows
        origins[table.table] = _origin(table, layer)
        summary[f"{table.table} rows from layer {table.layer}"] = len(rows)
        if layer.note:
            notes.append(layer.note)
    if mapping.embedded:
        kept = embedded_rows(mapping.embedded, modes=mapping.embedded_modes)
        for name in mapping.embedded:
            summary[f"{name} rows kept from the embedded atlas"] = len(kept[name])
        tables.update({name: list(kept[name]) for name in mapping.embedded})
        tables["sources"] = _merged_sources(tables.get("sources", []), kept["sources"], file)
    return GpkgImport(tables, summary, tuple(notes), file=file, origins=origins)


def _layer_infos(file: Path, tables: Sequence[TableMapping]) -> dict[str, dict[str, Any]]:
    """pyogrio's description of every mapped layer, after checking that ``file`` is a
    GeoPackage holding each mapped layer and field (every problem at once)."""
    import pyogrio
    from pyogrio.errors import DataSourceError

    if not file.is_file():
        raise InputError(Problem(str(file), "GeoPackage not found", "give the path of a .gpkg"))
    try:
        available = [str(name) for name in pyogrio.list_layers(file)[:, 0]]
        driver = pyogrio.read_info(file, layer=available[0])["driver"] if available else None
    except DataSourceError:
        driver = None
    if driver != "GPKG":
        raise InputError(
            Problem(
                str(file),
                "is not a GeoPackage with layers",
                "give a .gpkg file (in a GIS: export the layers as GeoPackage)",
            )
        )
    problems: list[Problem] = []
    infos: dict[str, dict[str, Any]] = {}
    for table in tables:
        if table.layer not in available:
            problems.append(
                Problem(
                    str(file),
                    f"has no layer '{table.layer}' (mapped to {table.table})",
                    f"set {table.table}.layer to one of: {', '.join(available)}",
                    column=f"{table.table}.layer",
                )
            )
            continue
        info = infos.setdefault(table.layer, pyogrio.read_info(file, layer=table.layer))
        fields = [str(name) for name in info["fields"]]
        for column, field in table.columns.items():
            if isinstance(field, str) and field not in fields:
                problems.append(
                    Problem(
                        f"{file} layer '{table.layer}'",
                        f"has no field '{field}' (mapped to {table.table}.{column})",
                        f"map {table.table}.columns.{column} to one of: {', '.join(fields)}",
                        column=field,
                    )
                )
    if problems:
        raise InputError(problems)
    return infos


def _origin(table: TableMapping, layer: _Layer) -> LayerOrigin:
    """The layer, feature ids and source field of each column of ``table``'s rows."""
    fields: dict[str, str | None] = {
        column: source if isinstance(source, str) else ""
        for column, source in table.columns.items()
    }
    if layer.geometries is not None:
        fields.update({c: None for c in GEOMETRY_COLUMNS.get(table.table, ()) if c not in fields})
        if table.snap_m is not None:
            fields.update(from_node=None, to_node=None)
    return LayerOrigin(table.layer, tuple(layer.frame.index.tolist()), fields)


def _uses_geometry(table: TableMapping) -> bool:
    """Whether some column of ``table`` is to be read off the layer's geometry."""
    derived = GEOMETRY_COLUMNS.get(table.table, ())
    return any(c not in table.columns for c in derived) or table.snap_m is not None


def _read_layer(file: Path, table: TableMapping, info: Mapping[str, Any]) -> _Layer:
    """The mapped fields of ``table``'s layer, and its geometry in WGS 84 when used."""
    import pyogrio
    from pyproj import CRS

    where = f"{file} layer '{table.layer}'"
    use_geometry = _uses_geometry(table)
    if use_geometry and info["geometry_type"] is None:
        raise InputError(
            Problem(
                where,
                f"has no geometry, and {table.table} takes {_derived(table)} from it",
                f"map {_derived(table)} to fields, or use a layer with geometry",
            )
        )
    stated = info["crs"] or table.crs
    if use_geometry and stated is None:
        raise InputError(
            Problem(
                where,
                "declares no CRS",
                f'state it in the mapping: [{table.table}] crs = "EPSG:4326" (or the right one)',
            )
        )
    if use_geometry and info["crs"] and table.crs and CRS(info["crs"]) != CRS(table.crs):
        raise InputError(
            Problem(
                where,
                f"declares {info['crs']}, the mapping says {table.crs}",
                f"remove {table.table}.crs (it is for layers that declare none)",
            )
        )
    frame = pyogrio.read_dataframe(
        file,
        layer=table.layer,
        columns=table.fields(),
        read_geometry=use_geometry,
        fid_as_index=True,
    )
    boolean = frozenset(
        str(name)
        for name, subtype in zip(info["fields"], info["ogr_subtypes"], strict=True)
        if subtype == "OFSTBoolean"
    )
    if not use_geometry:
        return _Layer(frame, None, boolean, None)
    frame = frame if info["crs"] else frame.set_crs(stated)
    note = None
    if CRS(stated).to_epsg() != 4326:
        frame = frame.to_crs(WGS84)
        note = f"layer '{table.layer}' reprojected from {stated} to WGS 84 ({WGS84})"
    return _Layer(frame, np.asarray(frame.geometry.array, dtype=object), boolean, note)


def _derived(table: TableMapping) -> str:
    columns = [c for c in GEOMETRY_COLUMNS.get(table.table, ()) if c not in table.columns]
    if table.snap_m is not None:
        columns += ["from_node", "to_node"]
    return " and ".join(columns)


def _mapped_rows(table: TableMapping, layer: _Layer) -> list[dict[str, Any]]:
    """One row per feature: each mapped column's value, read as :func:`_cell` says."""
    count = len(layer.frame)
    rows: list[dict[str, Any]] = [{} for _ in range(count)]
    for column, source in table.columns.items():
        if isinstance(source, Constant):
            values: list[Any] = [source.value] * count
        else:
            kind = TABLES[table.table].column(column).type
            boolean = source in layer.boolean_fields
            values = [_cell(v, kind, boolean) for v in layer.frame[source].tolist()]
        for row, value in zip(rows, values, strict=True):
            row[column] = value
    return rows


def _cell(value: Any, kind: str, boolean_field: bool) -> Any:
    """A field's value for an atlas column of type ``kind``: None for a null; a boolean
    field's 0/1 as False/True; a whole number read from a real field (GIS tools store an
    integer field with nulls so) as an int in integer and text columns; else as read."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    if boolean_field and isinstance(value, (int, float)):
        return bool(value)
    if isinstance(value, float) and value.is_integer() and kind in ("int", "str", "country"):
        return int(value)
    return value


def _points(rows: list[dict[str, Any]], features: _Features) -> None:
    """Fill nodes' lon and lat from Point geometry; a feature without one is an error."""
    lon, lat, bad = geometry.point_lon_lat(features.geometries)
    features.raise_for(
        bad,
        "has no Point geometry, and nodes take lon/lat from it",
        "give the feature a point, or map nodes.columns.lon and lat to fields",
    )
    for row, x, y in zip(rows, lon.tolist(), lat.tolist(), strict=True):
        row["lon"], row["lat"] = x, y


def _lines(
    rows: list[dict[str, Any]],
    table: TableMapping,
    features: _Features,
    nodes: Sequence[Mapping[str, Any]] | None,
) -> dict[str, int]:
    """Fill links' columns left to the line geometry; return counts for the summary."""
    counts: dict[str, int] = {}
    if "length_km" not in table.columns:
        _lengths(rows, features)
        counts["links lengths from geometry"] = len(rows)
    if table.snap_m is not None:
        _snap(rows, features, nodes, table.snap_m)
        counts["link ends snapped to nodes"] = 2 * len(rows)
    return counts


def _lengths(rows: list[dict[str, Any]], features: _Features) -> None:
    """``length_km`` measured on each line: a derived figure, so ``estimated`` is true and
    :data:`GEODESIC_METHOD` joins the row's method."""
    features.raise_for(
        ~geometry.is_line(features.geometries),
        "has no LineString geometry, and links take length_km from it",
        "give the feature a line, or map links.columns.length_km to a field",
    )
    lengths_km = geometry.geodesic_length_km(features.geometries)
    for row, length_km in zip(rows, lengths_km.tolist(), strict=True):
        row["length_km"] = length_km
        row["estimated"] = True
        method = cell_text(row.get("method")).strip()
        row["method"] = f"{method}; {GEODESIC_METHOD}" if method else GEODESIC_METHOD


def _snap(
    rows: list[dict[str, Any]],
    features: _Features,
    nodes: Sequence[Mapping[str, Any]] | None,
    snap_m: float,
) -> None:
    """``from_node``/``to_node``: the nearest imported node to each end of the line, within
    ``snap_m`` metres; an end farther from every node, or both ends at one node, is an
    error naming the feature."""
    if not nodes or not any(_number(n.get("lon")) and _number(n.get("lat")) for n in nodes):
        raise InputError(
            Problem(
                features.where,
                "links snap to nodes (links.snap_m), but no node with lon and lat is imported",
                "map a [nodes] layer in the same mapping file",
            )
        )
    start, end, bad = geometry.line_ends(features.geometries)
    features.raise_for(
        bad,
        "has no single line to snap to nodes",
        "give the feature one LineString (a MultiLineString's parts must join end to end)",
    )
    # A node without a usable position cannot be snapped to; the validation gate reports it.
    placed = [node for node in nodes if _number(node.get("lon")) and _number(node.get("lat"))]
    node_ids = [str(node.get("node_id")) for node in placed]
    node_lon = np.array([float(node["lon"]) for node in placed])
    node_lat = np.array([float(node["lat"]) for node in placed])
    problems: list[Problem] = []
    fids = features.ids
    snapped: dict[str, list[str]] = {}
    for column, points in (("from_node", start), ("to_node", end)):
        index, distance_m = geometry.nearest_nodes(points, node_lon, node_lat)
        snapped[column] = [node_ids[i] for i in index.tolist()]
        for fid, i, metres in zip(fids, index.tolist(), distance_m.tolist(), strict=True):
            if metres > snap_m:
                problems.append(
                    Problem(
                        f"{features.where} feature {fid}",
                        f"{column}: the nearest node, {node_ids[i]}, is {metres:.0f} m from "
                        f"the line's end (links.snap_m = {snap_m:g})",
                        "move the end onto its node, add the node, or raise links.snap_m",
                        column="geometry",
                    )
                )
    for fid, first, last in zip(fids, snapped["from_node"], snapped["to_node"], strict=True):
        if first == last:
            problems.append(
                Problem(
                    f"{features.where} feature {fid}",
                    f"both ends snap to node {first}",
                    "check the line (a loop?) or lower links.snap_m",
                    column="geometry",
                )
            )
    if problems:
        raise InputError(problems)
    for row, first, last in zip(rows, snapped["from_node"], snapped["to_node"], strict=True):
        row["from_node"], row["to_node"] = first, last


def _number(value: Any) -> bool:
    """Whether ``value`` reads as a finite number (a float or its text)."""
    try:
        return math.isfinite(float(value))
    except (TypeError, ValueError):
        return False


def _merged_sources(
    imported: Sequence[Mapping[str, Any]], kept: Sequence[Mapping[str, Any]], file: Path
) -> list[dict[str, Any]]:
    """The layer's sources, then those the embedded tables cite that it lacks; a source id
    found in both with other details is an error (the citations would be ambiguous)."""
    merged = [dict(row) for row in imported]
    by_id = {cell_text(row.get("source_id")): row for row in imported}
    problems: list[Problem] = []
    for row in kept:
        mine = by_id.get(row["source_id"])
        if mine is None:
            merged.append(dict(row))
        elif any(cell_text(mine.get(k)) != cell_text(v) for k, v in row.items()):
            problems.append(
                Problem(
                    str(file),
                    f"source {row['source_id']} differs from the embedded atlas's source of "
                    "that id, which the embedded tables cite",
                    "give your source another id",
                    column="sources.source_id",
                )
            )
    if problems:
        raise InputError(problems)
    return merged
