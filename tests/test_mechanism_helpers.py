"""The mechanisms' ordering helpers (model/mechanisms/base.py) and the running total before each row
(model/arrays.py) give exactly what the plain numpy expressions they stand for give: the mechanisms'
picks (whistle, mediation, three-party meetings) must not depend on which fast path a street's size
takes."""

from __future__ import annotations

import numpy as np
import pytest

from model.arrays import running_total_before
from model.issues import IssueTable
from model.mechanisms.base import oldest_first, oldest_within, stable_order


@pytest.mark.parametrize("size", [0, 1, 5, 17, 100, 383, 384, 385, 2000, 5000])
def test_stable_order_is_the_stable_argsort_with_or_without_known_bounds(size: int) -> None:
    rng = np.random.default_rng(size)
    for lo, span in ((-30, 26), (100, 1), (-40_000, 80_000)):  # the last does not fit 16 bits
        weeks = rng.integers(lo, lo + span, size).astype(np.int32)
        expected = weeks.argsort(kind="stable")
        assert np.array_equal(stable_order(weeks), expected)
        if size:
            bounds = (int(weeks.min()), int(weeks.max()))
            assert np.array_equal(stable_order(weeks, bounds), expected)
            assert np.array_equal(stable_order(weeks, (lo, lo + span - 1)), expected)  # wider bounds


@pytest.mark.parametrize("size", [1, 30, 500, 4096, 9000])
def test_oldest_within_takes_the_oldest_rows_whose_running_total_fits(size: int) -> None:
    rng = np.random.default_rng(size + 1)
    rows = np.sort(rng.choice(3 * size, size, replace=False)).astype(np.int64)
    surfaced = rng.integers(-10, 40, size).astype(np.int32)
    need = rng.exponential(3.0, size)
    order = surfaced.argsort(kind="stable")
    cumulative = need[order].cumsum()
    for room in (0.0, 1.0, float(cumulative[size // 2]), float(cumulative[-1]), 1e9):
        expected = rows[order][cumulative <= room]
        assert np.array_equal(oldest_within(rows, surfaced, need, room), expected)
        assert np.array_equal(oldest_within(rows, surfaced, need, room, (-10, 39)), expected)


@pytest.mark.parametrize("size", [3, 200, 384, 3000])
def test_oldest_first_is_the_lexsort_by_group_then_week(size: int) -> None:
    rng = np.random.default_rng(size + 2)
    for groups_n, span in ((6, 26), (3000, 52), (1, 5)):  # the middle one needs a 64-bit key
        groups = rng.integers(0, groups_n, size)
        surfaced = rng.integers(-20, -20 + span, size).astype(np.int32)
        assert np.array_equal(oldest_first(groups, surfaced), np.lexsort((surfaced, groups)))


def test_running_total_before_gives_the_same_bits_whichever_way_the_groups_come() -> None:
    """The mechanisms pass sorted group ids, the issue table's queues how many rows each holder has
    instead; a single group takes a shortcut (nothing subtracted). All give the bits of the general form
    (each row less the running total at its group's first row), and the per-group exclusive running sums."""
    rng = np.random.default_rng(3)
    for size, groups_n in ((1, 1), (50, 1), (500, 7), (4000, 300), (60, 26)):  # (60, 26): holders without rows
        groups = np.sort(rng.integers(0, groups_n, size))
        values = rng.exponential(2.0, size)
        before = np.add.accumulate(values) - values
        general = before - before[groups.searchsorted(groups)]
        assert np.array_equal(running_total_before(values, groups), general)
        assert np.array_equal(running_total_before(values, groups, group_sizes=np.bincount(groups, minlength=groups_n)), general)
        naive = np.concatenate([np.concatenate([[0.0], np.cumsum(values[groups == g])[:-1]])
                                for g in np.unique(groups)])
        assert np.allclose(general, naive, rtol=0, atol=1e-9)
        if groups_n == 1:
            assert np.array_equal(running_total_before(values), general)


def test_open_rows_with_a_flag_are_the_open_rows_whose_flag_is_set() -> None:
    """`IssueTable.open_rows_with` (a scan of the flag over the table) gives the open rows with the flag set, in
    order and dtype, as gathering the flag over the open rows does, through every operation of a week
    (surface, resolve, expire, give up, compact, reclaim) and for flags set on closed and latent rows too."""
    rng = np.random.default_rng(13)
    iss = IssueTable(capacity=64)
    for week in range(60):
        k = int(rng.integers(0, 12))
        iss.add(rng.integers(0, 50, k), np.zeros(k, np.int64), np.zeros(k, np.int64), np.zeros(k, np.int8),
                rng.random(k) < 0.4, week, np.full(k, week + 5), np.ones(k))
        for _ in range(4):
            latent, open_rows = iss.latent_rows(), iss.open_rows()
            for flags in (iss.cross[: iss.size], rng.random(iss.size) < 0.3, np.zeros(iss.size, bool)):
                expected = open_rows.compress(flags.take(open_rows))
                found = iss.open_rows_with(flags)
                assert np.array_equal(found, expected) and found.dtype == expected.dtype
            op = int(rng.integers(0, 5))
            if op == 0:
                iss.surface(latent.compress(rng.random(latent.size) < 0.5), week, by_household=True)
            elif op == 1:
                iss.resolve(open_rows.compress(rng.random(open_rows.size) < 0.3), week)
            elif op == 2:
                iss.expire(latent.compress(rng.random(latent.size) < 0.2), were_open=False)
            elif op == 3:
                iss.give_up(open_rows, rng.random(open_rows.size) < 0.8)
            else:
                iss.compact()
                iss.reclaim()
