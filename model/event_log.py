"""The event log (``model.events``): each kind of event declared once, with its name and its text in
中文 and English, so the app and the reports show either language from the same declaration.

The model records an event as ``Event(week, kind, text, values)``: the facts (`values`: the compound
or community, a rating, a reason, ...) and the English text made from them (`text`, in the words the
log has always used, Chinese policy terms in brackets; places numbered from 0). `Event.describe`
writes it in either language, places numbered from 1 if asked (as on the app's map). Recording an
event draws no random number and changes no state: results do not depend on this module.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, NamedTuple

from model.domains import DOMAIN_ZH, DOMAINS

__all__ = ["EventKind", "EVENT_KINDS", "PLACES", "PHRASES", "Event", "event", "english_only"]

#: Values that name a place, as each language writes them (the number follows).
PLACES: dict[str, tuple[str, str]] = {"compound": ("小区", "compound"), "community": ("社区", "community")}

#: Values that are one of a few phrases (a key of the table): value name -> key -> (中文, English).
PHRASES: dict[str, dict[str, tuple[str, str]]] = {
    "cause": {  # why a property firm left
        "losses": ("小区失管", "小区失管"),
        "scenario_shock": ("情景设定的冲击，小区失管", "scenario shock, 小区失管"),
    },
    "how": {  # how a compound got its new property firm
        "owners_vote": ("业委会投票（双过半）更换了物业公司", "owners' committee vote (双过半) replaced the property firm"),
        "backstop": ("国企兜底物业接管", "state-owned backstop firm took over (国企兜底)"),
        "owners_hired": ("业委会选聘了新物业公司", "owners' committee hired a new property firm"),
        "community_found": ("社区找到了新物业公司", "community found a new property firm"),
        "black_list_retender": ("街道重新招标，清退黑榜物业（红黑榜清退）",
                                "street replaced a black-listed firm by re-tender (红黑榜清退)"),
    },
}


@dataclass(frozen=True)
class EventKind:
    """A kind of event: its name and its text in both languages (``str.format`` templates over the
    event's values; a place value is written with its word, a `PHRASES` value as its phrase)."""

    name_zh: str
    name_en: str
    text_zh: str
    text_en: str


#: Every kind of event the model records, by key.
EVENT_KINDS: dict[str, EventKind] = {
    "firm_exit": EventKind("物业退出", "Firm exit", "{compound}：物业公司退出（{cause}）",
                           "{compound}: property firm left ({cause})"),
    "firm_replaced": EventKind("物业更换", "Firm replaced", "{compound}：{how}", "{compound}: {how}"),
    "black_list": EventKind("物业黑榜", "Firm black-listed", "{compound}：物业公司列入黑榜，评分 {rating:.2f}",
                            "{compound}: property firm black-listed (物业黑榜), rating {rating:.2f}"),
    "project_completed": EventKind("项目完工", "Project completed", "{community}：{project_zh}完工",
                                   "{community}: {project_zh} ({project}) completed"),
    "demand_list": EventKind("需求清单", "Demand list", "需求清单已更新：最迫切的需求为{top}",
                             "demand list (需求清单) updated: top need {top}"),
    "points_stopped": EventKind("积分制停止", "Points scheme stopped", "积分制停止", "points scheme withdrawn (积分停止)"),
    "budget_cut": EventKind("预算削减", "Budget cut", "预算削减至 {factor:.0%}", "budgets cut to {factor:.0%} (预算削减)"),
}

#: Values that are tuples of service-domain indices (model.domains), listed in the language's words.
_DOMAIN_LISTS = frozenset({"top"})


class Event(NamedTuple):
    """One entry of ``model.events``: week, kind (a key of `EVENT_KINDS`), the English text and the
    values it was made from."""

    week: int
    kind: str
    text: str
    values: Mapping[str, Any]

    def describe(self, lang: str = "en", first_place: int = 0, chinese_terms: bool = True) -> str:
        """The event's text in `lang` ("zh" or "en"), places numbered from `first_place`; in English
        without the Chinese terms if not `chinese_terms` (one language at a time)."""
        text = _render(EVENT_KINDS[self.kind], self.values, lang, first_place)
        return text if lang == "zh" or chinese_terms else english_only(text)


def _render(kind: EventKind, values: Mapping[str, Any], lang: str, first_place: int) -> str:
    zh = lang == "zh"
    shown: dict[str, Any] = {}
    for name, value in values.items():
        if name in PLACES:
            word = PLACES[name][0 if zh else 1]
            shown[name] = f"{word} {int(value) + first_place}"
        elif name in PHRASES:
            shown[name] = PHRASES[name][value][0 if zh else 1]
        elif name in _DOMAIN_LISTS:
            shown[name] = ("、" if zh else ", ").join((DOMAIN_ZH if zh else DOMAINS)[d] for d in value)
        else:
            shown[name] = value
    return (kind.text_zh if zh else kind.text_en).format(**shown)


# Patterns of `english_only`, compiled on first use (re caches them): a character class over the CJK
# range costs ~20 ms to compile, too much for every start of the model.
_NAMED = r"[\u3400-\u9fff][^()]*?\s*\(([^()\u3400-\u9fff]+)\)"  # 加装电梯 (lift)
_ASIDE = r"\s*\([^()]*[\u3400-\u9fff][^()]*\)"  # (小区失管), (scenario shock, 小区失管)
_RUN = r"[\u3400-\u9fff][\u3400-\u9fff·、/]*"


def english_only(text: str) -> str:
    """An English event text without its Chinese terms: a Chinese name followed by its English key in
    brackets becomes the key, a bracketed aside with Chinese in it goes."""
    text = re.sub(_RUN, "", re.sub(_ASIDE, "", re.sub(_NAMED, r"\1", text)))
    return re.sub(r"\s{2,}", " ", text).strip()


def event(week: int, kind: str, **values: Any) -> Event:
    """The event `kind` of `week` with its `values` (checked now: an unknown kind, phrase or a value
    the texts need raises here, where the model records it, not when someone reads the log)."""
    declared = EVENT_KINDS[kind]
    for name, value in values.items():
        if name in PHRASES and value not in PHRASES[name]:
            raise KeyError(f"event {kind!r}: {name}={value!r} is not one of {sorted(PHRASES[name])}")
    _render(declared, values, "zh", 0)
    return Event(week, kind, _render(declared, values, "en", 0), values)
