"""uvicorn's HTTP protocol with a deadline for request headers and JSON errors.

uvicorn times out a kept-alive connection only between requests: a client that opens a
connection and sends nothing, or half a request line, holds it (and its file descriptor)
until the client gives up. :class:`GuardedProtocol` closes a connection whose request
headers are not complete :data:`HEADER_TIMEOUT_S` after it opened or after its request
began, refuses a request target over :data:`MAX_URL_BYTES` with 414, and answers a request
it cannot parse with 400, both in the documented problem shape instead of plain text.

It also enforces the process's connection cap itself: a request arriving while the
process holds more than :attr:`GuardedProtocol.max_connections` connections, or as many
requests in progress, is answered 503 at once in the problem shape with ``Retry-After``
(uvicorn's own cap, ``limit_concurrency``, answers plain text; ``tripp serve`` sets it
higher, at :data:`BACKSTOP_CONNECTIONS`, as a backstop that this cap reaches first).
"""

from __future__ import annotations

import asyncio
import json

from starlette.types import Receive, Scope, Send
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from tripp.api.guards import SECURITY_HEADERS
from tripp.api.problems import error_body
from tripp.errors import Problem

__all__ = [
    "BACKSTOP_CONNECTIONS",
    "HEADER_TIMEOUT_S",
    "MAX_CONNECTIONS",
    "MAX_URL_BYTES",
    "OVER_CAPACITY_RETRY_AFTER_S",
    "GuardedProtocol",
]

#: Seconds a connection may take to send a request's headers, from its opening or from
#: the first byte of its request.
HEADER_TIMEOUT_S = 5.0
#: Connections, and requests in progress, one server process holds at once; past it, a new
#: request is answered 503 at once, in the problem shape (:class:`GuardedProtocol`).
MAX_CONNECTIONS = 1000
#: uvicorn's own cap (``limit_concurrency``, a plain-text 503), above ours: a backstop.
BACKSTOP_CONNECTIONS = MAX_CONNECTIONS + 100
#: What an over-capacity 503 tells the client to wait before trying again, in seconds.
OVER_CAPACITY_RETRY_AFTER_S = 1
#: The longest request target (path and query) answered, in bytes.
MAX_URL_BYTES = 16 * 1024
#: After refusing a request, how long the rest of it is read and dropped before the
#: connection closes, in seconds (closing with data unread would reset the connection and
#: could lose the answer on its way to the client).
LINGER_S = 1.0

_REASONS = {400: b"Bad Request", 414: b"URI Too Long"}


class _UrlTooLong(Exception):
    """Raised from the parser's callback; the parser reports it as a parse error."""


async def over_capacity(scope: Scope, receive: Receive, send: Send) -> None:
    """The ASGI answer to a request beyond the connection cap: 503, ``Retry-After``, the
    problem shape, the security headers; the connection then closes."""
    problem = Problem(
        "server",
        "holds as many connections and requests as it takes",
        f"retry in {OVER_CAPACITY_RETRY_AFTER_S} s, or close idle connections",
    )
    body = json.dumps(error_body("the server is at its connection limit", [problem])).encode()
    headers = [
        (b"content-type", b"application/json"),
        (b"content-length", b"%d" % len(body)),
        (b"retry-after", b"%d" % OVER_CAPACITY_RETRY_AFTER_S),
        (b"connection", b"close"),
        *SECURITY_HEADERS,
    ]
    await send({"type": "http.response.start", "status": 503, "headers": headers})
    await send({"type": "http.response.body", "body": body})


class GuardedProtocol(HttpToolsProtocol):
    """:class:`HttpToolsProtocol` with a header deadline, a URL limit, a connection cap
    answered in JSON and JSON errors."""

    #: The connection and request cap (a subclass may lower it, e.g. for a test).
    max_connections = MAX_CONNECTIONS
    _header_deadline: asyncio.TimerHandle | None = None
    _url_too_long = False
    _refused = False

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._arm_header_deadline()

    def connection_lost(self, exc: Exception | None) -> None:
        self._cancel_header_deadline()
        super().connection_lost(exc)

    def data_received(self, data: bytes) -> None:
        if not self._refused:  # after a refusal, the rest of the request is dropped
            super().data_received(data)

    def on_message_begin(self) -> None:
        super().on_message_begin()
        self._arm_header_deadline()

    def on_url(self, url: bytes) -> None:
        super().on_url(url)
        if len(self.url) > MAX_URL_BYTES:
            self._url_too_long = True
            raise _UrlTooLong

    def on_headers_complete(self) -> None:
        self._cancel_header_deadline()
        # uvicorn's check, at our cap, with our answer (the request's own task is not yet
        # counted; its connection is)
        cap = self.max_connections
        if len(self.connections) > cap or len(self.tasks) >= cap:
            app, self.app = self.app, over_capacity
            try:
                super().on_headers_complete()
            finally:
                self.app = app
            return
        super().on_headers_complete()

    def send_400_response(self, msg: str) -> None:
        """Answer a request that cannot be served (unparsable, or its URL too long) in the
        problem shape, and close the connection."""
        self._cancel_header_deadline()
        if self._url_too_long:
            status, detail = 414, "request URL too long"
            problem = Problem(
                "url", f"is over {MAX_URL_BYTES // 1024} KiB", "send a shorter query, or POST"
            )
        else:
            status, detail = 400, "invalid HTTP request"
            problem = Problem("request", "is not valid HTTP/1.1", "send a well-formed request")
        body = json.dumps(error_body(detail, [problem])).encode()
        head = [b"HTTP/1.1 %d %s" % (status, _REASONS[status])]
        head += [name + b": " + value for name, value in self.server_state.default_headers]
        head += [
            b"content-type: application/json",
            b"content-length: %d" % len(body),
            b"connection: close",
        ]
        self.transport.write(b"\r\n".join(head) + b"\r\n\r\n" + body)
        self._refused = True
        if self.transport.can_write_eof():
            self.transport.write_eof()  # the answer, then end of stream; the rest is dropped
            self.loop.call_later(LINGER_S, self.transport.close)
        else:
            self.transport.close()

    def _arm_header_deadline(self) -> None:
        self._cancel_header_deadline()
        self._header_deadline = self.loop.call_later(HEADER_TIMEOUT_S, self._headers_late)

    def _cancel_header_deadline(self) -> None:
        if self._header_deadline is not None:
            self._header_deadline.cancel()
            self._header_deadline = None

    def _headers_late(self) -> None:
        self._header_deadline = None
        if not self.transport.is_closing():
            self.transport.close()
