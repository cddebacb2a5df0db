"""Many runs of the model: the run engine, comparisons, sweeps, sensitivity analysis and reports; and
one run of a scenario (`experiments.one_run`), what they are all made of.

The engine's names below are loaded on first use, so ``import experiments.one_run`` (``run.py run``,
``from model import run_scenario``) does not load the engine and its process pools.
"""

from __future__ import annotations

import importlib
from typing import Any

__all__ = [
    "ExecutionReport",
    "RunFn",
    "RunTask",
    "collect",
    "completed_run_ids",
    "execute",
    "iter_runs",
    "make_executor",
    "release_model",
]


def __getattr__(name: str) -> Any:
    if name in __all__:
        return getattr(importlib.import_module("experiments.engine"), name)
    raise AttributeError(f"module 'experiments' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
