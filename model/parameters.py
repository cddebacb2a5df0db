"""Every parameter of cogov, declared once: the core declarations (and the registry's API).

What a declaration holds and what can be asked of all of them (:class:`Param`, :func:`declare`,
:data:`PARAMETERS`, joint :data:`CONSTRAINTS`, :func:`parameter_table`, :func:`sample_priors`, ...)
lives in model/parameter_registry.py and is re-exported here, so ``from model.parameters import ...``
is the one import. The CLI (`--set`), the scenario validator, `run.py describe`, the Solara controls,
sweeps, calibration and the generated parameter table in docs/ODD.md all read :data:`PARAMETERS`.
Each declaration gives a ``source`` or an ``assumption`` and, for numbers, a ``prior`` whose support
is the plausible range (inside the validity range, which stays the hard limit on input).

Core parameters have plain names (``buck_pass_prob``); mechanism parameters are ``KEY.NAME``
(``points.budget_per_week``): the mechanism's own module lists them (``MechParam``) and this module
declares them after the core ones (end of file). ``KEY.enabled`` switches a mechanism on.

Defaults are docs/specification.md's starting defaults unless a source says otherwise; where a default was tuned
to reproduce a pattern (P1–P7), its source says ``calibrated: pattern Pn (...)`` and the pattern test
is then no evidence for it. Switches and structural settings the user chooses (community size, the
horizon, shock timing) carry the tag ``structural`` and no prior.

Examples
--------
>>> PARAMETERS["buck_pass_prob"].default
0.35
>>> validate_value("buck_pass_prob", 0.5, where="--set")
0.5
"""

from __future__ import annotations

from model.domains import (
    AGE_GROUP_ZH,
    AGE_GROUPS,
    DOMAIN_ZH,
    DOMAINS,
    ISSUE_KIND_ZH,
    ISSUE_KINDS,
    issue_hours_name,
    issue_share_name,
    quality_weight_name,
)
from model.mechanisms import MECHANISMS, declare_parameters
from model.parameter_registry import *  # noqa: F403  (re-exported: `from model.parameters import ...` is the one import)
from model.parameter_registry import __all__ as _registry_all
from model.parameter_registry import constrain, declare
from model.priors import Prior
from model.projects import LIBRARY, project_effect_name

__all__ = list(_registry_all)


# ---------------------------------------------------------------------------------------------
# Core declarations (docs/specification.md §§2–9). Mechanism parameters live in model/mechanisms/*.py.
# ---------------------------------------------------------------------------------------------
_ = declare
# run
_("weeks", 156, 1, 2000, "weeks", "模拟周数", "Horizon", "Weeks simulated (one step = one week); 156 = three years.", "run", main=True,
  source="seed 004 Nan'an: 一年有特色、两年出成果、三年大变样 (a three-year horizon)", prior=None, tags=("structural",))
_("warmup_weeks", 104, 0, 1040, "weeks", "预热周数", "Warm-up", "Weeks the scenario's baseline institutions run, without any mechanism and without being recorded, before week 0, so that queues, trust, aspiration and project stocks start from their stationary level; mechanisms take effect from week 0 (their set-up runs after the warm-up). 0 = a cold start from the initial draws.", "run",
  assumption="long enough for the slowest baseline stock to settle: open-issue queues (give-up after open_expiry_weeks), aspiration (1/aspiration_rate ≈ 50 weeks) and depreciating project lifts; measured in tests/test_dynamics.py", prior=None, tags=("structural",))
# space and network
_("n_communities", 1, 1, 200, "communities", "社区数", "Communities in the street", "Communities (社区) in the street (街道).", "space", main=True,
  assumption="a run setting: how much of a street the user simulates", prior=None, tags=("structural",))
_("grids", 6, 1, 40, "grids/community", "每社区网格数", "Grids per community", "Grids (网格) per community; each grid is one compound (小区).", "space",
  assumption="a run setting (community size); 6 compounds is a modest urban community, not a measured figure", prior=None, tags=("structural",))
_("buildings_per_grid", 8, 1, 60, "buildings/grid", "每网格楼栋数", "Buildings per grid", "Buildings (楼栋) per grid.", "space",
  assumption="a run setting (community size); 8 buildings a compound is illustrative", prior=None, tags=("structural",))
_("households_per_building", 40, 2, 400, "households/building", "每栋户数", "Households per building", "Households per building.", "space",
  assumption="a run setting (community size); 40 households a building is illustrative", prior=None, tags=("structural",))
_("k_interest", 4, 0, 30, "ties/household", "趣缘联系数", "Interest ties", "Random interest ties (趣缘) per household inside its community, beside its building neighbours.", "space",
  assumption="a few ties beyond the stairwell; our sources hold no network survey (SUNS 2017: 27.5 % almost never talk to neighbours, public_figures.csv)", prior=Prior.integer(1, 10))
# population
_("owner_share", 0.7, 0.0, 1.0, "share", "业主比例", "Owner share", "Share of households that own their home (业主); the rest rent.", "population", main=True,
  assumption="docs/specification.md default; no compound-level tenure figure in our sources, and renter shares vary widely between compounds", prior=Prior.uniform(0.4, 0.9))
_("youth_share", 0.25, 0.0, 1.0, "share", "青年户比例", "Youth share", "Share of households headed by young adults.", "population",
  assumption="docs/specification.md default; household-head age shares of urban compounds are not in our sources", prior=Prior.uniform(0.10, 0.40))
_("retired_share", 0.30, 0.0, 1.0, "share", "退休户比例", "Retired share", "Share of retired households; working-age = 1 − youth − retired.", "population", main=True,
  assumption="docs/specification.md default; the 2020 census has 18.7 % of persons aged 60+; among household heads the share is higher", prior=Prior.uniform(0.10, 0.50))
_("party_member_share", 0.08, 0.0, 0.5, "share", "党员户比例", "Party-member share", "Share of households with a Party member (党员).", "population",
  source="CPC Organisation Department, statistical communiqué (2023): 98.04 million members at end-2022 ≈ 7 % of 1.41 billion residents; a household share is somewhat higher", prior=Prior.uniform(0.05, 0.20))
# compounds
_("firm_share", 1.0, 0.0, 1.0, "share", "有物业小区比例", "Compounds with a property firm", "Share of compounds served by a property firm (物业服务企业) at the start.", "compounds",
  assumption="commercial compounds normally have a firm; compounds without one (无物业、小区失管, seed 003) are set by scenarios", prior=Prior.uniform(0.5, 1.0))
_("initial_quality_low", 0.4, 0.0, 1.0, "level", "初始物业质量下限", "Initial firm quality (low)", "Lower bound of the uniform draw of initial property-service quality.", "compounds",
  assumption="docs/specification.md §5: initial firm quality U(0.4, 0.7) on a unit scale with no measured counterpart", prior=Prior.uniform(0.25, 0.50))
_("initial_quality_high", 0.7, 0.0, 1.0, "level", "初始物业质量上限", "Initial firm quality (high)", "Upper bound of the uniform draw of initial property-service quality.", "compounds",
  assumption="docs/specification.md §5: initial firm quality U(0.4, 0.7) on a unit scale with no measured counterpart", prior=Prior.uniform(0.55, 0.85))
_("owners_committee_share", 0.5, 0.0, 1.0, "share", "成立业委会比例", "Compounds with an owners' committee", "Share of compounds with an owners' committee (业委会).", "compounds", main=True,
  assumption="docs/specification.md default; owners' committees exist in only part of the compounds, and no rate is in our sources", prior=Prior.uniform(0.1, 0.8))
_("old_compound_share", 0.3, 0.0, 1.0, "share", "老旧小区比例", "Old-compound share", "Share of compounds that are old (老旧小区): more issues, worse infrastructure.", "compounds",
  assumption="docs/specification.md default; scenarios for old areas (seed 004) set their own", prior=Prior.uniform(0.0, 0.7))
_("old_issue_factor", 0.5, 0.0, 3.0, "×", "老旧小区诉求增幅", "Old-compound issue uplift", "Old compounds raise issue rates by this factor (rate × (1 + factor)).", "compounds",
  assumption="old compounds (老旧小区: ageing pipes, no lifts, seed 000/004) raise more issues; the size is not measured", prior=Prior.uniform(0.0, 1.5))
_("old_infrastructure_penalty", 0.15, 0.0, 0.5, "level", "老旧小区设施短板", "Old-compound infrastructure gap", "Infrastructure quality lost in an old compound.", "compounds",
  assumption="old compounds have worse infrastructure (seed 000 三维短板地图); the size is not measured", prior=Prior.uniform(0.0, 0.3))
_("domain_quality_mean", 0.5, 0.1, 0.9, "level", "公共服务初始质量", "Initial public-service quality", "Mean initial quality of the non-property domains (environment, safety, care, culture, infrastructure).", "compounds",
  assumption="the middle of the unit quality scale, which has no measured counterpart", prior=Prior.uniform(0.3, 0.7))
# issue flow
_("issue_rate_per_year", 2.0, 0.0, 20.0, "issues/household/year", "诉求发生率", "Issue rate", "Issues a household raises a year at quality 0.5 (rate per domain λ_d·(1.5 − q_d)).", "issues",
  source="order of magnitude: Jiangsu 12345 received 48.54 million requests in 2022 (public_figures.csv), ≈ 1.5 a household (84.7 million residents, 2020 census, ≈ 2.6 a household); the model also counts issues never reported", prior=Prior.uniform(0.5, 5.0))
_("cross_boundary_share", 0.3, 0.0, 1.0, "share", "跨界诉求比例", "Cross-boundary share", "Share of property and infrastructure issues that need two or more actors.", "issues", main=True,
  assumption="docs/specification.md default; the share of property issues needing several actors (推诿扯皮) is not measured", prior=Prior.uniform(0.1, 0.6))
_("buck_pass_prob", 0.35, 0.0, 1.0, "probability", "推诿概率", "Buck-passing probability", "Probability that an uncoordinated cross-boundary issue reaching the head of a queue is passed on (costs buck_pass_delay_weeks, buck_pass_hours at both ends and buck_pass_trust_loss of the reporter's trust).", "issues", main=True,
  assumption="docs/specification.md default; buck-passing (推诿) is named by seeds 001–003 but never measured", prior=Prior.uniform(0.05, 0.8))
_("buck_pass_delay_weeks", 2, 1, 26, "weeks", "推诿延误周数", "Delay per pass", "Weeks a passed-on issue waits before the receiving holder takes it up; it then joins the back of that holder's queue.", "issues", assumption="a referred case waits for the receiver's next weekly round plus the file's transit; weekly case rounds are the rule in community offices", prior=Prior.integer(1, 4))
_("buck_pass_hours", 2.0, 0.0, 20.0, "hours/pass/holder", "推诿耗时", "Hours per pass", "Effective hours one pass takes at each end (the passing and the receiving holder: explaining, re-reading, handing the file over), out of that week's capacity.", "issues", assumption="a referral between two offices: the passer writes it up and phones, the receiver re-reads the file and re-visits; about two hours at each end", prior=Prior.uniform(0.5, 4.0))
_("buck_pass_trust_loss", 0.05, 0.0, 0.5, "share/pass", "推诿信任损失", "Trust lost per pass", "Share of the reporter's trust in each of the two holders lost when its report is passed on (trust in the firm for the firm, in the community for the committee, owners' committee, organisations or street office).", "issues", assumption="being sent from one office to the next (推诿扯皮) is the most cited reason for distrust in hotline complaints; size unmeasured, a few per cent of trust per runaround", prior=Prior.uniform(0.01, 0.15))
_("escalation_weeks", 8, 1, 52, "weeks", "上报阈值周数", "Escalation threshold", "Open issues older than this may be escalated to the street office.", "issues",
  assumption="two months before an overdue issue may go to the street; hotline limits are days (Jiangsu 4.3 working days, 2021), community issues take longer", prior=Prior.integer(4, 16))
_("escalation_prob", 0.15, 0.0, 1.0, "probability/week", "自发上报概率", "Escalation probability", "Weekly probability that an overdue issue is escalated without a whistle mechanism.", "issues",
  assumption="without a whistle mechanism escalation is informal and rare; not measured", prior=Prior.uniform(0.02, 0.4))
_("latent_expiry_weeks", 12.0, 1.0, 104.0, "weeks", "潜在诉求失效周数", "Latent expiry (mean)", "Mean weeks before an unreported issue expires unresolved.", "issues",
  assumption="docs/specification.md default (mean 12 weeks before an unreported problem is lived with)", prior=Prior.uniform(4.0, 26.0))
_("open_expiry_weeks", 40, 4, 260, "weeks", "未办结诉求失效周数", "Open issue give-up", "Weeks after which an open issue is given up (expires unresolved).", "issues",
  assumption="residents give up on an open issue after most of a year; not measured", prior=Prior.integer(13, 104))
_("report_cost", 1.0, 0.0, 5.0, "utility", "反映成本", "Reporting cost", "Cost of reporting an issue in the reporting choice (time, hassle).", "issues",
  assumption="sets the unit of the reporting cost (report_cost_weight scales it), so only the product matters", prior=Prior.uniform(0.5, 2.0))
_("report_base", -3.6, -8.0, 4.0, "logit", "反映基准", "Reporting intercept", "r0 of p_report = σ(r0 + r1·trust + r2·efficacy − r3·cost + r4·points); tuned for P1.", "issues",
  source="calibrated: pattern P1 (old-compound satisfaction 0.45–0.65), hand-tuned; the pattern test is not evidence for it", prior=Prior.uniform(-6.0, -1.5))
_("report_trust_weight", 1.5, 0.0, 6.0, "logit", "信任对反映的作用", "Reporting: trust weight", "r1: weight of trust in the community on reporting.", "issues",
  assumption="trust raises reporting (docs/specification.md §3); the size is not measured", prior=Prior.uniform(0.0, 4.0))
_("report_efficacy_weight", 1.5, 0.0, 6.0, "logit", "效能感对反映的作用", "Reporting: efficacy weight", "r2: weight of efficacy on reporting.", "issues",
  assumption="efficacy raises reporting (docs/specification.md §3); the size is not measured", prior=Prior.uniform(0.0, 4.0))
_("report_cost_weight", 1.0, 0.0, 6.0, "logit", "成本对反映的作用", "Reporting: cost weight", "r3: weight of the reporting cost.", "issues",
  assumption="the hassle of reporting lowers it (docs/specification.md §3); the size is not measured", prior=Prior.uniform(0.2, 3.0))
_("report_points_weight", 0.02, 0.0, 1.0, "logit/yuan", "积分对反映的作用", "Reporting: reward weight", "r4: weight of the yuan value of points per report.", "issues",
  assumption="rewards raise reporting (文化街社区: 42 % of solved requests reported via points, public_figures.csv, before/after only); the size is not measured", prior=Prior.uniform(0.0, 0.1))
_("base_discovery_prob", 0.02, 0.0, 1.0, "probability/week", "日常巡查发现率", "Routine discovery", "Weekly probability that routine patrols find a latent issue (no grid-management mechanism).", "issues",
  assumption="routine patrols find a few hidden problems; not measured", prior=Prior.uniform(0.0, 0.1))
_("expected_resolution_weeks", 4.0, 0.5, 52.0, "weeks", "期望办结周数", "Expected resolution time", "Time residents expect an issue to take; slower resolution lowers the outcome.", "issues",
  assumption="residents expect about a month for a community issue; published hotline averages are shorter (Jiangsu 4.6 working days, 2024; Chengdu 4.24, 2020; public_figures.csv)", prior=Prior.uniform(1.0, 8.0))
# participation
_("part_base", -5.8, -10.0, 5.0, "logit", "参与基准", "Participation intercept", "u0 of the participation choice; tuned for P1 (3–15 % monthly active).", "participation",
  source="calibrated: pattern P1 (3–15 % of households active a month), hand-tuned; the pattern test is not evidence for it", prior=Prior.uniform(-8.0, -3.5))
_("part_motivation_weight", 3.0, 0.0, 10.0, "logit", "内在动机权重", "Motivation weight", "u_m: weight of intrinsic motivation.", "participation",
  assumption="intrinsic motivation drives volunteering (docs/specification.md §8); the size is not measured", prior=Prior.uniform(0.5, 6.0))
_("part_efficacy_weight", 1.0, 0.0, 10.0, "logit", "效能感权重", "Efficacy weight", "u_e: weight of efficacy.", "participation",
  assumption="efficacy raises participation (docs/specification.md §8); the size is not measured", prior=Prior.uniform(0.0, 3.0))
_("part_trust_weight", 1.0, 0.0, 10.0, "logit", "信任权重", "Trust weight", "u_t: weight of trust in the community.", "participation",
  assumption="trust in the community raises participation (docs/specification.md §8); the size is not measured", prior=Prior.uniform(0.0, 3.0))
_("social_influence", 5.0, 0.0, 10.0, "logit", "社会影响", "Social influence", "u_s: weight of the share of network neighbours who took part last month (P5).", "participation", main=True,
  assumption="neighbours' participation spreads (needed for pattern P5's clustering); the size is not measured", prior=Prior.uniform(0.0, 8.0))
_("part_party_weight", 1.5, 0.0, 10.0, "logit", "党员动员权重", "Party mobilisation weight", "u_p: weight of Party membership × branch mobilisation.", "participation",
  source="Shanghai survey (嬗变中的上海, public_figures.csv): residents' committee election turnout 65.09 % among CPC members vs 47.89 % overall, a log-odds gap ≈ 0.7 ≈ part_party_weight × party_mobilisation (1.5 × 0.4)", prior=Prior.uniform(0.5, 3.0))
_("part_reward_weight", 0.05, 0.0, 1.0, "logit/yuan", "奖励权重", "Reward weight", "u_r: weight of the yuan value of points per activity.", "participation",
  assumption="points raise participation (seed 002 积分+; 文化街社区 door-opening 30 % → 65 %, public_figures.csv, uncontrolled); the size per yuan is not measured", prior=Prior.uniform(0.0, 0.2))
_("cost_retired", 0.0, -3.0, 5.0, "logit", "退休户参与成本", "Cost: retired", "Participation cost of retired households (lowest; P6).", "participation",
  assumption="reference group: only differences to the other groups matter (part_base sets the level)", prior=Prior.fixed(0.0))
_("cost_youth", 0.6, -3.0, 5.0, "logit", "青年户参与成本", "Cost: youth", "Participation cost of young households.", "participation",
  assumption="docs/specification.md's order retired > youth > working (P6); the one survey in our sources (Shanghai election turnout 13.77 % at 18–29, 55.68 % at 50–59) puts the young lowest, so the youth–working order is not supported and the prior spans both", prior=Prior.uniform(0.0, 3.0))
_("cost_working", 1.2, -3.0, 5.0, "logit", "在职户参与成本", "Cost: working-age", "Participation cost of working-age households (highest; P6).", "participation",
  source="Shanghai survey (嬗变中的上海, public_figures.csv): election turnout 55.68 % at ages 50–59 vs 77.74 % at 70–79, a log-odds gap ≈ 1.0 (1.2 here)", prior=Prior.uniform(0.5, 2.5))
_("cost_renter", 0.6, 0.0, 5.0, "logit", "租户额外成本", "Extra cost: renters", "Extra participation cost for renters (P6).", "participation",
  assumption="renters take part less (P6; shorter stay, no property stake); the size is not measured", prior=Prior.uniform(0.0, 1.5))
_("volunteer_hours_per_slot", 2.0, 0.5, 8.0, "hours", "每次志愿时长", "Hours per volunteer slot", "Hours one volunteer activity takes.", "participation",
  assumption="a typical community activity takes a morning or an afternoon; not measured", prior=Prior.uniform(1.0, 4.0))
_("volunteer_productivity", 0.4, 0.0, 5.0, "quality/(hour/household/month)", "志愿服务生产率", "Volunteer productivity", "Quality a domain gains per volunteer hour a month per household of the compound, at low volunteering (the lift saturates at volunteer_effect_max): the service volunteers produce — cleaning and greening, patrols, visits to the elderly, activities.", "participation",
  assumption="a full-time cleaner's hours for a 320-household compound (≈ 170 h a month, 0.5 h per household) lift environment by about 0.2 on the 0–1 scale, so about 0.4 per hour per household a month; volunteer hours taken as productive as paid ones at first; not measured", prior=Prior.uniform(0.1, 1.0))
_("volunteer_effect_max", 0.12, 0.0, 0.5, "level", "志愿服务最大增益", "Volunteer effect ceiling", "Most quality volunteering adds to one domain of a compound however many hours are given (professional work, not volunteers, does the rest).", "participation",
  assumption="volunteers complement, not replace, paid services; the ceiling is about a tenth of the quality scale (the curve the model used before, now declared)", prior=Prior.uniform(0.05, 0.25))
_("volunteer_share_environment", 0.35, 0.0, 1.0, "share", "环境类志愿时长占比", "Volunteer hours: environment", "Share of volunteer hours spent on environment (cleaning, greening, waste sorting).", "participation",
  assumption="environment tasks are the commonest community volunteering; shares of the four domains are not measured", prior=Prior.uniform(0.2, 0.4))
_("volunteer_share_patrol", 0.25, 0.0, 1.0, "share", "巡逻类志愿时长占比", "Volunteer hours: patrols", "Share of volunteer hours spent on safety patrols (平安巡逻): they lift safety and find latent issues (patrol_finds_per_hour).", "participation",
  assumption="patrol teams (平安志愿者, 楼栋长巡查) are the second commonest volunteer activity; not measured", prior=Prior.uniform(0.1, 0.3))
_("volunteer_share_care", 0.25, 0.0, 1.0, "share", "一老一小类志愿时长占比", "Volunteer hours: care", "Share of volunteer hours spent on care for the elderly and children (visits, meals, homework help); the rest of the hours go to culture (文体活动).", "participation",
  assumption="elderly visits and child care help (一老一小) are a main volunteer task in seed communities; not measured", prior=Prior.uniform(0.1, 0.3))
_("patrol_finds_per_hour", 0.1, 0.0, 2.0, "issues/hour", "巡逻发现率", "Patrol finds per hour", "Latent issues a volunteer patrol hour finds in its compound before residents report them (a broken light, a blocked fire lane).", "participation",
  assumption="a two-hour patrol round notices something to report about one round in five; not measured", prior=Prior.uniform(0.02, 0.3))
_("deliberation_slots", 15.625, 0.0, 500.0, "seats/1,000 households", "议事会席位", "Deliberation seats", "Seats at the monthly residents' meeting per 1,000 households of the community (baseline 居民会议; 30 in a community of 1,920).", "participation",
  assumption="seats at the monthly residents' meeting of a community; not measured", prior=Prior.uniform(5.0, 30.0), resource=True)
_("motivation_relax_rate", 0.004, 0.0, 0.2, "1/week", "动机回归速度", "Motivation relaxation", "Weekly rate at which motivation relaxes back to its baseline m0 (slow: gives hysteresis, P3).", "participation",
  source="calibrated: pattern P3 (chosen slow, half-life ≈ 3 years, so that withdrawing points leaves participation below its start); not measured", prior=Prior.loguniform(0.001, 0.03))
_("efficacy_gain", 0.08, 0.0, 1.0, "rate", "效能感增益", "Efficacy gain", "Rate at which efficacy moves after an own report or proposal leads to a result.", "participation",
  assumption="efficacy grows when one's own report is acted on (docs/specification.md §8); the rate is not measured", prior=Prior.uniform(0.02, 0.2))
# attitudes
_("satisfaction_rate", 0.1, 0.0, 1.0, "1/week", "满意度调整速度 α", "Satisfaction rate α", "α: weekly adjustment of satisfaction toward experience.", "attitudes",
  assumption="docs/specification.md §8 default α = 0.1 (satisfaction follows experience within months)", prior=Prior.uniform(0.03, 0.3))
_("neighbour_weight", 0.05, 0.0, 1.0, "1/week", "邻里影响 γ", "Neighbour influence γ", "γ: pull of satisfaction toward the mean of network neighbours.", "attitudes",
  assumption="docs/specification.md §8 default γ = 0.05; opinion contagion among neighbours is not measured", prior=Prior.uniform(0.0, 0.15))
_("aspiration_rate", 0.02, 0.0, 1.0, "1/week", "期望适应速度", "Aspiration adaptation", "α_a: hedonic adaptation of aspiration to experience.", "attitudes",
  assumption="hedonic adaptation (Frederick & Loewenstein 1999, 'Hedonic adaptation', in Well-Being: The Foundations of Hedonic Psychology) gives the form; the rate (docs/specification.md α_a = 0.02, half-life ≈ 8 months) is assumed", prior=Prior.uniform(0.005, 0.08))
_("surprise_weight", 1.0, 0.0, 5.0, "×", "落差权重", "Surprise weight", "κ: weight of experience − aspiration in the satisfaction target.", "attitudes",
  assumption="experience relative to aspiration counts as much as its level; not measured", prior=Prior.uniform(0.3, 2.0))
_("satisfaction_disposition_sd", 0.12, 0.0, 0.5, "sd", "满意度个体差异", "Disposition spread", "Spread of households' lasting disposition: the same conditions satisfy some more than others (keeps the share satisfied a smooth function of the mean).", "attitudes",
  assumption="people differ lastingly in how satisfied the same conditions leave them; the spread is not measured", prior=Prior.uniform(0.05, 0.2))
_("satisfaction_noise", 0.01, 0.0, 0.2, "sd/week", "满意度噪声", "Satisfaction noise", "Weekly noise on satisfaction.", "attitudes",
  assumption="small weekly mood noise; not measured", prior=Prior.uniform(0.0, 0.03))
_("pending_penalty", 0.04, 0.0, 0.5, "per issue", "积压诉求扣分", "Pending-issue penalty", "Experience lost per own issue open or latent for more than 4 weeks.", "attitudes",
  assumption="an own problem left unsolved for a month sours experience; the size is not measured", prior=Prior.uniform(0.01, 0.1))
_("resolved_bonus", 0.04, 0.0, 0.5, "per issue", "及时办结加分", "Resolution bonus", "Experience gained per own issue resolved on time (decays over ~3 months).", "attitudes",
  assumption="a problem solved on time lifts experience for a while; the size is not measured", prior=Prior.uniform(0.01, 0.1))
_("trust_rate", 0.2, 0.0, 1.0, "rate", "信任学习速度 η", "Trust learning η", "η: trust moves toward the outcome of own issues at this rate.", "attitudes",
  assumption="trust learned from the outcome of own issues (docs/specification.md §8 η); the rate is not measured", prior=Prior.uniform(0.05, 0.5))
_("trust_weight_in_experience", 0.2, 0.0, 0.5, "weight", "信任在体验中的权重", "Trust in experience", "Weight of trust in the community in experienced quality of life.", "attitudes",
  assumption="trust in the community is part of quality of life; the weight is not measured", prior=Prior.uniform(0.05, 0.35))
# organisations
_("rc_capacity_hours", 62.5, 0.0, 1000.0, "hours/1,000 households/week", "居委会工作时长", "Residents' committee hours", "Community workers' hours a week for issues, per 1,000 households of the community (120 in a community of 1,920).", "organisations",
  assumption="about 9 community workers for ~5,000 residents, a third of their week on residents' issues; not measured", prior=Prior.uniform(30.0, 125.0), resource=True)
_("rc_competence", 0.6, 0.05, 1.0, "level", "居委会能力", "Residents' committee competence", "Hours an issue takes are divided by competence.", "organisations",
  assumption="middling competence on a unit scale with no measured counterpart", prior=Prior.uniform(0.3, 0.9))
_("party_capacity_hours", 31.25, 0.0, 600.0, "hours/1,000 households/week", "党支部组织时长", "Party branch hours", "Hours a grid Party branch (and the community Party committee, as one branch) spends organising activities a week, per 1,000 households of its compound (10 in a compound of 320).", "organisations",
  assumption="a grid Party branch's secretary and members give a few hours a week to organising; not measured", prior=Prior.uniform(12.5, 62.5), resource=True)
_("party_mobilisation", 0.4, 0.0, 1.0, "level", "党组织动员力", "Party mobilisation", "Mobilisation of Party branches (raises Party members' participation).", "organisations",
  assumption="middling mobilisation on a unit scale; see part_party_weight for the turnout gap it helps reproduce", prior=Prior.uniform(0.2, 0.7))
_("slots_per_organiser_hour", 0.4, 0.0, 10.0, "slots/hour", "每小时组织名额", "Slots per organiser hour", "Volunteer slots one hour of organising creates.", "organisations",
  assumption="an organiser hour sets up a place for a volunteer every two or three hours; not measured", prior=Prior.uniform(0.2, 1.0))
_("so_per_community", 3, 0, 12, "organisations", "社会组织数", "Social organisations", "Social organisations (社会组织) per community at the start.", "organisations",
  assumption="half of seed 001 Qingyang's reform target (社会组织 ≥ 6 per community), taken as the pre-reform level", prior=Prior.integer(1, 6))
_("so_capacity_hours", 125 / 6, 0.0, 250.0, "hours/1,000 households/week", "社会组织时长", "Social-organisation hours", "Hours a social organisation works a week (services, issues and organising), per 1,000 households of its community (125/6, i.e. 40 in a community of 1,920).", "organisations",
  assumption="one full-time-equivalent worker per social organisation; not measured", prior=Prior.uniform(10.0, 42.0), resource=True)
_("so_professionalism", 0.5, 0.05, 1.0, "level", "社会组织专业化", "Professionalism", "Professionalism of social organisations (service effect per hour).", "organisations",
  assumption="middling professionalism on a unit scale with no measured counterpart", prior=Prior.uniform(0.3, 0.8))
_("street_capacity_hours", 125 / 6, 0.0, 2500.0, "hours/1,000 households/week", "街道部门时长", "Street-office hours", "Departments' hours a week for escalated issues, per 1,000 households in the street (125/6, i.e. 40 for a community of 1,920).", "organisations",
  assumption="one full-time-equivalent of the street's departments per community for escalated issues; not measured", prior=Prior.uniform(10.0, 62.5), resource=True)
_("so_capacity_max", 62.5, 0.0, 1000.0, "hours/1,000 households/week", "社会组织时长上限", "Social-organisation hours (max)", "Most hours a week a social organisation works with grant-funded staff (levers.so_funded_hours), per 1,000 households of its community (120 in a community of 1,920); more grants buy no more.", "organisations",
  assumption="a supported organisation grows to about three full-time workers; not measured", prior=Prior.uniform(30.0, 125.0))
_("so_hour_cost", 40.0, 1.0, 1000.0, "yuan/hour", "社会组织工时成本", "Social-organisation hour cost", "What a grant pays for one staff hour of a social organisation (wage and overheads).", "organisations",
  assumption="a social worker's wage with overheads, about 6,000–8,000 yuan a month over ~170 hours; not measured", prior=Prior.uniform(25.0, 80.0))
_("service_effect", 0.25, 0.0, 1.0, "level", "服务质量增益", "Service quality effect", "Largest lift of a domain's quality from social-organisation services.", "organisations",
  assumption="services lift a domain's quality by at most a quarter of the scale; not measured", prior=Prior.uniform(0.1, 0.4))
# property economics
_("fee", 150.0, 0.0, 2000.0, "yuan/household/month", "物业费", "Property fee", "Monthly property fee per household.", "property", main=True,
  assumption="about 1.5–2 yuan per m² a month on an 80–100 m² flat, common for ordinary compounds; no fee figure in our sources", prior=Prior.uniform(60.0, 400.0))
_("margin_target", 0.10, 0.0, 0.5, "share", "目标利润率", "Margin target", "Share of revenue a firm keeps as margin when not under pressure.", "property",
  assumption="a modest service margin; firms' accounts are not in our sources", prior=Prior.uniform(0.03, 0.2))
_("overhead_share", 0.12, 0.0, 0.5, "share of full fee", "固定成本", "Fixed overhead", "Fixed monthly cost as a share of the full fee roll. Tuned from 0.08 to 0.12 for P2: with the contractual minimum service spend (0.4 of the roll) a firm breaks even at collection 0.4 + overhead; at 0.08 (break-even 0.48) the low-quality trap (collection ≈ 0.5) never cost money and no firm ever exited in old_compound. At 0.12 (break-even 0.52) firms caught in the trap lose money and some exit (小区失管), while baseline compounds keep collection ≈ 0.92 and no exits.", "property",
  source="calibrated: pattern P2 (tuned 0.08 → 0.12 so that firms in the low-quality trap lose money and some exit); the pattern test is not evidence for it", prior=Prior.uniform(0.05, 0.2))
_("quality_adjust_rate", 0.15, 0.0, 1.0, "1/month", "质量调整速度 ψ", "Quality adjustment ψ", "ψ: monthly move of quality toward effort/needed.", "property",
  assumption="service quality follows spending within a few months; not measured", prior=Prior.uniform(0.05, 0.4))
_("pay_base", 1.73, -5.0, 5.0, "logit", "缴费基准 θ0", "Payment intercept θ0", "θ0: σ(1.73) ≈ 0.85 collection at property satisfaction 0.5.", "property",
  source="Shanghai large-estate survey 2014 (public_figures.csv): 6.7 % of owner-occupiers ever owed property fees (N = 912), so collection at middling satisfaction is high; σ(1.73) ≈ 0.85", prior=Prior.uniform(1.0, 3.0))
_("pay_satisfaction_weight", 6.0, 0.0, 20.0, "logit", "满意度对缴费作用 θ1", "Payment: satisfaction θ1", "θ1: weight of satisfaction with the property service on paying.", "property",
  assumption="dissatisfied owners withhold fees (docs/specification.md §8 θ1); the size is not measured", prior=Prior.uniform(2.0, 10.0))
_("pay_neighbour_weight", 2.0, 0.0, 20.0, "logit", "邻居缴费影响 θ2", "Payment: neighbours θ2", "θ2: weight of the compound's payment share last month (centred on 0.85).", "property",
  assumption="owners follow their compound's payment norm (docs/specification.md §8 θ2); the size is not measured", prior=Prior.uniform(0.0, 5.0))
_("exit_weeks", 26, 1, 260, "weeks", "退出周数", "Weeks in loss before exit", "A firm whose cash stays below zero this long exits (小区失管).", "property",
  assumption="a firm leaves after about half a year in loss (小区失管); not measured", prior=Prior.integer(13, 52))
_("initial_cash_months", 1.0, 0.0, 24.0, "months of fee roll", "初始现金", "Initial cash", "A firm's starting cash in months of its full fee roll × margin.", "property",
  assumption="a month of margin as reserves; firms' accounts are not in our sources", prior=Prior.uniform(0.25, 3.0))
_("unmanaged_quality", 0.25, 0.0, 1.0, "level", "失管小区服务质量", "Unmanaged quality", "Property quality a compound gets from the residents' committee when it has no firm.", "property",
  assumption="a compound without a firm gets basic cleaning from the committee (seed 003 无物业小区); not measured", prior=Prior.uniform(0.1, 0.4))
_("oc_pressure", 0.5, 0.0, 1.0, "share", "业委会监督力", "Owners' committee pressure", "Share of the margin an active owners' committee squeezes out as extra effort.", "property",
  assumption="an active owners' committee squeezes part of the margin into service; not measured", prior=Prior.uniform(0.2, 0.8))
_("oc_vote_threshold", 0.35, 0.0, 1.0, "level", "更换物业阈值", "Replacement threshold", "Firm quality below which an owners' committee considers a replacement vote.", "property",
  assumption="owners consider replacing a clearly poor firm; not measured", prior=Prior.uniform(0.2, 0.5))
_("replacement_quality", 0.55, 0.0, 1.0, "level", "新物业初始质量", "Replacement quality", "Initial quality of a newly hired firm.", "property",
  assumption="a new firm starts a little above the middle; not measured", prior=Prior.uniform(0.4, 0.7))
# projects
_("project_budget_per_quarter", 78125.0, 0.0, 5e7, "yuan/1,000 households/quarter", "项目预算", "Project budget", "Fiscal project money each quarter per 1,000 households of the community (150,000 for a community of 1,920).", "projects", main=True,
  assumption="a few hundred thousand yuan a year for a community's projects; seed 001's ≥ 1 million yuan support is district-wide", prior=Prior.loguniform(15000.0, 310000.0), resource=True)
_("attendee_need_weight", 3.0, 0.0, 20.0, "×", "议事者需求权重", "Weight of attendees' needs", "Extra weight of the needs of households that attended a residents' meeting in the last quarter when projects are chosen, at full deliberation weight (levers.deliberation_weight = 1; 0 without the deliberation mechanism): a need raised at the meeting counts (1 + this) times.", "projects",
  assumption="a need voiced at a meeting weighs several times a silent one in what the committee proposes; not measured", prior=Prior.uniform(1.0, 6.0))
_("topdown_noise", 1.0, 0.0, 10.0, "×", "自上而下选择噪声", "Top-down choice noise", "Noise in top-down project choice (0 = as good as need ranking).", "projects",
  assumption="top-down choice misses needs about as much as it follows them; not measured", prior=Prior.uniform(0.3, 3.0))
_("project_depreciation_per_year", 0.1, 0.0, 1.0, "1/year", "项目折旧率", "Project depreciation", "Share of a completed project's quality lift lost a year without maintenance (applied weekly): lifts, pipes, care stations and greening wear, so project stocks settle where new projects balance wear instead of ratcheting up.", "projects",
  assumption="public facilities and their upkeep last roughly ten years (straight-line lives of 8–20 years for municipal assets); not measured for community projects", prior=Prior.uniform(0.04, 0.25))
# observation
_("survey_sample_size", 200, 10, 100000, "households", "调查样本量", "Survey sample size", "Households sampled by the quarterly satisfaction survey (per street).", "observation",
  assumption="a design setting of the simulated survey (seed 004 quarterly third-party survey)", prior=None, tags=("structural",))
_("household_sample", 0, 0, 100000, "households", "住户跟踪样本", "Household sample recorded", "Households whose satisfaction, participation and trust are recorded every week through Mesa's agent reporters (evenly spaced, no random draws; 0 = none). Observation only: changes no result.", "observation",
  assumption="a recording setting: how many households the output follows", prior=None, tags=("structural",))
_("keep_closed_issues", False, None, None, "", "保留已结诉求", "Keep closed issues", "Keep resolved and expired issues in the issue table (model.issues), for analyses of single issues. Off, they are folded into the counters (created, resolved, expired) so memory does not grow with the horizon. Observation only: changes no result.", "observation",
  assumption="a recording setting: whether the run keeps every closed issue", prior=None, tags=("structural",))
_("survey_noise", 0.1, 0.0, 0.5, "sd", "调查测量误差", "Survey noise", "Measurement noise of a surveyed satisfaction.", "observation",
  assumption="measurement error of a single survey answer on the unit scale; not measured", prior=Prior.uniform(0.03, 0.2))
_("satisfied_threshold", 0.6, 0.0, 1.0, "level", "满意阈值", "Satisfied threshold", "A household counts as satisfied at s ≥ this.", "observation",
  assumption="a definition, like the top two points of a five-point scale (docs/specification.md §9), not a behaviour", prior=None, tags=("structural",))
_("hotline_rating_noise", 0.15, 0.0, 1.0, "sd", "回访评价噪声", "Rating noise", "Response noise of a reporter's rating of how the issue was handled (hotline_satisfaction_rate): rating = outcome + N(0, noise²).", "observation", assumption="a satisfaction call-back is a noisy one-question rating; noise of the order of the difference between an on-time and a somewhat late handling", prior=Prior.uniform(0.05, 0.3))
_("hotline_rating_threshold", 0.5, 0.0, 1.0, "level", "回访满意阈值", "Rating threshold", "A reporter rates the handling satisfied (满意/基本满意) when its rating is at least this; outcome is 1 on time, 0.5 at twice the expected time, 0 when given up.", "observation", assumption="满意 and 基本满意 both count as satisfied in hotline statistics, so the bar sits at a middling outcome", prior=Prior.uniform(0.3, 0.7))
_("hotline_unrecorded_unsatisfied", 0.5, 0.0, 1.0, "share", "不满意未计比例", "Unrecorded dissatisfaction", "Of the reporters whose rating falls below hotline_rating_threshold, the share not recorded as 不满意 (not reached by the return visit, no answer, or rating the response and attitude rather than the outcome): their closures count as satisfied in hotline_satisfaction_rate, as in published 满意率 = 1 − 不满意件数/办结件数. Counted in expectation (no random draw): changes no other result.", "observation",
  source="Chengdu 网络理政 bulletin, November 2017 (cbgc.scol.com.cn/news/201711): 6,479 closures rated 不满意 of 107,957 closed gave 满意率 94.00 % (= 1 − 6,479/107,957) against a 诉求解决率 of 86.95 %, so at least (94.00 − 86.95)/13.05 = 54 % of the requests not resolved were not recorded 不满意 (2016: ≥ 6 %, 2019: ≥ 33 % from the annual rates); the default 0.5 and the prior's width are an assumption within that", prior=Prior.uniform(0.0, 0.9))
_("ontime_limit_weeks", 1, 1, 26, "weeks", "办结时限", "Time limit for closure", "A household-reported issue counts as closed on time (按时办结) when it is resolved within this many weeks of the report.", "observation", source="Jiangsu 12345: time limit for non-consultation requests 5 working days in 2017, 4.3 in 2021 (非咨询类事项办理时限, jszwb.jiangsu.gov.cn/art/2022/2/7/art_81695_10340774.html); one week = 5 working days", prior=None, tags=("structural",))
# shocks and policy timing
_("budget_cut_week", 0, 0, 2000, "week", "预算削减周", "Budget cut week", "From this week on, project money and mechanism budgets (points budget, community-fund seed money, social-organisation funding) are multiplied by budget_cut_factor (0 = never).", "shocks",
  assumption="a scenario setting: when a budget shock happens (0 = never)", prior=None, tags=("structural",))
_("budget_cut_factor", 0.5, 0.0, 1.0, "×", "预算削减系数", "Budget cut factor", "Share of project money and mechanism budgets left after the budget cut.", "shocks",
  assumption="a scenario setting: how deep a budget shock cuts", prior=Prior.uniform(0.0, 1.0))
_("forced_exit_week", 0, 0, 2000, "week", "物业强制退出周", "Forced firm exit week", "In this week the property firm of the first compound leaves, whatever its books say (0 = never).", "shocks",
  assumption="a scenario setting: when a firm is forced out (0 = never)", prior=None, tags=("structural",))

# ---------------------------------------------------------------------------------------------
# Behavioural constants that used to be hard-coded in the rules (issue kinds, age weights, decays,
# firm economics, committee and organisation time budgets), now reachable by sweeps and calibration.
# ---------------------------------------------------------------------------------------------
_KIND_SHARE = (0.25, 0.15, 0.10, 0.10, 0.05, 0.20, 0.15)
_KIND_HOURS = (3.0, 2.0, 3.0, 4.0, 2.0, 6.0, 3.0)
_AGE_WEIGHTS = (
    (0.25, 0.20, 0.15, 0.10, 0.15, 0.15),  # youth
    (0.25, 0.20, 0.15, 0.15, 0.10, 0.15),  # working
    (0.20, 0.15, 0.15, 0.25, 0.05, 0.20),  # retired
)
for _kind, _zh, _share, _hours in zip(ISSUE_KINDS, ISSUE_KIND_ZH, _KIND_SHARE, _KIND_HOURS, strict=True):
    _(issue_share_name(_kind), _share, 0.0, 1.0, "weight", f"{_zh}诉求占比", f"Issue share: {_kind}",
      f"Relative weight of {_kind} issues among all issues at equal quality (the seven weights are "
      "normalised to sum 1).", "issues",
      assumption="docs/specification.md's mix (property and infrastructure most common); no breakdown of community "
      "issues by kind in our sources", prior=Prior.uniform(_share / 2, min(2 * _share, 1.0)))
    _(issue_hours_name(_kind), _hours, 0.1, 100.0, "hours/issue", f"{_zh}办理工时", f"Work hours: {_kind}",
      f"Work hours a {_kind} issue takes at competence 1 (cross-boundary issues take "
      "cross_boundary_hours_factor times as long).", "issues",
      assumption="hours of work, not elapsed time; published hotline handling times (days) do not measure "
      "them", prior=Prior.uniform(_hours / 2, 2 * _hours))
_("cross_boundary_hours_factor", 2.0, 1.0, 5.0, "×", "跨界诉求工时倍数", "Cross-boundary work factor",
  "A cross-boundary issue takes this many times the hours of its kind.", "issues",
  assumption="an issue several actors must settle takes about twice the work; not measured",
  prior=Prior.uniform(1.2, 3.0))
for _age, _age_zh, _row in zip(AGE_GROUPS, AGE_GROUP_ZH, _AGE_WEIGHTS, strict=True):
    for _domain, _dzh, _w in zip(DOMAINS, DOMAIN_ZH, _row, strict=True):
        _(quality_weight_name(_age, _domain), _w, 0.0, 1.0, "weight", f"{_age_zh}·{_dzh}权重",
          f"Weight of {_domain} ({_age})", f"Weight of the {_domain} domain in the experienced quality of "
          f"life of {_age} households (each age group's six weights are normalised to sum 1).", "attitudes",
          assumption="docs/specification.md: retired households weigh care and infrastructure (lifts, paths) more, youth "
          "culture more; the sizes are not measured", prior=Prior.uniform(_w / 2, min(2 * _w, 1.0)))
_("resolved_memory", 0.92, 0.0, 1.0, "share/week", "办结记忆保留率", "Resolution memory",
  "Weekly share of the bonus from own issues resolved on time that is kept (0.92: half-life ≈ 8 weeks).",
  "attitudes", assumption="a problem solved on time is remembered for a couple of months; not measured",
  prior=Prior.uniform(0.8, 0.98))
_("project_benefit_memory", 0.97, 0.0, 1.0, "share/week", "项目获得感保留率", "Project benefit memory",
  "Weekly share of a completed project's felt benefit that is kept (0.97: half-life ≈ 23 weeks).",
  "attitudes", assumption="the felt lift of a new facility fades over about half a year; not measured",
  prior=Prior.uniform(0.9, 0.995))
_("pending_count_cap", 5.0, 0.0, 100.0, "issues", "积压诉求计数上限", "Pending issues counted (max)",
  "At most this many of a household's own old pending issues lower its experience.", "attitudes",
  assumption="the harm of further unsolved problems saturates; not measured", prior=Prior.uniform(2.0, 10.0))
_("resolved_count_cap", 3.0, 0.0, 100.0, "issues", "办结计数上限", "Resolved issues counted (max)",
  "At most this many (decaying) own on-time resolutions raise a household's experience.", "attitudes",
  assumption="the lift of further solved problems saturates; not measured", prior=Prior.uniform(1.0, 6.0))
_("pay_trust_weight", 0.5, 0.0, 1.0, "weight", "缴费中信任权重", "Payment: trust weight",
  "Satisfaction with the property service, in the payment choice, is this weight × trust in the firm plus "
  "the rest × the firm's quality.", "property",
  assumption="owners judge the firm half by what they see and half by what they believe; not measured",
  prior=Prior.uniform(0.2, 0.8))
_("min_service_share", 0.4, 0.0, 1.0, "share of full fee", "最低服务支出", "Minimum service spend",
  "Contractual minimum a firm spends on service each month, as a share of the full fee roll, whatever it "
  "collects.", "property",
  assumption="service contracts oblige a basic service (cleaning, security) even when owners do not pay; "
  "the share is not measured (it sets the break-even with overhead_share, see pattern P2)",
  prior=Prior.uniform(0.25, 0.55))
_("quality_need", 1.2, 0.1, 5.0, "share of full fee", "满质量所需投入", "Spend for full quality",
  "Service spend, as a share of the full fee roll, that buys property quality 1.", "property",
  assumption="full quality costs a little more than the whole fee roll; not measured",
  prior=Prior.uniform(0.8, 2.0))
_("firm_issue_hours", 0.04, 0.0, 1.0, "hours/household/week", "物业诉求工时", "Firm issue hours",
  "Hours a week a firm at quality 1 has for residents' issues, per household it serves (scaled by quality).",
  "property", assumption="about one staff member's afternoon a week per 100 households; not measured",
  prior=Prior.uniform(0.02, 0.08), resource=True)
_("oc_hours", 18.75, 0.0, 300.0, "hours/1,000 households/week", "业委会工作时长", "Owners' committee hours",
  "Hours a week an owners' committee at full activity gives to residents' issues, per 1,000 households of its compound (6 for 320).", "property",
  assumption="volunteer owners give a few hours a week; not measured", prior=Prior.uniform(6.0, 37.5),
  resource=True)
_("oc_vote_call_prob", 0.5, 0.0, 1.0, "probability/month", "发起更换表决概率", "Replacement vote call",
  "Monthly probability that a fully active owners' committee calls a replacement vote on a poor firm "
  "(scaled by its activity).", "property",
  assumption="a determined committee moves within a couple of months; not measured",
  prior=Prior.uniform(0.2, 0.8))
_("so_service_share", 0.4, 0.0, 1.0, "share of hours", "社会组织服务时间占比", "Service share of hours",
  "Share of a social organisation's hours spent on services in its domain.", "organisations",
  assumption="services are the core of an organisation's funded work; the split is not measured",
  prior=Prior.uniform(0.2, 0.6))
_("so_organising_share", 0.3, 0.0, 1.0, "share of hours", "社会组织组织活动占比", "Organising share of hours",
  "Share of a social organisation's hours spent organising volunteer activities; the rest of its hours "
  "(1 − service − organising) go to issues of its domain.", "organisations",
  assumption="the split of an organisation's hours is not measured", prior=Prior.uniform(0.1, 0.4))
_("domain_quality_sd", 0.08, 0.0, 0.3, "sd", "公共服务质量差异", "Initial quality spread",
  "Spread of the initial quality of each domain between compounds (normal, clipped to [0.05, 0.95]).",
  "compounds", assumption="compounds differ moderately in service quality; not measured",
  prior=Prior.uniform(0.02, 0.15))
_("oc_activity_low", 0.3, 0.0, 1.0, "level", "业委会活跃度下限", "Owners' committee activity (low)",
  "Lower bound of the uniform draw of an owners' committee's initial activity.", "compounds",
  assumption="committees range from nominal to busy; not measured", prior=Prior.uniform(0.1, 0.45))
_("oc_activity_high", 0.8, 0.0, 1.0, "level", "业委会活跃度上限", "Owners' committee activity (high)",
  "Upper bound of the uniform draw of an owners' committee's initial activity.", "compounds",
  assumption="committees range from nominal to busy; not measured", prior=Prior.uniform(0.55, 1.0))
_("lateness_penalty", 0.5, 0.0, 5.0, "per expected time", "超时扣分", "Lateness penalty",
  "The outcome of a resolved issue falls by this much for each expected resolution time it took beyond the "
  "expected one (outcome = 1 − penalty × lateness / expected, clipped to [0, 1]).", "issues",
  assumption="an issue solved twice as late as expected is worth half; not measured",
  prior=Prior.uniform(0.2, 1.0))
_("meeting_turnout", 0.8, 0.0, 1.0, "share", "会议到场率", "Meeting turnout",
  "Share of the households who would take part that actually come to a monthly residents' meeting.",
  "participation", assumption="some who mean to come do not; not measured", prior=Prior.uniform(0.5, 1.0))
_("trust_property_rate", 0.1, 0.0, 1.0, "1/month", "物业信任调整速度", "Property trust adjustment",
  "Monthly move of trust in the property service toward the quality residents see.", "attitudes",
  assumption="trust in the firm follows what residents see within a year; not measured",
  prior=Prior.uniform(0.03, 0.3))
_("vote_turnout_base", -0.5, -5.0, 5.0, "logit", "表决参与基准", "Vote turnout intercept",
  "Intercept of an owner's turnout in a replacement vote: σ(base + w_oc·activity + w_m·motivation + "
  "w_e·efficacy).", "property",
  assumption="half of the owners of a middling compound vote (cf. residents' committee election turnout "
  "47.89 % in Shanghai, public_figures.csv, a different vote)", prior=Prior.uniform(-2.0, 1.0))
_("vote_turnout_oc_weight", 2.0, 0.0, 10.0, "logit", "业委会动员对表决的作用", "Vote turnout: committee",
  "Weight of the owners' committee's activity in an owner's vote turnout.", "property",
  assumption="an active committee gets owners to vote; the size is not measured", prior=Prior.uniform(0.5, 4.0))
_("vote_turnout_motivation_weight", 2.0, 0.0, 10.0, "logit", "动机对表决的作用", "Vote turnout: motivation",
  "Weight of an owner's civic motivation in its vote turnout.", "property",
  assumption="motivated owners vote more; the size is not measured", prior=Prior.uniform(0.5, 4.0))
_("vote_turnout_efficacy_weight", 1.0, 0.0, 10.0, "logit", "效能感对表决的作用", "Vote turnout: efficacy",
  "Weight of an owner's efficacy in its vote turnout.", "property",
  assumption="owners who think voting changes things vote more; the size is not measured",
  prior=Prior.uniform(0.0, 3.0))
_("vote_distrust_threshold", 0.5, 0.0, 1.0, "level", "赞成更换的信任阈值", "Replacement vote: distrust",
  "An owner who votes favours replacing the firm when its trust in the property service is below this.",
  "property", assumption="owners who distrust the firm vote it out; the cut-off is not measured",
  prior=Prior.uniform(0.35, 0.65))
_("oc_hire_prob", 0.15, 0.0, 1.0, "probability/month", "业委会选聘新物业概率", "New firm hired by owners",
  "Monthly probability that a fully active owners' committee of a compound without a firm hires a new one "
  "(scaled by its activity).", "property",
  assumption="finding a new firm for a compound without one takes many months; not measured",
  prior=Prior.uniform(0.03, 0.4))
for _state, _a, _b, _zh, _why in (
    ("satisfaction", 5.0, 5.0, "满意度", "centred, moderate spread"),
    ("trust", 4.0, 4.0, "信任", "centred, wider spread (both trusts)"),
    ("motivation", 2.0, 5.0, "内在动机", "most households low, a few high"),
    ("efficacy", 3.0, 4.0, "效能感", "a little below the middle"),
):
    for _shape, _value in (("a", _a), ("b", _b)):
        _(f"init_{_state}_{_shape}", _value, 0.1, 50.0, "shape", f"初始{_zh} Beta {_shape}",
          f"Initial {_state}: Beta {_shape}", f"Shape {_shape} of the Beta distribution households' initial "
          f"{_state} is drawn from (the warm-up then moves it toward its stationary level).", "population",
          assumption=f"docs/specification.md §5 initial distribution ({_why}); not measured",
          prior=Prior.uniform(max(_value / 2, 1.0), 2 * _value))
_("branch_slots_base", 0.5, 0.0, 2.0, "×", "党支部基础组织效率", "Branch organising base",
  "A Party branch's volunteer slots are hours × slots_per_organiser_hour × (this + mobilisation).",
  "organisations", assumption="an unmobilised branch still organises half as well as an average one; not "
  "measured", prior=Prior.uniform(0.2, 1.0))
_("so_issue_base", 0.5, 0.0, 2.0, "×", "社会组织办件基础效率", "Organisation issue base",
  "A social organisation's issue hours are multiplied by (this + professionalism).", "organisations",
  assumption="even an amateur organisation settles some issues; not measured", prior=Prior.uniform(0.2, 1.0))
_("volunteer_memory", 0.75, 0.0, 0.99, "share/week", "志愿服务记忆保留率", "Volunteer pool memory",
  "Weekly share of a compound's pool of recent volunteer hours that is kept (0.75: the pool holds about "
  "the last 4 weeks); volunteer service and patrols work from this pool.", "participation",
  assumption="volunteer work keeps a compound's service up for about a month; not measured",
  prior=Prior.uniform(0.5, 0.9))
_("project_benefit_gain", 0.03, 0.0, 0.5, "level", "项目获得感", "Project felt benefit",
  "Experience lift households served by a completed project feel, beyond its quality effect (then fading "
  "at project_benefit_memory).", "attitudes",
  assumption="a visible new facility pleases for a while beyond what it changes; not measured",
  prior=Prior.uniform(0.01, 0.08))
_("project_trust_gain", 0.03, 0.0, 1.0, "share of gap", "项目信任增益", "Project trust gain",
  "Share of the gap to full trust in the community that households served by a completed project close.",
  "attitudes", assumption="delivered projects build trust in the community a little; not measured",
  prior=Prior.uniform(0.01, 0.1))
_("firm_environment_effect", 0.2, 0.0, 1.0, "×", "物业对环境的影响", "Firm effect on environment",
  "Environment quality of a compound moves by this × (property quality − 0.5): firms clean common areas.",
  "compounds", assumption="property firms do part of the cleaning of common areas; not measured",
  prior=Prior.uniform(0.05, 0.4))
_("service_saturation", 1.5, 0.01, 100.0, "hours/100 households/week", "社会组织服务饱和量",
  "Service saturation", "Social-organisation service hours per 100 households a week at which the quality "
  "lift reaches 1 − 1/e of service_effect.", "organisations",
  assumption="a few hours a week per hundred households already make a visible difference; not measured",
  prior=Prior.uniform(0.5, 5.0))
for _type in LIBRARY:
    _(project_effect_name(_type.key), _type.effect, 0.0, 1.0, "share of gap", f"{_type.name_zh}效果",
      f"Project effect: {_type.key}", f"Share of the gap to quality 1 of its domain that a completed {_type.key} "
      f"project closes for the {_type.scope} it serves.", "projects",
      assumption="a project closes a fair part of the gap it targets (a lift more); not measured",
      prior=Prior.uniform(_type.effect / 2, min(2 * _type.effect, 1.0)))
del _

constrain({"youth_share": 1.0, "retired_share": 1.0}, 1.0, "'youth_share' + 'retired_share' must be at most 1")
constrain({"volunteer_share_environment": 1.0, "volunteer_share_patrol": 1.0, "volunteer_share_care": 1.0}, 1.0,
          "'volunteer_share_environment' + 'volunteer_share_patrol' + 'volunteer_share_care' must be at most 1")
constrain({"initial_quality_low": 1.0, "initial_quality_high": -1.0}, 0.0,
          "'initial_quality_low' must not exceed 'initial_quality_high'")
constrain({"oc_activity_low": 1.0, "oc_activity_high": -1.0}, 0.0,
          "'oc_activity_low' must not exceed 'oc_activity_high'")
constrain({"so_service_share": 1.0, "so_organising_share": 1.0}, 1.0,
          "'so_service_share' + 'so_organising_share' must be at most 1")
constrain({issue_share_name(k): -1.0 for k in ISSUE_KINDS}, -1e-9, "the issue shares must not all be 0")
for _age in AGE_GROUPS:
    constrain({quality_weight_name(_age, d): -1.0 for d in DOMAINS}, -1e-9,
              f"the quality weights of {_age} households must not all be 0")
del _type, _state, _a, _b, _why, _shape, _value, _KIND_SHARE, _KIND_HOURS, _AGE_WEIGHTS, _kind, _zh, _share, _hours, _age, _age_zh, _row, _domain, _dzh, _w


# ---------------------------------------------------------------------------------------------
# Mechanism parameters: each mechanism's module lists its own (MechParam, model/mechanisms/*.py);
# they are declared here, after the core ones and in the mechanisms' order, so importing this module
# gives the whole declaration in one order whatever was imported first (the mechanisms never import
# this module: model.parameters -> model.mechanisms -> model.parameter_registry, one way).
# ---------------------------------------------------------------------------------------------
for _mechanism in MECHANISMS.values():
    declare_parameters(_mechanism)
del _mechanism
