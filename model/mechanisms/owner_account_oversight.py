"""业账社管/共管: owners' funds and the firm's accounts overseen by the community."""

from __future__ import annotations

from typing import TYPE_CHECKING

from model.mechanisms.base import Mechanism, MechParam, register

if TYPE_CHECKING:
    from model.model import CoGovernanceModel


@register
class OwnerAccountOversight(Mechanism):
    """Owners' common funds and the firm's fee accounts are managed (社管) or co-managed (共管) by
    the community and published: owners trust that fees are spent on service, so every payment
    decision gets `pay_bonus` on the logit scale (levers.pay_bonus, additive). Higher collection
    then funds more effort and quality through the ordinary property economics."""

    key = "owner_account_oversight"
    name_zh = "业账社管/共管"
    name_en = "Community oversight of owners' accounts"
    summary = "Owners' funds overseen by the community and published: more trust in fees, higher fee collection."
    sources = ("003 Hangzhou node city: 分类推行“业账社管”“业账共管”",)
    phases = ("setup",)
    parameters = (
        MechParam("pay_bonus", 0.5, 0.0, 5.0, "logit", "缴费信任加成", "Payment trust bonus",
                  "Logit added to every fee-payment decision (owners trust the accounts).", main=True),
        MechParam("cost_per_compound_week", 100.0, 0.0, 1e6, "yuan/compound/week", "账目监管成本",
                  "Oversight cost", "Community accountant's time and publication of the accounts, per managed compound."),
    )

    def setup(self, model: CoGovernanceModel) -> None:
        model.levers.pay_bonus += self.p["pay_bonus"]

    def weekly_cost(self, model: CoGovernanceModel) -> float:
        return self.p["cost_per_compound_week"] * sum(1 for f in model.firms if f.present)
