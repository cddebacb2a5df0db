"""The owners' committee (业委会) of a compound: supervises the firm, can vote to replace it."""

from __future__ import annotations

import mesa
import numpy as np

__all__ = ["OwnersCommittee"]


class OwnersCommittee(mesa.Agent):
    """Per compound, may be absent. `active` ∈ [0, 1]: how much it meets, supervises and mobilises."""

    def __init__(self, model: mesa.Model, grid: int, active: float, households: int) -> None:
        super().__init__(model)
        self.grid = grid
        self.active = active
        self.households = households
        self.votes_called = 0

    def effective_hours(self) -> float:
        """Members' hours a week for issues: `oc_hours` per 1,000 households of the compound × activity."""
        return self.model.p["oc_hours"] * self.households / 1000.0 * self.active

    def calls_vote(self, firm_quality: float, threshold: float, rng: np.random.Generator) -> bool:
        """Monthly: a poor firm (quality below threshold) prompts a replacement vote with a chance
        that grows with the committee's activity."""
        if firm_quality >= threshold:
            return False
        if rng.random() < self.model.p["oc_vote_call_prob"] * self.active:
            self.votes_called += 1
            return True
        return False

    @staticmethod
    def vote_passes(turnout: float, in_favour: float) -> bool:
        """"双过半": turnout at least half the owners and a majority of those in favour."""
        return turnout >= 0.5 and in_favour > 0.5
