"""`WorkerPool.starmap_until`, which a calibration's generations run through: the calls it hands out, and so
the runs a calibration charges to its budget, depend only on the results, never on the workers or the engine;
calls past the end are cancelled where they have not started."""

from __future__ import annotations

from pathlib import Path

import _engine_tasks as T
import pytest

from experiments.worker_pool import WorkerPool

N, LOOKAHEAD = 60, 4


def completes_at_third_four(i: int, result: int) -> bool:
    """True at the third result that ends in 4 (4, 9, 14, ...: call 14)."""
    return result % 5 == 4 and result >= 14


def _run(pool: WorkerPool, folder: Path) -> tuple[list[int], int, int]:
    folder.mkdir()
    seen: list[int] = []

    def until(i: int, result: int) -> bool:
        seen.append(i)
        return completes_at_third_four(i, result)

    results, handed = pool.starmap_until(T.marked_sleep, [(x, str(folder)) for x in range(N)], until,
                                         lookahead=LOOKAHEAD)
    assert seen == list(range(15))  # judged in input order, up to the call that ended the map
    return results, handed, len(list(folder.iterdir()))


@pytest.mark.parametrize("jobs", [1, 2])
def test_starmap_until_hands_out_the_same_calls_whatever_the_workers(tmp_path: Path, jobs: int) -> None:
    with WorkerPool(jobs) as pool:
        results, handed, ran = _run(pool, tmp_path / "calls")
        assert results == list(range(15))
        assert handed == 14 + LOOKAHEAD  # calls 0 .. 17 may have been handed out, whatever the timing
        assert 15 <= ran <= handed < N  # the tail was never handed out
        # the pool goes on to the next batch as usual
        assert pool.starmap(T.marked_sleep, [(x, str(tmp_path / "calls")) for x in range(3)]) == [0, 1, 2]


def test_starmap_until_without_an_end_runs_every_call_and_retries_as_starmap(tmp_path: Path) -> None:
    with WorkerPool(2) as pool:
        results, handed = pool.starmap_until(T.flaky_power, [(x, 2, str(tmp_path / "m"), "raise") for x in range(10)],
                                             lambda i, r: False, lookahead=3, retries=1)
        assert results == [x**2 for x in range(10)] and handed == 10
        with pytest.raises(ValueError, match="lookahead"):
            pool.starmap_until(T.marked_sleep, [], lambda i, r: False, lookahead=0)


@pytest.mark.slow
def test_starmap_until_on_a_dask_cluster_hands_out_the_same_calls(dask_scheduler: str, tmp_path: Path) -> None:
    with WorkerPool(scheduler=dask_scheduler) as pool:
        results, handed, ran = _run(pool, tmp_path / "calls")
    assert results == list(range(15)) and handed == 14 + LOOKAHEAD and ran <= handed
