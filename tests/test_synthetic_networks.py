"""The synthetic benchmark networks (benchmarks/synthetic.py): sizes, connectivity, seeding."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
try:
    import synthetic
finally:
    sys.path.pop(0)


@pytest.mark.parametrize("n_links", [1000, 10000, 100000])
def test_grid_has_at_least_the_links_asked_for_and_few_more(n_links: int) -> None:
    case = synthetic.grid_case(n_links, 50, seed=0)
    side = synthetic.grid_side_for_links(n_links)
    streets = 4 * side * (side - 1)
    assert streets >= n_links > 4 * (side - 1) * (side - 2)  # smallest grid that reaches n_links
    assert case.network.n_links == streets + case.n_corridor_links
    assert 0 < case.n_corridor_links <= 0.02 * streets
    assert case.network.n_nodes == side * side
    assert case.demand.trips.shape == (50, 50)


def test_grid_is_strongly_connected_and_every_od_has_demand() -> None:
    case = synthetic.grid_case(3000, 40, seed=3)
    net = case.network
    adjacency = coo_matrix(
        (np.ones(net.n_links), (net.tail, net.head)), shape=(net.n_nodes, net.n_nodes)
    )
    n_components, _ = connected_components(adjacency, directed=True, connection="strong")
    assert n_components == 1
    trips = case.demand.trips
    assert np.all(np.diag(trips) == 0.0)
    off_diagonal = trips[~np.eye(40, dtype=bool)]
    assert np.all(off_diagonal > 0.0) and np.all(np.isfinite(off_diagonal))
    assert np.unique(case.demand.zone_nodes).shape == (40,)


def test_link_attributes_are_plausible_and_vary() -> None:
    case = synthetic.grid_case(3000, 20, seed=1)
    free_flow_min, capacity_veh_per_h, alpha, beta = case.network.vdf_params[:4]
    assert np.all(free_flow_min > 0) and np.all(capacity_veh_per_h > 0)
    assert np.all(alpha == synthetic.BPR_ALPHA) and np.all(beta == synthetic.BPR_BETA)
    # a 0.5 km block at 32–48 km/h takes 0.3–1.6 min with the jitter; corridors are faster
    assert np.unique(free_flow_min).shape[0] > 0.9 * case.network.n_links
    assert np.unique(capacity_veh_per_h).shape[0] > 0.9 * case.network.n_links
    speed_kph = _length_km(case) / (free_flow_min / 60.0)
    assert speed_kph.min() >= 0.8 * synthetic.LOCAL_SPEED_KPH - 1e-9
    assert speed_kph.max() <= 1.2 * synthetic.CORRIDOR_SPEED_KPH + 1e-9


def test_same_seed_same_case_other_seed_other_case() -> None:
    a = synthetic.grid_case(1000, 30, seed=7)
    b = synthetic.grid_case(1000, 30, seed=7)
    c = synthetic.grid_case(1000, 30, seed=8)
    assert np.array_equal(a.network.vdf_params, b.network.vdf_params)
    assert np.array_equal(a.demand.trips, b.demand.trips)
    assert np.array_equal(a.demand.zone_nodes, b.demand.zone_nodes)
    assert not np.array_equal(a.network.vdf_params, c.network.vdf_params)
    assert not np.array_equal(a.demand.zone_nodes, c.demand.zone_nodes)


def test_bad_sizes_are_refused_with_the_reason() -> None:
    with pytest.raises(ValueError, match=r"n_zones=300: need 2 \.\. 289"):
        synthetic.grid_case(1000, 300)
    with pytest.raises(ValueError, match="at least 8 links"):
        synthetic.grid_case(4, 2)


def _length_km(case: synthetic.SyntheticCase) -> np.ndarray:
    """Straight-line length of each link in CSR order (km)."""
    net = case.network
    return np.hypot(
        case.x_km[net.head] - case.x_km[net.tail], case.y_km[net.head] - case.y_km[net.tail]
    )
