"""Warnings for routes a user should not take at face value: detours.

Two rules, each a line in :attr:`RouteResult.warnings <tripp.routing.result.RouteResult>`:

* **Detour**: a route longer than :data:`DETOUR_FACTOR` (3) × the great-circle distance from
  origin to destination (:func:`tripp.graph.clusters.great_circle_km`) is named with its
  factor: the network may lack a shorter connection, or the request rules it out.
* **Modes forced it**: with modes restricted, when the best route is longer than
  :data:`MODES_DETOUR_FACTOR` (1.5) × the best route with every mode allowed (same objective,
  year and other constraints), the warning says so with both lengths, e.g. ``tripp route
  Nakhchivan Yerevan --modes rail``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from tripp.graph.clusters import great_circle_km
from tripp.graph.compile import Graph
from tripp.routing.request import RouteRequest
from tripp.routing.result import Route
from tripp.units import FREIGHT_MODES

#: A route longer than this many times the great-circle distance gets a warning.
DETOUR_FACTOR = 3.0
#: A mode-restricted route longer than this many times the unrestricted one gets a warning.
MODES_DETOUR_FACTOR = 1.5


def detour_warnings(
    graph: Graph,
    request: RouteRequest,
    routes: Sequence[Route],
    *,
    unrestricted: Callable[[Graph, RouteRequest], float | None],
) -> tuple[str, ...]:
    """The warning lines for ``routes`` (best first) answering ``request``.

    ``unrestricted(graph, request)``: the length (km) of the best route with every mode
    allowed, or None; called only when the request restricts modes.
    """
    nodes = graph.atlas.node_by_id
    a, b = nodes[request.origin], nodes[request.destination]
    crow_km = great_circle_km(a.lon, a.lat, b.lon, b.lat)
    lines = []
    far = [r for r in routes if crow_km > 0 and r.distance_km > DETOUR_FACTOR * crow_km]
    if far:
        first = far[0]
        lines.append(
            f"route {first.rank} is {first.distance_km:,.0f} km, "
            f"{first.distance_km / crow_km:.1f}× the {crow_km:,.0f} km great-circle "
            f"distance from {a.name} to {b.name} (more than {DETOUR_FACTOR:g}×)"
        )
    if len(far) > 1:
        ranks = ", ".join(str(r.rank) for r in far[1:])
        worst = max(r.distance_km for r in far[1:]) / crow_km
        lines.append(f"routes {ranks} are more than {DETOUR_FACTOR:g}× too (up to {worst:.1f}×)")
    if set(request.modes) != set(FREIGHT_MODES) and routes:
        best = routes[0]
        open_km = unrestricted(graph, request)
        if open_km and best.distance_km > MODES_DETOUR_FACTOR * open_km:
            lines.append(
                f"the modes asked for ({', '.join(request.modes)}) force a detour: route 1 "
                f"is {best.distance_km:,.0f} km, {best.distance_km / open_km:.1f}× the "
                f"{open_km:,.0f} km of the best route with every mode"
            )
    return tuple(lines)
