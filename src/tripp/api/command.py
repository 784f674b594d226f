"""``tripp serve``: the REST API and the web page on uvicorn, on 127.0.0.1 by default."""

from __future__ import annotations

import ipaddress
from pathlib import Path
from typing import Annotated

import typer

__all__ = ["register"]


def register(app: typer.Typer) -> None:
    """Add ``serve`` to ``app``."""
    app.command("serve")(serve_command)


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def serve_command(
    host: Annotated[
        str, typer.Option(help="Address to bind; loopback by default (this machine only).")
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=1, max=65535, help="Port.")] = 8000,
    atlas: Annotated[
        Path | None, typer.Option("--atlas", help="Atlas folder (default: the embedded atlas).")
    ] = None,
) -> None:
    """Serve the REST API (docs at /api/docs) and the interactive map page at /."""
    import uvicorn

    from tripp.api.app import create_app
    from tripp.atlas.io import load_atlas
    from tripp.errors import TrippError

    try:
        load_atlas(atlas)  # fail now, with the problems listed, not on the first request
    except TrippError as error:
        typer.echo(f"error: {error}", err=True)
        raise typer.Exit(error.exit_code) from None
    application = create_app(atlas)
    if not _is_loopback(host):
        typer.echo(
            f"warning: binding {host} exposes the API beyond this machine; "
            "it has no authentication",
            err=True,
        )
    if not application.state.web_assets:
        typer.echo(
            "warning: Leaflet and Swagger UI not found (run `npm ci` at the repository root "
            "or set TRIPP_NODE_MODULES); the API works, the map and docs pages will not",
            err=True,
        )
    typer.echo(f"tripp serving on http://{host}:{port}/ (API docs: /api/docs)")
    uvicorn.run(application, host=host, port=port, log_level="warning")
