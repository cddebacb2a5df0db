"""Sensitivity analysis and plots of a finished (or partly finished) sweep folder.

- Morris designs: ``mu_star`` (with its bootstrap confidence half-width), ``mu`` and ``sigma`` per parameter
  and outcome (SALib ``morris.analyze``), plotted as bars.
- Sobol designs: first-order ``S1`` and total ``ST`` indices (and ``S2`` with ``second_order = true``) with
  their confidence half-widths (SALib ``sobol.analyze``), plotted as bars.
- Grids: a response curve (mean ± 95 % interval over replicates) when one parameter varies, a heatmap of
  the mean when two vary, main-effect curves when more vary. Latin hypercubes: scatter plots.

The analysis reads ``results.parquet`` (or builds it), uses the mean over replicates of each design point,
and is seeded from the sweep's seed, so ``sensitivity.csv`` is the same every time. Indices are written to
``DIR/sensitivity.csv`` (long: outcome, method, parameter, index, value, conf, conf_level); plots go to
``DIR/plots/<kind>_<outcome>.<png|svg>``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from experiments.sweep_folder import RESULTS, build_results
from storage.outputs import atomic_write

__all__ = ["Analysis", "analyse_sweep", "indices_table", "ranking", "ranking_text", "SENSITIVITY_CSV", "PLOTS_DIR"]

SENSITIVITY_CSV = "sensitivity.csv"
PLOTS_DIR = "plots"


@dataclass
class Analysis:
    """What `analyse_sweep` wrote and what it could not do."""

    written: list[Path] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    incomplete: bool = False
    indices: pd.DataFrame | None = None


def _point_means(results: pd.DataFrame, outcome: str, n_points: int) -> np.ndarray:
    """Mean over replicates of each design point (NaN where a point has no finished run)."""
    sub = results[results["outcome"] == outcome]
    means = sub.groupby("point")["value"].mean()
    return means.reindex(range(n_points)).to_numpy(dtype=float)


def indices_table(manifest: dict[str, Any], results: pd.DataFrame) -> tuple[pd.DataFrame, list[str]]:
    """Morris or Sobol indices of every outcome (long table) and notes on outcomes that were skipped."""
    from SALib.analyze import morris, sobol

    from experiments.designs import Factor, salib_problem

    design = manifest["design"]
    method = design["method"]
    factors = [Factor(f["name"], float, low=f["low"], high=f["high"]) for f in design["factors"]]
    problem = salib_problem(factors)
    opts = manifest["sensitivity"]
    conf = float(opts["conf_level"])
    seed = int(manifest["design_seed"])
    matrix = np.asarray(design["matrix"], dtype=float)
    rows: list[dict[str, Any]] = []
    notes: list[str] = []
    for outcome in (o["name"] for o in manifest["outcomes"]):
        y = _point_means(results, outcome, design["points"])
        missing = int(np.isnan(y).sum())
        if missing:
            notes.append(
                f"{outcome}: no {method} indices, {missing} of {y.size} design points have no finished run "
                "or no value (NaN); finish the sweep with --resume, or pick an outcome defined in every run"
            )
            continue

        def add(parameter: str, index: str, value: float, half: float | None, _o: str = outcome) -> None:
            rows.append(
                {
                    "outcome": _o,
                    "method": method,
                    "parameter": parameter,
                    "index": index,
                    "value": float(value),
                    "conf": np.nan if half is None else float(half),
                    "conf_level": conf,
                }
            )

        if method == "morris":
            res = morris.analyze(
                problem,
                matrix,
                y,
                num_resamples=int(opts["num_resamples"]),
                conf_level=conf,
                num_levels=int(design["options"]["levels"]),
                seed=seed,
            )
            for i, name in enumerate(problem["names"]):
                add(name, "mu_star", res["mu_star"][i], res["mu_star_conf"][i])
                add(name, "mu", res["mu"][i], None)
                add(name, "sigma", res["sigma"][i], None)
        else:
            second = bool(design["options"]["second_order"])
            with np.errstate(divide="ignore", invalid="ignore"):
                res = sobol.analyze(
                    problem,
                    y,
                    calc_second_order=second,
                    num_resamples=int(opts["num_resamples"]),
                    conf_level=conf,
                    seed=seed,
                )
            for i, name in enumerate(problem["names"]):
                add(name, "S1", res["S1"][i], res["S1_conf"][i])
                add(name, "ST", res["ST"][i], res["ST_conf"][i])
            if second:
                names = problem["names"]
                for i in range(len(names)):
                    for j in range(i + 1, len(names)):
                        add(f"{names[i]} × {names[j]}", "S2", res["S2"][i, j], res["S2_conf"][i, j])
    columns = ["outcome", "method", "parameter", "index", "value", "conf", "conf_level"]
    return pd.DataFrame(rows, columns=columns), notes


def analyse_sweep(
    out_dir: str | Path, manifest: dict[str, Any], results: pd.DataFrame | None = None, plots: bool = True,
    into: Path | None = None,
) -> Analysis:
    """Write ``sensitivity.csv`` (Morris/Sobol) and the plots of a sweep folder (the manifest's formats;
    none with ``plots=False``) into `into` (default the sweep folder; a staging folder when they are
    written together with the results); never runs the model."""
    out = Path(out_dir)
    target = out if into is None else Path(into)
    if results is None:
        path = out / RESULTS
        results = pd.read_parquet(path) if path.is_file() else build_results(out, manifest)
    analysis = Analysis()
    finished = results["run_id"].nunique() if len(results) else 0
    analysis.incomplete = finished < len(manifest["runs"])
    if analysis.incomplete:
        analysis.notes.append(
            f"{len(manifest['runs']) - finished} of {len(manifest['runs'])} runs have no result"
        )
    method = manifest["design"]["method"]
    if method in ("morris", "sobol"):
        table, notes = indices_table(manifest, results)
        analysis.notes += notes
        analysis.indices = table
        if len(table):
            analysis.written.append(
                atomic_write(
                    target / SENSITIVITY_CSV, lambda p: table.to_csv(p, index=False, float_format="%.10g")
                )
            )
    formats = list(manifest["sensitivity"]["plots"]) if plots else []
    if formats and len(results):
        analysis.written += _plots(target / PLOTS_DIR, manifest, results, analysis.indices, formats)
    return analysis


# --------------------------------------------------------------------------- plots


def _outcome_label(o: dict[str, Any]) -> str:
    window = f", last {o['last_weeks']} weeks" if o.get("last_weeks") else ""
    return f"{o['name']}  ({o['statistic']} of {o['metric']}{window})"


def _save(fig: Any, base: Path, formats: list[str]) -> list[Path]:
    import matplotlib.pyplot as plt


    base.parent.mkdir(parents=True, exist_ok=True)
    paths = []
    for fmt in formats:
        meta = {"Date": None} if fmt == "svg" else {"Software": None}
        paths.append(
            atomic_write(
                base.with_name(f"{base.name}.{fmt}"),
                lambda p, f=fmt, m=meta: fig.savefig(p, format=f, metadata=m, dpi=120),
            )
        )
    plt.close(fig)
    return paths


def _plots(
    folder: Path,
    manifest: dict[str, Any],
    results: pd.DataFrame,
    indices: pd.DataFrame | None,
    formats: list[str],
) -> list[Path]:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    design = manifest["design"]
    method = design["method"]
    factors = design["factors"]
    written: list[Path] = []
    for o in manifest["outcomes"]:
        name = o["name"]
        sub = results[results["outcome"] == name]
        if sub.empty:
            continue
        if method in ("morris", "sobol"):
            table = indices[indices["outcome"] == name] if indices is not None else pd.DataFrame()
            if not table.empty:
                fig = _index_bars(plt, table, method, _outcome_label(o))
                written += _save(fig, folder / f"{method}_{name}", formats)
            continue
        if method == "lhs":
            fig = _scatter(plt, sub, factors, _outcome_label(o))
            written += _save(fig, folder / f"scatter_{name}", formats)
            continue
        varying = [f for f in factors if len(f["values"]) > 1]
        if len(varying) == 1:
            fig = _response(plt, sub, varying[0], _outcome_label(o))
            written += _save(fig, folder / f"response_{name}", formats)
        elif len(varying) == 2:
            fig = _heatmap(plt, sub, varying[0], varying[1], _outcome_label(o))
            written += _save(fig, folder / f"heatmap_{name}", formats)
        elif varying:
            fig = _main_effects(plt, sub, varying, _outcome_label(o))
            written += _save(fig, folder / f"main_effects_{name}", formats)
    return written


def _index_bars(plt: Any, table: pd.DataFrame, method: str, title: str) -> Any:
    keys = ["mu_star"] if method == "morris" else ["S1", "ST"]
    params = list(dict.fromkeys(table.loc[table["index"] == keys[0], "parameter"]))
    fig, ax = plt.subplots(figsize=(7, 0.5 * len(params) + 1.8))
    height = 0.8 / len(keys)
    y = np.arange(len(params))
    for k, key in enumerate(keys):
        part = table[table["index"] == key].set_index("parameter").reindex(params)
        ax.barh(
            y + k * height - 0.4 + height / 2,
            part["value"],
            height=height,
            xerr=part["conf"],
            capsize=3,
            label=key,
        )
    ax.set_yticks(y, params)
    ax.invert_yaxis()
    ax.axvline(0, color="black", linewidth=0.8)
    xlabel = "μ* (mean |elementary effect|)" if method == "morris" else "Sobol' index"
    conf = float(table["conf_level"].iloc[0])
    ax.set_xlabel(f"{xlabel}; bars: {conf:.0%} confidence interval")
    ax.set_title(title, fontsize=10)
    if len(keys) > 1:
        ax.legend()
    fig.tight_layout()
    return fig


def _numeric(values: pd.Series) -> pd.Series:
    return values.astype(float) if values.dtype == bool else values


def _response(plt: Any, sub: pd.DataFrame, factor: dict[str, Any], title: str) -> Any:
    name = factor["name"]
    x = _numeric(sub[name])
    stats = sub.assign(_x=x).groupby("_x")["value"].agg(["mean", "std", "count"])
    half = 1.96 * stats["std"].fillna(0.0) / np.sqrt(stats["count"])
    fig, ax = plt.subplots(figsize=(6.5, 4))
    ax.scatter(x, sub["value"], s=10, alpha=0.35, color="grey", label="runs")
    ax.plot(stats.index, stats["mean"], marker="o", label="mean over replicates")
    ax.fill_between(
        stats.index, stats["mean"] - half, stats["mean"] + half, alpha=0.25, label="95 % interval"
    )
    ax.set_xlabel(name)
    ax.set_ylabel("value")
    ax.set_title(title, fontsize=10)
    ax.legend(fontsize=8)
    fig.tight_layout()
    return fig


def _heatmap(plt: Any, sub: pd.DataFrame, fx: dict[str, Any], fy: dict[str, Any], title: str) -> Any:
    table = sub.pivot_table(index=fy["name"], columns=fx["name"], values="value", aggfunc="mean")
    table = table.reindex(index=fy["values"], columns=fx["values"])
    fig, ax = plt.subplots(figsize=(1.1 * len(fx["values"]) + 3, 0.7 * len(fy["values"]) + 2))
    image = ax.imshow(table.to_numpy(dtype=float), origin="lower", aspect="auto", cmap="viridis")
    ax.set_xticks(
        range(len(fx["values"])), [f"{v:g}" if not isinstance(v, bool) else str(v) for v in fx["values"]]
    )
    ax.set_yticks(
        range(len(fy["values"])), [f"{v:g}" if not isinstance(v, bool) else str(v) for v in fy["values"]]
    )
    values = table.to_numpy(dtype=float)
    finite = values[np.isfinite(values)]
    mid = (finite.min() + finite.max()) / 2 if finite.size else 0.0
    for (i, j), v in np.ndenumerate(values):
        if np.isfinite(v):
            ax.text(
                j, i, f"{v:.3g}", ha="center", va="center", fontsize=8, color="white" if v < mid else "black"
            )
    ax.set_xlabel(fx["name"])
    ax.set_ylabel(fy["name"])
    ax.set_title(title, fontsize=10)
    fig.colorbar(image, ax=ax, label="mean over replicates")
    fig.tight_layout()
    return fig


def _main_effects(plt: Any, sub: pd.DataFrame, factors: list[dict[str, Any]], title: str) -> Any:
    fig, axes = plt.subplots(1, len(factors), figsize=(3.2 * len(factors), 3.4), sharey=True, squeeze=False)
    for ax, f in zip(axes[0], factors, strict=True):
        means = sub.assign(_x=_numeric(sub[f["name"]])).groupby("_x")["value"].mean()
        ax.plot(means.index, means.to_numpy(), marker="o")
        ax.set_xlabel(f["name"])
    axes[0][0].set_ylabel("mean over the other parameters")
    fig.suptitle(title, fontsize=10)
    fig.tight_layout()
    return fig


def _scatter(plt: Any, sub: pd.DataFrame, factors: list[dict[str, Any]], title: str) -> Any:
    fig, axes = plt.subplots(1, len(factors), figsize=(3.2 * len(factors), 3.4), sharey=True, squeeze=False)
    for ax, f in zip(axes[0], factors, strict=True):
        ax.scatter(sub[f["name"]], sub["value"], s=8, alpha=0.5)
        ax.set_xlabel(f["name"])
    axes[0][0].set_ylabel("value")
    fig.suptitle(title, fontsize=10)
    fig.tight_layout()
    return fig


#: How parameters are ranked for each design: (index, what it measures).
RANK_BY = {
    "morris": ("mu_star", "Morris mu* (mean absolute elementary effect)"),
    "sobol": ("ST", "Sobol' total-order index ST"),
    "lhs": ("abs_spearman", "|Spearman rank correlation| of parameter and outcome across design points"),
    "grid": ("main_effect_range", "range of the outcome's mean across the parameter's grid values"),
}


def ranking(manifest: dict[str, Any], results: pd.DataFrame, indices: pd.DataFrame | None = None) -> pd.DataFrame:
    """Parameters ranked by influence on each outcome: outcome, rank, parameter, index, value, conf.

    Morris: mu*; Sobol': ST; Latin hypercube: |Spearman rho| between a parameter and the outcome's
    point means; grid: the range of the outcome's mean over the parameter's values (main effect).
    """
    method = manifest["design"]["method"]
    index, _ = RANK_BY[method]
    rows: list[dict[str, Any]] = []
    if method in ("morris", "sobol"):
        table = indices if indices is not None else indices_table(manifest, results)[0]
        sub = table[table["index"] == index]
        for outcome, group in sub.groupby("outcome", sort=False):
            for r in group.itertuples():
                rows.append({"outcome": outcome, "parameter": r.parameter, "index": index, "value": r.value,
                             "conf": r.conf})
    else:
        points = pd.DataFrame(manifest["points"])
        names = [f["name"] for f in manifest["design"]["factors"]]
        for outcome in (o["name"] for o in manifest["outcomes"]):
            y = pd.Series(_point_means(results, outcome, len(points)))
            ok = y.notna().to_numpy()
            for name in names:
                x = points[name].astype(float)[ok]
                if method == "lhs":
                    rho = x.rank().corr(y[ok].rank()) if ok.sum() > 2 else np.nan
                    value = abs(float(rho)) if rho == rho else np.nan
                else:
                    means = y[ok].groupby(x.to_numpy()).mean()
                    value = float(means.max() - means.min()) if len(means) > 1 else np.nan
                rows.append({"outcome": outcome, "parameter": name, "index": index, "value": value, "conf": np.nan})
    frame = pd.DataFrame(rows, columns=["outcome", "parameter", "index", "value", "conf"])
    frame = frame.sort_values(["outcome", "value"], ascending=[True, False], na_position="last", kind="stable")
    frame.insert(1, "rank", frame.groupby("outcome").cumcount() + 1)
    order = {o["name"]: i for i, o in enumerate(manifest["outcomes"])}
    return frame.sort_values(["outcome", "rank"], key=lambda c: c.map(order) if c.name == "outcome" else c,
                             kind="stable").reset_index(drop=True)


def ranking_text(manifest: dict[str, Any], table: pd.DataFrame) -> str:
    """The ranking as lines to print: per outcome, parameters from most to least influential."""
    method = manifest["design"]["method"]
    _, meaning = RANK_BY[method]
    lines = [f"parameters ranked by {meaning}:"]
    for outcome, group in table.groupby("outcome", sort=False):
        lines.append(f"  {outcome}:")
        for r in group.itertuples():
            conf = f" ± {r.conf:.3g}" if r.conf == r.conf else ""
            shown = "—" if r.value != r.value else f"{r.value:.3g}"
            lines.append(f"    {r.rank}. {r.parameter:32s} {r.index} = {shown}{conf}")
    return "\n".join(lines)
