"""Tests of `run.py compare` (experiments/compare.py, compare_stats.py, plots.py, report.py).

Small on purpose (4 shipped scenarios x 3 replicates x 26 weeks, run twice: --jobs 2 and --jobs 1),
plus in-process checks of the statistics on synthetic frames and one subprocess per bad input.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from experiments.compare import replicate_seeds  # noqa: E402
from experiments.compare_spec import KEY_METRICS  # noqa: E402
from experiments.compare_stats import summarize, summary_weeks, t_interval, values_at  # noqa: E402

ENV = {**os.environ, "PYTHONPATH": str(REPO)}
SCENARIOS = ["points", "three_party_linkage", "old_compound", "baseline"]
REPS, WEEKS, SEED = 3, 26, 5
PLOTS = ["over_time", "forest", "breakdown"]


def compare(*args: str) -> subprocess.CompletedProcess[str]:
    """`python run.py compare ARGS` from the project root."""
    return subprocess.run([sys.executable, "run.py", "compare", *args], cwd=REPO, env=ENV, capture_output=True,
                          text=True, timeout=600)


@pytest.fixture(scope="module")
def outs(tmp_path_factory: pytest.TempPathFactory) -> dict[int, Path]:
    """The same comparison run with --jobs 2 and with --jobs 1, from a cold start (the files and their
    bits are the claim, not the levels: without the warm-up each run is 26 weeks instead of 130)."""
    base = tmp_path_factory.mktemp("compare")
    found = {}
    for jobs in (2, 1):
        out = base / f"jobs{jobs}"
        r = compare(*SCENARIOS, "--reference", "baseline", "--reps", str(REPS), "--weeks", str(WEEKS),
                    "--seed", str(SEED), "--jobs", str(jobs), "--set", "warmup_weeks=0", "--out", str(out), "--quiet")
        assert r.returncode == 0, r.stderr
        found[jobs] = out
    return found


@pytest.fixture(scope="module")
def out(outs: dict[int, Path]) -> Path:
    return outs[2]


@pytest.fixture(scope="module")
def summary(out: Path) -> pd.DataFrame:
    return pd.read_csv(out / "summary.csv")


# ------------------------------------------------------------------------------ end to end


def test_files_exist_and_parse(out: Path) -> None:
    names = {p.name for p in out.iterdir()}
    expected = {"runs.parquet", "summary.csv", "report.md", "compare.json"}
    expected |= {f"{stem}.{ext}" for stem in PLOTS for ext in ("png", "svg")}
    assert names == expected  # no temporaries and no engine work folder left behind
    pd.read_parquet(out / "runs.parquet")
    pd.read_csv(out / "summary.csv")
    meta = json.loads((out / "compare.json").read_text(encoding="utf-8"))
    assert meta["scenarios"] == SCENARIOS and meta["reps"] == REPS and meta["weeks"] == WEEKS
    for stem in PLOTS:
        assert (out / f"{stem}.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
        assert ET.parse(out / f"{stem}.svg").getroot().tag.endswith("svg")


def test_runs_parquet_is_tidy(out: Path) -> None:
    runs = pd.read_parquet(out / "runs.parquet")
    assert list(runs.columns) == ["scenario", "replicate", "seed", "week", "metric", "value"]
    assert all(pd.api.types.is_integer_dtype(runs[c]) for c in ("replicate", "seed", "week"))
    assert pd.api.types.is_float_dtype(runs["value"])
    assert not runs.duplicated(["scenario", "replicate", "week", "metric"]).any()
    assert list(runs["scenario"].unique()) == SCENARIOS
    assert sorted(runs["week"].unique()) == list(range(WEEKS + 1))
    n_metrics = runs["metric"].nunique()
    assert {"satisfaction_mean", "participation_monthly", "mechanism_cost_total"} <= set(runs["metric"])
    assert runs.groupby("scenario").size().eq(REPS * (WEEKS + 1) * n_metrics).all()


def test_common_random_numbers(out: Path) -> None:
    runs = pd.read_parquet(out / "runs.parquet", columns=["scenario", "replicate", "seed"]).drop_duplicates()
    seeds = runs.pivot(index="replicate", columns="scenario", values="seed")
    assert (seeds.nunique(axis=1) == 1).all()  # replicate r has one seed in every scenario
    assert list(seeds["baseline"]) == replicate_seeds(SEED, REPS)
    assert seeds["baseline"].is_unique


def test_jobs_do_not_change_results(outs: dict[int, Path]) -> None:
    for name in ("runs.parquet", "summary.csv"):
        assert (outs[1] / name).read_bytes() == (outs[2] / name).read_bytes(), name
    pd.testing.assert_frame_equal(pd.read_parquet(outs[1] / "runs.parquet"), pd.read_parquet(outs[2] / "runs.parquet"))


def test_reference_against_itself_is_exactly_zero(summary: pd.DataFrame) -> None:
    ref = summary[summary["scenario"] == "baseline"]
    measured = ref[ref["diff_n"] >= 2]
    assert "satisfaction_mean" in set(measured["metric"])
    assert (measured["diff"] == 0.0).all()
    assert (measured["diff_ci_low"] == 0.0).all() and (measured["diff_ci_high"] == 0.0).all()


def test_summary_contents(summary: pd.DataFrame, out: Path) -> None:
    assert set(KEY_METRICS) | {"participation_retired", "satisfaction_renters"} <= set(summary["metric"])
    assert sorted(summary["week"].unique()) == summary_weeks(WEEKS) == [WEEKS]
    assert summary["horizon"].all() and (summary["n"] == REPS).any()
    ok = summary.dropna(subset=["ci_low"])
    assert (ok["ci_low"] <= ok["mean"] + 1e-12).all() and (ok["mean"] <= ok["ci_high"] + 1e-12).all()
    # cost per household = cumulative mechanism cost / households, per scenario
    s = summary.set_index(["scenario", "metric"])
    for name in SCENARIOS:
        cost, per_hh = s.loc[(name, "mechanism_cost_total")], s.loc[(name, "cost_per_household")]
        assert per_hh["mean"] == pytest.approx(cost["mean"] / cost["households"])
    assert s.loc[("baseline", "cost_per_household"), "mean"] == 0.0
    assert s.loc[("points", "cost_per_household"), "mean"] > 0.0
    # with no missing values the mean paired difference is the difference of means
    for name in SCENARIOS:
        a, b = s.loc[(name, "satisfaction_mean")], s.loc[("baseline", "satisfaction_mean")]
        assert a["diff"] == pytest.approx(a["mean"] - b["mean"], abs=1e-12)


def test_report_reads_on_its_own(out: Path) -> None:
    from scenarios import load_scenario

    text = (out / "report.md").read_text(encoding="utf-8")
    for name in SCENARIOS:
        scen = load_scenario(name)
        assert name in text and scen.label_zh in text
    for stem in PLOTS:
        assert f"]({stem}.png)" in text
    for word in ("95 %", "Caveats", "common random numbers", str(replicate_seeds(SEED, REPS)[0]), "Wall time"):
        assert word in text


# ---------------------------------------------------------------------------- bad input

BAD_TOML = '[scenario]\nname = "bad_range"\nbase = "baseline"\n[parameters]\nbuck_pass_prob = 7.0\n'


@pytest.mark.parametrize(
    "args",
    [
        ["nosuch", "baseline"],
        ["points", "three_party_linkage", "--reference", "baseline"],
        ["points", "baseline", "--reference", "old_compound"],
        ["points", "baseline", "--reps", "1"],
        ["BAD_TOML", "baseline"],
        ["points", "points", "baseline"],
        ["points", "baseline", "--weeks", "0"],
        ["points", "baseline", "--jobs", "0"],
    ],
    ids=["unknown-scenario", "reference-not-listed", "reference-other", "reps-1", "param-out-of-range",
         "duplicate", "weeks-0", "jobs-0"],
)
def test_bad_input_is_one_line_exit_2_nothing_written(args: list[str], tmp_path: Path) -> None:
    bad = tmp_path / "bad_range.toml"
    bad.write_text(BAD_TOML, encoding="utf-8")
    dest = tmp_path / "out" / "compare"
    argv = [str(bad) if a == "BAD_TOML" else a for a in args]
    argv += [] if "--reps" in args else ["--reps", "2"]
    argv += [] if "--weeks" in args else ["--weeks", "4"]
    r = compare(*argv, "--out", str(dest))
    assert r.returncode == 2, r.stderr
    lines = r.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("run.py compare: error:"), r.stderr
    assert "Traceback" not in r.stderr and r.stdout == ""
    assert not (tmp_path / "out").exists()


# --------------------------------------------------------------------- statistics in-process


def test_replicate_seeds() -> None:
    a = replicate_seeds(1, 20)
    assert a == replicate_seeds(1, 20) and len(set(a)) == 20
    assert replicate_seeds(1, 5) == a[:5]  # more replicates extend, never reshuffle, the list
    assert replicate_seeds(2, 5) != a[:5]
    assert all(isinstance(s, int) and 0 <= s < 2**32 for s in a)


def test_t_interval() -> None:
    assert t_interval(np.zeros(5)) == (0.0, 0.0, 0.0, 5)
    mean, lo, hi, n = t_interval(np.array([1.0, 2.0, 3.0, np.nan]))
    assert (mean, n) == (2.0, 3)
    assert hi - mean == pytest.approx(4.302652729911275 / np.sqrt(3))  # t(0.975, 2) * sd / sqrt(n)
    assert np.isnan(t_interval(np.array([1.0]))[1])


def _synthetic() -> pd.DataFrame:
    """Two scenarios, 6 replicates, 8 weeks; B = A + 0.1 + small noise, rows shuffled."""
    rng = np.random.default_rng(0)
    rows = []
    base = rng.normal(0.5, 0.2, size=6)  # large between-replicate spread, shared by both scenarios
    for name, shift in (("A", 0.0), ("B", 0.1)):
        for rep in range(6):
            for week in range(9):
                rows.append({"scenario": name, "replicate": rep, "seed": 100 + rep, "week": week,
                             "satisfaction_mean": base[rep] + shift + (rng.normal(0, 0.01) if shift else 0.0),
                             "buck_passing_events": float(week), "mechanism_cost_total": 10.0 * week * (name == "B")})
    return pd.DataFrame(rows).sample(frac=1.0, random_state=1).reset_index(drop=True)


def test_summarize_pairs_by_replicate() -> None:
    wide = _synthetic()
    s = summarize(wide, ["B", "A"], "A", [4, 8], {"A": 10, "B": 10}).set_index(["scenario", "metric", "week"])
    row = s.loc[("B", "satisfaction_mean", 8)]
    assert row["diff"] == pytest.approx(0.1, abs=0.02)
    assert row["diff_ci_high"] - row["diff_ci_low"] < 0.05  # paired: far narrower than the level interval
    assert row["ci_high"] - row["ci_low"] > 3 * (row["diff_ci_high"] - row["diff_ci_low"])
    # flow metrics are the mean of the 4 weeks ending at the summary week (5, 6, 7, 8)
    assert s.loc[("A", "buck_passing_events", 8), "mean"] == pytest.approx(6.5)
    assert s.loc[("A", "buck_passing_events", 8), "window_weeks"] == 4
    assert s.loc[("B", "cost_per_household", 8), "mean"] == pytest.approx(8.0)
    self_row = s.loc[("A", "satisfaction_mean", 8)]
    assert (self_row["diff"], self_row["diff_ci_low"], self_row["diff_ci_high"]) == (0.0, 0.0, 0.0)


def test_values_at_levels_and_flows() -> None:
    at = values_at(_synthetic(), 2)
    assert at.loc[("A", 0), "buck_passing_events"] == pytest.approx(1.0)  # weeks 0..2 (window clipped at 0)
    assert at.loc[("B", 0), "mechanism_cost_total"] == 20.0  # a level read at week 2
