"""Frozen route results with conversions to JSON, GeoJSON and pandas.

A route's totals are the sums of its legs: link legs (line haul), ``transfer`` legs (mode
or gauge changes) and ``border`` legs (border-crossing dwell and fees).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd

    from tripp.atlas.model import Atlas


@dataclass(frozen=True, slots=True)
class Leg:
    """One step of a route. ``kind`` is ``link``, ``transfer`` or ``border``."""

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
        return {
            "kind": self.kind,
            "mode": self.mode,
            "distance_km": self.distance_km,
            "time_h": self.time_h,
            "cost_usd": self.cost_usd,
            "country": self.country,
            "detail": self.detail,
            "link_id": self.link_id,
            "from": self.from_node,
            "to": self.to_node,
        }


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
    """One route and its totals (sums of its legs)."""

    rank: int
    distance_km: float
    time_h: float
    cost_usd: float
    generalized_cost_usd: float
    legs: tuple[Leg, ...]
    countries: tuple[str, ...]
    border_crossings: tuple[BorderCrossing, ...]
    gauge_changes: tuple[Transfer, ...]
    transfers: tuple[Transfer, ...]

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
        return {
            "rank": self.rank,
            "distance_km": round(self.distance_km, 3),
            "time_h": round(self.time_h, 3),
            "time_days": round(self.time_h / 24.0, 3),
            "cost_usd": round(self.cost_usd, 2),
            "generalized_cost_usd": round(self.generalized_cost_usd, 2),
            "countries": list(self.countries),
            "border_crossings": [
                {
                    "node": b.node,
                    "from_country": b.from_country,
                    "to_country": b.to_country,
                    "mode": b.mode,
                    "dwell_h": b.dwell_h,
                    "cost_usd": b.cost_usd,
                }
                for b in self.border_crossings
            ],
            "gauge_changes": [
                {
                    "node": g.node,
                    "from_gauge_mm": g.from_gauge_mm,
                    "to_gauge_mm": g.to_gauge_mm,
                    "time_h": g.time_h,
                    "cost_usd": g.cost_usd,
                }
                for g in self.gauge_changes
            ],
            "transfers": [
                {
                    "node": t.node,
                    "from_mode": t.from_mode,
                    "to_mode": t.to_mode,
                    "time_h": t.time_h,
                    "cost_usd": t.cost_usd,
                }
                for t in self.transfers
            ],
            "legs": [leg.to_dict() for leg in self.legs],
        }


@dataclass(frozen=True)
class RouteResult:
    """The answer to one routing request: ranked routes and the request that produced them."""

    origin: str
    destination: str
    objective: str
    year: int
    routes: tuple[Route, ...]
    via: tuple[str, ...] = ()
    avoid_countries: tuple[str, ...] = ()
    avoid_nodes: tuple[str, ...] = ()
    modes: tuple[str, ...] = ()
    atlas: Atlas | None = None

    def to_dict(self) -> dict[str, Any]:
        """The stable JSON shape: origin, destination, objective, year, routes, constraints."""
        return {
            "origin": self.origin,
            "destination": self.destination,
            "objective": self.objective,
            "year": self.year,
            "routes": [route.to_dict() for route in self.routes],
            "via": list(self.via),
            "avoid_countries": list(self.avoid_countries),
            "avoid_nodes": list(self.avoid_nodes),
            "modes": list(self.modes),
        }

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
