"""The JSON object a frozen result converts to, declared once next to its dataclass.

A :class:`JsonShape` lists the keys of a result's JSON in order: a dataclass field taken as
it is (its name, a string), or a :class:`Key` that renames, rounds, nests or computes one;
every field neither listed nor omitted follows, in field order, as it is (tuples as lists).
The result's ``to_dict()`` is ``SHAPE.dump(self)``, and :mod:`tripp.api.schemas` builds the
REST API's response models from the same shapes: a field added to a result shows up in its
JSON and in the OpenAPI document alike, and the two cannot drift apart.

>>> from dataclasses import dataclass
>>> @dataclass(frozen=True)
... class Hop:
...     from_node: str
...     time_h: float
...     note: str = ""
>>> HOP = JsonShape(Hop, renamed("from", "from_node"), rounded("time_h", 1), omit=("note",))
>>> HOP.dump(Hop("Baku", 1.25))
{'from': 'Baku', 'time_h': 1.2}
"""

from __future__ import annotations

import dataclasses
import functools
import operator
import types
import typing
from collections.abc import Callable, Mapping
from typing import Any


@dataclasses.dataclass(frozen=True, slots=True)
class Key:
    """One key of a JSON object.

    ``name`` is the JSON key; ``value`` gets the JSON-ready value from the result;
    ``type`` is the annotation of that value (None until the shape reads it from the field);
    ``field`` the dataclass field shown (None: computed); ``shape`` the shape of the nested
    result objects the value holds.
    """

    name: str
    value: Callable[[Any], Any] | None = None
    type: Any = None
    field: str | None = None
    shape: JsonShape | None = None
    description: str = ""


def renamed(name: str, field: str) -> Key:
    """The field ``field`` under the key ``name`` (e.g. ``from`` for ``from_node``)."""
    return Key(name, field=field)


def rounded(field: str, digits: int) -> Key:
    """The number in ``field`` rounded to ``digits`` decimals."""
    get = operator.attrgetter(field)
    return Key(field, lambda result: round(get(result), digits), field=field)


def nested(field: str, shape: JsonShape, *, name: str | None = None) -> Key:
    """The result object (or tuple of them, or None) in ``field`` as ``shape`` dumps it."""
    get = operator.attrgetter(field)

    def value(result: Any) -> Any:
        held = get(result)
        if held is None:
            return None
        if isinstance(held, tuple | list):
            return [shape.dump(item) for item in held]
        return shape.dump(held)

    return Key(name or field, value, field=field, shape=shape)


def computed(name: str, type_: Any, value: Callable[[Any], Any], description: str = "") -> Key:
    """A key no field holds: ``value(result)``, of the JSON type ``type_``."""
    return Key(name, value, type_, description=description)


class JsonShape:
    """The JSON object of the dataclass ``cls``: ``keys`` in order (see the module)."""

    def __init__(
        self, cls: type, *keys: str | Key, omit: tuple[str, ...] = (), title: str | None = None
    ) -> None:
        self.cls = cls
        self.title = title or cls.__name__
        fields = {f.name: f for f in dataclasses.fields(cls)}
        declared = [Key(k, field=k) if isinstance(k, str) else k for k in keys]
        shown = {k.field for k in declared if k.field is not None}
        unknown = sorted((shown | set(omit)) - set(fields))
        if unknown or shown & set(omit):
            raise TypeError(f"{self.title}: {unknown or sorted(shown & set(omit))} misdeclared")
        declared += [Key(n, field=n) for n in fields if n not in shown and n not in omit]
        names = [k.name for k in declared]
        if len(set(names)) != len(names):
            raise TypeError(f"{self.title}: a JSON key is declared twice in {names}")
        hints = _field_types(cls, [k.field for k in declared if k.type is None and k.field])
        self.keys: tuple[Key, ...] = tuple(_complete(k, hints, self.title) for k in declared)

    def dump(self, result: Any) -> dict[str, Any]:
        """The JSON-ready mapping of ``result`` (an instance of :attr:`cls`)."""
        return {key.name: key.value(result) for key in self.keys}  # type: ignore[misc]


def _field_types(cls: type, names: list[Any]) -> dict[str, Any]:
    """The evaluated annotations of the fields ``names`` of ``cls`` (only those: a result
    may hold a field whose type exists for type checkers only, e.g. an omitted atlas)."""
    annotations = {f.name: f.type for f in dataclasses.fields(cls) if f.name in names}
    holder = type(cls.__name__, (), {"__annotations__": annotations, "__module__": cls.__module__})
    return typing.get_type_hints(holder)


def _complete(key: Key, hints: dict[str, Any], title: str) -> Key:
    """``key`` with its JSON type and value read from its field where not declared."""
    if key.type is not None:
        return key
    assert key.field is not None
    json_type = _json_type(hints[key.field])
    if key.shape is None and _holds_dataclass(json_type):
        raise TypeError(f"{title}.{key.field} holds results: declare nested({key.field!r}, ...)")
    value = key.value
    if value is None:
        get = operator.attrgetter(key.field)
        is_tuple = typing.get_origin(hints[key.field]) is tuple
        value = (lambda result: list(get(result))) if is_tuple else get
    return dataclasses.replace(key, value=value, type=json_type)


def _json_type(annotation: Any) -> Any:
    """The annotation of a field's JSON value: tuples become lists, mappings dicts."""
    origin, args = typing.get_origin(annotation), typing.get_args(annotation)
    if origin in (tuple, list):
        return types.GenericAlias(list, (_json_type(args[0]),))
    if origin in (dict, Mapping):
        return types.GenericAlias(dict, (args[0], _json_type(args[1])))
    if origin in (types.UnionType, typing.Union):
        return functools.reduce(operator.or_, [_json_type(a) for a in args])
    return annotation


def _holds_dataclass(annotation: Any) -> bool:
    if dataclasses.is_dataclass(annotation):
        return True
    return any(_holds_dataclass(a) for a in typing.get_args(annotation))
