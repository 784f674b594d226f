"""Admission control for the heavy endpoints: ``/api/compare``, ``/api/exposure``, ``/api/energy``.

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
endpoint as if it had been raised there (422 for bad input). Background jobs keep their own
bounded pool (:mod:`tripp.api.jobs`).
"""

from __future__ import annotations

import asyncio
import functools
import logging
import multiprocessing
import os
from collections.abc import Callable, Hashable, Mapping
from concurrent.futures import Executor, ProcessPoolExecutor, ThreadPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from typing import Any

import anyio
from fastapi import Request, Response

from tripp.api.problems import ErrorModel, error_response
from tripp.api.routes_atlas import json_response
from tripp.api.state import ApiState
from tripp.errors import Problem

logger = logging.getLogger(__name__)

#: New answers computed at once, per kind of heavy endpoint.
DEFAULT_LIMITS: Mapping[str, int] = {"compare": 1, "exposure": 1, "energy": 1}
#: What a refused client is told to wait before asking again, in seconds (about the time
#: one new answer takes).
RETRY_AFTER_S = 2

#: Niceness added to the pool processes: when the CPUs are busy, the server's own process
#: (cached answers, a few ms each) is scheduled before the long computations.
NICE = 10

Compute = Callable[..., bytes]

#: The answers of a heavy endpoint when it is full, for its OpenAPI description.
BUSY: dict[int | str, dict[str, Any]] = {
    429: {"model": ErrorModel, "description": "Too many new answers at once; see Retry-After."},
    503: {"model": ErrorModel, "description": "The computing process stopped; see Retry-After."},
}


class Admission:
    """Per-kind concurrency limits and an executor off the event loop for heavy answers.

    ``state`` holds the results cache (and, with ``processes=False``, the networks the
    threads compute on). Only the event loop calls :meth:`respond`, so the counts need no
    lock.
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
        if self.running[kind] >= self.limits[kind]:
            return self.busy(kind, f"{self.limits[kind]} new {kind} answers are being computed")
        self.running[kind] += 1
        try:
            body = await self._run(compute, args)
        except BrokenProcessPool:
            logger.error("a %s process died; starting a new pool", kind)
            self._drop_executor()
            why = f"the process computing {kind} answers stopped; a new one is starting"
            return self.busy(kind, why, status=503)
        finally:
            self.running[kind] -= 1
        return json_response(self.state.cached(key, lambda: body))

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
        executor = self._executor or self._start()
        if self.processes:
            future = executor.submit(_in_process, self.state.atlas_folder, compute, *args)
        else:
            future = executor.submit(compute, self.state, *args)
        # once admitted, an answer is finished and cached even if its client gives up
        # (a cancelled wait would free the slot while the pool still computes)
        with anyio.CancelScope(shield=True):
            body: bytes = await asyncio.wrap_future(future)
        return body

    def _start(self) -> Executor:
        if self.processes:
            # spawn, not fork: the server has threads (a forked child could inherit a held lock)
            context = multiprocessing.get_context("spawn")
            self._executor = ProcessPoolExecutor(
                self.workers, mp_context=context, initializer=os.nice, initargs=(NICE,)
            )
        else:
            self._executor = ThreadPoolExecutor(self.workers, thread_name_prefix="tripp-heavy")
        return self._executor

    def _drop_executor(self, *, wait: bool = False) -> None:
        executor, self._executor = self._executor, None
        if executor is not None:
            executor.shutdown(wait=wait, cancel_futures=True)

    def shutdown(self) -> None:
        """Stop the pool once the answers in progress are done (a later request starts a
        new one)."""
        self._drop_executor(wait=True)


def admission_of(request: Request) -> Admission:
    """The app's :class:`Admission`."""
    admission: Admission = request.app.state.admission
    return admission


def _in_process(folder: Path | None, compute: Compute, *args: Any) -> bytes:
    """Run ``compute`` in a pool process on that process's own state."""
    return compute(_process_state(folder), *args)


@functools.cache
def _process_state(folder: Path | None) -> ApiState:
    """The state of a pool process (the atlas in ``folder``): one per process, kept for its
    life, its caches bounded as the server's are."""
    return ApiState(atlas_folder=folder)
