"""What each metric is called, in which unit, and which kind of number it is (a weekly flow, a count):
the labels tables, plots, the app and the docs show. The metrics themselves are `model.reporters`."""

from __future__ import annotations

__all__ = ["COUNT_METRICS", "METRIC_INFO", "WEEKLY_FLOWS"]

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
