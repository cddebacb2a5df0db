"""双报到: in-service Party members register with the community they live in and serve there."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from model.domains import AGE_GROUPS
from model.mechanisms.base import Mechanism, MechParam, register

if TYPE_CHECKING:
    from model.model import CoGovernanceModel

RETIRED = AGE_GROUPS.index("retired")


@register
class DualRegistration(Mechanism):
    """Up to `members_per_community` in-service Party members (Party-member households that are not
    retired) register with the community they live in (双报到) and give `hours_per_week` each. A share
    `organise_share` of those hours organises activities for other residents (extra volunteer slots
    at the model's slots per organiser hour); the rest is their own volunteer service (taking up the
    needs list, 认领需求): each week a registered member volunteers one activity with probability
    service hours / hours per activity, which counts as volunteering (participation, volunteer hours
    and the quality it brings). Registered members are drawn once at set-up. Cost: coordinating the
    registrations and the three lists (needs, resources, projects); the members' time is unpaid."""

    key = "dual_registration"
    name_zh = "双报到"
    name_en = "Dual registration of in-service Party members"
    summary = "Registered in-service Party members volunteer where they live and organise activities (more slots)."
    sources = (
        "002 Xiangyang: 机关企事业单位党组织和在职党员到社区“双报到”",
        "003 Hangzhou node city: 在职党员“双联系双报到”, 需求、资源、项目“三张清单”",
        "000 Qiaokou: “党员+志愿”",
    )
    phases = ("setup", "attitudes")
    parameters = (
        MechParam("members_per_community", 40, 0, 2000, "members/community", "报到党员数",
                  "Registered members", "In-service Party members who register with each community (at most the "
                  "non-retired Party-member households living there).", main=True),
        MechParam("hours_per_week", 1.5, 0.0, 20.0, "hours/member/week", "每人每周服务时长", "Hours per member",
                  "Hours a registered member gives the community a week.", main=True),
        MechParam("organise_share", 0.3, 0.0, 1.0, "share", "组织活动比例", "Share organising",
                  "Share of the members' hours spent organising activities for others; the rest is own service."),
        MechParam("admin_cost_per_week", 400.0, 0.0, 1e6, "yuan/community/week", "报到管理成本", "Admin cost",
                  "Coordination of registrations and the three lists per community a week."),
    )

    def setup(self, model: CoGovernanceModel) -> None:
        hh, lay, p = model.households, model.layout, self.p
        self.members = np.zeros(0, dtype=np.int64)
        if p["members_per_community"] <= 0 or p["hours_per_week"] <= 0:
            return
        eligible = np.flatnonzero(hh.party_member & (hh.age_group != RETIRED))
        eligible = eligible[model.rng.permutation(eligible.size)]
        comm = lay.community_of[eligible]
        order = np.argsort(comm, kind="stable")
        eligible, comm = eligible[order], comm[order]
        rank = np.arange(eligible.size) - np.searchsorted(comm, comm)
        self.members = np.sort(eligible[rank < p["members_per_community"]])
        organising = p["members_per_community"] * p["hours_per_week"] * p["organise_share"]
        model.levers.extra_slots_per_community += organising * model.p["slots_per_organiser_hour"]

    def attitudes(self, model: CoGovernanceModel) -> None:
        """Registered members' own service this week (runs after activities, before quality)."""
        hh, lay = model.households, model.layout
        slot_hours = model.p["volunteer_hours_per_slot"]
        service = self.p["hours_per_week"] * (1.0 - self.p["organise_share"])
        if self.members.size == 0 or service <= 0:
            return
        share = service / slot_hours
        if share >= 1.0:
            serving, hours_each = self.members, service
        else:
            serving, hours_each = self.members[model.rng.random(self.members.size) < share], slot_hours
        hh.volunteered_now[serving] = True
        hh.last_volunteer[serving] = model.week
        hours = serving.size * hours_each
        model.volunteer_hours_week += hours
        model.volunteer_hours_grid += np.bincount(lay.grid_of[serving], minlength=lay.n_grids) * hours_each

    def weekly_cost(self, model: CoGovernanceModel) -> float:
        """Coordination cost in every community."""
        return self.p["admin_cost_per_week"] * model.layout.n_communities
