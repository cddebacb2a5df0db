"""Reference implementations of the household weekly rules, for the benchmark only.

Neither is part of the model; ``benchmarks/bench.py`` times them in the same run as the real
model so that speed ratios are meaningful on a shared, noisy machine.

- :class:`PerAgentModel`: the classic Mesa way. Every household is a :class:`BaselineHousehold`
  agent whose own ``step()`` applies the household rules in plain Python (issues arise and
  surface, participation with building influence, satisfaction, aspiration, motivation), driven
  by ``model.agents.shuffle_do("step")``. Written the way a careful Mesa user would: scalar draws
  from ``self.random``, ``math.exp``, building tallies kept incrementally instead of scanning
  neighbours, and a few model-level reporters.
- :class:`VectorisedKernel`: the same rules as a tight numpy kernel over arrays (issues kept as
  per-household counts), the practical ceiling of ``shared/design/STACK.md`` (~5 M household-steps/s).

Both read their parameter values from the scenario, so the rules run at the model's rates.
"""

from __future__ import annotations

import bisect
import math
from typing import Any

import mesa
import numpy as np

from model.domains import KIND_DOMAIN, age_weights, kind_shares
from model.model import resolve_parameters

__all__ = ["BaselineHousehold", "PerAgentModel", "VectorisedKernel", "layout_size"]

LATENT, OPEN = 0, 1
RESOLVE_PROB = 0.3  # stand-in for the holders' queues: weekly chance an open issue is dealt with


def layout_size(params: dict[str, Any]) -> int:
    """Households in a street of the given layout parameters."""
    return (
        params["n_communities"]
        * params["grids"]
        * params["buildings_per_grid"]
        * params["households_per_building"]
    )


def _sigmoid(z: float) -> float:
    return 1.0 / (1.0 + math.exp(-z))


class BaselineHousehold(mesa.Agent):
    """One household as its own Mesa agent with the weekly household rules in ``step()``."""

    def __init__(
        self,
        model: PerAgentModel,
        building: int,
        grid: int,
        community: int,
        age: int,
        owner: bool,
        party: bool,
    ) -> None:
        super().__init__(model)
        rnd = model.random
        self.building, self.grid, self.community = building, grid, community
        p = model.par
        self.weights = [float(w) for w in age_weights(p)[age]]
        self.cost = (p["cost_youth"], p["cost_working"], p["cost_retired"])[age] + (
            0.0 if owner else p["cost_renter"]
        )
        self.party = party
        self.satisfaction = rnd.betavariate(5, 5)
        self.trust = rnd.betavariate(4, 4)
        self.motivation = self.motivation0 = rnd.betavariate(2, 5)
        self.efficacy = rnd.betavariate(3, 4)
        self.aspiration = math.nan
        self.issues: list[list[int]] = []  # [kind, created week, expiry week, status]
        self.last_volunteer = -10_000
        self.last_report = -10_000
        self.seen = 0  # volunteered in the last 4 weeks (what neighbours see)
        self.resolved_recent = 0.0
        self.ties: list[BaselineHousehold] = []

    def experience(self, pending_old: int) -> float:
        """Experienced quality of life: domain weights × compound quality, trust, own issues."""
        p, q = self.model.par, self.model.quality[self.grid]
        tw = p["trust_weight_in_experience"]
        level = 0.0
        for w, qd in zip(self.weights, q, strict=True):
            level += w * qd
        return (
            (1.0 - tw) * level
            + tw * self.trust
            - p["pending_penalty"] * min(pending_old, 5)
            + p["resolved_bonus"] * min(self.resolved_recent, 3.0)
        )

    def step(self) -> None:
        """One week of this household's rules."""
        m = self.model
        p, rnd, week = m.par, m.random, m.week
        # 1. issues arise
        if rnd.random() < m.arise_rate[self.grid]:
            cum = m.kind_cum[self.grid]
            kind = bisect.bisect_right(cum, rnd.random() * cum[-1])
            expires = week + math.ceil(rnd.expovariate(1.0 / p["latent_expiry_weeks"]))
            self.issues.append([kind, week, expires, LATENT])
        # 2. issues surface (reported or found), open ones are dealt with or given up; trust learns
        pending_old = 0
        if self.issues:
            z = (
                p["report_base"]
                + p["report_trust_weight"] * self.trust
                + p["report_efficacy_weight"] * self.efficacy
                - p["report_cost_weight"] * p["report_cost"]
            )
            p_report = _sigmoid(z)
            keep = []
            for issue in self.issues:
                if issue[3] == LATENT:
                    if rnd.random() < p_report:
                        issue[3] = OPEN
                        self.last_report = week
                    elif rnd.random() < p["base_discovery_prob"]:
                        issue[3] = OPEN
                    elif issue[2] <= week:
                        continue  # expired unreported
                else:
                    age = week - issue[1]
                    if rnd.random() < RESOLVE_PROB:
                        expect = p["expected_resolution_weeks"]
                        outcome = min(1.0, max(0.0, 1.0 - 0.5 * max(0.0, age - expect) / expect))
                        self.trust += p["trust_rate"] * (outcome - self.trust)
                        if age <= expect:
                            self.resolved_recent += 1.0
                        continue
                    if age >= p["open_expiry_weeks"]:
                        self.trust -= p["trust_rate"] * self.trust
                        continue
                if week - issue[1] > 4:
                    pending_old += 1
                keep.append(issue)
            self.issues = keep
        # 3. participation: building neighbours (tallied last week) and interest ties
        b = self.building
        tie_seen, tie_sat = 0, 0.0
        for t in self.ties:
            tie_seen += t.seen
            tie_sat += t.satisfaction
        share = (m.seen_last[b] - self.seen + tie_seen) / m.degree
        z = (
            p["part_base"]
            + p["part_motivation_weight"] * self.motivation
            + p["part_efficacy_weight"] * self.efficacy
            + p["part_trust_weight"] * self.trust
            + p["social_influence"] * share
            + p["part_party_weight"] * self.party * p["party_mobilisation"]
            - self.cost
        )
        if rnd.random() < _sigmoid(z) and m.slots_left[self.community] >= 1.0:
            m.slots_left[self.community] -= 1.0
            self.last_volunteer = week
        # 4. satisfaction toward level plus surprise and toward neighbours; aspiration adapts
        x = self.experience(pending_old)
        target = x + p["surprise_weight"] * (x - self.aspiration)
        s = self.satisfaction
        nbr_s = (m.sat_last[b] - s + tie_sat) / m.degree
        s += p["satisfaction_rate"] * (target - s) + p["neighbour_weight"] * (nbr_s - s)
        s += rnd.gauss(0.0, p["satisfaction_noise"])
        self.satisfaction = min(1.0, max(0.0, s))
        self.aspiration = min(1.0, max(0.0, self.aspiration + p["aspiration_rate"] * (x - self.aspiration)))
        self.resolved_recent *= 0.92
        # 5. motivation relaxes toward its baseline
        self.motivation += p["motivation_relax_rate"] * (self.motivation0 - self.motivation)
        # tallies neighbours read next week
        self.seen = 1 if week - self.last_volunteer < 4 else 0
        m.seen_next[b] += self.seen
        m.sat_next[b] += self.satisfaction


def _satisfaction_mean(m: PerAgentModel) -> float:
    return float(m.agents.agg("satisfaction", np.mean))


def _participation(m: PerAgentModel) -> float:
    return sum(a.seen for a in m.agents) / len(m.agents)


def _issues_pending(m: PerAgentModel) -> int:
    return sum(len(a.issues) for a in m.agents)


class PerAgentModel(mesa.Model):
    """The household rules as per-agent Mesa: one agent per household, ``shuffle_do("step")``."""

    def __init__(self, scenario: str = "baseline", seed: int = 1, **overrides: Any) -> None:
        super().__init__(seed=seed)
        _, self.par = resolve_parameters(scenario, overrides, where="PerAgentModel")
        p, rnd = self.par, self.random
        c, g, bpg, hpb = p["n_communities"], p["grids"], p["buildings_per_grid"], p["households_per_building"]
        n_grids, n_buildings = c * g, c * g * bpg
        self.week = 0
        self.degree = max(hpb - 1 + p["k_interest"], 1)
        # compound quality by domain, and issue rates by kind (constant here)
        self.quality = [
            [min(0.95, max(0.05, p["domain_quality_mean"] + rnd.gauss(0.0, 0.08))) for _ in range(6)]
            for _ in range(n_grids)
        ]
        lam, shares = p["issue_rate_per_year"] / 52.0, kind_shares(p)
        self.arise_rate, self.kind_cum = [], []
        for q in self.quality:
            rates = [lam * float(shares[k]) * (1.5 - q[int(KIND_DOMAIN[k])]) for k in range(7)]
            self.arise_rate.append(sum(rates))
            self.kind_cum.append(list(np.cumsum(rates)))
        # organising hours are declared per 1,000 households of the compound / community served
        organisers = ((1 + g) * p["party_capacity_hours"] * bpg * hpb
                      + p["so_per_community"] * p["so_capacity_hours"] * g * bpg * hpb * 0.3) / 1000.0
        self.slots_per_community = organisers * p["slots_per_organiser_hour"]
        self.slots_left = [0.0] * c
        youth, retired = p["youth_share"], p["retired_share"]
        households: list[BaselineHousehold] = []
        for b in range(n_buildings):
            grid = b // bpg
            for _ in range(hpb):
                u = rnd.random()
                age = 0 if u < youth else (2 if u < youth + retired else 1)
                households.append(
                    BaselineHousehold(
                        self,
                        b,
                        grid,
                        grid // g,
                        age,
                        rnd.random() < p["owner_share"],
                        rnd.random() < p["party_member_share"],
                    )
                )
        per_community = g * bpg * hpb
        for i, h in enumerate(households):
            base = h.community * per_community
            h.ties = (
                [
                    households[base + (i - base + rnd.randrange(1, per_community)) % per_community]
                    for _ in range(p["k_interest"])
                ]
                if per_community > 1
                else []
            )
            h.aspiration = h.experience(0)
        self.seen_last = [0] * n_buildings
        self.sat_last = [0.0] * n_buildings
        for h in households:
            self.sat_last[h.building] += h.satisfaction
        self.seen_next = [0] * n_buildings
        self.sat_next = [0.0] * n_buildings
        self.datacollector = mesa.DataCollector(
            model_reporters={
                "satisfaction_mean": _satisfaction_mean,
                "participation": _participation,
                "issues_pending": _issues_pending,
            }
        )
        self.datacollector.collect(self)

    def step(self) -> None:
        """One week: reset the tallies and slots, every household steps in random order, collect."""
        self.week += 1
        self.seen_last, self.seen_next = self.seen_next, [0] * len(self.seen_next)
        self.sat_last, self.sat_next = self.sat_next, [0.0] * len(self.sat_next)
        self.slots_left = [self.slots_per_community] * len(self.slots_left)
        self.agents.shuffle_do("step")
        self.datacollector.collect(self)

    def run(self, weeks: int) -> None:
        """Run `weeks` steps."""
        for _ in range(weeks):
            self.step()

    def remove(self) -> None:
        """Free Mesa's per-model registry entry."""
        mesa.Agent._ids.pop(self, None)


class VectorisedKernel:
    """The same household rules as one numpy kernel: the practical speed ceiling (not a Mesa model).

    Issues are per-household counts (latent, open) instead of rows, so arrival, surfacing, expiry
    and resolution are binomial draws; everything else follows :class:`BaselineHousehold`.
    """

    def __init__(self, scenario: str = "baseline", seed: int = 1, **overrides: Any) -> None:
        _, self.par = resolve_parameters(scenario, overrides, where="VectorisedKernel")
        p = self.par
        self.rng = rng = np.random.default_rng(seed)
        c, g, bpg, hpb = p["n_communities"], p["grids"], p["buildings_per_grid"], p["households_per_building"]
        self.n = n = layout_size(p)
        self.hpb, self.per_community = hpb, g * bpg * hpb
        self.building = np.arange(n) // hpb
        self.n_buildings = c * g * bpg
        grid = np.arange(n) // (bpg * hpb)
        self.community = np.arange(n) // self.per_community
        self.degree = max(hpb - 1 + p["k_interest"], 1)
        quality = np.clip(p["domain_quality_mean"] + rng.normal(0.0, 0.08, (c * g, 6)), 0.05, 0.95)
        lam = p["issue_rate_per_year"] / 52.0 * kind_shares(p)
        self.arise = (lam[None, :] * (1.5 - quality[:, KIND_DOMAIN])).sum(axis=1)[grid]
        age = rng.choice(
            3, size=n, p=[p["youth_share"], 1.0 - p["youth_share"] - p["retired_share"], p["retired_share"]]
        )
        owner = rng.random(n) < p["owner_share"]
        self.party = (rng.random(n) < p["party_member_share"]).astype(np.float64)
        self.level = np.einsum("ij,ij->i", age_weights(p)[age], quality[grid])
        self.cost = (
            np.array([p["cost_youth"], p["cost_working"], p["cost_retired"]])[age] + p["cost_renter"] * ~owner
        )
        self.satisfaction = rng.beta(5, 5, n)
        self.trust = rng.beta(4, 4, n)
        self.motivation = rng.beta(2, 5, n)
        self.motivation0 = self.motivation.copy()
        self.efficacy = rng.beta(3, 4, n)
        start = self.community[:, None] * self.per_community
        own = (np.arange(n) - self.community * self.per_community)[:, None]
        self.ties = (
            start
            + (own + rng.integers(1, max(self.per_community, 2), (n, p["k_interest"]))) % self.per_community
        )
        self.latent = np.zeros(n, dtype=np.int64)
        self.open = np.zeros(n, dtype=np.int64)
        self.resolved_recent = np.zeros(n)
        self.seen = np.zeros(n)
        self.last_volunteer = np.full(n, -10_000)
        # organising hours are declared per 1,000 households of the compound / community served
        organisers = ((1 + g) * p["party_capacity_hours"] * bpg * hpb
                      + p["so_per_community"] * p["so_capacity_hours"] * g * bpg * hpb * 0.3) / 1000.0
        self.slots = organisers * p["slots_per_organiser_hour"]
        self.week = 0
        self.aspiration = self._experience()
        self.history: list[tuple[float, float, int]] = []

    def _experience(self) -> np.ndarray:
        p = self.par
        tw = p["trust_weight_in_experience"]
        return (
            (1.0 - tw) * self.level
            + tw * self.trust
            - p["pending_penalty"] * np.minimum(self.open, 5)
            + p["resolved_bonus"] * np.minimum(self.resolved_recent, 3.0)
        )

    def _neighbour_mean(self, values: np.ndarray) -> np.ndarray:
        building = np.bincount(self.building, weights=values, minlength=self.n_buildings)
        return (np.repeat(building, self.hpb) - values + values[self.ties].sum(axis=1)) / self.degree

    def step(self) -> None:
        """One week of every household's rules."""
        p, rng, n = self.par, self.rng, self.n
        self.week += 1
        self.latent += rng.poisson(self.arise)
        z = (
            p["report_base"]
            + p["report_trust_weight"] * self.trust
            + p["report_efficacy_weight"] * self.efficacy
            - p["report_cost_weight"] * p["report_cost"]
        )
        p_surface = 1.0 - (1.0 - 1.0 / (1.0 + np.exp(-z))) * (1.0 - p["base_discovery_prob"])
        surfaced = rng.binomial(self.latent, p_surface)
        self.latent -= surfaced + rng.binomial(self.latent - surfaced, 1.0 / p["latent_expiry_weeks"])
        self.open += surfaced
        done = rng.binomial(self.open, RESOLVE_PROB)
        self.open -= done
        hit = done > 0
        self.trust[hit] += p["trust_rate"] * (1.0 - self.trust[hit])
        self.resolved_recent += done
        share = self._neighbour_mean(self.seen)
        z = (
            p["part_base"]
            + p["part_motivation_weight"] * self.motivation
            + p["part_efficacy_weight"] * self.efficacy
            + p["part_trust_weight"] * self.trust
            + p["social_influence"] * share
            + p["part_party_weight"] * self.party * p["party_mobilisation"]
            - self.cost
        )
        want = np.flatnonzero(rng.random(n) < 1.0 / (1.0 + np.exp(-z)))
        rank = np.arange(want.size) - np.searchsorted(self.community[want], self.community[want])
        self.last_volunteer[want[rank < self.slots]] = self.week
        x = self._experience()
        target = x + p["surprise_weight"] * (x - self.aspiration)
        s = self.satisfaction
        s += (
            p["satisfaction_rate"] * (target - s)
            + p["neighbour_weight"] * (self._neighbour_mean(s) - s)
            + rng.normal(0.0, p["satisfaction_noise"], n)
        )
        np.clip(s, 0.0, 1.0, out=s)
        self.aspiration += p["aspiration_rate"] * (x - self.aspiration)
        np.clip(self.aspiration, 0.0, 1.0, out=self.aspiration)
        self.resolved_recent *= 0.92
        self.motivation += p["motivation_relax_rate"] * (self.motivation0 - self.motivation)
        self.seen = (self.week - self.last_volunteer < 4).astype(np.float64)
        self.history.append(
            (float(s.mean()), float(self.seen.mean()), int(self.latent.sum() + self.open.sum()))
        )

    def run(self, weeks: int) -> None:
        """Run `weeks` steps."""
        for _ in range(weeks):
            self.step()
