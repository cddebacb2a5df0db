"""The co-governance model: set-up and the weekly schedule of docs/specification.md §3.

>>> from model.model import CoGovernanceModel
>>> m = CoGovernanceModel(scenario="baseline", seed=1)
>>> m.run(4)
>>> df = m.datacollector.get_model_vars_dataframe()
>>> len(df)  # week 0 plus four weeks
5
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from typing import Any

import mesa
import numpy as np

from agents import (
    Households,
    OwnersCommittee,
    PartyBranch,
    PropertyFirm,
    ResidentsCommittee,
    SocialOrganisation,
    StreetOffice,
)
from agents.resident import ResidentViews
from model.activity_offers import ActivityOffers
from model.arrays import Constants
from model.calendar import WEEKS_PER_MONTH, WEEKS_PER_QUARTER
from model.collection import RunCollector, recorded_reporters
from model.domains import (
    INFRASTRUCTURE,
)
from model.event_log import Event, event
from model.issue_flow import IssueFlow
from model.issue_holders import MAX_SO, SO_DOMAINS, Holders
from model.issues import IssueTable
from model.levers import Levers
from model.mechanisms import MECHANISMS, Mechanism, per_1000
from model.parameters import check_constraints, kwarg_to_name, validate_value
from model.project_cycle import ProjectCycle
from model.projects import ProjectBook, library
from model.property_economy import PropertyEconomy
from model.rationing import ration
from model.run_inputs import PYTHON_SWITCH, SIZE_PARAMETERS, check_households, check_mechanisms_on, check_seed
from model.service_quality import ServiceQuality
from model.space import SocialNetwork, StreetLayout
from scenarios import as_scenario

__all__ = ["CoGovernanceModel", "resolve_parameters"]

def resolve_parameters(scenario: Any = "baseline", overrides: dict[str, Any] | None = None,
                       where: str = "CoGovernanceModel",
                       how_to_enable: str = PYTHON_SWITCH) -> tuple[Any, dict[str, Any]]:
    """The scenario object and its parameters with `overrides` (validated) applied.

    Override names may use ``.`` or ``__`` (``points.crowding`` or ``points__crowding``). Changing a
    parameter of a mechanism that is off is refused (it would be ignored); `how_to_enable` words the
    hint for the caller (``--set {switch}=true`` on the command line, ``{kwarg}=True`` in Python).
    The size of the street is checked here, before anything is built (model.run_inputs).
    """
    scen = as_scenario(scenario, where=where)
    params = dict(scen.params)
    changed = {}
    for key, value in (overrides or {}).items():
        name = kwarg_to_name(key)
        params[name] = changed[name] = validate_value(name, value, where=f"{where}: {key}")
    check_mechanisms_on(changed, params, scen.params, scen.name, where, how_to_enable=how_to_enable)
    check_consistency(params, where)
    check_households(params, where if set(changed) & set(SIZE_PARAMETERS) else f"scenario {scen.path or scen.name}")
    return scen, params


def check_consistency(params: dict[str, Any], where: str) -> None:
    """Rules that involve more than one parameter (declared as data: model.parameters.CONSTRAINTS)."""
    check_constraints(params, where)


class CoGovernanceModel(mesa.Model):
    """One street of communities under a scenario's governance mechanisms.

    Parameters
    ----------
    scenario : name of a scenario in ``scenarios/`` (or a path, or a loaded Scenario)
    seed : the run's seed; the one ``numpy.random.Generator`` (``self.rng``) comes from it
    record : names of the reporters (`model.reporters.REPORTERS`) to compute and keep each week; None
        (the default) records every one. Not a parameter: it changes what is recorded, never the
        simulation, so the recorded metrics are bit-identical to a full run's. Unknown names raise
        `UserError`.
    **kwargs : any declared parameter, ``.`` written as ``__`` (``points__crowding=0.3``); named
        ``kwargs`` because Mesa's SolaraViz only accepts extra keyword arguments under that name
    """

    def __init__(self, scenario: Any = "baseline", seed: int = 1, *, record: Sequence[str] | None = None,
                 **kwargs: Any) -> None:
        check_seed(seed, flag="seed")
        self.record = None if record is None else tuple(recorded_reporters(record))  # checked before set-up
        super().__init__(seed=seed)
        self.scenario, self.p = resolve_parameters(scenario, kwargs)
        self.seed = seed
        p = self.p
        self.week = -p["warmup_weeks"]  # the warm-up runs weeks −warmup_weeks+1 … 0
        self.levers = Levers()
        self.events: list[Event] = []  # the event log (model.event_log)
        self._setup_space()
        self._setup_households()
        self._setup_organisations()
        self.issues = IssueTable(capacity=max(4096, self.layout.n_households), keep_closed=p["keep_closed_issues"])
        self.projects = ProjectBook(self.layout.n_communities, library(p))
        self.issue_flow = IssueFlow(self)  # phases 1–5: the issues' way from arising to feedback
        self.property_economy = PropertyEconomy(self)  # phase 7: fees, firms' months, votes, replacements
        self.project_cycle = ProjectCycle(self)  # phase 8 and project completion: the quarterly projects
        self.service_quality = ServiceQuality(self)  # quality of each domain from its providers (phase 9)
        self.activity_offers = ActivityOffers(self)  # volunteer slots and mobilisation on offer (phase 6)
        self.mechanisms: dict[str, Mechanism] = {}
        self._phase_hooks: dict[str, list[Any]] = {}  # phase -> the mechanisms' methods for it, in order
        self.levers.rating_pressure = np.zeros(self.layout.n_grids)
        self.levers.extra_effort_share = np.zeros(self.layout.n_grids)
        self.levers.grid_worker_hours = np.zeros(self.layout.n_grids)
        self.levers.firm_extra_hours = np.zeros(self.layout.n_grids)
        self.levers.so_funded_hours = np.zeros(self.layout.n_communities)
        self._init_counters()
        self.service_quality.update()
        self.households.update_experience(self.service_quality.by_building(), self.layout.building_of, p)
        self.households.aspiration[:] = self.households.experience
        self.project_cycle.spin_up_project_stock()
        self._warm_up()
        for key, cls in MECHANISMS.items():
            if p[f"{key}.enabled"]:
                values = {mp.name: p[f"{key}.{mp.name}"] for mp in cls.parameters}
                self.mechanisms[key] = cls(self, values)
        self._phase_hooks.clear()  # the warm-up cached empty hook lists
        self._hook("setup")
        self._observe_week()
        self.horizon = p["weeks"]
        self.datacollector = RunCollector(self, self.record)
        self.datacollector.collect(self)

    def _warm_up(self) -> None:
        """Spin-up (docs/specification.md §5, ODD §5): the scenario's baseline institutions, no mechanism, run
        `warmup_weeks` weeks so that queues, trust, aspiration and project stocks reach their
        stationary level; week 0 is the state they reach. Then the record starts: cumulative
        counters, the event log and the issue history restart at week 0 (pending issues carry over)."""
        while self.week < 0:
            self._simulate_week()
        if self.p["warmup_weeks"] == 0:
            self.survey_share = self.run_survey()  # week 0 is a survey week (the warm-up's last week is week 0)
        self.issues.restart_history()
        self.events.clear()
        self.firm_exits = self.firm_replacements = 0
        self.mechanism_cost_total = self.points_issued_total = self.points_redeemed_total = 0.0
        self.projects.restart_record()

    # ------------------------------------------------------------------------------ set-up
    def _setup_space(self) -> None:
        p = self.p
        self.layout = StreetLayout(p["n_communities"], p["grids"], p["buildings_per_grid"],
                                   p["households_per_building"])
        self.network = SocialNetwork(self.layout, p["k_interest"], self.rng)

    def _setup_households(self) -> None:
        lay, p, rng = self.layout, self.p, self.rng
        self.households = Households(lay.n_households, p, rng)
        # Resident views are made when first asked for; ids 1..n are theirs, other agents come after
        self.residents = ResidentViews(self, lay.n_households)
        mesa.Agent._ids[self] = itertools.count(lay.n_households + 1)
        g = lay.n_grids
        self.grid_old = rng.random(g) < p["old_compound_share"]
        self.building_old = self.grid_old[lay.building_grid]
        base = np.clip(p["domain_quality_mean"] + rng.normal(0.0, p["domain_quality_sd"], (g, 6)), 0.05, 0.95)
        base[:, INFRASTRUCTURE] -= p["old_infrastructure_penalty"] * self.grid_old
        self.base_quality = np.clip(base, 0.0, 1.0)
        self.grid_boost = np.zeros((g, 6))  # permanent lifts from completed projects
        self.building_boost = np.zeros((lay.n_buildings, 6))
        self.quality = np.zeros((g, 6))

    def _setup_organisations(self) -> None:
        lay, p, rng = self.layout, self.p, self.rng
        self.holders = Holders(lay.n_communities, lay.n_grids)
        # hours, seats and money are declared per 1,000 households of the community or compound served
        self.committees = [ResidentsCommittee(self, c, per_1000(p["rc_capacity_hours"], lay.households_per_community),
                                              p["rc_competence"])
                           for c in range(lay.n_communities)]
        branch_hours = per_1000(p["party_capacity_hours"], lay.households_per_grid)
        self.party_committees = [PartyBranch(self, c, None, branch_hours, p["party_mobilisation"])
                                 for c in range(lay.n_communities)]
        self.party_branches = [PartyBranch(self, int(lay.grid_community[g]), g, branch_hours,
                                           p["party_mobilisation"]) for g in range(lay.n_grids)]
        firm_present = rng.random(lay.n_grids) < p["firm_share"]
        quality = rng.uniform(p["initial_quality_low"], p["initial_quality_high"], lay.n_grids)
        units = lay.households_per_grid
        self.firms = []
        for g in range(lay.n_grids):
            cash = p["initial_cash_months"] * p["fee"] * units * max(p["margin_target"], 0.05)
            firm = PropertyFirm(self, g, units, p["fee"], float(quality[g]), p["margin_target"], cash)
            if not firm_present[g]:
                firm.leave()
            self.firms.append(firm)
        oc_present = rng.random(lay.n_grids) < p["owners_committee_share"]
        self.owners_committees: list[OwnersCommittee | None] = [
            OwnersCommittee(self, g, float(rng.uniform(p["oc_activity_low"], p["oc_activity_high"])), units)
            if oc_present[g] else None
            for g in range(lay.n_grids)
        ]
        self.social_orgs: list[SocialOrganisation] = []
        for c in range(lay.n_communities):
            for _ in range(p["so_per_community"]):
                self.add_social_organisation(c)
        self.street_office = StreetOffice(self, per_1000(p["street_capacity_hours"], lay.n_households))

    def add_social_organisation(self, community: int) -> SocialOrganisation | None:
        """A new social organisation in `community` (domains rotate care, culture, environment,
        mediation); None when the community has no free slot."""
        used = sum(1 for so in self.social_orgs if so.community == community)
        if used >= MAX_SO:
            return None
        so = SocialOrganisation(self, community, used, SO_DOMAINS[used % len(SO_DOMAINS)],
                                per_1000(self.p["so_capacity_hours"], self.layout.households_per_community),
                                self.p["so_professionalism"])
        self.social_orgs.append(so)
        return so

    def _init_counters(self) -> None:
        n = self.layout.n_households
        self.firm_exits = 0
        self.firm_replacements = 0
        self.points_issued_week = 0.0
        self.points_redeemed_week = 0.0
        self.points_issued_total = 0.0
        self.points_redeemed_total = 0.0
        self.mechanism_cost_week = 0.0
        self.mechanism_cost_total = 0.0
        self.volunteer_hours_week = 0.0
        self.volunteer_hours_grid = np.zeros(self.layout.n_grids)  # last 4 weeks, decaying
        self.deliberation_attendees_week = 0
        self.survey_share = np.nan
        self.survey_by_grid = np.full(self.layout.n_grids, np.nan)  # last survey's share satisfied by compound
        self.third_party_by_grid = np.full(self.layout.n_grids, np.nan)  # the same from third-party interviews
        self.grid_worker_found = np.zeros(0, dtype=np.int64)  # issues grid workers found this week
        self.closed_outcome_mean = float("nan")  # mean outcome of the issues closed this week (0–1)
        # household-reported issues closed in each of the last 4 weeks (row = week % 4):
        # closed, resolved, rated satisfied, resolved within ontime_limit_weeks
        self.hotline_log = np.zeros((WEEKS_PER_MONTH, 4))
        self.survey_se = np.nan
        self.resolution_weeks = np.zeros(0)
        self.cross_resolution_weeks = np.zeros(0)
        self.collection_rate = 1.0
        self.slots_week = 0.0
        self.mobilisation_h = np.zeros(n)
        self._volunteer_constants = Constants()

    # ------------------------------------------------------------------------------ schedule
    def step(self) -> None:
        """One week, in the order of docs/specification.md §3. Called at the horizon (``weeks``) it simulates
        nothing and sets ``running`` False: Mesa's loops (``batch_run``, the app's Play) stop there, and
        ``batch_run`` reports weeks 0..weeks."""
        if self.week >= self.horizon:
            self.running = False
            return
        self._simulate_week()
        self.datacollector.collect(self)

    def _simulate_week(self) -> None:
        """The weekly schedule (the warm-up runs it too, without data collection)."""
        self.week += 1
        self._begin_week()
        self._apply_shocks()
        flow = self.issue_flow
        flow.issues_arise()
        flow.issues_surface()
        flow.issues_route()
        flow.work_queues()
        flow.resolution_feedback()
        self.activities_and_participation()
        if self.week % WEEKS_PER_MONTH == 0:
            self.property_economy.property_economics()
        if self.week % WEEKS_PER_QUARTER == 0:
            self.project_cycle.quarterly_projects()
        self.update_attitudes()
        self.observe()

    def budget_factor(self) -> float:
        """Multiplier on project money and mechanism budgets: budget_cut_factor from
        budget_cut_week on (the budget_cut scenario), else 1."""
        cut = self.p["budget_cut_week"]
        return self.p["budget_cut_factor"] if cut and self.week >= cut else 1.0

    def _apply_shocks(self) -> None:
        """Scenario shocks that happen in a given week (a firm forced out, budgets cut)."""
        p = self.p
        if p["forced_exit_week"] and self.week == p["forced_exit_week"] and self.firms[0].present:
            self.firms[0].leave()
            self.firm_exits += 1
            self.events.append(event(self.week, "firm_exit", compound=0, cause="scenario_shock"))
        if p["budget_cut_week"] and self.week == p["budget_cut_week"]:
            self.events.append(event(self.week, "budget_cut", factor=p["budget_cut_factor"]))

    def run(self, weeks: int | None = None) -> None:
        """Run `weeks` more weeks (default: the scenario's horizon, ``weeks``), past the horizon if asked."""
        n = self.p["weeks"] if weeks is None else weeks
        self.horizon = max(self.horizon, self.week + n)
        for _ in range(n):
            self.step()

    def _hook(self, phase: str) -> None:
        hooks = self._phase_hooks.get(phase)
        if hooks is None:
            hooks = self._phase_hooks[phase] = [getattr(mech, phase) for mech in self.mechanisms.values()
                                                if phase in mech.phases]
        for hook in hooks:
            hook(self)

    def _begin_week(self) -> None:
        self.households.did_now.fill(False)  # volunteered_now, deliberated_now, reported_now
        self.issues.reclaim()  # last week's row numbers are no longer held anywhere
        self.issues.week_events.reset()
        self.points_issued_week = self.points_redeemed_week = 0.0
        for mech in self.mechanisms.values():
            mech.cost_this_week = 0.0

    # 6 ------------------------------------------------------------------------------------
    def activities_and_participation(self) -> None:
        """Organisations offer volunteer slots; deliberation meets monthly; households decide;
        slots ration demand."""
        self._hook("activities")
        lay, hh, p, lv, rng = self.layout, self.households, self.p, self.levers, self.rng
        n_c = lay.n_communities
        offers = self.activity_offers
        slots = offers.organisation_slots(lv.mobilisation_bonus)
        if lv.extra_slots_per_community:  # x + 0.0 is x (a sum from 0.0 of offers is never −0)
            slots = slots + lv.extra_slots_per_community  # a new array: the offers' is kept (read-only)
        self.slots_week = float(np.add.reduce(slots))  # slots.sum() without its Python wrapper
        self.mobilisation_h = offers.mobilisation_by_household(lv.mobilisation_bonus)
        seen = hh.volunteered_last_month(self.week)
        if lv.party_role_model > 0:
            # an active Party-member neighbour counts as (1 + party_role_model) neighbours: a weighted
            # share, so it stays in [0, 1] and equals the plain share where no Party member is active
            nbr = self.network.role_model_share(seen, hh.party_member, lv.party_role_model)
        else:
            nbr = self.network.neighbour_share(seen)
        meeting = self.week % WEEKS_PER_MONTH == 0
        cost_deltas = [lv.participation_cost_delta]
        if meeting and lv.deliberation_cost_delta != 0.0:  # e.g. online attendance is easier than a meeting hall
            cost_deltas.append(lv.participation_cost_delta + lv.deliberation_cost_delta)
        # both probabilities share every term but the cost (no draw in between: made at once)
        probs = hh.participation_probabilities(p, nbr, self.mobilisation_h, lv.volunteer_reward_yuan, cost_deltas)
        prob = probs[0]
        volunteers = self._ration(rng.random(lay.n_households) < prob, slots)
        hh.volunteered_now[volunteers] = True
        hh.last_volunteer[volunteers] = self.week
        hours = p["volunteer_hours_per_slot"]
        self.volunteer_hours_week = volunteers.size * hours
        memory, slot_hours = self._volunteer_constants(p["volunteer_memory"], hours)  # 0-d arrays, the same bits
        if volunteers.size:
            self.volunteer_hours_grid = np.multiply(memory, self.volunteer_hours_grid) + np.multiply(np.bincount(
                lay.grid_of.take(volunteers), minlength=lay.n_grids), slot_hours)
        else:  # + 0.0 (no hours anywhere) changes nothing: the hours are never −0
            self.volunteer_hours_grid = np.multiply(memory, self.volunteer_hours_grid)
        self.deliberation_attendees_week = 0
        if meeting:
            seats = np.full(n_c, self.deliberation_base_seats() + lv.deliberation_seats_extra)
            prob = probs[-1]
            attendees = self._ration(rng.random(lay.n_households) < prob * p["meeting_turnout"], seats)
            hh.deliberated_now[attendees] = True
            hh.last_deliberation[attendees] = self.week
            self.deliberation_attendees_week = attendees.size

    def deliberation_base_seats(self) -> float:
        """Seats at a community's monthly residents' meeting without any mechanism."""
        return per_1000(self.p["deliberation_slots"], self.layout.households_per_community)

    def _ration(self, wanting: np.ndarray, slots: np.ndarray) -> np.ndarray:
        """Households that get one of their community's `slots` this week (`model.rationing.ration`)."""
        return ration(wanting, slots, self.layout.community_start, self.rng)

    # 8 (model/project_cycle.py; its quarterly phase runs this first) -----------------------
    def _develop_social_organisations(self) -> None:
        """Quarterly (docs/specification.md §8, Social organisations): each organisation works its own hours plus
        the staff hours this quarter's grants buy (`levers.so_funded_hours`, by community), up to
        `so_capacity_max`. Without grants nothing changes."""
        funded = self.levers.so_funded_hours
        cap = per_1000(self.p["so_capacity_max"], self.layout.households_per_community)
        for so in self.social_orgs:
            so.fund(float(funded[so.community]), cap)

    # 9 ------------------------------------------------------------------------------------
    def update_attitudes(self) -> None:
        """Quality, satisfaction, aspiration, motivation and efficacy update."""
        self._hook("attitudes")
        cycle = self.project_cycle
        cycle.complete_projects()
        cycle.depreciate_projects()
        hh, p = self.households, self.p
        self.service_quality.update()
        hh.pending_old = self.issues.pending_old_by_household(hh.n, self.week)
        hh.update_experience(self.service_quality.by_building(), self.layout.building_of, p)
        # visible progress (transparency): trust moves toward the mean outcome of the issues closed this
        # week (resolved: the same outcome as in the feedback, falling with lateness; given up: 0)
        self.network.neighbour_mean(hh.satisfaction, out=hh.neighbour_satisfaction)
        hh.update_attitudes(p, self.rng, self.levers.transparency, self.closed_outcome_mean)

    # 10 -----------------------------------------------------------------------------------
    def observe(self) -> None:
        """Quarterly survey, mechanism costs and the week's shared aggregates (collected by `step`). The
        survey runs before the mechanisms' ``observe`` hooks, so a quarterly rating reads this quarter's."""
        if self.week % WEEKS_PER_QUARTER == 0:
            self.survey_share = self.run_survey()
        self._hook("observe")
        self.mechanism_cost_week = float(sum(m.weekly_cost(self) for m in self.mechanisms.values()))
        self.mechanism_cost_total += self.mechanism_cost_week
        self.points_issued_total += self.points_issued_week
        self.points_redeemed_total += self.points_redeemed_week
        self._observe_week()

    def run_survey(self) -> float:
        """The quarterly satisfaction survey: sampled households, satisfaction measured with noise.
        The first `survey_sample_size` interviews are the routine survey; interviews a third-party
        survey adds (`levers.survey_sample_extra`) are measured with its smaller noise
        (`levers.survey_noise_factor`). Sets `survey_by_grid` (share satisfied by compound, all
        interviews; NaN where nobody was sampled), which the red/black list reads, and
        `third_party_by_grid` (the third-party interviews only), which project targeting reads."""
        p, hh, lv = self.p, self.households, self.levers
        n = min(p["survey_sample_size"] + lv.survey_sample_extra, hh.n)
        routine = min(p["survey_sample_size"], n)
        sample = self.rng.choice(hh.n, size=n, replace=False)
        noise = np.full(n, p["survey_noise"])
        noise[routine:] *= lv.survey_noise_factor
        measured = hh.satisfaction[sample] + self.rng.normal(0.0, noise, n)
        satisfied = measured >= p["satisfied_threshold"]
        share = float(np.mean(satisfied))
        # sampling error of a simple random sample without replacement (finite-population corrected)
        fpc = (hh.n - n) / (hh.n - 1) if hh.n > 1 else 0.0
        self.survey_se = float(np.sqrt(share * (1.0 - share) / n * fpc))
        self.survey_by_grid = self._share_by_grid(sample, satisfied)
        self.third_party_by_grid = self._share_by_grid(sample[routine:], satisfied[routine:])
        return share

    def _share_by_grid(self, sample: np.ndarray, satisfied: np.ndarray) -> np.ndarray:
        grids = self.layout.n_grids
        count = np.bincount(self.layout.grid_of[sample], minlength=grids)
        hits = np.bincount(self.layout.grid_of[sample], weights=satisfied, minlength=grids)
        return np.where(count > 0, hits / np.maximum(count, 1), np.nan)

    def _observe_week(self) -> None:
        """Per-week aggregates that several reporters share: the last week each household volunteered or
        deliberated (`last_active`) and whether that is within the last 4 weeks (`active_mask`, as
        `Households.active_last_month`)."""
        hh = self.households
        self.last_active = np.maximum(hh.last_volunteer, hh.last_deliberation)
        self.active_mask = self.last_active > self.week - 4

    # ------------------------------------------------------------------------------ helpers
    def firm_in_loss(self) -> int:
        return sum(1 for f in self.firms if f.present and f.cash < 0)

    # Mesa's views of the agents include every household: asking for them makes the Resident views.
    @property
    def agents(self) -> mesa.agent.AgentSet:
        """Every agent (Mesa's AgentSet), households first, as Mesa made them."""
        self.residents.materialise()
        return self._all_agents

    @property
    def agents_by_type(self) -> dict[type[mesa.Agent], mesa.agent.AgentSet]:
        """Mesa's agent sets by class, households (`Resident`) first."""
        self.residents.materialise()
        return self._agents_by_type

    @property
    def agent_types(self) -> list[type]:
        """The agent classes, `Resident` first."""
        self.residents.materialise()
        return list(self._agents_by_type)

    def remove(self) -> None:
        """Free Mesa's per-model registry entry so thousands of runs in one process don't leak."""
        mesa.Agent._ids.pop(self, None)
