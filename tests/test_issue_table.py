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
        assert np.array_equal(_queue_order(hold * 3 + tier, queued, 3 * n_holders, week), expected)
        one_tier = np.lexsort((np.arange(n), queued, hold))
        assert np.array_equal(_queue_order(hold, queued, n_holders, week), one_tier)
        assert np.array_equal(_queue_order(hold * 3 + 2, queued, 3 * n_holders, week), one_tier)


def test_cumulative_hours_before_each_issue_restart_at_each_holder() -> None:
    """The hours queued ahead of an issue count only its own holder's earlier issues."""
    from model.arrays import running_total_before

    rng = np.random.default_rng(3)
    groups = np.sort(rng.integers(0, 12, 500))
    values = rng.random(500) * 8.0
    naive = np.concatenate([np.concatenate([[0.0], np.cumsum(values[groups == g])[:-1]])
                            for g in np.unique(groups)])
    assert np.allclose(running_total_before(values, groups, group_sizes=np.bincount(groups, minlength=12)), naive, rtol=0, atol=1e-9)
    assert np.array_equal(running_total_before(np.ones(4), np.zeros(4, dtype=np.int64), group_sizes=np.array([4])),
                          [0.0, 1.0, 2.0, 3.0])


def test_running_total_with_rows_left_out_gives_the_bits_of_the_rows_without_them() -> None:
    """Issues passed on stay in the queue with no hours, left out (`left_out`): every other issue's hours
    ahead are the bits the queue without them gives, also where they were a holder's first issues or all
    of a holder's issues."""
    from model.arrays import running_total_before

    rng = np.random.default_rng(5)
    for size, n_groups, n_out in ((40, 3, 5), (500, 26, 12), (60, 26, 30), (9, 2, 9)):
        groups = np.sort(rng.integers(0, n_groups, size))
        sizes = np.bincount(groups, minlength=n_groups)
        values = rng.exponential(3.0, size)
        starts = np.cumsum(sizes) - sizes
        # the first rows of some groups among the left-out ones, and a group left out whole
        out = np.unique(np.concatenate([rng.choice(size, n_out, replace=False), starts[sizes > 0][:2],
                                        np.flatnonzero(groups == groups[-1])]))
        kept = np.setdiff1d(np.arange(size), out)
        zeroed = values.copy()
        zeroed[out] = 0.0
        with_them = running_total_before(zeroed, group_sizes=sizes, left_out=out)
        without = running_total_before(values[kept], group_sizes=np.bincount(groups[kept], minlength=n_groups))
        assert np.array_equal(with_them[kept], without)


def test_latent_and_open_rows_stay_the_selection_from_all_active_rows() -> None:
    """The latent and open rows the table keeps between calls (`give_up` sets the open ones itself) are
    always the rows a fresh selection from the active rows gives, ascending, through every operation of
    a week in any order."""
    from model.issues import LATENT, OPEN, IssueTable

    rng = np.random.default_rng(11)
    iss = IssueTable(capacity=64)

    def fresh(status: int) -> np.ndarray:
        a = iss.active
        return a[iss.status[a] == status]

    for week in range(60):
        k = int(rng.integers(0, 12))
        iss.add(rng.integers(0, 50, k), np.zeros(k, np.int64), np.zeros(k, np.int64), np.zeros(k, np.int8),
                np.zeros(k, bool), week, np.full(k, week + 5), np.ones(k))
        for _ in range(4):
            op = int(rng.integers(0, 6))
            latent, open_rows = iss.latent_rows(), iss.open_rows()
            assert np.array_equal(latent, fresh(LATENT)) and np.array_equal(open_rows, fresh(OPEN))
            pick = rng.random(latent.size) < 0.3
            pick_open = rng.random(open_rows.size) < 0.3
            if op == 0:
                iss.surface(latent[pick], week, by_household=bool(rng.integers(0, 2)))
            elif op == 1:
                iss.resolve(open_rows[pick_open], week)
            elif op == 2:
                iss.expire(latent[pick], were_open=False)
            elif op == 3:
                iss.give_up(open_rows, ~pick_open)
            elif op == 4:
                iss.expire(np.union1d(latent[pick], open_rows[pick_open]))  # mixed: status looked up
            else:
                iss.compact()
                if rng.random() < 0.3:
                    iss.reclaim()
        assert np.array_equal(iss.latent_rows(), fresh(LATENT)) and np.array_equal(iss.open_rows(), fresh(OPEN))
    assert iss.conserved()


def test_old_pending_issues_by_household_are_those_created_more_than_min_age_weeks_ago() -> None:
    """Households' issues still active and older than `min_age` weeks (their experience falls with
    them), whether issues were added week by week (rows in created order: a prefix of the rows) or not."""
    from model.issues import IssueTable

    rng = np.random.default_rng(5)
    for in_order in (True, False):
        iss = IssueTable(capacity=32)
        for step in range(40):
            week = step if in_order else int(rng.integers(0, 40))
            k = int(rng.integers(0, 9))
            iss.add(rng.integers(0, 30, k), np.zeros(k, np.int64), np.zeros(k, np.int64), np.zeros(k, np.int8),
                    np.zeros(k, bool), week, np.full(k, week + 5), np.ones(k))
            latent = iss.latent_rows()
            iss.surface(latent[rng.random(latent.size) < 0.5], week, by_household=True)
            open_rows = iss.open_rows()
            iss.resolve(open_rows[rng.random(open_rows.size) < 0.3], week)
            iss.compact()
            if rng.random() < 0.2:
                iss.reclaim()
            for now in (week, week + 3, week + 10):
                a = iss.active
                expected = np.bincount(iss.household[a][now - iss.created[a] > 4], minlength=30).astype(float)
                assert np.array_equal(iss.pending_old_by_household(30, now), expected)
        assert iss._created_in_order is in_order
