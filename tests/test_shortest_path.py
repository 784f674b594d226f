"""The shortest-path kernel family: the Python and compiled kernels against each other and
against SciPy's Dijkstra (``tests/oracles.py``) on random graphs, ties included; the choice
of kernel by graph size and by argument."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.oracles import dijkstra_scipy
from tripp.errors import InputError
from tripp.graph.kernels import shortest_path_trees
from tripp.graph.paths import (
    COMPILED_ABOVE_STATES,
    Kernel,
    Path,
    choose_kernel,
    dijkstra_compiled,
    dijkstra_heap,
    shortest_path,
)

CsrGraph = tuple[np.ndarray, np.ndarray, np.ndarray, int, int, int]


@st.composite
def csr_graphs(draw: st.DrawFn, *, ties: bool) -> CsrGraph:
    """Random CSR graphs, some arcs absent (inf), with a source and another target. With
    ``ties``, weights are 0, 1 or 2 (many equally short paths); without, random reals
    (equally short paths have probability zero). Arcs of one tail come in any head order,
    so that ties reach the heap in any order too."""
    n = draw(st.integers(2, 30))
    pairs = draw(
        st.lists(
            st.tuples(st.integers(0, n - 1), st.integers(0, n - 1)).filter(lambda p: p[0] != p[1]),
            min_size=1,
            max_size=120,
            unique=True,
        )
    )
    pairs = sorted(draw(st.permutations(pairs)), key=lambda p: p[0])
    m = len(pairs)
    absent = np.array(draw(st.lists(st.sampled_from([False, False, True]), min_size=m, max_size=m)))
    if ties:
        weight = np.array(draw(st.lists(st.sampled_from([0.0, 1.0, 2.0]), min_size=m, max_size=m)))
    else:
        weight = np.random.default_rng(draw(st.integers(0, 2**32))).uniform(0.0, 100.0, m)
    weight[absent] = np.inf
    tail = np.array([p[0] for p in pairs], dtype=np.int64)
    head = np.array([p[1] for p in pairs], dtype=np.int64)
    indptr = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(np.bincount(tail, minlength=n), out=indptr[1:])
    source = draw(st.integers(0, n - 1))
    target = draw(st.integers(0, n - 1).filter(lambda t: t != source))
    return indptr, head, weight, n, source, target


def _assert_a_path(graph: CsrGraph, found: tuple[float, list[int]]) -> None:
    """``found`` leaves the source, reaches the target, is contiguous and costs its arcs."""
    indptr, head, weight, n, source, target = graph
    cost, arcs = found
    tails = np.repeat(np.arange(n), np.diff(indptr))
    assert tails[arcs[0]] == source and head[arcs[-1]] == target
    assert all(head[a] == tails[b] for a, b in itertools.pairwise(arcs))
    assert sum(weight[arcs]) == pytest.approx(cost)


@settings(max_examples=300, deadline=None)
@given(csr_graphs(ties=False))
def test_python_compiled_and_scipy_find_the_same_path(graph: CsrGraph) -> None:
    indptr, head, weight, _, source, target = graph
    python = dijkstra_heap(indptr.tolist(), head.tolist(), weight.tolist(), source, target)
    compiled = dijkstra_compiled(indptr, head, weight, source, target)
    oracle = dijkstra_scipy(indptr, head, weight, source, target)
    assert python == compiled
    assert (python is None) == (oracle is None)
    if python is not None and oracle is not None:
        assert python[1] == oracle[1]
        assert python[0] == pytest.approx(oracle[0], rel=1e-12)
        _assert_a_path(graph, python)


@settings(max_examples=500, deadline=None)
@given(csr_graphs(ties=True))
def test_among_equally_short_paths_both_kernels_pick_the_same(graph: CsrGraph) -> None:
    """Ties: the two kernels give the very same path; SciPy, whose heap breaks ties its own
    way, the same cost."""
    indptr, head, weight, _, source, target = graph
    python = dijkstra_heap(indptr.tolist(), head.tolist(), weight.tolist(), source, target)
    compiled = dijkstra_compiled(indptr, head, weight, source, target)
    oracle = dijkstra_scipy(indptr, head, weight, source, target)
    assert python == compiled
    assert (python is None) == (oracle is None)
    if python is not None and oracle is not None:
        assert python[0] == oracle[0]
        _assert_a_path(graph, python)
        _assert_a_path(graph, oracle)


@settings(max_examples=200, deadline=None)
@given(csr_graphs(ties=True), st.data())
def test_each_tree_holds_the_single_pair_paths(graph: CsrGraph, data: st.DataObject) -> None:
    """The many-origins trees (the resilience sweep's search) read back to the paths a
    single-pair search finds, ties included."""
    indptr, head, weight, n, _, _ = graph
    origins = np.array(data.draw(st.lists(st.integers(0, n - 1), min_size=1, max_size=4)))
    dist, pred = shortest_path_trees(origins, indptr, head, weight)
    tails = np.repeat(np.arange(n), np.diff(indptr))
    for row, origin in enumerate(origins.tolist()):
        for target in range(n):
            if target == origin:
                assert dist[row, target] == 0.0 and pred[row, target] == -1
                continue
            found = dijkstra_heap(indptr.tolist(), head.tolist(), weight.tolist(), origin, target)
            if found is None:
                assert dist[row, target] == np.inf and pred[row, target] == -1
                continue
            arcs, node = [], target
            while node != origin:
                arcs.append(int(pred[row, node]))
                node = int(tails[pred[row, node]])
            assert (float(dist[row, target]), arcs[::-1]) == found


def test_auto_chooses_by_graph_size() -> None:
    assert choose_kernel(Kernel.AUTO, 663) is Kernel.PYTHON  # the corridor atlas
    assert choose_kernel("auto", COMPILED_ABOVE_STATES) is Kernel.PYTHON
    assert choose_kernel("auto", COMPILED_ABOVE_STATES + 1) is Kernel.COMPILED


def test_an_explicit_kernel_is_kept_whatever_the_size() -> None:
    assert choose_kernel("compiled", 2) is Kernel.COMPILED
    assert choose_kernel(Kernel.PYTHON, 10 * COMPILED_ABOVE_STATES) is Kernel.PYTHON


def test_an_unknown_kernel_is_an_input_error() -> None:
    with pytest.raises(InputError, match=r"unknown kernel 'numba'.*use auto, python or compiled"):
        choose_kernel("numba", 10)


def _chain(n: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """0 → 1 → … → n-1, each arc 1.0."""
    indptr = np.minimum(np.arange(n + 1), n - 1).astype(np.int64)
    head = np.arange(1, n, dtype=np.int64)
    return indptr, head, np.ones(n - 1)


@pytest.mark.parametrize(
    ("n", "kernel", "runs"),
    [
        (10, "auto", "python"),
        (10, "compiled", "compiled"),
        (COMPILED_ABOVE_STATES + 1, "auto", "compiled"),
        (COMPILED_ABOVE_STATES + 1, "python", "python"),
    ],
)
def test_shortest_path_runs_the_chosen_kernel(
    monkeypatch: pytest.MonkeyPatch, n: int, kernel: str, runs: str
) -> None:
    from tripp.graph import paths

    ran: list[str] = []

    def spying(search: Callable[..., Path | None], label: str) -> Callable[..., Path | None]:
        def spy(*args: Any) -> Path | None:
            ran.append(label)
            return search(*args)

        return spy

    monkeypatch.setattr(paths, "dijkstra_heap", spying(paths.dijkstra_heap, "python"))
    monkeypatch.setattr(paths, "dijkstra_compiled", spying(paths.dijkstra_compiled, "compiled"))
    indptr, head, weight = _chain(n)
    found = shortest_path(indptr, head, weight, 0, n - 1, kernel=kernel)
    assert ran == [runs]
    assert found is not None and found[0] == n - 1 and found[1] == list(range(n - 1))


def test_shortest_path_stays_callable_positionally() -> None:
    indptr, head, weight = _chain(4)
    assert shortest_path(indptr, head, weight, 0, 3) == (3.0, [0, 1, 2])
    assert shortest_path(indptr, head, weight, 3, 0) is None
