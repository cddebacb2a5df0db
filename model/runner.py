"""Running one scenario and writing its outputs.

>>> from model.runner import run_scenario
>>> df = run_scenario("baseline", seed=1, weeks=4)
>>> list(df["week"])
[0, 1, 2, 3, 4]
"""

from __future__ import annotations

import json
import os
import platform
import subprocess
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd

from model.errors import UserError

__all__ = ["run_scenario", "run_model", "versions", "atomic_write", "ensure_writable_dir", "write_run_outputs",
           "SUMMARY_WEEKS", "summary_table"]

SUMMARY_WEEKS = (0, 52, 104, 156)
SUMMARY_METRICS = (
    ("satisfaction_mean", "satisfaction 满意度"),
    ("satisfied_share", "share satisfied 满意率"),
    ("participation_monthly", "monthly participation 月参与率"),
    ("issues_open", "open issues 待办诉求"),
    ("issues_resolved", "resolved (cum.) 累计办结"),
    ("resolution_weeks_mean", "weeks to resolve 办结周数"),
    ("fee_collection_rate", "fee collection 收缴率"),
)


def run_model(scenario: Any = "baseline", seed: int = 1, weeks: int | None = None,
              overrides: dict[str, Any] | None = None):
    """Build and run a model; returns it (call ``model.remove()`` when done with it)."""
    from model.model import CoGovernanceModel

    model = CoGovernanceModel(scenario, seed=seed, **(overrides or {}))
    model.run(weeks)
    return model


def run_scenario(scenario: Any = "baseline", seed: int = 1, weeks: int | None = None,
                 overrides: dict[str, Any] | None = None) -> pd.DataFrame:
    """Run one scenario and return its weekly table: a `week` column plus every metric.

    A pure function of its arguments: the same arguments give a bit-identical frame. The model is
    released afterwards, so thousands of calls in one process don't accumulate memory.
    """
    from model.model import CoGovernanceModel

    model = CoGovernanceModel(scenario, seed=seed, **(overrides or {}))
    try:  # released even when the run raises, so a failing run in a sweep worker leaks nothing
        model.run(weeks)
        frame = model.datacollector.get_model_vars_dataframe().reset_index(drop=True)
        frame.insert(0, "week", range(len(frame)))
        return frame
    finally:
        model.remove()


def versions() -> dict[str, str]:
    """Versions of what produced a result: cogov (and its git commit), Python and key libraries."""
    import mesa
    import numpy

    import model as cogov

    info = {"cogov": cogov.__version__, "python": platform.python_version(), "mesa": mesa.__version__,
            "numpy": numpy.__version__, "pandas": pd.__version__}
    try:
        root = Path(__file__).resolve().parent.parent
        commit = subprocess.run(["git", "-C", str(root), "rev-parse", "HEAD"], capture_output=True, text=True,
                                timeout=5)
        if commit.returncode == 0:
            info["git_commit"] = commit.stdout.strip()
    except (OSError, subprocess.SubprocessError):
        pass
    return info


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
    not mkstemp's 0600). This is the one place the project writes outputs."""
    target = Path(target)
    if target.exists():
        mode = target.stat().st_mode & 0o777
    else:
        umask = os.umask(0)
        os.umask(umask)
        mode = 0o666 & ~umask
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
    """Write timeseries.parquet, timeseries.csv and run.json, each atomically."""
    paths = [
        atomic_write(out_dir / "timeseries.parquet", lambda p: frame.to_parquet(p, index=False)),
        atomic_write(out_dir / "timeseries.csv", lambda p: frame.to_csv(p, index=False)),
        atomic_write(out_dir / "run.json",
                     lambda p: p.write_text(json.dumps(meta, indent=2, ensure_ascii=False, default=str) + "\n",
                                            encoding="utf-8")),
    ]
    return paths


def summary_table(frame: pd.DataFrame) -> str:
    """Satisfaction, participation, issues and fee collection at weeks 0, 52, 104, 156 (those run)."""
    weeks = [w for w in SUMMARY_WEEKS if w < len(frame)]
    if weeks[-1] != len(frame) - 1:
        weeks.append(len(frame) - 1)
    header = f"{'metric':34s}" + "".join(f"{'week ' + str(w):>11s}" for w in weeks)
    lines = [header, "-" * len(header)]
    for metric, label in SUMMARY_METRICS:
        cells = []
        for w in weeks:
            v = frame.loc[w, metric]
            cells.append(f"{'—':>11s}" if pd.isna(v) else f"{v:11.3f}" if abs(v) < 100 else f"{v:11.0f}")
        lines.append(f"{label:34s}" + "".join(cells))
    return "\n".join(lines)
