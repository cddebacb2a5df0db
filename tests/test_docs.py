"""docs/ODD.md: its generated sections match the code, and what they are generated from is complete.

If `test_generated_sections_are_current` fails, run ``python -m docgen`` (or ``python run.py docs``)
and commit docs/ODD.md.
"""

from __future__ import annotations

import re
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from docgen import odd, sections
from docgen.code_reading import analyse_mechanism
from docgen.schedule import schedule
from model.errors import UserError
from model.mechanisms import MECHANISMS, PHASES
from model.parameters import PARAMETERS

ROOT = Path(__file__).resolve().parent.parent
CJK = re.compile(r"[\u3400-\u9fff]")
SEED_IDS = tuple(sections.SOURCE_DOCS)
FIX = f"run `{odd.REGENERATE_COMMAND}` (or `python run.py docs`) and commit docs/ODD.md"


@pytest.fixture(scope="module")
def odd_text() -> str:
    return odd.ODD_PATH.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def regenerated(odd_text: str) -> str:
    return odd.regenerate(odd_text)


def section(text: str, name: str) -> str:
    start = text.index(odd.begin_marker(name)) + len(odd.begin_marker(name))
    return text[start:text.index(odd.end_marker(name))]


def outside_markers(text: str) -> str:
    """The hand-written text: everything but the generated blocks."""
    for name in sections.SECTIONS:
        text = text.replace(section(text, name), "")
    return text


# -- the file is current ----------------------------------------------------------------------------
def test_generated_sections_are_current(odd_text: str, regenerated: str) -> None:
    if regenerated != odd_text:
        stale = [name for name in sections.SECTIONS if section(regenerated, name) != section(odd_text, name)]
        pytest.fail(f"docs/ODD.md is stale in generated section(s) {', '.join(stale)}: {FIX}", pytrace=False)


def test_every_registered_mechanism_appears_in_the_docs(odd_text: str) -> None:
    mechanisms, parameters = section(odd_text, "mechanisms"), section(odd_text, "parameters")
    missing = [key for key in MECHANISMS if f"### `{key}` — " not in mechanisms
               or f"`{key}.enabled`" not in parameters]
    assert not missing, f"mechanisms missing from docs/ODD.md: {', '.join(missing)}; {FIX}"


def test_every_parameter_appears_in_the_docs(odd_text: str) -> None:
    table = section(odd_text, "parameters")
    missing = [name for name in PARAMETERS if f"| `{name}` |" not in table]
    assert not missing, f"parameters missing from docs/ODD.md: {', '.join(missing)}; {FIX}"


# -- what the docs are generated from is complete -----------------------------------------------------
def test_every_parameter_is_fully_declared() -> None:
    problems = []
    for name, p in PARAMETERS.items():
        if not CJK.search(p.label_zh):
            problems.append(f"{name}: Chinese label {p.label_zh!r} has no Chinese characters")
        if not p.label_en.strip() or CJK.search(p.label_en):
            problems.append(f"{name}: English label {p.label_en!r} is empty or not English")
        if p.kind is not bool and not p.unit.strip():
            problems.append(f"{name}: no unit (write e.g. 'share', 'level', 'index', '×' for a pure number)")
        if len(p.description.strip()) < 10:
            problems.append(f"{name}: description {p.description!r} is missing or too short")
        if p.kind is bool:
            if not isinstance(p.default, bool):
                problems.append(f"{name}: a switch with a non-boolean default {p.default!r}")
            continue
        if p.low is not None and p.high is not None and p.low > p.high:
            problems.append(f"{name}: range [{p.low}, {p.high}] is empty")
        if (p.low is not None and p.default < p.low) or (p.high is not None and p.default > p.high):
            problems.append(f"{name}: default {p.default} outside [{p.low}, {p.high}]")
    assert not problems, "incomplete parameter declarations:\n  " + "\n  ".join(problems)


def test_every_mechanism_has_names_summary_and_sources() -> None:
    problems = []
    for key, cls in MECHANISMS.items():
        if not CJK.search(cls.name_zh):
            problems.append(f"{key}: name_zh {cls.name_zh!r} has no Chinese characters")
        if not cls.name_en.strip():
            problems.append(f"{key}: no English name")
        if not cls.summary.strip():
            problems.append(f"{key}: no summary")
        if not CJK.search(getattr(cls, "summary_zh", "")):
            problems.append(f"{key}: summary_zh (the summary in 中文, for reports in 中文) missing or not Chinese")
        if not cls.sources or not all(isinstance(s, str) and s.strip() for s in cls.sources):
            problems.append(f"{key}: no sources (the SEEDS.md documents that name it)")
        elif not any(s.strip().startswith(SEED_IDS) for s in cls.sources):
            problems.append(f"{key}: no source starts with a SEEDS.md id ({', '.join(SEED_IDS)}), e.g. "
                            f"'002 Xiangyang: <the Chinese phrase>'")
    assert not problems, "incomplete mechanism declarations:\n  " + "\n  ".join(problems)


def test_mechanisms_only_set_levers_that_exist() -> None:
    """A typo in ``model.levers.<name> = ...`` would create an attribute that nothing reads."""
    bad = {key: sorted(eff.unknown_levers) for key in MECHANISMS
           if (eff := analyse_mechanism(MECHANISMS[key])).unknown_levers}
    assert not bad, f"mechanisms write attributes of model.levers that are not Levers fields: {bad}"


def test_every_phase_is_described() -> None:
    assert set(PHASES) <= set(sections.PHASE_DOC), f"add to model.sections.PHASE_DOC: {set(PHASES) - set(sections.PHASE_DOC)}"
    hooks = {ph.hook for ph in schedule() if ph.hook}
    assert hooks == set(PHASES) - {"setup"}, "every weekly phase should have its hook in step()"


# -- the generator itself -----------------------------------------------------------------------------
def test_regeneration_leaves_prose_untouched_and_is_idempotent(odd_text: str, regenerated: str) -> None:
    assert outside_markers(regenerated) == outside_markers(odd_text)
    assert odd.regenerate(regenerated) == regenerated


def test_broken_markers_are_one_line_user_errors(odd_text: str) -> None:
    name = next(iter(sections.SECTIONS))
    without_end = odd_text.replace(odd.end_marker(name), "", 1)
    with pytest.raises(UserError, match="no END marker|without its BEGIN|inside section"):
        odd.regenerate(without_end)
    with pytest.raises(UserError, match="missing generated section"):
        odd.regenerate(odd_text.replace(odd.begin_marker(name), "").replace(odd.end_marker(name), ""))
    block = f"{odd.begin_marker(name)}{odd.end_marker(name)}"
    with pytest.raises(UserError, match="appears twice"):
        odd.regenerate(odd_text + "\n" + block + "\n")


def test_cli_check_and_regenerate_in_place(tmp_path: Path, odd_text: str, regenerated: str) -> None:
    stale = tmp_path / "ODD.md"
    name = "parameters"
    stale.write_text(regenerated.replace(section(regenerated, name), "\nold table\n"), encoding="utf-8")
    stale.chmod(0o640)

    def cli(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "docgen", "--path", str(stale), *args],
                              capture_output=True, text=True, cwd=ROOT, timeout=120)

    check = cli("--check")
    assert check.returncode == 1 and name in check.stderr and odd.REGENERATE_COMMAND in check.stderr
    assert stale.read_text(encoding="utf-8") != regenerated  # --check writes nothing
    assert cli().returncode == 0
    assert stale.read_text(encoding="utf-8") == regenerated
    assert stat.S_IMODE(stale.stat().st_mode) == 0o640  # the atomic replace keeps permissions
    assert not [p for p in tmp_path.iterdir() if p.name != "ODD.md"]  # no temporary file left
    assert cli("--check").returncode == 0


def test_run_py_has_the_docs_command() -> None:
    result = subprocess.run([sys.executable, str(ROOT / "run.py"), "docs", "--help"], capture_output=True,
                            text=True, cwd=ROOT, timeout=120)
    assert result.returncode == 0 and "--check" in result.stdout
