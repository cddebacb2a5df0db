"""The header sweep and calibration files share (experiments/spec_header.py): one reading for both, and
what the shipped example files produce is unchanged by it."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from experiments.calibration.outputs import describe
from experiments.calibration.spec import CalibrationSpec, load_calibration
from experiments.spec_header import SpecHeader
from experiments.sweep_file import SweepSpec, load_sweep
from experiments.sweep_runs import build_design, make_manifest
from model.errors import UserError

ROOT = Path(__file__).resolve().parent.parent

HEADER = """name = "same"
description = "one header, two files"
scenario = "../my_scenario.toml"
seed = 11
"""
FIXED = """[fixed]
grids = 2
[fixed.points]
enabled = true
crowding = 0.4
"""
SWEEP_REST = """[design]
method = "grid"
[design.parameters]
buck_pass_prob = [0.1, 0.5]
[[outcomes]]
metric = "satisfaction_mean"
"""
CALIBRATION_REST = """[observations]
file = "obs.csv"
default_sd = 0.02
[parameters]
issue_rate_per_year = {}
"""


def _files(tmp_path: Path) -> tuple[Path, Path]:
    (tmp_path / "my_scenario.toml").write_text('[scenario]\nname = "mine"\nbase = "baseline"\n[parameters]\nweeks = 40\n')
    folder = tmp_path / "specs"
    folder.mkdir()
    (folder / "obs.csv").write_text("metric,week,value\nsatisfaction_mean,13,0.5\n")
    sweep = folder / "a.toml"
    sweep.write_text("[sweep]\n" + HEADER + FIXED + SWEEP_REST)
    calibration = folder / "b.toml"
    calibration.write_text("[calibration]\n" + HEADER + FIXED + CALIBRATION_REST)
    return sweep, calibration


def test_a_sweep_file_and_a_calibration_file_read_the_same_header_the_same_way(tmp_path: Path) -> None:
    sweep_path, calibration_path = _files(tmp_path)
    sweep, calibration = load_sweep(sweep_path), load_calibration(calibration_path)
    assert isinstance(sweep, SpecHeader) and isinstance(calibration, SpecHeader)
    own = {"path", "sha256", "text"}
    a = {k: v for k, v in sweep.header().items() if k not in own}
    b = {k: v for k, v in calibration.header().items() if k not in own}
    assert a == b
    # The scenario path is relative to the file; weeks default to the scenario's; [fixed.points] is flattened.
    assert a["scenario"] == str((tmp_path / "my_scenario.toml").resolve()) and a["scenario_name"] == "mine"
    assert a["weeks"] == 40 and a["seed"] == 11 and a["name"] == "same"
    assert a["fixed"] == {"grids": 2, "points.enabled": True, "points.crowding": 0.4}
    assert sweep.sha256 == hashlib.sha256(sweep_path.read_bytes()).hexdigest()
    assert calibration.text == calibration_path.read_text()


@pytest.mark.parametrize(("head", "load"), [("[sweep]", load_sweep), ("[calibration]", load_calibration)])
def test_weeks_in_fixed_is_refused_naming_the_files_own_header(tmp_path: Path, head: str, load) -> None:
    sweep_path, calibration_path = _files(tmp_path)
    path = sweep_path if head == "[sweep]" else calibration_path
    path.write_text(path.read_text().replace("grids = 2", "weeks = 10"))
    with pytest.raises(UserError, match=rf"\[fixed\] 'weeks' is set in \{head}"):
        load(path)


# --------------------------------------------------------------------------- the shipped examples

#: sha256 (first 16 hex digits) of what each shipped example file produces, computed on commit 73fd935,
#: before sweep and calibration files shared their header: a sweep's manifest (without `versions` and
#: `created`; `--resume` compares a folder's manifest with it) and every field of a calibration's spec that
#: reaches calibration.json and the report. When a shipped file, the manifest or the spec changes on
#: purpose, recompute them with `_sweep_digest` / `_calibration_digest` and say why in the commit.
SHIPPED = {
    "sweeps/buck_passing_grid.toml": "926ce36d8c352649",
    "sweeps/owner_share_lhs.toml": "df2e725415cfc40a",
    "sweeps/participation_morris.toml": "a20ba8bc5a8fbfb0",
    "sweeps/points_sobol.toml": "8f5b7226e2e8b351",
    "sweeps/social_influence_response.toml": "e08be53707b1592d",
    "sweeps/timing_200.toml": "2a56644709415850",
    # recomputed after 0ae7e28: the spec gained `[method] lookahead` (default 8); every other field is as on
    # 73fd935 (the old digest, 4b3147321d2f16b4, comes back with `lookahead` left out)
    "calibration/chengdu_hotline.toml": "40ed7ddc46c9c23d",
}


def _digest(obj: object) -> str:
    text = json.dumps(obj, sort_keys=True, default=str).replace(str(ROOT), "<root>")
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def _sweep_digest(spec: SweepSpec) -> str:
    manifest = make_manifest(spec, build_design(spec))
    del manifest["versions"], manifest["created"]
    return _digest(manifest)


def _calibration_digest(spec: CalibrationSpec) -> str:
    return _digest({
        "name": spec.name, "description": spec.description, "path": str(spec.path), "sha256": spec.sha256,
        "text": spec.text, "scenario": spec.scenario, "scenario_name": spec.scenario_name,
        "scenario_params": spec.scenario_params, "weeks": spec.weeks, "seed": spec.seed, "fixed": spec.fixed,
        "method": spec.method.__dict__, "observations_file": str(spec.observations_file),
        "observations": spec.observations.to_csv(index=False), "holdout_after": spec.holdout_after,
        "parameters": [(p.name, p.kind.__name__, describe(p.prior), list(p.prior.support), p.narrowed)
                       for p in spec.parameters],
    })


def test_every_shipped_example_is_covered() -> None:
    shipped = {str(p.relative_to(ROOT / "scenarios")) for p in (ROOT / "scenarios").glob("*/*.toml")}
    assert shipped == set(SHIPPED)


@pytest.mark.parametrize("name", sorted(SHIPPED))
def test_shipped_example_produces_what_it_did(name: str) -> None:
    path = ROOT / "scenarios" / name
    if name.startswith("sweeps/"):
        assert _sweep_digest(load_sweep(path)) == SHIPPED[name]
    else:
        assert _calibration_digest(load_calibration(path)) == SHIPPED[name]
