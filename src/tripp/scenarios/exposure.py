"""Transit exposure: who carries whose freight, and what losing a transit country costs.

For a scenario, every demand row (origin, destination, tonnes) is routed on the scenario's
network. A country is *transited* by a flow when the chosen route crosses it and it is
neither the origin's nor the destination's country. Shares are of all routed tonnes (t) and
of tonne-kilometres (t-km, using the kilometres run inside each country). For each flow and
each country it transits, the flow is re-routed avoiding that country; the increase in the
objective (or "no route") is the cost of losing it.

Demand year: the latest year of the demand table not after the scenario year (else the
earliest), scaled by the scenario's demand rules.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

from tripp.atlas.jsonshape import JsonShape, Key, computed, nested
from tripp.atlas.model import Atlas
from tripp.errors import FieldProblem, InputError, NoRouteError
from tripp.graph.compile import Graph
from tripp.routing.objective import DEFAULT_OBJECTIVE
from tripp.routing.route import route
from tripp.scenarios.network import ScenarioNetwork

if TYPE_CHECKING:
    import pandas as pd

#: The places whose access the exposure report details: (label, country, region or "").
FOCUS_AREAS = (("Nakhchivan", "AZ", "Nakhchivan"), ("Armenia", "AM", ""), ("Georgia", "GE", ""))


@dataclass(frozen=True, slots=True)
class FlowExposure:
    """One demand flow on its chosen route and its dependence on each transit country."""

    origin: str
    destination: str
    commodity: str
    t_per_year: float
    routed: bool
    objective_value: float | None
    distance_km: float
    transit_km: dict[str, float]
    loss: dict[str, float | None]  # transit country → objective increase, None: no route


@dataclass(frozen=True)
class Exposure:
    """Transit exposure of one scenario."""

    scenario: str
    year: int
    demand_year: int | None
    objective: str
    flows: tuple[FlowExposure, ...]
    share_t: dict[str, float] = field(default_factory=dict)
    share_tkm: dict[str, float] = field(default_factory=dict)
    focus: dict[str, dict[str, Any]] = field(default_factory=dict)

    def to_json(self, *, indent: int | None = 2) -> str:
        """:meth:`to_dict` as JSON text."""
        return json.dumps(self.to_dict(), indent=indent, ensure_ascii=False)

    def to_frame(self, table: Literal["countries", "flows"] = "countries") -> pd.DataFrame:
        """``countries``: one row per transit country (``country``, ``transit_share_t``,
        ``transit_share_tkm``, shares 0–1); ``flows``: one row per demand flow (``origin``,
        ``destination``, ``commodity``, ``t_per_year``, ``routed``, ``transit_countries``,
        ``loss``: objective increase per lost transit country, None for no route)."""
        import pandas as pd

        return pd.DataFrame(self.to_dict()[table])

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready mapping: per-country shares, per-flow dependence, focus areas."""
        return EXPOSURE_JSON.dump(self)

    def country_shares(self) -> list[dict[str, Any]]:
        """Per transit country, its shares of tonnes and tonne-km, largest share first."""
        return [
            {
                "country": c,
                "transit_share_t": round(self.share_t[c], 4),
                "transit_share_tkm": round(self.share_tkm.get(c, 0.0), 4),
            }
            for c in sorted(self.share_t, key=lambda c: -self.share_t[c])
        ]


#: A flow's JSON: the transit countries it crosses and the loss if each were lost.
FLOW_EXPOSURE_JSON = JsonShape(
    FlowExposure,
    *("origin", "destination", "commodity", "t_per_year", "routed"),
    computed(
        "transit_countries",
        list[str],
        lambda f: sorted(f.transit_km),
        "Countries the route transits, sorted.",
    ),
    Key(
        "loss",
        lambda f: {c: None if v is None else round(v, 3) for c, v in f.loss.items()},
        field="loss",
        description="Per transit country: the objective's increase without it; null: no route.",
    ),
    omit=("objective_value", "distance_km", "transit_km"),
)
#: The JSON of ``tripp exposure --format json``.
EXPOSURE_JSON = JsonShape(
    Exposure,
    *("scenario", "year", "demand_year", "objective"),
    computed(
        "countries",
        list[dict[str, Any]],
        Exposure.country_shares,
        "Per transit country: transit_share_t, transit_share_tkm (0-1), largest first.",
    ),
    nested("flows", FLOW_EXPOSURE_JSON),
    "focus",
    omit=("share_t", "share_tkm"),
)


def demand_year_for(atlas: Atlas, year: int) -> int | None:
    """The demand year used for network ``year`` (see the module docstring)."""
    years = atlas.demand_years
    if not years:
        return None
    earlier = [y for y in years if y <= year]
    return earlier[-1] if earlier else years[0]


def exposure(
    network: ScenarioNetwork,
    *,
    objective: str = DEFAULT_OBJECTIVE.value,
    demand_year: int | None = None,
) -> Exposure:
    """Transit exposure of a scenario: its demand (t/year) routed on its network in its year.

    ``objective`` is what routes minimise (``time`` in h, ``cost`` in USD/TEU, ``distance``
    in km or ``generalized`` in USD/TEU); a flow's ``loss`` is in that unit. See
    :func:`transit_exposure` for ``demand_year``.

    >>> import tripp
    >>> result = tripp.exposure(tripp.scenario(tripp.load_atlas(), "baseline-2025"))
    >>> result.scenario, result.demand_year
    ('baseline-2025', 2024)
    """
    years = network.atlas.demand_years
    if demand_year is not None and demand_year not in years:
        raise InputError(
            FieldProblem(
                "demand_year",
                f"no demand rows for '{demand_year}'",
                f"give one of the demand years {', '.join(map(str, years))}",
            )
        )
    return transit_exposure(
        network.graph,
        scenario=network.applied().name,
        year=network.year,
        objective=objective,
        demand_year=demand_year,
    )


def transit_exposure(
    graph: Graph,
    *,
    scenario: str,
    year: int,
    objective: str = DEFAULT_OBJECTIVE.value,
    demand_year: int | None = None,
) -> Exposure:
    """Route every demand flow and measure transit dependence.

    ``demand_year`` picks the demand rows (default: :func:`demand_year_for` ``year``);
    comparisons pass one year to both scenarios so that only the network differs.
    """
    atlas = graph.atlas
    if demand_year is None:
        demand_year = demand_year_for(atlas, year)
    rows = [r for r in atlas.demand_in(demand_year) if r.t_per_year]
    nodes = atlas.node_by_id
    flows = []
    for row in rows:
        ends = {nodes[row.origin].country, nodes[row.destination].country}
        try:
            best = route(graph, row.origin, row.destination, year=year, objective=objective).routes[
                0
            ]
        except NoRouteError:
            flows.append(
                FlowExposure(
                    row.origin,
                    row.destination,
                    row.commodity,
                    float(row.t_per_year or 0),
                    False,
                    None,
                    0.0,
                    {},
                    {},
                )
            )
            continue
        value = _objective_value(best, objective)
        transit_km: dict[str, float] = defaultdict(float)
        for leg in best.legs:
            if leg.kind == "link" and leg.country in best.countries and leg.country not in ends:
                transit_km[leg.country] += leg.distance_km
        loss: dict[str, float | None] = {}
        for country in transit_km:
            try:
                other = route(
                    graph,
                    row.origin,
                    row.destination,
                    year=year,
                    objective=objective,
                    avoid_countries=[country],
                ).routes[0]
                loss[country] = _objective_value(other, objective) - value
            except NoRouteError:
                loss[country] = None
        flows.append(
            FlowExposure(
                row.origin,
                row.destination,
                row.commodity,
                float(row.t_per_year or 0),
                True,
                value,
                best.distance_km,
                dict(transit_km),
                loss,
            )
        )
    return _summarise(atlas, scenario, year, demand_year, objective, flows)


def _objective_value(best: Any, objective: str) -> float:
    key = {
        "time": "time_h",
        "cost": "cost_usd",
        "distance": "distance_km",
        "generalized": "generalized_cost_usd",
    }[objective]
    return float(getattr(best, key))


def _summarise(
    atlas: Atlas,
    scenario: str,
    year: int,
    demand_year: int | None,
    objective: str,
    flows: list[FlowExposure],
) -> Exposure:
    routed = [f for f in flows if f.routed]
    total_t = sum(f.t_per_year for f in routed) or 1.0
    total_tkm = sum(f.t_per_year * f.distance_km for f in routed) or 1.0
    nodes = atlas.node_by_id
    share_t: dict[str, float] = defaultdict(float)
    share_tkm: dict[str, float] = defaultdict(float)
    for f in routed:
        for country, km in f.transit_km.items():
            share_t[country] += f.t_per_year / total_t
            share_tkm[country] += f.t_per_year * km / total_tkm
    focus: dict[str, dict[str, Any]] = {}
    for label, country, region in FOCUS_AREAS:

        def touches(node_id: str, country: str = country, region: str = region) -> bool:
            node = nodes[node_id]
            return node.country == country and (not region or node.region == region)

        mine = [f for f in flows if touches(f.origin) or touches(f.destination)]
        mine_t = sum(f.t_per_year for f in mine) or 1.0
        depends: dict[str, dict[str, float]] = defaultdict(lambda: {"share_t": 0.0, "cut_t": 0.0})
        for f in mine:
            for c in f.transit_km:
                depends[c]["share_t"] += f.t_per_year / mine_t
                if f.loss.get(c) is None:
                    depends[c]["cut_t"] += f.t_per_year
        focus[label] = {
            "flows": len(mine),
            "t_per_year": sum(f.t_per_year for f in mine),
            "unrouted_t_per_year": sum(f.t_per_year for f in mine if not f.routed),
            "depends_on": {
                c: {
                    "share_t": round(v["share_t"], 4),
                    "t_without_route_if_lost": round(v["cut_t"], 1),
                }
                for c, v in sorted(depends.items())
            },
        }
    return Exposure(
        scenario, year, demand_year, objective, tuple(flows), dict(share_t), dict(share_tkm), focus
    )
