"""The server's edges as ASGI middlewares: which ``Host`` it answers, the security headers
of every response, ``HEAD`` and ``OPTIONS`` for every endpoint, and a deadline for request
bodies.

* :class:`TrustedHosts` answers 400 (the documented problem shape) to a request whose
  ``Host`` header names no allowed host, so that a web page whose name was re-pointed at
  127.0.0.1 (DNS rebinding) cannot read a loopback server's answers.
* :class:`SecurityHeaders` adds a Content-Security-Policy (this server only: the page and its
  libraries are served locally), ``X-Content-Type-Options: nosniff``, ``X-Frame-Options:
  DENY`` and ``Referrer-Policy: no-referrer`` to every response.
* :class:`HeadAndOptions` answers ``HEAD`` like ``GET`` without the body and ``OPTIONS``
  with ``Allow`` listing every method of the path (``/api/jobs``: GET and POST).
* :class:`BodyDeadline` answers 408 (the problem shape) to a request whose body has not
  fully arrived :data:`BODY_TIMEOUT_S` after its headers did, and closes its connection, so
  that a client trickling a body in (a slow-body "slowloris") cannot hold a request open.
"""

from __future__ import annotations

import json
from collections.abc import Iterable

import anyio
from starlette.routing import Match, Mount
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from tripp.api.problems import error_body
from tripp.errors import Problem

__all__ = [
    "BODY_TIMEOUT_S",
    "DEFAULT_HOSTS",
    "LOOPBACK_HOSTS",
    "SECURITY_HEADERS",
    "TEST_CLIENT_HOST",
    "BodyDeadline",
    "HeadAndOptions",
    "SecurityHeaders",
    "TrustedHosts",
    "host_name",
]

#: The methods an endpoint may take, besides HEAD and OPTIONS.
_METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")

#: The names a loopback server answers to by default.
LOOPBACK_HOSTS = frozenset({"localhost", "127.0.0.1", "::1"})
#: The name Starlette's ``TestClient`` (and so schemathesis's ASGI calls) send in ``Host``.
#: A single-label name: a DNS-rebinding page sends its own public name, never this one.
TEST_CLIENT_HOST = "testserver"
#: What ``create_app`` answers to without ``allowed_hosts``: the loopback names, and the
#: test client's (``tripp serve`` passes its own list, without it).
DEFAULT_HOSTS = LOOPBACK_HOSTS | {TEST_CLIENT_HOST}
#: Seconds a request's whole body may take to arrive, counted from the end of its headers
#: (``tripp serve --body-timeout``); a 64 KiB body at 10 KiB/s takes under 7 s.
BODY_TIMEOUT_S = 10.0

#: Headers on every response: only this server's scripts, styles, images and API
#: (``data:`` images for Leaflet's and Swagger UI's icons), in no frame, no referrer sent.
SECURITY_HEADERS: tuple[tuple[bytes, bytes], ...] = (
    (
        b"content-security-policy",
        b"default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; "
        b"form-action 'self'; frame-ancestors 'none'",
    ),
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"no-referrer"),
)


def host_name(header: str) -> str:
    """The host of a ``Host`` header, lower case, without its port or IPv6 brackets."""
    header = header.strip().lower()
    if header.startswith("["):
        return header[1 : header.find("]")] if "]" in header else header
    return header.rsplit(":", 1)[0] if header.count(":") == 1 else header


async def _send_json(
    send: Send, status: int, body: dict[str, object], *, close: bool = False
) -> None:
    data = json.dumps(body).encode()
    headers = [(b"content-type", b"application/json"), (b"content-length", b"%d" % len(data))]
    if close:
        headers.append((b"connection", b"close"))
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": data})


class TrustedHosts:
    """Answer 400 to a request whose ``Host`` is not one of ``hosts`` (names or addresses,
    compared without port and case)."""

    def __init__(self, app: ASGIApp, hosts: Iterable[str]) -> None:
        self.app = app
        self.hosts = frozenset(host_name(h) for h in hosts)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        header = dict(scope["headers"]).get(b"host", b"").decode("latin-1")
        if host_name(header) in self.hosts:
            await self.app(scope, receive, send)
            return
        allowed = ", ".join(sorted(self.hosts))
        problem = Problem(
            "Host",
            f"{header or '(none)'!r} is not a name this server answers to",
            f"use one of {allowed}, or start tripp serve with --allowed-host NAME",
        )
        await _send_json(send, 400, error_body(f"Host {header!r} is not allowed", [problem]))


class SecurityHeaders:
    """Add :data:`SECURITY_HEADERS` to every HTTP response."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def secured(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", ()), *SECURITY_HEADERS]
            await send(message)

        await self.app(scope, receive, secured)


class HeadAndOptions:
    """``HEAD``: the ``GET`` answer's status and headers without its body. ``OPTIONS``: 204
    with ``Allow`` naming every method some route takes on the path (404 if none does)."""

    def __init__(self, app: ASGIApp, routes: Iterable[object]) -> None:
        self.app = app
        self.routes = routes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] not in {"HEAD", "OPTIONS"}:
            await self.app(scope, receive, send)
            return
        if scope["method"] == "OPTIONS":
            methods = self.methods(scope)
            if methods:
                allow = ", ".join(sorted(methods | {"OPTIONS"})).encode()
                headers = [(b"allow", allow), (b"content-length", b"0")]
                await send({"type": "http.response.start", "status": 204, "headers": headers})
                await send({"type": "http.response.body", "body": b""})
                return
            await self.app(scope, receive, send)
            return

        async def bodiless(message: Message) -> None:
            if message["type"] == "http.response.body":
                if not message.get("more_body", False):
                    await send({"type": "http.response.body", "body": b""})
                return
            await send(message)

        await self.app({**scope, "method": "GET"}, receive, bodiless)

    def methods(self, scope: Scope) -> set[str]:
        """Every method that a route on ``scope``'s path takes (HEAD beside GET); a mount
        (static files) takes GET."""
        found: set[str] = set()
        for route in self.routes:
            for method in _METHODS if not isinstance(route, Mount) else ("GET",):
                match, _ = route.matches({**scope, "method": method})  # type: ignore[attr-defined]
                if match is Match.FULL:
                    found.add(method)
        if "GET" in found:
            found.add("HEAD")
        return found


class BodyDeadline:
    """Answer 408 to a request whose body is not complete ``timeout_s`` after the request
    reached the app (its headers complete), and close the connection.

    The app's ``receive`` waits at most until the deadline; past it the 408 goes out (if the
    app has not begun an answer), the app is told the client disconnected, and whatever it
    answers then is dropped. Requests without a body, or whose body has arrived, are not
    timed.
    """

    def __init__(self, app: ASGIApp, timeout_s: float = BODY_TIMEOUT_S) -> None:
        if not timeout_s > 0:
            raise ValueError(f"timeout_s must be positive, not {timeout_s}")
        self.app, self.timeout_s = app, timeout_s

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        deadline_s = anyio.current_time() + self.timeout_s
        complete = refused = started = False

        async def timed() -> Message:
            nonlocal complete, refused
            if refused:
                return {"type": "http.disconnect"}
            if complete:
                return await receive()
            with anyio.move_on_after(deadline_s - anyio.current_time()):
                message = await receive()
                complete = message["type"] != "http.request" or not message.get("more_body")
                return message
            refused = True
            if not started:
                await self._refuse(send)
            return {"type": "http.disconnect"}

        async def sending(message: Message) -> None:
            nonlocal started
            if refused:
                return  # the app's answer to the disconnect: the 408 went out instead
            started = started or message["type"] == "http.response.start"
            await send(message)

        await self.app(scope, timed, sending)

    async def _refuse(self, send: Send) -> None:
        problem = Problem(
            "body",
            f"did not arrive in full within {self.timeout_s:g} s",
            "send the whole body at once (or start tripp serve with a longer --body-timeout)",
        )
        await _send_json(send, 408, error_body("request body too slow", [problem]), close=True)
