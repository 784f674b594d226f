"""Parameters of an appraisal, each with its unit in its name, and the checks that refuse
absurd ones.

Discount rates are real (prices of one price year). The presets are the rates the guides
publish for the economic analysis: the EU Guide to Cost-Benefit Analysis of Investment
Projects (2014): 5 % in Cohesion countries, 3 % elsewhere; the ADB Guidelines for the
Economic Analysis of Projects (2017): 9 %, and 6 % for social sectors and selected
projects; the UK Green Book: 3.5 % for years 0–30. docs/appraisal.md cites each.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from tripp.errors import FieldProblem, InputError, Problem

#: Economic discount rates of the guides (real, per year), by preset name.
DISCOUNT_PRESETS: Final = {
    "eu-cohesion": 0.05,
    "eu": 0.03,
    "adb": 0.09,
    "adb-social": 0.06,
    "uk-green-book": 0.035,
}
#: The default economic discount rate: the EU guide's rate for Cohesion countries, the
#: guide closest to the corridor's middle-income economies.
DEFAULT_DISCOUNT_PRESET: Final = "eu-cohesion"
#: The EU guide's real financial discount rate (per year).
DEFAULT_FINANCIAL_RATE: Final = 0.04
#: The EU guide's reference period for rail (years); ports and roads 25–30, energy 15–25.
DEFAULT_HORIZON_YEARS: Final = 30
#: The widest horizon accepted (years): past it, discounting leaves nothing to count.
MAX_HORIZON_YEARS: Final = 100
#: Highest discount rate accepted (per year): beyond it no flow after year 5 counts.
MAX_DISCOUNT_RATE: Final = 0.5


@dataclass(frozen=True, slots=True)
class AppraisalSettings:
    """Options of :func:`tripp.appraisal.run.appraise`.

    Attributes:
        discount_rate: economic discount rate, real, per year (0.05 = 5 %).
        financial_rate: the project owner's discount rate, real, per year.
        horizon_years: years counted from the first year of spending.
        price_year: the year whose prices every USD figure is in (None: the latest year of
            the price index).
        conversion_factor: market to economic prices of capex and opex (1: none).
        ramp_up_years: years over which traffic grows linearly to the model's volume after
            opening (0: the full volume from the opening year).
        traffic_growth_pct_per_year: growth of the benefits after the model's demand year
            (%/year; 0: held at the demand year's, as no published forecast runs further).
        operating_ratio: share of tariff revenue that pays for running the service
            (0–1); the rest is the operator's net revenue. Default 0.8: Georgian Railway's
            operating costs with depreciation were 0.79 of revenue in the first nine
            months of 2023 (0.85 in Q1 2024; 0.55–0.73 without depreciation, 2020–2024).
    """

    discount_rate: float = DISCOUNT_PRESETS[DEFAULT_DISCOUNT_PRESET]
    financial_rate: float = DEFAULT_FINANCIAL_RATE
    horizon_years: int = DEFAULT_HORIZON_YEARS
    price_year: int | None = None
    conversion_factor: float = 1.0
    ramp_up_years: int = 3
    traffic_growth_pct_per_year: float = 0.0
    operating_ratio: float = 0.8

    def check(self) -> None:
        """Raise :class:`InputError` naming every option out of its range, with the fix."""
        problems: list[Problem | FieldProblem] = []
        for name, rate in (
            ("discount_rate", self.discount_rate),
            ("financial_rate", self.financial_rate),
        ):
            if not 0.0 <= rate <= MAX_DISCOUNT_RATE:
                problems.append(
                    FieldProblem(
                        name,
                        f"{rate:g} is not a real discount rate a year",
                        f"give a fraction between 0 and {MAX_DISCOUNT_RATE:g} (0.05 = 5 %) or a "
                        f"preset: {', '.join(DISCOUNT_PRESETS)}",
                    )
                )
        if not 1 <= self.horizon_years <= MAX_HORIZON_YEARS:
            problems.append(
                FieldProblem(
                    "horizon_years",
                    f"{self.horizon_years} years is not a horizon",
                    f"give 1 to {MAX_HORIZON_YEARS} years (the EU guide: 30 for rail)",
                )
            )
        if not 0.1 <= self.conversion_factor <= 2.0:
            problems.append(
                FieldProblem(
                    "conversion_factor",
                    f"{self.conversion_factor:g} is not a conversion factor",
                    "give a factor between 0.1 and 2 (1: market prices; ADB's standard "
                    "conversion factor is about 0.9)",
                )
            )
        if not 0 <= self.ramp_up_years <= 20:
            problems.append(
                FieldProblem("ramp_up_years", f"{self.ramp_up_years} years", "give 0 to 20 years")
            )
        if not -20.0 <= self.traffic_growth_pct_per_year <= 30.0:
            problems.append(
                FieldProblem(
                    "traffic_growth_pct_per_year",
                    f"{self.traffic_growth_pct_per_year:g} %/year is outside −20 … 30",
                    "give a growth rate in % a year between −20 and 30",
                )
            )
        if not 0.0 <= self.operating_ratio <= 1.0:
            problems.append(
                FieldProblem(
                    "operating_ratio",
                    f"{self.operating_ratio:g} is not a share",
                    "give the operating cost's share of revenue, between 0 and 1",
                )
            )
        if problems:
            raise InputError(problems)


def discount_rate(value: str | float) -> float:
    """A discount rate from a preset name or a number: a fraction (0.05), or a percentage
    written with % ("5%"). Raises :class:`InputError` for anything else."""
    if isinstance(value, float | int):
        return float(value)
    text = value.strip().casefold()
    if text in DISCOUNT_PRESETS:
        return DISCOUNT_PRESETS[text]
    try:
        return float(text[:-1]) / 100.0 if text.endswith("%") else float(text)
    except ValueError:
        raise InputError(
            FieldProblem(
                "discount_rate",
                f"'{value}' is neither a rate nor a preset",
                "give a fraction (0.05), a percentage (5%) or a preset: "
                + ", ".join(DISCOUNT_PRESETS),
            )
        ) from None
