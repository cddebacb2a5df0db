"""The model as the live view runs it: ``CoGovernanceModel`` plus two things SolaraViz needs."""

from __future__ import annotations

from typing import Any

from model.model import CoGovernanceModel

__all__ = ["ExploreModel"]


class ExploreModel(CoGovernanceModel):
    """``CoGovernanceModel`` for SolaraViz: the same rules and parameters, and

    * ``**kwargs`` rather than ``**overrides``: Mesa 3.3.1's parameter check accepts extra
      keyword arguments only under that exact name (``_check_model_params``);
    * ``running`` turns False at the scenario's horizon (``weeks``), so Play stops there.
    """

    def __init__(self, scenario: Any = "baseline", seed: int = 1, **kwargs: Any) -> None:
        super().__init__(scenario=scenario, seed=seed, **kwargs)
        self.running = self.week < self.p["weeks"]

    def step(self) -> None:
        """One week; stop at the horizon."""
        super().step()
        if self.week >= self.p["weeks"]:
            self.running = False
