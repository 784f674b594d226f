"""Energy model on tiny networks whose optima are worked out by hand.

Year 2025 has 8,760 hours, so an annual figure F gives a rate F / 8760 per hour and the
annual objective is the sum over the year of cost × flow (USD).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pytest

from tripp.atlas.model import Atlas, EnergyRow, Link, Node
from tripp.energy_model import EnergyResult, EnergySettings, MissingCapacity, solve_energy

YEAR = 2025
FREE = EnergySettings(gas_transport_usd_per_mcm_km=0.0, power_transport_usd_per_mwh_km=0.0)


def node(node_id: str, country: str = "AZ", region: str = "") -> Node:
    return Node(
        node_id=node_id,
        name=node_id.title(),
        kind="junction",
        country=country,
        region=region or node_id.title(),
        lon=0.0,
        lat=0.0,
        source_ids=("s",),
    )


def link(
    link_id: str,
    a: str,
    b: str,
    *,
    mode: str = "gas_pipeline",
    capacity: float | None = None,
    unit: str = "mcm_per_year",
    country: str = "AZ",
    length_km: float = 100.0,
    direction: str = "both",
    status: str = "operating",
) -> Link:
    return Link(
        link_id=link_id,
        from_node=a,
        to_node=b,
        mode=mode,
        capacity=capacity,
        capacity_unit=unit if capacity is not None else "",
        country=country,
        length_km=length_km,
        direction=direction,
        status=status,
        source_ids=("s",),
    )


def row(
    node_id: str,
    role: str,
    value: float,
    *,
    carrier: str = "gas",
    unit: str = "mcm_per_year",
    year: int = YEAR,
) -> EnergyRow:
    return EnergyRow(
        node_id=node_id,
        carrier=carrier,
        role=role,
        value=value,
        unit=unit,
        year=year,
        source_ids=("s",),
    )


def atlas(
    nodes: list[Node], links: list[Link], energy: list[EnergyRow], **tables: Sequence[object]
) -> Atlas:
    """A tiny atlas; ``tables`` gives further tables by name (storage, plants, seasons, …)."""
    return Atlas(
        folder=Path("test"),
        sources=(),
        nodes=tuple(nodes),
        links=tuple(links),
        crossings=(),
        transfers=(),
        tariffs=(),
        energy=tuple(energy),
        **{name: tuple(rows) for name, rows in tables.items()},  # type: ignore[arg-type]
    )


def demand_of(result: EnergyResult, node_id: str, carrier: str = "gas") -> dict[str, object]:
    return next(d for d in result.demands if d["node_id"] == node_id and d["carrier"] == carrier)


def link_of(result: EnergyResult, link_id: str) -> dict[str, object]:
    return next(r for r in result.links if r["link_id"] == link_id)


def two_supplies() -> Atlas:
    """Cheap gas at A (10 USD/mcm), dear gas at B (50 USD/mcm), 800 mcm/yr wanted at B,
    and a 500 mcm/yr pipeline A→B: the optimum sends 500 from A and takes 300 from B."""
    return atlas(
        [node("a"), node("b")],
        [link("ab", "a", "b", capacity=500.0)],
        [row("a", "supply", 1000.0), row("b", "supply", 1000.0), row("b", "demand", 800.0)],
    )


def test_two_supplies_and_a_line_limit() -> None:
    settings = EnergySettings(
        supply_cost={"a:gas": 10.0, "b:gas": 50.0}, gas_transport_usd_per_mcm_km=0.1
    )
    result = solve_energy(two_supplies(), year=YEAR, carrier="gas", settings=settings)
    used = {s["node_id"]: s["used"] for s in result.supplies}
    assert used == {"a": pytest.approx(500.0), "b": pytest.approx(300.0)}
    ab = link_of(result, "ab")
    assert ab["flow_forward"] == pytest.approx(500.0)
    assert ab["flow_backward"] == pytest.approx(0.0)
    assert ab["utilisation"] == pytest.approx(1.0)
    # 500 × 10 + 300 × 50 + 500 mcm × 100 km × 0.1 USD
    assert result.total_cost_usd == pytest.approx(5_000 + 15_000 + 5_000, rel=1e-9)
    assert result.cost_usd["transport"] == pytest.approx(5_000, rel=1e-9)
    b = demand_of(result, "b")
    assert b["unmet"] == 0.0
    assert b["by_supplier_country"] == {"AZ": 1.0}


def test_demand_above_supply_leaves_the_exact_unmet_figure() -> None:
    data = atlas(
        [node("a", "AZ"), node("b", "GE", "Tbilisi")],
        [link("ab", "a", "b", capacity=1000.0, country="GE")],
        [row("a", "supply", 300.0), row("b", "demand", 500.0)],
    )
    result = solve_energy(data, year=YEAR, carrier="gas", settings=FREE)
    b = demand_of(result, "b")
    assert (b["demand"], b["served"], b["unmet"]) == pytest.approx((500.0, 300.0, 200.0))
    assert b["unmet_share"] == pytest.approx(0.4)
    assert b["by_supplier_country"] == {"AZ": 0.6, "unmet": 0.4}
    assert result.cost_usd["unmet_domestic"] == pytest.approx(200.0 * FREE.gas_voll_usd_per_mcm)
    assert result.unmet_by_region() == [
        {
            "region": "Tbilisi",
            "country": "GE",
            "carrier": "gas",
            "unit": "mcm_per_year",
            "demand": 500.0,
            "unmet": 200.0,
        }
    ]


def test_losses_raise_the_supply_needed() -> None:
    # 10 % per 1,000 km on 500 km: 95 % arrives, so 190 wanted needs 200 sent
    data = atlas(
        [node("a"), node("b")],
        [link("ab", "a", "b", capacity=1000.0, length_km=500.0)],
        [row("a", "supply", 1000.0), row("b", "demand", 190.0)],
    )
    settings = EnergySettings(gas_loss_share_per_1000_km=0.1, gas_transport_usd_per_mcm_km=0.0)
    result = solve_energy(data, year=YEAR, carrier="gas", settings=settings)
    assert link_of(result, "ab")["flow_forward"] == pytest.approx(200.0)
    assert result.supplies[0]["used"] == pytest.approx(200.0)
    assert demand_of(result, "b")["unmet"] == pytest.approx(0.0, abs=1e-6)


def test_forward_only_link_carries_nothing_backwards() -> None:
    data = atlas(
        [node("a"), node("b")],
        [link("ab", "a", "b", capacity=1000.0, direction="forward")],
        [row("b", "supply", 100.0), row("a", "demand", 100.0)],
    )
    result = solve_energy(data, year=YEAR, carrier="gas", settings=FREE)
    assert demand_of(result, "a")["unmet"] == pytest.approx(100.0)
    assert (
        "flow_backward" not in link_of(result, "ab")
        or link_of(result, "ab")["flow_backward"] == 0.0
    )


def test_gas_for_electricity_swap() -> None:
    """365 mcm of gas at Meghri (AM) paid with 1,168 GWh at Tabriz (IR): 3.2 GWh per mcm.
    Armenia has 200 MW of its own power; its 365 mcm gas demand is met only by the swap."""
    data = atlas(
        [node("meghri", "AM"), node("tabriz", "IR")],
        [
            link(
                "line",
                "meghri",
                "tabriz",
                mode="power_line",
                capacity=350.0,
                unit="mw",
                country="IR",
            )
        ],
        [
            row("meghri", "swap", 365.0),
            row("meghri", "demand", 365.0),
            row("tabriz", "swap", 1168.0, carrier="power", unit="gwh_per_year"),
            row("meghri", "supply", 200.0, carrier="power", unit="mw"),
        ],
    )
    result = solve_energy(data, year=YEAR, settings=FREE)
    (swap,) = result.swaps
    assert swap["gwh_per_mcm"] == pytest.approx(3.2)
    assert swap["power_delivered_gwh_per_year"] == pytest.approx(1168.0)
    assert swap["gas_received_mcm_per_year"] == pytest.approx(365.0)
    meghri = demand_of(result, "meghri")
    assert meghri["unmet"] == pytest.approx(0.0, abs=1e-6)
    assert meghri["by_supplier_country"] == {"IR": 1.0}
    assert link_of(result, "line")["flow_forward"] == pytest.approx(1168.0)
    # gas alone: the swap is a plain supply whose supplier is Iran (the power side's country)
    gas_only = solve_energy(data, year=YEAR, carrier="gas", settings=FREE)
    assert gas_only.supplies[0]["supplier_country"] == "IR"
    assert gas_only.swaps == ()


def test_trace_names_supplier_and_transit_countries() -> None:
    """AZ gas crosses GE and TR to reach Nakhchivan (AZ), which also gets 100 from Iran."""
    data = atlas(
        [
            node("baku", "AZ"),
            node("tbilisi", "GE"),
            node("igdir", "TR"),
            node("nakh", "AZ", "Nakhchivan"),
            node("jolfa", "IR"),
        ],
        [
            link("az_ge", "baku", "tbilisi", capacity=1000.0, country="GE"),
            link("ge_tr", "tbilisi", "igdir", capacity=1000.0, country="TR"),
            link("tr_nk", "igdir", "nakh", capacity=300.0, country="TR"),
            link("ir_nk", "jolfa", "nakh", capacity=1000.0, country="IR"),
        ],
        [row("baku", "supply", 1000.0), row("jolfa", "swap", 100.0), row("nakh", "demand", 400.0)],
    )
    result = solve_energy(data, year=YEAR, carrier="gas")
    nakh = demand_of(result, "nakh")
    assert nakh["by_supplier_country"] == {"AZ": 0.75, "IR": 0.25}
    assert nakh["by_transit_country"] == {"GE": 0.75, "TR": 0.75}


def test_no_demand_means_no_flow() -> None:
    data = atlas(
        [node("a"), node("b")], [link("ab", "a", "b", capacity=10.0)], [row("a", "supply", 5.0)]
    )
    result = solve_energy(data, year=YEAR, carrier="gas")
    assert result.total_cost_usd == 0.0
    assert link_of(result, "ab")["net_flow"] == 0.0


def test_unbounded_links_are_listed_as_assumptions() -> None:
    data = atlas(
        [node("a"), node("b")],
        [link("ab", "a", "b")],
        [row("a", "supply", 5.0), row("b", "demand", 5.0)],
    )
    settings = EnergySettings(missing_capacity=MissingCapacity.UNBOUNDED)
    result = solve_energy(data, year=YEAR, carrier="gas", settings=settings)
    assert result.assumptions[0] == "link ab has no capacity: unbounded"
    assert link_of(result, "ab")["capacity"] is None
    assert demand_of(result, "b")["unmet"] == pytest.approx(0.0, abs=1e-9)


def test_latest_row_not_after_the_year_is_used() -> None:
    data = atlas(
        [node("a"), node("b")],
        [link("ab", "a", "b", capacity=1000.0)],
        [
            row("a", "supply", 100.0, year=2019),
            row("a", "supply", 50.0, year=2024),
            row("a", "supply", 900.0, year=2030),
            row("b", "demand", 80.0),
        ],
    )
    result = solve_energy(data, year=YEAR, carrier="gas", settings=FREE)
    assert result.supplies[0]["available"] == pytest.approx(50.0)
    assert result.supplies[0]["data_year"] == 2024
    assert demand_of(result, "b")["unmet"] == pytest.approx(30.0)


def test_result_frames_and_json_shape() -> None:
    result = solve_energy(two_supplies(), year=YEAR, carrier="gas")
    frame = result.to_frame()
    assert list(frame["link_id"]) == ["ab"]
    assert set(result.to_frame("demands").columns) >= {"node_id", "unmet", "by_supplier_country"}
    data = result.to_dict()
    assert set(data) == {
        "scenario",
        "year",
        "carrier",
        "total_cost_usd",
        "system_cost_usd",
        "cost_usd",
        "unmet_domestic",
        "unserved_export",
        "links",
        "supplies",
        "swaps",
        "demands",
        "contracts",
        "storage",
        "plants",
        "unmet_by_region",
        "assumptions",
        "skipped",
        "settings",
    }
