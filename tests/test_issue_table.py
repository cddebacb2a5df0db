"""The issue table folds closed issues into its counters between weeks, so memory does not grow with the
horizon, and this changes no result: a run that keeps every closed issue gives the same table bit for bit."""

from __future__ import annotations

import numpy as np

from model.issues import EXPIRED, RESOLVED
from model.model import CoGovernanceModel


def _run(keep: bool, scenario: str = "co_governance_full") -> CoGovernanceModel:
    model = CoGovernanceModel(scenario, seed=5, keep_closed_issues=keep)
    model.run(104)
    return model


def test_folding_closed_issues_changes_no_result_and_bounds_the_table() -> None:
    folded, kept = _run(False), _run(True)
    a = folded.datacollector.get_model_vars_dataframe()
    b = kept.datacollector.get_model_vars_dataframe()
    assert a.columns.equals(b.columns)
    assert np.array_equal(a.to_numpy(np.float64), b.to_numpy(np.float64), equal_nan=True)

    iss = folded.issues
    assert iss.folded > 0 and iss.size + iss.folded == iss.created_total
    assert iss.size < iss.created_total / 3  # the table holds about the live issues, not the history
    assert iss.conserved()

    everything = kept.issues
    assert everything.folded == 0 and everything.size == everything.created_total
    status = everything.status[: everything.size]
    assert np.count_nonzero(status == RESOLVED) == everything.resolved_total
    assert np.count_nonzero(status == EXPIRED) == everything.expired_total
    folded.remove()
    kept.remove()
