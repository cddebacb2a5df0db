"""Toy, module-level run functions for the engine tests (importable by spawned and Dask workers).

Not the model: each run sleeps a little and returns a small frame derived only from the seed. Some
overrides make a run misbehave: ``raise_always``, ``raise_once`` / ``kill_once`` (a marker file path:
misbehave only while the marker does not exist yet), ``kill_always``.
"""

from __future__ import annotations

import os
import signal
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

from experiments.run_driver import execute
from experiments.run_task import RunTask
from experiments.worker_pool import make_executor


def _first_time(marker: object) -> bool:
    """True exactly once per marker path, across processes (O_EXCL create)."""
    try:
        os.close(os.open(str(marker), os.O_CREAT | os.O_EXCL | os.O_WRONLY))
    except FileExistsError:
        return False
    return True


def toy_run(task: RunTask) -> pd.DataFrame:
    """Sleep, then return ``weeks + 1`` rows of a seeded random walk."""
    ov = task.overrides
    if ov.get("kill_always") or ("kill_once" in ov and _first_time(ov["kill_once"])):
        os.kill(os.getpid(), signal.SIGKILL)
    if ov.get("raise_always"):
        raise ValueError(f"deliberate failure in {task.run_id}")
    if "raise_once" in ov and _first_time(ov["raise_once"]):
        raise RuntimeError(f"transient failure in {task.run_id}")
    time.sleep(float(ov.get("sleep", 0.05)))  # type: ignore[arg-type]
    rng = np.random.default_rng(task.seed)
    weeks = np.arange(task.weeks + 1)
    return pd.DataFrame(
        {
            "week": weeks,
            "seed": task.seed,
            "scenario": task.scenario,
            "walk": rng.normal(size=weeks.size).cumsum(),
            "count": rng.poisson(3.0, size=weeks.size),
        }
    )


def worker_pid(_: object) -> int:
    """The id of the worker process that ran this call."""
    time.sleep(0.02)
    return os.getpid()


def square_or_die(x: int) -> int:
    """x squared; kills its worker for x < 0."""
    if x < 0:
        os.kill(os.getpid(), signal.SIGKILL)
    return x * x


def flaky_power(x: int, power: int, marker: str, how: str) -> int:
    """x ** power; the first call across processes for ``marker`` raises (``how="raise"``) or kills its
    worker (``how="kill"``)."""
    if _first_time(marker):
        if how == "kill":
            os.kill(os.getpid(), signal.SIGKILL)
        raise RuntimeError(f"transient failure at {x}")
    time.sleep(0.01)
    return x**power


def standard_tasks(n: int = 24, sleep: float = 0.05) -> list[RunTask]:
    """The task list shared by the tests: ``n`` runs over two scenarios."""
    return [
        RunTask(f"r{i:04d}", "baseline" if i % 2 else "points", 1000 + i, 8, {"sleep": sleep})
        for i in range(n)
    ]


def driver_main(out_dir: str, n: int, sleep: float, jobs: int) -> None:
    """Run the standard tasks into ``out_dir`` (used as a subprocess by the kill -9 test)."""
    report = execute(
        standard_tasks(n, sleep),
        toy_run,
        Path(out_dir),
        lambda: make_executor(jobs, None),
        resume=True,
        progress=False,
    )
    print(f"done {len(report.completed)} skipped {report.skipped}", file=sys.stderr)


def marked_sleep(x: int, folder: str) -> int:
    """x, after leaving a file named x in ``folder`` (so a test can count the calls that ran) and sleeping
    a time that varies with x (so calls finish out of order)."""
    Path(folder, str(x)).touch()
    time.sleep(0.004 * ((x * 7) % 5))
    return x
