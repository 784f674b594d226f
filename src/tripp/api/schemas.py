"""Response models: they document the JSON shapes in OpenAPI (the CLI's JSON, unchanged)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field


class LegModel(BaseModel):
    kind: str = Field(description="link, transfer or border")
    mode: str
    distance_km: float
    time_h: float
    cost_usd: float
    country: str
    detail: str
    link_id: str
    from_: str = Field(alias="from")
    to: str


class BorderModel(BaseModel):
    node: str
    from_country: str
    to_country: str
    mode: str
    dwell_h: float
    cost_usd: float


class GaugeChangeModel(BaseModel):
    node: str
    from_gauge_mm: int | None
    to_gauge_mm: int | None
    time_h: float
    cost_usd: float


class TransferModel(BaseModel):
    node: str
    from_mode: str
    to_mode: str
    time_h: float
    cost_usd: float


class RouteModel(BaseModel):
    rank: int
    distance_km: float
    time_h: float
    time_days: float
    cost_usd: float
    generalized_cost_usd: float
    countries: list[str]
    border_crossings: list[BorderModel]
    gauge_changes: list[GaugeChangeModel]
    transfers: list[TransferModel]
    legs: list[LegModel]


class RouteResultModel(BaseModel):
    """The JSON of ``tripp route --format json``."""

    origin: str
    destination: str
    objective: str
    year: int
    routes: list[RouteModel]
    via: list[str]
    avoid_countries: list[str]
    avoid_nodes: list[str]
    modes: list[str]


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


class ComparisonModel(BaseModel):
    """The JSON of ``tripp compare --format json``."""

    base: str
    other: str
    base_year: int
    other_year: int
    objective: str
    pairs: list[dict[str, Any]]
    summary: dict[str, Any]
    exposure_change: list[dict[str, Any]]


class ExposureModel(BaseModel):
    """The JSON of ``tripp exposure --format json``."""

    scenario: str
    year: int
    demand_year: int | None
    objective: str
    countries: list[dict[str, Any]]
    flows: list[dict[str, Any]]
    focus: dict[str, Any]
