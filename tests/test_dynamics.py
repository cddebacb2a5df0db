"""Dynamics the model's numbers rest on: buck-passing that costs, a stationary spun-up baseline,
the indicators real data report. Statistical claims are paired over seeds with an effect size."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from model.runner import run_scenario

SEEDS = tuple(range(1, 21))


def window_mean(frame: pd.DataFrame, metric: str, start: int, stop: int) -> float:
    return float(np.nanmean(frame[metric].iloc[start:stop].to_numpy(dtype=float)))


def paired_increase(low: list[float], high: list[float]) -> tuple[float, float, float]:
    """Mean paired difference high − low, its 99 % t interval (lower, upper)."""
    d = np.asarray(high) - np.asarray(low)
    half = stats.t.ppf(0.995, d.size - 1) * d.std(ddof=1) / np.sqrt(d.size)
    return float(d.mean()), float(d.mean() - half), float(d.mean() + half)


@pytest.mark.slow
def test_buck_passing_costs_time_hours_and_trust() -> None:
    """buck_pass_prob 0.05 → 0.8 (20 paired seeds, weeks 0–104): more passes, slower resolution,
    more open issues, lower trust and satisfaction — each pass delays, takes hours at both ends and
    erodes the reporter's trust."""
    metrics = ("buck_passing_events", "resolution_weeks_mean", "cross_resolution_weeks_mean", "issues_open",
               "trust_community_mean", "satisfaction_mean")
    level: dict[float, dict[str, list[float]]] = {}
    for prob in (0.05, 0.8):
        frames = [run_scenario("baseline", seed=s, weeks=104, overrides={"buck_pass_prob": prob}) for s in SEEDS]
        level[prob] = {m: [window_mean(f, m, 1, 105) for f in frames] for m in metrics}
    more = {m: paired_increase(level[0.05][m], level[0.8][m]) for m in metrics}
    assert more["buck_passing_events"][1] > 3.0, more
    assert more["resolution_weeks_mean"][1] > 0.0, more
    assert more["cross_resolution_weeks_mean"][1] > 2.0, more
    assert more["issues_open"][1] > 0.05 * np.mean(level[0.05]["issues_open"]), more
    assert more["trust_community_mean"][2] < 0.0, more
    assert more["satisfaction_mean"][2] < 0.0, more


def test_buck_passing_without_its_costs_is_only_a_delay() -> None:
    """With no hours and no trust loss per pass, passing still costs the issue time but not the
    holders' hours or the reporters' trust (same seed, the hours make the difference)."""
    free = {"buck_pass_prob": 0.8, "buck_pass_hours": 0.0, "buck_pass_trust_loss": 0.0}
    costly = {"buck_pass_prob": 0.8}
    a = run_scenario("baseline", seed=3, weeks=52, overrides=free)
    b = run_scenario("baseline", seed=3, weeks=52, overrides=costly)
    assert a["buck_passing_events"].iloc[1:].sum() > 100
    assert window_mean(b, "issues_open", 26, 53) > window_mean(a, "issues_open", 26, 53)
    assert window_mean(b, "trust_community_mean", 26, 53) < window_mean(a, "trust_community_mean", 26, 53)
