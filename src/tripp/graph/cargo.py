"""What a cargo type may use on a compiled graph, and what each arc costs per unit of it.

The graph is compiled once for every cargo type (:mod:`tripp.graph.compile`); per cargo
type this module derives, and keeps on the graph (:meth:`Graph.memo`):

* an arc mask (:func:`cargo_mask`): its link arcs are those of the modes it may use
  (cargo_types.csv ``modes``), its transfers those whose transfers.csv row lists it, its
  waits and through trains those of the services that carry it (services.csv);
* a cost per arc in USD per unit of the cargo type (:func:`cargo_cost_usd`): TEU, t or
  truck (cargo_types.csv ``unit``). A link costs its length × the cargo type's tariff
  (tariffs.csv, per unit-km). Transfer and crossing costs are given per TEU; for another
  cargo type they are converted by weight, an estimate stated here once:
  cost per unit = cost per TEU × ``t_per_unit`` of the cargo type / ``t_per_unit`` of
  container (:func:`per_teu_factor`): a transfer or border fee per TEU is taken to scale
  with the tonnes handled.
"""

from __future__ import annotations

import numpy as np

from tripp.atlas.model import DEFAULT_CARGO_TYPE, CargoType
from tripp.graph.compile import ARC_LINK, FloatArray, Graph
from tripp.units import FREIGHT_MODES

__all__ = ["cargo_cost_usd", "cargo_mask", "cargo_type", "per_teu_factor"]


def cargo_type(graph: Graph, cargo: str) -> CargoType:
    """The cargo_types.csv row of ``cargo`` (checked by the request)."""
    return graph.atlas.cargo_type_by_id[cargo]


def per_teu_factor(graph: Graph, cargo: str) -> float:
    """Units of ``cargo`` → TEU equivalents for costs given per TEU (transfers, crossings):
    ``t_per_unit`` of ``cargo`` / ``t_per_unit`` of container (1 for container itself).

    >>> from tripp import compile, load_atlas
    >>> per_teu_factor(compile(load_atlas()), "container")
    1.0
    """
    if cargo == DEFAULT_CARGO_TYPE:
        return 1.0
    types = graph.atlas.cargo_type_by_id
    return types[cargo].t_per_unit / types[DEFAULT_CARGO_TYPE].t_per_unit


def cargo_mask(graph: Graph, cargo: str) -> np.ndarray:
    """Per arc: whether ``cargo`` may use it (kept on the graph; never modify it)."""

    def compute() -> np.ndarray:
        bit = graph.cargo_ids.index(cargo)
        allowed = (graph.cargo_bits >> bit) & 1 == 1
        modes = cargo_type(graph, cargo).modes
        mode_ok = np.array([m in modes for m in FREIGHT_MODES])
        allowed &= (graph.kind != ARC_LINK) | mode_ok[np.maximum(graph.mode, 0)]
        return allowed

    return graph.memo("cargo mask", cargo, compute)


def cargo_cost_usd(graph: Graph, cargo: str) -> FloatArray:
    """Per arc: its cost in USD per unit of ``cargo`` (kept on the graph; never modify it).

    Links of a mode ``cargo`` may not use cost nothing here: the mask removes them.
    """
    if cargo == DEFAULT_CARGO_TYPE:
        return graph.cost_usd_per_teu

    def compute() -> FloatArray:
        kind = cargo_type(graph, cargo)
        atlas = graph.atlas
        cost = graph.cost_usd_per_teu * per_teu_factor(graph, cargo)
        for arc in np.flatnonzero(graph.kind == ARC_LINK).tolist():
            link = atlas.links[int(graph.link[arc])]
            if link.mode not in kind.modes:
                cost[arc] = 0.0
                continue
            tariff = atlas.tariff(link.mode, link.country, cargo)
            assert tariff is not None, "validated atlas has a tariff for every allowed mode"
            cost[arc] = graph.distance_km[arc] * tariff.cost_usd_per_unit_km(kind.unit)
        return cost

    return graph.memo("cargo cost", cargo, compute)
