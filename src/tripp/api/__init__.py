"""The REST API and the web map: the FastAPI app that ``tripp serve`` runs.

``create_app(atlas_folder=None)`` builds it.

``tripp serve`` (see :mod:`tripp.cli.serve`) runs it with uvicorn on 127.0.0.1. FastAPI
is imported only when the app is built, so ``import tripp.api`` stays light.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__all__ = ["create_app"]

if TYPE_CHECKING:
    from tripp.api.app import create_app


def __getattr__(name: str) -> Any:
    if name == "create_app":
        from tripp.api.app import create_app

        return create_app
    raise AttributeError(f"module 'tripp.api' has no attribute {name!r}")
