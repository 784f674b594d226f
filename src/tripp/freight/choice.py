"""Corridor route and mode choice: the demand split over routes the way shippers split it.

Every demand row of the year (t/year) becomes one origin–destination pair (OD) of its
cargo type's class, from its origin's start state to its destination's end state on the
compiled graph; a scenario's shipper rules (:class:`~tripp.scenarios.model.ShipperRule`)
move a share of the rows of their markets into a class that avoids the rule's countries.
A class may use the arcs its cargo type may use in the year (modes, transfers, services:
:func:`tripp.routing.route.usable_arcs`) outside its avoided countries, in its market's
modes where the market is defined by them (demand.csv ``modes``: the China–Europe rail
market is the boxes that went by rail, whatever the sea would have cost them). An arc costs the
cargo type's money per unit (:func:`tripp.graph.cargo.cargo_cost_usd`: tariffs, transfer
and border fees) plus a value of time (USD per unit-hour: the market's where demand.csv
gives one, else the cargo type's in cargo_types.csv) × hours (and, with a reliability
ratio, × the standard deviation of the route's time from closures and border-dwell spread,
reliability.csv), and hours grow with the
flow of every class on capacitated arcs (the volume-delay functions of
:mod:`tripp.freight.corridor`). :func:`tripp.assignment.stochastic.logit_sue` splits
each OD over up to K distinct routes by path-size logit at stochastic user equilibrium.
Because the split is on generalised cost, rail, road, ferry and sea compete: route and
mode are chosen together.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from tripp.assignment.stochastic import ChoiceClass, ChoiceResult, logit_sue
from tripp.assignment.vdf_kind import ALPHA, BETA, CAPACITY, FIXED, T0, VdfKind
from tripp.atlas.io import default_atlas_folder
from tripp.atlas.model import Atlas, DemandRow
from tripp.atlas.reliability import ReliabilityParams, default_params_file, load_params
from tripp.errors import FieldProblem, InputError, Problem
from tripp.freight.settings import FreightSettings
from tripp.graph.cargo import cargo_cost_usd, cargo_type
from tripp.graph.compile import ARC_LINK, Graph
from tripp.routing.request import RouteRequest, atlas_vot
from tripp.routing.route import usable_arcs
from tripp.scenarios.model import ShipperRule
from tripp.units import FREIGHT_MODES

#: The file an atlas folder keeps its own reliability parameters in.
RELIABILITY_FILE = "reliability.csv"

__all__ = ["ChoiceRun", "OdDemand", "corridor_choice", "vdf_arrays"]


@dataclass(frozen=True, slots=True)
class OdDemand:
    """One OD of the choice: a demand row (or the share of it a shipper profile governs)."""

    row: DemandRow
    profile: str  # "" where no shipper profile applies
    avoid_countries: tuple[str, ...]
    t_per_year: float

    def key(self) -> tuple[str, str, str, str, str, str]:
        """Who moves what: (origin, destination, commodity, cargo type, market, profile),
        the same for this OD in any run on the same demand."""
        row = self.row
        return (
            row.origin,
            row.destination,
            row.commodity,
            row.cargo_type,
            row.market,
            self.profile,
        )


@dataclass(frozen=True, eq=False)
class ChoiceRun:
    """The ODs of a corridor choice and its result; ``result.paths.od`` indexes ``ods``.

    ``classes`` names each class as (cargo type, avoided countries); ``t_per_unit`` its
    tonnes per unit.
    """

    ods: tuple[OdDemand, ...]
    classes: tuple[tuple[str, tuple[str, ...]], ...]
    t_per_unit: tuple[float, ...]
    result: ChoiceResult

    def unserved(self) -> list[OdDemand]:
        """ODs without any route."""
        offset = 0
        out: list[OdDemand] = []
        for served in self.result.served:
            out.extend(self.ods[offset + i] for i in np.flatnonzero(~served).tolist())
            offset += len(served)
        return out

    def arc_units(self, cargo: str) -> np.ndarray:
        """Units of ``cargo`` (TEU for container) on every arc a year."""
        total = np.zeros(self.result.flow.shape[0])
        for index, (kind, _) in enumerate(self.classes):
            if kind == cargo:
                total += self.result.class_flow[index] / self.t_per_unit[index]
        return total


def _ods(rows: list[DemandRow], rules: tuple[ShipperRule, ...]) -> list[OdDemand]:
    """The ODs of ``rows`` after the shipper rules: a governed share per rule, the rest
    unconstrained. Raises :class:`InputError` where rules govern more than a row's tonnes."""
    out: list[OdDemand] = []
    for row in rows:
        tonnes = float(row.t_per_year or 0.0)
        governed = [r for r in rules if r.applies_to(row.market)]
        left = 1.0 - sum(r.share for r in governed)
        if left < -1e-9:
            raise InputError(
                FieldProblem(
                    "shipper",
                    f"shipper rules govern {1 - left:.0%} of market '{row.market}'",
                    "make the shares of the rules that name a market add up to at most 1",
                )
            )
        for rule in governed:
            if rule.share > 0:
                out.append(OdDemand(row, rule.profile, rule.avoid_countries, tonnes * rule.share))
        if left > 1e-9:
            out.append(OdDemand(row, "", (), tonnes * left))
    return out


def vdf_arrays(
    graph: Graph, capacity: np.ndarray, kind: np.ndarray, settings: FreightSettings
) -> tuple[np.ndarray, np.ndarray]:
    """Volume-delay kind and ``(5, n_arcs)`` parameters of every graph arc: free-flow
    hours, capacity (t/year), BPR or queue parameters where the arc has a capacity, none
    (constant time) where it has not; no fixed cost (money is priced per class)."""
    has_cap = ~np.isnan(capacity)
    queue = kind == VdfKind.QUEUE
    params = np.zeros((5, graph.n_arcs))
    params[T0] = graph.time_h
    params[CAPACITY] = np.where(has_cap, capacity, 1.0)
    params[ALPHA] = np.where(has_cap, np.where(queue, settings.queue_j, settings.bpr_alpha), 0.0)
    params[BETA] = np.where(queue, settings.queue_rho_bar, settings.bpr_beta)
    params[FIXED] = 0.0
    return np.where(has_cap, kind, VdfKind.BPR).astype(np.int64), params


def reliability_file(atlas: Atlas, given: str | None) -> Path:
    """The reliability parameters route choice prices: ``given``, else the atlas folder's
    own reliability.csv (in a stack: that of the last folder with one), else the shipped
    one for the embedded atlas or a stack on it. Another atlas without its own file is an
    :class:`~tripp.errors.InputError`: the shipped figures name the embedded atlas's
    elements and sources, not the user's."""
    if given is not None:
        return Path(given)
    for folder in reversed(atlas.folders):
        if (folder / RELIABILITY_FILE).is_file():
            return folder / RELIABILITY_FILE
    own = atlas.folder / RELIABILITY_FILE
    embedded = default_atlas_folder().resolve()
    if any(folder.resolve() == embedded for folder in atlas.folders):
        return default_params_file()
    raise InputError(
        Problem(
            str(own),
            "route choice prices reliability, and this atlas has no reliability.csv",
            "add one in the format of src/tripp/data/reliability/reliability.csv (a row per "
            "link mode and crossing mode at least), or give FreightSettings.reliability_file",
        )
    )


def arc_variance_h2(graph: Graph, params: ReliabilityParams) -> np.ndarray:
    """Variance of every graph arc's time (h²): a link arc's closures, a border arc's dwell
    spread and closures (:class:`~tripp.atlas.reliability.ReliabilityParams`); 0 elsewhere."""
    variance = np.zeros(graph.n_arcs)
    links = graph.kind == ARC_LINK
    variance[links] = params.link_delay_variance_h2()[graph.link[links]]
    borders = graph.crossing >= 0
    variance[borders] += params.crossing_delay_variance_h2()[graph.crossing[borders]]
    return variance


def corridor_choice(
    graph: Graph,
    rows: list[DemandRow],
    *,
    year: int,
    vdf: tuple[np.ndarray, np.ndarray],
    settings: FreightSettings,
    shippers: tuple[ShipperRule, ...] = (),
) -> ChoiceRun:
    """Split ``rows`` (t/year) over the routes of ``graph`` in ``year`` by path-size logit
    SUE (``settings.choice``), on the arcs' volume-delay functions ``vdf`` (from
    :func:`vdf_arrays`)."""
    ods = _ods([r for r in rows if r.origin != r.destination], shippers)
    groups: dict[tuple[str, tuple[str, ...], float, tuple[str, ...]], list[OdDemand]]
    groups = defaultdict(list)
    for od in ods:
        avoid = tuple(sorted(od.avoid_countries))
        modes = od.row.modes or FREIGHT_MODES
        groups[(od.row.cargo_type, avoid, _vot(graph, od, settings), modes)].append(od)
    classes, ordered, units = [], [], []
    for (cargo, avoid, vot, modes), members in groups.items():
        request = RouteRequest("", "", year, avoid_countries=avoid, modes=modes, cargo_type=cargo)
        money = np.where(usable_arcs(graph, request), cargo_cost_usd(graph, cargo), np.inf)
        t_per_unit = cargo_type(graph, cargo).t_per_unit
        classes.append(
            ChoiceClass(
                cargo,
                money,
                vot,
                t_per_unit,
                np.array([graph.start_state[graph.node_index(o.row.origin)] for o in members]),
                np.array([graph.end_state[graph.node_index(o.row.destination)] for o in members]),
                np.array([o.t_per_year for o in members]),
            )
        )
        ordered.extend(members)
        units.append(t_per_unit)
    variance = None
    if settings.choice.reliability_ratio > 0:
        file = reliability_file(graph.atlas, settings.reliability_file)
        variance = arc_variance_h2(graph, load_params(file, graph.atlas))
    result = logit_sue(
        graph.indptr,
        graph.head,
        vdf[0],
        vdf[1],
        classes,
        settings.choice,
        arc_variance_h2=variance,
    )
    names = tuple((cargo, avoid) for cargo, avoid, _, _ in groups)
    return ChoiceRun(tuple(ordered), names, tuple(units), result)


def _vot(graph: Graph, od: OdDemand, settings: FreightSettings) -> float:
    """The OD's value of time per unit and hour (USD): its market's (demand.csv
    ``vot_usd_per_unit_h``), else the settings' container figure, else its cargo type's."""
    if od.row.vot_usd_per_unit_h is not None:
        return od.row.vot_usd_per_unit_h
    if od.row.cargo_type == "container" and settings.vot_usd_per_teu_h is not None:
        return settings.vot_usd_per_teu_h
    return atlas_vot(graph.atlas, od.row.cargo_type)
