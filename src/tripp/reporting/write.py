"""Scenario reports: one offline HTML page, GIS layers and tables, written atomically.

:func:`write_report` compares a base scenario with one or more others and writes into a
folder:

- ``report.html``: scenario definitions and their sources, per comparison the route table,
  summary, maps, time–distance and cost–distance charts, transit exposure and (see
  ``appraise``) the appraisal against the base: NPV, BCR, EIRR, FIRR, notes, the cash
  flows, the NPV by stakeholder and the tornado; and a note on data provenance;
  self-contained (no network access needed to view it);
- ``network.gpkg`` (layers ``nodes``, ``links``), ``routes.gpkg`` (layer ``routes``) and
  ``network_nodes.geojson``, ``network_links.geojson``, ``routes.geojson`` (EPSG:4326);
- ``comparison.csv``/``.parquet`` and ``exposure.csv``/``.parquet``; where it appraised,
  ``appraisal_cash_flows.csv``/``.parquet`` and ``appraisal_by_stakeholder.csv``/``.parquet``.

Everything is built in a hidden folder beside ``out`` and swapped in at the end, so a
failure never leaves a half-written report; the folder gets tripp's manifest, and an existing
``out`` is replaced only as :mod:`tripp.reporting.atomic` allows (``force``, and only an output
tripp wrote).
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING

from tripp.reporting.atomic import check_output_folder, output_folder
from tripp.reporting.build import ReportData, collect
from tripp.reporting.html import render
from tripp.reporting.layers import write_layers
from tripp.reporting.tables import write_tables
from tripp.scenarios.network import ScenarioNetwork

if TYPE_CHECKING:
    from tripp.appraisal.settings import AppraisalSettings

logger = logging.getLogger(__name__)

__all__ = ["write_report"]


def write_report(
    base: ScenarioNetwork,
    others: list[ScenarioNetwork],
    out: Path,
    *,
    pairs: list[tuple[str, str]] | None = None,
    objective: str = "time",
    force: bool = False,
    appraise: bool | None = None,
    appraisal_settings: AppraisalSettings | None = None,
) -> Path:
    """Compare ``base`` with each of ``others`` and write the report folder ``out``.

    ``pairs`` are (origin, destination) places by id or name (default: the pairs of
    :data:`tripp.scenarios.compare.DEFAULT_PAIRS`); ``objective`` is what routes minimise (``time``,
    ``cost``, ``distance`` or ``generalized``). A folder ``out`` that holds anything is
    replaced only with ``force`` and only when tripp wrote it. ``appraise``: appraise each
    compared scenario against ``base`` with ``appraisal_settings`` (default settings:
    :class:`~tripp.appraisal.settings.AppraisalSettings`); ``None`` (default) does so when
    the report compares two scenarios and shows an appraisal that cannot be made with its
    reason, ``True`` always (an appraisal's error stops the report), ``False`` never (an
    appraisal adds about 6 s on the embedded atlas). Returns ``out``.

    Raises :class:`~tripp.errors.InputError` when ``out`` may not be written (see
    :func:`~tripp.reporting.atomic.check_output_folder`: not empty without ``force``, not
    written by tripp, the current folder, one holding ``.git``, a file, or its parent folder
    missing); when ``others`` is empty; and for unknown places or objectives.

    >>> import tempfile, tripp
    >>> atlas = tripp.load_atlas()
    >>> base, other = tripp.scenario(atlas, "baseline-2025"), tripp.scenario(atlas, "tripp-2030")
    >>> out = write_report(base, [other], Path(tempfile.mkdtemp()) / "report")
    >>> (out / "report.html").is_file()
    True
    """
    out = Path(out)
    check_output_folder(out, force=force)
    data = collect(
        base,
        others,
        pairs=pairs,
        objective=objective,
        appraise=appraise,
        appraisal_settings=appraisal_settings,
    )
    with output_folder(out, command="tripp report", force=force) as staging:
        _build(data, staging)
    logger.info("wrote report %s", out)
    return out


def _build(data: ReportData, folder: Path) -> None:
    (folder / "report.html").write_text(render(data), encoding="utf-8")
    write_layers(data, folder)
    write_tables(data, folder)
