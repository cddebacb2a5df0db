"""What one run is, for every part that runs many of them (the pool, the run folder, the driver).

A run is a `RunTask` (run id, scenario, seed, weeks, parameter overrides: small and picklable) handed to
a *run function* (`RunFn`) that returns a small pandas DataFrame. Run functions must be importable
module-level functions (Dask pickles functions by reference, and so does a spawned local pool), and a
run function that builds a Mesa model **must call** `release_model(model)` before returning, or a
worker leaks every model it ever ran. A run that raises is told on one line by `error_line`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pandas is imported where frames are made or read: the driver's start stays light
    import pandas as pd

__all__ = ["RunTask", "RunFn", "release_model", "error_line"]


@dataclass
class RunTask:
    """One run: scenario name, seed, number of weeks and parameter overrides. Small and picklable."""

    run_id: str
    scenario: str
    seed: int
    weeks: int
    overrides: dict[str, object] = field(default_factory=dict)


RunFn = Callable[[RunTask], "pd.DataFrame"]


def release_model(model: object) -> None:
    """Drop Mesa 3.3.1's class-level reference to ``model`` (``Agent._ids[model]``) so it can be freed.

    Every run function that creates a Mesa model must call this once the model is no longer needed
    (typically in a ``finally``), otherwise each worker keeps every model it ever ran alive.
    """
    from mesa.agent import Agent  # lazy: the driver need not import mesa

    Agent._ids.pop(model, None)


def error_line(exc: BaseException) -> str:
    """``Type: first line of the message`` of an exception (the failure records' and reports' form)."""
    text = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {text[0]}" if text else type(exc).__name__
