"""Jobs of several server processes: managers sharing a state folder answer about each
other's."""

from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import Any

from tripp.api.jobs import Job, JobManager, Progress


def _wait(manager: JobManager, job_id: str, status: str) -> Job:
    deadline = time.monotonic() + 10
    while True:
        job = manager.get(job_id)
        if job is not None and job.status == status:
            return job
        assert time.monotonic() < deadline, f"job {job_id} never reached {status}: {job}"
        time.sleep(0.01)


def test_a_job_run_by_one_manager_is_seen_by_another(tmp_path: Path) -> None:
    running, reader = JobManager(tmp_path), JobManager(tmp_path)
    release = threading.Event()

    def runner(progress: Progress) -> dict[str, Any]:
        progress(0.5, "half way")
        release.wait(10)
        return {"answer": 42}

    job = running.submit("compare", {"a": "x"}, runner)
    seen = _wait(reader, job.id, "running")
    assert seen.kind == "compare" and seen.params == {"a": "x"} and seen.result is None
    release.set()
    done = _wait(reader, job.id, "succeeded")
    assert done.result == {"answer": 42} and done.progress == 1.0 and done.finished_s
    assert [j.id for j in reader.list()] == [job.id]
    running.shutdown()


def test_failures_unknown_ids_and_paths_are_not_found_or_reported(tmp_path: Path) -> None:
    running, reader = JobManager(tmp_path), JobManager(tmp_path)

    def broken(progress: Progress) -> dict[str, Any]:
        raise RuntimeError("boom")

    failed = _wait(reader, running.submit("energy", {}, broken).id, "failed")
    assert failed.error is not None and failed.error["detail"] == "internal error: RuntimeError"
    for job_id in ("0" * 32, "../outside", "outside", "a" * 64, failed.id.upper(), "' OR 1"):
        assert reader.get(job_id) is None
    assert JobManager().get(failed.id) is None  # no state folder: only its own jobs
    running.shutdown()


def test_trimmed_jobs_leave_the_shared_store(tmp_path: Path) -> None:
    manager = JobManager(tmp_path, keep=2)
    ids = []
    for n in range(4):
        ids.append(manager.submit("compare", {"n": n}, lambda progress: {}).id)
        _wait(manager, ids[-1], "succeeded")
    manager.submit("compare", {"n": 4}, lambda progress: {})  # trims the oldest finished
    assert all(JobManager(tmp_path).get(job_id) is None for job_id in ids[:2])
    assert len(JobManager(tmp_path, keep=2).list()) == 2
    manager.shutdown()
