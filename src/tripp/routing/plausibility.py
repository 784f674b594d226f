"""``tripp atlas check``: route published reference journeys and compare with the sources.

Each row of ``data/reference/journeys.csv`` names a journey (origin, destination, optional
via points, modes, countries to avoid, year, and the cargo type in the optional column
``cargo_type``, default container), a metric and the published range ``low``–``high`` with
its sources. Metrics: ``distance_km``; ``time_h`` and ``time_days``, door to door, the wait
for the first departure included; ``time_from_departure_h``, from the first scheduled
departure (the end of the first wait for a ferry, ship or train; with none, the first link)
to the arrival, without what comes before it (exit customs, loading, the wait itself, the
run to the terminal where the train is formed): published sailing and train times count
from the departure;
``dwell_h``, the border dwell along the route. The check routes the journey with the
objective that fits the metric (distance for lengths, time otherwise) and reports model
against publication.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tripp.atlas.io import read_reference_rows
from tripp.atlas.lookup import find_node
from tripp.atlas.model import DEFAULT_CARGO_TYPE, Atlas
from tripp.errors import InputError, NoRouteError, Problem
from tripp.graph.compile import Graph
from tripp.routing.result import Route
from tripp.routing.route import route

if TYPE_CHECKING:
    import pandas as pd

METRICS = ("distance_km", "time_h", "time_days", "time_from_departure_h", "dwell_h")
#: Share of reference journeys that must fall inside their published range.
MIN_SHARE_WITHIN = 0.9
COLUMNS = (
    "check_id",
    "description",
    "origin",
    "destination",
    "via",
    "modes",
    "avoid_countries",
    "year",
    "metric",
    "low",
    "high",
    "source_ids",
    "note",
)
#: Columns a journeys file may leave out, with the value of a missing one.
OPTIONAL_COLUMNS = {"cargo_type": DEFAULT_CARGO_TYPE}


@dataclass(frozen=True, slots=True)
class Journey:
    """A published reference journey and its range."""

    check_id: str
    description: str
    origin: str
    destination: str
    via: tuple[str, ...]
    modes: tuple[str, ...]
    avoid_countries: tuple[str, ...]
    year: int
    metric: str
    low: float
    high: float
    source_ids: tuple[str, ...]
    note: str
    cargo_type: str = DEFAULT_CARGO_TYPE


@dataclass(frozen=True, slots=True)
class CheckResult:
    """Model against publication for one journey."""

    journey: Journey
    model: float | None  # None: no route
    within: bool
    sources: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready mapping."""
        j = self.journey
        return {
            "check_id": j.check_id,
            "description": j.description,
            "metric": j.metric,
            "cargo_type": j.cargo_type,
            "model": None if self.model is None else round(self.model, 2),
            "low": j.low,
            "high": j.high,
            "within": self.within,
            "sources": list(self.sources),
            "note": j.note,
        }


@dataclass(frozen=True)
class AtlasCheck:
    """Model against publication for every reference journey."""

    checks: tuple[CheckResult, ...]

    @property
    def within(self) -> int:
        """How many journeys fall inside their published range."""
        return sum(c.within for c in self.checks)

    @property
    def share_within(self) -> float:
        """Share of journeys inside their published range (0 when there are none)."""
        return self.within / len(self.checks) if self.checks else 0.0

    @property
    def unexplained(self) -> tuple[CheckResult, ...]:
        """Journeys outside their range whose row gives no explanation (empty ``note``)."""
        return tuple(c for c in self.checks if not c.within and not c.journey.note)

    @property
    def passed(self) -> bool:
        """Whether at least :data:`MIN_SHARE_WITHIN` of the journeys fall inside their
        published range and every one outside it carries its explanation."""
        return bool(self.checks) and self.share_within >= MIN_SHARE_WITHIN and not self.unexplained

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready mapping: the checks, how many are within their range, the total."""
        return {
            "checks": [c.to_dict() for c in self.checks],
            "within": self.within,
            "total": len(self.checks),
            "share_within": round(self.share_within, 4),
            "min_share_within": MIN_SHARE_WITHIN,
            "unexplained": [c.journey.check_id for c in self.unexplained],
            "passed": self.passed,
        }

    def to_json(self, *, indent: int | None = 2) -> str:
        """:meth:`to_dict` as JSON text."""
        return json.dumps(self.to_dict(), indent=indent, ensure_ascii=False)

    def to_frame(self) -> pd.DataFrame:
        """One row per journey: ``check_id``, ``description``, ``metric``, ``model`` (in the
        metric's unit, None: no route), ``low``, ``high``, ``within``, ``sources``, ``note``."""
        import pandas as pd

        return pd.DataFrame([c.to_dict() for c in self.checks])


def default_journeys_file() -> Path:
    """The reference journeys shipped with the atlas."""
    return Path(str(resources.files("tripp") / "data" / "reference" / "journeys.csv"))


def _split(text: str) -> tuple[str, ...]:
    return tuple(item.strip() for item in text.split(";") if item.strip())


def load_journeys(file: Path, atlas: Atlas) -> list[Journey]:
    """Read and check the journeys file against the atlas; all problems at once."""
    problems: list[Problem] = []
    journeys: list[Journey] = []
    where = file.name
    rows = read_reference_rows(
        file, COLUMNS, what="journeys file", not_found_fix="give an existing file"
    )
    for line, row in rows:
        for column, default in OPTIONAL_COLUMNS.items():
            row[column] = row.get(column) or default
        if row["cargo_type"] not in atlas.cargo_type_by_id:
            problems.append(
                Problem(
                    where,
                    f"unknown cargo type '{row['cargo_type']}'",
                    f"use one of {', '.join(atlas.cargo_type_by_id)}",
                    line,
                    "cargo_type",
                )
            )
        try:
            low, high, year = float(row["low"]), float(row["high"]), int(row["year"])
        except ValueError:
            problems.append(
                Problem(where, "low, high or year is not a number", "give numbers", line, "low")
            )
            continue
        if row["metric"] not in METRICS:
            problems.append(
                Problem(
                    where,
                    f"unknown metric '{row['metric']}'",
                    f"use one of {', '.join(METRICS)}",
                    line,
                    "metric",
                )
            )
        if low > high:
            problems.append(Problem(where, "low is above high", "swap them", line, "low"))
        for source in _split(row["source_ids"]):
            if source not in {s.source_id for s in atlas.sources}:
                problems.append(
                    Problem(
                        where,
                        f"unknown source '{source}'",
                        "add it to sources.csv",
                        line,
                        "source_ids",
                    )
                )
        for column in ("origin", "destination"):
            try:
                find_node(atlas, row[column], option=column)
            except InputError as error:
                problems.extend(
                    Problem(where, p.problem, p.fix, line, column) for p in error.problems
                )
        journeys.append(
            Journey(
                row["check_id"],
                row["description"],
                row["origin"],
                row["destination"],
                _split(row["via"]),
                _split(row["modes"]),
                _split(row["avoid_countries"]),
                year,
                row["metric"],
                low,
                high,
                _split(row["source_ids"]),
                row["note"],
                row["cargo_type"],
            )
        )
    if problems:
        raise InputError(problems)
    return journeys


def _measure(best: Route, metric: str) -> float:
    if metric == "distance_km":
        return best.distance_km
    if metric == "time_h":
        return best.time_h
    if metric == "time_days":
        return best.time_h / 24.0
    if metric == "time_from_departure_h":
        kinds = [leg.kind for leg in best.legs]
        start = kinds.index("wait") + 1 if "wait" in kinds else kinds.index("link")
        return sum(leg.time_h for leg in best.legs[start:])
    return sum(b.dwell_h for b in best.border_crossings)


def run_checks(graph: Graph, journeys: list[Journey]) -> list[CheckResult]:
    """Route every journey and compare the model's figure with the published range."""
    atlas = graph.atlas
    results = []
    for j in journeys:
        objective = "distance" if j.metric == "distance_km" else "time"
        try:
            best = route(
                graph,
                j.origin,
                j.destination,
                via=j.via,
                modes=j.modes or None,
                avoid_countries=j.avoid_countries,
                year=j.year,
                objective=objective,
                cargo_type=j.cargo_type,
            ).routes[0]
            value: float | None = _measure(best, j.metric)
        except NoRouteError:
            value = None
        within = value is not None and j.low <= value <= j.high
        sources = tuple(
            f"{s.publisher}: {s.url}" for s in atlas.sources if s.source_id in j.source_ids
        )
        results.append(CheckResult(j, value, within, sources))
    return results


def check_atlas(graph: Graph, *, journeys: str | Path | None = None) -> AtlasCheck:
    """Route the published reference journeys on ``graph`` and hold each against its range.

    ``journeys`` is a CSV in the format of the shipped file (default:
    :func:`default_journeys_file`), checked against the graph's atlas first (every problem
    raised at once as :class:`~tripp.errors.InputError`).

    >>> import tripp
    >>> result = tripp.check_atlas(tripp.compile(tripp.load_atlas()))
    >>> result.within, len(result.checks)
    (38, 42)
    """
    file = Path(journeys) if journeys is not None else default_journeys_file()
    return AtlasCheck(tuple(run_checks(graph, load_journeys(file, graph.atlas))))
