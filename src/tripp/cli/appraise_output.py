"""Tables of ``tripp appraise``: the headline figures, who gains and who loses, the
projects, transit revenue, the tornado and switching values."""

from __future__ import annotations

from tripp.appraisal.result import AppraisalResult
from tripp.cli.display import console

#: Rows of each ranking the tables show (the JSON has them all).
SHOWN_ROWS = 12


def _musd(value: float | None) -> str:
    return "—" if value is None else f"{value / 1e6:,.1f}"


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{value:.1%}"


def print_appraisal_summary(result: AppraisalResult) -> None:
    """The headline of ``result`` in a few lines (the demo's)."""
    out = console()
    eirr = _pct(result.eirr) if result.eirr is not None else "none"
    out.print(
        f"Appraisal of {result.scenario} against {result.against} ({len(result.projects)} "
        f"projects, {result.discount_rate:.1%}, {result.horizon_years} years, USD of "
        f"{result.price_year}): NPV {_musd(result.npv_usd)} M, BCR "
        f"{'—' if result.bcr is None else f'{result.bcr:.2f}'}, EIRR {eirr}; queue relief "
        f"not counted: {_musd(result.queue_relief_usd_per_year)} M a year "
        f"(`tripp appraise {result.scenario} --against {result.against}` for the tables)."
    )
    changes = ", ".join(
        f"{t.country} {_musd(t.usd_per_year_after - t.usd_per_year_before)}"
        for t in result.transit_revenue[:5]
    )
    out.print(f"Transit revenue change, USD million a year: {changes}.")


def print_appraisal(result: AppraisalResult) -> None:
    """Print ``result`` as tables (USD million in the price year's prices)."""
    from rich.table import Table

    out = console()
    out.print(
        f"[bold]{result.scenario}[/] against [bold]{result.against}[/]: opening "
        f"{result.open_year}, demand {result.demand_year}, {result.horizon_years} years from "
        f"{result.first_year}, USD of {result.price_year}, discount rate "
        f"{result.discount_rate:.1%} (financial {result.financial_rate:.1%})"
    )
    head = Table(title="appraisal (USD million)")
    for column in ("NPV", "PV benefits", "PV costs", "BCR", "EIRR", "financial NPV", "FIRR"):
        head.add_column(column, justify="right")
    head.add_row(
        _musd(result.npv_usd),
        _musd(result.pv_benefits_usd),
        _musd(result.pv_costs_usd),
        "—" if result.bcr is None else f"{result.bcr:,.2f}",
        _pct(result.eirr) if result.eirr is not None else f"none ({result.eirr_note})",
        _musd(result.fnpv_usd),
        _pct(result.firr) if result.firr is not None else f"none ({result.firr_note})",
    )
    out.print(head)
    if result.risk:
        r = result.risk
        out.print(
            f"risk ({r['samples']:,} samples, seed {r['seed']}): NPV P10 {_musd(r['p10_npv_usd'])}"
            f", P50 {_musd(r['p50_npv_usd'])}, P90 {_musd(r['p90_npv_usd'])} USD million; "
            f"P(NPV < 0) {r['prob_npv_negative']:.1%}"
        )
        if r["sobol"]:
            shares = ", ".join(f"{row['input']} {row['total_order']:.2f}" for row in r["sobol"])
            out.print(f"Sobol total indices ({r['sobol'][0]['runs']:,} runs): {shares}")
    if result.energy:
        e = result.energy
        out.print(
            f"energy system, USD million a year: system cost {_musd(e['system_cost_usd_before'])}"
            f" → {_musd(e['system_cost_usd_after'])} (of it demand unmet at the value of lost "
            f"load {_musd(e['unmet_domestic_usd_before'])} → "
            f"{_musd(e['unmet_domestic_usd_after'])}); export revenue "
            f"{_musd(e['export_revenue_usd_before'])} → {_musd(e['export_revenue_usd_after'])}"
        )
    gains = Table(title="who gains and who loses (USD million)")
    for column in ("stakeholder", "country", "a year", "NPV"):
        gains.add_column(
            column, justify="left" if column in ("stakeholder", "country") else "right"
        )
    for row in result.by_stakeholder[:SHOWN_ROWS]:
        gains.add_row(
            row["stakeholder"], row["country"], _musd(row["usd_per_year"]), _musd(row["npv_usd"])
        )
    out.print(gains)
    projects = Table(title="projects in the appraisal (USD million)")
    for column in (
        "project",
        "country",
        "side",
        "capex",
        "opex/yr",
        "net revenue/yr",
        "FNPV",
        "FIRR",
    ):
        projects.add_column(column)
    for p in result.projects:
        projects.add_row(
            p.project_id,
            p.country,
            "scenario" if p.sign > 0 else "base",
            _musd(p.capex_usd),
            _musd(p.opex_usd_per_year),
            _musd(p.net_revenue_usd_per_year),
            _musd(p.fnpv_usd),
            _pct(p.firr),
        )
    out.print(projects)
    transit = Table(title="transit revenue (USD million a year)")
    for column in ("country", "before", "after", "change", "NPV of change"):
        transit.add_column(column, justify="right")
    for t in result.transit_revenue[:SHOWN_ROWS]:
        transit.add_row(
            t.country,
            _musd(t.usd_per_year_before),
            _musd(t.usd_per_year_after),
            _musd(t.usd_per_year_after - t.usd_per_year_before),
            _musd(result.transit_npv_usd.get(t.country)),
        )
    out.print(transit)
    tornado = Table(title="sensitivity: each input ±20 % (NPV, USD million)")
    for column in ("input", "−20 %", "+20 %", "switching value"):
        tornado.add_column(column)
    switching = {row["input"]: row for row in result.switching_values}
    for row in result.sensitivity:
        value = switching.get(row["input"], {})
        shown = value.get("switching_value")
        tornado.add_row(
            row["input"],
            _musd(row["npv_usd_low"]),
            _musd(row["npv_usd_high"]),
            "—"
            if shown is None
            else f"{shown:.3g}× "
            if row["input"] != "discount_rate"
            else _pct(shown),
        )
    out.print(tornado)
    for note in result.notes:
        out.print(f"note: {note}")
