"""Who pays whom in one corridor assignment: the money and hours of every route's tonnes,
by country and by stakeholder (USD/year in the model's prices, t·h/year).

For each route a route choice keeps (path flows, t/year), in units of its cargo type:

* **shippers** (the country of the cargo's origin) pay the route's money — tariffs,
  transfer charges, border fees (:func:`tripp.graph.cargo.cargo_cost_usd`) — and spend its
  hours, which route choice values at the cargo's value of time (with a reliability ratio,
  also the spread of the time): the generalised cost is the path's cost at equilibrium;
  its time part is also kept at free-flow hours (running times and the border dwells of
  the atlas, without the queues the volume-delay functions add);
* **operators** (the country of the arc's tail node: railways, road hauliers, ports,
  ferry lines; ``XZ`` at sea) earn the tariffs and transfer charges;
* **governments** earn the border fees of a crossing, split equally between its two
  countries;
* **transit revenue** is what operators and governments of a country earn from tonnes
  whose origin and destination lie outside it.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

import numpy as np

from tripp.freight.corridor import CorridorAssignment
from tripp.freight.shift import transit_by_country
from tripp.graph.cargo import cargo_cost_usd, per_teu_factor
from tripp.graph.compile import ARC_LINK, Graph
from tripp.units import INTERNATIONAL_WATERS

OdKey = tuple[str, str, str, str, str, str]


@dataclass
class FreightLedger:
    """The money and hours of one assignment (USD/year, t·h/year).

    ``shipper_cost_usd`` and ``shipper_money_usd`` are keyed by OD (origin, destination,
    commodity, cargo type, market, shipper profile), each with the origin's country in
    ``od_country``; the rest by country. ``element_revenue_usd`` is the operators' revenue on
    each link (``link:ID``) and transfer (``transfer:NODE:FROM:TO``).
    """

    shipper_cost_usd: dict[OdKey, float] = field(default_factory=lambda: defaultdict(float))
    shipper_money_usd: dict[OdKey, float] = field(default_factory=lambda: defaultdict(float))
    shipper_t_h: dict[OdKey, float] = field(default_factory=lambda: defaultdict(float))
    shipper_time_free_usd: dict[OdKey, float] = field(default_factory=lambda: defaultdict(float))
    od_country: dict[OdKey, str] = field(default_factory=dict)
    operator_revenue_usd: dict[str, float] = field(default_factory=lambda: defaultdict(float))
    fees_usd: dict[str, float] = field(default_factory=lambda: defaultdict(float))
    transit_revenue_usd: dict[str, float] = field(default_factory=lambda: defaultdict(float))
    transit_t: dict[str, float] = field(default_factory=dict)
    element_revenue_usd: dict[str, float] = field(default_factory=lambda: defaultdict(float))
    unserved: tuple[OdKey, ...] = ()


def _arc_elements(graph: Graph) -> list[str]:
    """The project selector of every arc: ``link:ID``, ``transfer:NODE:FROM:TO`` or ''."""
    atlas = graph.atlas
    out = [""] * graph.n_arcs
    for arc in np.flatnonzero(graph.link >= 0).tolist():
        if graph.kind[arc] == ARC_LINK:
            out[arc] = f"link:{atlas.links[int(graph.link[arc])].link_id}"
    for arc in np.flatnonzero(graph.transfer >= 0).tolist():
        t = atlas.transfers[int(graph.transfer[arc])]
        out[arc] = f"transfer:{t.node_id}:{t.from_mode}:{t.to_mode}"
    return out


def freight_ledger(graph: Graph, assignment: CorridorAssignment) -> FreightLedger:
    """The ledger of a route-choice ``assignment`` on ``graph``."""
    run = assignment.choice
    if run is None:
        raise ValueError("the appraisal needs route choice (algorithm logit), which keeps routes")
    atlas, result = graph.atlas, run.result
    node_country = np.array([atlas.node_by_id[n].country for n in graph.node_ids])
    arc_country = node_country[graph.state_node[graph.tail]]
    crossing_of = graph.crossing
    fee_teu = np.zeros(graph.n_arcs)
    sides: dict[int, tuple[str, str]] = {}
    for arc in np.flatnonzero(crossing_of >= 0).tolist():
        crossing = atlas.crossings[int(crossing_of[arc])]
        fee_teu[arc] = crossing.cost_usd_per_teu
        sides[arc] = (crossing.from_country, crossing.to_country)
    elements = _arc_elements(graph)
    money_of = {c: cargo_cost_usd(graph, c) for c, _ in set(run.classes)}
    fee_of = {c: fee_teu * per_teu_factor(graph, c) for c in money_of}
    ledger = FreightLedger()
    for p in np.flatnonzero(result.path_flow > 0).tolist():
        cls = int(result.path_class[p])
        cargo = run.classes[cls][0]
        units = float(result.path_flow[p]) / run.t_per_unit[cls]
        od = int(result.paths.od[p])
        key = run.ods[od].key()
        row = run.ods[od].row
        ends = {atlas.node_by_id[row.origin].country, atlas.node_by_id[row.destination].country}
        arcs = result.paths.path(p)
        money, fee = money_of[cargo][arcs], np.minimum(fee_of[cargo][arcs], money_of[cargo][arcs])
        ledger.od_country[key] = atlas.node_by_id[row.origin].country
        ledger.shipper_cost_usd[key] += units * float(result.path_cost[p])
        ledger.shipper_money_usd[key] += units * float(money.sum())
        hours, free_hours = float(result.time_h[arcs].sum()), float(graph.time_h[arcs].sum())
        ledger.shipper_t_h[key] += float(result.path_flow[p]) * hours
        time_usd = units * (float(result.path_cost[p]) - float(money.sum()))
        ledger.shipper_time_free_usd[key] += time_usd * (free_hours / hours if hours else 1.0)
        for arc, paid, border in zip(
            arcs.tolist(), (money - fee).tolist(), fee.tolist(), strict=True
        ):
            country = str(arc_country[arc])
            if paid:
                ledger.operator_revenue_usd[country] += units * paid
                if elements[arc]:
                    ledger.element_revenue_usd[elements[arc]] += units * paid
                if country not in ends and country != INTERNATIONAL_WATERS:
                    ledger.transit_revenue_usd[country] += units * paid
            if border:
                for side in sides[arc]:
                    ledger.fees_usd[side] += units * border / 2
                    if side not in ends:
                        ledger.transit_revenue_usd[side] += units * border / 2
    ledger.unserved = tuple(o.key() for o in run.unserved())
    ledger.transit_t = transit_by_country(graph, run)
    return ledger
