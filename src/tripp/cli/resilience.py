"""The ``tripp criticality`` and ``tripp reliability`` commands; wire them with :func:`register`.

Both run on Dask: a local cluster of ``--workers`` processes by default, or the running
cluster at ``--scheduler tcp://HOST:PORT``. A Rich progress bar on stderr follows the tasks;
results go to stdout (``--format``) and, with ``--out DIR``, to files.
"""

from __future__ import annotations

import logging
import shlex
from pathlib import Path
from typing import Annotated, Any

import typer

from tripp.cli.common import (
    AtlasOption,
    Format,
    absolute_folders,
    emit_json,
    handle_errors,
    load_atlas_stack,
)
from tripp.errors import InputError, Problem
from tripp.resilience.elements import ElementKind
from tripp.resilience.runner import check_cluster_options
from tripp.routing.objective import DEFAULT_OBJECTIVE

__all__ = ["register"]

WorkersOption = Annotated[
    int | None,
    typer.Option("--workers", help="Local cluster size in processes (default: CPU cores)."),
]
SchedulerOption = Annotated[
    str | None,
    typer.Option("--scheduler", help="Run on the Dask cluster at tcp://HOST:PORT instead."),
]
ObjectiveOption = Annotated[
    str,
    typer.Option("--objective", help="What routes minimise: time (default), cost or generalized."),
]
VerboseOption = Annotated[
    bool, typer.Option("--verbose", help="Show Dask's log lines (default: warnings only).")
]
VotOption = Annotated[
    float | None,
    typer.Option(
        "--vot-usd-per-teu-h",
        help="Value of time in the generalised cost, USD per TEU-hour (default: the atlas's).",
    ),
]


def register(app: typer.Typer) -> None:
    """Add ``criticality`` and ``reliability`` to ``app``."""
    app.command("criticality")(criticality_command)
    app.command("reliability")(reliability_command)


def _network(atlas: list[str] | None, scenario: str):  # type: ignore[no-untyped-def]
    from tripp.scenarios.network import scenario_network

    return scenario_network(load_atlas_stack(atlas), scenario)


def _settings(vot_usd_per_teu_h: float | None):  # type: ignore[no-untyped-def]
    from tripp.routing.route import RouteSettings

    return RouteSettings(vot_usd_per_teu_h=vot_usd_per_teu_h)  # checks it as `route` does


@handle_errors
def criticality_command(
    scenario: Annotated[str, typer.Argument(help="Scenario name or TOML file.")],
    elements: Annotated[
        ElementKind,
        typer.Option(help="What to close: links, nodes, crossings, countries or energy."),
    ] = ElementKind.LINKS,
    k: Annotated[int, typer.Option("--k", help="1: single closures; 2: pairs of the top N.")] = 1,
    top: Annotated[int, typer.Option(help="Closures shown (and, for --k 2, paired).")] = 10,
    objective: ObjectiveOption = DEFAULT_OBJECTIVE.value,
    vot_usd_per_teu_h: VotOption = None,
    t_per_teu: Annotated[
        float, typer.Option("--t-per-teu", help="Tonnes per TEU to weight costs by tonnes.")
    ] = 10.0,
    workers: WorkersOption = None,
    scheduler: SchedulerOption = None,
    out: Annotated[
        Path | None, typer.Option(help="Folder for criticality.json, .csv and .geojson.")
    ] = None,
    force: Annotated[
        bool, typer.Option("--force", help="Replace --out if an earlier tripp run wrote it.")
    ] = False,
    atlas: AtlasOption = None,
    format: Annotated[Format, typer.Option("--format", help="table, json or geojson.")] = (
        Format.TABLE
    ),
    verbose: VerboseOption = False,
) -> None:
    """Close each element, re-route the scenario's demand, rank by unmet t and cost increase."""
    from tripp.cli.resilience_output import print_criticality, progress_bar, write_criticality
    from tripp.reporting.atomic import check_output_folder
    from tripp.reporting.criticality_layer import criticality_geojson
    from tripp.resilience.criticality import criticality

    check_cluster_options(workers, scheduler)
    if out is not None and elements is not ElementKind.ENERGY:
        check_output_folder(out, force=force)
    network = _network(atlas, scenario)
    if elements is ElementKind.ENERGY:
        _energy_criticality(network, k, top, workers, scheduler, format, out)
        return
    _dask_logs(verbose)
    with progress_bar() as progress:
        result = criticality(
            network,
            elements=elements,
            k=k,
            top=top,
            objective=objective,
            settings=_settings(vot_usd_per_teu_h),
            t_per_teu=t_per_teu,
            workers=workers,
            scheduler=scheduler,
            progress=progress,
        )
    if format is Format.JSON:
        emit_json(result.to_dict())
    elif format is Format.GEOJSON:
        emit_json(criticality_geojson(result, network.atlas))
    else:
        print_criticality(result)
    if out is not None:
        for path in write_criticality(result, network.atlas, out, force=force):
            typer.echo(f"wrote {path}", err=True)


def _energy_criticality(
    network: Any,
    k: int,
    top: int,
    workers: int | None,
    scheduler: str | None,
    format: Format,
    out: Path | None,
) -> None:
    """Rank pipelines and power lines by the demand their closure leaves unmet."""
    from tripp.resilience.energy_criticality import energy_criticality

    problems = [
        Problem(option, "does not apply to energy elements", fix)
        for option, given, fix in (
            ("--k", k != 1, "energy closures are ranked one at a time (--k 1)"),
            (
                "--workers/--scheduler",
                workers is not None or scheduler is not None,
                "energy solves run in this process; drop the option",
            ),
            (
                "--format geojson/--out",
                format is Format.GEOJSON or out is not None,
                "use --format table or json",
            ),
        )
        if given
    ]
    if problems:
        raise InputError(problems)
    result = energy_criticality(network)
    if format is Format.JSON:
        emit_json(result.to_dict(top))
        return
    from rich.table import Table

    from tripp.cli.display import console

    table = Table(
        title=f"Criticality of energy links, {result.scenario} {result.year}: "
        "unmet demand when each is closed"
    )
    for column in (
        "rank",
        "closed",
        "mode",
        "Δ unmet gas mcm/y",
        "Δ unmet power GWh/y",
        "Δ cost USD/y",
        "demand cut at",
    ):
        table.add_column(column)
    for rank, i in enumerate(result.impacts[:top], start=1):
        table.add_row(
            str(rank),
            i.element_id,
            i.mode,
            f"{i.delta_unmet_gas_mcm_per_year:,.0f}",
            f"{i.delta_unmet_power_gwh_per_year:,.0f}",
            f"{i.delta_cost_usd_per_year:,.0f}",
            ", ".join(i.regions_cut) or "—",
        )
    console().print(table)


#: The options a sweep's manifest keeps, so that ``--resume DIR`` alone continues it, and
#: how the command line names them.
SWEEP_OPTIONS = {
    "scenario": "SCENARIO",
    "atlas": "--atlas",
    "params": "--params",
    "samples": "--samples",
    "seed": "--seed",
    "objective": "--objective",
    "vot_usd_per_teu_h": "--vot-usd-per-teu-h",
}
SWEEP_DEFAULTS = {
    "atlas": None,
    "params": None,
    "objective": DEFAULT_OBJECTIVE.value,
    "vot_usd_per_teu_h": None,
}


@handle_errors
def reliability_command(
    scenario: Annotated[
        str | None,
        typer.Argument(help="Scenario name or TOML file (with --resume: the sweep's)."),
    ] = None,
    samples: Annotated[
        int | None,
        typer.Option(help="Number of disrupted networks to draw (a new sweep needs it)."),
    ] = None,
    seed: Annotated[
        int | None, typer.Option(help="Random seed, same seed same result (a new sweep needs it).")
    ] = None,
    params: Annotated[
        Path | None,
        typer.Option(help="Reliability parameter CSV (default: the shipped one)."),
    ] = None,
    objective: Annotated[
        str | None,
        typer.Option(help="What routes minimise: time (default), cost or generalized."),
    ] = None,
    vot_usd_per_teu_h: Annotated[
        float | None,
        typer.Option(
            "--vot-usd-per-teu-h",
            help="Value of time in the generalised cost, USD per TEU-hour (default: the atlas's).",
        ),
    ] = None,
    workers: WorkersOption = None,
    scheduler: SchedulerOption = None,
    resume: Annotated[
        Path | None,
        typer.Option(
            help="Continue the sweep in this folder, with the options it was started with."
        ),
    ] = None,
    out: Annotated[
        Path | None,
        typer.Option(help="Folder for the sweep: manifest, chunk files and results."),
    ] = None,
    atlas: AtlasOption = None,
    format: Annotated[Format, typer.Option("--format", help="table or json.")] = Format.TABLE,
    verbose: VerboseOption = False,
) -> None:
    """P50/P90/P95 of time and cost and the chance of no route per O-D, under random
    closures and border dwells, with standard errors. Ctrl-C keeps the finished chunks of an
    --out sweep and prints the command that resumes it."""
    from tripp.atlas.reliability import load_params
    from tripp.cli.resilience_output import print_reliability, progress_bar, write_reliability
    from tripp.reporting.atomic import check_folder_location
    from tripp.resilience.reliability import reliability

    if format is Format.GEOJSON:
        raise InputError(Problem("--format", "reliability has no geometry", "use table or json"))
    if resume is not None and out is not None and resume.resolve() != out.resolve():
        raise InputError(
            Problem("--out", "differs from --resume", "a resumed sweep writes to its own folder")
        )
    check_cluster_options(workers, scheduler)
    given = {
        "scenario": scenario,
        "atlas": atlas,
        "params": params,
        "samples": samples,
        "seed": seed,
        "objective": objective,
        "vot_usd_per_teu_h": vot_usd_per_teu_h,
    }
    options = _sweep_options(given, resume)
    folder = resume or out
    if folder is not None:
        check_folder_location(folder)
    network = _network(options["atlas"], options["scenario"])
    loaded = load_params(options["params"], network.atlas)
    _dask_logs(verbose)
    done = 0
    try:
        with progress_bar() as bar:

            def progress(what: str, count: int, total: int) -> None:
                nonlocal done
                done = count
                bar(what, count, total)

            result = reliability(
                network,
                samples=options["samples"],
                seed=options["seed"],
                params=loaded,
                objective=options["objective"],
                settings=_settings(options["vot_usd_per_teu_h"]),
                workers=workers,
                scheduler=scheduler,
                folder=folder,
                resume=resume is not None,
                progress=progress,
                options=options,
            )
    except KeyboardInterrupt:
        typer.echo(
            _interrupted(folder, done, options["samples"], workers, scheduler, format), err=True
        )
        raise typer.Exit(130) from None
    if format is Format.JSON:
        emit_json(result.to_dict())
    else:
        print_reliability(result)
    if folder is not None:
        for path in write_reliability(result, folder):
            typer.echo(f"wrote {path}", err=True)


def _sweep_options(given: dict[str, Any], resume: Path | None) -> dict[str, Any]:
    """The options of the sweep: those given (defaults filled in), or with ``--resume`` those
    its manifest keeps. Repeating a kept option is fine; giving it another value is an error
    naming it. A sweep started without kept options (Python API, older tripp) takes them as
    given, like a new one."""
    from tripp.resilience.store import read_manifest

    stated = {name: _normal(name, value) for name, value in given.items() if value is not None}
    kept = read_manifest(resume).get("options") if resume is not None else None
    if not isinstance(kept, dict):
        missing = [
            SWEEP_OPTIONS[name] for name in ("scenario", "samples", "seed") if name not in stated
        ]
        if missing:
            fix = (
                "give it" if resume is None else "give it (this sweep's manifest keeps no options)"
            )
            raise InputError([Problem(flag, "is required", fix) for flag in missing])
        return {**SWEEP_DEFAULTS, **stated}
    conflicts = [
        Problem(
            SWEEP_OPTIONS[name],
            f"{value!r} differs from {kept.get(name)!r}, which the sweep in {resume} was "
            "started with",
            "drop the option: --resume continues the sweep with the options it was started with",
        )
        for name, value in stated.items()
        if value != kept.get(name)
    ]
    if conflicts:
        raise InputError(conflicts)
    return {**SWEEP_DEFAULTS, **kept}


def _normal(name: str, value: Any) -> Any:
    """``value`` as the manifest keeps it: paths absolute, a scenario file's path absolute
    (a shipped scenario's name as it is), numbers as numbers."""
    if name == "atlas":
        folders = absolute_folders(value)
        return folders[0] if len(folders) == 1 else folders
    if name == "params":
        return str(Path(value).resolve())
    if name == "scenario":
        path = Path(value)
        return str(path.resolve()) if path.suffix == ".toml" or path.exists() else value
    if name == "vot_usd_per_teu_h":
        return float(value)
    return value


def _interrupted(
    folder: Path | None,
    done: int,
    samples: int,
    workers: int | None,
    scheduler: str | None,
    format: Format,
) -> str:
    """What Ctrl-C leaves: the samples kept and the command that resumes the sweep."""
    if folder is None:
        return (
            f"interrupted after {done:,} of {samples:,} samples; none were kept "
            "(give --out DIR to make a sweep resumable)"
        )
    command = ["tripp", "reliability", "--resume", str(folder)]
    if workers is not None:
        command += ["--workers", str(workers)]
    if scheduler is not None:
        command += ["--scheduler", scheduler]
    if format is not Format.TABLE:
        command += ["--format", format.value]
    return (
        f"interrupted: {done:,} of {samples:,} samples are saved in {folder}; resume with:\n"
        f"  {shlex.join(command)}"
    )


def _dask_logs(verbose: bool) -> None:
    """Show Dask's log lines with ``--verbose``, else only its warnings and errors."""
    import distributed  # noqa: F401  (importing it sets its loggers' levels: ours go after)

    logging.getLogger("distributed").setLevel(logging.INFO if verbose else logging.WARNING)
