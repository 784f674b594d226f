"""One definition of each result's JSON: ``to_dict()`` and the REST API's response model are
made from the same :class:`~tripp.atlas.jsonshape.JsonShape`. Real results validate against the
generated models, and at every level the schema's property names are the JSON's keys."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from pydantic import BaseModel, ValidationError

import tripp
from tripp.api.schemas import (
    ComparisonModel,
    EnergyResultModel,
    ExposureModel,
    RouteResultModel,
    model_of,
)
from tripp.atlas.jsonshape import JsonShape, computed, nested, renamed, rounded
from tripp.scenarios.network import ScenarioNetwork, scenario_network

ROUTE_QUERIES: list[tuple[str, str, dict[str, Any]]] = [
    ("Baku", "Nakhchivan", {}),
    ("Xi'an", "Duisburg", {"alternatives": 3}),  # gauge changes, many borders
    ("Xi'an", "Istanbul", {"avoid_countries": ["RU"], "objective": "cost"}),
    ("Aktau", "Kars", {"via": ["Baku"], "modes": ["rail", "ferry"]}),  # a ferry: transfers
]


def keys_match(schema: dict[str, Any], value: Any, defs: dict[str, Any], where: str) -> int:
    """Assert that wherever ``schema`` describes an object's properties, they are ``value``'s
    keys, walking nested objects and arrays; returns how many objects were compared."""
    if "$ref" in schema:
        schema = defs[schema["$ref"].rsplit("/", 1)[-1]]
    if value is None:
        return 0
    options = schema.get("anyOf")
    if options:
        return keys_match(next(o for o in options if o.get("type") != "null"), value, defs, where)
    if isinstance(value, dict) and "properties" in schema:
        assert set(schema["properties"]) == set(value), where
        return 1 + sum(
            keys_match(schema["properties"][key], item, defs, f"{where}.{key}")
            for key, item in value.items()
        )
    if isinstance(value, list) and "items" in schema:
        return sum(keys_match(schema["items"], item, defs, f"{where}[]") for item in value)
    return 0


def check(model: type[BaseModel], data: dict[str, Any]) -> int:
    """``data`` validates against ``model``, and the schema's names are its keys."""
    model.model_validate(data)
    schema = model.model_json_schema(by_alias=True)
    return keys_match(schema, data, schema.get("$defs", {}), model.__name__)


@pytest.fixture(scope="module")
def networks() -> dict[str, ScenarioNetwork]:
    atlas = tripp.load_atlas()
    return {name: scenario_network(atlas, name) for name in ("baseline-2025", "tripp-2030")}


def test_route_json_validates_and_every_level_has_the_schemas_keys(
    networks: dict[str, ScenarioNetwork],
) -> None:
    network = networks["tripp-2030"]
    results = [
        tripp.route(network.graph, origin, destination, year=2030, **options).to_dict()
        for origin, destination, options in ROUTE_QUERIES
    ]
    compared = sum(check(RouteResultModel, data) for data in results)
    routes = [route for data in results for route in data["routes"]]
    # every nested kind of object was there to compare, not only empty lists
    for kind in ("legs", "border_crossings", "gauge_changes", "transfers"):
        assert any(route[kind] for route in routes), kind
    nested_objects = ("legs", "border_crossings", "gauge_changes", "transfers")
    assert compared == len(results) + sum(
        1 + sum(len(route[kind]) for kind in nested_objects) for route in routes
    )


def test_route_schema_names_the_renamed_and_computed_keys() -> None:
    schema = RouteResultModel.model_json_schema(by_alias=True)
    leg = schema["$defs"]["LegModel"]["properties"]
    assert {"from", "to"} <= set(leg) and not {"from_node", "to_node"} & set(leg)
    route = schema["$defs"]["RouteModel"]["properties"]
    assert {"time_days", "generalized_cost_usd"} <= set(route)
    assert set(schema["$defs"]["GaugeChangeModel"]["properties"]) == {
        "node",
        "from_gauge_mm",
        "to_gauge_mm",
        "time_h",
        "cost_usd",
    }
    assert "atlas" not in schema["properties"]


def test_comparison_exposure_and_energy_json_validate(
    networks: dict[str, ScenarioNetwork],
) -> None:
    from tripp.energy_model import solve_energy
    from tripp.scenarios.compare import compare
    from tripp.scenarios.exposure import transit_exposure

    base, other = networks["baseline-2025"], networks["tripp-2030"]
    comparison = compare(base, other, pairs=[("Baku", "Nakhchivan"), ("Baku", "Kars")])
    assert comparison.to_dict()["energy"] is not None
    assert check(ComparisonModel, comparison.to_dict()) == 1
    exposure = transit_exposure(other.graph, scenario="tripp-2030", year=2030).to_dict()
    assert check(ExposureModel, exposure) == 1 + len(exposure["flows"]) > 1
    energy = solve_energy(other.atlas, year=2030, scenario="tripp-2030").to_dict()
    assert check(EnergyResultModel, energy) == 1


def test_a_key_missing_or_added_fails_validation(networks: dict[str, ScenarioNetwork]) -> None:
    data = tripp.route(networks["tripp-2030"].graph, "Baku", "Kars", year=2030).to_dict()
    added = {**data, "routes": [{**data["routes"][0], "speed_kmh": 50.0}]}
    with pytest.raises(ValidationError, match="speed_kmh"):
        RouteResultModel.model_validate(added)
    missing = {k: v for k, v in data.items() if k != "modes"}
    with pytest.raises(ValidationError, match="modes"):
        RouteResultModel.model_validate(missing)


@dataclass(frozen=True)
class Hop:
    from_node: str
    time_h: float
    tags: tuple[str, ...]
    note: str | None = None


@dataclass(frozen=True)
class Trip:
    hops: tuple[Hop, ...]
    speed_kmh: float


def test_a_new_field_shows_in_the_json_and_the_model_alike() -> None:
    hop = JsonShape(Hop, renamed("from", "from_node"), rounded("time_h", 1))
    trip = JsonShape(
        Trip, nested("hops", hop), computed("hop_count", int, lambda t: len(t.hops), "hops")
    )
    data = trip.dump(Trip((Hop("Baku", 1.25, ("a",)),), 40.0))
    # speed_kmh and the hop's tags and note were not declared: they follow as they are
    assert data == {
        "hops": [{"from": "Baku", "time_h": 1.2, "tags": ["a"], "note": None}],
        "hop_count": 1,
        "speed_kmh": 40.0,
    }
    model = model_of(trip)
    assert check(model, data) == 2
    schema = model.model_json_schema(by_alias=True)
    assert schema["properties"]["hop_count"]["description"] == "hops"
    assert schema["$defs"]["HopModel"]["properties"]["tags"]["items"] == {"type": "string"}


def test_misdeclared_shapes_are_refused() -> None:
    with pytest.raises(TypeError, match="misdeclared"):
        JsonShape(Hop, "speed")
    with pytest.raises(TypeError, match="misdeclared"):
        JsonShape(Hop, "note", omit=("note",))
    with pytest.raises(TypeError, match="declared twice"):
        JsonShape(Hop, renamed("tags", "note"))
    with pytest.raises(TypeError, match=r"declare nested\('hops'"):
        JsonShape(Trip)
