"""The parameter API: priors, provenance fields, parameter_table() and joint constraints."""

from __future__ import annotations

import json
import math
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

import model.mechanisms  # noqa: F401  (registers mechanism parameters)
from model.errors import UserError
from model.model import resolve_parameters
from model.parameters import (
    CONSTRAINTS,
    PARAMETERS,
    TABLE_COLUMNS,
    check_constraints,
    constraint_violations,
    declare,
    defaults,
    feasible,
    parameter_table,
    provenance_counts,
    sample_priors,
)
from model.priors import Prior

PRIORS = [
    Prior.uniform(-2.0, 3.0),
    Prior.loguniform(10.0, 1e5),
    Prior.normal(0.3, 0.2, 0.0, 1.0),
    Prior.normal(-1.0, 0.5),
    Prior.beta(2.0, 5.0, 0.1, 0.9),
    Prior.beta(0.7, 0.7),
]


def _integral(prior: Prior) -> float:
    lo, hi = prior.support
    if not math.isfinite(lo):
        lo, hi = prior.mu - 12 * prior.sigma, prior.mu + 12 * prior.sigma
    if prior.kind == "loguniform":  # integrate in log space: density spans orders of magnitude
        t = np.linspace(math.log(lo), math.log(hi), 200_001)
        x = np.exp(t)
        return float(np.trapezoid(prior.pdf(x) * x, t))
    # midpoint rule: finite at the ends even where a beta density is infinite
    edges = np.linspace(lo, hi, 400_001)
    mids = (edges[:-1] + edges[1:]) / 2
    return float(np.sum(prior.pdf(mids)) * (hi - lo) / len(mids))


@pytest.mark.parametrize("prior", PRIORS, ids=str)
def test_draws_stay_in_support_and_match_mean_and_variance(prior):
    draws = prior.draw(np.random.default_rng(7), size=50_000)
    lo, hi = prior.support
    assert draws.min() >= lo and draws.max() <= hi
    sd = math.sqrt(prior.variance())
    assert abs(draws.mean() - prior.mean()) < 5 * sd / math.sqrt(len(draws))
    assert abs(draws.var() / prior.variance() - 1) < 0.05


@pytest.mark.parametrize("prior", PRIORS, ids=str)
def test_pdf_integrates_to_one_and_is_zero_outside(prior):
    assert _integral(prior) == pytest.approx(1.0, abs=2e-3)
    lo, hi = prior.support
    outside = [x for x in (lo - 1.0, hi + 1.0) if math.isfinite(x)]
    assert all(prior.pdf(x) == 0.0 for x in outside)


def test_integer_and_fixed_priors():
    prior = Prior.integer(2, 6)
    draws = prior.draw(np.random.default_rng(3), size=10_000)
    assert set(np.unique(draws)) == {2, 3, 4, 5, 6}
    assert sum(prior.pdf(k) for k in range(0, 10)) == pytest.approx(1.0)
    assert prior.pdf(2.5) == 0.0
    assert prior.mean() == 4.0 and prior.variance() == pytest.approx(2.0)
    fixed = Prior.fixed(0.3)
    assert fixed.draw(np.random.default_rng(1)) == 0.3 and fixed.variance() == 0.0


def test_same_generator_state_gives_same_draws():
    for prior in PRIORS:
        a = prior.draw(np.random.default_rng(11), size=5)
        b = prior.draw(np.random.default_rng(11), size=5)
        assert np.array_equal(a, b)


def test_narrowed_and_round_trip():
    assert Prior.uniform(0, 10).narrowed(2, 4) == Prior.uniform(2, 4)
    assert Prior.loguniform(1, 1000).narrowed(10, 100).kind == "loguniform"
    assert Prior.normal(0, 1, -3, 3).narrowed(-1, 1).support == (-1.0, 1.0)
    with pytest.raises(ValueError):
        Prior.uniform(0, 1).narrowed(0.5, 2.0)
    with pytest.raises(ValueError):
        Prior.beta(2, 2).narrowed(0.2, 0.8)
    for prior in [*PRIORS, Prior.integer(1, 9), Prior.fixed(2.0)]:
        assert Prior.from_dict(json.loads(json.dumps(prior.to_dict()))) == prior


def test_bad_priors_are_refused():
    for build in (lambda: Prior.uniform(1, 0), lambda: Prior.loguniform(0, 1),
                  lambda: Prior.normal(0, 0), lambda: Prior.beta(0, 1), lambda: Prior("cauchy", 0, 1)):
        with pytest.raises(ValueError):
            build()


def test_declaration_refuses_a_prior_outside_the_range_or_missing_the_default():
    with pytest.raises(ValueError, match="outside its range"):
        declare("test_only_a", 0.5, 0.0, 1.0, "", "", "", "", "run", prior=Prior.uniform(0.2, 1.5))
    with pytest.raises(ValueError, match="outside its prior"):
        declare("test_only_b", 0.1, 0.0, 1.0, "", "", "", "", "run", prior=Prior.uniform(0.2, 0.8))
    assert "test_only_a" not in PARAMETERS and "test_only_b" not in PARAMETERS


def test_a_mechanism_parameter_is_declared_with_every_field_it_lists():
    """MechParam and declare share one field set (ParamFields): whatever a mechanism writes reaches its
    declared Param, with the mechanism's group and the kind of its default."""
    from model.mechanisms import MECHANISMS, MechParam
    from model.parameters import ParamFields

    for key, cls in MECHANISMS.items():
        for mp in cls.parameters:
            assert isinstance(mp, MechParam) and isinstance(mp, ParamFields)
            param = PARAMETERS[f"{key}.{mp.name}"]
            listed = {k: v for k, v in mp.as_dict().items() if k not in ("name", "prior")}
            assert listed == {k: getattr(param, k) for k in listed}, param.name
            assert param.group == f"mechanism:{key}" and param.kind is type(mp.default)
            assert mp.prior == "range" or param.prior == mp.prior, param.name


def test_a_declaration_takes_its_kind_from_the_default_and_resolves_the_range_prior():
    p = declare("test_only_c", 3, 1, 9, "", "", "", "", "run", resource=True)
    try:
        assert p.kind is int and p.group == "run" and p.resource and p.prior == Prior.integer(1, 9)
    finally:
        del PARAMETERS["test_only_c"]


def test_default_prior_is_uniform_on_the_range_and_none_for_switches():
    for p in PARAMETERS.values():
        if p.kind is bool:
            assert p.prior is None
    p = PARAMETERS["points.enabled"]
    assert p.prior is None and p.plausible == (-math.inf, math.inf)


def test_plausible_ranges_lie_inside_validity_ranges_and_hold_the_default():
    for p in PARAMETERS.values():
        if p.prior is None:
            continue
        lo, hi = p.plausible
        assert (p.low is None or lo >= p.low) and (p.high is None or hi <= p.high), p.name
        assert lo <= p.default <= hi, p.name


def test_table_has_every_parameter_with_its_provenance():
    table = parameter_table()
    assert tuple(table.columns) == TABLE_COLUMNS
    assert list(table["name"]) == list(PARAMETERS)
    assert table["name"].is_unique
    assert set(table["provenance"]) <= {"sourced", "calibrated", "assumed", "undocumented"}
    row = table.set_index("name").loc["buck_pass_prob"]
    assert row["group"] == "issues" and row["low"] == 0.0 and row["high"] == 1.0
    assert row["plausible_low"] >= 0.0 and row["plausible_high"] <= 1.0 and row["prior"]
    assert table.set_index("name").loc["points.enabled", "mechanism"] == "points"


def test_table_is_complete_whatever_was_imported_first():
    code = ("import json; from model.parameters import parameter_table; "
            "print(json.dumps(list(parameter_table()['name'])))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert json.loads(result.stdout) == list(parameter_table()["name"])
    assert len(json.loads(result.stdout)) == len(PARAMETERS) > 150


def test_constraints_refuse_bad_combinations():
    base = defaults()
    check_constraints(base, "test")
    with pytest.raises(UserError, match="'youth_share' \\+ 'retired_share' must be at most 1"):
        check_constraints({**base, "youth_share": 0.6, "retired_share": 0.5}, "here")
    with pytest.raises(UserError, match="^--set: 'initial_quality_low' must not exceed"):
        resolve_parameters("baseline", {"initial_quality_low": 0.8, "initial_quality_high": 0.5}, where="--set")
    assert len(constraint_violations({"youth_share": 0.9, "retired_share": 0.9,
                                      "initial_quality_low": 0.9, "initial_quality_high": 0.1})) == 2


def test_feasible_marks_samples_that_break_a_constraint():
    samples = {"youth_share": np.array([0.2, 0.7, 0.5]), "retired_share": np.array([0.3, 0.4, 0.5])}
    assert feasible(samples).tolist() == [True, False, True]


def test_plausible_box_never_violates_a_constraint():
    box = {name: p.plausible for name, p in PARAMETERS.items()}
    for constraint in CONSTRAINTS:
        assert constraint.worst_case(box) <= constraint.bound + 1e-12, constraint.rule
    # and so independent draws from the priors never need rejecting
    rng = np.random.default_rng(5)
    names = sorted({name for c in CONSTRAINTS for name in c.names})
    draws = {name: PARAMETERS[name].prior.draw(rng, size=2000) for name in names}
    assert feasible(draws).all()


def _undocumented(params) -> list[str]:
    """Names without a source or assumption, or numeric and not structural yet without a prior."""
    bad = []
    for p in params:
        if p.provenance == "undocumented":
            bad.append(f"{p.name}: no source or assumption")
        elif p.kind is not bool and p.prior is None and "structural" not in p.tags:
            bad.append(f"{p.name}: no prior")
    return bad


def test_every_parameter_has_provenance_and_a_prior():
    """Core and mechanism parameters alike: a source or an assumption, and a prior unless a switch or
    a structural setting the user chooses."""
    assert _undocumented(PARAMETERS.values()) == []


def test_defaults_tuned_to_a_pattern_say_so():
    for name in ("part_base", "report_base", "overhead_share"):
        assert PARAMETERS[name].provenance == "calibrated", name
        assert "pattern P" in PARAMETERS[name].source, name


def test_describe_all_shows_every_parameter_with_prior_and_basis():
    root = Path(__file__).resolve().parent.parent
    result = subprocess.run([sys.executable, str(root / "run.py"), "describe", "--all"], capture_output=True,
                            text=True, cwd=root, timeout=300, check=True)
    lines = result.stdout.splitlines()
    for name, p in PARAMETERS.items():
        row = next(i for i, line in enumerate(lines) if line.split(" ", 1)[0] == name)
        detail = lines[row + 1]
        assert p.basis in detail, name
        assert (str(p.prior) if p.prior is not None else "none (") in detail, name
    counts = provenance_counts()
    assert f"{len(PARAMETERS)} parameters: {counts['sourced']} sourced, {counts['calibrated']} calibrated" in lines[-1]


def test_provenance_counts_add_up():
    counts = provenance_counts()
    assert sum(counts[k] for k in ("sourced", "calibrated", "assumed", "undocumented")) == len(PARAMETERS)
    assert counts["with_prior"] + counts["switches"] + counts["structural"] == len(PARAMETERS)


def test_sample_priors_is_reproducible_in_support_and_feasible():
    a = sample_priors(np.random.default_rng(3), 500)
    b = sample_priors(np.random.default_rng(3), 500)
    assert a.keys() == b.keys() and all(np.array_equal(a[k], b[k]) for k in a)
    for name, values in a.items():
        lo, hi = PARAMETERS[name].plausible
        assert values.min() >= lo and values.max() <= hi, name
    assert feasible(a).all()
    narrowed = {"youth_share": Prior.uniform(0.3, 0.4), "retired_share": Prior.uniform(0.45, 0.5)}
    saved = {n: PARAMETERS[n] for n in narrowed}
    try:  # priors that may break a constraint: infeasible draws are redrawn
        for n, prior in narrowed.items():
            PARAMETERS[n] = replace(PARAMETERS[n], prior=prior)
        c = sample_priors(np.random.default_rng(1), 300, list(narrowed))
        assert (c["youth_share"] + c["retired_share"] <= 1.0 + 1e-12).all()
    finally:
        PARAMETERS.update(saved)
    with pytest.raises(UserError, match="no prior"):
        sample_priors(np.random.default_rng(1), 3, ["points.enabled"])
