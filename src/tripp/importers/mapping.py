"""Read and check the TOML file that maps GeoPackage layers and fields to atlas columns.

One block per atlas table to fill, plus an optional ``[embedded]`` block::

    [nodes]
    layer = "stations"            # the GeoPackage layer (required)
    crs = "EPSG:4326"             # only for a layer that declares no CRS
    [nodes.columns]               # atlas column = "field" or {value = constant}
    node_id = "code"
    kind = {value = "rail_station"}

    [links]
    layer = "lines"
    snap_m = 50                   # from_node/to_node: the nearest node within 50 m
    [links.columns]
    link_id = "id"

    [embedded]                    # tables kept from the embedded atlas, with their sources
    tables = ["tariffs", "cargo_types"]
    modes = ["rail"]              # only rows of these modes (optional)

Columns tripp can take from the geometry may be left out: ``lon`` and ``lat`` of nodes (the
layer's points), ``length_km`` of links (geodesic length of the line) and, with ``snap_m``,
``from_node`` and ``to_node``. Every other required column must be mapped. Every problem in
the file is collected and raised at once as an :class:`~tripp.errors.InputError` naming the
file, the key and the fix.
"""

from __future__ import annotations

import math
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final, TypeAlias, TypeGuard

from tripp.atlas.names import hint
from tripp.atlas.schema import TABLES, Table
from tripp.errors import InputError, Problem

#: A constant value of a column: text, a number, a boolean, or a list (list columns).
ConstantValue: TypeAlias = str | int | float | bool | tuple[str, ...]

#: Keys a table block may hold (snap_m: links only).
BLOCK_KEYS: Final = ("layer", "columns", "crs", "snap_m")
#: Columns the importer derives from geometry when the mapping leaves them out.
GEOMETRY_COLUMNS: Final = {"nodes": ("lon", "lat"), "links": ("length_km",)}
#: Link columns derived by snapping line ends to nodes (``snap_m``).
SNAPPED_COLUMNS: Final = ("from_node", "to_node")
EMBEDDED_KEYS: Final = ("tables", "modes")


@dataclass(frozen=True, slots=True)
class Constant:
    """A column that takes the same value in every row."""

    value: ConstantValue


@dataclass(frozen=True, slots=True)
class TableMapping:
    """How one atlas table is read from one layer.

    ``columns`` maps atlas column names to a layer field name or a :class:`Constant`;
    ``crs`` is the CRS of a layer that declares none; ``snap_m`` (links only) is the
    greatest distance in metres from a line's end to the node it is snapped to.
    """

    table: str
    layer: str
    columns: Mapping[str, str | Constant]
    crs: str | None = None
    snap_m: float | None = None

    def fields(self) -> list[str]:
        """The layer fields the mapping reads, in column order, without repeats."""
        return list(dict.fromkeys(v for v in self.columns.values() if isinstance(v, str)))


@dataclass(frozen=True, slots=True)
class GpkgMapping:
    """A checked mapping file: the tables read from layers (nodes and links first) and the
    tables kept from the embedded atlas (with the modes to keep, or None for all)."""

    file: Path
    tables: tuple[TableMapping, ...]
    embedded: tuple[str, ...] = ()
    embedded_modes: tuple[str, ...] | None = None

    def table(self, name: str) -> TableMapping | None:
        """The mapping of table ``name``, or None when no layer fills it."""
        return next((t for t in self.tables if t.table == name), None)


def read_mapping(file: Path) -> GpkgMapping:
    """Read and check the mapping ``file``; raise :class:`InputError` listing every problem.

    >>> import tempfile
    >>> path = Path(tempfile.mkdtemp()) / "m.toml"
    >>> _ = path.write_text('[sources]\\nlayer = "refs"\\n[sources.columns]\\nsource_idd = "id"\\n')
    >>> try:
    ...     read_mapping(path)
    ... except InputError as error:
    ...     print(error.problems[0].column, "|", error.problems[0].fix)
    sources.columns.source_idd | did you mean 'source_id'?
    """
    file = Path(file)
    if not file.is_file():
        raise InputError(
            Problem(str(file), "mapping file not found", "give the path of a .toml mapping file")
        )
    try:
        data = tomllib.loads(file.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise InputError(
            Problem(str(file), f"is not valid TOML ({error})", "fix the syntax at the place given")
        ) from None
    return _Checker(file).check(data)


class _Checker:
    """Collects the problems of one mapping file while building its :class:`GpkgMapping`."""

    def __init__(self, file: Path) -> None:
        self.file = file
        self.problems: list[Problem] = []

    def add(self, key: str, problem: str, fix: str) -> None:
        self.problems.append(Problem(str(self.file), problem, fix, column=key))

    def check(self, data: Mapping[str, Any]) -> GpkgMapping:
        tables: list[TableMapping] = []
        embedded: tuple[str, ...] = ()
        modes: tuple[str, ...] | None = None
        known = [*TABLES, "embedded"]
        for key, block in data.items():
            if key == "embedded":
                embedded, modes = self._embedded(block)
            elif key not in TABLES:
                self.add(key, "is not an atlas table", hint(key, known, f"use {', '.join(known)}"))
            elif not isinstance(block, dict):
                self.add(key, "is not a table block", f'write [{key}] with layer = "…"')
            else:
                mapped = self._table(TABLES[key], block)
                if mapped is not None:
                    tables.append(mapped)
        for name in sorted(set(embedded) & {t.table for t in tables}):
            self.add(
                "embedded.tables",
                f"{name} is both read from a layer and kept from the embedded atlas",
                f"remove {name} from embedded.tables or its [{name}] block",
            )
        if not tables and not self.problems:
            self.add("", "maps no layer", 'add a block such as [nodes] with layer = "…"')
        if self.problems:
            raise InputError(self.problems)
        order = {name: index for index, name in enumerate(TABLES)}
        ordered = sorted(tables, key=lambda t: (t.table not in ("nodes", "links"), order[t.table]))
        return GpkgMapping(self.file, tuple(ordered), embedded, modes)

    def _table(self, table: Table, block: Mapping[str, Any]) -> TableMapping | None:
        name = table.name
        before = len(self.problems)
        for key in block:
            if key not in BLOCK_KEYS:
                fix = hint(key, BLOCK_KEYS, f"use {', '.join(BLOCK_KEYS)}")
                self.add(f"{name}.{key}", "is not a key of a table block", fix)
        layer = block.get("layer")
        if not isinstance(layer, str) or not layer:
            self.add(f"{name}.layer", "is missing", 'name the GeoPackage layer: layer = "…"')
        crs = block.get("crs")
        if crs is not None and not _is_crs(crs):
            self.add(f"{name}.crs", f"{crs!r} is not a CRS", 'give one such as "EPSG:4326"')
        snap_m = block.get("snap_m")
        if snap_m is not None:
            if name != "links":
                self.add(f"{name}.snap_m", "applies to links only", "remove it")
            elif isinstance(snap_m, bool) or not isinstance(snap_m, (int, float)) or snap_m <= 0:
                self.add(f"{name}.snap_m", f"{snap_m!r} is not a distance", "give metres > 0")
        columns_block = block.get("columns")
        if not isinstance(columns_block, dict):
            self.add(
                f"{name}.columns",
                "is missing" if columns_block is None else "is not a table",
                f'add [{name}.columns] with atlas column = "field" lines',
            )
            return None
        columns = self._columns(table, columns_block)
        self._required(table, columns, snap_m)
        if len(self.problems) > before:
            return None
        return TableMapping(
            name,
            str(layer),
            columns,
            crs,
            None if snap_m is None else float(snap_m),
        )

    def _columns(self, table: Table, block: Mapping[str, Any]) -> dict[str, str | Constant]:
        names = [c.name for c in table.columns]
        columns: dict[str, str | Constant] = {}
        for column, value in block.items():
            key = f"{table.name}.columns.{column}"
            if column not in names:
                fix = hint(column, names, f"use the columns of {table.name} (data dictionary)")
                self.add(key, f"is not a column of {table.name}", fix)
            elif isinstance(value, str) and value:
                columns[column] = value
            elif isinstance(value, dict) and list(value) == ["value"]:
                constant = _constant(value["value"], table.column(column).type == "list")
                if constant is None:
                    self.add(key, f"{value['value']!r} is not a usable value", _VALUE_FIX)
                else:
                    columns[column] = constant
            else:
                self.add(key, f"{value!r} is neither a field name nor {{value = …}}", _VALUE_FIX)
        return columns

    def _required(
        self, table: Table, columns: Mapping[str, str | Constant], snap_m: object
    ) -> None:
        derived = set(GEOMETRY_COLUMNS.get(table.name, ()))
        if table.name == "links" and snap_m is not None:
            derived |= set(SNAPPED_COLUMNS)
            for column in SNAPPED_COLUMNS:
                if column in columns:
                    self.add(
                        f"links.columns.{column}",
                        "is mapped while links.snap_m snaps line ends to nodes",
                        "remove snap_m or the from_node and to_node lines",
                    )
        if table.name == "nodes" and ("lon" in columns) != ("lat" in columns):
            self.add("nodes.columns", "maps one of lon and lat", "map both, or neither (points)")
        for spec in table.columns:
            if spec.required and spec.name not in columns and spec.name not in derived:
                fix = f'add {spec.name} = "field" or {spec.name} = {{value = …}}'
                if spec.name in SNAPPED_COLUMNS:
                    fix += ", or snap line ends to nodes with links.snap_m = 50"
                self.add(f"{table.name}.columns.{spec.name}", "required column not mapped", fix)

    def _embedded(self, block: Any) -> tuple[tuple[str, ...], tuple[str, ...] | None]:
        if not isinstance(block, dict):
            self.add("embedded", "is not a table block", 'write [embedded] with tables = ["…"]')
            return (), None
        for key in block:
            if key not in EMBEDDED_KEYS:
                fix = hint(key, EMBEDDED_KEYS, "use tables and modes")
                self.add(f"embedded.{key}", "is not a key of [embedded]", fix)
        tables = block.get("tables")
        if not _is_text_list(tables):
            self.add("embedded.tables", "is not a list of table names", 'e.g. ["tariffs"]')
            return (), None
        for name in tables:
            if name not in TABLES or name == "sources":
                choices = [t for t in TABLES if t != "sources"]
                fix = hint(name, choices, f"use {', '.join(choices)} (sources come with them)")
                self.add("embedded.tables", f"{name} is not an atlas table to keep", fix)
        modes = block.get("modes")
        if modes is not None and not _is_text_list(modes):
            self.add("embedded.modes", "is not a list of modes", 'e.g. ["rail", "road"]')
            modes = None
        return tuple(tables), None if modes is None else tuple(modes)


_VALUE_FIX = 'give a field name ("code") or a constant ({value = "rail"})'


def _constant(value: Any, is_list: bool) -> Constant | None:
    """``value`` as a :class:`Constant`, or None when a column cannot hold it."""
    if isinstance(value, list):
        return Constant(tuple(value)) if is_list and _is_text_list(value) else None
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, (str, int, float, bool)):
        return Constant(value)
    return None


def _is_text_list(value: Any) -> TypeGuard[list[str]]:
    return isinstance(value, list) and all(isinstance(v, str) and v for v in value)


def _is_crs(text: Any) -> bool:
    """Whether pyproj knows ``text`` as a CRS."""
    if not isinstance(text, str):
        return False
    from pyproj import CRS
    from pyproj.exceptions import CRSError

    try:
        CRS.from_user_input(text)
    except CRSError:
        return False
    return True
