"""What a calibration writes: posterior table, summary, predictive bands, plots, report, calibrated scenario.

Every file is written atomically (`storage.outputs.atomic_write`); ``calibration.json`` is written last, so a
folder with it is complete (`scenarios.posterior.load_posterior` requires it).
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from experiments.calibration.generations import AbcResult, weighted_quantile
from experiments.calibration.priors import describe
from experiments.calibration.simulate import target_value, windowed
from experiments.calibration.spec import CalibrationSpec, observation_key
from storage.outputs import atomic_write

__all__ = [
    "IDENTIFIED", "WEAK", "posterior_frame", "summary_table", "predictive_bands", "coverage_table",
    "write_plots", "render_report", "calibrated_toml", "write_text", "identification",
]

#: Contraction (1 − posterior variance / prior variance) at or above which the data identify a parameter.
IDENTIFIED = 0.5
#: Below IDENTIFIED but at or above this: weakly identified. Below: not identified.
WEAK = 0.2
BANDS = (0.05, 0.25, 0.5, 0.75, 0.95)


def write_text(path: Path, text: str) -> Path:
    """Write UTF-8 text atomically."""
    return atomic_write(path, lambda p: p.write_text(text, encoding="utf-8"))


def posterior_frame(spec: CalibrationSpec, result: AbcResult) -> pd.DataFrame:
    """posterior.parquet: one row a particle of the final generation: generation, weight, parameters."""
    last = result.last
    frame = pd.DataFrame({"generation": np.full(len(last.weights), last.index, dtype=np.int64),
                          "weight": last.weights})
    for j, name in enumerate(spec.names):
        frame[name] = last.particles[:, j]
    return frame


def identification(contraction: float) -> str:
    """'identified', 'weakly identified' or 'not identified'."""
    if contraction >= IDENTIFIED:
        return "identified"
    if contraction >= WEAK:
        return "weakly identified"
    return "not identified"


def summary_table(spec: CalibrationSpec, result: AbcResult) -> pd.DataFrame:
    """Per parameter: prior, prior mean and sd, posterior mean, median, q05, q95, sd, contraction, verdict."""
    last = result.last
    rows = []
    for j, p in enumerate(spec.parameters):
        x, w = last.particles[:, j], last.weights
        mean = float(w @ x)
        var = float(w @ (x - mean) ** 2)
        prior_var = float(p.prior.variance())
        q05, q50, q95 = (float(v) for v in weighted_quantile(x, w, np.array([0.05, 0.5, 0.95])))
        contraction = 1.0 - var / prior_var if prior_var > 0 else float("nan")
        lo, hi = p.prior.support
        rows.append({
            "parameter": p.name, "prior": describe(p.prior), "prior_low": lo, "prior_high": hi,
            "prior_mean": float(p.prior.mean()), "prior_sd": math.sqrt(prior_var), "mean": mean,
            "median": q50, "q05": q05, "q95": q95, "sd": math.sqrt(var), "contraction": contraction,
            "interval_width_share": (q95 - q05) / (hi - lo) if hi > lo else float("nan"),
            "identification": identification(contraction),
        })
    return pd.DataFrame(rows)


def predictive_bands(spec: CalibrationSpec, series: np.ndarray, metrics: tuple[str, ...]) -> pd.DataFrame:
    """predictive.parquet: per metric and week, quantiles of the posterior-predictive runs (model only)."""
    rows = []
    weeks = np.arange(series.shape[2])
    series = np.stack([[windowed(m, run[i]) for i, m in enumerate(metrics)] for run in series])
    with np.errstate(all="ignore"):
        import warnings

        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            qs = np.nanquantile(series, BANDS, axis=0)  # (5, metrics, weeks)
    for m, metric in enumerate(metrics):
        part = pd.DataFrame({"metric": metric, "week": weeks})
        for q, name in zip(range(len(BANDS)), ("q05", "q25", "q50", "q75", "q95"), strict=True):
            part[name] = qs[q, m]
        rows.append(part)
    return pd.concat(rows, ignore_index=True)


def coverage_table(spec: CalibrationSpec, series: np.ndarray, metrics: tuple[str, ...],
                   seed: int, sigma: np.ndarray) -> pd.DataFrame:
    """Per observation: observed, sd, predictive median and 90 % interval of model + observation error,
    whether it covers the observation, z = (observed − median) / predictive sd, and
    z_sigma = (observed − median) / σ (σ² = sd² + the model's seed variance, as in the distance)."""
    rng = np.random.Generator(np.random.PCG64(np.random.SeedSequence(seed, spawn_key=(2**31 - 3,))))
    rows = []
    index = {m: i for i, m in enumerate(metrics)}
    for k, row in enumerate(spec.observations.itertuples(index=False)):
        sims = np.array([target_value(row.metric, run[index[row.metric]], int(row.week), int(row.window))
                         for run in series])
        sims = sims[np.isfinite(sims)]
        noisy = sims + rng.normal(0.0, row.sd, size=sims.size) if sims.size else sims
        if noisy.size:
            lo, med, hi = np.quantile(noisy, [0.05, 0.5, 0.95])
            sd = float(np.std(noisy))
        else:
            lo = med = hi = sd = float("nan")
        rows.append({
            "observation": observation_key(row.metric, int(row.week)), "metric": row.metric, "week": int(row.week),
            "observed": row.value, "sd": row.sd, "fitted": bool(row.fitted), "predictive_median": med,
            "predictive_q05": lo, "predictive_q95": hi, "covered_90": bool(lo <= row.value <= hi),
            "z": (row.value - med) / sd if sd > 0 else float("nan"),
            "z_sigma": (row.value - med) / float(sigma[k]),
        })
    return pd.DataFrame(rows)


# --------------------------------------------------------------------------- plots


def write_plots(out: Path, spec: CalibrationSpec, result: AbcResult, bands: pd.DataFrame,
                summary: pd.DataFrame) -> list[Path]:
    """fit.png/.svg (observed ± sd over posterior-predictive 50 % and 90 % bands) and posterior.png/.svg."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib import rcParams

    from experiments.fonts import use_fonts
    from experiments.plots import save
    from model.reporters import METRIC_INFO

    rcParams["svg.hashsalt"] = "cogov"
    rcParams["svg.fonttype"] = "path"
    cjk = use_fonts() is not None  # titles in English, with the Chinese name when a CJK font is installed
    metrics = spec.metrics
    cols = min(3, len(metrics))
    rows = math.ceil(len(metrics) / cols)
    fig, axes = plt.subplots(rows, cols, figsize=(4.6 * cols, 3.3 * rows), squeeze=False)
    obs = spec.observations
    for ax, metric in zip(axes.ravel(), metrics, strict=False):
        b = bands[bands["metric"] == metric]
        ax.fill_between(b["week"], b["q05"], b["q95"], color="tab:blue", alpha=0.18, lw=0, label="90 % predictive")
        ax.fill_between(b["week"], b["q25"], b["q75"], color="tab:blue", alpha=0.35, lw=0, label="50 % predictive")
        ax.plot(b["week"], b["q50"], color="tab:blue", lw=1.2, label="predictive median")
        o = obs[obs["metric"] == metric]
        fit, held = o[o["fitted"]], o[~o["fitted"]]
        ax.errorbar(fit["week"] - fit["window"] / 2, fit["value"], yerr=fit["sd"], xerr=fit["window"] / 2, fmt="o",
                    color="black", ms=4, capsize=3, label="observed ± sd (fitted; bar = weeks averaged)")
        if len(held):
            ax.errorbar(held["week"] - held["window"] / 2, held["value"], yerr=held["sd"], xerr=held["window"] / 2,
                        fmt="s", mfc="white", color="tab:red", ms=4, capsize=3, label="observed ± sd (held out)")
        if spec.holdout_after is not None:
            ax.axvline(spec.holdout_after, color="tab:red", lw=0.8, ls=":")
        zh, en, unit = METRIC_INFO.get(metric, (metric, metric.replace("_", " "), ""))
        ax.set_title(f"{en} {zh}" if cjk else en, fontsize=9)
        ax.set_xlabel("week")
        ax.set_ylabel(unit or metric)
        ax.grid(alpha=0.3)
    for ax in axes.ravel()[len(metrics):]:
        ax.set_visible(False)
    axes.ravel()[0].legend(fontsize=7, loc="best")
    fig.suptitle(f"Calibration '{spec.name}': fit (posterior predictive, {spec.scenario_name})", fontsize=10)
    fig.tight_layout()
    paths = save(fig, out, "fit")
    plt.close(fig)

    last = result.last
    d = len(spec.names)
    top = list(summary.sort_values("contraction", ascending=False)["parameter"][:3])
    pairs = [(a, b) for i, a in enumerate(top) for b in top[i + 1:]]
    cols = max(d, len(pairs), 1)
    fig, axes = plt.subplots(2 if pairs else 1, cols, figsize=(3.4 * cols, 3.0 * (2 if pairs else 1)), squeeze=False)
    for j, p in enumerate(spec.parameters):
        ax = axes[0, j]
        lo, hi = p.prior.support
        grid = np.linspace(lo, hi, 200)
        ax.hist(last.particles[:, j], bins=20, range=(lo, hi), weights=last.weights, density=True, color="tab:blue",
                alpha=0.6, label="posterior")
        ax.plot(grid, np.asarray(p.prior.pdf(grid), dtype=float), color="black", lw=1, ls="--", label="prior")
        row = summary[summary["parameter"] == p.name].iloc[0]
        ax.set_title(f"{p.name}\ncontraction {row['contraction']:.2f} ({row['identification']})", fontsize=8)
        ax.set_xlim(lo, hi)
    axes[0, 0].legend(fontsize=7)
    for ax in axes[0, d:]:
        ax.set_visible(False)
    if pairs:
        index = {n: j for j, n in enumerate(spec.names)}
        for ax, (a, b) in zip(axes[1], pairs, strict=False):
            ax.scatter(last.particles[:, index[a]], last.particles[:, index[b]], s=8 + 400 * last.weights,
                       alpha=0.5, color="tab:blue")
            ax.set_xlabel(a, fontsize=8)
            ax.set_ylabel(b, fontsize=8)
            ax.set_xlim(*spec.parameters[index[a]].prior.support)
            ax.set_ylim(*spec.parameters[index[b]].prior.support)
        for ax in axes[1, len(pairs):]:
            ax.set_visible(False)
    fig.suptitle(f"Calibration '{spec.name}': posterior marginals over priors; pairs of the most contracted", fontsize=10)
    fig.tight_layout()
    paths += save(fig, out, "posterior")
    plt.close(fig)
    return paths


# --------------------------------------------------------------------------- report and scenario


def _fmt(x: float) -> str:
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "—"
    return f"{x:.4g}"


def _early_line(spec: CalibrationSpec, result: AbcResult) -> str:
    """How much early rejection saved (runs of particles certainly rejected stop at that week)."""
    stopped = sum(g.stopped_early for g in result.generations)
    if not stopped:
        return ""
    weeks = sum(g.run_weeks for g in result.generations)
    full = sum(g.simulations - g.past_full for g in result.generations) * spec.weeks
    return (f" Early rejection: the runs of {stopped} particles stopped as soon as the observations known so far put "
            f"them beyond the tolerance (the same particles are accepted as with full runs); the kept generations' runs "
            f"simulated {weeks:,} of {full:,} weeks after the warm-up ({100 * (1 - weeks / full):.0f} % saved).")


def _past_full_line(result: AbcResult) -> str:
    past = sum(g.past_full for g in result.generations)
    return (f" ({past} handed to the workers after a generation's population was complete: cancelled if not "
            "started, else not used)" if past else "")


def render_report(spec: CalibrationSpec, result: AbcResult, summary: pd.DataFrame, coverage: pd.DataFrame,
                  meta: dict[str, Any]) -> str:
    """report.md: what was fitted, how well, what the data identify and what not, cost and time."""
    m = spec.method
    lines = [
        f"# Calibration `{spec.name}`",
        "",
        spec.description or "",
        "",
        "## What was fitted",
        "",
        f"- Scenario held fixed: `{spec.scenario_name}`, {spec.weeks} weeks"
        + (f"; fixed in the calibration file: {', '.join(f'`{k}` = {v}' for k, v in spec.fixed.items())}" if spec.fixed else "")
        + ".",
        f"- Observations: {len(spec.observations)} from `{spec.observations_file.name}` "
        f"({len(spec.fitted)} fitted" + (f", {len(spec.observations) - len(spec.fitted)} held out after week "
                                          f"{spec.holdout_after}" if spec.holdout_after is not None else "") + ").",
        "- Free parameters and priors: " + "; ".join(f"`{p.name}` ~ {describe(p.prior)}" for p in spec.parameters) + ".",
        f"- Method: ABC-SMC, population {m.population}, {m.seeds_per_particle} seeds per particle (mean of the runs), "
        f"tolerance = weighted {m.quantile:g}-quantile of the previous distances, perturbation kernel = multivariate "
        "normal with twice the weighted covariance of the previous population. Distance = √Σ((simulated − observed)/σ)², "
        "σ² = the observation's sd² + the model's seed-to-seed variance of that number (pooled over generation 0).",
        f"- Seed {spec.seed}; the same file, seed and version give the same posterior for any number of workers.",
        "",
        "## How the sampler went",
        "",
        "| generation | tolerance | accepted / proposed | acceptance | ESS | runs | seconds |",
        "|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for g in result.generations:
        tol = "∞" if math.isinf(g.tolerance) else f"{g.tolerance:.3g}"
        short = " (budget ran out)" if g.partial else ""
        lines.append(f"| {g.index} | {tol} | {len(g.weights)} / {g.proposals}{short} | {100 * g.acceptance_rate:.1f} % | "
                     f"{g.ess:.0f} | {g.simulations} | {g.seconds:.1f} |")
    lines += [
        "",
        f"Stopped: {result.stop_reason}. Model runs: {result.simulations} in the sampler"
        + (f" ({result.discarded_simulations} of them in a generation that was not kept)" if result.discarded_simulations else "")
        + _past_full_line(result)
        + f", {meta['predictive_runs']} posterior-predictive; wall time {meta['wall_seconds']:.0f} s "
        f"with {meta['workers']} worker(s)." + _early_line(spec, result),
        "",
        "## Parameters: what the data identify",
        "",
        f"Contraction = 1 − posterior variance / prior variance: {IDENTIFIED} or more = identified, "
        f"{WEAK}–{IDENTIFIED} = weakly identified, below {WEAK} = **not identified** (the posterior is about as wide as "
        "the prior; its median is not a finding).",
        "",
        "| parameter | prior | median | 90 % interval | contraction | verdict |",
        "|---|---|---:|---|---:|---|",
    ]
    for row in summary.itertuples():
        lines.append(f"| `{row.parameter}` | {row.prior} | {_fmt(row.median)} | [{_fmt(row.q05)}, {_fmt(row.q95)}] | "
                     f"{row.contraction:.2f} | {row.identification} |")
    not_id = summary[summary["identification"] == "not identified"]["parameter"].tolist()
    ident = summary[summary["identification"] == "identified"]["parameter"].tolist()
    lines.append("")
    if ident:
        lines.append(f"The observations identify {', '.join(f'`{n}`' for n in ident)}.")
    if not_id:
        lines.append(f"The observations do **not** identify {', '.join(f'`{n}`' for n in not_id)}: "
                     "their posterior is close to the prior, so calibrated.toml's value for them is the prior's centre "
                     "in effect, and comparisons under this posterior carry their full prior uncertainty.")
    fitted = coverage[coverage["fitted"]]
    held = coverage[~coverage["fitted"]]
    lines += [
        "",
        "## Fit",
        "",
        "![fit](fit.png)",
        "",
        f"Posterior predictive ({meta['predictive_runs']} runs, one seed each, parameters drawn by weight) plus the "
        "observation's own error; 'covered' = the observation lies in that 90 % interval.",
        "",
        "| observation | observed ± sd | predictive median | 90 % interval | (obs − median)/σ | covered | fitted |",
        "|---|---:|---:|---|---:|:-:|:-:|",
    ]
    for row in coverage.itertuples():
        lines.append(f"| {row.observation} | {_fmt(row.observed)} ± {_fmt(row.sd)} | {_fmt(row.predictive_median)} | "
                     f"[{_fmt(row.predictive_q05)}, {_fmt(row.predictive_q95)}] | {_fmt(row.z_sigma)} | "
                     f"{'yes' if row.covered_90 else '**no**'} | {'yes' if row.fitted else 'held out'} |")
    rms = float(np.sqrt(np.nanmean(fitted["z_sigma"] ** 2))) if len(fitted) else float("nan")
    lines += ["", f"Fitted observations: {int(fitted['covered_90'].sum())} of {len(fitted)} inside their 90 % "
              "predictive interval (a wide posterior covers much, so read this with the next figure). "
              f"Root-mean-square of (observed − predictive median) / σ, σ² = stated sd² + the model's seed variance: "
              f"**{rms:.2f}** (about 1 or less: the posterior's typical run reproduces the figures within their "
              "stated uncertainty; well above 1: it does not, whatever the interval coverage)."]
    if len(held):
        lines.append(f"**Held-out observations (after week {spec.holdout_after}): {int(held['covered_90'].sum())} of "
                     f"{len(held)} inside their 90 % predictive interval** (coverage "
                     f"{100 * held['covered_90'].mean():.0f} %; about 90 % expected if the model predicts well).")
    lines += [
        "",
        "## Posterior",
        "",
        "![posterior](posterior.png)",
        "",
        "## Files",
        "",
        "- `posterior.parquet`: final generation (generation, weight, one column per parameter);",
        "  `generations/` holds every generation (particles, weights, distances, seeds) for diagnostics and `--resume`.",
        "- `summary.csv`: the parameter table above; `coverage.csv`: the observation table above.",
        "- `predictive.parquet`: posterior-predictive quantiles per metric and week; `observations.csv`: what was fitted.",
        "- `calibrated.toml`: the scenario with posterior medians (a point summary: for decisions use "
        "`run.py compare ... --posterior` on this folder, which carries the whole posterior).",
        "- `calibration.json`: settings, seeds, versions, git commit.",
        "",
        "Versions: " + ", ".join(f"{k} {v}" for k, v in meta["versions"].items()) + ".",
        "",
    ]
    return "\n".join(lines)


def _toml_value(v: Any) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float):
        return repr(v)
    return json.dumps(str(v), ensure_ascii=False)


def calibrated_toml(spec: CalibrationSpec, summary: pd.DataFrame, out: Path) -> str:
    """A scenario file: the calibration's scenario as base, its fixed values, and the posterior medians."""
    from model.parameters import PARAMETERS

    medians = {row.parameter: row.median for row in summary.itertuples()}
    values = dict(spec.fixed)
    for p in spec.parameters:
        values[p.name] = p.model_value(medians[p.name])
    base = spec.scenario if Path(spec.scenario).is_absolute() else spec.scenario_name
    name = f"{spec.name}_calibrated"
    lines = [
        f"# Made by `run.py calibrate {spec.path}`; posterior: {out.resolve()}",
        "# Posterior medians of the free parameters (a point summary; not-identified parameters are marked).",
        "[scenario]",
        f"name = {_toml_value(name)}",
        f"label_zh = {_toml_value('校准情景 ' + spec.name)}",
        f"label_en = {_toml_value('Calibrated: ' + spec.name)}",
        f"description = {_toml_value(f'{spec.scenario_name} with posterior medians from calibration {spec.name} (posterior: {out.resolve()}).')}",
        f"base = {_toml_value(base)}",
    ]
    core = {k: v for k, v in values.items() if PARAMETERS[k].mechanism is None}
    mech: dict[str, dict[str, Any]] = {}
    for k, v in values.items():
        if PARAMETERS[k].mechanism is not None:
            key, pname = k.split(".", 1)
            mech.setdefault(key, {})[pname] = v
    verdict = {row.parameter: row.identification for row in summary.itertuples()}
    if core:
        lines += ["", "[parameters]"]
        for k, v in core.items():
            note = f"  # posterior median; {verdict[k]}" if k in verdict else "  # fixed in the calibration file"
            lines.append(f"{k} = {_toml_value(v)}{note}")
    for key, table in mech.items():
        lines += ["", f"[mechanisms.{key}]"]
        for pname, v in table.items():
            full = f"{key}.{pname}"
            note = f"  # posterior median; {verdict[full]}" if full in verdict else ""
            lines.append(f"{pname} = {_toml_value(v)}{note}")
    return "\n".join(lines) + "\n"
