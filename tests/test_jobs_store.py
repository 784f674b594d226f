"""Jobs in the SQLite store of a state folder: finished jobs survive a restart, a job whose
process died or stopped beating is failed within seconds with the reason, storage is
bounded, and ``tripp serve --state-dir`` refuses a folder it cannot write."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
import warnings
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from tripp.api import create_app
from tripp.api.jobs import Job, JobManager, Progress
from tripp.api.jobstore import DB_NAME, default_state_dir, open_state_dir
from tripp.cli.main import app as cli
from tripp.errors import InputError

with warnings.catch_warnings():  # starlette's note that it prefers httpx2
    warnings.simplefilter("ignore", DeprecationWarning)
    from fastapi.testclient import TestClient

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


def _until(manager: JobManager, job_id: str, statuses: set[str], within_s: float = 10) -> Job:
    deadline = time.monotonic() + within_s
    while True:
        job = manager.get(job_id)
        if job is not None and job.status in statuses:
            return job
        assert time.monotonic() < deadline, f"job {job_id} never reached {statuses}: {job}"
        time.sleep(0.02)


def test_finished_jobs_survive_a_restart_of_the_server(tmp_path: Path) -> None:
    with TestClient(create_app(jobs=JobManager(tmp_path))) as client:
        started = client.post("/api/jobs", json={"kind": "exposure", "scenario": "aras-2030"})
        assert started.status_code == 202, started.text
        job_id = started.json()["id"]
        deadline = time.monotonic() + 60
        while (job := client.get(f"/api/jobs/{job_id}").json())["status"] in {"queued", "running"}:
            assert time.monotonic() < deadline
            time.sleep(0.1)
        assert job["status"] == "succeeded", job["error"]
    with TestClient(create_app(jobs=JobManager(tmp_path))) as restarted:
        again = restarted.get(f"/api/jobs/{job_id}")
        assert again.status_code == 200 and again.json() == job
        (listed,) = restarted.get("/api/jobs").json()
        assert listed["id"] == job_id and listed["result"] is None  # lists leave results out


# a process that runs one job (forever) and queues another, then waits to be killed
_DOOMED = """
import sys, threading
from pathlib import Path
from tripp.api.jobs import JobManager
manager = JobManager(Path(sys.argv[1]), max_workers=1)
hang = threading.Event()
running = manager.submit("criticality", {}, lambda progress: hang.wait(600) or {})
queued = manager.submit("exposure", {}, lambda progress: {})
print(running.id, queued.id, flush=True)
hang.wait(600)
"""


def test_jobs_of_a_killed_process_fail_within_seconds_saying_so(tmp_path: Path) -> None:
    doomed = subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(_DOOMED), str(tmp_path)],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert doomed.stdout is not None
        running_id, queued_id = doomed.stdout.readline().split()
        reader = JobManager(tmp_path)
        _until(reader, running_id, {"running"})
        assert reader.get(queued_id).status == "queued"  # type: ignore[union-attr]
    finally:
        doomed.send_signal(signal.SIGKILL)
        doomed.wait(10)
    killed_s = time.monotonic()
    for job_id in (running_id, queued_id):
        job = _until(reader, job_id, {"failed"}, within_s=5)
        assert job.error is not None and job.finished_s is not None
        (problem,) = job.error["problems"]
        assert f"pid {doomed.pid}" in problem["problem"] and "stopped" in problem["problem"]
        assert "submit" in problem["fix"] and "stopped" in job.message
    assert time.monotonic() - killed_s < 5
    assert {j.status for j in reader.list()} == {"failed"}


def test_a_job_whose_heartbeat_stops_is_failed(tmp_path: Path) -> None:
    beating = JobManager(tmp_path, stale_after_s=0.5)
    job = beating.submit("exposure", {}, lambda progress: {})
    _until(beating, job.id, {"succeeded"})
    with sqlite3.connect(tmp_path / DB_NAME) as db:  # a job of this (live) process, silent
        db.execute(
            "UPDATE jobs SET status = 'running', finished_s = NULL, heartbeat_s = ? WHERE id = ?",
            (time.time() - 1, job.id),
        )
    stale = _until(JobManager(tmp_path, stale_after_s=0.5), job.id, {"failed"}, within_s=3)
    assert stale.error is not None and "no heartbeat" in stale.error["problems"][0]["problem"]
    beating.shutdown()


def test_a_swept_job_keeps_its_failure_when_its_run_ends(tmp_path: Path) -> None:
    manager = JobManager(tmp_path)
    release = []

    def slow(progress: Progress) -> dict[str, Any]:
        while not release:
            time.sleep(0.01)
        return {"late": True}

    job = manager.submit("exposure", {}, slow)
    _until(manager, job.id, {"running"})
    with sqlite3.connect(tmp_path / DB_NAME) as db:  # as a sweep would, seeing it silent
        db.execute("UPDATE jobs SET status = 'failed' WHERE id = ?", (job.id,))
    release.append(True)
    time.sleep(0.3)
    assert manager.get(job.id).result is None  # type: ignore[union-attr]
    manager.shutdown()


def test_storage_is_bounded_by_count_and_age(tmp_path: Path) -> None:
    manager = JobManager(tmp_path, keep=3, max_age_s=3600)
    ids = []
    for n in range(5):
        ids.append(manager.submit("compare", {"n": n}, lambda progress: {"n": 1}).id)
        _until(manager, ids[-1], {"succeeded"})
    with sqlite3.connect(tmp_path / DB_NAME) as db:
        kept = {row[0] for row in db.execute("SELECT id FROM jobs")}
        assert kept == set(ids[-3:])
        db.execute("UPDATE jobs SET finished_s = finished_s - 7200 WHERE id = ?", (ids[-1],))
    last = manager.submit("compare", {}, lambda progress: {}).id  # prunes on every new job
    assert ids[-1] not in {j.id for j in manager.list()}
    assert manager.list()[0].id == last
    manager.shutdown()


def test_a_cancelled_queued_job_fails_with_the_reason_at_shutdown(tmp_path: Path) -> None:
    manager = JobManager(tmp_path, paused=True)
    job = manager.submit("energy", {}, lambda progress: {})
    manager.shutdown()
    failed = JobManager(tmp_path).get(job.id)
    assert failed is not None and failed.status == "failed"
    assert failed.error is not None and "submit" in failed.error["problems"][0]["fix"]


def test_the_state_folder_defaults_to_the_user_data_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    assert default_state_dir() == tmp_path / "data" / "tripp"
    monkeypatch.delenv("XDG_DATA_HOME")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert default_state_dir() == tmp_path / "home" / ".local" / "share" / "tripp"
    made = open_state_dir(tmp_path / "home" / "new" / "tripp")
    assert made.is_dir() and not list(made.iterdir())


def test_an_unwritable_state_folder_is_refused_with_the_reason(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    with pytest.raises(InputError, match=r"state_dir: cannot write to .*file/tripp"):
        open_state_dir(blocker / "tripp")
    result = CliRunner().invoke(cli, ["serve", "--state-dir", str(blocker / "tripp")])
    assert result.exit_code == 2
    assert "error: --state-dir: cannot write to" in result.output
    assert "give a folder you can write to" in result.output
    if os.geteuid() != 0:  # root writes anywhere
        locked = tmp_path / "locked"
        locked.mkdir(mode=0o500)
        with pytest.raises(InputError, match="cannot write to"):
            open_state_dir(locked)
