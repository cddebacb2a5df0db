"""Many runs of the model: the run engine, comparisons, sweeps, sensitivity analysis and reports."""

from experiments.engine import (
    ExecutionReport,
    RunFn,
    RunTask,
    collect,
    completed_run_ids,
    execute,
    iter_runs,
    make_executor,
    release_model,
)

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
