"""The comparison's ``report.md``: a self-contained Markdown report for policy researchers.

It says what was compared (scenarios with their Chinese names and the mechanisms each switches on:
`experiments.report_scenarios`), how (replicates, seeds, weeks, wall time, versions), what came out
(levels and paired differences with 95 % intervals, in words: `experiments.report_numbers`), embeds
the plots, and lists the caveats.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from experiments.compare_spec import GROUP_METRICS, KEY_METRICS, WINDOW_WEEKS
from experiments.report_numbers import (
    diff_text,
    fmt_diff,
    interval_span,
    level_text,
    metric_name,
    verdict,
)
from experiments.report_scenarios import (
    mechanism_lines,
    mechanism_names,
    scenario_description,
    scenario_head,
    scenario_label,
)

if TYPE_CHECKING:
    import pandas as pd

    from experiments.compare_spec import CompareSpec

__all__ = ["render"]


def _table(header: list[str], rows: list[list[str]]) -> list[str]:
    out = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    out += ["| " + " | ".join(c.replace("|", "/") for c in row) + " |" for row in rows]
    return out


def _posterior_lines(spec: CompareSpec, summary: pd.DataFrame, meta: dict[str, Any], lang: str = "en") -> list[str]:
    """Under ``compare --posterior``: what the intervals are, and the spread of effects over the posterior."""
    post = meta.get("posterior")
    if not post:
        return []
    ref = spec.reference
    if lang == "zh":
        label = {s.name: scenario_label(s, "zh") for s in spec.scenarios}
        lines = [
            "## 参数不确定性（校准后验）", "",
            f"每个情景的第 *r* 次重复使用校准 `{post['calibration']}`（`{post['path']}`；自由参数 "
            f"{'、'.join(f'`{n}`' for n in post['parameters'])}）后验的第 *r* 组参数抽样和相同的种子，因此各情景在参数和"
            f"偶然性上都保持配对。**区间的含义：**本报告中的 95% 区间是对后验抽样和种子平均值的置信区间（重复越多越窄）；"
            f"下表的 **90% 范围**是 {spec.reps} 个配对差异的第 5 至第 95 百分位，即效果在可信参数组合和种子之间变化多大"
            f"（不随重复增多而变窄）。",
            *[f"未用于{label.get(name, name)}：{'、'.join(f'`{n}`' for n in idle)}（该机制在此情景中未启用，参数不起作用）。"
              for name, idle in post.get("not_applied", {}).items()], "",
            f"| 情景 | 指标 | 与{label[ref]}的平均差异（95% 置信区间） | 后验抽样上的 90% 范围 |",
            "|---|---|---|---|",
        ]
        h = summary[summary["horizon"] & summary["metric"].isin(["satisfaction_mean", "participation_monthly"])]
        for r in h.itertuples():
            if r.scenario == ref:
                continue
            lines.append(f"| {label.get(r.scenario, r.scenario)} | {r.metric_zh} | {fmt_diff(r.diff, r.unit)}"
                         f"（{fmt_diff(r.diff_ci_low, r.unit)} 至 {fmt_diff(r.diff_ci_high, r.unit)}） | "
                         f"{fmt_diff(r.diff_q05, r.unit)} 至 {fmt_diff(r.diff_q95, r.unit)} |")
        return [*lines, ""]
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
        *[f"Not applied to {next((scenario_label(s) for s in spec.scenarios if s.name == name), name)}: "
          f"{', '.join(f'`{n}`' for n in idle)} (its mechanism is off there, so the parameter has no effect)."
          for name, idle in post.get("not_applied", {}).items()],
        "",
        f"| Scenario | Measure | Mean difference from "
        f"{next(scenario_label(s) for s in spec.scenarios if s.name == ref)} (95 % CI) | 90 % range over posterior draws |",
        "|---|---|---|---|",
    ]
    h = summary[summary["horizon"] & summary["metric"].isin(["satisfaction_mean", "participation_monthly"])]
    for r in h.itertuples():
        if r.scenario == ref:
            continue
        shown = next((scenario_label(s) for s in spec.scenarios if s.name == r.scenario), r.scenario)
        lines.append(f"| {shown} | {r.metric_en} | {fmt_diff(r.diff, r.unit)} ({fmt_diff(r.diff_ci_low, r.unit)} "
                     f"to {fmt_diff(r.diff_ci_high, r.unit)}) | {fmt_diff(r.diff_q05, r.unit)} to "
                     f"{fmt_diff(r.diff_q95, r.unit)} |")
    return [*lines, ""]


def render(spec: CompareSpec, summary: pd.DataFrame, meta: dict[str, Any], files: list[str], lang: str = "en") -> str:
    """The whole report as Markdown text, in English (``lang="en"``) or Chinese (``lang="zh"``).

    Scenarios and measures appear under their labels (the file name only in code font beside them),
    each measure with its unit in one number format, and thresholds stated where a measure has one.
    """
    report = _Report(spec, summary, meta, lang)
    return "\n".join([
        *report.opening(),
        *report.glance(),
        *report.compared(),
        *report.how_run(),
        *report.how_to_read(),
        *report.results(),
        *report.over_time(),
        *report.for_whom(),
        *report.caveats(),
        *report.file_list(files),
    ])


class _Report:
    """What every section of one report reads: the comparison, its summary table and the language."""

    def __init__(self, spec: CompareSpec, summary: pd.DataFrame, meta: dict[str, Any], lang: str) -> None:
        self.spec, self.summary, self.meta, self.lang = spec, summary, meta, lang
        self.zh = lang == "zh"
        self.ref = spec.reference
        self.others = [n for n in spec.names if n != self.ref]
        self.by_name = {s.name: s for s in spec.scenarios}
        self.label = {n: scenario_label(self.by_name[n], lang) for n in spec.names}
        self.params = self.by_name[self.ref].params
        self.week = spec.weeks
        self.threshold = self.params.get("satisfied_threshold", 0.6)
        self._idx = summary.set_index(["scenario", "metric", "week"])

    def L(self, en: str, cn: str) -> str:  # noqa: N802 - reads like a translation table
        """`en`, or `cn` in a Chinese report."""
        return cn if self.zh else en

    def row(self, name: str, metric: str, w: int | None = None) -> Any:
        """The summary row of scenario `name`, `metric` at week `w` (the horizon), or None."""
        key = (name, metric, self.week if w is None else w)
        return self._idx.loc[key] if key in self._idx.index else None

    def mname(self, r: Any) -> str:
        """A measure's name with its unit."""
        return metric_name(r, self.lang, self.params)

    def short(self, r: Any) -> str:
        """A measure's name inside a sentence."""
        return r["metric_zh"] if self.zh else r["metric_en"].lower()

    def opening(self) -> list[str]:
        """Title and what the report compares, over what horizon and how it pairs runs."""
        L, spec, label, ref, week = self.L, self.spec, self.label, self.ref, self.week
        years = week / 52
        hh = sorted(set(self.meta["households"].values()))
        return [
            L(f"# Scenario comparison: {', '.join(label[n] for n in self.others) or label[ref]} against {label[ref]}",
              f"# 情景比较：{'、'.join(label[n] for n in self.others) or label[ref]} 与 {label[ref]}"),
            "",
            L(f"This report compares {len(spec.names)} governance scenario(s) of a simulated street over {week} weeks "
              f"(about {years:.1f} years), {' or '.join(f'{h:,}' for h in hh)} households. Each scenario was run "
              f"{spec.reps} times with the same {spec.reps} random seeds (*common random numbers*), so each difference "
              f"from the reference **{scenario_head(self.by_name[ref], self.lang)}** is a paired comparison: run *r* of a scenario is "
              f"set against run *r* of the reference, which removes much of the chance variation that unpaired runs "
              f"would show.",
              f"本报告比较一个模拟街道中的 {len(spec.names)} 个治理情景，模拟 {week} 周（约 {years:.1f} 年），"
              f"{' 或 '.join(f'{h:,}' for h in hh)} 户。每个情景用同样的 {spec.reps} 个随机种子各运行 {spec.reps} 次"
              f"（*共同随机数*），因此与参照情景 **{scenario_head(self.by_name[ref], self.lang)}** 的差异是配对比较：情景的第 *r* 次"
              f"运行与参照情景的第 *r* 次运行相比，去掉了大部分偶然波动。"),
            "",
        ]

    def glance(self) -> list[str]:
        """Each scenario's headline differences in words, what "clearly" means, and what the intervals cover."""
        L, label, ref, week, lang = self.L, self.label, self.ref, self.week, self.lang
        out = [L("## At a glance", "## 概览"), ""]
        if not self.others:
            out.append(L(f"Only the reference {label[ref]} was run; there is nothing to compare it with.",
                         f"只运行了参照情景 {label[ref]}，没有可比较的情景。"))
        for name in self.others:
            parts = []
            for metric in ("satisfaction_mean", "participation_monthly"):
                r = self.row(name, metric)
                if r is None:
                    continue
                v = verdict(metric, r["diff"], r["diff_ci_low"], r["diff_ci_high"], lang)
                span = interval_span(fmt_diff(r["diff_ci_low"], r["unit"]), fmt_diff(r["diff_ci_high"], r["unit"]), lang)
                parts.append(L(f"{self.short(r)} differs by **{fmt_diff(r['diff'], r['unit'])}** (95 % interval {span}: {v})",
                               f"{self.short(r)}相差 **{fmt_diff(r['diff'], r['unit'])}**（95% 区间 {span}：{v}）"))
            clear = []
            for metric in KEY_METRICS:
                r = self.row(name, metric)
                if r is None or metric in ("satisfaction_mean", "participation_monthly"):
                    continue
                v = verdict(metric, r["diff"], r["diff_ci_low"], r["diff_ci_high"])
                if v.startswith(("higher", "lower")):
                    clear.append(f"{self.short(r)} {verdict(metric, r['diff'], r['diff_ci_low'], r['diff_ci_high'], lang)} "
                                 f"({fmt_diff(r['diff'], r['unit'])})")
            text = (f"- **{label[name]}** (`{name}`): " + L(f"at week {week}, ", f"第 {week} 周，")
                    + L("; ", "；").join(parts) + L(".", "。"))
            if clear:
                text += L(" Also clearly different: ", "其他明显不同的指标：") + L("; ", "；").join(clear) + L(".", "。")
            out.append(text)
        return [
            *out,
            "",
            L(f"“Clearly” means the 95 % interval of the paired difference excludes zero; “no clear difference” "
              f"means the runs cannot tell the scenario from {label[ref]} on that measure.",
              f"“明显”指配对差异的 95% 区间不含零；“无明显差异”指这些运行不能把该情景与{label[ref]}在这一指标上区分开。"),
            "",
            *([] if self.meta.get("posterior") else [
                L("These intervals cover seed noise only (chance differences between runs with the same "
                  "parameters), not uncertainty about the parameters themselves, which can move the effects far "
                  "more; `compare --posterior` with a calibration posterior includes it.",
                  "这些区间只包含种子噪声（参数相同的运行之间的偶然差异），不包含参数本身的不确定性，后者对效果的影响可能大得多；"
                  "用校准后验加 `compare --posterior` 可以把它包括进来。"), ""]),
            *_posterior_lines(self.spec, self.summary, self.meta, lang),
        ]

    def compared(self) -> list[str]:
        """The scenarios: labels, code names, mechanisms and households, then each one's mechanisms in words."""
        L, lang, ref = self.L, self.lang, self.ref
        out = [L("## What was compared", "## 比较了什么"), ""]
        out += _table(
            [L("Scenario", "情景"), L("Code name", "代号"), L("Mechanisms switched on", "启用的机制"),
             L("Households", "户数"), L("Description", "说明")],
            [[self.label[s.name] + (L(" (reference)", "（参照）") if s.name == ref else ""), f"`{s.name}`",
              mechanism_names(s, lang) or L("none", "无"), f"{self.meta['households'][s.name]:,}",
              scenario_description(s, lang)]
             for s in self.spec.scenarios])
        for s in self.spec.scenarios:
            out += ["", f"### {s.label_zh} / {s.label_en} (`{s.name}`)", ""]
            if scenario_description(s, lang):
                out += [scenario_description(s, lang), ""]
            out += mechanism_lines(s, lang)
        return out

    def how_run(self) -> list[str]:
        """Replicates, seeds, time, software and the command that reproduces the comparison."""
        L, spec, meta, ref, week = self.L, self.spec, self.meta, self.ref, self.week
        v = meta["versions"]
        seeds = ", ".join(str(x) for x in spec.seeds)
        typed = [s.name if (":" in s.name or s.path is None) else source
                 for s, source in zip(spec.scenarios, spec.inputs, strict=True)]
        built = [s.name for s in spec.scenarios if s.path is None and ":" not in s.name]
        sets = "".join(f" --set {k}={str(v).lower() if isinstance(v, bool) else v}" for k, v in spec.common.items())
        command = (f"`python run.py compare {' '.join(typed)}{sets} --reference {ref} --reps {spec.reps} "
                   f"--weeks {week} --seed {spec.seed}" + (f" --jobs {spec.jobs}" if spec.jobs else "")
                   + (f" --posterior {meta['posterior']['path']}" if meta.get("posterior") else "")
                   + (" --lang zh" if self.zh else "") + f" --out {spec.out}`")
        return [
            "",
            L("## How the comparison was run", "## 如何运行"),
            "",
            L(f"- Replicates: {spec.reps} per scenario, {meta['runs']} runs in all; horizon {week} weeks "
              f"(one step = one week); summaries at weeks {', '.join(str(w) for w in meta['summary_weeks'])}.",
              f"- 重复：每个情景 {spec.reps} 次，共 {meta['runs']} 次运行；模拟 {week} 周（一步 = 一周）；"
              f"在第 {', '.join(str(w) for w in meta['summary_weeks'])} 周汇总。"),
            L(f"- Seeds: base seed {spec.seed}; replicate seeds from numpy `SeedSequence({spec.seed}).spawn({spec.reps})`, "
              f"the same for every scenario: {seeds}.",
              f"- 种子：基础种子 {spec.seed}；各次重复的种子来自 numpy `SeedSequence({spec.seed}).spawn({spec.reps})`，"
              f"所有情景相同：{seeds}。"),
            L(f"- Wall time: {meta['wall_seconds_before_report']:.1f} s ({meta['run_seconds']:.1f} s of it running the "
              f"model) on {spec.jobs or 'all'} local worker process(es); the results do not depend on the number of "
              f"workers.",
              f"- 用时：{meta['wall_seconds_before_report']:.1f} 秒（其中运行模型 {meta['run_seconds']:.1f} 秒），"
              f"{spec.jobs or '全部'}个本地工作进程；结果与进程数无关。"),
            L("- Software: ", "- 软件：") + f"cogov {v.get('cogov', '?')} (git {v.get('git_commit', '—')[:12]}), Python "
            f"{v.get('python', '?')}, Mesa {v.get('mesa', '?')}, numpy {v.get('numpy', '?')}, pandas {v.get('pandas', '?')}"
            f", pyarrow {v.get('pyarrow', '?')}" + L(".", "。"),
            L("- Command: ", "- 命令：") + command
            + (L(f" ({', '.join(built)}: built in Python, not a file; its parameters are in compare.json)",
                 f"（{'、'.join(built)}：在 Python 中构建，不是文件；参数见 compare.json）") if built else ""),
        ]

    def how_to_read(self) -> list[str]:
        """What the intervals, differences, units and measures mean."""
        L, spec, label, ref, threshold = self.L, self.spec, self.label, self.ref, self.threshold
        return [
            "",
            L("## How to read the numbers", "## 如何读这些数字"),
            "",
            L(f"- **Mean (a to b)**: the average over the {spec.reps} runs, and its 95 % confidence interval "
              "(Student t). It says how precisely the runs pin down the model's average outcome, not how much "
              "outcomes vary from one community to another.",
              f"- **均值（a 至 b）**：{spec.reps} 次运行的平均值及其 95% 置信区间（t 分布）。它说明这些运行对模型平均"
              "结果的估计有多精确，而不是不同社区之间结果差多少。"),
            L(f"- **Difference from {label[ref]}**: the average of the run-by-run differences (scenario minus "
              f"{label[ref]}, same seed), with the 95 % t-interval of those paired differences.",
              f"- **与{label[ref]}的差异**：逐次运行差异（情景减{label[ref]}，同一种子）的平均值及其 95% t 区间。"),
            L("- Each measure has one number format with its unit, given after its name: shares in per cent (%) "
              "with one decimal and their differences in **percentage points (pp)**; satisfaction, trust and firm "
              "quality on a 0–1 scale with three decimals; weeks, counts and rates with one decimal; money in whole "
              "yuan.",
              "- 每个指标只用一种数字格式，单位写在指标名后：比例以百分数（%）表示，保留一位小数，其差异以**百分点（pp）**"
              "表示；满意度、信任和物业服务质量为 0–1 分值，保留三位小数；周数、件数和比率保留一位小数；金额以元取整。"),
            L(f"- **Share satisfied** is the share of households whose satisfaction (0–1) is at least "
              f"{threshold:g} (parameter `satisfied_threshold`); **monthly participation** is the share of households "
              f"that took part in any activity in the last 4 weeks.",
              f"- **满意率**是满意度（0–1）不低于 {threshold:g}（参数 `satisfied_threshold`）的住户比例；"
              f"**月度参与率**是最近 4 周参加过任何活动的住户比例。"),
            L(f"- Measures counted per week (buck-passing, resolution times, volunteer hours, weekly cost) are averaged "
              f"over the {WINDOW_WEEKS} weeks ending at the week shown, since a single week is noisy; resolution "
              "times are those of the issues resolved in those weeks. Other measures are read at that week.",
              f"- 按周计数的指标（推诿、办结时间、志愿时长、每周成本）取截至该周的 {WINDOW_WEEKS} 周平均，因为单周波动大；"
              "办结时间是这几周内办结诉求的时间。其他指标取该周的值。"),
            L("- Mechanism cost per household is the modelled mechanisms' cumulative running cost since week 0, in "
              "yuan, divided by the number of households.",
              "- 户均机制成本是第 0 周以来模型中各机制的累计运行成本（元）除以户数。"),
        ]

    def results(self) -> list[str]:
        """Levels and paired differences of the key measures at the horizon, and the forest plot."""
        L, spec, label, ref, lang, others = self.L, self.spec, self.label, self.ref, self.lang, self.others
        out = [
            "",
            L(f"## Results at week {self.week}", f"## 第 {self.week} 周的结果"),
            "",
            L(f"### Levels (mean and 95 % interval over {spec.reps} runs)", f"### 水平（{spec.reps} 次运行的均值与 95% 区间）"),
            "",
        ]
        rows = []
        for metric in KEY_METRICS:
            first = self.row(spec.names[0], metric)
            if first is None:
                continue
            rows.append([self.mname(first)] + [level_text(self.row(n, metric), lang) for n in spec.names])
        out += _table([L("Measure", "指标")] + [label[n] for n in spec.names], rows)
        if others:
            out += ["", L(f"### Differences from {label[ref]} (paired, 95 % interval)",
                          f"### 与{label[ref]}的差异（配对，95% 区间）"), ""]
            rows = []
            for metric in KEY_METRICS:
                first = self.row(others[0], metric)
                if first is None:
                    continue
                cells = []
                for n in others:
                    r = self.row(n, metric)
                    cells.append(f"{diff_text(r, lang)}: {verdict(metric, r['diff'], r['diff_ci_low'], r['diff_ci_high'], lang)}")
                rows.append([self.mname(first)] + cells)
            out += _table([L("Measure", "指标")] + [label[n] for n in others], rows)
        return [*out, "", f"![{L('Differences from', '差异：对比')} {label[ref]}](forest.png)", "",
                L(f"*Each dot is the mean paired difference from {label[ref]}; the bar is its 95 % interval. A bar that "
                  "crosses the vertical line at zero means no clear difference.*",
                  f"*每个点是与{label[ref]}的平均配对差异，横线是其 95% 区间；跨过零线表示无明显差异。*"), ""]

    def over_time(self) -> list[str]:
        """Satisfaction, share satisfied and participation at each summary week, and the plot over time."""
        L, label, ref, lang, threshold = self.L, self.label, self.ref, self.lang, self.threshold
        out = [L("## Over time", "## 随时间变化"), ""]
        rows = []
        for n in self.spec.names:
            for w in self.meta["summary_weeks"]:
                cells = [label[n], str(w)]
                for metric in ("satisfaction_mean", "satisfied_share", "participation_monthly"):
                    r = self.row(n, metric, w)
                    cells.append("—" if r is None else level_text(r, lang))
                    if n != ref:
                        cells.append("—" if r is None else diff_text(r, lang))
                rows.append(cells)
        sat = L(f"Share satisfied (≥ {threshold:g}), %", f"满意率（≥ {threshold:g}），%")
        if self.others:
            delta = L(f"Δ vs {label[ref]}", f"与{label[ref]}之差")
            header = [L("Scenario", "情景"), L("Week", "周"), L("Mean satisfaction, 0–1 scale", "平均满意度，0–1 分值"),
                      delta, sat, delta, L("Monthly participation, %", "月度参与率，%"), delta]
            rows = [r if len(r) == len(header) else [r[0], r[1], r[2], "", r[3], "", r[4], ""] for r in rows]
        else:
            header = [L("Scenario", "情景"), L("Week", "周"), L("Mean satisfaction, 0–1 scale", "平均满意度，0–1 分值"),
                      sat, L("Monthly participation, %", "月度参与率，%")]
        out += _table(header, rows)
        return [*out, "", f"![{L('Satisfaction and participation over time', '满意度与参与率随时间变化')}](over_time.png)", "",
                L(f"*Lines are means over the {self.spec.reps} runs of each scenario; the shaded bands are 95 % intervals "
                  f"of those means; {label[ref]} is dashed.*",
                  f"*线为各情景 {self.spec.reps} 次运行的均值，阴影为这些均值的 95% 区间；{label[ref]}为虚线。*"), ""]

    def for_whom(self) -> list[str]:
        """Satisfaction and participation by age group and tenure, with the breakdown plot."""
        L, label, ref, lang = self.L, self.label, self.ref, self.lang
        out = [L("## For whom: age groups, owners and renters", "## 对谁：年龄组、业主与租户"), ""]
        rows = []
        for _group, sat_m, part_m in GROUP_METRICS:
            for metric in (sat_m, part_m):
                first = self.row(self.spec.names[0], metric)
                if first is None:
                    continue
                cells = [self.mname(first)]
                for n in self.spec.names:
                    r = self.row(n, metric)
                    cell = level_text(r, lang)
                    if n != ref:
                        cell += f"; Δ {diff_text(r, lang)}"
                    cells.append(cell)
                rows.append(cells)
        out += _table([L("Group and measure", "群体与指标")] + [label[n] for n in self.spec.names], rows)
        return [*out, "", f"![{L('By age group and tenure', '按年龄组与产权')}](breakdown.png)", "",
                L("*Bars are means at the horizon; whiskers are 95 % intervals. Δ in the table is the paired "
                  f"difference from {label[ref]}.*",
                  f"*柱为末周均值，须线为 95% 区间。表中 Δ 为与{label[ref]}的配对差异。*"), ""]

    def caveats(self) -> list[str]:
        """What the comparison does not say."""
        L, meta = self.L, self.meta
        return [
            L("## Caveats", "## 注意事项"), "",
            L("- This is a simulation of stylised communities, not a forecast for a particular place. Parameters are "
              "the model's documented defaults and the scenario files' settings (see `python run.py describe "
              "SCENARIO`), not estimates for any real street.",
              "- 这是对典型化社区的模拟，不是对某个地方的预测。参数是模型有文档的默认值和情景文件的设定"
              "（见 `python run.py describe 情景`），不是对任何真实街道的估计。"),
            (L("- Each replicate ran under its own parameter draw from the calibration's posterior, so the spread "
               "between runs includes parameter uncertainty as far as the calibration fitted it; parameters it did "
               "not free keep their scenario values, and the model's rules are taken as given.",
               "- 每次重复使用校准后验的一组参数抽样，因此运行间的离散包含校准所覆盖的参数不确定性；"
               "未放开的参数保持情景值，模型规则视为给定。")
             if meta.get("posterior") else
             L("- The intervals reflect only chance variation between runs. They do not include uncertainty about "
               "the parameters or the model's rules; a narrow interval is not certainty about the real world. Use a "
               "sensitivity analysis, or `--posterior` with a calibration, for that.",
               "- 区间只反映运行之间的偶然波动，不包括参数或模型规则的不确定性；区间窄不代表对现实有把握。"
               "参数不确定性请用敏感性分析，或用校准结果加 `--posterior`。")),
            L("- Many measures and scenarios are compared at once; about one interval in twenty excludes zero by "
              "chance alone, so read single “clear” differences on secondary measures with care.",
              "- 同时比较了许多指标和情景；约每二十个区间中就有一个仅因偶然而不含零，次要指标上的单个“明显”差异要谨慎解读。"),
            L("- Common random numbers: all scenarios start from the same seeds, but once a mechanism draws extra "
              "random numbers the streams of two scenarios part ways. The comparison stays paired and valid; it "
              "only gains less precision from the pairing.",
              "- 共同随机数：所有情景从相同种子开始，但机制一旦多抽随机数，两情景的随机序列就会分开。比较仍是配对且有效的，"
              "只是配对带来的精度提升变小。"),
            L("- Resolution times count only issues that were resolved; issues that expired unresolved are not in "
              "them, so a scenario can resolve faster and still leave more issues unresolved (see open issues).",
              "- 办结时间只统计已办结的诉求，过期未办结的不在其中；所以一个情景可能办得更快却留下更多未办结诉求（见待办诉求）。"),
            L("- Costs are the modelled running costs of the mechanisms (incl. points paid out); staff time outside "
              "the model, building works (project spend is reported separately in `summary.csv`) and set-up "
              "costs are not included.",
              "- 成本是模型中各机制的运行成本（含兑付的积分）；模型之外的人员时间、工程建设（项目支出另见 `summary.csv`）"
              "和启动成本不计在内。"),
            L("- Scenarios that change the population or the compounds (for example an old compound) differ in who "
              "lives there as well as in governance; their differences are not effects of mechanisms alone.",
              "- 改变人口或小区类型的情景（如老旧小区）在居民构成和治理上都不同，其差异不只是机制的作用。"),
        ]

    def file_list(self, files: list[str]) -> list[str]:
        """The files written beside the report."""
        L, label, ref = self.L, self.label, self.ref
        return [
            "", L("## Files", "## 文件"), "",
            L("- `runs.parquet`: every run, week and measure in tidy form (scenario, replicate, seed, week, metric, "
              "value); its Parquet metadata gives each metric's unit.",
              "- `runs.parquet`：每次运行、每周、每个指标的长表（scenario, replicate, seed, week, metric, value）；"
              "Parquet 元数据给出每个指标的单位。"),
            L("- `summary.csv`: every measure per scenario at each summary week: mean, 95 % interval, paired "
              f"difference from {label[ref]} and its interval (columns `diff`, `diff_ci_low`, `diff_ci_high`).",
              f"- `summary.csv`：各情景各汇总周每个指标的均值、95% 区间、与{label[ref]}的配对差异及其区间"
              "（列 `diff`、`diff_ci_low`、`diff_ci_high`）。"),
            L("- `compare.json`: settings, seeds, timings and versions.", "- `compare.json`：设置、种子、用时与版本。"),
            L("- Plots: ", "- 图：") + ", ".join(f"`{f}`" for f in files if f.endswith((".png", ".svg"))) + L(".", "。"),
            "",
        ]
