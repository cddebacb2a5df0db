"""城市更新/民生项目: demand list, project library and construction timeline (precise matching)."""

from __future__ import annotations

import numpy as np

from model.calendar import WEEKS_PER_QUARTER
from model.event_log import event
from model.mechanisms.base import Mechanism, MechParam, coverage, per_1000, register
from model.priors import Prior
from model.protocol import StreetModel


@register
class RenewalProjects(Mechanism):
    """Renewal by precise matching. Staff hours (`list_hours` per 1,000 households a week: needs
    surveys, list keeping, on-site dispatch) cover min(1, list_hours / `hours_needed`) of the
    work: each quarter the residents' committee keeps a demand list (需求清单, unmet need by
    domain, shown on ``ResidentsCommittee.demand_list``); projects from the library (项目库: lifts,
    parking, pipes, care stations, public space, fire safety, greening) are picked by need instead
    of top-down with noise (levers.need_ranking += coverage: the choice noise × (1 − coverage));
    a construction timeline with regular on-site dispatch shortens build times
    (levers.project_build_factor × (1 − (1 − `build_factor`) × coverage)); and `extra_budget` adds
    renewal money (levers.project_budget_extra). Set `extra_budget` to 0 to compare need-ranked
    with top-down choice at equal budget."""

    key = "renewal_projects"
    name_zh = "城市更新/民生项目"
    name_en = "Urban renewal and livelihood projects"
    summary = "Demand list + project library + timeline: need-ranked project choice, faster building, extra renewal money."
    summary_zh = "需求清单+项目库+时间表：按需求排序选择项目，建设更快，更新资金更多。"
    sources = (
        "004 Nan'an: 建立一张群众需求清单; 民生供给的“项目库”; 实施一张建设时序清单",
        "001 Qingyang: 建立社区营造项目化推进机制",
        "000 Qiaokou/Shangcheng: 城市更新 从单点改造向片区统筹转变",
    )
    phases = ("setup", "projects")
    parameters = (
        MechParam("extra_budget", 50000.0, 0.0, 1e8, "yuan/1,000 households/quarter", "更新资金", "Extra renewal budget",
                  "Renewal money added to the project budget a quarter (0 = equal budget).", main=True,
                  resource=True,
                  source="004 Nan'an: 城市更新品质提升 (renewal money); the amount is assumed",
                  prior=Prior.uniform(0.0, 100000.0)),
        MechParam("list_hours", 10.0, 0.0, 1000.0, "hours/1,000 households/week", "清单与调度工时", "List and dispatch hours",
                  "Staff hours for needs surveys, the demand list and on-site dispatch a week.", main=True,
                  resource=True,
                  source="004 Nan'an: 一张群众需求清单, 项目库, 一张建设时序清单, 每月检查督查; hours assumed",
                  prior=Prior.uniform(3.0, 30.0)),
        MechParam("hours_needed", 10.0, 0.1, 1000.0, "hours/1,000 households/week", "全覆盖所需工时",
                  "Hours for full coverage", "List and dispatch hours a week that cover the whole community.",
                  assumption="list and dispatch hours that cover 1,000 households; not measured",
                  prior=Prior.uniform(5.0, 20.0)),
        MechParam("build_factor", 0.75, 0.2, 1.0, "×", "工期系数", "Build-time factor",
                  "Multiplies project build weeks (construction timeline, 打表推进).",
                  source="004 Nan'an: 建设时序清单, 现场拉练 (timeline and on-site dispatch); the factor is assumed",
                  prior=Prior.uniform(0.5, 0.95)),
        MechParam("hour_cost", 50.0, 0.0, 1e4, "yuan/hour", "清单工时成本", "Cost per hour",
                  "Cost of one staff hour of needs surveys, list keeping and dispatch.",
                  assumption="a street or community staff hour; not measured",
                  prior=Prior.uniform(30.0, 80.0)),
    )

    def __init__(self, model: StreetModel, values: dict) -> None:
        super().__init__(model, values)
        lay, p = model.layout, self.p  # the same every week: worked out once
        self.running_cost = (per_1000(p["list_hours"], lay.n_households) * p["hour_cost"]
                             + per_1000(p["extra_budget"], lay.households_per_community) / WEEKS_PER_QUARTER
                             * lay.n_communities)

    def setup(self, model: StreetModel) -> None:
        lv, p = model.levers, self.p
        share = coverage(p["list_hours"], p["hours_needed"])
        lv.need_ranking = min(1.0, lv.need_ranking + share)
        lv.project_build_factor *= 1.0 - (1.0 - p["build_factor"]) * share
        lv.project_budget_extra += per_1000(p["extra_budget"], model.layout.households_per_community)

    def projects(self, model: StreetModel) -> None:
        """Publish the demand list: each community's unmet need by domain, largest first."""
        lay = model.layout
        if self.p["list_hours"] <= 0:
            return
        need_b = model.project_cycle.unmet_need  # (n_buildings, 6), this quarter's
        need_c = np.add.reduceat(need_b, np.arange(0, lay.n_buildings, lay.grids * lay.buildings_per_grid), axis=0)
        for rc in model.committees:
            row = need_c[rc.community]
            rc.demand_list = [(int(d), float(row[d])) for d in np.argsort(-row, kind="stable")]
        model.events.append(event(model.week, "demand_list", top=tuple(d for d, _ in model.committees[0].demand_list[:2])))

    def weekly_cost(self, model: StreetModel) -> float:
        return self.running_cost
