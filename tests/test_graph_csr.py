"""The one forward-star builder (:mod:`tripp.graph.csr`): its invariants on random arc lists,
its restriction to some arcs, and the two networks built with it (atlas graph, assignment)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import tripp
from tripp.assignment import build_network
from tripp.graph.csr import Csr, build_csr


@st.composite
def _arc_lists(draw: st.DrawFn) -> tuple[list[int], list[int], int]:
    n_vertices = draw(st.integers(1, 12))
    vertex = st.integers(0, n_vertices - 1)
    arcs = draw(st.lists(st.tuples(vertex, vertex), max_size=40))
    return [a for a, _ in arcs], [b for _, b in arcs], n_vertices


def _assert_forward_star(csr: Csr, n_vertices: int) -> None:
    assert csr.indptr.shape == (n_vertices + 1,) and csr.indptr.dtype == np.int64
    assert csr.indptr[0] == 0 and csr.indptr[-1] == csr.n_arcs
    assert (np.diff(csr.indptr) >= 0).all()
    assert (np.diff(csr.tail) >= 0).all(), "tails sorted"
    for u in range(n_vertices):  # the arcs leaving u are exactly indptr[u]:indptr[u + 1]
        assert (csr.tail[csr.indptr[u] : csr.indptr[u + 1]] == u).all()
    assert np.array_equal(np.sort(csr.order), np.arange(csr.n_arcs))


@given(_arc_lists())
def test_build_csr_sorts_stably_and_keeps_the_crosswalk(
    case: tuple[list[int], list[int], int],
) -> None:
    tail, head, n_vertices = case
    csr = build_csr(tail, head, n_vertices=n_vertices)
    _assert_forward_star(csr, n_vertices)
    assert csr.n_vertices == n_vertices and csr.n_arcs == len(tail)
    # arc k of the CSR is the caller's arc order[k]; arcs of one tail keep the caller's order
    assert np.array_equal(csr.tail, np.asarray(tail, dtype=np.int64)[csr.order])
    assert np.array_equal(csr.head, np.asarray(head, dtype=np.int64)[csr.order])
    for u in range(n_vertices):
        assert (np.diff(csr.order[csr.indptr[u] : csr.indptr[u + 1]]) > 0).all()
    caller = np.arange(len(tail), dtype=np.float64) * 1.5
    assert np.array_equal(csr.to_caller_order(csr.from_caller_order(caller)), caller)


@given(_arc_lists(), st.data())
def test_restrict_keeps_the_arcs_asked_for_in_csr_order(
    case: tuple[list[int], list[int], int], data: st.DataObject
) -> None:
    tail, head, n_vertices = case
    csr = build_csr(tail, head, n_vertices=n_vertices)
    flags = data.draw(st.lists(st.booleans(), min_size=len(tail), max_size=len(tail)))
    keep = np.array(flags, dtype=np.bool_)
    sub, parent_arc = csr.restrict(keep)
    _assert_forward_star(sub, n_vertices)
    assert np.array_equal(parent_arc, np.flatnonzero(keep))
    assert np.array_equal(sub.tail, csr.tail[parent_arc])
    assert np.array_equal(sub.head, csr.head[parent_arc])
    assert np.array_equal(sub.order, np.arange(sub.n_arcs))
    assert np.array_equal(np.diff(sub.indptr), np.bincount(csr.tail[keep], minlength=n_vertices))


def test_restrict_to_every_arc_shares_the_arrays() -> None:
    csr = build_csr([1, 0, 1], [0, 1, 2], n_vertices=3)
    sub, parent_arc = csr.restrict(np.ones(3, dtype=bool))
    assert sub.indptr is csr.indptr and sub.tail is csr.tail and sub.head is csr.head
    assert parent_arc.tolist() == [0, 1, 2]
    with pytest.raises(ValueError, match=r"keep has shape \(2,\), expected \(3,\)"):
        csr.restrict(np.ones(2, dtype=bool))


def test_build_csr_refuses_vertices_outside_the_range() -> None:
    with pytest.raises(ValueError, match=r"head names a vertex outside 0\.\.1"):
        build_csr([0, 1], [1, 2], n_vertices=2)
    with pytest.raises(ValueError, match="must be 1-D of one length"):
        build_csr([0, 1], [1], n_vertices=2)


def test_graph_and_assignment_network_hold_the_same_structure() -> None:
    graph = tripp.compile(tripp.load_atlas())
    _assert_forward_star(graph.csr, graph.n_states)
    assert graph.indptr is graph.csr.indptr and graph.head is graph.csr.head
    net = build_network(
        [5, 3, 5],
        [3, 9, 9],
        free_flow_time=[1, 2, 3],
        capacity=[1, 1, 1],
        alpha=[0] * 3,
        beta=[4] * 3,
    )
    _assert_forward_star(net.csr, net.n_nodes)
    assert net.node_ids.tolist() == [3, 5, 9]
    assert net.csr.order.tolist() == [1, 0, 2]  # the link from 3 first, then 5's in input order
    assert net.to_input_order(net.vdf_params[0]).tolist() == [1.0, 2.0, 3.0]
