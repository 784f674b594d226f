"""``tripp bottlenecks`` and the corridor branch of ``tripp assign``."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer

from tripp.cli.common import TableFormat, handle_errors
from tripp.errors import InputError, Problem


def run_corridor(
    scenario: str,
    *,
    year: int | None,
    demand: str | None,
    algorithm: str,
    gap: float,
    max_iter: int,
    objective: str,
    out: Path | None,
    force: bool,
    json_format: bool,
    top: int,
    atlas_folder: Path | None = None,
) -> None:
    """Assign the scenario's freight demand and print (and write) the loads."""
    from tripp.atlas.io import load_atlas
    from tripp.cli.freight_output import print_assignment, write_assignment
    from tripp.freight.corridor import assign_corridor
    from tripp.freight.settings import FreightSettings
    from tripp.scenarios.exposure import demand_year_for
    from tripp.scenarios.network import scenario_network

    network = scenario_network(load_atlas(atlas_folder), scenario)
    network_year = year if year is not None else network.year
    years = sorted({row.year for row in network.atlas.demand})
    if demand is None:
        demand_year = demand_year_for(network.atlas, network_year)
    elif demand.isdigit() and int(demand) in years:
        demand_year = int(demand)
    else:
        raise InputError(
            Problem(
                "--demand",
                f"no demand rows for '{demand}'",
                f"give one of the demand years {', '.join(map(str, years))}",
            )
        )
    result = assign_corridor(
        network.graph,
        scenario=network.applied().name,
        year=network_year,
        demand_year=demand_year,
        settings=FreightSettings(objective=objective),
        algorithm=algorithm,
        gap=gap,
        max_iter=max_iter,
    )
    if out is not None:
        write_assignment(result, network.atlas, out, force=force)
    if json_format:
        sys.stdout.write(json.dumps(result.to_dict(top), indent=2) + "\n")
    else:
        print_assignment(result, top)
    if not result.converged:
        from tripp.errors import ConvergenceError

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
    objective: Annotated[str, typer.Option(help="time or generalized.")] = "time",
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
        algorithm="bfw",
        gap=1e-4,
        max_iter=500,
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
