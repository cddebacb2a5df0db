"""Many runs of the model: the run engine, comparisons, sweeps, sensitivity analysis and reports; and
one run of a scenario (`experiments.one_run`), what they are all made of.

The run engine's public names below are loaded on first use, from the module that holds each
(`run_task`: what a run is; `worker_pool`: where runs are computed; `run_folder`: the runs on disk;
`run_driver`: `execute`), so ``import experiments.one_run`` (``run.py run``, ``from model import
run_scenario``) does not load the engine and its process pools.
"""

from __future__ import annotations

import importlib
from typing import Any

_HOME = {
    "ExecutionReport": "experiments.run_driver",
    "RunFn": "experiments.run_task",
    "RunTask": "experiments.run_task",
    "collect": "experiments.run_folder",
    "completed_run_ids": "experiments.run_folder",
    "execute": "experiments.run_driver",
    "iter_runs": "experiments.run_folder",
    "make_executor": "experiments.worker_pool",
    "release_model": "experiments.run_task",
}

__all__ = list(_HOME)


def __getattr__(name: str) -> Any:
    if name in _HOME:
        return getattr(importlib.import_module(_HOME[name]), name)
    raise AttributeError(f"module 'experiments' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
