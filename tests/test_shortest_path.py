"""The heap Dijkstra and SciPy's Dijkstra agree on random graphs (independent cross-check)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tripp.graph.paths import dijkstra_heap, dijkstra_scipy


@st.composite
def csr_graphs(draw: st.DrawFn) -> tuple[np.ndarray, np.ndarray, np.ndarray, int]:
    n = draw(st.integers(2, 30))
    m = draw(st.integers(1, 120))
    tails = np.array(draw(st.lists(st.integers(0, n - 1), min_size=m, max_size=m)))
    heads = np.array(draw(st.lists(st.integers(0, n - 1), min_size=m, max_size=m)))
    keep = tails != heads
    pairs = sorted(set(zip(tails[keep].tolist(), heads[keep].tolist(), strict=True)))
    weights = draw(
        st.lists(
            st.one_of(st.floats(0, 100), st.just(np.inf)), min_size=len(pairs), max_size=len(pairs)
        )
    )
    tail = np.array([p[0] for p in pairs], dtype=np.int64)
    head = np.array([p[1] for p in pairs], dtype=np.int64)
    indptr = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(np.bincount(tail, minlength=n), out=indptr[1:])
    return indptr, head, np.array(weights, dtype=float), n


@settings(max_examples=200, deadline=None)
@given(csr_graphs(), st.data())
def test_heap_and_scipy_agree(
    graph: tuple[np.ndarray, np.ndarray, np.ndarray, int], data: st.DataObject
) -> None:
    indptr, head, weight, n = graph
    source = data.draw(st.integers(0, n - 1))
    target = data.draw(st.integers(0, n - 1).filter(lambda t: t != source))
    ours = dijkstra_heap(indptr.tolist(), head.tolist(), weight.tolist(), source, target)
    theirs = dijkstra_scipy(indptr, head, weight, source, target)
    assert (ours is None) == (theirs is None)
    if ours is not None and theirs is not None:
        assert ours[0] == pytest.approx(theirs[0])
        assert sum(weight[ours[1]]) == pytest.approx(ours[0])  # path cost = sum of its arcs
        tails = np.repeat(np.arange(n), np.diff(indptr))
        assert tails[ours[1][0]] == source and head[ours[1][-1]] == target
        for a, b in zip(ours[1], ours[1][1:], strict=False):
            assert head[a] == tails[b]  # contiguous
