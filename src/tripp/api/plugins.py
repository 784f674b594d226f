"""Adapters to the analyses that other packages of tripp provide when they are installed.

``tripp.energy`` (``solve_energy``) and ``tripp.resilience`` (``reliability``,
``criticality``) are optional here: the app checks at start whether they can be imported and
says so in ``/api/health``; the endpoints and job kinds that need them answer 501 otherwise.
Each adapter is the one place that knows the analysis's call signature.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Callable
from typing import Any

from tripp.errors import TrippError
from tripp.scenarios.network import ScenarioNetwork

#: ``progress(fraction, message)``, as in :mod:`tripp.api.jobs`.
Progress = Callable[[float, str], None]


def has_module(name: str) -> bool:
    """True when the regular package or module ``name`` exists (checked without importing it).

    A folder without ``__init__.py`` (a namespace package, e.g. work in progress) does not
    count.
    """
    try:
        spec = importlib.util.find_spec(name)
    except (ImportError, ValueError):
        return False
    return spec is not None and spec.origin is not None


def require(module: str, name: str) -> Any:
    """``module.name``, or a :class:`NotAvailable` error naming what is missing."""
    try:
        return getattr(importlib.import_module(module), name)
    except (ImportError, AttributeError):
        raise NotAvailable(f"{module}.{name}") from None


class NotAvailable(TrippError):
    """An optional analysis is not installed (or lacks the function the adapter calls)."""

    def __init__(self, function: str) -> None:
        super().__init__(f"{function} is not available in this installation")
        self.function = function


def capabilities() -> dict[str, Any]:
    """Which optional analyses this installation has."""
    energy = has_module("tripp.energy")
    resilience = has_module("tripp.resilience")
    kinds = ["compare", "exposure"]
    if resilience:
        kinds += ["reliability", "criticality"]
    if energy:
        kinds.append("energy")
    return {"energy": energy, "resilience": resilience, "jobs": kinds}


def run_energy(
    network: ScenarioNetwork, carrier: str, *, year: int | None, missing_capacity: str
) -> dict[str, Any]:
    """Gas and power flows on ``network``: the JSON of ``tripp energy --format json``."""
    solve_energy = require("tripp.energy", "solve_energy")
    settings = require("tripp.energy", "EnergySettings")
    missing = require("tripp.energy", "MissingCapacity")(missing_capacity)
    result = solve_energy(
        network.atlas,
        year=network.year if year is None else year,
        carrier=carrier,
        settings=settings(missing_capacity=missing),
        scenario=network.name,
    )
    data: dict[str, Any] = result.to_dict()
    return data


def run_reliability(
    network: ScenarioNetwork, *, samples: int, seed: int, objective: str, progress: Progress
) -> dict[str, Any]:
    """Monte Carlo sweep over the demand flows: ``tripp.resilience.reliability``'s JSON.

    Runs on a one-worker local Dask cluster so that a job cannot take the whole machine.
    """
    reliability = require("tripp.resilience.reliability", "reliability")
    if network.scenario is None:
        raise NotAvailable("reliability without a scenario")

    def report(what: str, done: int, total: int) -> None:
        progress(done / total if total else 0.0, f"{what} {done}/{total}")

    result = reliability(
        network,
        samples=samples,
        seed=seed,
        objective=objective,
        workers=1,
        progress=report,
    )
    data: dict[str, Any] = result.to_dict()
    return data


def run_criticality(
    network: ScenarioNetwork, *, objective: str, progress: Progress
) -> dict[str, Any]:
    """Single-closure ranking: ``tripp.resilience.criticality``'s JSON."""
    criticality = require("tripp.resilience.criticality", "criticality")
    result = criticality(network, objective=objective, progress=progress)
    data: dict[str, Any] = result.to_dict()
    return data
