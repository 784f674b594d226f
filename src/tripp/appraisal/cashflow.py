"""Yearly cash flows of an appraisal (USD in the price year's prices) from the model's
yearly benefits and the projects' costs, under factors that scale its uncertain inputs.

* Years run from the first year of spending (or the opening year, if earlier) for
  ``horizon_years``; flows are discounted to that first year.
* Benefits start in the opening year (the scenario's year, later by ``delay_years``), grow
  linearly to the model's volume over the ramp-up years, then follow the traffic growth
  rate from the model's demand year.
* Capex is spent as the projects table says; a project whose economic life ends inside
  the horizon is renewed at its capex; what is left of its last life at the end of the
  horizon is its residual value (straight line), an inflow of the last year. Opex runs from
  opening. The economic analysis prices capex, opex and residual at the conversion factor.
* A project counts with its sign (+1 the scenario's, −1 the base's).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from tripp.appraisal.finance import FloatArray

#: What drives a benefit stream: tonnes (``traffic``), tonnes and the value of time
#: (``time``), or the energy model (``energy``).
DRIVERS = ("traffic", "time", "energy")


@dataclass(frozen=True, slots=True)
class BenefitStream:
    """A benefit a year at the model's full volume (USD, price-year prices) to one
    stakeholder of one country; ``driver`` says which factor scales it."""

    stakeholder: str
    country: str
    usd_per_year: float
    driver: str


@dataclass(frozen=True, slots=True)
class ProjectCosts:
    """One project's costs in the price year's prices: capex by calendar year (USD),
    opex once open (USD/year), economic life (years), sign, and the operator's net revenue
    on its elements in the model (USD/year at full volume, for the financial analysis)."""

    project_id: str
    country: str
    sign: int
    capex_by_year: dict[int, float]
    opex_usd_per_year: float
    life_years: int
    net_revenue_usd_per_year: float

    @property
    def capex_usd(self) -> float:
        """Total capital cost (USD)."""
        return sum(self.capex_by_year.values())


@dataclass(frozen=True, slots=True)
class Factors:
    """Multipliers of the uncertain inputs (1: as given) and a delay of opening (years)."""

    capex: float = 1.0
    opex: float = 1.0
    traffic: float = 1.0
    value_of_time: float = 1.0
    energy: float = 1.0
    delay_years: int = 0
    capex_each: tuple[float, ...] = ()  # per project of the model, times ``capex``


@dataclass(frozen=True, slots=True)
class Flows:
    """Yearly flows (USD) of one analysis: capex, opex, residual value, benefits, net."""

    years: tuple[int, ...]
    capex: FloatArray
    opex: FloatArray
    residual: FloatArray
    benefits: FloatArray

    @property
    def net(self) -> FloatArray:
        """Benefits − capex − opex + residual value, by year."""
        return self.benefits - self.capex - self.opex + self.residual


@dataclass(frozen=True)
class CashFlowModel:
    """Everything the cash flows of an appraisal derive from."""

    first_year: int
    horizon_years: int
    open_year: int
    demand_year: int
    ramp_up_years: int
    traffic_growth_pct_per_year: float
    conversion_factor: float
    benefits: tuple[BenefitStream, ...]
    projects: tuple[ProjectCosts, ...]
    years: tuple[int, ...] = field(init=False)

    def __post_init__(self) -> None:
        span = range(self.first_year, self.first_year + self.horizon_years)
        object.__setattr__(self, "years", tuple(span))

    def volume_share(self, factors: Factors) -> FloatArray:
        """Per year: the share of the model's volume that moves (0 before opening, the
        ramp-up, then growth from the demand year), times the traffic factor."""
        year = np.asarray(self.years, dtype=np.float64)
        opened = self.open_year + factors.delay_years
        since = year - opened + 1
        ramp = (
            np.clip(since / self.ramp_up_years, 0, 1) if self.ramp_up_years else 1.0 * (since >= 1)
        )
        growth = (1 + self.traffic_growth_pct_per_year / 100) ** np.maximum(
            0.0, year - self.demand_year
        )
        return np.asarray(ramp * growth * factors.traffic, dtype=np.float64)

    def stream(self, benefit: BenefitStream, factors: Factors) -> FloatArray:
        """One benefit by year."""
        scale = {"traffic": 1.0, "time": factors.value_of_time, "energy": factors.energy}
        if benefit.driver == "energy":  # the energy model's year from opening: no ramp
            year = np.asarray(self.years)
            share = (year >= self.open_year + factors.delay_years).astype(np.float64)
        else:
            share = self.volume_share(factors)
        return np.asarray(benefit.usd_per_year * scale[benefit.driver] * share, dtype=np.float64)

    def project_flows(
        self, project: ProjectCosts, factors: Factors, *, economic: bool, overrun: float = 1.0
    ) -> Flows:
        """A project's capex (with renewals), opex and residual value by year, signed;
        ``overrun`` multiplies its capex besides ``factors.capex``."""
        n = self.horizon_years
        price = (self.conversion_factor if economic else 1.0) * project.sign
        capex, opex, residual = np.zeros(n), np.zeros(n), np.zeros(n)
        for year, usd in project.capex_by_year.items():
            if 0 <= year - self.first_year < n:
                capex[year - self.first_year] += usd
        opened = self.open_year + factors.delay_years
        last = self.years[-1]
        renewal = opened + project.life_years
        while renewal <= last:
            capex[renewal - self.first_year] += project.capex_usd
            renewal += project.life_years
        life_left = renewal - last - 1
        if opened <= last:
            opex[max(0, opened - self.first_year) :] = project.opex_usd_per_year * factors.opex
            residual[-1] = project.capex_usd * min(1.0, life_left / project.life_years)
        else:
            residual[-1] = project.capex_usd  # never opened: its assets are all left
        capex, residual = capex * factors.capex * overrun, residual * factors.capex * overrun
        zero = np.zeros(n)
        return Flows(self.years, capex * price, opex * price, residual * price, zero)

    def economic(self, factors: Factors) -> Flows:
        """The economic analysis's yearly flows."""
        benefits = sum(
            (self.stream(b, factors) for b in self.benefits), np.zeros(self.horizon_years)
        )
        return self._with_costs(np.asarray(benefits), factors, economic=True)

    def financial(self, factors: Factors) -> Flows:
        """The project owners' flows: their operators' net revenue on the projects'
        elements, at market prices."""
        share = self.volume_share(factors)
        revenue = sum(
            (p.sign * p.net_revenue_usd_per_year * share for p in self.projects),
            np.zeros(self.horizon_years),
        )
        return self._with_costs(np.asarray(revenue), factors, economic=False)

    def _with_costs(self, benefits: FloatArray, factors: Factors, *, economic: bool) -> Flows:
        n = self.horizon_years
        capex, opex, residual = np.zeros(n), np.zeros(n), np.zeros(n)
        overruns = factors.capex_each or (1.0,) * len(self.projects)
        for project, overrun in zip(self.projects, overruns, strict=True):
            flows = self.project_flows(project, factors, economic=economic, overrun=overrun)
            capex += flows.capex
            opex += flows.opex
            residual += flows.residual
        return Flows(self.years, capex, opex, residual, benefits)
