"""tripp: an open model of the TRIPP corridor and the freight and energy routes around it.

The public verbs are importable from here; heavy modules load on first use, so
``import tripp`` stays fast and has no side effects.

>>> import tripp
>>> graph = tripp.compile(tripp.load_atlas())
>>> tripp.route(graph, "Baku", "Tbilisi", modes=["rail"]).routes[0].countries
('AZ', 'GE')
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

_EXPORTS = {
    "load_atlas": "tripp.atlas.io",
    "Atlas": "tripp.atlas.model",
    "compile": "tripp.graph.compile:compile_graph",
    "Graph": "tripp.graph.compile",
    "route": "tripp.routing.route",
    "Objective": "tripp.routing.route",
    "RouteSettings": "tripp.routing.route",
    "RouteResult": "tripp.routing.result",
    "Route": "tripp.routing.result",
    "TrippError": "tripp.errors",
    "InputError": "tripp.errors",
    "NoRouteError": "tripp.errors",
    "ConvergenceError": "tripp.errors",
}

__all__ = [
    "Atlas",
    "ConvergenceError",
    "Graph",
    "InputError",
    "NoRouteError",
    "Objective",
    "Route",
    "RouteResult",
    "RouteSettings",
    "TrippError",
    "compile",
    "load_atlas",
    "route",
]

if TYPE_CHECKING:
    from tripp.atlas.io import load_atlas
    from tripp.atlas.model import Atlas
    from tripp.errors import ConvergenceError, InputError, NoRouteError, TrippError
    from tripp.graph.compile import Graph
    from tripp.graph.compile import compile_graph as compile
    from tripp.routing.result import Route, RouteResult
    from tripp.routing.route import Objective, RouteSettings, route


def __getattr__(name: str) -> Any:
    target = _EXPORTS.get(name)
    if target is None:
        raise AttributeError(f"module 'tripp' has no attribute {name!r}")
    module_name, _, attribute = target.partition(":")
    return getattr(import_module(module_name), attribute or name)
