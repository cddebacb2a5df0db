"""The statistics of a comparison: paired differences between scenarios run with common random numbers,
and their 95 % t-intervals, from the runs' weekly frames (one row per scenario, replicate and week, one
column per metric: `ID_COLUMNS` then the metrics). Shared by ``run.py compare`` (`experiments.compare`)
and the app's Compare tab (`viz.compare_runs`), so both report the same numbers.

- `summarize`: per scenario, metric and summary week (`summary_weeks`: each year run and the horizon),
  the mean across replicates and the paired difference from the reference, each with its interval
  (`t_interval`); flow metrics are averaged over the `WINDOW_WEEKS` ending at the week (`values_at`);
  ``cost_per_household`` = ``mechanism_cost_total`` / households (`households_of`);
- `over_time`: the same per week, for the time plots;
- `to_long`: the weekly frames as tidy rows (``runs.parquet``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from experiments.compare_spec import FLOW_METRICS, WINDOW_WEEKS, metric_info

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd

    from scenarios import Scenario

__all__ = ["ID_COLUMNS", "YEAR_WEEKS", "households_of", "to_long", "t_interval", "summary_weeks", "values_at",
           "summarize", "over_time"]

YEAR_WEEKS = (52, 104, 156)
ID_COLUMNS = ("scenario", "replicate", "seed", "week")


def households_of(scen: Scenario) -> int:
    """Households in a scenario's street (fixed by its layout parameters)."""
    p = scen.params
    return int(p["n_communities"] * p["grids"] * p["buildings_per_grid"] * p["households_per_building"])


def to_long(wide: pd.DataFrame) -> pd.DataFrame:
    """Wide runs (id columns + one column per metric) to tidy rows, in row order then metric order."""
    import numpy as np
    import pandas as pd

    metrics = [c for c in wide.columns if c not in ID_COLUMNS]
    m = len(metrics)
    return pd.DataFrame({
        "scenario": np.repeat(wide["scenario"].to_numpy(dtype=object), m),
        "replicate": np.repeat(wide["replicate"].to_numpy(dtype=np.int64), m),
        "seed": np.repeat(wide["seed"].to_numpy(dtype=np.int64), m),
        "week": np.repeat(wide["week"].to_numpy(dtype=np.int64), m),
        "metric": np.tile(np.array(metrics, dtype=object), len(wide)),
        "value": wide[metrics].to_numpy(dtype=np.float64).ravel(),
    })


def t_interval(values: np.ndarray) -> tuple[float, float, float, int]:
    """Mean and 95 % t-interval of the finite values: (mean, low, high, n). Zero spread gives a zero-width
    interval; fewer than 2 values give NaN bounds."""
    import numpy as np
    from scipy import stats

    x = np.asarray(values, dtype=np.float64)
    x = x[np.isfinite(x)]
    n = int(x.size)
    if n == 0:
        return float("nan"), float("nan"), float("nan"), 0
    mean = float(x.mean())
    if n < 2:
        return mean, float("nan"), float("nan"), n
    sd = float(x.std(ddof=1))
    half = 0.0 if sd == 0.0 else float(stats.t.ppf(0.975, n - 1) * sd / np.sqrt(n))
    return mean, mean - half, mean + half, n


def summary_weeks(weeks: int) -> list[int]:
    """Weeks the summary reports: the end of each year run, and the horizon."""
    chosen = [w for w in YEAR_WEEKS if w <= weeks]
    return chosen if chosen and chosen[-1] == weeks else [*chosen, weeks]


def values_at(wide: pd.DataFrame, week: int) -> pd.DataFrame:
    """One row per (scenario, replicate): levels at ``week``, flow metrics averaged over the 4 weeks ending there."""
    metrics = [c for c in wide.columns if c not in ID_COLUMNS]
    flow = [c for c in metrics if c in FLOW_METRICS]
    level = [c for c in metrics if c not in FLOW_METRICS]
    keys = ["scenario", "replicate"]
    at = wide.loc[wide["week"] == week, keys + level].set_index(keys)
    if flow:
        window = wide[(wide["week"] > week - WINDOW_WEEKS) & (wide["week"] <= week)]
        at = at.join(window.groupby(keys, sort=False)[flow].mean())
    return at[metrics]


def summarize(wide: pd.DataFrame, scenarios: list[str], reference: str, weeks: list[int],
              households: dict[str, int]) -> pd.DataFrame:
    """Per scenario, metric and week: mean and 95 % interval across replicates, and the paired difference
    from ``reference`` (replicates matched by number) with its 95 % t-interval."""
    import numpy as np
    import pandas as pd

    tables = {}
    for week in weeks:
        at = values_at(wide, week)
        at["cost_per_household"] = at["mechanism_cost_total"] / at.index.get_level_values("scenario").map(households)
        tables[week] = at
    metrics = list(tables[weeks[0]].columns)
    rows: list[dict[str, Any]] = []
    for name in scenarios:
        for metric in metrics:
            zh, en, unit = metric_info(metric)
            for week, at in tables.items():
                mine = at.xs(name, level="scenario")[metric]
                ref = at.xs(reference, level="scenario")[metric]
                mean, lo, hi, n = t_interval(mine.to_numpy())
                paired = pd.concat([mine.rename("a"), ref.rename("b")], axis=1, join="inner")
                diffs = (paired["a"] - paired["b"]).to_numpy()
                d, dlo, dhi, dn = t_interval(diffs)
                finite = diffs[np.isfinite(diffs)]
                q05, q95 = np.quantile(finite, [0.05, 0.95]) if finite.size else (np.nan, np.nan)
                rows.append({
                    "scenario": name, "metric": metric, "metric_zh": zh, "metric_en": en, "unit": unit,
                    "week": week, "horizon": week == weeks[-1],
                    "window_weeks": WINDOW_WEEKS if metric in FLOW_METRICS else 1,
                    "n": n, "mean": mean, "ci_low": lo, "ci_high": hi,
                    "reference": reference, "diff": d, "diff_ci_low": dlo, "diff_ci_high": dhi, "diff_n": dn,
                    "diff_q05": float(q05), "diff_q95": float(q95),
                    "households": households[name],
                })
    return pd.DataFrame(rows).astype({"n": np.int64, "diff_n": np.int64})


def _weekly_interval(frame: pd.DataFrame, column: str) -> pd.DataFrame:
    """Mean and 95 % t-interval of ``column`` per (scenario, week)."""
    import numpy as np
    import pandas as pd
    from scipy import stats

    g = frame.groupby(["scenario", "week"], sort=False)[column]
    t = pd.DataFrame({"mean": g.mean(), "sd": g.std(ddof=1), "n": g.count()})
    with np.errstate(invalid="ignore", divide="ignore"):
        half = stats.t.ppf(0.975, t["n"] - 1) * t["sd"] / np.sqrt(t["n"])
    half = half.where(t["sd"] != 0.0, 0.0)
    t["ci_low"], t["ci_high"] = t["mean"] - half, t["mean"] + half
    return t.reset_index()


def over_time(wide: pd.DataFrame, metrics: list[str], reference: str) -> pd.DataFrame:
    """Per scenario, week and metric, for the time plots: mean and 95 % interval across replicates
    (``kind`` "level"), and the paired difference from ``reference`` with its interval ("diff")."""
    import pandas as pd

    parts = []
    ref = wide[wide["scenario"] == reference].set_index(["replicate", "week"])
    for metric in metrics:
        level = _weekly_interval(wide, metric)
        level["metric"], level["kind"] = metric, "level"
        paired = wide[["scenario", "replicate", "week", metric]].join(ref[metric].rename("ref"), on=["replicate", "week"])
        paired["d"] = paired[metric] - paired["ref"]
        diff = _weekly_interval(paired, "d")
        diff["metric"], diff["kind"] = metric, "diff"
        parts += [level, diff]
    return pd.concat(parts, ignore_index=True)
