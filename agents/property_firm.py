"""Property firms (物业服务企业): fees, effort, quality, cash, exit (docs/specification.md §8, Property firm)."""

from __future__ import annotations

import mesa

__all__ = ["PropertyFirm"]


class PropertyFirm(mesa.Agent):
    """One per compound (may be absent). Monthly: books revenue from paying units, spends on
    service (effort) what its margin leaves, quality moves toward effort per need, and a firm whose
    cash stays below zero for `exit_weeks` leaves the compound (小区失管)."""

    def __init__(self, model: mesa.Model, grid: int, units: int, fee: float, quality: float,
                 margin_target: float, cash: float) -> None:
        super().__init__(model)
        self.grid = grid
        self.units = units
        self.fee = fee
        self.quality = quality
        self.margin_target = margin_target
        self.cash = cash
        self.revenue = 0.0
        self.costs = 0.0
        self.effort = 0.0
        self.party_group = False  # 红色物业: set by the red_property mechanism
        self.weeks_in_loss = 0
        self.present = True
        self.backstop = False  # a state-owned backstop firm (funding_mix)

    def weekly_issue_hours(self) -> float:
        """Hours for residents' issues this week: a better-run firm has more staff on call."""
        return self.model.p["firm_issue_hours"] * self.units * max(self.quality, 0.05) if self.present else 0.0

    def monthly_economics(self, paying_units: float, overhead_share: float, adjust_rate: float,
                          margin_factor: float, pressure: float,
                          weeks_per_month: int = 4, extra_effort: float = 0.0) -> None:
        """Revenue, effort and costs for one month; quality moves; loss weeks counted.
        `extra_effort` (share of the full fee roll) is spent on service beyond what revenue
        supports, out of the firm's cash reserve and only as far as it lasts (rectification, 整改)."""
        full_roll = self.fee * self.units
        self.revenue = self.fee * paying_units
        margin = max(0.0, self.margin_target * margin_factor * (1.0 - min(pressure, 1.0)))
        overhead = overhead_share * full_roll
        self.effort = max(self.model.p["min_service_share"] * full_roll, self.revenue * (1.0 - margin) - overhead)
        if extra_effort > 0:
            self.effort += min(extra_effort * full_roll, max(self.cash, 0.0))
        self.costs = self.effort + overhead
        self.cash += self.revenue - self.costs
        need = self.model.p["quality_need"] * full_roll
        target = min(1.0, self.effort / need) if full_roll > 0 else 0.0
        self.quality += adjust_rate * (target - self.quality)
        self.quality = min(max(self.quality, 0.0), 1.0)
        self.weeks_in_loss = self.weeks_in_loss + weeks_per_month if self.cash < 0 else 0

    def should_exit(self, exit_weeks: int) -> bool:
        return self.present and not self.backstop and self.weeks_in_loss >= exit_weeks

    def leave(self) -> None:
        """Exit the compound; the residents' committee covers at low quality until a replacement."""
        self.present = False
        self.revenue = self.costs = self.effort = 0.0

    def restart(self, quality: float, cash: float, margin_target: float, backstop: bool = False) -> None:
        """A new firm (owners' vote or backstop) takes over the compound."""
        self.present = True
        self.quality = quality
        self.cash = cash
        self.margin_target = margin_target
        self.weeks_in_loss = 0
        self.backstop = backstop
