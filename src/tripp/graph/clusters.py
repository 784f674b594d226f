"""The cluster of a place: the atlas nodes that passing counts as passing the place.

A route *via* P passes through P's cluster, not a detour into P and back. The rule, from
the atlas's own geometry:

* P itself;
* the same place under another node: every node of kind port, rail_station, terminal,
  dry_port or border_crossing within :data:`SAME_PLACE_KM` of P (the two sides of one
  border crossing, a station at a crossing: 1–4 km apart in the atlas; the next closest
  distinct places are 6 km apart);
* for a city, its own freight facilities: every port, terminal or dry_port in the same
  country within :data:`CITY_FACILITY_KM` whose name or alternative names contain the
  city's name ("Port of Baku (Alat)" for Baku, 63 km from the city centre, the one such
  facility in the atlas). Nearness alone is not enough: Astara's terminal is 54 km from
  Ardabil and Bandar Anzali 25 km from Rasht, but each is a place of its own.

Distances are great-circle (haversine, IUGG mean Earth radius 6,371.0088 km,
:func:`great_circle_km`, which route warnings use too).
"""

from __future__ import annotations

import math

from tripp.atlas.model import Atlas, Node
from tripp.units import EARTH_RADIUS_KM

__all__ = ["CITY_FACILITY_KM", "EARTH_RADIUS_KM", "SAME_PLACE_KM", "cluster", "great_circle_km"]

#: Nodes closer than this are one place (the two sides of a crossing).
SAME_PLACE_KM = 5.0
#: A city's port, terminal or dry port lies within this distance of it.
CITY_FACILITY_KM = 65.0
_SAME_PLACE_KINDS = ("port", "rail_station", "terminal", "dry_port", "border_crossing")
_FACILITY_KINDS = ("port", "terminal", "dry_port")


def great_circle_km(lon_a: float, lat_a: float, lon_b: float, lat_b: float) -> float:
    """Great-circle distance (km) between two points in degrees, by the haversine formula.

    >>> round(great_circle_km(0.0, 0.0, 90.0, 0.0))
    10008
    """
    phi_a, phi_b = math.radians(lat_a), math.radians(lat_b)
    d_phi, d_lambda = phi_b - phi_a, math.radians(lon_b - lon_a)
    h = math.sin(d_phi / 2) ** 2 + math.cos(phi_a) * math.cos(phi_b) * math.sin(d_lambda / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(h)))


def distance_km(a: Node, b: Node) -> float:
    """Great-circle distance between two nodes (km)."""
    return great_circle_km(a.lon, a.lat, b.lon, b.lat)


def cluster(atlas: Atlas, node_id: str) -> tuple[str, ...]:
    """The node ids that count as passing ``node_id``: itself first, then the rest by id.

    >>> from tripp.atlas import load_atlas
    >>> cluster(load_atlas(), "baku")
    ('baku', 'alat')
    """
    place = atlas.node_by_id[node_id]
    members = {
        n.node_id
        for n in atlas.nodes
        if n.kind in _SAME_PLACE_KINDS and distance_km(place, n) <= SAME_PLACE_KM
    }
    if place.kind == "city":
        city = place.name.casefold()
        for n in atlas.nodes:
            if (
                n.kind in _FACILITY_KINDS
                and n.country == place.country
                and distance_km(place, n) <= CITY_FACILITY_KM
                and any(city in name.casefold() for name in (n.name, *n.alt_names))
            ):
                members.add(n.node_id)
    members.discard(node_id)
    return (node_id, *sorted(members))
