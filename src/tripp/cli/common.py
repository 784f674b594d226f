"""What every command module shares: the error wrapper, JSON output, list options.

Kept apart from :mod:`tripp.cli.main` so that command modules (energy, assignment, freight,
resilience, api) can use it without importing the whole command line.
"""

from __future__ import annotations

import functools
import json
import sys
from collections.abc import Callable
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer

from tripp.errors import TrippError

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
    Path | None, typer.Option("--atlas", help="Atlas folder (default: the embedded atlas).")
]
FormatOption = Annotated[Format, typer.Option("--format", help="table, json or geojson.")]


def handle_errors(function: F) -> F:
    """Turn tripp errors into a message on stderr and the error's exit code."""

    @functools.wraps(function)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return function(*args, **kwargs)
        except TrippError as error:
            typer.echo(f"error: {error}", err=True)
            raise typer.Exit(error.exit_code) from None

    return wrapper  # type: ignore[return-value]


def split_list(values: list[str] | None) -> tuple[str, ...]:
    """Options given as repeated flags and/or comma-separated lists, flattened."""
    return tuple(
        item.strip() for value in values or [] for item in value.split(",") if item.strip()
    )


def emit_json(data: object) -> None:
    """Write JSON to stdout."""
    sys.stdout.write(json.dumps(data, indent=2, ensure_ascii=False) + "\n")
