"""Units in 中文: parameters (``model.parameters``) and metrics (``model.reporters.METRIC_INFO``)
declare their unit once, in English (``"yuan/community/week"``); :func:`unit_text` gives it in the
reader's language, so a Chinese page or figure never shows an English unit.

Whole units are looked up first (``"share of full fee"``), then each ``/``-separated part
(``yuan`` / ``community`` / ``week`` → 元/社区/周). A unit with a part missing from both tables is
shown as declared (a test checks that every declared unit is covered).
"""

from __future__ import annotations

import re

__all__ = ["UNIT_ZH", "UNIT_PART_ZH", "unit_text", "untranslated"]

#: Whole units -> 中文.
UNIT_ZH: dict[str, str] = {
    "0–1": "0–1",
    "share": "比例",
    "per week": "每周",
    "per issue": "每件诉求",
    "cumulative": "累计",
    "yuan, cumulative": "元（累计）",
    "months of fee roll": "个月物业费总额",
    "share at full trust": "完全信任时的比例",
    "share of full fee": "占全额物业费的比例",
    "share of gap": "占差距的比例",
    "share of fee roll/month": "占物业费总额的比例/月",
    "yuan/fiscal yuan": "元/每元财政资金",
    "×": "倍",
    "× growth rate": "倍增长率",
    "per expected time": "每单位预期时间",
    "share of hours": "占工时的比例",
    "shape": "形状参数",
}
#: Parts of a ``/``-separated unit -> 中文.
UNIT_PART_ZH: dict[str, str] = {
    "1": "1", "yuan": "元", "hour": "小时", "hours": "小时", "week": "周", "weeks": "周", "month": "月",
    "months": "月", "quarter": "季度", "quarters": "季度", "year": "年", "community": "社区",
    "communities": "个社区", "household": "户", "households": "户", "building": "楼栋", "buildings": "栋楼",
    "grid": "网格", "grids": "个网格", "compound": "小区", "compounds": "个小区", "member": "人", "members": "名成员",
    "worker": "名工作人员", "workers": "名工作人员", "firm": "物业", "firms": "家物业", "donor": "捐赠方",
    "organisation": "家组织", "organisations": "家组织", "meeting": "次会议", "interview": "次访谈",
    "report": "次反映", "reward": "次奖励", "action": "次行动", "point": "积分", "points": "积分",
    "actions": "次行动", "issues": "件诉求", "issue": "件诉求", "seats": "个席位", "slots": "个岗位",
    "ties": "条关系", "pass": "次转办", "holder": "名责任人", "1,000 households": "千户", "quality": "质量", "dispute": "起纠纷",
    "interviews": "次访谈", "probability": "概率", "share": "比例", "rate": "比率", "sd": "标准差", "level": "水平",
    "rating": "评分", "utility": "效用", "weight": "权重", "index": "指数", "logit": "logit", "projects": "个项目",
}  # fmt: skip


def _part_zh(part: str) -> str | None:
    """One part of a unit in 中文: from the table, or "<number> <word>" (``100 households`` → 100 户)."""
    if part in UNIT_PART_ZH:
        return UNIT_PART_ZH[part]
    counted = re.fullmatch(r"([\d,.]+) (\w+)", part)
    if counted and counted.group(2) in UNIT_PART_ZH:
        return f"{counted.group(1)} {UNIT_PART_ZH[counted.group(2)]}"
    return None


def _parts_zh(unit: str) -> str | None:
    """Each part between ``/`` and brackets in 中文, or None if a part has no 中文 form."""
    pieces = re.split(r"([/()])", unit)
    out = []
    for piece in pieces:
        if piece in "/()" or not piece.strip():
            out.append(piece)
            continue
        zh = _part_zh(piece.strip())
        if zh is None:
            return None
        out.append(zh)
    return "".join(out)


def unit_text(unit: str, lang: str) -> str:
    """``unit`` in ``lang`` ("zh" or "en"); English and unknown units are returned as declared."""
    if lang != "zh" or not unit:
        return unit
    if unit in UNIT_ZH:
        return UNIT_ZH[unit]
    zh = _parts_zh(unit)
    return unit if zh is None else zh


def untranslated(units: set[str] | list[str]) -> list[str]:
    """The units of ``units`` that have no 中文 form (for the test that keeps this table complete)."""
    return sorted(u for u in set(units) if u and u not in UNIT_ZH and _parts_zh(u) is None)
