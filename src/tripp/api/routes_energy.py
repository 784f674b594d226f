"""``/api/energy``: gas and power flows of a scenario (``tripp.energy_model``), and
``/api/energy/security``: its gas security of supply (N-1 indicator, no LP)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request, Response

from tripp.api.admission import BUSY, admission_of
from tripp.api.params import shipped_scenario
from tripp.api.problems import ERRORS
from tripp.api.routes_atlas import json_bytes, json_response, state_of
from tripp.api.schemas import EnergyResultModel, SecurityReportModel
from tripp.api.state import ApiState
from tripp.energy_model.settings import Carrier, MissingCapacity
from tripp.scenarios.network import ScenarioNetwork

router = APIRouter(prefix="/api", tags=["energy"])


def run_energy(
    network: ScenarioNetwork,
    carrier: Carrier,
    *,
    year: int | None,
    missing_capacity: MissingCapacity,
) -> dict[str, Any]:
    """Gas and power flows on ``network`` in ``year`` (None: the network's): the JSON of
    ``tripp energy --format json``. PyPSA is imported here, not when the app starts."""
    from tripp.energy_model.settings import EnergySettings
    from tripp.scenarios.energy import energy

    settings = EnergySettings(missing_capacity=missing_capacity)
    return energy(network, carrier=carrier, year=year, settings=settings).to_dict()


@router.get(
    "/energy",
    response_model=EnergyResultModel,
    responses={**ERRORS, **BUSY},
    summary="Energy flows on lines and unmet demand",
)
async def energy(
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
    json``. New answers are admitted as ``/api/compare``'s are
    (:mod:`tripp.api.admission`)."""
    name = shipped_scenario(scenario)
    key = ("energy", name, carrier.value, year, missing_capacity.value)
    args = (name, carrier, year, missing_capacity)
    return await admission_of(request).respond("energy", key, energy_json, *args)


def energy_json(
    state: ApiState,
    scenario: str,
    carrier: Carrier,
    year: int | None,
    missing_capacity: MissingCapacity,
) -> bytes:
    """The JSON body of ``/api/energy`` on ``state``'s network of ``scenario``."""
    network = state.network(scenario)
    return json_bytes(run_energy(network, carrier, year=year, missing_capacity=missing_capacity))


@router.get(
    "/energy/security",
    response_model=SecurityReportModel,
    responses=ERRORS,
    summary="Gas security of supply: the N-1 indicator per calculated area",
)
def energy_security(
    request: Request,
    scenario: Annotated[
        str, Query(max_length=64, description="A shipped scenario name.")
    ] = "baseline-2025",
    year: Annotated[
        int | None, Query(ge=1990, le=2100, description="Default: the scenario's year.")
    ] = None,
) -> Response:
    """The N-1 indicator (EU 2017/1938 Annex II) and days on storage of each calculated
    area: the JSON of ``tripp energy SCENARIO --security --format json``. Read from the
    atlas alone (no LP), so it is answered at once and cached."""
    from tripp.scenarios.energy import energy_security as security_of

    state = state_of(request)
    name = shipped_scenario(scenario)

    def build() -> bytes:
        return json_bytes(security_of(state.network(name), year=year).to_dict())

    return json_response(state.cached(("energy-security", name, year), build))
