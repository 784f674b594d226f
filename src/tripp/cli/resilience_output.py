"""Files and terminal tables for the resilience commands (only the CLI calls this module).

The files follow :mod:`tripp.reporting.atomic`: criticality results are a folder of their own,
swapped in whole; reliability results join the sweep folder, which then gets tripp's manifest.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from tripp.atlas.model import Atlas
from tripp.reporting.atomic import atomic_path, mark_output_folder, output_folder
from tripp.reporting.criticality_layer import criticality_geojson
from tripp.resilience.criticality import CriticalityResult
from tripp.resilience.reliability import ReliabilityResult


def _csv_text(rows: list[dict[str, Any]]) -> str:
    buffer = io.StringIO()
    if rows:
        writer = csv.DictWriter(buffer, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    return buffer.getvalue()


def _json_text(data: object) -> str:
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def write_criticality(
    result: CriticalityResult, atlas: Atlas, folder: Path, *, force: bool
) -> list[Path]:
    """Write ``criticality.json``, ``.csv`` and ``.geojson`` as the folder ``folder``, swapped
    in whole; an existing ``folder`` is replaced only with ``force`` and only if tripp wrote it."""
    rows = []
    for impact in result.impacts:
        row = impact.to_dict()
        row["elements"] = "+".join(row["elements"])
        row["labels"] = " + ".join(row["labels"])
        rows.append(row)
    files = {
        "criticality.json": _json_text(result.to_dict()),
        "criticality.csv": _csv_text(rows),
        "criticality.geojson": _json_text(criticality_geojson(result, atlas)),
    }
    with output_folder(folder, command="tripp criticality", force=force) as staging:
        for name, text in files.items():
            (staging / name).write_text(text, encoding="utf-8")
    return [folder / name for name in files]


def write_reliability(result: ReliabilityResult, folder: Path) -> list[Path]:
    """Write ``reliability.json`` and ``reliability.csv`` into the sweep ``folder`` (each file
    atomically), then its manifest: the finished sweep counts as tripp's output."""
    folder.mkdir(parents=True, exist_ok=True)
    files = {
        "reliability.json": _json_text(result.to_dict()),
        "reliability.csv": _csv_text(result.rows()),
    }
    for name, text in files.items():
        with atomic_path(folder / name) as temporary:
            temporary.write_text(text, encoding="utf-8")
    mark_output_folder(folder, command="tripp reliability")
    return [folder / name for name in files]


def _number(value: float | None, digits: int = 1) -> str:
    return "no route" if value is None else f"{value:,.{digits}f}"


def _with_se(stats: dict[str, float | None], label: str) -> str:
    se = stats[f"{label}_se"]
    return _number(stats[label]) + ("" if se is None else f" ± {se:,.1f}")


def print_criticality(result: CriticalityResult) -> None:
    """The ranking as a Rich table."""
    from rich.table import Table

    from tripp.cli.display import console

    spec = result.spec
    table = Table(
        title=f"Criticality of {spec['elements']} (k={spec['k']}), {spec['scenario']} "
        f"{spec['year']}, demand {spec['demand_year']}, objective {spec['objective']}"
    )
    unit = spec.get("objective_unit", "")
    for name in (
        "rank",
        "closed",
        "unmet t/yr",
        f"Δ {spec['objective']} {unit}",
        "Δ gen. cost USD/yr",
        "Δ time h",
        "cost rank",
    ):
        table.add_column(name, justify="left" if name == "closed" else "right")
    for impact in result.impacts:
        table.add_row(
            str(impact.rank),
            "\n".join(f"{e.element_id} ({e.label})" for e in impact.elements),
            _number(impact.unmet_t_per_year, 0),
            _number(impact.delta_objective_per_year, 0),
            "—"
            if impact.delta_generalized_usd_per_year is None
            else _number(impact.delta_generalized_usd_per_year, 0),
            "—" if impact.delta_time_h_mean is None else f"{impact.delta_time_h_mean:+.1f}",
            str(impact.rank_by_cost),
        )
    out = console()
    out.print(table)
    base = result.base
    gc = base.get("generalized_usd_per_year")
    out.print(
        f"{result.closed} closures; base: {base['od_pairs']} O-D pairs, "
        f"{base['t_per_year']:,.0f} t/yr ({base['unrouted_t_per_year']:,.0f} without a route), "
        f"{spec['objective']} {base['objective_per_year']:,.0f} {unit}"
        + ("" if gc is None else f", generalised cost {gc:,.0f} USD/yr")
    )


def print_reliability(result: ReliabilityResult) -> None:
    """Per O-D quantiles and no-route probability as a Rich table."""
    from rich.table import Table

    from tripp.cli.display import console

    spec = result.spec
    table = Table(
        title=f"Reliability, {spec['scenario']} {spec['year']} (demand {spec['demand_year']}), "
        f"{spec['samples']:,} samples, seed {spec['seed']}, objective {spec['objective']}"
    )
    columns = ("O-D", "time P50 h", "time P90 h", "time P95 h", "cost P50 USD/TEU")
    for name in (*columns, "cost P90 USD/TEU", "P(no route)"):
        table.add_column(name, justify="left" if name == "O-D" else "right")
    for od in result.ods:
        time_h, cost = od["time_h"], od["cost_usd_per_teu"]
        table.add_row(
            f"{od['origin']} → {od['destination']}",
            *(_with_se(time_h, q) for q in ("p50", "p90", "p95")),
            *(_with_se(cost, q) for q in ("p50", "p90")),
            f"{od['p_no_route']:.3f} ± {od['p_no_route_se']:.3f}",
        )
    console().print(table)


@contextmanager
def progress_bar() -> Iterator[Callable[[str, int, int], None]]:
    """A Rich progress bar on stderr, fed by a ``(what, done, total)`` callback."""
    from rich.console import Console
    from rich.progress import Progress

    tasks: dict[str, Any] = {}
    with Progress(console=Console(stderr=True), transient=True) as bar:

        def update(what: str, done: int, total: int) -> None:
            if what not in tasks:
                tasks[what] = bar.add_task(what, total=total)
            bar.update(tasks[what], completed=done, total=total)

        yield update
