"""What a piece of cogov's code reads and changes on the model, found by reading its source (``ast``),
never by running a rule: the levers a mechanism sets and reads, the model state it writes and the
model methods it calls (`analyse_mechanism`); the comment that explains each lever (`lever_comments`).
A tiny baseline model is built once to tell which ``model.a.b`` is a list or a cogov object."""

from __future__ import annotations

import ast
import inspect
import re
from collections.abc import Callable
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

__all__ = ["MechanismEffects", "analyse_mechanism", "function_effects", "lever_names", "lever_comments",
           "normalise"]

#: Methods that change the list, dict or array they are called on.
_MUTATORS = frozenset({"append", "extend", "insert", "update", "setdefault", "pop", "popitem", "clear",
                       "remove", "sort", "fill", "put", "resize", "discard", "add"})


def lever_names() -> tuple[str, ...]:
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


def function_effects(func: ast.FunctionDef | ast.AsyncFunctionDef, roots: dict[str, str],
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


def normalise(path: str) -> str:
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
    levers = lever_names()
    roots = {"self.model": "model"}
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            function_effects(node, roots, levers, _model_method, effects)
    return effects



def lever_comments() -> dict[str, str]:
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
