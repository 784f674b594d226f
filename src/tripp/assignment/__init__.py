"""Static user-equilibrium traffic assignment with volume-delay functions.

Link-based Frank–Wolfe, conjugate and biconjugate FW, and path-based gradient projection on
a CSR network compiled once; Numba kernels for shortest-path trees and loading. See
``docs/assignment.md``.

Names are imported on first use, so ``import tripp.cli.assign`` (the CLI) does not
load Numba.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from tripp.assignment.equilibrium import assign, assign_tntp, relative_gap
    from tripp.assignment.network import AssignmentNetwork, Demand, build_network
    from tripp.assignment.result import AssignmentResult, IterationRecord
    from tripp.assignment.spec import Algorithm, AssignmentSpec
    from tripp.assignment.tntp import load_tntp, read_flows, read_net, read_trips
    from tripp.assignment.vdf_kind import VdfKind

_EXPORTS = {
    "Algorithm": "spec",
    "AssignmentSpec": "spec",
    "assign": "equilibrium",
    "assign_tntp": "equilibrium",
    "relative_gap": "equilibrium",
    "AssignmentNetwork": "network",
    "Demand": "network",
    "build_network": "network",
    "AssignmentResult": "result",
    "IterationRecord": "result",
    "load_tntp": "tntp",
    "read_flows": "tntp",
    "read_net": "tntp",
    "read_trips": "tntp",
    "VdfKind": "vdf_kind",
}

__all__ = [
    "Algorithm",
    "AssignmentNetwork",
    "AssignmentResult",
    "AssignmentSpec",
    "Demand",
    "IterationRecord",
    "VdfKind",
    "assign",
    "assign_tntp",
    "build_network",
    "load_tntp",
    "read_flows",
    "read_net",
    "read_trips",
    "relative_gap",
]


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'tripp.assignment' has no attribute {name!r}")
    return getattr(importlib.import_module(f"tripp.assignment.{module}"), name)
