#!/usr/bin/env python
"""cogov command line: list, describe, run (and compare, sweep, sensitivity, viz, bench).

Installed, the same commands are ``cogov list``, ``cogov run ...`` (the ``cogov`` console script
calls :func:`main`).

    python run.py list
    python run.py describe baseline
    python run.py run points --weeks 104 --seed 3 --set points.crowding=0.5 --out out/points

Bad input gets one line on stderr and exit status 2; nothing is written.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, NoReturn

ROOT = Path(__file__).resolve().parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from model.errors import UserError  # noqa: E402

Handler = Callable[[argparse.Namespace], int]
#: How the command line switches a mechanism on (hint in refusals of parameters of mechanisms that are off).
SET_SWITCH = "--set {switch}=true"


class OneLineParser(argparse.ArgumentParser):
    """argparse that reports bad usage on one line (exit 2) instead of usage + error."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: error: {message} (see --help)\n")


def parse_sets(items: list[str] | None) -> dict[str, Any]:
    """`--set name=value` pairs, parsed and validated against the parameter declaration."""
    from model.parameters import parse_sets as parse

    return parse(items, "--set")


# -- list -------------------------------------------------------------------------------------
def cmd_list(args: argparse.Namespace) -> int:
    from docgen.listing import list_lines

    print("\n".join(list_lines()))
    return 0


# -- describe ---------------------------------------------------------------------------------
def cmd_describe(args: argparse.Namespace) -> int:
    from docgen.listing import describe_lines
    from model.model import resolve_parameters

    overrides = parse_sets(args.set)
    scen, params = resolve_parameters(args.scenario, overrides, where="--set", how_to_enable=SET_SWITCH)
    print("\n".join(describe_lines(scen, params, set(overrides), args.all)))
    return 0


# -- run --------------------------------------------------------------------------------------
def cmd_run(args: argparse.Namespace) -> int:
    from experiments.one_run import run_scenario, summary_table
    from model.model import resolve_parameters
    from model.parameters import validate_value
    from model.run_inputs import check_seed, households
    from storage.inputs import check_out
    from storage.outputs import staged_folder, versions, write_run_outputs

    seed = check_seed(args.seed)
    overrides = parse_sets(args.set)
    if args.weeks is not None:
        overrides["weeks"] = validate_value("weeks", args.weeks, where="--weeks")
    scen, params = resolve_parameters(args.scenario, overrides, where="--set", how_to_enable=SET_SWITCH)
    out = check_out(args.out)  # validated here, written only when the run is done
    started = time.perf_counter()
    frame = run_scenario(scen, seed=seed, overrides=overrides)
    elapsed = time.perf_counter() - started
    meta = {
        "scenario": scen.name, "scenario_file": str(scen.path), "seed": seed, "weeks": params["weeks"],
        "households": households(params), "overrides": overrides,
        "parameters": params, "versions": versions(), "wall_seconds": round(elapsed, 3),
    }
    with staged_folder(out) as stage:  # the three files appear together or not at all
        write_run_outputs(stage, frame, meta)
    print(f"{scen.name} ({scen.label_zh} / {scen.label_en}), seed {seed}, {params['weeks']} weeks, "
          f"{elapsed:.2f} s")
    print(summary_table(frame))
    print(f"\nwrote {out / 'timeseries.parquet'}, {out / 'timeseries.csv'}, {out / 'run.json'}")
    return 0


def program_name() -> str:
    """``cogov`` when started as the installed console script, else ``run.py``."""
    return "cogov" if sys.argv and Path(sys.argv[0]).name == "cogov" else "run.py"


#: Subcommands that live with their implementation: the module whose `add_cli` registers each.
EXTRA_COMMANDS = {
    "compare": "experiments.compare",
    "sweep": "experiments.sweep_cli",
    "sensitivity": "experiments.sweep_cli",
    "calibrate": "experiments.calibration.cli",
    "viz": "viz.server",
    "bench": "benchmarks.bench",
    "docs": "docgen.cli",
}


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    """The command line. With ``command`` (the word that names the subcommand) only the module of that
    subcommand is imported, so a command does not pay for the imports of all the others; without it, or
    for a word that is no subcommand (argparse then lists them all), every subcommand is registered."""
    from model import __version__

    parser = OneLineParser(prog=program_name(),
                           description="cogov: community co-governance simulation (共建共治共享)")
    parser.add_argument("--version", action="version", version=f"cogov {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=OneLineParser)

    raw = argparse.RawDescriptionHelpFormatter
    p = sub.add_parser("list", help="scenarios and mechanisms", formatter_class=raw,
                       description="List the shipped scenarios and every mechanism, in 中文 and English.",
                       epilog=f"example:\n  {program_name()} list")
    p.set_defaults(handler=cmd_list)

    p = sub.add_parser(
        "describe", help="every resolved parameter of a scenario", formatter_class=raw,
        description="Print every parameter of a scenario with its value, unit, valid range, and whether the "
                    "default, the scenario or --set gave it.",
        epilog=f"examples:\n  {program_name()} describe old_compound\n"
               f"  {program_name()} describe points --set points.crowding=0.5 --all")
    p.add_argument("scenario", nargs="?", default="baseline", metavar="SCENARIO",
                   help="a scenario name (see `list`) or a .toml path (default: baseline)")
    p.add_argument("--set", action="append", metavar="NAME=VALUE",
                   help="change a parameter (repeatable), e.g. --set buck_pass_prob=0.2; mechanism parameters "
                        "are KEY.NAME, e.g. --set points.enabled=true")
    p.add_argument("--all", action="store_true",
                   help="every parameter (mechanisms that are off too), each with its prior and source or assumption")
    p.set_defaults(handler=cmd_describe)

    p = sub.add_parser(
        "run", help="one run of a scenario", formatter_class=raw,
        description="Run one scenario once and write timeseries.parquet, timeseries.csv (one row a week, "
                    "week 0 = the start) and run.json (parameters, seed, versions, units) into --out.",
        epilog=f"examples:\n  {program_name()} run baseline\n"
               f"  {program_name()} run points --weeks 104 --seed 3 --set points.crowding=0.5 --out out/points\n"
               f"  {program_name()} run my/scenario.toml --out out/mine")
    p.add_argument("scenario", metavar="SCENARIO", help="a scenario name (see `list`) or a .toml path")
    p.add_argument("--weeks", type=int, default=None, metavar="W",
                   help="weeks to simulate (default: the scenario's horizon, usually 156 = three years)")
    p.add_argument("--seed", type=int, default=1, metavar="S",
                   help="the run's random seed, 0 or more (default 1); the same seed gives the same results")
    p.add_argument("--set", action="append", metavar="NAME=VALUE",
                   help="change a parameter (repeatable), e.g. --set buck_pass_prob=0.2 or --set points.enabled=true")
    p.add_argument("--out", default="out/run", metavar="DIR", help="output folder (default out/run)")
    p.set_defaults(handler=cmd_run)

    if command in sub.choices:  # list, describe, run: nothing else to import
        return parser
    for register in _extra_commands(command):
        register(sub)
    return parser


def _extra_commands(command: str | None = None) -> list[Callable[[Any], None]]:
    """The `add_cli` functions of the subcommands in EXTRA_COMMANDS (only ``command``'s when it names one)."""
    import importlib

    modules = [EXTRA_COMMANDS[command]] if command in EXTRA_COMMANDS else list(dict.fromkeys(EXTRA_COMMANDS.values()))
    found = []
    for module_name in modules:
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as exc:
            if exc.name and module_name.startswith(exc.name):
                continue
            raise
        register = getattr(module, "add_cli", None)
        if register is not None:
            found.append(register)
    return found


def main(argv: list[str] | None = None) -> int:
    words = sys.argv[1:] if argv is None else argv
    parser = build_parser(next((w for w in words if not w.startswith("-")), None))
    args = parser.parse_args(words)
    from model.errors import one_line
    from storage.outputs import DiskFull, is_disk_full

    try:
        return args.handler(args)
    except UserError as exc:
        print(f"{program_name()} {args.command}: error: {one_line(str(exc))}", file=sys.stderr)
        return 2
    except (DiskFull, OSError) as exc:  # a full disk is one line and status 1; other OS errors propagate
        if not is_disk_full(exc):
            raise
        where = exc.path if isinstance(exc, DiskFull) else (exc.filename or "an output file")
        print(f"{program_name()} {args.command}: error: no space left writing {one_line(str(where))}",
              file=sys.stderr)
        return 1
    except BrokenPipeError:  # output piped into `head` and closed early
        return 0
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
