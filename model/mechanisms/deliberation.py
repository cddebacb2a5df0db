"""议事协商: monthly deliberation meetings, online and offline, that steer projects."""

from __future__ import annotations

from model.calendar import WEEKS_PER_MONTH
from model.mechanisms.base import Mechanism, MechParam, per_1000, register
from model.priors import Prior
from model.protocol import StreetModel


@register
class Deliberation(Mechanism):
    """The monthly residents' meeting gains a Party-led deliberation council with online
    participation: `offline_seats` and `online_seats` per 1,000 households (levers.
    deliberation_seats_extra). What the council does reaches the share of attendees who sit in it
    (its seats over all seats of the meeting): taking part online is easier than coming to a hall
    (levers.deliberation_cost_delta −= `online_cost_cut` × the online share of seats), the needs of
    recent attendees count more on the demand list that projects are chosen from
    (levers.deliberation_weight += `need_weight` × the council's share), and attendees whose
    meeting led to a completed project nearby gain efficacy (levers.deliberation_efficacy +=
    `efficacy_gain` × the council's share). No seats, no council. Seats only matter where people
    want to come, so the effect grows with existing participation (docs/specification.md P7)."""

    key = "deliberation"
    name_zh = "议事协商"
    name_en = "Deliberation meetings"
    summary = "Monthly online + offline deliberation: more seats, attendees' needs steer projects, efficacy when carried out."
    summary_zh = "每月线上+线下议事协商：席位更多，参会者的需求引导项目选择，议定事项落实后效能感提升。"
    sources = (
        "001 Qingyang: 规范党组织领导下的居民协商议事机制; 议事会",
        "002 Xiangyang: 实行“线上+线下”双覆盖的议事机制; “民情恳谈会”",
        "000 Qiaokou/Shangcheng: 做好人民建议征集工作",
    )
    phases = ("setup", "activities")
    parameters = (
        MechParam("offline_seats", 10.0, 0.0, 500.0, "seats/1,000 households/month", "线下议事席位", "Offline seats",
                  "Extra seats at the monthly meeting (议事会).",
                  resource=True,
                  source="001 Qingyang: 居民协商议事机制, 议事会; seat numbers assumed (a hall of 20–40 per community)",
                  prior=Prior.uniform(5.0, 30.0)),
        MechParam("online_seats", 20.0, 0.0, 5000.0, "seats/1,000 households/month", "线上议事席位", "Online seats",
                  "Seats for residents taking part online (线上议事).",
                  resource=True,
                  source="002 Xiangyang: “线上+线下”双覆盖的议事机制; online seat numbers assumed",
                  prior=Prior.uniform(5.0, 60.0)),
        MechParam("online_cost_cut", 0.8, 0.0, 5.0, "logit", "线上参与便利", "Online ease",
                  "Participation cost of a meeting removed by online attendance (levers.deliberation_cost_delta).",
                  assumption="taking part from a phone is easier than a meeting hall; size on the logit scale not measured",
                  prior=Prior.uniform(0.2, 1.5)),
        MechParam("need_weight", 0.6, 0.0, 1.0, "weight", "议事对项目的影响", "Weight on projects",
                  "How strongly attendees' needs steer the choice of projects (adds to levers.deliberation_weight).",
                  main=True,
                  source="001 Qingyang: 议事会 proposals steer community projects; the weight is assumed",
                  prior=Prior.uniform(0.2, 1.0)),
        MechParam("efficacy_gain", 0.15, 0.0, 1.0, "rate", "落实后效能感增益", "Efficacy gain",
                  "Efficacy gained by recent attendees when a project for them is completed.", main=True,
                  assumption="seeing one's proposal carried out raises political efficacy (a standard finding of participation research); size assumed",
                  prior=Prior.uniform(0.05, 0.3)),
        MechParam("cost_per_meeting", 1500.0, 0.0, 1e6, "yuan/community/meeting", "会议成本", "Cost per meeting",
                  "Venue, facilitation and online platform cost of one monthly meeting in one community.",
                  assumption="venue, facilitation and platform cost of a monthly meeting; not measured",
                  prior=Prior.uniform(500.0, 3000.0)),
    )

    def setup(self, model: StreetModel) -> None:
        lv, p, lay = model.levers, self.p, model.layout
        offline = per_1000(p["offline_seats"], lay.households_per_community)
        online = per_1000(p["online_seats"], lay.households_per_community)
        lv.deliberation_seats_extra += offline + online
        seats = model.deliberation_base_seats() + lv.deliberation_seats_extra
        council, online_share = ((offline + online) / seats, online / seats) if seats > 0 else (0.0, 0.0)
        lv.deliberation_cost_delta -= p["online_cost_cut"] * online_share
        lv.deliberation_weight = min(1.0, lv.deliberation_weight + p["need_weight"] * council)
        lv.deliberation_efficacy += p["efficacy_gain"] * council

    def activities(self, model: StreetModel) -> None:
        seats = self.p["offline_seats"] + self.p["online_seats"]
        if model.week % WEEKS_PER_MONTH == 0 and seats > 0:
            self.cost_this_week = self.p["cost_per_meeting"] * model.layout.n_communities
