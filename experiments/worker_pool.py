"""Where runs are computed: a local process pool or a Dask cluster, seen through one
`concurrent.futures.Executor` code path (`make_executor`, `DaskExecutor`), and `WorkerPool`, which keeps
the workers up across many batches (`execute` calls, `map`, `starmap`, `starmap_until`), e.g. a
calibration's generations. Results never depend on the engine or the number of workers.

Start-up cost: a local pool imports the model (`PRELOAD`) once, in the driver, and forks its workers
from it (Linux), so a worker starts in milliseconds with the model loaded; where fork is not available
workers are spawned and import `PRELOAD` in their initializer, at start rather than on their first
task (`preload_modules`). Functions handed to the workers must be importable module-level functions
(Dask pickles functions by reference, and so does a spawned local pool); `checked_executor` verifies
that a worker can load one before anything is written.
"""

from __future__ import annotations

import contextlib
import functools
import gc
import importlib
import multiprocessing
import os
import re
import sys
import threading
import time
from collections.abc import Callable, Iterable
from concurrent.futures import FIRST_COMPLETED, BrokenExecutor, Executor, Future, ProcessPoolExecutor, wait
from concurrent.futures import TimeoutError as _CFTimeoutError
from typing import Any

from experiments.run_task import RunFn, error_line
from model.errors import UserError, require_extra

__all__ = [
    "PRELOAD",
    "SETTLE_SECONDS",
    "preload_modules",
    "DaskExecutor",
    "make_executor",
    "WorkerPool",
    "checked_executor",
    "stop_executor",
    "worker_count",
    "function_name",
]

SETTLE_SECONDS = 30.0  # how long to let a broken pool fail its remaining futures
_DASK_CONNECT_TIMEOUT = "5s"
#: Modules a local pool loads before its workers start (the model and what a run's result file needs:
#: pandas' Parquet writer imports pyarrow.pandas_compat on first use, in every worker).
PRELOAD: tuple[str, ...] = ("model.model", "experiments.one_run", "pyarrow.parquet", "pyarrow.pandas_compat")


def function_name(run_fn: RunFn) -> str:
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
                stop_executor(self._executor, graceful=False)
            self._executor = self._make()
            self.starts += 1
        return self._executor

    def check(self, run_fn: RunFn) -> WorkerPool:
        """Start the workers (if needed) and verify that one can load ``run_fn``; returns the pool."""
        self._executor = checked_executor(self(), run_fn)
        return self

    def workers(self) -> int:
        """Number of workers (worker threads on a Dask cluster)."""
        return worker_count(self())

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
                window = max_in_flight or max(2, 2 * worker_count(executor))
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
                    wait(list(inflight), timeout=SETTLE_SECONDS)
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
                        stop_executor(self._executor, graceful=False)
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
            stop_executor(executor, graceful)

    def __enter__(self) -> WorkerPool:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close(graceful=exc[0] is None)


def stop_executor(executor: Executor, graceful: bool) -> None:
    """Shut an executor down; when not graceful (error, Ctrl-C) also end local workers mid-run."""
    if graceful:
        executor.shutdown(wait=True)
        return
    if isinstance(executor, ProcessPoolExecutor):
        for proc in list((getattr(executor, "_processes", None) or {}).values()):
            with contextlib.suppress(Exception):
                proc.terminate()
    executor.shutdown(wait=False, cancel_futures=True)


def checked_executor(executor: Executor, run_fn: RunFn) -> Executor:
    """Return ``executor`` once one of its workers has loaded ``run_fn``; fail fast with a clear error if none can."""
    try:
        executor.submit(_probe, run_fn).result()
    except BrokenExecutor:
        stop_executor(executor, graceful=False)
        raise RuntimeError(
            "local worker processes died before running anything: a fresh interpreter could not start or load "
            f"the run function {function_name(run_fn)} (see the worker's error above)"
        ) from None
    except Exception as exc:
        stop_executor(executor, graceful=False)
        where = "Dask workers" if isinstance(executor, DaskExecutor) else "worker processes"
        raise UserError(
            f"{where} cannot load the run function {function_name(run_fn)} ({error_line(exc)}); "
            "start them where the project is importable (working folder or PYTHONPATH)"
        ) from None
    return executor


def worker_count(executor: Executor) -> int:
    counter = getattr(executor, "worker_count", None)
    if callable(counter):
        return int(counter())
    if isinstance(executor, ProcessPoolExecutor):
        return int(executor._max_workers)  # no public accessor
    return os.cpu_count() or 1
