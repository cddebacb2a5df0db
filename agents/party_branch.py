"""Party organisations (党组织): the community Party committee and one branch per grid."""

from __future__ import annotations

import mesa

__all__ = ["PartyBranch"]


class PartyBranch(mesa.Agent):
    """A grid Party branch (网格党支部), or the community Party committee (社区党委) when `grid` is None.

    It organises volunteer activities (slots) with its weekly hours and mobilises Party members.
    """

    def __init__(self, model: mesa.Model, community: int, grid: int | None, capacity: float,
                 mobilisation: float) -> None:
        super().__init__(model)
        self.community = community
        self.grid = grid
        self.capacity = capacity  # organising hours a week
        self.mobilisation = mobilisation
        self.slots_this_week = 0.0

    def offer_slots(self, slots_per_hour: float, mobilisation_bonus: float) -> float:
        """Volunteer slots this branch offers this week; more mobilised branches organise more."""
        mobilisation = min(1.0, self.mobilisation + mobilisation_bonus)
        self.slots_this_week = self.capacity * slots_per_hour * (self.model.p["branch_slots_base"] + mobilisation)
        return self.slots_this_week

    def effective_mobilisation(self, bonus: float) -> float:
        return min(1.0, self.mobilisation + bonus)
