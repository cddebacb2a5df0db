"""The phases of a simulated week in order, read from the source of the model and of its parts
(`schedule`): when each runs, where its mechanism hook runs and which levers it reads."""

from __future__ import annotations

import ast
import importlib
import inspect
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from docgen import markdown as md
from docgen.code_reading import MechanismEffects, function_effects, lever_names

__all__ = ["Phase", "PARTS", "schedule"]


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
    levers = lever_names()

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
            function_effects(methods[method], roots[method], levers, lambda _o, _n: False, effects)
        return sorted(effects.levers_read)

    def hook_of(func: ast.FunctionDef) -> tuple[str | None, str]:
        body = [s for s in func.body if not (isinstance(s, ast.Expr) and isinstance(s.value, ast.Constant))]
        for i, stmt in enumerate(body):
            for node in ast.walk(stmt):
                if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "_hook"
                        and node.args and isinstance(node.args[0], ast.Constant)):
                    before = [c for s in body[:i] for c in _self_calls(s)]
                    where = "start" if i == 0 else (f"after {md.code_list(before)}" if before else "after set-up lines")
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
                    phases.append(Phase(name, when, md.first_line(ast.get_docstring(func)), hook, position,
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
