"""A run computes its reporters for chunks of weeks at once (`model.weekly_record`), whenever a chunk is
full and whenever anyone reads the table. Whatever the chunk and whenever the table is read (mid-run, by
the app after every step, after pickling), every week's row has the bits a reporter gives that week."""

from __future__ import annotations

import pickle
from types import SimpleNamespace

import numpy as np
import pytest

import model.weekly_record as weekly_record
from model.model import CoGovernanceModel
from model.reporters import REPORTERS
from model.statistics import (
    counts_by_row,
    gini,
    ginis_unit,
    means_of_parts,
    moran_of_mask,
    morans_of_counts,
    percentile_linear,
    percentiles_of_parts,
)

WEEKS = 30
SCENARIO = dict(scenario="co_governance_full", seed=7, n_communities=2)  # 3,840 households: chunks of 13


def _table(model: CoGovernanceModel) -> np.ndarray:
    return np.ascontiguousarray(model.datacollector.get_model_vars_dataframe().to_numpy(dtype=np.float64))


@pytest.fixture(scope="module")
def full() -> np.ndarray:
    model = CoGovernanceModel(**SCENARIO)
    model.run(WEEKS)
    assert 1 < model.datacollector._waiting.weeks < WEEKS  # several chunks, the last one partial
    table = _table(model)
    model.remove()
    return table


def test_a_table_read_mid_run_has_the_rows_of_a_full_run(full: np.ndarray) -> None:
    model = CoGovernanceModel(**SCENARIO)
    chunk = model.datacollector._waiting.weeks
    k = chunk + 3  # not a multiple of the chunk: one chunk done, three weeks waiting
    model.run(k)
    assert _table(model).tobytes() == full[: k + 1].tobytes()  # weeks 0..k
    model.run(WEEKS - k)  # and the run goes on as if nobody had looked
    assert _table(model).tobytes() == full.tobytes()
    model.remove()


def test_reading_after_every_step_as_the_app_does_gives_the_full_run(full: np.ndarray) -> None:
    model = CoGovernanceModel(**SCENARIO)
    for week in range(1, WEEKS + 1):
        model.step()
        values = model.datacollector.model_vars["satisfaction_mean"]  # what the app's plots read
        assert len(values) == week + 1
    assert _table(model).tobytes() == full.tobytes()
    model.remove()


@pytest.mark.parametrize("weeks", [1, 2, 5, 52])
def test_any_chunk_gives_the_same_table(full: np.ndarray, weeks: int, monkeypatch: pytest.MonkeyPatch) -> None:
    """One week at a time (from the model's own arrays, uncopied) or many: the same bits."""
    monkeypatch.setattr(weekly_record, "MAX_WEEKS", weeks)
    monkeypatch.setattr(weekly_record, "CHUNK_BYTES", 1 << 30)
    model = CoGovernanceModel(**SCENARIO)
    assert model.datacollector._waiting.weeks == weeks
    model.run(WEEKS)
    assert _table(model).tobytes() == full.tobytes()
    model.remove()


def test_a_model_pickled_mid_chunk_goes_on_identically(full: np.ndarray) -> None:
    model = CoGovernanceModel(**SCENARIO)
    model.run(4)
    again = pickle.loads(pickle.dumps(model))
    model.remove()
    again.run(WEEKS - 4)
    assert _table(again).tobytes() == full.tobytes()
    again.remove()


def test_each_reporter_alone_gives_the_weeks_row() -> None:
    model = CoGovernanceModel("points", seed=3, grids=2, buildings_per_grid=3)
    for _ in range(6):
        model.step()
        alone = [REPORTERS[name](model) for name in REPORTERS]
        row = [values[-1] for values in model.datacollector.model_vars.values()]
        assert np.array(alone, dtype=np.float64).tobytes() == np.array(row, dtype=np.float64).tobytes()
    model.remove()


def test_the_models_activity_record_is_the_households() -> None:
    """`observe` keeps the last week of either activity and the mask of the last 4 weeks that the
    participation reporters read: both are the households' own."""
    model = CoGovernanceModel("co_governance_full", seed=2, grids=2, buildings_per_grid=3)
    hh = model.households
    for _ in range(12):
        model.step()
        assert np.array_equal(model.last_active, np.maximum(hh.last_volunteer, hh.last_deliberation))
        assert np.array_equal(model.active_mask, hh.active_last_month(model.week))
    assert model.active_mask.any()
    model.remove()


def test_the_chunk_shrinks_as_the_street_grows_and_memory_stays_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(weekly_record, "CHUNK_BYTES", 256 << 10)
    small = CoGovernanceModel("baseline", seed=1, grids=1, buildings_per_grid=1)
    assert small.datacollector._waiting.weeks == weekly_record.MAX_WEEKS
    for communities, many in ((1, True), (10, False)):  # 1,920 and 19,200 households
        model = CoGovernanceModel("baseline", seed=1, n_communities=communities, warmup_weeks=0)
        waiting = model.datacollector._waiting
        per_week = sum(p.bytes_per_week(model) for p in waiting.parts)
        weeks = waiting.weeks
        assert (weeks > 1) == many and weeks == max(1, weekly_record.CHUNK_BYTES // per_week)  # as many as fit
        model.run(2)
        kept = [getattr(p, name) for p in waiting.parts for name in ("_buffer", "_values")
                if getattr(p, name, None) is not None]
        assert sum(a.nbytes for a in kept) <= max(weekly_record.CHUNK_BYTES, per_week)
        if weeks == 1:  # participation from the model's own arrays, uncopied
            assert all(p._buffer is None for p in waiting.parts if isinstance(p, weekly_record.HouseholdArrays))
        model.remove()
    small.remove()


def test_row_statistics_equal_the_statistic_of_each_row() -> None:
    rng = np.random.default_rng(5)
    for n in (1, 7, 40, 300, 1920):
        x = rng.random((6, n))
        x[2] = 0.0
        x[3, : n // 2] = 1.0
        assert ginis_unit(x).tobytes() == np.array([gini(row, unit=True) for row in x]).tobytes()
        mask = x > 0.4
        assert np.array_equal(counts_by_row(mask), [np.count_nonzero(row) for row in mask])
    wide = rng.random((2, 70_000)) > 0.3  # rows of 65,536 and more are counted one by one
    assert np.array_equal(counts_by_row(wide), [np.count_nonzero(row) for row in wide])
    layout = SimpleNamespace(n_buildings=12, households_per_building=5)
    masks = rng.random((5, 60)) > rng.random((5, 1))
    masks[0], masks[1] = False, True  # nobody and everybody active: no variance
    counts = masks.reshape(5, 12, 5).sum(axis=2).astype(np.float64)
    w_total = 12 * 5 * 4.0
    expected = [moran_of_mask(row, layout, w_total) for row in masks]
    assert np.array(morans_of_counts(counts, 60, 5, w_total)).tobytes() == np.array(expected).tobytes()
    lengths = np.array([0, 1, 2, 9, 0, 130, 3])
    values = rng.integers(0, 60, lengths.sum()).astype(np.float64)
    parts = np.split(values, np.cumsum(lengths)[:-1])
    expected_means = [part.mean() if part.size else np.nan for part in parts]
    assert means_of_parts(values, lengths).tobytes() == np.array(expected_means).tobytes()
    for q in (0, 50, 90, 100):
        expected = [percentile_linear(part, q) if part.size else np.nan for part in parts]
        assert percentiles_of_parts(values, lengths, q).tobytes() == np.array(expected).tobytes()
