"""``/api/energy``: gas and power flows of a scenario, when ``tripp.energy`` is installed."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request, Response

from tripp.api.params import shipped_scenario
from tripp.api.plugins import run_energy
from tripp.api.problems import ERRORS, ApiError, ErrorModel
from tripp.api.routes_atlas import json_bytes, json_response, state_of
from tripp.errors import Problem

router = APIRouter(prefix="/api", tags=["energy"])


class Carrier(StrEnum):
    """Energy carriers."""

    GAS = "gas"
    POWER = "power"
    ALL = "all"


class MissingCapacity(StrEnum):
    """An energy link without capacity: an error, or unlimited (listed as an assumption)."""

    ERROR = "error"
    UNBOUNDED = "unbounded"


NOT_AVAILABLE: dict[int | str, dict[str, Any]] = {
    501: {"model": ErrorModel, "description": "tripp.energy is not installed here."}
}


def energy_unavailable() -> ApiError:
    """The 501 answer of an analysis this installation lacks."""
    return ApiError(
        501,
        "energy analysis is not available in this installation",
        [
            Problem(
                "energy",
                "the module tripp.energy is not installed",
                "install a tripp release with energy optimisation",
            )
        ],
    )


@router.get(
    "/energy",
    responses={**ERRORS, **NOT_AVAILABLE},
    summary="Energy flows on lines and unmet demand",
)
def energy(
    request: Request,
    scenario: Annotated[
        str, Query(max_length=64, description="A shipped scenario name.")
    ] = "baseline-2025",
    carrier: Annotated[Carrier, Query(description="gas, power or all.")] = Carrier.ALL,
    year: Annotated[
        int | None, Query(ge=1990, le=2100, description="Default: the scenario's year.")
    ] = None,
    missing_capacity: Annotated[
        MissingCapacity, Query(description="A link without capacity: error or unbounded.")
    ] = MissingCapacity.ERROR,
) -> Response:
    """Flows per line, supplies, unmet demand: the JSON of ``tripp energy SCENARIO --format
    json``."""
    if not request.app.state.capabilities["energy"]:
        raise energy_unavailable()
    name = shipped_scenario(scenario)
    state = state_of(request)

    def build() -> bytes:
        network = state.network(name)
        return json_bytes(
            run_energy(network, carrier.value, year=year, missing_capacity=missing_capacity.value)
        )

    key = ("energy", name, carrier.value, year, missing_capacity.value)
    return json_response(state.cached(key, build))
