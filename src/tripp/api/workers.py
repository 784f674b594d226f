"""``tripp serve --workers N``: N server processes on one port, each with its own socket.

Each worker binds its own listening socket with ``SO_REUSEPORT``, and the kernel spreads
new connections over them by a hash of their addresses. (One socket shared by all workers,
as ``uvicorn --workers`` does, lets whichever worker wakes first accept every connection
waiting: in one test run one worker held 48 of 50 kept-alive connections while the other
idled.) The sockets say TCP as their protocol, so asyncio sets ``TCP_NODELAY`` on the
connections; without it each answer after the first on a kept-alive connection waited
~40 ms for the client's delayed acknowledgement.

The supervisor (the ``tripp serve`` process) first checks that nothing else listens on the
port, starts the workers, restarts one that dies after having served, stops all when one
fails at start-up, and stops them on SIGINT or SIGTERM.
"""

from __future__ import annotations

import logging
import multiprocessing
import signal
import socket
import threading
import time
from typing import Any

from tripp.errors import InputError, Problem

logger = logging.getLogger(__name__)

#: A worker that exits sooner than this after its start failed to start: stop them all.
STARTUP_S = 20.0
#: How long stopping workers waits for them to finish their requests, in seconds.
STOP_WAIT_S = 10.0


def listening_socket(host: str, port: int, *, share: bool = True) -> socket.socket:
    """A TCP socket bound to ``host``:``port`` (``share``: with ``SO_REUSEPORT``)."""
    family, kind, proto, _, address = socket.getaddrinfo(
        host, port, type=socket.SOCK_STREAM, proto=socket.IPPROTO_TCP
    )[0]
    sock = socket.socket(family, kind, proto)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        if share:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
        sock.bind(address)
    except OSError:
        sock.close()
        raise
    return sock


def check_port_free(host: str, port: int) -> None:
    """Raise :class:`InputError` if something already listens on ``host``:``port`` (a
    shared socket would otherwise join another server's port, tripp's own included)."""
    try:
        listening_socket(host, port, share=False).close()
    except OSError as error:
        problem = f"{host}:{port} cannot be bound: {error.strerror}"
        raise InputError(Problem("--port", problem, "choose another port")) from None


def run_workers(workers: int, options: dict[str, Any]) -> int:
    """Run ``workers`` processes serving ``tripp.cli.serve:worker_app`` with the uvicorn
    ``options`` (``host`` and ``port`` included) until SIGINT or SIGTERM; the exit status."""
    check_port_free(options["host"], options["port"])
    context = multiprocessing.get_context("spawn")
    stop = threading.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: stop.set())

    def start() -> tuple[Any, float]:
        process = context.Process(target=_serve, args=(options,), name="tripp-serve-worker")
        process.start()
        return process, time.monotonic()

    running = [start() for _ in range(workers)]
    status = 0
    while not stop.wait(0.5):
        for i, (process, started) in enumerate(running):
            if process.is_alive():
                continue
            if time.monotonic() - started < STARTUP_S:
                logger.error("a server worker failed to start (exit %s)", process.exitcode)
                status = 1
                stop.set()
                break
            logger.warning("a server worker exited (%s); starting another", process.exitcode)
            running[i] = start()
    for process, _ in running:
        if process.is_alive():
            process.terminate()  # SIGTERM: uvicorn finishes the requests in flight
    for process, _ in running:
        process.join(STOP_WAIT_S)
        if process.is_alive():
            process.kill()
    return status


def _serve(options: dict[str, Any]) -> None:
    """One worker: its own socket on the shared port, and uvicorn serving the app on it."""
    import uvicorn

    sock = listening_socket(options["host"], options["port"])
    config = uvicorn.Config("tripp.cli.serve:worker_app", factory=True, **options)
    uvicorn.Server(config).run(sockets=[sock])
