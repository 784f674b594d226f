"""Benchmark: how route choice (path-size logit SUE) scales with links and zones, beside bfw UE.

Run by hand (not part of ``make test``)::

    python benchmarks/choice_scale.py --quick                   # a small run, about a minute
    python benchmarks/choice_scale.py                           # links 1k..100k, zones 25..400
    python benchmarks/choice_scale.py --sizes 1000,10000 --zones 50,100 --repeats 3
    benchmarks/.env-aequilibrae/bin/python benchmarks/choice_scale.py --peer aequilibrae \
        --peer-grids 10000/100,100000/100              # TNTP, plus grids given as links/zones

For each synthetic network (:mod:`synthetic`: a perturbed two-way grid with arterials and
corridor links, gravity demand) and each TNTP network found in ``shared/data/tntp``, it times
``stochastic_assign(network, demand, ChoiceSpec(...))`` and ``assign(..., AssignmentSpec("bfw",
1e-4, ...))`` on the same network: warm wall time (best of ``--repeats``, fewer when one run
takes longer than ``--budget-s``) and the CPU time of this process (less sensitive to other
load on a shared machine), iterations, convergence, choice-set size, and the peak RSS
growth of the run (``ru_maxrss`` after the timed runs minus before them, in a fresh process per
engine and case, so one run's memory does not hide another's; tracemalloc would miss arrays
that Numba allocates itself). The first call of each engine on a tiny network, in a fresh
process against an empty Numba cache, is reported separately as compile time. Growth
exponents are least-squares slopes of log(wall or CPU time) against log(links) (zones fixed)
and log(zones) (links fixed), for the whole run and per iteration.

The timed processes run with one BLAS thread (``--blas-threads 0`` leaves the library's
default): bfw's vector dot products go through OpenBLAS, whose threads, on a loaded 2-core
machine, made bfw 2–5× slower and its times swing by 2× from run to run.

``--peer aequilibrae`` (needs AequilibraE: ``bash benchmarks/assignment_env.sh``) times
AequilibraE's RouteChoice (link-penalisation choice sets, path-size logit, one loading, at
free-flow costs, one core) against tripp's ``ChoiceSpec(max_iter=1)`` with the same K, penalty
factor and number of penalisation rounds (2K), and reports how far apart their link flows are.
The two logits differ in scale: tripp's utility is −θ·C/C_min per OD, AequilibraE's −C, so
AequilibraE gets costs × θ / (demand-weighted mean free-flow shortest-path cost), the nearest
single scale; and tripp penalises, per origin, every arc its destinations' paths use, where
AequilibraE penalises per OD, so the choice sets differ too. The flow difference is a sanity
check of like-for-like work, not an accuracy figure.

Until ``tripp.assignment.stochastic`` exists, only the bfw half runs (and the table says so).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
TNTP = ROOT.parent / "shared" / "data" / "tntp"
TNTP_NAMES = ("SiouxFalls", "Anaheim", "BerlinMPFC")
DEFAULT_SIZES = (1000, 3000, 10000, 30000, 100000)
DEFAULT_ZONES = (25, 50, 100, 200, 400)
QUICK_SIZES = (1000, 3000, 10000)
QUICK_ZONES = (25, 50, 100)
WARMUP = ("grid", 200, 10)  # the tiny case every child process runs first (compile / cache load)


# --------------------------------------------------------------------------- child process


def load_case(kind: str, size: int, zones: int, seed: int) -> tuple[Any, Any, str]:
    """(network, demand, label) of a synthetic grid or a TNTP network (``kind`` = its name)."""
    if kind == "grid":
        from synthetic import grid_case

        case = grid_case(size, zones, seed=seed)
        return case.network, case.demand, case.label
    from tripp.assignment import load_tntp

    folder = TNTP / kind
    network, demand = load_tntp(folder / f"{kind}_net.tntp", folder / f"{kind}_trips.tntp")
    return network, demand, kind


def choice_spec(args: dict[str, Any]) -> Any:
    """The ChoiceSpec the options ask for (unset options keep the engine's defaults)."""
    from tripp.assignment.stochastic import ChoiceSpec

    given = {
        "paths_per_od": args["paths"],
        "theta": args["theta"],
        "max_iter": args["sue_max_iter"],
        "tolerance": args["tolerance"],
        "penalty_factor": args["penalty"],
    }
    return ChoiceSpec(**{k: v for k, v in given.items() if v is not None})


def engine_runner(engine: str, args: dict[str, Any]) -> Callable[[Any, Any], dict[str, Any]]:
    """A function (network, demand) -> facts of one run, for ``engine`` in sue, bfw, aeq."""
    if engine == "sue":
        from tripp.assignment.stochastic import stochastic_assign

        spec = choice_spec(args)

        def sue(network: Any, demand: Any) -> dict[str, Any]:
            result = stochastic_assign(network, demand, spec)
            return {
                "iterations": int(result.iterations),
                "converged": bool(result.converged),
                "n_paths": int(result.n_paths),
                "gap": float(result.gap),
                "flow": result.flow,
            }

        return sue
    if engine == "bfw":
        from tripp.assignment import AssignmentSpec, assign

        ue_spec = AssignmentSpec("bfw", args["bfw_gap"], args["bfw_max_iter"])

        def bfw(network: Any, demand: Any) -> dict[str, Any]:
            result = assign(network, demand, ue_spec)
            return {
                "iterations": int(result.iterations),
                "converged": bool(result.converged),
                "flow": result.flow,
            }

        return bfw
    if engine == "aeq":
        return lambda network, demand: AequilibraeChoice(network, demand, args).run()
    raise ValueError(f"unknown engine {engine!r}")


def child(job: dict[str, Any]) -> dict[str, Any]:
    """Time one engine on one case in this (fresh) process; returns JSON-able facts."""
    args = job["args"]
    run = engine_runner(job["engine"], args)
    tiny_net, tiny_demand, _ = load_case(*WARMUP, seed=0)
    started = time.perf_counter()
    run(tiny_net, tiny_demand)
    first_call_s = time.perf_counter() - started
    network, demand, label = load_case(job["kind"], job["size"], job["zones"], args["seed"])
    rss_before_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    times_s: list[float] = []
    cpu_s: list[float] = []  # this process's CPU time: less sensitive to other load
    facts: dict[str, Any] = {}
    while len(times_s) < args["repeats"] and sum(times_s) < args["budget_s"]:
        started, started_cpu = time.perf_counter(), time.process_time()
        facts = run(network, demand)
        times_s.append(time.perf_counter() - started)
        cpu_s.append(time.process_time() - started_cpu)
    rss_after_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    flow = facts.pop("flow")
    later = facts.pop("later", None)
    if later is not None:
        facts["n_paths"] = len(later())
    if job.get("save_flow"):
        np.save(job["save_flow"], np.asarray(flow, dtype=np.float64))
    return {
        **facts,
        "label": label,
        "links": int(network.n_links),
        "nodes": int(network.n_nodes),
        "zones": int(demand.trips.shape[0]),
        "ods": int(np.count_nonzero(demand.trips) - np.count_nonzero(np.diag(demand.trips))),
        "time_s": min(times_s),
        "cpu_s": min(cpu_s),
        "runs": len(times_s),
        "first_call_s": first_call_s,
        "rss_growth_mib": (rss_after_kib - rss_before_kib) / 1024,
    }


class AequilibraeChoice:
    """AequilibraE RouteChoice on a tripp network at free-flow costs (graph built untimed)."""

    def __init__(self, network: Any, demand: Any, args: dict[str, Any]) -> None:
        import pandas as pd
        from aequilibrae.paths import Graph

        from tripp.assignment.context import SolveContext

        spec = choice_spec(args)
        # tripp's utility is −θ·C/C_min (relative cost, per OD); AequilibraE's is −C (absolute):
        # the nearest one global scale is θ / (demand-weighted mean free-flow shortest-path cost)
        context = SolveContext(network, demand)
        free_cost = context.costs(np.zeros(network.n_links))
        mean_cost = context.sptt(free_cost) / float(context.od[3].sum())
        cost = spec.theta / mean_cost * free_cost
        node_id = network.node_ids + 1  # AequilibraE node ids start at 1
        links = pd.DataFrame(
            {
                "link_id": np.arange(1, network.n_links + 1),
                "a_node": node_id[network.tail],
                "b_node": node_id[network.head],
                "direction": np.ones(network.n_links, dtype=np.int8),
                "cost": cost,
            }
        )
        centroids = node_id[demand.zone_nodes].astype(np.int64)
        graph = Graph()
        graph.network = links
        graph.prepare_graph(centroids)
        graph.set_graph("cost")
        graph.set_skimming([])
        graph.set_blocked_centroid_flows(bool(network.no_through[demand.zone_nodes].any()))
        trips = np.array(demand.trips, dtype=np.float64)
        np.fill_diagonal(trips, 0.0)
        o, d = np.nonzero(trips > 0)
        self.demand = pd.DataFrame(
            {"origin id": centroids[o], "destination id": centroids[d], "demand": trips[o, d]}
        ).set_index(["origin id", "destination id"])
        self.graph = graph
        self.settings = {
            "max_routes": spec.paths_per_od,
            "max_depth": args["aeq_max_depth"] or 2 * spec.paths_per_od,  # tripp: 2K rounds
            "penalty": spec.penalty_factor,
            "beta": 1.0,  # path-size exponent
        }

    def run(self) -> dict[str, Any]:
        """Choice sets, path-size logit probabilities and link loads (flows in CSR order)."""
        from aequilibrae.paths import RouteChoice

        choice = RouteChoice(self.graph)
        choice.set_choice_set_generation("link-penalisation", **self.settings)
        choice.set_cores(1)
        choice.add_demand(self.demand)
        choice.execute(perform_assignment=True)
        loads = choice.get_load_results().sort_index()
        flow = loads["demand_ab"].to_numpy()  # link_id k + 1 is CSR link k
        # counting the routes builds a table: done by the caller after the timing
        return {"iterations": 1, "converged": True, "flow": flow, "later": choice.get_results}


# --------------------------------------------------------------------------- parent process


def spawn(
    engine: str, kind: str, size: int, zones: int, args: argparse.Namespace, **extra: Any
) -> dict[str, Any] | None:
    """Run one child process; returns its facts, or None (with the reason printed) if it failed."""
    job = {"engine": engine, "kind": kind, "size": size, "zones": zones, "args": vars(args)}
    env = None
    if extra.pop("own_cache", False):  # an empty Numba cache of its own: the first call compiles
        env = {**os.environ, "NUMBA_CACHE_DIR": tempfile.mkdtemp(prefix="tripp-numba-")}
    job.update(extra)
    done = subprocess.run(
        [sys.executable, __file__, "--child", json.dumps(job)],
        capture_output=True,
        text=True,
        check=False,
        env=env,
    )
    if done.returncode != 0:
        tail = done.stderr.strip().splitlines()[-1:] or ["(no message)"]
        print(f"  {engine} on {kind} {size}/{zones} failed: {tail[0]}", file=sys.stderr)
        return None
    facts: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return facts


def have_stochastic() -> bool:
    """Whether the route-choice engine is importable here."""
    try:
        import tripp.assignment.stochastic  # noqa: F401
    except ImportError:
        return False
    return True


def fmt(value: Any, spec: str = "") -> str:
    """A table cell; a missing value is a dash."""
    return "–" if value is None else format(value, spec)


def slope(x: list[float], y: list[float]) -> float | None:
    """Least-squares slope of log(y) on log(x); None with fewer than two points."""
    if len(x) < 2:
        return None
    return float(np.polyfit(np.log(x), np.log(y), 1)[0])


def print_scale_table(rows: list[dict[str, Any]]) -> None:
    """The markdown table of the scale run."""
    print(
        "\n| case | links | nodes | zones | ODs | SUE s wall / cpu | SUE it | SUE conv | paths | "
        "SUE split change | bfw s wall / cpu | bfw it | bfw conv | SUE/bfw wall / cpu | "
        "SUE ΔRSS MiB | bfw ΔRSS MiB |"
    )
    print("|" + "---|" * 16)
    for row in rows:
        sue, bfw = row.get("sue"), row.get("bfw")
        base = sue or bfw
        if base is None:
            continue
        ratio = (
            f"{sue['time_s'] / bfw['time_s']:.2f} / {sue['cpu_s'] / bfw['cpu_s']:.2f}"
            if sue and bfw
            else None
        )
        cells = [
            base["label"],
            f"{base['links']:,}",
            f"{base['nodes']:,}",
            str(base["zones"]),
            f"{base['ods']:,}",
            timing(sue),
            fmt(sue and sue["iterations"]),
            fmt(sue and sue["converged"]),
            fmt(sue and f"{sue['n_paths']:,}"),
            fmt(sue and sue["gap"], ".1e"),
            timing(bfw),
            fmt(bfw and bfw["iterations"]),
            fmt(bfw and bfw["converged"]),
            fmt(ratio),
            fmt(sue and sue["rss_growth_mib"], ".0f"),
            fmt(bfw and bfw["rss_growth_mib"], ".0f"),
        ]
        print("| " + " | ".join(cells) + " |")


def timing(facts: dict[str, Any] | None) -> str:
    """``wall / cpu (runs×)`` of one engine's facts, or a dash."""
    if not facts:
        return "–"
    return f"{facts['time_s']:.3f} / {facts['cpu_s']:.3f} ({facts['runs']}×)"


def print_growth(rows: list[dict[str, Any]], sweep: str, axis: str) -> None:
    """Log-log slopes of time (and time per iteration) against ``axis`` over one sweep."""
    picked = [r for r in rows if r["sweep"] == sweep]
    for engine in ("sue", "bfw"):
        runs = [r[engine] for r in picked if r.get(engine)]
        x = [float(r[axis]) for r in runs]
        wall = slope(x, [r["time_s"] for r in runs])
        cpu = slope(x, [r["cpu_s"] for r in runs])
        per_it = slope(x, [r["cpu_s"] / max(r["iterations"], 1) for r in runs])
        if wall is not None:
            print(
                f"- {engine}: wall time ∝ {axis}^{wall:.2f}, CPU time ∝ {axis}^{fmt(cpu, '.2f')}, "
                f"CPU time per iteration ∝ {axis}^{fmt(per_it, '.2f')} "
                f"({len(runs)} points, {min(x):,.0f}–{max(x):,.0f} {axis})"
            )


def scale_run(args: argparse.Namespace) -> None:
    """Synthetic sweeps and TNTP networks: SUE and bfw side by side."""
    engines = ["sue", "bfw"] if have_stochastic() else ["bfw"]
    if "sue" not in engines:
        print("tripp.assignment.stochastic is not importable here: timing the bfw half only")
    blas = f"{args.blas_threads} BLAS thread(s)" if args.blas_threads else "default BLAS threads"
    print(
        f"CPU cores: {os.cpu_count()}, {blas}; warm times are best of up to {args.repeats} "
        f"(fewer once the runs of a case take {args.budget_s:.0f} s); bfw to gap "
        f"{args.bfw_gap:g} (at most {args.bfw_max_iter} iterations)"
    )
    for engine in engines:
        facts = spawn(engine, *WARMUP, args, own_cache=True)
        if facts:
            print(
                f"{engine}: first call (Numba compile, empty cache, tiny grid) "
                f"{facts['first_call_s']:.2f} s; warm call on it {facts['time_s'] * 1e3:.1f} ms"
            )
    cases = [("links", "grid", n, args.fixed_zones) for n in args.sizes]
    cases += [("zones", "grid", args.fixed_links, z) for z in args.zones]
    cases += [("tntp", name, 0, 0) for name in args.tntp]
    rows = []
    for sweep, kind, size, zones in cases:
        row: dict[str, Any] = {"sweep": sweep}
        for engine in engines:
            row[engine] = spawn(engine, kind, size, zones, args)
            if row[engine]:
                facts = row[engine]
                print(f"  {sweep:5s} {facts['label']:22s} {engine} {facts['time_s']:.3f} s")
        rows.append(row)
    print_scale_table(rows)
    print(f"\nGrowth (log-log least squares), zones fixed at {args.fixed_zones}:")
    print_growth(rows, "links", "links")
    print(f"Growth, links fixed near {args.fixed_links:,}:")
    print_growth(rows, "zones", "zones")


def peer_run(args: argparse.Namespace) -> None:
    """tripp ChoiceSpec(max_iter=1) against AequilibraE RouteChoice, same K, θ and penalty."""
    try:
        import aequilibrae  # noqa: F401
    except ImportError:
        sys.exit(
            "AequilibraE is not importable: bash benchmarks/assignment_env.sh, then run "
            "benchmarks/.env-aequilibrae/bin/python benchmarks/choice_scale.py --peer aequilibrae"
        )
    if not have_stochastic():
        print("tripp.assignment.stochastic is not importable here: timing AequilibraE only")
    args.sue_max_iter = 1
    spec = choice_spec(vars(args))
    print(
        f"K={spec.paths_per_od}, θ={spec.theta} (AequilibraE: costs × θ / mean shortest cost), "
        f"penalty={spec.penalty_factor}, at most {args.aeq_max_depth or 2 * spec.paths_per_od} "
        f"rounds, path-size exponent 1, free-flow costs, one loading, one core each; "
        f"best of up to {args.repeats}"
    )
    print(
        "\n| network | links | ODs | tripp s wall / cpu | tripp paths | AequilibraE s wall / cpu "
        "| AequilibraE paths | tripp/AequilibraE wall / cpu | flow diff Σ|Δx|/Σx |"
    )
    print("|" + "---|" * 9)
    with tempfile.TemporaryDirectory() as folder:
        cases = [(name, 0, 0) for name in args.tntp]
        cases += [("grid", size, zones) for size, zones in args.peer_grids]
        for kind, size, zones in cases:
            name = kind if kind != "grid" else f"grid {size}/{zones}"
            flows = {
                e: str(Path(folder) / f"{kind}-{size}-{zones}-{e}.npy") for e in ("sue", "aeq")
            }
            t = (
                spawn("sue", kind, size, zones, args, save_flow=flows["sue"])
                if have_stochastic()
                else None
            )
            a = spawn("aeq", kind, size, zones, args, save_flow=flows["aeq"])
            base = a or t
            if base is None:
                continue
            diff = None
            if t and a:
                x_t, x_a = np.load(flows["sue"]), np.load(flows["aeq"])
                diff = float(np.abs(x_t - x_a).sum() / max(x_a.sum(), 1e-300))
            cells = [
                name,
                f"{base['links']:,}",
                f"{base['ods']:,}",
                timing(t),
                fmt(t and f"{t['n_paths']:,}"),
                timing(a),
                fmt(a and f"{a['n_paths']:,}"),
                fmt(
                    f"{t['time_s'] / a['time_s']:.2f} / {t['cpu_s'] / a['cpu_s']:.2f}"
                    if t and a
                    else None
                ),
                fmt(diff, ".2%"),
            ]
            print("| " + " | ".join(cells) + " |")


def parse(argv: list[str] | None = None) -> argparse.Namespace:
    """Command-line options."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ints = lambda text: [int(v) for v in text.split(",") if v]  # noqa: E731
    parser.add_argument("--sizes", type=ints, help="links of the synthetic grids (comma list)")
    parser.add_argument("--zones", type=ints, help="zone counts of the zone sweep (comma list)")
    parser.add_argument("--fixed-zones", type=int, default=100, help="zones in the links sweep")
    parser.add_argument("--fixed-links", type=int, default=10000, help="links in the zones sweep")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--budget-s", type=float, default=60.0, help="stop repeating after this")
    parser.add_argument("--quick", action="store_true", help="small sizes, one repeat")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--paths", type=int, help="ChoiceSpec.paths_per_od (default: its own)")
    parser.add_argument("--theta", type=float, help="ChoiceSpec.theta (default: its own)")
    parser.add_argument("--sue-max-iter", type=int, help="ChoiceSpec.max_iter")
    parser.add_argument("--tolerance", type=float, help="ChoiceSpec.tolerance")
    parser.add_argument(
        "--blas-threads",
        type=int,
        default=1,
        help="BLAS threads of the timed processes (0: the library's default, all cores)",
    )
    parser.add_argument("--bfw-gap", type=float, default=1e-4)
    parser.add_argument("--bfw-max-iter", type=int, default=1000)
    parser.add_argument("--tntp", type=lambda t: [v for v in t.split(",") if v], default=None)
    parser.add_argument("--peer", choices=["aequilibrae"], help="time a peer instead")
    parser.add_argument(
        "--peer-grids",
        type=lambda t: [tuple(int(n) for n in v.split("/")) for v in t.split(",") if v],
        default=[],
        help="synthetic grids for the peer too, as links/zones (e.g. 10000/100,100000/100)",
    )
    parser.add_argument("--penalty", type=float, help="ChoiceSpec.penalty_factor")
    parser.add_argument("--aeq-max-depth", type=int, help="AequilibraE LP rounds (default 2K)")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.quick:
        args.repeats = 1
    args.sizes = args.sizes or list(QUICK_SIZES if args.quick else DEFAULT_SIZES)
    args.zones = args.zones or list(QUICK_ZONES if args.quick else DEFAULT_ZONES)
    if args.tntp is None:
        args.tntp = [n for n in TNTP_NAMES if (TNTP / n / f"{n}_net.tntp").is_file()]
        missing = [n for n in TNTP_NAMES if n not in args.tntp]
        if missing and not args.child:
            print(f"TNTP networks not found under {TNTP}, skipped: {', '.join(missing)}")
    return args


def main() -> None:
    args = parse()
    if args.child:
        print(json.dumps(child(json.loads(args.child))))
        return
    # the timed child processes share one Numba cache (the first one fills it, while warming up)
    os.environ["NUMBA_CACHE_DIR"] = tempfile.mkdtemp(prefix="tripp-numba-")
    os.environ.setdefault("AEQ_SHOW_PROGRESS", "FALSE")
    if args.blas_threads > 0:  # set before the children start their BLAS
        for name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
            os.environ[name] = str(args.blas_threads)
    os.environ["PYTHONPATH"] = os.pathsep.join(
        [str(ROOT / "src"), os.environ.get("PYTHONPATH", "")]
    )
    if args.peer:
        peer_run(args)
    else:
        scale_run(args)
    peak_mib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(f"\nlargest peak RSS of one child process: {peak_mib:.0f} MiB")


if __name__ == "__main__":
    main()
