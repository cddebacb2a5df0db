"""The run folder on disk, which many runs fill one file at a time and which survives a crash of the
driver or of a worker (what `experiments.run_driver.execute` writes, and sweeps, comparisons and their
readers read back):

- ``runs/<run_id>.parquet``: one file per finished run (`save_run`), written under a temporary name in
  the same folder, then ``os.replace``d, so a file either exists whole or not at all. A run's file is
  the run function's frame with a leading ``run_id`` column, the index dropped (`run_file_bytes`); a
  fingerprint of its task, when the run function stores one in ``frame.attrs[FINGERPRINT_ATTR]``, is
  kept in the file's Parquet metadata (`run_file_fingerprint`).
- ``failed/<run_id>.json``: a run that raised on every attempt (JSON: task, attempts, error,
  traceback; `save_failure`), written the same way. Removed again when a later attempt completes the run.
- run ids are file names here: safe and unique (`check_run_ids`).

Read back with `completed_run_ids`, `check_run_files` (damaged files, files of another task),
`iter_runs` and `collect` (run-id order, whatever engine produced them). The folder's lock is
`storage.outputs.folder_lock`.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import re
import traceback
from collections.abc import Callable, Iterable, Iterator
from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING

from experiments.run_task import RunTask, error_line
from storage.outputs import atomic_write

if TYPE_CHECKING:  # pandas is imported where frames are made or read: the driver's start stays light
    import pandas as pd

__all__ = [
    "RUNS_DIR",
    "FAILED_DIR",
    "FINGERPRINT_ATTR",
    "check_run_ids",
    "run_file_bytes",
    "save_run",
    "save_failure",
    "remove_stale_temporaries",
    "completed_run_ids",
    "run_file_fingerprint",
    "check_run_files",
    "iter_runs",
    "collect",
]

RUNS_DIR = "runs"
FAILED_DIR = "failed"
#: `frame.attrs` key under which a run function may store a fingerprint of its task (kept in the run
#: file's Parquet metadata by pandas); `execute(..., fingerprint=f)` checks it on resume.
FINGERPRINT_ATTR = "task_fingerprint"
_RUN_ID_RE = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9._-]{0,199}$")


def check_run_ids(tasks: list[RunTask]) -> None:
    """Every task is a `RunTask` whose run id is a safe file name, and no run id appears twice."""
    seen: set[str] = set()
    for task in tasks:
        if not isinstance(task, RunTask):
            raise TypeError(f"expected RunTask, got {type(task).__name__}")
        if not _RUN_ID_RE.match(task.run_id):
            raise ValueError(
                f"run_id {task.run_id!r} is not a safe file name ([A-Za-z0-9._-], not starting with '.')"
            )
        if task.run_id in seen:
            raise ValueError(f"run_id {task.run_id!r} appears twice")
        seen.add(task.run_id)


def run_file_bytes(frame: pd.DataFrame, run_id: str) -> bytes:
    """A run's file: ``frame`` with a leading ``run_id`` column (the index dropped) as Parquet bytes."""
    frame = frame.reset_index(drop=True)
    if "run_id" in frame.columns:
        frame = frame.drop(columns="run_id")
    frame.insert(0, "run_id", run_id)
    buf = io.BytesIO()
    frame.to_parquet(buf, index=False)  # pandas keeps frame.attrs in the file's metadata (PANDAS_ATTRS)
    return buf.getvalue()


def save_run(out: Path, run_id: str, data: bytes) -> None:
    """Write a finished run's file ``runs/<run_id>.parquet`` atomically; remove its failure record, if any."""
    _atomic_write(out / RUNS_DIR / f"{run_id}.parquet", data)
    with contextlib.suppress(FileNotFoundError):
        (out / FAILED_DIR / f"{run_id}.json").unlink()


def save_failure(out: Path, task: RunTask, attempts: int, exc: BaseException) -> None:
    """Record a run that raised on every attempt: ``failed/<run_id>.json``, atomically."""
    _atomic_write(out / FAILED_DIR / f"{task.run_id}.json", _failure_record(task, attempts, exc))


def _atomic_write(path: Path, data: bytes) -> None:
    """Write ``data`` through ``storage.outputs.atomic_write`` (temporary name, fsync, rename)."""
    atomic_write(path, lambda tmp: tmp.write_bytes(data))


def completed_run_ids(out_dir: str | os.PathLike[str]) -> set[str]:
    """Run ids that have a finished file in ``out_dir/runs``."""
    runs = Path(out_dir) / RUNS_DIR
    if not runs.is_dir():
        return set()
    return {p.name[: -len(".parquet")] for p in runs.glob("*.parquet") if not p.name.startswith(".")}


def run_file_fingerprint(path: str | os.PathLike[str]) -> str | None:
    """The task fingerprint stored in a run file (None if it has none); raises if the file is damaged."""
    import pyarrow.parquet as pq

    meta = pq.read_metadata(path).metadata or {}
    attrs = meta.get(b"PANDAS_ATTRS")
    if not attrs:
        return None
    value = json.loads(attrs).get(FINGERPRINT_ATTR)
    return value if isinstance(value, str) else None


def check_run_files(
    out_dir: str | os.PathLike[str], tasks: Iterable[RunTask], fingerprint: Callable[[RunTask], str] | None = None
) -> tuple[dict[str, str], list[str]]:
    """Check the finished run files of ``tasks`` in ``out_dir/runs``: ``(damaged, foreign)``.

    ``damaged`` maps run ids whose file cannot be read as Parquet to the reason (they should be run
    again). With ``fingerprint``, ``foreign`` lists run ids whose file holds another fingerprint, or
    none (made by a different run, e.g. another sweep written into the same folder).
    """
    runs = Path(out_dir) / RUNS_DIR
    done = completed_run_ids(out_dir)
    damaged: dict[str, str] = {}
    foreign: list[str] = []
    for task in tasks:
        if task.run_id not in done:
            continue
        try:
            stored = run_file_fingerprint(runs / f"{task.run_id}.parquet")
        except (OSError, ValueError) as exc:  # pyarrow's ArrowInvalid is a ValueError
            damaged[task.run_id] = error_line(exc)
            continue
        if fingerprint is not None and stored != fingerprint(task):
            foreign.append(task.run_id)
    return damaged, foreign


def iter_runs(
    out_dir: str | os.PathLike[str], columns: list[str] | None = None
) -> Iterator[tuple[str, pd.DataFrame]]:
    """Yield ``(run_id, frame)`` for every finished run, sorted by run id, one file at a time."""
    import pandas as pd

    runs = Path(out_dir) / RUNS_DIR
    for run_id in sorted(completed_run_ids(out_dir)):
        yield run_id, pd.read_parquet(runs / f"{run_id}.parquet", columns=columns)


def collect(out_dir: str | os.PathLike[str], columns: list[str] | None = None) -> pd.DataFrame:
    """All finished runs in one frame, in run-id order (deterministic whatever engine produced them)."""
    import pandas as pd

    frames = [frame for _, frame in iter_runs(out_dir, columns)]
    if not frames:
        return pd.DataFrame()
    return pd.concat(frames, ignore_index=True)


def remove_stale_temporaries(out_dir: Path) -> None:
    """Remove the temporary files an interrupted driver left in ``runs/`` and ``failed/``."""
    for sub in (RUNS_DIR, FAILED_DIR):
        for tmp in (out_dir / sub).glob(".*.tmp"):
            with contextlib.suppress(OSError):
                tmp.unlink()


def _failure_record(task: RunTask, attempts: int, exc: BaseException) -> bytes:
    record = {
        "run_id": task.run_id,
        "task": asdict(task),
        "attempts": attempts,
        "error": error_line(exc),
        "traceback": "".join(traceback.format_exception(exc)),
    }
    return json.dumps(record, indent=2, ensure_ascii=False, default=repr).encode()
