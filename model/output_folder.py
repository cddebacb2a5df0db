"""A command's outputs appear together or not at all, and a full disk is one line, not a traceback.

`staged_folder(out)` hands out a temporary sibling folder (``.NAME.staging-XXXX`` beside ``out``);
the command writes everything there, and only when the block ends without error are the files moved
into ``out`` (the whole folder is renamed into place when ``out`` does not exist yet or is empty;
otherwise each file is renamed over its old version, so files the command does not write are kept).
On any error the temporary folder is removed and ``out`` is untouched.

A write that fails for lack of space (ENOSPC, or a quota) raises `DiskFull`, whose message is
``no space left writing FILE``; ``run.py`` prints it on one line and exits with status 1.
"""

from __future__ import annotations

import contextlib
import errno
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

__all__ = ["DiskFull", "is_disk_full", "disk_full_guard", "staged_folder"]

_FULL_ERRNOS = {errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC), errno.EFBIG}


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
