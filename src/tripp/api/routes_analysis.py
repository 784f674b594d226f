"""Endpoints that compute: route, compare, exposure. Same JSON as the CLI's ``--format json``."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query, Request, Response

from tripp.api.admission import BUSY, admission_of
from tripp.api.params import (
    MAX_ALTERNATIVES,
    MAX_TEXT,
    MAX_VIA,
    ObjectiveQuery,
    ScenarioQuery,
    check_pairs,
    gather,
    shipped_scenario,
    split_values,
)
from tripp.api.problems import ERRORS, NOT_FOUND
from tripp.api.route_answers import answer, checked
from tripp.api.routes_atlas import json_bytes, json_response, state_of
from tripp.api.schemas import ComparisonModel, ExposureModel, RouteResultModel
from tripp.api.state import ApiState
from tripp.errors import InputError, Problem
from tripp.routing.request import Objective

router = APIRouter(prefix="/api", tags=["analyses"])


Place = Annotated[
    str, Query(min_length=1, max_length=MAX_TEXT, description="Node id, name or alternative name.")
]
Places = Annotated[
    list[str] | None,
    Query(description="Repeatable and/or comma-separated."),
]


@router.get(
    "/route",
    response_model=RouteResultModel,
    responses={**ERRORS, **NOT_FOUND},
    summary="Best route(s) between two places",
)
async def route(
    request: Request,
    origin: Place,
    destination: Place,
    via: Places = None,
    avoid_country: Annotated[
        list[str] | None, Query(description="ISO codes of countries not to cross.")
    ] = None,
    avoid_node: Places = None,
    modes: Annotated[
        str | None,
        Query(max_length=MAX_TEXT, description="Comma-separated: rail,road,ferry,sea (all)."),
    ] = None,
    year: Annotated[
        int | None,
        Query(
            description="Network as in this year, within the years the atlas describes: "
            "its as_of_year − 5 to its latest open_year + 10 (default: the scenario's)."
        ),
    ] = None,
    objective: ObjectiveQuery = Objective.TIME,
    alternatives: Annotated[
        int, Query(ge=1, le=MAX_ALTERNATIVES, description="Number of distinct routes.")
    ] = 1,
    vot_usd_per_teu_h: Annotated[
        float | None,
        Query(
            description="Value of time (generalized), USD per TEU-hour, ≥ 0 "
            "(default: the cargo type's in the atlas)."
        ),
    ] = None,
    cargo: Annotated[
        str,
        Query(
            max_length=MAX_TEXT,
            description="Cargo type (the atlas's cargo_types.csv): container (TEU, default), "
            "dry_bulk, liquid_bulk (t), roro (truck). Costs are per its unit.",
        ),
    ] = "container",
    scenario: ScenarioQuery = None,
) -> Response:
    """Days, dollars, borders and gauge changes: the JSON of ``tripp route --format json``.

    The server's limits (list lengths, a shipped scenario) are checked here; the request's
    own rules by :class:`~tripp.routing.request.RouteRequest`, as for every interface."""
    problems: list[Problem] = []
    lists: dict[str, tuple[str, ...]] = {}
    for option, values, limit in (
        ("via", via, MAX_VIA),
        ("avoid_country", avoid_country, 64),
        ("avoid_node", avoid_node, 64),
        ("modes", [modes] if modes else None, 8),
    ):
        try:
            lists[option] = tuple(split_values(values, option=option, limit=limit))
        except InputError as error:
            problems.extend(error.problems)
    try:
        name = shipped_scenario(scenario)
    except InputError as error:
        problems.extend(error.problems)
    if problems:
        raise InputError(problems)
    state = state_of(request)
    checked_request = checked(
        state,
        name,
        origin,
        destination,
        via=lists["via"],
        avoid_countries=lists["avoid_country"],
        avoid_nodes=lists["avoid_node"],
        modes=lists["modes"],
        year=year,
        objective=objective,
        alternatives=alternatives,
        vot_usd_per_teu_h=vot_usd_per_teu_h,
        cargo_type=cargo,
    )
    status, body, key = await answer(state, name, checked_request)
    # the next request with this exact query string is answered by tripp.api.fastpath
    state.route_queries.put(request.scope["query_string"], status, key)
    return json_response(body, status)


#: ``energy`` of ``/api/compare``: the energy side always, never, or where the scenarios'
#: energy inputs differ (:func:`tripp.scenarios.compare.energy_inputs_differ`).
EnergyChoice = Literal["auto", "true", "false"]
_ENERGY: dict[str, bool | Literal["auto"]] = {"auto": "auto", "true": True, "false": False}


@router.get(
    "/compare",
    response_model=ComparisonModel,
    responses={**ERRORS, **BUSY},
    summary="Two scenarios: routes before and after, deltas, exposure change",
)
async def compare(
    request: Request,
    base: Annotated[str, Query(max_length=64, description="Base scenario.")] = "baseline-2025",
    other: Annotated[str, Query(max_length=64, description="Scenario to compare.")] = "tripp-2030",
    pairs: Annotated[
        list[str] | None,
        Query(description="'default' or repeatable origin>destination, e.g. Baku>Kars (≤ 20)."),
    ] = None,
    objective: ObjectiveQuery = Objective.TIME,
    energy: Annotated[
        EnergyChoice,
        Query(
            description="Also solve both scenarios' gas and power flows: auto (where their "
            "energy rows, lines or pipelines differ), true or false."
        ),
    ] = "auto",
) -> Response:
    """The JSON of ``tripp compare BASE OTHER --format json`` (``--energy``/``--no-energy``
    for ``energy=true``/``false``). A new answer is computed off the event loop, one at a
    time: another new one meanwhile gets 429 with ``Retry-After``."""
    state = state_of(request)
    base_name, other_name, chosen = gather(
        lambda: shipped_scenario(base, option="base"),
        lambda: shipped_scenario(other, option="other"),
        lambda: check_pairs(state.atlas, pairs),
    )
    pair_list = tuple(chosen or ())
    key = ("compare", base_name, other_name, pair_list, objective.value, energy)
    args = (base_name, other_name, pair_list, objective.value, _ENERGY[energy])
    return await admission_of(request).respond("compare", key, compare_json, *args)


def compare_json(
    state: ApiState,
    base: str,
    other: str,
    pairs: tuple[tuple[str, str], ...],
    objective: str,
    energy: bool | Literal["auto"],
) -> bytes:
    """The JSON body of ``/api/compare`` on ``state``'s networks (``pairs`` empty: the
    default ones)."""
    from tripp.scenarios.compare import compare as run_compare

    a, b = state.network(base), state.network(other)
    result = run_compare(a, b, pairs=list(pairs) or None, objective=objective, energy=energy)
    return json_bytes(result.to_dict())


@router.get(
    "/exposure",
    response_model=ExposureModel,
    responses={**ERRORS, **BUSY},
    summary="Transit exposure of a scenario",
)
async def exposure(
    request: Request,
    scenario: Annotated[
        str, Query(max_length=64, description="A shipped scenario name.")
    ] = "baseline-2025",
    objective: ObjectiveQuery = Objective.TIME,
) -> Response:
    """The JSON of ``tripp exposure SCENARIO --format json``; new answers are admitted as
    ``/api/compare``'s are."""
    name = shipped_scenario(scenario)
    key = ("exposure", name, objective.value)
    return await admission_of(request).respond(
        "exposure", key, exposure_json, name, objective.value
    )


def exposure_json(state: ApiState, scenario: str, objective: str) -> bytes:
    """The JSON body of ``/api/exposure`` on ``state``'s network of ``scenario``."""
    from tripp.scenarios.exposure import exposure as scenario_exposure

    result = scenario_exposure(state.network(scenario), objective=objective)
    return json_bytes(result.to_dict())
