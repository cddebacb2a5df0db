"""The crash-safe driver of many runs: `execute` hands every task to the workers
(`experiments.worker_pool`), writes each finished run to the run folder at once
(`experiments.run_folder`) and goes on past runs that raise (retried, then recorded as failed) and
past workers that die (the pool rebuilt, what was in flight run again, a run that keeps breaking pools
run alone and charged). `resume` continues a folder where it stopped.

The worker serialises the frame to Parquet bytes (`run_one`); the driver writes the bytes and keeps
only run ids, so it never holds the results of more than the runs in flight, and no shared file system
is needed. ``out_dir/.lock`` (`storage.outputs.folder_lock`) is held while a driver works on the folder.
"""

from __future__ import annotations

import contextlib
import logging
import os
import pickle
import sys
import time
from collections import deque
from collections.abc import Callable, Iterable
from concurrent.futures import FIRST_COMPLETED, BrokenExecutor, Executor, Future, wait
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from experiments.run_folder import (
    FAILED_DIR,
    RUNS_DIR,
    check_run_files,
    check_run_ids,
    completed_run_ids,
    remove_stale_temporaries,
    run_file_bytes,
    save_failure,
    save_run,
)
from experiments.run_task import RunFn, RunTask, error_line
from experiments.worker_pool import (
    SETTLE_SECONDS,
    WorkerPool,
    checked_executor,
    function_name,
    stop_executor,
    worker_count,
)
from model.errors import UserError
from storage.outputs import folder_lock

__all__ = ["ExecutionReport", "WorkerDied", "execute", "run_one"]

log = logging.getLogger(__name__)


@dataclass
class ExecutionReport:
    """What one `execute` call did. Holds run ids only, never results."""

    out_dir: Path
    total: int
    skipped: int = 0
    completed: list[str] = field(default_factory=list)
    failed: dict[str, str] = field(default_factory=dict)
    retried: int = 0
    pool_rebuilds: int = 0
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        """True when no run is recorded as failed."""
        return not self.failed


class WorkerDied(Exception):
    """A run's worker process died under it (crash, out of memory, signal), breaking the pool."""


def run_one(run_fn: RunFn, task: RunTask) -> bytes:
    """Worker entry point: run one task and return its run file's bytes (`run_file_bytes`: Parquet, with ``run_id``)."""
    import pandas as pd

    frame = run_fn(task)
    if not isinstance(frame, pd.DataFrame):
        raise TypeError(f"run function {function_name(run_fn)} returned {type(frame).__name__}, not a DataFrame")
    return run_file_bytes(frame, task.run_id)


def execute(
    tasks: Iterable[RunTask],
    run_fn: RunFn,
    out_dir: str | os.PathLike[str],
    executor_factory: Callable[[], Executor],
    *,
    resume: bool,
    retries: int = 1,
    progress: bool = True,
    max_in_flight: int | None = None,
    locked: bool = False,
    fingerprint: Callable[[RunTask], str] | None = None,
) -> ExecutionReport:
    """Run every task through executors made by ``executor_factory``; each finished run lands on disk at once.

    - ``resume=False`` refuses a folder that already holds runs (`UserError`, nothing touched);
      ``resume=True`` skips run ids already in ``out_dir/runs``, after checking their files
      (`check_run_files`): a damaged file is run again; with ``fingerprint`` (what the run function
      stores in ``frame.attrs[FINGERPRINT_ATTR]``) a file made by a different task is refused, naming it.
    - A run that raises is retried ``retries`` times, then recorded in ``out_dir/failed`` and the
      sweep goes on. A broken local pool (a worker killed) is shut down, rebuilt with
      ``executor_factory`` and what was in flight is resubmitted; a run that keeps breaking pools is
      isolated (run alone) and then charged like a run that raised.
    - At most ``max_in_flight`` runs are submitted at a time (default: 2 x workers).
    - ``locked=True``: the caller already holds `folder_lock` on ``out_dir``.
    """
    started = time.monotonic()
    out = Path(out_dir)
    all_tasks = list(tasks)
    check_run_ids(all_tasks)
    if retries < 0:
        raise ValueError("retries must be >= 0")
    try:
        pickle.dumps(run_fn)
    except Exception as exc:
        raise TypeError(
            f"run function must be an importable module-level function (no lambdas): {exc}"
        ) from None

    done_before = completed_run_ids(out)
    if not resume and (done_before or any((out / FAILED_DIR).glob("*.json"))):
        raise UserError(
            f"{out}: already holds runs; use --resume to continue it, or choose another output folder"
        )
    damaged, foreign = check_run_files(out, all_tasks, fingerprint) if done_before else ({}, [])
    if foreign:
        raise UserError(
            f"{out / RUNS_DIR / (foreign[0] + '.parquet')}: made by a different run than this folder's "
            f"{foreign[0]} ({len(foreign)} such file(s)): another design wrote here; nothing changed. "
            "Delete those files to run them again, or use a new folder"
        )
    for run_id, reason in damaged.items():
        print(f"note: {out / RUNS_DIR / (run_id + '.parquet')} is damaged ({reason}); running it again",
              file=sys.stderr)
    done_before -= set(damaged)
    todo = [t for t in all_tasks if t.run_id not in done_before]
    report = ExecutionReport(out_dir=out, total=len(all_tasks), skipped=len(all_tasks) - len(todo))
    if not todo:
        report.seconds = time.monotonic() - started
        return report

    # Built first: a bad executor (e.g. unreachable scheduler) raises before anything is written.
    pool = [checked_executor(executor_factory(), run_fn)]
    graceful = False
    try:
        (out / RUNS_DIR).mkdir(parents=True, exist_ok=True)
        (out / FAILED_DIR).mkdir(parents=True, exist_ok=True)
        with contextlib.nullcontext() if locked else folder_lock(out):
            remove_stale_temporaries(out)
            for run_id in damaged:  # not left to pass for a finished run if its new attempt fails
                with contextlib.suppress(FileNotFoundError):
                    (out / RUNS_DIR / f"{run_id}.parquet").unlink()
            _drive(todo, run_fn, out, pool, executor_factory, report, retries, progress, max_in_flight)
        graceful = True
    finally:
        if not (graceful and isinstance(executor_factory, WorkerPool)):  # a WorkerPool stays up
            stop_executor(pool[0], graceful)
    report.seconds = time.monotonic() - started
    return report


class _NoProgressBar:
    """What `_drive` calls on a progress bar, doing nothing (``progress=False``). A disabled tqdm bar would
    still make tqdm's inter-process lock, and with Mesa's "spawn" default start method that starts
    multiprocessing's resource tracker, a Python process of its own (~0.06 CPU-s)."""

    def update(self, n: int = 1) -> None:
        """Nothing."""

    def set_postfix(self, **kwargs: Any) -> None:
        """Nothing."""

    def write(self, message: str, file: Any = None) -> None:
        """Nothing (`_drive` logs its messages when there is no bar)."""

    def close(self) -> None:
        """Nothing."""


def _progress_bar(report: ExecutionReport) -> Any:
    """The runs' progress bar on stderr (tqdm), starting at the runs already done."""
    from tqdm import tqdm

    bar = tqdm(total=report.total, initial=report.skipped, unit="run", dynamic_ncols=True, file=sys.stderr,
               desc="runs", mininterval=0.5)
    bar.set_postfix(failed=0, refresh=False)
    return bar


def _drive(
    todo: list[RunTask],
    run_fn: RunFn,
    out: Path,
    pool: list[Executor],
    executor_factory: Callable[[], Executor],
    report: ExecutionReport,
    retries: int,
    progress: bool,
    max_in_flight: int | None,
) -> None:
    """The submit/wait loop. ``pool[0]`` is the executor in use; it is replaced when it breaks."""
    queue: deque[RunTask] = deque(todo)
    attempts: dict[str, int] = {}  # attempts charged (raised, or broke a pool while alone)
    breaks: dict[str, int] = {}  # times in flight, among others, when a pool broke
    inflight: dict[Future, RunTask] = {}

    bar = _progress_bar(report) if progress else _NoProgressBar()

    def say(message: str) -> None:
        if progress:
            bar.write(message, file=sys.stderr)
        else:
            log.warning(message)

    def finish_ok(task: RunTask, data: bytes) -> None:
        save_run(out, task.run_id, data)
        report.completed.append(task.run_id)
        bar.update(1)

    def charge(task: RunTask, exc: BaseException) -> bool:
        """Count a failed attempt; record the run as failed when out of retries. True if requeue."""
        n = attempts[task.run_id] = attempts.get(task.run_id, 0) + 1
        if n <= retries:
            report.retried += 1
            return True
        save_failure(out, task, n, exc)
        report.failed[task.run_id] = error_line(exc)
        say(f"run {task.run_id} failed after {n} attempt(s): {error_line(exc)}")
        bar.update(1)
        bar.set_postfix(failed=len(report.failed))
        return False

    def suspect(task: RunTask) -> bool:
        return breaks.get(task.run_id, 0) >= 2

    try:
        while queue or inflight:
            broken = False
            window = max_in_flight or max(2, 2 * worker_count(pool[0]))
            # Refill. A suspect (broke pools twice in company) runs alone, to pin down the culprit.
            while queue and len(inflight) < window:
                if any(suspect(t) for t in inflight.values()) or (suspect(queue[0]) and inflight):
                    break
                task = queue[0]
                try:
                    fut = pool[0].submit(run_one, run_fn, task)
                except BrokenExecutor:
                    broken = True
                    break
                queue.popleft()
                inflight[fut] = task

            if not broken and inflight:
                finished, _ = wait(list(inflight), return_when=FIRST_COMPLETED)
                for fut in finished:
                    if fut.cancelled() or isinstance(fut.exception(), BrokenExecutor):
                        broken = True  # settled below with the rest of this executor's runs
                        continue
                    task = inflight.pop(fut)
                    exc = fut.exception()
                    if exc is None:
                        finish_ok(task, fut.result())
                    elif charge(task, exc):
                        queue.appendleft(task)

            if broken:
                wait(list(inflight), timeout=SETTLE_SECONDS)
                lost: list[RunTask] = []  # in flight when the executor broke
                again: list[RunTask] = []  # raised on their own; retried
                for fut, task in inflight.items():
                    if fut.done() and not fut.cancelled():
                        exc = fut.exception()
                        if exc is None:
                            finish_ok(task, fut.result())
                            continue
                        if not isinstance(exc, BrokenExecutor):
                            if charge(task, exc):
                                again.append(task)
                            continue
                    lost.append(task)
                inflight.clear()
                say(f"worker pool broke with {len(lost)} run(s) in flight; rebuilding it")
                if len(lost) == 1:  # alone in flight: it broke the pool
                    task = lost[0]
                    lost = (
                        [task]
                        if charge(
                            task,
                            WorkerDied(
                                f"the worker process running {task.run_id} died (crash, out of memory or a signal)"
                            ),
                        )
                        else []
                    )
                else:
                    for task in lost:
                        breaks[task.run_id] = breaks.get(task.run_id, 0) + 1
                queue.extendleft(reversed(lost + again))
                pool[0].shutdown(wait=False, cancel_futures=True)
                pool[0] = checked_executor(executor_factory(), run_fn)
                report.pool_rebuilds += 1
    finally:
        bar.close()
