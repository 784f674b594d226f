"""The ``tripp assign`` command: user-equilibrium assignment of a TNTP network.

Wire it into a Typer app with :func:`register`. Heavy modules (Numba kernels, pandas) are
imported inside the command, so importing this module stays fast.
"""

from __future__ import annotations

import csv
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from tripp.assignment.spec import Algorithm, AssignmentSpec
from tripp.cli.common import TableFormat, handle_errors
from tripp.errors import ConvergenceError, InputError, Problem
from tripp.reporting.atomic import atomic_path, check_output_file

if TYPE_CHECKING:
    from tripp.assignment.result import AssignmentResult

__all__ = ["register"]


def register(app: typer.Typer) -> None:
    """Add the ``assign`` command to ``app``."""
    app.command("assign")(assign_command)


@handle_errors
def assign_command(
    tntp_net: Annotated[
        Path | None, typer.Option("--tntp-net", help="TNTP network file (_net.tntp).")
    ] = None,
    tntp_trips: Annotated[
        Path | None, typer.Option("--tntp-trips", help="TNTP trips file (_trips.tntp).")
    ] = None,
    algorithm: Annotated[
        Algorithm | None,
        typer.Option(
            help="auto (TNTP default: gp below gap 1e-5 or with few ODs per link, else bfw), "
            "fw, cfw, bfw, gp (path-based, for gaps of 1e-8), or logit (route choice; the "
            "--scenario default)."
        ),
    ] = None,
    gap: Annotated[float, typer.Option(help="Target relative gap (TSTT − SPTT) / TSTT.")] = 1e-4,
    max_iter: Annotated[int, typer.Option(help="Stop after this many iterations.")] = 1000,
    threads: Annotated[
        int | None,
        typer.Option(help="Threads of an all-or-nothing pass (default: every core)."),
    ] = None,
    toll_factor: Annotated[
        float, typer.Option(help="Generalised cost per unit of toll (network time unit).")
    ] = 0.0,
    distance_factor: Annotated[
        float, typer.Option(help="Generalised cost per unit of length (network time unit).")
    ] = 0.0,
    out: Annotated[
        Path | None,
        typer.Option(help="Write link flows to this CSV (init_node,term_node,flow,cost)."),
    ] = None,
    force: Annotated[bool, typer.Option(help="Overwrite --out if it exists.")] = False,
    format: Annotated[TableFormat, typer.Option(help="table or json.")] = TableFormat.TABLE,
    scenario: Annotated[
        str | None, typer.Option(help="Corridor scenario: assign the atlas's freight demand.")
    ] = None,
    year: Annotated[int | None, typer.Option(help="Corridor network year.")] = None,
    demand: Annotated[str | None, typer.Option(help="Corridor demand year, e.g. 2030.")] = None,
) -> None:
    """Static user-equilibrium assignment: TNTP networks, or the corridor's freight demand.

    With --tntp-net/--tntp-trips: BPR link costs, flows CSV. With --scenario: the atlas's
    freight demand (t/year) on its capacities; --out is then a folder for links.gpkg and
    elements.csv. Exits 4 if the target gap is not reached (the summary and the flows are
    still written), 2 on bad input.
    """
    if scenario is not None and tntp_net is None and tntp_trips is None:
        from tripp.cli.freight import run_corridor

        chosen = algorithm or Algorithm.LOGIT
        run_corridor(
            scenario,
            year=year,
            demand=demand,
            objective=None if chosen is Algorithm.LOGIT else "time",
            out=out,
            force=force,
            json_format=format is TableFormat.JSON,
            top=15,
            spec=AssignmentSpec(chosen, gap, max_iter, threads),
        )
        return
    if algorithm is Algorithm.LOGIT:
        raise InputError(
            Problem(
                "--algorithm",
                "logit is the corridor's route choice (--scenario)",
                "use auto, fw, cfw, bfw or gp for TNTP files",
            )
        )
    _run(
        tntp_net,
        tntp_trips,
        AssignmentSpec(algorithm or Algorithm.AUTO, gap, max_iter, threads),
        toll_factor=toll_factor,
        distance_factor=distance_factor,
        out=out,
        force=force,
        format=format,
        corridor_options=[scenario is not None, year is not None, demand is not None],
    )


def _run(
    tntp_net: Path | None,
    tntp_trips: Path | None,
    spec: AssignmentSpec,
    *,
    toll_factor: float,
    distance_factor: float,
    out: Path | None,
    force: bool,
    format: TableFormat,
    corridor_options: list[bool],
) -> None:
    if any(corridor_options):
        if tntp_net is None and tntp_trips is None:
            raise InputError(
                Problem(
                    "--year/--demand",
                    "need a corridor scenario",
                    "add --scenario NAME (see `tripp scenario list`)",
                )
            )
        raise InputError(
            Problem(
                "--scenario/--year/--demand",
                "apply to corridor assignment, not TNTP files",
                "drop them when assigning --tntp-net/--tntp-trips",
            )
        )
    missing = [
        Problem(option, "is required", f"give the TNTP {kind} file")
        for option, value, kind in (
            ("--tntp-net", tntp_net, "network"),
            ("--tntp-trips", tntp_trips, "trips"),
        )
        if value is None
    ]
    if missing:
        raise InputError(missing)
    assert tntp_net is not None and tntp_trips is not None
    if out is not None:
        check_output_file(out, force=force)

    from tripp.assignment.equilibrium import assign_tntp

    result = assign_tntp(
        tntp_net, tntp_trips, spec=spec, toll_factor=toll_factor, distance_factor=distance_factor
    )
    if format is TableFormat.JSON:
        sys.stdout.write(json.dumps(result.summary(), indent=2) + "\n")
    else:
        _print_table(result)
    if out is not None:
        _write_flows(result, out)
    if not result.converged:
        raise ConvergenceError(
            f"relative gap {result.relative_gap:.3g} after {result.iterations} iterations did "
            f"not reach {spec.target_gap:g} — fix: raise --max-iter, loosen --gap, or use "
            "--algorithm gp"
        )


def _write_flows(result: AssignmentResult, out: Path) -> None:
    """Write the link table atomically: a temporary file in the same folder, then rename."""
    with atomic_path(out) as temporary, temporary.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["init_node", "term_node", "flow", "cost"])
        writer.writerows(
            (int(i), int(j), repr(float(x)), repr(float(c)))
            for i, j, x, c in zip(
                result.init_node, result.term_node, result.flow, result.cost, strict=True
            )
        )


def _print_table(result: AssignmentResult) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table(title="Equilibrium assignment", show_header=False)
    table.add_column("", style="bold")
    table.add_column("", justify="right")
    summary = result.summary()
    summary["relative_gap"] = f"{result.relative_gap:.3e} (target {result.target_gap:g})"
    summary["tstt"] = f"{result.tstt:,.4f}"
    summary["wall_s"] = f"{result.wall_s:.3f}"
    for key, value in summary.items():
        table.add_row(key, str(value))
    Console().print(table)
