"""Run a sweep's tasks on Dask: a local cluster by default, or a running one.

The shared inputs (the compiled kernel) are scattered to every worker once; each task then
receives only its small payload (the arcs to close, or a range of sample indices). Results
come back in completion order through :func:`distributed.as_completed` and are handed to a
callback with the task's index, so callers can write each one as it arrives and report
progress.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, TypeVar

from tripp.errors import FieldProblem, InputError

if TYPE_CHECKING:
    from distributed import Client

logger = logging.getLogger(__name__)

#: Progress callback: (what is counted, done, total).
Progress = Callable[[str, int, int], None]
P = TypeVar("P")
R = TypeVar("R")

#: Seconds to wait for a running scheduler to answer before giving up.
CONNECT_TIMEOUT_S = 10


def check_cluster_options(workers: int | None, scheduler: str | None) -> None:
    """Reject a worker count below 1, a malformed address, or both options at once."""
    problems = []
    if workers is not None and workers < 1:
        problems.append(
            FieldProblem("workers", f"{workers} is not a worker count", "give 1 or more")
        )
    if scheduler is not None:
        if workers is not None:
            problems.append(
                FieldProblem(
                    "workers",
                    "sizes the local cluster and cannot be combined with --scheduler",
                    "drop --workers; the running cluster has its own workers",
                )
            )
        if not scheduler.startswith(("tcp://", "tls://", "inproc://")) or ":" not in scheduler[6:]:
            problems.append(
                FieldProblem(
                    "scheduler",
                    f"'{scheduler}' is not a scheduler address",
                    "give tcp://HOST:PORT, e.g. tcp://127.0.0.1:8786",
                )
            )
    if problems:
        raise InputError(problems)


@contextmanager
def dask_client(*, workers: int | None = None, scheduler: str | None = None) -> Iterator[Client]:
    """A Dask client on the cluster at ``scheduler``, else on a new local cluster of
    ``workers`` processes (default: one per CPU core) with one thread each."""
    import os

    from distributed import Client, LocalCluster

    check_cluster_options(workers, scheduler)
    if scheduler is not None:
        try:
            client = Client(scheduler, timeout=f"{CONNECT_TIMEOUT_S}s")
        except (OSError, TimeoutError) as error:
            raise InputError(
                FieldProblem(
                    "scheduler",
                    f"cannot reach a Dask scheduler at {scheduler} ({error})",
                    "start one with `dask scheduler` and `dask worker`, or check the address",
                )
            ) from None
        with client:
            yield client
        return
    size = workers or os.cpu_count() or 1
    with (
        LocalCluster(
            n_workers=size,
            threads_per_worker=1,
            processes=True,
            dashboard_address=None,
            silence_logs=logging.ERROR,
        ) as cluster,
        Client(cluster) as client,
    ):
        yield client


def run_tasks(
    client: Client,
    shared: object,
    function: Callable[[Any, P], R],
    payloads: Sequence[P],
    *,
    on_done: Callable[[int, R], None],
    name: str,
) -> None:
    """Run ``function(shared, payload)`` for every payload; call ``on_done(index, result)``
    as each finishes. ``shared`` travels to each worker once. A failing task re-raises its
    error here (the callback has already seen every task that finished before it)."""
    from distributed import as_completed

    if not payloads:
        return
    remote = client.scatter(shared, broadcast=True, hash=False)
    run = uuid.uuid4().hex[:8]
    futures = {
        client.submit(function, remote, payload, key=f"tripp-{name}-{run}-{i}", pure=False): i
        for i, payload in enumerate(payloads)
    }
    logger.info("submitted %d %s tasks", len(futures), name)
    try:
        for future in as_completed(futures):
            index = futures[future]
            on_done(index, future.result())
            future.release()
    finally:
        client.cancel(list(futures))
