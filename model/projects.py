"""Projects (docs/specification.md §8, Projects): a library, quarterly choice within budget, build, effect.

Top-down choice ranks candidates by need with multiplicative noise; need-ranked choice (the demand
list, 需求清单) ranks by unmet need itself; deliberation gives attendees' needs more weight.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np

from model.domains import CARE, CULTURE, ENVIRONMENT, INFRASTRUCTURE, SAFETY

__all__ = ["ProjectType", "LIBRARY", "Project", "ProjectBook", "library", "project_effect_name"]


@dataclass(frozen=True)
class ProjectType:
    key: str
    name_zh: str
    domain: int
    scope: str  # "building", "grid" or "community"
    cost_per_household: float  # yuan per household served (a larger building or compound costs more)
    build_weeks: int
    effect: float  # quality lift (a share of the remaining gap to 1); declared as project_effect_KEY
    old_only: bool = False


#: Costs per household served: a lift for a building of 40 households 250,000 yuan; compound projects
#: for 320 households 100,000–200,000 yuan; a care station for a community of 1,920 300,000 yuan.
LIBRARY: tuple[ProjectType, ...] = (
    ProjectType("lift", "加装电梯", INFRASTRUCTURE, "building", 6250.0, 26, 0.35, old_only=True),
    ProjectType("parking", "停车改造", INFRASTRUCTURE, "grid", 625.0, 13, 0.15),
    ProjectType("pipes", "管网更新", INFRASTRUCTURE, "grid", 562.5, 16, 0.15, old_only=True),
    ProjectType("care_station", "养老托育驿站", CARE, "community", 156.25, 20, 0.15),
    ProjectType("public_space", "公共空间", CULTURE, "grid", 375.0, 10, 0.15),
    ProjectType("fire_safety", "消防安全改造", SAFETY, "grid", 312.5, 8, 0.15),
    ProjectType("greening", "环境整治", ENVIRONMENT, "grid", 312.5, 8, 0.12),
)


def project_effect_name(key: str) -> str:
    """The declared parameter holding the quality effect of a project type."""
    return f"project_effect_{key}"


def library(p: Mapping[str, Any]) -> tuple[ProjectType, ...]:
    """The project types with their effects from the declared parameters (LIBRARY holds the defaults)."""
    return tuple(replace(t, effect=p[project_effect_name(t.key)]) for t in LIBRARY)


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
    library: tuple[ProjectType, ...]  # the project types on offer (see library())
    budget: np.ndarray = field(init=False)
    active: list[Project] = field(default_factory=list)
    completed: int = 0
    spend_total: float = 0.0
    completed_log: list[tuple[int, str, int]] = field(default_factory=list)  # (week, key, community)

    def __post_init__(self) -> None:
        self.budget = np.zeros(self.n_communities)

    def restart_record(self) -> None:
        """Start the record (spend, completions) afresh at week 0; projects under way carry over."""
        self.completed = 0
        self.spend_total = 0.0
        self.completed_log.clear()

    def _candidates(self, community: int, building_old: np.ndarray, grid_old: np.ndarray, n_comm: int,
                    households: dict[str, int]) -> tuple[np.ndarray, ...]:
        """A community's candidate projects, which depend on its layout only (made once): library
        position, target within its scope, row in the stacked (building, grid, community) need matrix,
        domain, effect and cost in yuan; in library order, then target order (the greedy pass breaks
        ties by it)."""
        cache = self.__dict__.setdefault("_candidate_cache", {})
        key = (community, building_old.tobytes(), grid_old.tobytes(), n_comm, tuple(sorted(households.items())))
        found = cache.get(key)
        if found is not None:
            return found
        kinds, targets, rows = [], [], []
        first_row = {"building": 0, "grid": len(building_old), "community": len(building_old) + len(grid_old)}
        for t, ptype in enumerate(self.library):
            old = {"building": building_old, "grid": grid_old}.get(ptype.scope, np.zeros(n_comm, dtype=bool))
            local = np.flatnonzero(old) if ptype.old_only else np.arange(len(old))
            kinds.append(np.full(local.size, t))
            targets.append(local)
            rows.append(first_row[ptype.scope] + local)
        kind = np.concatenate(kinds)
        per_type = {name: np.array([getattr(ptype, name) for ptype in self.library])
                    for name in ("domain", "effect", "cost_per_household")}
        served = np.array([households[ptype.scope] for ptype in self.library])
        found = cache[key] = (kind, np.concatenate(targets), np.concatenate(rows), per_type["domain"][kind],
                              per_type["effect"][kind], per_type["cost_per_household"][kind] * served[kind])
        return found

    def choose(self, community: int, need_building: np.ndarray, need_grid: np.ndarray, need_comm: np.ndarray,
               building_old: np.ndarray, grid_old: np.ndarray, noise: float, rng: np.random.Generator,
               households: dict[str, int]) -> list[tuple[ProjectType, int, float, float]]:
        """Pick projects for one community within its budget: greedy on score per yuan.

        need_* are (n_targets, 6) unmet-need matrices of the community's buildings, grids and the
        community itself; `households` the households a project of each scope serves; returns
        (type, target index within the street, need, cost in yuan) for each pick.
        """
        kind, local, row, domain, effect, cost = self._candidates(community, building_old, grid_old,
                                                                 len(need_comm), households)
        if kind.size == 0:
            return []
        value = np.concatenate((need_building, need_grid, need_comm))[row, domain]
        need = value * effect
        score = need / cost
        if noise > 0:
            score = score * np.exp(noise * rng.standard_normal(score.size))
        picks: list[tuple[ProjectType, int, float, float]] = []
        useful = need > 0
        if not useful.any():
            return picks
        cheapest = float(cost[useful].min())
        left = float(self.budget[community])
        cost_of, need_of = cost.tolist(), need.tolist()
        for i in np.argsort(-score, kind="stable").tolist():
            if left < cheapest:  # nothing that is needed fits any more
                break
            if cost_of[i] <= left and need_of[i] > 0:
                picks.append((self.library[kind[i]], int(local[i]), float(value[i]), cost_of[i]))
                left -= cost_of[i]
        return picks
