"""The PyPSA solution against an independent LP built with scipy's linprog (HiGHS)."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
from scipy.optimize import linprog

from tests.test_energy_model import YEAR, atlas, link, node, row
from tripp.atlas.model import Atlas, Contract
from tripp.energy_model.build import build_instance
from tripp.energy_model.instance import EnergyInstance
from tripp.energy_model.optimise import solve
from tripp.energy_model.settings import Carrier, EnergySettings


def meshed() -> Atlas:
    """Gas: three supplies with different costs, a ring with limits, two demands, one of
    them larger than what can reach it; power: a line too small for the swap's full need."""
    return atlas(
        [node("a", "AZ"), node("b", "GE"), node("c", "TR"), node("d", "AM"), node("p", "IR")],
        [
            link("ab", "a", "b", capacity=600.0, length_km=300.0, country="GE"),
            link("bc", "b", "c", capacity=250.0, length_km=200.0, country="TR"),
            link("ac", "a", "c", capacity=150.0, length_km=900.0, country="TR"),
            link(
                "bd", "b", "d", capacity=400.0, length_km=150.0, country="AM", direction="forward"
            ),
            link("pd", "p", "d", mode="power_line", capacity=40.0, unit="mw", country="IR"),
        ],
        [
            row("a", "supply", 900.0),
            row("c", "supply", 100.0),
            row("d", "swap", 200.0),
            row("p", "swap", 640.0, carrier="power", unit="gwh_per_year"),
            row("d", "supply", 300.0, carrier="power", unit="mw"),
            row("c", "demand", 700.0),
            row("d", "demand", 450.0),
        ],
    )


SETTINGS = EnergySettings(
    supply_cost={"a:gas": 100.0, "c:gas": 900.0, "d:power": 30.0},
    gas_loss_share_per_1000_km=0.02,
    power_loss_share_per_1000_km=0.01,
)


def with_contracts(data: Atlas) -> Atlas:
    """Azerbaijan sells Türkiye at most 300 mcm a year (less than the lines could carry)
    and Armenia 300."""
    contracts = (
        Contract(
            contract_id="az_tr",
            carrier="gas",
            seller="AZ",
            buyer="TR",
            value=300.0,
            unit="mcm_per_year",
            year_from=2000,
            source_ids=("s",),
        ),
        Contract(
            contract_id="az_am",
            carrier="gas",
            seller="AZ",
            buyer="AM",
            value=300.0,
            unit="mcm_per_year",
            year_from=2000,
            source_ids=("s",),
        ),
    )
    return dataclasses.replace(data, contracts=contracts)


def linprog_optimum(instance: EnergyInstance) -> tuple[float, np.ndarray]:
    """Objective (USD) and arc flows per snapshot of the same instance, built by hand:
    nodal balances per bus and month, shared arc capacities, annual supply volumes and
    contract quantities,
    and each swap's shortfall below its agreed volume priced at the power export netback."""
    arcs, sup, dem, swp = instance.arcs, instance.supplies, instance.demands, instance.swaps
    dlv = instance.deliveries
    n_a, n_s, n_d, n_w, n_v = len(arcs), len(sup), len(dem), len(swp), len(dlv)
    n_b, months = len(instance.buses), len(instance.hours)
    width = n_a + n_s + n_d + n_w + n_v
    size = width * months + n_w  # then one shortfall per swap
    cost, bounds, a_eq, b_eq, a_ub, b_ub = [], [], [], [], [], []
    for t, hours in enumerate(instance.hours):
        cost += [hours * a.cost_usd_per_unit for a in arcs]
        cost += [hours * s.cost_usd_per_unit for s in sup]
        cost += [hours * d.value_usd_per_unit for d in dem]
        cost += [0.0] * (n_w + n_v)
        bounds += [(0, None if np.isinf(a.capacity) else a.capacity) for a in arcs]
        bounds += [(0, s.rates[t]) for s in sup] + [(0, d.rates[t]) for d in dem]
        bounds += [(0, w.rates_mw[t]) for w in swp] + [(0, None)] * n_v
        base = t * width
        for b in range(n_b):
            row = np.zeros(size)
            for i, a in enumerate(arcs):
                row[base + i] += (a.efficiency if a.to_bus == b else 0.0) - (a.from_bus == b)
            for i, s in enumerate(sup):
                row[base + n_a + i] += s.bus == b
            for i, d in enumerate(dem):
                row[base + n_a + n_s + i] += d.bus == b
            for i, w in enumerate(swp):
                row[base + n_a + n_s + n_d + i] += (
                    w.efficiency_mcm_per_mwh if w.gas_bus == b else 0.0
                ) - (1.0 if w.power_bus == b else 0.0)
            for i, v in enumerate(dlv):
                row[base + n_a + n_s + n_d + n_w + i] += float(v.to_bus == b) - (v.from_bus == b)
            a_eq.append(row)
            b_eq.append(sum(d.rates[t] for d in dem if d.bus == b))
        for group, physical in enumerate(instance.groups):
            row = np.zeros(size)
            for i, a in enumerate(arcs):
                row[base + i] += a.group == group
            a_ub.append(row)
            b_ub.append(physical.capacity)
    for i, s in enumerate(sup):
        row = np.zeros(size)
        for t, hours in enumerate(instance.hours):
            row[t * width + n_a + i] = hours
        a_ub.append(row)
        b_ub.append(s.annual)
    for i, w in enumerate(swp):
        row = np.zeros(size)
        for t, hours in enumerate(instance.hours):
            row[t * width + n_a + n_s + n_d + i] = -hours
        row[width * months + i] = -1.0
        a_ub.append(row)
        b_ub.append(-float(np.asarray(w.rates_mw) @ np.asarray(instance.hours)))
    cost += [SETTINGS.power_export_netback_usd_per_mwh] * n_w
    bounds += [(0, None)] * n_w
    for cap in instance.contracts:
        row = np.zeros(size)
        for t, hours in enumerate(instance.hours):
            for i, v in enumerate(dlv):
                if (v.seller, v.buyer) == (cap.seller, cap.buyer):
                    row[t * width + n_a + n_s + n_d + n_w + i] = hours
        a_ub.append(row)
        b_ub.append(cap.annual)
    lp = linprog(
        cost,
        A_ub=np.array(a_ub),
        b_ub=b_ub,
        A_eq=np.array(a_eq),
        b_eq=b_eq,
        bounds=bounds,
        method="highs",
    )
    assert lp.status == 0, lp.message
    flows = lp.x[: width * months].reshape(months, width)[:, :n_a]
    return float(lp.fun), flows


@pytest.mark.parametrize("contracts", [False, True])
def test_pypsa_matches_an_independent_lp(contracts: bool) -> None:
    data = with_contracts(meshed()) if contracts else meshed()
    instance = build_instance(data, year=YEAR, carrier=Carrier.ALL, settings=SETTINGS)
    assert len(instance.swaps) == 1 and len(instance.groups) == 9
    assert len(instance.contracts) == (2 if contracts else 0)
    solution = solve(instance, SETTINGS)
    objective, flows = linprog_optimum(instance)
    assert solution.objective_usd == pytest.approx(objective, rel=1e-7)
    if contracts:  # an annual quantity lets months trade places: compare what binds
        hours = np.asarray(instance.hours)
        to_turkey = [i for i, d in enumerate(instance.deliveries) if d.buyer == "TR"]
        turkish = [
            i for i, d in enumerate(instance.deliveries) if d.seller == "AZ" and d.buyer == "TR"
        ]
        assert float(hours @ solution.delivery[:, turkish].sum(axis=1)) == pytest.approx(300.0)
        assert to_turkey and solution.unmet.sum() > 0
    else:
        np.testing.assert_allclose(solution.arc_flow, flows, rtol=1e-6, atol=1e-7)
    assert solution.unmet.sum() > 0  # the instance does leave demand unmet
    # the swap runs, within what the 40 MW line delivers after 0.1 % loss over 100 km
    assert 0 < solution.swap_power_mw.max() <= 40.0 * 0.999 + 1e-9
