"""双报到: in-service Party members register with a community and serve there."""

from __future__ import annotations

import numpy as np

from model.arrays import Constants
from model.domains import AGE_GROUPS
from model.mechanisms.base import Mechanism, MechParam, per_1000, register
from model.priors import Prior
from model.protocol import StreetModel

RETIRED = AGE_GROUPS.index("retired")


@register
class DualRegistration(Mechanism):
    """`members` in-service Party members per 1,000 households register with the community
    (双报到: members of government bodies, enterprises and institutions, through their unit or
    where they live) and give `hours_per_week` each. Their hours are a resource of the community:
    a share `organise_share` organises activities for residents (extra volunteer slots at the
    model's slots per organiser hour) and the rest is their own service on the needs list
    (认领需求), which adds to the compound's volunteer hours (and so to the service they produce).
    Only the registered members who live in the community (`resident_share`, drawn once from the
    non-retired Party-member households) are residents taking part: each week such a member
    serves with probability service hours / hours per activity and counts as volunteering. The
    other members' hours are spread over the community's compounds. Cost: coordinating the
    registrations and the three lists (needs, resources, projects); the members' time is unpaid."""

    key = "dual_registration"
    name_zh = "双报到"
    name_en = "Dual registration of in-service Party members"
    summary = "Registered in-service Party members give the community volunteer hours and organise activities; residents among them take part."
    summary_zh = "到社区报到的在职党员为社区提供志愿时长并组织活动，其中的本社区居民也参与其中。"
    sources = (
        "002 Xiangyang: 机关企事业单位党组织和在职党员到社区“双报到”",
        "003 Hangzhou node city: 在职党员“双联系双报到”, 需求、资源、项目“三张清单”",
        "000 Qiaokou: “党员+志愿”",
    )
    phases = ("setup", "attitudes")
    parameters = (
        MechParam("members", 20.0, 0.0, 1000.0, "members/1,000 households", "报到党员数",
                  "Registered members", "In-service Party members registered with the community per 1,000 households.",
                  main=True,
                  resource=True,
                  source="002 Xiangyang: 在职党员到社区“双报到”; 003: “双联系双报到”; numbers assumed (about 2 % of households)",
                  prior=Prior.uniform(5.0, 40.0)),
        MechParam("hours_per_week", 1.5, 0.0, 20.0, "hours/member/week", "每人每周服务时长", "Hours per member",
                  "Hours a registered member gives the community a week.", main=True,
                  resource=True,
                  assumption="a registered member gives one to two hours a week (双报到 service is typically a few activities a month)",
                  prior=Prior.uniform(0.5, 3.0)),
        MechParam("resident_share", 0.5, 0.0, 1.0, "share", "本社区居住比例", "Share living there",
                  "Share of the registered members who live in the community (at most the non-retired "
                  "Party-member households living there); only they count as residents taking part.",
                  assumption="members of agencies register with the community they live in or one their unit is paired with; the share living there is not reported",
                  prior=Prior.uniform(0.2, 0.8)),
        MechParam("organise_share", 0.3, 0.0, 1.0, "share", "组织活动比例", "Share organising",
                  "Share of the members' hours spent organising activities for others; the rest is own service.",
                  assumption="most registered service is own service on the needs list (认领需求); share assumed",
                  prior=Prior.uniform(0.1, 0.5)),
        MechParam("admin_cost_per_week", 400.0, 0.0, 1e6, "yuan/community/week", "报到管理成本", "Admin cost",
                  "Coordination of registrations and the three lists per community a week.",
                  assumption="a few hours of community staff keeping the three lists; not measured",
                  prior=Prior.uniform(100.0, 1000.0)),
    )

    def __init__(self, model: StreetModel, values: dict) -> None:
        super().__init__(model, values)
        self.admin_cost = self.p["admin_cost_per_week"] * model.layout.n_communities  # yuan a week, fixed
        self._constants = Constants()  # the week's share serving and hours each as 0-d arrays (the same bits)

    def setup(self, model: StreetModel) -> None:
        hh, lay, p = model.households, model.layout, self.p
        self.members = np.zeros(0, dtype=np.int64)
        self.outside_hours_grid = np.zeros(lay.n_grids)  # weekly service hours of members living elsewhere
        self.outside_hours = 0.0  # their sum, the same every week
        registered = per_1000(p["members"], lay.households_per_community)  # per community
        if registered <= 0 or p["hours_per_week"] <= 0:
            return
        eligible = np.flatnonzero(hh.party_member & (hh.age_group != RETIRED))
        eligible = eligible[model.rng.permutation(eligible.size)]
        comm = lay.community_of[eligible]
        order = np.argsort(comm, kind="stable")
        eligible, comm = eligible[order], comm[order]
        rank = np.arange(eligible.size) - np.searchsorted(comm, comm)
        self.members = np.sort(eligible[rank < round(registered * p["resident_share"])])
        living = np.bincount(lay.community_of[self.members], minlength=lay.n_communities)
        outside = np.maximum(registered - living, 0.0)  # per community
        service = p["hours_per_week"] * (1.0 - p["organise_share"])
        self.outside_hours_grid = (outside * service / lay.grids)[lay.grid_community]
        self.outside_hours = float(self.outside_hours_grid.sum())
        organising = registered * p["hours_per_week"] * p["organise_share"]
        model.levers.extra_slots_per_community += organising * model.p["slots_per_organiser_hour"]

    def attitudes(self, model: StreetModel) -> None:
        """Members' own service this week (runs after activities, before quality)."""
        hh, lay = model.households, model.layout
        model.volunteer_hours_week += self.outside_hours
        model.volunteer_hours_grid += self.outside_hours_grid
        service = self.p["hours_per_week"] * (1.0 - self.p["organise_share"])
        if self.members.size == 0 or service <= 0:
            return
        slot_hours = model.p["volunteer_hours_per_slot"]
        share = service / slot_hours
        hours_each = service if share >= 1.0 else slot_hours
        share_array, hours_array = self._constants(share, hours_each)
        serving = self.members if share >= 1.0 else self.members.compress(model.rng.random(self.members.size) < share_array)
        hh.volunteered_now[serving] = True
        hh.last_volunteer[serving] = model.week
        hours = serving.size * hours_each
        model.volunteer_hours_week += hours
        model.volunteer_hours_grid += np.bincount(lay.grid_of.take(serving), minlength=lay.n_grids) * hours_array

    def weekly_cost(self, model: StreetModel) -> float:
        """Coordination cost in every community."""
        return self.admin_cost
