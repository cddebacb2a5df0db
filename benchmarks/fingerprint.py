"""Fingerprints of model output, to check that an optimisation leaves results bit-identical.

A fingerprint is the SHA-256 of a run's weekly table: its column names and the exact bytes of its
values as float64. Nothing is hard-coded: record fingerprints before a change and check them after
it, on the same machine and the same working tree otherwise::

    python -m benchmarks.fingerprint --save /tmp/before.json    # before the change
    python -m benchmarks.fingerprint --check /tmp/before.json   # after it: exit 1 on any difference

The cases are every shipped scenario (52 weeks, default street) plus one street of 11,520
households, large enough to take the code paths that only big arrays take.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

__all__ = ["Case", "fingerprint", "default_cases", "fingerprints", "main"]

Case = tuple[str, int, int, dict[str, Any]]  # scenario, seed, weeks, overrides
LARGE: Case = ("baseline", 11, 26, {"n_communities": 6})


def fingerprint(frame: pd.DataFrame) -> str:
    """SHA-256 of the column names and the float64 bytes of every value (NaN patterns included)."""
    digest = hashlib.sha256("\x1f".join(map(str, frame.columns)).encode())
    digest.update(np.ascontiguousarray(frame.to_numpy(dtype=np.float64)).tobytes())
    return digest.hexdigest()


def case_name(case: Case) -> str:
    scenario, seed, weeks, overrides = case
    extra = ",".join(f"{k}={v}" for k, v in sorted(overrides.items()))
    return f"{scenario}:seed={seed}:weeks={weeks}" + (f":{extra}" if extra else "")


def default_cases(large: bool = True) -> list[Case]:
    """Every shipped scenario for 52 weeks (seed 1, 2, ...), and optionally the large street."""
    from scenarios import list_scenarios

    cases: list[Case] = [(name, i + 1, 52, {}) for i, name in enumerate(sorted(set(list_scenarios())))]
    return [*cases, LARGE] if large else cases


def fingerprints(cases: list[Case]) -> dict[str, str]:
    """Case name -> fingerprint of its `run_scenario` table."""
    from experiments.one_run import run_scenario

    return {
        case_name(c): fingerprint(run_scenario(c[0], seed=c[1], weeks=c[2], overrides=c[3])) for c in cases
    }


def parse_case(text: str) -> Case:
    """``scenario:seed:weeks[:name=value,...]`` (as on the command line; values are numbers or true/false)."""
    scenario, seed, weeks, *rest = text.split(":", 3)
    overrides: dict[str, Any] = {}
    for item in filter(None, (rest[0] if rest else "").split(",")):
        name, value = item.split("=", 1)
        overrides[name] = (
            {"true": True, "false": False}.get(value.lower())
            if value.lower() in ("true", "false")
            else (int(value) if value.lstrip("-").isdigit() else float(value))
        )
    return scenario, int(seed), int(weeks), overrides


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.fingerprint", description=__doc__.splitlines()[0]
    )
    parser.add_argument(
        "--case",
        action="append",
        type=parse_case,
        metavar="SCENARIO:SEED:WEEKS[:NAME=VALUE,...]",
        help="run only these cases (repeatable)",
    )
    parser.add_argument("--no-large", action="store_true", help="leave out the 11,520-household case")
    parser.add_argument("--save", type=Path, help="write the fingerprints to this JSON file")
    parser.add_argument("--check", type=Path, help="compare with a saved JSON file; exit 1 on any difference")
    parser.add_argument("--json", action="store_true", help="print the fingerprints as JSON")
    args = parser.parse_args(argv)
    cases = args.case or default_cases(large=not args.no_large)
    found = fingerprints(cases)
    if args.json:
        print(json.dumps(found, indent=2))
    if args.save:
        args.save.write_text(json.dumps(found, indent=2) + "\n", encoding="utf-8")
    if args.check:
        saved = json.loads(args.check.read_text(encoding="utf-8"))
        bad = [name for name, fp in found.items() if saved.get(name) != fp]
        for name in found:
            print(f"{'DIFFERS' if name in bad else 'same   '} {name}")
        return 1 if bad else 0
    if not args.json:
        for name, fp in found.items():
            print(f"{fp[:16]}  {name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
