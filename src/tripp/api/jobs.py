"""Long runs as jobs: ``POST /api/jobs`` starts one, ``GET /api/jobs/{id}`` reports it.

A bounded thread pool runs them (2 workers, 8 waiting at most: the 9th is refused with 429);
the 64 most recent jobs are kept. A job reports progress as a fraction and a message through
a callback, and ends ``succeeded`` with its result or ``failed`` with the problems.

``tripp serve --workers N`` runs N processes behind one port, and a client's next request
may reach another process than the one running its job. Their managers then share a
folder: each writes the state of its jobs there as ``<id>.json`` (atomically, on every
change of status and at most every :data:`PUBLISH_EVERY_S` of progress), and a manager asked
for a job it does not run reads it from there.
"""

from __future__ import annotations

import json
import logging
import re
import threading
import time
import uuid
from collections import OrderedDict
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tripp.errors import Problem, TrippError
from tripp.reporting.atomic import atomic_path

logger = logging.getLogger(__name__)

#: ``progress(fraction, message)``: fraction in [0, 1].
Progress = Callable[[float, str], None]
Runner = Callable[[Progress], dict[str, Any]]

#: How often, at most, a running job's progress is written to the shared folder.
PUBLISH_EVERY_S = 0.25
_JOB_ID = re.compile(r"[0-9a-f]{32}")


@dataclass
class Job:
    """One run: its request, state and, when done, result or error."""

    id: str
    kind: str
    params: dict[str, Any]
    status: str = "queued"  # queued, running, succeeded, failed
    progress: float = 0.0
    message: str = "waiting for a worker"
    created_s: float = field(default_factory=time.time)
    started_s: float | None = None
    finished_s: float | None = None
    result: dict[str, Any] | None = None
    error: dict[str, Any] | None = None

    def to_dict(self, *, with_result: bool = True) -> dict[str, Any]:
        """JSON-ready status (with the result once it succeeded, unless left out)."""
        data = {
            "id": self.id,
            "kind": self.kind,
            "params": self.params,
            "status": self.status,
            "progress": round(self.progress, 4),
            "message": self.message,
            "created_s": self.created_s,
            "started_s": self.started_s,
            "finished_s": self.finished_s,
            "error": self.error,
        }
        if with_result:
            data["result"] = self.result
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Job:
        """The job that :meth:`to_dict` (with its result) described."""
        return cls(**data)


class JobsFull(Exception):
    """Too many jobs are waiting."""


class JobManager:
    """Runs jobs on a bounded pool and keeps the most recent ones."""

    def __init__(
        self,
        *,
        max_workers: int = 2,
        max_pending: int = 8,
        keep: int = 64,
        paused: bool = False,
        shared: Path | None = None,
    ) -> None:
        self._pool: ThreadPoolExecutor | None = None
        self.max_workers = max_workers
        self._jobs: OrderedDict[str, Job] = OrderedDict()
        self._lock = threading.Lock()
        self.max_pending = max_pending
        self.keep = keep
        self.paused = paused  # accept and queue jobs but start none (for API tests)
        self.shared = shared  # the folder shared with the other server processes, if any

    def submit(self, kind: str, params: dict[str, Any], runner: Runner) -> Job:
        """Queue ``runner``; raises :class:`JobsFull` when too many are waiting or running."""
        with self._lock:
            active = sum(j.status in {"queued", "running"} for j in self._jobs.values())
            if active >= self.max_pending:
                raise JobsFull
            job = Job(uuid.uuid4().hex, kind, params)
            self._jobs[job.id] = job
            self._trim()
            self._publish(job)
            if self.paused:
                return job
            if self._pool is None:  # first job, or the first after a shutdown
                self._pool = ThreadPoolExecutor(self.max_workers, thread_name_prefix="tripp-job")
            self._pool.submit(self._run, job, runner)
        return job

    def get(self, job_id: str) -> Job | None:
        """The job ``job_id``, if still kept here or by another process sharing the folder."""
        with self._lock:
            job = self._jobs.get(job_id)
        if job is None and self.shared is not None and _JOB_ID.fullmatch(job_id):
            job = _read(self.shared / f"{job_id}.json")
        return job

    def list(self) -> list[Job]:
        """Kept jobs, newest first (with a shared folder: of every process, at most
        ``keep``)."""
        with self._lock:
            jobs = {job.id: job for job in self._jobs.values()}
        if self.shared is not None:
            for file in self.shared.glob("*.json"):
                if file.stem not in jobs and (job := _read(file)) is not None:
                    jobs[job.id] = job
        newest = sorted(jobs.values(), key=lambda job: job.created_s, reverse=True)
        return newest[: self.keep]

    def shutdown(self) -> None:
        """Cancel the jobs not started; a later job starts a new pool."""
        with self._lock:
            pool, self._pool = self._pool, None
        if pool is not None:
            pool.shutdown(wait=False, cancel_futures=True)

    def _trim(self) -> None:
        finished = [k for k, j in self._jobs.items() if j.status in {"succeeded", "failed"}]
        while len(self._jobs) > self.keep and finished:
            dropped = self._jobs.pop(finished.pop(0))
            if self.shared is not None:
                (self.shared / f"{dropped.id}.json").unlink(missing_ok=True)

    def _publish(self, job: Job) -> None:
        """Write ``job``'s state to the shared folder, if there is one."""
        if self.shared is None:
            return
        target = self.shared / f"{job.id}.json"
        with atomic_path(target) as temporary:
            temporary.write_text(json.dumps(job.to_dict()), encoding="utf-8")

    def _run(self, job: Job, runner: Runner) -> None:
        published_s = 0.0

        def progress(fraction: float, message: str) -> None:
            nonlocal published_s
            job.progress = min(max(float(fraction), 0.0), 1.0)
            job.message = message
            if time.monotonic() - published_s >= PUBLISH_EVERY_S:
                published_s = time.monotonic()
                self._publish(job)

        job.status, job.started_s, job.message = "running", time.time(), "running"
        self._publish(job)
        try:
            result = runner(progress)
        except TrippError as error:
            problems = getattr(error, "problems", ()) or (
                Problem(job.kind, str(error), "change the job's parameters"),
            )
            job.error = {"detail": str(error), "problems": [p.to_dict() for p in problems]}
            job.status, job.message = "failed", str(error)
        except Exception as error:  # a bug: report it on the job, keep the server up
            logger.exception("job %s (%s) crashed", job.id, job.kind)
            job.error = {
                "detail": f"internal error: {type(error).__name__}",
                "problems": [
                    Problem(job.kind, f"crashed: {error}", "report this as a bug").to_dict()
                ],
            }
            job.status, job.message = "failed", "internal error"
        else:
            job.result, job.progress = result, 1.0
            job.status, job.message = "succeeded", "done"
        finally:
            job.finished_s = time.time()
            self._publish(job)


def _read(file: Path) -> Job | None:
    """The job another process wrote to ``file`` (None once it is gone)."""
    try:
        return Job.from_dict(json.loads(file.read_text(encoding="utf-8")))
    except FileNotFoundError:
        return None
