"""The command line explains itself and blames the flag typed: every verb's --help documents every
argument and shows examples; sweeps shrink from the command line; sensitivity prints a ranking."""

from __future__ import annotations

import argparse
from pathlib import Path

import pytest

import run
from experiments.sweep import load_sweep, run_sweep
from model.errors import UserError

ROOT = Path(__file__).resolve().parent.parent
SWEEPS = ROOT / "scenarios" / "sweeps"
VERBS = ("list", "describe", "run", "compare", "sweep", "sensitivity", "viz", "bench", "docs", "calibrate")


def _subparsers() -> dict[str, argparse.ArgumentParser]:
    parser = run.build_parser()
    action = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return dict(action.choices)


def test_every_verb_documents_every_argument_with_an_example() -> None:
    verbs = _subparsers()
    assert set(VERBS) <= set(verbs)
    for name, sub in verbs.items():
        assert sub.epilog and "example" in sub.epilog and f" {name}" in sub.epilog, name
        assert sub.description, name
        for action in sub._actions:
            if isinstance(action, argparse._HelpAction):
                continue
            assert action.help and len(action.help) > 10, (name, action.dest)


@pytest.mark.parametrize("argv, flag, wrong", [
    (["run", "baseline", "--weeks", "-3"], "--weeks", "--set"),
    (["run", "baseline", "--seed", "-1"], "--seed", "--set"),
    (["compare", "baseline", "--weeks", "-3"], "--weeks", "--set"),
    (["sweep", str(SWEEPS / "points_sobol.toml"), "--dry-run", "--samples", "6"], "--samples", "points_sobol.toml:"),
    (["sweep", str(SWEEPS / "buck_passing_grid.toml"), "--dry-run", "--weeks", "3000"], "--weeks", "[sweep]"),
    (["sweep", str(SWEEPS / "buck_passing_grid.toml"), "--dry-run", "--samples", "4"], "--samples", "Traceback"),
])
def test_errors_blame_the_flag_typed(argv: list[str], flag: str, wrong: str, capsys: pytest.CaptureFixture,
                                     tmp_path: Path) -> None:
    if "run" in argv[:1] or "compare" in argv[:1]:
        argv = [*argv, "--out", str(tmp_path / "out")]
    try:
        status = run.main(argv)
    except SystemExit as exc:  # argparse's own type errors
        status = exc.code
    err = capsys.readouterr().err.strip()
    assert status == 2 and len(err.splitlines()) == 1, err
    assert flag in err and wrong not in err, err
    assert not (tmp_path / "out").exists()


def test_sweep_size_from_the_command_line() -> None:
    spec = load_sweep(SWEEPS / "points_sobol.toml", {"samples": 8, "replicates": 2, "weeks": 26})
    assert spec.options["samples"] == 8 and spec.replicates == 2 and spec.weeks == 26
    assert spec.overrides == {"samples": 8, "replicates": 2, "weeks": 26}
    morris = load_sweep(SWEEPS / "participation_morris.toml", {"samples": 3})
    assert morris.options["trajectories"] == 3
    with pytest.raises(UserError, match="--replicates 0"):
        load_sweep(SWEEPS / "points_sobol.toml", {"replicates": 0})


def test_sensitivity_prints_the_ranking(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    out = tmp_path / "morris"
    summary = run_sweep(SWEEPS / "participation_morris.toml", out, jobs=1, progress=False, plots=False,
                        analyse=False, overrides={"samples": 2, "replicates": 1, "weeks": 16})
    assert not summary["failed"]
    import json

    import pyarrow.parquet as pq

    provenance = json.loads(pq.read_schema(out / "results.parquet").metadata[b"cogov"])
    assert provenance["units"] == {"participation": "share", "satisfaction": "0–1"}
    assert provenance["scenario"] == "baseline" and provenance["weeks"] == 16
    with pytest.raises(UserError, match="resume it with the same flags"):
        run_sweep(SWEEPS / "participation_morris.toml", out, jobs=1, resume=True, progress=False,
                  overrides={"samples": 3, "replicates": 1, "weeks": 16})
    capsys.readouterr()
    assert run.main(["sensitivity", str(out)]) == 0
    text = capsys.readouterr().out
    assert "parameters ranked by Morris mu*" in text
    first = [line for line in text.splitlines() if line.strip().startswith("1. ")]
    assert len(first) == 2 and all("mu_star = " in line for line in first)  # one ranking per outcome
