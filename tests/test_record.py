"""``record=``: a run that computes only some reporters gives exactly the values a full run gives for
them (calibration relies on this to skip the metrics it does not compare), and refuses names that are
not reporters before anything is built."""

from __future__ import annotations

import pickle

import numpy as np
import pytest

from experiments.one_run import run_scenario
from model.errors import UserError
from model.model import CoGovernanceModel
from model.reporters import REPORTERS

WEEKS = 14  # past a quarter: surveys, projects and the monthly steps all ran


def _bits(frame) -> bytes:
    return np.ascontiguousarray(frame.to_numpy(dtype=np.float64)).tobytes()


@pytest.fixture(scope="module")
def full():
    return run_scenario("co_governance_full", seed=4, weeks=WEEKS)


@pytest.mark.parametrize("pick", [
    ("hotline_resolution_rate", "hotline_satisfaction_rate", "satisfaction_mean"),  # a calibration's targets
    tuple(list(REPORTERS)[::2]),   # every other reporter: none relies on one computed before it
    tuple(list(REPORTERS)[1::2]),
    ("participation_morans_i",),
    ("quality_infrastructure", "satisfaction_gini", "week"),
])
def test_recorded_metrics_are_bit_identical_to_a_full_run(full, pick: tuple[str, ...]) -> None:
    part = run_scenario("co_governance_full", seed=4, weeks=WEEKS, record=pick)
    expected = ["week", *(name for name in REPORTERS if name in pick)]  # the reporters' order, week first
    assert list(part.columns) == expected
    assert _bits(part) == _bits(full[expected])
    assert part.dtypes.equals(full[expected].dtypes)


def test_record_none_records_everything_and_a_recording_model_pickles() -> None:
    assert list(run_scenario("baseline", seed=1, weeks=1).columns) == ["week", *REPORTERS]
    model = CoGovernanceModel("baseline", seed=1, record=["issues_open"])
    model.run(2)
    again = pickle.loads(pickle.dumps(model))
    again.run(1)
    assert list(again.datacollector.get_model_vars_dataframe().columns) == ["issues_open"]


@pytest.mark.parametrize(("record", "words"), [
    (["satisfaction_men"], "unknown metric 'satisfaction_men' (did you mean 'satisfaction_mean'?)"),
    (["cost_per_household", "issues_open"], "unknown metric 'cost_per_household'"),
    ([], "names no metric"),
    (["week"], "names no metric"),
])
def test_unknown_metrics_are_refused_on_one_line(record: list[str], words: str) -> None:
    with pytest.raises(UserError) as err:
        run_scenario("baseline", seed=1, weeks=2, record=record)
    message = str(err.value)
    assert words in message and "\n" not in message
    assert message.startswith("CoGovernanceModel: record:") and "model.reporters.REPORTERS" in message
