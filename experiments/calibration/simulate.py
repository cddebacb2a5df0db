"""Worker side of a calibration: one model run, reduced to the observed numbers (or to weekly series).

Module-level functions only (workers import them by reference). `run_scenario` releases the model, so a
worker's memory stays flat over thousands of runs.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from experiments.calibration.distance import EarlyRejection
from model.reporters import WEEKLY_FLOWS

__all__ = ["FLOW_WINDOW", "observed_values", "run_value", "simulate_particle", "simulate_series", "target_value",
           "target_weeks", "windowed"]

#: A per-week flow metric observed "at week w" is its mean over the 4 weeks ending at w (as in compare).
FLOW_WINDOW = 4


def windowed(metric: str, series: np.ndarray) -> np.ndarray:
    """The observable weekly value of a metric: levels as they are; flows as the mean of the last 4 weeks
    (weeks ≥ 1; NaN weeks, e.g. no resolution that week, are left out of the mean)."""
    values = np.asarray(series, dtype=float)
    if metric not in WEEKLY_FLOWS:
        return values
    out = np.full(values.shape, np.nan)
    for week in range(1, values.size):
        window = values[max(1, week - FLOW_WINDOW + 1) : week + 1]
        finite = window[np.isfinite(window)]
        if finite.size:
            out[week] = finite.mean()
    return out


def target_value(metric: str, raw: np.ndarray, week: int, window: int) -> float:
    """One observable number from a metric's raw weekly series: with window 0 its value at ``week`` (see
    `windowed`); with window w ≥ 1 its mean over the w weeks ending at ``week`` (weeks ≥ 1, NaN weeks left
    out), e.g. 52 for an annual figure."""
    start, stop, window = target_weeks(metric, week, window)
    return _reduce(np.asarray(raw[start:stop], dtype=float), window)


def target_weeks(metric: str, week: int, window: int) -> tuple[int, int, int]:
    """The weeks [start, stop) of a metric's weekly series that one observation reads, and the window it
    averages them over (0: the value at ``week`` itself). A per-week flow observed without a window is
    the mean over the `FLOW_WINDOW` weeks ending at ``week``, exactly as `windowed` gives it."""
    if not window and metric in WEEKLY_FLOWS:
        window = FLOW_WINDOW
    return (max(1, week - window + 1), week + 1, window) if window else (week, week + 1, 0)


def _reduce(part: np.ndarray, window: int) -> float:
    if not window:
        return float(part[0])
    finite = part[np.isfinite(part)]
    return float(finite.mean()) if finite.size else float("nan")


def run_value(model: Any, metric: str, week: int, window: int) -> float:
    """`target_value` of a running model, read from its weekly records (the public
    ``model.datacollector.model_vars``) for the weeks the observation needs only, without building the
    weekly table; bit-identical to `target_value` of the finished run's table."""
    start, stop, window = target_weeks(metric, week, window)
    return _reduce(np.asarray(model.datacollector.model_vars[metric][start:stop], dtype=float), window)


def observed_values(frame: Any, targets: tuple[tuple[str, int, int], ...]) -> np.ndarray:
    """`target_value` of each (metric, week, window) in a run's weekly frame."""
    return np.array([target_value(m, frame[m].to_numpy(dtype=float), w, n) for m, w, n in targets])


def simulate_particle(scenario: str, seeds: tuple[int, ...], weeks: int, overrides: dict[str, Any],
                      targets: tuple[tuple[str, int, int], ...],
                      early: EarlyRejection | None = None) -> tuple[np.ndarray, int]:
    """The runs of one particle (one per seed, side by side): their simulated values of every observation,
    shape (seeds, observations), and the weeks each run simulated after the warm-up.

    With ``early`` the runs stop at the first week after which the observations known so far already put
    the particle beyond the tolerance (`EarlyRejection`); the values are then all NaN (the particle is
    rejected, and nothing of a rejected particle is kept). Otherwise every value is exactly what one
    run of that seed alone gives (``run_scenario(..., record=metrics)`` and `observed_values`): the same
    model, run week by week through its public ``run``. Each observation is read once, as soon as its
    last week has been simulated, from the weeks it needs (`run_value`); an observation's value depends
    only on weeks already simulated, so reading it then gives what reading it at the end would.
    """
    from model.model import CoGovernanceModel

    metrics = tuple(dict.fromkeys(metric for metric, _week, _window in targets))
    runs: list[Any] = []
    values = np.full((len(seeds), len(targets)), np.nan)
    unread = list(range(len(targets)))

    def read_up_to(week: int) -> None:
        for i in [i for i in unread if targets[i][1] <= week]:
            for s, model in enumerate(runs):
                values[s, i] = run_value(model, *targets[i])
            unread.remove(i)

    try:
        for seed in seeds:
            runs.append(CoGovernanceModel(scenario, seed=seed, record=metrics, **overrides))
        done = 0
        if early is not None:
            for week in early.checkpoints(weeks):
                for model in runs:
                    model.run(week - done)
                done = week
                read_up_to(week)
                if early.rejected(values, week):
                    return np.full(values.shape, np.nan), done
        for model in runs:
            model.run(weeks - done)
        read_up_to(weeks)
        return values, weeks
    finally:
        for model in runs:
            model.remove()


def simulate_series(scenario: str, seed: int, weeks: int, overrides: dict[str, Any],
                    metrics: tuple[str, ...]) -> np.ndarray:
    """Run the model once, recording only ``metrics``; return their raw weekly series, shape
    (metrics, weeks + 1)."""
    from experiments.one_run import run_scenario

    frame = run_scenario(scenario, seed=seed, weeks=weeks, overrides=overrides, record=tuple(dict.fromkeys(metrics)))
    return np.vstack([frame[m].to_numpy(dtype=float) for m in metrics])
