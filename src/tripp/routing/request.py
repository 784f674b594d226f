"""A route request: what to route, checked once, whichever interface asked.

The command line, the REST API and Python all build a :class:`RouteRequest` with
:meth:`RouteRequest.check`, which holds the one rule set: lists are comma-split, stripped
and emptied of blanks; the year defaults to the network's; the value of time is finite and
≥ 0; places resolve by id, name or alternative name with "did you mean …?". Every problem
is raised at once in a :class:`~tripp.errors.InputError` naming the request's fields
(``avoid_countries``); each interface words them its own way (``--avoid-country``).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum

from tripp.atlas.countries import country_hint, is_country
from tripp.atlas.lookup import find_node
from tripp.atlas.model import DEFAULT_CARGO_TYPE, CargoType
from tripp.atlas.names import hint
from tripp.errors import FieldProblem, InputError, Mention
from tripp.graph.compile import Graph
from tripp.units import FREIGHT_MODES

#: Years a network can be routed in.
FIRST_YEAR, LAST_YEAR = 1850, 2100
#: How many distinct routes a request may ask for.
MAX_ALTERNATIVES = 20

#: A list option: one text, or several, each of which may be comma-separated.
Listed = str | Sequence[str] | None


class Objective(StrEnum):
    """What a route minimises."""

    TIME = "time"
    COST = "cost"
    DISTANCE = "distance"
    GENERALIZED = "generalized"


def vot_problems(vot_usd_per_teu_h: float) -> list[FieldProblem]:
    """The value-of-time rule, the same for every interface: a finite number ≥ 0."""
    if not math.isfinite(vot_usd_per_teu_h):
        return [FieldProblem("vot_usd_per_teu_h", ("is not finite",), ("give a value ≥ 0",))]
    if vot_usd_per_teu_h < 0:
        return [FieldProblem("vot_usd_per_teu_h", ("is negative",), ("give a value ≥ 0",))]
    return []


@dataclass(frozen=True, slots=True)
class RouteSettings:
    """Parameters of the generalised cost, per TEU.

    ``vot_usd_per_teu_h``: value of time of a loaded container. Default 1.0 USD per TEU-hour:
    a cargo value of about USD 50,000 per TEU at 15 %/year inventory and obsolescence cost,
    divided by 8,760 h (≈ 0.86), rounded. An assumption; set your own for your cargo.
    Raises :class:`~tripp.errors.InputError` unless it is finite and ≥ 0.
    """

    vot_usd_per_teu_h: float = 1.0

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
    ``vot_usd_per_teu_h`` prices time in the generalized objective (USD per TEU-hour).
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
    objective: Objective = Objective.TIME
    alternatives: int = 1
    min_difference: float = 0.1
    vot_usd_per_teu_h: float = 1.0
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
        objective: Objective | str = Objective.TIME,
        alternatives: int = 1,
        min_difference: float = 0.1,
        vot_usd_per_teu_h: float = 1.0,
        cargo_type: str = DEFAULT_CARGO_TYPE,
    ) -> RouteRequest:
        """The request on ``graph``, checked; a :class:`InputError` lists every problem.

        ``year`` defaults to ``network_year``, the year of the network ``graph`` was
        compiled from (its scenario's), itself defaulting to the atlas's ``as_of_year``.
        ``modes`` defaults to every freight mode, as does an empty list.
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
        avoid_c = tuple(c.upper() for c in given)
        problems.extend(
            FieldProblem(
                "avoid_countries", (f"unknown country code '{raw}'",), (country_hint(raw),)
            )
            for raw, code in zip(given, avoid_c, strict=True)
            if not is_country(code)
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
        if not FIRST_YEAR <= year <= LAST_YEAR:
            fix = f"give {FIRST_YEAR} to {LAST_YEAR}"
            problems.append(FieldProblem("year", (f"{year} is out of range",), (fix,)))
        problems.extend(vot_problems(vot_usd_per_teu_h))
        problems.extend(_cargo_problems(atlas.cargo_type_by_id, cargo_type, chosen))
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
        fix = hint(cargo_type, known).replace(
            "use an id or name listed by `tripp nodes`", f"use {', '.join(known)}"
        )
        return [FieldProblem("cargo_type", (f"unknown cargo type '{cargo_type}'",), (fix,))]
    usable = known[cargo_type].modes
    if not set(usable) & set(modes):
        problem = f"{cargo_type} may use {', '.join(usable)}, none of the modes asked for"
        return [FieldProblem("modes", (problem,), (f"allow one of {', '.join(usable)}",))]
    return []


def _mode_hint(mode: str) -> str:
    return hint(mode, FREIGHT_MODES).replace(
        "use an id or name listed by `tripp nodes`", "use rail, road, ferry or sea"
    )
