"""Scenarios built in Python: one validated constructor behind files, dicts, make_scenario,
with_params and dataclasses.replace; run_scenario, CoGovernanceModel and compare accept them."""

from __future__ import annotations

import dataclasses
import tomllib
from pathlib import Path

import pandas as pd
import pytest

from experiments.compare import compare, plan
from model import CoGovernanceModel, make_scenario, run_scenario
from model.errors import UserError
from scenarios import SCENARIO_DIR, Scenario, load_scenario

SMALL = {"grids": 2, "buildings_per_grid": 3, "households_per_building": 10}


def test_a_dict_with_a_files_structure_gives_the_same_scenario_as_the_file() -> None:
    for name in ("points", "qiaokou_shangcheng", "old_compound"):
        data = tomllib.loads((SCENARIO_DIR / f"{name}.toml").read_text(encoding="utf-8"))
        assert Scenario.from_dict(data).params == load_scenario(name).params


def test_make_scenario_switches_mechanisms_and_sets_parameters() -> None:
    s = make_scenario(base="old_compound", mechanisms={"points": {"crowding": 0.3}}, owner_share=0.5,
                      name="mine", label_en="Mine")
    base = load_scenario("old_compound")
    assert s.name == "mine" and s.label_en == "Mine" and s.mechanisms == ["points"]
    assert s.params["points.crowding"] == 0.3 and s.params["owner_share"] == 0.5
    # a parameter of a mechanism that stays off would be ignored: refused, as by run --set (issue 14)
    with pytest.raises(UserError, match="'hotline.overtime_hours' belongs to mechanism 'hotline'.*hotline__enabled=True"):
        make_scenario(base="old_compound", hotline__overtime_hours=4.0)
    on = make_scenario(base="old_compound", mechanisms=["hotline"], hotline__overtime_hours=4.0)
    assert on.params["hotline.overtime_hours"] == 4.0 and on.params["hotline.enabled"]
    assert s.params["old_compound_share"] == base.params["old_compound_share"]
    assert make_scenario(mechanisms=["points", "hotline"]).mechanisms == ["hotline", "points"]


@pytest.mark.parametrize("build, fragment", [
    (lambda: make_scenario(buck_pass_prob=7.0), "'buck_pass_prob' = 7.0 is out of range"),
    (lambda: make_scenario(mechanisms={"pointz": {}}), "unknown mechanism 'pointz' (did you mean 'points'?)"),
    (lambda: make_scenario(mechanisms={"points": {"crowdin": 0.1}}), "unknown key 'crowdin'"),
    (lambda: make_scenario(youth_share=0.8, retired_share=0.5), "must be at most 1"),
    (lambda: make_scenario(base="nonexistent"), "unknown scenario 'nonexistent'"),
    (lambda: load_scenario("baseline").with_params(buck_pass_prob=-1), "'buck_pass_prob' = -1"),
    (lambda: dataclasses.replace(load_scenario("baseline"), params={**load_scenario("baseline").params,
                                                                   "buck_pass_prob": 7.0}), "out of range"),
    (lambda: Scenario.from_dict({"scenario": {"name": "x"}, "paramters": {}}), "unknown section 'paramters'"),
    (lambda: run_scenario({"parameters": {"owner_share": "half"}}, weeks=1), "'owner_share' expected a number"),
])
def test_every_way_of_building_a_scenario_validates(build, fragment) -> None:
    with pytest.raises(UserError) as info:
        build()
    assert fragment in str(info.value)
    assert isinstance(info.value, Exception)  # an ordinary Exception: pools and EMA handle it


def test_scenarios_are_immutable() -> None:
    s = load_scenario("baseline")
    with pytest.raises(dataclasses.FrozenInstanceError):
        s.name = "other"  # type: ignore[misc]


def test_run_scenario_and_the_model_accept_scenarios_and_dicts() -> None:
    built = make_scenario(mechanisms={"points": {}}, **SMALL)
    as_dict = {"scenario": {"base": "baseline"}, "parameters": SMALL, "mechanisms": {"points": {}}}
    by_name = run_scenario("points", seed=3, weeks=5, overrides=SMALL)
    pd.testing.assert_frame_equal(run_scenario(built, seed=3, weeks=5), run_scenario(as_dict, seed=3, weeks=5))
    model = CoGovernanceModel(built, seed=3)
    model.run(5)
    frame = model.datacollector.get_model_vars_dataframe()
    assert frame["satisfaction_mean"].tolist() == run_scenario(built, seed=3, weeks=5)["satisfaction_mean"].tolist()
    # points.toml sets nothing beyond switching points on, so the by-name run is the same
    if load_scenario("points").params == load_scenario("baseline").with_params(points__enabled=True).params:
        pd.testing.assert_frame_equal(by_name, run_scenario(built, seed=3, weeks=5))


def test_compare_accepts_python_scenarios_self_comparison_and_set(tmp_path: Path) -> None:
    spec = plan(["baseline", "baseline:points.enabled=true,points.crowding=0.5", make_scenario(name="mine",
                                                                                           owner_share=0.4)],
                reps=2, weeks=4, overrides={"buck_pass_prob": 0.2}, out=tmp_path / "x")
    assert spec.names == ["baseline", "baseline:points.enabled=true,points.crowding=0.5", "mine"]
    self_cmp = spec.scenarios[1]
    assert self_cmp.params["points.enabled"] and self_cmp.params["points.crowding"] == 0.5
    assert all(s.params["buck_pass_prob"] == 0.2 for s in spec.scenarios)
    assert spec.overrides[0] == {"buck_pass_prob": 0.2}
    with pytest.raises(UserError, match="baseline:points.crowding=9"):
        plan(["baseline", "baseline:points.crowding=9"], reps=2, weeks=4)
    with pytest.raises(UserError, match="expected SCENARIO:NAME=VALUE"):
        plan(["baseline", "baseline:points.enabled=true,oops"], reps=2, weeks=4)

    mine = make_scenario(name="mine", mechanisms=["points"], **SMALL)
    result = compare(["baseline", mine], reps=2, weeks=3, jobs=1, out=tmp_path / "cmp", overrides=SMALL)
    runs = pd.read_parquet(tmp_path / "cmp" / "runs.parquet")
    got = runs[(runs.scenario == "mine") & (runs.metric == "satisfaction_mean") & (runs.replicate == 0)]
    seed = int(got.seed.iloc[0])
    assert got.sort_values("week").value.tolist() == run_scenario(mine, seed=seed, weeks=3)["satisfaction_mean"].tolist()
    assert set(result.summary.scenario) == {"baseline", "mine"}
    report = (tmp_path / "cmp" / "report.md").read_text(encoding="utf-8")
    command = next(line for line in report.splitlines() if line.startswith("- Command: "))
    assert "compare baseline mine --set grids=2" in command and "mine: built in Python" in command
    import json

    meta = json.loads((tmp_path / "cmp" / "compare.json").read_text(encoding="utf-8"))
    assert meta["overrides"]["mine"]["points.enabled"] is True
