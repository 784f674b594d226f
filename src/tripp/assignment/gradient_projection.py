"""Path-based gradient projection (gp), the high-precision algorithm.

Jayakrishnan et al. (1994) style, Gauss–Seidel over OD pairs, all in Numba:

1. Column generation: for each origin, a shortest-path tree at the current costs; each OD
   adds its shortest path to its path set if the path is new (a new OD gets all its demand
   on it).
2. Equilibration: within each OD, let ``s`` be the cheapest path of the set. Every other
   path ``p`` moves ``Δ = min(f_p, (c_p − c_s) / Σ_{a ∈ p △ s} c'_a(x_a))`` of flow onto
   ``s`` (a Newton step on the Beckmann objective restricted to the two paths), and the
   costs of the links in the symmetric difference ``p △ s`` are updated at once. Cost
   differences are summed over ``p △ s`` only, so shared links cancel exactly. Paths left
   with no flow are dropped. Step 2 is repeated ``inner_passes`` times per iteration
   without new trees, since it is cheap.
3. Link flows are rebuilt from the path flows (so every node conserves flow exactly, up to
   rounding), and the relative gap is measured with a fresh shortest-path pass.

Everything runs on the context's search graph (:mod:`tripp.assignment.compress`): a path is
a list of search links, and a merged chain is one search link whose cost and derivative
are the sums over its links (which all carry its flow); link flows are gathered back at
the end.

Path storage is a pool of link indices plus, per path, ``(start, length, next)`` where
``next`` links the paths of one OD into a list headed by ``od_head[od]``; the pool grows
by doubling.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import numpy as np
from numba import njit

from tripp.assignment.compress import expand_flows
from tripp.assignment.context import SolveContext, relative_gap_of
from tripp.assignment.frank_wolfe import LinkBasedRun
from tripp.assignment.kernels import dot
from tripp.assignment.result import IterationRecord
from tripp.assignment.vdf import cost1, derivative1
from tripp.graph.kernels import dijkstra

__all__ = ["solve_gradient_projection"]

# columns of ``paths`` and slots of ``counters``
_START, _LEN, _NEXT = 0, 1, 2
_N_PATHS, _POOL, _STAMP = 0, 1, 2


@njit(cache=True)
def _grow_1d(a: np.ndarray, need: int) -> np.ndarray:
    if need <= a.shape[0]:
        return a
    b = np.empty(max(need, 2 * a.shape[0]), dtype=a.dtype)
    b[: a.shape[0]] = a
    return b


@njit(cache=True)
def _grow_paths(a: np.ndarray, need: int) -> np.ndarray:
    if need <= a.shape[0]:
        return a
    b = np.empty((max(need, 2 * a.shape[0]), 3), dtype=a.dtype)
    b[: a.shape[0]] = a
    return b


@njit(cache=True)
def _price(
    c: int,
    members_ptr: np.ndarray,
    members: np.ndarray,
    kind: np.ndarray,
    params: np.ndarray,
    x: np.ndarray,
    cost: np.ndarray,
    deriv: np.ndarray,
) -> None:
    """Cost and derivative of search link ``c`` at its flow: sums over its network links,
    which all carry that flow."""
    total = 0.0
    slope = 0.0
    for k in range(members_ptr[c], members_ptr[c + 1]):
        a = members[k]
        total += cost1(kind[a], params, a, x[c])
        slope += derivative1(kind[a], params, a, x[c])
    cost[c] = total
    deriv[c] = slope


@njit(cache=True)
def _price_all(
    members_ptr: np.ndarray,
    members: np.ndarray,
    kind: np.ndarray,
    params: np.ndarray,
    x: np.ndarray,
    cost: np.ndarray,
    deriv: np.ndarray,
) -> None:
    for c in range(x.shape[0]):
        _price(c, members_ptr, members, kind, params, x, cost, deriv)


@njit(cache=True)
def _move(
    link: int,
    amount: float,
    members_ptr: np.ndarray,
    members: np.ndarray,
    kind: np.ndarray,
    params: np.ndarray,
    x: np.ndarray,
    cost: np.ndarray,
    deriv: np.ndarray,
) -> None:
    x[link] += amount
    _price(link, members_ptr, members, kind, params, x, cost, deriv)


@njit(cache=True)
def _equilibrate_od(
    od: int,
    members_ptr: np.ndarray,
    members: np.ndarray,
    kind: np.ndarray,
    params: np.ndarray,
    x: np.ndarray,
    cost: np.ndarray,
    deriv: np.ndarray,
    od_head: np.ndarray,
    path_links: np.ndarray,
    paths: np.ndarray,
    path_flow: np.ndarray,
    counters: np.ndarray,
    mark_s: np.ndarray,
    mark_p: np.ndarray,
) -> None:
    best = -1
    best_cost = np.inf
    count = 0
    p = od_head[od]
    while p != -1:
        c = 0.0
        for j in range(paths[p, _START], paths[p, _START] + paths[p, _LEN]):
            c += cost[path_links[j]]
        if c < best_cost:
            best_cost = c
            best = p
        count += 1
        p = paths[p, _NEXT]
    if count < 2:
        return
    s = best
    s_lo = paths[s, _START]
    s_hi = s_lo + paths[s, _LEN]
    counters[_STAMP] += 1
    stamp_s = counters[_STAMP]
    for j in range(s_lo, s_hi):
        mark_s[path_links[j]] = stamp_s
    prev = -1
    p = od_head[od]
    while p != -1:
        nxt = paths[p, _NEXT]
        if p != s:
            p_lo = paths[p, _START]
            p_hi = p_lo + paths[p, _LEN]
            counters[_STAMP] += 1
            stamp_p = counters[_STAMP]
            diff = 0.0
            slope = 0.0
            for j in range(p_lo, p_hi):
                a = path_links[j]
                mark_p[a] = stamp_p
                if mark_s[a] != stamp_s:
                    diff += cost[a]
                    slope += deriv[a]
            for j in range(s_lo, s_hi):
                a = path_links[j]
                if mark_p[a] != stamp_p:
                    diff -= cost[a]
                    slope += deriv[a]
            f = path_flow[p]
            if diff > 0.0 and f > 0.0:
                shift = f if slope <= 0.0 else min(f, diff / slope)
                for j in range(p_lo, p_hi):
                    a = path_links[j]
                    if mark_s[a] != stamp_s:
                        _move(a, -shift, members_ptr, members, kind, params, x, cost, deriv)
                for j in range(s_lo, s_hi):
                    a = path_links[j]
                    if mark_p[a] != stamp_p:
                        _move(a, shift, members_ptr, members, kind, params, x, cost, deriv)
                path_flow[p] = f - shift
                path_flow[s] += shift
            if path_flow[p] <= 0.0:
                if prev == -1:
                    od_head[od] = nxt
                else:
                    paths[prev, _NEXT] = nxt
            else:
                prev = p
        else:
            prev = p
        p = nxt


@njit(cache=True)
def _has_path(
    od: int, buf: np.ndarray, n: int, od_head: np.ndarray, path_links: np.ndarray, paths: np.ndarray
) -> bool:
    p = od_head[od]
    while p != -1:
        if paths[p, _LEN] == n:
            start = paths[p, _START]
            same = True
            for j in range(n):
                if path_links[start + j] != buf[j]:
                    same = False
                    break
            if same:
                return True
        p = paths[p, _NEXT]
    return False


@njit(cache=True)
def _column_generation(
    offsets: np.ndarray,
    head: np.ndarray,
    tail: np.ndarray,
    no_through: np.ndarray,
    members_ptr: np.ndarray,
    members: np.ndarray,
    kind: np.ndarray,
    params: np.ndarray,
    origin_nodes: np.ndarray,
    od_offsets: np.ndarray,
    od_dest: np.ndarray,
    od_demand: np.ndarray,
    x: np.ndarray,
    cost: np.ndarray,
    deriv: np.ndarray,
    od_head: np.ndarray,
    path_links: np.ndarray,
    paths: np.ndarray,
    path_flow: np.ndarray,
    counters: np.ndarray,
    mark_s: np.ndarray,
    mark_p: np.ndarray,
    dist: np.ndarray,
    pred: np.ndarray,
    order: np.ndarray,
    done: np.ndarray,
    heap_key: np.ndarray,
    heap_node: np.ndarray,
    buf: np.ndarray,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    for i in range(origin_nodes.shape[0]):
        origin = origin_nodes[i]
        dijkstra(
            origin, offsets, head, cost, no_through, dist, pred, order, done, heap_key, heap_node
        )
        for od in range(od_offsets[i], od_offsets[i + 1]):
            n = 0
            v = od_dest[od]
            while v != origin:
                a = pred[v]
                buf[n] = a
                n += 1
                v = tail[a]
            if not _has_path(od, buf, n, od_head, path_links, paths):
                p = counters[_N_PATHS]
                start = counters[_POOL]
                path_links = _grow_1d(path_links, start + n)
                paths = _grow_paths(paths, p + 1)
                path_flow = _grow_1d(path_flow, p + 1)
                path_links[start : start + n] = buf[:n]
                paths[p, _START] = start
                paths[p, _LEN] = n
                paths[p, _NEXT] = od_head[od]
                path_flow[p] = 0.0
                if od_head[od] == -1:
                    path_flow[p] = od_demand[od]
                    for j in range(n):
                        _move(
                            buf[j],
                            od_demand[od],
                            members_ptr,
                            members,
                            kind,
                            params,
                            x,
                            cost,
                            deriv,
                        )
                od_head[od] = p
                counters[_N_PATHS] = p + 1
                counters[_POOL] = start + n
            _equilibrate_od(
                od,
                members_ptr,
                members,
                kind,
                params,
                x,
                cost,
                deriv,
                od_head,
                path_links,
                paths,
                path_flow,
                counters,
                mark_s,
                mark_p,
            )
    return path_links, paths, path_flow


@njit(cache=True)
def _equilibrate_all(
    passes: int,
    members_ptr: np.ndarray,
    members: np.ndarray,
    kind: np.ndarray,
    params: np.ndarray,
    x: np.ndarray,
    cost: np.ndarray,
    deriv: np.ndarray,
    od_head: np.ndarray,
    path_links: np.ndarray,
    paths: np.ndarray,
    path_flow: np.ndarray,
    counters: np.ndarray,
    mark_s: np.ndarray,
    mark_p: np.ndarray,
) -> None:
    for _ in range(passes):
        for od in range(od_head.shape[0]):
            _equilibrate_od(
                od,
                members_ptr,
                members,
                kind,
                params,
                x,
                cost,
                deriv,
                od_head,
                path_links,
                paths,
                path_flow,
                counters,
                mark_s,
                mark_p,
            )


@njit(cache=True)
def _path_link_flows(
    od_head: np.ndarray,
    path_links: np.ndarray,
    paths: np.ndarray,
    path_flow: np.ndarray,
    x: np.ndarray,
) -> None:
    x[:] = 0.0
    for od in range(od_head.shape[0]):
        p = od_head[od]
        while p != -1:
            f = path_flow[p]
            for j in range(paths[p, _START], paths[p, _START] + paths[p, _LEN]):
                x[path_links[j]] += f
            p = paths[p, _NEXT]


def solve_gradient_projection(
    ctx: SolveContext,
    *,
    target_gap: float,
    max_iterations: int,
    started: float,
    inner_passes: int = 4,
    progress: Callable[[IterationRecord], None] | None = None,
) -> LinkBasedRun:
    """Run path-based gradient projection until the relative gap is at most ``target_gap``.

    Each iteration is one column-generation sweep plus ``inner_passes`` equilibration
    passes; its record carries the gap measured before the sweep and no step size.
    """
    net = ctx.network
    kind, params = net.vdf_kind, net.vdf_params
    offsets, head, tail, no_through = ctx.arrays
    members_ptr, members = ctx.search.members_ptr, ctx.search.members
    origin_nodes, od_offsets, od_dest, od_demand = ctx.od
    # flows, costs and derivatives of the search links (a merged chain is one search link)
    n_search = ctx.search.n_links
    x = np.zeros(n_search)
    cost = np.empty(n_search)
    deriv = np.empty(n_search)
    _price_all(members_ptr, members, kind, params, x, cost, deriv)
    od_head = np.full(od_dest.shape[0], -1, dtype=np.int64)
    path_links = np.empty(max(16, 8 * od_dest.shape[0]), dtype=np.int64)
    paths = np.empty((max(4, 2 * od_dest.shape[0]), 3), dtype=np.int64)
    path_flow = np.empty(paths.shape[0])
    counters = np.zeros(3, dtype=np.int64)
    mark_s = np.full(n_search, -1, dtype=np.int64)
    mark_p = np.full(n_search, -1, dtype=np.int64)
    buf = np.empty(ctx.search.n_nodes, dtype=np.int64)
    w = ctx.work
    history: list[IterationRecord] = []

    def sweep() -> None:
        nonlocal path_links, paths, path_flow
        path_links, paths, path_flow = _column_generation(
            offsets,
            head,
            tail,
            no_through,
            members_ptr,
            members,
            kind,
            params,
            origin_nodes,
            od_offsets,
            od_dest,
            od_demand,
            x,
            cost,
            deriv,
            od_head,
            path_links,
            paths,
            path_flow,
            counters,
            mark_s,
            mark_p,
            w.dist,
            w.pred,
            w.order,
            w.done,
            w.heap_key,
            w.heap_node,
            buf,
        )
        _equilibrate_all(
            inner_passes,
            members_ptr,
            members,
            kind,
            params,
            x,
            cost,
            deriv,
            od_head,
            path_links,
            paths,
            path_flow,
            counters,
            mark_s,
            mark_p,
        )
        _path_link_flows(od_head, path_links, paths, path_flow, x)
        _price_all(members_ptr, members, kind, params, x, cost, deriv)

    sweep()
    for iteration in range(1, max_iterations + 1):
        gap = relative_gap_of(dot(x, cost), ctx.search_sptt(cost))
        record = IterationRecord(iteration, gap, None, time.perf_counter() - started)
        history.append(record)
        if progress is not None:
            progress(record)
        if gap <= target_gap:
            break
        sweep()
    flows = np.empty(net.n_links)
    expand_flows(ctx.search.link_of, x, flows)
    return LinkBasedRun(flows=flows, history=tuple(history))
