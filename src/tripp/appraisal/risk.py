"""Risk analysis: the economic NPV over random draws of the uncertain inputs, on the Dask
engine that runs ``tripp reliability``.

Each sample draws, from its own stream
``numpy.random.default_rng(SeedSequence(seed, spawn_key=(i,)))`` and always in this order:

* a capex overrun per project, lognormal with the mean and standard deviation of its kind's
  reference class (:data:`CAPEX_OVERRUN`);
* a traffic factor (all freight benefits and revenue), lognormal (:data:`TRAFFIC`);
* a value-of-time factor, triangular (:data:`VALUE_OF_TIME`);
* an opening delay in whole years (:data:`DELAY_YEARS`).

So a sample does not depend on which worker or chunk runs it: a seeded run gives the same
P10/P50/P90 on one worker or many. docs/appraisal.md gives the sources.

Which of the four uncertainties drives the NPV's variance is measured apart, by SALib's
Sobol first-order and total indices over the inputs' quantiles (one capex quantile for
every project, each mapped through its own kind's distribution), on N·(4 + 2) further
runs, N the largest power of two that keeps them within the sample count (at least 64).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy import stats

from tripp.appraisal.cashflow import CashFlowModel, Factors
from tripp.appraisal.finance import FloatArray
from tripp.appraisal.sensitivity import economic_npv
from tripp.resilience.runner import Progress, dask_client, run_tasks

#: Capex outturn / estimate, mean and standard deviation, by project kind. Flyvbjerg, Holm
#: and Buhl (2002), 258 transport projects: rail +44.7 % (SD 38.4), fixed links (ports and
#: sea links here) +33.8 % (SD 62.4), roads +20.4 % (SD 29.9). Power lines: a 2025 study of
#: 662 energy projects found transmission about 3.6 % under budget (press reports); its SD
#: is not published and 0.30 is assumed. Pipelines and fibre have no published reference
#: class: the roads' is assumed.
CAPEX_OVERRUN: dict[str, tuple[float, float]] = {
    "rail": (1.447, 0.384),
    "multimodal": (1.447, 0.384),
    "road": (1.204, 0.299),
    "pipeline": (1.204, 0.299),
    "fibre": (1.204, 0.299),
    "port": (1.338, 0.624),
    "sea": (1.338, 0.624),
    "power": (0.964, 0.30),
}
#: Traffic outturn / forecast, mean and standard deviation (lognormal). Assumed between the
#: reference classes: roads' traffic came in 9.5 % above forecast on average (SD 44 %),
#: rail passenger traffic at about half its forecast (Flyvbjerg et al. 2005), 6 of 8 Swedish
#: rail freight forecasts were too high, and BTK carried 11-43 % of its 1 Mt first-stage
#: capacity in 2019-2022.
TRAFFIC: tuple[float, float] = (0.85, 0.40)
#: Value-of-time factor: triangular (low, mode, high); assumed ±30 %.
VALUE_OF_TIME: tuple[float, float, float] = (0.7, 1.0, 1.3)
#: Opening delay: probability of 0, 1, 2, 3 years. Assumed; BTK opened about 2.8 years after
#: its announced date and Horadiz–Aghband slipped from 2023 to 2026.
DELAY_YEARS: tuple[float, ...] = (0.25, 0.25, 0.25, 0.25)
#: Samples one Dask task draws.
CHUNK_SAMPLES = 250
#: The inputs the Sobol indices are given for, in the order of a quantile row.
SOBOL_INPUTS = ("capex_overrun", "traffic", "value_of_time", "opening_delay")
#: The fewest base samples of the Sobol design.
MIN_SOBOL_BASE = 64


def _lognormal_params(mean: float, sd: float) -> tuple[float, float]:
    """(μ, σ) of the lognormal with this mean and standard deviation."""
    sigma2 = math.log(1 + (sd / mean) ** 2)
    return math.log(mean) - sigma2 / 2, math.sqrt(sigma2)


def _lognormal(rng: np.random.Generator, mean: float, sd: float) -> float:
    mu, sigma = _lognormal_params(mean, sd)
    return float(rng.lognormal(mu, sigma))


def _lognormal_ppf(q: float, mean: float, sd: float) -> float:
    mu, sigma = _lognormal_params(mean, sd)
    return float(stats.lognorm.ppf(q, sigma, scale=math.exp(mu)))


def _triangular_ppf(q: float, low: float, mode: float, high: float) -> float:
    return float(stats.triang.ppf(q, (mode - low) / (high - low), loc=low, scale=high - low))


@dataclass(frozen=True)
class RiskModel:
    """What a worker needs to draw and price samples."""

    model: CashFlowModel
    kinds: tuple[str, ...]  # each project's kind, in the model's order
    rate: float
    seed: int

    def factors(self, index: int) -> Factors:
        """The inputs of sample ``index``."""
        rng = np.random.default_rng(np.random.SeedSequence(self.seed, spawn_key=(index,)))
        overruns = tuple(_lognormal(rng, *CAPEX_OVERRUN[kind]) for kind in self.kinds)
        traffic = _lognormal(rng, *TRAFFIC)
        vot = float(rng.triangular(*VALUE_OF_TIME))
        delay = int(rng.choice(len(DELAY_YEARS), p=DELAY_YEARS))
        return Factors(traffic=traffic, value_of_time=vot, delay_years=delay, capex_each=overruns)

    def npv(self, index: int) -> float:
        """Economic NPV of sample ``index`` (USD)."""
        return economic_npv(self.model, self.factors(index), self.rate)

    def quantile_npv(self, row: FloatArray) -> float:
        """Economic NPV (USD) with the inputs at the quantiles ``row`` (:data:`SOBOL_INPUTS`
        order, each in (0, 1))."""
        capex, traffic, vot, delay = (float(q) for q in row)
        overruns = tuple(_lognormal_ppf(capex, *CAPEX_OVERRUN[kind]) for kind in self.kinds)
        years = int(np.searchsorted(np.cumsum(DELAY_YEARS), delay, side="right"))
        factors = Factors(
            traffic=_lognormal_ppf(traffic, *TRAFFIC),
            value_of_time=_triangular_ppf(vot, *VALUE_OF_TIME),
            delay_years=min(years, len(DELAY_YEARS) - 1),
            capex_each=overruns,
        )
        return economic_npv(self.model, factors, self.rate)


def _chunk(shared: RiskModel, span: tuple[int, int]) -> FloatArray:
    return np.array([shared.npv(i) for i in range(*span)])


def _quantile_chunk(shared: RiskModel, rows: FloatArray) -> FloatArray:
    return np.array([shared.quantile_npv(row) for row in rows])


def _sobol_design(samples: int, seed: int) -> tuple[dict[str, Any], FloatArray]:
    """SALib's problem and its Saltelli rows (first and total order only)."""
    from SALib.sample import sobol

    base = MIN_SOBOL_BASE
    while base * 2 * (len(SOBOL_INPUTS) + 2) <= samples:
        base *= 2
    eps = 1e-6  # quantiles strictly inside (0, 1)
    problem = {
        "num_vars": len(SOBOL_INPUTS),
        "names": list(SOBOL_INPUTS),
        "bounds": [[eps, 1 - eps]] * len(SOBOL_INPUTS),
    }
    rows = sobol.sample(problem, base, calc_second_order=False, seed=seed)
    return problem, np.asarray(rows, dtype=np.float64)


def risk(
    risk_model: RiskModel,
    samples: int,
    *,
    workers: int | None = None,
    scheduler: str | None = None,
    progress: Progress | None = None,
) -> dict[str, Any]:
    """P10/P50/P90 of the NPV over ``samples`` draws and the probability it is negative."""
    spans = [(s, min(s + CHUNK_SAMPLES, samples)) for s in range(0, samples, CHUNK_SAMPLES)]
    npvs = np.empty(samples)
    done = 0

    def finished(index: int, values: FloatArray) -> None:
        nonlocal done
        start, stop = spans[index]
        npvs[start:stop] = values
        done += stop - start
        if progress:
            progress("samples", done, samples)

    problem, rows = _sobol_design(samples, risk_model.seed)
    blocks = [rows[s : s + CHUNK_SAMPLES] for s in range(0, len(rows), CHUNK_SAMPLES)]
    sobol_npv = np.empty(len(rows))

    def sobol_finished(index: int, values: FloatArray) -> None:
        start = index * CHUNK_SAMPLES
        sobol_npv[start : start + len(values)] = values

    with dask_client(workers=workers, scheduler=scheduler) as client:
        run_tasks(client, risk_model, _chunk, spans, on_done=finished, name="appraisal")
        run_tasks(client, risk_model, _quantile_chunk, blocks, on_done=sobol_finished, name="sobol")
    p10, p50, p90 = np.percentile(npvs, [10, 50, 90])
    return {
        "samples": samples,
        "seed": risk_model.seed,
        "p10_npv_usd": float(p10),
        "p50_npv_usd": float(p50),
        "p90_npv_usd": float(p90),
        "mean_npv_usd": float(npvs.mean()),
        "prob_npv_negative": float(np.mean(npvs < 0)),
        "sobol": _sobol(problem, sobol_npv, risk_model.seed),
    }


def _sobol(problem: dict[str, Any], npv: FloatArray, seed: int) -> list[dict[str, Any]]:
    """First-order and total Sobol indices of each input, with their 95 % bootstrap
    half-widths; empty where the NPV does not vary."""
    from SALib.analyze import sobol

    if float(np.std(npv)) == 0.0:
        return []
    found = sobol.analyze(problem, npv, calc_second_order=False, seed=seed)
    return [
        {
            "input": name,
            "first_order": float(found["S1"][i]),
            "first_order_conf": float(found["S1_conf"][i]),
            "total_order": float(found["ST"][i]),
            "total_order_conf": float(found["ST_conf"][i]),
            "runs": len(npv),
        }
        for i, name in enumerate(problem["names"])
    ]
