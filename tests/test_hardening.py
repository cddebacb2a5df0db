"""Bad input of every class (issue 14): files that are not what they claim, resource bombs, validation
order, the same rule in every command. Each case: exit status 2, one line on stderr naming the file or
flag, no traceback, nothing written. Runs `run.main` in-process (fast); the sweep-folder, concurrency and
disk-full cases are in tests/test_hardening_folders.py.
"""

from __future__ import annotations

import contextlib
import io
import os
import random
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

import run  # noqa: E402
from experiments.one_run import run_scenario  # noqa: E402
from model.errors import UserError, one_line, shown  # noqa: E402
from model.model import CoGovernanceModel  # noqa: E402
from storage import inputs as input_checks  # noqa: E402

TINY = ["--set", "grids=1", "--set", "buildings_per_grid=2", "--set", "households_per_building=10"]


def main(args: list[str], cwd: Path) -> tuple[int, str, str]:
    """`run.py ARGS` in-process, in folder `cwd`: (exit status, stdout, stderr)."""
    out, err = io.StringIO(), io.StringIO()
    here = Path.cwd()
    os.chdir(cwd)
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                code = run.main(args)
            except SystemExit as exc:  # argparse
                code = int(exc.code or 0)
    finally:
        os.chdir(here)
    return code, out.getvalue(), err.getvalue()


def listing(folder: Path) -> set[str]:
    return {str(p.relative_to(folder)) for p in folder.rglob("*")}


def refused(args: list[str], cwd: Path, *fragments: str) -> str:
    """Run, and check the refusal: status 2, one stderr line with `fragments`, nothing new in `cwd`."""
    before = listing(cwd)
    code, _, err = main(args, cwd)
    lines = err.strip().splitlines()
    assert code == 2, err
    assert len(lines) == 1 and "Traceback" not in err, err
    for fragment in fragments:
        assert fragment in lines[0], lines[0]
    assert listing(cwd) == before, "something was written"
    return lines[0]


# --------------------------------------------------------------------------- files


def _write(path: Path, data: bytes | str) -> Path:
    path.write_bytes(data if isinstance(data, bytes) else data.encode("utf-8"))
    return path


SCENARIO_OK = '[scenario]\nname = "mine"\nlabel_zh = "积分制试点"\n[parameters]\nbuck_pass_prob = 0.2\n'


@pytest.mark.parametrize(
    ("content", "fragments"),
    [
        (SCENARIO_OK.encode("gbk"), ["not UTF-8", "GBK", "save it as UTF-8"]),
        (SCENARIO_OK.encode("gb18030"), ["not UTF-8", "GBK"]),
        (SCENARIO_OK.encode("utf-16"), ["not UTF-8", "UTF-16", "save it as UTF-8"]),
        ('[scenario]\nlabel_en = "café"\n'.encode("latin-1"), ["not UTF-8", "invalid byte 0xe9", "save it as UTF-8"]),
        (b"", ["empty scenario file"]),
        (b"   \n\n\t\n", ["empty scenario file"]),
        (b"# only a comment\n\n# another\n", ["empty"]),
        (random.Random(1).randbytes(400), ["binary"]),
        (random.Random(2).randbytes(4000).replace(b"\x00", b"\x01"), ["binary"]),
        ("a = " + "[" * 5000 + "]" * 5000, ["nests arrays or tables more than"]),
        ("a = " + "[" * 20 + "1" + "]" * 20, ["nests arrays or tables more than"]),
        ("x = " + "{ y = " * 30 + "1" + " }" * 30, ["nests"]),
        ('[scenario]\nname = "' + "n" * 300 + '"\n', ["'name' is 300 characters long", "at most 100"]),
        ('[scenario]\nname = "two\\nlines"\n', ["line break", "two\\nlines"]),
        ('[scenario]\nname = "tab\\there"\n', ["control character"]),
        ('[scenario]\nname = "  "\n', ["blank"]),
        ('[scenario]\nname = "ok"\n["two\\nlines"]\nx = 1\n', ["unknown section 'two\\nlines'"]),
        ("[scenario\nname = 1\n", ["malformed TOML"]),
        ('[mechanisms.points]\nenabled = false\ncrowding = 0.5\n', ["[mechanisms.points] sets 'crowding'",
                                                                     "enabled = false"]),
    ],
    ids=["gbk", "gb18030", "utf16", "latin1", "empty", "blank", "comments", "random-bytes", "random-no-nul",
         "deep-5000", "deep-20", "deep-inline-tables", "long-name", "newline-name", "tab-name", "blank-name",
         "newline-section", "malformed", "off-mechanism-param"],
)
def test_scenario_files_that_are_not_what_they_claim(tmp_path: Path, content: bytes | str,
                                                     fragments: list[str]) -> None:
    path = _write(tmp_path / "bad.toml", content)
    line = refused(["run", str(path), "--weeks", "2", "--out", str(tmp_path / "out")], tmp_path, *fragments)
    assert "bad.toml" in line
    # the same file through describe and compare, and the Python API
    refused(["describe", str(path)], tmp_path, "bad.toml")
    refused(["compare", str(path), "baseline", "--reps", "2", "--weeks", "2", "--out", str(tmp_path / "c")],
            tmp_path, "bad.toml")
    with pytest.raises(UserError, match="bad.toml"):
        CoGovernanceModel(path)


def test_empty_file_is_not_run_as_the_baseline(tmp_path: Path) -> None:
    _write(tmp_path / "empty.toml", b"")
    refused(["run", "empty.toml", "--weeks", "2", "--out", "o"], tmp_path, "empty.toml", "empty")
    assert not (tmp_path / "o").exists()


def test_base_chain_cycles_through_files_are_found_by_resolved_path(tmp_path: Path) -> None:
    sub = tmp_path / "sub"
    sub.mkdir()
    # a -> ./sub/../b.toml -> a.toml: the names differ each time, the files do not
    _write(tmp_path / "a.toml", '[scenario]\nname = "a"\nbase = "./sub/../b.toml"\n')
    _write(tmp_path / "b.toml", '[scenario]\nname = "b"\nbase = "a.toml"\n')
    refused(["run", "a.toml", "--weeks", "2", "--out", "o"], tmp_path, "base makes a cycle",
            "a.toml -> b.toml -> a.toml")
    # a file that names itself through a different spelling, and one that shares its name with its base
    _write(tmp_path / "self.toml", '[scenario]\nbase = "sub/../self.toml"\n')
    refused(["run", "self.toml", "--weeks", "2", "--out", "o"], tmp_path, "cycle")
    _write(sub / "baseline.toml", '[scenario]\nname = "baseline"\nbase = "baseline"\n[parameters]\nfee = 100\n')
    code, out, err = main(["describe", "sub/baseline.toml"], tmp_path)  # same name, different file: no cycle
    assert code == 0, err
    assert "fee" in out
    # a base path relative to the file that names it, from another working folder
    _write(sub / "child.toml", '[scenario]\nname = "child"\nbase = "baseline.toml"\n')
    code, out, err = main(["describe", str(sub / "child.toml")], REPO)
    assert code == 0, err


def test_long_base_chain_is_refused(tmp_path: Path) -> None:
    for i in range(40):
        _write(tmp_path / f"s{i}.toml", f'[scenario]\nbase = "s{i + 1}.toml"\n')
    _write(tmp_path / "s40.toml", "[scenario]\n")
    refused(["run", "s0.toml", "--weeks", "2", "--out", "o"], tmp_path, "base chain is more than")


def test_sweep_files_get_the_same_file_checks(tmp_path: Path) -> None:
    for name, content, fragment in [
        ("gbk.toml", '[sweep]\nname = "扫描"\n'.encode("gbk"), "GBK"),
        ("empty.toml", b"\n", "empty sweep file"),
        ("bytes.toml", bytes(range(256)), "binary"),
        ("deep.toml", "a = " + "[" * 3000 + "]" * 3000, "nests"),
    ]:
        _write(tmp_path / name, content)
        refused(["sweep", name, "--out", "o", "--jobs", "1"], tmp_path, name, fragment)
        refused(["sweep", name, "--dry-run"], tmp_path, name, fragment)


CALIBRATION = """[calibration]
name = "cal"
scenario = "baseline"
weeks = 13
[observations]
file = "obs.csv"
default_sd = 0.02
[parameters]
issue_rate_per_year = { low = 1.0, high = 4.0 }
"""
OBSERVATIONS = "metric,week,value\nsatisfaction_mean,6,0.52\n"


@pytest.mark.parametrize(
    ("toml", "csv", "fragments"),
    [
        (CALIBRATION.replace('"cal"', '"积分校准"').encode("gbk"), OBSERVATIONS.encode(), ["cal.toml", "GBK"]),
        (b"", OBSERVATIONS.encode(), ["cal.toml", "empty calibration file"]),
        (bytes(range(256)), OBSERVATIONS.encode(), ["cal.toml", "binary"]),
        ("a = " + "[" * 2000 + "]" * 2000, OBSERVATIONS.encode(), ["cal.toml", "nests"]),
        (CALIBRATION.encode(), "metric,week,value\n满意度,6,0.5\n".encode("gbk"), ["obs.csv", "GBK"]),
        (CALIBRATION.encode(), "metric,week,value\n".encode("utf-16"), ["obs.csv", "UTF-16"]),
        (CALIBRATION.encode(), b"\n\n", ["obs.csv", "empty observation file"]),
        (CALIBRATION.encode(), random.Random(3).randbytes(300), ["obs.csv", "binary"]),
    ],
    ids=["gbk-toml", "empty-toml", "binary-toml", "deep-toml", "gbk-csv", "utf16-csv", "empty-csv", "binary-csv"],
)
def test_calibration_files_get_the_same_file_checks(tmp_path: Path, toml: bytes | str, csv: bytes,
                                                    fragments: list[str]) -> None:
    _write(tmp_path / "cal.toml", toml)
    _write(tmp_path / "obs.csv", csv)
    refused(["calibrate", "cal.toml", "--out", "o", "--jobs", "1", "--quiet"], tmp_path, *fragments)


def test_calibrate_takes_the_same_out_rule(tmp_path: Path) -> None:
    _write(tmp_path / "cal.toml", CALIBRATION)
    _write(tmp_path / "obs.csv", OBSERVATIONS)
    refused(["calibrate", "cal.toml", "--out", "", "--jobs", "1", "--quiet"], tmp_path, "--out: expected a folder")


def test_read_text_file_helpers(tmp_path: Path) -> None:
    assert input_checks.read_text_file(_write(tmp_path / "bom.csv", "\ufeffa,b\n1,2\n")) == "a,b\n1,2\n"
    with pytest.raises(UserError, match="not found"):
        input_checks.read_text_file(tmp_path / "missing.csv", "calibration file")
    with pytest.raises(UserError, match="is not a regular file"):
        input_checks.read_text_file(tmp_path, "calibration file")
    big = tmp_path / "big.csv"
    with big.open("wb") as fh:
        fh.truncate(input_checks.MAX_FILE_BYTES + 1)
    with pytest.raises(UserError, match="bytes; expected a text file of at most"):
        input_checks.read_text_file(big)
    assert one_line("a\nb\rc\x00") == "a\\nb\\rc\\x00"
    assert len(shown("x" * 500)) == 60


# --------------------------------------------------------------------------- validation order


@pytest.mark.parametrize(
    ("args", "fragments"),
    [
        (["run", "baseline", "--seed", "-1"], ["--seed -1", "whole number in [0, 2^63 - 1]"]),
        (["run", "baseline", "--seed", str(2**63)], ["--seed"]),
        (["run", "baseline", "--set", "youth_share=0.8", "--set", "retired_share=0.5"], ["youth_share"]),
        (["run", "baseline", "--set", "initial_quality_low=0.9"], ["initial_quality_low"]),
        (["run", "baseline", "--out", ""], ["--out: expected a folder name"]),
        (["run", "baseline", "--out", " "], ["--out: expected a folder name"]),
        (["run", "baseline", "--out", "a\nb"], ["--out 'a\\nb'", "line break"]),
        (["run", "baseline", "--set", "points.crowding=0.55"],
         ["'points.crowding' belongs to mechanism 'points', which is off", "--set points.enabled=true"]),
        (["describe", "baseline", "--set", "points.crowding=0.55"], ["mechanism 'points'", "--set points.enabled=true"]),
        (["run", "baseline", "--set", "n_communities=200", "--set", "grids=40"],
         ["2,560,000 households", "limit of 1,000,000", "COGOV_MAX_HOUSEHOLDS="]),
        (["run", "baseline", "--set", "n_communities=200", "--set", "grids=40", "--set", "buildings_per_grid=60",
          "--set", "households_per_building=400"], ["192,000,000 households"]),
        (["compare", "baseline", "points", "--seed", "-3"], ["--seed -3"]),
        (["compare", "baseline", "points", "--out", ""], ["--out: expected a folder name"]),
        (["compare", "baseline", "points", "--reps", str(10**7)], ["--reps 10000000", "20,000,000 runs",
                                                                   "COGOV_MAX_COMPARE_RUNS"]),
        (["compare", "baseline", "points", "--jobs", "0"], ["argument --jobs", "1 or more, got 0"]),
        (["compare", "baseline:points.crowding=0.55", "baseline", "--reps", "2"],
         ["'points.crowding' belongs to mechanism 'points'", "--set points.enabled=true"]),
        (["compare", "baseline", "points", "--set", "points.crowding=0.55", "--reps", "2"],
         ["--set", "scenario 'baseline'", "'points.crowding' belongs to mechanism 'points'"]),
    ],
    ids=["seed-neg", "seed-big", "population-shares", "quality-bounds", "out-empty", "out-blank", "out-newline",
         "mechanism-off-run", "mechanism-off-describe", "households", "households-max", "compare-seed",
         "compare-out", "compare-reps", "compare-jobs", "mechanism-off-compare", "mechanism-off-compare-set"],
)
def test_command_lines_are_validated_before_anything_is_written(tmp_path: Path, args: list[str],
                                                                fragments: list[str]) -> None:
    if "--out" not in args and args[0] in ("run", "compare"):
        args = [*args, "--out", "o"]
    refused([*args, "--weeks", "2"] if args[0] != "describe" else args, tmp_path, *fragments)


def test_the_python_api_refuses_what_the_command_line_refuses() -> None:
    with pytest.raises(UserError, match="seed -1"):
        CoGovernanceModel("baseline", seed=-1)
    with pytest.raises(UserError, match=r"'points.crowding' belongs to mechanism 'points'.*points__enabled=True"):
        run_scenario("baseline", seed=1, weeks=2, overrides={"points__crowding": 0.55})
    with pytest.raises(UserError, match="households"):
        CoGovernanceModel("baseline", seed=1, n_communities=200, grids=40)
    # switched on in the same call, or set to the value it already has (the app hands every value over): fine
    m = CoGovernanceModel("baseline", seed=1, weeks=2, grids=1, points__enabled=True, points__crowding=0.55)
    assert m.p["points.crowding"] == 0.55
    same = CoGovernanceModel("baseline", seed=1, weeks=2, grids=1,
                             points__crowding=m.scenario.params["points.crowding"])
    assert same.p["points.enabled"] is False


def test_sweep_refuses_a_parameter_of_a_mechanism_that_is_off_with_the_same_hint(tmp_path: Path) -> None:
    text = ('[sweep]\nweeks = 2\n[fixed]\n"points.crowding" = 0.9\n[design]\nmethod = "grid"\n'
            '[design.parameters]\nbuck_pass_prob = [0.1, 0.2]\n[[outcomes]]\nmetric = "satisfaction_mean"\n')
    _write(tmp_path / "s.toml", text)
    refused(["sweep", "s.toml", "--out", "o"], tmp_path, "'points.crowding' belongs to mechanism 'points'",
            "switch the mechanism on", '"points.enabled" = true in [fixed]')
    _write(tmp_path / "s2.toml", text.replace('[fixed]\n"points.crowding" = 0.9\n', "")
           .replace("buck_pass_prob = [0.1, 0.2]", '"points.crowding" = [0.1, 0.2]'))
    refused(["sweep", "s2.toml", "--dry-run"], tmp_path, "[design.parameters]", "'points.crowding'")
    _write(tmp_path / "s3.toml", text.replace('[fixed]\n', '[fixed]\n"points.enabled" = true\n'))
    code, out, err = main(["sweep", "s3.toml", "--dry-run"], tmp_path)
    assert code == 0, err


# --------------------------------------------------------------------------- resource bombs


def _sweep_file(tmp_path: Path, design: str, name: str = "bomb.toml") -> Path:
    return _write(tmp_path / name, f'[sweep]\nweeks = 2\n[design]\n{design}\n'
                                   '[[outcomes]]\nmetric = "satisfaction_mean"\n')


@pytest.mark.parametrize(
    ("design", "fragments"),
    [
        # 10^15 grid points: counted, never built
        ('method = "grid"\n[design.parameters]\n' + "".join(
            f"{n} = {{ low = 0, high = 1, num = 1000 }}\n" for n in
            ("buck_pass_prob", "owner_share", "escalation_prob", "cross_boundary_share", "oc_pressure")),
         ["1,000,000,000,000,000 runs in one sweep", "COGOV_MAX_RUNS="]),
        ('method = "sobol"\nsamples = 8388608\n[design.parameters]\nbuck_pass_prob = [0, 1]\nowner_share = [0, 1]\n',
         ["33,554,432 runs"]),
        ('method = "sobol"\nsamples = 65536\nsecond_order = true\n[design.parameters]\n'
         'buck_pass_prob = [0, 1]\nowner_share = [0, 1]\n', ["393,216 runs"]),
        ('method = "lhs"\nsamples = 10000000\n[design.parameters]\nbuck_pass_prob = [0, 1]\n', ["10,000,000 runs"]),
        ('method = "morris"\ntrajectories = 100000\n[design.parameters]\nbuck_pass_prob = [0, 1]\n'
         'owner_share = [0, 1]\n', ["300,000 runs"]),
    ],
    ids=["grid-1e15", "sobol-2^23", "sobol-second-order", "lhs-1e7", "morris"],
)
def test_sweep_design_size_is_counted_before_it_is_built(tmp_path: Path, design: str, fragments: list[str]) -> None:
    _sweep_file(tmp_path, design)
    refused(["sweep", "bomb.toml", "--dry-run"], tmp_path, "bomb.toml", "limit of 200,000", *fragments)
    refused(["sweep", "bomb.toml", "--out", "o"], tmp_path, "bomb.toml", *fragments)


def test_replicates_count_in_the_sweep_size(tmp_path: Path) -> None:
    _sweep_file(tmp_path, 'method = "grid"\n[design.parameters]\nbuck_pass_prob = { low = 0, high = 1, num = 5 }\n')
    text = (tmp_path / "bomb.toml").read_text().replace("weeks = 2", "weeks = 2\nreplicates = 50000")
    _write(tmp_path / "bomb.toml", text)
    refused(["sweep", "bomb.toml", "--dry-run"], tmp_path, "250,000 runs")


def test_limits_are_raised_and_lowered_by_environment_variables(tmp_path: Path,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COGOV_MAX_HOUSEHOLDS", "100")
    refused(["run", "baseline", "--weeks", "2", "--out", "o"], tmp_path, "1,920 households", "limit of 100")
    code, _, err = main(["run", "baseline", "--weeks", "2", "--out", "o", *TINY], tmp_path)  # 20 households
    assert code == 0, err
    monkeypatch.setenv("COGOV_MAX_HOUSEHOLDS", "lots")
    refused(["run", "baseline", "--weeks", "2", "--out", "o2"], tmp_path, "COGOV_MAX_HOUSEHOLDS", "whole number")
    monkeypatch.setenv("COGOV_MAX_COMPARE_RUNS", "3")
    refused(["compare", "baseline", "points", "--reps", "2", "--out", "c"], tmp_path, "4 runs", "limit of 3")
    monkeypatch.setenv("COGOV_MAX_RUNS", "1")
    _sweep_file(tmp_path, 'method = "grid"\n[design.parameters]\nbuck_pass_prob = [0.1, 0.2]\n')
    refused(["sweep", "bomb.toml", "--dry-run"], tmp_path, "2 runs in one sweep", "limit of 1")


def test_a_scenario_file_asking_for_a_huge_street_is_refused_on_loading(tmp_path: Path) -> None:
    _write(tmp_path / "big.toml", "[parameters]\nn_communities = 200\ngrids = 40\nbuildings_per_grid = 60\n"
                                  "households_per_building = 400\n")
    refused(["run", "big.toml", "--weeks", "2", "--out", "o"], tmp_path, "big.toml", "192,000,000 households")


def test_jobs_above_the_core_count_are_capped_with_a_note(monkeypatch: pytest.MonkeyPatch,
                                                          capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr(input_checks, "available_cores", lambda: 2)
    assert input_checks.cap_jobs(16) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "--jobs 16 is more than the 2 core(s)" in err and "using 2" in err
    assert input_checks.cap_jobs(2) == 2 and input_checks.cap_jobs(None) is None
    assert capsys.readouterr().err == ""
    with pytest.raises(UserError, match="--jobs 0"):
        input_checks.cap_jobs(0)


def test_compare_caps_jobs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from experiments.compare import plan

    monkeypatch.setattr(input_checks, "available_cores", lambda: 1)
    spec = plan(["baseline", "points"], reps=2, weeks=2, jobs=64, out=tmp_path / "c")
    assert spec.jobs == 1
    assert not (tmp_path / "c").exists()


# --------------------------------------------------------------------------- property: any bad input


def _toml_value(value: object) -> str:
    import json
    import math

    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return "nan" if math.isnan(value) else ("inf" if value > 0 else "-inf") if math.isinf(value) else repr(value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, list):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    return json.dumps(value)


def _strategies():  # built lazily: hypothesis is a test dependency only
    from hypothesis import strategies as st

    keys = st.sampled_from(["buck_pass_prob", "owner_share", "youth_share", "retired_share", "grids", "weeks",
                            "n_communities", "households_per_building", "fee", "points.crowding", "crowding",
                            "enabled", "nonexistent", "name", "base", "label_zh", "buck pass", "a\nb", "积分"])
    values = st.one_of(st.integers(-(10**20), 10**20), st.floats(), st.booleans(), st.text(max_size=12),
                       st.lists(st.integers(-3, 3), max_size=3), st.sampled_from([0, 1, 2, 0.5, 1e9, -1]))
    pairs = st.lists(st.tuples(keys, values), max_size=4)
    sections = st.sampled_from(["scenario", "parameters", "population", "compounds", "mechanisms.points",
                                "mechanisms.hotline", "mechanisms", "sweep", "design", "外"])
    structured = st.lists(st.tuples(sections, pairs), max_size=4).map(
        lambda secs: "".join(f"[{s}]\n" + "".join(f"{json_key(k)} = {_toml_value(v)}\n" for k, v in kv)
                             for s, kv in secs).encode("utf-8"))
    encoded = st.tuples(st.text(max_size=40), st.sampled_from(["gbk", "utf-16", "latin-1", "utf-8"])).map(
        lambda t: ('[scenario]\nlabel_zh = "' + t[0].replace('"', "").replace("\\", "") + '积分"\n').encode(
            t[1], errors="replace"))
    deep = st.integers(1, 3000).map(lambda n: ("a = " + "[" * n + "]" * n + "\n").encode())
    files = st.one_of(structured, st.binary(max_size=300), encoded, deep, st.just(b""))
    text_args = st.one_of(st.integers(-5, 5).map(str), st.sampled_from(["", " ", "x", "2**63", "1e3", "-0"]),
                          st.integers(2**62, 2**65).map(str))
    sets = st.tuples(keys, st.one_of(text_args, st.sampled_from(["true", "0.5", "nan", "inf"]))).map(
        lambda kv: ["--set", f"{kv[0]}={kv[1]}"])
    outs = st.sampled_from(["o", "", "sub/o", "file.txt", "file.txt/o", "a\nb"])
    run_line = st.tuples(st.sampled_from(["run", "describe"]), st.integers(-2, 3), st.one_of(st.none(), text_args),
                         st.lists(sets, max_size=2), outs).map(
        lambda t: [t[0], "scen.toml"] + (["--weeks", str(t[1])] if t[0] == "run" else [])
        + (["--seed", t[2]] if t[2] is not None and t[0] == "run" else [])
        + [a for s in t[3] for a in s] + (["--out", t[4]] if t[0] == "run" else []))
    compare_line = st.tuples(st.sampled_from(["-1", "0", "1", str(10**7)]), outs).map(
        lambda t: ["compare", "scen.toml", "baseline", "--reps", t[0], "--weeks", "2", "--out", t[1]])
    sweep_line = st.just(["sweep", "scen.toml", "--dry-run"])
    return files, st.one_of(run_line, run_line, compare_line, sweep_line)


def json_key(key: str) -> str:
    import json

    return key if key.replace("_", "").replace(".", "").isalnum() and key.isascii() else json.dumps(key)


def test_property_bad_files_and_command_lines_are_refused_cleanly(tmp_path_factory: pytest.TempPathFactory,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    """Any generated scenario file and command line: success, or exit 2 with one stderr line, no traceback,
    nothing written."""
    from hypothesis import HealthCheck, given, settings

    files, lines = _strategies()
    monkeypatch.setenv("COGOV_MAX_HOUSEHOLDS", "4000")  # keep the runs that succeed small

    @settings(max_examples=120, deadline=None, database=None,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
    @given(content=files, args=lines)
    def check(content: bytes, args: list[str]) -> None:
        work = tmp_path_factory.mktemp("prop")
        (work / "scen.toml").write_bytes(content)
        (work / "file.txt").write_text("a file, not a folder")
        before = listing(work)
        code, _, err = main(args, work)
        assert "Traceback" not in err, err
        if code == 0:
            if args[0] == "run":
                out = work / args[args.index("--out") + 1]
                assert {p.name for p in out.iterdir()} == {"timeseries.parquet", "timeseries.csv", "run.json"}
                assert not [p for p in out.parent.iterdir() if ".staging-" in p.name]
            else:
                assert listing(work) == before
            return
        assert code == 2, (args, err)
        assert len(err.strip().splitlines()) == 1, (args, err)
        assert listing(work) == before, (args, err)

    check()


def test_ema_experiments_that_switch_a_mechanism_off_drop_its_levers() -> None:
    """EMA samples every lever; a mechanism's parameters in an experiment that switches it off are dropped,
    not refused (which would make every such experiment a failed case)."""
    pytest.importorskip("ema_workbench")
    import math

    from experiments.ema import simulate

    off = simulate(weeks=2, grids=1, points__enabled=False, points__crowding=0.9)
    plain = simulate(weeks=2, grids=1)
    assert off.keys() == plain.keys()
    assert all(off[k] == plain[k] or (math.isnan(off[k]) and math.isnan(plain[k])) for k in off)
    with pytest.raises(UserError, match="'points.crowding' belongs to mechanism 'points'"):
        simulate(weeks=2, grids=1, points__crowding=0.9)  # not switched off by the experiment: named, refused


def test_the_app_drops_parameters_of_mechanisms_its_switches_turn_off() -> None:
    """The app hands every parameter over, also those of a mechanism switched off after editing them."""
    pytest.importorskip("solara")
    from viz.explore_model import ExploreModel

    model = ExploreModel("baseline", seed=1, grids=1, points__enabled=False, points__crowding=0.9)
    assert model.p["points.crowding"] == model.scenario.params["points.crowding"]
    model = ExploreModel("baseline", seed=1, grids=1, points__enabled=True, points__crowding=0.9)
    assert model.p["points.crowding"] == 0.9
