"""Response models: they document the JSON shapes in OpenAPI (the CLI's JSON, unchanged).

The models of results are made from the :class:`~tripp.atlas.jsonshape.JsonShape` that each
result's ``to_dict()`` dumps (:func:`model_of`): one declaration, next to the dataclass,
gives both the JSON and its schema.
"""

from __future__ import annotations

import dataclasses
import functools
import keyword
import operator
import types
import typing
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, create_model

from tripp.atlas.jsonshape import JsonShape, Key
from tripp.energy_model.result import ENERGY_RESULT_JSON
from tripp.energy_model.security_report import SECURITY_REPORT_JSON
from tripp.routing.result import ROUTE_RESULT_JSON
from tripp.scenarios.compare import COMPARISON_JSON
from tripp.scenarios.exposure import EXPOSURE_JSON


@functools.cache
def model_of(shape: JsonShape) -> type[BaseModel]:
    """The pydantic model ``<title>Model`` of the JSON objects ``shape`` dumps (no other keys
    allowed; a key that is no Python name, e.g. ``from``, becomes the alias of ``from_``)."""
    fields: dict[str, Any] = {}
    for key in shape.keys:
        name = f"{key.name}_" if keyword.iskeyword(key.name) else key.name
        alias = key.name if name != key.name else None
        description = key.description or None
        fields[name] = (_annotation(key), Field(alias=alias, description=description))
    return create_model(f"{shape.title}Model", __config__=ConfigDict(extra="forbid"), **fields)


def _annotation(key: Key) -> Any:
    """``key``'s type with the nested result dataclass replaced by its shape's model."""

    def replace(annotation: Any) -> Any:
        if dataclasses.is_dataclass(annotation):
            assert key.shape is not None
            return model_of(key.shape)
        origin, args = typing.get_origin(annotation), typing.get_args(annotation)
        if origin in (types.UnionType, typing.Union):
            return functools.reduce(operator.or_, [replace(a) for a in args])
        if origin is not None and args:
            return origin[tuple(replace(a) for a in args)]
        return annotation

    return replace(key.type)


RouteResultModel = model_of(ROUTE_RESULT_JSON)
ComparisonModel = model_of(COMPARISON_JSON)
ExposureModel = model_of(EXPOSURE_JSON)
EnergyResultModel = model_of(ENERGY_RESULT_JSON)
SecurityReportModel = model_of(SECURITY_REPORT_JSON)


class FeatureCollectionModel(BaseModel):
    """A GeoJSON FeatureCollection."""

    type: str = Field(description="FeatureCollection")
    features: list[dict[str, Any]]


class ScenarioModel(BaseModel):
    name: str
    year: int
    description: str
    extends: list[str]


class HealthModel(BaseModel):
    status: str
    version: str
    atlas: dict[str, Any]
    capabilities: dict[str, Any]
    web_assets: bool
    cache: dict[str, int]
