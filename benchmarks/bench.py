"""``python run.py bench [--quick]``: how fast the model is, against a per-agent baseline and targets.

Times model set-up and the run separately over several seeds after a warm-up and reports medians
with ranges. The references (``benchmarks/per_agent_baseline.py``: a per-agent Mesa model and a
tight numpy kernel of the household rules) run interleaved with the real model on the same seeds, in
the same process, and speeds are compared as ratios within each interleaved pair, so they hold on a
noisy shared machine; against the kernel the ratio uses the CPU time of the simulating thread.
Writes ``results.json`` and ``results.md`` (a Markdown table for the README, with the machine) into
``--out`` (default ``benchmarks/``; with ``--quick``, ``out/bench/``, so a quick run never touches
the committed figures), each atomically.

Targets are reported as met / not met; they are not timed tests. ``--quick`` uses small sizes and
one repetition so CI can run it in seconds; its figures are not comparable with the targets.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import functools
import gc
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Any

import pandas as pd

from experiments.engine import RunTask, _run_one, execute, make_executor
from experiments.sweep import (
    build_design,
    load_sweep,
    make_manifest,
    outcomes_from_manifest,
    run_task,
    tasks_from_manifest,
)
from model.runner import run_scenario
from storage.outputs import atomic_write, ensure_writable_dir

__all__ = [
    "BenchConfig",
    "FULL",
    "QUICK",
    "run_bench",
    "sweep_run",
    "add_cli",
    "render_markdown",
    "TARGETS",
    "default_out",
]

HERE = Path(__file__).resolve().parent
#: Where ``--quick`` writes by default: out/ is not tracked, so a quick run leaves the checkout clean.
QUICK_OUT = HERE.parent / "out" / "bench"

#: Layouts of the street by household count (the default scenario is 1 community of 1,920).
LAYOUTS: dict[int, dict[str, int]] = {
    1_920: {},
    4_000: {"n_communities": 2, "grids": 5, "buildings_per_grid": 10},
    20_000: {"n_communities": 10, "grids": 5, "buildings_per_grid": 10},
    96_000: {"n_communities": 50},
}


@dataclass(frozen=True)
class BenchConfig:
    """What to measure and how often."""

    quick: bool
    sizes: tuple[int, ...]  # households, keys of LAYOUTS
    reps: int  # timed seeds per size (after one warm-up run)
    weeks: int  # weeks per timed run of the full model
    reps_large: int  # timed seeds at the largest size
    baseline_size: int  # households for the per-agent comparison
    baseline_weeks: int
    baseline_reps: int
    default_reps: int  # repetitions of the default scenario (1,920 households x its 156 weeks)
    memory_size: int
    memory_weeks: int
    memory_weeks_long: int  # a second, longer run: memory must not grow with the horizon
    sweep_runs: int
    sweep_weeks: int
    sweep_rounds: int = 1  # alternating rounds of 1 and 2 workers
    sweep_jobs: tuple[int, int] = (1, 2)
    kernel_sizes: tuple[int, ...] = (1_920,)  # households of the rows against the numpy kernel
    kernel_weeks: int = 156
    kernel_reps: int = 1  # interleaved triplets (kernel, baseline, co_governance_full) per size
    kernel_reps_large: int = 1  # at the largest kernel size
    fixed_runs: int = 40  # runs of the sweep whose fixed cost is measured
    fixed_weeks: int = 26
    fixed_reps: int = 1


FULL = BenchConfig(
    quick=False,
    sizes=(1_920, 20_000, 96_000),
    reps=5,
    weeks=156,
    reps_large=3,
    baseline_size=20_000,
    baseline_weeks=26,
    baseline_reps=3,
    default_reps=7,
    memory_size=96_000,
    memory_weeks=156,
    memory_weeks_long=520,
    sweep_runs=200,
    sweep_weeks=156,
    sweep_rounds=1,
    kernel_sizes=(1_920, 96_000),
    kernel_weeks=156,
    kernel_reps=11,
    kernel_reps_large=3,
    fixed_runs=40,
    fixed_weeks=26,
    fixed_reps=5,
)
QUICK = BenchConfig(
    quick=True,
    sizes=(1_920, 4_000),
    reps=1,
    weeks=8,
    reps_large=1,
    baseline_size=1_920,
    baseline_weeks=4,
    baseline_reps=1,
    default_reps=1,
    memory_size=4_000,
    memory_weeks=8,
    memory_weeks_long=26,
    sweep_runs=6,
    sweep_weeks=4,
    kernel_sizes=(1_920, 4_000),
    kernel_weeks=8,
    fixed_runs=6,
    fixed_weeks=4,
)

#: The scenarios timed against the numpy kernel: no mechanism, and every mechanism.
KERNEL_SCENARIOS = ("baseline", "co_governance_full")


@dataclass(frozen=True)
class Target:
    """A target: the figure it reads, the threshold and the direction."""

    key: str
    label: str
    threshold: float
    at_least: bool
    unit: str


TARGETS: tuple[Target, ...] = (
    Target(
        "steps_per_s_large", "full model at {large} households, per CPU-second", 1.5e6, True, "household-steps/s"
    ),
    Target(
        "ratio_per_agent",
        "speed-up over the per-agent Mesa baseline at {baseline} households (CPU)",
        30.0,
        True,
        "x",
    ),
    Target(
        "kernel_ratio_default_full",
        "`co_governance_full` at {default} households × {kweeks} weeks, share of the kernel's speed (CPU)",
        0.5,
        True,
        "share",
    ),
    Target(
        "kernel_ratio_default_baseline",
        "`baseline` at {default} households × {kweeks} weeks, share of the kernel's speed (CPU)",
        0.6,
        True,
        "share",
    ),
    Target(
        "kernel_ratio_large_full",
        "`co_governance_full` at {klarge} households × {kweeks} weeks, share of the kernel's speed (CPU)",
        0.8,
        True,
        "share",
    ),
    Target(
        "default_scenario_s", "default scenario (1,920 households × 156 weeks) incl. set-up, CPU", 0.5, False, "s"
    ),
    Target("setup_s_per_100k", "set-up per 100,000 households (CPU, at {large}, without the warm-up weeks)", 0.3, False, "s"),
    Target(
        "bytes_per_household",
        "peak memory per household at {memory} households over {mweeks_long} weeks",
        1536.0,
        False,
        "bytes",
    ),
    Target(
        "memory_growth",
        "peak memory, {mweeks_long} weeks / {mweeks} weeks, at {memory} households",
        1.15,
        False,
        "x",
    ),
    Target(
        "sweep_fixed_cpu_s",
        "fixed CPU cost of a {fixed_runs}-run sweep beyond its runs (`run.py sweep --jobs 1`)",
        1.0,
        False,
        "s",
    ),
    Target(
        "sweep_speedup",
        "sweep throughput (steady state, {sweep_runs} runs × {sweep_weeks} weeks), 2 workers / 1 worker",
        1.8,
        True,
        "x",
    ),
)


# ------------------------------------------------------------------------------------ helpers
def summary(values: list[float]) -> dict[str, Any]:
    """Median, min and max of repeated measurements (and the values)."""
    return {
        "median": statistics.median(values),
        "min": min(values),
        "max": max(values),
        "n": len(values),
        "values": [round(v, 6) for v in values],
    }


def machine() -> dict[str, Any]:
    """The machine and software the figures were measured on."""
    import mesa
    import numpy

    cpu = platform.processor() or platform.machine()
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    info: dict[str, Any] = {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "python": platform.python_version(),
        "numpy": numpy.__version__,
        "mesa": mesa.__version__,
        "pandas": pd.__version__,
        "platform": platform.platform(),
        "date": dt.datetime.now().astimezone().isoformat(timespec="seconds"),
    }
    with contextlib.suppress(OSError):
        info["load_average_at_start"] = [round(x, 2) for x in os.getloadavg()]
    with contextlib.suppress(Exception):
        out = subprocess.run(
            ["git", "-C", str(HERE.parent), "rev-parse", "--short", "HEAD"],
            capture_output=True,
            text=True,
            timeout=5,
        )
        dirty = subprocess.run(
            ["git", "-C", str(HERE.parent), "status", "--porcelain", "--untracked-files=no"],
            capture_output=True,
            text=True,
            timeout=5,
        )
        if out.returncode == 0:
            info["git_commit"] = out.stdout.strip() + ("+uncommitted" if dirty.stdout.strip() else "")
    return info


@contextlib.contextmanager
def _fresh() -> Iterator[None]:
    """Start a measurement with no garbage from the previous one."""
    gc.collect()
    yield


def time_full_model(households: int, seed: int, weeks: int, scenario: str = "baseline") -> dict[str, float]:
    """Set-up and run times of the real model (and time inside ``datacollector.collect``)."""
    from model.model import CoGovernanceModel

    with _fresh():
        s0 = time.thread_time()
        t0 = time.perf_counter()
        model = CoGovernanceModel(scenario, seed=seed, **LAYOUTS[households])
        t1 = time.perf_counter()
        setup_cpu = time.thread_time() - s0
        collect_s = [0.0]
        inner = model.datacollector.collect

        def timed_collect(m: Any) -> None:
            c0 = time.perf_counter()
            inner(m)
            collect_s[0] += time.perf_counter() - c0

        model.datacollector.collect = timed_collect  # type: ignore[method-assign]
        c_start = time.thread_time()
        t2 = time.perf_counter()
        model.run(weeks)
        t3 = time.perf_counter()
        cpu = time.thread_time() - c_start  # this thread only: "one core", whatever else runs
        assert model.layout.n_households == households
        model.remove()
    return {"setup_s": t1 - t0, "setup_cpu_s": setup_cpu, "run_s": t3 - t2, "run_cpu_s": cpu, "collect_s": collect_s[0]}


def time_reference(cls: Callable[..., Any], households: int, seed: int, weeks: int) -> dict[str, float]:
    """Set-up and run times of a reference implementation (per-agent or kernel)."""
    with _fresh():
        t0 = time.perf_counter()
        model = cls("baseline", seed=seed, **LAYOUTS[households])
        t1 = time.perf_counter()
        c0 = time.thread_time()
        model.run(weeks)
        cpu = time.thread_time() - c0
        t2 = time.perf_counter()
        remove = getattr(model, "remove", None)
        if remove is not None:
            remove()
    return {"setup_s": t1 - t0, "run_s": t2 - t1, "run_cpu_s": cpu}


def sweep_run(task: RunTask) -> pd.DataFrame:
    """Run function for the sweep measurement (module level, so spawned workers can load it)."""
    return run_scenario(task.scenario, seed=task.seed, weeks=task.weeks, overrides=task.overrides)


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


# ------------------------------------------------------------------------------- measurements
def _setup_cpu(households: int, seed: int) -> float:
    """CPU seconds to build the street, its households and organisations, without the warm-up weeks
    (``warmup_weeks=0``): the set-up itself, not simulation."""
    from model.model import CoGovernanceModel

    with _fresh():
        c0 = time.thread_time()
        model = CoGovernanceModel("baseline", seed=seed, warmup_weeks=0, **LAYOUTS[households])
        cpu = time.thread_time() - c0
        model.remove()
    return cpu


def measure_sizes(cfg: BenchConfig) -> dict[str, Any]:
    """Household-steps/s, set-up time and data-collection share of the full model at each size."""
    out: dict[str, Any] = {}
    for n in cfg.sizes:
        reps = cfg.reps_large if n == max(cfg.sizes) else cfg.reps
        time_full_model(n, seed=0, weeks=2)  # warm-up
        runs = [time_full_model(n, seed=s, weeks=cfg.weeks) for s in range(1, reps + 1)]
        structural = [_setup_cpu(n, seed=s) for s in range(1, reps + 1)]
        out[str(n)] = {
            "households": n,
            "layout": LAYOUTS[n],
            "weeks": cfg.weeks,
            "setup_s": summary([r["setup_s"] for r in runs]),
            "setup_cpu_s": summary([r["setup_cpu_s"] for r in runs]),
            "setup_no_warmup_cpu_s": summary(structural),
            "run_s": summary([r["run_s"] for r in runs]),
            "run_cpu_s": summary([r["run_cpu_s"] for r in runs]),
            "household_steps_per_s": summary([n * cfg.weeks / r["run_s"] for r in runs]),
            "household_steps_per_cpu_s": summary([n * cfg.weeks / r["run_cpu_s"] for r in runs]),
            "collect_share": summary([r["collect_s"] / r["run_s"] for r in runs]),
        }
        fig = out[str(n)]["household_steps_per_s"]
        log(
            f"  {n:>7,} households: {fig['median'] / 1e6:.2f} M household-steps/s "
            f"[{fig['min'] / 1e6:.2f}-{fig['max'] / 1e6:.2f}], set-up {out[str(n)]['setup_s']['median']:.3f} s"
        )
    return out


def measure_baseline(cfg: BenchConfig) -> dict[str, Any]:
    """Full model vs per-agent Mesa vs numpy kernel on the same seeds, interleaved, paired ratios."""
    from benchmarks.per_agent_baseline import PerAgentModel, VectorisedKernel

    n, weeks = cfg.baseline_size, cfg.baseline_weeks
    time_full_model(n, seed=0, weeks=2)
    time_reference(PerAgentModel, n, seed=0, weeks=1)
    time_reference(VectorisedKernel, n, seed=0, weeks=2)
    full, per_agent, kernel = [], [], []  # CPU seconds of the simulating thread
    for seed in range(1, cfg.baseline_reps + 1):
        full.append(time_full_model(n, seed, weeks)["run_cpu_s"])
        per_agent.append(time_reference(PerAgentModel, n, seed, weeks)["run_cpu_s"])
        kernel.append(time_reference(VectorisedKernel, n, seed, weeks)["run_cpu_s"])
    rate = lambda secs: [n * weeks / s for s in secs]  # noqa: E731
    result = {  # rates per CPU-second of the simulating thread
        "households": n,
        "weeks": weeks,
        "layout": LAYOUTS[n],
        "full_model_steps_per_s": summary(rate(full)),
        "per_agent_steps_per_s": summary(rate(per_agent)),
        "kernel_steps_per_s": summary(rate(kernel)),
        "ratio_full_to_per_agent": summary([p / f for f, p in zip(full, per_agent, strict=True)]),
        "ratio_kernel_to_full": summary([f / k for f, k in zip(full, kernel, strict=True)]),
    }
    log(
        f"  per-agent baseline at {n:,}: {result['per_agent_steps_per_s']['median'] / 1e6:.3f} M/s; full model "
        f"{result['ratio_full_to_per_agent']['median']:.1f}x faster; kernel {result['ratio_kernel_to_full']['median']:.1f}x "
        "faster than the full model"
    )
    return result


def measure_kernel(cfg: BenchConfig) -> dict[str, Any]:
    """`baseline` and `co_governance_full` against the numpy kernel at each of `cfg.kernel_sizes`.

    Each repetition is an interleaved triplet on one seed (kernel, then the two scenarios, the order
    rotating), timed by the CPU of the simulating thread; a scenario's figure is its household-steps
    per CPU-second as a share of the kernel's in the same triplet (1.0 = as fast as the kernel)."""
    from benchmarks.per_agent_baseline import VectorisedKernel

    out: dict[str, Any] = {}
    weeks = cfg.kernel_weeks
    for n in cfg.kernel_sizes:
        reps = cfg.kernel_reps_large if n == max(cfg.kernel_sizes) and len(cfg.kernel_sizes) > 1 else cfg.kernel_reps
        time_reference(VectorisedKernel, n, seed=0, weeks=2)
        for scenario in KERNEL_SCENARIOS:
            time_full_model(n, seed=0, weeks=2, scenario=scenario)
        kernel_cpu: list[float] = []
        cpu: dict[str, list[float]] = {s: [] for s in KERNEL_SCENARIOS}
        for rep in range(reps):
            seed = 1 + rep
            order = ["kernel", *KERNEL_SCENARIOS]
            order = order[rep % len(order):] + order[: rep % len(order)]
            for what in order:
                if what == "kernel":
                    kernel_cpu.append(time_reference(VectorisedKernel, n, seed, weeks)["run_cpu_s"])
                else:
                    cpu[what].append(time_full_model(n, seed, weeks, scenario=what)["run_cpu_s"])
        row: dict[str, Any] = {
            "households": n,
            "weeks": weeks,
            "reps": reps,
            "kernel_steps_per_cpu_s": summary([n * weeks / c for c in kernel_cpu]),
        }
        for scenario in KERNEL_SCENARIOS:
            row[scenario] = {
                "steps_per_cpu_s": summary([n * weeks / c for c in cpu[scenario]]),
                "share_of_kernel": summary([k / c for k, c in zip(kernel_cpu, cpu[scenario], strict=True)]),
            }
        out[str(n)] = row
        log(
            f"  kernel at {n:,} × {weeks} weeks: {row['kernel_steps_per_cpu_s']['median'] / 1e6:.2f} M/CPU-s; "
            + ", ".join(
                f"{s} {row[s]['steps_per_cpu_s']['median'] / 1e6:.2f} M/CPU-s "
                f"({row[s]['share_of_kernel']['median']:.2f}× the kernel)"
                for s in KERNEL_SCENARIOS
            )
        )
    return out


def measure_default(cfg: BenchConfig) -> dict[str, Any]:
    """Wall and CPU time of ``run_scenario("baseline", seed)``: set-up, 156 weeks and the weekly table."""
    run_scenario("baseline", seed=0, weeks=4)
    times, cpu = [], []
    for seed in range(1, cfg.default_reps + 1):
        with _fresh():
            c0 = time.thread_time()
            t0 = time.perf_counter()
            frame = run_scenario("baseline", seed=seed)
            times.append(time.perf_counter() - t0)
            cpu.append(time.thread_time() - c0)
    result = {"households": 1_920, "weeks": len(frame) - 1, "wall_s": summary(times), "cpu_s": summary(cpu)}
    log(f"  default scenario: {result['wall_s']['median']:.3f} s, {result['cpu_s']['median']:.3f} s CPU")
    return result


def _traced_peak(households: int, weeks: int) -> dict[str, float]:
    """Peak traced memory over set-up and a run of `weeks` (bytes above what was there before)."""
    from model.model import CoGovernanceModel

    with _fresh():
        tracemalloc.start()
        try:
            base = tracemalloc.get_traced_memory()[0]
            model = CoGovernanceModel("baseline", seed=1, **LAYOUTS[households])
            setup_current, setup_peak = tracemalloc.get_traced_memory()
            model.run(weeks)
            end_current, peak = tracemalloc.get_traced_memory()
            model.remove()
            del model
        finally:
            tracemalloc.stop()
    return {
        "weeks": weeks,
        "peak_bytes": peak - base,
        "peak_bytes_per_household": (peak - base) / households,
        "setup_peak_bytes_per_household": (setup_peak - base) / households,
        "after_setup_bytes_per_household": (setup_current - base) / households,
        "after_run_bytes_per_household": (end_current - base) / households,
    }


def measure_memory(cfg: BenchConfig) -> dict[str, Any]:
    """Peak traced memory (Python objects and numpy buffers) over set-up and a run, per household, at
    two horizons: memory that grows with the horizon (e.g. keeping every closed issue) shows as a ratio
    above 1."""
    n = cfg.memory_size
    short = _traced_peak(n, cfg.memory_weeks)
    long = _traced_peak(n, cfg.memory_weeks_long)
    result = {
        "households": n,
        **short,
        "long": long,
        "growth": long["peak_bytes"] / short["peak_bytes"],
    }
    log(
        f"  memory at {n:,}: peak {short['peak_bytes_per_household']:.0f} bytes/household over {short['weeks']} "
        f"weeks, {long['peak_bytes_per_household']:.0f} over {long['weeks']} ({result['growth']:.2f}×)"
    )
    return result


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
        _run_one(run_fn, tasks[0])  # warm-up

        def sweep(out: Path) -> tuple[float, float]:
            cpu0, t0 = _children_cpu(), time.perf_counter()
            proc = subprocess.run(
                [sys.executable, str(HERE.parent / "run.py"), "sweep", str(sweep_file), "--jobs", "1", "--quiet",
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
            with _fresh():
                c0 = time.process_time()
                for task in tasks:
                    _run_one(run_fn, task)
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
    """Runs per second through ``experiments.engine`` (spawned local pool) with 1 and 2 workers:
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


# ---------------------------------------------------------------------------------- reporting
def headline(results: dict[str, Any]) -> dict[str, float]:
    """The figures the targets read (at 96,000 and 20,000 households unless in quick mode)."""
    sizes = results["sizes"]
    largest = str(max(int(k) for k in sizes))
    kernel = results["kernel"]
    k_default, k_large = str(min(int(k) for k in kernel)), str(max(int(k) for k in kernel))
    memory = results["memory"]
    return {
        "steps_per_s_large": sizes[largest]["household_steps_per_cpu_s"]["median"],
        "ratio_per_agent": results["baseline"]["ratio_full_to_per_agent"]["median"],
        "kernel_ratio_default_full": kernel[k_default]["co_governance_full"]["share_of_kernel"]["median"],
        "kernel_ratio_default_baseline": kernel[k_default]["baseline"]["share_of_kernel"]["median"],
        "kernel_ratio_large_full": kernel[k_large]["co_governance_full"]["share_of_kernel"]["median"],
        "default_scenario_s": results["default_scenario"]["cpu_s"]["median"],
        "setup_s_per_100k": sizes[largest]["setup_no_warmup_cpu_s"]["median"] * 100_000 / int(largest),
        "bytes_per_household": max(memory["peak_bytes_per_household"], memory["long"]["peak_bytes_per_household"]),
        "memory_growth": memory["growth"],
        "sweep_fixed_cpu_s": results["sweep_fixed"]["fixed_cpu_s"]["median"],
        "sweep_speedup": results["sweep"]["speedup"]["median"],
    }


def judge(results: dict[str, Any]) -> list[dict[str, Any]]:
    """Each target with its measured value and whether it is met."""
    figures = headline(results)
    kernel_sizes = [int(k) for k in results["kernel"]]
    mem, sweep = results["memory"], results["sweep"]
    where = {
        "large": f"{max(int(k) for k in results['sizes']):,}",
        "baseline": f"{results['baseline']['households']:,}",
        "memory": f"{mem['households']:,}",
        "mweeks": mem["weeks"],
        "mweeks_long": mem["long"]["weeks"],
        "default": f"{min(kernel_sizes):,}",
        "klarge": f"{max(kernel_sizes):,}",
        "kweeks": results["kernel"][str(min(kernel_sizes))]["weeks"],
        "fixed_runs": results["sweep_fixed"]["runs"],
        "sweep_runs": sweep["runs"],
        "sweep_weeks": sweep["weeks"],
    }
    rows = []
    for t in TARGETS:
        value = figures[t.key]
        met = value >= t.threshold if t.at_least else value <= t.threshold
        rows.append(
            {
                **asdict(t),
                "label": t.label.format(**where),
                "value": value,
                "met": bool(met),
                "shortfall": 0.0 if met else (t.threshold / value if t.at_least else value / t.threshold),
            }
        )
    return rows


def _fmt(value: float, unit: str) -> str:
    if unit == "household-steps/s":
        return f"{value / 1e6:.2f} M/s"
    if unit == "x":
        return f"{value:.2f}×"
    if unit == "share":
        return f"{value:.2f}×"
    if unit == "bytes":
        return f"{value:,.0f} B"
    return f"{value:.3f} s"


def _range(s: dict[str, Any], scale: float = 1.0, fmt: str = "{:.2f}") -> str:
    med, lo, hi = (fmt.format(s[k] * scale) for k in ("median", "min", "max"))
    return med if s["n"] == 1 else f"{med} [{lo}–{hi}]"


def render_markdown(results: dict[str, Any]) -> str:
    """The results as Markdown: targets, then figures by size, then the comparisons."""
    m, cfg = results["machine"], results["config"]
    lines = [
        "# cogov benchmark"
        + (" (quick mode: small sizes, not comparable with the targets)" if cfg["quick"] else ""),
        "",
        f"Measured {m['date']} on {m['cpu']}, {m['cores']} cores; Python {m['python']}, numpy {m['numpy']}, "
        f"Mesa {m['mesa']}, pandas {m['pandas']}; commit {m.get('git_commit', '?')}; load average at start "
        f"{m.get('load_average_at_start', '?')}. Medians over seeds after a warm-up, [min–max] in brackets. "
        "`python run.py bench` regenerates this file.",
        "",
        "| target | measured | target | met |",
        "|---|---|---|---|",
    ]
    largest = results["sizes"][str(max(int(k) for k in results["sizes"]))]
    for row in results["targets"]:
        cmp = "≥" if row["at_least"] else "≤"
        verdict = "met" if row["met"] else f"**not met** ({row['shortfall']:.2f}× short)"
        measured = _fmt(row["value"], row["unit"])
        if row["key"] == "steps_per_s_large":
            wall = largest["household_steps_per_s"]["median"]
            measured += f" (per wall-second {_fmt(wall, row['unit'])})"
        lines.append(
            f"| {row['label']} | {measured} | {cmp} {_fmt(row['threshold'], row['unit'])} | {verdict} |"
        )
    lines += [
        "",
        "The machine is shared (other engineers' jobs run beside the benchmark; see the load averages), so "
        "speed targets are judged on the CPU time of the simulating thread, which other load disturbs less than "
        "the wall clock; wall-clock figures are shown beside them. Sweep figures, which need wall time, come with "
        "the CPU the pool's workers got per wall-second.",
    ]
    lines += [
        "",
        "## Full model by size (baseline scenario)",
        "",
        "| households | set-up incl. warm-up (s; CPU) | set-up alone (CPU s) | run of {w} weeks (s) | M household-steps/s | per CPU-second | "
        "data collection share |".format(w=cfg["weeks"]),
        "|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for key, s in results["sizes"].items():
        lines.append(
            f"| {int(key):,} | {_range(s['setup_s'], fmt='{:.3f}')}; {_range(s['setup_cpu_s'], fmt='{:.3f}')} "
            f"| {_range(s['setup_no_warmup_cpu_s'], fmt='{:.3f}')} "
            f"| {_range(s['run_s'])} | "
            f"{_range(s['household_steps_per_s'], 1e-6)} | {_range(s['household_steps_per_cpu_s'], 1e-6)} | "
            f"{_range(s['collect_share'], 100.0, '{:.0f}')} % |"
        )
    b, d, mem, sw = results["baseline"], results["default_scenario"], results["memory"], results["sweep"]
    lines += [
        "",
        f"## Against the per-agent Mesa baseline and the numpy kernel ({b['households']:,} households, "
        f"{b['weeks']} weeks, same seeds, interleaved, CPU time)",
        "",
        "| implementation | M household-steps per CPU-s | full model is |",
        "|---|---:|---:|",
        f'| per-agent Mesa (`shuffle_do("step")`, plain-Python rules) | {_range(b["per_agent_steps_per_s"], 1e-6, "{:.3f}")} '
        f"| {_range(b['ratio_full_to_per_agent'], fmt='{:.1f}')}× faster |",
        f"| full model | {_range(b['full_model_steps_per_s'], 1e-6)} | — |",
        f"| numpy kernel of the household rules only (ceiling) | {_range(b['kernel_steps_per_s'], 1e-6)} "
        f"| {_range(b['ratio_kernel_to_full'], fmt='{:.1f}')}× slower |",
        "",
        "The per-agent baseline (`benchmarks/per_agent_baseline.py`) runs only the household rules (issues arise "
        "and surface, participation with building influence, satisfaction, aspiration, motivation); the full model "
        "also runs organisations, queues, property economics, projects and about 60 reporters, so the ratio is "
        "conservative.",
        "",
        "## Against the numpy kernel, by scenario (CPU time of the simulating thread, interleaved triplets)",
        "",
        "| households × weeks | kernel, M household-steps per CPU-s | scenario | M household-steps per CPU-s "
        "| share of the kernel's speed |",
        "|---|---:|---|---:|---:|",
    ]
    for key, row in results["kernel"].items():
        for i, scenario in enumerate(KERNEL_SCENARIOS):
            size = f"{int(key):,} × {row['weeks']}" if i == 0 else ""
            kernel = _range(row["kernel_steps_per_cpu_s"], 1e-6) if i == 0 else ""
            lines.append(
                f"| {size} | {kernel} | `{scenario}` "
                f"| {_range(row[scenario]['steps_per_cpu_s'], 1e-6)} | {_range(row[scenario]['share_of_kernel'])}× |"
            )
    fx = results["sweep_fixed"]
    lines += [
        "",
        "The kernel (`VectorisedKernel`) is the household rules alone as one numpy kernel, the practical ceiling; "
        "each repetition runs the kernel and both scenarios on one seed in rotating order, and the share is taken "
        f"within it ({row['reps']} repetitions at the largest size).",
        "",
        "## Other figures",
        "",
        "| figure | value |",
        "|---|---:|",
        f'| default scenario, `run_scenario("baseline", seed)`: {d["households"]:,} households × {d["weeks"]} weeks, '
        f"set-up and table included, wall / CPU | {_range(d['wall_s'], fmt='{:.3f}')} / {_range(d['cpu_s'], fmt='{:.3f}')} s |",
        f"| peak memory over set-up and {mem['weeks']} / {mem['long']['weeks']} weeks at {mem['households']:,} "
        f"households (tracemalloc) | {mem['peak_bytes_per_household']:,.0f} / "
        f"{mem['long']['peak_bytes_per_household']:,.0f} B/household |",
        f"| memory held after set-up / after {mem['weeks']} weeks / after {mem['long']['weeks']} weeks "
        f"| {mem['after_setup_bytes_per_household']:,.0f} / {mem['after_run_bytes_per_household']:,.0f} / "
        f"{mem['long']['after_run_bytes_per_household']:,.0f} B/household |",
        f"| sweep of {fx['runs']} runs × {fx['weeks']} weeks, `run.py sweep --jobs 1` from start to exit: CPU in all "
        f"/ the same runs in a warm process / fixed cost, each repetition paired (bytecode cache "
        f"{fx.get('bytecode_cache', 'on')}) | {_range(fx['sweep_cpu_s'])} / {fx['runs_cpu_s']:.2f} / "
        f"{_range(fx['fixed_cpu_s'])} s (least disturbed: fastest sweep − fastest runs "
        f"{fx.get('fixed_cpu_s_least_disturbed', float('nan')):.2f} s) |",
    ]
    for key in (k for k in sw if k.startswith("jobs_")):
        lines.append(
            f"| sweep of {sw['runs']} runs × {sw['weeks']} weeks through `experiments.engine`, {key[5:]} worker(s): "
            f"steady state / end to end with pool start ({sw['rounds']} rounds) | "
            f"{_range(sw[key]['steady_runs_per_s'])} / {_range(sw[key]['runs_per_s'])} runs/s |"
        )
    lines.append(
        f"| sweep speed-up, 2 workers / 1 worker, paired by round: steady state / end to end | "
        f"{_range(sw['speedup'])}× / {_range(sw['speedup_end_to_end'])}× |"
    )
    lines.append(
        "| CPU the workers got per wall-second, 1 / 2 workers (2 = both cores free for the sweep) | "
        f"{_range(sw['jobs_1']['workers_cpu_per_s'])} / {_range(sw['jobs_2']['workers_cpu_per_s'])} |"
    )
    if "cpu_efficiency" in sw:
        lines.append(
            "| runs per CPU-second the workers got, 2 workers / 1 worker, end to end (what the pool costs; with two "
            f"free cores the speed-up would be about twice this) | {_range(sw['cpu_efficiency'])}× |"
        )
    if m.get("load_average_at_end"):
        lines += ["", f"Load average at the end: {m['load_average_at_end']}."]
    return "\n".join(lines) + "\n"


def run_bench(cfg: BenchConfig, out_dir: Path) -> dict[str, Any]:
    """Measure everything in `cfg`, write results.json and results.md into `out_dir`, return the results."""
    started = time.perf_counter()
    results: dict[str, Any] = {"machine": machine(), "config": asdict(cfg)}
    log(
        f"cogov bench ({'quick' if cfg.quick else 'full'}) on {results['machine']['cpu']}, "
        f"{results['machine']['cores']} cores"
    )
    results["sizes"] = measure_sizes(cfg)
    results["baseline"] = measure_baseline(cfg)
    results["kernel"] = measure_kernel(cfg)
    results["default_scenario"] = measure_default(cfg)
    results["memory"] = measure_memory(cfg)
    results["sweep_fixed"] = measure_sweep_fixed(cfg)
    results["sweep"] = measure_sweep(cfg)
    results["targets"] = judge(results)
    with contextlib.suppress(OSError):
        results["machine"]["load_average_at_end"] = [round(x, 2) for x in os.getloadavg()]
    results["bench_seconds"] = time.perf_counter() - started
    text = json.dumps(results, indent=2, ensure_ascii=False) + "\n"
    atomic_write(out_dir / "results.json", lambda p: p.write_text(text, encoding="utf-8"))
    markdown = render_markdown(results)
    atomic_write(out_dir / "results.md", lambda p: p.write_text(markdown, encoding="utf-8"))
    return results


def profile_large(out_dir: Path, weeks: int = 52) -> Path:
    """Profile the full model at 96,000 households with pyinstrument; writes profile_96000.txt."""
    from model.model import CoGovernanceModel

    try:
        from pyinstrument import Profiler
    except ImportError:
        from model.errors import UserError

        raise UserError(
            "--profile needs pyinstrument (pip install pyinstrument; it is in the test extra)"
        ) from None
    model = CoGovernanceModel("baseline", seed=1, **LAYOUTS[96_000])
    model.run(2)
    profiler = Profiler(interval=0.0005)
    profiler.start()
    model.run(weeks)
    profiler.stop()
    model.remove()
    text = profiler.output_text(unicode=True, color=False)
    return atomic_write(out_dir / "profile_96000.txt", lambda p: p.write_text(text, encoding="utf-8"))


# ---------------------------------------------------------------------------------------- CLI
def default_out(quick: bool) -> Path:
    """Where results go without ``--out``: the committed ``benchmarks/`` for a full run, ``out/bench/``
    (not tracked) for ``--quick``, whose figures are not comparable."""
    return QUICK_OUT if quick else HERE


def cmd_bench(args: argparse.Namespace) -> int:
    """Handler of ``run.py bench``."""
    cfg = QUICK if args.quick else FULL
    if args.reps is not None:
        if args.reps < 1:
            from model.errors import UserError

            raise UserError(f"--reps {args.reps}: expected a whole number, 1 or more")
        cfg = replace(cfg, reps=args.reps, reps_large=min(args.reps, cfg.reps_large))
    out = ensure_writable_dir(args.out if args.out is not None else default_out(cfg.quick))
    results = run_bench(cfg, out)
    print(render_markdown(results))
    print(f"wrote {out / 'results.json'} and {out / 'results.md'} ({results['bench_seconds']:.0f} s)")
    if args.profile:
        print(f"wrote {profile_large(out)}")
    return 0


def add_cli(subparsers: Any) -> None:
    """Register ``bench`` with run.py."""
    p = subparsers.add_parser(
        "bench", help="speed and memory against the per-agent baseline and the targets",
        description="Measure speed and memory on this machine and write results.json and results.md.",
        epilog="examples:\n  run.py bench --quick\n  run.py bench --reps 3 --out out/bench",
        formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--quick", action="store_true", help="small sizes, one repetition (for CI; seconds)")
    p.add_argument(
        "--out",
        default=None,
        help="folder for results.json and results.md (default benchmarks/, with --quick out/bench/)",
    )
    p.add_argument("--reps", type=int, default=None, help="timed seeds per size (default 5, 3 at 96,000)")
    p.add_argument(
        "--profile", action="store_true", help="also profile 52 weeks at 96,000 households (pyinstrument)"
    )
    p.set_defaults(handler=cmd_bench)
