"""The response model of ``/api/appraise``: the JSON of
:meth:`tripp.appraisal.result.AppraisalResult.to_dict` (docs/appraisal.md), key for key.

Written out here because that ``to_dict()`` is written by hand rather than dumped from a
:class:`~tripp.atlas.jsonshape.JsonShape` (:mod:`tripp.api.schemas`); every model forbids
other keys, and tests/test_api_appraise.py validates a real answer against it, so the two
cannot drift apart unnoticed. Money is USD in the answer's ``price_year`` prices; rates are
fractions a year (0.05 = 5 %).
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class AppraisalCashFlowModel(_Strict):
    """One year of the economic cash flows (USD); ``financial_net_usd``: the owners' net."""

    year: int
    capex_usd: float
    opex_usd: float
    residual_usd: float
    benefits_usd: float
    net_usd: float
    financial_net_usd: float


class AppraisalStakeholderModel(_Strict):
    """Who gains or loses, by country: NPV and USD a year at full volume."""

    stakeholder: str
    country: str
    npv_usd: float
    usd_per_year: float


class AppraisedProjectModel(_Strict):
    """A project the scenario is charged for (``sign`` −1: one it closes), its financial result."""

    project_id: str
    name: str
    kind: str
    country: str
    owner: str
    sign: int
    changes: list[str]
    capex_usd: float
    opex_usd_per_year: float
    net_revenue_usd_per_year: float
    fnpv_usd: float
    firr: float | None
    firr_note: str
    source_ids: list[str]
    estimated: bool


class AppraisalTransitRevenueModel(_Strict):
    """A country's transit revenue (tariffs and fees on flows crossing it) before and after."""

    country: str
    usd_per_year_before: float
    usd_per_year_after: float
    change_usd_per_year: float
    t_per_year_before: float
    t_per_year_after: float
    npv_usd: float


class AppraisalSensitivityModel(_Strict):
    """The tornado: the NPV with one input moved down and up by ``change_pct``."""

    input: str
    npv_usd_low: float
    npv_usd_high: float
    swing_usd: float
    change_pct: float


class AppraisalSwitchingValueModel(_Strict):
    """The multiplier of an input (or the rate, or the years of delay) that brings the NPV
    to zero; None with the reason in ``note`` where none does."""

    input: str
    switching_value: float | None
    change_pct: float | None
    note: str


class AppraisalSobolModel(_Strict):
    """Sobol first-order and total indices of one uncertain input (with 95 % half-widths)."""

    input: str
    first_order: float
    first_order_conf: float
    total_order: float
    total_order_conf: float
    runs: int


class AppraisalRiskModel(_Strict):
    """The NPV's distribution over ``samples`` seeded draws, and which input drives it."""

    samples: int
    seed: int
    p10_npv_usd: float
    p50_npv_usd: float
    p90_npv_usd: float
    mean_npv_usd: float
    prob_npv_negative: float = Field(ge=0, le=1)
    sobol: list[AppraisalSobolModel]


class AppraisalEnergyModel(_Strict):
    """The energy model's runs, USD a year: system cost, of it domestic demand unmet at
    the value of lost load, and export revenue served, before and after."""

    system_cost_usd_before: float
    system_cost_usd_after: float
    unmet_domestic_usd_before: float
    unmet_domestic_usd_after: float
    export_revenue_usd_before: float
    export_revenue_usd_after: float


class AppraisalSettingsModel(_Strict):
    """The settings the appraisal ran with (``price_year`` resolved)."""

    discount_rate: float
    financial_rate: float
    horizon_years: int
    price_year: int
    conversion_factor: float
    ramp_up_years: int
    traffic_growth_pct_per_year: float
    operating_ratio: float


class AppraisalModel(_Strict):
    """NPV, BCR, EIRR and FIRR of ``scenario`` against ``against``; cash flows, who gains,
    sensitivity, switching values and (from a job with ``samples``) risk."""

    scenario: str
    against: str
    discount_rate: float
    financial_rate: float
    horizon_years: int
    price_year: int
    first_year: int
    open_year: int
    demand_year: int
    npv_usd: float
    pv_benefits_usd: float
    pv_costs_usd: float
    bcr: float | None
    eirr: float | None
    eirr_note: str
    fnpv_usd: float
    firr: float | None
    firr_note: str
    cash_flows: list[AppraisalCashFlowModel]
    by_stakeholder: list[AppraisalStakeholderModel]
    projects: list[AppraisedProjectModel]
    transit_revenue: list[AppraisalTransitRevenueModel]
    sensitivity: list[AppraisalSensitivityModel]
    switching_values: list[AppraisalSwitchingValueModel]
    risk: AppraisalRiskModel | None
    settings: AppraisalSettingsModel
    queue_relief_usd_per_year: float
    energy: AppraisalEnergyModel | None
    notes: list[str]
