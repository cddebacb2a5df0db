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
from model.output_folder import disk_full_guard

__all__ = ["run_scenario", "run_model", "versions", "package_git_commit", "households_in", "metric_units",
           "write_parquet", "atomic_write", "ensure_writable_dir", "write_run_outputs", "SUMMARY_WEEKS",
           "summary_table"]

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
                 overrides: dict[str, Any] | None = None, posterior: Any = None,
                 draw: int | None = None) -> pd.DataFrame:
    """Run one scenario and return its weekly table: a `week` column plus every metric.

    ``posterior`` (a folder written by ``run.py calibrate``, or a loaded `scenarios.posterior.Posterior`)
    with ``draw=k`` runs under the k-th parameter set drawn from it (by weight, deterministic in k);
    ``overrides`` still win over the drawn values.

    A pure function of its arguments: the same arguments give a bit-identical frame. The model is
    released afterwards, so thousands of calls in one process don't accumulate memory.
    """
    from model.model import CoGovernanceModel

    if posterior is not None:
        from scenarios.posterior import load_posterior

        overrides = {**load_posterior(posterior, flag="posterior").draw(0 if draw is None else draw),
                     **(overrides or {})}
    elif draw is not None:
        raise UserError(f"draw={draw}: a posterior draw needs posterior=DIR (a calibration's output folder)")
    model = CoGovernanceModel(scenario, seed=seed, **(overrides or {}))
    try:  # released even when the run raises, so a failing run in a sweep worker leaks nothing
        model.run(weeks)
        frame = model.datacollector.get_model_vars_dataframe().reset_index(drop=True)
        frame.insert(0, "week", range(len(frame)))
        return frame
    finally:
        model.remove()


def versions() -> dict[str, str]:
    """Versions of what produced a result: cogov, Python and key libraries, and ``git_commit`` when
    this package is itself a git checkout (never the commit of a repository it is installed inside)."""
    import mesa
    import numpy
    import pyarrow

    import model as cogov

    info = {"cogov": cogov.__version__, "python": platform.python_version(), "mesa": mesa.__version__,
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


def households_in(params: dict[str, Any]) -> int:
    """Households in a street with these layout parameters."""
    return int(params["n_communities"] * params["grids"] * params["buildings_per_grid"]
               * params["households_per_building"])


def metric_units(columns: Any) -> dict[str, str]:
    """Unit of each metric among `columns` (``week`` in weeks), from ``model.reporters.METRIC_INFO``."""
    from model.reporters import METRIC_INFO

    units = {"week": "week", "seed": "", "scenario": "", "replicate": ""}
    return {str(c): (units[c] if c in units else METRIC_INFO.get(c, ("", "", ""))[2]) for c in columns}


def write_parquet(frame: pd.DataFrame, path: Path, provenance: dict[str, Any]) -> None:
    """Write `frame` as Parquet with its provenance as key-value metadata: ``cogov`` (JSON:
    `provenance`, e.g. scenario, seed, versions) and, per column, its ``unit`` and labels."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    from model.reporters import METRIC_INFO

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
    `model.output_folder.DiskFull` naming `target`."""
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
