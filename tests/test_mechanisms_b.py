"""Batch-B mechanisms (property, organisations, deliberation, money and projects) and pattern P2.

Every comparison is paired on common seeds (the same seed with and without the mechanism) at the
default 1,920 households; a claim holds when a one-sided Wilcoxon signed-rank test gives p < 0.01
(10 seeds: every pair must agree but at most one small one). Weekly metrics are averaged over the
last 26 weeks. Property claims use the ``old_compound`` scenario, where the baseline firms are weak
enough for the property-management vicious circle (P2) to show.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from model.domains import CARE, age_weights
from model.mechanisms import MECHANISMS
from model.model import CoGovernanceModel
from model.parameters import PARAMETERS

SEEDS = tuple(range(1, 11))
PATTERN_SEEDS = tuple(range(1, 21))  # patterns P1–P7 are tested over at least 20 seeds
WEEKS = 104
ALPHA = 0.01
LAST = 26  # horizon window (weeks) for weekly metrics
BATCH_B = ("red_property", "red_black_list", "owner_account_oversight", "social_org_support", "deliberation",
           "community_fund", "renewal_projects", "professional_support", "funding_mix")


@dataclass(frozen=True)
class Run:
    """What a test needs from one run."""

    frame: pd.DataFrame
    worst_firm: float  # mean over the last LAST weeks of the lowest quality of any firm in place
    experienced: np.ndarray  # (6,) households' mean experienced quality by domain at the horizon
    weighted_experience: float  # mean Σ_d w_d·q_d (households' own domain weights) at the horizon
    project_lift: float  # mean Σ_d w_d·(quality lift from completed projects) per household at the horizon
    new_project_lift: float  # the same minus what is left at the horizon of the week-0 stock (depreciated)
    social_orgs: int
    costs: float  # mechanism cost over the run

    def last(self, metric: str) -> float:
        return float(self.frame[metric].iloc[-LAST:].mean())


@cache
def _run(scenario: str, overrides: tuple[tuple[str, object], ...], seed: int, weeks: int) -> Run:
    m = CoGovernanceModel(scenario, seed=seed, **dict(overrides))
    weights = age_weights(m.p)[m.households.age_group]
    lay = m.layout
    lift0 = float((weights * (m.grid_boost[lay.grid_of] + m.building_boost[lay.building_of])).sum(axis=1).mean())
    carried = lift0 * (1.0 - m.p["project_depreciation_per_year"] / 52.0) ** weeks
    worst = []
    for week in range(weeks):
        m.step()
        if week >= weeks - LAST:
            worst.append(min((f.quality for f in m.firms if f.present), default=np.nan))
    q = m.service_quality.by_household()
    lift = m.grid_boost[lay.grid_of] + m.building_boost[lay.building_of]
    frame = m.datacollector.get_model_vars_dataframe()
    total_lift = float((weights * lift).sum(axis=1).mean())
    return Run(frame, float(np.nanmean(worst)), q.mean(axis=0), float((weights * q).sum(axis=1).mean()),
               total_lift, total_lift - carried,
               len(m.social_orgs), float(frame["mechanism_cost"].sum()))


#: Old compounds are studied from their low initial quality: the property vicious circle (P2) is a
#: transient from that initial condition (after a warm-up the compounds it empties are already empty).
COLD = {"warmup_weeks": 0}


def runs(overrides: dict | None = None, scenario: str = "baseline", weeks: int = WEEKS,
         seeds: tuple[int, ...] = SEEDS) -> list[Run]:
    if scenario == "old_compound":
        overrides = {**COLD, **(overrides or {})}
    key = tuple(sorted((overrides or {}).items()))
    return [_run(scenario, key, s, weeks) for s in seeds]


def on(key: str, **params: object) -> dict[str, object]:
    return {f"{key}__enabled": True, **{f"{key}__{k}": v for k, v in params.items()}}


def greater(a: list[float] | np.ndarray, b: list[float] | np.ndarray) -> float:
    """p-value of the one-sided paired Wilcoxon test that a > b."""
    return float(stats.wilcoxon(np.asarray(a, float) - np.asarray(b, float), alternative="greater").pvalue)


def within_noise(a: np.ndarray, b: np.ndarray, tolerance: float) -> bool:
    """No significant paired difference either way, and a small mean difference."""
    d = np.asarray(a, float) - np.asarray(b, float)
    if np.all(d == 0):
        return True
    return bool(stats.wilcoxon(d).pvalue > ALPHA and abs(d.mean()) < tolerance)


def metric(rs: list[Run], name: str) -> np.ndarray:
    return np.array([r.last(name) for r in rs])


def final(rs: list[Run], name: str) -> np.ndarray:
    return np.array([float(r.frame[name].iloc[-1]) for r in rs])


def same_frames(a: list[Run], b: list[Run], ignore: tuple[str, ...] = ()) -> bool:
    return all(x.frame.drop(columns=list(ignore)).equals(y.frame.drop(columns=list(ignore)))
               for x, y in zip(a, b, strict=True))


COST = ("mechanism_cost", "mechanism_cost_total")


@pytest.fixture(scope="module")
def base() -> list[Run]:
    return runs()


@pytest.fixture(scope="module")
def old() -> list[Run]:
    return runs(scenario="old_compound")


# -- declarations -----------------------------------------------------------------------------
@pytest.mark.parametrize("key", BATCH_B)
def test_declared_with_sources_parameters_and_cost(key: str) -> None:
    cls = MECHANISMS[key]
    assert cls.sources and all(s[:3].isdigit() for s in cls.sources)
    assert cls.parameters and all(f"{key}.{mp.name}" in PARAMETERS for mp in cls.parameters)
    r = runs(on(key), scenario="old_compound", weeks=30, seeds=(1,))[0]
    assert r.costs > 0, f"{key} reports no cost"


def test_mechanisms_combine_levers_without_overwriting() -> None:
    """Additive levers add and factors multiply when several batch-B mechanisms are on together."""
    m = CoGovernanceModel("baseline", seed=1, **on("red_property"), **on("renewal_projects"), **on("funding_mix"),
                          **on("community_fund"), **on("social_org_support"), **on("professional_support"))
    p, lv = m.p, m.levers
    per_community = m.layout.households_per_community / 1000  # resources are declared per 1,000 households
    assert lv.margin_factor == pytest.approx(1.0 - p["red_property.margin_cut"])
    added = (p["renewal_projects.extra_budget"] + p["funding_mix.soe_per_quarter"]) * per_community
    fiscal = p["project_budget_per_quarter"] * per_community
    assert lv.project_budget_extra == pytest.approx(added + p["funding_mix.leverage"] * fiscal)
    assert lv.project_build_factor == pytest.approx(p["renewal_projects.build_factor"])
    assert lv.need_ranking == 1.0 and lv.backstop_firm
    m.run(13)  # the community fund adds its quarter's money on top; its grants and the support's buy hours
    assert lv.project_budget_extra > added + p["funding_mix.leverage"] * fiscal
    grants = p["social_org_support.grant"] * per_community / (13 * p["so_hour_cost"])
    assert lv.so_funded_hours[0] > grants


# -- red_property -----------------------------------------------------------------------------
def test_red_property_raises_firm_quality_and_trust_and_cuts_exits(old) -> None:
    mech = runs(on("red_property"), scenario="old_compound")
    assert greater(metric(mech, "firm_quality_mean"), metric(old, "firm_quality_mean")) < ALPHA
    assert greater(metric(mech, "trust_property_mean"), metric(old, "trust_property_mean")) < ALPHA
    assert greater(metric(mech, "fee_collection_rate"), metric(old, "fee_collection_rate")) < ALPHA
    assert final(mech, "firm_exits").sum() < final(old, "firm_exits").sum()
    # paid partly with the grid Party branches' organising hours: fewer volunteer slots and a little
    # less participation; without branch hours participation stays within noise
    assert greater(metric(old, "volunteer_slots"), metric(mech, "volunteer_slots")) < ALPHA
    drop = metric(old, "participation_monthly") - metric(mech, "participation_monthly")
    assert 0.0 <= drop.mean() < 0.01
    margin_only = runs(on("red_property", branch_hours=0.0), scenario="old_compound")
    assert within_noise(metric(margin_only, "participation_monthly"), metric(old, "participation_monthly"), 0.01)
    assert greater(metric(margin_only, "firm_quality_mean"), metric(old, "firm_quality_mean")) < ALPHA


# -- red_black_list ---------------------------------------------------------------------------
def test_red_black_list_lifts_the_worst_firms(old) -> None:
    mech = runs(on("red_black_list"), scenario="old_compound")
    worst_mech, worst_old = [r.worst_firm for r in mech], [r.worst_firm for r in old]
    assert greater(worst_mech, worst_old) < ALPHA
    assert np.mean(worst_mech) - np.mean(worst_old) > 0.05
    assert final(mech, "firm_replacements").sum() > 0  # some black-listed firms were replaced
    assert within_noise(metric(mech, "participation_monthly"), metric(old, "participation_monthly"), 0.01)


def test_red_black_list_rectification_alone_lifts_quality_without_replacements() -> None:
    """Twenty seeds: after the warm-up the worst firm differs from seed to seed, so ten leave the
    paired test short of power."""
    old = runs(scenario="old_compound", seeds=PATTERN_SEEDS)
    mech = runs(on("red_black_list", replace_prob=0.0), scenario="old_compound", seeds=PATTERN_SEEDS)
    assert final(mech, "firm_replacements").sum() == 0
    assert greater([r.worst_firm for r in mech], [r.worst_firm for r in old]) < ALPHA


# -- owner_account_oversight ------------------------------------------------------------------
def test_owner_account_oversight_raises_fee_collection(base, old) -> None:
    for ref, scenario in ((base, "baseline"), (old, "old_compound")):
        mech = runs(on("owner_account_oversight"), scenario=scenario)
        assert greater(metric(mech, "fee_collection_rate"), metric(ref, "fee_collection_rate")) < ALPHA, scenario
    mech = runs(on("owner_account_oversight"))
    assert metric(mech, "fee_collection_rate").mean() - metric(base, "fee_collection_rate").mean() > 0.02
    assert within_noise(metric(mech, "participation_monthly"), metric(base, "participation_monthly"), 0.01)


def test_owner_account_oversight_with_no_bonus_is_the_baseline(base) -> None:
    assert same_frames(runs(on("owner_account_oversight", audit_hours=0.0), seeds=SEEDS[:3]), base[:3], ignore=COST)


def test_owner_account_oversight_works_through_trust_in_the_firm(base) -> None:
    """Published accounts move trust in the firm toward the share of fees spent on service (last
    month's effort / revenue), at the declared rate; trust then raises payment."""
    mech = runs(on("owner_account_oversight"))
    assert greater(metric(mech, "trust_property_mean"), metric(base, "trust_property_mean")) < ALPHA
    m = CoGovernanceModel("baseline", seed=1, **on("owner_account_oversight"))
    m.run(8)
    before = m.households.trust_property.copy()
    m.mechanisms["owner_account_oversight"].property(m)
    revealed = np.array([min(1.0, f.effort / f.revenue) for f in m.firms])[m.layout.grid_of]
    rate = m.p["owner_account_oversight.trust_rate"]  # audit hours cover every compound at the defaults
    assert np.allclose(m.households.trust_property, before + rate * (revealed - before))


# -- social_org_support -----------------------------------------------------------------------
def test_social_org_support_more_organisations_care_culture_and_slots(base) -> None:
    mech = runs(on("social_org_support"))
    target = PARAMETERS["social_org_support.target_per_community"].default
    assert all(r.social_orgs == target for r in mech)  # 3 → 6 by one a quarter within two years
    for name in ("quality_care", "quality_culture", "volunteer_slots"):
        assert greater(metric(mech, name), metric(base, name)) < ALPHA, name
    assert metric(mech, "volunteer_slots").mean() > 1.3 * metric(base, "volunteer_slots").mean()
    assert within_noise(metric(mech, "firm_quality_mean"), metric(base, "firm_quality_mean"), 0.01)


def test_social_org_support_at_zero_strength_is_the_baseline(base) -> None:
    zero = runs(on("social_org_support", incubation_budget=0.0, grant=0.0), seeds=SEEDS[:3])
    assert same_frames(zero, base[:3], ignore=COST)


# -- deliberation -----------------------------------------------------------------------------
def test_deliberation_raises_efficacy_and_attendance(base) -> None:
    mech = runs(on("deliberation"))
    assert greater(metric(mech, "efficacy_mean"), metric(base, "efficacy_mean")) < ALPHA
    assert greater(metric(mech, "deliberation_attendance"), metric(base, "deliberation_attendance")) < ALPHA
    assert within_noise(metric(mech, "fee_collection_rate"), metric(base, "fee_collection_rate"), 0.01)


@pytest.mark.slow
def test_p7_deliberation_helps_more_where_participation_is_higher() -> None:
    """docs/specification.md P7: more people want the seats where participation is already higher."""
    high = {"part_base": PARAMETERS["part_base"].default + 1.0}
    base = runs(seeds=PATTERN_SEEDS)
    base_hi, mech_hi = runs(high, seeds=PATTERN_SEEDS), runs({**high, **on("deliberation")}, seeds=PATTERN_SEEDS)
    mech = runs(on("deliberation"), seeds=PATTERN_SEEDS)
    assert greater(metric(base_hi, "participation_monthly"), metric(base, "participation_monthly")) < ALPHA
    gain_hi = metric(mech_hi, "efficacy_mean") - metric(base_hi, "efficacy_mean")
    gain_lo = metric(mech, "efficacy_mean") - metric(base, "efficacy_mean")
    assert greater(gain_hi, gain_lo) < ALPHA


# -- community_fund ---------------------------------------------------------------------------
def test_community_fund_completes_more_projects(base) -> None:
    mech = runs(on("community_fund"))
    assert greater(final(mech, "projects_completed"), final(base, "projects_completed")) < ALPHA
    assert greater(final(mech, "project_spend_total"), final(base, "project_spend_total")) < ALPHA
    assert within_noise(metric(mech, "participation_monthly"), metric(base, "participation_monthly"), 0.01)


def test_community_fund_donations_grow_with_trust() -> None:
    lo = CoGovernanceModel("baseline", seed=1, **on("community_fund"))
    hi = CoGovernanceModel("baseline", seed=1, **on("community_fund"))
    hi.households.trust_community[:] = 0.9
    lo.households.trust_community[:] = 0.1
    for m in (lo, hi):
        m.mechanisms["community_fund"].projects(m)
    assert hi.mechanisms["community_fund"].donations_total > 5 * lo.mechanisms["community_fund"].donations_total


# -- renewal_projects -------------------------------------------------------------------------
def test_renewal_need_ranked_beats_top_down_at_equal_budget(base) -> None:
    equal = runs(on("renewal_projects", extra_budget=0.0))
    assert np.allclose(final(equal, "project_spend_total").mean(), final(base, "project_spend_total").mean(), rtol=0.1)
    assert greater([r.weighted_experience for r in equal], [r.weighted_experience for r in base]) < ALPHA
    assert greater(metric(equal, "satisfaction_mean"), metric(base, "satisfaction_mean")) < ALPHA


def test_renewal_with_its_budget_lifts_care_and_what_residents_experience(old) -> None:
    """With its extra money the demand list adds care stations (the largest need per yuan); the
    library's infrastructure projects (lifts, pipes, parking) reach fewer households per yuan, so
    infrastructure is not reliably lifted (see the report of batch B)."""
    mech = runs(on("renewal_projects"), scenario="old_compound")
    assert greater([r.experienced[CARE] for r in mech], [r.experienced[CARE] for r in old]) < ALPHA
    assert greater([r.weighted_experience for r in mech], [r.weighted_experience for r in old]) < ALPHA
    assert greater(metric(mech, "satisfaction_mean"), metric(old, "satisfaction_mean")) < ALPHA
    assert greater(final(mech, "project_spend_total"), final(old, "project_spend_total")) < ALPHA  # its budget spent


# -- professional_support ---------------------------------------------------------------------
def test_professional_support_raises_project_effect(base) -> None:
    mech = runs(on("professional_support"))
    assert greater([r.project_lift for r in mech], [r.project_lift for r in base]) < ALPHA
    # the lift added since week 0 (the spun-up stock carried from before depreciates alike in both)
    assert np.mean([r.new_project_lift for r in mech]) > 1.2 * np.mean([r.new_project_lift for r in base])
    # the same money: spend is within one project of the baseline's on average
    assert abs(final(mech, "project_spend_total").mean() - final(base, "project_spend_total").mean()) < 150_000
    assert within_noise(metric(mech, "fee_collection_rate"), metric(base, "fee_collection_rate"), 0.01)


# -- funding_mix ------------------------------------------------------------------------------
def test_funding_mix_fewer_unmanaged_weeks_and_more_project_spend(old) -> None:
    mech = runs(on("funding_mix"), scenario="old_compound")
    managed = [float(r.frame["firms_present"].iloc[1:].mean()) for r in mech]
    assert greater(managed, [float(r.frame["firms_present"].iloc[1:].mean()) for r in old]) < ALPHA
    # no "every compound managed at the horizon" claim: the backstop is paid out of a budget (a firm
    # whose losses exceed it loses its guarantee), and a firm that exits waits for the next monthly
    # step, so a run can end with a compound briefly unmanaged
    assert greater(final(mech, "project_spend_total"), final(old, "project_spend_total")) < ALPHA
    # a managed compound raises fewer issues, so fewer households report (part of monthly
    # participation); volunteering, which the backstop does not touch, stays within noise
    assert within_noise(metric(mech, "volunteer_hours_per_100"), metric(old, "volunteer_hours_per_100"), 0.3)


# -- pattern P2 -------------------------------------------------------------------------------
P2_SEEDS = PATTERN_SEEDS  # the first ten are shared with the tests above (cached)


@pytest.mark.slow
def test_p2_property_vicious_circle_in_old_compounds() -> None:
    """Low initial quality and no owners' committee: in a noticeable share of runs collection falls
    and firms exit (小区失管); with an owners' committee fewer do; the default baseline stays healthy.
    The specification's other remedy, the red/black list, is not asserted: on this version of the model
    (the list reads the quarter's survey; rectification is paid from the firm's cash) it lowers exits
    only within noise (9 → 5 exits over 20 seeds, paired p = 0.13; docs/results-changes.md)."""
    rs = runs(scenario="old_compound", seeds=P2_SEEDS)
    exits = final(rs, "firm_exits")
    assert 0.25 <= np.mean(exits > 0) <= 0.9
    fell = [r.frame["fee_collection_rate"].iloc[13:].min() < r.frame["fee_collection_rate"].iloc[1:5].mean() - 0.05
            for r in rs]
    assert np.mean(fell) >= 0.5
    fewer = final(runs({"owners_committee_share": 1.0}, scenario="old_compound", seeds=P2_SEEDS), "firm_exits")
    assert fewer.sum() < 0.5 * exits.sum()
    assert greater(exits, fewer) < 0.05
    healthy = runs(seeds=P2_SEEDS)
    assert np.mean(final(healthy, "firm_exits") == 0) >= 0.9
    assert 0.85 <= metric(healthy, "fee_collection_rate").mean() <= 0.95
    assert 0.45 <= metric(healthy, "satisfaction_mean").mean() <= 0.65


def test_red_black_list_waits_run_from_the_week_surfaced_in_the_warm_up_too() -> None:
    """The firms' rating counts an issue's wait from the week it surfaced, as the households' feedback
    does, also for issues that surfaced in the warm-up (negative weeks); an issue closed before it
    surfaced (surfaced = NO_WEEK) waits from the week it was created."""
    from model.issues import NO_WEEK

    model = CoGovernanceModel("co_governance_full", seed=1, warmup_weeks=0)
    rbl = model.mechanisms["red_black_list"]
    expect = model.p["expected_resolution_weeks"]
    n = model.layout.n_grids
    rbl.outcome_sum[:], rbl.outcome_n[:] = 0.0, 0.0
    rbl._done_weeks = [-50, 3]
    rbl._done_surfaced = [np.array([-60]), np.array([NO_WEEK])]
    rbl._done_created = [np.array([-70]), np.array([-10])]
    rbl._done_grids = [np.array([0]), np.array([1 % n])]
    rbl._failed_grids = []
    rbl._tally(n)
    outcome = lambda wait: float(np.clip(1.0 - 0.5 * max(0.0, wait - expect) / expect, 0.0, 1.0))  # noqa: E731
    expected = np.zeros(n)
    expected[0] += outcome(10.0)  # surfaced in warm-up week -60, closed in week -50
    expected[1 % n] += outcome(13.0)  # never surfaced: from creation in week -10 to week 3
    assert np.allclose(rbl.outcome_sum, expected)
    assert outcome(10.0) != outcome(20.0)  # the check tells the two starts apart
