"""docs/python.md is a walk-through whose examples run: every ``>>>`` line is a doctest."""

from __future__ import annotations

import doctest
import time
from pathlib import Path

import pandas as pd

DOC = Path(__file__).resolve().parents[1] / "docs" / "python.md"


def test_python_walk_through_runs_as_written() -> None:
    started = time.perf_counter()
    with pd.option_context("display.width", 100, "display.max_columns", 10):
        result = doctest.testfile(
            str(DOC),
            module_relative=False,
            optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE,
            raise_on_error=False,
        )
    assert result.attempted > 20
    assert result.failed == 0
    assert time.perf_counter() - started < 60
