"""The command line: list, describe, run, and every kind of bad input (one line, exit 2, nothing written)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

ROOT = Path(__file__).resolve().parent.parent


def cli(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, str(ROOT / "run.py"), *args], capture_output=True, text=True, cwd=cwd,
                          timeout=300)


def assert_clean_error(result: subprocess.CompletedProcess[str], *fragments: str) -> None:
    assert result.returncode == 2, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "Traceback" not in result.stderr
    for fragment in fragments:
        assert fragment in lines[0], lines[0]


def test_list_shows_scenarios_and_mechanisms_in_both_languages() -> None:
    result = cli("list")
    assert result.returncode == 0
    for text in ("baseline", "传统行政管理", "old_compound", "commodity_estate", "points", "积分制",
                 "three_party_linkage", "三方联动", "Three-party linkage"):
        assert text in result.stdout


def test_describe_shows_value_unit_range_label_and_source() -> None:
    result = cli("describe", "old_compound", "--set", "buck_pass_prob=0.2")
    assert result.returncode == 0
    line = next(ln for ln in result.stdout.splitlines() if ln.startswith("owners_committee_share"))
    assert "scenario:old_compound" in line and "[0, 1]" in line and "业委会" in line
    line = next(ln for ln in result.stdout.splitlines() if ln.startswith("buck_pass_prob "))
    assert "--set" in line and "0.2" in line
    line = next(ln for ln in result.stdout.splitlines() if ln.startswith("fee "))
    assert "default" in line and "yuan/household/month" in line


def test_run_writes_outputs_and_summary(tmp_path: Path) -> None:
    out = tmp_path / "run"
    result = cli("run", "points", "--weeks", "60", "--seed", "4", "--set", "points.crowding=0.5", "--out", str(out))
    assert result.returncode == 0, result.stderr
    assert "week 52" in result.stdout and "fee collection" in result.stdout
    frame = pd.read_parquet(out / "timeseries.parquet")
    assert len(frame) == 61 and frame["week"].iloc[-1] == 60
    assert len(pd.read_csv(out / "timeseries.csv")) == 61
    meta = json.loads((out / "run.json").read_text())
    assert meta["scenario"] == "points" and meta["seed"] == 4
    assert meta["parameters"]["points.crowding"] == 0.5 and meta["versions"]["mesa"] == "3.3.1"
    assert not [p for p in out.iterdir() if p.name.startswith(".")]  # no temporary files left


def test_cli_runs_are_bit_identical(tmp_path: Path) -> None:
    for name in ("a", "b"):
        assert cli("run", "three_party_linkage", "--weeks", "30", "--seed", "9", "--out", str(tmp_path / name)
                   ).returncode == 0
    assert (tmp_path / "a" / "timeseries.parquet").read_bytes() == (tmp_path / "b" / "timeseries.parquet").read_bytes()


BAD_TOML = {
    "malformed.toml": ("[scenario\nname = 'x'\n", ["malformed.toml", "malformed TOML"]),
    "unknown_key.toml": ("[population]\nowner_shar = 0.5\n", ["unknown_key.toml", "owner_shar", "owner_share"]),
    "wrong_type.toml": ("[population]\nowner_share = 'many'\n", ["wrong_type.toml", "owner_share", "number"]),
    "out_of_range.toml": ("[compounds]\nfirm_share = 1.5\n", ["out_of_range.toml", "firm_share", "[0, 1]"]),
    "unknown_mechanism.toml": ("[mechanisms.pointz]\n", ["unknown_mechanism.toml", "pointz", "points"]),
    "unknown_mech_param.toml": ("[mechanisms.points]\ncrowdin = 0.2\n", ["crowdin", "crowding"]),
    "unknown_section.toml": ("[populaton]\n", ["populaton", "population"]),
    "unknown_base.toml": ("[scenario]\nbase = 'basline'\n", ["basline", "baseline"]),
    "bad_sum.toml": ("[population]\nyouth_share = 0.6\nretired_share = 0.6\n", ["youth_share", "at most 1"]),
}


@pytest.mark.parametrize("filename", sorted(BAD_TOML))
def test_bad_scenario_files(tmp_path: Path, filename: str) -> None:
    text, fragments = BAD_TOML[filename]
    path = tmp_path / filename
    path.write_text(text, encoding="utf-8")
    out = tmp_path / "out"
    assert_clean_error(cli("run", str(path), "--weeks", "2", "--out", str(out)), *fragments)
    assert not out.exists()


@pytest.mark.parametrize(
    ("args", "fragments"),
    [
        (["run", "basline"], ["basline", "baseline"]),
        (["run", "baseline", "--set", "buck_pass_prb=0.3"], ["--set", "buck_pass_prb", "buck_pass_prob"]),
        (["run", "baseline", "--set", "buck_pass_prob=3"], ["--set", "buck_pass_prob", "[0, 1]"]),
        (["run", "baseline", "--set", "buck_pass_prob"], ["--set", "name=value"]),
        (["run", "baseline", "--set", "grids=2.5"], ["grids", "integer"]),
        (["run", "baseline", "--set", "points.enabled=maybe"], ["points.enabled", "true or false"]),
        (["run", "baseline", "--set", "pointz.enabled=true"], ["pointz.enabled"]),
        (["run", "baseline", "--weeks", "0"], ["weeks", "[1, 2000]"]),
        (["run", "baseline", "--weeks", "many"], ["--weeks"]),
        (["describe", "nope"], ["nope"]),
        (["frobnicate"], ["frobnicate"]),
    ],
)
def test_bad_command_lines(tmp_path: Path, args: list[str], fragments: list[str]) -> None:
    out = tmp_path / "out"
    assert_clean_error(cli(*args, "--out", str(out)) if args[0] == "run" else cli(*args), *fragments)
    assert not out.exists()


def test_unwritable_out(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    assert_clean_error(cli("run", "baseline", "--weeks", "2", "--out", str(blocker)), "--out", "not a directory")
    assert_clean_error(cli("run", "baseline", "--weeks", "2", "--out", str(blocker / "sub")), "--out")
    assert blocker.read_text() == "not a folder"
