"""Parameters of the energy model, each with its unit in its name.

The atlas carries no gas or power prices, so supplies cost the same by default and the
optimum is the one with the least unmet demand, then the least transport (cost per unit
and km). Unmet demand is a priced slack: domestic demand at the value of lost load (VOLL)
per carrier; an export offtake (or electricity owed under a swap) at the export netback,
the revenue the seller loses, so a shortfall of exports never reads as lost load.
"""

from __future__ import annotations

import calendar
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Final

#: Hours in a calendar year that is not a leap year.
HOURS_PER_YEAR: Final = 8760.0
#: MWh in one GWh.
MWH_PER_GWH: Final = 1000.0
#: Hours in a day (storage rates are given per day).
HOURS_PER_DAY: Final = 24.0


class Carrier(StrEnum):
    """Which energy carriers a run models."""

    GAS = "gas"
    POWER = "power"
    ALL = "all"

    def carriers(self) -> tuple[str, ...]:
        """The atlas carriers this choice models (oil is not modelled)."""
        return ("gas", "power") if self is Carrier.ALL else (self.value,)


class MissingCapacity(StrEnum):
    """What to do with an energy link that has no capacity."""

    ERROR = "error"  # raise InputError naming every such link (default)
    UNBOUNDED = "unbounded"  # treat as unlimited and list it in the result's assumptions


@dataclass(frozen=True, slots=True)
class EnergySettings:
    """Costs, losses and policies of an energy run.

    Gas flows are in mcm/h inside the model and mcm per year in results; power in MW
    inside and GWh per year in results. Costs are USD (price level of the figures).
    """

    gas_voll_usd_per_mcm: float = 3_000_000.0
    """Value of lost gas load: USD 3,000 per 1,000 m³, about ten times an import price."""
    power_voll_usd_per_mwh: float = 10_000.0
    """Value of lost power load, USD per MWh (the order regulators use)."""
    gas_export_netback_usd_per_mcm: float = 358_000.0
    """Value of an mcm of gas exported but not delivered: USD 358 per 1,000 m³, the declared
    customs value of Azerbaijan's gas exports in January–April 2024 (USD 2.759 bn for
    7.707 bcm; State Customs Committee via Interfax, 16 May 2024)."""
    power_export_netback_usd_per_mwh: float = 43.4
    """Value of a MWh of power exported but not delivered: USD 43.4, Azerbaijan's 2019
    exports (1.77 TWh for USD 76.8 million; State Customs Committee via Azernews, 2020)."""
    take_or_pay_usd_per_mcm: float = 358_000.0
    """What a buyer pays for contracted gas it does not take below its take-or-pay
    quantity, USD per mcm (the export value above): it makes the LP take contracted gas
    first, as a buyer who pays for it anyway would."""
    supply_swing: float = 1.2
    """How far above its mean rate a supply without a monthly profile may deliver in one month
    (its annual volume still caps the year): assumed 1.2, the order of the daily flexibility
    long-term gas contracts give over the annual average, so imports can follow winter."""
    gas_supply_cost_usd_per_mcm: float = 0.0
    """Cost of every gas supply or swap without its own entry in ``supply_cost``."""
    power_supply_cost_usd_per_mwh: float = 0.0
    """Cost of every power supply without its own entry in ``supply_cost``."""
    supply_cost: Mapping[str, float] = field(default_factory=dict)
    """Cost of one supply, keyed ``"node_id:carrier"``: USD per mcm (gas) or per MWh (power)."""
    gas_transport_usd_per_mcm_km: float = 20.0
    """Pipeline tariff: USD 20 per mcm and km (USD 2 per 1,000 m³ per 100 km)."""
    power_transport_usd_per_mwh_km: float = 0.005
    """Wheeling cost of power, USD per MWh and km; keeps flows on the shortest lines."""
    gas_loss_share_per_1000_km: float = 0.0
    """Share of gas lost (compressor fuel, leaks) per 1,000 km of pipeline, 0–1."""
    power_loss_share_per_1000_km: float = 0.0
    """Share of power lost per 1,000 km of line, 0–1."""
    missing_capacity: MissingCapacity = MissingCapacity.ERROR
    """An energy link without capacity is an error, or (``unbounded``) an assumption."""

    def voll(self, carrier: str) -> float:
        """Value of lost load of ``carrier`` in USD per model unit (mcm or MWh)."""
        return self.gas_voll_usd_per_mcm if carrier == "gas" else self.power_voll_usd_per_mwh

    def export_netback(self, carrier: str) -> float:
        """Value of an undelivered export of ``carrier`` in USD per model unit."""
        if carrier == "gas":
            return self.gas_export_netback_usd_per_mcm
        return self.power_export_netback_usd_per_mwh

    def take_or_pay_value(self, carrier: str) -> float:
        """What contracted ``carrier`` not taken below take-or-pay costs, USD per model unit
        (gas: :attr:`take_or_pay_usd_per_mcm`; power: the export netback)."""
        if carrier == "gas":
            return self.take_or_pay_usd_per_mcm
        return self.power_export_netback_usd_per_mwh

    def transport_cost(self, carrier: str) -> float:
        """Transport cost of ``carrier`` in USD per model unit and km."""
        if carrier == "gas":
            return self.gas_transport_usd_per_mcm_km
        return self.power_transport_usd_per_mwh_km

    def loss_share_per_1000_km(self, carrier: str) -> float:
        """Share of ``carrier`` lost per 1,000 km."""
        if carrier == "gas":
            return self.gas_loss_share_per_1000_km
        return self.power_loss_share_per_1000_km

    def cost_of_supply(self, node_id: str, carrier: str) -> float:
        """Cost of the supply at ``node_id`` in USD per model unit (mcm or MWh)."""
        default = (
            self.gas_supply_cost_usd_per_mcm
            if carrier == "gas"
            else self.power_supply_cost_usd_per_mwh
        )
        return float(self.supply_cost.get(f"{node_id}:{carrier}", default))

    def to_dict(self) -> dict[str, object]:
        """JSON-ready mapping of every parameter."""
        return {
            "gas_voll_usd_per_mcm": self.gas_voll_usd_per_mcm,
            "power_voll_usd_per_mwh": self.power_voll_usd_per_mwh,
            "gas_export_netback_usd_per_mcm": self.gas_export_netback_usd_per_mcm,
            "power_export_netback_usd_per_mwh": self.power_export_netback_usd_per_mwh,
            "take_or_pay_usd_per_mcm": self.take_or_pay_usd_per_mcm,
            "supply_swing": self.supply_swing,
            "gas_supply_cost_usd_per_mcm": self.gas_supply_cost_usd_per_mcm,
            "power_supply_cost_usd_per_mwh": self.power_supply_cost_usd_per_mwh,
            "supply_cost": dict(self.supply_cost),
            "gas_transport_usd_per_mcm_km": self.gas_transport_usd_per_mcm_km,
            "power_transport_usd_per_mwh_km": self.power_transport_usd_per_mwh_km,
            "gas_loss_share_per_1000_km": self.gas_loss_share_per_1000_km,
            "power_loss_share_per_1000_km": self.power_loss_share_per_1000_km,
            "missing_capacity": self.missing_capacity.value,
        }


def month_hours(year: int) -> tuple[float, ...]:
    """Hours in each month of ``year``: the weights of the 12 monthly snapshots."""
    return tuple(24.0 * calendar.monthrange(year, month)[1] for month in range(1, 13))
