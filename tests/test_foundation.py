"""Foundation: determinism, conservation and bounds, scenarios, the Python API, agents as views."""

from __future__ import annotations

import io

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from experiments.one_run import run_scenario
from model.issues import EXPIRED, LATENT, OPEN, RESOLVED
from model.model import CoGovernanceModel
from model.parameters import PARAMETERS
from scenarios import list_scenarios, load_scenario

SMALL = {"grids": 3, "buildings_per_grid": 3, "households_per_building": 12}
SHARE_METRICS = [
    "satisfaction_mean", "satisfied_share", "participation_monthly", "fee_collection_rate", "firm_quality_mean",
    "trust_community_mean", "trust_property_mean", "motivation_mean", "efficacy_mean", "aspiration_mean",
    "participation_youth", "participation_working", "participation_retired", "satisfaction_youth",
    "satisfaction_working", "satisfaction_retired", "deliberation_attendance", "survey_satisfied_share",
    "survey_satisfied_se", "hotline_resolution_rate", "hotline_satisfaction_rate", "ontime_closure_rate",
    "participation_annual", "volunteer_share_annual", "reporting_share_month",
] + [f"quality_{d}" for d in ("property", "environment", "safety", "care", "culture", "infrastructure")]


def parquet_bytes(frame: pd.DataFrame) -> bytes:
    buf = io.BytesIO()
    frame.to_parquet(buf, index=False)
    return buf.getvalue()


def test_same_seed_bit_identical_parquet() -> None:
    a = run_scenario("points", seed=7, weeks=40, overrides={"points__crowding": 0.5})
    b = run_scenario("points", seed=7, weeks=40, overrides={"points.crowding": 0.5})
    assert parquet_bytes(a) == parquet_bytes(b)


def test_different_seed_differs() -> None:
    a = run_scenario("baseline", seed=1, weeks=20)
    b = run_scenario("baseline", seed=2, weeks=20)
    assert not a.equals(b)


def test_every_metric_of_model_md_section_9_is_reported() -> None:
    frame = run_scenario("baseline", seed=1, weeks=2)
    expected = {
        "satisfaction_mean", "satisfied_share", "satisfaction_youth", "satisfaction_owners", "satisfaction_renters",
        "satisfaction_grid_sd", "satisfaction_gini", "survey_satisfied_share", "participation_monthly",
        "volunteer_hours_per_100", "deliberation_attendance", "reporting_rate", "participation_morans_i",
        "issues_created", "issues_open", "issues_latent", "issues_resolved", "issues_expired",
        "resolution_weeks_mean", "resolution_weeks_p90", "cross_resolution_weeks_mean", "buck_passing_events",
        "escalations", "fee_collection_rate", "firm_quality_mean", "firms_in_loss", "firm_exits",
        "firm_replacements", "trust_community_mean", "trust_property_mean", "motivation_mean", "efficacy_mean",
        "points_issued", "points_redeemed", "mechanism_cost", "project_spend_total", "projects_completed",
    }
    assert expected <= set(frame.columns)
    assert list(frame["week"]) == [0, 1, 2]


@pytest.mark.parametrize("scenario", list_scenarios())
def test_every_shipped_scenario_runs_20_weeks(scenario: str) -> None:
    model = CoGovernanceModel(scenario, seed=3)
    model.run(20)
    frame = model.datacollector.get_model_vars_dataframe()
    assert len(frame) == 21
    assert model.issues.conserved()
    assert 0.0 <= frame["satisfaction_mean"].iloc[-1] <= 1.0
    model.remove()


def check_invariants(model: CoGovernanceModel) -> None:
    iss, hh = model.issues, model.households
    status = iss.status[: iss.size]  # live rows and the closed ones not folded into the counters yet
    counts = {s: int(np.count_nonzero(status == s)) for s in (LATENT, OPEN, RESOLVED, EXPIRED)}
    assert iss.created_total == sum(counts.values()) + iss.folded == iss.size + iss.folded
    assert counts[LATENT] == iss.count(LATENT) and counts[OPEN] == iss.count(OPEN)
    assert counts[RESOLVED] + counts[EXPIRED] + iss.folded == iss.resolved_total + iss.expired_total
    assert iss.conserved()
    for name in ("satisfaction", "aspiration", "trust_community", "trust_property", "motivation", "efficacy"):
        values = getattr(hh, name)
        assert np.all((values >= 0.0) & (values <= 1.0)), name
    assert np.all(hh.points >= 0.0)
    assert np.all((model.quality >= 0.0) & (model.quality <= 1.0))
    assert np.all(model.projects.budget >= -1e-9)
    assert all(0.0 <= f.quality <= 1.0 for f in model.firms)
    assert np.all(iss.remaining[: iss.size] >= -1e-9)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    buck=st.floats(0.0, 1.0), cross=st.floats(0.0, 1.0), owner=st.floats(0.0, 1.0),
    retired=st.floats(0.0, 0.6), youth=st.floats(0.0, 0.4), firm_share=st.floats(0.0, 1.0),
    oc_share=st.floats(0.0, 1.0), fee=st.floats(0.0, 600.0), issue_rate=st.floats(0.0, 12.0),
    crowding=st.floats(-1.0, 1.0), points_on=st.booleans(), linkage_on=st.booleans(),
    quality_low=st.floats(0.0, 0.5), seed=st.integers(0, 2**31 - 1),
)
def test_conservation_and_bounds_on_random_parameter_sets(
    buck: float, cross: float, owner: float, retired: float, youth: float, firm_share: float, oc_share: float,
    fee: float, issue_rate: float, crowding: float, points_on: bool, linkage_on: bool, quality_low: float,
    seed: int,
) -> None:
    model = CoGovernanceModel(
        "baseline", seed=seed, buck_pass_prob=buck, cross_boundary_share=cross, owner_share=owner,
        retired_share=retired, youth_share=youth, firm_share=firm_share, owners_committee_share=oc_share,
        fee=fee, issue_rate_per_year=issue_rate, initial_quality_low=quality_low, points__enabled=points_on,
        **({"points__crowding": crowding} if points_on else {}),  # refused while points is off (issue 14)
        three_party_linkage__enabled=linkage_on, exit_weeks=8, **SMALL,
    )
    check_invariants(model)
    for _ in range(30):
        model.step()
        check_invariants(model)
    frame = model.datacollector.get_model_vars_dataframe()
    for metric in SHARE_METRICS:
        values = frame[metric].dropna()
        assert ((values >= 0.0) & (values <= 1.0)).all(), metric
    assert (frame[["points_issued", "points_redeemed", "mechanism_cost", "project_spend_total"]] >= 0).all().all()
    model.remove()


def test_python_api_overrides_and_resident_views() -> None:
    model = CoGovernanceModel(scenario="baseline", seed=1, points__enabled=True, buck_pass_prob=0.1)
    assert model.p["points.enabled"] is True and model.p["buck_pass_prob"] == 0.1
    assert "points" in model.mechanisms
    resident = model.residents[5]
    assert resident.satisfaction == model.households.satisfaction[5]
    resident.satisfaction = 0.9
    assert model.households.satisfaction[5] == 0.9
    assert resident.age_group in ("youth", "working", "retired")
    assert len(model.agents_by_type[type(resident)]) == model.layout.n_households
    model.run(3)
    assert model.week == 3 and model.steps == 3
    assert len(model.network.neighbours(0)) >= model.p["households_per_building"] - 1


def test_resident_views_are_made_on_demand_and_mesa_sees_every_household() -> None:
    model = CoGovernanceModel(scenario="baseline", seed=2)
    n = model.layout.n_households
    assert not any(type(a).__name__ == "Resident" for a in model._agents)  # none made at set-up
    view = model.residents[7]
    assert model.residents[7] is view and model.residents[-1].index == n - 1 and len(model.residents) == n
    everyone = list(model.agents)  # Mesa's agent set: every household first, ids 1..n, then the organisations
    assert [a.unique_id for a in everyone] == list(range(1, len(everyone) + 1))
    assert [a.index for a in everyone[:n]] == list(range(n)) and everyone[7] is view
    assert model.agent_types[0] is type(view) and len(model.agents_by_type[type(view)]) == n
    model.run(2)
    assert len(model.agents) == len(everyone)
    model.remove()


def test_large_street_builds_and_steps() -> None:
    model = CoGovernanceModel("baseline", seed=1, n_communities=50)
    assert model.layout.n_households == 96_000
    model.run(3)
    check_invariants(model)
    model.remove()


def test_scenario_inheritance_and_sources() -> None:
    scen = load_scenario("old_compound")
    assert scen.params["owners_committee_share"] == 0.0
    assert scen.source_of["owners_committee_share"] == "old_compound"
    assert "buck_pass_prob" not in scen.source_of
    assert load_scenario("points").mechanisms == ["points"]


def test_parameter_declarations_are_complete() -> None:
    for param in PARAMETERS.values():
        assert param.label_zh and param.label_en and param.description, param.name
        param.check(param.default, "declaration")


def test_every_metric_has_both_language_labels_and_a_unit() -> None:
    from model.reporters import METRIC_INFO, REPORTERS, WEEKLY_FLOWS

    for name in REPORTERS:
        zh, en, unit = METRIC_INFO[name]
        assert zh and en and unit, name
    assert set(WEEKLY_FLOWS) <= set(REPORTERS)
