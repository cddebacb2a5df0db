"""Tests of parameter sweeps (experiments/sweep.py, designs.py, sensitivity.py) on tiny models.

One grid sweep (96 short runs) is the reference; the same sweep through `--jobs 1`, a real Dask cluster,
a driver killed with SIGKILL then resumed, and a pool worker killed mid-sweep must all give the same
files, bit for bit.
"""

from __future__ import annotations

import contextlib
import gc
import json
import os
import signal
import subprocess
import sys
import threading
import time
import tracemalloc
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

TESTS = Path(__file__).resolve().parent
REPO = TESTS.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from _processes import group_alive, stop_group, wait_for  # noqa: E402

import run  # noqa: E402
from experiments import worker_pool  # noqa: E402
from experiments.designs import Factor, lhs_design  # noqa: E402
from experiments.run_folder import completed_run_ids  # noqa: E402
from experiments.run_task import RunTask  # noqa: E402
from experiments.sweep import (  # noqa: E402
    Outcome,
    build_design,
    load_series,
    load_sweep,
    run_seed,
    run_sweep,
    run_task,
)
from model.errors import UserError  # noqa: E402

ENV = {**os.environ, "PYTHONPATH": str(REPO)}
TINY = {"grids": 2, "buildings_per_grid": 2, "households_per_building": 10}

GRID = """
[sweep]
name = "t_grid"
scenario = "baseline"
weeks = 20
replicates = 4
seed = 42

[fixed]
grids = 2
buildings_per_grid = 4
households_per_building = 20

[design]
method = "grid"
[design.parameters]
buck_pass_prob = [0.1, 0.4, 0.7, 1.0]
social_influence = { low = 0, high = 9, num = 4 }

[[outcomes]]
name = "satisfaction"
metric = "satisfaction_mean"
statistic = "mean"
last_weeks = 8

[[outcomes]]
name = "participation_max"
metric = "participation_monthly"
statistic = "max"

[[outcomes]]
metric = "issues_open"
statistic = "final"

[sensitivity]
plots = ["png"]
"""
N_RUNS = 4 * 4 * 4


def tree(folder: Path) -> dict[str, tuple[bytes, int]]:
    """Every file under ``folder``: relative path -> (bytes, mtime_ns)."""
    return {
        str(p.relative_to(folder)): (p.read_bytes(), p.stat().st_mtime_ns)
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def run_files(out: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted((out / "runs").iterdir())}


def cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, str(REPO / "run.py"), *args], env=ENV, capture_output=True, text=True, timeout=300
    )


@pytest.fixture(scope="module")
def grid_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("sweepfile") / "grid.toml"
    path.write_text(GRID)
    return path


@pytest.fixture(scope="module")
def reference(grid_file: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The grid sweep, uninterrupted, on 2 local workers."""
    out = tmp_path_factory.mktemp("reference") / "out"
    summary = run_sweep(grid_file, out, jobs=2, progress=False)
    print(f"reference: {N_RUNS} runs on 2 workers in {summary['seconds']:.2f} s")
    assert summary["completed"] == N_RUNS and not summary["failed"]
    return out


# --------------------------------------------------------------------------- a grid sweep


def test_grid_sweep_writes_results_manifest_and_plots(reference: Path, grid_file: Path) -> None:
    assert sorted(run_files(reference)) == [f"p{p:04d}-r{r:02d}.parquet" for p in range(16) for r in range(4)]
    results = pd.read_parquet(reference / "results.parquet")
    assert len(results) == N_RUNS * 3
    assert list(results.columns) == [
        "run_id",
        "point",
        "replicate",
        "seed",
        "buck_pass_prob",
        "social_influence",
        "outcome",
        "metric",
        "statistic",
        "last_weeks",
        "value",
    ]
    assert list(results.outcome[:3]) == ["satisfaction", "participation_max", "issues_open_final"]
    assert results.value.notna().all()
    first = results.drop_duplicates("run_id").set_index("run_id")
    assert sorted(set(first.buck_pass_prob)) == [0.1, 0.4, 0.7, 1.0]
    assert sorted(set(first.social_influence)) == [0.0, 3.0, 6.0, 9.0]
    assert all(first.seed == [run_seed(42, p, r) for p, r in zip(first.point, first.replicate, strict=True)])
    assert first.seed.nunique() == N_RUNS  # one seed per (point, replicate)

    # The worker's outcome equals a direct run of the model with the same parameters and seed.
    row = first.loc["p0009-r03"]
    direct = run_task(
        RunTask(
            "x",
            "baseline",
            int(row.seed),
            20,
            {
                "grids": 2,
                "buildings_per_grid": 4,
                "households_per_building": 20,
                "buck_pass_prob": row.buck_pass_prob,
                "social_influence": row.social_influence,
            },
        ),
        (Outcome("satisfaction", "satisfaction_mean", "mean", 8),),
    )
    assert (
        direct.value[0]
        == results[(results.run_id == "p0009-r03") & (results.outcome == "satisfaction")].value.item()
    )

    manifest = json.loads((reference / "manifest.json").read_text())
    assert manifest["sweep_sha256"] and manifest["sweep_text"] == grid_file.read_text()
    assert len(manifest["runs"]) == N_RUNS and manifest["design"]["method"] == "grid"
    assert {"mesa", "numpy", "SALib"} <= set(manifest["versions"])
    for name in ("satisfaction", "participation_max", "issues_open_final"):
        assert (reference / "plots" / f"heatmap_{name}.png").stat().st_size > 1000

    series = load_series(reference, ["satisfaction_mean"])
    assert len(series) == N_RUNS * 21 and set(series.week) == set(range(21))


def test_resume_of_a_finished_sweep_runs_nothing_and_sensitivity_rebuilds(
    reference: Path, grid_file: Path
) -> None:
    runs_before = tree(reference / "runs")
    results_before = (reference / "results.parquet").read_bytes()
    summary = run_sweep(grid_file, reference, jobs=2, resume=True, progress=False)
    assert summary["skipped"] == N_RUNS and summary["completed"] == 0
    assert tree(reference / "runs") == runs_before
    assert (reference / "results.parquet").read_bytes() == results_before
    assert run.main(["sensitivity", str(reference)]) == 0
    assert (reference / "results.parquet").read_bytes() == results_before


def test_one_worker_gives_the_same_files(reference: Path, grid_file: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    run_sweep(grid_file, out, jobs=1, progress=False)
    assert run_files(out) == run_files(reference)
    assert (out / "results.parquet").read_bytes() == (reference / "results.parquet").read_bytes()


# --------------------------------------------------------------------------- crashes


def test_driver_sigkilled_then_resumed_runs_every_run_exactly_once(
    reference: Path, grid_file: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    cmd = [
        sys.executable,
        str(REPO / "run.py"),
        "sweep",
        str(grid_file),
        "--jobs",
        "2",
        "--out",
        str(out),
        "--quiet",
    ]
    driver = subprocess.Popen(
        cmd,
        env=ENV,
        cwd=tmp_path,
        start_new_session=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_for(lambda: len(completed_run_ids(out)) >= 6, 120, "the first runs of the driver")
        os.kill(driver.pid, signal.SIGKILL)
        driver.wait(10)
        wait_for(lambda: not group_alive(driver.pid), 15, "orphaned workers to exit")
    finally:
        stop_group(driver)
    survived = {k: v for k, v in tree(out / "runs").items() if not k.startswith(".")}  # not temporaries
    assert 6 <= len(survived) < N_RUNS, "the driver was not killed mid-sweep"
    assert not (out / "results.parquet").exists()
    manifest = (out / "manifest.json").read_bytes()

    done = cli("sweep", str(grid_file), "--jobs", "2", "--out", str(out), "--resume", "--quiet")
    assert done.returncode == 0, done.stderr
    assert f"{N_RUNS - len(survived)} done now, {len(survived)} already done, 0 failed" in done.stdout
    after = tree(out / "runs")
    assert {k: after[k] for k in survived} == survived  # finished runs untouched: none ran twice
    assert run_files(out) == run_files(reference)  # every run once, bit for bit, no temporaries
    assert (out / "manifest.json").read_bytes() == manifest
    assert (out / "results.parquet").read_bytes() == (reference / "results.parquet").read_bytes()


def test_worker_killed_mid_run_pool_is_rebuilt(reference: Path, grid_file: Path, tmp_path: Path) -> None:
    psutil = pytest.importorskip("psutil")
    out = tmp_path / "out"
    killed: list[int] = []

    def killer() -> None:
        deadline = time.monotonic() + 120
        while len(completed_run_ids(out)) < 10 and time.monotonic() < deadline:
            time.sleep(0.005)
        me = psutil.Process()
        for child in me.children():
            with contextlib.suppress(psutil.Error):
                # a forked pool worker shares this process's command line; a spawned one is marked
                if child.cmdline() == me.cmdline() or "--multiprocessing-fork" in child.cmdline():
                    os.kill(child.pid, signal.SIGKILL)
                    killed.append(child.pid)
                    return

    thread = threading.Thread(target=killer, daemon=True)
    thread.start()
    summary = run_sweep(grid_file, out, jobs=2, progress=False)
    thread.join(5)
    assert killed, "no pool worker was killed"
    assert summary["pool_rebuilds"] >= 1 and not summary["failed"]
    assert summary["completed"] == N_RUNS
    assert run_files(out) == run_files(reference)
    assert (out / "results.parquet").read_bytes() == (reference / "results.parquet").read_bytes()


# --------------------------------------------------------------------------- Dask


def test_dask_cluster_gives_identical_results(
    reference: Path, grid_file: Path, tmp_path: Path, dask_scheduler: str
) -> None:
    out = tmp_path / "out"
    done = cli("sweep", str(grid_file), "--scheduler", dask_scheduler, "--out", str(out), "--quiet")
    assert done.returncode == 0, done.stderr
    assert run_files(out) == run_files(reference)
    assert (out / "results.parquet").read_bytes() == (reference / "results.parquet").read_bytes()


# --------------------------------------------------------------------------- sensitivity


MORRIS = """
[sweep]
scenario = "baseline"
weeks = 16
seed = 5
[fixed]
grids = 2
buildings_per_grid = 2
households_per_building = 10
[design]
method = "morris"
trajectories = 8
levels = 4
[design.parameters]
part_base = [-6.0, -2.0]
social_influence = [0.0, 10.0]
survey_noise = [0.0, 0.5]
[[outcomes]]
name = "participation"
metric = "participation_monthly"
statistic = "mean"
last_weeks = 8
[sensitivity]
num_resamples = 200
plots = ["png", "svg"]
"""


def test_morris_ranks_a_parameter_that_matters_above_one_that_does_not(
    tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    path = tmp_path / "morris.toml"
    path.write_text(MORRIS)
    out = tmp_path / "out"
    summary = run_sweep(path, out, jobs=2, progress=False)
    assert summary["completed"] == 8 * 4 and not summary["notes"]
    table = pd.read_csv(out / "sensitivity.csv")
    mu_star = table[table["index"] == "mu_star"].set_index("parameter")
    assert set(table.columns) == {"outcome", "method", "parameter", "index", "value", "conf", "conf_level"}
    assert (mu_star.conf >= 0).all()
    # part_base moves every household's participation; survey_noise only blurs the survey.
    assert mu_star.value["part_base"] > mu_star.value["social_influence"] > mu_star.value["survey_noise"]
    assert mu_star.value["survey_noise"] < 0.1 * mu_star.value["part_base"]
    assert (out / "plots" / "morris_participation.png").exists()
    assert (out / "plots" / "morris_participation.svg").exists()
    first = pd.read_csv(out / "sensitivity.csv")
    assert run.main(["sensitivity", str(out)]) == 0  # seeded bootstrap: the same table again
    pd.testing.assert_frame_equal(pd.read_csv(out / "sensitivity.csv"), first)

    # With runs missing, no indices are made from a partial design; the table already there stays.
    (out / "runs" / "p0003-r00.parquet").unlink()
    assert run.main(["sensitivity", str(out)]) == 1
    err = capsys.readouterr().err
    assert "participation: no morris indices, 1 of 32 design points have no finished run" in err
    pd.testing.assert_frame_equal(pd.read_csv(out / "sensitivity.csv"), first)
    assert pd.read_parquet(out / "results.parquet").run_id.nunique() == 31


def test_sobol_indices_with_confidence_intervals(tmp_path: Path) -> None:
    path = tmp_path / "sobol.toml"
    path.write_text(
        MORRIS.replace(
            'method = "morris"\ntrajectories = 8\nlevels = 4',
            'method = "sobol"\nsamples = 4\nsecond_order = true',
        ).replace("survey_noise = [0.0, 0.5]\n", "")
    )
    out = tmp_path / "out"
    summary = run_sweep(path, out, jobs=2, progress=False)
    assert summary["runs"] == 4 * (2 * 2 + 2)
    table = pd.read_csv(out / "sensitivity.csv")
    assert set(table["index"]) == {"S1", "ST", "S2"}
    assert table.conf.notna().all()
    assert (out / "plots" / "sobol_participation.png").exists()


def test_designs_are_deterministic_and_respect_ranges(tmp_path: Path) -> None:
    path = tmp_path / "lhs.toml"
    path.write_text(
        """
[sweep]
weeks = 10
seed = 9
[design]
method = "lhs"
samples = 25
[design.parameters]
escalation_weeks = [2, 30]
owner_share = { low = 0.2, high = 0.9 }
"""
        + '[[outcomes]]\nmetric = "satisfaction_mean"\n'
    )
    a, b = build_design(load_sweep(path)), build_design(load_sweep(path))
    assert a.points == b.points and len(a.points) == 25
    weeks = [p["escalation_weeks"] for p in a.points]
    assert all(isinstance(w, int) and 2 <= w <= 30 for w in weeks)
    assert all(0.2 <= p["owner_share"] <= 0.9 for p in a.points)
    other = lhs_design([Factor("owner_share", float, low=0.2, high=0.9)], 25, seed=1)
    assert [p["owner_share"] for p in other.points] != [p["owner_share"] for p in a.points]
    assert run_seed(1, 3, 2) == run_seed(1, 3, 2) != run_seed(1, 2, 3)
    assert run_seed(1, 3, 2, crn=True) == run_seed(1, 7, 2, crn=True)


# --------------------------------------------------------------------------- memory, mesa.batch_run


def test_memory_stays_flat_over_300_runs_in_one_process() -> None:
    """A worker releases every model it ran: 270 runs leave RSS flat, 50 more leave no traced growth,
    and the same measurement sees 10 models that are kept. Cold starts (``warmup_weeks=0``): what is
    released is the same model, without 104 weeks of warm-up per run."""
    import mesa
    import psutil

    from experiments.one_run import run_model
    from model.model import CoGovernanceModel

    outcomes = (Outcome("p", "participation_monthly", "mean"),)
    cold = {**TINY, "warmup_weeks": 0}
    tasks = [RunTask(f"m{i}", "baseline", i, 3, dict(cold)) for i in range(350)]
    for task in tasks[:30]:  # warm-up: imports, caches
        run_task(task, outcomes)
    ids_before = set(mesa.Agent._ids)
    gc.collect()
    rss0 = psutil.Process().memory_info().rss
    for task in tasks[30:300]:
        run_task(task, outcomes)
    gc.collect()
    rss_growth = psutil.Process().memory_info().rss - rss0
    assert set(mesa.Agent._ids) == ids_before  # every model released

    tracemalloc.start()
    try:
        base = tracemalloc.get_traced_memory()[0]
        for task in tasks[300:]:
            run_task(task, outcomes)
        gc.collect()
        grown = tracemalloc.get_traced_memory()[0] - base
        # Control: the same measurement sees the leak when models are not released.
        kept = [run_model("baseline", i, 3, dict(cold)) for i in range(10)]
        del kept
        gc.collect()
        leaked = tracemalloc.get_traced_memory()[0] - base - grown
    finally:
        tracemalloc.stop()
        for model in list(mesa.Agent._ids):
            if isinstance(model, CoGovernanceModel) and model not in ids_before:
                model.remove()
    print(
        f"270 runs: RSS growth {rss_growth / 1e6:.1f} MB; 50 more runs: traced growth {grown / 1e3:.0f} kB; "
        f"10 unreleased models: {leaked / 1e6:.1f} MB"
    )
    assert rss_growth < 30_000_000  # 270 leaked models would be ~80 MB
    assert grown < 300_000
    assert leaked > 5 * max(grown, 100_000)


def test_mesa_batch_run_works_with_keyword_parameters() -> None:
    from mesa.batchrunner import batch_run

    from experiments.one_run import run_scenario
    from model.model import CoGovernanceModel

    # Mesa 3.3.1's batch_run has no seed handling: seeds go in as a parameter (a list), iterations = 1.
    # It steps while model.steps <= max_steps (one step more than max_steps) and reports rows up to
    # index max_steps, so max_steps = weeks gives weeks 0..weeks of the same run as run_scenario.
    rows = batch_run(
        CoGovernanceModel,
        parameters={"scenario": "baseline", "seed": [1, 2], "weeks": 5, **TINY, "buck_pass_prob": [0.2, 0.5]},
        max_steps=5,
        number_processes=1,
        iterations=1,
        data_collection_period=1,
        display_progress=False,
    )
    frame = pd.DataFrame(rows)
    assert len(frame) == 4 * 6 and sorted(set(frame.Step)) == list(range(6))
    for (seed, bpp), group in frame.groupby(["seed", "buck_pass_prob"]):
        ref = run_scenario("baseline", int(seed), weeks=5, overrides={**TINY, "buck_pass_prob": bpp})
        got = group.sort_values("Step")
        np.testing.assert_array_equal(got.satisfaction_mean.to_numpy(), ref.satisfaction_mean.to_numpy())
        np.testing.assert_array_equal(got.issues_open.to_numpy(), ref.issues_open.to_numpy())

    # Mechanism parameters are keyword arguments too (KEY__NAME).
    rows = batch_run(
        CoGovernanceModel,
        parameters={"scenario": "points", "seed": 3, **TINY, "points__crowding": [0.0, 0.9]},
        max_steps=2,
        number_processes=1,
        display_progress=False,
    )
    assert [r["points__crowding"] for r in rows] == [0.0, 0.9]


# --------------------------------------------------------------------------- bad input


def _sweep(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "bad.toml"
    path.write_text(text)
    return path


BASE = """
[sweep]
weeks = 10
[fixed]
grids = 2
[design]
method = "grid"
[design.parameters]
buck_pass_prob = [0.1, 0.5]
[[outcomes]]
metric = "satisfaction_mean"
statistic = "mean"
"""

BAD = {
    "malformed": (BASE.replace("[design]", "[design"), "malformed TOML"),
    "unknown_section": (BASE + "[sweeps]\nx = 1\n", "unknown section [sweeps] (did you mean 'sweep'?)"),
    "unknown_parameter": (
        BASE.replace("buck_pass_prob = [", "buck_pas_prob = ["),
        "unknown parameter 'buck_pas_prob' (did you mean 'buck_pass_prob'?)",
    ),
    "unknown_fixed": (BASE.replace("grids = 2", "gridz = 2"), "[fixed] unknown parameter 'gridz'"),
    "out_of_range": (BASE.replace("[0.1, 0.5]", "[0.1, 1.5]"), "'buck_pass_prob' = 1.5 is out of range"),
    "range_outside": (
        BASE.replace('"grid"', '"lhs"\nsamples = 10').replace("[0.1, 0.5]", "[-0.2, 0.5]"),
        "'buck_pass_prob' = -0.2 is out of range",
    ),
    "not_integer": (BASE.replace("grids = 2", "grids = 2.5"), "'grids' expected an integer"),
    "unknown_design": (BASE.replace('"grid"', '"moris"'), "unknown method 'moris' (did you mean 'morris'?)"),
    "sobol_not_power_of_two": (
        BASE.replace('"grid"', '"sobol"\nsamples = 100').replace(
            "[0.1, 0.5]", "[0.1, 0.5]\nfee = [50.0, 300.0]"
        ),
        "'samples' = 100: SALib's Sobol' sample needs a power of two (N), e.g. 64 or 128",
    ),
    "morris_odd_levels": (
        BASE.replace('"grid"', '"morris"\ntrajectories = 4\nlevels = 3').replace(
            "[0.1, 0.5]", "[0.1, 0.5]\nfee = [50.0, 300.0]"
        ),
        "Morris needs an even number of levels",
    ),
    "option_for_other_method": (
        BASE.replace('"grid"', '"grid"\nsamples = 8'),
        "'samples' does not apply to method 'grid'",
    ),
    "mechanism_off": (
        BASE.replace("buck_pass_prob = [0.1, 0.5]", '"points.crowding" = [0.1, 0.5]'),
        "mechanism 'points', which is off in scenario 'baseline'",
    ),
    "unknown_metric": (
        BASE.replace("satisfaction_mean", "satisfaction_mea"),
        "unknown metric 'satisfaction_mea' (did you mean 'satisfaction_mean'?)",
    ),
    "unknown_statistic": (BASE.replace('"mean"', '"average"'), "unknown statistic 'average'"),
    "window_too_long": (BASE + "last_weeks = 50\n", "'last_weeks' expected an integer in [1, 10]"),
    "unknown_scenario": (
        BASE.replace("weeks = 10", 'weeks = 10\nscenario = "basline"'),
        "unknown scenario 'basline' (did you mean 'baseline'?)",
    ),
    "no_outcomes": (BASE.split("[[outcomes]]")[0], "missing [[outcomes]]"),
    "inconsistent_point": (
        BASE.replace("buck_pass_prob = [0.1, 0.5]", "youth_share = [0.2, 0.8]"),
        "'youth_share' + 'retired_share' must be at most 1",
    ),
}


@pytest.mark.parametrize("case", sorted(BAD))
def test_bad_sweep_file_one_line_exit_2_nothing_written(
    case: str, tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    text, message = BAD[case]
    path = _sweep(tmp_path, text)
    out = tmp_path / "out"
    assert run.main(["sweep", str(path), "--jobs", "1", "--out", str(out), "--quiet"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("run.py sweep: error: ") and err.count("\n") == 1, err
    assert message in err, err
    assert not out.exists()


def test_unreachable_scheduler(
    tmp_path: Path, capsys: pytest.CaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(worker_pool, "_DASK_CONNECT_TIMEOUT", "1s")
    path = _sweep(tmp_path, BASE)
    out = tmp_path / "out"
    assert (
        run.main(["sweep", str(path), "--scheduler", "tcp://127.0.0.1:9", "--out", str(out), "--quiet"]) == 2
    )
    err = capsys.readouterr().err
    assert "cannot reach the Dask scheduler" in err and err.count("\n") == 1, err
    assert not out.exists()


def test_bad_flags_exit_2(tmp_path: Path) -> None:
    path = _sweep(tmp_path, BASE)
    for args in (["--jobs", "0"], ["--jobs", "2", "--scheduler", "tcp://127.0.0.1:9"]):
        done = cli("sweep", str(path), *args, "--out", str(tmp_path / "out"))
        assert done.returncode == 2 and done.stderr.count("\n") == 1, done.stderr
    assert not (tmp_path / "out").exists()


def test_output_folder_rules(reference: Path, tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    before = tree(reference)
    other = _sweep(tmp_path, BASE)
    # --resume on a folder made by a different sweep file: refused, nothing touched.
    assert run.main(["sweep", str(other), "--resume", "--out", str(reference), "--quiet"]) == 2
    err = capsys.readouterr().err
    assert "made by a different sweep file" in err and err.count("\n") == 1, err
    # Without --resume, a non-empty folder is refused.
    grid = Path(json.loads((reference / "manifest.json").read_text())["sweep_file"])
    assert run.main(["sweep", str(grid), "--out", str(reference), "--quiet"]) == 2
    err = capsys.readouterr().err
    assert "folder is not empty; add --resume" in err and err.count("\n") == 1, err
    assert tree(reference) == before

    stray = tmp_path / "stray"
    stray.mkdir()
    (stray / "notes.txt").write_text("mine")
    assert run.main(["sweep", str(other), "--resume", "--out", str(stray), "--quiet"]) == 2
    assert "was not made by a sweep" in capsys.readouterr().err
    assert run.main(["sensitivity", str(stray)]) == 2
    assert "was not made by a sweep" in capsys.readouterr().err
    assert sorted(p.name for p in stray.iterdir()) == ["notes.txt"]


def test_example_sweep_files_are_valid() -> None:
    files = sorted((REPO / "scenarios" / "sweeps").glob("*.toml"))
    assert len(files) >= 4
    for path in files:
        spec = load_sweep(path)
        assert build_design(spec).points, path


def test_load_sweep_accepts_mechanism_tables_and_enabled_in_fixed(tmp_path: Path) -> None:
    path = _sweep(
        tmp_path,
        BASE.replace(
            "grids = 2", 'grids = 2\n"points.enabled" = true\n[fixed.points]\nstop_week = 0'
        ).replace("buck_pass_prob = [0.1, 0.5]", "points.crowding = [0.1, 0.5]"),
    )
    spec = load_sweep(path)
    assert spec.fixed["points.enabled"] is True and spec.fixed["points.stop_week"] == 0
    assert [f.name for f in spec.factors] == ["points.crowding"]
    with pytest.raises(UserError, match="given twice"):
        load_sweep(
            _sweep(
                tmp_path,
                BASE.replace("grids = 2", 'grids = 2\npoints__enabled = true\n"points.enabled" = true'),
            )
        )
