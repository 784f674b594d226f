"""Observed freight counts against modelled volumes: the verb behind ``tripp flows check``.

A counts file (default: ``data/reference/counts.csv``) has the columns
``count_id,name,target,unit,year,observed,tolerance,source_ids,note``:

* ``target`` — ``link:ID`` or ``link:ID1;ID2;...`` (tonnes or TEU on those links, both
  directions summed), ``port:NODE`` (throughput: flow on every ``sea`` or ``ferry`` link
  that starts or ends at NODE, both directions) or ``crossing:NODE`` (flow through every
  border-crossing process at NODE, all directions and modes);
* ``unit`` — ``t_per_year`` or ``teu_per_year`` (modelled TEU are tonnes over the
  assignment's ``t_per_teu``); ``observed`` > 0; ``year`` the year observed;
* ``tolerance`` — the accepted relative difference, 0.30 when left empty; a count with a
  tolerance of 0.25 or tighter is a **key total**;
* ``source_ids`` — ids of the atlas's sources.csv (at least one).

:func:`check_flows` compares the counts of the network's year and of its demand year
(baseline-2025: 2025 and 2024) with the modelled volumes: ``ratio`` = modelled / observed,
``within`` = |ratio − 1| ≤ tolerance. It passes when at least :data:`MIN_SHARE_WITHIN` of
them are within and every key total is. Fit statistics, with TEU counts converted to
tonnes: RMSE % = 100 × sqrt(mean((m − o)²)) / mean(o), and the median of |ratio − 1|.
"""

from __future__ import annotations

import json
import math
import statistics
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tripp.atlas.io import read_reference_rows
from tripp.atlas.names import hint
from tripp.errors import InputError, Problem
from tripp.freight.flows import WATER_MODES, Flows, flows
from tripp.freight.settings import FreightSettings

if TYPE_CHECKING:
    import pandas as pd

    from tripp.atlas.model import Atlas
    from tripp.scenarios.network import ScenarioNetwork

__all__ = [
    "COUNT_COLUMNS",
    "Count",
    "CountCheck",
    "FlowCheck",
    "check_flows",
    "default_counts_file",
    "load_counts",
]

COUNT_COLUMNS = (
    "count_id",
    "name",
    "target",
    "unit",
    "year",
    "observed",
    "tolerance",
    "source_ids",
    "note",
)
COUNT_UNITS = ("t_per_year", "teu_per_year")
TARGET_KINDS = ("link", "port", "crossing")
#: Relative tolerance of a count that leaves ``tolerance`` empty.
DEFAULT_TOLERANCE = 0.30
#: A count with this tolerance or a tighter one is a key total: it must be within.
KEY_TOLERANCE = 0.25
#: Share of counts that must be within their tolerance.
MIN_SHARE_WITHIN = 0.80
#: Slack on ``|ratio − 1| ≤ tolerance`` for floating-point rounding.
_EPS = 1e-9


@dataclass(frozen=True, slots=True)
class Count:
    """One observed volume: ``target_kind`` (link, port, crossing) and ``target_ids``
    (link ids, or one node id) say what it measures; ``line`` is its line in the file."""

    count_id: str
    name: str
    target_kind: str
    target_ids: tuple[str, ...]
    unit: str
    year: int
    observed: float
    tolerance: float
    source_ids: tuple[str, ...]
    note: str = ""
    line: int = 0

    @property
    def target(self) -> str:
        """The target as written in the file (``link:a;b``)."""
        return f"{self.target_kind}:{';'.join(self.target_ids)}"

    @property
    def key(self) -> bool:
        """Whether the count is a key total (tolerance of :data:`KEY_TOLERANCE` or tighter)."""
        return self.tolerance <= KEY_TOLERANCE + _EPS


@dataclass(frozen=True, slots=True)
class CountCheck:
    """A count against the model: ``modelled`` in the count's unit, ``ratio`` =
    modelled / observed, ``within`` = |ratio − 1| ≤ tolerance."""

    count: Count
    modelled: float

    @property
    def ratio(self) -> float:
        """Modelled over observed."""
        return self.modelled / self.count.observed

    @property
    def within(self) -> bool:
        """Whether the ratio is within the count's tolerance of 1."""
        return abs(self.ratio - 1.0) <= self.count.tolerance + _EPS

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready mapping: name, unit, observed, modelled, ratio, within, source, and
        count_id, target, year, tolerance, key."""
        c = self.count
        return {
            "name": c.name,
            "unit": c.unit,
            "observed": c.observed,
            "modelled": round(self.modelled, 4),
            "ratio": round(self.ratio, 4),
            "within": self.within,
            "source": ";".join(c.source_ids),
            "count_id": c.count_id,
            "target": c.target,
            "year": c.year,
            "tolerance": c.tolerance,
            "key": c.key,
        }


@dataclass(frozen=True, eq=False)
class FlowCheck:
    """Counts of the network's years against its modelled volumes.

    ``checks`` are the counts compared; ``skipped`` those of other years; ``t_per_teu``
    the factor between TEU and tonnes; ``converged`` whether the assignment behind the
    volumes converged (a check of volumes that did not never passes).
    """

    scenario: str
    year: int
    demand_year: int | None
    checks: tuple[CountCheck, ...]
    skipped: tuple[Count, ...]
    t_per_teu: float
    converged: bool = True

    @property
    def within_share(self) -> float:
        """Share of the compared counts within their tolerance."""
        return sum(c.within for c in self.checks) / len(self.checks)

    @property
    def rmse_percent(self) -> float:
        """100 × sqrt(mean((m − o)²)) / mean(o), on tonnes (TEU counts × ``t_per_teu``)."""
        pairs = [self._tonnes(c) for c in self.checks]
        mse = sum((m - o) ** 2 for m, o in pairs) / len(pairs)
        return 100.0 * math.sqrt(mse) / (sum(o for _, o in pairs) / len(pairs))

    @property
    def median_abs_ratio_error(self) -> float:
        """Median of |ratio − 1| over the compared counts."""
        return float(statistics.median(abs(c.ratio - 1.0) for c in self.checks))

    @property
    def keys_within(self) -> bool:
        """Whether every key total is within its tolerance."""
        return all(c.within for c in self.checks if c.count.key)

    @property
    def passed(self) -> bool:
        """At least :data:`MIN_SHARE_WITHIN` of the counts within, every key total within,
        and a converged assignment."""
        return self.within_share >= MIN_SHARE_WITHIN - _EPS and self.keys_within and self.converged

    def _tonnes(self, check: CountCheck) -> tuple[float, float]:
        factor = self.t_per_teu if check.count.unit == "teu_per_year" else 1.0
        return check.modelled * factor, check.count.observed * factor

    def to_dict(self) -> dict[str, Any]:
        """The stable JSON shape: ``counts`` and ``within_share``, with ``rmse_percent``,
        ``median_abs_ratio_error``, ``keys_within``, ``passed``, the scenario's years and
        the ``skipped`` count ids."""
        return {
            "counts": [c.to_dict() for c in self.checks],
            "within_share": round(self.within_share, 4),
            "rmse_percent": round(self.rmse_percent, 2),
            "median_abs_ratio_error": round(self.median_abs_ratio_error, 4),
            "keys_within": self.keys_within,
            "converged": self.converged,
            "passed": self.passed,
            "min_share_within": MIN_SHARE_WITHIN,
            "scenario": self.scenario,
            "year": self.year,
            "demand_year": self.demand_year,
            "skipped": [c.count_id for c in self.skipped],
        }

    def to_json(self, *, indent: int | None = 2) -> str:
        """:meth:`to_dict` as JSON text."""
        return json.dumps(self.to_dict(), indent=indent, ensure_ascii=False)

    def to_frame(self) -> pd.DataFrame:
        """One row per compared count (the keys of :meth:`CountCheck.to_dict`)."""
        import pandas as pd

        return pd.DataFrame([c.to_dict() for c in self.checks])


def default_counts_file() -> Path:
    """The observed counts shipped with the package (``data/reference/counts.csv``)."""
    return Path(str(resources.files("tripp") / "data" / "reference" / "counts.csv"))


def load_counts(file: str | Path, atlas: Atlas) -> list[Count]:
    """Read and check a counts file against ``atlas``: every problem at once, each with
    file, line, column and fix (:class:`~tripp.errors.InputError`)."""
    path = Path(file)
    rows = read_reference_rows(
        path,
        COUNT_COLUMNS,
        what="counts file",
        not_found_fix="give an existing CSV with the header " + ",".join(COUNT_COLUMNS),
    )
    checker = _RowChecker(path.name, atlas)
    counts: list[Count] = []
    for line, row in rows:
        count = checker.check(row, line)
        if count is not None:
            counts.append(count)
    if checker.problems:
        raise InputError(checker.problems)
    return counts


class _RowChecker:
    """Checks one row at a time, collecting every problem."""

    def __init__(self, where: str, atlas: Atlas) -> None:
        self.where = where
        self.atlas = atlas
        self.problems: list[Problem] = []
        self.seen: set[str] = set()
        self.sources = {s.source_id for s in atlas.sources}
        self.ports = {
            end
            for link in atlas.links
            if link.mode in WATER_MODES
            for end in (link.from_node, link.to_node)
        }
        self.crossings = {c.node_id for c in atlas.crossings}

    def add(self, line: int, column: str, problem: str, fix: str) -> None:
        self.problems.append(Problem(self.where, problem, fix, line, column))

    def check(self, row: dict[str, str], line: int) -> Count | None:
        before = len(self.problems)
        count_id = row["count_id"]
        if not count_id:
            self.add(line, "count_id", "empty count_id", "give each count a unique id")
        elif count_id in self.seen:
            self.add(line, "count_id", f"duplicate count_id '{count_id}'", "make ids unique")
        self.seen.add(count_id)
        if not row["name"]:
            self.add(line, "name", "empty name", "say what the count measures")
        kind, ids = self._target(row["target"], line)
        if row["unit"] not in COUNT_UNITS:
            self.add(
                line,
                "unit",
                f"unknown unit '{row['unit']}'",
                f"use one of {', '.join(COUNT_UNITS)}",
            )
        year = self._number(row, "year", line, int)
        observed = self._number(row, "observed", line, float)
        if observed is not None and not observed > 0:
            self.add(
                line, "observed", f"observed {row['observed']} is not positive", "give a volume > 0"
            )
        tolerance: float | None = DEFAULT_TOLERANCE
        if row["tolerance"]:
            tolerance = self._number(row, "tolerance", line, float)
            if tolerance is not None and not tolerance > 0:
                self.add(
                    line,
                    "tolerance",
                    f"tolerance {row['tolerance']} is not positive",
                    "give e.g. 0.30",
                )
        sources = tuple(s.strip() for s in row["source_ids"].split(";") if s.strip())
        if not sources:
            self.add(line, "source_ids", "no source", "name at least one id of sources.csv")
        for source in sources:
            if source not in self.sources:
                self.add(
                    line,
                    "source_ids",
                    f"unknown source '{source}'",
                    hint(source, sorted(self.sources), "add it to sources.csv"),
                )
        if len(self.problems) > before or year is None or observed is None or tolerance is None:
            return None
        return Count(
            count_id,
            row["name"],
            kind,
            ids,
            row["unit"],
            year,
            observed,
            tolerance,
            sources,
            row["note"],
            line,
        )

    def _number(self, row: dict[str, str], column: str, line: int, kind: type) -> Any:
        try:
            return kind(row[column])
        except ValueError:
            wanted = "a whole year, e.g. 2024" if kind is int else "a number"
            self.add(line, column, f"'{row[column]}' is not a number", f"give {wanted}")
            return None

    def _target(self, text: str, line: int) -> tuple[str, tuple[str, ...]]:
        kind, _, rest = text.partition(":")
        ids = tuple(i.strip() for i in rest.split(";") if i.strip())
        if kind not in TARGET_KINDS or not ids:
            self.add(
                line,
                "target",
                f"bad target '{text}'",
                "write link:ID, link:ID1;ID2, port:NODE or crossing:NODE",
            )
            return kind, ids
        if kind == "link":
            links = self.atlas.link_by_id
            for link_id in ids:
                if link_id not in links:
                    self.add(
                        line,
                        "target",
                        f"unknown link '{link_id}'",
                        hint(link_id, links, "use a link id listed by `tripp links`"),
                    )
            return kind, ids
        if len(ids) > 1:
            self.add(
                line,
                "target",
                f"{kind} target names {len(ids)} nodes",
                f"write {kind}:NODE with one node",
            )
            return kind, ids
        node = ids[0]
        nodes = self.atlas.node_by_id
        if node not in nodes:
            self.add(
                line,
                "target",
                f"unknown node '{node}'",
                hint(node, nodes, "use a node id listed by `tripp nodes`"),
            )
        elif kind == "port" and node not in self.ports:
            self.add(
                line,
                "target",
                f"node '{node}' has no sea or ferry link",
                hint(node, sorted(self.ports), "use a node with a sea or ferry link"),
            )
        elif kind == "crossing" and node not in self.crossings:
            self.add(
                line,
                "target",
                f"node '{node}' has no border crossing in crossings.csv",
                hint(node, sorted(self.crossings), "use a node listed in crossings.csv"),
            )
        return kind, ids


def check_flows(
    network: ScenarioNetwork,
    counts: str | Path | None = None,
    *,
    demand_year: int | None = None,
    settings: FreightSettings | None = None,
) -> FlowCheck:
    """Compare the modelled volumes of ``network`` with observed counts.

    ``counts`` is a CSV in the format of :mod:`tripp.freight.counts` (default:
    :func:`default_counts_file`), checked against the network's atlas first (every problem
    raised at once as :class:`~tripp.errors.InputError`). The volumes are those of
    :func:`~tripp.freight.flows.flows` with the demand of ``demand_year`` (default: the
    base year, the atlas's first demand year: the model must reproduce the observed base
    year); the counts of that year and of the network's year are compared, each with the
    demand of its own year where the atlas has demand for the network's year (2025 counts
    with the 2025 demand: 2024's grown a year, and the markets opened in 2025), and an
    :class:`~tripp.errors.InputError` says so when there are none. ``result.passed`` is
    what ``tripp flows check`` exits on.

    >>> import tripp
    >>> check = tripp.check_flows(tripp.scenario(tripp.load_atlas(), "baseline-2025"))
    >>> 0.0 <= check.within_share <= 1.0
    True
    """
    file = Path(counts) if counts is not None else default_counts_file()
    if counts is None and not file.is_file():
        raise InputError(
            Problem(
                str(file),
                "the shipped observed counts file is missing from this installation",
                "give a counts CSV with --counts (Python: counts=) in the format of "
                "docs/assignment.md",
            )
        )
    rows = load_counts(file, network.atlas)
    if demand_year is None and network.atlas.demand_years:
        demand_year = network.atlas.demand_years[0]
    volumes = flows(network, demand_year=demand_year, settings=settings)
    years = {volumes.year, volumes.assignment.demand_year}
    compared = [c for c in rows if c.year in years]
    own_year = volumes.year in network.atlas.demand_years and volumes.year != demand_year
    later = flows(network, demand_year=volumes.year, settings=settings) if own_year else volumes
    if not compared:
        shown = " or ".join(str(y) for y in sorted(y for y in years if y is not None))
        raise InputError(
            Problem(
                str(file),
                f"no counts of {shown} to compare with scenario {volumes.scenario}",
                "add counts of those years, or check the scenario whose year they observe",
            )
        )
    return FlowCheck(
        volumes.scenario,
        volumes.year,
        volumes.assignment.demand_year,
        tuple(
            CountCheck(c, modelled(later if c.year == later.year else volumes, c)) for c in compared
        ),
        tuple(c for c in rows if c.year not in years),
        volumes.t_per_teu,
        volumes.assignment.converged and later.assignment.converged,
    )


def modelled(volumes: Flows, count: Count) -> float:
    """The modelled volume of ``count``'s target, in the count's unit."""
    teu = count.unit == "teu_per_year"
    if count.target_kind == "link":
        return volumes.link_t_per_year(count.target_ids, teu=teu)
    if count.target_kind == "port":
        return volumes.port_t_per_year(count.target_ids[0], teu=teu)
    return volumes.crossing_t_per_year(count.target_ids[0], teu=teu)
