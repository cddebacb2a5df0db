"""What the comparison's report says of each scenario, in English or 中文: its label and description,
the mechanisms it switches on (names, summary, sources, settings) and what the model does with each
measure of its source document, or that it left the measure out. Every text comes from a declaration
in both languages (scenario files, mechanism classes, parameters, units)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from scenarios import Scenario

__all__ = ["scenario_label", "scenario_description", "scenario_head", "mechanism_names", "mechanism_lines",
           "measure_line"]


def scenario_label(s: Scenario, lang: str = "en") -> str:
    """A scenario's label in `lang` (its name when it has none)."""
    return (s.label_zh if lang == "zh" else s.label_en) or s.name


def mechanism_names(s: Scenario, lang: str) -> str:
    """The mechanisms a scenario switches on: their keys, in 中文 their Chinese names (separated by ；)."""
    if lang != "zh":
        return ", ".join(s.mechanisms)
    from model.mechanisms import MECHANISMS

    return "；".join(MECHANISMS[k].name_zh if k in MECHANISMS else k for k in s.mechanisms)  # a name may hold a 、


def scenario_description(s: Scenario, lang: str) -> str:
    """A scenario's description in `lang` (in 中文 its ``description_zh`` when the file gives one)."""
    return (s.description_zh if lang == "zh" else "") or s.description


def scenario_head(s: Scenario, lang: str = "en") -> str:
    """A scenario's label with its code name."""
    return f"{scenario_label(s, lang)} (`{s.name}`)"


def mechanism_lines(s: Scenario, lang: str = "en") -> list[str]:
    """The mechanisms a scenario switches on (names, summary, sources, settings), its other non-default
    settings, and what the model does with each measure and gap of its source document."""
    from model.mechanisms import MECHANISMS
    from model.parameters import PARAMETERS
    from model.units import unit_text

    zh = lang == "zh"
    lines: list[str] = []
    if not s.mechanisms:
        lines.append("- 未启用任何共治机制。" if lang == "zh" else "- No co-governance mechanism is switched on.")
    for key in s.mechanisms:
        cls = MECHANISMS.get(key)
        if cls is None:
            lines.append(f"- `{key}`")
            continue
        lines.append(f"- **{cls.name_zh} / {cls.name_en}** (`{key}`): {cls.summary_zh if zh else cls.summary}")
        if cls.sources:
            lines.append(f"  来源：{'；'.join(cls.sources)}。" if zh else f"  Sources: {'; '.join(cls.sources)}.")
        settings = []
        for name, p in PARAMETERS.items():
            if not name.startswith(f"{key}.") or name.endswith(".enabled"):
                continue
            if p.main or s.source_of.get(name):
                value = s.params[name]
                mark = "" if not s.source_of.get(name) else ("（情景设定）" if zh else " (set by the scenario)")
                setting = (f"{p.label_zh} = {value:g} {unit_text(p.unit, lang)}" if zh
                           else f"{p.label_en} {p.label_zh} = {value:g} {p.unit}")
                settings.append(setting.rstrip() + mark)
        if settings:
            lines.append(f"  设定：{'；'.join(settings)}。" if zh else f"  Settings: {'; '.join(settings)}.")
    others = []
    for name in s.source_of:
        p = PARAMETERS.get(name)
        if p is None or p.mechanism is not None:
            continue
        value = s.params[name]
        shown = str(value).lower() if isinstance(value, bool) else f"{value:g}"
        others.append(f"{p.label_zh} = {shown}" if zh else f"{p.label_en} {p.label_zh} = {shown}")
    if others:
        lines.append(f"- 与默认值不同的其他设定：{'；'.join(others)}。" if zh
                     else f"- Other settings that differ from the defaults: {'; '.join(others)}.")
    for m in s.measures:
        lines.append(measure_line(m, lang))
    for g in s.gaps:
        note = _note(g, lang)
        if lang == "zh":
            lines.append(f"- 未纳入模型：“{g.get('phrase', '')}”" + (f"：{note}" if note else "（模型不表示这一措施）"))
        else:
            lines.append(f"- Not represented: “{g.get('phrase', '')}”" + (f": {note}" if note else
                                                                           " (the model does not represent it)"))
    return lines


def _note(item: dict[str, str], lang: str) -> str:
    """A measure's or gap's note in `lang` (in 中文 the file's ``note_zh``, else its ``note``)."""
    return ((item.get("note_zh") if lang == "zh" else None) or item.get("note", "")).strip()


def measure_line(m: dict[str, str], lang: str = "en") -> str:
    """“Source measure → mechanism: what the model does with it”, or that it was dropped.

    The scenario file's note says it when given; otherwise the mechanism's own summary does.
    """
    from model.mechanisms import MECHANISMS

    keys = [k.strip() for k in m.get("mechanism", "").split(",") if k.strip()]
    note = _note(m, lang)
    param = f" ({m['parameter']})" if m.get("parameter") else ""
    if not keys:
        what = note or ("dropped: the model does not represent it" if lang == "en" else "未纳入：模型不表示这一措施")
        target = "—"
    else:
        names = []
        does = []
        for k in keys:
            cls = MECHANISMS.get(k)
            if k == "model" or cls is None:
                names.append("模型核心规则" if lang == "zh" else "the model's core rules")
                continue
            names.append(f"{cls.name_zh if lang == 'zh' else cls.name_en} (`{k}`)")
            does.append(cls.summary_zh if lang == "zh" else cls.summary)
        target = ("、" if lang == "zh" else ", ").join(names)
        what = note or ("" if lang == "zh" else " ").join(does) or ("represented by the model's core rules" if lang == "en" else "由模型核心规则表示")
    if lang == "zh":
        return f"- 来源措施 “{m.get('phrase', '')}” → {target}{param}：{what}"
    return f"- Source measure “{m.get('phrase', '')}” → {target}{param}: {what}"
