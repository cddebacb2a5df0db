"""Fixtures shared by several test files."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from _processes import dask_cluster

TESTS = Path(__file__).resolve().parent


@pytest.fixture(scope="module")
def dask_scheduler(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A real `dask scheduler` and 2 single-thread workers on localhost, started through the CLI;
    workers import the project and the test helpers (tests/_engine_tasks.py)."""
    pytest.importorskip("distributed")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(TESTS), str(TESTS.parent)])}
    with dask_cluster(tmp_path_factory.mktemp("dask"), env) as address:
        yield address


#: Seconds each test file takes on its own (CPU seconds, `pytest -n 0` one file at a time on the 2-core
#: development VM, 2026-11-29 12:40-13:00, after that day's speed-ups; the six browser files took 110 s
#: together, split here by estimate). Only the order matters: `make test` hands the files to its two workers
#: longest first (`--dist loadfile --no-loadscope-reorder`), so the workers finish together instead of
#: one waiting while the other runs a long file it was given last. A file not listed counts as short.
FILE_SECONDS = {
    "test_sweep.py": 69, "test_no_free_lunch.py": 58, "test_mechanisms_a.py": 51, "test_mechanisms_b.py": 51,
    "test_calibration.py": 49, "test_patterns.py": 48, "test_cli.py": 27, "test_viz_parts.py": 25,
    "test_explore.py": 25, "test_compare_page.py": 20, "test_compare.py": 18, "test_hardening_folders.py": 17,
    "test_dynamics.py": 17, "test_ema.py": 16, "test_bench.py": 16, "test_walk.py": 15, "test_research_loop.py": 15,
    "test_scale_free.py": 15, "test_calibration_engine.py": 14, "test_foundation.py": 12, "test_offline_assets.py": 10, "test_executor.py": 10,
}


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Files longest first (FILE_SECONDS); the tests of a file keep their order."""
    first = {}
    for i, item in enumerate(items):
        first.setdefault(item.path, i)
    items.sort(key=lambda item: (-FILE_SECONDS.get(item.path.name, 5), first[item.path]))
