"""``/api/jobs``: start long runs in the background and poll their status and result."""

from __future__ import annotations

import json
from collections.abc import Callable, Hashable
from typing import Annotated, Any, Literal, get_args

from fastapi import APIRouter, Body, Path, Request
from pydantic import BaseModel, ConfigDict, Field

from tripp.api.admission import Admission, Compute, admission_of
from tripp.api.appraisal_runs import MAX_RATE_TEXT, appraisal_dict, appraisal_json, check_appraisal
from tripp.api.jobs import JobManager, JobsFull, Progress, Runner
from tripp.api.params import MAX_PAIRS, MAX_SAMPLES, MAX_TEXT, check_pairs, gather
from tripp.api.params import shipped_scenario as check_scenario
from tripp.api.problems import ERRORS, NOT_FOUND, ApiError, ErrorModel
from tripp.api.routes_analysis import compare_json, exposure_json
from tripp.api.routes_energy import energy_json
from tripp.appraisal.settings import MAX_HORIZON_YEARS
from tripp.energy_model.settings import Carrier, MissingCapacity
from tripp.errors import Problem
from tripp.resilience.kernel import check_objective
from tripp.routing.objective import DEFAULT_OBJECTIVE, Objective

router = APIRouter(prefix="/api", tags=["jobs"])
#: What a full job queue's 429 tells the client to wait before trying again (s).
JOBS_RETRY_AFTER_S = 5

Scenario = Annotated[str, Field(max_length=64, description="A shipped scenario name.")]


class _Job(BaseModel):
    model_config = ConfigDict(extra="forbid")


class CompareJob(_Job):
    """``tripp compare`` in the background."""

    kind: Literal["compare"]
    base: Scenario = "baseline-2025"
    other: Scenario = "tripp-2030"
    pairs: list[Annotated[str, Field(max_length=2 * MAX_TEXT)]] = Field(
        default_factory=list, max_length=MAX_PAIRS, description="origin>destination; [] default"
    )
    objective: Objective = DEFAULT_OBJECTIVE


class ExposureJob(_Job):
    """``tripp exposure`` in the background."""

    kind: Literal["exposure"]
    scenario: Scenario = "baseline-2025"
    objective: Objective = DEFAULT_OBJECTIVE


class ReliabilityJob(_Job):
    """Monte Carlo transit times of the demand flows under random disruptions."""

    kind: Literal["reliability"]
    scenario: Scenario = "baseline-2025"
    samples: int = Field(200, ge=1, le=MAX_SAMPLES)
    seed: int = Field(0, ge=0, le=2**32 - 1)
    objective: Objective = DEFAULT_OBJECTIVE


class CriticalityJob(_Job):
    """Which single closure hurts most."""

    kind: Literal["criticality"]
    scenario: Scenario = "baseline-2025"
    objective: Objective = DEFAULT_OBJECTIVE


class EnergyJob(_Job):
    """Energy-flow optimisation."""

    kind: Literal["energy"]
    scenario: Scenario = "baseline-2025"
    carrier: Carrier = Carrier.ALL
    missing_capacity: MissingCapacity = MissingCapacity.ERROR


class AppraiseJob(_Job):
    """``tripp appraise``: NPV, BCR, EIRR and FIRR of ``scenario`` against ``against``;
    ``samples`` > 0 adds the Monte Carlo risk analysis (``seed``). A null keeps the
    setting's default (as ``/api/appraise`` does)."""

    kind: Literal["appraise"]
    scenario: Scenario = "tripp-2030"
    against: Scenario = "baseline-2025"
    discount_rate: Annotated[str, Field(max_length=MAX_RATE_TEXT)] | None = Field(
        None,
        description="As text, as /api/appraise takes it: a preset (eu-cohesion, eu, adb, "
        "adb-social, uk-green-book), a percentage (5%) or a fraction (0.05).",
    )
    horizon_years: int | None = Field(None, ge=1, le=MAX_HORIZON_YEARS)
    price_year: int | None = Field(None, ge=1900, le=2100)
    demand_year: int | None = Field(None, ge=1990, le=2100)
    ramp_up_years: int | None = Field(None, ge=0, le=20)
    conversion_factor: float | None = Field(None, allow_inf_nan=False)
    samples: int = Field(0, ge=0, le=MAX_SAMPLES)
    seed: int = Field(0, ge=0, le=2**32 - 1)


AnyJob = CompareJob | ExposureJob | ReliabilityJob | CriticalityJob | EnergyJob | AppraiseJob
JobRequest = Annotated[AnyJob, Field(discriminator="kind")]
#: The kinds of job, in the order ``/api/health`` lists them.
JOB_KINDS: tuple[str, ...] = tuple(
    get_args(job.model_fields["kind"].annotation)[0] for job in get_args(get_args(JobRequest)[0])
)


class JobModel(BaseModel):
    """A job's status; ``result`` once it succeeded, ``error`` (problems) once it failed."""

    id: str
    kind: str
    params: dict[str, Any]
    status: Literal["queued", "running", "succeeded", "failed"]
    progress: float
    message: str
    created_s: float
    started_s: float | None
    finished_s: float | None
    error: dict[str, Any] | None
    result: dict[str, Any] | None = None


def _resilience_progress(progress: Progress) -> Callable[[str, int, int], None]:
    """The job's ``progress(fraction, message)`` as :mod:`tripp.resilience` reports it:
    ``(what, done, total)``."""

    def report(what: str, done: int, total: int) -> None:
        progress(done / total if total else 0.0, f"{what} {done}/{total}")

    return report


def _heavy(admission: Admission, kind: str, key: Hashable, compute: Compute, *args: Any) -> Runner:
    """A job computed as the ``/api/{kind}`` endpoint computes a new answer: in the
    admission's process pool, in one of ``kind``'s slots (waiting for one if all are taken),
    its answer cached under the endpoint's ``key`` (:meth:`Admission.compute_blocking`)."""

    def run_heavy(progress: Progress) -> dict[str, Any]:
        body, _ = admission.compute_blocking(
            kind,
            key,
            compute,
            *args,
            waiting=lambda: progress(0.0, f"waiting for a free {kind} process"),
            computing=lambda: progress(0.1, f"computing in a {kind} process"),
        )
        result: dict[str, Any] = json.loads(body)
        return result

    return run_heavy


def _runner(admission: Admission, job: _Job) -> Runner:
    """Check ``job`` completely now (so bad input is a 422, not a failed job); return its run.

    Compare, exposure and energy jobs run in the heavy endpoints' process pool
    (:func:`_heavy`), so that they never hold the server's GIL. The resilience runs import
    their analysis when they start (Dask is slow to import) and use a one-worker local Dask
    cluster (a process of its own), so that a job never takes the whole machine."""
    state = admission.state
    if isinstance(job, CompareJob):
        base, other, chosen = gather(
            lambda: check_scenario(job.base, option="base"),
            lambda: check_scenario(job.other, option="other"),
            lambda: check_pairs(state.atlas, job.pairs),
        )
        pairs, objective = tuple(chosen or ()), job.objective.value
        args = (base, other, pairs, objective, "auto")  # energy: as /api/compare's default
        return _heavy(admission, "compare", ("compare", *args), compare_json, *args)
    if isinstance(job, ExposureJob):
        name, objective = check_scenario(job.scenario), job.objective.value
        key = ("exposure", name, objective)
        return _heavy(admission, "exposure", key, exposure_json, name, objective)
    if isinstance(job, ReliabilityJob):
        name, _ = gather(
            lambda: check_scenario(job.scenario), lambda: check_objective(job.objective)
        )

        def run_reliability(progress: Progress) -> dict[str, Any]:
            from tripp.resilience.reliability import reliability

            network = state.network(name)
            return reliability(
                network,
                samples=job.samples,
                seed=job.seed,
                objective=job.objective.value,
                workers=1,
                progress=_resilience_progress(progress),
            ).to_dict()

        return run_reliability
    if isinstance(job, CriticalityJob):
        name, _ = gather(
            lambda: check_scenario(job.scenario), lambda: check_objective(job.objective)
        )

        def run_criticality(progress: Progress) -> dict[str, Any]:
            from tripp.resilience.criticality import criticality

            network = state.network(name)
            return criticality(
                network,
                objective=job.objective.value,
                workers=1,
                progress=_resilience_progress(progress),
            ).to_dict()

        return run_criticality
    if isinstance(job, AppraiseJob):
        return _appraise_runner(admission, job)
    assert isinstance(job, EnergyJob)
    name = check_scenario(job.scenario)
    energy_key = ("energy", name, job.carrier.value, None, job.missing_capacity.value)
    energy_args = (name, job.carrier, None, job.missing_capacity)  # year None: the scenario's
    return _heavy(admission, "energy", energy_key, energy_json, *energy_args)


def _appraise_runner(admission: Admission, job: AppraiseJob) -> Runner:
    """Without samples, the answer of ``/api/appraise`` (computed as a heavy answer, cached
    under its key); with samples, the appraisal and its risk analysis on a one-worker local
    Dask cluster started by the job's thread, as a reliability job runs."""
    state = admission.state
    query = check_appraisal(
        state.atlas,
        scenario=job.scenario,
        against=job.against,
        discount_rate_text=job.discount_rate,
        horizon_years=job.horizon_years,
        price_year=job.price_year,
        demand_year=job.demand_year,
        ramp_up_years=job.ramp_up_years,
        conversion_factor=job.conversion_factor,
    )
    if not job.samples:
        return _heavy(admission, "appraise", ("appraise", query), appraisal_json, query)

    def run_appraisal(progress: Progress) -> dict[str, Any]:
        progress(0.0, "appraising the scenario")
        return appraisal_dict(
            state,
            query,
            samples=job.samples,
            seed=job.seed,
            progress=_resilience_progress(progress),
        )

    return run_appraisal


#: OpenAPI links of the answer to ``POST /api/jobs``: its ``id`` is the ``job_id`` to poll
#: (clients and stateful API tests follow it).
POLL_LINK = {
    "GetJob": {
        "operationRef": "#/paths/~1api~1jobs~1{job_id}/get",
        "parameters": {"job_id": "$response.body#/id"},
        "description": "Poll the job's status, progress and result.",
    }
}


def manager_of(request: Request) -> JobManager:
    """The app's :class:`JobManager`."""
    manager: JobManager = request.app.state.jobs
    return manager


@router.post(
    "/jobs",
    status_code=202,
    response_model=JobModel,
    responses={
        202: {"links": POLL_LINK},
        **ERRORS,
        400: {"model": ErrorModel, "description": "The body is not JSON."},
        413: {"model": ErrorModel, "description": "The body is over 64 KiB."},
        429: {"model": ErrorModel, "description": "Too many jobs waiting; see Retry-After."},
    },
    summary="Start a long run",
)
def start_job(request: Request, job: Annotated[JobRequest, Body()]) -> dict[str, Any]:
    """Start a compare, exposure, reliability, criticality, energy or appraise run; poll its
    ``id``."""
    return submit_job(request, job)


def submit_job(request: Request, job: AnyJob) -> dict[str, Any]:
    """Check ``job`` completely (422 naming every problem), queue it (429 when the queue is
    full) and return its status, as ``POST /api/jobs`` answers."""
    runner = _runner(admission_of(request), job)
    try:
        started = manager_of(request).submit(job.kind, job.model_dump(mode="json"), runner)
    except JobsFull:
        raise ApiError(
            429,
            "too many jobs are waiting",
            [Problem("jobs", "the queue is full", "wait for a job to finish and try again")],
            retry_after_s=JOBS_RETRY_AFTER_S,
        ) from None
    return started.to_dict()


@router.get("/jobs", response_model=list[JobModel], summary="Recent jobs (without results)")
def list_jobs(request: Request) -> list[dict[str, Any]]:
    """The most recent jobs, newest first, without their results."""
    return [j.to_dict(with_result=False) for j in manager_of(request).list()]


@router.get(
    "/jobs/{job_id}",
    response_model=JobModel,
    responses={**ERRORS, **NOT_FOUND},
    summary="A job's status, progress and result",
)
def get_job(
    request: Request,
    job_id: Annotated[str, Path(max_length=64, description="The id POST /api/jobs returned.")],
) -> dict[str, Any]:
    """Status, progress and, once succeeded, the result of job ``job_id``."""
    job = manager_of(request).get(job_id)
    if job is None:
        raise ApiError(
            404,
            f"no job '{job_id}'",
            [Problem("job_id", f"no job '{job_id}' (unknown or expired)", "start it again")],
        )
    return job.to_dict()
