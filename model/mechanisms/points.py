"""积分制 / 积分+: points for volunteering, reporting and environment actions, exchangeable for goods."""

from __future__ import annotations

import numpy as np

from model.arrays import constant
from model.event_log import event
from model.mechanisms.base import Mechanism, MechParam, per_1000, register
from model.priors import Prior
from model.protocol import StreetModel

REDEEM_SHARE_PER_MONTH = 0.5  # households redeem about half their balance each month
_REDEEM_SHARE = constant(REDEEM_SHARE_PER_MONTH)  # as a 0-d array: the same bits, no conversion a call


@register
class Points(Mechanism):
    """Points per volunteer hour, per report and per environment action, exchanged at a yuan value
    within a weekly budget (`budget_per_week` per 1,000 households; points beyond it are scaled
    down, so without a budget points are worth nothing). The scheme opens `env_action_slots`
    environment actions (垃圾分类, cleaning) per 1,000 households a week beside the other volunteer
    slots; a volunteer's activity is an environment action with the share those slots have of all
    slots, and earns `points_per_env_action` instead of the hourly points. Rewarded participants'
    intrinsic motivation drifts down (crowding > 0) or up (< 0); the scheme can be withdrawn at
    `stop_week` (P3: hysteresis)."""

    key = "points"
    name_zh = "积分制"
    name_en = "Points-based incentives"
    summary = "Points for volunteering, reports and environment actions; crowding of motivation; optional stop week."
    summary_zh = "志愿服务、问题反映和环境行动可得积分；积分会挤出内在动机；可设定停止的周。"
    sources = ("002 Xiangyang: “积分+”积分兑换 (environment work, volunteering, rule-abiding scored)",)
    phases = ("issues_surface", "activities", "attitudes")
    parameters = (
        MechParam("points_per_hour", 10.0, 0.0, 200.0, "points/hour", "每志愿小时积分", "Points per volunteer hour",
                  "Points earned per hour of volunteering.", main=True,
                  source="002 Xiangyang: “积分+” (volunteering scored); the rate is assumed",
                  prior=Prior.uniform(2.0, 20.0)),
        MechParam("points_per_report", 10.0, 0.0, 200.0, "points/report", "每次反映积分", "Points per report",
                  "Points earned per issue reported.",
                  assumption="rule-abiding and reporting scored like an hour of volunteering; not given",
                  prior=Prior.uniform(0.0, 20.0)),
        MechParam("points_per_env_action", 5.0, 0.0, 200.0, "points/action", "每次环境行动积分",
                  "Points per environment action", "Points per environment action (垃圾分类, cleaning).",
                  source="002 Xiangyang: “积分+” (environment work scored); the rate is assumed",
                  prior=Prior.uniform(1.0, 20.0)),
        MechParam("env_action_slots", 20.0, 0.0, 1000.0, "actions/1,000 households/week", "环境行动名额",
                  "Environment actions offered", "Environment actions open to residents a week.",
                  resource=True,
                  source="002 Xiangyang: 环境整治 actions scored; the number offered is assumed",
                  prior=Prior.uniform(5.0, 40.0)),
        MechParam("exchange_value", 0.5, 0.0, 10.0, "yuan/point", "积分兑换价值", "Exchange value",
                  "Yuan of goods one point buys.", main=True,
                  assumption="points buy small goods in the exchange shop (积分超市); about half a yuan a point",
                  prior=Prior.uniform(0.1, 1.0)),
        MechParam("budget_per_week", 1500.0, 0.0, 1e7, "yuan/1,000 households/week", "积分预算", "Weekly budget",
                  "Yuan the scheme can pay out in points a week; points beyond it are scaled down.", main=True,
                  resource=True,
                  assumption="the points shop's weekly budget per 1,000 households; not given",
                  prior=Prior.uniform(500.0, 3000.0)),
        MechParam("crowding", 0.5, -1.0, 1.0, "index", "动机挤出", "Crowding",
                  "Intrinsic motivation of rewarded participants drifts down (> 0) or up (< 0).", main=True,
                  source="calibrated: Deci, Koestner & Ryan 1999 (Psychol. Bull. 125:627-668) meta-analysis, tangible "
                  "expected rewards lower free-choice intrinsic motivation by d = -0.34 (engagement-contingent "
                  "-0.40, completion-contingent -0.44): at crowding_rate 0.05, 0.5 leaves the households rewarded in "
                  "the last quarter of a three-year scheme 0.34 SD of motivation below their baseline (0.3 gave "
                  "0.23 SD, 0.6 gave 0.39 SD; points scenario, 3 seeds). Sign: small payments crowd out civic and "
                  "volunteer effort (Frey & Oberholzer-Gee 1997, AER 87:746-755; Gneezy & Rustichini 2000 'Pay "
                  "enough or don't pay at all', QJE 115:791-810); points here are worth ~5 yuan a volunteer hour; crowding-in (< 0) is found for verbal rather than tangible rewards (Frey & Jegen 2001, J. Econ. Surveys 15:589-611)",
                  prior=Prior.uniform(0.1, 0.8)),
        MechParam("crowding_rate", 0.05, 0.0, 1.0, "1/reward", "挤出速度", "Crowding rate",
                  "Share of the drift applied per rewarded activity.",
                  assumption="slow drift per rewarded activity; not measured",
                  prior=Prior.uniform(0.01, 0.15)),
        MechParam("stop_week", 0, 0, 2000, "week", "停止周", "Stop week",
                  "Week the scheme is withdrawn (0 = never).", main=True,
                  assumption="a policy setting: the week the scheme is withdrawn (P3)",
                  prior=None,
                  tags=("structural",)),
        MechParam("admin_cost_per_week", 500.0, 0.0, 1e6, "yuan/community/week", "管理成本", "Admin cost",
                  "Running cost of the points exchange per community a week.",
                  assumption="running the exchange; not measured",
                  prior=Prior.uniform(200.0, 1000.0)),
    )

    def __init__(self, model: StreetModel, values: dict) -> None:
        super().__init__(model, values)
        self.funded_fraction = 1.0 if values["budget_per_week"] > 0 else 0.0  # share the budget covered last week
        self.env_share = 0.0  # environment actions' share of last week's volunteer slots
        self.slots_added = 0.0
        self.stopped_logged = False
        self.report_points = constant(values["points_per_report"])  # as a 0-d array (the same bits)

    def running(self, model: StreetModel) -> bool:
        stop = self.p["stop_week"]
        return stop == 0 or model.week < stop

    def _yuan(self, points: float) -> float:
        return points * self.p["exchange_value"] * self.funded_fraction

    def _activity_points(self, model: StreetModel) -> float:
        """Expected points of one volunteer activity: hourly points, or an environment action's."""
        hourly = self.p["points_per_hour"] * model.p["volunteer_hours_per_slot"]
        return self.env_share * self.p["points_per_env_action"] + (1.0 - self.env_share) * hourly

    def issues_surface(self, model: StreetModel) -> None:
        on = self.running(model)
        model.levers.report_reward_yuan = self._yuan(self.p["points_per_report"]) if on else 0.0

    def activities(self, model: StreetModel) -> None:
        lv, on = model.levers, self.running(model)
        lv.volunteer_reward_yuan = self._yuan(self._activity_points(model)) if on else 0.0
        slots = per_1000(self.p["env_action_slots"], model.layout.households_per_community) if on else 0.0
        lv.extra_slots_per_community += slots - self.slots_added
        self.slots_added = slots
        if not on and not self.stopped_logged:
            model.events.append(event(model.week, "points_stopped"))
            self.stopped_logged = True

    def attitudes(self, model: StreetModel) -> None:
        hh, p = model.households, self.p
        n_c = model.layout.n_communities
        if self.running(model):
            total_slots = model.slots_week
            self.env_share = min(1.0, self.slots_added * n_c / total_slots) if total_slots > 0 else 0.0
            # only households that volunteered or reported earn (+0 for the others: x·0 + y·0 is 0.0)
            activity_points, report_points = self._activity_points(model), p["points_per_report"]
            earned = hh.volunteered_now * activity_points
            earned += hh.reported_now * self.report_points
            issued = np.add.reduce(earned)  # the street's totals add every household's points, as they always did
            total_yuan = issued * p["exchange_value"]
            budget = per_1000(p["budget_per_week"], model.layout.n_households) * model.budget_factor()
            self.funded_fraction = min(1.0, budget / total_yuan) if total_yuan > 0 else float(budget > 0)
            if self.funded_fraction != 1.0:  # the budget pays a share of the points earned
                earned *= self.funded_fraction
                issued = np.add.reduce(earned)
            hh.points += earned
            issued = float(issued)
            model.points_issued_week += issued
            who = (hh.volunteered_now | hh.reported_now).nonzero()[0]
            # each of them earned something unless a kind of points is worth nothing or nothing is funded
            everyone = activity_points > 0 and report_points > 0 and self.funded_fraction > 1e-300
            rewarded = who if everyone else who.compress(earned.take(who) > 0)
            if rewarded.size:
                hh.crowd_motivation(rewarded, p["crowding"], p["crowding_rate"])
            self.cost_this_week = issued * p["exchange_value"] + p["admin_cost_per_week"] * n_c
        if model.week % 4 == 0:
            redeemed = np.floor(hh.points * _REDEEM_SHARE)
            hh.points -= redeemed
            model.points_redeemed_week += float(redeemed.sum())
