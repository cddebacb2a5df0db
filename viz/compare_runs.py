"""Scenario comparison for the app: ``experiments.compare``'s plan, seeds and runs and
``experiments.compare_stats``' statistics, run in memory with a progress callback (no files, no
process pool), so the page can run it in a thread.

Everything statistical is theirs (common random numbers from one base seed, paired differences,
95 % t-intervals); this module only drives it run by run.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import pandas as pd

from experiments.compare import compare_run, make_tasks, plan
from experiments.compare_spec import KEY_METRICS
from experiments.compare_stats import ID_COLUMNS, households_of, over_time, summarize, to_long

if TYPE_CHECKING:
    from experiments.compare_spec import CompareSpec

__all__ = ["CompareOutcome", "Cancelled", "run_in_memory", "BAND_METRICS", "TABLE_METRICS", "CSV_METRICS",
           "MAX_RUNS", "MAX_HOUSEHOLD_WEEKS", "work_size", "tidy_csv"]

#: Metrics drawn with 95 % bands, and tabulated as differences from the reference.
BAND_METRICS = ("satisfaction_mean", "participation_monthly")
TABLE_METRICS = tuple(KEY_METRICS)
#: Metrics in the downloadable tidy CSV (everything the table and charts use).
CSV_METRICS = tuple(dict.fromkeys([*BAND_METRICS, *(m for m in KEY_METRICS if m != "cost_per_household"),
                                   "mechanism_cost_total"]))
#: Limits on one comparison started from the page (the CLI has none).
MAX_RUNS = 400
MAX_HOUSEHOLD_WEEKS = 300_000_000


class Cancelled(Exception):
    """The comparison was cancelled before it finished."""


@dataclass
class CompareOutcome:
    """A finished comparison: the spec, every run's weekly values, the summary and the bands."""

    spec: CompareSpec
    wide: pd.DataFrame  # scenario, replicate, seed, week, one column per metric
    summary: pd.DataFrame  # experiments.compare_stats.summarize at the horizon
    series: pd.DataFrame  # experiments.compare_stats.over_time for BAND_METRICS
    seconds: float

    @property
    def runs(self) -> int:
        """Number of runs."""
        return len(self.spec.scenarios) * self.spec.reps


def work_size(scenarios: list[str], reps: int, weeks: int) -> tuple[int, int]:
    """(runs, household-weeks) of a comparison."""
    from scenarios import load_scenario

    households = sum(households_of(load_scenario(s)) for s in scenarios)
    return len(scenarios) * reps, households * reps * weeks


def run_in_memory(scenarios: list[str], reference: str, reps: int, weeks: int, seed: int,
                  on_progress: Callable[[int, int], None] | None = None,
                  cancelled: Callable[[], bool] | None = None, posterior: str | None = None) -> CompareOutcome:
    """Run every scenario × replicate one after another (same seeds for every scenario) and
    summarise; ``on_progress(done, total)`` after each run; raises ``Cancelled`` if ``cancelled()``
    turns true between runs, ``model.errors.UserError`` for bad input. With ``posterior`` (a
    calibration folder), replicate r of every scenario runs under the posterior's draw r
    (``experiments.compare.plan``), so the intervals include the parameters' uncertainty."""
    started = time.perf_counter()
    spec = plan(scenarios, reference=reference, reps=reps, weeks=weeks, seed=seed, posterior=posterior)
    tasks, index = make_tasks(spec)
    frames = []
    for done, task in enumerate(tasks, start=1):
        if cancelled is not None and cancelled():
            raise Cancelled()
        frame = compare_run(task)
        name, replicate, run_seed = index[task.run_id]
        frame.insert(0, "seed", run_seed)
        frame.insert(0, "replicate", replicate)
        frame.insert(0, "scenario", name)
        frames.append(frame)
        if on_progress is not None:
            on_progress(done, len(tasks))
    wide = pd.concat(frames, ignore_index=True)
    metrics = [c for c in wide.columns if c not in ID_COLUMNS]
    wide = wide[[*ID_COLUMNS, *metrics]]
    households = {s.name: households_of(s) for s in spec.scenarios}
    summary = summarize(wide, spec.names, spec.reference, [spec.weeks], households)
    series = over_time(wide, list(BAND_METRICS), spec.reference)
    return CompareOutcome(spec, wide, summary, series, time.perf_counter() - started)


def tidy_csv(outcome: CompareOutcome) -> bytes:
    """The runs as tidy CSV (scenario, replicate, seed, week, metric, value) for ``CSV_METRICS``."""
    keep = [m for m in CSV_METRICS if m in outcome.wide.columns]
    return to_long(outcome.wide[[*ID_COLUMNS, *keep]]).to_csv(index=False).encode("utf-8")
