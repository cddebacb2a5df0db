"""Scenario comparison with common random numbers: many seeded runs per scenario, paired differences.

Every scenario runs with the same replicate seeds (derived from one base seed with numpy's
``SeedSequence``), so replicate *r* of two scenarios shares its random stream as far as the model
allows and the difference between them is paired. Runs go through `experiments.run_driver` (local
process pool, progress bar); results do not depend on ``--jobs``. This module plans a comparison
(validates every input, derives the seeds, makes the runs), runs it and writes its files, and is
``run.py compare``; what a comparison is lives in `experiments.compare_spec`, its statistics (paired
differences and intervals, shared with the app) in `experiments.compare_stats`.

    python run.py compare points three_party_linkage baseline --reference baseline \\
        --reps 20 --weeks 156 --jobs 2 --seed 1 --out out/compare

writes, in ``--out`` (each file atomically, the report last):

- ``runs.parquet``: tidy, one row per scenario, replicate, week and metric
  (columns ``scenario, replicate, seed, week, metric, value``);
- ``summary.csv``: per scenario, metric and summary week (each year and the horizon): mean and
  95 % t-interval across replicates, and the paired difference from the reference with its 95 %
  t-interval; ``cost_per_household`` = ``mechanism_cost_total`` / households;
- ``over_time``, ``forest``, ``breakdown`` (``.png`` and ``.svg``), ``compare.json``, ``report.md``.

From Python:

>>> from experiments.compare import replicate_seeds
>>> replicate_seeds(1, 3) == replicate_seeds(1, 3)
True
"""

from __future__ import annotations

import argparse
import contextlib
import json
import re
import shutil
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from experiments.compare_spec import FLOW_METRICS, WINDOW_WEEKS, CompareSpec
from experiments.compare_stats import ID_COLUMNS, households_of, over_time, summarize, summary_weeks, to_long
from experiments.run_task import RunTask
from model.errors import UserError
from storage.inputs import parse_jobs
from storage.outputs import LOCK_FILE

if TYPE_CHECKING:
    import pandas as pd

    from scenarios import Scenario

__all__ = [
    "CompareResult", "CompareFailed", "compare", "plan", "run_comparison", "replicate_seeds", "make_tasks",
    "compare_run", "add_cli", "cmd_compare",
]

DEFAULT_REPS = 20
DEFAULT_WEEKS = 156
DEFAULT_SEED = 1
WORK_DIR = ".runs"  # the engine's per-run files while a comparison runs; removed when it is done


def replicate_seeds(base_seed: int, reps: int) -> list[int]:
    """One seed per replicate, from ``SeedSequence(base_seed).spawn(reps)``; shared by all scenarios."""
    import numpy as np

    return [int(child.generate_state(1, dtype=np.uint32)[0]) for child in np.random.SeedSequence(base_seed).spawn(reps)]


def plan(scenarios: list[Any], reference: str = "baseline", reps: int = DEFAULT_REPS, weeks: int = DEFAULT_WEEKS,
         seed: int = DEFAULT_SEED, jobs: int | None = None, out: str | Path = "out/compare",
         overrides: dict[str, Any] | None = None, posterior: str | Path | None = None) -> CompareSpec:
    """Validate every input (raising `UserError`) without touching the file system.

    A scenario is a name, a .toml path, ``NAME:PARAM=VALUE[,PARAM=VALUE]`` (that scenario with
    parameters changed, e.g. ``baseline:points.enabled=true``), a Scenario or a dict
    (``Scenario.from_dict``). ``overrides`` (``--set``) apply to every scenario. With ``posterior`` (a
    calibration's output folder), replicate r of every scenario runs under the posterior's r-th parameter
    draw (and the same seed), so intervals include parameter uncertainty.
    """
    from model.parameters import kwarg_to_name, validate_value
    from model.run_inputs import check_runs, check_seed
    from storage.inputs import cap_jobs, check_out

    if reps < 2:
        raise UserError(f"--reps {reps}: need at least 2 replicates for an interval")
    check_seed(seed)
    validate_value("weeks", weeks, where="--weeks")
    if not scenarios:
        raise UserError("no scenario given")
    common = {kwarg_to_name(k): validate_value(kwarg_to_name(k), v, where=f"--set {k}")
              for k, v in (overrides or {}).items()}
    check_runs(len(scenarios) * reps, f"--reps {reps}", key="compare_runs")  # before any seed is drawn
    out_path = check_out(out)
    jobs = cap_jobs(jobs)
    loaded: list[Scenario] = []
    inputs: list[str] = []
    own_overrides: list[dict[str, Any]] = []
    typed: dict[str, str] = {}
    for item in scenarios:
        scen, source, own = _compared_scenario(item)
        if common:
            try:
                scen = scen.with_params(**common)
            except UserError as exc:
                raise UserError(f"--set with scenario '{scen.name}': {exc}") from None
        if scen.name in [s.name for s in loaded]:
            raise UserError(f"scenario '{scen.name}' is listed twice")
        loaded.append(scen)
        inputs.append(source)
        own_overrides.append({**own, **common})
        if isinstance(item, str):
            typed[item] = scen.name
    names = [s.name for s in loaded]
    reference = typed.get(reference, reference)  # a reference given as a listed .toml path means its scenario
    if reference not in names:
        raise UserError(f"--reference {reference}: not among the compared scenarios ({', '.join(names)}); "
                        f"list it as well, e.g. compare {' '.join(typed) or '...'} {reference}")
    post, draws = _posterior_draws(posterior, loaded, reps) if posterior is not None else (None, [])
    return CompareSpec(scenarios=loaded, inputs=inputs, reference=reference, reps=reps, weeks=weeks, seed=seed,
                       jobs=jobs, out=out_path, seeds=replicate_seeds(seed, reps), overrides=own_overrides,
                       common=common,
                       posterior=post, draws=draws)


def _posterior_draws(path: str | Path, scenarios: list[Scenario], reps: int) -> tuple[Any, list[dict[str, Any]]]:
    """The posterior and replicate r's parameter set (draw r). A scenario that sets a calibrated parameter
    differently from the calibration's scenario is refused: the draw would silently replace its setting."""
    from scenarios import load_scenario
    from scenarios.posterior import load_posterior

    post = load_posterior(path)
    try:
        fitted_on = load_scenario(post.scenario)
    except UserError as exc:
        raise UserError(f"--posterior {path}: its scenario cannot be loaded ({exc})") from None
    base = {**fitted_on.params, **post.settings.get("fixed", {})}
    for scen in scenarios:
        for name in post.parameters:
            if scen.params[name] != base[name]:
                raise UserError(
                    f"--posterior {path}: scenario '{scen.name}' sets '{name}' = {scen.params[name]!r}, which the "
                    f"posterior fits (on '{fitted_on.name}', where it is {base[name]!r}); the posterior draw would "
                    "replace the scenario's own setting. Compare it without --posterior, or calibrate with "
                    f"'{name}' fixed")
    return post, [post.draw(r) for r in range(reps)]


def posterior_not_applied(scen: Scenario, overrides: dict[str, Any], names: Any) -> list[str]:
    """The posterior parameters not applied to this scenario (`scenarios.posterior.not_applied`)."""
    from scenarios.posterior import not_applied

    return not_applied(names, {**scen.params, **overrides})


def _compared_scenario(item: Any) -> tuple[Scenario, str, dict[str, Any]]:
    """(scenario, what workers load, overrides on top of it) for one compared scenario."""
    import dataclasses

    from model.parameters import kwarg_to_name, parse_cli_value
    from scenarios import Scenario, as_scenario, load_scenario

    if not isinstance(item, str):
        if not isinstance(item, Scenario | dict):
            raise UserError(f"compare: a scenario must be a name, a .toml path, a Scenario or a dict, "
                            f"got {type(item).__name__}")
        scen = as_scenario(item, where="compare")
        return scen, "baseline", dict(scen.params)  # workers rebuild it from its full parameter set
    base_text, sep, assignments = item.partition(":")
    if not sep or "=" not in assignments:
        scen = load_scenario(item)
        return scen, _worker_input(item, scen), {}
    base = load_scenario(base_text)
    own: dict[str, Any] = {}
    for assignment in assignments.split(","):
        name, eq, text = assignment.partition("=")
        if not eq or not name.strip():
            raise UserError(f"{item}: expected SCENARIO:NAME=VALUE[,NAME=VALUE...], "
                            f"e.g. baseline:points.enabled=true")
        own[kwarg_to_name(name.strip())] = parse_cli_value(kwarg_to_name(name.strip()), text, where=item)
    try:
        scen = base.with_params(**own)
    except UserError as exc:
        raise UserError(f"{item}: {exc}") from None
    shown = ", ".join(f"{k}={v}" for k, v in own.items())
    scen = dataclasses.replace(scen, name=item, label_zh=f"{base.label_zh}（{shown}）",
                               label_en=f"{base.label_en} ({shown})")
    return scen, _worker_input(base_text, base), own


def _worker_input(text: str, scen: Scenario) -> str:
    """What a worker loads: the name, or the absolute path of a scenario given as a file."""
    return str(scen.path.resolve()) if scen.path and ("/" in text or text.endswith(".toml")) else text


def _run_id(index: int, name: str, replicate: int) -> str:
    return f"{index:03d}-{re.sub(r'[^A-Za-z0-9_.-]', '_', name)[:80]}-r{replicate:04d}"


def make_tasks(spec: CompareSpec) -> tuple[list[RunTask], dict[str, tuple[str, int, int]]]:
    """The runs (scenario x replicate) and ``run_id -> (scenario, replicate, seed)``."""
    tasks, index = [], {}
    for i, (scen, source) in enumerate(zip(spec.scenarios, spec.inputs, strict=True)):
        overrides = spec.overrides[i] if spec.overrides else {}
        for rep, seed in enumerate(spec.seeds):
            run_id = _run_id(i, scen.name, rep)
            draw = spec.draws[rep] if spec.draws else {}  # the posterior draw wins (plan checked they agree)
            if draw:  # parameters of a mechanism that is off here would have no effect (and are refused)
                idle = set(posterior_not_applied(scen, overrides, draw))
                draw = {n: v for n, v in draw.items() if n not in idle}
            tasks.append(RunTask(run_id, source, seed, spec.weeks, {**overrides, **draw}))
            index[run_id] = (scen.name, rep, seed)
    return tasks, index


def compare_run(task: RunTask) -> pd.DataFrame:
    """Worker: one run of the model, its weekly wide frame (`run_scenario` releases the model)."""
    from experiments.one_run import run_scenario

    return run_scenario(task.scenario, seed=task.seed, weeks=task.weeks, overrides=dict(task.overrides))


# ------------------------------------------------------------------------------------ run


@dataclass
class CompareResult:
    """What `run_comparison` produced."""

    spec: CompareSpec
    summary: pd.DataFrame
    files: list[Path]
    wall_seconds: float
    run_seconds: float


def _clear_work(work: Path) -> None:
    """Remove the engine folder an interrupted comparison left behind, unless a running one holds its lock."""
    import fcntl

    lock = work / LOCK_FILE
    if lock.exists():
        with open(lock, "a+") as fh:
            try:
                fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                raise UserError(f"--out {work.parent}: another comparison is writing to this folder") from None
    if work.exists():
        shutil.rmtree(work)


class CompareFailed(Exception):
    """Some runs raised on every attempt; the comparison is incomplete and nothing was summarised."""


def run_comparison(spec: CompareSpec, progress: bool = True, started: float | None = None,
                   lang: str = "en") -> CompareResult:
    """Run every scenario x replicate, then write runs.parquet, summary.csv, plots, compare.json, report.md."""
    import functools

    import pandas as pd

    from experiments import plots, report
    from experiments.run_driver import execute
    from experiments.run_folder import collect
    from experiments.worker_pool import make_executor
    from storage.outputs import (
        atomic_write,
        ensure_writable_dir,
        metric_units,
        staged_folder,
        versions,
        write_parquet,
    )

    started = time.perf_counter() if started is None else started
    created = not spec.out.exists()
    out = ensure_writable_dir(spec.out)
    work = out / WORK_DIR
    _clear_work(work)
    try:
        tasks, index = make_tasks(spec)
        t0 = time.perf_counter()
        outcome = execute(tasks, compare_run, work, functools.partial(make_executor, spec.jobs, None),
                          resume=False, progress=progress)
        run_seconds = time.perf_counter() - t0
        if outcome.failed:
            first = next(iter(outcome.failed.items()))
            raise CompareFailed(f"{len(outcome.failed)} of {len(tasks)} runs failed (first: {first[0]}: {first[1]}); "
                                f"details in {work / 'failed'}")

        wide = collect(work)
        ids = pd.DataFrame.from_dict(index, orient="index", columns=["scenario", "replicate", "seed"])
        ids = ids.loc[wide["run_id"]].reset_index(drop=True)
        wide = pd.concat([ids, wide.drop(columns="run_id")], axis=1)
        metrics = [c for c in wide.columns if c not in ID_COLUMNS]
        wide = wide[[*ID_COLUMNS, *metrics]]
        households = {s.name: households_of(s) for s in spec.scenarios}
        weeks = summary_weeks(spec.weeks)
        summary = summarize(wide, spec.names, spec.reference, weeks, households)
        series = over_time(wide, ["satisfaction_mean", "participation_monthly"], spec.reference)

        provenance = {"scenarios": spec.names, "reference": spec.reference, "weeks": spec.weeks,
                      "base_seed": spec.seed, "replicate_seeds": spec.seeds, "versions": versions(),
                      "units": metric_units(metrics)}  # the unit of `value` for each `metric`
        with staged_folder(out) as stage:  # every output appears together, or none (e.g. on a full disk)
            files = [atomic_write(stage / "runs.parquet", lambda p: write_parquet(to_long(wide), p, provenance))]
            files.append(atomic_write(stage / "summary.csv", lambda p: summary.to_csv(p, index=False)))
            files += plots.write_all(stage, spec, summary, series, lang=lang)
            wall = time.perf_counter() - started
            meta = {
                "scenarios": spec.names, "inputs": spec.inputs, "reference": spec.reference, "reps": spec.reps,
                "overrides": {n: o for n, o in zip(spec.names, spec.overrides, strict=False) if o},
                "weeks": spec.weeks, "summary_weeks": weeks, "base_seed": spec.seed, "replicate_seeds": spec.seeds,
                "jobs": spec.jobs, "households": households, "runs": len(tasks),
                "run_seconds": round(run_seconds, 2), "wall_seconds_before_report": round(wall, 2),
                "flow_metrics_window_weeks": WINDOW_WEEKS, "flow_metrics": sorted(FLOW_METRICS & set(metrics)),
                "versions": versions(),
            }
            if spec.posterior is not None:
                meta["posterior"] = {
                    "path": str(spec.posterior.path.resolve()), "calibration": spec.posterior.settings.get("name"),
                    "parameters": spec.posterior.parameters,
                    "draw_rows": [spec.posterior.draw_index(r) for r in range(spec.reps)], "draws": spec.draws,
                    "not_applied": {scen.name: idle for i, scen in enumerate(spec.scenarios)
                                    if (idle := posterior_not_applied(
                                        scen, spec.overrides[i] if spec.overrides else {}, spec.posterior.parameters))},
                }
            files.append(atomic_write(stage / "compare.json", lambda p: p.write_text(
                json.dumps(meta, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")))
            text = report.render(spec, summary, meta, [f.name for f in files], lang=lang)
            files.append(atomic_write(stage / "report.md", lambda p: p.write_text(text, encoding="utf-8")))
            files = [out / f.relative_to(stage) for f in files]
    except CompareFailed:
        raise  # the failed runs' records stay in WORK_DIR for inspection
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        if created:
            with contextlib.suppress(OSError):
                out.rmdir()  # only if empty: the folder this comparison created
        raise
    shutil.rmtree(work, ignore_errors=True)
    return CompareResult(spec, summary, files, time.perf_counter() - started, run_seconds)


# ------------------------------------------------------------------------------------ CLI


def compare(scenarios: list[Any], reference: str = "baseline", reps: int = DEFAULT_REPS,
            weeks: int = DEFAULT_WEEKS, seed: int = DEFAULT_SEED, jobs: int | None = None,
            out: str | Path = "out/compare", overrides: dict[str, Any] | None = None,
            progress: bool = False, posterior: str | Path | None = None, lang: str = "en") -> CompareResult:
    """Compare scenarios from Python: what ``run.py compare`` does, returning the result.

    ``scenarios`` may mix names, paths, ``NAME:PARAM=VALUE`` texts, Scenarios and dicts; ``overrides``
    apply to every scenario (like ``--set``); ``posterior`` is ``--posterior``. Writes the same files into ``out``.
    """
    spec = plan(scenarios, reference=reference, reps=reps, weeks=weeks, seed=seed, jobs=jobs, out=out,
                overrides=overrides, posterior=posterior)
    return run_comparison(spec, progress=progress, lang=lang)


EXAMPLES = """\
examples:
  run.py compare points baseline --reps 20 --weeks 156
  run.py compare qiaokou_shangcheng qingyang_2018 baseline --set buck_pass_prob=0.2 --jobs 2
  run.py compare baseline baseline:points.enabled=true,points.crowding=0.5 --reps 10
  run.py compare my/scenario.toml baseline --reference baseline --out out/mine
"""


def add_cli(subparsers: Any) -> None:
    """Register ``run.py compare``."""
    p = subparsers.add_parser(
        "compare", help="compare scenarios over replicate seeds (paired, with intervals)",
        description="Run every SCENARIO with the same replicate seeds and report each one's difference from "
                    "--reference with a paired 95 %% interval (report.md, summary.csv, runs.parquet, plots).",
        epilog=EXAMPLES, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("scenarios", nargs="+", metavar="SCENARIO",
                   help="a scenario name (see `list`), a .toml path, or NAME:PARAM=VALUE[,PARAM=VALUE] for that "
                        "scenario with parameters changed (e.g. baseline:points.enabled=true), to compare a "
                        "scenario against itself")
    p.add_argument("--reference", default="baseline", metavar="SCENARIO",
                   help="the scenario the others are compared with; must be one of SCENARIO (default baseline)")
    p.add_argument("--set", action="append", metavar="NAME=VALUE",
                   help="change a parameter in every scenario (repeatable), e.g. --set buck_pass_prob=0.2")
    p.add_argument("--reps", type=int, default=DEFAULT_REPS, metavar="N",
                   help=f"replicate seeds per scenario, 2 or more (default {DEFAULT_REPS})")
    p.add_argument("--weeks", type=int, default=DEFAULT_WEEKS, metavar="W",
                   help=f"weeks simulated (default {DEFAULT_WEEKS} = three years)")
    p.add_argument("--jobs", type=parse_jobs, default=None, metavar="N",
                   help="worker processes (default: all cores); results do not depend on it")
    p.add_argument("--seed", type=int, default=DEFAULT_SEED, metavar="S",
                   help=f"base seed the replicate seeds are derived from (default {DEFAULT_SEED})")
    p.add_argument("--out", default="out/compare", metavar="DIR", help="output folder (default out/compare)")
    p.add_argument("--posterior", default=None, metavar="DIR",
                   help="a calibration's output folder (run.py calibrate): replicate r runs under its r-th "
                        "parameter draw in every scenario, so intervals include parameter uncertainty")
    p.add_argument("--lang", choices=("en", "zh"), default="en",
                   help="language of report.md and the plots: en (English, default) or zh (中文)")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.set_defaults(handler=cmd_compare)


def cmd_compare(args: argparse.Namespace) -> int:
    """``run.py compare``: validate everything, then run and write; prints the horizon differences."""
    from model.parameters import parse_sets

    started = time.perf_counter()
    spec = plan(args.scenarios, reference=args.reference, reps=args.reps, weeks=args.weeks, seed=args.seed,
                jobs=args.jobs, out=args.out, overrides=parse_sets(args.set), posterior=args.posterior)
    try:
        result = run_comparison(spec, progress=not args.quiet, started=started, lang=args.lang)
    except CompareFailed as exc:
        print(f"run.py compare: error: {exc}", file=sys.stderr)
        return 1
    s = result.summary
    h = s[s["horizon"] & s["metric"].isin(["satisfaction_mean", "participation_monthly"])]
    print(f"{len(spec.names)} scenarios x {spec.reps} replicates, {spec.weeks} weeks, base seed {spec.seed}: "
          f"{result.wall_seconds:.1f} s (runs {result.run_seconds:.1f} s)")
    print(f"difference from {spec.reference} at week {spec.weeks} (95 % interval, paired):")
    for row in h.itertuples():
        if row.scenario != spec.reference:
            print(f"  {row.scenario:28s} {row.metric:24s} {row.diff:+.4f}  [{row.diff_ci_low:+.4f}, {row.diff_ci_high:+.4f}]")
    print(f"wrote {spec.out}/ report.md, summary.csv, runs.parquet and plots")
    return 0
