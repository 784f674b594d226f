"""The main job (``tripp demo``, what ``make demo`` runs): what TRIPP changes.

Compares ``baseline-2025`` with ``tripp-2030`` on the embedded atlas for the default O-D
pairs, prints the comparison and the transit-exposure change, and writes the HTML report
with its GIS layers and tables to ``./tripp-output/``. An earlier demo's or report's folder
there is replaced atomically; any other folder is refused before anything runs (see
:mod:`tripp.reporting.atomic`).
"""

from __future__ import annotations

from pathlib import Path

from tripp.atlas.io import load_atlas
from tripp.scenarios.compare import compare
from tripp.scenarios.network import scenario_network

BASE, OTHER = "baseline-2025", "tripp-2030"


def run_demo(atlas_folder: Path | None = None, out_folder: Path | None = None) -> Path:
    """Run the comparison, print it and write the report; returns the report folder."""
    from tripp.cli.display import console
    from tripp.cli.display_compare import print_comparison
    from tripp.reporting.atomic import check_output_folder
    from tripp.reporting.write import write_report

    out = out_folder or Path("tripp-output")
    check_output_folder(out, force=True)
    atlas = load_atlas(atlas_folder)
    base, other = scenario_network(atlas, BASE), scenario_network(atlas, OTHER)
    print_comparison(compare(base, other))
    out = write_report(base, [other], out, force=True)
    console().print(f"\nReport: {out / 'report.html'} (GIS layers and tables beside it)")
    return out
