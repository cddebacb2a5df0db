"""The app's two languages: one table of every UI string, and the current language per browser tab.

Model texts come from their own declarations (parameter and metric labels, mechanism and scenario
names, in 中文 and English); this module holds only the app's own words. ``tr(key)`` looks a key
up in the current language; reading the language inside a Solara component subscribes that
component, so switching language re-renders exactly what shows text.
"""

from __future__ import annotations

import re
from typing import Any

import solara

__all__ = ["LANGUAGES", "language", "tr", "pick", "mesa_text", "UI", "MESA_UI"]

#: Language code -> the name shown on the switch.
LANGUAGES: dict[str, str] = {"zh": "中文", "en": "English"}

#: The current language (one value per browser tab: Solara scopes reactive variables per kernel).
language: solara.Reactive[str] = solara.reactive("zh")

#: Key -> (中文, English). ``{name}`` placeholders are filled by ``tr(key, name=...)``.
UI: dict[str, tuple[str, str]] = {
    "app_title": ("cogov · 城市社区共建共治共享", "cogov · urban community co-governance"),
    "nav_explore": ("探索", "Explore"),
    "nav_compare": ("比较", "Compare"),
    "language": ("语言", "Language"),
    # explore: controls
    "scenario": ("情景", "Scenario"),
    "scenario_hint": ("选择后立即载入该情景（第 0 周）", "Loads the scenario at once (week 0)"),
    "seed": ("随机种子", "Seed"),
    "seed_hint": ("非负整数；同一种子、同一参数 = 同一结果", "A whole number ≥ 0; same seed and parameters = same run"),
    "apply_on_reset": ("修改的参数在点击“重置”后生效。", "Changed parameters take effect on Reset."),
    "pending_changes": ("{n} 项修改待“重置”后生效", "{n} change(s) waiting for Reset"),
    "mechanisms": ("治理机制", "Governance mechanisms"),
    "main_parameters": ("主要参数", "Main parameters"),
    "all_parameters": ("全部参数", "All parameters"),
    "show_all": ("显示全部参数", "Show all parameters"),
    "hide_all": ("收起全部参数", "Hide all parameters"),
    "err_number": ("请输入数字，取值 {range}", "Enter a number in {range}"),
    "err_integer": ("请输入整数，取值 {range}", "Enter a whole number in {range}"),
    "err_range": ("超出范围：取值 {range}", "Out of range: expected {range}"),
    "err_bool": ("请选择是或否", "Choose yes or no"),
    "err_conflict": ("与其他参数冲突：{detail}", "Conflicts with other parameters: {detail}"),
    "err_too_big": (
        "规模过大：{n} 户超过实时探索上限 {cap} 户（请用 run.py run）",
        "Too large: {n} households exceed the live-view limit of {cap} (use run.py run)",
    ),
    "refused_kept": ("已拒绝，仍使用 {value}", "Refused; still using {value}"),
    # explore: panels
    "overview_tab": ("总览", "Overview"),
    "week_n": ("第 {n} 周", "Week {n}"),
    "of_weeks": ("共 {n} 周", "of {n}"),
    "mechanisms_on": ("启用的机制", "Mechanisms on"),
    "none": ("无", "none"),
    "since_week0": ("较第 0 周", "since week 0"),
    "map_title": ("社区地图", "Community map"),
    "map_colour_by": ("着色变量", "Colour by"),
    "map_legend_note": (
        "粗框 = 小区（网格，带编号）；细框 = 楼栋；小格 = 住户",
        "Thick outline = compound (grid, numbered); thin = building; small cell = household",
    ),
    "var_satisfaction": ("满意度", "Satisfaction"),
    "var_participation": ("近一月参与", "Active last month"),
    "var_trust": ("社区信任", "Trust in community"),
    "var_open_issues": ("未解决诉求数", "Unresolved issues"),
    "active": ("参与", "active"),
    "inactive": ("未参与", "not active"),
    "compound": ("小区", "Compound"),
    "community": ("社区", "Community"),
    "week_axis": ("周", "week"),
    "chart_satisfaction": ("满意度", "Satisfaction"),
    "chart_participation": ("月度参与率", "Monthly participation"),
    "chart_issues": ("待办诉求与办结时间", "Open issues and time to resolve"),
    "chart_fee": ("物业费收缴率", "Fee collection"),
    "chart_firm": ("物业服务质量", "Property-firm quality"),
    "rolling4": ("4 周平均", "4-week mean"),
    "events_title": ("事件记录", "Event log"),
    "no_events": ("暂无事件。", "No events yet."),
    "events_more": ("另有 {n} 条更早的事件", "{n} earlier event(s) not shown"),
    "col_week": ("周", "Week"),
    "col_event": ("事件", "Event"),
    "col_detail": ("详情", "Detail"),
    # compare
    "compare_title": ("情景比较", "Compare scenarios"),
    "compare_intro": (
        "每个情景用同一组随机种子（共同随机数）重复运行；曲线为均值，阴影为 95% 置信区间。",
        "Each scenario runs with the same seeds (common random numbers); lines are means, bands 95 % intervals.",
    ),
    "scenarios": ("情景", "Scenarios"),
    "reference": ("参照情景", "Reference"),
    "replicates": ("重复次数", "Replicates"),
    "weeks": ("周数", "Weeks"),
    "root_seed": ("根种子", "Root seed"),
    "run": ("运行", "Run"),
    "cancel": ("取消", "Cancel"),
    "running": ("运行中：{done}/{total} 次", "Running: {done}/{total} runs"),
    "finished": ("完成 {total} 次运行，用时 {seconds:.1f} 秒", "Finished {total} runs in {seconds:.1f} s"),
    "summarising": ("已运行 {total} 次，正在汇总…", "{total} runs done, summarising…"),
    "cancelled": ("已取消", "Cancelled"),
    "failed": ("运行失败：{error}", "Run failed: {error}"),
    "need_scenario": ("请至少选择一个情景", "Choose at least one scenario"),
    "err_reps": ("请输入 2 到 {max} 之间的整数", "Enter a whole number from 2 to {max}"),
    "too_many_runs": (
        "运行量过大：{runs} 次运行、{n} 户·周（上限 {max_runs} 次、{cap} 户·周）；请用 run.py compare",
        "Too much work: {runs} runs, {n} household-weeks (limits {max_runs} runs, {cap}); use run.py compare",
    ),
    "bands_title": ("满意度与参与率（均值与 95% 区间）", "Satisfaction and participation (mean and 95 % interval)"),
    "diff_title": (
        "第 {week} 周与参照情景的差异（流量指标取最后 4 周平均）；括号内为 95% 区间；加粗 = 区间不含 0，"
        "▲▼ 标出更好或更差",
        "Difference from the reference at week {week} (flows: mean of the last 4 weeks); 95 % interval in "
        "brackets; bold = the interval excludes 0, ▲▼ marked better or worse",
    ),
    "reference_value": ("参照值", "Reference value"),
    "better": ("更好", "better"),
    "worse": ("更差", "worse"),
    "pp": ("个百分点", "pp"),
    "col_metric": ("指标", "Metric"),
    "col_scenario": ("情景", "Scenario"),
    "col_value": ("数值", "Value"),
    "col_diff": ("差异", "Difference"),
    "col_ci": ("95% 区间", "95 % interval"),
    "download_csv": ("下载结果（CSV）", "Download results (CSV)"),
    "no_results": ("选择情景后点击“运行”。", "Choose scenarios and press Run."),
    # calibration and scenario files
    "calibration_title": ("校准结果", "Calibration"),
    "calibration_folder": ("校准结果文件夹（run.py calibrate --out 的目录）", "Calibration folder (the --out of run.py calibrate)"),
    "load": ("载入", "Load"),
    "cannot_load": ("无法载入：{detail}", "Cannot load: {detail}"),
    "calibration_loaded": ("校准 {name}：在情景 {scenario} 上拟合 {params}（{n} 个粒子）",
                           "Calibration {name}: {params} fitted on scenario {scenario} ({n} particles)"),
    "fit_title": ("拟合指标（后验预测）与观测值", "Fitted indicators (posterior predictive) against the observed figures"),
    "under_posterior": ("在后验下比较：第 r 次重复使用后验的第 r 个参数抽样",
                        "Compare under the posterior: replicate r runs with the posterior's draw r"),
    "posterior_runs": ("（在校准 {name} 的后验下）", " (under the posterior of calibration {name})"),
    "scenario_file": ("情景文件路径（.toml）", "Scenario file path (.toml)"),
    "scenario_file_hint": ("也可把 .toml 文件拖到下方", "or drop a .toml file below"),
    "drop_scenario": ("拖放情景文件（.toml）到此处", "Drop a scenario file (.toml) here"),
    "err_toml_only": ("需要 .toml 情景文件，且不超过 1 MB", "Expected a .toml scenario file of at most 1 MB"),
}

#: Mesa's own SolaraViz words (shown in the sidebar and controller) -> (中文, English).
MESA_UI: dict[str, tuple[str, str]] = {
    "Controls": ("运行控制", "Controls"),
    "Play Interval (ms)": ("播放间隔（毫秒）", "Play interval (ms)"),
    "Render Interval (steps)": ("重绘间隔（步）", "Render interval (steps)"),
    "Use Threads": ("使用线程", "Use threads"),
    "Increase play interval to avoid skipping plots": ("请加大播放间隔以免跳过图表", "Increase the play interval to avoid skipping plots"),
    "Model Parameters": ("模型参数", "Model parameters"),
    "Information": ("信息", "Information"),
    "Command Console": ("命令行", "Command console"),
    "Reset": ("重置", "Reset"),
    "Step": ("单步", "Step"),
}
_MESA_PATTERNS: tuple[tuple[re.Pattern[str], tuple[str, str]], ...] = (
    (re.compile(r"^Step: (?P<n>\d+)$"), ("当前：第 {n} 周", "Current: week {n}")),
    (re.compile(r"^Page 0$"), ("总览", "Overview")),
    (re.compile(r"^Page (?P<n>\d+)$"), ("第 {n} 页", "Page {n}")),
)


def current() -> str:
    """The current language code (``"zh"`` or ``"en"``)."""
    lang = language.value
    return lang if lang in LANGUAGES else "zh"


def pick(zh: str, en: str, lang: str | None = None) -> str:
    """``zh`` or ``en`` for ``lang`` (default: the current language)."""
    return zh if (lang or current()) == "zh" else en


def tr(key: str, lang: str | None = None, **values: Any) -> str:
    """The UI string ``key`` in ``lang`` (default: current), with ``{placeholders}`` filled in."""
    zh, en = UI[key]
    text = pick(zh, en, lang)
    return text.format(**values) if values else text


def mesa_text(text: Any, lang: str | None = None) -> Any:
    """Mesa's fixed English UI text in ``lang`` (default: current); anything else unchanged."""
    if not isinstance(text, str):
        return text
    if text in MESA_UI:
        return pick(*MESA_UI[text], lang=lang)
    for pattern, (zh, en) in _MESA_PATTERNS:
        m = pattern.match(text)
        if m:
            return pick(zh, en, lang).format(**m.groupdict())
    return text
