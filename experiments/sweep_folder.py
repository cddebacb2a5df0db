"""A sweep's output folder: its manifest, the per-run files and the results built from them.

Shared by the sweep driver (`experiments.sweep`), which writes the folder, and the sensitivity
analysis (`experiments.sensitivity`), which reads it back.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

from experiments.run_folder import RUNS_DIR, completed_run_ids
from model.errors import UserError
from storage.outputs import atomic_write

if TYPE_CHECKING:  # pandas is imported where tables are built: the sweep's driver starts light
    import pandas as pd

__all__ = [
    "MANIFEST", "RESULTS", "FORMAT", "read_manifest", "manifest_problem", "check_run_files_readable", "write_json", "design_table", "build_results",
    "write_results", "load_series",
]

MANIFEST = "manifest.json"
RESULTS = "results.parquet"
FORMAT = "cogov-sweep/1"


def read_manifest(out: Path, flag: str = "DIR") -> dict[str, Any]:
    """The manifest of a sweep folder, or a `UserError` saying why there is none."""
    path = out / MANIFEST
    if not out.is_dir():
        raise UserError(f"{flag} {out}: no such folder")
    if not path.is_file():
        raise UserError(f"{flag} {out}: no {MANIFEST} here, so this folder was not made by a sweep")
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise UserError(f"{flag} {out}: unreadable {MANIFEST} ({exc})") from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise UserError(f"{flag} {out}: {MANIFEST} is not a {FORMAT} manifest")
    problem = manifest_problem(manifest)
    if problem:
        raise UserError(f"{flag} {path}: damaged manifest: {problem}; it cannot be used (restore it, or start "
                        "the sweep again in a new folder)")
    return manifest


#: What a manifest must hold for resume and analysis: key -> type (nested keys with "/").
MANIFEST_SCHEMA: dict[str, type | tuple[type, ...]] = {
    "scenario": str, "weeks": int, "replicates": int, "series": str, "fixed": dict, "points": list, "runs": list,
    "outcomes": list, "design": dict, "design/method": str, "design/factors": list, "design/options": dict,
    "design_seed": int, "sensitivity": dict, "sensitivity/auto": bool, "sensitivity/conf_level": (int, float),
    "sensitivity/num_resamples": int, "sensitivity/plots": list, "sweep_sha256": str,
    "scenario_params_sha256": str, "versions": dict,
}


def manifest_problem(manifest: dict[str, Any]) -> str:
    """'' for a usable manifest, else what is wrong with it (a missing key, a wrong type, a bad run)."""
    for key, kind in MANIFEST_SCHEMA.items():
        node: Any = manifest
        for part in key.split("/"):
            if not isinstance(node, dict) or part not in node:
                return f"missing key '{key}'"
            node = node[part]
        if not isinstance(node, kind) or (kind is int and isinstance(node, bool)):
            return f"'{key}' has the wrong type ({type(node).__name__})"
    npoints = len(manifest["points"])
    if not all(isinstance(p, dict) for p in manifest["points"]):
        return "'points' must be a list of tables"
    for i, run in enumerate(manifest["runs"]):
        if (not isinstance(run, dict) or not isinstance(run.get("run_id"), str)
                or any(not isinstance(run.get(k), int) for k in ("point", "replicate", "seed"))):
            return f"runs[{i}] needs run_id, point, replicate and seed"
        if not 0 <= run["point"] < npoints:
            return f"runs[{i}] names design point {run['point']}, but there are {npoints}"
    for i, o in enumerate(manifest["outcomes"]):
        if not isinstance(o, dict) or not {"name", "metric", "statistic"} <= set(o):
            return f"outcomes[{i}] needs name, metric and statistic"
    for i, f in enumerate(manifest["design"]["factors"]):
        if not isinstance(f, dict) or not isinstance(f.get("name"), str) or f.get("kind") not in ("int", "float", "bool"):
            return f"design.factors[{i}] needs name and kind"
    return ""


def check_run_files_readable(out: Path, run_ids: list[str]) -> None:
    """Refuse (one line naming the file) when a finished run's file is not readable Parquet."""
    import pyarrow.parquet as pq

    for run_id in run_ids:
        path = out / RUNS_DIR / f"{run_id}.parquet"
        try:
            pq.read_metadata(path)
        except (OSError, ValueError) as exc:
            _refuse_damaged(out, path, exc)


def _refuse_damaged(out: Path, path: Path, exc: Exception) -> NoReturn:
    reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    raise UserError(f"{path}: damaged run file ({reason[:120]}); `run.py sweep SWEEP_FILE --out {out} "
                    "--resume` runs it again") from None


def _outcome_rows(out: Path, run_ids: list[str]) -> pd.DataFrame:
    """run_id, name, value of every outcome row of the runs' files, in run order: one read of each file
    (a file that cannot be read is refused as by `check_run_files_readable`), without pyarrow.dataset,
    whose import alone costs more than reading a sweep's outcome rows."""
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    tables = []
    for run_id in run_ids:
        path = out / RUNS_DIR / f"{run_id}.parquet"
        try:
            table = pq.ParquetFile(path).read(columns=["run_id", "kind", "name", "value"])
        except (OSError, ValueError) as exc:
            _refuse_damaged(out, path, exc)
        rows = table.filter(pc.equal(table.column("kind"), "outcome")).select(["run_id", "name", "value"])
        tables.append(rows.replace_schema_metadata(None))  # each file's pandas metadata names its own task
    return pa.concat_tables(tables, promote_options="default").to_pandas()


def write_json(path: Path, data: dict[str, Any]) -> None:
    """Write `data` as JSON atomically."""
    text = json.dumps(data, indent=1, ensure_ascii=False) + "\n"
    atomic_write(path, lambda p: p.write_text(text, encoding="utf-8"))


def design_table(manifest: dict[str, Any]) -> pd.DataFrame:
    """run_id, point, replicate, seed and the swept parameters, one row per run."""
    import pandas as pd

    runs = pd.DataFrame(manifest["runs"], columns=["run_id", "point", "replicate", "seed"])
    names = [f["name"] for f in manifest["design"]["factors"]]
    points = pd.DataFrame(manifest["points"], columns=names)
    for f in manifest["design"]["factors"]:
        points[f["name"]] = points[f["name"]].astype(
            {"int": "int64", "float": "float64", "bool": "bool"}[f["kind"]]
        )
    table = runs.join(points, on="point")
    return table.astype({"point": "int64", "replicate": "int64", "seed": "int64"})


def build_results(out: Path, manifest: dict[str, Any]) -> pd.DataFrame:
    """One row per finished run and outcome: run_id, point, replicate, seed, parameters, outcome, metric,
    statistic, last_weeks, value. Sorted by run id, then outcome order; reads only the outcome rows."""
    import pandas as pd

    outcomes = manifest["outcomes"]
    order = {o["name"]: i for i, o in enumerate(outcomes)}
    design = design_table(manifest)
    known = set(design["run_id"])
    ids = sorted(completed_run_ids(out) & known)
    if ids:
        values = _outcome_rows(out, ids)
        values["run_id"] = values["run_id"].astype(str)
        values["name"] = values["name"].astype(str)
    else:
        values = pd.DataFrame(
            {"run_id": pd.Series(dtype=str), "name": pd.Series(dtype=str), "value": pd.Series(dtype=float)}
        )
    values = values[values["name"].isin(order)].rename(columns={"name": "outcome"})
    meta = pd.DataFrame(outcomes).rename(columns={"name": "outcome"})
    meta["last_weeks"] = meta["last_weeks"].astype("Int64")
    frame = design.merge(values, on="run_id", how="inner").merge(meta, on="outcome", how="left")
    frame["_order"] = frame["outcome"].map(order)
    frame = frame.sort_values(["run_id", "_order"], kind="stable")
    frame = frame[[*design.columns, "outcome", "metric", "statistic", "last_weeks", "value"]]
    frame["value"] = frame["value"].astype("float64")
    return frame.reset_index(drop=True)


def write_results(out: Path, manifest: dict[str, Any], into: Path | None = None) -> tuple[Path, pd.DataFrame]:
    """Build `results.parquet` from the finished runs of `out` and write it atomically into `into`
    (default `out`; a staging folder when it is written together with the analysis)."""
    from storage.outputs import metric_units, write_parquet

    frame = build_results(out, manifest)
    outcomes = manifest.get("outcomes", [])
    provenance = {
        "sweep": manifest.get("name"), "scenario": manifest.get("scenario_name"), "weeks": manifest.get("weeks"),
        "base_seed": manifest.get("base_seed"), "versions": manifest.get("versions", {}),
        # the unit of `value` for each outcome: its metric's unit (a statistic of it keeps the unit)
        "units": {o["name"]: metric_units([o["metric"]])[o["metric"]] for o in outcomes if "metric" in o},
    }
    path = atomic_write((out if into is None else into) / RESULTS, lambda p: write_parquet(frame, p, provenance))
    return path, frame


def load_series(out_dir: str | Path, metrics: list[str] | None = None) -> pd.DataFrame:
    """Weekly series of a sweep's finished runs (what the run files kept), long: run_id, point, replicate,
    seed, parameters, metric, week, value. ``metrics`` narrows it down."""
    import pandas as pd
    import pyarrow.compute as pc
    import pyarrow.dataset as ds

    out = Path(out_dir)
    manifest = read_manifest(out)
    design = design_table(manifest)
    ids = sorted(completed_run_ids(out) & set(design["run_id"]))
    if not ids:
        return pd.DataFrame()
    check_run_files_readable(out, ids)
    expr = pc.field("kind") == "series"
    if metrics:
        expr = expr & pc.field("name").isin(metrics)
    dataset = ds.dataset([str(out / RUNS_DIR / f"{i}.parquet") for i in ids], format="parquet")
    frame = dataset.to_table(columns=["run_id", "name", "week", "value"], filter=expr).to_pandas()
    frame = frame.rename(columns={"name": "metric"})
    frame["run_id"] = frame["run_id"].astype(str)
    frame = frame.sort_values(["run_id", "metric", "week"], kind="stable")
    return design.merge(frame, on="run_id", how="inner").reset_index(drop=True)
