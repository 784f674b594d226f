"""Reliability parameters: a CSV of closure rates and border-dwell spreads, checked whole.

One row per element selector:

* ``link-mode:MODE`` — default for every freight link of MODE (required for each mode the
  atlas has); ``link:ID`` — one link, overriding the default field by field;
* ``crossing-mode:MODE`` — default for every crossing row of MODE (required likewise);
  ``crossing:NODE`` — every crossing row at NODE; ``crossing:NODE:FROM:TO:MODE`` — one row.

A blank cell inherits from the less specific row. Closures: ``closures_per_year`` events a
year of ``closure_days`` days each, so an element is closed a share
``closures_per_year × closure_days / 365`` of the year. Border dwell is lognormal with median
``dwell_median_h`` (blank: the atlas ``dwell_h``) and P90 ``dwell_p90_factor`` × median.
Every row names atlas ``source_ids`` (``tripp_assumption`` for stated assumptions).
"""

from __future__ import annotations

import csv
import hashlib
import math
from collections.abc import Callable
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import numpy as np
import numpy.typing as npt

from tripp.atlas.model import Atlas
from tripp.atlas.names import did_you_mean
from tripp.errors import InputError, Problem
from tripp.units import FREIGHT_MODES

FloatArray = npt.NDArray[np.float64]

#: z-score of the 90th percentile of the standard normal distribution.
Z90 = 1.2815515655446004
DAYS_PER_YEAR = 365.0
HOURS_PER_DAY = 24.0
CLOSURE_FIELDS = ("closures_per_year", "closure_days")
DWELL_FIELDS = ("dwell_median_h", "dwell_p90_factor")
#: Columns: name → (required, description with unit).
COLUMNS: dict[str, tuple[bool, str]] = {
    "element": (True, "selector: link:ID, link-mode:MODE, crossing:NODE[:FROM:TO:MODE], …"),
    "closures_per_year": (False, "closure events per year (1/year)"),
    "closure_days": (False, "mean length of one closure (days)"),
    "dwell_median_h": (False, "crossings only: median dwell (h); blank: the atlas dwell_h"),
    "dwell_p90_factor": (False, "crossings only: P90 / median dwell (≥ 1; 1: no spread)"),
    "source_ids": (True, "atlas source ids behind the row, ';'-separated"),
    "note": (False, "how the figures were chosen"),
}
SELECTOR_KINDS = ("link", "link-mode", "crossing", "crossing-mode")
Report = Callable[[str, str, str], None]  # (column, problem, fix)


def default_params_file() -> Path:
    """The shipped parameter file."""
    return Path(str(resources.files("tripp") / "data" / "reliability" / "reliability.csv"))


@dataclass(frozen=True, eq=False)
class ReliabilityParams:
    """Resolved parameters, one value per atlas link and per atlas crossing row."""

    file: str
    digest: str  # sha256 of the file's bytes
    link_closed_share: FloatArray  # share of the year each link is closed (0 for energy links)
    crossing_closed_share: FloatArray
    dwell_median_h: FloatArray
    dwell_sigma: FloatArray  # lognormal σ = ln(P90 / median) / z90
    link_closure_h: FloatArray  # length of one closure of each link (h; 0 without closures)
    crossing_closure_h: FloatArray

    def link_delay_variance_h2(self) -> FloatArray:
        """Variance of the delay closures add to a crossing of each link (h²): arriving at a
        random time, it waits with probability s (closed share) the rest of a closure of D
        hours, uniform on [0, D]: s·D²/3 − (s·D/2)²."""
        return _closure_variance(self.link_closed_share, self.link_closure_h)

    def crossing_delay_variance_h2(self) -> FloatArray:
        """Variance of each crossing row's time (h²): the lognormal dwell's,
        m² e^{σ²} (e^{σ²} − 1), plus its closures' as for links."""
        spread = np.exp(self.dwell_sigma**2)
        dwell = self.dwell_median_h**2 * spread * (spread - 1.0)
        return dwell + _closure_variance(self.crossing_closed_share, self.crossing_closure_h)


def _closure_variance(share: FloatArray, closure_h: FloatArray) -> FloatArray:
    return share * closure_h**2 / 3.0 - (share * closure_h / 2.0) ** 2


@dataclass(frozen=True, slots=True)
class _Row:
    line: int
    element: str
    values: dict[str, float]  # only the non-blank numeric fields


def load_params(file: str | Path | None, atlas: Atlas) -> ReliabilityParams:
    """Read and check ``file`` (default: the shipped one) against ``atlas``.

    Raises :class:`InputError` listing every problem with file, row, column and fix.
    """
    path = Path(file) if file is not None else default_params_file()
    if not path.is_file():
        raise InputError(
            Problem(str(path), "parameter file not found", "give a CSV like the shipped one")
        )
    data = path.read_bytes()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise InputError(
            Problem(str(path), f"is not UTF-8 text (byte {error.start})", "save it as UTF-8")
        ) from None
    problems: list[Problem] = []
    rows = _parse(path, text, atlas, problems)
    params = None if problems else _resolve(path, data, rows, atlas, problems)
    if params is None or problems:
        raise InputError(problems)
    return params


def _parse(path: Path, text: str, atlas: Atlas, problems: list[Problem]) -> list[_Row]:
    where = path.name
    reader = csv.DictReader(text.splitlines())
    header = reader.fieldnames or []
    for name in header:
        if name not in COLUMNS:
            guess = did_you_mean(name, COLUMNS, limit=1)
            fix = f"did you mean '{guess[0]}'?" if guess else "remove the column"
            problems.append(Problem(where, f"unknown column '{name}'", fix, 1, name))
    for name, (required, _) in COLUMNS.items():
        if required and name not in header:
            problems.append(Problem(where, f"missing column '{name}'", "add it to the header", 1))
    if problems:
        return []
    sources = [s.source_id for s in atlas.sources]
    rows: list[_Row] = []
    seen: dict[str, int] = {}
    for line, record in enumerate(reader, start=2):

        def problem(column: str, text: str, fix: str, line: int = line) -> None:
            problems.append(Problem(where, text, fix, line, column))

        element = (record.get("element") or "").strip()
        if element in seen:
            problem("element", f"'{element}' repeats line {seen[element]}", "merge the two rows")
        seen.setdefault(element, line)
        kind = _check_element(element, atlas, problem)
        values: dict[str, float] = {}
        for name in (*CLOSURE_FIELDS, *DWELL_FIELDS):
            cell = (record.get(name) or "").strip()
            if not cell:
                continue
            try:
                value = float(cell)
            except ValueError:
                problem(name, f"'{cell}' is not a number", "write a number or leave it blank")
                continue
            low = 1.0 if name == "dwell_p90_factor" else 0.0
            high = DAYS_PER_YEAR if name == "closure_days" else math.inf
            allowed = f"[{low:g}, {high:g}]" if high < math.inf else f"[{low:g}, ∞)"
            if not math.isfinite(value):
                problem(name, f"'{cell}' is not a finite number", f"give a value in {allowed}")
                continue
            if not low <= value <= high:
                problem(name, f"{value:g} is out of range", f"give a value in {allowed}")
                continue
            if name in DWELL_FIELDS and kind in ("link", "link-mode"):
                problem(name, "dwell applies to crossings only", "leave it blank on link rows")
                continue
            values[name] = value
        if _closed_share(values) > 1:
            problem("closure_days", "closures × days exceed a year", "lower either figure")
        ids = [s.strip() for s in (record.get("source_ids") or "").split(";") if s.strip()]
        if not ids:
            problem("source_ids", "no source given", "name atlas sources or tripp_assumption")
        for source in ids:
            if source not in sources:
                guess = did_you_mean(source, sources, limit=1)
                fix = f"did you mean '{guess[0]}'?" if guess else "add it to the atlas sources"
                problem("source_ids", f"unknown source '{source}'", fix)
        rows.append(_Row(line, element, values))
    return rows


def _check_element(element: str, atlas: Atlas, report: Report) -> str | None:
    """The selector kind of ``element``, or None after reporting what is wrong with it."""
    kind, _, rest = element.partition(":")
    if kind not in SELECTOR_KINDS or not rest:
        guess = did_you_mean(kind, SELECTOR_KINDS, limit=1)
        fix = f"did you mean '{guess[0]}:{rest}'?" if guess and rest else "write e.g. link:ID"
        report("element", f"'{element}' is not a selector", fix)
        return None
    if kind in ("link-mode", "crossing-mode"):
        known = list(FREIGHT_MODES)
    elif kind == "link":
        known = [link.link_id for link in atlas.links]
        link = atlas.link_by_id.get(rest)
        if link is not None and link.mode not in FREIGHT_MODES:
            report(
                "element",
                f"{rest} is a {link.mode} link; reliability samples freight links only",
                "drop the row (energy elements wait for the energy model)",
            )
            return None
    elif ":" in rest:
        known = [
            ":".join([c.node_id, c.from_country, c.to_country, c.mode]) for c in atlas.crossings
        ]
    else:
        known = sorted({c.node_id for c in atlas.crossings})
    if rest not in known:
        guess = did_you_mean(rest, known, limit=1)
        fix = f"did you mean '{kind}:{guess[0]}'?" if guess else f"no such {kind} in the atlas"
        report("element", f"unknown {kind} '{rest}'", fix)
        return None
    return kind


def _closed_share(values: dict[str, float]) -> float:
    if not all(name in values for name in CLOSURE_FIELDS):
        return 0.0
    return values["closures_per_year"] * values["closure_days"] / DAYS_PER_YEAR


def _resolve(
    path: Path, data: bytes, rows: list[_Row], atlas: Atlas, problems: list[Problem]
) -> ReliabilityParams | None:
    """Per-element values, most specific row first; None if a mode has no default."""
    by_element = {row.element: row for row in rows}
    where = path.name
    needed = {
        "link-mode": (CLOSURE_FIELDS, sorted({lk.mode for lk in atlas.links} & set(FREIGHT_MODES))),
        "crossing-mode": (
            (*CLOSURE_FIELDS, "dwell_p90_factor"),
            sorted({c.mode for c in atlas.crossings}),
        ),
    }
    for kind, (fields, modes) in needed.items():
        for mode in modes:
            row = by_element.get(f"{kind}:{mode}")
            missing = [f for f in fields if row is None or f not in row.values]
            if missing:
                problems.append(
                    Problem(
                        where,
                        f"no default {', '.join(missing)} for {kind}:{mode}",
                        f"add a row {kind}:{mode} with {', '.join(fields)}",
                        row.line if row else None,
                    )
                )
    if problems:
        return None

    def merged(*elements: str) -> tuple[dict[str, float], int]:
        values: dict[str, float] = {}
        line = 0
        for element in elements:  # least specific first
            row = by_element.get(element)
            if row is not None:
                values.update(row.values)
                line = row.line
        return values, line

    link_share, link_hours = np.zeros(len(atlas.links)), np.zeros(len(atlas.links))
    for i, link in enumerate(atlas.links):
        if link.mode in FREIGHT_MODES:
            values, line = merged(f"link-mode:{link.mode}", f"link:{link.link_id}")
            link_share[i] = _share_or_report(values, line, f"link:{link.link_id}", where, problems)
            link_hours[i] = values.get("closure_days", 0.0) * HOURS_PER_DAY
    n = len(atlas.crossings)
    share, median, sigma, hours = np.zeros(n), np.zeros(n), np.zeros(n), np.zeros(n)
    for i, c in enumerate(atlas.crossings):
        key = f"crossing:{c.node_id}:{c.from_country}:{c.to_country}:{c.mode}"
        values, line = merged(f"crossing-mode:{c.mode}", f"crossing:{c.node_id}", key)
        share[i] = _share_or_report(values, line, key, where, problems)
        median[i] = values.get("dwell_median_h", c.dwell_h)
        sigma[i] = math.log(values["dwell_p90_factor"]) / Z90
        hours[i] = values.get("closure_days", 0.0) * HOURS_PER_DAY
    digest = hashlib.sha256(data).hexdigest()
    return ReliabilityParams(str(path), digest, link_share, share, median, sigma, link_hours, hours)


def _share_or_report(
    values: dict[str, float], line: int, element: str, where: str, problems: list[Problem]
) -> float:
    share = _closed_share(values)
    if share > 1:
        problems.append(
            Problem(where, f"{element}: closures × days exceed a year", "lower either figure", line)
        )
    return min(share, 1.0)
