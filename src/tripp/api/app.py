"""The FastAPI application: ``create_app(atlas_folder=None)``.

Routes under ``/api`` (OpenAPI at ``/api/openapi.json``, docs at ``/api/docs`` on local
assets), the page at ``/``, static files under ``/static``. Every error answers in one shape
(:mod:`tripp.api.problems`); request bodies over 64 KiB are refused with 413. Every response
carries the security headers, HEAD and OPTIONS work on every path, a request's body must
arrive within a deadline (408), and the server answers only the Host names it is given,
the loopback names by default (:mod:`tripp.api.guards`).
"""

from __future__ import annotations

import gc
from collections.abc import AsyncIterator, Iterable, Mapping, Sequence
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI
from fastapi.middleware.gzip import GZipMiddleware
from fastapi.responses import FileResponse, HTMLResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from tripp.api.admission import DEFAULT_LIMITS, Admission
from tripp.api.assets import DOCS_SCRIPT, VENDOR, docs_html, find_node_modules, web_folder
from tripp.api.fastpath import RouteFastPath
from tripp.api.guards import (
    BODY_TIMEOUT_S,
    DEFAULT_HOSTS,
    BodyDeadline,
    HeadAndOptions,
    SecurityHeaders,
    TrustedHosts,
)
from tripp.api.jobs import JobManager
from tripp.api.problems import error_body, install_handlers
from tripp.api.state import ApiState, atlas_key
from tripp.errors import Problem
from tripp.graph.paths import Kernel
from tripp.version import __version__

MAX_BODY_BYTES = 64 * 1024

DESCRIPTION = """Routes, scenarios, transit exposure, energy flows and appraisals on the TRIPP
corridor and the Eurasian freight routes around it. The same JSON as the `tripp` CLI's
`--format json`. Bad input answers 422 with every problem listed:
`{"detail": ..., "problems": [...]}`."""


class BodyLimit:
    """Refuse request bodies over ``limit`` bytes with 413 (declared or streamed)."""

    def __init__(self, app: ASGIApp, limit: int = MAX_BODY_BYTES) -> None:
        self.app, self.limit = app, limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope.get("headers", [])).get(b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > self.limit):
            await self._refuse(send)
            return
        received = 0

        async def counted() -> Message:
            nonlocal received
            message = await receive()
            received += len(message.get("body", b""))
            if received > self.limit:
                raise _TooLarge
            return message

        try:
            await self.app(scope, counted, send)
        except _TooLarge:
            await self._refuse(send)

    async def _refuse(self, send: Send) -> None:
        import json

        body = json.dumps(
            error_body(
                "request body too large",
                [Problem("body", "is over 64 KiB", "send a smaller request")],
            )
        ).encode()
        await send(
            {
                "type": "http.response.start",
                "status": 413,
                "headers": [(b"content-type", b"application/json")],
            }
        )
        await send({"type": "http.response.body", "body": body})


class _TooLarge(Exception):
    pass


def create_app(
    atlas_folder: Path | str | Sequence[Path | str] | None = None,
    *,
    node_modules: Path | None = None,
    jobs: JobManager | None = None,
    prepare: bool = False,
    kernel: Kernel = Kernel.COMPILED,
    allowed_hosts: Iterable[str] | None = None,
    heavy_limits: Mapping[str, int] = DEFAULT_LIMITS,
    heavy_processes: bool = True,
    body_timeout_s: float = BODY_TIMEOUT_S,
) -> FastAPI:
    """The API and page for the atlas in ``atlas_folder`` (default: the embedded atlas; a
    sequence of folders: their stack, see :func:`tripp.atlas.io.load_atlas`).

    The atlas is read on the first request that needs it; scenarios are compiled once and
    kept (LRU). ``node_modules`` holds Leaflet and Swagger UI (default: found, see
    :func:`tripp.api.assets.find_node_modules`). ``jobs`` runs the background jobs
    (default: 2 workers, 8 waiting at most). With ``prepare`` (``tripp serve``), the base
    atlas and every shipped scenario are compiled at start-up instead
    (:meth:`ApiState.prepare`), so that no request waits for that, and the objects made
    by then are frozen out of the garbage collector's passes (:func:`gc.freeze`).
    ``kernel`` runs the route searches (:attr:`ApiState.kernel`): a server answers many,
    so by default the compiled one, loaded at start-up. ``allowed_hosts``: the names and
    addresses the ``Host`` header may give (``tripp serve``: the loopback names, the bound
    address and ``--allowed-host``); other requests answer 400. Default:
    :data:`~tripp.api.guards.DEFAULT_HOSTS` (localhost, 127.0.0.1, ::1 and the test
    client's ``testserver``). New answers of compare, exposure, energy and appraise, and jobs of
    those kinds, are computed off the event loop, at most ``heavy_limits[kind]`` at once, in
    a pool of processes (``heavy_processes=False``: threads), see
    :mod:`tripp.api.admission`. A request body not complete ``body_timeout_s`` seconds
    after its headers is answered 408 (:class:`~tripp.api.guards.BodyDeadline`).
    """
    jobs = jobs or JobManager()

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        if kernel is Kernel.COMPILED:
            # compile the Numba kernels (or load them from Numba's cache) before the first
            # request, so that no answer waits for it
            from tripp.graph.yen import warm_up

            warm_up()
        if prepare:
            app.state.tripp.prepare()
            # the ~200,000 objects made so far (atlas, graphs, legs) live as long as the
            # server: keep them out of the garbage collector's full passes (~80 ms each)
            gc.freeze()
        yield
        jobs.shutdown()  # first: no job waiting in its queue starts a new pool meanwhile
        app.state.admission.shutdown()
        app.state.tripp.shutdown()

    app = FastAPI(
        title="tripp",
        version=__version__,
        description=DESCRIPTION,
        openapi_url="/api/openapi.json",
        docs_url=None,
        redoc_url=None,
        lifespan=lifespan,
    )
    app.state.tripp = ApiState(atlas_folder=atlas_key(atlas_folder), kernel=kernel)
    app.state.jobs = jobs
    app.state.admission = Admission(app.state.tripp, limits=heavy_limits, processes=heavy_processes)
    vendor = find_node_modules(node_modules)
    app.state.web_assets = vendor is not None
    install_handlers(app)

    from tripp.api import (
        routes_analysis,
        routes_appraisal,
        routes_atlas,
        routes_energy,
        routes_jobs,
    )

    app.state.capabilities = {
        "energy": True,
        "resilience": True,
        "appraisal": True,
        "jobs": list(routes_jobs.JOB_KINDS),
    }
    for module in (routes_atlas, routes_analysis, routes_energy, routes_appraisal, routes_jobs):
        app.include_router(module.router)

    @app.get("/api/docs", include_in_schema=False)
    def docs() -> HTMLResponse:
        return HTMLResponse(docs_html("/api/docs/init.js", "tripp API"))

    @app.get("/api/docs/init.js", include_in_schema=False)
    def docs_script() -> Response:
        # a file, not an inline script: the Content-Security-Policy allows this server's only
        return Response(DOCS_SCRIPT % "/api/openapi.json", media_type="text/javascript")

    @app.get("/", include_in_schema=False)
    def index() -> FileResponse:
        return FileResponse(web_folder() / "index.html", media_type="text/html")

    for prefix, sub in VENDOR.items():
        folder = (vendor or Path("node_modules")) / sub
        app.mount(
            f"/static/vendor/{prefix}",
            StaticFiles(directory=folder, check_dir=False),
            name=f"vendor-{prefix}",
        )
    app.mount("/static", StaticFiles(directory=web_folder()), name="static")
    # innermost first: the fast path answers inside the gzip and body limits, like the routes
    app.add_middleware(RouteFastPath, state=app.state.tripp)
    app.add_middleware(GZipMiddleware, minimum_size=16 * 1024)  # GeoJSON, not routes
    app.add_middleware(BodyLimit)
    app.add_middleware(HeadAndOptions, routes=app.router.routes)
    app.add_middleware(BodyDeadline, timeout_s=body_timeout_s)
    hosts = DEFAULT_HOSTS if allowed_hosts is None else allowed_hosts
    app.add_middleware(TrustedHosts, hosts=hosts)
    app.add_middleware(SecurityHeaders)  # outermost: on every answer, refusals included
    return app
