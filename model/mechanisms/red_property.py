"""红色物业: a Party group inside the property firm (lower margin, Party members' hours on the firm's work)."""

from __future__ import annotations

from model.mechanisms.base import Mechanism, MechParam, coverage, per_1000, register
from model.priors import Prior
from model.protocol import StreetModel


@register
class RedProperty(Mechanism):
    """Every property firm in the street, including firms hired later, has a Party group (党组织 in
    the firm, Party-member housekeepers 红管家). Two things pay for its effect. (1) The firm keeps a
    smaller margin (`margin_cut` of its margin target, levers.margin_factor): the yuan it gives
    up go into service effort, so quality rises through the ordinary property economics.
    (2) The compound's grid Party branch spends `branch_hours` per 1,000 households a week on the
    firm's work (taken from its organising hours, so it offers fewer volunteer slots): the hours
    add to the firm's issue hours (levers.firm_extra_hours), and the Party members' coordination
    with the committee makes firms cooperate in cross-boundary cases instead of passing them on
    (levers.firm_buck_pass_factor × (1 − `cooperation` · min(1, branch_hours / `cooperation_hours`)))."""

    key = "red_property"
    name_zh = "红色物业"
    name_en = "Red property management"
    summary = "Party group in every property firm: a smaller margin for service, Party branch hours on the firm's issues, less buck-passing."
    summary_zh = "每家物业企业都建党组织：服务利润率更低，党支部工时用于物业诉求，推诿更少。"
    sources = (
        "003 Hangzhou node city: 抓实“红色物业”; 加大在业委会、物业公司中组建党组织力度; “红管家”",
        "002 Xiangyang: 在社区物业、社区社会组织、业委会等横向设立党小组",
    )
    phases = ("setup", "property")
    parameters = (
        MechParam("margin_cut", 0.5, 0.0, 1.0, "share", "利润让渡", "Margin cut",
                  "Share of its margin target a firm with a Party group gives up for service (margin_factor × (1 − cut)).",
                  main=True,
                  resource=True,
                  source="003 Hangzhou node city: 抓实“红色物业” (firms with Party groups put service before profit); the share is assumed",
                  prior=Prior.uniform(0.2, 0.8)),
        MechParam("branch_hours", 5.0, 0.0, 100.0, "hours/1,000 households/week", "党支部投入物业工时",
                  "Party branch hours on the firm", "Hours the grid Party branch spends on the firm's work a week "
                  "(at most its organising hours), added to the firm's issue hours.", main=True,
                  resource=True,
                  source="003 Hangzhou node city: “红管家”, “红色楼道长”; 002: 在社区物业…设立党小组; hours assumed",
                  prior=Prior.uniform(1.0, 10.0)),
        MechParam("cooperation", 0.5, 0.0, 1.0, "share", "联动配合度", "Cooperation",
                  "Share of firms' buck-passing of cross-boundary issues removed at full Party coordination.",
                  source="003 Hangzhou node city: 四治融合 (property firms cooperate under the Party organisation); the share is assumed",
                  prior=Prior.uniform(0.2, 0.8)),
        MechParam("cooperation_hours", 5.0, 0.1, 100.0, "hours/1,000 households/week", "充分配合所需工时",
                  "Hours for full cooperation", "Party branch hours on the firm at which the firm cooperates fully.",
                  assumption="Party coordination hours at which a firm cooperates fully; not measured",
                  prior=Prior.uniform(2.0, 10.0)),
        MechParam("cost_per_firm_week", 150.0, 0.0, 1e6, "yuan/firm/week", "党建经费", "Party-building cost",
                  "Public Party-building funds per firm a week (training, activities, stipends of 红管家).",
                  assumption="Party-building funds per firm; not measured",
                  prior=Prior.uniform(50.0, 300.0)),
    )

    def setup(self, model: StreetModel) -> None:
        lv, p, lay = model.levers, self.p, model.layout
        lv.margin_factor *= 1.0 - p["margin_cut"]
        lv.firm_buck_pass_factor *= 1.0 - p["cooperation"] * coverage(p["branch_hours"], p["cooperation_hours"])
        want = per_1000(p["branch_hours"], lay.households_per_grid)
        for branch in model.party_branches:
            hours = min(want, branch.capacity)
            branch.capacity -= hours
            lv.firm_extra_hours[branch.grid] += hours
        self._mark_firms(model)

    def _mark_firms(self, model: StreetModel) -> None:
        for firm in model.firms:
            firm.party_group = firm.present  # a newly hired firm gets its Party group too

    def property(self, model: StreetModel) -> None:
        self._mark_firms(model)

    def weekly_cost(self, model: StreetModel) -> float:
        return self.p["cost_per_firm_week"] * sum(1 for f in model.firms if f.present)
