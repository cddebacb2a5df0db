"""Batch-A mechanisms: each moves what it claims to move, across seeds, and leaves alone what it should.

Every comparison is paired on common seeds (the same seed with and without the mechanism) at the
default 1,920 households, and a claim holds when a one-sided Wilcoxon signed-rank test gives
p < 0.01 (10 seeds: every pair must agree but at most one small one). Issue-level claims (resolution
times by kind) are read from the issue table; issues created in weeks 8 .. horizon − 26 are counted,
so late ones have had time to be resolved.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from model.domains import DISPUTE, INFRASTRUCTURE
from model.issues import EXPIRED, RESOLVED
from model.model import CoGovernanceModel

SEEDS = tuple(range(1, 11))
WEEKS = 104
ALPHA = 0.01
LAST = 26  # horizon window (weeks) for weekly metrics


@dataclass(frozen=True)
class Run:
    """What a test needs from one run."""

    frame: pd.DataFrame
    issues: dict[str, float]
    active: np.ndarray  # per household: share of the last LAST weeks it was active (took part)
    party: np.ndarray  # per household: Party member
    party_exposure: np.ndarray  # per household: share of network neighbours who are Party members
    model: CoGovernanceModel

    def last(self, metric: str) -> float:
        return float(self.frame[metric].iloc[-LAST:].mean())


def _mean(x: np.ndarray) -> float:
    return float(x.mean()) if x.size else float("nan")


def _issue_stats(m: CoGovernanceModel) -> dict[str, float]:
    iss, n = m.issues, m.issues.size
    created = iss.created[:n]
    window = (created >= 8) & (created <= m.week - 26)
    resolved = iss.status[:n] == RESOLVED
    weeks = (iss.resolved[:n] - created).astype(float)
    out: dict[str, float] = {"expired": float(iss.expired_total),
                             "expired_open": float(((iss.status[:n] == EXPIRED) & (iss.surfaced[:n] >= 0)).sum())}
    groups = {"all": window, "infra": window & (iss.kind[:n] == INFRASTRUCTURE), "cross": window & iss.cross[:n],
              "dispute": window & (iss.kind[:n] == DISPUTE)}
    for name, sel in groups.items():
        done = sel & resolved
        out[f"{name}_weeks"] = _mean(weeks[done])
        out[f"{name}_within8"] = float((done & (weeks <= 8)).sum() / max(sel.sum(), 1))
        surfaced = done & (iss.surfaced[:n] >= 0)
        out[f"{name}_wait"] = _mean(iss.resolved[:n][surfaced] - iss.surfaced[:n][surfaced])
    return out


@cache
def _run(overrides: tuple[tuple[str, object], ...], seed: int, weeks: int) -> Run:
    m = CoGovernanceModel("baseline", seed=seed, keep_closed_issues=True, **dict(overrides))  # _issue_stats
    active = np.zeros(m.layout.n_households)
    for week in range(weeks):
        m.step()
        if week >= weeks - LAST:
            active += m.active_mask
    hh = m.households
    return Run(m.datacollector.get_model_vars_dataframe(), _issue_stats(m), active / LAST, hh.party_member.copy(),
               m.network.neighbour_mean(hh.party_member.astype(float)), m)


def runs(overrides: dict | None = None, weeks: int = WEEKS, seeds: tuple[int, ...] = SEEDS) -> list[Run]:
    key = tuple(sorted((overrides or {}).items()))
    return [_run(key, s, weeks) for s in seeds]


def on(key: str, **params: object) -> dict[str, object]:
    return {f"{key}__enabled": True, **{f"{key}__{k}": v for k, v in params.items()}}


def greater(a: list[float] | np.ndarray, b: list[float] | np.ndarray) -> float:
    """p-value of the one-sided paired Wilcoxon test that a > b."""
    return float(stats.wilcoxon(np.asarray(a, float) - np.asarray(b, float), alternative="greater").pvalue)


def metric(rs: list[Run], name: str) -> np.ndarray:
    return np.array([r.last(name) for r in rs])


def issue(rs: list[Run], name: str) -> np.ndarray:
    return np.array([r.issues[name] for r in rs])


def same_frames(a: list[Run], b: list[Run], ignore: tuple[str, ...] = ()) -> bool:
    return all(x.frame.drop(columns=list(ignore)).equals(y.frame.drop(columns=list(ignore))) for x, y in zip(a, b, strict=True))


@pytest.fixture(scope="module")
def base() -> list[Run]:
    return runs()


# -- whistle_report ---------------------------------------------------------------------------
def test_whistle_report_shortens_escalated_infrastructure_and_cross_boundary_resolution(base) -> None:
    mech = runs(on("whistle_report"))
    for name in ("infra_weeks", "cross_weeks", "all_weeks"):
        assert greater(issue(base, name), issue(mech, name)) < ALPHA, name
    assert greater(issue(mech, "infra_within8"), issue(base, "infra_within8")) < ALPHA
    assert issue(base, "infra_weeks").mean() - issue(mech, "infra_weeks").mean() > 5.0  # weeks
    assert greater([r.model.issues.escalations_total for r in mech],
                   [r.model.issues.escalations_total for r in base]) < ALPHA
    assert np.all(metric(mech, "volunteer_slots") == metric(base, "volunteer_slots"))
    p = mech[0].model.p
    assert mech[0].frame["mechanism_cost"].iloc[-1] == pytest.approx(
        p["whistle_report.priority_hours"] * p["whistle_report.hour_cost"] + p["whistle_report.admin_cost_per_week"])


@pytest.mark.slow
def test_whistle_report_means_fewer_expired_issues_over_three_years() -> None:
    base3, mech3 = runs(weeks=156), runs(on("whistle_report"), weeks=156)
    assert greater(issue(base3, "expired"), issue(mech3, "expired")) < ALPHA
    assert greater(issue(base3, "expired_open"), issue(mech3, "expired_open")) < ALPHA


def test_whistled_issues_are_not_passed_on() -> None:
    m = runs(on("whistle_report"), seeds=(3,))[0].model
    iss = m.issues
    a = iss.active
    assert np.all(iss.partner[a[iss.escalated[a]]] == -1)
    assert np.all(iss.holder[a[iss.escalated[a]]] == m.holders.street)


# -- hotline ----------------------------------------------------------------------------------
def test_hotline_more_reports_and_faster_resolution(base) -> None:
    mech = runs(on("hotline"))
    assert greater(metric(mech, "reporting_rate"), metric(base, "reporting_rate")) < ALPHA
    assert metric(mech, "reporting_rate").mean() > 1.2 * metric(base, "reporting_rate").mean()
    assert greater(issue(base, "all_weeks"), issue(mech, "all_weeks")) < ALPHA
    assert greater(issue(mech, "all_within8"), issue(base, "all_within8")) < ALPHA
    # the volunteer side is not what a hotline moves
    vol = metric(mech, "volunteer_hours_per_100") - metric(base, "volunteer_hours_per_100")
    assert abs(vol.mean()) < 0.2


# -- grid_management --------------------------------------------------------------------------
def test_grid_management_finds_latent_issues_before_complaints(base) -> None:
    mech = runs(on("grid_management"))
    assert greater(metric(mech, "issues_discovered"), metric(base, "issues_discovered")) < ALPHA
    assert greater(metric(base, "issues_latent"), metric(mech, "issues_latent")) < ALPHA
    assert greater(issue(base, "expired"), issue(mech, "expired")) < ALPHA
    assert metric(mech, "issues_latent").mean() < 0.8 * metric(base, "issues_latent").mean()


def test_grid_management_with_no_workers_is_the_baseline(base) -> None:
    assert same_frames(runs(on("grid_management", grid_workers=0.0), seeds=SEEDS[:3]), base[:3])


# -- party_structure --------------------------------------------------------------------------
def test_party_structure_raises_participation_most_for_party_members_and_neighbours(base) -> None:
    mech = runs(on("party_structure"))
    assert greater(metric(mech, "participation_monthly"), metric(base, "participation_monthly")) < ALPHA
    gain_party = [m.active[m.party].mean() - b.active[b.party].mean() for m, b in zip(mech, base, strict=True)]
    gain_rest = [m.active[~m.party].mean() - b.active[~b.party].mean() for m, b in zip(mech, base, strict=True)]
    assert greater(gain_party, gain_rest) < ALPHA


def test_party_role_models_lift_their_non_party_neighbours(base) -> None:
    mech = runs(on("party_structure", mobilisation_bonus=0.0, group_hours=0.0))

    def gain_by_exposure(m: Run, b: Run) -> tuple[float, float]:
        rest = ~b.party
        hi = rest & (b.party_exposure >= np.quantile(b.party_exposure[rest], 2 / 3))
        lo = rest & (b.party_exposure <= np.quantile(b.party_exposure[rest], 1 / 3))
        return m.active[hi].mean() - b.active[hi].mean(), m.active[lo].mean() - b.active[lo].mean()

    gains = np.array([gain_by_exposure(m, b) for m, b in zip(mech, base, strict=True)])
    assert greater(gains[:, 0], gains[:, 1]) < ALPHA  # more Party-member neighbours, more lift


def test_party_role_model_is_bounded_and_neutral_without_party_members() -> None:
    """No Party members: the role-model weight changes nothing (no division by zero either)."""
    plain = runs({"party_member_share": 0.0}, weeks=30, seeds=(1, 2))
    roles = runs({"party_member_share": 0.0, **on("party_structure", mobilisation_bonus=0.0, group_hours=0.0,
                                                   role_model=20.0)}, weeks=30, seeds=(1, 2))
    assert same_frames(plain, roles, ignore=("mechanism_cost", "mechanism_cost_total"))
    extreme = runs({"party_member_share": 0.5, **on("party_structure", role_model=20.0)}, weeks=30, seeds=(1,))[0]
    assert extreme.frame["participation_monthly"].between(0.0, 1.0).all()


# -- dual_registration ------------------------------------------------------------------------
def test_dual_registration_more_slots_hours_and_participation(base) -> None:
    mech = runs(on("dual_registration"))
    assert np.all(metric(mech, "volunteer_slots") > metric(base, "volunteer_slots"))
    assert greater(metric(mech, "volunteer_hours_per_100"), metric(base, "volunteer_hours_per_100")) < ALPHA
    assert greater(metric(mech, "participation_monthly"), metric(base, "participation_monthly")) < ALPHA
    members = mech[0].model.mechanisms["dual_registration"].members
    hh = mech[0].model.households
    assert members.size == 40 and hh.party_member[members].all() and (hh.age_group[members] != 2).all()


def test_dual_registration_with_no_hours_is_the_baseline(base) -> None:
    zero = runs(on("dual_registration", hours_per_week=0.0), seeds=SEEDS[:3])
    assert same_frames(zero, base[:3], ignore=("mechanism_cost", "mechanism_cost_total"))


# -- digital_platform -------------------------------------------------------------------------
def test_digital_platform_more_reports_and_higher_trust(base) -> None:
    mech = runs(on("digital_platform"))
    assert greater(metric(mech, "reporting_rate"), metric(base, "reporting_rate")) < ALPHA
    assert greater(metric(mech, "trust_community_mean"), metric(base, "trust_community_mean")) < ALPHA
    assert np.all(mech[0].frame["deliberation_attendance"].max() >= base[0].frame["deliberation_attendance"].max())


def test_digital_platform_at_zero_strength_is_the_baseline(base) -> None:
    zero = runs(on("digital_platform", report_cost_reduction=0.0, routing=0.0, transparency=0.0, online_seats=0.0),
                seeds=SEEDS[:3])
    assert same_frames(zero, base[:3], ignore=("mechanism_cost", "mechanism_cost_total"))


# -- mediation --------------------------------------------------------------------------------
def test_mediation_resolves_disputes_faster(base) -> None:
    mech = runs(on("mediation"))
    assert greater(issue(base, "dispute_weeks"), issue(mech, "dispute_weeks")) < ALPHA
    assert greater(issue(mech, "dispute_within8"), issue(base, "dispute_within8")) < ALPHA


def test_mediation_hours_and_competence_shorten_waits_at_an_overloaded_committee() -> None:
    tight = {"rc_capacity_hours": 12.0}
    plain = runs(tight)
    mech = runs({**tight, **on("mediation", screening=0.0)})
    assert greater(issue(plain, "dispute_wait"), issue(mech, "dispute_wait")) < ALPHA


def test_mediation_at_zero_strength_is_the_baseline(base) -> None:
    zero = runs(on("mediation", dispute_hours_factor=1.0, competence_bonus=0.0, screening=0.0), seeds=SEEDS[:3])
    assert same_frames(zero, base[:3], ignore=("mechanism_cost", "mechanism_cost_total"))


# -- satisfaction_survey ----------------------------------------------------------------------
def _survey_error(r: Run) -> float:
    q = r.frame.iloc[13::13]
    return float((q["survey_satisfied_share"] - q["satisfied_share"]).abs().mean())


def test_satisfaction_survey_measures_closer_to_the_truth_without_changing_it(base) -> None:
    mech = runs(on("satisfaction_survey"))
    assert greater([_survey_error(b) for b in base], [_survey_error(m) for m in mech]) < ALPHA
    sat = metric(mech, "satisfaction_mean") - metric(base, "satisfaction_mean")
    assert abs(sat.mean()) < 0.01
    assert stats.wilcoxon(sat).pvalue > ALPHA  # no systematic change in satisfaction
    cost = mech[0].frame["mechanism_cost"]
    assert cost.iloc[13] > cost.iloc[12] > 0  # interviews are paid in survey weeks
    by_grid = mech[0].model.survey_by_grid
    assert by_grid.shape == (6,) and np.all((by_grid >= 0) & (by_grid <= 1))


# -- volunteer_linkage ------------------------------------------------------------------------
def test_volunteer_linkage_raises_participation_and_volunteer_hours(base) -> None:
    mech = runs(on("volunteer_linkage"))
    assert greater(metric(mech, "participation_monthly"), metric(base, "participation_monthly")) < ALPHA
    assert greater(metric(mech, "volunteer_hours_per_100"), metric(base, "volunteer_hours_per_100")) < ALPHA
    growth, cap = mech[0].model.p["volunteer_linkage.so_growth"], mech[0].model.p["volunteer_linkage.so_max_factor"]
    assert mech[0].model.levers.so_capacity_factor == pytest.approx(min(cap, (1 + growth) ** (WEEKS // 13)))
    assert runs(on("volunteer_linkage"), weeks=156, seeds=(1,))[0].model.levers.so_capacity_factor == pytest.approx(cap)
    rep = metric(mech, "reporting_rate") - metric(base, "reporting_rate")
    assert abs(rep.mean()) < 0.15  # reporting is not what it moves


# -- combining --------------------------------------------------------------------------------
BATCH_A = ("whistle_report", "hotline", "grid_management", "party_structure", "dual_registration",
           "digital_platform", "mediation", "satisfaction_survey", "volunteer_linkage")


def test_batch_a_mechanisms_combine() -> None:
    """All nine together: additive levers add, factors multiply, costs sum, issues are conserved."""
    overrides = {f"{k}__enabled": True for k in BATCH_A}
    m = CoGovernanceModel("baseline", seed=5, **overrides)
    for _ in range(26):
        m.step()
        assert m.issues.conserved()
    lv, p = m.levers, m.p
    assert lv.response_assessment == pytest.approx(p["whistle_report.evaluation"] + p["hotline.assessment"])
    assert lv.report_cost_delta == pytest.approx(-p["hotline.report_cost_reduction"]
                                                 - p["digital_platform.report_cost_reduction"])
    assert lv.buck_pass_factor == pytest.approx(1.0 - p["digital_platform.routing"])
    assert m.mechanism_cost_week == pytest.approx(sum(mech.weekly_cost(m) for mech in m.mechanisms.values()))
    assert set(m.mechanisms) == set(BATCH_A)
