"""``tripp bottlenecks`` and the corridor branch of ``tripp assign``."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from tripp.cli.common import TableFormat, handle_errors
from tripp.errors import InputError, Problem
from tripp.routing.objective import DEFAULT_OBJECTIVE

if TYPE_CHECKING:
    from tripp.assignment.spec import AssignmentSpec


def run_corridor(
    scenario: str,
    *,
    year: int | None,
    demand: str | None,
    objective: str,
    out: Path | None,
    force: bool,
    json_format: bool,
    top: int,
    atlas_folder: Path | None = None,
    spec: AssignmentSpec | None = None,
) -> None:
    """Assign the scenario's freight demand (:func:`tripp.freight.scenario.assign` run as
    ``spec`` says, else :func:`~tripp.freight.scenario.bottlenecks`), print and write the
    loads; exit 4 when the run did not converge."""
    from tripp.atlas.io import load_atlas
    from tripp.cli.freight_output import print_assignment, write_assignment
    from tripp.freight.scenario import BOTTLENECKS_GAP, assign, bottlenecks
    from tripp.reporting.atomic import check_output_folder
    from tripp.scenarios.network import scenario_network

    if demand is not None and not demand.isdigit():
        raise InputError(Problem("--demand", f"'{demand}' is not a year", "give e.g. 2030"))
    if out is not None:
        check_output_folder(out, force=force)
    network = scenario_network(load_atlas(atlas_folder), scenario)
    demand_year = None if demand is None else int(demand)
    if spec is None:
        result = bottlenecks(network, year=year, demand_year=demand_year, objective=objective)
    else:
        result = assign(
            network,
            year=year,
            demand_year=demand_year,
            objective=objective,
            algorithm=str(spec.algorithm),
            gap=spec.target_gap,
            max_iter=spec.max_iterations,
        )
    if out is not None:
        command = "tripp bottlenecks" if spec is None else "tripp assign"
        write_assignment(result, network.atlas, out, force=force, command=command)
    if json_format:
        sys.stdout.write(json.dumps(result.to_dict(top), indent=2) + "\n")
    else:
        print_assignment(result, top)
    if not result.converged:
        from tripp.errors import ConvergenceError

        gap = BOTTLENECKS_GAP if spec is None else spec.target_gap
        raise ConvergenceError(
            f"relative gap {result.relative_gap:.3g} did not reach {gap:g} "
            "— fix: raise --max-iter or loosen --gap"
        )


@handle_errors
def bottlenecks_command(
    scenario: Annotated[str, typer.Argument(help="Scenario name or TOML file.")],
    year: Annotated[
        int | None, typer.Option(help="Network year (default: the scenario's).")
    ] = None,
    demand: Annotated[
        str | None, typer.Option(help="Demand year (default: latest not after the network year).")
    ] = None,
    top: Annotated[int, typer.Option(help="How many elements to rank.")] = 15,
    objective: Annotated[
        str, typer.Option(help="time (default) or generalized.")
    ] = DEFAULT_OBJECTIVE.value,
    out: Annotated[
        Path | None, typer.Option(help="Folder for links.gpkg and elements.csv.")
    ] = None,
    force: Annotated[bool, typer.Option("--force", help="Replace --out.")] = False,
    atlas: Annotated[Path | None, typer.Option("--atlas", help="Atlas folder.")] = None,
    format: Annotated[TableFormat, typer.Option("--format", help="table or json.")] = (
        TableFormat.TABLE
    ),
) -> None:
    """Rank links, ports, ferries and crossings by volume/capacity under equilibrium flows."""
    if top < 1:
        raise InputError(Problem("--top", "must be at least 1", "give e.g. 15"))
    run_corridor(
        scenario,
        year=year,
        demand=demand,
        objective=objective,
        out=out,
        force=force,
        json_format=format is TableFormat.JSON,
        top=top,
        atlas_folder=atlas,
    )


def register(app: typer.Typer) -> None:
    """Add ``bottlenecks`` to ``app``."""
    app.command("bottlenecks")(bottlenecks_command)
