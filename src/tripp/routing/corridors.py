"""What makes two routes different corridors, and how an alternative says so.

A route's :class:`Corridor` is what a user would call "the way it goes": the set of
countries it touches, and in order its border crossings as (from country, to country, mode)
and its voyages (a run of ``sea``/``ferry`` links between two ports) as (port country, port
country, mode, the voyage's corridor tags). Parallel crossings of one border (Dostyk and
Khorgos, both CN → KZ by rail) and parallel ports of one crossing (Kuryk and Aktau, both
KZ → AZ by Caspian ferry, tag TITR) give the same corridor; Suez and the Cape (tags Suez vs
Cape) do not. :mod:`tripp.routing.alternatives` accepts an alternative in the same corridor as
a better route only when a large share of its length is its own (``min_difference``).

:func:`differs_by` writes how a route differs from the best one, e.g. ``via IR; avoids GE``,
``Caspian ferry Kuryk–Alat`` or ``31% of its length on links route 1 does not use, via
Almaty``.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from tripp.atlas.model import Atlas
from tripp.routing.result import Route
from tripp.units import INTERNATIONAL_WATERS

#: Modes whose links are voyages between ports.
WATER_MODES = ("sea", "ferry")
#: Countries on each enclosed sea, to name a ferry crossing ("Caspian ferry Kuryk–Alat").
SEAS = {
    "Caspian": frozenset({"AZ", "IR", "KZ", "RU", "TM"}),
    "Black Sea": frozenset({"BG", "GE", "RO", "RU", "TR", "UA"}),
}

#: One border crossing (``border``, from, to, mode) or voyage (``voyage``, from, to, mode,
#: tags joined by ``+``).
Passage = tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Corridor:
    """The countries of a route and its passages (border crossings and voyages) in order."""

    countries: frozenset[str]
    passages: tuple[Passage, ...]


@dataclass(frozen=True, slots=True)
class _Voyage:
    passage: Passage
    start: str  # port node id
    end: str


def corridor(route: Route, atlas: Atlas) -> Corridor:
    """The corridor ``route`` runs in (module docstring)."""
    return Corridor(frozenset(route.countries), tuple(_key(p) for p in _passages(route, atlas)))


def _passages(route: Route, atlas: Atlas) -> list[Passage | _Voyage]:
    """Border crossings and voyages of ``route``, in order."""
    nodes, links = atlas.node_by_id, atlas.link_by_id
    found: list[Passage | _Voyage] = []
    voyage: list[str] = []  # link ids of the voyage under way
    start = ""
    crossings = iter(route.border_crossings)  # one per border leg, in the same order
    for leg in route.legs:
        if leg.kind == "border":
            c = next(crossings)
            if INTERNATIONAL_WATERS not in (c.from_country, c.to_country):  # voyages hold those
                found.append(("border", c.from_country, c.to_country, c.mode))
            continue
        if leg.kind != "link":
            continue
        if leg.mode in WATER_MODES:
            if not voyage:
                start = leg.from_node
            voyage.append(leg.link_id)
            if nodes[leg.to_node].country == INTERNATIONAL_WATERS:
                continue  # a waypoint at sea: the voyage goes on
            tags = sorted({tag for link_id in voyage for tag in links[link_id].corridors})
            passage = (
                "voyage",
                nodes[start].country,
                nodes[leg.to_node].country,
                leg.mode,
                "+".join(tags),
            )
            found.append(_Voyage(passage, start, leg.to_node))
            voyage = []
    return found


def differs_by(route: Route, better: Sequence[Route], atlas: Atlas) -> str:
    """How ``route`` differs from the ``better`` routes (best first), in words; "" for the
    best route itself.

    First the countries it adds to and drops from the best route (``via IR; avoids GE``),
    with the voyages the best route does not make (``Caspian ferry Kuryk–Alat``); then,
    against the first better route with the same countries (the best one, when
    none changed), the passages of its own (``Caspian ferry Kuryk–Alat``, ``crosses AZ → TR by
    road``), else the share of its length on links of its own (``31% of its length on links
    route 1 does not use, via Almaty``).
    """
    if not better:
        return ""
    best = better[0]
    added = [c for c in route.countries if c not in best.countries]
    dropped = [c for c in best.countries if c not in route.countries]
    parts = []
    if added:
        parts.append("via " + ", ".join(dict.fromkeys(added)))
    if dropped:
        parts.append("avoids " + ", ".join(dict.fromkeys(dropped)))
    same = [r for r in better if set(r.countries) == set(route.countries)]
    if parts and not same:
        voyages = _own_passages(route, best, atlas, voyages_only=True)
        return "; ".join([*parts, *voyages])
    twin = same[0] if same else best
    passages = _own_passages(route, twin, atlas)
    if passages:
        return "; ".join([*parts, *passages])
    own_km, via = _own_stretch(route, twin)
    share = own_km / route.distance_km if route.distance_km > 0 else 0.0
    names = atlas.node_by_id
    shown = ", ".join(names[n].name if n in names else n for n in via[:2])
    words = f"{share:.0%} of its length on links route {twin.rank} does not use"
    return "; ".join([*parts, words + (f", via {shown}" if shown else "")])


def _own_passages(
    route: Route, other: Route, atlas: Atlas, *, voyages_only: bool = False
) -> list[str]:
    """The border crossings and voyages of ``route`` that ``other`` does not make, in words
    (only the voyages with ``voyages_only``)."""
    theirs = Counter(_key(p) for p in _passages(other, atlas))
    words = []
    for item in _passages(route, atlas):
        key = _key(item)
        if theirs[key] > 0:
            theirs[key] -= 1
        elif isinstance(item, _Voyage):
            words.append(_voyage_words(item, atlas))
        elif not voyages_only:
            words.append(f"crosses {key[1]} → {key[2]} by {key[3]}")
    return list(dict.fromkeys(words))


def _key(item: Passage | _Voyage) -> Passage:
    return item.passage if isinstance(item, _Voyage) else item


def _voyage_words(voyage: _Voyage, atlas: Atlas) -> str:
    """``Caspian ferry Kuryk–Alat``, ``sea Shanghai–Rotterdam (Cape, Suez)``."""
    names = atlas.node_by_id
    _, origin, destination, mode, tags = voyage.passage
    sea = next(
        (name for name, shores in SEAS.items() if {origin, destination} <= shores),
        "",
    )
    ends = f"{names[voyage.start].name}–{names[voyage.end].name}"
    if mode == "ferry":
        return f"{sea} ferry {ends}".strip()
    shown_tags = f" ({tags.replace('+', ', ')})" if tags else ""
    return f"sea {ends}{shown_tags}"


def _own_stretch(route: Route, best: Route) -> tuple[float, list[str]]:
    """Length (km) of ``route`` on links ``best`` does not use, and the places along them."""
    shared = set(best.link_ids)
    best_nodes = set(best.nodes)
    km = 0.0
    places: list[str] = []
    for leg in route.legs:
        if leg.kind == "link" and leg.link_id not in shared:
            km += leg.distance_km
            if leg.to_node not in best_nodes and leg.to_node not in places:
                places.append(leg.to_node)
    return km, places
