"""The appraisal as the API runs it: its options checked once (:func:`check_appraisal`), the
answer of ``/api/appraise`` (:func:`appraisal_json`, run in the heavy endpoints' process
pool) and the run of an ``appraise`` job with a risk analysis (:func:`run_appraisal`).

The options are those of ``tripp appraise``; a ``None`` leaves the
:class:`~tripp.appraisal.settings.AppraisalSettings` default (``discount_rate``: the EU
guide's 5 % for Cohesion countries; ``horizon_years``: 30; ``price_year``: the latest year
of the price index; ``ramp_up_years``: 3; ``conversion_factor``: 1).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from tripp.api.params import shipped_scenario
from tripp.api.routes_atlas import json_bytes
from tripp.api.state import ApiState
from tripp.appraisal.settings import AppraisalSettings, discount_rate
from tripp.atlas.model import Atlas
from tripp.errors import FieldProblem, InputError, Problem
from tripp.resilience.runner import Progress

#: The most characters of a ``discount_rate`` (a preset name, ``5%`` or ``0.05``).
MAX_RATE_TEXT = 32


@dataclass(frozen=True, slots=True)
class AppraisalQuery:
    """A checked appraisal request: two shipped scenarios, the settings and the demand
    year (None: the scenario's). Hashable: it is the answer's cache key."""

    scenario: str
    against: str
    settings: AppraisalSettings
    demand_year: int | None


def check_appraisal(
    atlas: Atlas,
    *,
    scenario: str,
    against: str,
    discount_rate_text: str | None = None,
    horizon_years: int | None = None,
    price_year: int | None = None,
    demand_year: int | None = None,
    ramp_up_years: int | None = None,
    conversion_factor: float | None = None,
) -> AppraisalQuery:
    """The request checked completely (scenario names, the discount rate, the settings'
    ranges, the price year against the price index, the demand year against ``atlas``'s);
    one :class:`InputError` naming every parameter that is wrong, before anything runs."""
    problems: list[Problem | FieldProblem] = []
    names: dict[str, str] = {}
    for option, name in (("scenario", scenario), ("against", against)):
        try:
            names[option] = str(shipped_scenario(name, option=option))
        except InputError as error:
            problems.extend(error.given)
    given: dict[str, Any] = {
        "horizon_years": horizon_years,
        "price_year": price_year,
        "ramp_up_years": ramp_up_years,
        "conversion_factor": conversion_factor,
    }
    if discount_rate_text is not None:
        try:
            given["discount_rate"] = discount_rate(discount_rate_text)
        except InputError as error:
            problems.extend(error.given)
    settings = AppraisalSettings(**{k: v for k, v in given.items() if v is not None})
    try:
        settings.check()
    except InputError as error:
        problems.extend(error.given)
    problems.extend(_year_problems(atlas, price_year, demand_year))
    if problems:
        raise InputError(problems)
    return AppraisalQuery(names["scenario"], names["against"], settings, demand_year)


def _year_problems(
    atlas: Atlas, price_year: int | None, demand_year: int | None
) -> list[Problem | FieldProblem]:
    """A problem for a price year the index lacks and a demand year the atlas lacks."""
    from tripp.appraisal.prices import load_index

    problems: list[Problem | FieldProblem] = []
    if price_year is not None:
        try:
            load_index().factor(price_year, price_year)
        except InputError as error:
            problems.extend(error.given)
    if demand_year is not None and demand_year not in atlas.demand_years:
        years = ", ".join(map(str, atlas.demand_years)) or "none: the atlas has no demand"
        problems.append(
            FieldProblem(
                "demand_year",
                f"no demand rows for '{demand_year}'",
                f"give one of the demand years {years}",
            )
        )
    return problems


def appraisal_dict(
    state: ApiState,
    query: AppraisalQuery,
    *,
    samples: int = 0,
    seed: int = 0,
    progress: Progress | None = None,
) -> dict[str, Any]:
    """The appraisal of ``query`` on ``state``'s networks: the JSON of ``tripp appraise
    --format json``. ``samples`` > 0 adds the risk analysis on a one-worker local Dask
    cluster (as a reliability job runs)."""
    from tripp.appraisal.run import appraise

    result = appraise(
        state.network(query.scenario),
        against=state.network(query.against),
        settings=query.settings,
        demand_year=query.demand_year,
        samples=samples,
        seed=seed,
        workers=1 if samples else None,
        progress=progress,
    )
    return result.to_dict()


def appraisal_json(state: ApiState, query: AppraisalQuery) -> bytes:
    """The JSON body of ``/api/appraise`` (no risk analysis) on ``state``'s networks."""
    return json_bytes(appraisal_dict(state, query))
