"""Parameter sweeps, the driver: a sweep file (`experiments.sweep_file`) → its runs (`experiments.sweep_runs`)
through `experiments.run_driver` → results and analysis in the output folder (`experiments.sweep_folder`,
`experiments.sensitivity`). The command line is `experiments.sweep_cli`.

    python run.py sweep scenarios/sweeps/buck_passing_grid.toml --jobs 2     # --out: out/sweeps/NAME
    python run.py sweep SWEEP.toml --scheduler tcp://HOST:8786 --out DIR       # a running Dask cluster
    python run.py sweep SWEEP.toml --out DIR --resume                          # only what is missing
    python run.py sweep SWEEP.toml --dry-run                                   # check it, count the runs
    python run.py sensitivity DIR                                              # results, indices, plots again

Exit status: 0 when every run finished, 1 when some run failed (``DIR/failed/``; ``--resume`` retries
them), 2 for bad input (one line on stderr; nothing written).

Output folder: ``manifest.json`` (written atomically before the first run: sweep file text and sha256,
scenario, design points, run ids and seeds, versions), ``runs/<run_id>.parquet`` (one per finished run:
its outcomes, and its weekly series unless ``series = "none"``), ``failed/<run_id>.json``,
``results.parquet`` (one row per run and outcome with the swept parameters and the seed),
``sensitivity.csv`` (Morris/Sobol) and ``plots/``. `load_series` reads the weekly series back.

Dask: start workers with ``--nthreads 1`` (the model is pure Python; threads only add contention) and
with the project importable (run them from the repository or set PYTHONPATH).
"""

from __future__ import annotations

import contextlib
import functools
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from experiments.run_driver import execute
from experiments.run_folder import completed_run_ids
from experiments.sweep_file import (
    OVERRIDE_FLAGS,
    Outcome,
    SensitivityOptions,
    SweepSpec,
    design_size,
    load_sweep,
)
from experiments.sweep_folder import (
    MANIFEST,
    build_results,
    load_series,
    read_manifest,
    write_json,
    write_results,
)
from experiments.sweep_runs import (
    build_design,
    make_manifest,
    outcomes_from_manifest,
    params_sha256,
    run_seed,
    run_task,
    task_fingerprint,
    tasks_from_manifest,
    versions,
)
from experiments.worker_pool import DaskExecutor, WorkerPool, preload_modules
from model.errors import UserError
from storage.outputs import LOCK_FILE, atomic_write, folder_lock, staged_folder

if TYPE_CHECKING:
    import pandas as pd

__all__ = [  # the driver's own names, and the sweep's public names from the modules it was split into
    "run_sweep",
    "write_results_and_analysis",
    "Outcome",
    "SensitivityOptions",
    "SweepSpec",
    "load_sweep",
    "build_design",
    "design_size",
    "run_seed",
    "make_manifest",
    "tasks_from_manifest",
    "outcomes_from_manifest",
    "run_task",
    "task_fingerprint",
    "build_results",
    "load_series",
    "read_manifest",
    "atomic_write",
]

def _start_pool(jobs: int | None, scheduler: str | None, run_fn: Callable[..., Any]) -> WorkerPool:
    """Start the pool or connect to Dask and check a worker can load the run function (UserError if not)."""
    pool = WorkerPool(jobs, scheduler).check(run_fn)
    executor = pool()
    if isinstance(executor, DaskExecutor):
        with contextlib.suppress(Exception):
            threads = executor.client.nthreads()
            if any(n > 1 for n in threads.values()):
                print(
                    "warning: some Dask workers have more than one thread; start them with --nthreads 1 "
                    "(the model is pure Python, threads only contend)",
                    file=sys.stderr,
                )
    return pool


def _check_folder(out: Path, spec: SweepSpec, resume: bool) -> dict[str, Any] | None:
    """Refuse an unusable output folder before anything is written; on --resume return its manifest."""
    if out.exists() and not out.is_dir():
        raise UserError(f"--out {out}: exists and is not a folder")
    if not out.exists() or not any(p.name != LOCK_FILE for p in out.iterdir()):
        return None
    if not resume:
        raise UserError(
            f"--out {out}: folder is not empty; add --resume to continue the sweep in it, or choose another folder"
        )
    manifest = read_manifest(out, flag="--resume")
    if manifest.get("sweep_sha256") != spec.sha256:
        raise UserError(
            f"--resume {out}: made by a different sweep file ({manifest.get('sweep_file')}, sha256 "
            f"{str(manifest.get('sweep_sha256'))[:12]}) than {spec.path} (sha256 {spec.sha256[:12]}); nothing changed"
        )
    if manifest.get("command_line_overrides", {}) != spec.overrides:
        started = " ".join(f"{OVERRIDE_FLAGS[k]} {v}" for k, v in manifest.get("command_line_overrides", {}).items())
        raise UserError(f"--resume {out}: the sweep started with {started or 'no --replicates/--weeks/--samples'}; "
                        f"resume it with the same flags")
    if manifest.get("scenario_params_sha256") != params_sha256(spec.scenario_params):
        raise UserError(
            f"--resume {out}: scenario '{spec.scenario_name}' has changed since the sweep started; "
            "its runs would not be comparable, start a new folder"
        )
    return manifest


def _remove_if_only_lock(out: Path) -> None:
    """Remove the folder a refused sweep created, when it holds nothing but the lock file, under that lock:
    when another sweep holds it (that sweep won the folder and is about to write its manifest), leave it."""
    import fcntl

    lock = out / LOCK_FILE
    with contextlib.suppress(OSError):
        if not lock.is_file():
            return
        with open(lock, "a+") as fh:
            try:
                fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                return
            if [p.name for p in out.iterdir()] == [LOCK_FILE]:
                lock.unlink()
                out.rmdir()


def _warn_if_code_changed(manifest: dict[str, Any]) -> None:
    current = versions().get("git_commit")
    started_at = str(manifest.get("versions", {}).get("git_commit", "?"))
    if current and current != started_at:
        print(
            f"warning: code version differs from the sweep's start (git {started_at[:10]} → {current[:10]}); "
            "runs made before and after may differ",
            file=sys.stderr,
        )


def run_sweep(
    sweep_file: str | Path,
    out: str | Path | None = None,
    *,
    jobs: int | None = None,
    scheduler: str | None = None,
    resume: bool = False,
    progress: bool = True,
    analyse: bool | None = None,
    plots: bool = True,
    pool: WorkerPool | None = None,
    overrides: dict[str, int] | None = None,
) -> dict[str, Any]:
    """Validate, plan, run (skipping finished runs on resume), then write results and the analysis.

    ``overrides``: ``replicates``, ``weeks``, ``samples`` in place of the file's (see `load_sweep`).

    ``plots=False`` leaves out the sweep file's plots (``run.py sensitivity DIR`` draws them later).
    ``pool``: a running `WorkerPool` to use (and leave running) instead of starting one from
    ``jobs``/``scheduler``. Returns a summary dict (out, runs, completed, skipped, failed, seconds,
    written files).
    """
    from storage.inputs import cap_jobs, check_out

    started = time.monotonic()
    preload_modules()  # the model, before validation needs it: imported once, cheaply, for driver and workers
    spec = load_sweep(sweep_file, overrides)
    out_dir = check_out(out) if out is not None else Path("out") / "sweeps" / spec.name
    jobs = cap_jobs(jobs)
    existing = _check_folder(out_dir, spec, resume)  # read-only: refuse before anything is written
    manifest = make_manifest(spec, build_design(spec)) if existing is None else existing
    tasks = tasks_from_manifest(manifest)
    run_fn = functools.partial(run_task, outcomes=outcomes_from_manifest(manifest), series=manifest["series"])
    todo = len(set(t.run_id for t in tasks) - completed_run_ids(out_dir))

    own = pool is None
    created = not out_dir.exists()
    # Workers start before the folder lock is taken: forked workers would inherit the lock's file and
    # hold the folder after this sweep ended.
    if pool is None:
        pool = _start_pool(jobs, scheduler, run_fn) if todo else WorkerPool(jobs, scheduler)
    elif todo:
        pool.check(run_fn)
    try:
        # The folder lock comes before the first byte: a second sweep into the same folder is refused
        # before it can touch the manifest. Under the lock, look at the folder again (it may have
        # been filled since the check above).
        with folder_lock(out_dir):
            now = _check_folder(out_dir, spec, resume)
            if existing is None and now is not None:
                manifest, tasks = now, tasks_from_manifest(now)
            if existing is None and now is None:
                write_json(out_dir / MANIFEST, manifest)
            else:
                _warn_if_code_changed(manifest)
            report = execute(tasks, run_fn, out_dir, pool, resume=True, progress=progress, locked=True,
                             fingerprint=task_fingerprint)  # every run file must belong to this design
            do_analyse = manifest["sensitivity"]["auto"] if analyse is None else analyse
            results, analysis, written = write_results_and_analysis(out_dir, manifest, do_analyse, plots)
            notes = analysis.notes if analysis is not None else []
    except BaseException:
        if created:  # refused before the first byte (e.g. no Dask scheduler): leave no folder behind
            _remove_if_only_lock(out_dir)
        raise
    finally:
        if own:
            pool.close()
    return {
        "out": out_dir,
        "runs": len(tasks),
        "completed": len(report.completed),
        "skipped": report.skipped,
        "failed": dict(report.failed),
        "pool_rebuilds": report.pool_rebuilds,
        "seconds": time.monotonic() - started,
        "written": written,
        "notes": notes,
    }


def write_results_and_analysis(out_dir: Path, manifest: dict[str, Any], analyse: bool, plots: bool
                               ) -> tuple[pd.DataFrame, Any, list[Path]]:
    """Write results.parquet and (with `analyse`) sensitivity.csv and the plots together or not at all:
    into a staging folder beside the sweep folder, moved in when all are written. Returns the results,
    the analysis (None without `analyse`) and the written files as they are named in `out_dir`."""
    from experiments.sensitivity import analyse_sweep

    with staged_folder(out_dir) as stage:
        results_path, results = write_results(out_dir, manifest, into=stage)
        analysis = analyse_sweep(out_dir, manifest, results, plots=plots, into=stage) if analyse else None
        staged = [results_path, *(analysis.written if analysis is not None else [])]
        written = [out_dir / Path(p).relative_to(stage) for p in staged]
    return results, analysis, written
