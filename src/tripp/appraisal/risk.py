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
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from tripp.appraisal.cashflow import CashFlowModel, Factors
from tripp.appraisal.finance import FloatArray
from tripp.appraisal.sensitivity import economic_npv
from tripp.resilience.runner import Progress, dask_client, run_tasks

#: Capex outturn / estimate, mean and standard deviation, by project kind: Flyvbjerg, Holm
#: and Buhl (2002), 258 projects: rail +44.7 % (SD 38.4), fixed links +33.8 % (SD 62.4),
#: roads +20.4 % (SD 29.9); energy lines and pipelines: Sovacool, Gilbert and Nugent (2014).
CAPEX_OVERRUN: dict[str, tuple[float, float]] = {
    "rail": (1.447, 0.384),
    "road": (1.204, 0.299),
    "port": (1.338, 0.624),
    "sea": (1.338, 0.624),
    "multimodal": (1.447, 0.384),
    "pipeline": (1.20, 0.40),
    "power": (1.08, 0.30),
    "fibre": (1.08, 0.30),
}
#: Traffic outturn / forecast, mean and standard deviation (lognormal).
TRAFFIC: tuple[float, float] = (1.0, 0.3)
#: Value-of-time factor: triangular (low, mode, high).
VALUE_OF_TIME: tuple[float, float, float] = (0.7, 1.0, 1.3)
#: Opening delay: probability of 0, 1, 2, 3 … years.
DELAY_YEARS: tuple[float, ...] = (0.5, 0.25, 0.15, 0.1)
#: Samples one Dask task draws.
CHUNK_SAMPLES = 250


def _lognormal(rng: np.random.Generator, mean: float, sd: float) -> float:
    sigma2 = math.log(1 + (sd / mean) ** 2)
    return float(rng.lognormal(math.log(mean) - sigma2 / 2, math.sqrt(sigma2)))


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


def _chunk(shared: RiskModel, span: tuple[int, int]) -> FloatArray:
    return np.array([shared.npv(i) for i in range(*span)])


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

    with dask_client(workers=workers, scheduler=scheduler) as client:
        run_tasks(client, risk_model, _chunk, spans, on_done=finished, name="appraisal")
    p10, p50, p90 = np.percentile(npvs, [10, 50, 90])
    return {
        "samples": samples,
        "seed": risk_model.seed,
        "p10_npv_usd": float(p10),
        "p50_npv_usd": float(p50),
        "p90_npv_usd": float(p90),
        "mean_npv_usd": float(npvs.mean()),
        "prob_npv_negative": float(np.mean(npvs < 0)),
    }
