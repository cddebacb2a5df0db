"""三方联动: joint meetings of residents' committee, owners' committee and property firm."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from model.issues import OPEN
from model.mechanisms.base import Mechanism, MechParam, register

if TYPE_CHECKING:
    from model.model import CoGovernanceModel


@register
class ThreePartyLinkage(Mechanism):
    """Every `meeting_interval` weeks the Party organisation convenes the residents' committee,
    owners' committee and property firm of each compound: cross-boundary issues in their queues are
    settled jointly (up to `meeting_capacity`) and, between meetings, are not passed on. Where no
    owners' committee exists, building heads stand in at reduced effect."""

    key = "three_party_linkage"
    name_zh = "三方联动"
    name_en = "Three-party linkage"
    summary = "Joint meetings settle cross-boundary issues and stop buck-passing among committee, owners and firm."
    sources = (
        "001 Qingyang: 社区党组织、小区党组织、业委会、物业服务企业联席协商平台",
        "002 Xiangyang: 居委会、业委会、物业服务企业三方联动",
        "003 Hangzhou node city: 四治融合 / 三方联动",
    )
    phases = ("setup", "queues")
    parameters = (
        MechParam("meeting_interval", 2, 1, 52, "weeks", "联席会议间隔", "Meeting interval",
                  "Weeks between joint meetings.", main=True),
        MechParam("meeting_capacity", 6, 0, 200, "issues/compound/meeting", "每次会议协调量", "Issues per meeting",
                  "Cross-boundary issues a meeting can settle in one compound.", main=True),
        MechParam("coordination", 0.8, 0.0, 1.0, "share", "协调程度", "Coordination",
                  "Share of buck-passing removed between meetings in a compound with an owners' committee."),
        MechParam("no_oc_effect", 0.5, 0.0, 1.0, "×", "无业委会效果", "Effect without owners' committee",
                  "Relative effect where building heads stand in for a missing owners' committee."),
        MechParam("cost_per_meeting", 800.0, 0.0, 1e6, "yuan/compound/meeting", "会议成本", "Cost per meeting",
                  "Staff time and venue cost of one joint meeting in one compound."),
    )

    def _effect(self, model: CoGovernanceModel) -> np.ndarray:
        has_oc = np.array([oc is not None for oc in model.owners_committees], dtype=float)
        return has_oc + (1.0 - has_oc) * self.p["no_oc_effect"]

    def setup(self, model: CoGovernanceModel) -> None:
        model.levers.coordination = np.maximum(model.levers.coordination, self.p["coordination"] * self._effect(model))

    def queues(self, model: CoGovernanceModel) -> None:
        if model.week % self.p["meeting_interval"] != 0:
            return
        iss, h = model.issues, model.holders
        a = iss.active
        rows = a[(iss.status[a] == OPEN) & iss.cross[a]]
        kinds = h.kind[iss.holder[rows]]
        local = rows[kinds != 3]  # not at the street office: the three parties' own queues
        if local.size:
            quota = np.floor(self.p["meeting_capacity"] * self._effect(model) + 1e-9).astype(np.int64)
            order = np.lexsort((local, iss.created[local], iss.grid[local]))
            local = local[order]
            grid = iss.grid[local]
            starts = np.searchsorted(grid, np.arange(model.layout.n_grids))
            rank = np.arange(local.size) - starts[grid]
            iss.resolve(local[rank < quota[grid]], model.week)
        self.cost_this_week = self.p["cost_per_meeting"] * model.layout.n_grids
