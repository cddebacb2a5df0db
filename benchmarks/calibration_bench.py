"""Calibration benchmark: 4 free parameters, the default community x 156 weeks, at least 2,000 model runs.

    python benchmarks/calibration_bench.py [--jobs 2] [--budget 2600] [--keep DIR] [--no-early-rejection]

Observations are simulated from the default parameters (baseline, seed 99: mean satisfaction, share
satisfied in the quarterly survey and the hotline resolution rate, yearly), so the problem has a known
answer. Everything is written to a temporary folder (or ``--keep DIR``); the checkout stays clean. Prints
wall time (and when the 2,000th sampler run finished), model runs, runs per second and the CPU seconds the runs took (driver and workers), which on a
busy machine says more than the wall time; also the runs kept and not kept, and the weeks early rejection
saved (``--no-early-rejection`` runs every run to the end: the same posterior, for comparison). Not a timed test.
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

TOML = """\
[calibration]
name = "bench4"
scenario = "baseline"
weeks = 156
seed = 11
[observations]
file = "obs.csv"
[parameters]
issue_rate_per_year = {{ low = 0.5, high = 4.0 }}
buck_pass_prob = {{}}
satisfaction_rate = {{}}
report_base = {{}}
[method]
population = 100
seeds_per_particle = 2
max_simulations = {budget}
max_generations = 20
min_acceptance_rate = 0.0
predictive_draws = 100
"""
TRUTH_SEED = 99
OBSERVED = (("satisfaction_mean", 0.02), ("survey_satisfied_share", 0.04), ("hotline_resolution_rate", 0.03))


def observations(folder: Path) -> None:
    """obs.csv: the default baseline's yearly values (seed 99), with the stated sds."""
    from experiments.calibration.simulate import target_value
    from experiments.one_run import run_scenario

    frame = run_scenario("baseline", seed=TRUTH_SEED, weeks=156)
    lines = ["metric,week,window,value,sd"]
    for metric, sd in OBSERVED:
        for week in (52, 104, 156):
            window = 52 if metric == "hotline_resolution_rate" else 0
            value = target_value(metric, frame[metric].to_numpy(dtype=float), week, window)
            lines.append(f"{metric},{week},{window or ''},{value!r},{sd}")
    (folder / "obs.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")


def _cpu_seconds() -> float:
    """CPU seconds of this process and of its finished children (the pool's workers, once shut down)."""
    me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--budget", type=int, default=2600, help="max_simulations (default 2600)")
    parser.add_argument("--keep", default=None, help="write into this folder instead of a temporary one")
    parser.add_argument("--no-early-rejection", action="store_true", help="run every model run to the end")
    args = parser.parse_args(argv)
    from experiments.calibration import run_calibration

    with tempfile.TemporaryDirectory(prefix="cogov-calib-bench-") as tmp:
        work = Path(args.keep) if args.keep else Path(tmp)
        work.mkdir(parents=True, exist_ok=True)
        (work / "bench4.toml").write_text(TOML.format(budget=args.budget), encoding="utf-8")
        observations(work)
        load_before = os.getloadavg()[0]
        started = time.perf_counter()
        cpu_before = _cpu_seconds()
        finished = [0, None]  # sampler runs finished, wall seconds when the 2,000th finished

        def count(n: int) -> None:
            finished[0] += n
            if finished[1] is None and finished[0] >= 2000:
                finished[1] = time.perf_counter() - started

        done = run_calibration(work / "bench4.toml", work / "out", jobs=args.jobs, progress=True,
                               early_rejection=not args.no_early_rejection, on_runs=count)
        wall = time.perf_counter() - started
        cpu = _cpu_seconds() - cpu_before
        result = done["result"]
        runs = result.simulations + done["spec"].method.predictive_draws
        print(f"calibration benchmark: 4 free parameters, default community x 156 weeks, --jobs {args.jobs}")
        print(f"  generations {len(result.generations)}, sampler runs {result.simulations} "
              f"(+{done['spec'].method.predictive_draws} predictive); stopped: {result.stop_reason}")
        kept = sum(g.simulations for g in result.generations)
        past = sum(g.past_full for g in result.generations)
        weeks = done["spec"].weeks
        simulated = sum(g.run_weeks for g in result.generations)
        last = result.last
        print("  generations: " + ", ".join(f"{g.index}: {len(g.weights)} of {g.proposals} at ε {g.tolerance:.3g}, "
                                             f"{g.simulations} runs" for g in result.generations))
        print(f"  runs kept {kept} (of them {past} handed out after a population was complete), not kept "
              f"{result.discarded_simulations}, budget left {done['spec'].method.max_simulations - result.simulations}; "
              f"final population {len(last.weights)}{' (cut short by the budget)' if last.partial else ''}, "
              f"ε {last.tolerance:.3g}, ESS {last.ess:.0f}; early rejection: "
              f"{sum(g.stopped_early for g in result.generations)} particles stopped early, the kept generations' runs "
              f"simulated {simulated} of {(kept - past) * weeks} weeks after the warm-up")
        at_2000 = "not reached" if finished[1] is None else f"finished after {finished[1] / 60:.1f} min"
        print(f"  wall {wall:.0f} s, the 2,000th sampler run {at_2000} "
              f"({wall * 2000 / runs / 60:.1f} min per 2,000 runs on average), {runs / wall:.2f} runs/s; "
              f"CPU {cpu:.0f} s (driver + workers), {cpu / runs:.3f} CPU-s per run: on {args.jobs} otherwise idle "
              f"cores about {cpu / args.jobs:.0f} s ({cpu * 2000 / runs / args.jobs / 60:.1f} min per 2,000 runs)")
        print(f"  the run got {cpu / wall:.2f} CPU-s per second of {args.jobs} workers' worth; load average "
              f"{load_before:.1f} at the start, {os.getloadavg()[0]:.1f} at the end (other work stretches the wall time)")
        print(done["summary"][["parameter", "median", "q05", "q95", "contraction"]].to_string(index=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
