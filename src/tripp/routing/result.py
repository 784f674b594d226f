"""Frozen route results with conversions to JSON, GeoJSON and pandas.

A route's totals are the sums of its legs: link legs (line haul), ``transfer`` legs (mode
or gauge changes), ``border`` legs (border-crossing dwell and fees) and ``wait`` legs (the
mean wait for a scheduled service boarded). Costs are in USD per unit of the request's
cargo type (``Route.cost_unit``: TEU, t or truck).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from tripp.atlas.jsonshape import JsonShape, Key, computed, nested, renamed, rounded

if TYPE_CHECKING:
    import pandas as pd

    from tripp.atlas.model import Atlas


@dataclass(frozen=True, slots=True)
class Leg:
    """One step of a route. ``kind`` is ``link``, ``transfer``, ``border`` or ``wait``."""

    kind: str
    from_node: str
    to_node: str
    mode: str
    distance_km: float
    time_h: float
    cost_usd: float
    country: str
    detail: str = ""
    link_id: str = ""

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready mapping with keys ``from`` and ``to`` for the node ids."""
        return LEG_JSON.dump(self)


#: A leg's JSON: the node ids as ``from`` and ``to``, last.
LEG_JSON = JsonShape(
    Leg,
    *("kind", "mode", "distance_km", "time_h", "cost_usd", "country", "detail", "link_id"),
    renamed("from", "from_node"),
    renamed("to", "to_node"),
)


@dataclass(frozen=True, slots=True)
class BorderCrossing:
    """A border crossed at ``node``."""

    node: str
    from_country: str
    to_country: str
    mode: str
    dwell_h: float
    cost_usd: float


@dataclass(frozen=True, slots=True)
class Transfer:
    """A change of mode (or of gauge, with both gauges given) at ``node``."""

    node: str
    from_mode: str
    to_mode: str
    time_h: float
    cost_usd: float
    from_gauge_mm: int | None = None
    to_gauge_mm: int | None = None


@dataclass(frozen=True, slots=True)
class Route:
    """One route and its totals (sums of its legs).

    ``generalized_cost_usd`` is None when no value of time is known (neither given nor in
    the atlas); ``differs_by`` says how an alternative differs from the best route, e.g.
    ``via IR; avoids GE`` ("" for the best, :func:`tripp.routing.corridors.differs_by`).
    """

    rank: int
    distance_km: float
    time_h: float
    cost_usd: float
    generalized_cost_usd: float | None
    legs: tuple[Leg, ...]
    countries: tuple[str, ...]
    border_crossings: tuple[BorderCrossing, ...]
    gauge_changes: tuple[Transfer, ...]
    transfers: tuple[Transfer, ...]
    differs_by: str = ""
    cost_unit: str = "TEU"  # the unit costs are per: TEU, t or truck

    @property
    def nodes(self) -> tuple[str, ...]:
        """Node ids visited in order."""
        visited = [self.legs[0].from_node] if self.legs else []
        for leg in self.legs:
            if leg.to_node != visited[-1]:
                visited.append(leg.to_node)
        return tuple(visited)

    @property
    def link_ids(self) -> tuple[str, ...]:
        """Atlas link ids used, in order."""
        return tuple(leg.link_id for leg in self.legs if leg.kind == "link")

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready mapping (the ``routes`` items of the route JSON)."""
        return ROUTE_JSON.dump(self)


#: A gauge change's JSON: a :class:`Transfer` without the modes.
GAUGE_CHANGE_JSON = JsonShape(
    Transfer,
    *("node", "from_gauge_mm", "to_gauge_mm", "time_h", "cost_usd"),
    omit=("from_mode", "to_mode"),
    title="GaugeChange",
)
#: A transfer's JSON: a :class:`Transfer` without the gauges.
TRANSFER_JSON = JsonShape(Transfer, omit=("from_gauge_mm", "to_gauge_mm"))
#: A route's JSON: totals rounded (km and h to 3 decimals, USD to cents), time also in days.
ROUTE_JSON = JsonShape(
    Route,
    "rank",
    "differs_by",
    rounded("distance_km", 3),
    rounded("time_h", 3),
    computed("time_days", float, lambda r: round(r.time_h / 24.0, 3), "time_h / 24"),
    rounded("cost_usd", 2),
    Key(
        "generalized_cost_usd",
        lambda r: None if r.generalized_cost_usd is None else round(r.generalized_cost_usd, 2),
        field="generalized_cost_usd",
    ),
    "cost_unit",
    "countries",
    nested("border_crossings", JsonShape(BorderCrossing)),
    nested("gauge_changes", GAUGE_CHANGE_JSON),
    nested("transfers", TRANSFER_JSON),
    nested("legs", LEG_JSON),
)


@dataclass(frozen=True)
class RouteResult:
    """The answer to one routing request: ranked routes and the request that produced them.

    ``warnings``: lines a user should read before trusting the routes, e.g. a route far
    longer than the great-circle distance (:mod:`tripp.routing.detours`).
    """

    origin: str
    destination: str
    objective: str
    year: int
    routes: tuple[Route, ...]
    via: tuple[str, ...] = ()
    avoid_countries: tuple[str, ...] = ()
    avoid_nodes: tuple[str, ...] = ()
    modes: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()
    atlas: Atlas | None = None
    cargo_type: str = "container"

    def to_dict(self) -> dict[str, Any]:
        """The stable JSON shape: origin, destination, objective, year, routes, constraints."""
        return ROUTE_RESULT_JSON.dump(self)

    def to_json(self, *, indent: int | None = 2) -> str:
        """The result as JSON text."""
        return json.dumps(self.to_dict(), indent=indent, ensure_ascii=False)

    def to_geojson(self) -> dict[str, Any]:
        """A GeoJSON FeatureCollection of legs: lines for links, points for transfers/borders."""
        if self.atlas is None:
            raise ValueError("this result carries no atlas to take coordinates from")
        nodes = self.atlas.node_by_id
        features = []
        for route in self.routes:
            for index, leg in enumerate(route.legs):
                a, b = nodes[leg.from_node], nodes[leg.to_node]
                geometry: dict[str, Any]
                if leg.kind == "link":
                    geometry = {
                        "type": "LineString",
                        "coordinates": [[a.lon, a.lat], [b.lon, b.lat]],
                    }
                else:
                    geometry = {"type": "Point", "coordinates": [a.lon, a.lat]}
                properties = {"route": route.rank, "leg": index, **leg.to_dict()}
                features.append({"type": "Feature", "geometry": geometry, "properties": properties})
        return {"type": "FeatureCollection", "features": features}

    def to_frame(self) -> pd.DataFrame:
        """One row per leg, with the route's rank."""
        import pandas as pd

        rows = [
            {"route": r.rank, "leg": i, **leg.to_dict()}
            for r in self.routes
            for i, leg in enumerate(r.legs)
        ]
        return pd.DataFrame(rows)


#: The JSON of ``tripp route --format json``: the request and its ranked routes.
ROUTE_RESULT_JSON = JsonShape(
    RouteResult,
    *("origin", "destination", "objective", "year"),
    nested("routes", ROUTE_JSON),
    "warnings",
    omit=("atlas",),
)
