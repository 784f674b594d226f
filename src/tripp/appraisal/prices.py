"""Price years: the US consumer price index that moves a USD figure from one year's prices
to another's (src/tripp/data/reference/us_cpi.csv, BLS CPI-U annual averages)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path

from tripp.atlas.io import read_reference_rows
from tripp.errors import FieldProblem, InputError, Problem

#: The price year of the model's own money figures: the atlas's tariffs and border fees
#: (2019–2024 rates, taken as they are), values of time and the energy netbacks (2024).
MODEL_PRICE_YEAR = 2024


def default_index_file() -> Path:
    """The shipped price index."""
    return Path(str(resources.files("tripp") / "data" / "reference" / "us_cpi.csv"))


@dataclass(frozen=True)
class PriceIndex:
    """An annual price index (dimensionless) by year."""

    level: dict[int, float]

    @property
    def latest_year(self) -> int:
        """The last year the index covers."""
        return max(self.level)

    def factor(self, from_year: int, to_year: int, *, field: str = "price_year") -> float:
        """Multiply a figure in ``from_year`` prices by this to have it in ``to_year``
        prices. Raises :class:`InputError` for a year the index does not cover."""
        for year in (from_year, to_year):
            if year not in self.level:
                raise InputError(
                    FieldProblem(
                        field,
                        f"no price index for {year}",
                        f"give a price year from {min(self.level)} to {self.latest_year}",
                    )
                )
        return self.level[to_year] / self.level[from_year]


@cache
def load_index(file: Path | None = None) -> PriceIndex:
    """The price index in ``file`` (default: the shipped US CPI-U). Raises
    :class:`InputError` naming the row of a level that is not a positive number."""
    path = file or default_index_file()
    rows = read_reference_rows(
        path,
        ("year", "cpi_u"),
        what="price index",
        not_found_fix="reinstall tripp: the package ships data/reference/us_cpi.csv",
    )
    level: dict[int, float] = {}
    for line, row in rows:
        try:
            year, value = int(row["year"]), float(row["cpi_u"])
        except ValueError:
            raise InputError(
                Problem(path.name, "year or cpi_u is not a number", "fix the row", line)
            ) from None
        if value <= 0:
            raise InputError(Problem(path.name, f"cpi_u {value:g}", "give a positive level", line))
        level[year] = value
    return PriceIndex(level)
