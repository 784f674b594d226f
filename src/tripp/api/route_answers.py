"""Answers to ``/api/route``: one computation and cache shared by the endpoint and the fast path.

:class:`RouteQuery` is a validated request. :func:`answer` returns its status and JSON body:
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
from dataclasses import dataclass

import orjson
from starlette.datastructures import QueryParams

from tripp.api.params import MAX_TEXT, ObjectiveName, shipped_scenario
from tripp.api.problems import no_route_response
from tripp.api.state import ApiState
from tripp.errors import InputError, NoRouteError
from tripp.graph.paths import Kernel
from tripp.routing.result import RouteResult

#: A new request with at most this many alternatives and no via points is computed on the
#: event loop (about a millisecond on the atlas with the compiled kernel).
QUICK_ALTERNATIVES = 3

_SIMPLE_KEYS = {"origin", "destination", "objective", "scenario", "year", "alternatives"}
_DIGITS = re.compile(r"[1-9][0-9]{0,3}")
_OBJECTIVES = {o.value for o in ObjectiveName}


@dataclass(frozen=True)
class RouteQuery:
    """A validated ``/api/route`` request (names as the CLI options)."""

    origin: str
    destination: str
    via: tuple[str, ...] = ()
    avoid_country: tuple[str, ...] = ()
    avoid_node: tuple[str, ...] = ()
    modes: tuple[str, ...] = ()
    year: int | None = None
    objective: str = ObjectiveName.TIME.value
    alternatives: int = 1
    vot_usd_per_teu_h: float = 1.0
    scenario: str | None = None

    @property
    def key(self) -> tuple[Hashable, ...]:
        """The result-cache key of the answer."""
        return ("route", *self.__dict__.values())

    def quick(self, kernel: Kernel) -> bool:
        """True when a new answer searched by ``kernel`` is computed on the event loop."""
        few = self.alternatives <= QUICK_ALTERNATIVES
        return kernel is Kernel.COMPILED and few and not self.via

    def compute(self, state: ApiState) -> bytes:
        """The JSON of ``tripp route --format json`` for this request."""
        from tripp.routing.route import RouteSettings, route

        network = state.network(self.scenario)
        result = route(
            network.graph,
            self.origin,
            self.destination,
            via=self.via,
            avoid_countries=self.avoid_country,
            avoid_nodes=self.avoid_node,
            modes=self.modes or None,
            year=self.year if self.year is not None else network.year,
            objective=self.objective,
            alternatives=self.alternatives,
            settings=RouteSettings(vot_usd_per_teu_h=self.vot_usd_per_teu_h),
            kernel=state.kernel,
        )
        return route_json(result)


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


async def answer(state: ApiState, query: RouteQuery) -> tuple[int, bytes, Hashable]:
    """Status, body and result-cache key of the answer to ``query``.

    Raises :class:`InputError` for a problem found while routing (say, an unknown place).
    """
    key = query.key
    no_route_key = ("no route", *key)
    if (body := state.results.peek(key)) is not None:
        return 200, body, key
    if (body := state.results.peek(no_route_key)) is not None:
        return 404, body, no_route_key
    try:
        if query.quick(state.kernel):
            body = state.cached(key, lambda: query.compute(state))
        else:
            loop = asyncio.get_running_loop()
            body = await loop.run_in_executor(
                state.compute_pool, state.cached, key, lambda: query.compute(state)
            )
    except NoRouteError as error:
        answer_body = bytes(no_route_response(error).body)
        return 404, state.cached(no_route_key, lambda: answer_body), no_route_key
    return 200, body, key


def simple_query(query_string: bytes) -> RouteQuery | None:
    """The request in ``query_string`` if it is a plain one FastAPI would accept as is:
    each of origin and destination once (1 to 120 characters), and at most once each an
    objective, a shipped scenario, a year (1850–2100) and alternatives (1 to
    :data:`QUICK_ALTERNATIVES`, plain digits). Else None."""
    items = QueryParams(query_string).multi_items()
    values = dict(items)
    if len(values) != len(items) or not values.keys() <= _SIMPLE_KEYS:
        return None
    origin, destination = values.get("origin", ""), values.get("destination", "")
    if not (0 < len(origin) <= MAX_TEXT and 0 < len(destination) <= MAX_TEXT):
        return None
    objective = values.get("objective", ObjectiveName.TIME.value)
    year, alternatives = values.get("year"), values.get("alternatives", "1")
    if objective not in _OBJECTIVES or not _DIGITS.fullmatch(alternatives):
        return None
    if int(alternatives) > QUICK_ALTERNATIVES:
        return None
    if year is not None and not (_DIGITS.fullmatch(year) and 1850 <= int(year) <= 2100):
        return None
    scenario = values.get("scenario")
    try:
        shipped_scenario(scenario)
    except InputError:
        return None
    return RouteQuery(
        origin,
        destination,
        year=None if year is None else int(year),
        objective=objective,
        alternatives=int(alternatives),
        scenario=scenario,
    )
