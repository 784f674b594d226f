"""Volume-delay functions (VDFs): link cost, its derivative and its integral.

Every link has a kind (:class:`VdfKind`) and five parameters held in one ``(5, n_links)``
float64 matrix (rows :data:`T0`, :data:`CAPACITY`, :data:`ALPHA`, :data:`BETA`,
:data:`FIXED`); kind and rows are defined in :mod:`tripp.assignment.vdf_kind`, which does not
load Numba. Times are in the network's own time unit and flows in its own flow unit (TNTP
networks differ: SiouxFalls uses 0.01 h, Anaheim minutes); the functions below are
unit-agnostic as long as ``capacity`` and the flow share a unit.

BPR (``VdfKind.BPR``)::

    t(v)  = t0 * (1 + alpha * (v / c) ** beta)
    t'(v) = t0 * alpha * beta / c * (v / c) ** (beta - 1)
    T(v)  = ∫0^v t = t0 * (v + alpha * c / (beta + 1) * (v / c) ** (beta + 1))

Queue (``VdfKind.QUEUE``), a Davidson-type delay for ports, ferries and border crossings:
``alpha`` = J (waiting per unit of service time, 1 ≈ an M/M/1 queue, where the wait is
``t0 * rho / (1 - rho)``), ``beta`` = rho_bar, the saturation ``0 < rho_bar < 1`` above which
the curve continues as its tangent so it stays finite past capacity. With ``rho = v / c``::

    rho < rho_bar:  t(v)  = t0 * (1 + J * rho / (1 - rho))
                    t'(v) = t0 * J / (c * (1 - rho) ** 2)
                    T(v)  = t0 * v + t0 * J * c * (-rho - ln(1 - rho))
    rho >= rho_bar: t(v)  = t(v̄) + t'(v̄) * (v - v̄)          with v̄ = rho_bar * c
                    t'(v) = t'(v̄)
                    T(v)  = T(v̄) + t(v̄) * (v - v̄) + t'(v̄) * (v - v̄) ** 2 / 2

The generalised cost of a link is ``t(v) + fixed`` where ``fixed = toll_factor * toll +
distance_factor * length``; its integral adds ``fixed * v``. Negative flows (rounding) are
treated as zero. Both kinds are convex and non-decreasing, so the line searches and Newton
steps of the algorithms are well defined.
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit

from tripp.assignment.vdf_kind import ALPHA, BETA, CAPACITY, FIXED, T0, VdfKind

__all__ = [
    "ALPHA",
    "BETA",
    "CAPACITY",
    "FIXED",
    "T0",
    "VdfKind",
    "beckmann",
    "link_cost_derivatives",
    "link_costs",
]


@njit(cache=True, inline="always")
def _ratio_power(ratio: float, power: float) -> float:
    if power == 4.0:
        r2 = ratio * ratio
        return r2 * r2
    if power == 1.0:
        return ratio
    if power == 0.0:
        return 1.0
    return ratio**power


@njit(cache=True)
def cost1(kind: int, params: np.ndarray, link: int, flow: float) -> float:
    """Generalised cost of one link at ``flow``."""
    v = flow if flow > 0.0 else 0.0
    t0 = params[T0, link]
    c = params[CAPACITY, link]
    a = params[ALPHA, link]
    b = params[BETA, link]
    if kind == 0:
        return t0 * (1.0 + a * _ratio_power(v / c, b)) + params[FIXED, link]
    rho = v / c
    if rho < b:
        return t0 * (1.0 + a * rho / (1.0 - rho)) + params[FIXED, link]
    at_bar = t0 * (1.0 + a * b / (1.0 - b))
    slope = t0 * a / (c * (1.0 - b) ** 2)
    return at_bar + slope * (v - b * c) + params[FIXED, link]


@njit(cache=True)
def derivative1(kind: int, params: np.ndarray, link: int, flow: float) -> float:
    """Derivative of the cost of one link with respect to its flow at ``flow``."""
    v = flow if flow > 0.0 else 0.0
    t0 = params[T0, link]
    c = params[CAPACITY, link]
    a = params[ALPHA, link]
    b = params[BETA, link]
    if kind == 0:
        if b == 0.0:
            return 0.0
        return t0 * a * b / c * _ratio_power(v / c, b - 1.0)
    rho = min(v / c, b)
    return t0 * a / (c * (1.0 - rho) ** 2)


@njit(cache=True)
def integral1(kind: int, params: np.ndarray, link: int, flow: float) -> float:
    """Integral of the cost of one link from 0 to ``flow`` (its Beckmann term)."""
    v = flow if flow > 0.0 else 0.0
    t0 = params[T0, link]
    c = params[CAPACITY, link]
    a = params[ALPHA, link]
    b = params[BETA, link]
    fixed = params[FIXED, link] * v
    if kind == 0:
        return t0 * (v + a * c / (b + 1.0) * _ratio_power(v / c, b + 1.0)) + fixed
    rho = v / c
    if rho < b:
        return t0 * v + t0 * a * c * (-rho - math.log(1.0 - rho)) + fixed
    v_bar = b * c
    at_bar = t0 * (1.0 + a * b / (1.0 - b))
    slope = t0 * a / (c * (1.0 - b) ** 2)
    below = t0 * v_bar + t0 * a * c * (-b - math.log(1.0 - b))
    dv = v - v_bar
    return below + at_bar * dv + 0.5 * slope * dv * dv + fixed


@njit(cache=True)
def _costs_into(kind: np.ndarray, params: np.ndarray, flows: np.ndarray, out: np.ndarray) -> None:
    for link in range(flows.shape[0]):
        out[link] = cost1(kind[link], params, link, flows[link])


@njit(cache=True)
def _derivatives_into(
    kind: np.ndarray, params: np.ndarray, flows: np.ndarray, out: np.ndarray
) -> None:
    for link in range(flows.shape[0]):
        out[link] = derivative1(kind[link], params, link, flows[link])


@njit(cache=True)
def _beckmann(kind: np.ndarray, params: np.ndarray, flows: np.ndarray) -> float:
    total = 0.0
    for link in range(flows.shape[0]):
        total += integral1(kind[link], params, link, flows[link])
    return total


def link_costs(kind: np.ndarray, params: np.ndarray, flows: np.ndarray) -> np.ndarray:
    """Generalised cost of every link at ``flows`` (network time unit)."""
    out = np.empty(flows.shape[0])
    _costs_into(kind, params, flows, out)
    return out


def link_cost_derivatives(kind: np.ndarray, params: np.ndarray, flows: np.ndarray) -> np.ndarray:
    """Derivative of every link's cost with respect to its flow (time per flow unit)."""
    out = np.empty(flows.shape[0])
    _derivatives_into(kind, params, flows, out)
    return out


def beckmann(kind: np.ndarray, params: np.ndarray, flows: np.ndarray) -> float:
    """Beckmann objective: the sum over links of the integral of the cost from 0 to the flow."""
    return float(_beckmann(kind, params, flows))
