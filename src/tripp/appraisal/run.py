"""``tripp appraise SCENARIO --against BASE``: the with/without runs, their benefits and the
projects' costs, as an :class:`~tripp.appraisal.result.AppraisalResult`.

Both networks are run in the scenario's year on its demand: the base with the network of
its own year (:func:`tripp.appraisal.network.as_of`), the scenario with its own. So what
opens in between — on the atlas's dates or by the scenario's rules — is what the scenario
changes, and the projects whose elements differ are the ones it is charged for
(:mod:`tripp.appraisal.projects`). To appraise one project, appraise a scenario against a
copy of it that closes the project (``close = [...]``): both then have the same year.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

from tripp.appraisal.benefits import (
    TransitRevenue,
    energy_benefit,
    freight_benefits,
    transit_revenue,
)
from tripp.appraisal.cashflow import BenefitStream, CashFlowModel, Factors, ProjectCosts
from tripp.appraisal.finance import bcr, discount_factors, irr, present_value
from tripp.appraisal.freight_ledger import FreightLedger, OdKey, freight_ledger
from tripp.appraisal.network import as_of
from tripp.appraisal.prices import MODEL_PRICE_YEAR, load_index
from tripp.appraisal.projects import ProjectInScope, offer, projects_in_scope
from tripp.appraisal.result import AppraisalResult, ProjectRow
from tripp.appraisal.risk import RiskModel, risk
from tripp.appraisal.sensitivity import switching_values, tornado
from tripp.appraisal.settings import AppraisalSettings
from tripp.atlas.model import Atlas, is_available
from tripp.errors import ConvergenceError, FieldProblem, InputError
from tripp.freight.scenario import assign
from tripp.freight.settings import FreightSettings
from tripp.resilience.runner import Progress
from tripp.scenarios.network import ScenarioNetwork
from tripp.units import ENERGY_MODES

#: The most samples a risk analysis draws.
MAX_SAMPLES = 1_000_000


#: Volume/capacity above which an element's queue is outside what fixed demand can mean.
OVERLOAD_V_C = 1.0


@dataclass(frozen=True)
class _Runs:
    """What the model runs found besides the cash-flow model."""

    scope: list[ProjectInScope]
    one_only: list[OdKey]
    energy: dict[str, float] | None
    transit: list[TransitRevenue]
    overloaded: list[str]
    queue_relief_usd_per_year: float


def _freight(
    base: ScenarioNetwork,
    other: ScenarioNetwork,
    settings: FreightSettings | None,
    demand_year: int,
) -> tuple[FreightLedger, FreightLedger, list[str]]:
    year = other.year
    ledgers, overloaded = [], []
    for network in (base, other):
        result = assign(network, year=year, demand_year=demand_year, settings=settings)
        if not result.converged:
            raise ConvergenceError(
                f"route choice of {network.name} in {year} did not converge (gap "
                f"{result.relative_gap:.2e}); no benefit is read from it"
            )
        ledgers.append(freight_ledger(network.graph, result))
        overloaded += [
            f"{e.element_id} in {network.name}: v/c {e.v_c:.2f}, {e.delay_h:,.0f} h of delay"
            for e in result.elements
            if e.v_c is not None and e.v_c > OVERLOAD_V_C
        ]
    return ledgers[0], ledgers[1], overloaded


def _energy_differs(base: Atlas, other: Atlas, year: int) -> bool:
    """Whether the two atlases differ in anything the energy model reads in ``year``: its
    rows, contracts, or which energy links, storage and plants are open, with what."""
    if (base.energy, base.contracts) != (other.energy, other.contracts):
        return True

    def open_rows(atlas: Atlas) -> list[tuple[Any, ...]]:
        rows: list[Any] = [link for link in atlas.links if link.mode in ENERGY_MODES]
        rows += [*atlas.storage, *atlas.plants]
        found = [
            (type(row).__name__, *offer(row).values())
            for row in rows
            if is_available(row.status, row.open_year, year)
        ]
        return sorted(found, key=repr)

    return open_rows(base) != open_rows(other)


def _energy(
    base: ScenarioNetwork, other: ScenarioNetwork, price_factor: float
) -> tuple[BenefitStream, dict[str, float]] | None:
    from tripp.energy_model.api import solve_energy

    year = other.year
    if not _energy_differs(base.atlas, other.atlas, year):
        return None
    before, after = (solve_energy(n.atlas, year=year, scenario=n.name) for n in (base, other))
    return energy_benefit(before, after, price_factor=price_factor)


def _project_costs(
    scope: list[ProjectInScope],
    before: FreightLedger,
    after: FreightLedger,
    settings: AppraisalSettings,
    price_year: int,
) -> list[ProjectCosts]:
    index = load_index()
    model_factor = index.factor(MODEL_PRICE_YEAR, price_year)
    out = []
    for item in scope:
        p = item.project
        factor = index.factor(
            p.price_year, price_year, field=f"projects.csv {p.project_id} price_year"
        )
        revenue = sum(
            after.element_revenue_usd.get(e, 0.0) - before.element_revenue_usd.get(e, 0.0)
            for e in p.elements
        )
        out.append(
            ProjectCosts(
                p.project_id,
                p.country,
                item.sign,
                {y: usd * factor for y, usd in p.capex_by_year().items()},
                p.opex_usd_per_year * factor,
                p.economic_life_years,
                item.sign * revenue * (1 - settings.operating_ratio) * model_factor,
            )
        )
    return out


def appraise(
    other: ScenarioNetwork,
    *,
    against: ScenarioNetwork,
    settings: AppraisalSettings | None = None,
    freight_settings: FreightSettings | None = None,
    demand_year: int | None = None,
    samples: int = 0,
    seed: int = 0,
    workers: int | None = None,
    scheduler: str | None = None,
    progress: Progress | None = None,
) -> AppraisalResult:
    """Appraise the scenario ``other`` against the scenario ``against``.

    Both run on the demand of ``demand_year`` (default: the scenario's). ``samples`` > 0
    adds a risk analysis of that many seeded draws on Dask (``workers`` local processes,
    or the cluster at ``scheduler``). Raises
    :class:`~tripp.errors.InputError` for options out of range, a price year the index
    lacks or a horizon that ends before opening; :class:`~tripp.errors.ConvergenceError`
    where a model run does not converge (no figure is read from it).

    >>> import tripp
    >>> atlas = tripp.load_atlas()
    >>> base, other = tripp.scenario(atlas, "baseline-2025"), tripp.scenario(atlas, "tripp-2030")
    >>> result = tripp.appraise(other, against=base)
    >>> result.scenario, result.open_year, result.horizon_years
    ('tripp-2030', 2030, 30)
    """
    base = as_of(against)
    settings = settings or AppraisalSettings()
    settings.check()
    if not 0 <= samples <= MAX_SAMPLES:
        raise InputError(
            FieldProblem("samples", f"{samples} samples", f"give 0 to {MAX_SAMPLES:,} samples")
        )
    index = load_index()
    price_year = settings.price_year or index.latest_year
    model_factor = index.factor(MODEL_PRICE_YEAR, price_year)
    year = other.year
    demand_year = other.demand_year if demand_year is None else demand_year
    if demand_year is None:
        raise InputError(
            FieldProblem("scenario", f"{other.name} has no demand", "use an atlas with demand.csv")
        )
    before, after, overloaded = _freight(base, other, freight_settings, demand_year)
    streams, one_only, queue_relief = freight_benefits(
        before, after, operating_ratio=settings.operating_ratio, price_factor=model_factor
    )
    energy = _energy(base, other, model_factor)
    if energy is not None:
        streams.append(energy[0])
    scope = projects_in_scope(base.atlas, other.atlas, year)
    costs = _project_costs(scope, before, after, settings, price_year)
    first_year = min([min(c.capex_by_year) for c in costs] + [year])
    if year >= first_year + settings.horizon_years:
        raise InputError(
            FieldProblem(
                "horizon_years",
                f"{settings.horizon_years} years from {first_year} end before opening in {year}",
                f"give at least {year - first_year + 1} years",
            )
        )
    model = CashFlowModel(
        first_year,
        settings.horizon_years,
        year,
        demand_year,
        settings.ramp_up_years,
        settings.traffic_growth_pct_per_year,
        settings.conversion_factor,
        tuple(streams),
        tuple(costs),
    )
    transit = transit_revenue(before, after, price_factor=model_factor)
    runs = _Runs(
        scope, one_only, None if energy is None else energy[1], transit, overloaded, queue_relief
    )
    result = _result(base, other, model, runs, settings, price_year)
    if samples:
        kinds = tuple(item.project.kind for item in scope)
        drawn = risk(
            RiskModel(model, kinds, settings.discount_rate, seed),
            samples,
            workers=workers,
            scheduler=scheduler,
            progress=progress,
        )
        result = dataclasses.replace(result, risk=drawn)
    return result


def _result(
    base: ScenarioNetwork,
    other: ScenarioNetwork,
    model: CashFlowModel,
    runs: _Runs,
    settings: AppraisalSettings,
    price_year: int,
) -> AppraisalResult:
    rate, factors = settings.discount_rate, Factors()
    economic, financial = model.economic(factors), model.financial(factors)
    pv_benefits = present_value(economic.benefits, rate)
    pv_costs = present_value(economic.capex + economic.opex - economic.residual, rate)
    eirr = irr(economic.net, has_benefits=pv_benefits > 0)
    firr = irr(financial.net, has_benefits=present_value(financial.benefits, 0.0) > 0)
    return AppraisalResult(
        scenario=str(other.name),
        against=str(base.name),
        discount_rate=rate,
        financial_rate=settings.financial_rate,
        horizon_years=settings.horizon_years,
        price_year=price_year,
        first_year=model.first_year,
        open_year=model.open_year,
        demand_year=model.demand_year,
        npv_usd=present_value(economic.net, rate),
        pv_benefits_usd=pv_benefits,
        pv_costs_usd=pv_costs,
        bcr=bcr(pv_benefits, pv_costs),
        eirr=eirr.value,
        eirr_note=eirr.note,
        fnpv_usd=present_value(financial.net, settings.financial_rate),
        firr=firr.value,
        firr_note=firr.note,
        economic=economic,
        financial=financial,
        by_stakeholder=tuple(_stakeholders(model, rate)),
        projects=tuple(_projects(model, runs.scope, settings.financial_rate)),
        transit_revenue=tuple(runs.transit),
        transit_npv_usd=_transit_npv(model, runs.transit, rate),
        sensitivity=tuple(tornado(model, rate)),
        switching_values=tuple(switching_values(model, rate, eirr.value)),
        risk=None,
        settings=dataclasses.asdict(settings) | {"price_year": price_year},
        notes=_notes(runs),
        energy=runs.energy,
        queue_relief_usd_per_year=runs.queue_relief_usd_per_year,
    )


def _stakeholders(model: CashFlowModel, rate: float) -> list[dict[str, Any]]:
    """Per stakeholder and country: USD a year at full volume and NPV; the projects'
    owners carry capex, opex and residual value (economic prices)."""
    factors = Factors()
    rows: dict[tuple[str, str], list[float]] = {}
    for stream in model.benefits:
        row = rows.setdefault((stream.stakeholder, stream.country), [0.0, 0.0])
        row[0] += stream.usd_per_year
        row[1] += present_value(model.stream(stream, factors), rate)
    for cost in model.projects:
        flows = model.project_flows(cost, factors, economic=True)
        row = rows.setdefault(("project owners", cost.country), [0.0, 0.0])
        row[0] -= cost.sign * cost.opex_usd_per_year * model.conversion_factor
        row[1] += present_value(flows.residual - flows.capex - flows.opex, rate)
    out = [
        {"stakeholder": s, "country": c, "npv_usd": npv, "usd_per_year": usd}
        for (s, c), (usd, npv) in rows.items()
    ]
    return sorted(out, key=lambda r: -abs(r["npv_usd"]))


def _projects(model: CashFlowModel, scope: list[ProjectInScope], rate: float) -> list[ProjectRow]:
    """Each project's financial result: its operators' net revenue against its costs."""
    out = []
    for item, cost in zip(scope, model.projects, strict=True):
        flows = dataclasses.replace(model, projects=(cost,)).financial(Factors())
        found = irr(flows.net, has_benefits=present_value(flows.benefits, 0.0) > 0)
        p = item.project
        out.append(
            ProjectRow(
                p.project_id,
                p.name,
                p.kind,
                p.country,
                p.owner,
                item.sign,
                item.changes,
                cost.capex_usd,
                cost.opex_usd_per_year,
                cost.net_revenue_usd_per_year,
                present_value(flows.net, rate),
                found.value,
                found.note,
                p.source_ids,
                p.estimated,
            )
        )
    return out


def _transit_npv(
    model: CashFlowModel, transit: list[TransitRevenue], rate: float
) -> dict[str, float]:
    """Per country: the NPV of its change of transit revenue (USD)."""
    weight = float(model.volume_share(Factors()) @ discount_factors(model.horizon_years, rate))
    return {t.country: (t.usd_per_year_after - t.usd_per_year_before) * weight for t in transit}


def _notes(runs: _Runs) -> tuple[str, ...]:
    notes = [
        f"{item.project.project_id} ({'+' if item.sign > 0 else '-'}): {'; '.join(item.changes)}"
        for item in runs.scope
    ]
    if not runs.scope:
        notes.append("no project of projects.csv differs between the two networks: no costs")
    if runs.one_only:
        notes.append(
            f"{len(runs.one_only)} origin-destination pairs have a route in one run only; "
            "their shippers' cost cannot be compared and is left out: "
            + ", ".join(f"{k[0]}→{k[1]} {k[3]}" for k in runs.one_only[:5])
        )
    notes.append(
        f"shippers' time is valued at free-flow hours and border dwells; the relief of modelled "
        f"queues, USD {runs.queue_relief_usd_per_year / 1e6:,.0f} million a year, is not counted"
    )
    if runs.overloaded:
        notes.append(
            "demand above capacity (fixed demand queues without bound there): "
            + "; ".join(runs.overloaded)
        )
    if runs.energy is None:
        notes.append("the scenario changes nothing the energy model reads: no energy benefit")
    notes.append(
        f"the model's money figures (tariffs, fees, values of time, netbacks) are taken as "
        f"{MODEL_PRICE_YEAR} prices"
    )
    return tuple(notes)
