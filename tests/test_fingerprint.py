"""Golden determinism: a run's exact float64 bytes are the same in one process, in a fresh one, and
(known issue, see below) whatever the number of BLAS threads. Nothing is hard-coded: optimisations
are checked by hand with ``python -m benchmarks.fingerprint --save`` before and ``--check`` after."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from benchmarks.fingerprint import case_name, default_cases, fingerprint, fingerprints
from experiments.one_run import run_scenario

ROOT = Path(__file__).resolve().parent.parent
CASES = [("baseline", 1, 52, {}), ("points", 2, 30, {})]


def _subprocess_fingerprints(args: list[str], env: dict[str, str] | None = None) -> dict[str, str]:
    proc = subprocess.run(
        [sys.executable, "-m", "benchmarks.fingerprint", "--json", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, **(env or {})},
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    return json.loads(proc.stdout)


def test_fingerprint_is_exact_and_sensitive() -> None:
    frame = run_scenario("baseline", seed=1, weeks=8)
    assert fingerprint(frame) == fingerprint(frame.copy())
    nudged = frame.copy()
    col = "satisfaction_mean"
    nudged.loc[3, col] = float(nudged.loc[3, col]) + 1e-16 * max(abs(float(nudged.loc[3, col])), 1.0)
    assert fingerprint(nudged) != fingerprint(frame)  # one ulp is enough
    assert fingerprint(frame.rename(columns={col: "x"})) != fingerprint(frame)


def test_same_process_twice_and_fresh_process_agree() -> None:
    first = fingerprints(CASES)
    assert fingerprints(CASES) == first
    args = [arg for c in CASES for arg in ("--case", f"{c[0]}:{c[1]}:{c[2]}")]
    assert _subprocess_fingerprints(args) == first


def test_default_cases_cover_every_scenario_and_a_large_street() -> None:
    from scenarios import list_scenarios

    cases = default_cases()
    assert {c[0] for c in cases} == set(list_scenarios())
    assert len({case_name(c) for c in cases}) == len(cases)
    assert any(c[3].get("n_communities", 1) * 1920 > 10_000 for c in cases)


@pytest.mark.slow
def test_large_street_does_not_depend_on_blas_threads() -> None:
    args = ["--case", "baseline:11:20:n_communities=6"]  # 11,520 households
    one = _subprocess_fingerprints(args, {"OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1"})
    two = _subprocess_fingerprints(args, {"OPENBLAS_NUM_THREADS": "2", "OMP_NUM_THREADS": "2"})
    assert one == two
