"""``run.py calibrate FILE --out DIR [--jobs N | --scheduler tcp://...] [--resume] [--holdout-after WEEK]``."""

from __future__ import annotations

import argparse
from typing import Any

from storage.inputs import parse_jobs

__all__ = ["add_cli", "cmd_calibrate"]


def cmd_calibrate(args: argparse.Namespace) -> int:
    """Validate, calibrate, write; print the parameter table and where the outputs are."""
    from experiments.calibration.driver import load_spec, run_calibration
    from model.errors import UserError

    if args.dry_run:
        spec = load_spec(args.calibration_file, args.holdout_after)
        m = spec.method
        print(f"{spec.name}: {len(spec.parameters)} free parameters ({', '.join(spec.names)}) on scenario "
              f"{spec.scenario_name}, {spec.weeks} weeks; {len(spec.fitted)} of {len(spec.observations)} observations "
              f"fitted; ABC-SMC population {m.population} x {m.seeds_per_particle} seeds, at most "
              f"{m.max_simulations} runs + {m.predictive_draws} predictive")
        return 0
    if args.out is None:
        raise UserError("--out DIR is required (the folder the calibration writes)")
    done = run_calibration(args.calibration_file, args.out, jobs=args.jobs, scheduler=args.scheduler,
                           resume=args.resume, holdout_after=args.holdout_after, progress=not args.quiet)
    result, summary = done["result"], done["summary"]
    print(f"{len(result.generations)} generations, {result.simulations} runs, {done['seconds']:.0f} s; "
          f"stopped: {result.stop_reason}")
    print(f"{'parameter':36s} {'median':>10s} {'q05':>10s} {'q95':>10s} {'contraction':>11s}  verdict")
    for row in summary.itertuples():
        print(f"{row.parameter:36s} {row.median:10.4g} {row.q05:10.4g} {row.q95:10.4g} {row.contraction:11.2f}  "
              f"{row.identification}")
    print(f"wrote {done['out']}/ report.md, summary.csv, posterior.parquet, fit.png, posterior.png, calibrated.toml, "
          "calibration.json")
    return 0


def _week(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a week number, got {text!r}") from None


def add_cli(sub: Any) -> None:
    """Register ``calibrate`` with run.py."""
    p = sub.add_parser(
        "calibrate", help="fit free parameters to observed figures (ABC-SMC)",
        description="Fit a calibration file's free parameters to its observed figures by ABC-SMC and write the "
                    "posterior, fit plots, a report and calibrated.toml into --out.",
        epilog="examples:\n  run.py calibrate scenarios/calibration/chengdu_hotline.toml --dry-run\n"
               "  run.py calibrate scenarios/calibration/chengdu_hotline.toml --out out/calib --jobs 2",
        formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("calibration_file", help="a calibration file (see scenarios/calibration/)")
    p.add_argument("--out", default=None, help="output folder (required unless --dry-run)")
    where = p.add_mutually_exclusive_group()
    where.add_argument("--jobs", type=parse_jobs, default=None, help="local worker processes (default: all cores)")
    where.add_argument("--scheduler", default=None, metavar="tcp://HOST:PORT", help="a running Dask scheduler")
    p.add_argument("--resume", action="store_true", help="continue a calibration in --out at its first missing generation")
    p.add_argument("--holdout-after", type=_week, default=None, metavar="WEEK",
                   help="fit only observations up to WEEK; report predictive coverage of the later ones")
    p.add_argument("--dry-run", action="store_true", help="check the files and print what would run; write nothing")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.set_defaults(handler=cmd_calibrate)
