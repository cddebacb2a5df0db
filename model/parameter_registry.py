"""The parameter registry: what a declared parameter is, and what can be asked of all of them.

A :class:`Param` carries the name, default, validity range, unit, Chinese and English label, a
description, and its provenance: a ``source`` (a seed measure, a published figure, a paper, or
``calibrated: <target>``) or an ``assumption`` (a one-line reason), and a ``prior``
(model/priors.py) whose support is the parameter's *plausible range*, inside the validity range.
``resource=True`` marks what a mechanism spends (hours, yuan, slots, staff): at its lower bound 0
the resource is gone. ``tags=("structural",)`` marks a setting the user chooses (no prior).

:func:`declare` adds a parameter to :data:`PARAMETERS`; model/parameters.py declares the core ones,
then every mechanism's (each mechanism module lists its own), and re-exports everything here, so the
functions below, which read what is declared, are complete when imported from there. Joint rules between parameters are
data (:data:`CONSTRAINTS`, linear inequalities, added with :func:`constrain`); :func:`check_constraints`
checks them, :func:`feasible` and :func:`sample_priors` let a sampler respect them, and
:func:`parameter_table` returns every parameter as one DataFrame.
"""

from __future__ import annotations

import difflib
import math
from dataclasses import dataclass, field, fields
from typing import TYPE_CHECKING, Any, Literal

import numpy as np

from model.errors import UserError
from model.priors import Prior

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "Param",
    "ParamFields",
    "PARAMETERS",
    "GROUPS",
    "PROVENANCE_KINDS",
    "RANGE",
    "default_prior",
    "TABLE_COLUMNS",
    "LinearConstraint",
    "CONSTRAINTS",
    "constrain",
    "check_constraints",
    "constraint_violations",
    "feasible",
    "sample_priors",
    "parameter_table",
    "provenance_counts",
    "declare",
    "declare_fields",
    "defaults",
    "validate_value",
    "parse_cli_value",
    "suggest",
    "kwarg_to_name",
    "name_to_kwarg",
    "parse_sets",
    "Value",
]

Value = float | int | bool
#: ``declare(prior=RANGE)`` (the default): uniform on the declared range if both bounds are finite.
RANGE: Literal["range"] = "range"
#: What :attr:`Param.provenance` returns; "undocumented" = neither source nor assumption yet.
PROVENANCE_KINDS: tuple[str, ...] = ("sourced", "calibrated", "assumed", "undocumented")


@dataclass(frozen=True)
class ParamFields:
    """What a declaration says of one parameter, whoever declares it: `declare` (the core parameters)
    and `model.mechanisms.MechParam` (a mechanism's, before it is declared as ``KEY.name``) take these
    fields; a declared `Param` has them and its group and kind. A new attribute is a field here."""

    name: str
    default: Value
    low: float | None
    high: float | None
    unit: str
    label_zh: str
    label_en: str
    description: str
    main: bool = False  # shown first in the app's controls
    tags: tuple[str, ...] = ()  # "structural": a setting the user chooses, no prior
    source: str = ""  # citation, or "calibrated: <target>"
    assumption: str = ""  # one-line reason when there is no source
    prior: Prior | None | Literal["range"] = RANGE  # RANGE: uniform on [low, high]; None: no prior
    resource: bool = False  # a resource a mechanism spends; its lower bound (0) removes it

    def as_dict(self) -> dict[str, Any]:
        """The declaration's fields by name."""
        return {f.name: getattr(self, f.name) for f in fields(ParamFields)}


@dataclass(frozen=True)
class Param(ParamFields):
    """One declared parameter: its declaration's fields (`ParamFields`), its group and its kind."""

    prior: Prior | None = None  # RANGE resolved; None only for switches and structural settings the user chooses
    group: str = field(kw_only=True)
    kind: type = field(kw_only=True)  # bool, int or float: the default's

    @property
    def plausible(self) -> tuple[float, float]:
        """The plausible range: the prior's support (the validity range when there is no prior)."""
        if self.prior is not None:
            return self.prior.support
        lo = -math.inf if self.low is None else float(self.low)
        hi = math.inf if self.high is None else float(self.high)
        return (lo, hi)

    @property
    def basis(self) -> str:
        """One line: 'source: …', 'calibrated: …', 'assumption: …' or 'undocumented'."""
        if self.source.strip():
            text = self.source.strip()
            return text if self.provenance == "calibrated" else f"source: {text}"
        if self.assumption.strip():
            return f"assumption: {self.assumption.strip()}"
        return "undocumented"

    @property
    def provenance(self) -> str:
        """'calibrated' (source says so), 'sourced', 'assumed', or 'undocumented'."""
        if self.source.strip().lower().startswith("calibrated"):
            return "calibrated"
        if self.source.strip():
            return "sourced"
        if self.assumption.strip():
            return "assumed"
        return "undocumented"

    def check(self, value: Any, where: str) -> Value:
        """Return `value` converted to this parameter's kind, or raise UserError naming `where`."""
        expected = self.expected()
        if self.kind is bool:
            if not isinstance(value, bool):
                raise UserError(f"{where}: '{self.name}' must be true or false, got {value!r}")
            return value
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise UserError(f"{where}: '{self.name}' expected {expected}, got {value!r}")
        if self.kind is int:
            if isinstance(value, float) and not value.is_integer():
                raise UserError(f"{where}: '{self.name}' expected {expected}, got {value!r}")
            value = int(value)
        else:
            value = float(value)
        if value != value:  # NaN
            raise UserError(f"{where}: '{self.name}' expected {expected}, got NaN")
        if (self.low is not None and value < self.low) or (self.high is not None and value > self.high):
            raise UserError(f"{where}: '{self.name}' = {value!r} is out of range; expected {expected}")
        return value

    def expected(self) -> str:
        """Human description of the valid values, e.g. 'a number in [0, 1]'."""
        if self.kind is bool:
            return "true or false"
        noun = "an integer" if self.kind is int else "a number"
        lo = "-inf" if self.low is None else f"{self.low:g}"
        hi = "inf" if self.high is None else f"{self.high:g}"
        return f"{noun} in [{lo}, {hi}]" + (f" ({self.unit})" if self.unit else "")

    @property
    def mechanism(self) -> str | None:
        """The mechanism key for a mechanism parameter, else None."""
        return self.name.split(".", 1)[0] if "." in self.name else None

    @property
    def kwarg(self) -> str:
        """The keyword-argument spelling (``.`` becomes ``__``)."""
        return name_to_kwarg(self.name)


PARAMETERS: dict[str, Param] = {}

#: Group key -> (中文, English) heading, in display order.
GROUPS: dict[str, tuple[str, str]] = {
    "run": ("运行", "Run"),
    "space": ("空间与网络", "Space and network"),
    "population": ("人口", "Population"),
    "compounds": ("小区", "Compounds"),
    "issues": ("诉求流转", "Issue flow"),
    "participation": ("参与", "Participation"),
    "attitudes": ("满意度与信任", "Satisfaction and trust"),
    "organisations": ("组织", "Organisations"),
    "property": ("物业经济", "Property economics"),
    "projects": ("项目", "Projects"),
    "observation": ("观测", "Observation"),
    "shocks": ("冲击与政策时点", "Shocks and policy timing"),
}


def declare(name: str, default: Value, low: float | None, high: float | None, unit: str, label_zh: str,
            label_en: str, description: str, group: str, **attributes: Any) -> Param:
    """Declare a parameter once (`declare_fields`); `attributes` are the other fields of `ParamFields`
    (``main``, ``tags``, ``source``, ``assumption``, ``prior``, ``resource``)."""
    return declare_fields(ParamFields(name, default, low, high, unit, label_zh, label_en, description, **attributes),
                          group)


def declare_fields(declared: ParamFields, group: str) -> Param:
    """Declare a parameter once; a second declaration of the same name is a programming error.

    Its kind is its default's (bool, int or float). `prior` RANGE becomes uniform on [low, high]
    (integer-uniform for integers) when both bounds are finite and the kind is numeric; ``None`` is a
    structural setting without a prior. A prior must lie inside the validity range and hold the default.
    """
    name, default, prior = declared.name, declared.default, declared.prior
    if name in PARAMETERS:
        raise ValueError(f"parameter {name!r} declared twice")
    kind = bool if isinstance(default, bool) else int if isinstance(default, int) else float
    if isinstance(prior, str):
        if prior != RANGE:
            raise ValueError(f"parameter {name!r}: prior must be a Prior, None or 'range', got {prior!r}")
        prior = default_prior(kind, declared.low, declared.high)
    param = Param(**{**declared.as_dict(), "tags": tuple(declared.tags), "prior": prior}, group=group, kind=kind)
    param.check(default, where=f"declaration of {name}")
    _check_prior(param)
    PARAMETERS[name] = param
    return param


def default_prior(kind: type, low: float | None, high: float | None) -> Prior | None:
    """Uniform on [low, high] (integer-uniform for integers); None for switches or open ranges."""
    if kind is bool or low is None or high is None or not (math.isfinite(low) and math.isfinite(high)):
        return None
    if low == high:
        return Prior.fixed(low)
    return Prior.integer(int(low), int(high)) if kind is int else Prior.uniform(low, high)


def _check_prior(param: Param) -> None:
    """A prior lies inside the validity range, suits the kind and holds the default."""
    prior = param.prior
    if prior is None:
        return
    if param.kind is bool:
        raise ValueError(f"parameter {param.name!r}: a switch has no prior")
    lo, hi = prior.support
    if (param.low is not None and lo < param.low) or (param.high is not None and hi > param.high):
        raise ValueError(f"parameter {param.name!r}: prior {prior} reaches outside its range {param.expected()}")
    if param.kind is int and prior.kind not in ("integer", "fixed"):
        raise ValueError(f"parameter {param.name!r}: an integer parameter needs an integer or fixed prior")
    if not lo <= float(param.default) <= hi:
        raise ValueError(f"parameter {param.name!r}: default {param.default} lies outside its prior {prior}")


def defaults() -> dict[str, Value]:
    """Every declared parameter at its default (mechanisms included, all switched off)."""
    return {name: p.default for name, p in PARAMETERS.items()}


def suggest(name: str, candidates: list[str] | None = None) -> str:
    """' (did you mean X?)' for the nearest known name, or ''."""
    pool = list(PARAMETERS) if candidates is None else candidates
    close = difflib.get_close_matches(name, pool, n=1, cutoff=0.5)
    return f" (did you mean '{close[0]}'?)" if close else ""


def validate_value(name: str, value: Any, where: str) -> Value:
    """Check one value against its declaration; unknown names raise UserError with a suggestion."""
    if name not in PARAMETERS:
        raise UserError(f"{where}: unknown parameter '{name}'{suggest(name)}")
    return PARAMETERS[name].check(value, where)


def parse_cli_value(name: str, text: str, where: str) -> Value:
    """Parse the text of ``--set name=text`` according to the declared kind."""
    if name not in PARAMETERS:
        raise UserError(f"{where}: unknown parameter '{name}'{suggest(name)}")
    param = PARAMETERS[name]
    raw = text.strip()
    if param.kind is bool:
        lowered = raw.lower()
        if lowered in {"true", "1", "yes", "on"}:
            return True
        if lowered in {"false", "0", "no", "off"}:
            return False
        raise UserError(f"{where}: '{name}' must be true or false, got {text!r}")
    try:
        number: float | int = int(raw) if param.kind is int else float(raw)
    except ValueError:
        raise UserError(f"{where}: '{name}' expected {param.expected()}, got {text!r}") from None
    return param.check(number, where)


def parse_sets(items: list[str] | None, flag: str = "--set") -> dict[str, Value]:
    """``NAME=VALUE`` texts (``--set`` flags), parsed and validated; errors name `flag` and the item."""
    values: dict[str, Value] = {}
    for item in items or []:
        if "=" not in item:
            raise UserError(f"{flag} {item!r}: expected name=value, e.g. {flag} buck_pass_prob=0.2")
        name, text = item.split("=", 1)
        name = kwarg_to_name(name.strip())
        values[name] = parse_cli_value(name, text, where=f"{flag} {item}")
    return values


def kwarg_to_name(kwarg: str) -> str:
    """``points__budget_per_week`` -> ``points.budget_per_week``."""
    return kwarg.replace("__", ".")


def name_to_kwarg(name: str) -> str:
    """``points.budget_per_week`` -> ``points__budget_per_week``."""
    return name.replace(".", "__")


# ---------------------------------------------------------------------------------------------
# Joint constraints: linear inequalities sum(coef · value) <= bound, as data a sampler can read.
# ---------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class LinearConstraint:
    """``sum(coef * params[name] for name, coef in terms) <= bound``, with a readable rule."""

    terms: tuple[tuple[str, float], ...]
    bound: float
    rule: str  # e.g. "'youth_share' + 'retired_share' must be at most 1"

    @property
    def names(self) -> tuple[str, ...]:
        """The parameters the constraint involves."""
        return tuple(name for name, _ in self.terms)

    def lhs(self, params: dict[str, Any]) -> Any:
        """The left-hand side; values missing from `params` are taken at their defaults.

        Works on scalars or on equal-length arrays (one entry per sample).
        """
        total: Any = 0.0
        for name, coef in self.terms:
            value = params[name] if name in params else PARAMETERS[name].default
            total = total + coef * np.asarray(value, dtype=float)
        return total

    def holds(self, params: dict[str, Any]) -> Any:
        """True where the constraint holds (a bool, or a bool array for arrays of samples)."""
        result = self.lhs(params) <= self.bound + 1e-12
        return bool(result) if np.ndim(result) == 0 else result

    def worst_case(self, box: dict[str, tuple[float, float]]) -> float:
        """Largest left-hand side over a box of (low, high) ranges (to check a box is feasible)."""
        return sum(coef * (box[name][1] if coef > 0 else box[name][0]) for name, coef in self.terms)


#: Every joint rule between parameters. Mechanism modules may add theirs with :func:`constrain`.
CONSTRAINTS: list[LinearConstraint] = []


def constrain(terms: dict[str, float], bound: float, rule: str) -> LinearConstraint:
    """Declare a joint rule ``sum(coef · value) <= bound`` over declared parameters."""
    unknown = [name for name in terms if name not in PARAMETERS]
    if unknown:
        raise ValueError(f"constraint {rule!r} names undeclared parameters {unknown}")
    constraint = LinearConstraint(tuple(terms.items()), float(bound), rule)
    CONSTRAINTS.append(constraint)
    return constraint


def constraint_violations(params: dict[str, Any]) -> list[LinearConstraint]:
    """The constraints `params` break (values missing from `params` count at their defaults)."""
    return [c for c in CONSTRAINTS if not c.holds(params)]


def check_constraints(params: dict[str, Any], where: str) -> None:
    """Raise UserError naming `where`, the rule and the values for the first broken constraint."""
    for constraint in constraint_violations(params):
        shown = " and ".join(f"{name} = {params.get(name, PARAMETERS[name].default)!r}" for name in constraint.names)
        raise UserError(f"{where}: {constraint.rule}, got {shown}")


def feasible(samples: dict[str, Any]) -> np.ndarray:
    """For a mapping name -> array of samples (e.g. a DataFrame), True where all constraints hold."""
    lengths = {len(np.atleast_1d(v)) for v in (samples[k] for k in samples)}
    ok = np.ones(max(lengths, default=1), dtype=bool)
    for constraint in CONSTRAINTS:
        ok &= np.atleast_1d(constraint.holds({k: np.asarray(samples[k]) for k in samples}))
    return ok


def provenance_counts() -> dict[str, int]:
    """How many declared parameters (mechanisms included) are sourced, calibrated, assumed or
    undocumented, and how many have a prior (``with_prior``) or are structural settings without one."""
    counts = dict.fromkeys(PROVENANCE_KINDS, 0)
    for p in PARAMETERS.values():
        counts[p.provenance] += 1
    counts["with_prior"] = sum(p.prior is not None for p in PARAMETERS.values())
    counts["switches"] = sum(p.kind is bool for p in PARAMETERS.values())
    counts["structural"] = sum(p.kind is not bool and p.prior is None for p in PARAMETERS.values())
    return counts


def sample_priors(rng: np.random.Generator, size: int, names: list[str] | None = None) -> dict[str, np.ndarray]:
    """`size` joint draws from the priors of `names` (default: every parameter with a prior), drawn in
    the order of `names` from `rng`; parameters not drawn count at their defaults in the constraints,
    and a draw that breaks one is redrawn (never needed for the declared priors, whose plausible box
    satisfies every constraint)."""
    names = [n for n, p in PARAMETERS.items() if p.prior is not None] if names is None else list(names)
    missing = [n for n in names if n not in PARAMETERS or PARAMETERS[n].prior is None]
    if missing:
        raise UserError(f"sample_priors: no prior for {', '.join(missing)}")
    draws = {n: np.asarray(PARAMETERS[n].prior.draw(rng, size)) for n in names}
    for _attempt in range(1000):
        bad = ~feasible(draws) if CONSTRAINTS and size else np.zeros(size, dtype=bool)
        if not bad.any():
            return draws
        for n in names:
            draws[n][bad] = PARAMETERS[n].prior.draw(rng, int(bad.sum()))
    raise UserError("sample_priors: the priors hardly ever satisfy the joint constraints")


# ---------------------------------------------------------------------------------------------
# The table of every parameter
# ---------------------------------------------------------------------------------------------
TABLE_COLUMNS: tuple[str, ...] = (
    "name", "group", "mechanism", "kind", "default", "low", "high", "plausible_low", "plausible_high",
    "prior", "unit", "label_zh", "label_en", "source", "assumption", "provenance", "resource", "main",
    "description",
)


def parameter_table() -> pd.DataFrame:
    """Every declared parameter, core and mechanism, one row each.

    Columns: name, group, mechanism (None for core), kind ('float', 'int', 'bool'), default,
    low/high (validity range; NaN when open), plausible_low/plausible_high (the prior's support),
    prior (text, '' for none), unit, label_zh, label_en, source, assumption, provenance
    (sourced/calibrated/assumed/undocumented), resource, main, description.
    """
    import pandas as pd

    rows = []
    for p in PARAMETERS.values():
        plausible_low, plausible_high = p.plausible
        rows.append({
            "name": p.name, "group": p.group, "mechanism": p.mechanism, "kind": p.kind.__name__,
            "default": p.default,
            "low": math.nan if p.low is None else float(p.low),
            "high": math.nan if p.high is None else float(p.high),
            "plausible_low": plausible_low if math.isfinite(plausible_low) else math.nan,
            "plausible_high": plausible_high if math.isfinite(plausible_high) else math.nan,
            "prior": "" if p.prior is None else str(p.prior), "unit": p.unit,
            "label_zh": p.label_zh, "label_en": p.label_en, "source": p.source, "assumption": p.assumption,
            "provenance": p.provenance, "resource": p.resource, "main": p.main, "description": p.description,
        })
    return pd.DataFrame(rows, columns=list(TABLE_COLUMNS))
