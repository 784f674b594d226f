"""``/api/appraise``: the JSON of ``AppraisalResult.to_dict()`` (one appraisal computed for
the module, tripp-2030 against baseline-2025), bad parameters a 422 naming each one, and
``samples`` > 0 a job, never an inline run."""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from typing import Any

import pytest

from tripp.api import create_app
from tripp.api.jobs import JobManager
from tripp.api.schemas_appraisal import AppraisalModel

with warnings.catch_warnings():  # starlette's note that it prefers httpx2
    warnings.simplefilter("ignore", DeprecationWarning)
    from fastapi.testclient import TestClient

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")

PAIR = {"scenario": "tripp-2030", "against": "baseline-2025"}
KEYS = {
    "scenario",
    "against",
    "queue_relief_usd_per_year",
    "energy",
    "discount_rate",
    "financial_rate",
    "horizon_years",
    "price_year",
    "first_year",
    "open_year",
    "demand_year",
    "npv_usd",
    "pv_benefits_usd",
    "pv_costs_usd",
    "bcr",
    "eirr",
    "eirr_note",
    "fnpv_usd",
    "firr",
    "firr_note",
    "cash_flows",
    "by_stakeholder",
    "projects",
    "transit_revenue",
    "sensitivity",
    "switching_values",
    "risk",
    "settings",
    "notes",
}


@pytest.fixture(scope="module")
def client() -> Iterator[TestClient]:
    # jobs are queued, never run; new answers are computed on a thread (no process to spawn)
    app = create_app(jobs=JobManager(paused=True, max_pending=8), heavy_processes=False)
    with TestClient(app) as test_client:
        yield test_client


@pytest.fixture(scope="module")
def appraisal(client: TestClient) -> dict[str, Any]:
    """The module's one appraisal, at the ADB rate over 25 years."""
    response = client.get(
        "/api/appraise", params={**PAIR, "discount_rate": "adb", "horizon_years": 25}
    )
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def _problems(response: Any) -> list[dict[str, Any]]:
    assert response.status_code == 422, response.text
    body = response.json()
    assert set(body) == {"detail", "problems"} and body["problems"]
    return list(body["problems"])


def test_answer_has_every_documented_key_and_matches_the_schema(
    appraisal: dict[str, Any],
) -> None:
    assert set(appraisal) == KEYS
    AppraisalModel.model_validate(appraisal)  # no key missing, none undocumented
    assert (appraisal["scenario"], appraisal["against"]) == ("tripp-2030", "baseline-2025")
    assert appraisal["discount_rate"] == 0.09 == appraisal["settings"]["discount_rate"]
    assert appraisal["horizon_years"] == 25 == len(appraisal["cash_flows"])
    assert appraisal["cash_flows"][0]["year"] == appraisal["first_year"]
    assert set(appraisal["cash_flows"][0]) == {
        "year",
        "capex_usd",
        "opex_usd",
        "residual_usd",
        "benefits_usd",
        "net_usd",
        "financial_net_usd",
    }
    assert {"stakeholder", "country", "npv_usd", "usd_per_year"} == set(
        appraisal["by_stakeholder"][0]
    )
    assert {"input", "npv_usd_low", "npv_usd_high", "swing_usd", "change_pct"} == set(
        appraisal["sensitivity"][0]
    )
    assert appraisal["risk"] is None  # no samples: no risk analysis
    assert appraisal["notes"]


def test_a_repeat_is_answered_from_the_cache(client: TestClient, appraisal: dict[str, Any]) -> None:
    hits = client.get("/api/health").json()["cache"]["result_hits"]
    again = client.get("/api/appraise", params={**PAIR, "discount_rate": "9%", "horizon_years": 25})
    assert again.status_code == 200 and again.json() == appraisal  # 9% is the adb preset
    assert client.get("/api/health").json()["cache"]["result_hits"] == hits + 1


@pytest.mark.parametrize("rate", ["seven", "70%", "-0.01", "nan"])
def test_a_bad_discount_rate_is_422_naming_it(client: TestClient, rate: str) -> None:
    problems = _problems(client.get("/api/appraise", params={**PAIR, "discount_rate": rate}))
    assert [p["where"] for p in problems] == ["discount_rate"]
    assert "eu-cohesion" in problems[0]["fix"]  # the presets are offered


def test_every_bad_parameter_is_named_at_once(client: TestClient) -> None:
    params = {
        "scenario": "tripp-2300",
        "against": "baseline-2025",
        "discount_rate": "0.05",
        "conversion_factor": 5,
        "price_year": 1950,
        "demand_year": 1999,
    }
    problems = _problems(client.get("/api/appraise", params=params))
    assert {p["where"] for p in problems} == {
        "scenario",
        "conversion_factor",
        "price_year",
        "demand_year",
    }
    assert "did you mean 'tripp-2030'" in problems[0]["fix"]
    assert _problems(client.get("/api/appraise", params={"scenario": "tripp-2030"}))[0][
        "where"
    ] == ("against")


def test_samples_start_a_job_instead_of_running_inline(client: TestClient) -> None:
    started = client.get("/api/appraise", params={**PAIR, "samples": 20, "seed": 7})
    assert started.status_code == 202, started.text
    job = started.json()
    assert job["kind"] == "appraise" and job["status"] == "queued"
    assert (job["params"]["samples"], job["params"]["seed"]) == (20, 7)
    polled = client.get(f"/api/jobs/{job['id']}")
    assert polled.status_code == 200 and polled.json()["id"] == job["id"]
    bad = client.get("/api/appraise", params={**PAIR, "samples": 20, "discount_rate": "x"})
    assert [p["where"] for p in _problems(bad)] == ["discount_rate"]  # checked before queueing


def test_appraise_jobs_are_posted_and_checked_like_the_others(client: TestClient) -> None:
    started = client.post("/api/jobs", json={"kind": "appraise", "samples": 5, "seed": 1})
    assert started.status_code == 202, started.text
    assert started.json()["params"]["against"] == "baseline-2025"
    problems = _problems(
        client.post("/api/jobs", json={"kind": "appraise", "discount_rate": "lots"})
    )
    assert [p["where"] for p in problems] == ["discount_rate"]
    assert client.get("/api/health").json()["capabilities"]["appraisal"] is True


def test_openapi_documents_the_endpoint(client: TestClient) -> None:
    operation = client.get("/api/openapi.json").json()["paths"]["/api/appraise"]["get"]
    names = {p["name"] for p in operation["parameters"]}
    assert names == {
        "scenario",
        "against",
        "discount_rate",
        "horizon_years",
        "price_year",
        "demand_year",
        "ramp_up_years",
        "conversion_factor",
        "samples",
        "seed",
    }
    responses = operation["responses"]
    assert responses["200"]["content"]["application/json"]["schema"]["$ref"].endswith(
        "/AppraisalModel"
    )
    assert "GetJob" in responses["202"]["links"]
    assert {"422", "429"} <= set(responses)


def test_a_sampled_job_runs_and_matches_the_python_answer() -> None:
    import time

    import tripp

    with TestClient(create_app(heavy_processes=False)) as running:
        started = running.get("/api/appraise", params={**PAIR, "samples": 20, "seed": 7})
        assert started.status_code == 202, started.text
        path, deadline = f"/api/jobs/{started.json()['id']}", time.monotonic() + 240
        while (job := running.get(path).json())["status"] in {"queued", "running"}:
            assert time.monotonic() < deadline
            time.sleep(0.5)
    assert job["status"] == "succeeded", job["error"]
    atlas = tripp.load_atlas()
    expected = tripp.appraise(
        tripp.scenario(atlas, PAIR["scenario"]),
        against=tripp.scenario(atlas, PAIR["against"]),
        samples=20,
        seed=7,
        workers=1,
    ).to_dict()
    assert job["result"]["risk"] == expected["risk"] and job["result"]["risk"]["samples"] == 20
    assert job["result"]["npv_usd"] == expected["npv_usd"]
