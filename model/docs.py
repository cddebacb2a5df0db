"""Generated sections of docs/ODD.md, rebuilt from the code.

docs/ODD.md is hand-written prose with generated sections between marker comments::

    <!-- BEGIN GENERATED: parameters -->
    ... rebuilt from model.parameters.PARAMETERS ...
    <!-- END GENERATED: parameters -->

Sections (in the order they appear in the file):

- ``patterns``: which test in tests/test_patterns.py checks each pattern P1–P7 (from test names
  ``test_p3_...`` or a docstring that names the pattern);
- ``schedule``: the phases of ``CoGovernanceModel.step()`` in order, when each runs, where its
  mechanism hook runs and which levers it reads (read from the source of model/model.py);
- ``mechanisms``: every registered mechanism (key, names, summary, sources, phases, parameters,
  the levers and model state it touches), which levers several mechanisms share, and which
  MODEL.md §7 mechanisms are not implemented yet;
- ``parameters``: every declared parameter, grouped (name, default, range, prior, unit, labels,
  description, source or assumption), with counts of sourced / calibrated / assumed parameters;
- ``metrics``: every weekly reporter.

Regenerate in place (only text between markers changes; the file is replaced atomically)::

    python -m model.docs            # or: python run.py docs
    python -m model.docs --check    # exit 1 and name the stale sections, write nothing

tests/test_docs.py fails when a generated section is stale.
"""

from __future__ import annotations

import argparse
import ast
import importlib
import inspect
import re
import sys
import textwrap
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

from model.errors import UserError

__all__ = [
    "ODD_PATH", "REGENERATE_COMMAND", "SECTIONS", "PHASE_DOC", "MODEL_MD_MECHANISMS", "MechanismEffects",
    "analyse_mechanism", "begin_marker", "end_marker", "render", "regenerate", "stale_sections",
    "write_atomic", "update", "main", "add_cli",
]

ROOT = Path(__file__).resolve().parent.parent
ODD_PATH = ROOT / "docs" / "ODD.md"
PATTERN_TESTS = ROOT / "tests" / "test_patterns.py"
REGENERATE_COMMAND = "python -m model.docs"

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

#: Methods that change the list, dict or array they are called on.
_MUTATORS = frozenset({"append", "extend", "insert", "update", "setdefault", "pop", "popitem", "clear",
                       "remove", "sort", "fill", "put", "resize", "discard", "add"})

_MARKER = re.compile(r"<!-- (BEGIN|END) GENERATED: ([a-z_]+) -->")


# -------------------------------------------------------------------------------------------------
# Markdown helpers
# -------------------------------------------------------------------------------------------------
def _cell(text: Any) -> str:
    """Text safe inside a Markdown table cell."""
    return " ".join(str(text).split()).replace("|", "\\|").replace("<", "&lt;")


def _table(header: Iterable[str], rows: Iterable[Iterable[Any]]) -> list[str]:
    head = list(header)
    lines = ["| " + " | ".join(head) + " |", "|" + "|".join("---" for _ in head) + "|"]
    lines += ["| " + " | ".join(_cell(c) for c in row) + " |" for row in rows]
    return lines


def _number(value: float | int) -> str:
    """A number as one would type it after ``--set`` (no exponent below 1e15, no trailing .0)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if value != value:
        return "NaN"
    if float(value).is_integer() and abs(value) < 1e15:
        return str(int(value))
    return f"{value:.12g}"


def _first_line(doc: str | None) -> str:
    """First paragraph of a docstring, on one line."""
    if not doc:
        return ""
    return " ".join(inspect.cleandoc(doc).split("\n\n", 1)[0].split())


def _paragraph(doc: str | None) -> str:
    """A whole docstring as one paragraph per blank-line-separated block."""
    if not doc:
        return ""
    blocks = inspect.cleandoc(doc).split("\n\n")
    return "\n\n".join(" ".join(b.split()) for b in blocks if b.strip())


def _code(items: Iterable[str]) -> str:
    shown = [f"`{i}`" for i in items]
    return ", ".join(shown) if shown else "—"


# -------------------------------------------------------------------------------------------------
# Static analysis: what a piece of code reads and changes on the model
# -------------------------------------------------------------------------------------------------
def _lever_names() -> tuple[str, ...]:
    from model.levers import Levers

    return tuple(f.name for f in fields(Levers))


class _Paths:
    """Dotted paths of expressions inside one function, with local aliases resolved.

    ``lv = model.levers`` makes ``lv.margin_factor`` read as ``model.levers.margin_factor``; subscripts are
    dropped (``hh.points[i]`` is ``model.households.points``) and ``for firm in model.firms`` makes
    ``firm.quality`` read as ``model.firms[].quality``.
    """

    def __init__(self, func: ast.FunctionDef | ast.AsyncFunctionDef, roots: dict[str, str]) -> None:
        self.alias: dict[str, str] = dict(roots)
        args = func.args
        for arg in args.posonlyargs + args.args + args.kwonlyargs:
            if arg.arg in {"model", "m"}:
                self.alias[arg.arg] = "model"
        for _ in range(3):  # aliases of aliases
            for node in ast.walk(func):
                if isinstance(node, ast.Assign):
                    for target in node.targets:
                        self._bind(target, node.value)
                elif isinstance(node, ast.AnnAssign) and node.value is not None:
                    self._bind(node.target, node.value)
                elif isinstance(node, ast.For | ast.comprehension):
                    self._bind_loop(node.target, node.iter)

    def _bind(self, target: ast.expr, value: ast.expr) -> None:
        if isinstance(target, ast.Name):
            path = self.path(value)
            if _on_model(path):
                self.alias[target.id] = path  # type: ignore[assignment]
        elif isinstance(target, ast.Tuple) and isinstance(value, ast.Tuple) and len(target.elts) == len(value.elts):
            for t, v in zip(target.elts, value.elts, strict=True):
                self._bind(t, v)

    def _bind_loop(self, target: ast.expr, iterable: ast.expr) -> None:
        if (isinstance(iterable, ast.Call) and isinstance(iterable.func, ast.Name) and iterable.func.id == "enumerate"
                and iterable.args and isinstance(target, ast.Tuple) and len(target.elts) == 2):
            target, iterable = target.elts[1], iterable.args[0]
        path = self.path(iterable)
        if isinstance(target, ast.Name) and _on_model(path):
            self.alias[target.id] = f"{path}[]"

    def path(self, node: ast.expr) -> str | None:
        if isinstance(node, ast.Name):
            return self.alias.get(node.id, node.id)
        if isinstance(node, ast.Attribute):
            base = self.path(node.value)
            if base is None:
                return None
            full = f"{base}.{node.attr}"
            return self.alias.get(full, full)
        if isinstance(node, ast.Subscript):
            return self.path(node.value)
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):  # self.committees + self.branches
            return self.path(node.left)
        return None


def _on_model(path: str | None) -> bool:
    return path is not None and (path == "model" or path.startswith("model."))


@dataclass
class MechanismEffects:
    """What a mechanism's module changes on the model, found by reading its source."""

    levers_set: set[str] = field(default_factory=set)
    levers_read: set[str] = field(default_factory=set)
    unknown_levers: set[str] = field(default_factory=set)  # written to model.levers but not a Levers field
    state_written: set[str] = field(default_factory=set)  # e.g. "households.trust_community"
    calls: set[str] = field(default_factory=set)  # e.g. "issues.escalate"


def _function_effects(func: ast.FunctionDef | ast.AsyncFunctionDef, roots: dict[str, str],
                      levers: tuple[str, ...], callable_on: Callable[[str, str], bool],
                      effects: MechanismEffects) -> None:
    paths = _Paths(func, roots)

    def store(node: ast.expr) -> None:
        if isinstance(node, ast.Tuple | ast.List):
            for elt in node.elts:
                store(elt)
            return
        if isinstance(node, ast.Starred):
            store(node.value)
            return
        path = paths.path(node)
        if not _on_model(path) or path == "model" or isinstance(node, ast.Name):
            return
        rest = path[len("model."):]  # type: ignore[index]
        if rest.startswith("levers."):
            name = rest.split(".")[1]
            (effects.levers_set if name in levers else effects.unknown_levers).add(name)
        else:
            effects.state_written.add(rest)

    for node in ast.walk(func):
        if isinstance(node, ast.Assign):
            for target in node.targets:
                store(target)
        elif isinstance(node, ast.AugAssign | ast.AnnAssign):
            store(node.target)
        elif isinstance(node, ast.Attribute) and isinstance(node.ctx, ast.Load):
            path = paths.path(node)
            if _on_model(path) and path.startswith("model.levers.") and path.count(".") == 2:  # type: ignore[union-attr]
                name = path.split(".")[2]  # type: ignore[union-attr]
                if name in levers:
                    effects.levers_read.add(name)
        elif isinstance(node, ast.Call):
            for kw in node.keywords:
                if kw.arg == "out":
                    store(kw.value)
            func_path = paths.path(node.func) if isinstance(node.func, ast.Attribute) else None
            if func_path in {"np.add.at", "numpy.add.at", "np.put", "np.copyto", "np.place"} and node.args:
                store(node.args[0])
            if isinstance(node.func, ast.Attribute):
                owner = paths.path(node.func.value)
                if not _on_model(owner):
                    continue
                if node.func.attr in _MUTATORS and owner != "model":
                    store(node.func.value)
                elif callable_on(owner, node.func.attr):  # type: ignore[arg-type]
                    rest = owner[len("model."):] if owner != "model" else ""  # type: ignore[index]
                    effects.calls.add(f"{rest}.{node.func.attr}" if rest else node.func.attr)


_PROBE: Any = None


def _probe_model() -> Any:
    """A tiny baseline model, to look up what kind of object ``model.a.b`` is."""
    global _PROBE
    if _PROBE is None:
        from model.model import CoGovernanceModel

        _PROBE = CoGovernanceModel(scenario="baseline", seed=1, grids=1, buildings_per_grid=1,
                                   households_per_building=2)
    return _PROBE


def _model_method(owner: str, name: str) -> bool:
    """Is ``owner.name`` (``model.issues.escalate``) a method of a cogov class?"""
    obj: Any = _probe_model()
    for part in owner.split(".")[1:]:
        if part.endswith("[]"):
            part = part[:-2]
            obj = getattr(obj, part, None)
            obj = obj[0] if isinstance(obj, list | tuple) and obj else None
        else:
            obj = getattr(obj, part, None)
        if obj is None:
            return False
    module = type(obj).__module__
    if not (module.startswith(("model.", "agents."))):
        return False
    return callable(getattr(type(obj), name, None)) and not name.startswith("__")


def _normalise(path: str) -> str:
    """``firms.cash`` → ``firms[].cash`` where ``model.firms`` is a list (how the probe model has it)."""
    obj: Any = _probe_model()
    parts = []
    names = [part.removesuffix("[]") for part in path.split(".")]
    for i, name in enumerate(names):
        obj = getattr(obj, name, None) if obj is not None else None
        if isinstance(obj, list | tuple) and i < len(names) - 1:
            parts.append(f"{name}[]")
            obj = next((o for o in obj if o is not None), None)
        else:
            parts.append(name)
    return ".".join(parts)


def analyse_mechanism(cls: type) -> MechanismEffects:
    """Levers a mechanism sets and reads, model state it writes, and model methods it calls."""
    source = Path(inspect.getfile(cls)).read_text(encoding="utf-8")
    effects = MechanismEffects()
    levers = _lever_names()
    roots = {"self.model": "model"}
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            _function_effects(node, roots, levers, _model_method, effects)
    return effects


@dataclass
class Phase:
    """One call in ``CoGovernanceModel.step()``."""

    method: str
    when: str
    doc: str
    hook: str | None
    hook_position: str
    levers_read: list[str]


def schedule() -> list[Phase]:
    """The phases of a week (``CoGovernanceModel._simulate_week``, which ``step()`` and the warm-up
    run) in order, read from the source of the model and of the parts whose phases it calls on an
    attribute (`PARTS`: ``self.issue_flow``, model/issue_flow.py; ``self.property_economy``,
    model/property_economy.py; ``self.project_cycle``, model/project_cycle.py)."""
    from model import model as model_module

    def class_methods(module: Any, name: str) -> dict[str, ast.FunctionDef]:
        tree = ast.parse(Path(inspect.getfile(module)).read_text(encoding="utf-8"))
        cls = next(n for n in tree.body if isinstance(n, ast.ClassDef) and n.name == name)
        return {n.name: n for n in cls.body if isinstance(n, ast.FunctionDef)}

    # every method by the name the table shows: the model's own, a part's as ``PART.NAME``
    own = class_methods(model_module, "CoGovernanceModel")
    part_of: dict[str, str | None] = dict.fromkeys(own)
    methods = dict(own)
    for part, (module_name, class_name) in PARTS.items():
        for name, func in class_methods(importlib.import_module(module_name), class_name).items():
            methods[f"{part}.{name}"] = func
            part_of[f"{part}.{name}"] = part
    roots = {name: ({"self.model": "model"} if part_of[name] else {"self": "model"}) for name in methods}
    levers = _lever_names()

    def calls_of(name: str) -> list[str]:
        """Methods `name` calls or hands on as callbacks (``self._pass_probability``)."""
        return [called for node in ast.walk(methods[name]) if isinstance(node, ast.Attribute)
                for called in [_method_named(node, methods[name], part_of[name])] if called in methods]

    def reached(name: str) -> set[str]:
        seen, todo = set(), [name]
        while todo:
            current = todo.pop()
            if current in seen or current == "_hook":
                continue
            seen.add(current)
            todo += calls_of(current)
        return seen

    def lever_reads(name: str) -> list[str]:
        effects = MechanismEffects()
        for method in sorted(reached(name)):
            _function_effects(methods[method], roots[method], levers, lambda _o, _n: False, effects)
        return sorted(effects.levers_read)

    def hook_of(func: ast.FunctionDef) -> tuple[str | None, str]:
        body = [s for s in func.body if not (isinstance(s, ast.Expr) and isinstance(s.value, ast.Constant))]
        for i, stmt in enumerate(body):
            for node in ast.walk(stmt):
                if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "_hook"
                        and node.args and isinstance(node.args[0], ast.Constant)):
                    before = [c for s in body[:i] for c in _self_calls(s)]
                    where = "start" if i == 0 else (f"after {_code(before)}" if before else "after set-up lines")
                    if not isinstance(stmt, ast.Expr):
                        where += " (conditional)"
                    return str(node.args[0].value), where
        return None, "—"

    phases: list[Phase] = []
    week = own["_simulate_week"]

    def visit(stmts: list[ast.stmt], when: str) -> None:
        for stmt in stmts:
            if isinstance(stmt, ast.If):
                visit(stmt.body, _describe_condition(ast.unparse(stmt.test)))
                visit(stmt.orelse, f"otherwise ({ast.unparse(stmt.test)} is false)")
                continue
            for node in ast.walk(stmt):
                if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
                    continue
                name = _method_named(node.func, week, None)
                if name in methods:
                    func = methods[name]
                    hook, position = hook_of(func)
                    phases.append(Phase(name, when, _first_line(ast.get_docstring(func)), hook, position,
                                        lever_reads(name)))

    visit(week.body, "every week")  # step() = the horizon check, this week, collection
    return phases


#: The model's attributes holding parts whose phases step() calls: attribute → (module, class).
PARTS = {"issue_flow": ("model.issue_flow", "IssueFlow"),
         "property_economy": ("model.property_economy", "PropertyEconomy"),
         "project_cycle": ("model.project_cycle", "ProjectCycle")}


def _method_named(node: ast.Attribute, func: ast.FunctionDef, part: str | None) -> str | None:
    """The method ``node`` names, as `schedule` keys them. In the model (`part` None): ``self.x`` →
    ``x``; ``self.issue_flow.x`` (or a local ``flow = self.issue_flow``'s ``flow.x``) → ``issue_flow.x``.
    In a part: ``self.x`` → ``PART.x``, ``self.model.x`` (or ``m.x``, ``m = self.model``) → ``x`` and
    ``self.model.OTHER.x`` → ``OTHER.x``."""
    model_is = "self" if part is None else "self.model"
    aliases = {ast.unparse(n.value): {t.id for t in n.targets if isinstance(t, ast.Name)}
               for n in ast.walk(func) if isinstance(n, ast.Assign)}
    model_names = {model_is} | (aliases.get(model_is, set()) if part else set())
    owner = ast.unparse(node.value)
    if part is not None and owner == "self":
        return f"{part}.{node.attr}"
    if owner in model_names:
        return node.attr
    for name in PARTS:
        if any(owner in {f"{m}.{name}"} | aliases.get(f"{m}.{name}", set()) for m in model_names):
            return f"{name}.{node.attr}"
    return None


def _self_calls(stmt: ast.stmt) -> list[str]:
    return [n.func.attr for n in ast.walk(stmt)
            if isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute)
            and isinstance(n.func.value, ast.Name) and n.func.value.id == "self"]


def _describe_condition(test: str) -> str:
    from model import model as model_module

    match = re.fullmatch(r"self\.week % (\w+) == 0", test)
    if match:
        period = getattr(model_module, match.group(1), None)
        label = {"WEEKS_PER_MONTH": "monthly", "WEEKS_PER_QUARTER": "quarterly"}.get(match.group(1), "every")
        if isinstance(period, int):
            return f"{label}: weeks divisible by {period}"
    return f"when `{test}`"


# -------------------------------------------------------------------------------------------------
# Section renderers
# -------------------------------------------------------------------------------------------------
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
    lines = _table(["Pattern", "Test", "What it asserts (docstring)"], rows)
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
            found |= {int(m) for m in re.findall(r"\bP([1-7])\b", _first_line(doc))}
        entry = (f"{path.name}::{node.name}", _first_line(doc), slow)
        for number in sorted(found):
            by_pattern[number].append(entry)
        if not found and other is not None:
            other.append(entry)


def render_schedule() -> str:
    """The phases of step() in order."""
    rows = []
    for i, ph in enumerate(schedule()):
        hook = f"`{ph.hook}` — {ph.hook_position}" if ph.hook else "—"
        rows.append((i, f"`{ph.method}`", ph.when, hook, _code(ph.levers_read), ph.doc))
    return "\n".join(_table(["#", "Method", "When", "Mechanism hook — where it runs", "Levers read", "What it does"],
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
    return f"`{name}` = {_number(p.default)}{unit} — {p.label_zh} / {p.label_en}"


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
        out.append(f"Not implemented yet: {_code(missing)}.")
    if extra:
        out.append(f"Registered but not in the specification §7: {_code(extra)}.")
    out.append("")
    out += _table(
        ["Key", "名称", "Name", "Phases", "Sources", "Summary"],
        [(f"[`{k}`](#mechanism-{k.replace('_', '-')})", MECHANISMS[k].name_zh, MECHANISMS[k].name_en,
          ", ".join(MECHANISMS[k].phases), ", ".join(_source_ids(MECHANISMS[k].sources)) or "—",
          MECHANISMS[k].summary) for k in keys])
    out += ["", "Source documents ([sources.md](sources.md)) and the mechanisms that cite them:", ""]
    for doc_id, title in SOURCE_DOCS.items():
        citing = [k for k in keys if doc_id in _source_ids(MECHANISMS[k].sources)]
        out.append(f"- {doc_id} {title}: {_code(citing)}")

    # levers: who sets them, who reads them
    core_reads: dict[str, list[str]] = {}
    for ph in schedule():
        for lever in ph.levers_read:
            core_reads.setdefault(lever, []).append(ph.hook or ph.method)
    neutral = Levers()
    lever_rows = []
    comments = _lever_comments()
    for f in fields(Levers):
        setters = [k for k in keys if f.name in effects[k].levers_set]
        value = getattr(neutral, f.name)
        if hasattr(value, "shape"):
            shown = "0 per compound"
        elif isinstance(value, dict):
            shown = "{}"
        else:
            shown = _number(value) if isinstance(value, int | float) else str(value)
        reads = sorted(set(core_reads.get(f.name, [])))
        mech_reads = [k for k in keys if f.name in effects[k].levers_read and k not in setters]
        lever_rows.append((f"`{f.name}`", shown, comments.get(f.name, ""), _code(reads),
                           _code(setters), _code(mech_reads)))
    out += ["", "### Levers: how mechanisms reach the model, and where they combine", "",
            "Mechanisms act through `model.levers` (model/levers.py): at neutral values the model is the "
            "baseline. Several mechanisms setting the same lever is where they interact (additive levers "
            "add, factors multiply, maxima are kept). *Read by* lists the step phases whose code reads the lever "
            "(found in model/model.py and the files of its parts: model/issue_flow.py, model/property_economy.py, model/project_cycle.py); *set by* and *also read by* list mechanisms (found in their modules).", ""]
    out += _table(["Lever", "Neutral", "Meaning", "Read by (phase)", "Set by", "Also read by"], lever_rows)
    shared = [(f"`{r[0].strip('`')}`", r[4]) for r in lever_rows if r[4].count("`") >= 4]
    out += ["", "Levers set by more than one mechanism: "
            + ("; ".join(f"{lever} ({who})" for lever, who in shared) if shared else "none yet") + "."]

    for key in keys:
        cls = MECHANISMS[key]
        eff = effects[key]
        out += ["", f'<a id="mechanism-{key.replace("_", "-")}"></a>', "",
                f"### `{key}` — {cls.name_zh} / {cls.name_en}", "", f"*{cls.summary}*"]
        description = _paragraph(cls.__doc__)
        if description:
            out += ["", description]
        out += ["", "- Sources:"]
        out += [f"  - {s}" for s in cls.sources] or ["  - —"]
        out.append("- Phases: " + "; ".join(f"`{ph}` ({PHASE_DOC.get(ph, ph)})" for ph in cls.phases))
        out.append(f"- Levers set: {_code(sorted(eff.levers_set))}")
        if eff.unknown_levers:
            out.append(f"- **Writes attributes that are not levers** (nothing reads them): "
                       f"{_code(sorted(eff.unknown_levers))}")
        out.append(f"- Model state changed directly: {_code(sorted({_normalise(s) for s in eff.state_written}))}")
        out.append(f"- Model methods called: {_code(sorted({_normalise(c) for c in eff.calls}))}")
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


def _lever_comments() -> dict[str, str]:
    """The trailing comment of each field in model/levers.py."""
    from model import levers as levers_module

    comments: dict[str, str] = {}
    above: list[str] = []  # the comment block right above a field without a trailing comment
    for line in Path(inspect.getfile(levers_module)).read_text(encoding="utf-8").splitlines():
        stripped = line.strip()
        if stripped.startswith("#"):
            above.append(stripped.lstrip("#").strip())
            continue
        match = re.match(r"\s{4}(\w+)\s*:[^#]*?(?:#\s*(.+))?$", line)
        if match and match.group(2):
            comments[match.group(1)] = match.group(2).strip()
        elif match and len(" ".join(above).split()) >= 4:  # a real explanation, not a section title
            comments[match.group(1)] = " ".join(above)
        above = []
    return comments


def _range(p: Any) -> str:
    if p.kind is bool:
        return "true / false"
    lo = "−∞" if p.low is None else _number(p.low if p.kind is float else int(p.low))
    hi = "∞" if p.high is None else _number(p.high if p.kind is float else int(p.high))
    return f"[{lo}, {hi}]" + (" integer" if p.kind is int else "")


def render_parameters() -> str:
    """Every declared parameter, grouped as in `run.py describe`."""
    import model.mechanisms  # noqa: F401  (declares mechanism parameters)
    from model.mechanisms import MECHANISMS
    from model.parameters import GROUPS, PARAMETERS, provenance_counts

    groups = list(GROUPS) + sorted({p.group for p in PARAMETERS.values()} - set(GROUPS))
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
    for group in groups:
        names = [n for n, p in PARAMETERS.items() if p.group == group]
        if not names:
            continue
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
            rows.append((f"`{name}`", _number(p.default), _range(p), prior, unit, p.label_zh, p.label_en,
                         p.description, p.basis))
        out += _table(["Parameter", "Default", "Range", "Prior", "Unit", "中文", "English", "Description",
                       "Basis"], rows)
    return "\n".join(out)


def render_metrics() -> str:
    """Every reporter collected weekly (model/reporters.py)."""
    from model.reporters import METRIC_INFO, REPORTERS

    rows = []
    for name, func in REPORTERS.items():
        zh, en, unit = METRIC_INFO.get(name, ("", "", ""))
        rows.append((f"`{name}`", zh or "—", en or "—", unit or "—", _first_line(getattr(func, "__doc__", None))))
    head = (f"{len(REPORTERS)} metrics, one value a week each (row 0 = week 0, before any step). "
            "Labels and units are given where model/reporters.py's `METRIC_INFO` has them.")
    return "\n".join([head, ""] + _table(["Metric", "中文", "English", "Unit", "Notes"], rows))


#: Generated section name → renderer, in the order the sections appear in docs/ODD.md.
SECTIONS: dict[str, Callable[[], str]] = {
    "patterns": render_patterns,
    "schedule": render_schedule,
    "mechanisms": render_mechanisms,
    "parameters": render_parameters,
    "metrics": render_metrics,
}


# -------------------------------------------------------------------------------------------------
# Splicing into the file
# -------------------------------------------------------------------------------------------------
def begin_marker(name: str) -> str:
    return f"<!-- BEGIN GENERATED: {name} -->"


def end_marker(name: str) -> str:
    return f"<!-- END GENERATED: {name} -->"


def render(name: str) -> str:
    """The block that goes between the markers of section `name` (markers excluded)."""
    note = f"<!-- generated by `{REGENERATE_COMMAND}` from the code; edits here are overwritten -->"
    return f"\n{note}\n\n{self_contained(SECTIONS[name]().rstrip())}\n\n"


def self_contained(text: str) -> str:
    """Name the project's own docs where code comments cite the design notes the docs summarise
    (docs/specification.md, docs/sources.md), so no generated line points outside the repository."""
    return (text.replace("shared/design/SEEDS.md", "sources.md").replace("MODEL.md", "the specification")
            .replace("SEEDS.md", "sources.md"))


def _spans(text: str, where: str) -> dict[str, tuple[int, int]]:
    """(start, end) of the content between each pair of markers; UserError on broken markers."""
    spans: dict[str, tuple[int, int]] = {}
    open_name, open_end = None, 0
    for match in _MARKER.finditer(text):
        kind, name = match.groups()
        if kind == "BEGIN":
            if open_name is not None:
                raise UserError(f"{where}: '{begin_marker(name)}' inside section '{open_name}'")
            if name in spans:
                raise UserError(f"{where}: generated section '{name}' appears twice")
            open_name, open_end = name, match.end()
        else:
            if open_name != name:
                raise UserError(f"{where}: '{end_marker(name)}' without its BEGIN marker")
            spans[name] = (open_end, match.start())
            open_name = None
    if open_name is not None:
        raise UserError(f"{where}: '{begin_marker(open_name)}' has no END marker")
    unknown = sorted(set(spans) - set(SECTIONS))
    if unknown:
        raise UserError(f"{where}: unknown generated section(s) {', '.join(unknown)}; known: {', '.join(SECTIONS)}")
    absent = [name for name in SECTIONS if name not in spans]
    if absent:
        raise UserError(f"{where}: missing generated section(s) {', '.join(absent)}; add "
                        f"'{begin_marker(absent[0])}' and '{end_marker(absent[0])}' where it belongs")
    return spans


def regenerate(text: str, where: str = "docs/ODD.md") -> str:
    """`text` with every generated section rebuilt; hand-written text is left as it is."""
    spans = _spans(text, where)
    pieces, last = [], 0
    for name, (start, end) in sorted(spans.items(), key=lambda item: item[1][0]):
        pieces += [text[last:start], render(name)]
        last = end
    pieces.append(text[last:])
    return "".join(pieces)


def stale_sections(text: str, where: str = "docs/ODD.md") -> list[str]:
    """Names of generated sections whose text differs from what the code generates now."""
    spans = _spans(text, where)
    return [name for name, (start, end) in spans.items() if text[start:end] != render(name)]


def write_atomic(path: Path, text: str) -> None:
    """Write `text` to `path` through a temporary file in the same folder and a rename, keeping the
    file's permissions; readers see the old or the new file, never a half-written one."""
    from storage.outputs import atomic_write

    atomic_write(path, lambda tmp: tmp.write_text(text, encoding="utf-8", newline="\n"))


def update(path: Path = ODD_PATH, check: bool = False) -> list[str]:
    """Regenerate the sections of `path` (or, with `check`, only report them); returns stale section names."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise UserError(f"{path}: cannot read: {exc.strerror}") from None
    stale = stale_sections(text, str(path))
    if stale and not check:
        write_atomic(path, regenerate(text, str(path)))
    return stale


# -------------------------------------------------------------------------------------------------
# Command line
# -------------------------------------------------------------------------------------------------
def _run(args: argparse.Namespace) -> int:
    path = Path(args.path)
    stale = update(path, check=args.check)
    if args.check:
        if stale:
            print(f"{path}: stale generated section(s): {', '.join(stale)}; run `{REGENERATE_COMMAND}`",
                  file=sys.stderr)
            return 1
        print(f"{path}: generated sections are up to date")
        return 0
    print(f"{path}: regenerated {', '.join(stale)}" if stale else f"{path}: already up to date")
    return 0


def _add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--check", action="store_true", help="only report stale sections (exit 1 if any)")
    parser.add_argument("--path", default=str(ODD_PATH), help="the ODD file (default docs/ODD.md)")


def add_cli(subparsers: Any) -> None:
    """`python run.py docs [--check]`."""
    parser = subparsers.add_parser(
        "docs", help="regenerate the generated sections of docs/ODD.md",
        description="Regenerate the generated sections of docs/ODD.md (parameters, mechanisms, reporters, ...) "
                    "from the code.",
        epilog="examples:\n  run.py docs\n  run.py docs --check",
        formatter_class=argparse.RawDescriptionHelpFormatter)
    _add_arguments(parser)
    parser.set_defaults(handler=_run)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m model.docs", description=textwrap.dedent(__doc__ or ""),
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    _add_arguments(parser)
    args = parser.parse_args(argv)
    try:
        return _run(args)
    except UserError as exc:
        print(f"model.docs: error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
