"""Answers to ``/api/route``: one computation and cache shared by the endpoint and the fast path.

The endpoint and the fast path both build a :class:`~tripp.routing.request.RouteRequest` on
the scenario's network (:func:`checked`). :func:`answer` returns its status and JSON body:
from the result cache when the same request was answered before, else computed. A new
answer that takes about a millisecond with the compiled kernel (no via points, at most
:data:`QUICK_ALTERNATIVES` routes) is computed on the event loop; a longer one in a
thread, so that it does not hold up the others. "No route" is an answer too (404).

:func:`simple_query` reads the plain requests (places, objective, scenario, year, a few
alternatives) straight from the query string for :mod:`tripp.api.fastpath`, accepting
only values FastAPI's validation would accept unchanged; anything else is left to FastAPI.
"""

from __future__ import annotations

import asyncio
import math
import re
from collections.abc import Hashable
from typing import Any

import orjson
from starlette.datastructures import QueryParams

from tripp.api.params import MAX_TEXT, shipped_scenario
from tripp.api.problems import no_route_response
from tripp.api.state import ApiState
from tripp.errors import InputError, NoRouteError
from tripp.graph.paths import Kernel
from tripp.routing.request import Objective, RouteRequest
from tripp.routing.result import RouteResult

#: A new request with at most this many alternatives and no via points is computed on the
#: event loop (about a millisecond on the atlas with the compiled kernel).
QUICK_ALTERNATIVES = 3

_SIMPLE_KEYS = {"origin", "destination", "objective", "scenario", "year", "alternatives"}
_DIGITS = re.compile(r"[1-9][0-9]{0,3}")
_OBJECTIVES = {o.value for o in Objective}


def checked(
    state: ApiState, scenario: str | None, origin: str, destination: str, **options: Any
) -> RouteRequest:
    """The request on the network of ``scenario`` (a shipped name; None: the atlas as is),
    checked by :meth:`RouteRequest.check` with the network's year as the default."""
    network = state.network(scenario)
    return RouteRequest.check(
        network.graph, origin, destination, network_year=network.year, **options
    )


def quick(request: RouteRequest, kernel: Kernel) -> bool:
    """True when a new answer to ``request``, searched by ``kernel``, is computed on the
    event loop."""
    few = request.alternatives <= QUICK_ALTERNATIVES
    return kernel is Kernel.COMPILED and few and not request.via


def compute(state: ApiState, scenario: str | None, request: RouteRequest) -> bytes:
    """The JSON of ``tripp route --format json`` for ``request`` under ``scenario``."""
    from tripp.routing.route import route_request

    graph = state.network(scenario).graph
    return route_json(route_request(graph, request, kernel=state.kernel))


def route_json(result: RouteResult) -> bytes:
    """Compact UTF-8 JSON of ``result``, as :func:`tripp.api.routes_atlas.json_bytes` writes
    it but by orjson (floats in their shortest form, ``0.00001`` for ``1e-05``): with the
    standard library's encoder the encoding was a sixth of a new answer's time. orjson
    writes NaN as null, so a route whose totals are not finite (never, after the atlas's
    validation) is refused instead, as ``json_bytes`` refuses it."""
    for found in result.routes:
        if not math.isfinite(found.time_h + found.cost_usd + found.distance_km):
            raise ValueError(f"route {found.rank} has a total that is not finite")
    return orjson.dumps(result.to_dict())


async def answer(
    state: ApiState, scenario: str | None, request: RouteRequest
) -> tuple[int, bytes, Hashable]:
    """Status, body and result-cache key of the answer to ``request`` under ``scenario``."""
    key = ("route", scenario, request)
    no_route_key = ("no route", *key)
    if (body := state.results.peek(key)) is not None:
        return 200, body, key
    if (body := state.results.peek(no_route_key)) is not None:
        return 404, body, no_route_key
    try:
        if quick(request, state.kernel):
            body = state.cached(key, lambda: compute(state, scenario, request))
        else:
            loop = asyncio.get_running_loop()
            body = await loop.run_in_executor(
                state.compute_pool, state.cached, key, lambda: compute(state, scenario, request)
            )
    except NoRouteError as error:
        answer_body = bytes(no_route_response(error).body)
        return 404, state.cached(no_route_key, lambda: answer_body), no_route_key
    return 200, body, key


def simple_query(state: ApiState, query_string: bytes) -> tuple[str | None, RouteRequest] | None:
    """The scenario and request in ``query_string`` if it is a plain one FastAPI would accept
    as is: each of origin and destination once (1 to 120 characters), and at most once each
    an objective, a shipped scenario, a year (plain digits) and alternatives (1 to
    :data:`QUICK_ALTERNATIVES`, plain digits). Else None.

    Raises :class:`InputError` when the request breaks a rule of
    :meth:`RouteRequest.check` (an unknown place, a year out of range).
    """
    items = QueryParams(query_string).multi_items()
    values = dict(items)
    if len(values) != len(items) or not values.keys() <= _SIMPLE_KEYS:
        return None
    origin, destination = values.get("origin", ""), values.get("destination", "")
    if not (0 < len(origin) <= MAX_TEXT and 0 < len(destination) <= MAX_TEXT):
        return None
    objective = values.get("objective", Objective.TIME.value)
    year, alternatives = values.get("year"), values.get("alternatives", "1")
    if objective not in _OBJECTIVES or not _DIGITS.fullmatch(alternatives):
        return None
    if int(alternatives) > QUICK_ALTERNATIVES:
        return None
    if year is not None and not _DIGITS.fullmatch(year):
        return None
    scenario = values.get("scenario")
    try:
        shipped_scenario(scenario)
    except InputError:
        return None
    request = checked(
        state,
        scenario,
        origin,
        destination,
        year=None if year is None else int(year),
        objective=objective,
        alternatives=int(alternatives),
    )
    return scenario, request
