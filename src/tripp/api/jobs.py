"""Long runs as jobs: ``POST /api/jobs`` starts one, ``GET /api/jobs/{id}`` reports it.

A bounded thread pool runs them (2 workers, 8 waiting at most: the 9th is refused with 429).
A job reports progress as a fraction and a message through a callback, and ends
``succeeded`` with its result or ``failed`` with the problems.

Every job's state lives in the store of a state folder (:mod:`tripp.api.jobstore`, SQLite),
written on every change of status and at most every :data:`PUBLISH_EVERY_S` of progress:
``tripp serve --workers N`` runs N processes behind one port, a client's next request may
reach another process than the one running its job, and each answers from the store; a
restarted server still knows the jobs finished before. While a manager has unfinished jobs
it refreshes their heartbeat every :data:`HEARTBEAT_S` and sweeps the store, failing the
jobs of processes that died (:meth:`JobStore.sweep`); so does every read, at most every
:data:`SWEEP_EVERY_S`. Without a state folder, a manager keeps its store in a temporary
folder of its own.
"""

from __future__ import annotations

import logging
import re
import tempfile
import threading
import time
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from tripp.api.jobstore import DB_NAME, Job, JobStore
from tripp.errors import Problem, TrippError

__all__ = ["Job", "JobManager", "JobsFull", "Progress", "Runner"]

logger = logging.getLogger(__name__)

#: ``progress(fraction, message)``: fraction in [0, 1].
Progress = Callable[[float, str], None]
Runner = Callable[[Progress], dict[str, Any]]

#: How often, at most, a running job's progress is written to the store, in seconds.
PUBLISH_EVERY_S = 0.25
#: How often a manager with unfinished jobs refreshes their heartbeat, in seconds.
HEARTBEAT_S = 1.0
#: A job whose heartbeat is older than this is failed by the next sweep, in seconds.
STALE_AFTER_S = 6.0
#: How often, at most, reads sweep the store for jobs of dead processes, in seconds.
SWEEP_EVERY_S = 1.0
#: Finished jobs kept: the newest this many ...
KEEP_JOBS = 64
#: ... finished less than this long ago (7 days), in seconds.
KEEP_AGE_S = 7 * 24 * 3600.0
_JOB_ID = re.compile(r"[0-9a-f]{32}")


class JobsFull(Exception):
    """Too many jobs are waiting."""


class JobManager:
    """Runs jobs on a bounded pool; keeps their state in the store of ``state_dir``.

    ``keep`` and ``max_age_s`` bound the finished jobs kept; ``stale_after_s`` is how long
    a job's heartbeat may be silent before a sweep fails it.
    """

    def __init__(
        self,
        state_dir: Path | None = None,
        *,
        max_workers: int = 2,
        max_pending: int = 8,
        keep: int = KEEP_JOBS,
        max_age_s: float = KEEP_AGE_S,
        stale_after_s: float = STALE_AFTER_S,
        paused: bool = False,
    ) -> None:
        self.state_dir = state_dir
        self.max_workers = max_workers
        self.max_pending = max_pending
        self.keep, self.max_age_s, self.stale_after_s = keep, max_age_s, stale_after_s
        self.paused = paused  # accept and queue jobs but start none (for API tests)
        self.owner = uuid.uuid4().hex  # this manager, in the store
        self._pool: ThreadPoolExecutor | None = None
        self._lock = threading.Lock()
        self._opened: JobStore | None = None
        self._temporary: tempfile.TemporaryDirectory[str] | None = None
        self._heart: threading.Thread | None = None
        self._swept_s = -SWEEP_EVERY_S

    @property
    def store(self) -> JobStore:
        """The store, opened on first use (a temporary folder's without ``state_dir``)."""
        with self._lock:
            if self._opened is None:
                folder = self.state_dir
                if folder is None:
                    self._temporary = tempfile.TemporaryDirectory(prefix="tripp-jobs-")
                    folder = Path(self._temporary.name)
                self._opened = JobStore(
                    folder / DB_NAME,
                    keep=self.keep,
                    max_age_s=self.max_age_s,
                    stale_after_s=self.stale_after_s,
                )
            return self._opened

    def submit(self, kind: str, params: dict[str, Any], runner: Runner) -> Job:
        """Queue ``runner``; raises :class:`JobsFull` when too many are waiting or running."""
        store = self.store
        with self._lock:
            if store.active(self.owner) >= self.max_pending:
                raise JobsFull
            job = Job(uuid.uuid4().hex, kind, params)
            store.add(job, self.owner)
            if self._heart is None:
                self._heart = threading.Thread(
                    target=self._beat, name="tripp-job-heartbeat", daemon=True
                )
                self._heart.start()
            if self.paused:
                return job
            if self._pool is None:  # first job, or the first after a shutdown
                self._pool = ThreadPoolExecutor(self.max_workers, thread_name_prefix="tripp-job")
            self._pool.submit(self._run, job, runner)
        return job

    def get(self, job_id: str) -> Job | None:
        """The job ``job_id`` of any process sharing the store, if still kept."""
        if not _JOB_ID.fullmatch(job_id):
            return None
        self._sweep()
        return self.store.get(job_id)

    def list(self) -> list[Job]:
        """The ``keep`` newest jobs of every process sharing the store, without results."""
        self._sweep()
        return self.store.newest(self.keep)

    def shutdown(self) -> None:
        """Cancel the jobs not started (they fail, saying so); a later job starts a new
        pool. Running jobs finish."""
        with self._lock:
            pool, self._pool, opened = self._pool, None, self._opened
        if pool is not None:
            pool.shutdown(wait=False, cancel_futures=True)
        if opened is not None:
            opened.cancel_queued(self.owner)

    def _sweep(self) -> None:
        """Fail the jobs of dead processes, at most every :data:`SWEEP_EVERY_S`."""
        now = time.monotonic()
        with self._lock:
            if now - self._swept_s < SWEEP_EVERY_S:
                return
            self._swept_s = now
        if swept := self.store.sweep():
            logger.warning("%d job(s) of stopped server workers marked failed", swept)

    def _beat(self) -> None:
        """Keep this manager's unfinished jobs alive in the store; end when it has none."""
        store = self.store
        while True:
            time.sleep(HEARTBEAT_S)
            with self._lock:
                if store.beat(self.owner) == 0:
                    self._heart = None
                    return
            self._sweep()

    def _run(self, job: Job, runner: Runner) -> None:
        store, published_s = self.store, 0.0

        def progress(fraction: float, message: str) -> None:
            nonlocal published_s
            job.progress = min(max(float(fraction), 0.0), 1.0)
            job.message = message
            if time.monotonic() - published_s >= PUBLISH_EVERY_S:
                published_s = time.monotonic()
                store.save(job, self.owner)

        job.status, job.started_s, job.message = "running", time.time(), "running"
        if not store.save(job, self.owner, was=("queued",)):
            return  # cancelled or swept before it started
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
        job.finished_s = time.time()
        if not store.save(job, self.owner):
            logger.warning("job %s ended after it was failed as stopped; result dropped", job.id)
