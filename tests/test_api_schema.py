"""Every endpoint, fuzzed from its OpenAPI schema with valid and invalid input: never a 5xx,
status codes and bodies as documented (schemathesis against the ASGI app, bounded); and
jobs statefully: sequences of ``POST /api/jobs`` and ``GET /api/jobs/{id}`` that follow the
OpenAPI link from the posted job's ``id`` to its poll."""

from __future__ import annotations

import time
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tripp.api import create_app
from tripp.api.jobs import JobManager

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")

# jobs are queued, never run: the fuzzer checks the answers, not hours of Monte Carlo
schema = schemathesis.openapi.from_asgi(
    "/api/openapi.json", create_app(jobs=JobManager(paused=True, max_pending=4))
)


CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


@schema.parametrize()
@settings(
    max_examples=30,
    deadline=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)
def test_api_never_fails_and_matches_its_schema(case: schemathesis.Case) -> None:
    case.call_and_validate(checks=CHECKS)


def test_jobs_posted_and_polled_statefully_never_fail() -> None:
    jobs = JobManager(paused=True, max_pending=64)
    app = create_app(jobs=jobs)
    (link,) = app.openapi()["paths"]["/api/jobs"]["post"]["responses"]["202"]["links"].values()
    assert link["parameters"] == {"job_id": "$response.body#/id"}  # the documented link
    linked = schemathesis.openapi.from_asgi("/api/openapi.json", app)
    polls: list[int] = []  # status of each GET /api/jobs/{job_id}

    class JobSequences(linked.include(path_regex="^/api/jobs").as_state_machine()):  # type: ignore[misc]
        def setup(self) -> None:  # each sequence starts with an empty queue: none is full
            jobs.shutdown()

        def validate_response(  # the stateless run's checks: a scenario name is free text
            self, response: Any, case: schemathesis.Case, **kwargs: Any
        ) -> None:
            if case.path == "/api/jobs/{job_id}":
                polls.append(response.status_code)
            case.validate_response(response, checks=CHECKS)

    started_s = time.monotonic()
    JobSequences.run(
        settings=settings(
            max_examples=60,
            stateful_step_count=8,
            deadline=None,
            derandomize=True,
            phases=[Phase.generate],
            suppress_health_check=list(HealthCheck),
        )
    )
    assert time.monotonic() - started_s < 60
    assert polls.count(200) >= 10, polls  # the link led from posted jobs to their polls
    jobs.shutdown()
