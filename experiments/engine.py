"""Run engine: execute many independent runs through one `concurrent.futures.Executor` code path.

Model-independent: a run is a `RunTask` handed to a module-level *run function* that returns a small
pandas DataFrame. The same code drives a local `ProcessPoolExecutor` and a Dask cluster
(`Client(address).get_executor()`), so results do not depend on the engine or the number of workers.

Durability contract (``out_dir``):

- ``runs/<run_id>.parquet``: one file per finished run, written under a temporary name in the same
  folder, then ``os.replace``d, so a file either exists whole or not at all. A run's file is the run
  function's frame with a leading ``run_id`` column (the index is dropped).
- ``failed/<run_id>.json``: a run that raised on every attempt (JSON: task, attempts, error,
  traceback), written the same way. Removed again if a later ``resume`` completes the run.
- ``.lock``: ``flock``-ed while a driver works on the folder (released by the kernel, even on kill -9).

The worker serialises the frame to Parquet bytes; the driver writes the bytes and keeps only run ids,
so it never holds the results of more than the runs in flight, and no shared file system is needed.

Run functions must be importable module-level functions (Dask pickles functions by reference, and so
does a spawned local pool), and a run function that builds a Mesa model **must call**
`release_model(model)` before returning, or a worker leaks every model it ever ran.

Start-up cost: a local pool imports the model (`PRELOAD`) once, in the driver, and forks its workers
from it (Linux), so a worker starts in milliseconds with the model loaded; where fork is not available
workers are spawned and import `PRELOAD` in their initializer, at start rather than on their first
task. A `WorkerPool` keeps one pool up across many `execute` calls (or `WorkerPool.map`), e.g. a
calibration's generations, so even that is paid once.
"""

from __future__ import annotations

import contextlib
import functools
import gc
import importlib
import io
import json
import logging
import multiprocessing
import os
import pickle
import re
import sys
import threading
import time
import traceback
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, BrokenExecutor, Executor, Future, ProcessPoolExecutor, wait
from concurrent.futures import TimeoutError as _CFTimeoutError
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from model.errors import UserError, require_extra
from storage.outputs import atomic_write, folder_lock

if TYPE_CHECKING:  # pandas is imported where frames are made or read: the driver's start stays light
    import pandas as pd

__all__ = [
    "RunTask",
    "RunFn",
    "ExecutionReport",
    "DaskExecutor",
    "WorkerPool",
    "PRELOAD",
    "preload_modules",
    "execute",
    "make_executor",
    "release_model",
    "collect",
    "iter_runs",
    "completed_run_ids",
    "FINGERPRINT_ATTR",
    "run_file_fingerprint",
    "check_run_files",
    "RUNS_DIR",
    "FAILED_DIR",
]

log = logging.getLogger(__name__)

RUNS_DIR = "runs"
FAILED_DIR = "failed"
#: `frame.attrs` key under which a run function may store a fingerprint of its task (kept in the run
#: file's Parquet metadata by pandas); `execute(..., fingerprint=f)` checks it on resume.
FINGERPRINT_ATTR = "task_fingerprint"
_RUN_ID_RE = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9._-]{0,199}$")
_SETTLE_S = 30.0  # how long to let a broken pool fail its remaining futures
_DASK_CONNECT_TIMEOUT = "5s"
#: Modules a local pool loads before its workers start (the model and what a run's result file needs:
#: pandas' Parquet writer imports pyarrow.pandas_compat on first use, in every worker).
PRELOAD: tuple[str, ...] = ("model.model", "experiments.one_run", "pyarrow.parquet", "pyarrow.pandas_compat")


@dataclass
class RunTask:
    """One run: scenario name, seed, number of weeks and parameter overrides. Small and picklable."""

    run_id: str
    scenario: str
    seed: int
    weeks: int
    overrides: dict[str, object] = field(default_factory=dict)


RunFn = Callable[[RunTask], "pd.DataFrame"]


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


# --------------------------------------------------------------------------- worker side


def release_model(model: object) -> None:
    """Drop Mesa 3.3.1's class-level reference to ``model`` (``Agent._ids[model]``) so it can be freed.

    Every run function that creates a Mesa model must call this once the model is no longer needed
    (typically in a ``finally``), otherwise each worker keeps every model it ever ran alive.
    """
    from mesa.agent import Agent  # lazy: the driver need not import mesa

    Agent._ids.pop(model, None)


def _run_one(run_fn: RunFn, task: RunTask) -> bytes:
    """Worker entry point: run one task and return its frame as Parquet bytes (with ``run_id``)."""
    import pandas as pd

    frame = run_fn(task)
    if not isinstance(frame, pd.DataFrame):
        raise TypeError(f"run function {_fn_name(run_fn)} returned {type(frame).__name__}, not a DataFrame")
    frame = frame.reset_index(drop=True)
    if "run_id" in frame.columns:
        frame = frame.drop(columns="run_id")
    frame.insert(0, "run_id", task.run_id)
    buf = io.BytesIO()
    frame.to_parquet(buf, index=False)  # pandas keeps frame.attrs in the file's metadata (PANDAS_ATTRS)
    return buf.getvalue()


def _fn_name(run_fn: RunFn) -> str:
    """``module.qualname`` of a run function, or of the function a ``functools.partial`` wraps."""
    fn = getattr(run_fn, "func", run_fn)
    return f"{getattr(fn, '__module__', '?')}.{getattr(fn, '__qualname__', type(fn).__name__)}"


def _probe(run_fn: RunFn) -> int:
    """Worker-side check that a worker starts and can load ``run_fn`` (unpickling imports its module)."""
    return os.getpid()


def _exit_with_parent(parent_pid: int) -> None:
    """End this worker when its driver dies (e.g. kill -9), instead of lingering."""

    def watch() -> None:
        while True:
            if os.getppid() != parent_pid:
                os._exit(1)
            time.sleep(1.0)

    threading.Thread(target=watch, name="cogov-parent-watch", daemon=True).start()


def preload_modules(modules: tuple[str, ...] = PRELOAD) -> None:
    """Import ``modules`` (default: the model) with the garbage collector paused. Importing the model makes
    about a million objects that live as long as the process: collecting while they are made is wasted
    work (~10 % of the import). In a process that has not imported the model yet (a command's driver),
    they are then frozen (`gc.freeze`, after collecting what is garbage): otherwise the first collection
    after the pause walks them all (~0.03 CPU-s) and later ones again; frozen, they are never walked, in
    the driver or in workers forked from it. A process that already holds models (the app, a notebook)
    freezes nothing: a model alive then could never be collected. A call with nothing left to import
    does nothing. A driver calls this before anything else imports the model; modules that cannot be
    imported are left to fail where they are used."""
    if all(name in sys.modules for name in modules):
        return
    fresh = "model.model" not in sys.modules
    if fresh:
        gc.collect()
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        for name in modules:
            with contextlib.suppress(ImportError):
                importlib.import_module(name)
    finally:
        if fresh:
            gc.freeze()
        if was_enabled:
            gc.enable()


def _worker_start(parent_pid: int, modules: tuple[str, ...]) -> None:
    """Pool initializer: watch the driver, import `modules` now (a no-op in a forked worker, which has
    them already), so no task pays for imports, then freeze what the worker holds: the garbage collector
    then never walks (nor, in a forked worker, copies) the objects of the loaded modules."""
    _exit_with_parent(parent_pid)
    preload_modules(modules)
    gc.freeze()


# --------------------------------------------------------------------------- executors


class DaskExecutor(Executor):
    """A Dask ``Client`` seen as a `concurrent.futures.Executor`; shutting it down closes the client."""

    def __init__(self, client: Any) -> None:
        self.client = client
        # pure=False: a retried task must get a fresh key, not the cached failed result.
        self._inner = client.get_executor(pure=False)
        self._workers_at = 0.0
        self._workers = 1

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future:  # type: ignore[override]
        """Submit ``fn(*args, **kwargs)`` to the cluster."""
        return self._inner.submit(fn, *args, **kwargs)

    def worker_count(self) -> int:
        """Total worker threads on the cluster (refreshed at most every 5 s; at least 1)."""
        now = time.monotonic()
        if now - self._workers_at > 5.0:
            with contextlib.suppress(Exception):
                self._workers = max(1, sum(self.client.nthreads().values()))
            self._workers_at = now
        return self._workers

    @property
    def closed(self) -> bool:
        """True once `shutdown` was called."""
        return getattr(self, "_closed", False)

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        """Cancel (or wait for) outstanding futures, then close the client."""
        self._closed = True
        with contextlib.suppress(Exception):
            self._inner.shutdown(wait=wait and not cancel_futures)
        with contextlib.suppress(Exception):
            self.client.close()


def _start_method() -> str:
    """"fork" where available (workers inherit the driver's imports), else "spawn"; the environment
    variable COGOV_START_METHOD (fork, spawn, forkserver) overrides it."""
    methods = multiprocessing.get_all_start_methods()
    wanted = os.environ.get("COGOV_START_METHOD", "").strip()
    if wanted:
        if wanted not in methods:
            raise UserError(f"COGOV_START_METHOD={wanted!r}: expected one of {', '.join(methods)}")
        return wanted
    return "fork" if "fork" in methods else "spawn"


def make_executor(
    jobs: int | None = None,
    scheduler: str | None = None,
    *,
    preload: tuple[str, ...] = PRELOAD,
    start_method: str | None = None,
) -> Executor:
    """Local process pool with ``jobs`` workers (default: all cores), or Dask at ``scheduler``.

    ``scheduler`` is ``tcp://HOST:PORT`` (or ``tls://...``) of a running ``dask scheduler``; an
    unreachable one raises `UserError` after a short timeout. ``jobs`` is ignored with a scheduler.
    A local pool imports ``preload`` before its workers start: with ``start_method`` "fork" (the
    default where available) in the driver, once, and workers inherit it; with "spawn" in each worker's
    initializer.
    """
    if scheduler is not None:
        if not re.match(r"^(tcp|tls)://[^\s/]+:\d+$", scheduler):
            raise UserError(
                f"--scheduler {scheduler!r}: expected tcp://HOST:PORT of a running dask scheduler"
            )
        require_extra("distributed", "cluster", "--scheduler (a Dask cluster)")
        from distributed import Client
        try:
            client = Client(scheduler, timeout=_DASK_CONNECT_TIMEOUT, set_as_default=False)
        except (OSError, _CFTimeoutError, TimeoutError) as exc:
            raise UserError(f"--scheduler {scheduler}: cannot reach the Dask scheduler ({exc})") from None
        return DaskExecutor(client)
    if jobs is not None and jobs < 1:
        raise UserError(f"--jobs {jobs}: expected a whole number of worker processes, 1 or more")
    method = start_method or _start_method()
    if method == "fork":
        preload_modules(preload)  # once, here; forked workers inherit the loaded modules
    elif method == "forkserver":
        multiprocessing.get_context("forkserver").set_forkserver_preload(list(preload))
    return ProcessPoolExecutor(
        max_workers=jobs or os.cpu_count() or 1,
        mp_context=multiprocessing.get_context(method),
        initializer=_worker_start,
        initargs=(os.getpid(), tuple(preload)),
    )


def _is_closed(executor: Executor) -> bool:
    """True when `executor` was shut down or is broken (a local pool whose worker died)."""
    if isinstance(executor, ProcessPoolExecutor):
        return bool(getattr(executor, "_broken", False) or getattr(executor, "_shutdown_thread", False))
    return bool(getattr(executor, "closed", False))


class WorkerPool:
    """Workers that stay up across many `execute` calls and `map`s, so a calibration's generations
    (or any series of batches) start workers and import the model once.

    >>> with WorkerPool(jobs=2) as pool:                                    # doctest: +SKIP
    ...     for generation in range(10):
    ...         execute(tasks_of(generation), run_fn, folder_of(generation), pool, resume=True)
    ...         frames = pool.map(summarise, items_of(generation))        # in-memory, input order

    Pass the pool where `execute` takes an executor factory: `execute` then leaves it running (a
    broken pool is rebuilt as usual; after an error or Ctrl-C its workers are stopped and the next
    use starts new ones). ``jobs`` / ``scheduler`` as in `make_executor`; `check` starts it and
    verifies that a worker can load a run function (`UserError` if not), before anything is written.
    """

    def __init__(self, jobs: int | None = None, scheduler: str | None = None, *, preload: tuple[str, ...] = PRELOAD,
                 start_method: str | None = None) -> None:
        self._make = functools.partial(make_executor, jobs, scheduler, preload=preload, start_method=start_method)
        self._executor: Executor | None = None
        self.starts = 0  # executors started (1 + rebuilds)

    def __call__(self) -> Executor:
        """The running executor; a new one if none runs or the last one broke or was shut down."""
        if self._executor is None or _is_closed(self._executor):
            if self._executor is not None:
                _stop(self._executor, graceful=False)
            self._executor = self._make()
            self.starts += 1
        return self._executor

    def check(self, run_fn: RunFn) -> WorkerPool:
        """Start the workers (if needed) and verify that one can load ``run_fn``; returns the pool."""
        self._executor = _checked(self(), run_fn)
        return self

    def workers(self) -> int:
        """Number of workers (worker threads on a Dask cluster)."""
        return _worker_count(self())

    def map(self, fn: Callable[[Any], Any], items: Iterable[Any], *, retries: int = 0,
            on_done: Callable[[int], None] | None = None, max_in_flight: int | None = None) -> list[Any]:
        """``[fn(item) for item in items]`` computed on the workers; results in the order of ``items``,
        whatever the number of workers or the order calls finish in. ``fn`` must be a module-level function.

        A call that raises is run again up to ``retries`` times (a `UserError`, bad input, is not); then
        its exception is raised after cancelling what has not started. A dead worker breaks the pool:
        with ``retries`` the pool is rebuilt and the calls in flight run again (each charged an attempt),
        without, `BrokenExecutor` is raised (and the next use starts new workers). ``on_done(i)`` is
        called as call ``i`` finishes."""
        return self._map(fn, [(item,) for item in items], retries, on_done, max_in_flight)[0]

    def starmap(self, fn: Callable[..., Any], calls: Iterable[tuple[Any, ...]], *, retries: int = 0,
                on_done: Callable[[int], None] | None = None, max_in_flight: int | None = None) -> list[Any]:
        """`map` for functions of several arguments: ``[fn(*args) for args in calls]``."""
        return self._map(fn, [tuple(args) for args in calls], retries, on_done, max_in_flight)[0]

    def starmap_until(self, fn: Callable[..., Any], calls: Iterable[tuple[Any, ...]],
                      until: Callable[[int, Any], bool], *, lookahead: int, retries: int = 0,
                      on_done: Callable[[int], None] | None = None) -> tuple[list[Any], int]:
        """`starmap` that ends at the first call, in input order, for which ``until(i, result)`` is true;
        returns the results up to and including that call, and how many calls were *handed out*.

        ``until`` sees the results in input order (call i once calls 0..i have finished). Call i is handed
        to the workers only when every call up to i − ``lookahead`` has finished and none of them ended the
        map. So if call j ends it, exactly the calls before j + ``lookahead`` were handed out, whatever the
        number of workers, the engine or the order calls finish in: the second value, min(len(calls),
        j + lookahead), depends on the results only (a caller can count those calls against a budget and
        stay reproducible). Calls handed out after j are cancelled where they have not started (a local
        pool or Dask), and the results of those that ran are dropped. At most ``lookahead`` calls are in
        flight at once (and never more than `map`'s window): a cluster of W workers wants ``lookahead``
        ≥ 2 W. Without an ending call every call runs and the second value is len(calls)."""
        if lookahead < 1:
            raise ValueError("lookahead must be >= 1")
        return self._map(fn, [tuple(args) for args in calls], retries, on_done, None, until, lookahead)

    def _map(self, fn: Callable[..., Any], calls: list[tuple[Any, ...]], retries: int,
             on_done: Callable[[int], None] | None, max_in_flight: int | None,
             until: Callable[[int, Any], bool] | None = None, lookahead: int | None = None
             ) -> tuple[list[Any], int]:
        if retries < 0:
            raise ValueError("retries must be >= 0")
        n = len(calls)
        todo = list(range(n))
        todo.reverse()  # popped from the end: submitted in input order
        results: list[Any] = [None] * n
        attempts = [0] * n
        inflight: dict[Future, int] = {}
        complete = [False] * n
        judged = 0  # calls 0..judged-1 have finished and been passed to `until`, in input order
        ended: int | None = None  # the call for which `until` was true

        def limit() -> int:
            """Calls with a smaller index may be handed out now."""
            return n if lookahead is None else min(n, judged + lookahead)

        def settle(i: int, result: Any) -> None:
            nonlocal judged, ended
            results[i], complete[i] = result, True
            if on_done is not None:
                on_done(i)
            while until is not None and ended is None and judged < n and complete[judged]:
                if until(judged, results[judged]):
                    ended = judged
                judged += 1

        def charge(i: int, exc: BaseException) -> None:
            if ended is not None and i > ended:
                return  # past the end of a `starmap_until`: its result is not wanted
            attempts[i] += 1
            if attempts[i] > retries or isinstance(exc, UserError):
                raise exc
            todo.append(i)  # next to be submitted again

        try:
            while (todo or inflight) and ended is None:
                executor = self()
                window = max_in_flight or max(2, 2 * _worker_count(executor))
                broken = False
                while todo and len(inflight) < window and todo[-1] < limit():
                    i = todo.pop()
                    try:
                        inflight[executor.submit(fn, *calls[i])] = i
                    except BrokenExecutor as exc:
                        todo.append(i)
                        broken_by: BaseException = exc
                        broken = True
                        break
                if not broken:
                    finished, _ = wait(list(inflight), return_when=FIRST_COMPLETED)
                    for fut in finished:
                        exc = None if fut.cancelled() else fut.exception()
                        if fut.cancelled() or isinstance(exc, BrokenExecutor):
                            broken_by, broken = exc or BrokenExecutor("worker pool shut down"), True
                            continue
                        i = inflight.pop(fut)
                        if exc is not None:
                            charge(i, exc)
                            continue
                        settle(i, fut.result())
                if broken:  # a worker died: what was in flight with it runs again on new workers
                    wait(list(inflight), timeout=_SETTLE_S)
                    settled = list(inflight.items())
                    inflight.clear()
                    lost: list[int] = []
                    for fut, i in settled:
                        exc = None if fut.cancelled() or not fut.done() else fut.exception()
                        if fut.done() and not fut.cancelled() and exc is None:
                            settle(i, fut.result())
                        elif exc is not None and not isinstance(exc, BrokenExecutor):
                            charge(i, exc)  # raised on its own
                        else:
                            lost.append(i)
                    for i in sorted(lost, reverse=True):
                        charge(i, broken_by)
                    if self._executor is not None:
                        _stop(self._executor, graceful=False)
                        self._executor = None
        except BaseException:
            for fut in inflight:
                fut.cancel()
            raise
        if ended is None:
            return results, n
        for fut in inflight:  # handed out past the end: not started ones are cancelled, the others' results dropped
            fut.cancel()
        return results[: ended + 1], min(n, ended + (lookahead or n))

    def close(self, graceful: bool = True) -> None:
        """Stop the workers, waiting for what runs (``graceful=False``: end local workers at once, e.g.
        after an error or Ctrl-C). The pool may be used again: it starts anew."""
        if self._executor is not None:
            executor, self._executor = self._executor, None
            _stop(executor, graceful)

    def __enter__(self) -> WorkerPool:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close(graceful=exc[0] is None)


def _stop(executor: Executor, graceful: bool) -> None:
    """Shut an executor down; when not graceful (error, Ctrl-C) also end local workers mid-run."""
    if graceful:
        executor.shutdown(wait=True)
        return
    if isinstance(executor, ProcessPoolExecutor):
        for proc in list((getattr(executor, "_processes", None) or {}).values()):
            with contextlib.suppress(Exception):
                proc.terminate()
    executor.shutdown(wait=False, cancel_futures=True)


def _checked(executor: Executor, run_fn: RunFn) -> Executor:
    """Return ``executor`` once one of its workers has loaded ``run_fn``; fail fast with a clear error if none can."""
    try:
        executor.submit(_probe, run_fn).result()
    except BrokenExecutor:
        _stop(executor, graceful=False)
        raise RuntimeError(
            "local worker processes died before running anything: a fresh interpreter could not start or load "
            f"the run function {_fn_name(run_fn)} (see the worker's error above)"
        ) from None
    except Exception as exc:
        _stop(executor, graceful=False)
        where = "Dask workers" if isinstance(executor, DaskExecutor) else "worker processes"
        raise UserError(
            f"{where} cannot load the run function {_fn_name(run_fn)} ({_error_line(exc)}); "
            "start them where the project is importable (working folder or PYTHONPATH)"
        ) from None
    return executor


def _worker_count(executor: Executor) -> int:
    counter = getattr(executor, "worker_count", None)
    if callable(counter):
        return int(counter())
    if isinstance(executor, ProcessPoolExecutor):
        return int(executor._max_workers)  # no public accessor
    return os.cpu_count() or 1


# --------------------------------------------------------------------------- files


def _atomic_write(path: Path, data: bytes) -> None:
    """Write ``data`` through ``storage.outputs.atomic_write`` (temporary name, fsync, rename)."""
    atomic_write(path, lambda tmp: tmp.write_bytes(data))


def completed_run_ids(out_dir: str | os.PathLike[str]) -> set[str]:
    """Run ids that have a finished file in ``out_dir/runs``."""
    runs = Path(out_dir) / RUNS_DIR
    if not runs.is_dir():
        return set()
    return {p.name[: -len(".parquet")] for p in runs.glob("*.parquet") if not p.name.startswith(".")}


def run_file_fingerprint(path: str | os.PathLike[str]) -> str | None:
    """The task fingerprint stored in a run file (None if it has none); raises if the file is damaged."""
    import pyarrow.parquet as pq

    meta = pq.read_metadata(path).metadata or {}
    attrs = meta.get(b"PANDAS_ATTRS")
    if not attrs:
        return None
    value = json.loads(attrs).get(FINGERPRINT_ATTR)
    return value if isinstance(value, str) else None


def check_run_files(
    out_dir: str | os.PathLike[str], tasks: Iterable[RunTask], fingerprint: Callable[[RunTask], str] | None = None
) -> tuple[dict[str, str], list[str]]:
    """Check the finished run files of ``tasks`` in ``out_dir/runs``: ``(damaged, foreign)``.

    ``damaged`` maps run ids whose file cannot be read as Parquet to the reason (they should be run
    again). With ``fingerprint``, ``foreign`` lists run ids whose file holds another fingerprint, or
    none (made by a different run, e.g. another sweep written into the same folder).
    """
    runs = Path(out_dir) / RUNS_DIR
    done = completed_run_ids(out_dir)
    damaged: dict[str, str] = {}
    foreign: list[str] = []
    for task in tasks:
        if task.run_id not in done:
            continue
        try:
            stored = run_file_fingerprint(runs / f"{task.run_id}.parquet")
        except (OSError, ValueError) as exc:  # pyarrow's ArrowInvalid is a ValueError
            damaged[task.run_id] = _error_line(exc)
            continue
        if fingerprint is not None and stored != fingerprint(task):
            foreign.append(task.run_id)
    return damaged, foreign


def iter_runs(
    out_dir: str | os.PathLike[str], columns: list[str] | None = None
) -> Iterator[tuple[str, pd.DataFrame]]:
    """Yield ``(run_id, frame)`` for every finished run, sorted by run id, one file at a time."""
    import pandas as pd

    runs = Path(out_dir) / RUNS_DIR
    for run_id in sorted(completed_run_ids(out_dir)):
        yield run_id, pd.read_parquet(runs / f"{run_id}.parquet", columns=columns)


def collect(out_dir: str | os.PathLike[str], columns: list[str] | None = None) -> pd.DataFrame:
    """All finished runs in one frame, in run-id order (deterministic whatever engine produced them)."""
    import pandas as pd

    frames = [frame for _, frame in iter_runs(out_dir, columns)]
    if not frames:
        return pd.DataFrame()
    return pd.concat(frames, ignore_index=True)


def _remove_stale_temporaries(out_dir: Path) -> None:
    for sub in (RUNS_DIR, FAILED_DIR):
        for tmp in (out_dir / sub).glob(".*.tmp"):
            with contextlib.suppress(OSError):
                tmp.unlink()


def _failure_record(task: RunTask, attempts: int, exc: BaseException) -> bytes:
    record = {
        "run_id": task.run_id,
        "task": asdict(task),
        "attempts": attempts,
        "error": _error_line(exc),
        "traceback": "".join(traceback.format_exception(exc)),
    }
    return json.dumps(record, indent=2, ensure_ascii=False, default=repr).encode()


def _error_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {text[0]}" if text else type(exc).__name__


class WorkerDied(Exception):
    """A run's worker process died under it (crash, out of memory, signal), breaking the pool."""


# --------------------------------------------------------------------------- driver


def _check_tasks(tasks: list[RunTask]) -> None:
    seen: set[str] = set()
    for task in tasks:
        if not isinstance(task, RunTask):
            raise TypeError(f"expected RunTask, got {type(task).__name__}")
        if not _RUN_ID_RE.match(task.run_id):
            raise ValueError(
                f"run_id {task.run_id!r} is not a safe file name ([A-Za-z0-9._-], not starting with '.')"
            )
        if task.run_id in seen:
            raise ValueError(f"run_id {task.run_id!r} appears twice")
        seen.add(task.run_id)


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
    _check_tasks(all_tasks)
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
    pool = [_checked(executor_factory(), run_fn)]
    graceful = False
    try:
        (out / RUNS_DIR).mkdir(parents=True, exist_ok=True)
        (out / FAILED_DIR).mkdir(parents=True, exist_ok=True)
        with contextlib.nullcontext() if locked else folder_lock(out):
            _remove_stale_temporaries(out)
            for run_id in damaged:  # not left to pass for a finished run if its new attempt fails
                with contextlib.suppress(FileNotFoundError):
                    (out / RUNS_DIR / f"{run_id}.parquet").unlink()
            _drive(todo, run_fn, out, pool, executor_factory, report, retries, progress, max_in_flight)
        graceful = True
    finally:
        if not (graceful and isinstance(executor_factory, WorkerPool)):  # a WorkerPool stays up
            _stop(pool[0], graceful)
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
    runs_dir, failed_dir = out / RUNS_DIR, out / FAILED_DIR
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
        _atomic_write(runs_dir / f"{task.run_id}.parquet", data)
        with contextlib.suppress(FileNotFoundError):
            (failed_dir / f"{task.run_id}.json").unlink()
        report.completed.append(task.run_id)
        bar.update(1)

    def charge(task: RunTask, exc: BaseException) -> bool:
        """Count a failed attempt; record the run as failed when out of retries. True if requeue."""
        n = attempts[task.run_id] = attempts.get(task.run_id, 0) + 1
        if n <= retries:
            report.retried += 1
            return True
        _atomic_write(failed_dir / f"{task.run_id}.json", _failure_record(task, n, exc))
        report.failed[task.run_id] = _error_line(exc)
        say(f"run {task.run_id} failed after {n} attempt(s): {_error_line(exc)}")
        bar.update(1)
        bar.set_postfix(failed=len(report.failed))
        return False

    def suspect(task: RunTask) -> bool:
        return breaks.get(task.run_id, 0) >= 2

    try:
        while queue or inflight:
            broken = False
            window = max_in_flight or max(2, 2 * _worker_count(pool[0]))
            # Refill. A suspect (broke pools twice in company) runs alone, to pin down the culprit.
            while queue and len(inflight) < window:
                if any(suspect(t) for t in inflight.values()) or (suspect(queue[0]) and inflight):
                    break
                task = queue[0]
                try:
                    fut = pool[0].submit(_run_one, run_fn, task)
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
                wait(list(inflight), timeout=_SETTLE_S)
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
                pool[0] = _checked(executor_factory(), run_fn)
                report.pool_rebuilds += 1
    finally:
        bar.close()
