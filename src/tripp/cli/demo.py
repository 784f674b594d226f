"""The main job (``tripp demo``, what ``make demo`` runs): what TRIPP changes.

Compares ``baseline-2025`` with ``tripp-2030`` on the embedded atlas for the default O-D
pairs, prints the comparison and the transit-exposure change, then what the calibrated
freight model finds for TRIPP (:func:`tripp.freight.shift.flow_shift`: the tonnes and
TEU it attracts on the 2030 demand, from which routes, who gains and loses transit) with
the range its route-choice sensitivity θ (halved, doubled) and the ungrown 2024 demand
give, then the appraisal's headline (NPV, BCR, EIRR, transit revenue), and writes the HTML
report with its GIS layers and tables to ``./tripp-output/``. An
earlier demo's or report's folder there is replaced atomically; any other folder is
refused before anything runs (see :mod:`tripp.reporting.atomic`).
"""

from __future__ import annotations

from pathlib import Path

from tripp.scenarios.compare import compare
from tripp.scenarios.network import ScenarioNetwork, scenario_network

BASE, OTHER = "baseline-2025", "tripp-2030"


def print_tripp_freight(base: ScenarioNetwork, other: ScenarioNetwork) -> None:
    """The calibrated freight model's answer for TRIPP, with its sensitivity range."""
    from dataclasses import replace

    from tripp.cli.freight_output import print_shift
    from tripp.errors import ConvergenceError
    from tripp.freight.settings import FreightSettings
    from tripp.freight.shift import flow_shift

    settings = FreightSettings()
    theta = settings.choice.theta
    central, first = flow_shift(base, other, settings=settings)
    runs = list(first)
    spread = [central]
    for factor in (0.5, 2.0):
        chosen = replace(settings, choice=replace(settings.choice, theta=theta * factor))
        result, more = flow_shift(base, other, settings=chosen)
        spread.append(result)
        runs.extend(more)
    ungrown, more = flow_shift(base, other, demand_year=base.atlas.demand_years[0])
    runs.extend(more)
    if not all(r.converged for r in runs):
        raise ConvergenceError("the freight model's route choice did not converge")
    print_shift(central)
    low = min(s.attracted_t_per_year for s in spread)
    high = max(s.attracted_t_per_year for s in spread)
    from tripp.cli.display import console

    console().print(
        f"Uncertainty: {low / 1e6:,.2f}–{high / 1e6:,.2f} Mt/year with the route choice's θ "
        f"halved and doubled (θ = {theta:g}); {ungrown.attracted_t_per_year / 1e6:,.2f} Mt/year "
        f"on the {ungrown.demand_year} demand without growth."
    )


def print_tripp_appraisal(base: ScenarioNetwork, other: ScenarioNetwork) -> None:
    """What the 2030 network's projects are worth (:func:`tripp.appraisal.run.appraise`)."""
    from tripp.appraisal.run import appraise
    from tripp.cli.appraise_output import print_appraisal_summary
    from tripp.cli.common import quiet_chatty_loggers

    quiet_chatty_loggers()
    print_appraisal_summary(appraise(other, against=base))


def run_demo(atlas_folders: list[str] | None = None, out_folder: Path | None = None) -> Path:
    """Run the comparison on the atlas in ``atlas_folders`` (default: embedded), print it
    and write the report; returns the report folder."""
    from tripp.cli.common import load_atlas_stack
    from tripp.cli.display import console
    from tripp.cli.display_compare import print_comparison
    from tripp.reporting.atomic import check_output_folder
    from tripp.reporting.write import write_report

    out = out_folder or Path("tripp-output")
    check_output_folder(out, force=True)
    atlas = load_atlas_stack(atlas_folders)
    base, other = scenario_network(atlas, BASE), scenario_network(atlas, OTHER)
    print_comparison(compare(base, other))
    print_tripp_freight(base, other)
    print_tripp_appraisal(base, other)
    out = write_report(base, [other], out, force=True)
    console().print(f"\nReport: {out / 'report.html'} (GIS layers and tables beside it)")
    return out
