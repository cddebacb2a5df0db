"""Worker side of a calibration: one model run, reduced to the observed numbers (or to weekly series).

Module-level functions only (workers import them by reference). `run_scenario` releases the model, so a
worker's memory stays flat over thousands of runs.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from model.reporters import WEEKLY_FLOWS

__all__ = ["FLOW_WINDOW", "observed_values", "simulate_targets", "simulate_series", "windowed"]

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


def observed_values(frame: Any, targets: tuple[tuple[str, int], ...]) -> np.ndarray:
    """The value of each (metric, week) in a run's weekly frame (see `windowed`)."""
    cache: dict[str, np.ndarray] = {}
    out = np.empty(len(targets))
    for i, (metric, week) in enumerate(targets):
        if metric not in cache:
            cache[metric] = windowed(metric, frame[metric].to_numpy(dtype=float))
        out[i] = cache[metric][week]
    return out


def simulate_targets(scenario: str, seed: int, weeks: int, overrides: dict[str, Any],
                     targets: tuple[tuple[str, int], ...]) -> np.ndarray:
    """Run the model once; return the simulated value of every observation (NaN when undefined)."""
    from model.runner import run_scenario

    frame = run_scenario(scenario, seed=seed, weeks=weeks, overrides=overrides)
    return observed_values(frame, targets)


def simulate_series(scenario: str, seed: int, weeks: int, overrides: dict[str, Any],
                    metrics: tuple[str, ...]) -> np.ndarray:
    """Run the model once; return the observable weekly series of ``metrics``, shape (metrics, weeks + 1)."""
    from model.runner import run_scenario

    frame = run_scenario(scenario, seed=seed, weeks=weeks, overrides=overrides)
    return np.vstack([windowed(m, frame[m].to_numpy(dtype=float)) for m in metrics])
