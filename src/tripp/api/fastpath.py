"""A fast path for ``GET /api/route``, before FastAPI's routing.

FastAPI spends about 0.4 ms per request resolving the route, validating the eleven query
parameters and building the response. This ASGI middleware answers, with the headers the
normal path sends (``content-length``, then ``content-type: application/json``), the same
status and body:

* a request whose raw query string (byte for byte) was answered before by either path and
  whose serialised answer is still in :attr:`ApiState.results` (about 25 µs);
* when the state searches with the compiled kernel (a running server), a new plain request that
  :func:`tripp.api.route_answers.simple_query` reads (places, objective, shipped scenario,
  year, up to three alternatives, each value one FastAPI accepts as is) and checks as the
  endpoint does, computed by :func:`tripp.api.route_answers.answer` as the endpoint does.

Everything else goes to FastAPI: a request with a problem (422) is always validated there
and gets its problems listed, and so is a plain request that fails while routing (an
unknown place, say). Only 200 and 404 ("no route") answers are recorded (in
:attr:`ApiState.route_queries`). The middleware sits inside the body limit and gzip
middlewares, so they treat its answers exactly as they treat the normal path's.
"""

from __future__ import annotations

from starlette.types import ASGIApp, Receive, Scope, Send

from tripp.api.route_answers import answer, simple_query
from tripp.api.state import ApiState
from tripp.errors import InputError
from tripp.graph.paths import Kernel

ROUTE_PATH = "/api/route"
JSON = b"application/json"


class RouteFastPath:
    """Answer a repeated or plain ``GET /api/route`` here, else pass it on."""

    def __init__(self, app: ASGIApp, state: ApiState) -> None:
        self.app, self.state = app, state

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (
            scope["type"] == "http"
            and scope["path"] == ROUTE_PATH
            and scope["method"] == "GET"
            and not scope.get("root_path")
        ):
            query_string = scope["query_string"]
            found = self.state.route_answer(query_string)
            if found is None and self.state.kernel is Kernel.COMPILED:
                try:
                    simple = simple_query(self.state, query_string)
                except InputError:
                    simple = None  # FastAPI answers it, with the problems listed
                if simple is not None:
                    status, body, key = await answer(self.state, *simple)
                    self.state.route_queries.put(query_string, status, key)
                    found = status, body
            if found is not None:
                status, body = found
                await send(
                    {
                        "type": "http.response.start",
                        "status": status,
                        "headers": [
                            (b"content-length", str(len(body)).encode("latin-1")),
                            (b"content-type", JSON),
                        ],
                    }
                )
                await send({"type": "http.response.body", "body": body})
                return
        await self.app(scope, receive, send)
