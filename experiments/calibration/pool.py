"""Batches of model runs through the project's Executor path (local spawn pool or Dask), results in order.

`experiments.engine.make_executor` builds the executor and `engine._checked` makes sure a worker can load
the run function, exactly as sweeps do. A run that raises is retried once; a broken local pool (a worker
killed) is rebuilt and what was in flight is resubmitted. Results come back in submission order whatever
order they finish in, so the caller's result never depends on the number or speed of workers.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Sequence
from concurrent.futures import FIRST_COMPLETED, BrokenExecutor, Executor, Future, wait
from typing import Any

from experiments import engine
from model.errors import UserError

__all__ = ["RunPool", "RunFailed"]


class RunFailed(RuntimeError):
    """A model run raised on every attempt."""


class RunPool:
    """A long-lived executor for many batches (started once, rebuilt if it breaks)."""

    def __init__(self, jobs: int | None, scheduler: str | None, probe_fn: Callable[..., Any],
                 retries: int = 1) -> None:
        self.jobs, self.scheduler, self.probe_fn, self.retries = jobs, scheduler, probe_fn, retries
        self.executor: Executor = engine._checked(engine.make_executor(jobs, scheduler), probe_fn)
        self.rebuilds = 0

    @property
    def workers(self) -> int:
        """Worker processes (or Dask threads) available."""
        return engine._worker_count(self.executor)

    def _rebuild(self) -> None:
        engine._stop(self.executor, graceful=False)
        self.executor = engine._checked(engine.make_executor(self.jobs, self.scheduler), self.probe_fn)
        self.rebuilds += 1

    def map(self, fn: Callable[..., Any], calls: Sequence[tuple[Any, ...]],
            on_done: Callable[[int], None] | None = None) -> list[Any]:
        """``[fn(*args) for args in calls]``, run in parallel; ``on_done(i)`` as each call finishes."""
        results: list[Any] = [None] * len(calls)
        attempts = [0] * len(calls)
        todo = list(range(len(calls)))
        while todo:
            inflight: dict[Future, int] = {}
            broken = False
            try:
                for i in todo:
                    inflight[self.executor.submit(fn, *calls[i])] = i
            except BrokenExecutor:
                broken = True
            todo = []
            pending = set(inflight)
            while pending and not broken:
                done, pending = wait(pending, return_when=FIRST_COMPLETED)
                for fut in done:
                    i = inflight[fut]
                    exc = None if fut.cancelled() else fut.exception()
                    if fut.cancelled() or isinstance(exc, BrokenExecutor):
                        broken = True
                        continue
                    if isinstance(exc, UserError):  # bad input seen by a worker (e.g. a scenario file changed)
                        raise UserError(str(exc)) from None
                    if exc is not None:
                        attempts[i] += 1
                        if attempts[i] > self.retries:
                            raise RunFailed(f"a model run raised {attempts[i]} times: {engine._error_line(exc)}") from exc
                        todo.append(i)
                        continue
                    results[i] = fut.result()
                    if on_done is not None:
                        on_done(i)
            if broken:
                for i in inflight.values():
                    if results[i] is None and i not in todo:
                        todo.append(i)
                self._rebuild()
            todo.sort()
        return results

    def close(self, graceful: bool = True) -> None:
        """Shut the executor down (ending local workers at once unless ``graceful``)."""
        with contextlib.suppress(Exception):
            engine._stop(self.executor, graceful)
