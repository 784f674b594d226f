"""The ``tripp energy`` command: gas and power flows under a scenario.

Wire it into a Typer app with :func:`register`. PyPSA and pandas are imported only when
the command runs, so importing this module (and ``tripp route``) stays fast.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from tripp.cli.common import (
    AtlasOption,
    TableFormat,
    handle_errors,
    load_atlas_stack,
    quiet_chatty_loggers,
)
from tripp.energy_model.settings import Carrier, MissingCapacity

if TYPE_CHECKING:
    from tripp.energy_model.result import EnergyResult
    from tripp.energy_model.security_report import SecurityReport

__all__ = ["register"]


def register(app: typer.Typer) -> None:
    """Add the ``energy`` command to ``app``."""
    app.command("energy")(energy_command)


@handle_errors
def energy_command(
    scenario: Annotated[str, typer.Argument(help="Scenario name (`tripp scenario list`) or file.")],
    carrier: Annotated[Carrier, typer.Option(help="gas, power or all.")] = Carrier.ALL,
    year: Annotated[
        int | None,
        typer.Option(help="Energy data and network as in this year (default: the scenario's)."),
    ] = None,
    missing_capacity: Annotated[
        MissingCapacity,
        typer.Option(
            help="A link without capacity: 'error', or 'unbounded' (listed as an assumption)."
        ),
    ] = MissingCapacity.ERROR,
    atlas: AtlasOption = None,
    format: Annotated[
        TableFormat, typer.Option("--format", help="table or json.")
    ] = TableFormat.TABLE,
    security: Annotated[
        bool,
        typer.Option(
            "--security",
            help="Print the gas security of supply instead of the flows: the N-1 indicator "
            "(EU 2017/1938 Annex II) and days on storage per calculated area, from the atlas "
            "alone (no LP; --carrier and --missing-capacity do not apply).",
        ),
    ] = False,
) -> None:
    """Least-cost gas and power flows: utilisation per line, unmet demand per region,
    total cost, and each demand's dependency on supplier and transit countries. With
    --security: the N-1 indicator and days on storage of each gas area instead.

    Exits 2 on bad input (e.g. a link without capacity), 4 if the LP is not solved.
    """
    if security:
        report = _security(scenario, year, atlas)
        if format is TableFormat.JSON:
            from tripp.cli.common import emit_json

            emit_json(report.to_dict())
        else:
            _print_security(report)
        return
    result = _run(scenario, carrier, year, missing_capacity, atlas)
    if format is TableFormat.JSON:
        from tripp.cli.common import emit_json

        emit_json(result.to_dict())
    else:
        _print(result)


def _run(
    scenario: str,
    carrier: Carrier,
    year: int | None,
    missing_capacity: MissingCapacity,
    folders: list[str] | None,
) -> EnergyResult:
    from tripp.energy_model.settings import EnergySettings
    from tripp.scenarios.energy import energy
    from tripp.scenarios.network import scenario_network

    quiet_chatty_loggers()
    return energy(
        scenario_network(load_atlas_stack(folders), scenario),
        carrier=carrier,
        year=year,
        settings=EnergySettings(missing_capacity=missing_capacity),
    )


def _security(scenario: str, year: int | None, folders: list[str] | None) -> SecurityReport:
    from tripp.scenarios.energy import energy_security
    from tripp.scenarios.network import scenario_network

    return energy_security(scenario_network(load_atlas_stack(folders), scenario), year=year)


def _print_security(report: SecurityReport) -> None:
    from rich.table import Table

    from tripp.cli.display import console

    out = console()
    table = Table(title=f"security of supply {report.scenario} ({report.year}): {report.standard}")
    for column in ("area", "N-1", "meets", "Dmax mcm/d", "largest infrastructure", "on storage"):
        table.add_column(column)
    for a in report.areas:
        largest = a.largest_infrastructure
        table.add_row(
            a.area if a.region is None else f"{a.area} ({a.country})",
            "—" if a.n_minus_1_pct is None else f"{a.n_minus_1_pct:,.1f} %",
            "—" if a.meets_standard is None else ("yes" if a.meets_standard else "no"),
            _fmt(a.dmax_mcm_per_day, 2),
            "—"
            if largest is None
            else f"{largest.id} ({largest.kind}, {largest.capacity_mcm_per_day:,.2f} mcm/d)",
            a.lasts,
        )
    out.print(table)
    for a in report.areas:
        out.print(f"{a.area}: Dmax {a.dmax_method}")
    for note in report.notes:
        out.print(f"note: {note}")


def _fmt(value: float | None, digits: int = 1) -> str:
    return "—" if value is None else f"{value:,.{digits}f}"


def _shares(shares: dict[str, float]) -> str:
    return ", ".join(f"{k} {v:.0%}" for k, v in shares.items()) or "—"


def _print(result: EnergyResult) -> None:
    from rich.table import Table

    from tripp.cli.display import console

    out = console()
    cost, domestic, export = result.cost_usd, result.shortfall("demand"), result.shortfall("export")
    out.print(
        f"[bold]energy {result.scenario}[/bold] ({result.year}, {result.carrier}): system cost "
        f"USD {result.system_cost_usd:,.0f} a year (supply {cost['supply']:,.0f}, transport "
        f"{cost['transport']:,.0f}, domestic demand unmet {cost['unmet_domestic']:,.0f} at the "
        "value of lost load)"
    )
    out.print(
        f"domestic demand unmet: gas {domestic['gas_mcm_per_year']:,.1f} mcm, power "
        f"{domestic['power_gwh_per_year']:,.1f} GWh a year"
    )
    out.print(
        f"exports and swaps not delivered (not in system cost): gas "
        f"{export['gas_mcm_per_year']:,.1f} mcm, power {export['power_gwh_per_year']:,.1f} GWh "
        f"a year, USD {cost['unserved_export']:,.0f} of export revenue at the netback"
        + (
            f"; take-or-pay paid for gas not taken USD {cost['take_or_pay']:,.0f}"
            if cost["take_or_pay"] > 0
            else ""
        )
    )
    links = Table(title="links (per year)")
    for column in (
        "link",
        "carrier",
        "from → to",
        "unit",
        "capacity",
        "forward",
        "backward",
        "use",
    ):
        links.add_column(column)
    for row in result.links:
        links.add_row(
            row["link_id"],
            row["carrier"],
            f"{row['from_node']} → {row['to_node']}",
            row["unit"],
            _fmt(row["capacity"]),
            _fmt(row["flow_forward"]),
            _fmt(row["flow_backward"]),
            "—" if row["utilisation"] is None else f"{row['utilisation']:.0%}",
        )
    out.print(links)
    demands = Table(title="demand, unmet and dependency (shares of demand)")
    for column in (
        "region",
        "node",
        "carrier",
        "unit",
        "demand",
        "unmet",
        "supplier countries",
        "transit",
    ):
        demands.add_column(column)
    for d in result.demands:
        demands.add_row(
            f"{d['region']} ({d['country']})",
            d["node_id"] + (" (swap)" if d["role"] == "swap" else ""),
            d["carrier"],
            d["unit"],
            _fmt(d["demand"]),
            _fmt(d["unmet"]),
            _shares(d["by_supplier_country"]),
            _shares(d["by_transit_country"]),
        )
    out.print(demands)
    for swap in result.swaps:
        out.print(
            f"swap: {swap['power_delivered_gwh_per_year']:,.1f} GWh delivered at "
            f"{swap['power_node']} for {swap['gas_received_mcm_per_year']:,.1f} mcm at "
            f"{swap['gas_node']} ({swap['gwh_per_mcm']} GWh/mcm)"
        )
    if result.contracts:
        contracts = Table(title="contracts (per year)")
        for column in ("seller → buyer", "carrier", "unit", "quantity", "delivered", "take-or-pay"):
            contracts.add_column(column)
        for c in result.contracts:
            contracts.add_row(
                f"{c['seller']} → {c['buyer']}",
                c["carrier"],
                c["unit"],
                _fmt(c["quantity"]),
                _fmt(c["delivered"]),
                _fmt(c["take_or_pay"]),
            )
        out.print(contracts)
    for store in result.storage:
        out.print(
            f"storage {store['storage_id']} at {store['node_id']}: "
            f"{store['working_volume']:,.0f} {store['unit']} working volume, "
            f"{store['withdrawn']:,.1f} withdrawn and {store['injected']:,.1f} injected a year"
        )
    for plant in result.plants:
        out.print(
            f"plant {plant['plant_id']} at {plant['node_id']}: "
            f"{plant['power_sent_out_gwh_per_year']:,.1f} GWh from "
            f"{plant['gas_burnt_mcm_per_year']:,.1f} mcm of gas"
        )
    for note in result.assumptions:
        out.print(f"[yellow]assumption:[/yellow] {note}")
    for note in result.skipped:
        out.print(f"skipped: {note}")
