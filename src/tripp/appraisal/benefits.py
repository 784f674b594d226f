"""The yearly benefits of a scenario against its base, per stakeholder and country, from two
freight ledgers (:mod:`tripp.appraisal.freight_ledger`) and two energy results.

* **shippers** gain what their generalised cost falls: money (tariffs, charges, fees) and
  time valued at each cargo's value of time, at free-flow hours (running times and the
  atlas's border dwells), summed over the origin–destination pairs served in both runs
  (demand is the same; a pair served in one run only has no cost to compare, and is
  listed instead). The relief of the queues the volume-delay functions add is reported
  apart and not counted: with fixed demand a queue over capacity grows without bound, so
  its relief has no upper limit a shipper would pay;
* **operators** gain their net revenue: (1 − operating ratio) × the change of tariff and
  transfer revenue in their country;
* **governments** gain the change of the border fees they collect;
* the **energy system** gains the fall of its system cost (supply, transport, domestic
  demand unmet at the value of lost load) plus the rise of export revenue served
  (at the export netback).

Fees and tariffs are transfers: what shippers pay, operators and governments earn, so the
total counts only the operators' running cost and the value of time.
"""

from __future__ import annotations

from dataclasses import dataclass

from tripp.appraisal.cashflow import BenefitStream
from tripp.appraisal.freight_ledger import FreightLedger, OdKey
from tripp.energy_model.result import EnergyResult
from tripp.energy_model.settings import MWH_PER_GWH


@dataclass(frozen=True)
class TransitRevenue:
    """A country's yearly transit revenue (USD, price-year prices) and transit tonnes
    (t/year), without and with the scenario."""

    country: str
    usd_per_year_before: float
    usd_per_year_after: float
    t_per_year_before: float
    t_per_year_after: float


def _by_country(
    values: dict[OdKey, float], country: dict[OdKey, str], keys: set[OdKey]
) -> dict[str, float]:
    out: dict[str, float] = {}
    for key in keys:
        out[country[key]] = out.get(country[key], 0.0) + values.get(key, 0.0)
    return out


def freight_benefits(
    before: FreightLedger, after: FreightLedger, *, operating_ratio: float, price_factor: float
) -> tuple[list[BenefitStream], list[OdKey], float]:
    """Benefit streams of the freight model (USD/year × ``price_factor``), the OD pairs
    served in one run only, and the shippers' queue relief left out (USD/year)."""
    both = set(before.shipper_cost_usd) & set(after.shipper_cost_usd)
    one_only = sorted(set(before.shipper_cost_usd) ^ set(after.shipper_cost_usd))
    country = {**before.od_country, **after.od_country}
    streams: list[BenefitStream] = []

    def add(
        stakeholder: str,
        values_before: dict[str, float],
        values_after: dict[str, float],
        driver: str,
        scale: float = 1.0,
    ) -> None:
        for c in sorted(set(values_before) | set(values_after)):
            usd = (values_before.get(c, 0.0) - values_after.get(c, 0.0)) * scale * price_factor
            if usd:
                streams.append(BenefitStream(stakeholder, c, usd, driver))

    money_b = _by_country(before.shipper_money_usd, country, both)
    money_a = _by_country(after.shipper_money_usd, country, both)
    cost_b = _by_country(before.shipper_cost_usd, country, both)
    cost_a = _by_country(after.shipper_cost_usd, country, both)
    add("shippers", money_b, money_a, "traffic")
    time_b = _by_country(before.shipper_time_free_usd, country, both)
    time_a = _by_country(after.shipper_time_free_usd, country, both)
    add("shippers", time_b, time_a, "time")
    congested = sum(cost_b.values()) - sum(money_b.values()) - sum(cost_a.values())
    congested += sum(money_a.values())
    queue_relief = (congested - (sum(time_b.values()) - sum(time_a.values()))) * price_factor
    add(
        "operators",
        before.operator_revenue_usd,
        after.operator_revenue_usd,
        "traffic",
        -(1.0 - operating_ratio),
    )
    add("governments", before.fees_usd, after.fees_usd, "traffic", -1.0)
    return streams, one_only, queue_relief


def transit_revenue(
    before: FreightLedger, after: FreightLedger, *, price_factor: float
) -> list[TransitRevenue]:
    """Every country's transit revenue and tonnes before and after, largest change first."""
    countries = set(before.transit_revenue_usd) | set(after.transit_revenue_usd)
    countries |= set(before.transit_t) | set(after.transit_t)
    rows = [
        TransitRevenue(
            c,
            before.transit_revenue_usd.get(c, 0.0) * price_factor,
            after.transit_revenue_usd.get(c, 0.0) * price_factor,
            before.transit_t.get(c, 0.0),
            after.transit_t.get(c, 0.0),
        )
        for c in countries
    ]
    return sorted(
        rows, key=lambda r: (-abs(r.usd_per_year_after - r.usd_per_year_before), r.country)
    )


def export_revenue_usd(result: EnergyResult) -> float:
    """Revenue of the exports (and power owed under swaps) a result serves, at the export
    netback (USD/year)."""
    total = 0.0
    for d in result.demands:
        if d["role"] in ("export", "swap"):
            per_annual_unit = MWH_PER_GWH if d["carrier"] == "power" else 1.0
            total += d["served"] * d["shortfall_value_usd_per_unit"] * per_annual_unit
    return total


def energy_benefit(
    before: EnergyResult, after: EnergyResult, *, price_factor: float
) -> tuple[BenefitStream, dict[str, float]]:
    """The energy system's yearly gain — system cost saved plus export revenue gained — and
    its parts before and after (USD/year × ``price_factor``): system cost, of it domestic
    demand unmet at the value of lost load, and export revenue served."""
    exports_before, exports_after = export_revenue_usd(before), export_revenue_usd(after)
    saved = before.system_cost_usd - after.system_cost_usd
    parts = {
        "system_cost_usd_before": before.system_cost_usd,
        "system_cost_usd_after": after.system_cost_usd,
        "unmet_domestic_usd_before": before.cost_usd["unmet_domestic"],
        "unmet_domestic_usd_after": after.cost_usd["unmet_domestic"],
        "export_revenue_usd_before": exports_before,
        "export_revenue_usd_after": exports_after,
    }
    gain = (saved + exports_after - exports_before) * price_factor
    stream = BenefitStream("energy system", "all", gain, "energy")
    return stream, {k: v * price_factor for k, v in parts.items()}
