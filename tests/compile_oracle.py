"""The graph compiled arc by arc, one dict of values per arc: the oracle that
:func:`tripp.graph.compile.compile_graph`'s column-wise arc building is checked against
(the link arcs as the compiler built them before it kept per-link arrays; the service,
transition and hub arcs through the compiler's own functions)."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

import numpy as np

from tripp.atlas.model import Atlas, Link
from tripp.graph import compile as gc
from tripp.units import FREIGHT_MODES


class RowBuilder:
    """Collects each arc as one value per column, every column a Python list."""

    def __init__(self, all_cargo: int) -> None:
        self.all_cargo = all_cargo
        self.columns: dict[str, list[float]] = defaultdict(list)

    def add(self, tail: int, head: int, **values: float) -> None:
        merged = {**gc.ARC_DEFAULTS, "cargo_bits": self.all_cargo, **values}
        self.columns["tail"].append(tail)
        self.columns["head"].append(head)
        for name, value in merged.items():
            self.columns[name].append(value)

    def add_free(self, tail: int, head: int) -> None:
        self.add(tail, head)


def _link_values(atlas: Atlas, link: Link, index: int, forward: bool) -> dict[str, float]:
    tariff = atlas.tariff(link.mode, link.country)
    assert tariff is not None
    return {
        "kind": gc.ARC_LINK,
        "link": index,
        "forward": int(forward),
        "mode": FREIGHT_MODES.index(link.mode),
        "time_h": link.running_time_h,
        "cost_usd_per_teu": link.length_km * tariff.cost_usd_per_unit_km("TEU"),
        "distance_km": link.length_km,
        "available_from_year": gc._available_from(link.status, link.open_year),
    }


def compile_row_by_row(atlas: Atlas) -> dict[str, Any]:
    """Every array of the compiled graph of ``atlas`` (CSR order), built arc by arc."""
    node_ids = tuple(node.node_id for node in atlas.nodes)
    node_index = {node_id: i for i, node_id in enumerate(node_ids)}
    cargo_ids = tuple(atlas.cargo_type_by_id)
    all_cargo = (1 << len(cargo_ids)) - 1
    freight = [(i, link) for i, link in enumerate(atlas.links) if link.mode in FREIGHT_MODES]
    states = gc._States()
    arcs = RowBuilder(all_cargo)
    departures = gc._add_services(atlas, node_index, freight, cargo_ids, states, arcs)  # type: ignore[arg-type]
    seen_pairs: set[tuple[int, int]] = set()
    for index, link in freight:
        layer = (link.mode, link.gauge_mm or 0, link.country)
        ends = (node_index[link.from_node], node_index[link.to_node])
        directions = [(ends, True)] + ([(ends[::-1], False)] if link.direction == "both" else [])
        for (a, b), forward in directions:
            head = states.layer_state(b, layer)
            values = _link_values(atlas, link, index, forward)
            for tail in departures.get((index, forward), [states.layer_state(a, layer)]):
                if (tail, head) in seen_pairs:
                    mid = states.new(a, None)
                    arcs.add(tail, mid, **values)
                    year = values["available_from_year"]
                    arcs.add(mid, head, kind=gc.ARC_HUB, available_from_year=year)
                else:
                    seen_pairs.add((tail, head))
                    arcs.add(tail, head, **values)
    gc._add_transitions(atlas, node_index, states, cargo_ids, arcs)  # type: ignore[arg-type]
    start = np.array([states.new(i, None) for i in range(len(node_ids))], dtype=np.int64)
    end = np.array([states.new(i, None) for i in range(len(node_ids))], dtype=np.int64)
    gc._add_hubs(atlas, node_ids, states.layers_at, start, end, arcs)  # type: ignore[arg-type]
    order = np.argsort(np.asarray(arcs.columns["tail"], dtype=np.int64), kind="stable")
    out: dict[str, Any] = {
        "state_node": np.asarray(states.node, dtype=np.int64),
        "state_layer": tuple(states.layer),
        "start_state": start,
        "end_state": end,
    }
    for name in ("tail", "head", *gc.ARC_DEFAULTS):
        dtype = np.float64 if isinstance(gc.ARC_DEFAULTS.get(name, 0), float) else np.int64
        out[name] = np.asarray(arcs.columns[name], dtype=dtype)[order]
    out["forward"] = out["forward"].astype(np.bool_)
    return out
