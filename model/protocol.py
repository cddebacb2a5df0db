"""What the parts of the simulation need of a running model: :class:`StreetModel`.

Mechanisms (``model/mechanisms/``), reporters (``model/reporters.py``), the run record
(``model/collection.py``), the issue flow (``model/issue_flow.py``), the property economy
(``model/property_economy.py``), the project cycle (``model/project_cycle.py``) and what organisations
offer (``model/activity_offers.py``) read and turn a model's state; :class:`model.model.CoGovernanceModel`
builds them and satisfies this protocol. They import this module, never ``model.model``, so the
arrows run one way: ``model.model`` → mechanisms, reporters, collection, issue flow, property
economy, project cycle → ``model.protocol``. What mechanisms ask of the property economy is
:class:`FirmHiring`, of the project cycle :class:`ProjectPlanning`.

Only the attributes and methods those parts use are listed; the agents' classes are named for
type checkers only (``agents`` imports Mesa, which the mechanisms' importers — the scenario loader,
``run.py list`` and ``describe`` — do not need; no module under ``agents/`` imports this one, so
no cycle hides behind it).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

import numpy as np

from model.event_log import Event
from model.issue_holders import Holders
from model.issues import IssueTable
from model.levers import Levers
from model.projects import ProjectBook
from model.space import SocialNetwork, StreetLayout

if TYPE_CHECKING:  # types only: see the module docstring (no cycle: agents never import model.protocol)
    from agents import (
        OwnersCommittee,
        PartyBranch,
        PropertyFirm,
        ResidentsCommittee,
        SocialOrganisation,
        StreetOffice,
    )
    from agents.households import Households
    from agents.resident import ResidentViews

__all__ = ["FirmHiring", "ProjectPlanning", "QualityProvision", "StreetModel"]


class FirmHiring(Protocol):
    """What mechanisms ask of the model's property economy (``model.property_economy``, a
    `model.property_economy.PropertyEconomy`)."""

    def hire_firm(self, g: int, how: str, backstop: bool = False) -> None: ...


class ProjectPlanning(Protocol):
    """What mechanisms ask of the model's project cycle (``model.project_cycle``, a
    `model.project_cycle.ProjectCycle`)."""

    unmet_need: np.ndarray  # (n_buildings, 6) this quarter's unmet need, made at the start of phase 8

    def unmet_need_by_building(self) -> np.ndarray: ...

    def project_budget_base(self) -> float: ...


class QualityProvision(Protocol):
    """What the model's parts ask of its service quality (``model.service_quality``, a
    `model.service_quality.ServiceQuality`)."""

    def update(self) -> None: ...  # ``quality`` from its providers (also the project cycle's spin-up)

    def by_building(self) -> np.ndarray: ...  # (n_buildings, 6) compound plus building projects

    def by_household(self) -> np.ndarray: ...  # (n_households, 6)


@runtime_checkable
class StreetModel(Protocol):
    """A running model of one street: its parameters, its people and organisations, the issue flow,
    the levers mechanisms turn, and this week's record. ``isinstance(m, StreetModel)`` checks that
    every name is there (tests/test_foundation.py)."""

    # the run
    p: dict[str, Any]  # every parameter's value, by declared name
    rng: np.random.Generator  # the run's one Generator
    week: int  # 0 = the post-warm-up state; negative during the warm-up
    steps: int  # Mesa's step counter
    events: list[Event]  # the event log (model.event_log)
    # space and people
    layout: StreetLayout
    network: SocialNetwork
    households: Households
    residents: ResidentViews
    active_mask: np.ndarray  # households that took part in the last 4 weeks
    last_active: np.ndarray  # the last week each household volunteered or deliberated
    quality: np.ndarray  # (grid, domain) service quality
    grid_old: np.ndarray  # compounds that are old (more issues, worse infrastructure)
    building_old: np.ndarray  # buildings in old compounds
    grid_boost: np.ndarray  # (grid, domain) lifts from completed projects (wearing out)
    building_boost: np.ndarray  # (building, domain) lifts from building projects
    # organisations
    holders: Holders
    firms: list[PropertyFirm]  # one per compound; a firm that left stays (present = False)
    committees: list[ResidentsCommittee]
    owners_committees: list[OwnersCommittee | None]
    party_committees: list[PartyBranch]  # one per community
    party_branches: list[PartyBranch]  # one per grid
    social_orgs: list[SocialOrganisation]
    street_office: StreetOffice
    # issues, projects, levers, mechanisms (model.mechanisms.Mechanism, by key; only those switched on)
    issues: IssueTable
    property_economy: FirmHiring
    projects: ProjectBook
    project_cycle: ProjectPlanning
    service_quality: QualityProvision
    levers: Levers
    mechanisms: dict[str, Any]
    # this week's record and the run's counters (read by the reporters)
    collection_rate: float
    resolution_weeks: np.ndarray
    cross_resolution_weeks: np.ndarray
    grid_worker_found: np.ndarray
    hotline_log: np.ndarray  # (4, 4): one row for each of the last four weeks
    closed_outcome_mean: float  # mean outcome of the issues closed this week (0–1)
    volunteer_hours_week: float
    volunteer_hours_grid: np.ndarray
    deliberation_attendees_week: int
    slots_week: float
    points_issued_week: float
    points_redeemed_week: float
    mechanism_cost_week: float
    mechanism_cost_total: float
    firm_exits: int
    firm_replacements: int
    survey_share: float
    survey_se: float
    survey_by_grid: np.ndarray
    third_party_by_grid: np.ndarray

    def _hook(self, phase: str) -> None: ...  # run the mechanisms' hooks of `phase` (model.issue_flow)

    def budget_factor(self) -> float: ...

    def deliberation_base_seats(self) -> float: ...

    def firm_in_loss(self) -> int: ...

    def add_social_organisation(self, community: int) -> SocialOrganisation | None: ...


    def _develop_social_organisations(self) -> None: ...  # quarterly grants (the project cycle's phase)
