"""Tests of the run engine (experiments/run_driver.py, worker_pool.py, run_folder.py, run_task.py) with toy run functions, not the model."""

from __future__ import annotations

import functools
import gc
import json
import os
import signal
import subprocess
import sys
import time
import types
import weakref
from concurrent.futures import BrokenExecutor
from pathlib import Path

import pandas as pd
import pytest

TESTS = Path(__file__).resolve().parent
REPO = TESTS.parent
if str(REPO) not in sys.path:  # plain `pytest` does not put the project root on sys.path (no pythonpath set)
    sys.path.insert(0, str(REPO))

import _engine_tasks as T  # noqa: E402
from _processes import group_alive, stop_group, wait_for  # noqa: E402

from experiments import worker_pool  # noqa: E402
from experiments.run_driver import execute  # noqa: E402
from experiments.run_folder import collect, completed_run_ids  # noqa: E402
from experiments.run_task import RunFn, RunTask, release_model  # noqa: E402
from experiments.worker_pool import WorkerPool, make_executor  # noqa: E402
from model.errors import UserError  # noqa: E402
from storage.outputs import folder_lock  # noqa: E402

ENV = {**os.environ, "PYTHONPATH": os.pathsep.join([str(TESTS), str(REPO)])}
N = 24


def local(jobs: int = 2) -> functools.partial:
    """Executor factory for a local spawn pool (picklable, no lambda)."""
    return functools.partial(make_executor, jobs, None)


def run_files(out: Path) -> dict[str, bytes]:
    """Every file in out/runs (temporaries included), name -> bytes."""
    return {p.name: p.read_bytes() for p in sorted((out / "runs").iterdir())}


@pytest.fixture(scope="module")
def reference(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An uninterrupted 2-worker local run of the standard tasks."""
    out = tmp_path_factory.mktemp("reference")
    t0 = time.monotonic()
    report = execute(T.standard_tasks(N), T.toy_run, out, local(2), resume=False, progress=False)
    print(f"reference: {N} runs on 2 workers in {time.monotonic() - t0:.2f} s")
    assert report.ok and len(report.completed) == N and report.pool_rebuilds == 0
    return out


def test_local_pool_writes_one_file_per_run(reference: Path) -> None:
    files = run_files(reference)
    assert sorted(files) == [f"r{i:04d}.parquet" for i in range(N)]  # no temporaries left
    expected = pd.concat(
        [
            T.toy_run(t).assign(run_id=t.run_id)[["run_id", "week", "seed", "scenario", "walk", "count"]]
            for t in T.standard_tasks(N)
        ],
        ignore_index=True,
    )
    pd.testing.assert_frame_equal(collect(reference), expected, check_exact=True)
    assert list(collect(reference, columns=["run_id"]).run_id.unique()) == sorted(
        t.run_id for t in T.standard_tasks(N)
    )


def test_existing_folder_needs_resume_and_resume_skips_finished(reference: Path) -> None:
    before = {p: p.stat().st_mtime_ns for p in (reference / "runs").iterdir()}
    with pytest.raises(UserError, match="--resume"):
        execute(T.standard_tasks(N), T.toy_run, reference, local(2), resume=False, progress=False)

    def no_executor() -> None:
        raise AssertionError("nothing to run: no executor should be built")

    report = execute(T.standard_tasks(N), T.toy_run, reference, no_executor, resume=True, progress=False)
    assert report.skipped == N and not report.completed
    assert before == {p: p.stat().st_mtime_ns for p in (reference / "runs").iterdir()}


def test_bad_arguments_are_refused_before_anything_is_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "out"
    tasks = T.standard_tasks(2)
    with pytest.raises(TypeError, match="module-level"):
        execute(tasks, lambda t: T.toy_run(t), out, local(2), resume=False, progress=False)
    with pytest.raises(ValueError, match="twice"):
        execute(tasks + tasks[:1], T.toy_run, out, local(2), resume=False, progress=False)
    with pytest.raises(ValueError, match="file name"):
        execute(
            [RunTask("../x", "baseline", 1, 1, {})], T.toy_run, out, local(2), resume=False, progress=False
        )
    with pytest.raises(UserError, match="--jobs"):
        make_executor(0, None)
    with pytest.raises(UserError, match="tcp://HOST:PORT"):
        make_executor(None, "localhost:8786")
    monkeypatch.setattr(worker_pool, "_DASK_CONNECT_TIMEOUT", "1s")
    factory = functools.partial(make_executor, None, "tcp://127.0.0.1:9")
    with pytest.raises(UserError, match="cannot reach"):
        execute(tasks, T.toy_run, out, factory, resume=False, progress=False)
    assert not out.exists()


@pytest.fixture
def ghost_run(monkeypatch: pytest.MonkeyPatch) -> RunFn:
    """A run function whose module exists only in this process: no worker can import it."""
    ghost = types.ModuleType("_ghost_tasks")
    exec(
        "from _engine_tasks import toy_run as _t\ndef ghost_run(task):\n    return _t(task)\n", ghost.__dict__
    )
    monkeypatch.setitem(sys.modules, "_ghost_tasks", ghost)
    return ghost.ghost_run


def test_worker_pool_stays_up_across_batches_with_the_same_results(tmp_path: Path, reference: Path) -> None:
    tasks = T.standard_tasks(N)
    with WorkerPool(jobs=2) as pool:
        pids = set(pool.map(T.worker_pid, range(8)))
        first = execute(tasks[: N // 2], T.toy_run, tmp_path / "a", pool, resume=False, progress=False)
        second = execute(tasks[N // 2 :], T.toy_run, tmp_path / "a", pool, resume=True, progress=False)
        assert set(pool.map(T.worker_pid, range(8))) == pids  # the same workers all along: started once
        assert pool.starts == 1 and first.ok and second.ok
        assert pool.map(T.square_or_die, range(20)) == [x * x for x in range(20)]  # input order
    assert run_files(tmp_path / "a") == run_files(reference)


def test_worker_pool_rebuilds_after_a_worker_dies() -> None:
    with WorkerPool(jobs=2) as pool:
        before = set(pool.map(T.worker_pid, range(4)))
        with pytest.raises(BrokenExecutor):
            pool.map(T.square_or_die, [1, 2, -1, 3])
        assert pool.map(T.square_or_die, [4, 5]) == [16, 25]  # rebuilt on the next use
        assert pool.starts == 2 and not before & set(pool.map(T.worker_pid, range(4)))


@pytest.mark.parametrize("how", ["raise", "kill"])
def test_worker_pool_retries_a_failed_call_and_keeps_the_input_order(tmp_path: Path, how: str) -> None:
    calls = [(x, 3, str(tmp_path / ("once" if x == 5 else f"never-{x}")), how) for x in range(12)]
    for x in range(12):
        if x != 5:
            (tmp_path / f"never-{x}").touch()  # only call 5 misbehaves, once
    done: list[int] = []
    with WorkerPool(jobs=2) as pool:
        assert pool.starmap(T.flaky_power, calls, retries=1, on_done=done.append) == [x**3 for x in range(12)]
        assert pool.starts == (2 if how == "kill" else 1)  # a dead worker: the pool was rebuilt once
    assert sorted(done) == list(range(12))
    (tmp_path / "once").unlink()
    with WorkerPool(jobs=2) as pool, pytest.raises((RuntimeError, BrokenExecutor)):
        pool.starmap(T.flaky_power, calls, retries=0)  # no retries: the failure is raised


def test_worker_pool_gives_up_on_a_call_that_keeps_failing() -> None:
    with WorkerPool(jobs=2) as pool:
        with pytest.raises(BrokenExecutor):
            pool.map(T.square_or_die, [1, -1, 2], retries=2)
        assert pool.starts == 3  # started, rebuilt after the first two deaths; the third gives up
        assert pool.map(T.square_or_die, [3]) == [9]


def test_workers_that_cannot_load_the_run_function_fail_fast(tmp_path: Path, ghost_run: RunFn) -> None:
    out = tmp_path / "out"
    # A spawned worker (a fresh interpreter) dies unpickling the task (BrokenProcessPool); Dask workers
    # raise instead (UserError). A forked worker has whatever the driver had, so it can always load it.
    spawned = functools.partial(make_executor, 1, None, start_method="spawn")
    with pytest.raises(RuntimeError, match="could not start or load the run function _ghost_tasks.ghost_run"):
        execute(T.standard_tasks(4), ghost_run, out, spawned, resume=False, progress=False)
    assert not out.exists()


def test_second_driver_on_same_folder_is_refused(tmp_path: Path) -> None:
    (tmp_path / "runs").mkdir()
    with folder_lock(tmp_path), pytest.raises(UserError, match="another sweep"):
        execute(T.standard_tasks(2), T.toy_run, tmp_path, local(1), resume=True, progress=False)
    assert completed_run_ids(tmp_path) == set()


def test_resume_after_driver_sigkill(tmp_path: Path, reference: Path) -> None:
    out = tmp_path / "out"
    code = f"import _engine_tasks as T; T.driver_main({str(out)!r}, {N}, 0.2, 2)"
    driver = subprocess.Popen([sys.executable, "-c", code], env=ENV, cwd=tmp_path, start_new_session=True)
    try:
        wait_for(lambda: len(completed_run_ids(out)) >= 4, 60, "the first runs of the driver")
        os.kill(driver.pid, signal.SIGKILL)
        driver.wait(10)
        # The orphaned pool workers notice their driver is gone and exit by themselves.
        wait_for(lambda: not group_alive(driver.pid), 10, "orphaned workers to exit")
    finally:
        stop_group(driver)
    survived = completed_run_ids(out)
    assert 4 <= len(survived) < N, "the driver was not killed mid-run"

    report = execute(T.standard_tasks(N), T.toy_run, out, local(2), resume=True, progress=False)
    assert report.ok and report.skipped == len(survived)
    assert not survived & set(report.completed)  # nothing ran twice
    assert sorted(survived | set(report.completed)) == [t.run_id for t in T.standard_tasks(N)]
    assert run_files(out) == run_files(reference)  # every run once, bit for bit, no temporaries


def test_worker_sigkilled_mid_run_pool_is_rebuilt(tmp_path: Path, reference: Path) -> None:
    tasks = T.standard_tasks(N)
    for i in (5, 17):
        tasks[i].overrides["kill_once"] = str(tmp_path / f"killed-{i}")
    out = tmp_path / "out"
    report = execute(tasks, T.toy_run, out, local(2), resume=False, progress=False)
    assert report.pool_rebuilds >= 1 and report.ok
    assert (tmp_path / "killed-5").exists() and (tmp_path / "killed-17").exists()
    assert run_files(out) == run_files(reference)


def test_failing_run_is_retried_once_then_recorded(
    tmp_path: Path, reference: Path, capfd: pytest.CaptureFixture
) -> None:
    tasks = T.standard_tasks(N)
    tasks[3].overrides["raise_always"] = True
    tasks[7].overrides["raise_once"] = str(tmp_path / "raised-7")
    out = tmp_path / "out"
    report = execute(tasks, T.toy_run, out, local(2), resume=False, progress=True)
    err = capfd.readouterr().err
    assert "run r0003 failed after 2 attempt(s): ValueError: deliberate failure in r0003" in err
    assert "failed=1" in err and f"{N}/{N}" in err  # the progress bar counts failures as finished

    assert report.failed == {"r0003": "ValueError: deliberate failure in r0003"}
    assert report.retried == 2 and len(report.completed) == N - 1
    record = json.loads((out / "failed" / "r0003.json").read_text())
    assert record["attempts"] == 2 and record["task"]["seed"] == 1003
    assert "deliberate failure" in record["error"] and "toy_run" in record["traceback"]
    ref = run_files(reference)
    assert run_files(out) == {k: v for k, v in ref.items() if k != "r0003.parquet"}

    # Resume retries what is missing; once it succeeds, its failure record goes away.
    report = execute(T.standard_tasks(N), T.toy_run, out, local(1), resume=True, progress=False)
    assert report.completed == ["r0003"] and report.ok
    assert not any((out / "failed").iterdir())
    assert run_files(out) == ref


def test_run_that_always_kills_its_worker_is_isolated_then_failed(tmp_path: Path, reference: Path) -> None:
    tasks = T.standard_tasks(8)
    tasks[2].overrides["kill_always"] = True
    out = tmp_path / "out"
    report = execute(tasks, T.toy_run, out, local(2), resume=False, progress=False)
    assert list(report.failed) == ["r0002"] and "WorkerDied" in report.failed["r0002"]
    assert sorted(report.completed) == [t.run_id for t in tasks if t.run_id != "r0002"]
    ref = run_files(reference)
    assert all(data == ref[name] for name, data in run_files(out).items())


def test_release_model_frees_mesa_model() -> None:
    import mesa

    model = mesa.Model(seed=1)
    mesa.Agent.create_agents(model, 5)
    ref = weakref.ref(model)
    release_model(model)
    del model
    gc.collect()
    assert ref() is None


def test_dask_cluster_gives_same_results_bit_for_bit(
    tmp_path: Path, reference: Path, dask_scheduler: str
) -> None:
    tasks = T.standard_tasks(N)
    tasks[9].overrides["kill_once"] = str(tmp_path / "killed-9")  # the nanny restarts it; Dask reschedules
    out = tmp_path / "out"
    t0 = time.monotonic()
    report = execute(
        tasks,
        T.toy_run,
        out,
        functools.partial(make_executor, None, dask_scheduler),
        resume=False,
        progress=False,
    )
    print(f"dask: {N} runs on 2 workers in {time.monotonic() - t0:.2f} s")
    assert report.ok and len(report.completed) == N
    assert (tmp_path / "killed-9").exists()
    assert run_files(out) == run_files(reference)
    pd.testing.assert_frame_equal(collect(out), collect(reference), check_exact=True)


def test_dask_workers_that_cannot_load_the_run_function_fail_fast(
    tmp_path: Path, ghost_run: RunFn, dask_scheduler: str
) -> None:
    out = tmp_path / "out"
    factory = functools.partial(make_executor, None, dask_scheduler)
    with pytest.raises(UserError, match="Dask workers cannot load the run function _ghost_tasks.ghost_run"):
        execute(T.standard_tasks(4), ghost_run, out, factory, resume=False, progress=False)
    assert not out.exists()


def test_preload_freezes_the_imports_of_a_fresh_driver_but_never_a_process_holding_models() -> None:
    """A command's driver imports the model with the collector paused and freezes it (never walked again);
    a process that already holds a model (the app, a notebook) freezes nothing, so its models stay
    collectable."""
    code = """
import gc, json, sys
from experiments.worker_pool import preload_modules
{setup}
preload_modules(("experiments.sweep", "model.model", "colorsys"))
print(json.dumps({{"frozen": gc.get_freeze_count(), "enabled": gc.isenabled(), "loaded": "colorsys" in sys.modules}}))
"""
    def run(setup: str) -> dict:
        proc = subprocess.run([sys.executable, "-c", code.format(setup=setup)], capture_output=True, text=True,
                              cwd=REPO, timeout=300, check=True)
        return json.loads(proc.stdout.strip().splitlines()[-1])

    fresh = run("")
    assert fresh["frozen"] > 100_000 and fresh["enabled"] and fresh["loaded"]
    holding = run("from model.model import CoGovernanceModel\nmodel = CoGovernanceModel(seed=1, weeks=2)")
    assert holding == {"frozen": 0, "enabled": True, "loaded": True}
