"""Run a sweep's tasks on Dask: a local cluster by default, or a running one.

The shared inputs (the compiled kernel) are scattered to every worker once; each task then
receives only its small payload (the arcs to close, or a range of sample indices). Results
come back in completion order through :func:`distributed.as_completed` and are handed to a
callback with the task's index, so callers can write each one as it arrives and report
progress.

Dask's own log lines go to the ``distributed`` loggers; how many of them show is the
caller's choice (the command line shows warnings, or everything with ``--verbose``). A
shutdown logs no traceback: the comm that closes as the client leaves is logged by
``distributed.batched`` with the ``CommClosedError`` attached, and :func:`dask_client`
keeps only that record's one-line message; after an interrupt it mutes Dask until the
cluster is down.
"""

from __future__ import annotations

import logging
import signal
import threading
import uuid
import warnings
from collections.abc import Callable, Iterator, Sequence
from contextlib import ExitStack, contextmanager
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


class _ShutdownTraceback(logging.Filter):
    """Strips the ``CommClosedError`` traceback from ``distributed.batched``'s log record of
    a comm closed during shutdown, keeping its one-line message."""

    def filter(self, record: logging.LogRecord) -> bool:
        from distributed.comm.core import CommClosedError

        if record.exc_info and isinstance(record.exc_info[1], CommClosedError):
            record.exc_info = record.exc_text = None
        return True


@contextmanager
def _quiet_shutdown() -> Iterator[ExitStack]:
    """An exit stack for the cluster and the client that closes them without a traceback in
    the log: none from the comm that closes as the client leaves, and no line at all after
    an interrupt (the teardown would log each task it drops, with a traceback; the user who
    pressed Ctrl-C knows why)."""
    dask_logger = logging.getLogger("distributed")
    batched = logging.getLogger("distributed.batched")
    level, quiet = dask_logger.level, _ShutdownTraceback()
    batched.addFilter(quiet)
    try:
        with ExitStack() as stack:
            try:
                yield stack
            except KeyboardInterrupt:
                dask_logger.setLevel(logging.CRITICAL + 1)
                raise
    finally:
        dask_logger.setLevel(level)
        batched.removeFilter(quiet)


@contextmanager
def _children_ignore_ctrl_c() -> Iterator[None]:
    """Processes started inside (the local workers) ignore SIGINT: Ctrl-C reaches the whole
    process group, and this process alone should handle it, by taking them down, rather
    than each worker printing its own traceback. (Only the main thread may set handlers.)"""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


@contextmanager
def _ctrl_c_noted() -> Iterator[Callable[[], bool]]:
    """A function telling whether Ctrl-C was pressed inside. The KeyboardInterrupt it raises
    can land in one of Dask's garbage-collector callbacks, where Python only prints it;
    noting it lets the loop over finished tasks raise it again."""
    pressed = False

    def handler(signum: int, frame: object) -> None:
        nonlocal pressed
        pressed = True
        raise KeyboardInterrupt

    if threading.current_thread() is not threading.main_thread():
        yield lambda: False
        return
    previous = signal.signal(signal.SIGINT, handler)
    try:
        yield lambda: pressed
    finally:
        signal.signal(signal.SIGINT, previous)


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
        with _quiet_shutdown() as stack:
            yield stack.enter_context(client)
        return
    size = workers or os.cpu_count() or 1
    with _quiet_shutdown() as stack:
        with warnings.catch_warnings(), _children_ignore_ctrl_c():
            # the dashboard is off: which port its HTTP server found is no news
            warnings.filterwarnings("ignore", r"Port \d+ is already in use", UserWarning)
            cluster = stack.enter_context(
                LocalCluster(
                    n_workers=size,
                    threads_per_worker=1,
                    processes=True,
                    dashboard_address=None,
                    silence_logs=logging.ERROR,
                )
            )
        yield stack.enter_context(Client(cluster))


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
    error here (the callback has already seen every task that finished before it) and
    cancels the others. An interrupt (``KeyboardInterrupt``) leaves them to the client's
    closing, which releases them: cancelling first would have the scheduler report each
    cancelled task to a client already gone, one logged traceback per task."""
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
        with _ctrl_c_noted() as interrupted:
            for future in as_completed(futures):
                if interrupted():
                    raise KeyboardInterrupt
                index = futures[future]
                on_done(index, future.result())
                future.release()
    except Exception:
        client.cancel(list(futures))  # the others are of no use now
        raise
