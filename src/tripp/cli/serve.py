"""``tripp serve``: the REST API and the web page on uvicorn, on 127.0.0.1 by default."""

from __future__ import annotations

import ipaddress
import os
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from tripp.cli.common import AtlasOption, absolute_folders, load_atlas_stack

if TYPE_CHECKING:
    from fastapi import FastAPI

__all__ = ["register", "worker_app"]

#: How ``tripp serve --workers N`` tells each worker process which atlas to serve (its
#: folders, one a line).
ATLAS_ENV = "TRIPP_SERVE_ATLAS"
#: ... and the state folder where the workers share their jobs.
STATE_ENV = "TRIPP_SERVE_STATE"
#: ... and the host names they answer to (one a line).
HOSTS_ENV = "TRIPP_SERVE_HOSTS"
#: ... and the seconds a request body may take to arrive.
BODY_TIMEOUT_ENV = "TRIPP_SERVE_BODY_TIMEOUT"
#: ``--body-timeout``'s default, in seconds (:data:`tripp.api.guards.BODY_TIMEOUT_S`; not
#: imported from there, so that ``tripp --help`` stays fast).
BODY_TIMEOUT_S = 10.0
#: ``tripp serve`` starts one worker per CPU core, up to this many.
DEFAULT_WORKERS_MAX = 4
#: The server process's GIL switch interval (Python's default: 0.005 s).
SWITCH_INTERVAL_S = 0.001


def register(app: typer.Typer) -> None:
    """Add ``serve`` to ``app``."""
    app.command("serve")(serve_command)


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def serve_command(
    host: Annotated[
        str, typer.Option(help="Address to bind; loopback by default (this machine only).")
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=1, max=65535, help="Port.")] = 8000,
    atlas: AtlasOption = None,
    workers: Annotated[
        int | None,
        typer.Option(
            min=1,
            max=64,
            help="Server processes (uvicorn workers) on the one port; each reads the atlas "
            "and compiles and caches its own graphs and answers (about 210 MB each). "
            f"Default: one per CPU core this process may use, at most {DEFAULT_WORKERS_MAX}.",
            show_default=False,
        ),
    ] = None,
    state_dir: Annotated[
        Path | None,
        typer.Option(
            "--state-dir",
            help="Folder for the server's state: jobs, their progress and results, kept "
            "across restarts (default: $XDG_DATA_HOME/tripp or ~/.local/share/tripp).",
            show_default=False,
        ),
    ] = None,
    allowed_host: Annotated[
        list[str] | None,
        typer.Option(
            "--allowed-host",
            help="Another name or address the server answers to in the Host header (repeat "
            "for more); by default only localhost, 127.0.0.1, ::1 and --host.",
            show_default=False,
        ),
    ] = None,
    body_timeout: Annotated[
        float,
        typer.Option(
            "--body-timeout",
            min=0.1,
            max=3600.0,
            help="Seconds a request's body may take to arrive after its headers; a slower "
            "one is answered 408 and its connection closed.",
        ),
    ] = BODY_TIMEOUT_S,
) -> None:
    """Serve the REST API (docs at /api/docs) and the interactive map page at /."""
    import uvicorn

    from tripp.api.app import create_app
    from tripp.api.guards import LOOPBACK_HOSTS
    from tripp.api.jobs import JobManager
    from tripp.api.jobstore import default_state_dir, open_state_dir
    from tripp.api.protocol import BACKSTOP_CONNECTIONS, GuardedProtocol
    from tripp.api.workers import BACKLOG, check_port_free, listening_socket
    from tripp.errors import TrippError

    workers = workers or default_workers()
    hosts = sorted({*LOOPBACK_HOSTS, host, *(allowed_host or ())})
    try:
        # the host and port first: a bad --host or a port in use is said at once
        sock = listening_socket(host, port, share=False) if workers == 1 else None
        if sock is None:
            check_port_free(host, port)
        # fail now, with the problems listed, not on the first request
        load_atlas_stack(atlas)
        state = open_state_dir(state_dir or default_state_dir(), option="--state-dir")
    except TrippError as error:
        typer.echo(f"error: {error}", err=True)
        raise typer.Exit(error.exit_code) from None
    if not _is_loopback(host):
        typer.echo(
            f"warning: binding {host} exposes the API beyond this machine; "
            "it has no authentication (the Host header must name one of "
            f"{', '.join(hosts)}; add others with --allowed-host)",
            err=True,
        )
    from tripp.api.assets import find_node_modules

    if find_node_modules() is None:
        typer.echo(
            "warning: Leaflet and Swagger UI not found (run `npm ci` at the repository root "
            "or set TRIPP_NODE_MODULES); the API works, the map and docs pages will not",
            err=True,
        )

    def announce() -> None:
        typer.echo(
            f"tripp serving on http://{host}:{port}/ (API docs: /api/docs)"
            + (f", {workers} workers" if workers > 1 else "")
        )

    # no access log: a log line per request costs more than a cached answer
    options: dict[str, Any] = {
        "host": host,
        "port": port,
        "log_level": "warning",
        "access_log": False,
        # asyncio's loop, not uvloop: with new answers computed on the loop, uvloop left about
        # 1 % of the connections waiting ~1 s under 50 clients (benchmarks/api_load.py)
        "loop": "asyncio",
        # a deadline for request headers, a URL limit, a connection cap answered in JSON,
        # JSON errors (tripp.api.protocol); uvicorn's plain-text cap only as a backstop above
        "http": GuardedProtocol,
        "limit_concurrency": BACKSTOP_CONNECTIONS,
        "backlog": BACKLOG,
    }
    if sock is not None:
        _tune_process()
        sock.listen(BACKLOG)
        announce()  # connections wait in the backlog until the app has started
        server = uvicorn.Server(
            uvicorn.Config(
                create_app(
                    tuple(atlas) if atlas else None,
                    jobs=JobManager(state),
                    prepare=True,
                    allowed_hosts=hosts,
                    body_timeout_s=body_timeout,
                ),
                **options,
            )
        )
        server.run(sockets=[sock])
        if not server.started:
            raise typer.Exit(3)
        return
    # worker processes import the app themselves: pass the atlas, the host names and the state
    # folder (whose store they share, so that any worker can answer about any job) in the
    # environment
    os.environ[ATLAS_ENV] = "\n".join(absolute_folders(atlas or []))
    os.environ[HOSTS_ENV] = "\n".join(hosts)
    os.environ[STATE_ENV] = str(state.resolve())
    os.environ[BODY_TIMEOUT_ENV] = repr(body_timeout)
    from tripp.api.workers import run_workers

    try:
        status = run_workers(workers, options, announce=announce)
    except TrippError as error:
        typer.echo(f"error: {error}", err=True)
        raise typer.Exit(error.exit_code) from None
    if status:
        raise typer.Exit(status)


def default_workers() -> int:
    """One server process per CPU core this process may run on, at most
    :data:`DEFAULT_WORKERS_MAX`: on 2 cores, two processes answer new route requests under
    50 concurrent clients in a p50 of ~16 ms where one takes ~38 ms
    (``benchmarks/api_load.py``)."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return max(1, min(cores or 1, DEFAULT_WORKERS_MAX))


def worker_app() -> FastAPI:
    """The app of one ``tripp serve --workers N`` process (the atlas and the state folder
    from the environment)."""
    from tripp.api.app import create_app
    from tripp.api.jobs import JobManager

    _tune_process()
    folder, state = os.environ.get(ATLAS_ENV), os.environ.get(STATE_ENV)
    hosts, body_timeout = os.environ.get(HOSTS_ENV), os.environ.get(BODY_TIMEOUT_ENV)
    jobs = JobManager(Path(state)) if state else None
    return create_app(
        tuple(folder.split("\n")) if folder else None,
        jobs=jobs,
        prepare=True,
        allowed_hosts=hosts.split("\n") if hosts else None,
        body_timeout_s=float(body_timeout) if body_timeout else BODY_TIMEOUT_S,
    )


def _tune_process() -> None:
    """Let the event loop (cached answers) take the GIL back from the threads computing new
    ones within a millisecond, instead of Python's default 5 ms."""
    import sys

    sys.setswitchinterval(SWITCH_INTERVAL_S)
