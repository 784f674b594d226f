"""Admission control for the heavy endpoints: ``/api/compare``, ``/api/exposure``,
``/api/energy`` and ``/api/appraise``.

A new answer of one of them costs about a second of CPU (PyPSA several). Computed on the
server's own threads it held the GIL from the event loop: four at once cut cached
``/api/route`` answers from ~16,900 to ~213 per second. :class:`Admission` therefore

* answers a cached result at once, whatever else runs;
* computes a new one in a small pool of *processes* (default; ``processes=False``: threads),
  each with its own :class:`~tripp.api.state.ApiState` (atlas and compiled scenarios, made
  on its first task) and a lower CPU priority (:data:`NICE`), so the event loop keeps the
  GIL and the CPU, and answers cached routes meanwhile;
* lets at most ``limits[kind]`` new answers of each kind compute at once, and answers the
  next one at once with 429, a ``Retry-After`` header and the problem shape, instead of
  queueing it without bound.

A computation is a module-level function ``compute(state, *args) -> bytes`` (the JSON
body), so that a process can run it; its :class:`~tripp.errors.TrippError` reaches the
endpoint as if it had been raised there (422 for bad input).

Background jobs of the same kinds (``POST /api/jobs`` with ``compare``, ``exposure``,
``energy``, or ``appraise`` without samples) go through the same slots and pool
(:meth:`Admission.compute_blocking`): the job's thread in the server only waits; a job
finding its kind full is not refused but waits for a slot (the job is accepted and stays
``running``, "waiting for a free ... process"), and its answer is cached as the endpoint's
would be.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import multiprocessing
import os
import threading
import time
from collections.abc import Callable, Hashable, Mapping
from concurrent.futures import (
    CancelledError,
    Executor,
    Future,
    ProcessPoolExecutor,
    ThreadPoolExecutor,
)
from concurrent.futures.process import BrokenProcessPool
from typing import Any

import anyio
from fastapi import Request, Response

from tripp.api.problems import ErrorModel, error_response
from tripp.api.routes_atlas import json_response
from tripp.api.state import ApiState, AtlasFolders
from tripp.errors import Problem, TrippError

logger = logging.getLogger(__name__)

#: New answers computed at once, per kind of heavy endpoint.
DEFAULT_LIMITS: Mapping[str, int] = {"compare": 1, "exposure": 1, "energy": 1, "appraise": 1}
#: What a refused client is told to wait before asking again, in seconds (about the time
#: one new answer takes).
RETRY_AFTER_S = 2

#: Niceness added to the pool processes: when the CPUs are busy, the server's own process
#: (cached answers, a few ms each) is scheduled before the long computations.
NICE = 10
#: How often a pool process checks that its server process is alive, in seconds: one whose
#: server was killed (SIGKILL, out of memory) exits instead of holding its memory forever.
ORPHAN_CHECK_S = 1.0

Compute = Callable[..., bytes]

#: The answers of a heavy endpoint when it is full, for its OpenAPI description.
BUSY: dict[int | str, dict[str, Any]] = {
    429: {"model": ErrorModel, "description": "Too many new answers at once; see Retry-After."},
    503: {"model": ErrorModel, "description": "The computing process stopped; see Retry-After."},
}


class Stopped(TrippError):
    """A job's computation did not run: the server stopped, or its process died."""

    def __init__(self, problem: Problem) -> None:
        super().__init__(problem.problem)
        self.problems = (problem,)


class Admission:
    """Per-kind concurrency limits and an executor off the event loop for heavy answers.

    ``state`` holds the results cache (and, with ``processes=False``, the networks the
    threads compute on). The event loop (:meth:`respond`) and the job threads
    (:meth:`compute_blocking`) share the counts under a lock.
    """

    def __init__(
        self,
        state: ApiState,
        *,
        limits: Mapping[str, int] = DEFAULT_LIMITS,
        processes: bool = True,
        retry_after_s: int = RETRY_AFTER_S,
    ) -> None:
        if any(limit < 1 for limit in limits.values()):
            raise ValueError(f"every limit must be at least 1: {dict(limits)}")
        self.state, self.limits, self.processes = state, dict(limits), processes
        self.retry_after_s = retry_after_s
        self.running = dict.fromkeys(self.limits, 0)
        self._executor: Executor | None = None
        self._lock = threading.Lock()
        self._freed = threading.Condition(self._lock)
        self._generation = 0  # counts shutdowns: a job waiting for a slot across one stops

    @property
    def workers(self) -> int:
        """Size of the pool: every kind at its limit, but no more processes than CPUs."""
        total = sum(self.limits.values())
        return total if not self.processes else max(1, min(total, os.cpu_count() or 1))

    async def respond(self, kind: str, key: Hashable, compute: Compute, *args: Any) -> Response:
        """The cached answer under ``key``, else ``compute(state, *args)`` run off the event
        loop if ``kind`` has a free slot (the answer is then cached), else 429."""
        if (body := self.state.results.peek(key)) is not None:
            return json_response(body)
        with self._lock:
            full = self.running[kind] >= self.limits[kind]
            if not full:
                self.running[kind] += 1
        if full:
            return self.busy(kind, f"{self.limits[kind]} new {kind} answers are being computed")
        try:
            body = await self._run(compute, args)
        except BrokenProcessPool:
            logger.error("a %s process died; starting a new pool", kind)
            self._drop_executor()
            why = f"the process computing {kind} answers stopped; a new one is starting"
            return self.busy(kind, why, status=503)
        finally:
            self._release(kind)
        return json_response(self.state.cached(key, lambda: body))

    def compute_blocking(
        self,
        kind: str,
        key: Hashable,
        compute: Compute,
        *args: Any,
        waiting: Callable[[], None] = lambda: None,
        computing: Callable[[], None] = lambda: None,
    ) -> tuple[bytes, int | None]:
        """For a job's thread: the cached answer under ``key``, else ``compute(state,
        *args)`` run in the pool once ``kind`` has a free slot (waiting for one, without
        bound, if it is full; ``waiting()`` is called first then, ``computing()`` once
        admitted). Returns the body and the id of the process that computed it (None: the
        cache's answer; with ``processes=False``, this process's). Raises :class:`Stopped`
        if the server stops meanwhile or the process dies."""
        if (body := self.state.results.peek(key)) is not None:
            return body, None
        with self._freed:
            generation = self._generation
            if self.running[kind] >= self.limits[kind]:
                waiting()
            while self.running[kind] >= self.limits[kind]:
                self._freed.wait()
                if self._generation != generation:
                    raise Stopped(Problem(kind, "the server stopped first", "submit it again"))
            self.running[kind] += 1
        try:
            computing()
            future = self._submit(compute, args)
            try:
                pid, body = future.result()
            except BrokenProcessPool:
                logger.error("a %s process died; starting a new pool", kind)
                self._drop_executor()
                problem = Problem(kind, "the process computing it stopped", "submit it again")
                raise Stopped(problem) from None
            except CancelledError:
                problem = Problem(kind, "the server stopped first", "submit it again")
                raise Stopped(problem) from None
        finally:
            self._release(kind)
        return self.state.cached(key, lambda: body), pid

    def _release(self, kind: str) -> None:
        with self._freed:
            self.running[kind] -= 1
            self._freed.notify_all()

    def busy(self, kind: str, why: str, *, status: int = 429) -> Response:
        """``status`` (429: too many, 503: unavailable) with ``Retry-After`` and the
        problem shape."""
        problem = Problem(
            kind,
            why,
            f"retry in {self.retry_after_s} s; answers already computed are served at once",
        )
        detail = f"too many new {kind} requests at once" if status == 429 else why
        response = error_response(status, detail, [problem])
        response.headers["Retry-After"] = str(self.retry_after_s)
        return response

    async def _run(self, compute: Compute, args: tuple[Any, ...]) -> bytes:
        future = self._submit(compute, args)
        # once admitted, an answer is finished and cached even if its client gives up
        # (a cancelled wait would free the slot while the pool still computes)
        with anyio.CancelScope(shield=True):
            _, body = await asyncio.wrap_future(future)
        return body

    def _submit(self, compute: Compute, args: tuple[Any, ...]) -> Future[tuple[int, bytes]]:
        """``compute(state, *args)`` in the pool; the future's value is ``(pid, body)``."""
        with self._lock:
            if self._executor is None:
                self._executor = self._start()
            executor = self._executor
        if self.processes:
            return executor.submit(_in_process, self.state.atlas_folder, compute, *args)
        return executor.submit(_here, self.state, compute, *args)

    def _start(self) -> Executor:
        if self.processes:
            # spawn, not fork: the server has threads (a forked child could inherit a held lock)
            context = multiprocessing.get_context("spawn")
            return ProcessPoolExecutor(
                self.workers,
                mp_context=context,
                initializer=_init_process,
                initargs=(os.getpid(),),
            )
        return ThreadPoolExecutor(self.workers, thread_name_prefix="tripp-heavy")

    def _drop_executor(self, *, wait: bool = False) -> None:
        with self._lock:
            executor, self._executor = self._executor, None
        if executor is not None:
            executor.shutdown(wait=wait, cancel_futures=True)

    def shutdown(self) -> None:
        """Stop the pool once the answers in progress are done (a later request starts a
        new one); jobs still waiting for a slot stop (:class:`Stopped`)."""
        with self._freed:
            self._generation += 1
            self._freed.notify_all()
        self._drop_executor(wait=True)


def admission_of(request: Request) -> Admission:
    """The app's :class:`Admission`."""
    admission: Admission = request.app.state.admission
    return admission


def _init_process(server_pid: int) -> None:
    """A new pool process: a lower priority (:data:`NICE`) and a watch on its server
    (``server_pid``), which it outlives by at most :data:`ORPHAN_CHECK_S` seconds."""
    os.nice(NICE)

    def watch() -> None:
        while os.getppid() == server_pid:
            time.sleep(ORPHAN_CHECK_S)
        os._exit(1)  # the server died: its answers have no one to go to

    threading.Thread(target=watch, name="tripp-orphan-watch", daemon=True).start()


def _in_process(folder: AtlasFolders, compute: Compute, *args: Any) -> tuple[int, bytes]:
    """Run ``compute`` in a pool process on that process's own state; with its pid."""
    return os.getpid(), compute(_process_state(folder), *args)


def _here(state: ApiState, compute: Compute, *args: Any) -> tuple[int, bytes]:
    """Run ``compute`` on a thread of this process (``processes=False``); with its pid."""
    return os.getpid(), compute(state, *args)


@functools.cache
def _process_state(folder: AtlasFolders) -> ApiState:
    """The state of a pool process (the atlas in ``folder``): one per process, kept for its
    life, its caches bounded as the server's are."""
    return ApiState(atlas_folder=folder)
