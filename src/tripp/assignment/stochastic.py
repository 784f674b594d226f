"""Stochastic user equilibrium by path-size logit: how shippers split over routes.

Each origin–destination pair (an *OD*) belongs to a class (a cargo type, a shipper
profile) with its own money cost per arc and unit, value of time and arcs it may use.
Its choice set is up to K paths by link penalisation (:mod:`tripp.assignment.choice_sets`,
on the free-flow generalised cost). A path's generalised cost per unit is

    C_p = Σ_a money_a + vot × Σ_a t_a(v_a)

with ``t_a`` the arc's volume-delay function (hours) of the total flow ``v_a`` of every
class (tonnes). Its share of the OD is the path-size logit

    P_p = exp(V_p) / Σ_q exp(V_q),   V_p = −θ · C_p / C_min + ln PS_p,
    PS_p = Σ_{a ∈ p} (c_a / C_p⁰) / N_a

where ``C_min`` is the cheapest path of the OD (so θ is the sensitivity to a relative
cost difference: a path 10 % dearer than another gets e^(−0.1 θ) times its share,
whatever the unit the class is counted in), ``c_a`` the arc's free-flow cost, ``C_p⁰`` the
path's and ``N_a`` the number of the OD's paths that use arc ``a`` (Ben-Akiva and Bierlaire
1999). Capacity effects come from successive averages (Sheffi 1985, ch. 12) with
self-regulated steps (Liu, Ban and Ran 2009): path flows move by 1/β toward the logit split
at the costs of the current flows, β growing by :data:`SRA_GROW` after a round whose split
change did not fall (oscillation) and by :data:`SRA_KEEP` after one whose did, until the
split's change, Σ|aux − x| / demand, is at most the tolerance.

Reliability: where each arc's time has a variance (closures, border dwell spread), a path's
cost adds R · VOT · σ_p, with σ_p = √(Σ variance) over its arcs (independent arcs) and R the
reliability ratio, the value of a standard deviation of time over the value of time (de Jong
et al. 2009 for freight).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from tripp.assignment.choice_sets import PathSet, penalised_paths
from tripp.assignment.network import AssignmentNetwork, Demand
from tripp.assignment.spec import ChoiceSpec
from tripp.assignment.vdf import link_costs

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

#: How much the averaging divisor grows after a round whose split change did not fall …
SRA_GROW = 1.5
#: … and after one whose did (self-regulated averaging, Liu, Ban and Ran 2009).
SRA_KEEP = 0.3

__all__ = ["ChoiceClass", "ChoiceResult", "ChoiceSpec", "logit_sue", "stochastic_assign"]


@dataclass(frozen=True, eq=False)
class ChoiceClass:
    """ODs that choose alike: the same costs, value of time and usable arcs.

    Attributes:
        name: what the class is (e.g. ``container``).
        money: money cost of every arc per unit (inf where the class may not use it).
        vot_per_h: value of time per unit and hour (money per unit-hour, ≥ 0).
        t_per_unit: tonnes per unit; demand and flows are in tonnes.
        sources, targets: network node of each OD's start and end.
        t_per_year: demand of each OD (t/year).
        theta: the class's own relative-cost sensitivity (None: the spec's).
    """

    name: str
    money: FloatArray
    vot_per_h: float
    t_per_unit: float
    sources: IntArray
    targets: IntArray
    t_per_year: FloatArray
    theta: float | None = None


@dataclass(frozen=True, eq=False)
class ChoiceResult:
    """Flows at stochastic user equilibrium.

    Attributes:
        flow: total flow of every arc (t/year).
        class_flow: ``(n_classes, n_arcs)`` flow of each class (t/year).
        time_h: arc times at ``flow`` (h).
        paths: the choice sets; ``path_class`` and ``path_od`` say whose each path is
            (``path_od`` indexes the class's own ODs).
        path_flow: flow of each path (t/year); ``path_cost``: its cost per unit at ``flow``.
        served: per class, whether each OD has at least one path.
        iterations, converged, gap: the MSA run (gap: Σ|aux − x| / demand at the end).
    """

    flow: FloatArray
    class_flow: FloatArray
    time_h: FloatArray
    paths: PathSet
    path_class: IntArray
    path_od: IntArray
    path_flow: FloatArray
    path_cost: FloatArray
    served: list[npt.NDArray[np.bool_]]
    iterations: int
    converged: bool
    gap: float
    n_paths: int = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "n_paths", self.paths.n_paths)


def _choice_sets(
    network: tuple[IntArray, IntArray, npt.NDArray[np.bool_] | None],
    free_h: FloatArray,
    classes: list[ChoiceClass],
    spec: ChoiceSpec,
) -> tuple[PathSet, IntArray, IntArray]:
    """Every class's choice sets in one :class:`PathSet` (paths grouped by class, then
    OD), with each path's class and OD within the class."""
    offsets, head, no_through = network
    ptrs, arcs, owners, ods = [np.zeros(1, dtype=np.int64)], [], [], []
    for index, choice in enumerate(classes):
        weight = choice.money + choice.vot_per_h * free_h
        found = penalised_paths(
            offsets,
            head,
            weight,
            choice.sources,
            choice.targets,
            k=spec.paths_per_od,
            penalty=spec.penalty_factor,
            no_through=no_through,
        )
        ptrs.append(found.ptr[1:] + ptrs[-1][-1])
        arcs.append(found.arcs)
        owners.append(np.full(found.n_paths, index, dtype=np.int64))
        ods.append(found.od)
    path_class = np.concatenate(owners) if owners else np.zeros(0, dtype=np.int64)
    path_od = np.concatenate(ods) if ods else np.zeros(0, dtype=np.int64)
    offset = np.cumsum([0] + [len(c.sources) for c in classes])[:-1]
    global_od = path_od + offset[path_class] if len(classes) else path_od
    paths = PathSet(
        global_od.astype(np.int64),
        np.concatenate(ptrs),
        np.concatenate(arcs) if arcs else np.zeros(0, dtype=np.int64),
    )
    return paths, path_class, path_od


def logit_sue(
    offsets: IntArray,
    head: IntArray,
    vdf_kind: IntArray,
    vdf_params: FloatArray,
    classes: list[ChoiceClass],
    spec: ChoiceSpec | None = None,
    *,
    no_through: npt.NDArray[np.bool_] | None = None,
    arc_variance_h2: FloatArray | None = None,
) -> ChoiceResult:
    """Path-size logit stochastic user equilibrium of ``classes`` on the CSR network
    ``offsets``/``head`` whose arcs take ``vdf_kind``/``vdf_params``
    (:mod:`tripp.assignment.vdf`; times in hours, capacities in t/year); paths never pass
    through a ``no_through`` node. With ``arc_variance_h2`` (the variance of each arc's
    time, h², independent between arcs) and ``spec.reliability_ratio`` > 0, a path's cost
    adds ratio × VOT × √(Σ variance) per unit (module docstring)."""
    spec = spec or ChoiceSpec()
    n_arcs = len(head)
    free_h = link_costs(vdf_kind, vdf_params, np.zeros(n_arcs))
    paths, path_class, path_od = _choice_sets((offsets, head, no_through), free_h, classes, spec)
    entry_path = paths.entry_path
    entry_class = path_class[entry_path]
    money = np.array([c.money for c in classes]) if classes else np.zeros((0, n_arcs))
    entry_money = money[entry_class, paths.arcs] if classes else np.zeros(0)
    vot = np.array([c.vot_per_h for c in classes])
    entry_vot = vot[entry_class] if classes else np.zeros(0)
    theta = np.array([spec.theta if c.theta is None else c.theta for c in classes])
    path_theta = theta[path_class] if classes else np.zeros(0)
    demand = np.concatenate([c.t_per_year for c in classes]) if classes else np.zeros(0)
    od_start = np.flatnonzero(np.r_[True, np.diff(paths.od) != 0])
    group = np.cumsum(np.r_[0, np.diff(paths.od) != 0]).astype(np.int64)  # OD's position
    log_ps = _log_path_size(paths, entry_path, entry_money + entry_vot * free_h[paths.arcs])
    if not spec.path_size:
        log_ps = np.zeros(paths.n_paths)

    reliability = np.zeros(paths.n_paths)
    if arc_variance_h2 is not None and spec.reliability_ratio > 0 and paths.n_paths:
        variance = np.bincount(
            entry_path, weights=arc_variance_h2[paths.arcs], minlength=paths.n_paths
        )
        reliability = spec.reliability_ratio * vot[path_class] * np.sqrt(variance)

    def path_costs(time_h: FloatArray) -> FloatArray:
        entry = entry_money + entry_vot * time_h[paths.arcs]
        running = np.bincount(entry_path, weights=entry, minlength=paths.n_paths)
        return np.asarray(running + reliability, dtype=float)

    def split(cost: FloatArray) -> FloatArray:
        if not paths.n_paths:
            return np.zeros(0)
        best = np.minimum.reduceat(cost, od_start)[group]
        utility = -path_theta * cost / np.maximum(best, 1e-12) + log_ps
        peak = np.maximum.reduceat(utility, od_start)[group]
        weight = np.exp(utility - peak)
        total = np.add.reduceat(weight, od_start)[group]
        return demand[paths.od] * weight / total

    def load(path_flow: FloatArray) -> FloatArray:
        return np.bincount(paths.arcs, weights=path_flow[entry_path], minlength=n_arcs).astype(
            float
        )

    path_flow = split(path_costs(free_h))
    served_t = float(path_flow.sum()) or 1.0
    gap, iterations, converged = math.inf, 0, spec.max_iter == 1
    divisor = 1.0  # self-regulated averaging: the step is 1 / divisor
    for step in range(1, spec.max_iter):
        iterations = step
        time_h = link_costs(vdf_kind, vdf_params, load(path_flow))
        target = split(path_costs(time_h))
        previous, gap = gap, float(np.abs(target - path_flow).sum()) / served_t
        if gap <= spec.tolerance:
            converged = True
            break
        divisor += SRA_GROW if gap >= previous else SRA_KEEP
        path_flow += (target - path_flow) / divisor
    if spec.max_iter == 1:
        gap = 0.0
    flow = load(path_flow)
    time_h = link_costs(vdf_kind, vdf_params, flow)
    class_flow = np.array(
        [
            np.bincount(
                paths.arcs, weights=(path_flow * (path_class == c))[entry_path], minlength=n_arcs
            )
            for c in range(len(classes))
        ]
    ).reshape(len(classes), n_arcs)
    served = [
        np.isin(np.arange(len(c.sources)), path_od[path_class == i]) for i, c in enumerate(classes)
    ]
    return ChoiceResult(
        flow,
        class_flow,
        time_h,
        paths,
        path_class,
        path_od,
        path_flow,
        path_costs(time_h),
        served,
        max(iterations, 1),
        converged,
        gap,
    )


def _log_path_size(paths: PathSet, entry_path: IntArray, entry_free: FloatArray) -> FloatArray:
    """ln PS of every path (module docstring), from each entry's free-flow cost."""
    if not paths.n_paths:
        return np.zeros(0)
    key = paths.od[entry_path] * (int(paths.arcs.max()) + 1) + paths.arcs
    _, inverse, counts = np.unique(key, return_inverse=True, return_counts=True)
    sharing = counts[inverse]
    length = np.bincount(entry_path, weights=entry_free, minlength=paths.n_paths)
    share = np.where(length[entry_path] > 0, entry_free / np.maximum(length[entry_path], 1e-300), 0)
    size = np.bincount(entry_path, weights=share / sharing, minlength=paths.n_paths)
    steps = np.diff(paths.ptr)
    size = np.where(length > 0, size, 1.0 / np.maximum(steps, 1))  # all-free path: by arcs
    return np.log(np.clip(size, 1e-12, 1.0))


def stochastic_assign(
    network: AssignmentNetwork, demand: Demand, spec: ChoiceSpec | None = None
) -> ChoiceResult:
    """Path-size logit SUE of ``demand`` on ``network`` as one class: cost = the network's
    link cost (time plus fixed cost, in its own unit), flows in its own flow unit; the
    same inputs as :func:`tripp.assignment.equilibrium.assign`. Flows are in CSR order."""
    origins, od_offsets, dests, trips = demand.od_table()
    sources = np.repeat(origins, np.diff(od_offsets))
    choice = ChoiceClass(
        "demand",
        np.zeros(network.n_links),
        1.0,
        1.0,
        sources.astype(np.int64),
        dests.astype(np.int64),
        trips.astype(np.float64),
    )
    return logit_sue(
        network.csr.indptr,
        network.head,
        network.vdf_kind,
        network.vdf_params,
        [choice],
        spec,
        no_through=network.no_through,
    )
