"""``run.py sweep`` and ``run.py sensitivity``: parsing and dispatch (the sweep file's format is in
`experiments.sweep_file`, the driver in `experiments.sweep`). Light to import: run.py builds its parser
from it, and the driver's imports wait for the command that needs them."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from storage.inputs import parse_jobs, whole_number_parser

__all__ = ["add_cli", "cmd_sweep", "cmd_sensitivity"]

_positive = whole_number_parser("a whole number")  # --replicates, --weeks, --samples


def cmd_sweep(args: argparse.Namespace) -> int:
    """``run.py sweep``."""
    from experiments.worker_pool import PRELOAD, preload_modules

    preload_modules(("experiments.sweep", *PRELOAD))  # the driver and the model at once, collector paused
    from experiments.sweep import build_design, load_sweep, run_sweep

    if args.dry_run:
        spec = load_sweep(args.sweep_file, _overrides(args))
        design = build_design(spec)
        n = len(design.points)
        print(
            f"{spec.name}: {spec.method} design over {', '.join(design.names)}; {n} points × "
            f"{spec.replicates} replicates = {n * spec.replicates} runs of {spec.weeks} weeks on "
            f"scenario {spec.scenario_name}; outcomes: {', '.join(o.name for o in spec.outcomes)}"
        )
        return 0
    summary = run_sweep(
        args.sweep_file,
        args.out,
        jobs=args.jobs,
        scheduler=args.scheduler,
        resume=args.resume,
        progress=not args.quiet,
        plots=not args.no_plots,
        overrides=_overrides(args),
    )
    failed = summary["failed"]
    print(
        f"{summary['runs']} runs: {summary['completed']} done now, {summary['skipped']} already done, "
        f"{len(failed)} failed; {summary['seconds']:.1f} s"
    )
    for note in summary["notes"]:
        print(f"note: {note}", file=sys.stderr)
    print("wrote " + ", ".join(str(p) for p in summary["written"]))
    if failed:
        print(
            f"{len(failed)} run(s) failed (see {summary['out'] / 'failed'}); `--resume` retries them",
            file=sys.stderr,
        )
        return 1
    return 0


def cmd_sensitivity(args: argparse.Namespace) -> int:
    """``run.py sensitivity DIR``."""
    from experiments.sweep import read_manifest, write_results_and_analysis

    out = Path(args.dir)
    manifest = read_manifest(out)
    results, analysis, written = write_results_and_analysis(out, manifest, analyse=True, plots=True)
    for note in analysis.notes:
        print(f"note: {note}", file=sys.stderr)
    done = results["run_id"].nunique() if len(results) else 0
    if done:
        from experiments.sensitivity import ranking, ranking_text

        print(ranking_text(manifest, ranking(manifest, results, analysis.indices)))
    print(
        f"{done} of {len(manifest['runs'])} runs finished; wrote "
        + ", ".join(str(p) for p in written)
    )
    return 1 if analysis.incomplete else 0


SWEEP_EXAMPLES = """\
examples:
  run.py sweep scenarios/sweeps/buck_passing_grid.toml --jobs 2
  run.py sweep scenarios/sweeps/points_sobol.toml --samples 8 --replicates 1 --weeks 26 --out out/try
  run.py sweep scenarios/sweeps/owner_share_lhs.toml --dry-run --samples 16
  run.py sweep my_sweep.toml --scheduler tcp://10.0.0.5:8786 --out out/big --resume
"""


def add_cli(sub: Any) -> None:
    """Register ``sweep`` and ``sensitivity`` with run.py."""
    p = sub.add_parser(
        "sweep", help="many runs over a design (grid, Latin hypercube, Morris, Sobol)",
        description="Run a sweep file's design (format: top of experiments/sweep_file.py; examples in "
                    "scenarios/sweeps/), write one file per run, then results.parquet, sensitivity indices "
                    "and plots. --replicates, --weeks and --samples shrink or grow it without editing the file.",
        epilog=SWEEP_EXAMPLES, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("sweep_file", metavar="FILE", help="a sweep file (TOML), e.g. scenarios/sweeps/points_sobol.toml")
    p.add_argument("--replicates", type=_positive, default=None, metavar="N",
                   help="runs per design point, in place of the file's [sweep] replicates")
    p.add_argument("--weeks", type=_positive, default=None, metavar="W",
                   help="weeks per run, in place of the file's [sweep] weeks")
    p.add_argument("--samples", type=_positive, default=None, metavar="N",
                   help="design size in place of the file's: lhs points, Sobol' N (a power of two) or Morris "
                        "trajectories; not for grids")
    where = p.add_mutually_exclusive_group()
    where.add_argument("--jobs", type=parse_jobs, default=None, metavar="N",
                       help="local worker processes (default: all cores); results do not depend on it")
    where.add_argument(
        "--scheduler", default=None, metavar="tcp://HOST:PORT",
        help="a running Dask scheduler to run on instead of local processes (needs the [cluster] extra)"
    )
    p.add_argument("--out", default=None, metavar="DIR", help="output folder (default out/sweeps/NAME)")
    p.add_argument(
        "--resume", action="store_true", help="continue a sweep in --out: run only what is missing"
    )
    p.add_argument(
        "--dry-run", action="store_true", help="check the file and print the number of runs; write nothing"
    )
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.add_argument(
        "--no-plots", action="store_true", help="skip the plots (`run.py sensitivity DIR` draws them later)"
    )
    p.set_defaults(handler=cmd_sweep)

    s = sub.add_parser(
        "sensitivity", help="results, sensitivity indices and plots of a sweep folder",
        description="(Re)compute a sweep folder's results.parquet, sensitivity indices and plots from its run "
                    "files (e.g. after --no-plots or an interrupted sweep), and print each outcome's parameter "
                    "ranking.",
        epilog="example:\n  run.py sensitivity out/sweeps/points_sobol",
        formatter_class=argparse.RawDescriptionHelpFormatter)
    s.add_argument("dir", metavar="DIR", help="the folder a sweep wrote (its --out), e.g. out/sweeps/points_sobol")
    s.set_defaults(handler=cmd_sensitivity)


def _overrides(args: argparse.Namespace) -> dict[str, int]:
    from experiments.sweep_file import OVERRIDE_FLAGS

    return {k: getattr(args, k) for k in OVERRIDE_FLAGS if getattr(args, k, None) is not None}
