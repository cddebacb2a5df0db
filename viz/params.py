"""Parameter controls, generated from ``model.parameters.PARAMETERS``: what to show, in which order,
and how typed text becomes a value or is refused (with a message key, translated where shown).

No Solara here: the rules are plain functions, tested alone. Validation itself is the parameter
declaration's (``Param.check``) and the model's cross-parameter rules (``check_consistency``);
this module only words the refusal for the page.
"""

from __future__ import annotations

import math
from typing import Any

import model.mechanisms  # noqa: F401  (declares the mechanisms' parameters)
from model.errors import UserError
from model.mechanisms import MECHANISMS
from model.model import check_consistency
from model.parameters import GROUPS, PARAMETERS, Param
from model.units import unit_text

__all__ = [
    "EXPLORE_MAX_HOUSEHOLDS", "MAX_SEED", "Refusal", "range_text", "format_value", "parse_value", "parse_seed",
    "combination_refusal", "households", "main_core", "mechanism_keys", "other_groups", "explore_model_params",
]  # fmt: skip

#: The live view refuses streets larger than this (households); batch runs have no such limit.
EXPLORE_MAX_HOUSEHOLDS = 100_000
MAX_SEED = 2**63 - 1

#: A refusal: (UI-string key, values for its placeholders). Translated where it is shown.
Refusal = tuple[str, dict[str, Any]]


def format_value(value: Any) -> str:
    """A parameter value as a person would type it (``0.35``, ``150000``, ``1e+08``)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return repr(value) if isinstance(value, float) else str(value)


def range_text(param: Param, lang: str = "en") -> str:
    """``[0, 1]`` or ``[1, 2000] weeks`` (``[1, 2000] 周`` in 中文): the declared range and unit."""
    lo = "-∞" if param.low is None else format_value(param.low)
    hi = "∞" if param.high is None else format_value(param.high)
    unit = unit_text(param.unit, lang)
    return f"[{lo}, {hi}]" + (f" {unit}" if unit else "")


def parse_value(param: Param, text: str, lang: str = "en") -> tuple[Any, Refusal | None]:
    """Typed text -> (value, None), or (None, refusal) when it is not a valid value of ``param``
    (the refusal quotes the range with its unit in ``lang``)."""
    raw = text.strip().replace("，", ",").replace(",", "")
    if param.kind is bool:
        low = raw.lower()
        if low in {"true", "1", "yes", "on", "是"}:
            return True, None
        if low in {"false", "0", "no", "off", "否"}:
            return False, None
        return None, ("err_bool", {})
    rng = range_text(param, lang)
    try:
        number = float(raw)
    except ValueError:
        return None, ("err_integer" if param.kind is int else "err_number", {"range": rng})
    if not math.isfinite(number):
        return None, ("err_number", {"range": rng})
    if param.kind is int:
        if not number.is_integer():
            return None, ("err_integer", {"range": rng})
        number = int(number)
    try:
        return param.check(number, where="app"), None
    except UserError:
        return None, ("err_range", {"range": rng})


def parse_seed(text: str) -> tuple[int | None, Refusal | None]:
    """Typed seed -> (seed, None), or (None, refusal): a whole number in [0, 2^63 − 1]."""
    rng = f"[0, {MAX_SEED}]"
    try:
        number = int(text.strip())
    except ValueError:
        return None, ("err_integer", {"range": rng})
    if not 0 <= number <= MAX_SEED:
        return None, ("err_range", {"range": rng})
    return number, None


def households(values: dict[str, Any]) -> int:
    """Households in a street with these parameters (names with ``.`` or ``__``)."""
    get = {k.replace("__", "."): v for k, v in values.items()}.get
    return int(get("n_communities") * get("grids") * get("buildings_per_grid") * get("households_per_building"))


def combination_refusal(values: dict[str, Any], max_households: int = EXPLORE_MAX_HOUSEHOLDS) -> Refusal | None:
    """A refusal when the full set of values breaks a cross-parameter rule or is too large to
    explore live; ``values`` holds every parameter (``.`` or ``__`` spelling)."""
    params = {k.replace("__", "."): v for k, v in values.items()}
    try:
        check_consistency(params, where="app")
    except UserError as exc:
        return "err_conflict", {"detail": str(exc).removeprefix("app: ")}
    n = households(params)
    if n > max_households:
        return "err_too_big", {"n": f"{n:,}", "cap": f"{max_households:,}"}
    return None


def mechanism_keys() -> list[str]:
    """Registered mechanisms, in registry order."""
    return list(MECHANISMS)


def main_core() -> list[Param]:
    """Core (non-mechanism) parameters flagged ``main``, in group order."""
    order = {g: i for i, g in enumerate(GROUPS)}
    mains = [p for p in PARAMETERS.values() if p.main and p.mechanism is None]
    return sorted(mains, key=lambda p: order.get(p.group, len(order)))


def mechanism_params(key: str, main: bool) -> list[Param]:
    """A mechanism's parameters (not its switch), the ``main`` ones or the others."""
    return [p for p in PARAMETERS.values()
            if p.mechanism == key and not p.name.endswith(".enabled") and p.main == main]


def other_groups() -> list[tuple[str, list[Param]]]:
    """(group, parameters) of everything not flagged ``main``: core groups first, then mechanisms."""
    groups = list(GROUPS) + [f"mechanism:{k}" for k in MECHANISMS]
    out = []
    for g in groups:
        params = [p for p in PARAMETERS.values() if p.group == g and not p.main]
        if params:
            out.append((g, params))
    return out


def explore_model_params(scenario: Any, seed: int = 1, values: dict[str, Any] | None = None) -> dict[str, Any]:
    """``model_params`` for Mesa's SolaraViz: the scenario (fixed), the seed and every declared
    parameter, as entries the cogov inputs render (``type: "cogov"``). Values come from ``values``
    (``seed`` and keyword spellings, e.g. the tab's edited set-up) where given, else the scenario's."""
    from scenarios import Scenario, load_scenario

    scen = scenario if isinstance(scenario, Scenario) else load_scenario(scenario)
    values = values or {}
    params: dict[str, Any] = {
        "scenario": scenario if isinstance(scenario, str) else scen.name,
        "seed": {"type": "cogov", "kind": "seed", "value": values.get("seed", seed)},
    }
    for name, p in PARAMETERS.items():
        params[p.kwarg] = {"type": "cogov", "kind": "param", "param": name,
                           "value": values.get(p.kwarg, scen.params[name])}
    return params
