"""What `run.py bench` measures and how often (`BenchConfig`: `FULL`, `QUICK`), the street layouts by
household count, and the helpers every measurement shares (`summary`, `fresh`, `log`)."""

from __future__ import annotations

import contextlib
import gc
import statistics
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

__all__ = ["LAYOUTS", "BenchConfig", "FULL", "QUICK", "KERNEL_SCENARIOS", "summary", "fresh", "log"]

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
    kernel_reps_large=5,
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


def summary(values: list[float]) -> dict[str, Any]:
    """Median, min and max of repeated measurements (and the values)."""
    return {
        "median": statistics.median(values),
        "min": min(values),
        "max": max(values),
        "n": len(values),
        "values": [round(v, 6) for v in values],
    }


@contextlib.contextmanager
def fresh() -> Iterator[None]:
    """Start a measurement with no garbage from the previous one."""
    gc.collect()
    yield


def log(message: str) -> None:
    """One line of progress on stderr (the results go to stdout and the files)."""
    print(message, file=sys.stderr, flush=True)

