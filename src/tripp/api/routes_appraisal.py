"""``/api/appraise``: NPV, BCR, EIRR and FIRR of a scenario against a base, its cash flows,
who gains, sensitivity and switching values (:mod:`tripp.appraisal`); the JSON of ``tripp
appraise SCENARIO --against BASE --format json``.

Without ``samples`` a new answer is computed as ``/api/compare``'s are (in the heavy
endpoints' process pool, one at a time, cached; :mod:`tripp.api.admission`). With
``samples`` > 0 the Monte Carlo risk analysis makes it a long run: never inline, it is
started as an ``appraise`` job (202 with the job, as ``POST /api/jobs`` answers; poll
``GET /api/jobs/{id}``).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request, Response

from tripp.api.admission import BUSY, admission_of
from tripp.api.appraisal_runs import MAX_RATE_TEXT, appraisal_json, check_appraisal
from tripp.api.params import MAX_SAMPLES
from tripp.api.problems import ERRORS
from tripp.api.routes_atlas import json_bytes, json_response, state_of
from tripp.api.routes_jobs import POLL_LINK, AppraiseJob, JobModel, submit_job
from tripp.api.schemas_appraisal import AppraisalModel
from tripp.appraisal.settings import DISCOUNT_PRESETS, MAX_HORIZON_YEARS

router = APIRouter(prefix="/api", tags=["appraisal"])

ShippedScenario = Annotated[
    str,
    Query(
        min_length=1,
        max_length=64,
        pattern=r"^[A-Za-z0-9][A-Za-z0-9_-]*$",
        description="A shipped scenario name (see /api/scenarios).",
    ),
]


@router.get(
    "/appraise",
    response_model=AppraisalModel,
    responses={
        202: {
            "model": JobModel,
            "description": "samples > 0: the appraise job started; poll its id.",
            "links": POLL_LINK,
        },
        **ERRORS,
        **BUSY,
    },
    summary="Appraisal of a scenario against a base: NPV, BCR, EIRR, FIRR",
)
async def appraise(
    request: Request,
    scenario: ShippedScenario,
    against: ShippedScenario,
    discount_rate: Annotated[
        str | None,
        Query(
            max_length=MAX_RATE_TEXT,
            description="Economic discount rate, real, a year: a fraction (0.05), a "
            f"percentage (5%) or a preset: {', '.join(DISCOUNT_PRESETS)} "
            "(default: eu-cohesion, 5 %).",
        ),
    ] = None,
    horizon_years: Annotated[
        int | None,
        Query(
            ge=1,
            le=MAX_HORIZON_YEARS,
            description="Years counted from the first year of spending (default 30).",
        ),
    ] = None,
    price_year: Annotated[
        int | None,
        Query(
            ge=1900,
            le=2100,
            description="Year whose prices every USD figure is in, a year of the price "
            "index (default: its latest).",
        ),
    ] = None,
    demand_year: Annotated[
        int | None,
        Query(
            ge=1990,
            le=2100,
            description="Demand of this year, one of the atlas's demand years "
            "(default: the scenario's).",
        ),
    ] = None,
    ramp_up_years: Annotated[
        int | None,
        Query(
            ge=0,
            le=20,
            description="Years over which traffic grows to the model's volume after "
            "opening (default 3).",
        ),
    ] = None,
    conversion_factor: Annotated[
        float | None,
        Query(
            description="Market to economic prices of capex and opex, 0.1–2 (default 1: "
            "none; ADB's standard conversion factor is about 0.9).",
        ),
    ] = None,
    samples: Annotated[
        int,
        Query(
            ge=0,
            le=MAX_SAMPLES,
            description="Monte Carlo draws of the risk analysis; > 0 starts a job (202).",
        ),
    ] = 0,
    seed: Annotated[int, Query(ge=0, le=2**32 - 1, description="Seed of the draws.")] = 0,
) -> Response:
    """The appraisal's JSON (every key in docs/appraisal.md); with ``samples`` the job
    that computes it with its risk analysis. Every bad parameter is a 422 naming it,
    before anything runs."""
    state = state_of(request)
    query = check_appraisal(
        state.atlas,
        scenario=scenario,
        against=against,
        discount_rate_text=discount_rate,
        horizon_years=horizon_years,
        price_year=price_year,
        demand_year=demand_year,
        ramp_up_years=ramp_up_years,
        conversion_factor=conversion_factor,
    )
    if samples:
        job = AppraiseJob(
            kind="appraise",
            scenario=query.scenario,
            against=query.against,
            discount_rate=discount_rate,
            horizon_years=horizon_years,
            price_year=price_year,
            demand_year=demand_year,
            ramp_up_years=ramp_up_years,
            conversion_factor=conversion_factor,
            samples=samples,
            seed=seed,
        )
        return json_response(json_bytes(submit_job(request, job)), 202)
    key = ("appraise", query)
    return await admission_of(request).respond("appraise", key, appraisal_json, query)
