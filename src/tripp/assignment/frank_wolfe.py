"""Link-based algorithms: Frank–Wolfe (fw), conjugate FW (cfw) and biconjugate FW (bfw).

Each iteration measures the relative gap of the current flows ``x`` with one all-or-nothing
pass at ``c(x)`` (which also yields the FW target ``y``), stops if the gap is reached, else
chooses a target ``s`` and moves to ``x + τ (s − x)`` with the exact line search τ ∈ [0, 1]
of the Beckmann objective.

* fw: ``s = y``.
* cfw (Mitradjieva & Lindberg 2013): ``s = α s₋₁ + (1 − α) y`` with α making ``s − x``
  conjugate to the previous direction under the diagonal Hessian ``H = diag(c'(x))``:
  ``α = N / D``, ``N = d̄ᵀH(y − x)``, ``D = d̄ᵀH(y − s₋₁)``, ``d̄ = s₋₁ − x``, α clipped to
  [0, 1 − 1e-5].
* bfw (same paper): ``s = β₀ y + β₁ s₋₁ + β₂ s₋₂``, conjugate to the last two directions:
  ``μ = −d̄_bᵀH(y − x) / d̄_bᵀH(s₋₂ − s₋₁)`` with ``d̄_b = τ₋₁ s₋₁ − x + (1 − τ₋₁) s₋₂``,
  ``ν = μ τ₋₁ / (1 − τ₋₁) − d̄ᵀH(y − x) / d̄ᵀH d̄``, both clipped at 0, and
  ``β₀ = 1 / (1 + μ + ν)``, ``β₁ = ν β₀``, ``β₂ = μ β₀``.

After a full step (τ = 1) or a target that is not a descent direction, the next (or the
same) iteration falls back to the plain FW target.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from tripp.assignment.context import SolveContext, relative_gap_of
from tripp.assignment.kernels import dot, line_search
from tripp.assignment.result import IterationRecord

__all__ = ["LinkBasedRun", "solve_link_based"]

_ALPHA_MAX = 1.0 - 1e-5


@dataclass(frozen=True)
class LinkBasedRun:
    """Flows (CSR order) and the history of one link-based run."""

    flows: np.ndarray
    history: tuple[IterationRecord, ...]


def _conjugate_target(
    x: np.ndarray, y: np.ndarray, s1: np.ndarray, hessian: np.ndarray
) -> np.ndarray:
    d_bar = s1 - x
    h_d = hessian * d_bar
    denominator = dot(h_d, y - s1)
    alpha = dot(h_d, y - x) / denominator if denominator != 0.0 else 0.0
    if not 0.0 <= alpha <= _ALPHA_MAX:
        # outside [0, 1 − δ] the conjugate target degenerates (jams near s₋₁): restart
        return y
    return alpha * s1 + (1.0 - alpha) * y


def _biconjugate_target(
    x: np.ndarray,
    y: np.ndarray,
    s1: np.ndarray,
    s2: np.ndarray,
    tau1: float,
    hessian: np.ndarray,
) -> np.ndarray:
    h_b = hessian * (tau1 * s1 - x + (1.0 - tau1) * s2)
    denominator = dot(h_b, s2 - s1)
    mu = max(-dot(h_b, y - x) / denominator, 0.0) if denominator != 0.0 else 0.0
    d_bar = s1 - x
    h_d = hessian * d_bar
    denominator = dot(h_d, d_bar)
    nu = mu * tau1 / (1.0 - tau1)
    if denominator != 0.0:
        nu -= dot(h_d, y - x) / denominator
    nu = max(nu, 0.0)
    beta0 = 1.0 / (1.0 + mu + nu)
    return beta0 * y + nu * beta0 * s1 + mu * beta0 * s2


def solve_link_based(
    ctx: SolveContext,
    *,
    variant: str,
    target_gap: float,
    max_iterations: int,
    started: float,
    progress: Callable[[IterationRecord], None] | None = None,
) -> LinkBasedRun:
    """Run fw, cfw or bfw (``variant``) until the relative gap is at most ``target_gap``."""
    kind = ctx.network.vdf_kind
    params = ctx.network.vdf_params
    n = ctx.network.n_links
    x = np.zeros(n)
    ctx.all_or_nothing(ctx.costs(x), x)
    y = np.empty(n)
    s1: np.ndarray | None = None
    s2: np.ndarray | None = None
    tau1 = 1.0
    history: list[IterationRecord] = []
    for iteration in range(1, max_iterations + 1):
        cost = ctx.costs(x)
        sptt = ctx.all_or_nothing(cost, y)
        gap = relative_gap_of(dot(x, cost), sptt)
        if gap <= target_gap:
            _report(history, progress, IterationRecord(iteration, gap, None, _since(started)))
            break
        restart = s1 is None or tau1 >= 1.0 or variant == "fw"
        if restart:
            s = y
        else:
            assert s1 is not None
            hessian = ctx.derivatives(x)
            if variant == "bfw" and s2 is not None:
                s = _biconjugate_target(x, y, s1, s2, tau1, hessian)
            else:
                s = _conjugate_target(x, y, s1, hessian)
        d = s - x
        tau = line_search(kind, params, x, d)
        if tau <= 0.0 and not restart:
            restart = True
            d = y - x
            tau = line_search(kind, params, x, d)
        x = x + tau * d
        # After a degenerate conjugate weight ``s is y``: s₋₁ then stays bound to the
        # all-or-nothing buffer, so the next direction is built from the next fresh target.
        # Deliberate: copying here (a textbook restart) converges more slowly on SiouxFalls,
        # Anaheim and the random networks of tests/test_assignment_equilibrium.py.
        s2, s1 = (None, y.copy()) if restart else (s1, s)
        tau1 = tau
        _report(history, progress, IterationRecord(iteration, gap, tau, _since(started)))
    return LinkBasedRun(flows=x, history=tuple(history))


def _since(started: float) -> float:
    return time.perf_counter() - started


def _report(
    history: list[IterationRecord],
    progress: Callable[[IterationRecord], None] | None,
    record: IterationRecord,
) -> None:
    history.append(record)
    if progress is not None:
        progress(record)
