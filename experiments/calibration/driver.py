"""`run_calibration`: validate, sample (resumable), run the posterior predictive, write every output.

Output folder (``--out DIR``)::

    generations/manifest.json        what is being calibrated (file text and sha256, settings, versions)
    generations/gen_000.json ...     one file per completed generation, written atomically (--resume)
    generations/predictive.npz       the posterior-predictive runs
    posterior.parquet summary.csv coverage.csv observations.csv predictive.parquet
    fit.png fit.svg posterior.png posterior.svg report.md calibrated.toml
    calibration.json                 written last: its presence means the folder is complete
"""

from __future__ import annotations

import hashlib
import io
import json
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from experiments.calibration import outputs
from experiments.calibration.abc import RETRIES, run_abc
from experiments.calibration.generations import GENERATIONS_DIR, AbcResult, load_generations
from experiments.calibration.simulate import simulate_particle, simulate_series
from experiments.calibration.spec import CalibrationSpec, load_calibration
from experiments.worker_pool import WorkerPool
from model.errors import UserError
from scenarios.posterior import FORMAT, OBSERVATIONS_FILE, POSTERIOR_FILE, PREDICTIVE_FILE, SETTINGS_FILE
from storage.outputs import LOCK_FILE, atomic_write, ensure_writable_dir, folder_lock

__all__ = ["run_calibration", "draw_seed", "PREDICTIVE_KEY", "DRAW_KEY"]

MANIFEST = "manifest.json"
PREDICTIVE_RUNS = "predictive.npz"
#: spawn keys of the posterior-predictive draws and of `Posterior.draw` (apart from generation numbers)
PREDICTIVE_KEY = 2**31 - 1
DRAW_KEY = 2**31 - 2


def draw_seed(seed: int) -> int:
    """The seed `Posterior.draw` uses, from the calibration seed."""
    return int(np.random.SeedSequence(seed, spawn_key=(DRAW_KEY,)).generate_state(1, np.uint32)[0])


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _versions() -> dict[str, str]:
    from storage.outputs import versions

    return versions()


def _manifest(spec: CalibrationSpec) -> dict[str, Any]:
    return {
        "format": FORMAT,
        "calibration_file": str(spec.path),
        "calibration_sha256": spec.sha256,
        "observations_sha256": _sha(spec.observations_file.read_bytes()),
        "scenario_params_sha256": _sha(json.dumps(spec.scenario_params, sort_keys=True).encode()),
        "holdout_after": spec.holdout_after,
        "versions": _versions(),
    }


def _check_folder(out: Path, spec: CalibrationSpec, resume: bool) -> bool:
    """Refuse an unusable --out before anything is written; True if it holds a calibration to continue."""
    if out.exists() and not out.is_dir():
        raise UserError(f"--out {out}: exists and is not a folder")
    if not out.exists() or not any(p.name != LOCK_FILE for p in out.iterdir()):  # the lock file is not content
        return False
    if not resume:
        raise UserError(f"--out {out}: folder is not empty; add --resume to continue the calibration in it, "
                        "or choose another folder")
    path = out / GENERATIONS_DIR / MANIFEST
    if not path.is_file():
        raise UserError(f"--resume {out}: no {GENERATIONS_DIR}/{MANIFEST} here, so this folder was not made by a calibration")
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise UserError(f"--resume {out}: unreadable {MANIFEST} ({exc})") from None
    now = _manifest(spec)
    for key, what in (("calibration_sha256", "calibration file"), ("observations_sha256", "observation file"),
                      ("scenario_params_sha256", "scenario"), ("holdout_after", "--holdout-after")):
        if manifest.get(key) != now[key]:
            raise UserError(f"--resume {out}: the {what} differs from the one this calibration started with; "
                            "its generations would not continue it, start a new folder")
    return True


def _predictive(spec: CalibrationSpec, result: AbcResult, pool: WorkerPool | None, out: Path,
                progress: bool) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Posterior-predictive runs: (particle index, seed, series (draws, metrics, weeks + 1)); cached on disk."""
    last = result.last
    path = out / GENERATIONS_DIR / PREDICTIVE_RUNS
    if path.is_file():
        with np.load(path) as saved:
            if int(saved["generation"]) == last.index:
                return saved["particle"], saved["seed"], saved["series"]
    n = spec.method.predictive_draws
    ss = np.random.SeedSequence(spec.seed, spawn_key=(PREDICTIVE_KEY, last.index))
    pick_ss, seed_ss = ss.spawn(2)
    rng = np.random.Generator(np.random.PCG64(pick_ss))
    particle = rng.choice(len(last.weights), size=n, p=last.weights)
    seeds = (seed_ss.generate_state(n, np.uint64) >> np.uint64(1)).astype(np.int64)
    metrics = tuple(spec.metrics)
    from tqdm import tqdm

    calls = []
    for i in range(n):
        theta = last.particles[particle[i]]
        ov = {**spec.fixed, **{p.name: p.model_value(x) for p, x in zip(spec.parameters, theta, strict=True)}}
        calls.append((spec.scenario, int(seeds[i]), spec.weeks, ov, metrics))
    if pool is None:
        raise RuntimeError("no worker pool for the posterior-predictive runs")
    import sys

    with tqdm(total=n, desc="predictive", unit="run", disable=not progress, file=sys.stderr, mininterval=0.5) as bar:
        series = np.stack(pool.starmap(simulate_series, calls, retries=RETRIES, on_done=lambda _i: bar.update(1)))

    def write(p: Path) -> None:
        buf = io.BytesIO()
        np.savez(buf, generation=last.index, particle=particle, seed=seeds, series=series)
        p.write_bytes(buf.getvalue())

    atomic_write(path, write)
    return particle, seeds, series


def run_calibration(
    calibration_file: str | Path,
    out: str | Path,
    *,
    jobs: int | None = None,
    scheduler: str | None = None,
    resume: bool = False,
    holdout_after: int | None = None,
    progress: bool = True,
    stop_after: int | None = None,
    early_rejection: bool = True,
    on_runs: Callable[[int], None] | None = None,
) -> dict[str, Any]:
    """Calibrate and write every output in ``out``; returns a summary (result, summary table, files, seconds).

    Everything is validated before the first byte is written. ``stop_after`` (tests) stops the sampler
    after that many generations exist and writes nothing else, as a kill would. ``early_rejection=False``
    runs every model run to the end (the posterior is the same; for tests and measurements). ``on_runs(n)``
    is called as the sampler's model runs finish, n at a time (e.g. to time the 2,000th run).
    """
    from storage.inputs import cap_jobs, check_out

    started = time.perf_counter()
    spec = load_calibration(calibration_file, holdout_after)
    out_dir = check_out(out)  # the same --out and --jobs rules as every command
    jobs = cap_jobs(jobs)
    continuing = _check_folder(out_dir, spec, resume)
    existing = load_generations(out_dir) if continuing else []
    pool = WorkerPool(jobs, scheduler).check(simulate_particle)  # one pool, warm across the generations
    graceful = False
    # one calibration per folder: the lock is taken before the first byte is written, and the folder is
    # checked again under it (another calibration may have started into it since the check above)
    with folder_lock(out_dir, what="calibration"):
        try:
            continuing = _check_folder(out_dir, spec, resume)
            existing = load_generations(out_dir) if continuing else []
            ensure_writable_dir(out_dir)
            (out_dir / GENERATIONS_DIR).mkdir(exist_ok=True)
            manifest_path = out_dir / GENERATIONS_DIR / MANIFEST
            if not manifest_path.is_file():
                text = json.dumps(_manifest(spec), indent=1) + "\n"
                atomic_write(manifest_path, lambda p: p.write_text(text, encoding="utf-8"))
            result = run_abc(spec, out_dir, pool, progress=progress, existing=existing, stop_after=stop_after,
                             early_rejection=early_rejection, on_runs=on_runs)
            if stop_after is not None and result.stop_reason == "stopped on request":
                graceful = True
                return {"out": out_dir, "result": result, "complete": False}
            particle, seeds, series = _predictive(spec, result, pool, out_dir, progress)
            workers = pool.workers()
            graceful = True
        finally:
            pool.close(graceful)
        files = _write_outputs(spec, result, out_dir, particle, seeds, series, workers, started)
    summary = files.pop("summary")
    return {"out": out_dir, "result": result, "summary": summary, "files": files["paths"], "complete": True,
            "seconds": time.perf_counter() - started, "spec": spec}


def _write_outputs(spec: CalibrationSpec, result: AbcResult, out: Path, particle: np.ndarray, seeds: np.ndarray,
                   series: np.ndarray, workers: int, started: float) -> dict[str, Any]:
    metrics = tuple(spec.metrics)
    post = outputs.posterior_frame(spec, result)
    summary = outputs.summary_table(spec, result)
    bands = outputs.predictive_bands(spec, series, metrics)
    coverage = outputs.coverage_table(spec, series, metrics, spec.seed, result.last.sigma)
    obs = spec.observations
    paths = [
        atomic_write(out / POSTERIOR_FILE, lambda p: post.to_parquet(p, index=False)),
        atomic_write(out / "summary.csv", lambda p: summary.to_csv(p, index=False)),
        atomic_write(out / "coverage.csv", lambda p: coverage.to_csv(p, index=False)),
        atomic_write(out / OBSERVATIONS_FILE, lambda p: obs.to_csv(p, index=False)),
        atomic_write(out / PREDICTIVE_FILE, lambda p: bands.to_parquet(p, index=False)),
    ]
    paths += outputs.write_plots(out, spec, result, bands, summary)
    meta: dict[str, Any] = {
        "format": FORMAT,
        "name": spec.name,
        "description": spec.description,
        "calibration_file": str(spec.path.resolve()),
        "calibration_sha256": spec.sha256,
        "calibration_text": spec.text,
        "observations_file": str(spec.observations_file.resolve()),
        "scenario": spec.scenario,
        "scenario_name": spec.scenario_name,
        "weeks": spec.weeks,
        "seed": spec.seed,
        "draw_seed": draw_seed(spec.seed),
        "holdout_after": spec.holdout_after,
        "method": {**spec.method.__dict__},
        "parameters": [
            {"name": p.name, "kind": p.kind.__name__, "prior": outputs.describe(p.prior),
             "support": list(p.prior.support), "narrowed": p.narrowed}
            for p in spec.parameters
        ],
        "fixed": spec.fixed,
        "generations": [
            {"generation": g.index, "tolerance": None if np.isinf(g.tolerance) else g.tolerance,
             "accepted": len(g.weights), "proposals": g.proposals, "acceptance_rate": g.acceptance_rate,
             "ess": g.ess, "simulations": g.simulations, "run_weeks": g.run_weeks, "stopped_early": g.stopped_early,
             "past_full": g.past_full, "partial": g.partial, "seconds": round(g.seconds, 2)}
            for g in result.generations
        ],
        "stop_reason": result.stop_reason,
        "simulations": result.simulations,
        "discarded_simulations": result.discarded_simulations,
        "predictive_runs": int(len(particle)),
        "predictive_seeds": seeds.tolist(),
        "observation_sigma": dict(zip([f"{m}@{w}" for m, w in zip(obs["metric"], obs["week"], strict=True)],
                                      result.last.sigma.tolist(), strict=True)),
        "observation_seed_sd": result.last.seed_sd.tolist(),
        "workers": workers,
        "versions": _versions(),
        "created": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
    }
    meta["wall_seconds"] = round(time.perf_counter() - started, 2)
    text = outputs.render_report(spec, result, summary, coverage, meta)
    paths.append(outputs.write_text(out / "report.md", text))
    paths.append(outputs.write_text(out / "calibrated.toml", outputs.calibrated_toml(spec, summary, out)))
    meta_text = json.dumps(meta, indent=1, ensure_ascii=False, default=str) + "\n"
    paths.append(outputs.write_text(out / SETTINGS_FILE, meta_text))
    return {"summary": summary, "paths": paths}


def load_spec(path: str | Path, holdout_after: int | None = None) -> CalibrationSpec:
    """Validate a calibration file without running it (``--dry-run``)."""
    return load_calibration(path, holdout_after)
