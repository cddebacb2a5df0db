"""The quarterly project cycle, phase 8 of a week (docs/specification.md §3, §8 Projects): the demand
list from unmet need, projects picked within each community's budget, built over weeks, and on
completion lifting a domain's quality for the households they serve; their lifts wear out.

:class:`ProjectCycle` runs these steps on a running model (a `model.protocol.StreetModel`), as
model/issue_flow.py's `IssueFlow` does for phases 1–5: ``CoGovernanceModel._simulate_week`` calls
`quarterly_projects` every quarter, `update_attitudes` calls `complete_projects` and
`depreciate_projects`, and set-up calls `spin_up_project_stock`; the phase runs the mechanisms' hook
``projects`` through the model (``model._hook``). The project types, the projects under way and the
budgets are the model's `ProjectBook` (model/projects.py); the lifts (``grid_boost``,
``building_boost``) stay on the model, whose quality they enter.
"""

from __future__ import annotations

import numpy as np

from model.calendar import WEEKS_PER_QUARTER
from model.event_log import event
from model.mechanisms.base import per_1000
from model.projects import Project, ProjectType
from model.protocol import StreetModel

__all__ = ["ProjectCycle"]


class ProjectCycle:
    """Projects on `model`: the quarterly phase `quarterly_projects`, `complete_projects`,
    `depreciate_projects`, and the set-up's `spin_up_project_stock`."""

    def __init__(self, model: StreetModel) -> None:
        self.model = model
        #: (n_buildings, 6) this quarter's `unmet_need_by_building`, made at the start of phase 8
        #: (read it, do not change it); zeros before the first quarter
        self.unmet_need = np.zeros((model.layout.n_buildings, 6))
        self._weights_cache: tuple[np.ndarray, np.ndarray] | None = None  # see _weights_by_place

    # 8 ------------------------------------------------------------------------------------
    def quarterly_projects(self) -> None:
        """The demand list is built from unmet needs; projects are picked within budget, built over
        weeks, and on completion raise a domain's quality for their beneficiaries."""
        m = self.model
        # made once a quarter, before the hooks (nothing in this phase changes it): the demand list
        # (renewal_projects) and the picks read the same array
        self.unmet_need = self.unmet_need_by_building()
        m._hook("projects")
        m._develop_social_organisations()
        lv, book = m.levers, m.projects
        book.budget += (self.project_budget_base() + lv.project_budget_extra) * m.budget_factor()
        for ptype, c, target in self._pick_projects(self.survey_targeted(self.unmet_need)):
            weeks = max(1, round(ptype.build_weeks * lv.project_build_factor))
            book.active.append(Project(ptype, c, target, m.week + weeks, ptype.effect * lv.project_effect_factor))

    def _pick_projects(self, need_b: np.ndarray) -> list[tuple[ProjectType, int, int]]:
        """Each community's picks within its budget from the unmet need by building (n_buildings, 6),
        paid for: (type, community, target index in the street by the type's scope)."""
        m = self.model
        lay, p, lv, book = m.layout, m.p, m.levers, m.projects
        need_g = np.add.reduceat(need_b, np.arange(0, lay.n_buildings, lay.buildings_per_grid), axis=0)
        need_c = np.add.reduceat(need_g, np.arange(0, lay.n_grids, lay.grids), axis=0)
        noise = p["topdown_noise"] * (1.0 - min(lv.need_ranking, 1.0))
        noise *= max(0.0, 1.0 - lv.project_match_bonus)
        bpc = lay.grids * lay.buildings_per_grid
        served = {"building": lay.households_per_building, "grid": lay.households_per_grid,
                  "community": lay.households_per_community}  # project costs scale with households served
        chosen = []
        for c in range(lay.n_communities):
            b0, g0 = c * bpc, c * lay.grids
            picks = book.choose(c, need_b[b0:b0 + bpc], need_g[g0:g0 + lay.grids], need_c[c:c + 1],
                                m.building_old[b0:b0 + bpc], m.grid_old[g0:g0 + lay.grids], noise, m.rng,
                                served)
            for ptype, local, _need, cost in picks:
                target = local + (b0 if ptype.scope == "building" else g0 if ptype.scope == "grid" else c)
                chosen.append((ptype, c, target))
                book.budget[c] -= cost
                book.spend_total += cost
        return chosen

    def project_budget_base(self) -> float:
        """Fiscal project money a community gets a quarter without any mechanism (yuan)."""
        m = self.model
        return per_1000(m.p["project_budget_per_quarter"], m.layout.households_per_community)

    def spin_up_project_stock(self) -> None:
        """Accelerated spin-up of the slowest stock, the lifts of past projects (ODD §5): quarterly
        cycles of budget, top-down choice from the unmet need of the initial households, completion
        and depreciation, without the weekly dynamics, for 3 / project_depreciation_per_year years
        (the stock is then within e⁻³ ≈ 5 % of its stationary level)."""
        m = self.model
        p, lay = m.p, m.layout
        rate = p["project_depreciation_per_year"]
        if rate <= 0 or self.project_budget_base() <= 0:
            return
        keep = (1.0 - rate / 52.0) ** WEEKS_PER_QUARTER
        weights = np.stack([lay.per_building(m.households._age_weights[:, d]) for d in range(6)], axis=1)
        for _ in range(int(np.ceil(3.0 / rate * 4))):
            m.projects.budget += self.project_budget_base()
            m.service_quality.update()
            need = weights * (1.0 - np.clip(m.quality[lay.building_grid] + m.building_boost, 0.0, 1.0))
            for ptype, _c, target in self._pick_projects(need):
                self._lift(ptype, target, ptype.effect)
            m.grid_boost *= keep
            m.building_boost *= keep

    def _lift(self, kind: ProjectType, target: int, effect: float) -> slice:
        """A completed project raises its domain's quality by `effect` × the gap to 1 for its
        building, grid or community; returns the households it serves (a block)."""
        m = self.model
        lay, d = m.layout, kind.domain
        if kind.scope == "building":
            g = lay.building_grid[target]
            gap = 1.0 - m.quality[g, d] - m.building_boost[target, d]
            m.building_boost[target, d] += effect * max(gap, 0.0)
            return slice(target * lay.households_per_building, (target + 1) * lay.households_per_building)
        if kind.scope == "grid":
            m.grid_boost[target, d] += effect * max(1.0 - m.quality[target, d], 0.0)
            return slice(target * lay.households_per_grid, (target + 1) * lay.households_per_grid)
        grids = lay.grid_community == target
        m.grid_boost[grids, d] += effect * np.maximum(1.0 - m.quality[grids, d], 0.0)
        return slice(target * lay.households_per_community, (target + 1) * lay.households_per_community)

    def survey_targeted(self, need_b: np.ndarray) -> np.ndarray:
        """The street reads the third-party survey when it targets projects (满意度转化为考核指标):
        each building's need × (1 + levers.survey_targeting × its compound's unsatisfied share in
        the last third-party survey); unchanged where that survey sampled nobody."""
        m = self.model
        if m.levers.survey_targeting <= 0:
            return need_b
        unsatisfied = np.subtract(1.0, m.third_party_by_grid)
        unsatisfied[np.isnan(unsatisfied)] = 0.0  # np.nan_to_num(..., nan=0.0) for shares, without its Python layers
        return need_b * (1.0 + m.levers.survey_targeting * unsatisfied[m.layout.building_grid])[:, None]

    def unmet_need_by_building(self) -> np.ndarray:
        """(n_buildings, 6): Σ over households of domain weight × (1 − quality), deliberation
        attendees' needs weighted up by the deliberation lever."""
        m = self.model
        hh, lay = m.households, m.layout
        # households of a building are a block (StreetLayout): laid out as (place in the building,
        # building, domain), the k-th households of all buildings are one contiguous row, each
        # building's quality is broadcast over the rows, and one reduction adds the rows one after the
        # other: each building's households in order, as a bincount by building (and the former sum
        # over the middle axis of (building, household, domain)) adds them
        gap = self._weights_by_place() * (1.0 - m.service_quality.by_building())
        factor = m.p["attendee_need_weight"] * m.levers.deliberation_weight
        if factor != 0.0:  # else every weight is 1.0, and a product with 1.0 changes nothing
            attended = hh.last_deliberation > m.week - WEEKS_PER_QUARTER
            weight = 1.0 + factor * attended
            gap *= weight.reshape(lay.n_buildings, lay.households_per_building).T[:, :, None]
        return np.add.reduce(gap, axis=0)

    def _weights_by_place(self) -> np.ndarray:
        """The households' domain weights (fixed for the run) as (place in the building, building,
        domain), made once."""
        hh, lay = self.model.households, self.model.layout
        cached = self._weights_cache
        if cached is None or cached[0] is not hh._age_weights:
            shape = (lay.n_buildings, lay.households_per_building, hh._age_weights.shape[1])
            cached = self._weights_cache = (hh._age_weights, hh._age_weights.reshape(shape).transpose(1, 0, 2).copy())
        return cached[1]

    def complete_projects(self) -> None:
        """Projects due this week lift their domain's quality for the households they serve, who
        gain a project benefit and community trust (and efficacy, if they deliberated lately)."""
        m = self.model
        book, hh = m.projects, m.households
        still = []
        for proj in book.active:
            if proj.done_week > m.week:
                still.append(proj)
                continue
            who = self._lift(proj.kind, proj.target, proj.effect)
            hh.project_benefit[who] += m.p["project_benefit_gain"]
            hh.trust_community[who] += m.p["project_trust_gain"] * (1.0 - hh.trust_community[who])
            recent = who.start + np.flatnonzero(hh.last_deliberation[who] > m.week - 26)  # blocks (StreetLayout)
            hh.efficacy[recent] += m.levers.deliberation_efficacy * (1.0 - hh.efficacy[recent])
            book.completed += 1
            book.completed_log.append((m.week, proj.kind.key, proj.community))
            m.events.append(event(m.week, "project_completed", community=proj.community, project_zh=proj.kind.name_zh,
                                  project=proj.kind.key))
        book.active = still

    def depreciate_projects(self) -> None:
        """Project lifts wear out at project_depreciation_per_year (weekly share), without maintenance."""
        m = self.model
        keep = 1.0 - m.p["project_depreciation_per_year"] / 52.0
        m.grid_boost *= keep
        m.building_boost *= keep
