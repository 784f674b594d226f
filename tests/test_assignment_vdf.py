"""Volume-delay functions against the formulas written out independently here."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tripp.assignment.vdf import VdfKind, beckmann, link_cost_derivatives, link_costs


def _params(t0: float, cap: float, alpha: float, beta: float, fixed: float = 0.0) -> np.ndarray:
    return np.array([[t0], [cap], [alpha], [beta], [fixed]], dtype=np.float64)


def _queue_cost(t0: float, cap: float, j: float, rho_bar: float, v: float) -> float:
    rho = v / cap
    if rho < rho_bar:
        return t0 + t0 * j * rho / (1 - rho)
    at_bar = t0 + t0 * j * rho_bar / (1 - rho_bar)
    return at_bar + t0 * j / (cap * (1 - rho_bar) ** 2) * (v - rho_bar * cap)


def _cost(kind: VdfKind, params: np.ndarray, v: float) -> float:
    return float(link_costs(np.array([kind]), params, np.array([v]))[0])


def test_bpr_matches_its_formula_with_fixed_cost() -> None:
    params = _params(10.0, 100.0, 0.15, 4.0, fixed=2.5)
    # 10 * (1 + 0.15 * 1.5**4) + 2.5
    assert _cost(VdfKind.BPR, params, 150.0) == pytest.approx(10 * (1 + 0.15 * 5.0625) + 2.5)
    assert _cost(VdfKind.BPR, params, -1e-12) == pytest.approx(12.5)


def test_queue_waiting_grows_like_one_over_one_minus_rho_then_linearly() -> None:
    params = _params(2.0, 100.0, 1.0, 0.9)
    # M/M/1 with J = 1: wait = t0 * rho / (1 - rho); at rho = 0.5 the wait equals t0
    assert _cost(VdfKind.QUEUE, params, 50.0) == pytest.approx(4.0)
    # at rho_bar = 0.9: 2 * (1 + 9) = 20, slope 2 / (100 * 0.01) = 2 per unit of flow
    assert _cost(VdfKind.QUEUE, params, 90.0) == pytest.approx(20.0)
    assert _cost(VdfKind.QUEUE, params, 150.0) == pytest.approx(20.0 + 2.0 * 60.0)
    below = _cost(VdfKind.QUEUE, params, 90.0 - 1e-9)
    assert below == pytest.approx(20.0, rel=1e-9)


kinds_and_params = st.one_of(
    st.tuples(
        st.just(VdfKind.BPR),
        st.floats(0.1, 50),
        st.floats(1, 1e4),
        st.floats(0, 2),
        st.sampled_from([0.0, 1.0, 2.0, 4.0, 5.5]),
    ),
    st.tuples(
        st.just(VdfKind.QUEUE),
        st.floats(0.1, 50),
        st.floats(1, 1e4),
        st.floats(0, 2),
        st.floats(0.5, 0.98),
    ),
)


@settings(max_examples=60, deadline=None)
@given(kinds_and_params, st.floats(0.01, 3.0), st.floats(0, 10))
def test_derivative_and_integral_agree_with_the_cost(
    spec: tuple[VdfKind, float, float, float, float], load: float, fixed: float
) -> None:
    kind, t0, cap, alpha, beta = spec
    params = _params(t0, cap, alpha, beta, fixed)
    v = load * cap
    if kind is VdfKind.QUEUE:
        assert _cost(kind, params, v) == pytest.approx(
            _queue_cost(t0, cap, alpha, beta, v) + fixed, rel=1e-12
        )
    # derivative: central difference of the cost
    h = 1e-5 * cap
    slope = (_cost(kind, params, v + h) - _cost(kind, params, v - h)) / (2 * h)
    derivative = float(link_cost_derivatives(np.array([kind]), params, np.array([v]))[0])
    rounding = 1e-9 * _cost(kind, params, v) / cap
    assert derivative == pytest.approx(slope, rel=2e-3, abs=rounding)
    assert derivative >= 0.0
    # integral: composite Simpson rule on the cost
    n = 2000
    grid = np.linspace(0.0, v, n + 1)
    costs = link_costs(np.full(n + 1, kind), np.repeat(params, n + 1, axis=1), grid)
    simpson = (v / n / 3) * (
        costs[0] + costs[-1] + 4 * costs[1:-1:2].sum() + 2 * costs[2:-1:2].sum()
    )
    total = beckmann(np.array([kind]), params, np.array([v]))
    assert total == pytest.approx(simpson, rel=1e-6, abs=1e-9)
    assert math.isfinite(total)
