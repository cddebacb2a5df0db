"""Scale-free resources: a package's effects do not depend on the arbitrary community size.

Per-community resources (hours, staff, budgets, seats, registered members) are declared per
1,000 households, so a community with twice the households gets twice the resources. The
paired effects of ``xiangyang_2024`` (vs ``baseline``, same seeds) on satisfaction and
participation at the default size and at twice the households per building agree within 20 %.
"""

from __future__ import annotations

import numpy as np
import pytest

from model.model import CoGovernanceModel
from model.parameters import PARAMETERS

SEEDS = tuple(range(1, 11))
WEEKS = 156
LAST = 26
METRICS = ("satisfaction_mean", "participation_monthly")


def _outcome(scenario: str, seed: int, households_per_building: int) -> np.ndarray:
    m = CoGovernanceModel(scenario, seed=seed, households_per_building=households_per_building)
    m.run(WEEKS)
    frame = m.datacollector.get_model_vars_dataframe().iloc[-LAST:]
    return np.array([frame[name].mean() for name in METRICS])


def effects(households_per_building: int) -> np.ndarray:
    """Mean paired effect of xiangyang_2024 on each metric."""
    return np.mean([_outcome("xiangyang_2024", s, households_per_building) - _outcome("baseline", s, households_per_building)
                    for s in SEEDS], axis=0)


@pytest.mark.slow
def test_xiangyang_effects_do_not_depend_on_community_size() -> None:
    default = PARAMETERS["households_per_building"].default
    small, large = effects(default), effects(2 * default)
    for name, a, b in zip(METRICS, small, large, strict=True):
        assert a > 0, f"{name}: no effect at the default size ({a:+.4f})"
        assert abs(b - a) <= 0.2 * abs(a), f"{name}: effect {a:+.4f} at {default} households per building, {b:+.4f} at twice that"
