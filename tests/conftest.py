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
