"""The resilience commands as a user runs them: no Dask log lines or tracebacks on stderr
(``--verbose`` shows them), Ctrl-C prints the command that resumes a sweep, and
``--resume DIR`` alone continues it with the options its manifest keeps."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tests.test_resilience_reliability import PARAMS
from tripp.cli.main import app

FIXTURES = Path(__file__).parent / "fixtures"
MINI = ["--atlas", str(FIXTURES / "mini")]
BASE = str(FIXTURES / "scenarios" / "base.toml")
TRIPP = [sys.executable, "-c", "from tripp.cli.main import main; main()"]


@pytest.fixture
def params(tmp_path: Path) -> str:
    file = tmp_path / "params.csv"
    file.write_text(PARAMS, encoding="utf-8")
    return str(file)


def tripp(*args: str, cwd: Path, timeout_s: float = 120) -> subprocess.CompletedProcess[str]:
    """The console script in a fresh process, as a user's shell runs it."""
    return subprocess.run(
        [*TRIPP, *args], capture_output=True, text=True, cwd=cwd, timeout=timeout_s, check=False
    )


def test_a_run_prints_no_dask_log_line_and_no_traceback(params: str, tmp_path: Path) -> None:
    options = ["reliability", BASE, *MINI, "--params", params, "--samples", "300", "--seed", "1"]
    quiet = tripp(*options, "--workers", "1", "--format", "json", cwd=tmp_path)
    assert quiet.returncode == 0, quiet.stderr
    assert json.loads(quiet.stdout)["spec"]["samples"] == 300
    assert "distributed" not in quiet.stderr and "Traceback" not in quiet.stderr
    assert "INFO" not in quiet.stderr and "Warning" not in quiet.stderr
    critical = tripp("criticality", BASE, *MINI, "--workers", "1", "--format", "json", cwd=tmp_path)
    assert critical.returncode == 0, critical.stderr
    assert critical.stderr.strip() == "" and "Traceback" not in critical.stderr
    verbose = tripp(*options, "--workers", "1", "--verbose", cwd=tmp_path)
    assert verbose.returncode == 0, verbose.stderr
    assert "INFO distributed.scheduler:" in verbose.stderr
    assert "Traceback" not in verbose.stderr  # the comm closed at shutdown: one line only


def _sweep(tmp_path: Path, params: str, *extra: str) -> tuple[int, str, str]:
    args = [
        "reliability", BASE, *MINI, "--params", params, "--samples", "1000", "--seed", "42",
        "--objective", "time", "--workers", "1", "--format", "json", *extra,
    ]  # fmt: skip
    result = CliRunner().invoke(app, args)
    return result.exit_code, result.stdout, result.stderr


def test_resume_takes_every_option_from_the_manifest(params: str, tmp_path: Path) -> None:
    code, whole, err = _sweep(tmp_path, params)
    assert code == 0, err
    folder = tmp_path / "sweep"
    code, _, err = _sweep(tmp_path, params, "--out", str(folder))
    assert code == 0, err
    chunks = sorted((folder / "chunks").iterdir())
    for chunk in chunks[1:3]:  # as if the run had stopped before these two
        chunk.unlink()
    (folder / "reliability.json").unlink()

    resumed = CliRunner().invoke(
        app, ["reliability", "--resume", str(folder), "--workers", "1", "--format", "json"]
    )
    assert resumed.exit_code == 0, resumed.stderr
    assert json.loads(resumed.stdout) == json.loads(whole)
    assert len(list((folder / "chunks").iterdir())) == len(chunks) == 4
    assert json.loads((folder / "reliability.json").read_text()) == json.loads(whole)

    same = CliRunner().invoke(
        app, ["reliability", BASE, "--resume", str(folder), "--seed", "42", "--workers", "1"]
    )
    assert same.exit_code == 0, same.stderr  # repeating a kept option is fine
    other = CliRunner().invoke(
        app, ["reliability", "--resume", str(folder), "--seed", "7", "--objective", "cost"]
    )
    assert other.exit_code == 2
    assert f"--seed: 7 differs from 42, which the sweep in {folder} was started with" in (
        other.stderr
    )
    assert "--objective: 'cost' differs from 'time'" in other.stderr
    assert "fix: drop the option: --resume continues the sweep" in other.stderr


def test_a_new_sweep_still_needs_scenario_samples_and_seed(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["reliability", *MINI, "--samples", "10"])
    assert result.exit_code == 2
    assert "SCENARIO: is required" in result.stderr and "--seed: is required" in result.stderr
    result = CliRunner().invoke(app, ["reliability", "--resume", str(tmp_path)])
    assert result.exit_code == 2 and "holds no sweep to resume" in result.stderr


def test_ctrl_c_exits_130_and_prints_the_command_that_resumes(params: str, tmp_path: Path) -> None:
    folder = tmp_path / "sweep"
    command = [
        *TRIPP, "reliability", BASE, *MINI, "--params", params, "--samples", "500000",
        "--seed", "1", "--workers", "1", "--out", "sweep",
    ]  # fmt: skip
    process = subprocess.Popen(
        command,
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,  # its own process group, as a terminal's Ctrl-C reaches it
    )
    try:
        deadline = time.monotonic() + 90
        while not any((folder / "chunks").glob("*.npz")) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert any((folder / "chunks").glob("*.npz")), "no chunk written in 90 s"
        os.killpg(process.pid, signal.SIGINT)
        _, err = process.communicate(timeout=60)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
    assert process.returncode == 130, err
    assert "samples are saved in sweep; resume with:\n  tripp reliability --resume sweep" in err
    assert err.rstrip().endswith("tripp reliability --resume sweep --workers 1")
    assert "Traceback" not in err and "distributed" not in err
    manifest = json.loads((folder / "manifest.json").read_text())
    assert manifest["options"]["samples"] == 500000
    assert manifest["options"]["scenario"] == str(Path(BASE).resolve())
