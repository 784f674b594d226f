"""The link arcs of the compiled graph, built with array operations for million-link atlases.

:func:`add_link_arcs` makes the states and arcs the compiler made link by link, in the same
order and with the same numbers: for each freight link and direction (forward, then back
for a ``both`` link) the layer's state at the head end and then at the tail end (each made
on first use), then one arc per tail (the layer's state, or the departure states of the
services leaving there); an arc between two states already joined by an earlier one runs
through a new midpoint state instead, with a free hub arc on to the head.
:func:`link_columns` gives the values of those arcs per link (time, cost, distance, year).
"""

from __future__ import annotations

from operator import attrgetter
from typing import TYPE_CHECKING, Any, Protocol

import numpy as np
import numpy.typing as npt

from tripp.units import FREIGHT_MODES

if TYPE_CHECKING:
    from tripp.atlas.model import Atlas, Link

IntArray = npt.NDArray[np.int64]
Layer = tuple[str, int, str]  # (mode, gauge_mm or 0, country), as in tripp.graph.compile


class _States(Protocol):
    """The compiler's states as they are made (:class:`tripp.graph.compile._States`)."""

    node: list[int]
    layer: list[Layer | None]
    layers_at: dict[int, dict[Layer, int]]


class _ArcBuilder(Protocol):
    """The compiler's arcs as they are made (:class:`tripp.graph.compile._ArcBuilder`)."""

    def add_block(self, tail: IntArray, head: IntArray, row: IntArray) -> None: ...

    def prototype(self, **values: float) -> int: ...

    def link_years(self, rows: IntArray) -> list[int]: ...


def link_columns(
    atlas: Atlas,
    freight: list[tuple[int, Link]],
    all_cargo: int,
    available_from: Any,
    *,
    arc_link: int,
) -> dict[str, npt.NDArray[Any]]:
    """The values of the arcs of each freight link (position ``p`` of ``freight``): rows
    ``2p`` (from_node→to_node) and ``2p + 1`` (back), one array per arc column.

    The cost is the container's (see :mod:`tripp.graph.cargo`): ``length_km`` times the
    tariff's USD per TEU-km; ``available_from(status, open_year)`` gives the first year.
    """
    links = [link for _, link in freight]
    teu_cost_per_km: dict[tuple[str, str], float] = {}
    for key in {(link.mode, link.country) for link in links}:
        tariff = atlas.tariff(*key)
        assert tariff is not None, "validated atlas has a tariff for every freight link"
        teu_cost_per_km[key] = tariff.cost_usd_per_unit_km("TEU")
    whens = [(link.status, link.open_year) for link in links]
    year_of = {when: available_from(*when) for when in set(whens)}
    mode_of = {mode: i for i, mode in enumerate(FREIGHT_MODES)}
    length_km = np.array([link.length_km for link in links], dtype=np.float64)
    per_km = [teu_cost_per_km[(link.mode, link.country)] for link in links]
    n = len(links)

    def twice(values: Any, dtype: type) -> npt.NDArray[Any]:
        return np.repeat(np.asarray(values, dtype=dtype), 2)

    return {
        "kind": np.full(2 * n, arc_link, dtype=np.int64),
        "link": twice([index for index, _ in freight], np.int64),
        "forward": np.tile(np.array([1, 0], dtype=np.int64), n),
        "transfer": np.full(2 * n, -1, dtype=np.int64),
        "crossing": np.full(2 * n, -1, dtype=np.int64),
        "mode": twice([mode_of[link.mode] for link in links], np.int64),
        "service": np.full(2 * n, -1, dtype=np.int64),
        "cargo_bits": np.full(2 * n, all_cargo, dtype=np.int64),
        "time_h": twice([link.running_time_h for link in links], np.float64),
        "cost_usd_per_teu": twice(length_km * np.asarray(per_km, dtype=np.float64), np.float64),
        "distance_km": twice(length_km, np.float64),
        "available_from_year": twice(list(map(year_of.__getitem__, whens)), np.int64),
    }


def add_link_arcs(
    freight: list[tuple[int, Link]],
    node_index: dict[str, int],
    departures: dict[tuple[int, bool], list[int]],
    states: _States,
    arcs: _ArcBuilder,
    *,
    arc_hub: int,
) -> None:
    """Add the states and arcs of every freight link and direction (module docstring)."""
    if not freight:
        return
    links = [link for _, link in freight]
    # the layer (mode, gauge_mm or 0, country) of each link, numbered by its distinct fields
    given = list(map(attrgetter("mode", "gauge_mm", "country"), links))
    layer_ids: dict[Layer, int] = {}
    id_of = {g: layer_ids.setdefault((g[0], g[1] or 0, g[2]), len(layer_ids)) for g in set(given)}
    layer = np.array(list(map(id_of.__getitem__, given)), dtype=np.int64)
    layers = list(layer_ids)
    index_of = node_index.__getitem__
    from_node = np.array(list(map(index_of, map(attrgetter("from_node"), links))), dtype=np.int64)
    to_node = np.array(list(map(index_of, map(attrgetter("to_node"), links))), dtype=np.int64)
    both = np.array([link.direction == "both" for link in links], dtype=np.bool_)
    # one event per link and direction, in the order the compiler visits them
    position = np.repeat(np.arange(len(freight), dtype=np.int64), 1 + both)
    forward = np.ones(position.shape[0], dtype=np.bool_)
    forward[(np.cumsum(1 + both) - 1)[both]] = False
    tail_node = np.where(forward, from_node[position], to_node[position])
    head_node = np.where(forward, to_node[position], from_node[position])
    event_layer = layer[position]
    row = 2 * position + (~forward)
    # the (node, layer) states each event asks for: head end first, then tail end
    asked = np.stack([head_node, tail_node], axis=1).ravel() * len(layers) + np.repeat(
        event_layer, 2
    )
    keys, first_ask, key_of_ask = np.unique(asked, return_index=True, return_inverse=True)
    key_of_ask = key_of_ask.reshape(-1, 2)
    existing = _existing_states(states, keys, layers)
    tails, n_tails = _tails(freight, departures, position, forward)
    n_keys = keys.shape[0]
    tail_key = np.repeat(key_of_ask[:, 1], n_tails)
    own = tails < 0
    tail_code = np.where(own, tail_key, n_keys + tails)
    head_key = np.repeat(key_of_ask[:, 0], n_tails)
    pair = tail_code * n_keys + head_key
    repeated = np.ones(pair.shape[0], dtype=np.bool_)
    repeated[np.unique(pair, return_index=True)[1]] = False
    # every state made, in order: per event its two asks, then a midpoint per repeated tail
    slots_per_event = 2 + n_tails
    event_start = np.cumsum(slots_per_event) - slots_per_event
    entry_event = np.repeat(np.arange(position.shape[0], dtype=np.int64), n_tails)
    entry_slot = (
        event_start[entry_event]
        + (
            np.arange(entry_event.shape[0], dtype=np.int64)
            - np.repeat(np.cumsum(n_tails) - n_tails, n_tails)
        )
        + 2
    )
    n_slots = int(slots_per_event.sum())
    made = np.zeros(n_slots, dtype=np.bool_)
    slot_node = np.empty(n_slots, dtype=np.int64)
    slot_layer = np.full(n_slots, -1, dtype=np.int64)
    ask_slot = np.stack([event_start, event_start + 1], axis=1).ravel()
    slot_node[ask_slot] = np.stack([head_node, tail_node], axis=1).ravel()
    slot_layer[ask_slot] = np.repeat(event_layer, 2)
    made[ask_slot[first_ask[existing < 0]]] = True
    slot_node[entry_slot] = tail_node[entry_event]
    made[entry_slot] = repeated
    state_of_slot = len(states.node) + np.cumsum(made) - 1
    key_state = np.where(existing >= 0, existing, state_of_slot[ask_slot[first_ask]])
    _record_states(states, slot_node[made], slot_layer[made], layers)
    tail_state = np.where(own, key_state[tail_key], tails)
    head_state = key_state[head_key]
    mid_state = state_of_slot[entry_slot]
    _record_arcs(arcs, tail_state, head_state, mid_state, repeated, row[entry_event], arc_hub)


def _existing_states(states: _States, keys: IntArray, layers: list[Layer]) -> IntArray:
    """Per (node, layer) key, the state made before the link arcs (at a service's node),
    else -1."""
    existing = np.full(keys.shape[0], -1, dtype=np.int64)
    if states.layers_at:
        for i, key in enumerate(keys.tolist()):
            node, layer = divmod(key, len(layers))
            existing[i] = states.layers_at.get(node, {}).get(layers[layer], -1)
    return existing


def _tails(
    freight: list[tuple[int, Link]],
    departures: dict[tuple[int, bool], list[int]],
    position: IntArray,
    forward: npt.NDArray[np.bool_],
) -> tuple[IntArray, IntArray]:
    """The tails of each event's arcs, flat (-1: the layer's own state at the tail end, else
    a service's departure state) and how many each event has."""
    if not departures:
        ones = np.ones(position.shape[0], dtype=np.int64)
        return -ones, ones
    atlas_index = [freight[p][0] for p in position.tolist()]
    lists = [
        departures.get((index, bool(f)), [-1])
        for index, f in zip(atlas_index, forward.tolist(), strict=True)
    ]
    flat = np.array([tail for tails in lists for tail in tails], dtype=np.int64)
    return flat, np.array([len(tails) for tails in lists], dtype=np.int64)


def _record_states(states: _States, node: IntArray, layer: IntArray, layers: list[Layer]) -> None:
    """Append the states made (layer -1: a midpoint) and index the layers' states."""
    first = len(states.node)
    nodes, layer_ids = node.tolist(), layer.tolist()
    states.node.extend(nodes)
    states.layer.extend(layers[i] if i >= 0 else None for i in layer_ids)
    layers_at = states.layers_at
    for state, (n, i) in enumerate(zip(nodes, layer_ids, strict=True), start=first):
        if i >= 0:
            layers_at[n][layers[i]] = state


def _record_arcs(
    arcs: _ArcBuilder,
    tail: IntArray,
    head: IntArray,
    mid: IntArray,
    repeated: npt.NDArray[np.bool_],
    row: IntArray,
    arc_hub: int,
) -> None:
    """One link arc per tail entry, to the head or, where ``repeated``, to its midpoint
    followed by a free hub arc from the midpoint to the head (same first year)."""
    n_arcs = 1 + repeated.astype(np.int64)
    first = np.cumsum(n_arcs) - n_arcs
    total = int(n_arcs.sum())
    out_tail = np.empty(total, dtype=np.int64)
    out_head = np.empty(total, dtype=np.int64)
    out_row = np.empty(total, dtype=np.int64)
    out_tail[first] = tail
    out_head[first] = np.where(repeated, mid, head)
    out_row[first] = row
    second = first[repeated] + 1
    out_tail[second] = mid[repeated]
    out_head[second] = head[repeated]
    years = arcs.link_years(row[repeated])
    hub_row = {y: arcs.prototype(kind=arc_hub, available_from_year=y) for y in set(years)}
    out_row[second] = [hub_row[y] for y in years]
    arcs.add_block(out_tail, out_head, out_row)
