"""Social organisations (社会组织): services in their domain, volunteer activities, some issues."""

from __future__ import annotations

import mesa

__all__ = ["SocialOrganisation"]


class SocialOrganisation(mesa.Agent):
    """Several per community. Hours go to services (raise their domain's quality), organising
    volunteer slots, and issues of their domain. Grants buy staff hours, with a quarter's lag."""

    def __init__(self, model: mesa.Model, community: int, slot: int, domain: str, capacity: float,
                 professionalism: float) -> None:
        super().__init__(model)
        self.community = community
        self.slot = slot
        self.domain = domain
        self.own_capacity = capacity  # hours a week its own members and staff work
        self.capacity = capacity  # hours a week this quarter: own plus grant-funded staff
        self.professionalism = professionalism

    def hours(self) -> float:
        return self.capacity

    def service_hours(self) -> float:
        return self.hours() * self.model.p["so_service_share"] * self.professionalism

    def volunteer_slots(self, slots_per_hour: float) -> float:
        return self.hours() * self.model.p["so_organising_share"] * slots_per_hour

    def issue_hours(self) -> float:
        p = self.model.p
        issue_share = (1.0 - p["so_service_share"]) - p["so_organising_share"]
        return self.hours() * issue_share * (p["so_issue_base"] + self.professionalism)

    def fund(self, funded_hours: float, cap: float) -> None:
        """Quarterly: work its own hours plus the staff hours this quarter's grants buy, up to
        `cap` (or its own hours where those exceed the cap)."""
        self.capacity = min(max(cap, self.own_capacity), self.own_capacity + funded_hours)
