"""Everything cogov writes goes through here: atomic files, staged output folders, provenance.

A command's outputs appear together or not at all, and a full disk is one line, not a traceback.

`staged_folder(out)` hands out a temporary sibling folder (``.NAME.staging-XXXX`` beside ``out``);
the command writes everything there, and only when the block ends without error are the files moved
into ``out`` (the whole folder is renamed into place when ``out`` does not exist yet or is empty;
otherwise each file is renamed over its old version, so files the command does not write are kept).
On any error the temporary folder is removed and ``out`` is untouched.

`folder_lock(out)` holds an output folder for one writer (``out/.lock``, `LOCK_FILE`, ``flock``-ed and
released by the kernel, even on kill -9): a second sweep or calibration into the same folder is refused.

A write that fails for lack of space (ENOSPC, or a quota) raises `DiskFull`, whose message is
``no space left writing FILE``; ``run.py`` prints it on one line and exits with status 1.
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
import platform
import shutil
import subprocess
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from model import __version__
from model.errors import UserError
from model.metric_info import METRIC_INFO

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["DiskFull", "is_disk_full", "disk_full_guard", "staged_folder", "atomic_write", "ensure_writable_dir",
           "LOCK_FILE", "folder_lock", "write_run_outputs", "write_parquet", "metric_units", "versions",
           "package_git_commit"]

_FULL_ERRNOS = {errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC), errno.EFBIG}
LOCK_FILE = ".lock"  # the folder lock's file name (not content: a folder holding only it is empty)


class DiskFull(Exception):
    """A write failed because the file system is full (or a quota is reached). Exit status 1."""

    exit_status = 1

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = Path(path)
        super().__init__(f"no space left writing {self.path}")


def is_disk_full(exc: BaseException) -> bool:
    """True for an OSError (pyarrow's included) that says the disk or quota is full."""
    if isinstance(exc, DiskFull):
        return True
    if not isinstance(exc, OSError):
        return False
    return exc.errno in _FULL_ERRNOS or "No space left on device" in str(exc) or "Disk quota exceeded" in str(exc)


@contextlib.contextmanager
def disk_full_guard(path: str | os.PathLike[str]) -> Iterator[None]:
    """Turn a disk-full OSError raised in the block into `DiskFull(path)`."""
    try:
        yield
    except DiskFull:
        raise
    except OSError as exc:
        if is_disk_full(exc):
            raise DiskFull(path) from None
        raise


def _final_name(path: Path, stage: Path, out: Path) -> Path:
    """The name a file in the staging folder will have once moved into `out`."""
    with contextlib.suppress(ValueError):
        return out / path.relative_to(stage)
    return path


def _merge(src: Path, dst: Path) -> None:
    """Move every file of `src` into `dst` (renames; subfolders merged), then remove `src`."""
    dst.mkdir(exist_ok=True)
    for item in sorted(src.iterdir()):
        target = dst / item.name
        if item.is_dir() and not item.is_symlink():
            if target.is_dir():
                _merge(item, target)
                continue
            if target.exists():
                target.unlink()
        elif target.is_dir() and not target.is_symlink():
            shutil.rmtree(target)
        os.replace(item, target)
    src.rmdir()


@contextlib.contextmanager
def staged_folder(out: str | os.PathLike[str]) -> Iterator[Path]:
    """Yield a temporary folder beside `out`; move its contents into `out` when the block succeeds.

    A disk-full error inside the block becomes `DiskFull` naming the file as it would be in `out`.
    """
    out = Path(out)
    parent = out.absolute().parent
    with disk_full_guard(out):
        parent.mkdir(parents=True, exist_ok=True)
        stage = Path(tempfile.mkdtemp(prefix=f".{out.name}.staging-", dir=parent))
    try:
        try:
            yield stage
        except DiskFull as exc:
            raise DiskFull(_final_name(exc.path.absolute(), stage, out)) from None
        except OSError as exc:
            if is_disk_full(exc):
                name = Path(exc.filename).absolute() if isinstance(exc.filename, str) else stage
                raise DiskFull(_final_name(name, stage, out)) from None
            raise
        with disk_full_guard(out):
            if not out.exists() or (out.is_dir() and not any(out.iterdir())):
                with contextlib.suppress(FileNotFoundError):
                    out.rmdir()
                os.replace(stage, out)
                # mkdtemp makes the folder 0700; give it the usual permissions (0777 - umask)
                umask = os.umask(0)
                os.umask(umask)
                os.chmod(out, 0o777 & ~umask)
            else:
                _merge(stage, out)
    finally:
        if stage.exists():
            shutil.rmtree(stage, ignore_errors=True)


@contextlib.contextmanager
def folder_lock(out_dir: str | os.PathLike[str], what: str = "sweep") -> Iterator[None]:
    """Hold ``out_dir/.lock`` (``flock``, released by the kernel even on kill -9) for the block; a folder
    another driver holds raises `UserError` ("another WHAT is already writing"). The folder is created if needed. A driver that must write
    before `execute` (a sweep's manifest) takes it first and passes ``locked=True`` to `execute`."""
    import fcntl

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    fh = open(out / LOCK_FILE, "a+")  # noqa: SIM115 - held for the whole block
    try:
        try:
            fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise UserError(f"{out}: another {what} is already writing to this folder") from None
        yield
    finally:
        fh.close()


def versions() -> dict[str, str]:
    """Versions of what produced a result: cogov, Python and key libraries, and ``git_commit`` when
    this package is itself a git checkout (never the commit of a repository it is installed inside)."""
    import mesa
    import numpy
    import pandas as pd
    import pyarrow

    info = {"cogov": __version__, "python": platform.python_version(), "mesa": mesa.__version__,
            "numpy": numpy.__version__, "pandas": pd.__version__, "pyarrow": pyarrow.__version__}
    commit = package_git_commit()
    if commit:
        info["git_commit"] = commit
    return info


def package_git_commit(root: Path | None = None) -> str | None:
    """The commit checked out at `root` (default: the folder holding the ``model`` package) when that
    folder is the top of a git work tree; None otherwise (an installed copy, a copy without .git, or
    a copy that merely sits inside some other repository)."""
    root = (Path(__file__).resolve().parent.parent if root is None else Path(root)).resolve()
    if not (root / ".git").exists():
        return None
    try:
        result = subprocess.run(["git", "-C", str(root), "rev-parse", "--show-toplevel", "HEAD"],
                                capture_output=True, text=True, timeout=5)
    except (OSError, subprocess.SubprocessError):
        return None
    lines = result.stdout.split()
    if result.returncode != 0 or len(lines) != 2 or Path(lines[0]).resolve() != root:
        return None
    return lines[1]


def metric_units(columns: Any) -> dict[str, str]:
    """Unit of each metric among `columns` (``week`` in weeks), from ``model.metric_info.METRIC_INFO``."""
    units = {"week": "week", "seed": "", "scenario": "", "replicate": ""}
    return {str(c): (units[c] if c in units else METRIC_INFO.get(c, ("", "", ""))[2]) for c in columns}


def write_parquet(frame: pd.DataFrame, path: Path, provenance: dict[str, Any]) -> None:
    """Write `frame` as Parquet with its provenance as key-value metadata: ``cogov`` (JSON:
    `provenance`, e.g. scenario, seed, versions) and, per column, its ``unit`` and labels."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    table = pa.Table.from_pandas(frame, preserve_index=False)
    units = metric_units(frame.columns)
    fields = []
    for f in table.schema:
        meta = {"unit": units.get(f.name, "")}
        if f.name in METRIC_INFO:
            meta["label_zh"], meta["label_en"] = METRIC_INFO[f.name][0], METRIC_INFO[f.name][1]
        fields.append(f.with_metadata({k: v.encode() for k, v in meta.items()}))
    schema = pa.schema(fields, metadata={
        **(table.schema.metadata or {}),
        b"cogov": json.dumps(provenance, ensure_ascii=False, default=str).encode(),
    })
    pq.write_table(table.cast(schema), path)


def ensure_writable_dir(path: str | Path, flag: str = "--out") -> Path:
    """Create `path` if needed and check that files can be written there, or raise UserError."""
    out = Path(path)
    if out.exists() and not out.is_dir():
        raise UserError(f"{flag} {out}: exists and is not a directory")
    try:
        out.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=out, prefix=".write-test-"):
            pass
    except OSError as exc:
        raise UserError(f"{flag} {out}: not writable ({exc.strerror or exc})") from None
    return out


def atomic_write(target: str | Path, write: Callable[[Path], None]) -> Path:
    """Call `write(tmp_path)` on a temporary name beside `target`, fsync it, then rename it onto
    `target`: readers see the old file or the new one, never a half-written one, even if the process
    is killed. The file keeps the permissions of the file it replaces (else the usual 0666 − umask,
    not mkstemp's 0600). This is the one place the project writes outputs. A full disk raises
    `DiskFull` naming `target`."""
    target = Path(target)
    if target.exists():
        mode = target.stat().st_mode & 0o777
    else:
        umask = os.umask(0)
        os.umask(umask)
        mode = 0o666 & ~umask
    with disk_full_guard(target):  # a full disk: DiskFull("no space left writing TARGET"), not a traceback
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
        os.close(fd)
        tmp_path = Path(tmp)
        try:
            write(tmp_path)
            with open(tmp_path, "rb+") as fh:
                os.fsync(fh.fileno())
            os.chmod(tmp_path, mode)
            os.replace(tmp_path, target)
        finally:
            if tmp_path.exists():
                tmp_path.unlink()
    return target


def write_run_outputs(out_dir: Path, frame: pd.DataFrame, meta: dict[str, Any]) -> list[Path]:
    """Write timeseries.parquet, timeseries.csv and run.json, each atomically.

    The tables get ``scenario`` and ``seed`` columns (so several runs' files concatenate); the
    Parquet file carries scenario, seed, weeks, versions and every column's unit as metadata, and
    run.json lists the units too.
    """
    import pandas as pd

    frame = frame.copy()
    frame.insert(0, "seed", pd.array([int(meta["seed"])] * len(frame), dtype="int64"))
    frame.insert(0, "scenario", str(meta["scenario"]))
    meta = {**meta, "units": metric_units(frame.columns)}
    provenance = {k: meta[k] for k in ("scenario", "seed", "weeks", "households", "overrides", "versions")
                  if k in meta}
    paths = [
        atomic_write(out_dir / "timeseries.parquet", lambda p: write_parquet(frame, p, provenance)),
        atomic_write(out_dir / "timeseries.csv", lambda p: frame.to_csv(p, index=False)),
        atomic_write(out_dir / "run.json",
                     lambda p: p.write_text(json.dumps(meta, indent=2, ensure_ascii=False, default=str) + "\n",
                                            encoding="utf-8")),
    ]
    return paths
