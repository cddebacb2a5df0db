"""The runs of a sweep: design points, seeds, run ids, the manifest (everything needed to rerun, resume
or analyse a sweep without its file), and `run_task`, what a worker does with one run.

Seeds: run (point p, replicate r) gets ``SeedSequence(seed, spawn_key=(p, r))``'s first 63 bits
(``spawn_key=(r,)`` with common random numbers). Morris and Sobol estimate effects from differences
between design points, so they use common random numbers by default: otherwise every elementary effect
also carries the run-to-run noise, and a parameter with no effect at all gets a clearly positive μ*.
Run ids are ``p<point>-r<replicate>``, zero-padded.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import time
from dataclasses import asdict
from typing import TYPE_CHECKING, Any

import numpy as np

from experiments.run_folder import FINGERPRINT_ATTR
from experiments.run_task import RunTask
from experiments.sweep_file import Outcome, SweepSpec
from experiments.sweep_folder import FORMAT

if TYPE_CHECKING:
    import pandas as pd

    from experiments.designs import Design

__all__ = [
    "design_seed",
    "run_seed",
    "build_design",
    "run_id",
    "make_manifest",
    "params_sha256",
    "versions",
    "tasks_from_manifest",
    "outcomes_from_manifest",
    "task_fingerprint",
    "run_task",
]


def design_seed(base_seed: int) -> int:
    """The seed SALib's samplers and bootstrap get: 32 bits from ``SeedSequence(base_seed)``."""
    return int(np.random.SeedSequence(base_seed).generate_state(1, np.uint32)[0])


def run_seed(base_seed: int, point: int, replicate: int, crn: bool = False) -> int:
    """The seed of run (point, replicate): 63 bits of ``SeedSequence(base_seed, spawn_key=(point, replicate))``.

    With common random numbers the key is ``(replicate,)``: replicate r has the same seed at every point.
    """
    key = (replicate,) if crn else (point, replicate)
    state = np.random.SeedSequence(base_seed, spawn_key=key).generate_state(1, np.uint64)[0]
    return int(state >> np.uint64(1))


def build_design(spec: SweepSpec) -> Design:
    """The design points of a sweep, checked for cross-parameter rules (e.g. youth + retired share ≤ 1)."""
    from experiments import designs
    from model.model import check_consistency
    from model.run_inputs import check_households

    seed = design_seed(spec.seed)
    if spec.method == "grid":
        design = designs.grid_design(spec.factors)
    elif spec.method == "lhs":
        design = designs.lhs_design(spec.factors, spec.options["samples"], seed)
    elif spec.method == "morris":
        design = designs.morris_design(
            spec.factors, spec.options["trajectories"], spec.options["levels"], seed
        )
    else:
        design = designs.sobol_design(
            spec.factors, spec.options["samples"], spec.options["second_order"], seed
        )
    base = dict(spec.scenario_params)
    base.update(spec.fixed)
    for i, point in enumerate(design.points):
        shown = ", ".join(f"{k}={v!r}" for k, v in point.items())
        check_consistency({**base, **point}, f"{spec.path}: design point {i} ({shown})")
        check_households({**base, **point}, f"{spec.path}: design point {i} ({shown})")
    return design


def _run_id_format(points: int, replicates: int) -> tuple[int, int]:
    return max(4, len(str(points - 1))), max(2, len(str(replicates - 1)))


def run_id(point: int, replicate: int, widths: tuple[int, int]) -> str:
    """``p0003-r01``: zero-padded so that sorting run ids sorts by point, then replicate."""
    return f"p{point:0{widths[0]}d}-r{replicate:0{widths[1]}d}"


def params_sha256(params: dict[str, Any]) -> str:
    """sha256 of a parameter dict (sorted JSON): tells whether a scenario changed since a sweep started."""
    return hashlib.sha256(json.dumps(params, sort_keys=True).encode()).hexdigest()


def make_manifest(spec: SweepSpec, design: Design) -> dict[str, Any]:
    """Everything needed to rerun, resume or analyse the sweep without its sweep file."""
    widths = _run_id_format(len(design.points), spec.replicates)
    runs = [
        {
            "run_id": run_id(p, r, widths),
            "point": p,
            "replicate": r,
            "seed": run_seed(spec.seed, p, r, spec.crn),
        }
        for p in range(len(design.points))
        for r in range(spec.replicates)
    ]
    return {
        "format": FORMAT,
        "name": spec.name,
        "description": spec.description,
        "sweep_file": str(spec.path),
        "sweep_sha256": spec.sha256,
        "sweep_text": spec.text,
        "command_line_overrides": spec.overrides,
        "scenario": spec.scenario,
        "scenario_name": spec.scenario_name,
        "scenario_params_sha256": params_sha256(spec.scenario_params),
        "weeks": spec.weeks,
        "replicates": spec.replicates,
        "base_seed": spec.seed,
        "design_seed": design_seed(spec.seed),
        "common_random_numbers": spec.crn,
        "series": spec.series,
        "fixed": spec.fixed,
        "design": {
            "method": spec.method,
            "options": spec.options,
            "factors": [f.to_json() for f in spec.factors],
            "points": len(design.points),
            "matrix": None if design.matrix is None else design.matrix.tolist(),
        },
        "outcomes": [asdict(o) for o in spec.outcomes],
        "sensitivity": {**asdict(spec.sensitivity), "plots": list(spec.sensitivity.plots)},
        "points": design.points,
        "runs": runs,
        "versions": versions(),
        "created": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
    }


def versions() -> dict[str, str]:
    """`storage.outputs.versions()` plus the versions of the packages a sweep may use."""
    from importlib.metadata import PackageNotFoundError, version

    from storage.outputs import versions as package_versions

    info = package_versions()
    for package in ("SALib", "dask", "distributed", "pyarrow"):
        with contextlib.suppress(PackageNotFoundError):
            info[package] = version(package)
    return info


def tasks_from_manifest(manifest: dict[str, Any]) -> list[RunTask]:
    """The sweep's runs, in run-id order, as engine tasks (overrides = fixed values + the point's values)."""
    fixed, points = manifest["fixed"], manifest["points"]
    return [
        RunTask(
            run_id=r["run_id"],
            scenario=manifest["scenario"],
            seed=int(r["seed"]),
            weeks=int(manifest["weeks"]),
            overrides={**fixed, **points[r["point"]]},
        )
        for r in manifest["runs"]
    ]


def outcomes_from_manifest(manifest: dict[str, Any]) -> tuple[Outcome, ...]:
    """The sweep's outcomes."""
    return tuple(Outcome(**o) for o in manifest["outcomes"])


def task_fingerprint(task: RunTask) -> str:
    """sha256 of what defines a run (run id, scenario, seed, weeks, parameter values), kept in its run
    file's metadata, so a resume can tell a run of this design from a file another sweep left."""
    text = json.dumps([task.run_id, task.scenario, task.seed, task.weeks, task.overrides], sort_keys=True,
                      default=repr)
    return hashlib.sha256(text.encode()).hexdigest()


def run_task(task: RunTask, outcomes: tuple[Outcome, ...], series: str = "outcomes") -> pd.DataFrame:
    """Run one model and return its outcomes (and weekly series), long: ``kind, name, week, value``.

    ``kind`` is ``"outcome"`` (``week`` null) or ``"series"``. Runs in a worker; the model is released
    (``run_scenario`` calls ``model.remove()``), so a worker's memory stays flat over thousands of runs.
    """
    import pandas as pd

    from experiments.one_run import run_scenario

    frame = run_scenario(task.scenario, seed=task.seed, weeks=task.weeks, overrides=task.overrides)
    parts = [
        pd.DataFrame(
            {
                "kind": "outcome",
                "name": [o.name for o in outcomes],
                "week": pd.array([None] * len(outcomes), dtype="Int64"),
                "value": np.array([o.compute(frame[o.metric].to_numpy(dtype=float)) for o in outcomes]),
            }
        )
    ]
    if series != "none":
        metrics = (
            [c for c in frame.columns if c != "week"]
            if series == "all"
            else list(dict.fromkeys(o.metric for o in outcomes))
        )
        weeks = frame["week"].to_numpy()
        for metric in metrics:
            parts.append(
                pd.DataFrame(
                    {
                        "kind": "series",
                        "name": metric,
                        "week": pd.array(weeks, dtype="Int64"),
                        "value": frame[metric].to_numpy(dtype=float),
                    }
                )
            )
    result = pd.concat(parts, ignore_index=True)
    result.attrs[FINGERPRINT_ATTR] = task_fingerprint(task)
    return result
