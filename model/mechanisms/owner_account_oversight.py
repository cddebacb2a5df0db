"""业账社管/共管: owners' funds and the firm's accounts overseen by the community and published."""

from __future__ import annotations

import numpy as np

from model.mechanisms.base import Mechanism, MechParam, coverage, register
from model.priors import Prior
from model.protocol import StreetModel


@register
class OwnerAccountOversight(Mechanism):
    """Owners' common funds and the firm's fee accounts are managed (社管) or co-managed (共管) by
    the community, whose accountant audits and publishes them monthly (`audit_hours` per 1,000
    households a month; `hours_needed` audit every compound's accounts monthly, fewer hours audit
    them proportionally less often). Publication works through transparency: residents see what share of the
    fees the firm actually spent on service (last month's effort / revenue), and their trust in
    the property service moves toward it (`trust_rate` of the gap a month, times the coverage).
    Trust in the firm enters every fee-payment decision (Households.pay_probability), so a firm
    that spends fees on service gains collection and one that keeps a large margin loses it;
    collection then funds effort and quality through the ordinary property economics."""

    key = "owner_account_oversight"
    name_zh = "业账社管/共管"
    name_en = "Community oversight of owners' accounts"
    summary = "Firm accounts audited and published: trust in the firm follows the share of fees spent on service, and so does payment."
    summary_zh = "物业账目经审计后公开：对物业的信任随物业费用于服务的比例变化，缴费意愿也随之变化。"
    sources = ("003 Hangzhou node city: 分类推行“业账社管”“业账共管”",)
    phases = ("property",)
    parameters = (
        MechParam("audit_hours", 8.0, 0.0, 500.0, "hours/1,000 households/month", "账目监管工时", "Audit hours",
                  "Community accountant's hours auditing and publishing the firms' accounts a month.", main=True,
                  resource=True,
                  source="003 Hangzhou node city: 分类推行“业账社管”“业账共管”; accountant hours assumed (about a day a month per 1,000 households)",
                  prior=Prior.uniform(2.0, 20.0)),
        MechParam("hours_needed", 8.0, 0.1, 500.0, "hours/1,000 households/month", "全覆盖所需工时",
                  "Hours for full coverage", "Audit hours a month that cover every compound's accounts.",
                  assumption="audit hours that cover every compound's monthly accounts; not measured",
                  prior=Prior.uniform(4.0, 16.0)),
        MechParam("trust_rate", 0.2, 0.0, 1.0, "1/month", "公开后信任调整速度", "Trust adjustment",
                  "Share of the gap between trust in the firm and the published service share of fees closed a month.",
                  main=True,
                  assumption="residents update trust in the firm from published accounts within months; rate not measured",
                  prior=Prior.uniform(0.05, 0.5)),
        MechParam("hour_cost", 60.0, 0.0, 1000.0, "yuan/hour", "会计时薪", "Accountant hour cost",
                  "Cost of one accountant hour (including publication).",
                  assumption="a community accountant's hour including publication",
                  prior=Prior.uniform(40.0, 100.0)),
    )

    def property(self, model: StreetModel) -> None:
        """Publish last month's accounts; trust in the firm moves toward the service share of fees."""
        p, lay, hh = self.p, model.layout, model.households
        share = coverage(p["audit_hours"], p["hours_needed"])
        self.cost_this_week = p["audit_hours"] * lay.n_households / 1000.0 * p["hour_cost"]
        if share <= 0 or p["trust_rate"] <= 0:
            return
        revealed = np.array([min(1.0, f.effort / f.revenue) if f.present and f.revenue > 0 else np.nan
                             for f in model.firms])
        rate = p["trust_rate"] * share
        trust = hh.trust_property
        if np.isnan(revealed).any():  # compounds without a firm (or its revenue): their households keep theirs
            target = revealed[lay.grid_of]
            known = ~np.isnan(target)
            trust[known] += rate * (target[known] - trust[known])
        else:  # grids are blocks of households
            trust += rate * (revealed.repeat(lay.households_per_grid) - trust)
