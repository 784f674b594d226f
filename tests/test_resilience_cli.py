"""The criticality and reliability commands, on a local cluster and on a real
``dask scheduler`` + ``dask worker`` pair started on loopback."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from tests.test_resilience_reliability import PARAMS
from tripp.cli.resilience import register

FIXTURES = Path(__file__).parent / "fixtures"
MINI = ["--atlas", str(FIXTURES / "mini")]
BASE = str(FIXTURES / "scenarios" / "base.toml")
BIN = Path(sys.executable).parent


@pytest.fixture(scope="module")
def app() -> typer.Typer:
    app = typer.Typer()
    register(app)
    return app


def invoke(app: typer.Typer, *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_criticality_json_geojson_and_files(app: typer.Typer, tmp_path: Path) -> None:
    code, out, _ = invoke(
        app, "criticality", BASE, *MINI, "--objective", "time", "--top", "2", "--workers", "1",
        "--format", "geojson", "--out", str(tmp_path),
    )  # fmt: skip
    assert code == 0
    layer = json.loads(out)
    assert [f["properties"]["elements"] for f in layer["features"]] == [
        ["link:road1"],
        ["link:road2"],
    ]
    assert layer["features"][0]["geometry"]["type"] == "LineString"
    saved = json.loads((tmp_path / "criticality.json").read_text())
    assert saved["ranking"][0]["unmet_t_per_year"] == 1200.0
    assert (tmp_path / "criticality.csv").read_text().startswith("rank,rank_by_cost,elements")


def test_bad_input_is_one_line_and_exit_2(app: typer.Typer) -> None:
    code, _, err = invoke(app, "criticality", BASE, *MINI, "--objective", "fast")
    assert code == 2 and "unknown objective 'fast'" in err
    code, _, err = invoke(
        app, "reliability", BASE, *MINI, "--samples", "10", "--seed", "1",
        "--scheduler", "localhost", "--workers", "2",
    )  # fmt: skip
    assert code == 2 and "cannot be combined with --scheduler" in err and "tcp://HOST:PORT" in err


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def cluster(tmp_path: Path) -> Iterator[str]:
    """A scheduler and one worker process on 127.0.0.1, stopped afterwards."""
    address = f"tcp://127.0.0.1:{_free_port()}"
    port = address.rsplit(":", 1)[1]
    log = (tmp_path / "dask.log").open("w")
    common = {"stdout": log, "stderr": subprocess.STDOUT, "cwd": tmp_path, "env": dict(os.environ)}
    scheduler = subprocess.Popen(
        [BIN / "dask", "scheduler", "--host", "127.0.0.1", "--port", port, "--no-dashboard"],
        **common,
    )
    worker = subprocess.Popen(
        [BIN / "dask", "worker", address, "--nworkers", "1", "--nthreads", "1", "--no-dashboard"],
        **common,
    )
    try:
        from distributed import Client

        with Client(address, timeout="30s") as client:
            client.wait_for_workers(1, timeout=30)
        yield address
    finally:
        for process in (worker, scheduler):
            process.terminate()
        for process in (worker, scheduler):
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        log.close()


def test_reliability_on_a_running_cluster_matches_the_local_one(
    app: typer.Typer, cluster: str, tmp_path: Path
) -> None:
    started = time.perf_counter()
    params = tmp_path / "params.csv"
    params.write_text(PARAMS, encoding="utf-8")
    options = ["reliability", BASE, *MINI, "--samples", "300", "--seed", "5", "--format", "json"]
    options += ["--params", str(params)]
    code, remote, err = invoke(app, *options, "--scheduler", cluster, "--out", str(tmp_path / "r"))
    assert code == 0, err
    code, local, err = invoke(app, *options, "--workers", "1")
    assert code == 0, err
    assert json.loads(remote) == json.loads(local)
    assert (tmp_path / "r" / "manifest.json").is_file()
    assert (tmp_path / "r" / "reliability.csv").read_text().startswith("origin,destination")
    assert time.perf_counter() - started < 60


def test_analysis_options_are_named_as_flags_here_and_as_fields_in_python(
    app: typer.Typer, mini_atlas: object
) -> None:
    code, _, err = invoke(app, "criticality", BASE, *MINI, "--k", "3", "--top", "0")
    assert code == 2
    assert "--k: 3 is not supported" in err and "--top: 0 is out of range" in err
    from tripp.errors import InputError
    from tripp.resilience.criticality import criticality
    from tripp.scenarios.network import scenario_network

    with pytest.raises(InputError) as error:
        criticality(scenario_network(mini_atlas, BASE), k=3, top=0)  # type: ignore[arg-type]
    assert [p.where for p in error.value.problems] == ["k", "top"]
    assert "--" not in str(error.value)
