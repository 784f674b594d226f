"""Monte Carlo reliability on the mini atlas: estimates against the model's own
probabilities, reproducibility across worker counts, and resuming an interrupted sweep.

Parameters: rail links closed a fifth of the year (73 closures of a day), nothing else
closes; the road crossing at a (1 h) has a lognormal dwell with P90 = 3 × median, every other
dwell is fixed. So in 2026 a→c (rail r1, r2) has no route with probability 1 − 0.8² = 0.36
and otherwise takes 6 h; a→e by road takes 12 h + the dwell at a: P50 13 h, P90 15 h.
"""

from __future__ import annotations

from pathlib import Path

import pytest

import tripp
from tripp.atlas.reliability import ReliabilityParams, load_params
from tripp.errors import InputError
from tripp.resilience.reliability import reliability
from tripp.scenarios.network import ScenarioNetwork, scenario_network

SCENARIOS = Path(__file__).parent / "fixtures" / "scenarios"
PARAMS = """element,closures_per_year,closure_days,dwell_median_h,dwell_p90_factor,source_ids,note
link-mode:rail,73,1,,,hand,
link-mode:road,0,0,,,hand,
crossing-mode:rail,0,0,,1,hand,
crossing-mode:road,0,0,,1,hand,
crossing:a,,,,3,hand,
"""
SAMPLES = 1000


@pytest.fixture(scope="module")
def network(mini_atlas: tripp.Atlas) -> ScenarioNetwork:
    return scenario_network(mini_atlas, SCENARIOS / "base.toml")


@pytest.fixture(scope="module")
def params(tmp_path_factory: pytest.TempPathFactory, mini_atlas: tripp.Atlas) -> ReliabilityParams:
    file = tmp_path_factory.mktemp("params") / "reliability.csv"
    file.write_text(PARAMS, encoding="utf-8")
    return load_params(file, mini_atlas)


def run(network: ScenarioNetwork, params: ReliabilityParams, **options: object) -> dict:
    options = {"samples": SAMPLES, "seed": 42, "workers": 1, "chunk_samples": 100, **options}
    return reliability(network, params=params, **options).to_dict()  # type: ignore[arg-type]


def test_estimates_agree_with_the_model(
    network: ScenarioNetwork, params: ReliabilityParams
) -> None:
    pairs = {(od["origin"], od["destination"]): od for od in run(network, params)["od_pairs"]}
    a_c, a_e = pairs[("a", "c")], pairs[("a", "e")]
    assert a_c["p_no_route_se"] == pytest.approx(
        (a_c["p_no_route"] * (1 - a_c["p_no_route"]) / SAMPLES) ** 0.5
    )
    assert abs(a_c["p_no_route"] - 0.36) < 4 * a_c["p_no_route_se"]
    assert a_c["time_h"]["p50"] == 6.0 and a_c["time_h"]["p50_se"] == 0.0
    assert a_c["time_h"]["p90"] is None  # over a third of the samples have no route
    assert a_c["cost_usd_per_teu"]["p50"] == 250.0
    assert a_e["p_no_route"] == 0.0
    assert a_e["undisturbed_time_h"] == 13.0
    for q, expected in (("p50", 13.0), ("p90", 15.0)):
        assert abs(a_e["time_h"][q] - expected) < 4 * a_e["time_h"][f"{q}_se"]
    assert a_e["cost_usd_per_teu"]["p95"] == pytest.approx(1230.0)  # dwell costs no money


def test_same_seed_same_result_on_one_or_two_workers(
    network: ScenarioNetwork, params: ReliabilityParams
) -> None:
    one = run(network, params, workers=1)
    assert run(network, params, workers=2, chunk_samples=100) == one
    other_seed = run(network, params, samples=200, seed=43)
    assert other_seed["od_pairs"] != run(network, params, samples=200)["od_pairs"]


def test_an_interrupted_sweep_resumes_without_loss_or_duplicates(
    tmp_path: Path, network: ScenarioNetwork, params: ReliabilityParams
) -> None:
    folder = tmp_path / "sweep"

    def crash(what: str, done: int, total: int) -> None:
        if done >= 300:  # three chunks written, then the run dies
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        run(network, params, folder=folder, progress=crash)
    written = sorted(p.name for p in (folder / "chunks").iterdir())
    assert 3 <= len(written) < 10 and all(name.endswith(".npz") for name in written)

    seen: list[int] = []
    resumed = run(
        network, params, folder=folder, resume=True, progress=lambda w, d, t: seen.append(d)
    )
    assert seen[0] == 100 * len(written) and seen[-1] == SAMPLES
    assert len(list((folder / "chunks").iterdir())) == 10
    assert resumed == run(network, params, folder=tmp_path / "fresh")


def test_resume_refuses_another_spec_and_out_refuses_a_used_folder(
    tmp_path: Path, network: ScenarioNetwork, params: ReliabilityParams
) -> None:
    folder = tmp_path / "sweep"
    run(network, params, samples=100, folder=folder)
    with pytest.raises(InputError, match=r"seed: 42 there, 7 now"):
        run(network, params, samples=100, seed=7, folder=folder, resume=True)
    with pytest.raises(InputError, match="is not empty — fix: choose a new folder"):
        run(network, params, samples=100, folder=folder)
    with pytest.raises(InputError, match="holds no sweep to resume"):
        run(network, params, samples=100, folder=tmp_path / "empty", resume=True)
