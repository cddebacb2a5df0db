"""Projects (MODEL.md §8, Projects): a library, quarterly choice within budget, build, effect.

Top-down choice ranks candidates by need with multiplicative noise; need-ranked choice (the demand
list, 需求清单) ranks by unmet need itself; deliberation gives attendees' needs more weight.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from model.domains import CARE, CULTURE, ENVIRONMENT, INFRASTRUCTURE, SAFETY

__all__ = ["ProjectType", "LIBRARY", "Project", "ProjectBook"]


@dataclass(frozen=True)
class ProjectType:
    key: str
    name_zh: str
    domain: int
    scope: str  # "building", "grid" or "community"
    cost: float  # yuan
    build_weeks: int
    effect: float  # quality lift (a share of the remaining gap to 1)
    old_only: bool = False


LIBRARY: tuple[ProjectType, ...] = (
    ProjectType("lift", "加装电梯", INFRASTRUCTURE, "building", 250_000, 26, 0.35, old_only=True),
    ProjectType("parking", "停车改造", INFRASTRUCTURE, "grid", 200_000, 13, 0.15),
    ProjectType("pipes", "管网更新", INFRASTRUCTURE, "grid", 180_000, 16, 0.15, old_only=True),
    ProjectType("care_station", "养老托育驿站", CARE, "community", 300_000, 20, 0.15),
    ProjectType("public_space", "公共空间", CULTURE, "grid", 120_000, 10, 0.15),
    ProjectType("fire_safety", "消防安全改造", SAFETY, "grid", 100_000, 8, 0.15),
    ProjectType("greening", "环境整治", ENVIRONMENT, "grid", 100_000, 8, 0.12),
)


@dataclass
class Project:
    kind: ProjectType
    community: int
    target: int  # building, grid or community index by scope
    done_week: int
    effect: float
    attendee_domain_match: bool = False


@dataclass
class ProjectBook:
    """Projects under way and done, and each community's unspent budget."""

    n_communities: int
    budget: np.ndarray = field(init=False)
    active: list[Project] = field(default_factory=list)
    completed: int = 0
    spend_total: float = 0.0
    completed_log: list[tuple[int, str, int]] = field(default_factory=list)  # (week, key, community)

    def __post_init__(self) -> None:
        self.budget = np.zeros(self.n_communities)

    def choose(self, community: int, need_building: np.ndarray, need_grid: np.ndarray, need_comm: np.ndarray,
               building_old: np.ndarray, grid_old: np.ndarray, noise: float, rng: np.random.Generator,
               ) -> list[tuple[ProjectType, int, float]]:
        """Pick projects for one community within its budget: greedy on score per yuan.

        need_* are (n_targets, 6) unmet-need matrices of the community's buildings, grids and the
        community itself; returns (type, target index within the street, need) for each pick.
        """
        cands: list[tuple[ProjectType, int, float]] = []
        for ptype in LIBRARY:
            if ptype.scope == "building":
                needs, old, offset = need_building, building_old, 0
            elif ptype.scope == "grid":
                needs, old, offset = need_grid, grid_old, 0
            else:
                needs, old, offset = need_comm, np.zeros(1, dtype=bool), 0
            for local, row in enumerate(needs):
                if ptype.old_only and not old[local]:
                    continue
                cands.append((ptype, local + offset, float(row[ptype.domain])))
        if not cands:
            return []
        need = np.array([c[2] for c in cands]) * np.array([c[0].effect for c in cands])
        cost = np.array([c[0].cost for c in cands])
        score = need / cost
        if noise > 0:
            score = score * np.exp(noise * rng.standard_normal(score.size))
        picks = []
        left = self.budget[community]
        for i in np.argsort(-score, kind="stable"):
            if cost[i] <= left and need[i] > 0:
                picks.append(cands[i])
                left -= cost[i]
        return picks
