"""Job bodies are checked completely at ``POST /api/jobs``: a job that would fail on its
options is a 422 listing the problems, never a 202 and a failed job later."""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from typing import Any

import pytest

from tripp.api import create_app
from tripp.api.jobs import JobManager

with warnings.catch_warnings():  # starlette's note that it prefers httpx2
    warnings.simplefilter("ignore", DeprecationWarning)
    from fastapi.testclient import TestClient

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


@pytest.fixture(scope="module")
def client() -> Iterator[TestClient]:
    # queued, never run: an accepted job is a 202 whatever its run would do
    with TestClient(create_app(jobs=JobManager(paused=True, max_pending=64))) as test_client:
        yield test_client


def _problems(response: Any) -> list[dict[str, Any]]:
    assert response.status_code == 422, response.text
    problems = response.json()["problems"]
    assert problems and all(p["problem"] and p["fix"] for p in problems)
    return list(problems)


@pytest.mark.parametrize("kind", ["criticality", "reliability"])
def test_an_objective_the_sweeps_refuse_is_422(client: TestClient, kind: str) -> None:
    problems = _problems(client.post("/api/jobs", json={"kind": kind, "objective": "distance"}))
    assert [(p["where"], p["fix"]) for p in problems] == [
        ("objective", "use time, cost or generalized")
    ]
    assert "distance" in problems[0]["problem"]


def test_every_problem_of_a_body_is_listed_at_once(client: TestClient) -> None:
    body = {"kind": "criticality", "scenario": "tripp-2300", "objective": "distance"}
    problems = _problems(client.post("/api/jobs", json=body))
    assert {p["where"] for p in problems} == {"scenario", "objective"}
    assert "did you mean 'tripp-2030'" in next(
        p["fix"] for p in problems if p["where"] == "scenario"
    )


@pytest.mark.parametrize("value", ["NaN", "Infinity", "-Infinity", "1e400", "2001", "0", "1.5"])
def test_job_numbers_are_finite_and_in_range(client: TestClient, value: str) -> None:
    body = '{"kind": "reliability", "samples": ' + value + "}"
    problems = _problems(
        client.post("/api/jobs", content=body, headers={"content-type": "application/json"})
    )
    assert [p["where"] for p in problems] == ["reliability.samples"]  # the body's kind first


@pytest.mark.parametrize("value", ["NaN", "-1", "4294967296"])
def test_job_seed_is_finite_and_in_range(client: TestClient, value: str) -> None:
    body = '{"kind": "reliability", "seed": ' + value + "}"
    problems = _problems(
        client.post("/api/jobs", content=body, headers={"content-type": "application/json"})
    )
    assert [p["where"] for p in problems] == ["reliability.seed"]


@pytest.mark.parametrize(
    "body",
    [
        {"kind": "compare", "objective": "distance", "pairs": ["Baku>Kars"]},
        {"kind": "exposure", "scenario": "aras-2030", "objective": "distance"},
        {"kind": "reliability", "samples": 10, "seed": 3, "objective": "cost"},
        {"kind": "criticality", "scenario": "tripp-2030", "objective": "time"},
        {"kind": "energy", "carrier": "gas", "missing_capacity": "unbounded"},
    ],
)
def test_good_bodies_of_every_kind_are_accepted(client: TestClient, body: dict[str, Any]) -> None:
    started = client.post("/api/jobs", json=body)
    assert started.status_code == 202, started.text
    assert started.json()["status"] == "queued" and started.json()["params"]["kind"] == body["kind"]


def test_a_full_queue_is_429_with_retry_after() -> None:
    with TestClient(create_app(jobs=JobManager(paused=True, max_pending=1))) as full:
        body = {"kind": "exposure", "scenario": "baseline-2025"}
        assert full.post("/api/jobs", json=body).status_code == 202
        refused = full.post("/api/jobs", json=body)
    assert refused.status_code == 429
    assert int(refused.headers["Retry-After"]) > 0
    assert refused.json()["problems"][0]["where"] == "jobs"
