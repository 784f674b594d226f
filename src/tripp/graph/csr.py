"""The forward star (CSR) every network in tripp is stored as, and the one function that builds it.

A directed graph on vertices ``0 .. n_vertices - 1`` whose arcs come in any order (the
*caller's order*) is stored with its arcs sorted by tail, stably, so the arcs leaving one
vertex keep the caller's relative order:

* ``indptr[u]:indptr[u + 1]`` are the arcs leaving vertex ``u`` (``indptr`` has
  ``n_vertices + 1`` entries, starts at 0, never decreases, ends at ``n_arcs``);
* ``tail[k]`` and ``head[k]`` are the ends of CSR arc ``k``;
* ``order[k]`` is the caller's position of CSR arc ``k`` (the crosswalk back to the input),
  so a per-arc array in CSR order goes back to the caller's order with
  :meth:`Csr.to_caller_order` and comes in with :meth:`Csr.from_caller_order`.

The compiled atlas (:class:`tripp.graph.compile.Graph`, vertices = states, arcs = link,
transition and hub arcs) and the assignment network
(:class:`tripp.assignment.network.AssignmentNetwork`, vertices = node indices, arcs = links)
each hold one, built by :func:`build_csr`. :meth:`Csr.restrict` keeps some arcs of a CSR
without sorting again (kept arcs stay sorted by tail): corridor assignment runs on the
graph's arcs that exist in a year this way.

>>> csr = build_csr([2, 0, 2, 1], [0, 1, 1, 2], n_vertices=3)
>>> csr.indptr.tolist(), csr.tail.tolist(), csr.head.tolist(), csr.order.tolist()
([0, 1, 2, 4], [0, 1, 2, 2], [1, 2, 0, 1], [1, 3, 0, 2])
>>> sub, parent_arc = csr.restrict(csr.head != 1)
>>> sub.indptr.tolist(), sub.head.tolist(), parent_arc.tolist()
([0, 0, 1, 2], [2, 0], [1, 2])
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

__all__ = ["Csr", "build_csr"]

IntArray = npt.NDArray[np.int64]


@dataclass(frozen=True, eq=False)
class Csr:
    """A directed graph's arcs sorted by tail, with the crosswalk to the caller's order.

    Attributes:
        indptr: ``n_vertices + 1`` offsets; the arcs leaving ``u`` are ``indptr[u]:indptr[u + 1]``.
        tail, head: vertex at each end of each arc (CSR order; ``tail`` is sorted).
        order: caller's position of each arc (a permutation of ``0 .. n_arcs - 1``).
    """

    indptr: IntArray
    tail: IntArray
    head: IntArray
    order: IntArray

    @property
    def n_vertices(self) -> int:
        """Number of vertices."""
        return int(self.indptr.shape[0]) - 1

    @property
    def n_arcs(self) -> int:
        """Number of arcs."""
        return int(self.tail.shape[0])

    def to_caller_order(self, values: npt.NDArray[np.generic]) -> npt.NDArray[np.generic]:
        """A per-arc array in CSR order, reordered to the caller's order (a new array)."""
        out = np.empty_like(values)
        out[self.order] = values
        return out

    def from_caller_order(self, values: npt.ArrayLike) -> npt.NDArray[np.generic]:
        """A per-arc array (last axis) in the caller's order, reordered to CSR order."""
        return np.asarray(values)[..., self.order]

    def restrict(self, keep: npt.NDArray[np.bool_]) -> tuple[Csr, IntArray]:
        """The arcs where ``keep`` (one flag per CSR arc) is true, on the same vertices.

        Returns the smaller CSR and the arc of this CSR that each of its arcs is (the
        crosswalk back). The kept arcs stay in this CSR's order, so nothing is sorted and
        the smaller CSR's caller order is its own arc order (``order`` is the identity).
        When every arc is kept, ``indptr``, ``tail`` and ``head`` are this CSR's own arrays,
        not copies.
        """
        keep = np.asarray(keep, dtype=np.bool_)
        if keep.shape != (self.n_arcs,):
            raise ValueError(f"keep has shape {keep.shape}, expected ({self.n_arcs},)")
        if keep.all():
            arcs = np.arange(self.n_arcs, dtype=np.int64)
            return Csr(self.indptr, self.tail, self.head, arcs), arcs
        arcs = np.flatnonzero(keep).astype(np.int64)
        kept_before = np.zeros(self.n_arcs + 1, dtype=np.int64)
        np.cumsum(keep, out=kept_before[1:])
        sub = Csr(
            indptr=kept_before[self.indptr],
            tail=self.tail[arcs],
            head=self.head[arcs],
            order=np.arange(arcs.shape[0], dtype=np.int64),
        )
        return sub, arcs


def build_csr(tail: npt.ArrayLike, head: npt.ArrayLike, *, n_vertices: int) -> Csr:
    """Sort arcs given as ``tail[i] → head[i]`` (vertex indices) into a :class:`Csr`.

    Raises ValueError when the arrays differ in length or name a vertex outside
    ``0 .. n_vertices - 1`` (callers validate their own inputs first; this guards the layout).
    """
    tails = np.asarray(tail, dtype=np.int64)
    heads = np.asarray(head, dtype=np.int64)
    if tails.ndim != 1 or heads.shape != tails.shape:
        raise ValueError(f"tail {tails.shape} and head {heads.shape} must be 1-D of one length")
    for name, ends in (("tail", tails), ("head", heads)):
        if ends.size and (ends.min() < 0 or ends.max() >= n_vertices):
            raise ValueError(f"{name} names a vertex outside 0..{n_vertices - 1}")
    order = np.argsort(tails, kind="stable")
    indptr = np.zeros(n_vertices + 1, dtype=np.int64)
    np.cumsum(np.bincount(tails, minlength=n_vertices), out=indptr[1:])
    return Csr(indptr=indptr, tail=tails[order], head=heads[order], order=order.astype(np.int64))
