"""Building millions of rows at once without the cyclic garbage collector's full passes.

Reading a million-link atlas or compiling its graph makes tens of millions of small
containers (cells, dicts, rows, states) that hold no reference cycles. CPython's cyclic
collector runs a pass every few hundred allocations and a full pass whenever the old
generation has grown by a quarter, so during such a build it walks every row made so far
again and again: it doubles the time of a million-link load and compile. :func:`paused_gc`
pauses the collector for the duration of one call and restores it after (reference
counting frees memory as usual meanwhile).
"""

from __future__ import annotations

import functools
import gc
from collections.abc import Callable
from typing import ParamSpec, TypeVar

P = ParamSpec("P")
R = TypeVar("R")


def paused_gc(function: Callable[P, R]) -> Callable[P, R]:
    """``function`` with the cyclic garbage collector paused while it runs (left as it
    was found: a caller that had paused it keeps it paused)."""

    @functools.wraps(function)
    def run(*args: P.args, **kwargs: P.kwargs) -> R:
        was_enabled = gc.isenabled()
        gc.disable()
        try:
            return function(*args, **kwargs)
        finally:
            if was_enabled:
                gc.enable()

    return run
