"""Turn a sequence of graph arcs into a :class:`~tripp.routing.result.Route` with its legs.

Costs are per unit of the route's cargo type (:mod:`tripp.graph.cargo`); a boarding wait
for a scheduled service is a ``wait`` leg of its own.
"""

from __future__ import annotations

from dataclasses import dataclass

from tripp.atlas.model import DEFAULT_CARGO_TYPE, HALF_WEEK_H
from tripp.graph.cargo import cargo_cost_usd, per_teu_factor
from tripp.graph.compile import ARC_LINK, ARC_TRANSITION, ARC_WAIT, Graph
from tripp.routing.result import BorderCrossing, Leg, Route, Transfer
from tripp.units import INTERNATIONAL_WATERS


@dataclass(frozen=True, slots=True)
class _Step:
    """What one graph arc adds to a route: its legs, a border crossed, a change made."""

    legs: tuple[Leg, ...] = ()
    crossing: BorderCrossing | None = None
    change: Transfer | None = None  # a change of mode or gauge
    is_gauge_change: bool = False


def build_route(
    graph: Graph,
    rank: int,
    arcs: list[int],
    vot_usd_per_unit_h: float | None,
    cargo_type: str = DEFAULT_CARGO_TYPE,
) -> Route:
    """The route along graph ``arcs`` (hub arcs are skipped), totals summed from its legs;
    costs per unit of ``cargo_type`` (its ``unit``: TEU, t or truck), time valued at
    ``vot_usd_per_unit_h`` USD per unit and hour in the generalised cost (None: no
    generalised cost without a value of time).

    Each arc's step is made once per graph and cargo type and kept (:meth:`Graph.memo`):
    the legs are immutable, so routes share them.
    """
    steps = _steps(graph, cargo_type)
    legs: list[Leg] = []
    crossings: list[BorderCrossing] = []
    gauge_changes: list[Transfer] = []
    transfers: list[Transfer] = []
    for arc in arcs:
        step = steps.get(arc)
        if step is None:
            step = steps[arc] = _step(graph, arc, cargo_type)
        legs.extend(step.legs)
        if step.crossing is not None:
            crossings.append(step.crossing)
        if step.change is not None:
            (gauge_changes if step.is_gauge_change else transfers).append(step.change)
    time_h = sum(leg.time_h for leg in legs)
    cost_usd = sum(leg.cost_usd for leg in legs)
    countries: list[str] = []
    if legs:
        nodes = graph.atlas.node_by_id
        sequence = [nodes[legs[0].from_node].country]
        sequence += [leg.country for leg in legs if leg.kind == "link"]
        sequence.append(nodes[legs[-1].to_node].country)
        for country in sequence:
            if country != INTERNATIONAL_WATERS and (not countries or countries[-1] != country):
                countries.append(country)
    return Route(
        rank=rank,
        distance_km=sum(leg.distance_km for leg in legs),
        time_h=time_h,
        cost_usd=cost_usd,
        generalized_cost_usd=None
        if vot_usd_per_unit_h is None
        else cost_usd + vot_usd_per_unit_h * time_h,
        legs=tuple(legs),
        countries=tuple(countries),
        border_crossings=tuple(crossings),
        gauge_changes=tuple(gauge_changes),
        transfers=tuple(transfers),
        cost_unit=graph.atlas.cargo_type_by_id[cargo_type].unit,
    )


def _steps(graph: Graph, cargo_type: str = DEFAULT_CARGO_TYPE) -> dict[int, _Step]:
    """Graph arc → its step for ``cargo_type``, filled as routes use the arcs (kept on the
    graph)."""
    key = None if cargo_type == DEFAULT_CARGO_TYPE else cargo_type
    steps: dict[int, _Step] = graph.memo("route steps", key, dict)
    return steps


def prepare_steps(graph: Graph, cargo_type: str = DEFAULT_CARGO_TYPE) -> None:
    """Make the step of every arc of ``graph`` now (about 10 ms on the atlas)."""
    steps = _steps(graph, cargo_type)
    for arc in range(graph.n_arcs):
        if arc not in steps:
            steps[arc] = _step(graph, arc, cargo_type)


def _wait_step(graph: Graph, arc: int) -> _Step:
    """The wait of a consignment boarding a scheduled service."""
    atlas = graph.atlas
    service = atlas.services[int(graph.service[arc])]
    layer = graph.state_layer[int(graph.head[arc])]
    names = atlas.node_by_id
    toward = f"→{names[service.to_node].name}" if service.to_node else ""
    dwell = f" + {service.dwell_h:g} h dwell" if service.dwell_h else ""
    detail = (
        f"wait for {service.mode} {names[service.node_id].name}{toward}, "
        f"{service.departures_per_week:g} departures/week: "
        f"{HALF_WEEK_H / service.departures_per_week:.0f} h{dwell}"
    )
    leg = Leg(
        "wait",
        service.node_id,
        service.node_id,
        "wait",
        0.0,
        float(graph.time_h[arc]),
        0.0,
        layer[2] if layer else atlas.node_by_id[service.node_id].country,
        detail,
    )
    return _Step(legs=(leg,))


def _step(graph: Graph, arc: int, cargo_type: str = DEFAULT_CARGO_TYPE) -> _Step:
    """The legs, crossing and change of graph arc ``arc`` for ``cargo_type`` (nothing for
    a hub arc); costs per unit of the cargo type."""
    atlas = graph.atlas
    kind = int(graph.kind[arc])
    factor = per_teu_factor(graph, cargo_type)
    if kind == ARC_LINK:
        link = atlas.links[int(graph.link[arc])]
        ends = (link.from_node, link.to_node)
        start, finish = ends if graph.forward[arc] else ends[::-1]
        leg = Leg(
            "link",
            start,
            finish,
            link.mode,
            float(graph.distance_km[arc]),
            float(graph.time_h[arc]),
            float(cargo_cost_usd(graph, cargo_type)[arc]),
            link.country,
            f"{link.gauge_mm} mm" if link.gauge_mm else "",
            link.link_id,
        )
        return _Step(legs=(leg,))
    if kind == ARC_WAIT:
        return _wait_step(graph, arc)
    if kind != ARC_TRANSITION:
        return _Step()
    tail_layer = graph.state_layer[int(graph.tail[arc])]
    head_layer = graph.state_layer[int(graph.head[arc])]
    node = graph.node_ids[int(graph.state_node[graph.tail[arc]])]
    legs: list[Leg] = []
    change, is_gauge, crossing = None, False, None
    if graph.transfer[arc] >= 0:
        assert tail_layer is not None and head_layer is not None
        row = atlas.transfers[int(graph.transfer[arc])]
        change = _transfer(node, tail_layer, head_layer, row.time_h, row.cost_usd_per_teu * factor)
        is_gauge = tail_layer[0] == head_layer[0] == "rail"
        detail = (
            f"gauge {tail_layer[1]} → {head_layer[1]} mm"
            if is_gauge
            else f"{tail_layer[0]} → {head_layer[0]}"
        )
        legs.append(
            Leg(
                "transfer",
                node,
                node,
                "transfer",
                0.0,
                row.time_h,
                row.cost_usd_per_teu * factor,
                tail_layer[2],
                detail,
            )
        )
    if graph.crossing[arc] >= 0:
        c = atlas.crossings[int(graph.crossing[arc])]
        crossing = BorderCrossing(
            node, c.from_country, c.to_country, c.mode, c.dwell_h, c.cost_usd_per_teu * factor
        )
        legs.append(
            Leg(
                "border",
                node,
                node,
                "border",
                0.0,
                c.dwell_h,
                c.cost_usd_per_teu * factor,
                c.to_country,
                f"{c.from_country} → {c.to_country}",
            )
        )
    return _Step(tuple(legs), crossing, change, is_gauge)


def _transfer(
    node: str, a: tuple[str, int, str], b: tuple[str, int, str], time_h: float, cost_usd: float
) -> Transfer:
    return Transfer(node, a[0], b[0], time_h, cost_usd, a[1] or None, b[1] or None)
