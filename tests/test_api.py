"""The REST API: the CLI's JSON, valid GeoJSON, every bad input a 4xx listing its problems."""

from __future__ import annotations

import json
import re
import time
import warnings
from collections.abc import Iterator
from typing import Any

import pytest
from typer.testing import CliRunner

import tripp
from tripp.api import create_app
from tripp.cli.main import app as cli

with warnings.catch_warnings():  # starlette's note that it prefers httpx2
    warnings.simplefilter("ignore", DeprecationWarning)
    from fastapi.testclient import TestClient

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


@pytest.fixture(scope="module")
def client() -> Iterator[TestClient]:
    with TestClient(create_app()) as test_client:
        yield test_client


def cli_json(*args: str) -> Any:
    result = CliRunner().invoke(cli, [*args, "--format", "json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def problems_of(response: Any, status: int) -> list[dict[str, Any]]:
    assert response.status_code == status, response.text
    body = response.json()
    assert set(body) == {"detail", "problems"} and body["detail"]
    assert body["problems"], body
    for problem in body["problems"]:
        assert set(problem) == {"where", "row", "column", "problem", "fix"}
    return list(body["problems"])


@pytest.mark.parametrize(
    ("query", "cli_args"),
    [
        ({"origin": "Baku", "destination": "Nakhchivan"}, ["Baku", "Nakhchivan"]),
        (
            {"origin": "Baku", "destination": "Nakhchivan", "scenario": "tripp-2030"},
            ["Baku", "Nakhchivan", "--scenario", "tripp-2030"],
        ),
        (
            {
                "origin": "Xi'an",
                "destination": "Duisburg",
                "avoid_country": "RU",
                "objective": "cost",
                "alternatives": 3,
                "year": 2030,
            },
            [
                *("Xi'an", "Duisburg", "--avoid-country", "RU", "--objective", "cost"),
                *("--alternatives", "3", "--year", "2030"),
            ],
        ),
        (
            {"origin": "Baku", "destination": "Kars", "via": ["Tbilisi"], "modes": "rail,road"},
            ["Baku", "Kars", "--via", "Tbilisi", "--modes", "rail,road"],
        ),
    ],
)
def test_route_json_is_the_cli_json(
    client: TestClient, query: dict[str, Any], cli_args: list[str]
) -> None:
    response = client.get("/api/route", params=query)
    assert response.status_code == 200, response.text
    assert response.json() == cli_json("route", *cli_args)


def test_route_cache_answers_repeats_without_reloading(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    import tripp.atlas.io

    def no_reload(*_: object, **__: object) -> None:
        raise AssertionError("the atlas was read again")

    client.get("/api/route", params={"origin": "Baku", "destination": "Kars"})
    client.get(
        "/api/route", params={"origin": "Baku", "destination": "Kars", "scenario": "no-russia"}
    )
    monkeypatch.setattr(tripp.atlas.io, "load_atlas", no_reload)
    state = client.app.state.tripp  # type: ignore[attr-defined]
    compiled = state.networks.misses
    for scenario in (None, "no-russia"):
        for destination in ("Kars", "Tbilisi", "Poti"):
            params = {"origin": "Baku", "destination": destination}
            if scenario:
                params["scenario"] = scenario
            assert client.get("/api/route", params=params).status_code == 200
    assert state.networks.misses == compiled  # each scenario compiled once


def test_nodes_and_links_are_valid_geojson(client: TestClient) -> None:
    nodes = client.get("/api/nodes").json()
    links = client.get("/api/links", params={"corridor": "TRIPP"}).json()
    assert nodes["type"] == links["type"] == "FeatureCollection"
    assert len(nodes["features"]) == len(tripp.load_atlas().nodes) and links["features"]
    for feature in nodes["features"]:
        lon, lat = feature["geometry"]["coordinates"]
        assert feature["geometry"]["type"] == "Point" and -180 <= lon <= 180 and -90 <= lat <= 90
        assert feature["properties"]["node_id"]
    for feature in links["features"]:
        assert feature["geometry"]["type"] == "LineString"
        assert len(feature["geometry"]["coordinates"]) == 2
        assert "TRIPP" in feature["properties"]["corridors"].split(";")
    armenia = client.get("/api/nodes", params={"country": "AM"}).json()["features"]
    assert armenia and {f["properties"]["country"] for f in armenia} == {"AM"}


def test_unknown_node_gets_did_you_mean(client: TestClient) -> None:
    problems = problems_of(
        client.get("/api/route", params={"origin": "Bakku", "destination": "Nakhchivn"}), 422
    )
    assert [p["where"] for p in problems] == ["origin", "destination"]
    assert "did you mean" in problems[0]["fix"] and "'baku'" in problems[0]["fix"]


def test_bad_country_and_mode_listed_together(client: TestClient) -> None:
    response = client.get(
        "/api/route",
        params={
            "origin": "Baku",
            "destination": "Kars",
            "avoid_country": "XQ",
            "modes": "rail,air",
        },
    )
    problems = problems_of(response, 422)
    assert {p["where"] for p in problems} == {"avoid_country", "modes"}


@pytest.mark.parametrize(
    ("params", "where"),
    [
        ({"year": 1700}, "year"),
        ({"year": "soon"}, "year"),
        ({"alternatives": 11}, "alternatives"),
        ({"objective": "fastest"}, "objective"),
        ({"vot_usd_per_teu_h": -1}, "vot_usd_per_teu_h"),
        ({"scenario": "../../etc/passwd"}, "scenario"),
        ({"scenario": "tripp-2031"}, "scenario"),
    ],
)
def test_bad_options(client: TestClient, params: dict[str, Any], where: str) -> None:
    query = {"origin": "Baku", "destination": "Kars", **params}
    problems = problems_of(client.get("/api/route", params=query), 422)
    assert [p["where"] for p in problems] == [where]


def test_contradictory_options(client: TestClient) -> None:
    query = {"origin": "Baku", "destination": "Nakhchivan", "avoid_country": "AZ"}
    problems = problems_of(client.get("/api/route", params=query), 422)
    assert {p["where"] for p in problems} == {"origin", "destination"}
    assert "remove AZ" in problems[0]["fix"]
    same = problems_of(
        client.get("/api/route", params={"origin": "Baku", "destination": "Baku"}), 422
    )
    assert "same place" in same[0]["problem"]


def test_missing_parameter_and_unknown_scenario_suggestion(client: TestClient) -> None:
    problems = problems_of(client.get("/api/route", params={"origin": "Baku"}), 422)
    assert problems[0]["where"] == "destination" and problems[0]["fix"] == "give this parameter"
    problems = problems_of(client.get("/api/exposure", params={"scenario": "trip-2030"}), 422)
    assert "tripp-2030" in problems[0]["fix"]


def test_no_route_is_404_naming_the_constraint(client: TestClient) -> None:
    query = {"origin": "Baku", "destination": "Tbilisi", "modes": "sea"}
    problems = problems_of(client.get("/api/route", params=query), 404)
    assert "modes=sea cuts every route" in problems[0]["problem"]
    assert "--" not in problems[0]["problem"]


def test_unknown_path_and_method(client: TestClient) -> None:
    problems_of(client.get("/api/nowhere"), 404)
    problems_of(client.delete("/api/route"), 405)


def test_scenarios_match_the_cli(client: TestClient) -> None:
    assert client.get("/api/scenarios").json() == cli_json("scenario", "list")


def test_compare_and_exposure_match_the_cli(client: TestClient) -> None:
    response = client.get("/api/compare", params={"base": "baseline-2025", "other": "tripp-2030"})
    assert response.json() == cli_json("compare", "baseline-2025", "tripp-2030")
    exposure = client.get("/api/exposure", params={"scenario": "tripp-2030"}).json()
    assert exposure == cli_json("exposure", "tripp-2030")


def test_compare_pairs_checked(client: TestClient) -> None:
    ok = client.get("/api/compare", params={"pairs": ["Baku>Kars", "Yerevan>Kars"]})
    assert [(p["origin"], p["destination"]) for p in ok.json()["pairs"]] == [
        ("Baku", "Kars"),
        ("Yerevan", "Kars"),
    ]
    bad = client.get("/api/compare", params={"pairs": ["Baku-Kars", "Bakku>Kars"]})
    problems = problems_of(bad, 422)
    assert len(problems) == 2 and "origin>destination" in problems[0]["problem"]
    too_many = client.get("/api/compare", params={"pairs": ["Baku>Kars"] * 21})
    problems_of(too_many, 422)


def test_job_runs_in_background_and_reports_result(client: TestClient) -> None:
    started = client.post("/api/jobs", json={"kind": "exposure", "scenario": "aras-2030"})
    assert started.status_code == 202, started.text
    job_id = started.json()["id"]
    deadline = time.monotonic() + 30
    while (job := client.get(f"/api/jobs/{job_id}").json())["status"] in {"queued", "running"}:
        assert time.monotonic() < deadline
        time.sleep(0.1)
    assert job["status"] == "succeeded" and job["progress"] == 1.0
    assert job["result"] == client.get("/api/exposure", params={"scenario": "aras-2030"}).json()
    assert job_id in [j["id"] for j in client.get("/api/jobs").json()]


def test_job_bad_input_is_422_not_a_failed_job(client: TestClient) -> None:
    problems = problems_of(
        client.post("/api/jobs", json={"kind": "compare", "base": "nope", "pairs": ["x"]}), 422
    )
    assert {p["where"] for p in problems} == {"base", "pairs"}
    problems_of(client.post("/api/jobs", json={"kind": "teleport"}), 422)
    problems_of(
        client.post(
            "/api/jobs", content=b"{not json", headers={"content-type": "application/json"}
        ),
        422,
    )
    problems_of(client.get("/api/jobs/0123456789abcdef0123456789abcdef"), 404)


def test_body_over_the_limit_is_413(client: TestClient) -> None:
    body = b'{"kind": "exposure", "pad": "' + b"x" * 70_000 + b'"}'
    problems_of(
        client.post("/api/jobs", content=body, headers={"content-type": "application/json"}), 413
    )


def test_energy_answers_with_the_cli_json(client: TestClient) -> None:
    params = {"scenario": "baseline-2025", "carrier": "gas", "missing_capacity": "unbounded"}
    response = client.get("/api/energy", params=params)
    assert response.status_code == 200, response.text
    assert response.json()["carrier"] == "gas" and response.json()["links"]
    assert response.json() == cli_json(
        "energy", "baseline-2025", "--carrier", "gas", "--missing-capacity", "unbounded"
    )
    problems_of(client.get("/api/energy", params={"carrier": "steam"}), 422)


def test_docs_page_uses_local_assets_only(client: TestClient) -> None:
    page = client.get("/api/docs")
    assert page.status_code == 200
    assert not re.findall(r"(?:src|href)=\"(?:https?:)?//", page.text)
    assert client.get("/static/vendor/swagger-ui/swagger-ui-bundle.js").status_code == 200
    spec = client.get("/api/openapi.json").json()
    assert {"/api/route", "/api/nodes", "/api/links", "/api/jobs", "/api/energy"} <= set(
        spec["paths"]
    )
    index = client.get("/")
    assert index.status_code == 200
    assert not re.findall(r"(?:src|href)=\"(?:https?:)?//", index.text)


def test_health(client: TestClient) -> None:
    health = client.get("/api/health").json()
    assert health["status"] == "ok" and health["atlas"]["nodes"] == len(tripp.load_atlas().nodes)
    assert health["capabilities"] == {
        "energy": True,
        "resilience": True,
        "appraisal": True,
        "jobs": ["compare", "exposure", "reliability", "criticality", "energy", "appraise"],
    }


def test_criticality_job_reports_progress_and_the_ranking(client: TestClient) -> None:
    from tripp.resilience.criticality import criticality

    started = client.post("/api/jobs", json={"kind": "criticality", "objective": "time"})
    assert started.status_code == 202, started.text
    deadline = time.monotonic() + 120
    path = f"/api/jobs/{started.json()['id']}"
    while (job := client.get(path).json())["status"] in {"queued", "running"}:
        assert time.monotonic() < deadline
        time.sleep(0.2)
    assert job["status"] == "succeeded", job["error"]
    network = client.app.state.tripp.network("baseline-2025")  # type: ignore[attr-defined]
    assert job["result"] == criticality(network, objective="time", workers=1).to_dict()


def test_serve_command_registers() -> None:
    import typer

    from tripp.cli.serve import register

    app = typer.Typer()
    register(app)

    @app.command()
    def other() -> None:  # a second command keeps `serve` a named subcommand
        pass

    result = CliRunner().invoke(app, ["serve", "--help"])
    assert result.exit_code == 0
    assert "127.0.0.1" in result.output and "--atlas" in result.output


def _raw_get(app: Any, target: str, headers: tuple[tuple[bytes, bytes], ...] = ()) -> list[Any]:
    """The ASGI messages ``app`` sends for ``GET target`` (no client library in between)."""
    import asyncio

    path, _, query = target.partition("?")
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "GET",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": query.encode(),
        "root_path": "",
        "headers": [(b"host", b"127.0.0.1"), *headers],
        "client": ("127.0.0.1", 1),
        "server": ("127.0.0.1", 8000),
        "state": {},
    }
    sent: list[Any] = []

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    asyncio.run(app(scope, receive, send))
    return sent


@pytest.mark.parametrize(
    "target",
    [
        "/api/route?origin=Baku&destination=Kars&scenario=tripp-2030&objective=cost",
        "/api/route?origin=Xi%27an&destination=Duisburg&alternatives=3",  # over 16 KiB
        "/api/route?origin=Trabzon&destination=Moscow&scenario=no-russia",  # no route: 404
    ],
)
def test_route_fast_path_answers_as_the_normal_path(
    target: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    import tripp.api.fastpath

    app = create_app()
    state = app.state.tripp
    normal = _raw_get(app, target)  # computed, recorded
    assert state.route_answer(target.partition("?")[2].encode()) is not None
    calls = []
    original = tripp.api.fastpath.RouteFastPath.__call__

    async def spy(self: Any, scope: Any, receive: Any, send: Any) -> None:
        calls.append(scope["path"])
        await original(self, scope, receive, send)

    hits = state.results.hits
    monkeypatch.setattr(tripp.api.fastpath.RouteFastPath, "__call__", spy)
    fast = _raw_get(app, target)
    assert calls and state.results.hits == hits + 1  # answered from the cache
    assert fast == normal  # status, headers (content-length, content-type) and body
    start, body = fast
    assert start["status"] in {200, 404}
    headers = dict(start["headers"])
    assert headers[b"content-type"] == b"application/json"
    assert int(headers[b"content-length"]) == len(body["body"])
    # gzip still applies to the cached answer as to the computed one (over 16 KiB only)
    gzip_normal = _raw_get(create_app(), target, ((b"accept-encoding", b"gzip"),))
    gzip_fast = _raw_get(app, target, ((b"accept-encoding", b"gzip"),))
    assert gzip_fast == gzip_normal


def test_route_fast_path_never_answers_a_bad_query() -> None:
    app = create_app()
    state = app.state.tripp
    bad = "/api/route?origin=Bakku&destination=Kars&alternatives=3"
    for _ in range(3):  # asked again and again: always validated, never cached
        start, body = _raw_get(app, bad)
        assert start["status"] == 422
        problems = json.loads(body["body"])
        assert problems["problems"][0]["where"] == "origin"
        assert "did you mean" in problems["problems"][0]["fix"]
    assert state.route_answer(bad.partition("?")[2].encode()) is None
    schema_bad = "/api/route?origin=Baku&destination=Kars&alternatives=99"
    for _ in range(2):
        start, body = _raw_get(app, schema_bad)
        assert start["status"] == 422
        assert json.loads(body["body"])["problems"][0]["where"] == "alternatives"
    # the same places with a good query are answered, then recorded; the bad one still is not
    good = "/api/route?origin=Baku&destination=Kars"
    assert _raw_get(app, good)[0]["status"] == 200
    assert state.route_answer(b"origin=Baku&destination=Kars") is not None
    assert _raw_get(app, bad)[0]["status"] == 422
    # other methods and paths are not taken by the fast path
    with TestClient(app) as test_client:
        assert test_client.post(good).status_code == 405
        head = test_client.head(good)  # HEAD: the GET answer without its body
        assert head.status_code == 200 and head.content == b""
