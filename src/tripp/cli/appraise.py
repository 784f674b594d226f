"""The ``tripp appraise`` command: what a scenario's projects are worth, and to whom.

Wire it into a Typer app with :func:`register`. The model runs are imported when the
command runs, so importing this module stays fast.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from tripp.appraisal.settings import (
    DEFAULT_DISCOUNT_PRESET,
    DEFAULT_FINANCIAL_RATE,
    DEFAULT_HORIZON_YEARS,
    DISCOUNT_PRESETS,
)
from tripp.cli.common import (
    AtlasOption,
    TableFormat,
    handle_errors,
    load_atlas_stack,
    quiet_chatty_loggers,
)

if TYPE_CHECKING:
    from tripp.appraisal.result import AppraisalResult
    from tripp.appraisal.settings import AppraisalSettings

__all__ = ["register"]

_PRESETS = ", ".join(f"{k} {v:.1%}" for k, v in DISCOUNT_PRESETS.items())


def register(app: typer.Typer) -> None:
    """Add the ``appraise`` command to ``app``."""
    app.command("appraise")(appraise_command)


@handle_errors
def appraise_command(
    scenario: Annotated[str, typer.Argument(help="Scenario with the projects (name or file).")],
    against: Annotated[str, typer.Option("--against", help="Scenario without them.")],
    discount_rate: Annotated[
        str,
        typer.Option(
            "--discount-rate",
            help=f"Economic discount rate: 0.05, 5% or a preset ({_PRESETS}).",
        ),
    ] = DEFAULT_DISCOUNT_PRESET,
    financial_rate: Annotated[
        float, typer.Option(help="The owners' financial discount rate (EU guide: 0.04).")
    ] = DEFAULT_FINANCIAL_RATE,
    horizon_years: Annotated[
        int, typer.Option(help="Years from the first year of spending (EU guide, rail: 30).")
    ] = DEFAULT_HORIZON_YEARS,
    price_year: Annotated[
        int | None, typer.Option(help="Prices of this year (default: the latest CPI year).")
    ] = None,
    conversion_factor: Annotated[
        float, typer.Option(help="Market to economic prices of capex and opex (1: none).")
    ] = 1.0,
    ramp_up_years: Annotated[
        int, typer.Option(help="Years for traffic to reach the model's volume after opening.")
    ] = 3,
    traffic_growth_pct: Annotated[
        float, typer.Option(help="Growth of benefits after the demand year, %/year.")
    ] = 0.0,
    operating_ratio: Annotated[
        float, typer.Option(help="Operators' running cost as a share of their revenue.")
    ] = 0.8,
    demand_year: Annotated[
        int | None, typer.Option(help="Demand both runs carry (default: the scenario's).")
    ] = None,
    samples: Annotated[
        int, typer.Option(help="Monte Carlo draws for the risk analysis (0: none).")
    ] = 0,
    seed: Annotated[int, typer.Option(help="Seed of the draws.")] = 0,
    workers: Annotated[
        int | None, typer.Option(help="Local Dask worker processes (default: one per core).")
    ] = None,
    scheduler: Annotated[
        str | None, typer.Option(help="A running Dask scheduler, tcp://HOST:PORT.")
    ] = None,
    out: Annotated[
        Path | None,
        typer.Option("--out", help="Write appraisal.json, cash_flows.csv/.parquet here."),
    ] = None,
    force: Annotated[
        bool, typer.Option("--force", help="Replace --out if an earlier tripp run wrote it.")
    ] = False,
    atlas: AtlasOption = None,
    format: Annotated[
        TableFormat, typer.Option("--format", help="table or json.")
    ] = TableFormat.TABLE,
) -> None:
    """Economic NPV, BCR and EIRR of SCENARIO against --against, financial NPV and FIRR of
    its projects' owners, who gains and who loses by country, the tornado, switching
    values and (with --samples) P10/P50/P90 NPV.

    Exits 2 on bad input (a rate, horizon or price year out of range), 4 if a model run
    does not converge.
    """
    from tripp.appraisal.settings import AppraisalSettings
    from tripp.appraisal.settings import discount_rate as parse_rate

    settings = AppraisalSettings(
        discount_rate=parse_rate(discount_rate),
        financial_rate=financial_rate,
        horizon_years=horizon_years,
        price_year=price_year,
        conversion_factor=conversion_factor,
        ramp_up_years=ramp_up_years,
        traffic_growth_pct_per_year=traffic_growth_pct,
        operating_ratio=operating_ratio,
    )
    settings.check()
    if out is not None:
        from tripp.reporting.atomic import check_output_folder

        check_output_folder(out, force=force)
    result = _run(
        scenario, against, settings, demand_year, samples, seed, workers, scheduler, atlas
    )
    if out is not None:
        _write(result, out, force=force)
    if format is TableFormat.JSON:
        from tripp.cli.common import emit_json

        emit_json(result.to_dict())
    else:
        from tripp.cli.appraise_output import print_appraisal

        print_appraisal(result)


def _run(
    scenario: str,
    against: str,
    settings: AppraisalSettings,
    demand_year: int | None,
    samples: int,
    seed: int,
    workers: int | None,
    scheduler: str | None,
    folders: list[str] | None,
) -> AppraisalResult:
    from tripp.appraisal.run import appraise
    from tripp.cli.resilience_output import progress_bar
    from tripp.scenarios.network import scenario_network

    quiet_chatty_loggers()
    loaded = load_atlas_stack(folders)
    other, base = scenario_network(loaded, scenario), scenario_network(loaded, against)
    with progress_bar() as progress:
        return appraise(
            other,
            against=base,
            settings=settings,
            demand_year=demand_year,
            samples=samples,
            seed=seed,
            workers=workers,
            scheduler=scheduler,
            progress=progress,
        )


def _write(result: AppraisalResult, out: Path, *, force: bool) -> None:
    import pandas as pd

    from tripp.reporting.atomic import output_folder

    with output_folder(out, command="tripp appraise", force=force) as staging:
        (staging / "appraisal.json").write_text(result.to_json(), encoding="utf-8")
        frame = result.to_frame()
        frame.to_csv(staging / "cash_flows.csv", index=False)
        frame.to_parquet(staging / "cash_flows.parquet", index=False)
        pd.DataFrame(result.to_dict()["by_stakeholder"]).to_csv(
            staging / "by_stakeholder.csv", index=False
        )
