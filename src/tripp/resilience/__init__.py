"""Resilience: which closures hurt most, and how reliable routes are under random disruption.

* :func:`criticality` closes each link, node, crossing point or country (or pairs of the
  worst), re-routes the scenario's demand and ranks the closures;
* :func:`reliability` runs a seeded Monte Carlo sweep of random closures and border dwells
  and reports per O-D quantiles of time and cost and the chance of no route, with
  standard errors.

Both run on Dask (a local cluster or a running one). Modules load on first use, so importing
this package (as the CLI does) stays fast.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

_EXPORTS = {
    "criticality": "tripp.resilience.criticality",
    "CriticalityResult": "tripp.resilience.criticality",
    "Impact": "tripp.resilience.criticality",
    "ElementKind": "tripp.resilience.elements",
    "reliability": "tripp.resilience.reliability",
    "ReliabilityResult": "tripp.resilience.reliability",
    "ReliabilityParams": "tripp.atlas.reliability",
    "load_params": "tripp.atlas.reliability",
    "default_params_file": "tripp.atlas.reliability",
}

__all__ = [
    "CriticalityResult",
    "ElementKind",
    "Impact",
    "ReliabilityParams",
    "ReliabilityResult",
    "criticality",
    "default_params_file",
    "load_params",
    "reliability",
]

if TYPE_CHECKING:
    from tripp.atlas.reliability import ReliabilityParams, default_params_file, load_params
    from tripp.resilience.criticality import CriticalityResult, Impact, criticality
    from tripp.resilience.elements import ElementKind
    from tripp.resilience.reliability import ReliabilityResult, reliability


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'tripp.resilience' has no attribute {name!r}")
    return getattr(import_module(module), name)
