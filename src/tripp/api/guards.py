"""The server's edges as ASGI middlewares: which ``Host`` it answers, the security headers
of every response, and ``HEAD`` and ``OPTIONS`` for every endpoint.

* :class:`TrustedHosts` answers 400 (the documented problem shape) to a request whose
  ``Host`` header names no allowed host, so that a web page whose name was re-pointed at
  127.0.0.1 (DNS rebinding) cannot read a loopback server's answers.
* :class:`SecurityHeaders` adds a Content-Security-Policy (this server only: the page and its
  libraries are served locally), ``X-Content-Type-Options: nosniff``, ``X-Frame-Options:
  DENY`` and ``Referrer-Policy: no-referrer`` to every response.
* :class:`HeadAndOptions` answers ``HEAD`` like ``GET`` without the body and ``OPTIONS``
  with ``Allow`` listing every method of the path (``/api/jobs``: GET and POST).
"""

from __future__ import annotations

import json
from collections.abc import Iterable

from starlette.routing import Match, Mount
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from tripp.api.problems import error_body
from tripp.errors import Problem

__all__ = [
    "LOOPBACK_HOSTS",
    "SECURITY_HEADERS",
    "HeadAndOptions",
    "SecurityHeaders",
    "TrustedHosts",
    "host_name",
]

#: The methods an endpoint may take, besides HEAD and OPTIONS.
_METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")

#: The names a loopback server answers to by default.
LOOPBACK_HOSTS = frozenset({"localhost", "127.0.0.1", "::1"})

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


async def _send_json(send: Send, status: int, body: dict[str, object]) -> None:
    data = json.dumps(body).encode()
    headers = [(b"content-type", b"application/json"), (b"content-length", b"%d" % len(data))]
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
