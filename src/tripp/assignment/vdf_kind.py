"""How a link's volume-delay function is described: its kind and the rows of its parameters.

No Numba here, so the freight and CLI modules that build networks import it without loading
the solver; :mod:`tripp.assignment.vdf` holds the functions themselves.
"""

from __future__ import annotations

from enum import IntEnum

__all__ = ["ALPHA", "BETA", "CAPACITY", "FIXED", "N_PARAMS", "T0", "VdfKind"]

#: Rows of the ``(N_PARAMS, n_links)`` parameter matrix: free-flow time (network time unit),
#: capacity (network flow unit per period), alpha, beta, fixed cost (network time unit).
T0 = 0
CAPACITY = 1
ALPHA = 2
BETA = 3
FIXED = 4
N_PARAMS = 5


class VdfKind(IntEnum):
    """The volume-delay function of a link."""

    BPR = 0
    QUEUE = 1
