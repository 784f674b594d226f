"""Every endpoint, fuzzed from its OpenAPI schema with valid and invalid input: never a 5xx,
status codes and bodies as documented (schemathesis against the ASGI app, bounded)."""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
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
