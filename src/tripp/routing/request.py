"""A route request: what to route, checked once, whichever interface asked.

The command line, the REST API and Python all build a :class:`RouteRequest` with
:meth:`RouteRequest.check`, which holds the one rule set: lists are comma-split, stripped
and emptied of blanks; the year defaults to the network's and lies in the atlas's
:func:`supported_years`; countries are codes or names ("Russia" → ``RU``); the value of time
is finite and ≥ 0 or None (the cargo type's figure from the atlas, :func:`atlas_vot`);
places resolve by id, name or alternative name with "did you mean …?". Every problem
is raised at once in a :class:`~tripp.errors.InputError` naming the request's fields
(``avoid_countries``); each interface words them its own way (``--avoid-country``).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from tripp.atlas.countries import country_code, country_hint
from tripp.atlas.lookup import find_node
from tripp.atlas.model import DEFAULT_CARGO_TYPE, Atlas, CargoType
from tripp.atlas.names import hint
from tripp.errors import FieldProblem, InputError, Mention
from tripp.graph.compile import Graph
from tripp.routing.objective import DEFAULT_OBJECTIVE, Objective
from tripp.units import FREIGHT_MODES

#: Years before the atlas's ``as_of_year`` that it still describes: it holds today's
#: statuses and the open years of what is new, not the history of what closed or changed.
LOOKBACK_YEARS = 5
#: Years after the latest ``open_year`` the atlas lists (or its ``as_of_year``, if later)
#: that it still describes: past them no project is known, and the answer would be today's
#: network presented as the future.
HORIZON_YEARS = 10
#: How many distinct routes a request may ask for.
MAX_ALTERNATIVES = 20
#: The share of its length (km) on links of its own that an alternative in the same
#: corridor as a better route needs (:mod:`tripp.routing.alternatives`): "a large share",
#: above the 28 % by which Almaty→Baku via Aktau differs from the same trip via Kuryk.
MIN_DIFFERENCE = 0.3

__all__ = [
    "DEFAULT_OBJECTIVE",
    "MAX_ALTERNATIVES",
    "MIN_DIFFERENCE",
    "Listed",
    "Objective",
    "RouteRequest",
    "RouteSettings",
    "atlas_vot",
    "split_list",
    "supported_years",
    "vot_problems",
    "year_problems",
]

#: A list option: one text, or several, each of which may be comma-separated.
Listed = str | Sequence[str] | None


def supported_years(atlas: Atlas) -> tuple[int, int]:
    """The first and last year ``atlas`` can describe a network in, inclusive.

    The rule: from ``as_of_year − LOOKBACK_YEARS`` to ``max(as_of_year, the latest
    open_year of its links) + HORIZON_YEARS`` (2021 to 2042 for the embedded atlas, as of
    2026 with projects to 2030). Every interface checks a year against it (routes,
    scenarios, the REST API).
    """
    latest = atlas.latest_link_open_year  # kept on the atlas: a million links per request
    last = max(atlas.as_of_year, atlas.as_of_year if latest is None else latest) + HORIZON_YEARS
    return atlas.as_of_year - LOOKBACK_YEARS, last


def year_problems(atlas: Atlas, year: int, *, field: str = "year") -> list[FieldProblem]:
    """The year rule, the same for every interface: ``year`` within :func:`supported_years`."""
    first, last = supported_years(atlas)
    if first <= year <= last:
        return []
    problem = f"{year} is outside the years this atlas describes, {first} to {last}"
    fix = (
        f"give a year from {first} to {last} (the atlas is as of {atlas.as_of_year}; "
        f"see docs/routing.md, 'Years')"
    )
    return [FieldProblem(field, (problem,), (fix,))]


def atlas_vot(atlas: Atlas, cargo_type: str = DEFAULT_CARGO_TYPE) -> float:
    """The value of time of ``cargo_type`` from the atlas, USD per unit (TEU, t, truck)
    and hour.

    The one place the value of time comes from when a request gives none: the
    ``vot_usd_per_unit_h`` of the cargo type's row in cargo_types.csv. An atlas without the
    table (whose implicit container has no figure) raises :class:`~tripp.errors.InputError`
    naming ``vot_usd_per_teu_h``: the value of time is never a placeholder.
    """
    row = atlas.cargo_type_by_id.get(cargo_type)
    value = None if row is None else row.vot_usd_per_unit_h
    if value is not None and math.isfinite(value) and value >= 0:
        return value
    raise InputError(
        FieldProblem(
            "vot_usd_per_teu_h",
            (f"the atlas gives no value of time for cargo type '{cargo_type}'",),
            (
                "give a value of time in USD per TEU-hour, or add vot_usd_per_unit_h "
                "to the atlas's cargo_types.csv",
            ),
        )
    )


def vot_problems(vot_usd_per_teu_h: float | None) -> list[FieldProblem]:
    """The value-of-time rule, the same for every interface: a finite number ≥ 0, or None
    (the cargo type's figure from the atlas, :func:`atlas_vot`)."""
    if vot_usd_per_teu_h is None:
        return []
    if not math.isfinite(vot_usd_per_teu_h):
        return [FieldProblem("vot_usd_per_teu_h", ("is not finite",), ("give a value ≥ 0",))]
    if vot_usd_per_teu_h < 0:
        return [FieldProblem("vot_usd_per_teu_h", ("is negative",), ("give a value ≥ 0",))]
    return []


@dataclass(frozen=True, slots=True)
class RouteSettings:
    """Parameters of the generalised cost, per TEU.

    ``vot_usd_per_teu_h``: value of time of a loaded container, USD per TEU-hour; None (the
    default) takes the cargo type's figure from the atlas (:func:`atlas_vot`), never a
    placeholder. Raises :class:`~tripp.errors.InputError` unless it is None or finite and ≥ 0.
    """

    vot_usd_per_teu_h: float | None = None

    def resolved_vot(self, atlas: Atlas) -> float:
        """The value of time to price with: the one given, else the atlas's (USD/TEU-h)."""
        return atlas_vot(atlas) if self.vot_usd_per_teu_h is None else self.vot_usd_per_teu_h

    def __post_init__(self) -> None:
        problems = vot_problems(self.vot_usd_per_teu_h)
        if problems:
            raise InputError(problems)


def split_list(values: Listed) -> tuple[str, ...]:
    """A list option flattened: each text comma-split, items stripped, blanks dropped."""
    texts = [values] if isinstance(values, str) else list(values or ())
    return tuple(item.strip() for text in texts for item in text.split(",") if item.strip())


@dataclass(frozen=True)
class RouteRequest:
    """A checked route request: places as node ids, countries as upper-case ISO codes.

    Build it with :meth:`check`; the constructor trusts its arguments.
    ``vot_usd_per_teu_h`` prices time in the generalized objective (USD per TEU-hour); None:
    the cargo type's figure from the atlas (:func:`atlas_vot`).
    ``cargo_type``: what is carried (cargo_types.csv): the modes, transfers, services and
    tariffs it may use and the unit its costs are per.
    """

    origin: str
    destination: str
    year: int
    via: tuple[str, ...] = ()
    avoid_countries: tuple[str, ...] = ()
    avoid_nodes: tuple[str, ...] = ()
    modes: tuple[str, ...] = FREIGHT_MODES
    objective: Objective = DEFAULT_OBJECTIVE
    alternatives: int = 1
    min_difference: float = MIN_DIFFERENCE
    vot_usd_per_teu_h: float | None = None
    cargo_type: str = DEFAULT_CARGO_TYPE

    @classmethod
    def check(
        cls,
        graph: Graph,
        origin: str,
        destination: str,
        *,
        via: Listed = (),
        avoid_countries: Listed = (),
        avoid_nodes: Listed = (),
        modes: Listed = None,
        year: int | None = None,
        network_year: int | None = None,
        objective: Objective | str = DEFAULT_OBJECTIVE,
        alternatives: int = 1,
        min_difference: float = MIN_DIFFERENCE,
        vot_usd_per_teu_h: float | None = None,
        cargo_type: str = DEFAULT_CARGO_TYPE,
    ) -> RouteRequest:
        """The request on ``graph``, checked; a :class:`InputError` lists every problem.

        ``year`` defaults to ``network_year``, the year of the network ``graph`` was
        compiled from (its scenario's), itself defaulting to the atlas's ``as_of_year``;
        it must lie in :func:`supported_years`. ``avoid_countries`` are codes or names
        (:func:`~tripp.atlas.countries.country_code`). ``modes`` defaults to every freight
        mode, as does an empty list. With the generalized objective and no
        ``vot_usd_per_teu_h``, the atlas must give one (:func:`atlas_vot`).
        """
        atlas = graph.atlas
        problems: list[FieldProblem] = []

        def node(text: str, field: str) -> str:
            try:
                return find_node(atlas, text, option=field).node_id
            except InputError as error:
                problems.extend(FieldProblem(field, (p.problem,), (p.fix,)) for p in error.problems)
                return text

        o, d = node(origin, "origin"), node(destination, "destination")
        vias = tuple(node(v, "via") for v in split_list(via))
        avoid_n = tuple(node(v, "avoid_nodes") for v in split_list(avoid_nodes))
        given = split_list(avoid_countries)
        codes = [country_code(raw) for raw in given]
        avoid_c = tuple(dict.fromkeys(code or raw for raw, code in zip(given, codes, strict=True)))
        problems.extend(
            FieldProblem("avoid_countries", (f"unknown country '{raw}'",), (country_hint(raw),))
            for raw, code in zip(given, codes, strict=True)
            if code is None
        )
        chosen = split_list(modes) or FREIGHT_MODES
        problems.extend(
            FieldProblem("modes", (f"unknown mode '{mode}'",), (_mode_hint(mode),))
            for mode in chosen
            if mode not in FREIGHT_MODES
        )
        try:
            goal = Objective(str(objective))
        except ValueError:
            goal = Objective.TIME
            problems.append(
                FieldProblem(
                    "objective",
                    (f"unknown objective '{objective}'",),
                    ("use time, cost, distance or generalized",),
                )
            )
        if not 1 <= alternatives <= MAX_ALTERNATIVES:
            fix = f"ask for 1 to {MAX_ALTERNATIVES} routes"
            problems.append(
                FieldProblem("alternatives", (f"{alternatives} is out of range",), (fix,))
            )
        if not 0 <= min_difference < 1:
            problems.append(
                FieldProblem(
                    "min_difference",
                    (f"{min_difference} is out of range",),
                    ("give a share in [0, 1)",),
                )
            )
        if year is None:
            year = atlas.as_of_year if network_year is None else network_year
        problems.extend(year_problems(atlas, year))
        problems.extend(vot_problems(vot_usd_per_teu_h))
        problems.extend(_cargo_problems(atlas.cargo_type_by_id, cargo_type, chosen))
        if vot_usd_per_teu_h is not None and cargo_type != DEFAULT_CARGO_TYPE:
            problems.append(
                FieldProblem(
                    "vot_usd_per_teu_h",
                    (f"prices a TEU, not a unit of {cargo_type}",),
                    (f"leave it out: {cargo_type} uses its value of time in cargo_types.csv",),
                )
            )
        needs_atlas_vot = vot_usd_per_teu_h is None or cargo_type != DEFAULT_CARGO_TYPE
        if (
            goal is Objective.GENERALIZED
            and needs_atlas_vot
            and cargo_type in atlas.cargo_type_by_id
        ):
            try:
                atlas_vot(atlas, cargo_type)
            except InputError as error:
                problems.extend(p for p in error.given if isinstance(p, FieldProblem))
        request = cls(
            o,
            d,
            year,
            via=vias,
            avoid_countries=avoid_c,
            avoid_nodes=avoid_n,
            modes=chosen,
            objective=goal,
            alternatives=alternatives,
            min_difference=min_difference,
            vot_usd_per_teu_h=vot_usd_per_teu_h,
            cargo_type=cargo_type,
        )
        if not problems:
            problems.extend(request._contradictions(graph))
        if problems:
            raise InputError(problems)
        return request

    def _contradictions(self, graph: Graph) -> list[FieldProblem]:
        """A place to pass that the request also avoids, or origin and destination alike."""
        nodes = graph.atlas.node_by_id
        problems = []
        places = [("origin", self.origin), ("destination", self.destination)]
        for field, place in places + [("via", v) for v in self.via]:
            if place in self.avoid_nodes:
                problems.append(
                    FieldProblem(
                        field,
                        (f"{place} is also in ", Mention("avoid_nodes")),
                        ("remove it from ", Mention("avoid_nodes")),
                    )
                )
            country = nodes[place].country
            if country in self.avoid_countries:
                problems.append(
                    FieldProblem(
                        field,
                        (
                            f"{place} is in {country}, which ",
                            Mention("avoid_countries"),
                            " excludes",
                        ),
                        (f"remove {country} from ", Mention("avoid_countries")),
                    )
                )
        if self.origin == self.destination and not self.via:
            problems.append(
                FieldProblem(
                    "destination",
                    ("origin and destination are the same place",),
                    ("give two different places",),
                )
            )
        return problems


def _cargo_problems(
    known: Mapping[str, CargoType], cargo_type: str, modes: tuple[str, ...]
) -> list[FieldProblem]:
    """The cargo type is one of cargo_types.csv and may use one of the modes asked for."""
    if cargo_type not in known:
        fix = hint(cargo_type, known, f"use {', '.join(known)}")
        return [FieldProblem("cargo_type", (f"unknown cargo type '{cargo_type}'",), (fix,))]
    usable = known[cargo_type].modes
    if not set(usable) & set(modes):
        problem = f"{cargo_type} may use {', '.join(usable)}, none of the modes asked for"
        return [FieldProblem("modes", (problem,), (f"allow one of {', '.join(usable)}",))]
    return []


def _mode_hint(mode: str) -> str:
    return hint(mode, FREIGHT_MODES, "use rail, road, ferry or sea")
