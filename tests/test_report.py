"""The comparison report: every source measure says what the model does with it (or that it is
dropped), one number format per unit, thresholds stated, labels instead of file names, both languages."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from experiments.compare import compare
from experiments.report import render
from experiments.report_numbers import fmt_value
from experiments.report_scenarios import measure_line
from scenarios import list_scenarios, load_scenario

SMALL = {"grids": 2, "buildings_per_grid": 3, "households_per_building": 10}


def test_every_source_measure_line_says_what_the_model_does() -> None:
    lines = 0
    for name in list_scenarios():
        for m in load_scenario(name).measures:
            for lang in ("en", "zh"):
                line = measure_line(m, lang)
                what = line.rsplit(": ", 1)[-1] if lang == "en" else line.split("→", 1)[1].split("：", 1)[1]
                assert len(what.strip()) > 10, (name, line)
                lines += 1
    assert lines > 20
    dropped = measure_line({"phrase": "某措施", "mechanism": ""})
    assert "dropped" in dropped and "某措施" in dropped


@pytest.mark.parametrize("unit", ["issues", "per week", "weeks", "yuan", "yuan/household", "0–1", "share", "index"])
def test_one_number_format_per_unit_whatever_the_size(unit: str) -> None:
    def decimals(text: str) -> int:
        number = re.search(r"-?[\d,]+(\.\d+)?", text).group(0)
        return len(number.split(".")[1]) if "." in number else 0

    values = [0.0, 0.04, 3.25, 48.654, 1234.5]
    assert len({decimals(fmt_value(v, unit)) for v in values}) == 1
    assert len({decimals(fmt_value(-v, unit, signed=True)) for v in values}) == 1


def test_report_uses_labels_states_thresholds_and_comes_in_both_languages(tmp_path: Path) -> None:
    out = tmp_path / "cmp"
    result = compare(["qiaokou_shangcheng", "baseline"], reps=2, weeks=3, jobs=1, out=out, overrides=SMALL)
    text = (out / "report.md").read_text(encoding="utf-8")
    scen = {s.name: s for s in result.spec.scenarios}
    for line in text.splitlines():
        if line.startswith("| Measure"):  # table headers name scenarios by their labels
            assert scen["qiaokou_shangcheng"].label_en in line and "| qiaokou_shangcheng" not in line
        if "Source measure" in line:
            assert len(line.split("): ")[-1].split(": ")[-1]) > 10, line
    assert "satisfaction ≥ 0.6" in text and "at least 0.6" in text
    assert "0.0 (0.0 to 0.0)" not in text and "(0 to 0)" not in text
    assert re.search(r"\| Mechanism cost per household \(cumulative\), yuan/household \| [\d,]+ ", text)

    meta = json.loads((out / "compare.json").read_text(encoding="utf-8"))
    zh = render(result.spec, result.summary, meta, [f.name for f in result.files], lang="zh")
    assert zh.startswith("# 情景比较") and "## 注意事项" in zh and "满意度 ≥ 0.6" in zh
    assert scen["baseline"].label_zh in zh and "How to read" not in zh
    assert sum(1 for line in zh.splitlines() if line.startswith("- 来源措施")) == len(scen["qiaokou_shangcheng"].measures)


#: Three or more English words in a row: a sentence nobody translated (identifiers in code font,
#: quoted source phrases, citations and the bilingual names in bold are left out before looking).
ENGLISH = re.compile(r"[A-Za-z]{2,}(?:[ ,;'’-]+[A-Za-z]{2,}){2,}")
SEED_PACKAGES = ["baseline", "qiaokou_shangcheng", "qingyang_2018", "xiangyang_2024", "nanan_2021",
                 "hangzhou_node_city"]


def test_a_chinese_report_has_no_untranslated_mechanism_summary_note_or_description(tmp_path: Path) -> None:
    """The five seed packages' 中文 report: each mechanism's summary in 中文 (its `summary_zh`), each
    source measure's and gap's note and each scenario's description in 中文; the English report keeps
    the English ones."""
    from model.mechanisms import MECHANISMS

    out = tmp_path / "zh"
    result = compare(SEED_PACKAGES, reps=2, weeks=2, jobs=1, out=out, overrides=SMALL, lang="zh")
    zh = (out / "report.md").read_text(encoding="utf-8")
    compared = zh[zh.index("## 比较了什么"):zh.index("## 如何运行")]
    summaries = 0
    for line in compared.splitlines():
        if line.startswith(("### ", "  来源：")) or not line.strip():
            continue  # the bilingual heading; citations of the source documents
        mechanism = re.match(r"- \*\*.+\*\* \(`(\w+)`\): (.*)$", line)
        if mechanism:
            assert mechanism.group(2) == MECHANISMS[mechanism.group(1)].summary_zh, line
            summaries += 1
        shown = re.sub(r"`[^`]*`|“[^”]*”|\*\*[^*]*\*\*", "", line)
        assert not ENGLISH.search(shown), f"untranslated in the 中文 report: {line}"
    assert summaries == sum(len(s.mechanisms) for s in result.spec.scenarios) > 20
    assert compared.count("- 来源措施") == sum(len(s.measures) for s in result.spec.scenarios) > 20

    meta = json.loads((out / "compare.json").read_text(encoding="utf-8"))
    en = render(result.spec, result.summary, meta, [f.name for f in result.files], lang="en")
    assert MECHANISMS["hotline"].summary in en and MECHANISMS["hotline"].summary_zh not in en
    assert load_scenario("qingyang_2018").description in en
