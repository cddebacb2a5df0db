"""The benchmark runs end to end in quick mode (so it cannot rot), and its references behave."""

from __future__ import annotations

import json
import math
import subprocess
import sys
from pathlib import Path

import numpy as np

from benchmarks.bench import default_out
from benchmarks.config import KERNEL_SCENARIOS, QUICK
from benchmarks.per_agent_baseline import PerAgentModel, VectorisedKernel
from benchmarks.report import TARGETS, headline

ROOT = Path(__file__).resolve().parent.parent


def _finite(x: object) -> bool:
    return isinstance(x, int | float) and math.isfinite(x) and x >= 0


def test_quick_bench_writes_every_figure(tmp_path: Path) -> None:
    out = tmp_path / "bench"
    shipped = ROOT / "benchmarks" / "results.json"
    before = shipped.stat().st_mtime_ns if shipped.exists() else None
    proc = subprocess.run(
        [sys.executable, "run.py", "bench", "--quick", "--out", str(out)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    results = json.loads((out / "results.json").read_text(encoding="utf-8"))
    for key in ("cpu", "cores", "python", "numpy", "mesa", "date"):
        assert results["machine"][key], key
    assert results["config"]["quick"] is True
    assert sorted(int(k) for k in results["sizes"]) == sorted(QUICK.sizes)
    for size in results["sizes"].values():
        for fig in (
            "setup_s",
            "setup_no_warmup_cpu_s",
            "run_s",
            "household_steps_per_s",
            "household_steps_per_cpu_s",
            "collect_share",
        ):
            assert (
                _finite(size[fig]["median"]) and size[fig]["min"] <= size[fig]["median"] <= size[fig]["max"]
            ), fig
        assert 0 < size["collect_share"]["median"] < 1
    base = results["baseline"]
    for fig in (
        "full_model_steps_per_s",
        "per_agent_steps_per_s",
        "kernel_steps_per_s",
        "ratio_full_to_per_agent",
        "ratio_kernel_to_full",
    ):
        assert _finite(base[fig]["median"]), fig
    assert sorted(int(k) for k in results["kernel"]) == sorted(QUICK.kernel_sizes)
    for row in results["kernel"].values():
        assert _finite(row["kernel_steps_per_cpu_s"]["median"])
        for scenario in KERNEL_SCENARIOS:
            assert _finite(row[scenario]["steps_per_cpu_s"]["median"])
            assert _finite(row[scenario]["share_of_kernel"]["median"])
    assert _finite(results["default_scenario"]["wall_s"]["median"]) and _finite(results["default_scenario"]["cpu_s"]["median"])
    assert results["default_scenario"]["weeks"] == 156
    assert _finite(results["memory"]["peak_bytes_per_household"])
    assert results["memory"]["long"]["weeks"] == QUICK.memory_weeks_long > results["memory"]["weeks"]
    assert _finite(results["memory"]["growth"])
    fixed = results["sweep_fixed"]
    assert fixed["runs"] == QUICK.fixed_runs and _finite(fixed["runs_cpu_s"]) and fixed["runs_cpu_s"] > 0
    assert fixed["sweep_cpu_s"]["median"] > fixed["runs_cpu_s"]  # a sweep costs at least its runs

    for jobs in (1, 2):
        for fig in ("runs_per_s", "steady_runs_per_s", "seconds"):
            assert _finite(results["sweep"][f"jobs_{jobs}"][fig]["median"]), (jobs, fig)
    assert _finite(results["sweep"]["speedup"]["median"]) and _finite(
        results["sweep"]["speedup_end_to_end"]["median"]
    )
    figures = headline(results)
    assert [t["key"] for t in results["targets"]] == [t.key for t in TARGETS]
    for row in results["targets"]:
        assert row["value"] == figures[row["key"]] and isinstance(row["met"], bool)
    md = (out / "results.md").read_text(encoding="utf-8")
    assert (
        "quick mode" in md
        and "| target | measured | target | met |" in md
        and results["machine"]["cpu"] in md
    )
    assert not list(out.glob(".*.tmp")), "temporary files left behind"
    assert (shipped.stat().st_mtime_ns if shipped.exists() else None) == before, "--out was not respected"


def test_quick_bench_never_writes_the_committed_figures() -> None:
    shipped = ROOT / "benchmarks"
    assert default_out(quick=False) == shipped
    quick = default_out(quick=True)
    assert shipped not in quick.parents and quick != shipped
    ignored = subprocess.run(["git", "-C", str(ROOT), "check-ignore", "-q", str(quick / "results.json")])
    assert ignored.returncode in (0, 128)  # ignored by git (128: not a git checkout, e.g. an sdist)


def test_bench_rejects_bad_options(tmp_path: Path) -> None:
    proc = subprocess.run(
        [sys.executable, "run.py", "bench", "--quick", "--reps", "0", "--out", str(tmp_path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 2 and proc.stderr.count("\n") == 1 and "--reps" in proc.stderr


def test_per_agent_baseline_and_kernel_follow_the_rules() -> None:
    small = {"grids": 2, "buildings_per_grid": 3, "households_per_building": 10}
    model = PerAgentModel("baseline", seed=3, **small)
    model.run(12)
    frame = model.datacollector.get_model_vars_dataframe()
    assert len(frame) == 13 and len(model.agents) == 60
    assert frame["satisfaction_mean"].between(0, 1).all() and frame["participation"].between(0, 1).all()
    assert frame["issues_pending"].iloc[-1] > 0  # issues arise and wait
    assert all(0 <= a.satisfaction <= 1 and 0 <= a.aspiration <= 1 for a in model.agents)
    model.remove()
    again = PerAgentModel("baseline", seed=3, **small)
    again.run(12)
    assert again.datacollector.get_model_vars_dataframe().equals(frame)  # seeded
    again.remove()
    kernel = VectorisedKernel("baseline", seed=3, **small)
    kernel.run(12)
    sat, part, pending = np.array(kernel.history).T
    assert ((sat >= 0) & (sat <= 1)).all() and ((part >= 0) & (part <= 1)).all() and pending[-1] > 0
