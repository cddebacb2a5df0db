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


def test_queue_order_is_holder_tier_queued_week_then_row_at_every_size() -> None:
    """Queues are worked by holder, then tier, then the week an issue joined the queue, then row; the
    packed sort keys (one 16-bit key, two 16-bit passes, one 64-bit key, by street size) all give
    that order; without tiers (``None``: every issue in one tier) the order by holder and week."""
    from model.issues import _queue_order

    rng = np.random.default_rng(7)
    for n_holders, weeks_back in ((26, 40), (1_251, 40), (30_000, 40), (26, 70_000)):
        n = 3_000
        hold = rng.integers(0, n_holders, n)
        tier = rng.integers(0, 3, n).astype(np.int8)
        week = 500
        queued = (week - rng.integers(0, weeks_back, n)).astype(np.int32)
        expected = np.lexsort((np.arange(n), queued, tier, hold))
        assert np.array_equal(_queue_order(hold, tier, queued, n_holders, week), expected)
        one_tier = np.lexsort((np.arange(n), queued, hold))
        assert np.array_equal(_queue_order(hold, None, queued, n_holders, week), one_tier)
        assert np.array_equal(_queue_order(hold, np.full(n, 2, dtype=np.int8), queued, n_holders, week), one_tier)


def test_cumulative_hours_before_each_issue_restart_at_each_holder() -> None:
    """The hours queued ahead of an issue count only its own holder's earlier issues."""
    from model.issues import _group_cumsum_before

    rng = np.random.default_rng(3)
    groups = np.sort(rng.integers(0, 12, 500))
    values = rng.random(500) * 8.0
    naive = np.concatenate([np.concatenate([[0.0], np.cumsum(values[groups == g])[:-1]])
                            for g in np.unique(groups)])
    assert np.allclose(_group_cumsum_before(groups, values), naive, rtol=0, atol=1e-9)
    assert np.array_equal(_group_cumsum_before(np.zeros(4, dtype=np.int64), np.ones(4)), [0.0, 1.0, 2.0, 3.0])
