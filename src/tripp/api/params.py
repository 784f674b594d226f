"""Query parameters shared by the endpoints, and the server's limits beyond the requests'
own rules (:class:`~tripp.routing.request.RouteRequest` holds those).

Names follow the CLI options (``avoid_country`` for ``--avoid-country``); requests' fields
are worded so by :data:`tripp.api.problems.PARAMETERS`. No parameter is ever a filesystem
path: a scenario is one of the shipped names.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from typing import Annotated, Any

from fastapi import Query

from tripp.atlas.model import Atlas
from tripp.atlas.names import did_you_mean
from tripp.errors import InputError, Problem
from tripp.routing.objective import Objective
from tripp.routing.request import split_list

#: Request limits.
MAX_ALTERNATIVES = 10
MAX_VIA = 8
MAX_LIST = 32
MAX_PAIRS = 20
MAX_TEXT = 120
MAX_SAMPLES = 2000


ScenarioQuery = Annotated[
    str | None,
    Query(
        description="A shipped scenario name (see /api/scenarios); none: the atlas as is.",
        max_length=64,
        pattern=r"^[A-Za-z0-9][A-Za-z0-9_-]*$",
    ),
]
ObjectiveQuery = Annotated[
    Objective, Query(description="time (default), cost, distance or generalized.")
]
CountryQuery = Annotated[
    str | None, Query(description="ISO 3166-1 alpha-2 code, e.g. AM.", max_length=8)
]


def shipped_scenario(name: str | None, *, option: str = "scenario") -> str | None:
    """``name`` if it is a shipped scenario (None passes), else an :class:`InputError`."""
    if name is None:
        return None
    names = _shipped_names()
    if name in names:
        return name
    guess = did_you_mean(name, names, limit=1)
    fix = f"did you mean '{guess[0]}'?" if guess else f"use one of {', '.join(names)}"
    raise InputError(Problem(option, f"unknown scenario '{name}'", fix))


@cache
def _shipped_names() -> tuple[str, ...]:
    from tripp.scenarios import list_scenarios

    return tuple(list_scenarios())


def split_values(values: list[str] | None, *, option: str, limit: int = MAX_LIST) -> list[str]:
    """Repeated and/or comma-separated values, flattened as every interface does
    (:func:`~tripp.routing.request.split_list`), within the server's limits."""
    items = list(split_list(values))
    problems = [
        Problem(option, f"a value of {len(i)} characters", f"give at most {MAX_TEXT}")
        for i in items
        if len(i) > MAX_TEXT
    ]
    if len(items) > limit:
        problems.append(Problem(option, f"{len(items)} values given", f"give at most {limit}"))
    if problems:
        raise InputError(problems)
    return items


def parse_pairs(values: list[str] | None) -> list[tuple[str, str]] | None:
    """``origin>destination`` pairs; None for ``default`` (the standard pairs)."""
    pairs, problems = pairs_and_problems(values)
    if problems:
        raise InputError(problems)
    return pairs


def pairs_and_problems(
    values: list[str] | None,
) -> tuple[list[tuple[str, str]] | None, list[Problem]]:
    """The well-formed pairs (None for ``default``) and a problem for each other one."""
    items = [v.strip() for v in values or [] if v.strip()]
    if not items or items == ["default"]:
        return None, []
    problems = []
    pairs = []
    for item in items:
        origin, sep, destination = item.partition(">")
        if not sep or not origin.strip() or not destination.strip():
            problems.append(
                Problem("pairs", f"'{item}' is not origin>destination", "write e.g. Baku>Kars")
            )
        else:
            pairs.append((origin.strip(), destination.strip()))
    if len(items) > MAX_PAIRS or any(len(i) > 2 * MAX_TEXT for i in items):
        problems.append(Problem("pairs", f"{len(items)} pairs given", f"give at most {MAX_PAIRS}"))
    return pairs, problems


def check_pairs(atlas: Atlas, values: list[str] | None) -> list[tuple[str, str]] | None:
    """Pairs whose places are all in ``atlas``; every problem at once."""
    from tripp.atlas.lookup import find_node

    pairs, problems = pairs_and_problems(values)
    for pair in pairs or []:
        for place in pair:
            try:
                find_node(atlas, place, option="pairs")
            except InputError as error:
                problems.extend(error.problems)
    if problems:
        raise InputError(problems)
    return pairs


def gather(*checks: Callable[[], Any]) -> tuple[Any, ...]:
    """Run every check; raise one :class:`InputError` with all their problems, if any."""
    results: list[Any] = []
    problems: list[Problem] = []
    for check in checks:
        try:
            results.append(check())
        except InputError as error:
            problems.extend(error.problems)
    if problems:
        raise InputError(problems)
    return tuple(results)
