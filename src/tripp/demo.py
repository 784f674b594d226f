"""The main job on the embedded atlas: representative corridor routes, printed as tables."""

from __future__ import annotations

from pathlib import Path

from tripp.atlas.io import load_atlas
from tripp.errors import NoRouteError
from tripp.graph import compile_graph
from tripp.routing import route

#: (origin, destination, options) of the journeys the demo shows.
DEMO_JOURNEYS: tuple[tuple[str, str, dict[str, object]], ...] = (
    ("baku", "nakhchivan", {"year": 2026}),
    ("baku", "nakhchivan", {"year": 2030, "modes": ("rail",)}),
    ("baku", "kars", {"year": 2026, "modes": ("rail",)}),
    ("yerevan", "kars", {"year": 2026}),
)


def run_demo(atlas_folder: Path | None = None, out_folder: Path | None = None) -> None:
    """Route the demo journeys on the atlas and print them."""
    from tripp.display import console, print_routes

    graph = compile_graph(load_atlas(atlas_folder))
    out = console()
    for origin, destination, options in DEMO_JOURNEYS:
        try:
            print_routes(route(graph, origin, destination, **options))  # type: ignore[arg-type]
        except NoRouteError as error:
            out.print(f"[yellow]{error}[/yellow]")
        out.print()
