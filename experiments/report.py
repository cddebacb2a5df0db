"""The comparison's ``report.md``: a self-contained Markdown report for policy researchers.

It says what was compared (scenarios with their Chinese names and the mechanisms each switches on),
how (replicates, seeds, weeks, wall time, versions), what came out (levels and paired differences
with 95 % intervals, in words), embeds the plots, and lists the caveats.

>>> from experiments.report import fmt_value
>>> fmt_value(0.1234, "share")
'12.3 %'
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd

    from experiments.compare_spec import CompareSpec
    from scenarios import Scenario

__all__ = ["render", "fmt_value", "fmt_diff", "verdict", "HIGHER_IS_BETTER", "LOWER_IS_BETTER"]

HIGHER_IS_BETTER = frozenset({
    "satisfaction_mean", "satisfied_share", "survey_satisfied_share", "participation_monthly",
    "satisfaction_youth", "satisfaction_working", "satisfaction_retired", "satisfaction_owners",
    "satisfaction_renters", "participation_youth", "participation_working", "participation_retired",
    "participation_owners", "participation_renters", "volunteer_hours_per_100", "deliberation_attendance",
    "fee_collection_rate", "firm_quality_mean", "trust_community_mean", "trust_property_mean",
    "motivation_mean", "efficacy_mean",
})
LOWER_IS_BETTER = frozenset({
    "resolution_weeks_mean", "resolution_weeks_p90", "cross_resolution_weeks_mean", "buck_passing_events",
    "issues_open", "escalations", "satisfaction_gini", "satisfaction_grid_sd", "firms_in_loss", "firm_exits",
})


def _nan(v: Any) -> bool:
    return v is None or (isinstance(v, float) and math.isnan(v))


def fmt_value(v: float, unit: str, signed: bool = False) -> str:
    """A level in the unit's natural form: shares as percentages, money in whole yuan. With
    `signed`, a difference: a leading sign, and shares in percentage points."""
    if _nan(v):
        return "—"
    sign = "+" if signed else ""
    if unit == "share":
        return f"{100 * v:{sign}.1f} " + ("pp" if signed else "%")
    if unit.startswith("yuan"):
        return f"{v:{sign},.0f}" if abs(v) >= 100 else f"{v:{sign}.1f}"
    if unit in ("0–1", "index"):
        return f"{v:{sign}.3f}"
    if unit == "weeks":
        return f"{v:{sign}.1f}"
    return f"{v:{sign}.2f}" if abs(v) < 100 else f"{v:{sign},.0f}"


def fmt_diff(v: float, unit: str) -> str:
    """A difference with its sign; shares in percentage points."""
    return fmt_value(v, unit, signed=True)


def verdict(metric: str, diff: float, low: float, high: float) -> str:
    """Plain words for a paired difference and its 95 % interval."""
    if _nan(diff):
        return "not measured"
    if _nan(low):
        return "no interval"
    if low == high == diff == 0.0:
        return "identical"
    if low <= 0.0 <= high:
        return "no clear difference"
    up = low > 0.0
    words = "higher" if up else "lower"
    if metric in HIGHER_IS_BETTER:
        words += " (better)" if up else " (worse)"
    elif metric in LOWER_IS_BETTER:
        words += " (worse)" if up else " (better)"
    return words


def _level(r: Any) -> str:
    return f"{fmt_value(r['mean'], r['unit'])} ({fmt_value(r['ci_low'], r['unit'])} to {fmt_value(r['ci_high'], r['unit'])})"


def _diff(r: Any) -> str:
    return f"{fmt_diff(r['diff'], r['unit'])} ({fmt_diff(r['diff_ci_low'], r['unit'])} to {fmt_diff(r['diff_ci_high'], r['unit'])})"


def _metric_name(r: Any) -> str:
    unit = r["unit"]
    shown = "" if unit in ("", "share", "0–1") else f", {unit}"
    return f"{r['metric_en']} {r['metric_zh']}{shown}"


def _scen_head(s: Scenario) -> str:
    return f"{s.name} ({s.label_zh})"


def _mechanism_lines(s: Scenario) -> list[str]:
    from model.mechanisms import MECHANISMS
    from model.parameters import PARAMETERS

    lines: list[str] = []
    if not s.mechanisms:
        lines.append("- No co-governance mechanism is switched on.")
    for key in s.mechanisms:
        cls = MECHANISMS.get(key)
        if cls is None:
            lines.append(f"- `{key}`")
            continue
        lines.append(f"- **{cls.name_zh} / {cls.name_en}** (`{key}`): {cls.summary}")
        if cls.sources:
            lines.append(f"  Sources: {'; '.join(cls.sources)}.")
        settings = []
        for name, p in PARAMETERS.items():
            if not name.startswith(f"{key}.") or name.endswith(".enabled"):
                continue
            if p.main or s.source_of.get(name):
                value = s.params[name]
                mark = "" if not s.source_of.get(name) else " (set by the scenario)"
                settings.append(f"{p.label_en} {p.label_zh} = {value:g} {p.unit}".rstrip() + mark)
        if settings:
            lines.append(f"  Settings: {'; '.join(settings)}.")
    others = []
    for name in s.source_of:
        p = PARAMETERS.get(name)
        if p is None or p.mechanism is not None:
            continue
        value = s.params[name]
        shown = str(value).lower() if isinstance(value, bool) else f"{value:g}"
        others.append(f"{p.label_en} {p.label_zh} = {shown}")
    if others:
        lines.append(f"- Other settings that differ from the defaults: {'; '.join(others)}.")
    for m in s.measures:
        lines.append(f"- Source measure “{m.get('phrase', '')}” → {m.get('mechanism', '') or '—'}"
                     f"{' (' + m['parameter'] + ')' if m.get('parameter') else ''}: {m.get('note', '')}")
    for g in s.gaps:
        lines.append(f"- Not represented: “{g.get('phrase', '')}” {g.get('note', '')}".rstrip())
    return lines


def _table(header: list[str], rows: list[list[str]]) -> list[str]:
    out = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    out += ["| " + " | ".join(c.replace("|", "/") for c in row) + " |" for row in rows]
    return out


def _posterior_lines(spec: CompareSpec, summary: pd.DataFrame, meta: dict[str, Any]) -> list[str]:
    """Under ``compare --posterior``: what the intervals are, and the spread of effects over the posterior."""
    post = meta.get("posterior")
    if not post:
        return []
    ref = spec.reference
    lines = [
        "## Parameter uncertainty (calibration posterior)",
        "",
        f"Replicate *r* of every scenario ran under the *r*-th parameter draw from the posterior of calibration "
        f"`{post['calibration']}` (`{post['path']}`; free parameters {', '.join(f'`{n}`' for n in post['parameters'])}) "
        f"and with the same seed, so scenarios stay paired in both parameters and chance. **Which interval is which:** "
        f"the 95 % intervals in this report are confidence intervals for the *mean* over posterior draws and seeds "
        f"(they shrink with more replicates); the **90 % range** below is the 5th to 95th percentile of the "
        f"{spec.reps} paired differences, i.e. how much the effect varies across plausible parameter sets and seeds "
        f"(it does not shrink with more replicates).",
        "",
        f"| Scenario | Measure | Mean difference from {ref} (95 % CI) | 90 % range over posterior draws |",
        "|---|---|---|---|",
    ]
    h = summary[summary["horizon"] & summary["metric"].isin(["satisfaction_mean", "participation_monthly"])]
    for r in h.itertuples():
        if r.scenario == ref:
            continue
        lines.append(f"| `{r.scenario}` | {r.metric_en} | {fmt_diff(r.diff, r.unit)} ({fmt_diff(r.diff_ci_low, r.unit)} "
                     f"to {fmt_diff(r.diff_ci_high, r.unit)}) | {fmt_diff(r.diff_q05, r.unit)} to "
                     f"{fmt_diff(r.diff_q95, r.unit)} |")
    return [*lines, ""]


def render(spec: CompareSpec, summary: pd.DataFrame, meta: dict[str, Any], files: list[str]) -> str:
    """The whole report as Markdown text."""
    from experiments.compare_spec import GROUP_METRICS, KEY_METRICS, WINDOW_WEEKS

    ref = spec.reference
    others = [n for n in spec.names if n != ref]
    by_name = {s.name: s for s in spec.scenarios}
    week = spec.weeks
    idx = summary.set_index(["scenario", "metric", "week"])

    def row(name: str, metric: str, w: int = week) -> Any:
        key = (name, metric, w)
        return idx.loc[key] if key in idx.index else None

    years = week / 52
    hh = sorted(set(meta["households"].values()))
    out: list[str] = [
        f"# Scenario comparison 情景比较: {', '.join(others) or ref} against {ref}",
        "",
        f"This report compares {len(spec.names)} governance scenario(s) of a simulated street over {week} weeks "
        f"(about {years:.1f} years), {' or '.join(f'{h:,}' for h in hh)} households. Each scenario was run "
        f"{spec.reps} times with the same {spec.reps} random seeds (*common random numbers*), so each difference "
        f"from the reference **{_scen_head(by_name[ref])}** is a paired comparison: run *r* of a scenario is set "
        f"against run *r* of the reference, which removes much of the chance variation that unpaired runs "
        f"would show.",
        "",
        "## At a glance",
        "",
    ]
    if not others:
        out.append(f"Only the reference {ref} was run; there is nothing to compare it with.")
    for name in others:
        s = by_name[name]
        parts = []
        for metric in ("satisfaction_mean", "participation_monthly"):
            r = row(name, metric)
            if r is None:
                continue
            parts.append(f"{r['metric_en'].lower()} differs by **{fmt_diff(r['diff'], r['unit'])}** "
                         f"(95 % interval {fmt_diff(r['diff_ci_low'], r['unit'])} to "
                         f"{fmt_diff(r['diff_ci_high'], r['unit'])}: "
                         f"{verdict(metric, r['diff'], r['diff_ci_low'], r['diff_ci_high'])})")
        clear = []
        for metric in KEY_METRICS:
            r = row(name, metric)
            if r is None or metric in ("satisfaction_mean", "participation_monthly"):
                continue
            v = verdict(metric, r["diff"], r["diff_ci_low"], r["diff_ci_high"])
            if v.startswith(("higher", "lower")):
                clear.append(f"{r['metric_en'].lower()} {v} ({fmt_diff(r['diff'], r['unit'])})")
        text = f"- **{s.label_zh} / {s.label_en}** (`{name}`): at week {week}, " + "; ".join(parts) + "."
        if clear:
            text += " Also clearly different: " + "; ".join(clear) + "."
        out.append(text)
    out += [
        "",
        f"“Clearly” means the 95 % interval of the paired difference excludes zero; “no clear difference” "
        f"means the runs cannot tell the scenario from {ref} on that measure.",
        "",
        *_posterior_lines(spec, summary, meta),
        "## What was compared",
        "",
    ]
    out += _table(
        ["Scenario", "中文", "English", "Mechanisms switched on", "Households", "Description"],
        [[f"`{s.name}`" + (" (reference)" if s.name == ref else ""), s.label_zh, s.label_en,
          ", ".join(s.mechanisms) or "none", f"{meta['households'][s.name]:,}", s.description]
         for s in spec.scenarios])
    for s in spec.scenarios:
        out += ["", f"### {s.label_zh} / {s.label_en} (`{s.name}`)", ""]
        if s.description:
            out += [s.description, ""]
        out += _mechanism_lines(s)

    v = meta["versions"]
    seeds = ", ".join(str(x) for x in spec.seeds)
    out += [
        "",
        "## How the comparison was run",
        "",
        f"- Replicates: {spec.reps} per scenario, {meta['runs']} runs in all; horizon {week} weeks "
        f"(one step = one week); summaries at weeks {', '.join(str(w) for w in meta['summary_weeks'])}.",
        f"- Seeds: base seed {spec.seed}; replicate seeds from numpy `SeedSequence({spec.seed}).spawn({spec.reps})`, "
        f"the same for every scenario: {seeds}.",
        f"- Wall time: {meta['wall_seconds_before_report']:.1f} s ({meta['run_seconds']:.1f} s of it running the "
        f"model) on {spec.jobs or 'all'} local worker process(es); the results do not depend on the number of "
        f"workers.",
        f"- Software: cogov {v.get('cogov', '?')} (git {v.get('git_commit', 'unknown')[:12]}), Python "
        f"{v.get('python', '?')}, Mesa {v.get('mesa', '?')}, numpy {v.get('numpy', '?')}, pandas {v.get('pandas', '?')}.",
        f"- Command: `python run.py compare {' '.join(spec.inputs)} --reference {ref} --reps {spec.reps} "
        f"--weeks {week} --seed {spec.seed}" + (f" --jobs {spec.jobs}" if spec.jobs else "")
        + (f" --posterior {meta['posterior']['path']}" if meta.get("posterior") else "") + f" --out {spec.out}`",
        "",
        "## How to read the numbers",
        "",
        f"- **Mean (a to b)**: the average over the {spec.reps} runs, and its 95 % confidence interval "
        "(Student t). It says how precisely the runs pin down the model's average outcome, not how much "
        "outcomes vary from one community to another.",
        f"- **Difference from {ref}**: the average of the run-by-run differences (scenario minus {ref}, same "
        "seed), with the 95 % t-interval of those paired differences.",
        "- Shares are shown in per cent, and their differences in **percentage points (pp)**. Satisfaction, "
        "trust and firm quality are on a 0–1 scale.",
        f"- Measures counted per week (buck-passing, resolution times, volunteer hours, weekly cost) are averaged "
        f"over the {WINDOW_WEEKS} weeks ending at the week shown, since a single week is noisy; resolution "
        "times are those of the issues resolved in those weeks. Other measures are read at that week.",
        "- Mechanism cost per household is the modelled mechanisms' cumulative running cost since week 0, in "
        "yuan, divided by the number of households.",
        "",
        f"## Results at week {week}",
        "",
        f"### Levels (mean and 95 % interval over {spec.reps} runs)",
        "",
    ]
    header = ["Measure"] + [f"{n}" for n in spec.names]
    rows = []
    for metric in KEY_METRICS:
        first = row(spec.names[0], metric)
        if first is None:
            continue
        rows.append([_metric_name(first)] + [_level(row(n, metric)) for n in spec.names])
    out += _table(header, rows)
    if others:
        out += ["", f"### Differences from {ref} (paired, 95 % interval)", ""]
        rows = []
        for metric in KEY_METRICS:
            first = row(others[0], metric)
            if first is None:
                continue
            cells = []
            for n in others:
                r = row(n, metric)
                cells.append(f"{_diff(r)}: {verdict(metric, r['diff'], r['diff_ci_low'], r['diff_ci_high'])}")
            rows.append([_metric_name(first)] + cells)
        out += _table(["Measure"] + others, rows)
    out += ["", f"![Differences from {ref} at week {week}](forest.png)", "",
            f"*Each dot is the mean paired difference from {ref}; the bar is its 95 % interval. A bar that "
            "crosses the vertical line at zero means no clear difference.*", "",
            "## Over time", ""]
    rows = []
    for n in spec.names:
        for w in meta["summary_weeks"]:
            cells = [n, str(w)]
            for metric in ("satisfaction_mean", "satisfied_share", "participation_monthly"):
                r = row(n, metric, w)
                cells.append("—" if r is None else _level(r))
                if n != ref:
                    cells.append("—" if r is None else _diff(r))
            rows.append(cells)
    if others:
        header = ["Scenario", "Week", "Mean satisfaction", f"Δ vs {ref}", "Share satisfied", f"Δ vs {ref}",
                  "Monthly participation", f"Δ vs {ref}"]
        rows = [r if len(r) == len(header) else [r[0], r[1], r[2], "", r[3], "", r[4], ""] for r in rows]
    else:
        header = ["Scenario", "Week", "Mean satisfaction", "Share satisfied", "Monthly participation"]
    out += _table(header, rows)
    out += ["", "![Satisfaction and participation over time](over_time.png)", "",
            f"*Lines are means over the {spec.reps} runs of each scenario; the shaded bands are 95 % intervals "
            f"of those means; {ref} is dashed.*", "",
            "## For whom: age groups, owners and renters", ""]
    rows = []
    for _group, sat, part in GROUP_METRICS:
        for metric in (sat, part):
            first = row(spec.names[0], metric)
            if first is None:
                continue
            cells = [f"{first['metric_en']} {first['metric_zh']}"]
            for n in spec.names:
                r = row(n, metric)
                cell = _level(r)
                if n != ref:
                    cell += f"; Δ {_diff(r)}"
                cells.append(cell)
            rows.append(cells)
    out += _table(["Group and measure"] + spec.names, rows)
    out += ["", "![By age group and tenure](breakdown.png)", "",
            "*Bars are means at the horizon; whiskers are 95 % intervals. Δ in the table is the paired "
            f"difference from {ref}.*", "",
            "## Caveats", "",
            "- This is a simulation of stylised communities, not a forecast for a particular place. Parameters are "
            "the model's documented defaults and the scenario files' settings (see `python run.py describe "
            "SCENARIO`), not estimates for any real street.",
            ("- Each replicate ran under its own parameter draw from the calibration's posterior, so the spread "
             "between runs includes parameter uncertainty as far as the calibration fitted it; parameters it did "
             "not free keep their scenario values, and the model's rules are taken as given."
             if meta.get("posterior") else
             "- The intervals reflect only chance variation between runs. They do not include uncertainty about "
             "the parameters or the model's rules; a narrow interval is not certainty about the real world. Use a "
             "sensitivity analysis, or `--posterior` with a calibration, for that."),
            "- Many measures and scenarios are compared at once; about one interval in twenty excludes zero by "
            "chance alone, so read single “clear” differences on secondary measures with care.",
            "- Common random numbers: all scenarios start from the same seeds, but once a mechanism draws extra "
            "random numbers the streams of two scenarios part ways. The comparison stays paired and valid; it "
            "only gains less precision from the pairing.",
            "- Resolution times count only issues that were resolved; issues that expired unresolved are not in "
            "them, so a scenario can resolve faster and still leave more issues unresolved (see open issues).",
            "- Costs are the modelled running costs of the mechanisms (incl. points paid out); staff time outside "
            "the model, building works (project spend is reported separately in `summary.csv`) and set-up "
            "costs are not included.",
            "- Scenarios that change the population or the compounds (for example an old compound) differ in who "
            "lives there as well as in governance; their differences are not effects of mechanisms alone.",
            "", "## Files", "",
            "- `runs.parquet`: every run, week and measure in tidy form (scenario, replicate, seed, week, metric, value).",
            "- `summary.csv`: every measure per scenario at each summary week: mean, 95 % interval, paired "
            f"difference from {ref} and its interval (columns `diff`, `diff_ci_low`, `diff_ci_high`).",
            "- `compare.json`: settings, seeds, timings and versions.",
            "- Plots: " + ", ".join(f"`{f}`" for f in files if f.endswith((".png", ".svg"))) + ".",
            ""]
    return "\n".join(out)
