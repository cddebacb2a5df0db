"""The event log (model.event_log): every event a run records has a declared kind and reads in 中文
without English and in English without Chinese; the English text the model records is the one the
log has always had."""

from __future__ import annotations

import re

import pytest

from model.event_log import EVENT_KINDS, PHRASES, Event, event
from model.model import CoGovernanceModel

CJK = re.compile(r"[\u3400-\u9fff]")
LATIN = re.compile(r"[A-Za-z]")

#: Runs that record every kind of event (a forced firm exit, a budget cut, points withdrawn, projects and
#: demand lists, black-listed and replaced firms, firms that leave and are replaced by a backstop).
RUNS = {
    "firm_exit": dict(scenario="firm_exit", seed=1, weeks=60),
    "budget_cut": dict(scenario="budget_cut", seed=2, weeks=56),
    "points_withdrawal": dict(scenario="points_withdrawal", seed=3, weeks=106),
    "red_black_list": dict(scenario="co_governance_full", seed=4, weeks=30, red_black_list__enabled=True,
                           red_black_list__black_threshold=0.95, red_black_list__red_threshold=0.99,
                           red_black_list__replace_prob=1.0, red_black_list__replace_after=1),
    "exits": dict(scenario="old_compound", seed=3, weeks=70, exit_weeks=4, funding_mix__enabled=True),
}


@pytest.fixture(scope="module")
def recorded() -> list[Event]:
    events = []
    for kw in RUNS.values():
        model = CoGovernanceModel(**kw)
        model.run()
        events += model.events
        model.remove()
    return events


def test_runs_record_every_kind_of_event_each_in_both_languages(recorded: list[Event]) -> None:
    assert {e.kind for e in recorded} == set(EVENT_KINDS)
    for e in recorded:
        zh, en = e.describe("zh", first_place=1), e.describe("en", first_place=1, chinese_terms=False)
        assert CJK.search(zh) and not LATIN.search(zh), (e, zh)
        assert en and not CJK.search(en), (e, en)
        assert e.text == e.describe("en")


def test_the_recorded_english_text_is_the_logs_own(recorded: list[Event]) -> None:
    """The texts the model wrote before the kinds were declared (places numbered from 0)."""
    texts = {e.text for e in recorded}
    assert {"compound 0: property firm left (scenario shock, 小区失管)", "budgets cut to 50% (预算削减)",
            "points scheme withdrawn (积分停止)", "demand list (需求清单) updated: top need property, infrastructure",
            "compound 0: property firm black-listed (物业黑榜), rating 0.83",
            "compound 0: street replaced a black-listed firm by re-tender (红黑榜清退)",
            "compound 1: state-owned backstop firm took over (国企兜底)"} <= texts
    assert any(re.fullmatch(r"community \d: \S+ \([a-z_]+\) completed", t) for t in texts)


@pytest.mark.parametrize("how", sorted(PHRASES["how"]))
def test_every_way_a_firm_is_replaced_reads_in_both_languages(how: str) -> None:
    made = event(5, "firm_replaced", compound=2, how=how)
    assert made.describe("zh", 1).startswith("小区 3：") and not LATIN.search(made.describe("zh"))
    assert made.text.startswith("compound 2: ") and not CJK.search(made.describe("en", chinese_terms=False))


def test_an_undeclared_phrase_or_a_missing_value_fails_where_the_model_records_it() -> None:
    with pytest.raises(KeyError):
        event(1, "firm_replaced", compound=0, how="bought")
    with pytest.raises(KeyError):
        event(1, "black_list", compound=0)
