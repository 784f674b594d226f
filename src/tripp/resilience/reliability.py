"""Monte Carlo reliability: per demand O-D, the spread of time and cost under disruptions.

``reliability(network, samples=..., seed=...)`` draws ``samples`` disrupted networks (see
:mod:`tripp.resilience.sampling`), re-routes every O-D of the scenario's demand year in each,
and reports per O-D the P50/P90/P95 of door-to-door time (h) and money cost (USD per TEU) of
the route chosen under the objective, the probability of finding no route, and the standard
error of every estimate (:mod:`tripp.resilience.stats`).

Samples run in fixed chunks on Dask; each finished chunk is written to the sweep folder at
once, and a sweep resumed from that folder runs only the chunks not yet there. Since every
sample has its own random stream, the result is the same whatever the number of workers.
"""

from __future__ import annotations

import hashlib
import json
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from tripp.atlas.reliability import ReliabilityParams, load_params
from tripp.errors import FieldProblem, InputError, Problem, TrippError
from tripp.resilience.kernel import RoutingKernel, build_kernel, od_pairs
from tripp.resilience.runner import Progress, dask_client, run_tasks
from tripp.resilience.sampling import Sampler, sample_range
from tripp.resilience.stats import probability_with_se, summarise
from tripp.resilience.store import SweepStore
from tripp.routing.request import DEFAULT_OBJECTIVE, Objective, RouteSettings
from tripp.scenarios.network import ScenarioNetwork

if TYPE_CHECKING:
    import pandas as pd

#: Samples per task and per chunk file (part of the run spec).
CHUNK_SAMPLES = 250


@dataclass(frozen=True)
class ReliabilityResult:
    """Per O-D estimates of one sweep; ``spec`` is the run specification."""

    spec: dict[str, Any]
    ods: tuple[dict[str, Any], ...]

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready mapping: the spec and one entry per O-D."""
        return {"spec": self.spec, "od_pairs": list(self.ods)}

    def to_json(self, *, indent: int | None = 2) -> str:
        """:meth:`to_dict` as JSON text."""
        return json.dumps(self.to_dict(), indent=indent, ensure_ascii=False)

    def to_frame(self) -> pd.DataFrame:
        """One row per O-D: :meth:`rows` (``time_h_p90``, ``cost_usd_per_teu_p90_se``, …)."""
        import pandas as pd

        return pd.DataFrame(self.rows())

    def rows(self) -> list[dict[str, Any]]:
        """One flat row per O-D (for CSV and tables)."""
        flat = []
        for od in self.ods:
            row = {k: v for k, v in od.items() if not isinstance(v, dict)}
            for name in ("time_h", "cost_usd_per_teu"):
                row.update({f"{name}_{k}": v for k, v in od[name].items()})
            flat.append(row)
        return flat


def reliability(
    network: ScenarioNetwork,
    *,
    samples: int,
    seed: int,
    params: ReliabilityParams | None = None,
    objective: Objective | str = DEFAULT_OBJECTIVE,
    settings: RouteSettings | None = None,
    workers: int | None = None,
    scheduler: str | None = None,
    folder: Path | None = None,
    resume: bool = False,
    chunk_samples: int = CHUNK_SAMPLES,
    progress: Progress | None = None,
    options: Mapping[str, Any] | None = None,
) -> ReliabilityResult:
    """Run (or, with ``resume``, continue) a sweep of ``samples`` disrupted networks.

    ``folder`` keeps the manifest and chunk files (default: a temporary folder, removed at
    the end); ``options`` (JSON-ready: how the caller started the sweep, e.g. the command
    line's options) are kept in a new sweep's manifest so that a resume can repeat them.
    Raises :class:`InputError` for bad options or a resume with another spec.
    ``params`` default to the shipped file (:func:`~tripp.atlas.reliability.load_params`);
    times are in h and costs in USD per TEU. Routes minimise ``objective`` (time by
    default, as every command); the value of time is ``settings``', else the atlas's.

    >>> import tripp
    >>> network = tripp.scenario(tripp.load_atlas(), "tripp-2030")
    >>> result = tripp.reliability(network, samples=20, seed=1, workers=1)
    >>> od = result.ods[0]
    >>> od["origin"], od["destination"], round(od["time_h"]["p90"], 1)
    ('xian', 'duisburg', 548.1)
    """
    _check(samples, seed, chunk_samples)
    atlas, year = network.atlas, network.year
    demand_year = network.demand_year
    ods = od_pairs(atlas, demand_year)
    if not ods:
        raise InputError(
            Problem("scenario", f"no demand rows for {demand_year}", "add demand with t_per_year")
        )
    params = params or load_params(None, atlas)
    kernel = build_kernel(network.graph, ods, year=year, objective=objective, settings=settings)
    spec = {
        "scenario": network.applied().name,
        "year": year,
        "demand_year": demand_year,
        "objective": kernel.objective.value,
        "vot_usd_per_teu_h": kernel.vot_usd_per_teu_h,
        "samples": samples,
        "seed": seed,
        "chunk_samples": chunk_samples,
        "params_sha256": params.digest,
        "network_sha256": _digest(kernel, ods),
    }
    spans = [(a, min(a + chunk_samples, samples)) for a in range(0, samples, chunk_samples)]
    with tempfile.TemporaryDirectory(prefix="tripp-sweep-") as scratch:
        store = SweepStore.open(
            folder or Path(scratch), spec, len(spans), resume=resume, options=options
        )
        done = set(store.finished())
        todo = [i for i in range(len(spans)) if i not in done]
        count = sum(spans[i][1] - spans[i][0] for i in done)
        if progress:
            progress("samples", count, samples)

        def finished(j: int, arrays: dict[str, np.ndarray]) -> None:
            nonlocal count
            store.write(todo[j], arrays)
            count += len(arrays["time_h"])
            if progress:
                progress("samples", count, samples)

        if todo:
            with dask_client(workers=workers, scheduler=scheduler) as client:
                sampler = Sampler(kernel, params, seed)
                payload = [spans[i] for i in todo]
                run_tasks(client, sampler, sample_range, payload, on_done=finished, name="sample")
        chunks = [store.read(i) for i in range(len(spans))]
    for (start, stop), chunk in zip(spans, chunks, strict=True):
        if int(chunk["first_sample"]) != start or len(chunk["time_h"]) != stop - start:
            raise TrippError(f"chunk of samples {start}–{stop} is damaged; start a new sweep")
    time_h = np.concatenate([c["time_h"] for c in chunks])
    cost = np.concatenate([c["cost_usd_per_teu"] for c in chunks])
    undisturbed = kernel.solve()
    rows = []
    for i, od in enumerate(ods):
        p, se = probability_with_se(int(np.isnan(time_h[:, i]).sum()), samples)
        rows.append(
            {
                "origin": od.origin,
                "destination": od.destination,
                "t_per_year": od.t_per_year,
                "undisturbed_time_h": _number(undisturbed.time_h[i]),
                "undisturbed_cost_usd_per_teu": _number(undisturbed.cost_usd_per_teu[i]),
                "p_no_route": p,
                "p_no_route_se": se,
                "time_h": summarise(time_h[:, i]),
                "cost_usd_per_teu": summarise(cost[:, i]),
            }
        )
    return ReliabilityResult(spec, tuple(rows))


def _check(samples: int, seed: int, chunk_samples: int) -> None:
    problems = []
    if samples < 1:
        problems.append(FieldProblem("samples", f"{samples} is out of range", "give 1 or more"))
    if seed < 0:
        problems.append(FieldProblem("seed", f"{seed} is out of range", "give an integer ≥ 0"))
    if chunk_samples < 1:
        problems.append(
            FieldProblem("chunk_samples", f"{chunk_samples} is out of range", "give ≥ 1")
        )
    if problems:
        raise InputError(problems)


def _number(value: float) -> float | None:
    return None if np.isnan(value) else float(value)


def _digest(kernel: RoutingKernel, ods: tuple[Any, ...]) -> str:
    """sha256 of everything the samples depend on in the network and the demand."""
    digest = hashlib.sha256()
    for array in (
        kernel.indptr,
        kernel.head,
        kernel.time_h,
        kernel.cost_usd_per_teu,
        kernel.arc_link,
        kernel.arc_crossing,
        kernel.crossing_dwell_h,
        kernel.sources,
        kernel.od_source,
        kernel.od_target,
    ):
        digest.update(np.ascontiguousarray(array).tobytes())
    digest.update(json.dumps([[od.origin, od.destination] for od in ods]).encode())
    return digest.hexdigest()
