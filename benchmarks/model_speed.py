"""Measurements of the model itself: speed and set-up by size, the default scenario, memory at two
horizons (``results["sizes"]``, ``["default_scenario"]``, ``["memory"]``), and the timers the kernel
comparison shares (`time_full_model`, `time_reference`)."""

from __future__ import annotations

import time
import tracemalloc
from collections.abc import Callable
from typing import Any

from benchmarks.config import LAYOUTS, BenchConfig, fresh, log, summary
from experiments.one_run import run_scenario

__all__ = ["time_full_model", "time_reference", "measure_sizes", "measure_default", "measure_memory"]


def time_full_model(households: int, seed: int, weeks: int, scenario: str = "baseline") -> dict[str, float]:
    """Set-up and run times of the real model (and time inside ``datacollector.collect``)."""
    from model.model import CoGovernanceModel

    with fresh():
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
    with fresh():
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


def _setup_cpu(households: int, seed: int) -> float:
    """CPU seconds to build the street, its households and organisations, without the warm-up weeks
    (``warmup_weeks=0``): the set-up itself, not simulation."""
    from model.model import CoGovernanceModel

    with fresh():
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


def measure_default(cfg: BenchConfig) -> dict[str, Any]:
    """Wall and CPU time of ``run_scenario("baseline", seed)``: set-up, 156 weeks and the weekly table."""
    run_scenario("baseline", seed=0, weeks=4)
    times, cpu = [], []
    for seed in range(1, cfg.default_reps + 1):
        with fresh():
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

    with fresh():
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

