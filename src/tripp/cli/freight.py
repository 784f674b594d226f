"""``tripp bottlenecks``, ``tripp flows`` (and ``flows check``) and the corridor branch of
``tripp assign``."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from typer.core import TyperGroup

from tripp.cli.common import (
    AtlasOption,
    Format,
    TableFormat,
    emit_json,
    handle_errors,
    load_atlas_stack,
)
from tripp.errors import InputError, Problem

if TYPE_CHECKING:
    from tripp.assignment.spec import AssignmentSpec


def run_corridor(
    scenario: str,
    *,
    year: int | None,
    demand: str | None,
    objective: str | None,
    out: Path | None,
    force: bool,
    json_format: bool,
    top: int,
    atlas_folders: list[str] | None = None,
    spec: AssignmentSpec | None = None,
) -> None:
    """Assign the scenario's freight demand (:func:`tripp.freight.scenario.assign` run as
    ``spec`` says, else :func:`~tripp.freight.scenario.bottlenecks`), print and write the
    loads; exit 4 when the run did not converge."""
    from tripp.cli.freight_output import print_assignment, write_assignment
    from tripp.freight.corridor import LOGIT
    from tripp.freight.scenario import assign
    from tripp.freight.settings import CHOICE_TOLERANCE
    from tripp.reporting.atomic import check_output_folder
    from tripp.scenarios.network import scenario_network

    if demand is not None and not demand.isdigit():
        raise InputError(Problem("--demand", f"'{demand}' is not a year", "give e.g. 2030"))
    if out is not None:
        check_output_folder(out, force=force)
    network = scenario_network(load_atlas_stack(atlas_folders), scenario)
    demand_year = None if demand is None else int(demand)
    algorithm = LOGIT if spec is None else str(spec.algorithm)
    if spec is None:
        result = assign(network, year=year, demand_year=demand_year, objective=objective)
    else:
        result = assign(
            network,
            year=year,
            demand_year=demand_year,
            objective=objective,
            algorithm=algorithm,
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

        if algorithm == LOGIT:
            raise ConvergenceError(
                f"the route choice's split change {result.relative_gap:.3g} did not reach "
                f"{CHOICE_TOLERANCE:g} in {result.iterations} rounds; the loads are those of "
                "the last round — fix: report it with the scenario file"
            )
        gap = spec.target_gap if spec is not None else CHOICE_TOLERANCE
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
        str | None,
        typer.Option(
            help="Not for route choice, which weighs money + value of time per cargo type; "
            "`tripp assign --scenario S --algorithm bfw` ranks by equilibrium on time."
        ),
    ] = None,
    out: Annotated[
        Path | None, typer.Option(help="Folder for links.gpkg and elements.csv.")
    ] = None,
    force: Annotated[bool, typer.Option("--force", help="Replace --out.")] = False,
    atlas: AtlasOption = None,
    format: Annotated[TableFormat, typer.Option("--format", help="table or json.")] = (
        TableFormat.TABLE
    ),
) -> None:
    """Rank links, ports, ferries and crossings by volume/capacity under route choice."""
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
        atlas_folders=atlas,
    )


class _FlowsGroup(TyperGroup):
    """``tripp flows SCENARIO`` runs ``tripp flows show SCENARIO``: arguments that do not
    start with a subcommand's name go to ``show``."""

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:  # ctx: typer's click Context
        if args and args[0] not in self.commands and args[0] not in ctx.help_option_names:
            args = ["show", *args]
        return super().parse_args(ctx, args)


flows_app = typer.Typer(
    cls=_FlowsGroup,
    no_args_is_help=True,
    help=(
        "Modelled freight volumes: `tripp flows SCENARIO` (same as `tripp flows show`) per "
        "link, transfer, crossing, port and corridor; `tripp flows check` against observed "
        "counts."
    ),
)


@flows_app.command("show")
@handle_errors
def flows_command(
    scenario: Annotated[str, typer.Argument(help="Scenario name or TOML file.")],
    year: Annotated[
        int | None, typer.Option(help="Network year (default: the scenario's).")
    ] = None,
    atlas: AtlasOption = None,
    format: Annotated[Format, typer.Option("--format", help="table, json or geojson.")] = (
        Format.TABLE
    ),
) -> None:
    """Volumes, capacity and v/c per link, transfer, crossing, port and corridor.

    Volumes in t/year and TEU/year; v/c "unknown" where the atlas has no capacity. Exits 4
    when the assignment did not converge.
    """
    from tripp.cli.freight_output import print_flows
    from tripp.freight.flows import flows
    from tripp.freight.settings import CHOICE_TOLERANCE
    from tripp.scenarios.network import scenario_network

    result = flows(scenario_network(load_atlas_stack(atlas), scenario), year=year)
    if format is Format.JSON:
        emit_json(result.to_dict())
    elif format is Format.GEOJSON:
        emit_json(result.to_geojson())
    else:
        print_flows(result)
    run = result.assignment
    if not run.converged:
        from tripp.errors import ConvergenceError

        raise ConvergenceError(
            f"split change {run.relative_gap:.3g} did not reach {CHOICE_TOLERANCE:g}; "
            "the volumes are those of the last iteration"
        )


@flows_app.command("check")
@handle_errors
def flows_check_command(
    scenario: Annotated[
        str, typer.Option("--scenario", help="Scenario whose year the counts observe.")
    ] = "baseline-2025",
    counts: Annotated[
        Path | None, typer.Option("--counts", help="Counts CSV (default: the shipped one).")
    ] = None,
    demand: Annotated[
        int | None, typer.Option("--demand", help="Demand year (default: the base year).")
    ] = None,
    atlas: AtlasOption = None,
    format: Annotated[TableFormat, typer.Option("--format", help="table or json.")] = (
        TableFormat.TABLE
    ),
) -> None:
    """Compare modelled base-year volumes with observed counts.

    Each count's ratio and whether it is within its tolerance, the share within, RMSE %
    and median |ratio - 1|. Exits 1 unless at least 80 % of the counts and every key
    total (tolerance 0.25) are within their tolerance.
    """
    from tripp.freight.counts import check_flows
    from tripp.scenarios.network import scenario_network

    result = check_flows(
        scenario_network(load_atlas_stack(atlas), scenario), counts, demand_year=demand
    )
    if format is TableFormat.JSON:
        emit_json(result.to_dict())
    else:
        from tripp.cli.freight_output import print_flow_check

        print_flow_check(result)
    if not result.passed:
        raise typer.Exit(1)


@flows_app.command("fit")
@handle_errors
def flows_fit_command(
    scenario: Annotated[
        str, typer.Option("--scenario", help="Scenario whose year the counts observe.")
    ] = "baseline-2025",
    theta: Annotated[
        str, typer.Option(help="Comma-separated θ values to try (relative-cost sensitivity).")
    ] = "2,4,6,8,12,16,24",
    counts: Annotated[
        Path | None, typer.Option("--counts", help="Counts CSV (default: the shipped one).")
    ] = None,
    atlas: AtlasOption = None,
    format: Annotated[TableFormat, typer.Option("--format", help="table or json.")] = (
        TableFormat.TABLE
    ),
) -> None:
    """Fit the route choice's θ to the observed counts: the share within, key totals and
    RMSE % at each θ, and the best (the model's default is docs/freight-model.md's)."""
    from tripp.freight.calibrate import fit_flows
    from tripp.scenarios.network import scenario_network

    try:
        values = [float(v) for v in theta.split(",") if v.strip()]
    except ValueError:
        raise InputError(
            Problem("--theta", f"'{theta}' is not a list of numbers", "give e.g. 2,4,8")
        ) from None
    best, grid = fit_flows(
        scenario_network(load_atlas_stack(atlas), scenario), thetas=values, counts=counts
    )
    if format is TableFormat.JSON:
        emit_json({"best": best.to_dict(), "grid": [p.to_dict() for p in grid]})
        return
    from tripp.cli.freight_output import print_fit

    print_fit(best, grid)


@flows_app.command("shift")
@handle_errors
def flows_shift_command(
    base: Annotated[str, typer.Argument(help="Base scenario (name or file).")],
    other: Annotated[str, typer.Argument(help="Scenario to compare with the base.")],
    corridor: Annotated[
        str, typer.Option(help="Corridor tag whose attracted tonnes to trace.")
    ] = "TRIPP",
    demand: Annotated[
        int | None,
        typer.Option("--demand", help="Demand year of both sides (default: the other's)."),
    ] = None,
    atlas: AtlasOption = None,
    format: Annotated[TableFormat, typer.Option("--format", help="table or json.")] = (
        TableFormat.TABLE
    ),
) -> None:
    """What the other scenario moves, on one demand: the tonnes and TEU a corridor
    attracts, by market and by the route they left, and each country's transit change.
    Exits 4 when either route choice did not converge."""
    from tripp.freight.shift import flow_shift
    from tripp.scenarios.network import scenario_network

    loaded = load_atlas_stack(atlas)
    result, runs = flow_shift(
        scenario_network(loaded, base),
        scenario_network(loaded, other),
        corridor=corridor,
        demand_year=demand,
    )
    if format is TableFormat.JSON:
        emit_json(result.to_dict())
    else:
        from tripp.cli.freight_output import print_shift

        print_shift(result)
    unconverged = [r.scenario for r in runs if not r.converged]
    if unconverged:
        from tripp.errors import ConvergenceError

        raise ConvergenceError(f"route choice did not converge for {', '.join(unconverged)}")


def register(app: typer.Typer) -> None:
    """Add ``bottlenecks`` and the ``flows`` group to ``app``."""
    app.command("bottlenecks")(bottlenecks_command)
    app.add_typer(flows_app, name="flows")
