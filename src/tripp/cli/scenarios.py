"""CLI commands about scenarios: ``scenario list|show|validate``, ``compare``, ``exposure``,
``demo``. Registered on the main app by :mod:`tripp.cli.main`."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from tripp.cli.common import (
    AtlasOption,
    Format,
    FormatOption,
    emit_json,
    handle_errors,
    load_atlas_stack,
)
from tripp.routing.objective import DEFAULT_OBJECTIVE

if TYPE_CHECKING:
    from tripp.atlas.model import Atlas

scenario_app = typer.Typer(help="List, show and validate scenarios.", no_args_is_help=True)

TableOrJson = Annotated[Format, typer.Option("--format", help="table or json.")]


def _atlas(folders: list[str] | None) -> Atlas:

    return load_atlas_stack(folders)


@scenario_app.command("list")
@handle_errors
def scenario_list(atlas: AtlasOption = None, format: FormatOption = Format.TABLE) -> None:
    """The shipped scenarios with their year and description."""
    from tripp.scenarios import list_scenarios, load_scenario

    loaded = _atlas(atlas)
    scenarios = [load_scenario(name, loaded) for name in list_scenarios()]
    if format is Format.JSON:
        emit_json(
            [
                {
                    "name": s.name,
                    "year": s.year,
                    "description": s.description,
                    "extends": list(s.lineage[:-1]),
                }
                for s in scenarios
            ]
        )
        return
    from rich.table import Table

    from tripp.cli.display import console

    table = Table(title=f"{len(scenarios)} scenarios")
    for column in ("name", "year", "extends", "description"):
        table.add_column(column)
    for s in scenarios:
        table.add_row(s.name, str(s.year), " → ".join(s.lineage[:-1]), s.description)
    console().print(table)


@scenario_app.command("show")
@handle_errors
def scenario_show(
    name: Annotated[str, typer.Argument(help="Scenario name or TOML file.")],
    atlas: AtlasOption = None,
    format: FormatOption = Format.TABLE,
) -> None:
    """A scenario's merged rules, year, lineage and sources."""
    from tripp.scenarios import load_scenario
    from tripp.scenarios.model import row_dict

    loaded = _atlas(atlas)
    scenario = load_scenario(name, loaded)
    data = scenario.to_dict()
    sources = [s for s in loaded.sources if s.source_id in scenario.source_ids]
    data["sources"] = [{"source_id": s.source_id, "title": s.title, "url": s.url} for s in sources]
    atlas_keys = {(r.node_id, r.carrier, r.role, r.year) for r in loaded.energy}
    replaces = [(r.node_id, r.carrier, r.role, r.year) in atlas_keys for r in scenario.energy]
    data["energy"] = [
        {**row_dict(row), "replaces_atlas_row": replaced}
        for row, replaced in zip(scenario.energy, replaces, strict=True)
    ]
    if format is Format.JSON:
        emit_json(data)
        return
    from tripp.cli.display import console

    out = console()
    out.print(f"[bold]{scenario.name}[/bold] ({scenario.year}): {scenario.description}")
    out.print(f"lineage: {' → '.join(scenario.lineage)}")
    for key, selectors in (("open", scenario.open), ("close", scenario.close)):
        out.print(f"{key}: {', '.join(selectors) or '—'}")
    for rule in scenario.set:
        how = f"= {rule.value}" if rule.value is not None else f"× {rule.factor}"
        out.print(f"set {rule.target} {rule.field} {how}")
    for d in scenario.demand:
        out.print(f"demand {d.origin} → {d.destination} ({d.commodity}) × {d.factor}")
    for c in scenario.contract:
        until = "" if c.year_to is None else f" to {c.year_to}"
        out.print(
            f"contract {c.contract_id}: {c.carrier} {c.seller} → {c.buyer} "
            f"{c.value:g} {c.unit} from {c.year_from}{until}"
        )
    for e, replaced in zip(scenario.energy, replaces, strict=True):
        how = "replaces the atlas row" if replaced else "added"
        out.print(f"energy {e.node_id} {e.carrier} {e.role} {e.year}: {e.value:g} {e.unit} ({how})")
    for source in sources:
        out.print(f"source {source.source_id}: {source.title} <{source.url}>")


@scenario_app.command("validate")
@handle_errors
def scenario_validate(
    name: Annotated[str, typer.Argument(help="Scenario name or TOML file.")],
    atlas: AtlasOption = None,
) -> None:
    """Check a scenario file against the atlas; list every problem (exit 2)."""
    from tripp.scenarios import load_scenario

    scenario = load_scenario(name, _atlas(atlas))
    typer.echo(f"valid: {scenario.name} ({scenario.year}; {' → '.join(scenario.lineage)})")


@handle_errors
def compare_command(
    base: Annotated[str, typer.Argument(help="Base scenario (name or file).")],
    other: Annotated[str, typer.Argument(help="Scenario to compare with the base.")],
    pairs: Annotated[
        str, typer.Option(help="'default' or a CSV with origin,destination.")
    ] = "default",
    objective: Annotated[
        str, typer.Option(help="time (default), cost, distance or generalized.")
    ] = DEFAULT_OBJECTIVE.value,
    energy: Annotated[
        bool | None,
        typer.Option(
            "--energy/--no-energy",
            help="Also solve both scenarios' gas and power flows (PyPSA); default: only "
            "when their energy rows, lines or pipelines differ.",
            show_default=False,
        ),
    ] = None,
    demand_year: Annotated[
        int | None,
        typer.Option(
            "--demand",
            help="Demand year of the transit exposure on both sides (default: the other "
            "scenario's).",
        ),
    ] = None,
    atlas: AtlasOption = None,
    format: TableOrJson = Format.TABLE,
) -> None:
    """Routes before and after for each O-D pair, deltas, the transit-exposure change and,
    where the scenarios' energy data differ (or with --energy), the energy side."""
    from tripp.scenarios.compare import compare, read_pairs
    from tripp.scenarios.network import scenario_network

    loaded = _atlas(atlas)
    chosen = None if pairs == "default" else read_pairs(Path(pairs))
    result = compare(
        scenario_network(loaded, base),
        scenario_network(loaded, other),
        pairs=chosen,
        objective=objective,
        energy="auto" if energy is None else energy,
        demand_year=demand_year,
    )
    if format is Format.JSON:
        emit_json(result.to_dict())
    else:
        from tripp.cli.display_compare import print_comparison

        print_comparison(result)


@handle_errors
def exposure_command(
    scenario: Annotated[str, typer.Argument(help="Scenario name or file.")],
    objective: Annotated[
        str, typer.Option(help="time (default), cost, distance or generalized.")
    ] = DEFAULT_OBJECTIVE.value,
    demand_year: Annotated[
        int | None,
        typer.Option(
            "--demand",
            help="Demand year to route, e.g. 2030 (default: the scenario's); `tripp compare` "
            "routes the other scenario's demand year on both sides.",
        ),
    ] = None,
    atlas: AtlasOption = None,
    format: TableOrJson = Format.TABLE,
) -> None:
    """Each country's transit share of demand, each flow's dependence, focus areas."""
    from tripp.scenarios.exposure import exposure
    from tripp.scenarios.network import scenario_network

    network = scenario_network(_atlas(atlas), scenario)
    result = exposure(network, objective=objective, demand_year=demand_year)
    if format is Format.JSON:
        emit_json(result.to_dict())
    else:
        from tripp.cli.display_compare import print_exposure

        print_exposure(result)


@handle_errors
def report_command(
    base: Annotated[str, typer.Argument(help="Base scenario (name or file).")],
    others: Annotated[list[str], typer.Argument(help="Scenarios to compare with the base.")],
    out: Annotated[Path, typer.Option("--out", help="Folder to write the report into.")],
    pairs: Annotated[
        str, typer.Option(help="'default' or a CSV with origin,destination.")
    ] = "default",
    objective: Annotated[
        str, typer.Option(help="time (default), cost, distance or generalized.")
    ] = DEFAULT_OBJECTIVE.value,
    force: Annotated[bool, typer.Option("--force", help="Replace an existing report.")] = False,
    appraise: Annotated[
        bool | None,
        typer.Option(
            "--appraise/--no-appraise",
            help="Appraise each compared scenario against the base (default: when there is "
            "one; a failed appraisal then shows as a note, with --appraise it is an error).",
        ),
    ] = None,
    discount_rate: Annotated[
        str,
        typer.Option(help="The appraisal's discount rate: 0.05, 5% or a preset (eu-cohesion)."),
    ] = "eu-cohesion",
    atlas: AtlasOption = None,
) -> None:
    """Self-contained HTML report with maps and charts, GIS layers and tables, in OUT."""
    from tripp.appraisal.settings import AppraisalSettings
    from tripp.appraisal.settings import discount_rate as parse_rate
    from tripp.reporting.write import write_report
    from tripp.scenarios.compare import read_pairs
    from tripp.scenarios.network import scenario_network

    loaded = _atlas(atlas)
    chosen = None if pairs == "default" else read_pairs(Path(pairs))
    path = write_report(
        scenario_network(loaded, base),
        [scenario_network(loaded, name) for name in others],
        out,
        pairs=chosen,
        objective=objective,
        force=force,
        appraise=appraise,
        appraisal_settings=AppraisalSettings(discount_rate=parse_rate(discount_rate)),
    )
    typer.echo(f"wrote {path / 'report.html'} and the layers and tables beside it")


@handle_errors
def demo_command(
    atlas: AtlasOption = None,
    out: Annotated[Path, typer.Option(help="Folder for the report.")] = Path("tripp-output"),
) -> None:
    """The main job: baseline-2025 against tripp-2030, the exposure change and the report."""
    from tripp.cli.demo import run_demo

    run_demo(atlas, out)


def register(app: typer.Typer) -> None:
    """Add the scenario commands to ``app``."""
    app.add_typer(scenario_app, name="scenario")
    app.command("compare")(compare_command)
    app.command("exposure")(exposure_command)
    app.command("report")(report_command)
    app.command("demo")(demo_command)
