"""paused_gc pauses the cyclic collector only while the call runs and leaves it as found."""

from __future__ import annotations

import gc

import pytest

from tripp.atlas.bulk import paused_gc


@paused_gc
def _collector_enabled_inside(fail: bool = False) -> bool:
    if fail:
        raise ValueError("bad input")
    return gc.isenabled()


def test_the_collector_is_paused_during_the_call_and_enabled_after() -> None:
    assert gc.isenabled()
    assert _collector_enabled_inside() is False
    assert gc.isenabled()


def test_the_collector_comes_back_after_an_exception() -> None:
    with pytest.raises(ValueError, match="bad input"):
        _collector_enabled_inside(fail=True)
    assert gc.isenabled()


def test_a_caller_that_paused_the_collector_keeps_it_paused() -> None:
    gc.disable()
    try:
        assert _collector_enabled_inside() is False
        assert not gc.isenabled()
    finally:
        gc.enable()
