"""The ``tripp`` command line: thin wrappers that parse options, call the API and print.

Every command has ``--format table|json`` (and ``geojson`` where there is geometry).
Errors print one line per problem on stderr and exit non-zero without a traceback:
2 bad input, 3 no route, 4 not converged.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Annotated, Any

import typer

from tripp.cli.common import (
    AtlasOption,
    Format,
    FormatOption,
    emit_json,
    handle_errors,
    load_atlas_stack,
)
from tripp.errors import InputError
from tripp.routing.objective import DEFAULT_OBJECTIVE

app = typer.Typer(
    name="tripp",
    help="Routes, scenarios and flows on the TRIPP corridor and the routes around it.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
atlas_app = typer.Typer(
    help="Inspect the atlas: check, map, describe, dictionary.", no_args_is_help=True
)
app.add_typer(atlas_app, name="atlas")


ScenarioOption = Annotated[
    str | None,
    typer.Option("--scenario", help="Scenario name (see `tripp scenario list`) or TOML file."),
]


def _load(atlas: list[str] | None, scenario: str | None = None) -> Any:
    """The atlas in the folders ``atlas`` (default: embedded), with ``scenario`` applied if
    given."""
    loaded = load_atlas_stack(atlas)
    if scenario is None:
        return loaded
    from tripp.scenarios import apply_scenario, load_scenario

    return apply_scenario(loaded, load_scenario(scenario, loaded))


def _network(atlas: list[str] | None, scenario: str | None) -> Any:
    """The :class:`~tripp.scenarios.network.ScenarioNetwork` of ``scenario`` (None: the
    atlas as is) on the atlas in the folders ``atlas``: atlas, graph and year together."""
    from tripp.scenarios.network import scenario_network

    return scenario_network(load_atlas_stack(atlas), scenario)


@app.command()
@handle_errors
def route(
    origin: Annotated[str, typer.Argument(help="Start: node id or place name.")],
    destination: Annotated[str, typer.Argument(help="End: node id or place name.")],
    via: Annotated[
        list[str] | None, typer.Option(help="Pass through this place (repeatable).")
    ] = None,
    avoid_country: Annotated[
        list[str] | None,
        typer.Option(
            help="Countries not to cross, comma-separated: ISO codes or names (RU, Russia)."
        ),
    ] = None,
    avoid_node: Annotated[
        list[str] | None, typer.Option(help="Places not to pass, comma-separated.")
    ] = None,
    modes: Annotated[
        str | None,
        typer.Option(help="Modes allowed, comma-separated: rail,road,ferry,sea (default all)."),
    ] = None,
    year: Annotated[
        int | None,
        typer.Option(help="Network as in this year, within the years the atlas describes."),
    ] = None,
    objective: Annotated[
        str, typer.Option(help="time (default), cost, distance or generalized.")
    ] = DEFAULT_OBJECTIVE.value,
    alternatives: Annotated[
        int, typer.Option(help="Number of distinct routes (each says how it differs).")
    ] = 1,
    vot_usd_per_teu_h: Annotated[
        float | None,
        typer.Option(
            help="Value of time for the generalized objective, USD per TEU-hour "
            "(default: the cargo type's in the atlas; other cargo types always use theirs)."
        ),
    ] = None,
    cargo: Annotated[
        str,
        typer.Option(
            help="Cargo type (cargo_types.csv): container (TEU), dry_bulk, liquid_bulk (t), "
            "roro (truck). Costs are per its unit."
        ),
    ] = "container",
    atlas: AtlasOption = None,
    scenario: ScenarioOption = None,
    format: FormatOption = Format.TABLE,
) -> None:
    """Best route(s) from ORIGIN to DESTINATION with days, dollars, borders and gauge changes."""
    from tripp.routing.route import RouteRequest, route_request

    network = _network(atlas, scenario)
    request = RouteRequest.check(
        network.graph,
        origin,
        destination,
        via=via,
        avoid_countries=avoid_country,
        avoid_nodes=avoid_node,
        modes=modes,
        year=year,
        network_year=network.year,
        objective=objective,
        alternatives=alternatives,
        vot_usd_per_teu_h=vot_usd_per_teu_h,
        cargo_type=cargo,
    )
    result = route_request(network.graph, request)
    if format is Format.JSON:
        emit_json(result.to_dict())
    elif format is Format.GEOJSON:
        emit_json(result.to_geojson())
    else:
        from tripp.cli.display import print_routes

        print_routes(result)


@app.command()
@handle_errors
def nodes(
    country: Annotated[str | None, typer.Option(help="Only this country (ISO code).")] = None,
    kind: Annotated[str | None, typer.Option(help="Only this kind, e.g. port.")] = None,
    atlas: AtlasOption = None,
    scenario: ScenarioOption = None,
    format: FormatOption = Format.TABLE,
) -> None:
    """List the atlas's places, optionally filtered by country and kind."""
    from tripp.atlas.listing import filter_nodes, nodes_geojson
    from tripp.cli.display_atlas import print_rows

    rows = filter_nodes(_load(atlas, scenario), country=country, kind=kind)
    if format is Format.JSON:
        emit_json([_as_dict(r) for r in rows])
    elif format is Format.GEOJSON:
        emit_json(nodes_geojson(rows))
    else:
        print_rows("nodes", rows)


@app.command()
@handle_errors
def links(
    country: Annotated[str | None, typer.Option(help="Only links in this country.")] = None,
    mode: Annotated[str | None, typer.Option(help="Only this mode.")] = None,
    status: Annotated[str | None, typer.Option(help="Only this status.")] = None,
    corridor: Annotated[
        str | None, typer.Option(help="Only links tagged with this corridor, e.g. TRIPP.")
    ] = None,
    atlas: AtlasOption = None,
    scenario: ScenarioOption = None,
    format: FormatOption = Format.TABLE,
) -> None:
    """List the atlas's links, optionally filtered by country, mode, status and corridor."""
    from tripp.atlas.listing import filter_links, links_geojson
    from tripp.cli.display_atlas import print_rows

    loaded = _load(atlas, scenario)
    rows = filter_links(loaded, country=country, mode=mode, status=status, corridor=corridor)
    if format is Format.JSON:
        emit_json([_as_dict(r) for r in rows])
    elif format is Format.GEOJSON:
        emit_json(links_geojson(loaded, rows))
    else:
        print_rows("links", rows)


def _as_dict(row: Any) -> dict[str, Any]:
    from dataclasses import asdict

    return {k: list(v) if isinstance(v, tuple) else v for k, v in asdict(row).items()}


@app.command()
@handle_errors
def validate(
    folders: Annotated[
        list[str] | None,
        typer.Argument(
            help="Atlas folder (default: embedded); several are stacked, later ones adding or "
            "overriding rows by id ('embedded': the embedded atlas).",
            show_default=False,
        ),
    ] = None,
    scenario: ScenarioOption = None,
    format: FormatOption = Format.TABLE,
) -> None:
    """Check every table of an atlas folder, or of a stack of folders merged by id; list
    every problem (exit 2) or say it is valid, with the rows a later folder overrode."""
    try:
        loaded = _load(folders, scenario)
    except InputError as error:
        if format is Format.JSON:
            emit_json({"valid": False, "problems": [p.to_dict() for p in error.problems]})
        else:
            for problem in error.problems:
                typer.echo(str(problem), err=True)
            typer.echo(f"{len(error.problems)} problem(s) found", err=True)
        raise typer.Exit(error.exit_code) from None
    from tripp.atlas.describe import TOTAL_TABLES

    counts = {name: len(getattr(loaded, name)) for name in TOTAL_TABLES}
    merge = loaded.merge
    if format is Format.JSON:
        emit_json(
            {
                "valid": True,
                "folder": str(loaded.folder),
                "folders": [str(folder) for folder in loaded.folders],
                "counts": counts,
                "conflicts": [override.to_dict() for override in merge.overrides],
                "identical_overrides": merge.identical_rows,
            }
        )
    else:
        shown = ", ".join(f"{n} {k}" for k, n in counts.items())
        stacked = " + ".join(merge.layers) if merge.layers else str(loaded.folder)
        typer.echo(f"valid: {stacked} ({shown})")
        if merge.layers:
            typer.echo(
                f"{len(merge.overrides)} conflict(s) (rows overridden with other values), "
                f"{merge.identical_rows} identical override(s)"
            )


@atlas_app.command("check")
@handle_errors
def atlas_check(
    journeys: Annotated[
        Path | None, typer.Option(help="Reference journeys CSV (default: the shipped one).")
    ] = None,
    atlas: AtlasOption = None,
    scenario: ScenarioOption = None,
    format: FormatOption = Format.TABLE,
) -> None:
    """Route published reference journeys and print model against publication.

    Exits 1 when any journey falls outside its published range.
    """
    from tripp.graph.compile import compile_graph
    from tripp.routing.plausibility import check_atlas

    result = check_atlas(compile_graph(_load(atlas, scenario)), journeys=journeys)
    if format is Format.JSON:
        emit_json(result.to_dict())
    else:
        from tripp.cli.display_atlas import print_checks

        print_checks(list(result.checks))
    if not result.passed:
        raise typer.Exit(1)


@atlas_app.command("map")
@handle_errors
def atlas_map(
    out: Annotated[Path, typer.Option("--out", help="Image file: .png, .svg or .pdf.")],
    year: Annotated[int | None, typer.Option(help="Draw the network as in this year.")] = None,
    highlight: Annotated[
        str, typer.Option(help="Corridor tag to highlight ('' for none).")
    ] = "TRIPP",
    force: Annotated[bool, typer.Option("--force", help="Overwrite an existing file.")] = False,
    atlas: AtlasOption = None,
    scenario: ScenarioOption = None,
) -> None:
    """Draw the network by mode and status on country outlines, TRIPP highlighted."""
    from tripp.reporting.atlas_map import draw_atlas_map

    network = _network(atlas, scenario)
    path = draw_atlas_map(
        network.atlas,
        out,
        year=network.year if year is None else year,
        force=force,
        highlight=highlight,
    )
    typer.echo(f"wrote {path}")


@atlas_app.command("describe")
@handle_errors
def atlas_describe(
    atlas: AtlasOption = None,
    scenario: ScenarioOption = None,
    format: FormatOption = Format.TABLE,
) -> None:
    """Counts by country, mode and status, and the share of estimated figures."""
    from tripp.atlas.describe import describe_atlas
    from tripp.cli.display_atlas import print_description

    data = describe_atlas(_load(atlas, scenario))
    if format is Format.JSON:
        emit_json(data)
    else:
        print_description(data)


@atlas_app.command("dictionary")
@handle_errors
def atlas_dictionary() -> None:
    """Print the data dictionary generated from the column registry (Markdown)."""
    from tripp.atlas.schema import data_dictionary

    typer.echo(data_dictionary())


def main() -> None:
    """Console-script entry point: warnings and errors only on stderr (libraries such as
    PyPSA would otherwise turn the root logger to INFO), then the command."""
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    app()


def _register_more() -> None:
    from tripp.cli.appraise import register as register_appraise
    from tripp.cli.assign import register as register_assign
    from tripp.cli.energy import register as register_energy
    from tripp.cli.freight import register as register_freight
    from tripp.cli.imports import register as register_imports
    from tripp.cli.resilience import register as register_resilience
    from tripp.cli.scenarios import register
    from tripp.cli.serve import register as register_serve

    register(app)
    register_assign(app)
    register_freight(app)
    register_energy(app)
    register_resilience(app)
    register_serve(app)
    register_appraise(app)
    register_imports(app)


_register_more()
