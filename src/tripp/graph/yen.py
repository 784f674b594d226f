"""Numba kernel of the spur step of Yen's algorithm (:mod:`tripp.routing.alternatives`).

Imported only by a search that runs the compiled kernel
(:class:`tripp.graph.paths.Kernel`), so that one-shot commands on small graphs never pay
for Numba. It returns exactly the candidates of the Python spur step
(:func:`tripp.routing.alternatives.spur_candidates`), in the same order: tests compare the two.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from tripp.graph.kernels import single_pair_path


@njit(cache=True)
def spur_paths(
    last: np.ndarray,
    positions: np.ndarray,
    link_values: np.ndarray,
    link_ptr: np.ndarray,
    before_values: np.ndarray,
    before_ptr: np.ndarray,
    link_of: np.ndarray,
    state_place: np.ndarray,
    head_place: np.ndarray,
    tails: np.ndarray,
    n_places: int,
    indptr: np.ndarray,
    head: np.ndarray,
    weight: np.ndarray,
    target: int,
) -> tuple[np.ndarray, np.ndarray]:
    """Loop-free deviations of ``last`` (the newest route) at each of ``positions``.

    Routes found so far (``last`` is the final one) come flattened: route r's physical links
    are ``link_values[link_ptr[r]:link_ptr[r + 1]]`` and the number of them before each of
    its positions ``before_values[before_ptr[r]:before_ptr[r + 1]]``. Returns the candidate
    arc lists flattened the same way: (values, offsets).
    """
    n_routes = len(link_ptr) - 1
    last_route = n_routes - 1
    last_links = link_values[link_ptr[last_route] : link_ptr[last_route + 1]]
    last_before = before_values[before_ptr[last_route] : before_ptr[last_route + 1]]
    out = np.empty(len(positions) * (len(last) + len(indptr)), dtype=np.int64)
    out_ptr = np.zeros(len(positions) + 1, dtype=np.int64)
    n_out = 0
    blocked_place = np.zeros(n_places, dtype=np.bool_)
    seen_place = np.zeros(n_places, dtype=np.bool_)
    for i in positions:
        spur_place = state_place[last[i]]
        in_root_last = last_before[i]
        cost = weight.copy()
        # the next link of every earlier route with this root is closed at the spur place
        for r in range(n_routes):
            links = link_values[link_ptr[r] : link_ptr[r + 1]]
            before = before_values[before_ptr[r] : before_ptr[r + 1]]
            in_root = before[min(i, len(before) - 1)]
            if in_root != in_root_last or in_root >= len(links):
                continue
            same_root = True
            for j in range(in_root):
                if links[j] != last_links[j]:
                    same_root = False
                    break
            if same_root:
                for a in range(len(cost)):
                    if link_of[a] == links[in_root] and state_place[a] == spur_place:
                        cost[a] = np.inf
        # and the root's places cannot be entered again
        blocked_place[:] = False
        any_blocked = False
        for j in range(i):
            place = state_place[last[j]]
            if place != spur_place:
                blocked_place[place] = True
                any_blocked = True
        if any_blocked:
            for a in range(len(cost)):
                if blocked_place[head_place[a]]:
                    cost[a] = np.inf
        total, spur = single_pair_path(tails[last[i]], target, indptr, head, cost)
        if not np.isfinite(total):
            continue
        path = np.concatenate((last[:i], spur))
        # a route that leaves a place and comes back to it later is no candidate
        seen_place[:] = False
        looped = False
        for j in range(len(path)):
            place = state_place[path[j]]
            if j > 0 and place == state_place[path[j - 1]]:
                continue
            if seen_place[place]:
                looped = True
                break
            seen_place[place] = True
        if looped:
            continue
        out[out_ptr[n_out] : out_ptr[n_out] + len(path)] = path
        out_ptr[n_out + 1] = out_ptr[n_out] + len(path)
        n_out += 1
    return out[: out_ptr[n_out]].copy(), out_ptr[: n_out + 1].copy()


def warm_up() -> None:
    """Compile the kernels (or load them from Numba's cache) on a two-state graph: the
    single-pair search as Python calls it, and the spur step."""
    indptr = np.array([0, 1, 1], dtype=np.int64)
    one, zero = np.array([1], dtype=np.int64), np.array([0], dtype=np.int64)
    weight = np.array([1.0])
    single_pair_path(0, 1, indptr, one, weight)
    spur_paths(
        zero,
        zero,
        zero,
        np.array([0, 1], dtype=np.int64),
        np.array([0, 1], dtype=np.int64),
        np.array([0, 2], dtype=np.int64),
        zero,
        zero,
        one,
        zero,
        2,
        indptr,
        one,
        weight,
        1,
    )
