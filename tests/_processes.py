"""Helpers for tests that start real processes: waiting, stopping a process group, a Dask cluster."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path


def wait_for(predicate: Callable[[], bool], timeout: float, what: str) -> None:
    """Poll `predicate` until it is true, or fail naming `what`."""
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.02)


def group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    return True


def stop_group(proc: subprocess.Popen, timeout: float = 10.0) -> None:
    """Terminate a subprocess started with start_new_session=True, and its session, by id."""
    pgid = proc.pid
    if proc.poll() is None:
        proc.terminate()
        with contextlib.suppress(subprocess.TimeoutExpired):
            proc.wait(timeout)
    if group_alive(pgid):
        os.killpg(pgid, signal.SIGKILL)
    proc.wait()


@contextlib.contextmanager
def dask_cluster(tmp: Path, env: dict[str, str], workers: int = 2) -> Iterator[str]:
    """A real `dask scheduler` and single-thread workers on localhost, started through the CLI;
    yields the scheduler address and stops every process at the end."""
    sched_file = tmp / "scheduler.json"
    dask = str(Path(sys.executable).with_name("dask"))
    common: dict = dict(env=env, cwd=tmp, start_new_session=True, stdout=subprocess.DEVNULL,
                        stderr=subprocess.DEVNULL)
    procs = [subprocess.Popen([dask, "scheduler", "--host", "127.0.0.1", "--port", "0", "--no-dashboard",
                               "--scheduler-file", str(sched_file)], **common)]
    try:
        wait_for(lambda: sched_file.exists() and "address" in sched_file.read_text(), 60, "the dask scheduler")
        address = json.loads(sched_file.read_text())["address"]
        for _ in range(workers):
            procs.append(subprocess.Popen([dask, "worker", address, "--nthreads", "1", "--no-dashboard",
                                           "--local-directory", str(tmp)], **common))
        from distributed import Client

        with Client(address, timeout="10s", set_as_default=False) as client:
            client.wait_for_workers(workers, timeout=60)
        yield address
    finally:
        for proc in reversed(procs):
            stop_group(proc)
