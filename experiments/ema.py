"""EMA Workbench adapter (optional: ``pip install 'cogov[ema]'``): cogov as an ``ema_workbench.Model``.

One call builds the model: its **uncertainties** are the declared parameters' plausible ranges (the
support of each parameter's prior, ``Param.plausible``), its **levers** are the mechanisms (switch on
or off) and their main parameters (over their plausible ranges), its **outcomes** are named
indicators (:data:`OUTCOMES`), and its constants are the base scenario, the horizon and the seed.

>>> from ema_workbench import SequentialEvaluator                   # doctest: +SKIP
>>> from experiments.ema import build_model
>>> model = build_model(scenario="baseline", weeks=52,
...                     uncertainties=["buck_pass_prob", "part_base"], levers=["points", "hotline"])
>>> [u.name for u in model.uncertainties]
['buck_pass_prob', 'part_base']
>>> with SequentialEvaluator(model) as evaluator:                    # doctest: +SKIP
...     experiments, outcomes = evaluator.perform_experiments(scenarios=20, policies=4)

Parameter names are the keyword spelling (``points__crowding`` for ``points.crowding``). Each
experiment is one run of :func:`simulate` with the constant seed, so the same design gives the same
outcomes under any evaluator (sequential or multiprocessing). The plausible ranges satisfy the
declared joint constraints (``model.parameters.CONSTRAINTS``). A parameter set that breaks one
(e.g. wider ranges set by hand) makes :func:`simulate` raise :class:`~model.errors.UserError`, an
ordinary ``Exception``; the function EMA calls (:func:`simulate_case`) turns it into EMA's
``CaseError``, so the experiment is logged and its outcomes are NaN, in the sequential and the
multiprocessing evaluator alike (an ``EMAError`` raised in a worker would leave EMA's process pool
waiting for ever).
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Any

from model.errors import UserError, require_extra

__all__ = ["OUTCOMES", "build_model", "simulate", "simulate_case", "outcome_values", "default_uncertainties"]

#: Outcomes: the indicators real data report, satisfaction, participation, issues and cost. Levels
#: are read at the last week; weekly flows (model.reporters.WEEKLY_FLOWS) are averaged over its
#: last 4 weeks.
OUTCOMES: tuple[str, ...] = (
    "satisfaction_mean", "satisfied_share", "survey_satisfied_share", "participation_monthly",
    "participation_annual", "volunteer_share_annual", "reporting_share_month", "hotline_resolution_rate",
    "hotline_satisfaction_rate", "ontime_closure_rate", "issues_open", "resolution_weeks_mean",
    "mechanism_cost_total",
)
FLOW_WINDOW = 4


def default_uncertainties() -> list[str]:
    """Every core parameter with a prior over a bounded range (not a fixed value); mechanism
    parameters are levers, not uncertainties."""
    from model.parameters import PARAMETERS, defaults

    defaults()  # registers mechanism parameters
    return [n for n, p in PARAMETERS.items() if p.mechanism is None and p.prior is not None and p.kind is not bool
            and math.isfinite(p.plausible[0]) and math.isfinite(p.plausible[1]) and p.plausible[0] < p.plausible[1]]


def _ema_parameter(name: str) -> Any:
    """An EMA parameter over `name`'s plausible range (true/false parameters: a BooleanParameter)."""
    from ema_workbench import BooleanParameter, IntegerParameter, RealParameter

    from model.parameters import PARAMETERS, name_to_kwarg

    if name not in PARAMETERS:
        from model.parameters import suggest

        raise UserError(f"EMA adapter: unknown parameter '{name}'{suggest(name)}")
    p = PARAMETERS[name]
    kwarg = name_to_kwarg(name)
    if p.kind is bool:
        return BooleanParameter(kwarg)
    low, high = p.plausible
    if not (math.isfinite(low) and math.isfinite(high)) or low >= high:
        raise UserError(f"EMA adapter: '{name}' has no bounded plausible range to explore ({low}, {high})")
    if p.kind is int:
        return IntegerParameter(kwarg, int(math.ceil(low)), int(math.floor(high)))
    return RealParameter(kwarg, float(low), float(high))


def _lever_names(levers: Iterable[str] | None) -> list[str]:
    """Mechanism keys -> their switch and main parameters; parameter names are kept as given."""
    from model.mechanisms import MECHANISMS
    from model.parameters import PARAMETERS

    names: list[str] = []
    for item in (MECHANISMS if levers is None else levers):
        if item in MECHANISMS:
            names.append(f"{item}.enabled")
            names += [n for n, p in PARAMETERS.items()
                      if p.mechanism == item and p.main and p.kind is not bool and p.prior is not None
                      and p.plausible[0] < p.plausible[1]]
        elif item in PARAMETERS:
            names.append(item)
        else:
            from model.parameters import suggest

            raise UserError(f"EMA adapter: '{item}' is neither a mechanism nor a parameter"
                            f"{suggest(item, list(MECHANISMS) + list(PARAMETERS))}")
    return list(dict.fromkeys(names))


def build_model(scenario: str = "baseline", weeks: int = 156, seed: int = 1,
                uncertainties: Iterable[str] | None = None, levers: Iterable[str] | None = None,
                outcomes: Iterable[str] = OUTCOMES, name: str = "cogov") -> Any:
    """An ``ema_workbench.Model`` of cogov.

    ``uncertainties``: parameter names (default: :func:`default_uncertainties`); ``levers``: mechanism
    keys (each gives its ``enabled`` switch and its main parameters) or parameter names (default:
    every mechanism); ``outcomes``: metric names (default :data:`OUTCOMES`). ``scenario`` (a name or
    .toml path) gives every other parameter; ``weeks`` and ``seed`` are constants.
    """
    require_extra("ema_workbench", "ema", "the EMA Workbench adapter (experiments.ema)")
    from ema_workbench import Constant, Model, ScalarOutcome

    from model.parameters import validate_value
    from model.reporters import REPORTERS
    from scenarios import load_scenario

    load_scenario(scenario)  # fail now, not in every experiment
    validate_value("weeks", weeks, where="EMA adapter: weeks")
    if seed < 0:
        raise UserError(f"EMA adapter: seed {seed}: expected a whole number, 0 or more")
    unc = list(default_uncertainties() if uncertainties is None else uncertainties)
    lev = _lever_names(levers)
    both = sorted(set(unc) & set(lev))
    if both:
        raise UserError(f"EMA adapter: '{both[0]}' is both an uncertainty and a lever")
    outs = list(outcomes)
    for metric in outs:
        if metric not in REPORTERS:
            from model.parameters import suggest

            raise UserError(f"EMA adapter: unknown outcome '{metric}'{suggest(metric, list(REPORTERS))}")
    model = Model(name, function=simulate_case)
    model.uncertainties = [_ema_parameter(n) for n in unc]
    model.levers = [_ema_parameter(n) for n in lev]
    model.outcomes = [ScalarOutcome(m) for m in outs]
    model.constants = [Constant("scenario", str(scenario)), Constant("weeks", int(weeks)), Constant("seed", int(seed)),
                       Constant("outcomes", tuple(outs))]
    return model


def outcome_values(frame: Any, outcomes: Iterable[str]) -> dict[str, float]:
    """Each outcome of a weekly table: the last week's value, or the mean of the last 4 weeks for flows."""
    from model.reporters import WEEKLY_FLOWS

    values = {}
    for metric in outcomes:
        column = frame[metric]
        values[metric] = float(column.iloc[-FLOW_WINDOW:].mean() if metric in WEEKLY_FLOWS else column.iloc[-1])
    return values


def simulate(scenario: str = "baseline", weeks: int = 156, seed: int = 1, outcomes: Iterable[str] = OUTCOMES,
             **params: Any) -> dict[str, float]:
    """One run with `params` (keyword spelling) on top of `scenario`; the outcomes as a dict.

    The function EMA Workbench calls for every experiment (module level, so it pickles). Values EMA
    passes as numpy scalars are converted to the declared kinds first.
    """
    from experiments.one_run import run_scenario
    from model.parameters import PARAMETERS, kwarg_to_name

    overrides: dict[str, Any] = {}
    for key, value in params.items():
        name = kwarg_to_name(key)
        kind = PARAMETERS[name].kind if name in PARAMETERS else None
        overrides[name] = kind(value) if kind in (bool, int, float) and value is not None else value
    # EMA samples every lever: a mechanism's parameters in an experiment that switches it off do nothing
    # and are dropped (run_scenario refuses a parameter of a mechanism that is off, model.run_inputs).
    for name in [n for n in overrides if "." in n and not n.endswith(".enabled")]:
        if overrides.get(f"{name.split('.', 1)[0]}.enabled") is False:
            del overrides[name]
    frame = run_scenario(scenario, seed=int(seed), weeks=int(weeks), overrides=overrides)
    return outcome_values(frame, outcomes)


def simulate_case(**experiment: Any) -> dict[str, float]:
    """:func:`simulate` as EMA Workbench runs it: a parameter set the model refuses (``UserError``, e.g.
    a broken joint constraint) becomes EMA's ``CaseError``, which its evaluators log as a warning and
    record as missing outcomes (NaN). Any other exception EMA wraps in its ``EMAError`` (a
    ``BaseException``), which stops a multiprocessing evaluator's pool from finishing."""
    from ema_workbench.util.ema_exceptions import CaseError

    try:
        return simulate(**experiment)
    except UserError as exc:
        raise CaseError(f"cogov refused this parameter set: {exc}", experiment) from None
