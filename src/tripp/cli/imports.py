"""The ``tripp import`` commands: an OpenStreetMap extract or a GeoPackage into an atlas folder.

Wire them into a Typer app with :func:`register`. The readers (pyosmium, pyogrio) are imported
only when a command runs.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from tripp.cli.common import TableFormat, emit_json, handle_errors, load_atlas_stack
from tripp.errors import InputError, Problem
from tripp.graph.clusters import SAME_PLACE_KM

if TYPE_CHECKING:
    from tripp.atlas.model import Atlas
    from tripp.importers.tables import ImportResult

__all__ = ["register"]

#: Modes ``tripp import osm`` can read.
OSM_MODES = ("rail", "road", "ferry")
#: Largest ``--join-km`` (straight km): beyond it a join would invent a line. The default is
#: :data:`~tripp.graph.clusters.SAME_PLACE_KM`, the distance within which tripp treats two
#: points as one place.
MAX_JOIN_KM = 50.0

import_app = typer.Typer(
    help="Import a network into an atlas folder: osm (OpenStreetMap PBF), gpkg (GeoPackage).",
    no_args_is_help=True,
)

OutOption = Annotated[
    Path, typer.Option("--out", help="Atlas folder to write (new, empty, or with --force).")
]
ForceOption = Annotated[
    bool, typer.Option("--force", help="Replace --out if an earlier tripp import wrote it.")
]
FormatOption = Annotated[TableFormat, typer.Option("--format", help="table or json.")]


def register(app: typer.Typer) -> None:
    """Add the ``import`` command group to ``app``."""
    app.add_typer(import_app, name="import")


@import_app.command("osm")
@handle_errors
def import_osm_command(
    file: Annotated[Path, typer.Argument(help="OpenStreetMap extract (.osm.pbf).")],
    out: OutOption,
    modes: Annotated[
        str, typer.Option("--modes", help="Comma-separated modes to import: rail, road, ferry.")
    ] = "rail,road,ferry",
    bbox: Annotated[
        str | None,
        typer.Option("--bbox", help="Only what lies in W,S,E,N (degrees, WGS 84)."),
    ] = None,
    join: Annotated[
        list[str] | None,
        typer.Option(
            "--join",
            help="Atlas the folder will be stacked on ('embedded', or folders as --atlas): "
            "each of its places reached by rail or road gets a join link to the nearest "
            "imported node of that mode (and gauge) in its country within --join-km, so "
            "that the stacked networks connect.",
        ),
    ] = None,
    join_km: Annotated[
        float, typer.Option("--join-km", help="Farthest join, straight km (with --join).")
    ] = SAME_PLACE_KM,
    force: ForceOption = False,
    format: FormatOption = TableFormat.TABLE,
) -> None:
    """Read rail, roads (motorway to secondary), ferries, stations, ports and borders from an
    OpenStreetMap extract into an atlas folder that passes `tripp validate`."""
    chosen, box = parse_modes(modes), parse_bbox(bbox)
    if not 0 < join_km <= MAX_JOIN_KM:
        raise InputError(
            Problem(
                "--join-km",
                f"{join_km:g} km is out of range (0, {MAX_JOIN_KM:g}]",
                f"give a distance above 0 and at most {MAX_JOIN_KM:g} km",
            )
        )
    base = load_atlas_stack(join) if join else None
    from tripp.importers.osm import import_osm
    from tripp.importers.tables import write_atlas_folder

    result = import_osm(file, modes=chosen, bbox=box)
    if base is not None:
        from tripp.importers.join import join_to_atlas

        result = join_to_atlas(result, base, within_km=join_km)
    atlas = write_atlas_folder(result.tables, out, command="tripp import osm", force=force)
    _report(atlas, result, format)


@import_app.command("gpkg")
@handle_errors
def import_gpkg_command(
    file: Annotated[Path, typer.Argument(help="GeoPackage (.gpkg).")],
    mapping: Annotated[
        Path,
        typer.Option("--mapping", help="TOML file mapping layers and fields to atlas columns."),
    ],
    out: OutOption,
    force: ForceOption = False,
    format: FormatOption = TableFormat.TABLE,
) -> None:
    """Read layers of a GeoPackage into an atlas folder, mapped to the atlas's tables and
    columns by a small TOML file (see docs/import.md)."""
    from tripp.importers.gpkg import import_gpkg
    from tripp.importers.tables import write_atlas_folder

    result = import_gpkg(file, mapping)
    try:
        atlas = write_atlas_folder(result.tables, out, command="tripp import gpkg", force=force)
    except InputError as error:
        raise result.located(error) from None
    _report(atlas, result, format)


def parse_modes(text: str) -> tuple[str, ...]:
    """``--modes`` as a tuple of modes; an unknown or missing mode is an :class:`InputError`."""
    modes = tuple(dict.fromkeys(m.strip() for m in text.split(",") if m.strip()))
    unknown = [m for m in modes if m not in OSM_MODES]
    if unknown or not modes:
        raise InputError(
            Problem(
                "--modes",
                f"unknown mode(s) {', '.join(unknown)}" if unknown else "names no mode",
                f"give a comma-separated list of {', '.join(OSM_MODES)}",
            )
        )
    return modes


def parse_bbox(text: str | None) -> tuple[float, float, float, float] | None:
    """``--bbox W,S,E,N`` as four degrees; anything else is an :class:`InputError`."""
    if text is None:
        return None
    fix = "give W,S,E,N in degrees with W < E and S < N, e.g. 43.4,38.8,46.7,41.3"
    try:
        west, south, east, north = (float(part) for part in text.split(","))
    except ValueError:
        raise InputError(Problem("--bbox", f"'{text}' is not four numbers", fix)) from None
    inside = -180 <= west < east <= 180 and -90 <= south < north <= 90
    if not inside:
        raise InputError(Problem("--bbox", f"'{text}' is not a box on the globe", fix))
    return west, south, east, north


def _report(atlas: Atlas, result: ImportResult, format: TableFormat) -> None:
    """Say what was written: the folder, its row counts, the importer's summary and notes."""
    from tripp.atlas.describe import TOTAL_TABLES

    counts = {name: len(getattr(atlas, name)) for name in TOTAL_TABLES}
    if format is TableFormat.JSON:
        emit_json(
            {
                "out": str(atlas.folder),
                "counts": counts,
                "summary": dict(result.summary),
                "notes": list(result.notes),
            }
        )
        return
    typer.echo(f"wrote {atlas.folder}: " + ", ".join(f"{n} {k}" for k, n in counts.items()))
    for key, value in result.summary.items():
        typer.echo(f"  {key}: {value}")
    for note in result.notes:
        typer.echo(f"note: {note}")
