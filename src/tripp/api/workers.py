"""``tripp serve --workers N``: N server processes on one port, each with its own socket.

Each worker binds its own listening socket with ``SO_REUSEPORT``, and the kernel spreads
new connections over them by a hash of their addresses. (One socket shared by all workers,
as ``uvicorn --workers`` does, lets whichever worker wakes first accept every connection
waiting: in one test run one worker held 48 of 50 kept-alive connections while the other
idled.) The sockets say TCP as their protocol, so asyncio sets ``TCP_NODELAY`` on the
connections; without it each answer after the first on a kept-alive connection waited
~40 ms for the client's delayed acknowledgement.

The supervisor (the ``tripp serve`` process) first checks the host and that nothing else
listens on the port, starts the workers, announces the server once every worker's socket
listens, restarts one that dies once its app has started (whenever that is: a worker killed
under load is replaced at once), stops all when one dies before its app started (a failed
start, which another would repeat), and stops them on SIGINT or SIGTERM.
"""

from __future__ import annotations

import errno
import logging
import multiprocessing
import signal
import socket
import threading
from collections.abc import Callable
from typing import Any

from tripp.errors import InputError, Problem

logger = logging.getLogger(__name__)

#: How long stopping workers waits for them to finish their requests, in seconds.
STOP_WAIT_S = 10.0
#: Connections a listening socket queues before the server accepts them.
BACKLOG = 2048


def _address(host: str, port: int) -> tuple[Any, ...]:
    """``getaddrinfo``'s first TCP answer for ``host``:``port``; :class:`InputError` naming
    ``--host`` if the host is neither an address nor a name this machine resolves."""
    try:
        return socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, proto=socket.IPPROTO_TCP)[0]
    except (socket.gaierror, UnicodeError) as error:
        reason = getattr(error, "strerror", None) or str(error)
        problem = f"{host!r} is not an address or a name this machine resolves ({reason})"
        fix = "give an address of this machine, e.g. 127.0.0.1 (the default) or 0.0.0.0"
        raise InputError(Problem("--host", problem, fix)) from None


def listening_socket(host: str, port: int, *, share: bool = True) -> socket.socket:
    """A TCP socket bound to ``host``:``port`` (``share``: with ``SO_REUSEPORT``), not yet
    listening. :class:`InputError` names ``--host`` for an address that is not this
    machine's and ``--port`` for a port in use or not permitted."""
    family, kind, proto, _, address = _address(host, port)
    sock = socket.socket(family, kind, proto)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        if share:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
        sock.bind(address)
    except OSError as error:
        sock.close()
        if error.errno == errno.EADDRNOTAVAIL:
            problem = f"{host} is not an address of this machine ({error.strerror})"
            fix = "give an address of this machine, e.g. 127.0.0.1 (the default) or 0.0.0.0"
            raise InputError(Problem("--host", problem, fix)) from None
        problem = f"{host}:{port} cannot be bound: {error.strerror}"
        raise InputError(Problem("--port", problem, "choose another port")) from None
    return sock


def check_port_free(host: str, port: int) -> None:
    """Raise :class:`InputError` if ``host`` is bad or something already listens on
    ``host``:``port`` (a shared socket would otherwise join another server's port, tripp's
    own included)."""
    listening_socket(host, port, share=False).close()


def run_workers(
    workers: int, options: dict[str, Any], *, announce: Callable[[], None] = lambda: None
) -> int:
    """Run ``workers`` processes serving ``tripp.cli.serve:worker_app`` with the uvicorn
    ``options`` (``host`` and ``port`` included) until SIGINT or SIGTERM; the exit status.
    ``announce()`` is called once, when every first worker's socket listens."""
    check_port_free(options["host"], options["port"])
    context = multiprocessing.get_context("spawn")
    stop = threading.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: stop.set())

    def start() -> tuple[Any, Any, Any]:
        listening, serving = context.Event(), context.Event()
        process = context.Process(
            target=_serve, args=(options, listening, serving), name="tripp-serve-worker"
        )
        process.start()
        return process, listening, serving

    running = [start() for _ in range(workers)]
    first = [listening for _, listening, _ in running]
    status = 0
    while not stop.wait(0.05 if first else 0.5):
        if first and all(listening.is_set() for listening in first):
            first = []
            announce()
        for i, (process, _, serving) in enumerate(running):
            if process.is_alive():
                continue
            if not serving.is_set():  # its app never started: another would fail the same way
                logger.error("a server worker failed to start (exit %s)", process.exitcode)
                status = 1
                stop.set()
                break
            logger.warning("a server worker exited (%s); starting another", process.exitcode)
            running[i] = start()
    for process, _, _ in running:
        if process.is_alive():
            process.terminate()  # SIGTERM: uvicorn finishes the requests in flight
    for process, _, _ in running:
        process.join(STOP_WAIT_S)
        if process.is_alive():
            process.kill()
    return status


def _serve(options: dict[str, Any], listening: Any, serving: Any) -> None:
    """One worker: its own socket on the shared port, listening (then ``listening`` is set),
    and uvicorn serving the app on it (``serving`` is set once the app has started: a worker
    that dies after that is restarted, one that dies before stops the server)."""
    import uvicorn

    class Server(uvicorn.Server):
        async def startup(self, sockets: list[socket.socket] | None = None) -> None:
            await super().startup(sockets=sockets)
            if self.started:
                serving.set()

    sock = listening_socket(options["host"], options["port"])
    sock.listen(BACKLOG)
    listening.set()
    config = uvicorn.Config("tripp.cli.serve:worker_app", factory=True, **options)
    Server(config).run(sockets=[sock])
