"""Rich tables for ``tripp compare`` and ``tripp exposure``. Only the CLI calls this."""

from __future__ import annotations

from typing import Any

from rich.table import Table

from tripp.cli.display import console
from tripp.scenarios.compare import Comparison
from tripp.scenarios.exposure import Exposure


def _fmt(route: dict[str, Any] | None, key: str, spec: str) -> str:
    return "no route" if route is None else format(route[key], spec)


def print_comparison(result: Comparison) -> None:
    """Pairs before/after with deltas, the summary and the exposure change."""
    out = console()
    out.print(
        f"[bold]{result.base.name} ({result.base.year}) → {result.other.name} "
        f"({result.other.year})[/bold], objective {result.objective}"
    )
    table = Table(show_header=True, header_style="bold")
    for column in (
        "origin → destination",
        "days before",
        "days after",
        "Δ h",
        "USD before",
        "USD after",
        "Δ USD",
        "countries before",
        "countries after",
    ):
        table.add_column(column)
    for p in result.pairs:
        before, after, delta = p["before"], p["after"], p["delta"]
        days = {
            k: "no route" if r is None else f"{r['time_h'] / 24:.1f}"
            for k, r in (("b", before), ("a", after))
        }
        table.add_row(
            f"{p['origin']} → {p['destination']}",
            days["b"],
            days["a"],
            "" if delta is None else f"{delta['time_h']:+,.1f}",
            _fmt(before, "cost_usd", ",.0f"),
            _fmt(after, "cost_usd", ",.0f"),
            "" if delta is None else f"{delta['cost_usd']:+,.0f}",
            "—" if before is None else "→".join(before["countries"]),
            "—" if after is None else "→".join(after["countries"]),
        )
    out.print(table)
    s = result.summary()
    out.print(
        f"{s['pairs']} pairs: {s['faster']} faster, {s['slower']} slower, "
        f"{s['unchanged']} unchanged, {s['newly_connected']} newly connected, "
        f"{s['disconnected']} cut; mean change {s['mean_delta_time_h']} h"
    )
    change = Table(
        title="Transit exposure change (share of routed tonnes, "
        f"demand of {result.exposure_base.demand_year} on both sides)"
    )
    for column in ("country", "before", "after", "Δ"):
        change.add_column(column)
    for row in result.exposure_change():
        change.add_row(
            row["country"],
            f"{row['transit_share_t_before']:.1%}",
            f"{row['transit_share_t_after']:.1%}",
            f"{row['delta']:+.1%}",
        )
    out.print(change)
    if result.energy is not None:
        print_energy(result.energy)


def print_energy(change: dict[str, Any]) -> None:
    """Unmet demand per region before and after, and the total cost."""
    out = console()
    table = Table(title=f"Energy: unmet demand, {change['base']} → {change['other']}")
    for column in ("region", "node", "carrier", "unit", "unmet before", "unmet after", "Δ"):
        table.add_column(column)
    for d in change["demands"]:
        table.add_row(
            d["region"] or d["country"],
            d["node_id"],
            d["carrier"],
            d["unit"],
            _num(d["unmet_before"]),
            _num(d["unmet_after"]),
            "" if d["delta_unmet"] is None else f"{d['delta_unmet']:+,.0f}",
        )
    out.print(table)
    before, after = change["unmet_domestic_before"], change["unmet_domestic_after"]
    out.print(
        f"energy system cost: USD {change['system_cost_usd_before']:,.0f} → "
        f"{change['system_cost_usd_after']:,.0f} per year (supply, transport and domestic "
        f"demand unmet at the value of lost load: gas {before['gas_mcm_per_year']:,.0f} → "
        f"{after['gas_mcm_per_year']:,.0f} mcm, power {before['power_gwh_per_year']:,.0f} → "
        f"{after['power_gwh_per_year']:,.0f} GWh)"
    )
    export_before, export_after = change["unserved_export_before"], change["unserved_export_after"]
    out.print(
        f"exports not delivered (lost export revenue, not a system cost): gas "
        f"{export_before['gas_mcm_per_year']:,.0f} → {export_after['gas_mcm_per_year']:,.0f} "
        f"mcm, power {export_before['power_gwh_per_year']:,.0f} → "
        f"{export_after['power_gwh_per_year']:,.0f} GWh, USD "
        f"{change['unserved_export_usd_before']:,.0f} → "
        f"{change['unserved_export_usd_after']:,.0f}"
    )
    for row in change["new_exports"]:
        out.print(
            f"new export offtake in {change['other']}: {row['node_id']} ({row['country']}) "
            f"{row['carrier']} {row['demand']:,.0f} {row['unit']}, {row['unmet']:,.0f} of it "
            "without supply"
        )


def _num(value: float | None) -> str:
    return "—" if value is None else f"{value:,.0f}"


def print_exposure(result: Exposure) -> None:
    """Country shares, flows with their transit dependence, and the focus areas."""
    out = console()
    out.print(
        f"[bold]Transit exposure: {result.scenario} ({result.year}, demand of "
        f"{result.demand_year})[/bold]"
    )
    shares = Table(title="Transit share of demand")
    for column in ("country", "share of t", "share of t-km"):
        shares.add_column(column)
    data = result.to_dict()
    for row in data["countries"]:
        shares.add_row(
            row["country"], f"{row['transit_share_t']:.1%}", f"{row['transit_share_tkm']:.1%}"
        )
    out.print(shares)
    flows = Table(title="Flows: cost of losing each transit country (Δ objective; ✗ no route)")
    for column in ("origin → destination", "commodity", "t/year", "transit: loss"):
        flows.add_column(column)
    for f in data["flows"]:
        loss = ", ".join(
            f"{c}: {'✗' if v is None else f'+{v:,.1f}'}" for c, v in f["loss"].items()
        ) or ("—" if f["routed"] else "no route")
        flows.add_row(
            f"{f['origin']} → {f['destination']}", f["commodity"], f"{f['t_per_year']:,.0f}", loss
        )
    out.print(flows)
    for label, focus in data["focus"].items():
        depends = (
            ", ".join(
                f"{c} ({v['share_t']:.0%} of t; {v['t_without_route_if_lost']:,.0f} t cut if lost)"
                for c, v in focus["depends_on"].items()
            )
            or "none"
        )
        out.print(
            f"[bold]{label}[/bold]: {focus['flows']} flows, "
            f"{focus['t_per_year']:,.0f} t/year; transit through {depends}"
        )
