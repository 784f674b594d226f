"""The answer of ``tripp appraise``: NPV, BCR, EIRR and FIRR, the cash flows, who gains and
who loses, sensitivity, switching values and risk; as JSON (docs/appraisal.md) and frames."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from tripp.appraisal.benefits import TransitRevenue
from tripp.appraisal.cashflow import Flows


@dataclass(frozen=True)
class ProjectRow:
    """One project in the appraisal, with its financial result (USD, price-year prices)."""

    project_id: str
    name: str
    kind: str
    country: str
    owner: str
    sign: int
    changes: tuple[str, ...]
    capex_usd: float
    opex_usd_per_year: float
    net_revenue_usd_per_year: float
    fnpv_usd: float
    firr: float | None
    firr_note: str
    source_ids: tuple[str, ...]
    estimated: bool


@dataclass(frozen=True)
class AppraisalResult:
    """An appraisal of ``scenario`` against ``against`` (USD in ``price_year`` prices,
    discounted to ``first_year``)."""

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
    economic: Flows
    financial: Flows
    by_stakeholder: tuple[dict[str, Any], ...]
    projects: tuple[ProjectRow, ...]
    transit_revenue: tuple[TransitRevenue, ...]
    transit_npv_usd: dict[str, float]
    sensitivity: tuple[dict[str, Any], ...]
    switching_values: tuple[dict[str, Any], ...]
    risk: dict[str, Any] | None
    settings: dict[str, Any]
    notes: tuple[str, ...] = field(default=())
    queue_relief_usd_per_year: float = 0.0
    energy: dict[str, float] | None = None

    def cash_flows(self) -> list[dict[str, Any]]:
        """The economic cash flows by year (USD)."""
        flows = self.economic
        return [
            {
                "year": year,
                "capex_usd": float(flows.capex[k]),
                "opex_usd": float(flows.opex[k]),
                "residual_usd": float(flows.residual[k]),
                "benefits_usd": float(flows.benefits[k]),
                "net_usd": float(flows.net[k]),
                "financial_net_usd": float(self.financial.net[k]),
            }
            for k, year in enumerate(flows.years)
        ]

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready mapping; docs/appraisal.md documents every key."""
        return {
            "scenario": self.scenario,
            "against": self.against,
            "discount_rate": self.discount_rate,
            "financial_rate": self.financial_rate,
            "horizon_years": self.horizon_years,
            "price_year": self.price_year,
            "first_year": self.first_year,
            "open_year": self.open_year,
            "demand_year": self.demand_year,
            "npv_usd": _usd(self.npv_usd),
            "pv_benefits_usd": _usd(self.pv_benefits_usd),
            "pv_costs_usd": _usd(self.pv_costs_usd),
            "bcr": None if self.bcr is None else round(self.bcr, 4),
            "eirr": _rate(self.eirr),
            "eirr_note": self.eirr_note,
            "fnpv_usd": _usd(self.fnpv_usd),
            "firr": _rate(self.firr),
            "firr_note": self.firr_note,
            "cash_flows": [
                {k: _usd(v) if k != "year" else v for k, v in row.items()}
                for row in self.cash_flows()
            ],
            "by_stakeholder": [_rounded(row) for row in self.by_stakeholder],
            "projects": [
                {
                    **{
                        k: getattr(p, k)
                        for k in ("project_id", "name", "kind", "country", "owner", "sign")
                    },
                    "changes": list(p.changes),
                    "capex_usd": _usd(p.capex_usd),
                    "opex_usd_per_year": _usd(p.opex_usd_per_year),
                    "net_revenue_usd_per_year": _usd(p.net_revenue_usd_per_year),
                    "fnpv_usd": _usd(p.fnpv_usd),
                    "firr": _rate(p.firr),
                    "firr_note": p.firr_note,
                    "source_ids": list(p.source_ids),
                    "estimated": p.estimated,
                }
                for p in self.projects
            ],
            "transit_revenue": [
                {
                    "country": t.country,
                    "usd_per_year_before": _usd(t.usd_per_year_before),
                    "usd_per_year_after": _usd(t.usd_per_year_after),
                    "change_usd_per_year": _usd(t.usd_per_year_after - t.usd_per_year_before),
                    "t_per_year_before": round(t.t_per_year_before, 1),
                    "t_per_year_after": round(t.t_per_year_after, 1),
                    "npv_usd": _usd(self.transit_npv_usd.get(t.country, 0.0)),
                }
                for t in self.transit_revenue
            ],
            "sensitivity": [_rounded(row) for row in self.sensitivity],
            "switching_values": [_rounded(row) for row in self.switching_values],
            "risk": None if self.risk is None else _rounded(self.risk),
            "settings": self.settings,
            "queue_relief_usd_per_year": _usd(self.queue_relief_usd_per_year),
            "energy": None if self.energy is None else _rounded(self.energy),
            "notes": list(self.notes),
        }

    def to_json(self, *, indent: int | None = 2) -> str:
        """:meth:`to_dict` as JSON text."""
        return json.dumps(self.to_dict(), indent=indent, ensure_ascii=False)

    def to_frame(self) -> pd.DataFrame:
        """The cash flows by year (USD) as a frame."""
        return pd.DataFrame(self.cash_flows())


def _usd(value: float) -> float:
    return round(float(value), 0) + 0.0


def _rate(value: float | None) -> float | None:
    return None if value is None else round(value, 6)


def _rounded(row: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in row.items():
        if isinstance(value, float):
            out[key] = _usd(value) if key.endswith("_usd") or "_usd_" in key else round(value, 6)
        elif isinstance(value, list):
            out[key] = [_rounded(item) if isinstance(item, dict) else item for item in value]
        else:
            out[key] = value
    return out
