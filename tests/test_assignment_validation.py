"""Validation against the TNTP best-known equilibria (SiouxFalls, Anaheim).

Flow error is flow-weighted: Σ|x − x*| / Σx*. TSTT error: |TSTT − TSTT*| / TSTT*.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import numpy as np
import pytest

from tripp.assignment import (
    AssignmentNetwork,
    AssignmentResult,
    AssignmentSpec,
    Demand,
    assign,
    load_tntp,
    read_flows,
)
from tripp.assignment.tntp import TntpFlows

DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "tntp"


@cache
def _case(name: str) -> tuple[AssignmentNetwork, Demand, TntpFlows]:
    folder = DATA / name
    if not (folder / f"{name}_net.tntp").is_file():
        pytest.skip(f"TNTP benchmark data not found at {folder} (expected ../shared/data/tntp)")
    network, demand = load_tntp(folder / f"{name}_net.tntp", folder / f"{name}_trips.tntp")
    return network, demand, read_flows(folder / f"{name}_flow.tntp")


def _run(name: str, algorithm: str, gap: float) -> tuple[AssignmentResult, float, float]:
    network, demand, best = _case(name)
    result = assign(network, demand, AssignmentSpec(algorithm, gap, max_iterations=20000))
    assert result.converged and result.relative_gap <= gap
    assert result.init_node.tolist() == best.init_node.tolist()
    assert result.term_node.tolist() == best.term_node.tolist()
    flow_error = float(np.abs(result.flow - best.volume).sum() / best.volume.sum())
    best_tstt = float(best.volume @ best.cost)
    return result, flow_error, abs(result.tstt - best_tstt) / best_tstt


@pytest.mark.parametrize(
    ("name", "algorithm"),
    [
        ("SiouxFalls", "fw"),
        ("SiouxFalls", "cfw"),
        ("SiouxFalls", "bfw"),
        ("SiouxFalls", "gp"),
        ("Anaheim", "fw"),
        ("Anaheim", "bfw"),
    ],
)
def test_at_gap_1e4_flows_within_1pct_and_tstt_within_0_1pct(name: str, algorithm: str) -> None:
    _, flow_error, tstt_error = _run(name, algorithm, 1e-4)
    assert flow_error < 0.01
    assert tstt_error < 0.001


@pytest.mark.parametrize("name", ["SiouxFalls", "Anaheim"])
def test_gradient_projection_reaches_1e8_and_the_best_known_flows(name: str) -> None:
    result, flow_error, tstt_error = _run(name, "gp", 1e-8)
    assert result.relative_gap <= 1e-8
    assert flow_error < 0.0005
    assert tstt_error < 1e-6
