"""Threaded all-or-nothing: the origins split into chunks, one per thread, give the flows and
SPTT of a serial pass to 1e-12 relative, the same from run to run, and a whole bfw run agrees
with the serial one; a small network stays on one thread."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest

from tripp.assignment import AssignmentSpec, assign
from tripp.assignment.context import SolveContext
from tripp.errors import InputError

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
try:
    import synthetic
finally:
    sys.path.pop(0)


@pytest.fixture(scope="module")
def case() -> synthetic.SyntheticCase:
    return synthetic.grid_case(6000, 120, seed=3)  # 6,000 × 120 link-trees: split


def test_threaded_pass_matches_the_serial_one(case: synthetic.SyntheticCase) -> None:
    serial = SolveContext(case.network, case.demand, 1)
    threaded = SolveContext(case.network, case.demand, 3)
    assert serial.aon.threads == 1 and threaded.aon.threads == 3
    assert threaded.aon.chunks[0][0] == 0 and threaded.aon.chunks[-1][1] == len(serial.od[0])
    rng = np.random.default_rng(0)
    cost = serial.costs(rng.uniform(0, 500, case.network.n_links))
    flows_1, flows_3, again = (np.zeros(case.network.n_links) for _ in range(3))
    sptt_1 = serial.all_or_nothing(cost, flows_1)
    sptt_3 = threaded.all_or_nothing(cost, flows_3)
    assert threaded.all_or_nothing(cost, again) == sptt_3 and np.array_equal(again, flows_3)
    assert sptt_3 == pytest.approx(sptt_1, rel=1e-12)
    assert np.abs(flows_3 - flows_1).max() <= 1e-12 * np.abs(flows_1).max()
    assert threaded.sptt(cost) == pytest.approx(sptt_1, rel=1e-12)
    assert flows_1.sum() > 0


def test_a_threaded_bfw_run_agrees_with_the_serial_one(case: synthetic.SyntheticCase) -> None:
    runs = [
        assign(case.network, case.demand, AssignmentSpec(max_iterations=15, threads=t))
        for t in (1, 2)
    ]
    flow_1, flow_2 = (np.asarray(r.flow) for r in runs)
    assert runs[0].iterations == runs[1].iterations
    assert np.abs(flow_2 - flow_1).max() <= 1e-12 * np.abs(flow_1).max()
    assert runs[1].relative_gap == pytest.approx(runs[0].relative_gap, rel=1e-6)


def test_a_small_network_stays_on_one_thread() -> None:
    small = synthetic.grid_case(200, 10, seed=1)
    assert SolveContext(small.network, small.demand, 8).aon.threads == 1


def test_threads_below_one_are_refused() -> None:
    with pytest.raises(InputError, match="threads"):
        AssignmentSpec(threads=0)
