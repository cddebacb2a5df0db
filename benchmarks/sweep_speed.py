"""Measurements of sweeps: the fixed cost of `run.py sweep` beyond its runs (a child process against
the same runs in this warm process) and the throughput of the engine's pool with 1 and 2 workers
(``results["sweep_fixed"]``, ``["sweep"]``)."""

from __future__ import annotations

import functools
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import pandas as pd

from benchmarks.config import BenchConfig, fresh, log, summary
from experiments.one_run import run_scenario
from experiments.run_driver import execute, run_one
from experiments.run_task import RunTask
from experiments.sweep import (
    build_design,
    load_sweep,
    make_manifest,
    outcomes_from_manifest,
    run_task,
    tasks_from_manifest,
)
from experiments.worker_pool import make_executor

__all__ = ["sweep_run", "measure_sweep_fixed", "measure_sweep", "FIXED_SWEEP"]

RUN_PY = Path(__file__).resolve().parent.parent / "run.py"


def sweep_run(task: RunTask) -> pd.DataFrame:
    """Run function for the sweep measurement (module level, so spawned workers can load it)."""
    return run_scenario(task.scenario, seed=task.seed, weeks=task.weeks, overrides=task.overrides)


def _steady_rate(finished: list[float], jobs: int) -> float:
    """Runs per second between the end of the first batch (`jobs` runs, which carry the pool's
    start-up) and the last run, from the times the runs' files were written."""
    finished = sorted(finished)
    if len(finished) <= jobs:
        return float("nan")
    span = finished[-1] - finished[jobs - 1]
    return (len(finished) - jobs) / span if span > 0 else float("nan")


def _sweep_once(cfg: BenchConfig, jobs: int, first_seed: int) -> dict[str, float]:
    """One sweep of `cfg.sweep_runs` runs through a fresh local pool of `jobs` workers."""
    tasks = [RunTask(f"b{i:03d}", "baseline", first_seed + i, cfg.sweep_weeks) for i in range(cfg.sweep_runs)]
    with tempfile.TemporaryDirectory(prefix="cogov-bench-sweep-") as tmp:
        cpu0 = _children_cpu()
        t0 = time.perf_counter()
        report = execute(
            tasks, sweep_run, Path(tmp), lambda: make_executor(jobs), resume=False, progress=False
        )
        wall = time.perf_counter() - t0
        workers_cpu = _children_cpu() - cpu0  # the pool's workers have exited and been reaped by now
        finished = [p.stat().st_mtime for p in (Path(tmp) / "runs").glob("*.parquet")]
    if not report.ok:
        raise RuntimeError(f"benchmark sweep with {jobs} worker(s) failed: {report.failed}")
    return {
        "seconds": wall,
        "runs_per_s": cfg.sweep_runs / wall,
        "steady_runs_per_s": _steady_rate(finished, jobs),
        "workers_cpu_per_s": workers_cpu / wall,
    }


def _children_cpu() -> float:
    """CPU seconds used by this process's finished child processes."""
    import resource

    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


FIXED_SWEEP = """[sweep]
name = "bench_fixed_cost"
scenario = "baseline"
weeks = {weeks}
replicates = {replicates}
seed = 7

[design]
method = "grid"
[design.parameters]
buck_pass_prob = {{ low = 0.1, high = 0.8, num = {points} }}

[[outcomes]]
name = "satisfaction"
metric = "satisfaction_mean"
statistic = "mean"
last_weeks = 4

[sensitivity]
plots = []
"""


def measure_sweep_fixed(cfg: BenchConfig) -> dict[str, Any]:
    """CPU of ``run.py sweep FILE --jobs 1`` (driver, pool and worker, start to exit, as child processes
    of this one) minus the CPU of the same runs done one after another in this warm process: what a
    sweep costs beyond its runs (interpreter and imports, pool start, result files, results table).
    Each repetition measures both, one after the other, so a change of load shifts both alike.

    The sweep runs with Python's default bytecode cache (``__pycache__``, ignored by git): a first,
    unmeasured sweep writes it, as a researcher's first sweep does. Where the environment sets
    PYTHONDONTWRITEBYTECODE it is removed for the sweep (and the result says so): with it, every start
    compiles cogov's own modules again."""
    points = 5 if cfg.fixed_runs % 5 == 0 else 1
    text = FIXED_SWEEP.format(weeks=cfg.fixed_weeks, replicates=cfg.fixed_runs // points, points=points)
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    with tempfile.TemporaryDirectory(prefix="cogov-bench-fixed-") as tmp:
        sweep_file = Path(tmp) / "fixed.toml"
        sweep_file.write_text(text, encoding="utf-8")
        manifest = make_manifest(load_sweep(sweep_file), build_design(load_sweep(sweep_file)))
        tasks = tasks_from_manifest(manifest)
        run_fn = functools.partial(run_task, outcomes=outcomes_from_manifest(manifest), series=manifest["series"])
        run_one(run_fn, tasks[0])  # warm-up

        def sweep(out: Path) -> tuple[float, float]:
            cpu0, t0 = _children_cpu(), time.perf_counter()
            proc = subprocess.run(
                [sys.executable, str(RUN_PY), "sweep", str(sweep_file), "--jobs", "1", "--quiet",
                 "--out", str(out)],
                capture_output=True, text=True, timeout=600, env=env,
            )
            if proc.returncode != 0:
                raise RuntimeError(f"benchmark sweep failed: {proc.stderr.strip()[-2000:]}")
            return _children_cpu() - cpu0, time.perf_counter() - t0

        sweep(Path(tmp) / "warm-up")  # writes the bytecode cache; not measured
        totals, walls, runs = [], [], []
        for rep in range(cfg.fixed_reps):
            total, wall = sweep(Path(tmp) / f"out{rep}")
            with fresh():
                c0 = time.process_time()
                for task in tasks:
                    run_one(run_fn, task)
                runs.append(time.process_time() - c0)
            totals.append(total)
            walls.append(wall)
    result = {
        "runs": len(tasks),
        "weeks": cfg.fixed_weeks,
        "runs_cpu_s": statistics.median(runs),
        "runs_cpu": summary(runs),
        "sweep_cpu_s": summary(totals),
        "sweep_wall_s": summary(walls),
        "fixed_cpu_s": summary([t - r for t, r in zip(totals, runs, strict=True)]),
        # the least disturbed estimate: other load only ever adds CPU time (cache and core sharing)
        "fixed_cpu_s_least_disturbed": min(totals) - min(runs),
        "bytecode_cache": "on (PYTHONDONTWRITEBYTECODE removed for the sweep)"
        if "PYTHONDONTWRITEBYTECODE" in os.environ else "on",
    }
    log(
        f"  sweep of {len(tasks)} runs × {cfg.fixed_weeks} weeks, 1 worker: {result['sweep_cpu_s']['median']:.2f} s "
        f"CPU in all, runs alone {result['runs_cpu_s']:.2f} s: fixed cost {result['fixed_cpu_s']['median']:.2f} s CPU"
    )
    return result


def measure_sweep(cfg: BenchConfig) -> dict[str, Any]:
    """Runs per second through ``experiments.run_driver.execute`` (spawned local pool) with 1 and 2 workers:
    end to end (pool start included) and in steady state (after the first batch). The two are
    measured in alternating rounds (1-2, 2-1, ...) and compared round by round, since other load
    on a shared machine comes and goes."""
    lo, hi = cfg.sweep_jobs[0], cfg.sweep_jobs[1]
    rounds: list[dict[int, dict[str, float]]] = []
    for r in range(cfg.sweep_rounds):
        order = (lo, hi) if r % 2 == 0 else (hi, lo)
        rounds.append({jobs: _sweep_once(cfg, jobs, first_seed=1 + 1000 * r) for jobs in order})
        log(
            f"  sweep round {r + 1}: "
            + ", ".join(
                f"{j} worker(s) {rounds[-1][j]['steady_runs_per_s']:.2f} runs/s steady, "
                f"{rounds[-1][j]['runs_per_s']:.2f} end to end, workers used "
                f"{rounds[-1][j]['workers_cpu_per_s']:.2f} CPU"
                for j in order
            )
        )
    result: dict[str, Any] = {
        "runs": cfg.sweep_runs,
        "weeks": cfg.sweep_weeks,
        "households": 1_920,
        "rounds": cfg.sweep_rounds,
    }
    for jobs in (lo, hi):
        result[f"jobs_{jobs}"] = {
            key: summary([rd[jobs][key] for rd in rounds])
            for key in ("seconds", "runs_per_s", "steady_runs_per_s", "workers_cpu_per_s")
        }
    result["speedup"] = summary([rd[hi]["steady_runs_per_s"] / rd[lo]["steady_runs_per_s"] for rd in rounds])
    result["speedup_end_to_end"] = summary([rd[hi]["runs_per_s"] / rd[lo]["runs_per_s"] for rd in rounds])
    # Runs per CPU-second the workers got: on a machine whose cores other jobs hold (the scheduler shares CPU
    # between sessions, so two workers need not get more than one), this ratio is what the pool itself costs;
    # with two free cores the speed-up would be about twice it.
    result["cpu_efficiency"] = summary([
        (rd[hi]["runs_per_s"] / rd[hi]["workers_cpu_per_s"]) / (rd[lo]["runs_per_s"] / rd[lo]["workers_cpu_per_s"])
        for rd in rounds
    ])
    return result

