"""Provenance in outputs: scenario, seed and units travel with the data; counts and weeks are
integers; run.json says how many households and which versions; git_commit only for a checkout."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pyarrow.parquet as pq
import pytest

import run
from experiments.one_run import run_scenario
from model.reporters import COUNT_METRICS, METRIC_INFO
from model.run_inputs import households
from scenarios import load_scenario
from storage.outputs import package_git_commit


def test_run_outputs_carry_scenario_seed_units_and_integer_counts(tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert run.main(["run", "old_compound", "--weeks", "5", "--seed", "7", "--out", str(out)]) == 0
    table = pq.read_table(out / "timeseries.parquet")
    meta = json.loads(table.schema.metadata[b"cogov"])
    assert meta["scenario"] == "old_compound" and meta["seed"] == 7 and meta["weeks"] == 5
    assert "pyarrow" in meta["versions"]
    assert table.schema.field("week").metadata[b"unit"] == b"week"
    for metric in ("satisfaction_mean", "issues_open", "mechanism_cost"):
        field = table.schema.field(metric)
        assert field.metadata[b"unit"].decode() == METRIC_INFO[metric][2]
        assert field.metadata[b"label_en"].decode() == METRIC_INFO[metric][1]
    frame = table.to_pandas()
    assert list(frame.columns[:3]) == ["scenario", "seed", "week"]
    assert set(frame.scenario) == {"old_compound"} and set(frame.seed) == {7}
    assert str(frame.week.dtype) == "int64" and str(frame.seed.dtype) == "int64"
    for metric in COUNT_METRICS:
        assert str(frame[metric].dtype) == "int64", metric

    info = json.loads((out / "run.json").read_text(encoding="utf-8"))
    assert info["households"] == households(load_scenario("old_compound").params) > 0
    assert info["units"]["issues_open"] == METRIC_INFO["issues_open"][2]
    assert {"cogov", "python", "mesa", "numpy", "pandas", "pyarrow"} <= set(info["versions"])


def test_counts_are_integers_in_every_weekly_table() -> None:
    frame = run_scenario("co_governance_full", seed=2, weeks=14)
    assert str(frame["week"].dtype) == "int64"
    for metric in COUNT_METRICS:
        assert str(frame[metric].dtype) == "int64", metric
    assert frame["issues_open"].iloc[-1] > 0 and frame["projects_completed"].dtype.kind == "i"


def test_git_commit_only_when_the_package_folder_is_the_checkout(tmp_path: Path) -> None:
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@t"]
    if subprocess.run(["git", "--version"], capture_output=True).returncode != 0:
        pytest.skip("git not installed")
    repo = tmp_path / "their-project"
    (repo / "vendor" / "cogov").mkdir(parents=True)
    subprocess.run([*git, "init", "-q", str(repo)], check=True)
    (repo / "README").write_text("theirs\n")
    subprocess.run([*git, "-C", str(repo), "add", "README"], check=True)
    subprocess.run([*git, "-C", str(repo), "commit", "-q", "-m", "theirs"], check=True)
    head = subprocess.run(["git", "-C", str(repo), "rev-parse", "HEAD"], capture_output=True, text=True,
                          check=True).stdout.strip()
    assert package_git_commit(repo) == head  # the package folder is the checkout
    assert package_git_commit(repo / "vendor" / "cogov") is None  # a copy inside someone else's repo
    assert package_git_commit(tmp_path / "nowhere") is None
