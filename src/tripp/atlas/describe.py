"""Counts that describe an atlas: places and links by country, mode and status, sources by
confidence and how much of it is estimated rather than published.

:func:`describe_atlas` returns plain JSON-ready data; the command line renders it
as Rich tables.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from tripp.atlas.model import Atlas, Provenance
from tripp.atlas.schema import CONFIDENCES, STATUSES
from tripp.units import ALL_MODES

#: Tables whose rows carry figures and the ``estimated`` flag, in the order reported.
FIGURE_TABLES: tuple[str, ...] = (
    "nodes",
    "links",
    "crossings",
    "transfers",
    "tariffs",
    "energy",
    "demand",
    "services",
    "cargo_types",
)
#: Every table counted in ``totals``.
TOTAL_TABLES: tuple[str, ...] = (
    "nodes",
    "links",
    "crossings",
    "transfers",
    "tariffs",
    "sources",
    "energy",
    "demand",
    "services",
    "cargo_types",
)


def describe_atlas(atlas: Atlas) -> dict[str, Any]:
    """Counts that describe ``atlas``, as JSON-ready data with stable keys.

    Keys:

    - ``folder`` (str) and ``as_of_year`` (int): which atlas, statuses as of which year.
    - ``totals``: rows per table, keys ``nodes, links, crossings, transfers, tariffs,
      sources, energy, demand, services, cargo_types``.
    - ``by_country``: ``{code: {"nodes": n, "links": n}}`` for every country code that has
      a node or a link, sorted; a link counts in its resolved ``country`` (``XZ`` is
      international waters).
    - ``by_mode``: links per mode, every mode of the registry (zeros included), in order
      ``rail, road, ferry, sea, gas_pipeline, oil_pipeline, power_line, fibre``.
    - ``by_status``: links per status, every status (zeros included), in order
      ``operating, under_construction, planned, closed, suspended``.
    - ``by_mode_status``: ``{mode: {status: n}}`` for the modes that have links, each
      with every status.
    - ``sources_by_confidence``: sources per confidence, keys ``high, med, low``.
    - ``estimated``: for each table with figures (``nodes, links, crossings, transfers,
      tariffs, energy, demand, services, cargo_types``) and ``overall``:
      ``{"rows": n, "estimated": n, "share": estimated / rows}``; ``share`` is ``None`` when
      there are no rows.

    >>> from tripp.atlas.io import load_atlas
    >>> data = describe_atlas(load_atlas())
    >>> data["totals"]["links"] == sum(data["by_mode"].values())
    True
    """
    by_country: dict[str, dict[str, int]] = {}
    for table in ("nodes", "links"):
        for code, n in Counter(row.country for row in getattr(atlas, table)).items():
            by_country.setdefault(code, {"nodes": 0, "links": 0})[table] = n
    modes = Counter(link.mode for link in atlas.links)
    statuses = Counter(link.status for link in atlas.links)
    pairs = Counter((link.mode, link.status) for link in atlas.links)
    confidence = Counter(source.confidence for source in atlas.sources)
    estimated: dict[str, dict[str, Any]] = {}
    all_rows = all_estimated = 0
    for table in FIGURE_TABLES:
        rows: tuple[Provenance, ...] = getattr(atlas, table)
        flagged = sum(row.estimated for row in rows)
        estimated[table] = _share(len(rows), flagged)
        all_rows += len(rows)
        all_estimated += flagged
    estimated["overall"] = _share(all_rows, all_estimated)
    return {
        "folder": str(atlas.folder),
        "folders": [str(folder) for folder in atlas.folders],
        "as_of_year": atlas.as_of_year,
        "totals": {table: len(getattr(atlas, table)) for table in TOTAL_TABLES},
        "by_country": {code: by_country[code] for code in sorted(by_country)},
        "by_mode": {mode: modes.get(mode, 0) for mode in ALL_MODES},
        "by_status": {status: statuses.get(status, 0) for status in STATUSES},
        "by_mode_status": {
            mode: {status: pairs.get((mode, status), 0) for status in STATUSES}
            for mode in ALL_MODES
            if modes.get(mode)
        },
        "sources_by_confidence": {c: confidence.get(c, 0) for c in CONFIDENCES},
        "estimated": estimated,
    }


def _share(rows: int, flagged: int) -> dict[str, Any]:
    return {"rows": rows, "estimated": flagged, "share": flagged / rows if rows else None}
