"""The command line of the documentation generator: ``python -m docgen [--check] [--path FILE]`` and
``python run.py docs`` (`add_cli`)."""

from __future__ import annotations

import argparse
import sys
import textwrap
from pathlib import Path
from typing import Any

import docgen
from docgen.odd import ODD_PATH, REGENERATE_COMMAND, update
from model.errors import UserError

__all__ = ["add_cli", "main"]


def _run(args: argparse.Namespace) -> int:
    path = Path(args.path)
    stale = update(path, check=args.check)
    if args.check:
        if stale:
            print(f"{path}: stale generated section(s): {', '.join(stale)}; run `{REGENERATE_COMMAND}`",
                  file=sys.stderr)
            return 1
        print(f"{path}: generated sections are up to date")
        return 0
    print(f"{path}: regenerated {', '.join(stale)}" if stale else f"{path}: already up to date")
    return 0


def _add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--check", action="store_true", help="only report stale sections (exit 1 if any)")
    parser.add_argument("--path", default=str(ODD_PATH), help="the ODD file (default docs/ODD.md)")


def add_cli(subparsers: Any) -> None:
    """`python run.py docs [--check]`."""
    parser = subparsers.add_parser(
        "docs", help="regenerate the generated sections of docs/ODD.md",
        description="Regenerate the generated sections of docs/ODD.md (parameters, mechanisms, reporters, ...) "
                    "from the code.",
        epilog="examples:\n  run.py docs\n  run.py docs --check",
        formatter_class=argparse.RawDescriptionHelpFormatter)
    _add_arguments(parser)
    parser.set_defaults(handler=_run)


def main(argv: list[str] | None = None) -> int:
    """``python -m docgen``: regenerate (or, with ``--check``, only name) the stale sections."""
    parser = argparse.ArgumentParser(prog="python -m docgen", description=textwrap.dedent(docgen.__doc__ or ""),
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    _add_arguments(parser)
    args = parser.parse_args(argv)
    try:
        return _run(args)
    except UserError as exc:
        print(f"docgen: error: {exc}", file=sys.stderr)
        return 2
