"""What each generated section of docs/ODD.md says (`SECTIONS`: name → renderer, in the file's
order): the tests of each pattern, the week's schedule, the mechanisms and their levers, the
parameters, the metrics."""

from __future__ import annotations

import ast
import re
from collections.abc import Callable, Iterable
from dataclasses import fields
from pathlib import Path
from typing import Any

from docgen import markdown as md
from docgen.code_reading import analyse_mechanism, lever_comments, normalise
from docgen.listing import parameter_groups
from docgen.schedule import schedule

__all__ = ["SECTIONS", "PHASE_DOC", "MODEL_MD_MECHANISMS", "SOURCE_DOCS", "PATTERN_TESTS", "render_patterns",
           "render_schedule", "render_mechanisms", "render_parameters", "render_metrics"]

ROOT = Path(__file__).resolve().parent.parent
PATTERN_TESTS = ROOT / "tests" / "test_patterns.py"

#: Where each mechanism phase hook runs (model.mechanisms.base.PHASES), for the generated tables.
PHASE_DOC: dict[str, str] = {
    "setup": "set-up, once",
    "issues_arise": "1 issues arise",
    "issues_surface": "2 issues surface",
    "issues_route": "3 routing",
    "queues": "4 queues",
    "resolution": "5 resolution feedback",
    "activities": "6 activities and participation",
    "property": "7 property economics (monthly)",
    "projects": "8 projects (quarterly)",
    "attitudes": "9 attitudes",
    "observe": "10 observation",
}

#: The mechanism keys of MODEL.md §7, to report which are not implemented yet.
MODEL_MD_MECHANISMS: tuple[str, ...] = (
    "points", "three_party_linkage", "whistle_report", "hotline", "grid_management", "party_structure",
    "dual_registration", "red_property", "red_black_list", "owner_account_oversight", "volunteer_linkage",
    "social_org_support", "deliberation", "community_fund", "renewal_projects", "funding_mix",
    "professional_support", "digital_platform", "mediation", "satisfaction_survey",
)

#: Titles of the source documents of shared/design/SEEDS.md, by id.
SOURCE_DOCS: dict[str, str] = {
    "000": "Qiaokou District, Wuhan (硚口区), benchmarking Hangzhou Shangcheng",
    "001": "Qingyang District, Chengdu (青羊区), 2018",
    "002": "Xiangyang, Hubei (襄阳市), 2024",
    "003": "Node city of the Hangzhou metropolitan area",
    "004": "Nan'an District, Chongqing (南岸区), 2021",
}


def render_patterns() -> str:
    """Pattern → the tests (named ``test_pN_...`` in any tests/test_*.py) that check it."""
    by_pattern: dict[int, list[tuple[str, str, bool]]] = {i: [] for i in range(1, 8)}
    other: list[tuple[str, str, bool]] = []
    for path in sorted(PATTERN_TESTS.parent.glob("test_*.py")):
        _collect_pattern_tests(path, by_pattern, other if path == PATTERN_TESTS else None)
    rows = []
    for number, tests in by_pattern.items():
        if not tests:
            rows.append((f"P{number}", "**no test yet**", ""))
        for name, doc, slow in tests:
            rows.append((f"P{number}", f"`{name}`" + (" (slow)" if slow else ""), doc))
    lines = md.table(["Pattern", "Test", "What it asserts (docstring)"], rows)
    if other:
        lines += ["", "Other tests in tests/test_patterns.py (mechanism claims that are not one of P1–P7): "
                  + ", ".join(f"`{name}`" for name, _doc, _slow in other) + "."]
    return "\n".join(lines)


def _collect_pattern_tests(path: Path, by_pattern: dict[int, list[tuple[str, str, bool]]],
                           other: list[tuple[str, str, bool]] | None) -> None:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    module_slow = any(
        isinstance(n, ast.Assign) and any(isinstance(t, ast.Name) and t.id == "pytestmark" for t in n.targets)
        and "slow" in ast.unparse(n.value) for n in tree.body)
    for node in tree.body:
        if not (isinstance(node, ast.FunctionDef) and node.name.startswith("test_")):
            continue
        doc = ast.get_docstring(node) or ""
        slow = module_slow or any("slow" in ast.unparse(d) for d in node.decorator_list)
        found = {int(m) for m in re.findall(r"^test_p([1-7])(?:_|$)", node.name, flags=re.I)}
        if path == PATTERN_TESTS:
            found |= {int(m) for m in re.findall(r"\bP([1-7])\b", md.first_line(doc))}
        entry = (f"{path.name}::{node.name}", md.first_line(doc), slow)
        for number in sorted(found):
            by_pattern[number].append(entry)
        if not found and other is not None:
            other.append(entry)


def render_schedule() -> str:
    """The phases of step() in order."""
    rows = []
    for i, ph in enumerate(schedule()):
        hook = f"`{ph.hook}` — {ph.hook_position}" if ph.hook else "—"
        rows.append((i, f"`{ph.method}`", ph.when, hook, md.code_list(ph.levers_read), ph.doc))
    return "\n".join(md.table(["#", "Method", "When", "Mechanism hook — where it runs", "Levers read", "What it does"],
                            rows))


def _source_ids(sources: Iterable[str]) -> list[str]:
    ids = []
    for s in sources:
        match = re.match(r"\s*(\d{3})\b", s)
        if match and match.group(1) not in ids:
            ids.append(match.group(1))
    return ids


def _param_brief(name: str) -> str:
    from model.parameters import PARAMETERS

    p = PARAMETERS[name]
    unit = f" {p.unit}" if p.unit else ""
    return f"`{name}` = {md.number(p.default)}{unit} — {p.label_zh} / {p.label_en}"


def render_mechanisms() -> str:
    """Every registered mechanism, the levers they share, and the MODEL.md §7 keys not yet implemented."""
    from model.levers import Levers
    from model.mechanisms import MECHANISMS, Mechanism

    keys = sorted(MECHANISMS)
    effects = {key: analyse_mechanism(MECHANISMS[key]) for key in keys}
    out: list[str] = []
    missing = [k for k in MODEL_MD_MECHANISMS if k not in MECHANISMS]
    extra = [k for k in keys if k not in MODEL_MD_MECHANISMS]
    out.append(f"{len(keys)} mechanisms are registered; {len(MODEL_MD_MECHANISMS) - len(missing)} of the "
               f"{len(MODEL_MD_MECHANISMS)} in the specification (docs/specification.md §7).")
    if missing:
        out.append(f"Not implemented yet: {md.code_list(missing)}.")
    if extra:
        out.append(f"Registered but not in the specification §7: {md.code_list(extra)}.")
    out.append("")
    out += md.table(
        ["Key", "名称", "Name", "Phases", "Sources", "Summary"],
        [(f"[`{k}`](#mechanism-{k.replace('_', '-')})", MECHANISMS[k].name_zh, MECHANISMS[k].name_en,
          ", ".join(MECHANISMS[k].phases), ", ".join(_source_ids(MECHANISMS[k].sources)) or "—",
          MECHANISMS[k].summary) for k in keys])
    out += ["", "Source documents ([sources.md](sources.md)) and the mechanisms that cite them:", ""]
    for doc_id, title in SOURCE_DOCS.items():
        citing = [k for k in keys if doc_id in _source_ids(MECHANISMS[k].sources)]
        out.append(f"- {doc_id} {title}: {md.code_list(citing)}")

    # levers: who sets them, who reads them
    core_reads: dict[str, list[str]] = {}
    for ph in schedule():
        for lever in ph.levers_read:
            core_reads.setdefault(lever, []).append(ph.hook or ph.method)
    neutral = Levers()
    lever_rows = []
    comments = lever_comments()
    for f in fields(Levers):
        setters = [k for k in keys if f.name in effects[k].levers_set]
        value = getattr(neutral, f.name)
        if hasattr(value, "shape"):
            shown = "0 per compound"
        elif isinstance(value, dict):
            shown = "{}"
        else:
            shown = md.number(value) if isinstance(value, int | float) else str(value)
        reads = sorted(set(core_reads.get(f.name, [])))
        mech_reads = [k for k in keys if f.name in effects[k].levers_read and k not in setters]
        lever_rows.append((f"`{f.name}`", shown, comments.get(f.name, ""), md.code_list(reads),
                           md.code_list(setters), md.code_list(mech_reads)))
    out += ["", "### Levers: how mechanisms reach the model, and where they combine", "",
            "Mechanisms act through `model.levers` (model/levers.py): at neutral values the model is the "
            "baseline. Several mechanisms setting the same lever is where they interact (additive levers "
            "add, factors multiply, maxima are kept). *Read by* lists the step phases whose code reads the lever "
            "(found in model/model.py and the files of its parts: model/issue_flow.py, model/property_economy.py, model/project_cycle.py); *set by* and *also read by* list mechanisms (found in their modules).", ""]
    out += md.table(["Lever", "Neutral", "Meaning", "Read by (phase)", "Set by", "Also read by"], lever_rows)
    shared = [(f"`{r[0].strip('`')}`", r[4]) for r in lever_rows if r[4].count("`") >= 4]
    out += ["", "Levers set by more than one mechanism: "
            + ("; ".join(f"{lever} ({who})" for lever, who in shared) if shared else "none yet") + "."]

    for key in keys:
        cls = MECHANISMS[key]
        eff = effects[key]
        out += ["", f'<a id="mechanism-{key.replace("_", "-")}"></a>', "",
                f"### `{key}` — {cls.name_zh} / {cls.name_en}", "", f"*{cls.summary}*"]
        description = md.paragraph(cls.__doc__)
        if description:
            out += ["", description]
        out += ["", "- Sources:"]
        out += [f"  - {s}" for s in cls.sources] or ["  - —"]
        out.append("- Phases: " + "; ".join(f"`{ph}` ({PHASE_DOC.get(ph, ph)})" for ph in cls.phases))
        out.append(f"- Levers set: {md.code_list(sorted(eff.levers_set))}")
        if eff.unknown_levers:
            out.append(f"- **Writes attributes that are not levers** (nothing reads them): "
                       f"{md.code_list(sorted(eff.unknown_levers))}")
        out.append(f"- Model state changed directly: {md.code_list(sorted({normalise(s) for s in eff.state_written}))}")
        out.append(f"- Model methods called: {md.code_list(sorted({normalise(c) for c in eff.calls}))}")
        interactions = getattr(cls, "interactions", None)
        if interactions:
            items = interactions.items() if isinstance(interactions, dict) else [(None, i) for i in interactions]
            out.append("- Interactions:")
            out += [f"  - `{other}`: {text}" if other else f"  - {text}" for other, text in items]
        costs = [f"`{key}.{mp.name}`" for mp in cls.parameters if "yuan" in mp.unit]
        overrides = cls.weekly_cost is not Mechanism.weekly_cost
        out.append("- Weekly cost (yuan): " + ("`weekly_cost()` of the class; " if overrides else
                                              "what its hooks book in `cost_this_week`; ")
                   + f"cost parameters {', '.join(costs) if costs else '—'}")
        out.append("- Parameters:")
        out.append(f"  - {_param_brief(f'{key}.enabled')}")
        out += [f"  - {_param_brief(f'{key}.{mp.name}')}" for mp in cls.parameters]
    return "\n".join(out)




def _range(p: Any) -> str:
    if p.kind is bool:
        return "true / false"
    lo = "−∞" if p.low is None else md.number(p.low if p.kind is float else int(p.low))
    hi = "∞" if p.high is None else md.number(p.high if p.kind is float else int(p.high))
    return f"[{lo}, {hi}]" + (" integer" if p.kind is int else "")


def render_parameters() -> str:
    """Every declared parameter, grouped as in `run.py describe`."""
    import model.mechanisms  # noqa: F401  (declares mechanism parameters)
    from model.mechanisms import MECHANISMS
    from model.parameters import GROUPS, PARAMETERS, provenance_counts

    c = provenance_counts()
    core = [p for p in PARAMETERS.values() if p.mechanism is None]
    core_counts = {k: sum(p.provenance == k for p in core) for k in ("sourced", "calibrated", "assumed")}
    sourced_switches = sum(p.kind is bool and p.provenance == "sourced" for p in PARAMETERS.values())
    out = [f"{len(PARAMETERS)} parameters. Names are what `--set NAME=VALUE` and scenario files take; as "
           "Python keyword arguments `.` is written `__`. Defaults are the values in model/parameters.py "
           "and the mechanism modules; ranges are enforced on every input.",
           "",
           f"**Provenance.** {c['sourced']} sourced (a seed measure, a published figure or a paper; "
           f"{sourced_switches} of them mechanism switches, sourced by the documents that name the measure), "
           f"{c['calibrated']} calibrated (fitted to a pattern or target; the pattern's test is then no "
           f"evidence for it), {c['assumed']} assumed (a stated reason, no source) and {c['undocumented']} "
           f"not yet documented. Core parameters: {core_counts['sourced']} sourced, "
           f"{core_counts['calibrated']} calibrated, {core_counts['assumed']} assumed, of {len(core)}. "
           f"{c['with_prior']} parameters have a prior (its support is the plausible range, inside the "
           f"validity range, used by sampling and calibration); {c['switches']} switches and "
           f"{c['structural']} structural settings the user chooses have none. `python run.py describe "
           "--all` prints the same."]
    for group, names in parameter_groups():
        if group.startswith("mechanism:"):
            key = group.split(":", 1)[1]
            cls = MECHANISMS.get(key)
            zh, en = (cls.name_zh, cls.name_en) if cls else (key, key)
            title = f"Mechanism `{key}` · {zh} / {en}"
        else:
            zh, en = GROUPS.get(group, (group, group))
            title = f"{en} · {zh}"
        out += ["", f"### {title}", ""]
        rows = []
        for name in names:
            p = PARAMETERS[name]
            prior = str(p.prior) if p.prior is not None else "—"
            unit = (p.unit or "—") + (" (resource)" if p.resource else "")
            rows.append((f"`{name}`", md.number(p.default), _range(p), prior, unit, p.label_zh, p.label_en,
                         p.description, p.basis))
        out += md.table(["Parameter", "Default", "Range", "Prior", "Unit", "中文", "English", "Description",
                       "Basis"], rows)
    return "\n".join(out)


def render_metrics() -> str:
    """Every reporter collected weekly (model/reporters.py)."""
    from model.reporters import METRIC_INFO, REPORTERS

    rows = []
    for name, func in REPORTERS.items():
        zh, en, unit = METRIC_INFO.get(name, ("", "", ""))
        rows.append((f"`{name}`", zh or "—", en or "—", unit or "—", md.first_line(getattr(func, "__doc__", None))))
    head = (f"{len(REPORTERS)} metrics, one value a week each (row 0 = week 0, before any step). "
            "Labels and units are given where model/reporters.py's `METRIC_INFO` has them.")
    return "\n".join([head, ""] + md.table(["Metric", "中文", "English", "Unit", "Notes"], rows))


#: Generated section name → renderer, in the order the sections appear in docs/ODD.md.
SECTIONS: dict[str, Callable[[], str]] = {
    "patterns": render_patterns,
    "schedule": render_schedule,
    "mechanisms": render_mechanisms,
    "parameters": render_parameters,
    "metrics": render_metrics,
}
