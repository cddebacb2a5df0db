"""Model-level reporters (docs/specification.md §9): one named function per metric, collected weekly.

Every reporter reads aggregate state; none is per household, so collection stays cheap. Shares and
levels are in [0, 1]; times are in weeks; money in yuan. NaN means "no event this week" (e.g. no
issue resolved, so no resolution time).

Each function gives its metric now; what it computes is defined once, in `model.weekly_record`, which
a run uses to compute every recorded metric for several weeks at once (`RunCollector`). The labels,
units and kinds of the metrics are in `model.metric_info` (re-exported here).
"""

from __future__ import annotations

from model.domains import DOMAINS
from model.metric_info import COUNT_METRICS, METRIC_INFO, WEEKLY_FLOWS
from model.protocol import StreetModel as M
from model.weekly_record import PART_OF, alone

__all__ = ["REPORTERS", "METRIC_INFO", "WEEKLY_FLOWS", "COUNT_METRICS"]


# -- satisfaction -----------------------------------------------------------------------------
def satisfaction_mean(m: M) -> float:
    return alone(m, "satisfaction_mean")


def satisfied_share(m: M) -> float:
    return alone(m, "satisfied_share")


def satisfaction_youth(m: M) -> float:
    return alone(m, "satisfaction_youth")


def satisfaction_working(m: M) -> float:
    return alone(m, "satisfaction_working")


def satisfaction_retired(m: M) -> float:
    return alone(m, "satisfaction_retired")


def satisfaction_owners(m: M) -> float:
    return alone(m, "satisfaction_owners")


def satisfaction_renters(m: M) -> float:
    return alone(m, "satisfaction_renters")


def satisfaction_grid_sd(m: M) -> float:
    return alone(m, "satisfaction_grid_sd")


def satisfaction_gini(m: M) -> float:
    return alone(m, "satisfaction_gini")


def survey_satisfied_share(m: M) -> float:
    """Last quarterly survey: share of `survey_sample_size` sampled households whose measured
    satisfaction (+ N(0, survey_noise²)) is at least satisfied_threshold."""
    return alone(m, "survey_satisfied_share")


def survey_satisfied_se(m: M) -> float:
    """Sampling error (standard error) of the last survey's share: √(p(1−p)/n · (N−n)/(N−1))."""
    return alone(m, "survey_satisfied_se")


def hotline_resolution_rate(m: M) -> float:
    """Of household-reported issues closed in the last 4 weeks, the share resolved (not given up)."""
    return alone(m, "hotline_resolution_rate")


def hotline_satisfaction_rate(m: M) -> float:
    """Of those closures, the share counted satisfied, as published 满意率 = 1 − 不满意/办结: the reporter's
    rating outcome + N(0, hotline_rating_noise²) ≥ hotline_rating_threshold (outcome 1 on time, falling with
    lateness, 0 when given up), or, below it, not recorded 不满意 (share hotline_unrecorded_unsatisfied).
    Can exceed hotline_resolution_rate."""
    return alone(m, "hotline_satisfaction_rate")


def ontime_closure_rate(m: M) -> float:
    """Of those closures, the share resolved within ontime_limit_weeks of the report."""
    return alone(m, "ontime_closure_rate")


# -- participation ----------------------------------------------------------------------------
def participation_monthly(m: M) -> float:
    """Share of households that volunteered or attended deliberation in the last 4 weeks (reporting
    an issue does not count)."""
    return alone(m, "participation_monthly")


def participation_annual(m: M) -> float:
    """Share of households that took part in any community activity (volunteering, deliberation) in
    the last 52 weeks, as surveys ask it."""
    return alone(m, "participation_annual")


def volunteer_share_annual(m: M) -> float:
    """Share of households that volunteered at least once in the last 52 weeks."""
    return alone(m, "volunteer_share_annual")


def reporting_share_month(m: M) -> float:
    """Share of households that reported an issue themselves in the last 4 weeks."""
    return alone(m, "reporting_share_month")


def participation_youth(m: M) -> float:
    return alone(m, "participation_youth")


def participation_working(m: M) -> float:
    return alone(m, "participation_working")


def participation_retired(m: M) -> float:
    return alone(m, "participation_retired")


def participation_owners(m: M) -> float:
    return alone(m, "participation_owners")


def participation_renters(m: M) -> float:
    return alone(m, "participation_renters")


def volunteer_hours_per_100(m: M) -> float:
    return alone(m, "volunteer_hours_per_100")


def deliberation_attendance(m: M) -> float:
    """Share of households at this week's deliberation meetings (monthly; 0 in other weeks)."""
    return alone(m, "deliberation_attendance")


def reporting_rate(m: M) -> float:
    """Issues reported by households this week per 100 households."""
    return alone(m, "reporting_rate")


def volunteer_slots(m: M) -> float:
    return alone(m, "volunteer_slots")


def participation_morans_i(m: M) -> float:
    """Moran's I of having taken part in the last 4 weeks (0/1) with building contiguity: positive when
    households of a building take part together (P5), ~0 without clustering.

    Computed from the number active in each building (`moran_of_mask`): with z = x − p (p the share
    active), a building's Σz is c_b − n_b·p and its Σz² is c_b·(1 − p)² + (n_b − c_b)·p², so one count per
    building replaces two sums over the households (the same statistic as `model.statistics.morans_i_by_building`; its last
    bits differ from summing z household by household)."""
    return alone(m, "participation_morans_i")


# -- issues -----------------------------------------------------------------------------------
def issues_created(m: M) -> int:
    return alone(m, "issues_created")


def issues_new(m: M) -> int:
    return alone(m, "issues_new")


def issues_latent(m: M) -> int:
    return alone(m, "issues_latent")


def issues_open(m: M) -> int:
    return alone(m, "issues_open")


def cross_issues_open(m: M) -> int:
    """Open cross-boundary issues. With the same inflow, fewer of them means a shorter mean time in
    the system, given-up issues included (Little's law) — unlike the mean age of those resolved,
    which rises when a mechanism resolves old issues the baseline would have given up."""
    return alone(m, "cross_issues_open")


def issues_resolved(m: M) -> int:
    return alone(m, "issues_resolved")


def issues_expired(m: M) -> int:
    return alone(m, "issues_expired")


def resolved_this_week(m: M) -> int:
    return alone(m, "resolved_this_week")


def resolution_weeks_mean(m: M) -> float:
    return alone(m, "resolution_weeks_mean")


def resolution_weeks_p90(m: M) -> float:
    return alone(m, "resolution_weeks_p90")


def cross_resolution_weeks_mean(m: M) -> float:
    return alone(m, "cross_resolution_weeks_mean")


def buck_passing_events(m: M) -> int:
    return alone(m, "buck_passing_events")


def buck_passing_hours(m: M) -> float:
    """Holder hours spent this week on passing issues on (both ends, buck_pass_hours a pass)."""
    return alone(m, "buck_passing_hours")


def escalations(m: M) -> int:
    return alone(m, "escalations")


def issues_discovered(m: M) -> int:
    return alone(m, "issues_discovered")


# -- property ---------------------------------------------------------------------------------
def fee_collection_rate(m: M) -> float:
    return alone(m, "fee_collection_rate")


def firm_quality_mean(m: M) -> float:
    return alone(m, "firm_quality_mean")


def firms_present(m: M) -> int:
    return alone(m, "firms_present")


def firms_in_loss(m: M) -> int:
    return alone(m, "firms_in_loss")


def firm_exits(m: M) -> int:
    return alone(m, "firm_exits")


def firm_replacements(m: M) -> int:
    return alone(m, "firm_replacements")


# -- attitudes --------------------------------------------------------------------------------
def trust_community_mean(m: M) -> float:
    return alone(m, "trust_community_mean")


def trust_property_mean(m: M) -> float:
    return alone(m, "trust_property_mean")


def motivation_mean(m: M) -> float:
    return alone(m, "motivation_mean")


def efficacy_mean(m: M) -> float:
    return alone(m, "efficacy_mean")


def aspiration_mean(m: M) -> float:
    return alone(m, "aspiration_mean")


# -- money and projects -----------------------------------------------------------------------
def points_issued(m: M) -> float:
    return alone(m, "points_issued")


def points_redeemed(m: M) -> float:
    return alone(m, "points_redeemed")


def points_outstanding(m: M) -> float:
    return alone(m, "points_outstanding")


def mechanism_cost(m: M) -> float:
    return alone(m, "mechanism_cost")


def mechanism_cost_total(m: M) -> float:
    return alone(m, "mechanism_cost_total")


def project_spend_total(m: M) -> float:
    return alone(m, "project_spend_total")


def project_budget_left(m: M) -> float:
    return alone(m, "project_budget_left")


def projects_completed(m: M) -> int:
    return alone(m, "projects_completed")


def projects_active(m: M) -> int:
    return alone(m, "projects_active")


def quality_property(m: M) -> float:
    return alone(m, "quality_property")


def quality_environment(m: M) -> float:
    return alone(m, "quality_environment")


def quality_safety(m: M) -> float:
    return alone(m, "quality_safety")


def quality_care(m: M) -> float:
    return alone(m, "quality_care")


def quality_culture(m: M) -> float:
    return alone(m, "quality_culture")


def quality_infrastructure(m: M) -> float:
    return alone(m, "quality_infrastructure")


REPORTERS: dict[str, object] = {
    f.__name__: f
    for f in (
        satisfaction_mean, satisfied_share, satisfaction_youth, satisfaction_working, satisfaction_retired,
        satisfaction_owners, satisfaction_renters, satisfaction_grid_sd, satisfaction_gini, survey_satisfied_share,
        survey_satisfied_se, hotline_resolution_rate, hotline_satisfaction_rate, ontime_closure_rate,
        participation_monthly, participation_annual, volunteer_share_annual, reporting_share_month,
        participation_youth, participation_working, participation_retired,
        participation_owners, participation_renters, volunteer_hours_per_100, deliberation_attendance,
        reporting_rate, volunteer_slots, participation_morans_i,
        issues_created, issues_new, issues_latent, issues_open, cross_issues_open, issues_resolved, issues_expired,
        resolved_this_week, resolution_weeks_mean, resolution_weeks_p90, cross_resolution_weeks_mean,
        buck_passing_events, buck_passing_hours, escalations, issues_discovered,
        fee_collection_rate, firm_quality_mean, firms_present, firms_in_loss, firm_exits, firm_replacements,
        trust_community_mean, trust_property_mean, motivation_mean, efficacy_mean, aspiration_mean,
        points_issued, points_redeemed, points_outstanding, mechanism_cost, mechanism_cost_total,
        project_spend_total, project_budget_left, projects_completed, projects_active,
    )
}
REPORTERS.update({f.__name__: f for f in (quality_property, quality_environment, quality_safety, quality_care,
                                           quality_culture, quality_infrastructure)})
assert [f"quality_{d}" for d in DOMAINS] == list(REPORTERS)[-len(DOMAINS):]
assert set(REPORTERS) == set(PART_OF), "every reporter is computed by one part of model.weekly_record"
