"""红色物业: a Party group inside the property firm (lower margin, more effort per yuan, cooperative)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from model.mechanisms.base import Mechanism, MechParam, register

if TYPE_CHECKING:
    from model.model import CoGovernanceModel


@register
class RedProperty(Mechanism):
    """Every property firm in the street, including firms hired later, has a Party group (党组织 in
    the firm, Party-member housekeepers 红管家). The firm keeps a smaller margin (`margin_cut`),
    gets more service quality per yuan of effort (`efficiency_gain`: Party-member staff and
    volunteers, closer contact with residents) and cooperates in cross-boundary cases instead of
    passing them on (`cooperation`). Acts through the levers margin_factor, effort_efficiency and
    firm_buck_pass_factor (factors: they multiply with other mechanisms')."""

    key = "red_property"
    name_zh = "红色物业"
    name_en = "Red property management"
    summary = "Party group in every property firm: smaller margin, more quality per yuan, less buck-passing by firms."
    sources = (
        "003 Hangzhou node city: 抓实“红色物业”; 加大在业委会、物业公司中组建党组织力度; “红管家”",
        "002 Xiangyang: 在社区物业、社区社会组织、业委会等横向设立党小组",
    )
    phases = ("setup", "property")
    parameters = (
        MechParam("margin_cut", 0.5, 0.0, 1.0, "share", "利润让渡", "Margin cut",
                  "Share of its margin target a firm with a Party group gives up for service (margin_factor × (1 − cut)).",
                  main=True),
        MechParam("efficiency_gain", 0.15, 0.0, 1.0, "share", "服务效率提升", "Efficiency gain",
                  "Extra service quality per yuan of effort (effort_efficiency × (1 + gain)).", main=True),
        MechParam("cooperation", 0.5, 0.0, 1.0, "share", "联动配合度", "Cooperation",
                  "Share of firms' buck-passing of cross-boundary issues removed (firm_buck_pass_factor × (1 − cooperation))."),
        MechParam("cost_per_firm_week", 150.0, 0.0, 1e6, "yuan/firm/week", "党建经费", "Party-building cost",
                  "Public Party-building funds per firm a week (training, activities, stipends of 红管家)."),
    )

    def setup(self, model: CoGovernanceModel) -> None:
        lv = model.levers
        lv.margin_factor *= 1.0 - self.p["margin_cut"]
        lv.effort_efficiency *= 1.0 + self.p["efficiency_gain"]
        lv.firm_buck_pass_factor *= 1.0 - self.p["cooperation"]
        self._mark_firms(model)

    def _mark_firms(self, model: CoGovernanceModel) -> None:
        for firm in model.firms:
            firm.party_group = firm.present  # a newly hired firm gets its Party group too

    def property(self, model: CoGovernanceModel) -> None:
        self._mark_firms(model)

    def weekly_cost(self, model: CoGovernanceModel) -> float:
        return self.p["cost_per_firm_week"] * sum(1 for f in model.firms if f.present)
