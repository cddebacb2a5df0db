"""``python run.py bench [--quick]``: how fast the model is, against a per-agent baseline and targets.

Times model set-up and the run separately over several seeds after a warm-up and reports medians
with ranges. The references (``benchmarks/per_agent_baseline.py``: a per-agent Mesa model and a
tight numpy kernel of the household rules) run interleaved with the real model on the same seeds, in
the same process, and speeds are compared as ratios within each interleaved pair, so they hold on a
noisy shared machine; against the kernel the ratio uses the CPU time of the simulating thread.
Writes ``results.json`` and ``results.md`` (a Markdown table for the README, with the machine) into
``--out`` (default ``benchmarks/``; with ``--quick``, ``out/bench/``, so a quick run never touches
the committed figures), each atomically.

Targets are reported as met / not met; they are not timed tests. ``--quick`` uses small sizes and
one repetition so CI can run it in seconds; its figures are not comparable with the targets.

This module runs the measurements and writes the results; they live in ``benchmarks.config`` (what
to measure, shared helpers), ``model_speed`` (the model by size, the default scenario, memory),
``kernel_speed`` (against the per-agent baseline and the numpy kernel), ``sweep_speed`` (a sweep's
fixed cost, the pool's throughput) and ``report`` (targets, verdicts, ``results.md``).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import time
from dataclasses import asdict, replace
from pathlib import Path
from typing import Any

from benchmarks.config import FULL, LAYOUTS, QUICK, BenchConfig, log
from benchmarks.kernel_speed import measure_baseline, measure_kernel
from benchmarks.model_speed import measure_default, measure_memory, measure_sizes
from benchmarks.report import TARGETS, judge, machine, render_markdown
from benchmarks.sweep_speed import measure_sweep, measure_sweep_fixed, sweep_run
from storage.outputs import atomic_write, ensure_writable_dir

__all__ = [
    "BenchConfig",
    "FULL",
    "QUICK",
    "run_bench",
    "sweep_run",
    "add_cli",
    "render_markdown",
    "TARGETS",
    "default_out",
]

HERE = Path(__file__).resolve().parent
#: Where ``--quick`` writes by default: out/ is not tracked, so a quick run leaves the checkout clean.
QUICK_OUT = HERE.parent / "out" / "bench"


def run_bench(cfg: BenchConfig, out_dir: Path) -> dict[str, Any]:
    """Measure everything in `cfg`, write results.json and results.md into `out_dir`, return the results."""
    started = time.perf_counter()
    results: dict[str, Any] = {"machine": machine(), "config": asdict(cfg)}
    log(
        f"cogov bench ({'quick' if cfg.quick else 'full'}) on {results['machine']['cpu']}, "
        f"{results['machine']['cores']} cores"
    )
    results["sizes"] = measure_sizes(cfg)
    results["baseline"] = measure_baseline(cfg)
    results["kernel"] = measure_kernel(cfg)
    results["default_scenario"] = measure_default(cfg)
    results["memory"] = measure_memory(cfg)
    results["sweep_fixed"] = measure_sweep_fixed(cfg)
    results["sweep"] = measure_sweep(cfg)
    results["targets"] = judge(results)
    with contextlib.suppress(OSError):
        results["machine"]["load_average_at_end"] = [round(x, 2) for x in os.getloadavg()]
    results["bench_seconds"] = time.perf_counter() - started
    text = json.dumps(results, indent=2, ensure_ascii=False) + "\n"
    atomic_write(out_dir / "results.json", lambda p: p.write_text(text, encoding="utf-8"))
    markdown = render_markdown(results)
    atomic_write(out_dir / "results.md", lambda p: p.write_text(markdown, encoding="utf-8"))
    return results


def profile_large(out_dir: Path, weeks: int = 52) -> Path:
    """Profile the full model at 96,000 households with pyinstrument; writes profile_96000.txt."""
    from model.model import CoGovernanceModel

    try:
        from pyinstrument import Profiler
    except ImportError:
        from model.errors import UserError

        raise UserError(
            "--profile needs pyinstrument (pip install pyinstrument; it is in the test extra)"
        ) from None
    model = CoGovernanceModel("baseline", seed=1, **LAYOUTS[96_000])
    model.run(2)
    profiler = Profiler(interval=0.0005)
    profiler.start()
    model.run(weeks)
    profiler.stop()
    model.remove()
    text = profiler.output_text(unicode=True, color=False)
    return atomic_write(out_dir / "profile_96000.txt", lambda p: p.write_text(text, encoding="utf-8"))


# ---------------------------------------------------------------------------------------- CLI
def default_out(quick: bool) -> Path:
    """Where results go without ``--out``: the committed ``benchmarks/`` for a full run, ``out/bench/``
    (not tracked) for ``--quick``, whose figures are not comparable."""
    return QUICK_OUT if quick else HERE


def cmd_bench(args: argparse.Namespace) -> int:
    """Handler of ``run.py bench``."""
    cfg = QUICK if args.quick else FULL
    if args.reps is not None:
        if args.reps < 1:
            from model.errors import UserError

            raise UserError(f"--reps {args.reps}: expected a whole number, 1 or more")
        cfg = replace(cfg, reps=args.reps, reps_large=min(args.reps, cfg.reps_large))
    out = ensure_writable_dir(args.out if args.out is not None else default_out(cfg.quick))
    results = run_bench(cfg, out)
    print(render_markdown(results))
    print(f"wrote {out / 'results.json'} and {out / 'results.md'} ({results['bench_seconds']:.0f} s)")
    if args.profile:
        print(f"wrote {profile_large(out)}")
    return 0


def add_cli(subparsers: Any) -> None:
    """Register ``bench`` with run.py."""
    p = subparsers.add_parser(
        "bench", help="speed and memory against the per-agent baseline and the targets",
        description="Measure speed and memory on this machine and write results.json and results.md.",
        epilog="examples:\n  run.py bench --quick\n  run.py bench --reps 3 --out out/bench",
        formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--quick", action="store_true", help="small sizes, one repetition (for CI; seconds)")
    p.add_argument(
        "--out",
        default=None,
        help="folder for results.json and results.md (default benchmarks/, with --quick out/bench/)",
    )
    p.add_argument("--reps", type=int, default=None, help="timed seeds per size (default 5, 3 at 96,000)")
    p.add_argument(
        "--profile", action="store_true", help="also profile 52 weeks at 96,000 households (pyinstrument)"
    )
    p.set_defaults(handler=cmd_bench)
