"""How OpenStreetMap tags become atlas attributes: the tag mapping as data, and the parsers
of ``maxspeed``, ``gauge`` and ``duration``.

The mapping (documented in docs/import.md, *Importing OpenStreetMap*):

* ``railway=rail`` → rail, kept unless ``service`` is one of :data:`DROPPED_SERVICES` (yard
  tracks, sidings, crossovers and spurs are not the network) or ``usage`` is one of
  :data:`DROPPED_USAGES`; ``gauge`` (mm, ``;``-separated for dual gauge) is required.
* ``highway`` in :data:`ROAD_CLASSES` → road, by class.
* ``route=ferry`` → ferry, with ``duration`` (``mm``, ``hh:mm`` or ``hh:mm:ss``) as its time.

Speeds are the atlas's *average commercial speed of freight*, not a line limit: each mode
and class has a published default (:data:`RAIL_SPEED`, :data:`ROAD_SPEED`); a ``maxspeed``
(``maxspeed:hgv`` first on roads) lower than the default caps it.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Final, Protocol

from tripp.units import GAUGES_MM

#: The tags the reader fetches from every way, in this order.
WAY_KEYS: Final = (
    "railway",
    "highway",
    "route",
    "gauge",
    "maxspeed",
    "maxspeed:hgv",
    "electrified",
    "usage",
    "service",
)
#: ``highway`` values read, motorway to secondary with their ``_link`` ramps.
ROAD_CLASSES: Final = (
    "motorway",
    "motorway_link",
    "trunk",
    "trunk_link",
    "primary",
    "primary_link",
    "secondary",
    "secondary_link",
)
#: ``service`` values of tracks that are not part of the network (counted, not read).
DROPPED_SERVICES: Final = frozenset({"yard", "siding", "crossover", "spur"})
#: ``usage`` values of lines that carry no freight (counted, not read).
DROPPED_USAGES: Final = frozenset({"tourism", "test"})
#: Node tags that make a place, as (key, value) → atlas node kind.
PLACE_TAGS: Final = {
    ("railway", "station"): "rail_station",
    ("railway", "halt"): "rail_station",
    ("railway", "yard"): "rail_station",
    ("amenity", "ferry_terminal"): "port",
    ("barrier", "border_control"): "border_crossing",
}
#: ``station`` values of stations that are not on the freight network.
URBAN_STATIONS: Final = frozenset({"subway", "light_rail", "monorail", "funicular", "tram"})
KMH_PER_MPH: Final = 1.609344
KMH_PER_KNOT: Final = 1.852


class TagLookup(Protocol):
    """What :func:`place_kind` needs of a node's tags (a dict or pyosmium's TagList)."""

    def get(self, key: str, default: None = None) -> str | None: ...


@dataclass(frozen=True, slots=True)
class SpeedDefault:
    """A default freight speed and where it is published (an id of the embedded atlas's
    sources.csv, copied into the imported folder)."""

    speed_kmh: float
    source_id: str
    basis: str


#: Rail: CAREC-wide rail speed without delay, 2022 (ADB CAREC CPMM), for every kept line.
RAIL_SPEED: Final = SpeedDefault(
    53.9, "carec_2022_all", "CAREC-wide rail speed without delay (SWOD) 2022, 53.9 km/h"
)
#: Roads: CAREC-wide road speed without delay, 2022, for every class (no per-class freight
#: speed is published for the region).
ROAD_SPEED: Final = SpeedDefault(
    42.0, "carec_2022_road", "CAREC-wide road speed without delay (SWOD) 2022, 42.0 km/h"
)


@dataclass(frozen=True, slots=True)
class WayClass:
    """What a kept way is, reduced to what the atlas row needs. Ways of equal class may be
    merged into one link. ``limit_kmh`` is the tagged speed limit (NaN: none given)."""

    mode: str
    road_class: str = ""
    gauge_mm: int = 0
    limit_kmh: float = math.nan
    electrified: str = ""
    usage: str = ""

    def speed_kmh(self) -> tuple[float, SpeedDefault, bool]:
        """The freight speed, its default and whether the tagged limit capped it (rail and
        road; ferries take their ``duration`` or the embedded atlas's ferry speed)."""
        default = RAIL_SPEED if self.mode == "rail" else ROAD_SPEED
        if self.limit_kmh < default.speed_kmh:  # False for NaN
            return self.limit_kmh, default, True
        return default.speed_kmh, default, False


def classify_way(tags: tuple[str | None, ...]) -> tuple[WayClass, ...] | str:
    """The classes of a way from its :data:`WAY_KEYS` values (None: absent), or the reason it
    is skipped. A dual-gauge track (``gauge=1520;1435``) gives one class per gauge.

    >>> dual = classify_way(("rail", None, None, "1520;1435", "80", None, "no", "main", None))
    >>> [(c.gauge_mm, c.limit_kmh) for c in dual]
    [(1520, 80.0), (1435, 80.0)]
    >>> classify_way(("rail", None, None, "1435", None, None, None, None, "siding"))
    'rail service=siding'
    """
    railway, highway, route, gauge, maxspeed, maxspeed_hgv, electrified, usage, service = tags
    if railway == "rail":
        if service in DROPPED_SERVICES:
            return f"rail service={service}"
        if usage in DROPPED_USAGES:
            return f"rail usage={usage}"
        if gauge is None:
            return "rail without gauge"
        gauges = parse_gauge_mm(gauge)
        if gauges is None:
            return "rail with a gauge the atlas does not know"
        limit = parse_speed_kmh(maxspeed)
        return tuple(WayClass("rail", "", g, limit, electrified or "", usage or "") for g in gauges)
    if highway in ROAD_CLASSES:
        limit = parse_speed_kmh(maxspeed_hgv)
        if math.isnan(limit):
            limit = parse_speed_kmh(maxspeed)
        return (WayClass("road", highway, 0, limit),)
    if route == "ferry":
        return (WayClass("ferry"),)
    return "not rail, road or ferry"


_NUMBER = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(mph|knots|km/h|kmh|kph)?\s*$")


def parse_speed_kmh(text: str | None) -> float:
    """A ``maxspeed`` value in km/h: ``"100"``, ``"60 mph"``, ``"10 knots"``, the lowest of
    ``"100;80"``; NaN for none, ``"none"``, ``"signals"`` and implicit values such as
    ``"RU:rural"`` (these give no number: the class default applies).

    >>> parse_speed_kmh("60 mph"), parse_speed_kmh("100;80"), parse_speed_kmh("RU:rural")
    (96.56064, 80.0, nan)
    """
    if not text:
        return math.nan
    speeds = []
    for part in text.split(";"):
        match = _NUMBER.match(part)
        if match is None:
            continue
        value = float(match.group(1))
        unit = match.group(2)
        factor = KMH_PER_MPH if unit == "mph" else KMH_PER_KNOT if unit == "knots" else 1.0
        if value > 0:
            speeds.append(value * factor)
    return min(speeds) if speeds else math.nan


def parse_gauge_mm(text: str) -> tuple[int, ...] | None:
    """The gauges of a ``gauge`` value (``"1435"``, ``"1520;1435"``), or None when one is not
    a number in :data:`~tripp.units.GAUGES_MM` (``"standard"``, ``"1429"``).

    >>> parse_gauge_mm("1520;1435"), parse_gauge_mm("standard")
    ((1520, 1435), None)
    """
    gauges = []
    for part in text.split(";"):
        part = part.strip()
        if not part.isdigit() or int(part) not in GAUGES_MM:
            return None
        gauges.append(int(part))
    return tuple(dict.fromkeys(gauges))


def parse_duration_h(text: str | None) -> float:
    """A ferry's ``duration`` in hours: ``"mm"``, ``"hh:mm"`` or ``"hh:mm:ss"``; NaN when
    absent or unreadable.

    >>> parse_duration_h("12:30"), parse_duration_h("45"), parse_duration_h("soon")
    (12.5, 0.75, nan)
    """
    if not text:
        return math.nan
    parts = text.strip().split(":")
    if not 1 <= len(parts) <= 3 or not all(p.isdigit() for p in parts):
        return math.nan
    numbers = [int(p) for p in parts]
    if len(numbers) == 1:
        hours = numbers[0] / 60
    else:
        hours = numbers[0] + numbers[1] / 60 + (numbers[2] / 3600 if len(numbers) == 3 else 0)
    return hours if hours > 0 else math.nan


def place_kind(tags: TagLookup) -> str | None:
    """The atlas node kind a tagged node stands for (:data:`PLACE_TAGS`), or None; stations
    of metros, trams and the like (``station`` in :data:`URBAN_STATIONS`) are not places.

    >>> place_kind({"railway": "station"}), place_kind({"railway": "station", "station": "subway"})
    ('rail_station', None)
    """
    if tags.get("station") in URBAN_STATIONS:
        return None
    for (key, value), kind in PLACE_TAGS.items():
        if tags.get(key) == value:
            return kind
    return None
