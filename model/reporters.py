"""Model-level reporters (docs/specification.md §9): one named function per metric, collected weekly.

Every reporter reads aggregate state; none is per household, so collection stays cheap. Shares and
levels are in [0, 1]; times are in weeks; money in yuan. NaN means "no event this week" (e.g. no
issue resolved, so no resolution time).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np

from model.domains import CARE, CULTURE, DOMAINS, ENVIRONMENT, INFRASTRUCTURE, PROPERTY, SAFETY
from model.issues import LATENT, OPEN
from model.protocol import StreetModel as M
from model.statistics import gini, mean, moran_of_mask, percentile_linear, share

__all__ = ["REPORTERS", "REPORTER_GROUPS", "METRIC_INFO", "WEEKLY_FLOWS", "COUNT_METRICS", "collecting"]

_sum = np.add.reduce  # numpy's pairwise sum without ndarray.sum's Python wrapper (same bits)


class _Groups:
    """Indices of the households of each reported group (fixed for a run), and per-run constants.

    The five groups of the subgroup reporters (age groups 0, 1, 2, owners, renters) are also laid end
    to end in `order`, so one gather gives every group's values as contiguous slices (`bounds`): a
    slice holds the same values in the same order as a gather of that group alone, so its mean has the
    same bits. `code` (age group·2 + owner) lets one count give the active households of every group."""

    def __init__(self, m: M) -> None:
        hh, lay = m.households, m.layout
        self.age = [np.flatnonzero(hh.age_group == g) for g in range(3)]
        self.owners = np.flatnonzero(hh.owner)
        self.renters = np.flatnonzero(~hh.owner)
        members = [*self.age, self.owners, self.renters]
        self.order = np.concatenate(members)
        ends = np.cumsum([len(g) for g in members]).tolist()
        self.bounds = list(zip([0, *ends[:-1]], ends, strict=True))
        self.code = hh.age_group.astype(np.intp) * 2 + hh.owner
        sizes = np.bincount(lay.building_of, minlength=lay.n_buildings).astype(np.float64)
        self.moran_w_total = float((sizes * (sizes - 1)).sum())


def _groups(m: M) -> _Groups:
    groups = m.__dict__.get("_reporter_groups")
    if groups is None:
        groups = m._reporter_groups = _Groups(m)
    return groups


def _shared(m: M, key: str, compute: Callable[[M], Any]) -> Any:
    """``compute(m)``, made once per collection for the reporters that share it: `RunCollector.collect`
    opens a cache on the model while it calls the reporters (`collecting`). A reporter called on its
    own computes it afresh, so it never reads a value from another week."""
    cache = m.__dict__.get("_reporter_cache")
    if cache is None:
        return compute(m)
    value = cache.get(key)
    if value is None:
        value = cache[key] = compute(m)
    return value


class collecting:
    """``with collecting(model):`` the reporters called inside share per-week values (`_shared`)."""

    __slots__ = ("model",)

    def __init__(self, model: M) -> None:
        self.model = model

    def __enter__(self) -> None:
        self.model._reporter_cache = {}

    def __exit__(self, *exc: object) -> None:
        self.model._reporter_cache = None


# -- satisfaction -----------------------------------------------------------------------------
def satisfaction_mean(m: M) -> float:
    return mean(m.households.satisfaction)


def satisfied_share(m: M) -> float:
    return share(m.households.satisfaction >= m.p["satisfied_threshold"])


def _satisfaction_by_group(m: M) -> list[float]:
    """Mean satisfaction of age groups 0, 1, 2, owners, renters (one gather; see `_Groups`)."""
    g = _groups(m)
    values = m.households.satisfaction.take(g.order, mode="wrap")  # valid indices; the cheapest take
    return [mean(values[a:b]) for a, b in g.bounds]


def _sat_age(m: M, g: int) -> float:
    return _shared(m, "satisfaction_by_group", _satisfaction_by_group)[g]


def satisfaction_youth(m: M) -> float:
    return _sat_age(m, 0)


def satisfaction_working(m: M) -> float:
    return _sat_age(m, 1)


def satisfaction_retired(m: M) -> float:
    return _sat_age(m, 2)


def satisfaction_owners(m: M) -> float:
    return _sat_age(m, 3)


def satisfaction_renters(m: M) -> float:
    return _sat_age(m, 4)


def satisfaction_grid_sd(m: M) -> float:
    lay = m.layout
    by_grid = lay.per_grid(m.households.satisfaction) / lay.households_per_grid
    deviation = by_grid - float(_sum(by_grid)) / by_grid.size  # ndarray.std() bit for bit
    deviation *= deviation
    return math.sqrt(float(_sum(deviation)) / by_grid.size)  # IEEE sqrt, correctly rounded, as np.sqrt


def satisfaction_gini(m: M) -> float:
    return gini(m.households.satisfaction, unit=True)  # satisfaction is clipped to [0, 1] every week


def survey_satisfied_share(m: M) -> float:
    """Last quarterly survey: share of `survey_sample_size` sampled households whose measured
    satisfaction (+ N(0, survey_noise²)) is at least satisfied_threshold."""
    return float(m.survey_share)


def survey_satisfied_se(m: M) -> float:
    """Sampling error (standard error) of the last survey's share: √(p(1−p)/n · (N−n)/(N−1))."""
    return float(m.survey_se)


def _hotline_rates(m: M) -> list[float]:
    """Resolution, satisfaction and on-time rates of the household-reported issues closed in the last 4
    weeks: the hotline log's four columns summed over those weeks by one reduction, which adds the rows one
    after the other, the order in which each column's own 4-value sum adds them (numpy sums < 8 terms left
    to right), each over the closures (NaN when none)."""
    sums = np.add.reduce(m.hotline_log, axis=0).tolist()
    closed = sums[0]
    return [s / closed if closed else float("nan") for s in sums[1:]]


def _hotline(m: M, column: int) -> float:
    return _shared(m, "hotline_rates", _hotline_rates)[column - 1]


def hotline_resolution_rate(m: M) -> float:
    """Of household-reported issues closed in the last 4 weeks, the share resolved (not given up)."""
    return _hotline(m, 1)


def hotline_satisfaction_rate(m: M) -> float:
    """Of those closures, the share counted satisfied, as published 满意率 = 1 − 不满意/办结: the reporter's
    rating outcome + N(0, hotline_rating_noise²) ≥ hotline_rating_threshold (outcome 1 on time, falling with
    lateness, 0 when given up), or, below it, not recorded 不满意 (share hotline_unrecorded_unsatisfied).
    Can exceed hotline_resolution_rate."""
    return _hotline(m, 2)


def ontime_closure_rate(m: M) -> float:
    """Of those closures, the share resolved within ontime_limit_weeks of the report."""
    return _hotline(m, 3)


# -- participation ----------------------------------------------------------------------------
def participation_monthly(m: M) -> float:
    """Share of households that volunteered or attended deliberation in the last 4 weeks (reporting
    an issue does not count)."""
    return share(m.active_mask)


def participation_annual(m: M) -> float:
    """Share of households that took part in any community activity (volunteering, deliberation) in
    the last 52 weeks, as surveys ask it."""
    return share(m.households.active_within(m.week, 52))


def volunteer_share_annual(m: M) -> float:
    """Share of households that volunteered at least once in the last 52 weeks."""
    return share(m.households.last_volunteer > m.week - 52)


def reporting_share_month(m: M) -> float:
    """Share of households that reported an issue themselves in the last 4 weeks."""
    return share(m.households.last_report > m.week - 4)


def _participation_by_group(m: M) -> list[float]:
    """Share active in the last 4 weeks of age groups 0, 1, 2, owners, renters: counts by age group and
    ownership in one pass (whole numbers, so the same shares as each group's mean; NaN when empty)."""
    g = _groups(m)
    cells = np.bincount(g.code.compress(m.active_mask), minlength=6).tolist()  # age·2 + owner
    counts = [cells[0] + cells[1], cells[2] + cells[3], cells[4] + cells[5], cells[1] + cells[3] + cells[5],
              cells[0] + cells[2] + cells[4]]
    return [c / (b - a) if b > a else float("nan") for c, (a, b) in zip(counts, g.bounds, strict=True)]


def _part_age(m: M, g: int) -> float:
    return _shared(m, "participation_by_group", _participation_by_group)[g]


def participation_youth(m: M) -> float:
    return _part_age(m, 0)


def participation_working(m: M) -> float:
    return _part_age(m, 1)


def participation_retired(m: M) -> float:
    return _part_age(m, 2)


def participation_owners(m: M) -> float:
    return _part_age(m, 3)


def participation_renters(m: M) -> float:
    return _part_age(m, 4)


def volunteer_hours_per_100(m: M) -> float:
    return float(m.volunteer_hours_week / m.layout.n_households * 100.0)


def deliberation_attendance(m: M) -> float:
    """Share of households at this week's deliberation meetings (monthly; 0 in other weeks)."""
    return float(m.deliberation_attendees_week / m.layout.n_households)


def reporting_rate(m: M) -> float:
    """Issues reported by households this week per 100 households."""
    return float(m.issues.week_events.reported / m.layout.n_households * 100.0)


def volunteer_slots(m: M) -> float:
    return float(m.slots_week)


def participation_morans_i(m: M) -> float:
    """Moran's I of having taken part in the last 4 weeks (0/1) with building contiguity: positive when
    households of a building take part together (P5), ~0 without clustering.

    Computed from the number active in each building (`moran_of_mask`): with z = x − p (p the share
    active), a building's Σz is c_b − n_b·p and its Σz² is c_b·(1 − p)² + (n_b − c_b)·p², so one count per
    building replaces two sums over the households (the same statistic as `model.statistics.morans_i_by_building`; its last
    bits differ from summing z household by household)."""
    return moran_of_mask(m.active_mask, m.layout, _groups(m).moran_w_total)


# -- issues -----------------------------------------------------------------------------------
def issues_created(m: M) -> int:
    return int(m.issues.created_total)


def issues_new(m: M) -> int:
    return int(m.issues.week_events.new)


def _issue_counts(m: M) -> tuple[int, int, int]:
    """Latent, open and open cross-boundary issues now (`IssueTable.count`'s counts, one gather)."""
    iss = m.issues
    a = iss.active
    status = iss.status.take(a)
    is_open = status == OPEN
    return (int(np.count_nonzero(status == LATENT)), int(np.count_nonzero(is_open)),
            int(np.count_nonzero(is_open & iss.cross.take(a))))


def issues_latent(m: M) -> int:
    return _shared(m, "issue_counts", _issue_counts)[0]


def issues_open(m: M) -> int:
    return _shared(m, "issue_counts", _issue_counts)[1]


def cross_issues_open(m: M) -> int:
    """Open cross-boundary issues. With the same inflow, fewer of them means a shorter mean time in
    the system, given-up issues included (Little's law) — unlike the mean age of those resolved,
    which rises when a mechanism resolves old issues the baseline would have given up."""
    return _shared(m, "issue_counts", _issue_counts)[2]


def issues_resolved(m: M) -> int:
    return int(m.issues.resolved_total)


def issues_expired(m: M) -> int:
    return int(m.issues.expired_total)


def resolved_this_week(m: M) -> int:
    return int(m.issues.week_events.n_resolved)


def resolution_weeks_mean(m: M) -> float:
    return mean(m.resolution_weeks)


def resolution_weeks_p90(m: M) -> float:
    return percentile_linear(m.resolution_weeks, 90) if m.resolution_weeks.size else float("nan")


def cross_resolution_weeks_mean(m: M) -> float:
    return mean(m.cross_resolution_weeks)


def buck_passing_events(m: M) -> int:
    return int(m.issues.week_events.passes)


def buck_passing_hours(m: M) -> float:
    """Holder hours spent this week on passing issues on (both ends, buck_pass_hours a pass)."""
    return float(m.issues.week_events.pass_hours)


def escalations(m: M) -> int:
    return int(m.issues.week_events.escalations)


def issues_discovered(m: M) -> int:
    return int(m.issues.week_events.discovered)


# -- property ---------------------------------------------------------------------------------
def fee_collection_rate(m: M) -> float:
    return float(m.collection_rate)


def firm_quality_mean(m: M) -> float:
    q = [f.quality for f in m.firms if f.present]
    return float(_sum(np.array(q))) / len(q) if q else float("nan")


def firms_present(m: M) -> int:
    return int(sum(f.present for f in m.firms))


def firms_in_loss(m: M) -> int:
    return int(m.firm_in_loss())


def firm_exits(m: M) -> int:
    return int(m.firm_exits)


def firm_replacements(m: M) -> int:
    return int(m.firm_replacements)


# -- attitudes --------------------------------------------------------------------------------
def trust_community_mean(m: M) -> float:
    return mean(m.households.trust_community)


def trust_property_mean(m: M) -> float:
    return mean(m.households.trust_property)


def motivation_mean(m: M) -> float:
    return mean(m.households.motivation)


def efficacy_mean(m: M) -> float:
    return mean(m.households.efficacy)


def aspiration_mean(m: M) -> float:
    return mean(m.households.aspiration)


# -- money and projects -----------------------------------------------------------------------
def points_issued(m: M) -> float:
    return float(m.points_issued_week)


def points_redeemed(m: M) -> float:
    return float(m.points_redeemed_week)


def points_outstanding(m: M) -> float:
    return float(m.households.points.sum())


def mechanism_cost(m: M) -> float:
    return float(m.mechanism_cost_week)


def mechanism_cost_total(m: M) -> float:
    return float(m.mechanism_cost_total)


def project_spend_total(m: M) -> float:
    return float(m.projects.spend_total)


def project_budget_left(m: M) -> float:
    return float(m.projects.budget.sum())


def projects_completed(m: M) -> int:
    return int(m.projects.completed)


def projects_active(m: M) -> int:
    return int(len(m.projects.active))


def _quality_means(m: M) -> list[float]:
    """Mean quality of each domain over the compounds: the columns copied to rows, so one reduction sums
    each the way ``m.quality[:, d].mean()`` does (numpy's pairwise sum does not depend on the stride)."""
    q = m.quality
    return [s / q.shape[0] for s in np.add.reduce(np.ascontiguousarray(q.T), axis=1).tolist()]


# Module-level functions (not closures), so a model and its DataCollector pickle.
def quality_property(m: M) -> float:
    return _shared(m, "quality_means", _quality_means)[PROPERTY]


def quality_environment(m: M) -> float:
    return _shared(m, "quality_means", _quality_means)[ENVIRONMENT]


def quality_safety(m: M) -> float:
    return _shared(m, "quality_means", _quality_means)[SAFETY]


def quality_care(m: M) -> float:
    return _shared(m, "quality_means", _quality_means)[CARE]


def quality_culture(m: M) -> float:
    return _shared(m, "quality_means", _quality_means)[CULTURE]


def quality_infrastructure(m: M) -> float:
    return _shared(m, "quality_means", _quality_means)[INFRASTRUCTURE]


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

#: Reporters that read one computation shared by a group: (the computation, which returns a list, and the
#: reporters that return its values, in its order). `model.collection.RunCollector` calls each computation
#: once a week and records its values directly, which gives what each reporter gives on its own.
REPORTER_GROUPS: tuple[tuple[Callable[[M], list[Any]], tuple[str, ...]], ...] = (
    (_satisfaction_by_group, tuple(f"satisfaction_{g}" for g in ("youth", "working", "retired", "owners", "renters"))),
    (_hotline_rates, ("hotline_resolution_rate", "hotline_satisfaction_rate", "ontime_closure_rate")),
    (_participation_by_group, tuple(f"participation_{g}" for g in ("youth", "working", "retired", "owners", "renters"))),
    (_issue_counts, ("issues_latent", "issues_open", "cross_issues_open")),
    (_quality_means, tuple(f"quality_{d}" for d in DOMAINS)),
)

#: Metrics that count or average what happened in one week (not a level or a running total): a single
#: week is noisy, and monthly events are 0 in three weeks out of four, so summaries average them over
#: a window. A new per-week reporter belongs here.
WEEKLY_FLOWS = frozenset({
    "issues_new", "resolved_this_week", "resolution_weeks_mean", "resolution_weeks_p90",
    "cross_resolution_weeks_mean", "buck_passing_events", "buck_passing_hours", "escalations", "issues_discovered",
    "volunteer_hours_per_100", "deliberation_attendance", "reporting_rate", "volunteer_slots",
    "points_issued", "points_redeemed", "mechanism_cost",
})

#: Metrics that count things (issues, events, firms, projects): whole numbers, stored as int64.
COUNT_METRICS = frozenset({
    "issues_created", "issues_new", "issues_latent", "issues_open", "cross_issues_open", "issues_resolved",
    "issues_expired", "resolved_this_week", "buck_passing_events", "escalations", "issues_discovered", "firms_present",
    "firms_in_loss", "firm_exits", "firm_replacements", "projects_completed", "projects_active",
})

#: Metric -> (中文, English, unit) for tables, plots and the app.
METRIC_INFO: dict[str, tuple[str, str, str]] = {
    "satisfaction_mean": ("平均满意度", "Mean satisfaction", "0–1"),
    "satisfied_share": ("满意率", "Share satisfied", "share"),
    "survey_satisfied_share": ("调查满意率", "Survey: share satisfied", "share"),
    "survey_satisfied_se": ("调查满意率抽样误差", "Survey: standard error of share satisfied", "share"),
    "hotline_resolution_rate": ("诉求解决率", "Hotline resolution rate", "share"),
    "hotline_satisfaction_rate": ("诉求满意率", "Hotline satisfaction rate", "share"),
    "ontime_closure_rate": ("按时办结率", "On-time closure rate", "share"),
    "participation_monthly": ("月度参与率", "Monthly participation", "share"),
    "participation_annual": ("年度参与率", "Participation in the past year", "share"),
    "volunteer_share_annual": ("年度志愿服务参与率", "Volunteered in the past year", "share"),
    "reporting_share_month": ("月度反映率", "Reported an issue in the last month", "share"),
    "buck_passing_hours": ("推诿耗时", "Hours spent passing issues on", "hours/week"),
    "volunteer_hours_per_100": ("志愿时长/百户", "Volunteer hours per 100 households", "hours/week"),
    "deliberation_attendance": ("议事参与", "Deliberation attendance", "share"),
    "reporting_rate": ("反映率", "Reports per 100 households", "per week"),
    "participation_morans_i": ("参与空间自相关", "Participation Moran's I", "index"),
    "issues_open": ("待办诉求", "Open issues", "issues"),
    "cross_issues_open": ("待办跨界诉求", "Open cross-boundary issues", "issues"),
    "issues_latent": ("潜在诉求", "Latent issues", "issues"),
    "resolution_weeks_mean": ("平均办结周数", "Mean weeks to resolve", "weeks"),
    "resolution_weeks_p90": ("办结周数P90", "Weeks to resolve (P90)", "weeks"),
    "cross_resolution_weeks_mean": ("跨界诉求办结周数", "Cross-boundary weeks to resolve", "weeks"),
    "buck_passing_events": ("推诿次数", "Buck-passing events", "per week"),
    "fee_collection_rate": ("物业费收缴率", "Fee collection rate", "share"),
    "firm_quality_mean": ("物业服务质量", "Firm quality", "0–1"),
    "firm_exits": ("物业退出", "Firm exits", "cumulative"),
    "trust_community_mean": ("社区信任", "Trust in community", "0–1"),
    "trust_property_mean": ("物业信任", "Trust in property firm", "0–1"),
    "mechanism_cost": ("机制成本", "Mechanism cost", "yuan/week"),
    "projects_completed": ("完成项目", "Projects completed", "cumulative"),
    "satisfaction_youth": ("青年满意度", "Satisfaction: young households", "0–1"),
    "satisfaction_working": ("在职人群满意度", "Satisfaction: working-age households", "0–1"),
    "satisfaction_retired": ("老年人满意度", "Satisfaction: retired households", "0–1"),
    "satisfaction_owners": ("业主满意度", "Satisfaction: owners", "0–1"),
    "satisfaction_renters": ("租户满意度", "Satisfaction: renters", "0–1"),
    "participation_youth": ("青年参与率", "Participation: young households", "share"),
    "participation_working": ("在职人群参与率", "Participation: working-age households", "share"),
    "participation_retired": ("老年人参与率", "Participation: retired households", "share"),
    "participation_owners": ("业主参与率", "Participation: owners", "share"),
    "participation_renters": ("租户参与率", "Participation: renters", "share"),
    "satisfaction_gini": ("满意度基尼系数", "Satisfaction Gini", "index"),
    "satisfaction_grid_sd": ("网格间满意度差异", "Satisfaction spread across grids (SD)", "0–1"),
    "motivation_mean": ("参与动机", "Motivation", "0–1"),
    "efficacy_mean": ("效能感", "Efficacy", "0–1"),
    "escalations": ("上报街道", "Escalations to the street office", "per week"),
    "issues_resolved": ("累计办结", "Issues resolved (cumulative)", "issues"),
    "firms_in_loss": ("亏损物业", "Firms in loss", "firms"),
    "mechanism_cost_total": ("累计机制成本", "Mechanism cost (cumulative)", "yuan"),
    "cost_per_household": ("户均机制成本", "Mechanism cost per household (cumulative)", "yuan/household"),
    "volunteer_slots": ("志愿岗位", "Volunteer slots offered", "slots/week"),
    "issues_created": ("累计诉求", "Issues created", "cumulative"),
    "issues_new": ("新增诉求", "New issues", "per week"),
    "issues_expired": ("未办结失效诉求", "Issues expired unresolved", "cumulative"),
    "resolved_this_week": ("本周办结", "Issues resolved this week", "per week"),
    "issues_discovered": ("主动发现诉求", "Issues found before a complaint", "per week"),
    "firms_present": ("在管物业数", "Compounds with a firm", "compounds"),
    "firm_replacements": ("物业更换", "Firm replacements", "cumulative"),
    "aspiration_mean": ("期望水平", "Aspiration", "0–1"),
    "points_issued": ("发放积分", "Points issued", "points/week"),
    "points_redeemed": ("兑换积分", "Points redeemed", "points/week"),
    "points_outstanding": ("未兑换积分", "Points outstanding", "points"),
    "project_spend_total": ("项目支出", "Project spend", "yuan, cumulative"),
    "project_budget_left": ("项目结余", "Project budget left", "yuan"),
    "projects_active": ("在建项目", "Projects under way", "projects"),
    "quality_property": ("物业服务质量", "Quality: property service", "0–1"),
    "quality_environment": ("环境卫生质量", "Quality: environment", "0–1"),
    "quality_safety": ("平安/消防质量", "Quality: safety", "0–1"),
    "quality_care": ("一老一小服务质量", "Quality: elderly and child care", "0–1"),
    "quality_culture": ("文体活动质量", "Quality: culture", "0–1"),
    "quality_infrastructure": ("设施/出行/停车质量", "Quality: infrastructure", "0–1"),
}
