"""The model as a Mesa model: stops at its horizon, batch_run reports the last week, a household
sample through agent reporters, pickling, and the README's batch_run example as a script."""

from __future__ import annotations

import os
import pickle
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
from mesa.batchrunner import batch_run

from experiments.one_run import run_scenario
from model.model import CoGovernanceModel

ROOT = Path(__file__).resolve().parent.parent
SMALL = {"grids": 2, "buildings_per_grid": 3, "households_per_building": 10}


def test_running_turns_false_at_the_horizon_and_batch_run_reports_the_last_week() -> None:
    m = CoGovernanceModel("baseline", seed=1, weeks=6, **SMALL)
    steps = 0
    while m.running:
        m.step()
        steps += 1
        assert steps < 50
    assert m.week == 6 and len(m.datacollector.get_model_vars_dataframe()) == 7

    rows = batch_run(CoGovernanceModel, parameters={"scenario": "baseline", "seed": [1, 2], "weeks": 6, **SMALL},
                     number_processes=1, data_collection_period=1, display_progress=False)  # default max_steps
    frame = pd.DataFrame(rows)
    assert sorted(set(frame.Step)) == list(range(7))
    ref = run_scenario("baseline", seed=2, weeks=6, overrides=SMALL)
    got = frame[frame.seed == 2].sort_values("Step")
    np.testing.assert_array_equal(got.satisfaction_mean.to_numpy(), ref.satisfaction_mean.to_numpy())

    last = batch_run(CoGovernanceModel, parameters={"scenario": "baseline", "seed": 2, "weeks": 6, **SMALL},
                     number_processes=1, data_collection_period=-1, display_progress=False)
    assert [r["Step"] for r in last] == [6] and last[0]["issues_open"] == ref.issues_open.iloc[-1]


def test_run_can_go_past_the_horizon_when_asked() -> None:
    m = CoGovernanceModel("baseline", seed=1, weeks=3, **SMALL)
    m.run(5)
    assert m.week == 5
    m.run(2)
    assert m.week == 7 and len(m.datacollector.get_model_vars_dataframe()) == 8


def test_household_sample_through_agent_reporters_changes_no_result() -> None:
    plain = CoGovernanceModel("baseline", seed=4, **SMALL)
    sampled = CoGovernanceModel("baseline", seed=4, household_sample=5, **SMALL)
    plain.run(4)
    sampled.run(4)
    pd.testing.assert_frame_equal(plain.datacollector.get_model_vars_dataframe(),
                                  sampled.datacollector.get_model_vars_dataframe())
    assert not plain.datacollector.agent_reporters and not plain.datacollector._agent_records
    agents = sampled.datacollector.get_agent_vars_dataframe().reset_index()
    assert len(agents) == 5 * 5 and sorted(set(agents.Step)) == list(range(5))
    ids = sorted(set(agents.AgentID))
    assert len(ids) == 5 and ids[0] == 0 and ids[-1] == sampled.layout.n_households - 1  # spread over the street
    last = agents[agents.Step == 4].set_index("AgentID")
    np.testing.assert_array_equal(last.satisfaction.to_numpy(), sampled.households.satisfaction[ids])
    np.testing.assert_array_equal(last.grid.to_numpy(), sampled.layout.grid_of[ids])

    rows = batch_run(CoGovernanceModel, parameters={"scenario": "baseline", "seed": 4, "weeks": 4,
                                                    "household_sample": 5, **SMALL},
                     number_processes=1, data_collection_period=-1, display_progress=False)
    assert len(rows) == 5 and {r["AgentID"] for r in rows} == set(ids)


def test_a_model_pickles_and_goes_on_identically() -> None:
    m = CoGovernanceModel("points", seed=3, household_sample=2, **SMALL)
    m.run(3)
    copy = pickle.loads(pickle.dumps(m))
    m.run(3)
    copy.run(3)
    pd.testing.assert_frame_equal(m.datacollector.get_model_vars_dataframe(),
                                  copy.datacollector.get_model_vars_dataframe())
    pd.testing.assert_frame_equal(m.datacollector.get_agent_vars_dataframe(),
                                  copy.datacollector.get_agent_vars_dataframe())


def test_household_state_names_stay_rows_of_their_blocks_after_unpickling() -> None:
    """A household attribute the rules update as a row of a block (`Households.attitudes`, `did_now`,
    `targets`) is that row, also in an unpickled copy: writing through the name writes the block."""
    m = CoGovernanceModel("baseline", seed=2, **SMALL)
    m.run(2)
    copy = pickle.loads(pickle.dumps(m))
    for hh in (m.households, copy.households):
        blocks = [(hh.attitudes, hh.ATTITUDE_ROWS), (hh.did_now, hh.DID_NOW_ROWS),
                  (hh.targets, hh.TARGET_ROWS)]
        for block, names in blocks:
            for i, name in enumerate(names):
                row = getattr(hh, name)
                assert np.shares_memory(row, block[i]) and row.shape == block[i].shape, name


def test_readme_batch_run_example_runs_as_a_script(tmp_path: Path) -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = next(b for b in re.findall(r"```python\n(.*?)```", readme, re.S) if "batch_run" in b)
    assert 'if __name__ == "__main__":' in block
    script = tmp_path / "batch.py"
    script.write_text(block, encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    result = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, cwd=tmp_path, env=env,
                            timeout=300)
    assert result.returncode == 0, result.stderr[-2000:]
    assert "satisfaction_mean" in result.stdout and "0.5" in result.stdout


def test_assigning_a_household_row_name_writes_its_block_in_place() -> None:
    """``hh.satisfaction = values`` (a researcher's own rule, a notebook) must reach the block the model's
    rules read (`Households.attitudes`), not rebind the name to a loose array the rules never see."""
    m = CoGovernanceModel("baseline", seed=2, **SMALL)
    hh = m.households
    values = np.linspace(0.1, 0.9, hh.n)
    hh.satisfaction = values
    hh.reported_now = True
    assert np.shares_memory(hh.satisfaction, hh.attitudes)
    assert np.array_equal(hh.attitudes[hh.ATTITUDE_ROWS.index("satisfaction")], values)
    assert hh.did_now[hh.DID_NOW_ROWS.index("reported_now")].all()
    hh.points = np.zeros(hh.n)  # an attribute that is not a row view is set as usual
    assert not np.shares_memory(hh.points, hh.attitudes)
    m.run(1)  # the rules read what was assigned: last week's satisfaction moved from `values`
    assert not np.array_equal(hh.satisfaction, values)
