"""Scenario reports: one offline HTML page, GIS layers and tables, written atomically.

:func:`write_report` compares a base scenario with one or more others and writes into a
folder:

- ``report.html``: scenario definitions and their sources, per comparison the route table,
  summary, maps, time–distance and cost–distance charts and transit exposure, and a note
  on data provenance; self-contained (no network access needed to view it);
- ``network.gpkg`` (layers ``nodes``, ``links``), ``routes.gpkg`` (layer ``routes``) and
  ``network_nodes.geojson``, ``network_links.geojson``, ``routes.geojson`` (EPSG:4326);
- ``comparison.csv``/``.parquet`` and ``exposure.csv``/``.parquet``.

Everything is built in a hidden folder beside ``out`` and swapped in at the end, so a
failure never leaves a half-written report.
"""

from __future__ import annotations

import logging
import shutil
import uuid
from pathlib import Path

from tripp.errors import InputError, Problem
from tripp.reporting.build import ReportData, collect
from tripp.reporting.html import render
from tripp.reporting.layers import write_layers
from tripp.reporting.tables import write_tables
from tripp.scenarios.network import ScenarioNetwork

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
) -> Path:
    """Compare ``base`` with each of ``others`` and write the report folder ``out``.

    ``pairs`` are (origin, destination) places by id or name (default: the pairs of
    :data:`tripp.scenarios.compare.DEFAULT_PAIRS`); ``objective`` is what routes minimise (``time``,
    ``cost``, ``distance`` or ``generalized``). A folder ``out`` that holds anything is
    replaced only with ``force``. Returns ``out``.

    Raises :class:`~tripp.errors.InputError` when ``out`` exists (not empty, without
    ``force``), is a file, or its parent folder is missing; when ``others`` is empty; and
    for unknown places or objectives.

    >>> import tempfile, tripp
    >>> atlas = tripp.load_atlas()
    >>> base, other = tripp.scenario(atlas, "baseline-2025"), tripp.scenario(atlas, "tripp-2030")
    >>> out = write_report(base, [other], Path(tempfile.mkdtemp()) / "report")
    >>> (out / "report.html").is_file()
    True
    """
    out = Path(out)
    _check_target(out, force=force)
    data = collect(base, others, pairs=pairs, objective=objective)
    staging = out.parent / f".{out.name}.tmp-{uuid.uuid4().hex[:8]}"
    staging.mkdir()
    try:
        _build(data, staging)
        _swap(staging, out)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    logger.info("wrote report %s", out)
    return out


def _check_target(out: Path, *, force: bool) -> None:
    if not out.parent.is_dir():
        raise InputError(Problem(str(out), "parent folder does not exist", f"create {out.parent}"))
    if out.exists() and not out.is_dir():
        raise InputError(Problem(str(out), "is a file", "give a folder for the report"))
    if out.is_dir() and any(out.iterdir()) and not force:
        raise InputError(
            Problem(
                str(out), "already exists", "pass --force to replace it or choose another folder"
            )
        )


def _build(data: ReportData, folder: Path) -> None:
    (folder / "report.html").write_text(render(data), encoding="utf-8")
    write_layers(data, folder)
    write_tables(data, folder)


def _swap(staging: Path, out: Path) -> None:
    """Put ``staging`` in place of ``out``; the old ``out`` is removed only once replaced."""
    if not out.exists():
        staging.rename(out)
        return
    backup = out.parent / f".{out.name}.old-{uuid.uuid4().hex[:8]}"
    out.rename(backup)
    try:
        staging.rename(out)
    except BaseException:
        backup.rename(out)
        raise
    shutil.rmtree(backup)
