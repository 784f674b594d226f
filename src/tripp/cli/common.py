"""What every command module shares: the error wrapper (in the command line's words), JSON
output, the atlas and format options.

Kept apart from :mod:`tripp.cli.main` so that command modules (energy, assignment, freight,
resilience, api) can use it without importing the whole command line.
"""

from __future__ import annotations

import functools
import json
import logging
import shlex
import sys
from collections.abc import Callable, Sequence
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, TypeVar

import typer

from tripp.errors import InputError, NoRouteError, TrippError, Wording

if TYPE_CHECKING:
    from tripp.atlas.model import Atlas

F = TypeVar("F", bound=Callable[..., Any])


class Format(StrEnum):
    """Output formats."""

    TABLE = "table"
    JSON = "json"
    GEOJSON = "geojson"


class TableFormat(StrEnum):
    """Output formats of commands without geometry."""

    TABLE = "table"
    JSON = "json"


AtlasOption = Annotated[
    list[str] | None,
    typer.Option(
        "--atlas",
        help="Atlas folder (default: the embedded atlas); repeat to stack folders, later ones "
        "adding or overriding rows by id ('embedded': the embedded atlas, e.g. --atlas "
        "embedded --atlas imported/).",
    ),
]
#: The conflicts (overrides that change a value) a command notes on stderr, at most.
NOTED_CONFLICTS = 20
FormatOption = Annotated[Format, typer.Option("--format", help="table, json or geojson.")]


#: A request's fields as the command line's options (``avoid_countries``: ``--avoid-country``).
FLAGS = Wording(
    {
        "via": "--via",
        "avoid_countries": "--avoid-country",
        "avoid_nodes": "--avoid-node",
        "modes": "--modes",
        "year": "--year",
        "objective": "--objective",
        "alternatives": "--alternatives",
        "vot_usd_per_teu_h": "--vot-usd-per-teu-h",
        "cargo_type": "--cargo",
        "scenario": "--scenario",
        "country": "--country",
        "kind": "--kind",
        "mode": "--mode",
        "status": "--status",
        "algorithm": "--algorithm",
        "gap": "--gap",
        "max_iter": "--max-iter",
        "demand_year": "--demand",
        "elements": "--elements",
        "k": "--k",
        "top": "--top",
        "t_per_teu": "--t-per-teu",
        "samples": "--samples",
        "seed": "--seed",
        "workers": "--workers",
        "scheduler": "--scheduler",
    },
    joiner=" ",
)


def message(error: TrippError) -> str:
    """What the command line says about ``error``: request fields named as its options."""
    if isinstance(error, InputError):
        return str(error.worded(FLAGS))
    if isinstance(error, NoRouteError):
        return error.worded(FLAGS)
    return str(error)


def handle_errors(function: F) -> F:
    """Turn tripp errors into a message on stderr and the error's exit code."""

    @functools.wraps(function)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return function(*args, **kwargs)
        except TrippError as error:
            typer.echo(f"error: {message(error)}", err=True)
            raise typer.Exit(error.exit_code) from None

    return wrapper  # type: ignore[return-value]


#: Libraries whose INFO lines narrate a solve or a cluster: not the command line's to print.
CHATTY_LOGGERS = ("linopy", "pypsa", "distributed")


def quiet_chatty_loggers() -> None:
    """Show only the warnings of :data:`CHATTY_LOGGERS` (PyPSA turns the root logger to
    INFO; linopy prints each solve; Dask each worker)."""
    for name in CHATTY_LOGGERS:
        logging.getLogger(name).setLevel(logging.WARNING)


def emit_json(data: object) -> None:
    """Write JSON to stdout."""
    sys.stdout.write(json.dumps(data, indent=2, ensure_ascii=False) + "\n")


def load_atlas_stack(folders: Sequence[str | Path] | str | Path | None) -> Atlas:
    """The atlas in ``folders`` (``--atlas``, repeatable; None: the embedded one), with a
    ``note:`` line on stderr for each row a later folder overrode with other values."""
    from tripp.atlas.io import load_atlas

    atlas = load_atlas(folders or None)
    note_conflicts(atlas)
    return atlas


def absolute_folders(folders: Sequence[str]) -> list[str]:
    """``folders`` (``--atlas``) as absolute paths, the word ``embedded`` kept as it is: what
    a sweep's manifest or a server's worker processes keep, whatever their working folder."""
    from tripp.atlas.stack import EMBEDDED

    return [f if f == EMBEDDED else str(Path(f).resolve()) for f in folders]


def note_conflicts(atlas: Atlas) -> None:
    """One ``note:`` line on stderr per override of ``atlas``'s stack that changed a value,
    the first :data:`NOTED_CONFLICTS` of them, then how many more and where all are listed."""
    overrides = atlas.merge.overrides
    for override in overrides[:NOTED_CONFLICTS]:
        typer.echo(f"note: {override}", err=True)
    more = len(overrides) - NOTED_CONFLICTS
    if more > 0:
        folders = shlex.join(atlas.merge.layers)
        typer.echo(
            f"note: … and {more} more conflicts (tripp validate {folders} --format json lists all)",
            err=True,
        )
