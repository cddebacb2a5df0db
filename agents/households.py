"""Households (住户): the state of every household as numpy arrays and the households' own rules.

Households are many, so their state is a struct of arrays (:class:`Households`) and their rules are
vectorised methods on it; :mod:`agents.resident` gives each household a Mesa agent that views its row.
State that the same rules update together is kept as rows of one 2-D array, each row named by an
attribute viewing it (`ATTITUDE_ROWS`, `DID_NOW_ROWS`, `TARGET_ROWS`), so one numpy call serves them all.
These rules know nothing about which mechanisms are on; the model passes in what they need.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from numpy._core import multiarray as _multiarray

from model.arrays import ONE, ZERO, Constants, clip_unit, constant
from model.domains import age_weights

__all__ = ["ATTITUDE_ROWS", "DID_NOW_ROWS", "NEVER", "TARGET_ROWS", "Households", "sigmoid", "sums_by_household"]

NEVER = -10_000  # "week last did X" before anything happened
_HALF, _TWO, _PAID_REFERENCE = constant(0.5), constant(2.0), constant(0.85)

#: Float state of the households that the same rules update, clip or decay together, as rows of one
#: (rows, n) array (`Households.attitudes`); each name is an attribute viewing its row. Adjacent rows
#: serve one call: motivation, aspiration and satisfaction move toward their `TARGET_ROWS` together,
#: aspiration … trust in the community are clipped together at the end of phase 9
#: (`Households.update_attitudes`; motivation, outside that range, is not clipped), the two trusts after
#: learning from outcomes, the two decaying records decay together.
ATTITUDE_ROWS = ("motivation", "aspiration", "satisfaction", "efficacy", "trust_community", "trust_property",
                 "resolved_recent", "project_benefit")
(_MOTIVATION, _ASPIRATION, _SATISFACTION, _EFFICACY, _TRUST_COMMUNITY, _TRUST_PROPERTY, _RESOLVED,
 _BENEFIT) = range(8)
#: What the first three `ATTITUDE_ROWS` move toward in phase 9, rows of one (3, n) array
#: (`Households.targets`): motivation's lasting baseline, this week's experience (`update_experience`)
#: and the neighbours' mean satisfaction (which the model writes).
TARGET_ROWS = ("motivation0", "experience", "neighbour_satisfaction")
#: This week's activities, rows of one boolean (3, n) array (`Households.did_now`), cleared together.
DID_NOW_ROWS = ("volunteered_now", "deliberated_now", "reported_now")
#: Each rule's `Constants` (its scalar parameters as 0-d arrays).
_CONSTANTS = ("_report_constants", "_participation_constants", "_pay_constants", "_learning_rate", "_efficacy_rate",
              "_experience_constants", "_move_constants", "_memory_constants")
#: Every name that is a row view of a stacked array (`Households._bind_rows`).
_ROW_NAMES = frozenset(ATTITUDE_ROWS + DID_NOW_ROWS + TARGET_ROWS)


def sums_by_household(households: np.ndarray, weights: np.ndarray | None, n: int
                      ) -> tuple[np.ndarray, np.ndarray | None, np.ndarray]:
    """The households that occur in `households` (ascending), the sum of their `weights` (each one's
    terms added in input order, as ``np.bincount`` adds them; None without weights) and their counts.
    A few households among many are summed over themselves, not over an array of all `n`."""
    if n > 10_000 and households.size * 16 < n:
        hit, where, count = np.unique(households, return_inverse=True, return_counts=True)
        total = None if weights is None else np.bincount(where, weights=weights, minlength=hit.size)
        return hit, total, count
    count = np.bincount(households, minlength=n)
    # found on a boolean copy: numpy's nonzero of an integer array tests element by element through the
    # dtype's function (~2.4 ns each), of a boolean array it scans in bulk (the same indices, a quarter of the time)
    hit = count.astype(np.bool_).nonzero()[0]
    total = None if weights is None else np.bincount(households, weights=weights, minlength=n)[hit]
    return hit, total, count[hit]


def sigmoid(x: np.ndarray | float, out: np.ndarray | None = None) -> np.ndarray:
    """The logistic function σ: 1 / (1 + exp(−x)), the same operations and bits as that expression, in
    one array (``out``, which may be ``x`` itself, or a new one) rather than one per intermediate result."""
    if not isinstance(x, np.ndarray):
        return 1.0 / (1.0 + np.exp(-x))
    return _sigmoid_of_negated(np.negative(x, out=out))


def _sigmoid_of_negated(negated: np.ndarray) -> np.ndarray:
    """σ(x) from −x, in place: the rules below build −x term by term from negated weights, which gives
    exactly −x (IEEE rounding is symmetric in sign: (−a)·b = −(a·b), (−a) + (−b) = −(a + b)), so they
    spare `sigmoid`'s negation pass with the same bits."""
    np.exp(negated, out=negated)
    negated += ONE  # 0-d arrays: `model.arrays.constant`
    return np.divide(ONE, negated, out=negated)


def _row_products(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Every row of `a` (m, k) dotted with every row of `b` (r, k), as a new contiguous (m, r) array:
    ``np.einsum("ij,ij->i", a.repeat(r, axis=0), np.tile(b, (m, 1))).reshape(m, r)`` bit for bit (each
    sum over k by the same einsum kernel, in the same order; tests/test_households.py), without the
    repeated and tiled copies and ``np.einsum``'s Python layer."""
    return _multiarray.c_einsum("ij,kj->ik", a, b)


class Households:
    """State of every household as arrays (docs/specification.md §2, Resident), and the households' own rules."""

    ATTITUDE_ROWS = ATTITUDE_ROWS
    DID_NOW_ROWS = DID_NOW_ROWS
    TARGET_ROWS = TARGET_ROWS

    def __init__(self, n: int, params: dict, rng: np.random.Generator) -> None:
        self.n = n
        self.attitudes = np.zeros((len(self.ATTITUDE_ROWS), n))
        self.did_now = np.zeros((len(self.DID_NOW_ROWS), n), dtype=bool)
        self.targets = np.zeros((len(self.TARGET_ROWS), n))
        self._bind_rows()
        youth, retired = params["youth_share"], params["retired_share"]
        self.age_group = rng.choice(3, size=n, p=[youth, 1.0 - youth - retired, retired]).astype(np.int8)
        self.owner = rng.random(n) < params["owner_share"]
        self.party_member = rng.random(n) < params["party_member_share"]
        self.satisfaction[:] = rng.beta(params["init_satisfaction_a"], params["init_satisfaction_b"], n)
        self.trust_community[:] = rng.beta(params["init_trust_a"], params["init_trust_b"], n)
        self.trust_property[:] = rng.beta(params["init_trust_a"], params["init_trust_b"], n)
        self.motivation = rng.beta(params["init_motivation_a"], params["init_motivation_b"], n)
        self.motivation0 = self.motivation  # copied into its row of `targets`
        self.efficacy[:] = rng.beta(params["init_efficacy_a"], params["init_efficacy_b"], n)
        self.aspiration[:] = np.nan  # set to first experience at set-up
        self.points = np.zeros(n)
        self.pays_fee = np.ones(n, dtype=bool)
        self.last_volunteer = np.full(n, NEVER, dtype=np.int32)
        self.last_deliberation = np.full(n, NEVER, dtype=np.int32)
        self.last_report = np.full(n, NEVER, dtype=np.int32)
        self.pending_old = np.zeros(n)  # own issues latent or open for > 4 weeks
        # resolved_recent: decaying count of own issues resolved on time; project_benefit: decaying lift
        # from completed projects nearby (rows of `attitudes`, zero at first)
        # lasting individual differences in how content a household is with the same conditions
        self.disposition = rng.normal(0.0, params["satisfaction_disposition_sd"], n)
        self._age_table = age_weights(params)  # (3 age groups, 6 domains)
        self._age_weights = self._age_table[self.age_group]  # (n, 6)
        # each rule's scalar parameters as 0-d arrays (cheaper operands, the same bits)
        for name in _CONSTANTS:
            setattr(self, name, Constants())

    def _bind_rows(self) -> None:
        """Name each row of the stacked arrays (views: writing through a name writes the block)."""
        for i, name in enumerate(self.ATTITUDE_ROWS):
            setattr(self, name, self.attitudes[i])
        for i, name in enumerate(self.DID_NOW_ROWS):
            setattr(self, name, self.did_now[i])
        for i, name in enumerate(self.TARGET_ROWS):
            setattr(self, name, self.targets[i])

    def __setattr__(self, name: str, value: object) -> None:
        """Assigning to a row name once bound (``hh.satisfaction = x``) writes into its block in place,
        so the name can never be cut loose from the array the rules update together."""
        if name in _ROW_NAMES and name in self.__dict__:
            self.__dict__[name][...] = value
        else:
            object.__setattr__(self, name, value)

    def __getstate__(self) -> dict:
        # the row views are made again on unpickling (pickle would copy each one apart from its block)
        return {k: v for k, v in self.__dict__.items() if k not in _ROW_NAMES}

    def __setstate__(self, state: dict) -> None:
        self.__dict__.update(state)
        self._bind_rows()

    # -- perception ---------------------------------------------------------------------------
    def active_last_month(self, week: int) -> np.ndarray:
        """Took part in a community activity (volunteering or deliberation) in the last 4 weeks.
        Reporting an issue is not an activity here (it has its own metric, `reporting_share_month`),
        so issues found before residents complain do not lower measured participation."""
        return self.active_within(week, 4)

    def active_within(self, week: int, weeks: int) -> np.ndarray:
        """Volunteered or deliberated in the last `weeks` weeks."""
        return np.maximum(self.last_volunteer, self.last_deliberation) > week - weeks

    def volunteered_last_month(self, week: int) -> np.ndarray:
        """Volunteered or deliberated in the last 4 weeks (what neighbours see)."""
        return np.maximum(self.last_volunteer, self.last_deliberation) > week - 4

    # -- decisions ----------------------------------------------------------------------------
    def report_probability(self, p: dict, cost: float, reward_yuan: float,
                           households: np.ndarray | None = None) -> np.ndarray:
        """Weekly probability of reporting a latent issue (docs/specification.md §3 step 2):
        σ(base + w_t·trust + w_e·efficacy − w_c·cost + w_p·reward), summed in that order (built negated,
        in one (2, n) array: `_sigmoid_of_negated`). With `households` (indices, repeats allowed), only
        theirs, in that order: the same elementwise arithmetic, so the same bits as gathering them from
        the whole street's probabilities."""
        # efficacy and trust are adjacent rows of `attitudes`: a subset of both is gathered in one take,
        # and the products are written into that copy
        rows = self.attitudes[_EFFICACY:_TRUST_COMMUNITY + 1]
        copied = households is not None
        if copied:
            rows = rows.take(households, axis=1)
        efficacy_weight, trust_weight, base, cost_term, reward_term = self._report_constants(
            -p["report_efficacy_weight"], -p["report_trust_weight"], p["report_base"],
            p["report_cost_weight"] * cost, p["report_points_weight"] * reward_yuan)
        # one row at a time with 0-d weights: a (2, 1) column of weights would be broadcast through
        # numpy's buffers, which costs more than the products (same products, so the same bits)
        negated = np.multiply(rows[1], trust_weight, out=rows[1] if copied else None)
        negated -= base
        term = np.multiply(rows[0], efficacy_weight, out=rows[0] if copied else None)
        negated += term
        negated += cost_term
        negated -= reward_term
        return _sigmoid_of_negated(negated)

    def participation_cost(self, p: dict) -> np.ndarray:
        """cost(age_group, owner): lowest for retired, highest for working-age; renters pay extra.
        Age groups and ownership are fixed, so the array is made again only when the costs change."""
        costs = (p["cost_youth"], p["cost_working"], p["cost_retired"], p["cost_renter"])
        cached = self.__dict__.get("_participation_cost")
        if cached is None or cached[0] != costs:
            by_age = np.array(costs[:3])
            cached = self._participation_cost = (costs, by_age[self.age_group] + costs[3] * ~self.owner)
            cached[1].flags.writeable = False
        return cached[1]

    def participation_probability(
        self,
        p: dict,
        neighbour_share: np.ndarray,
        mobilisation: np.ndarray,
        reward_yuan: float,
        cost_delta: float,
    ) -> np.ndarray:
        """Probability of taking part this week when offered (docs/specification.md §8, Participation):
        σ(base + w_m·motivation + w_e·efficacy + w_t·trust + w_s·neighbours + w_p·party member·mobilisation
        + w_r·reward − cost − cost_delta), summed term by term in that order (built negated, in few arrays:
        `_sigmoid_of_negated`)."""
        return self.participation_probabilities(p, neighbour_share, mobilisation, reward_yuan, (cost_delta,))[0]

    def participation_probabilities(
        self,
        p: dict,
        neighbour_share: np.ndarray,
        mobilisation: np.ndarray,
        reward_yuan: float,
        cost_deltas: Sequence[float],
    ) -> list[np.ndarray]:
        """`participation_probability` for each of `cost_deltas`, the same bits as one call each: the terms
        before the cost delta are summed once."""
        motivation_weight, base, efficacy_weight, trust_weight, social_weight = self._participation_constants(
            -p["part_motivation_weight"], p["part_base"], -p["part_efficacy_weight"], -p["part_trust_weight"],
            -p["social_influence"])
        negated = np.multiply(self.motivation, motivation_weight)
        negated -= base
        term = np.multiply(self.efficacy, efficacy_weight)  # one work array for the weighted terms
        negated += term
        np.multiply(self.trust_community, trust_weight, out=term)
        negated += term
        np.multiply(neighbour_share, social_weight, out=term)
        negated += term
        negated -= self._party_term(p["part_party_weight"], mobilisation)
        reward = p["part_reward_weight"] * reward_yuan
        if reward:  # z + 0.0 is z (only −0 would become +0, and σ(−0) = σ(+0) whatever follows)
            negated -= reward
        negated += self.participation_cost(p)
        last = len(cost_deltas) - 1
        probabilities = []
        for i, cost_delta in enumerate(cost_deltas):
            z = negated if i == last else negated.copy()
            if cost_delta:  # z − 0.0 is z
                z += cost_delta
            probabilities.append(_sigmoid_of_negated(z))
        return probabilities

    def _party_term(self, weight: float, mobilisation: np.ndarray) -> np.ndarray:
        """weight × party member (0/1) × mobilisation for every household. Made again only when the
        weight or the mobilisation array changes (the model passes the same read-only array while
        the branches' mobilisation stays the same)."""
        cached = self.__dict__.get("_party_term_cache")
        if cached is None or cached[0] != weight or cached[1] is not mobilisation or mobilisation.flags.writeable:
            term = weight * self.party_member
            term *= mobilisation
            term.flags.writeable = False
            cached = self._party_term_cache = (weight, mobilisation, term)
        return cached[2]

    def pay_probability(
        self, p: dict, property_quality: np.ndarray, neighbour_paid_share: np.ndarray, bonus: float
    ) -> np.ndarray:
        """Probability that the household's fee is paid this month (docs/specification.md §8, Property firm):
        σ(base + w_s·(s_property − 0.5) + w_n·(neighbours paid − 0.85) + bonus), s_property = w·trust +
        (1 − w)·quality, in that order (built negated, in two arrays: `_sigmoid_of_negated`)."""
        w = p["pay_trust_weight"]
        trust_weight, quality_weight, satisfaction_weight, base, neighbour_weight = self._pay_constants(
            w, 1.0 - w, -p["pay_satisfaction_weight"], p["pay_base"], -p["pay_neighbour_weight"])
        negated = np.multiply(self.trust_property, trust_weight)
        term = np.multiply(property_quality, quality_weight)
        negated += term
        negated -= _HALF
        negated *= satisfaction_weight
        negated -= base
        np.subtract(neighbour_paid_share, _PAID_REFERENCE, out=term)
        term *= neighbour_weight
        negated += term
        if bonus:  # z + 0.0 is z (only −0 would become +0, and σ(−0) = σ(+0))
            negated -= bonus
        return _sigmoid_of_negated(negated)

    # -- learning and attitudes ---------------------------------------------------------------
    def crowd_motivation(self, rewarded: np.ndarray, crowding: float, rate: float) -> None:
        """Motivation crowding (docs/specification.md §8): rewarded participants drift down if crowding > 0,
        up if < 0. Written multiplicatively so m stays in [0, 1]."""
        m = self.motivation[rewarded]
        if crowding >= 0:
            m -= crowding * rate * m
        else:
            m += -crowding * rate * (1.0 - m)
        self.motivation[rewarded] = m

    def learn_from_outcomes(
        self, households: np.ndarray, outcomes: np.ndarray, about_property: np.ndarray, rate: float
    ) -> None:
        """Trust in the holder moves toward each outcome in [0, 1] (unresolved expiry = 0)."""
        if households.size == 0:
            return
        # the two trusts are adjacent rows of `attitudes`: one flat index (row·n + household) addresses
        # the trust each outcome moves, so one pass serves both (each pair's terms still in input order)
        trusts = self.attitudes[_TRUST_COMMUNITY:_TRUST_PROPERTY + 1]
        flat = trusts.reshape(-1)
        at = np.multiply(about_property, self.n, dtype=np.intp)
        at += households
        # sequential effect of several outcomes for one household, approximated by their mean;
        # sums over the households concerned only (bincount adds each one's terms in order)
        hit, total, count = sums_by_household(at, np.subtract(outcomes, flat.take(at)), flat.size)
        total *= self._learning_rate(rate)[0]  # rate·total / count, in that order
        total /= count
        total += flat.take(hit)
        flat[hit] = total
        clip_unit(trusts, out=trusts)

    def gain_efficacy(self, households: np.ndarray, outcomes: np.ndarray, rate: float) -> None:
        """An own report that led to a result raises efficacy; one that came to nothing lowers it."""
        if households.size == 0:
            return
        hit, delta, count = sums_by_household(households, np.subtract(outcomes, _HALF), self.n)
        e = self.efficacy
        # step·(1 − e) where the step is positive, else step·e; times 2 (products commute: the same bits)
        step = delta
        step *= self._efficacy_rate(rate)[0]
        step /= count
        now = e.take(hit)
        room = np.subtract(ONE, now)
        np.copyto(room, now, where=step <= ZERO)
        room *= step
        room *= _TWO
        now += room
        e[hit] = now
        clip_unit(e, out=e)

    def weighted_quality(self, quality_by_building: np.ndarray, building_of: np.ndarray,
                         scale: float | np.ndarray | None = None, out: np.ndarray | None = None) -> np.ndarray:
        """Σ_d w_d·q_d for every household (its age group's weights, its building's quality (n_buildings,
        6)), times `scale` if given: the same sums (and products) as over an (n, 6) array, made once per
        building and age group, as one (n_buildings, 3) table (`_row_products`). Each household's row in
        that table is fixed for a run, so it is made once (`_building_age_rows`). In `out` (n floats) if
        given."""
        rows = self._building_age_rows(len(quality_by_building), building_of)
        table = _row_products(quality_by_building, self._age_table)
        if scale is not None:
            table *= scale
        return table.take(rows, out=out, mode="wrap")  # valid rows; "wrap" spares the buffer "raise" takes for out

    def _building_age_rows(self, n_buildings: int, building_of: np.ndarray) -> np.ndarray:
        """Each household's row (building, age group) in the flattened (n_buildings, 3) table."""
        cached = self.__dict__.get("_rows_by_building_age")
        if cached is None or cached[0] != n_buildings or cached[1] is not building_of:
            rows = building_of.astype(np.intp) * len(self._age_table) + self.age_group
            cached = self._rows_by_building_age = (n_buildings, building_of, rows)
        return cached[2]

    def update_experience(self, quality_by_building: np.ndarray, building_of: np.ndarray, p: dict) -> np.ndarray:
        """x = Σ_d w_d·q_d (age-group weights of the household's building's quality; `weighted_quality`)
        − penalty·old pending + bonus·resolved on time + project benefit, plus a share for trust in the
        community (docs/specification.md §8, Satisfaction). Written into `experience` (a row of
        `targets`) and returned."""
        # written with two arrays and `out=`, as (1 − tw)·wq + tw·trust − penalty·min(pending, cap)
        # + (bonus·min(resolved, cap) + benefit), term by term in that order; (1 − tw)·wq is taken per
        # building and age group (the same products) before it is spread over the households
        tw = p["trust_weight_in_experience"]
        quality_weight, trust_weight, pending_cap, penalty, resolved_cap, bonus = self._experience_constants(
            1.0 - tw, tw, p["pending_count_cap"], p["pending_penalty"],
            p["resolved_count_cap"], p["resolved_bonus"])
        x = self.weighted_quality(quality_by_building, building_of, quality_weight, out=self.experience)
        term = np.multiply(self.trust_community, trust_weight)
        x += term
        np.minimum(self.pending_old, pending_cap, out=term)
        term *= penalty
        x -= term
        np.minimum(self.resolved_recent, resolved_cap, out=term)
        term *= bonus
        term += self.project_benefit
        x += term
        return x

    def update_attitudes(self, p: dict, rng: np.random.Generator, transparency: float = 0.0,
                         closed_outcome_mean: float = float("nan")) -> None:
        """Phase 9 for the households, after `update_experience` and with this week's
        `neighbour_satisfaction`: satisfaction, aspiration and motivation move (`_move_satisfaction`), the two decaying
        records decay, and with `transparency` > 0 trust in the community moves toward this
        week's mean outcome of closed issues (when there is one: not NaN); then aspiration, satisfaction,
        efficacy and trust in the community are clipped to [0, 1] (one call: adjacent rows of
        `attitudes`; nothing in between reads what a clip would change)."""
        self._move_satisfaction(p, rng)
        # the two decaying records (rows of `attitudes`, so no setattr: the names write through to them)
        resolved_memory, benefit_memory = self._memory_constants(p["resolved_memory"], p["project_benefit_memory"])
        np.multiply(self.resolved_recent, resolved_memory, out=self.resolved_recent)
        np.multiply(self.project_benefit, benefit_memory, out=self.project_benefit)
        if transparency > 0 and closed_outcome_mean == closed_outcome_mean:
            # visible progress: trust moves toward the mean outcome of the issues closed this week
            tc = self.trust_community
            pull = np.subtract(closed_outcome_mean, tc)
            pull *= transparency
            tc += pull
        bounded = self.attitudes[_ASPIRATION:_TRUST_COMMUNITY + 1]
        clip_unit(bounded, out=bounded)

    def _move_satisfaction(self, p: dict, rng: np.random.Generator) -> None:
        """s moves toward x + κ·(x − a) (level plus surprise), toward the neighbours' mean satisfaction, with
        noise; aspiration adapts to experience (hedonic adaptation); without reward, motivation relaxes
        slowly toward its baseline m0. Unclipped: the caller clips aspiration and satisfaction (the clip of
        the aspiration comes after the change of satisfaction, which does not read it)."""
        # s += rate·(target − s) + weight·(neighbours − s), target = x + κ·(x − a) + disposition,
        # a += rate_a·(x − a) and m += rate_m·(m0 − m): the same operations in the same order. (m0, x,
        # neighbours) and (m, a, s) are each three rows of one array, so the three differences and the
        # three updates are one call each: change + social = social + change, a + rate_a·gap and
        # m + rate_m·gap as before
        x, s = self.experience, self.satisfaction
        moved = self.attitudes[_MOTIVATION:_SATISFACTION + 1]
        gaps = np.subtract(self.targets, moved)  # m0 − m, x − a, neighbours − s
        surprise_weight, rate, noise_sd, relax_rate, aspiration_rate, neighbour_weight = self._move_constants(
            p["surprise_weight"], p["satisfaction_rate"], p["satisfaction_noise"], p["motivation_relax_rate"],
            p["aspiration_rate"], p["neighbour_weight"])
        motivation_gap, experience_gap, social = gaps
        change = np.multiply(experience_gap, surprise_weight)
        np.add(x, change, out=change)
        change += self.disposition
        change -= s
        change *= rate
        # each gap times its weight, a row at a time with 0-d weights (a (3, 1) column would be broadcast
        # through numpy's buffers, which costs more than the products; the same products)
        motivation_gap *= relax_rate
        experience_gap *= aspiration_rate
        social *= neighbour_weight
        social += change
        moved += gaps  # m += rate_m·(m0 − m); a += rate_a·(x − a); s += change + weight·(neighbours − s)
        if p["satisfaction_noise"] > 0:
            # rng.normal(0, σ, n) is 0 + σ·z of the same standard normal draws z: the same numbers
            # (0 + σ·z = σ·z unless σ·z is −0, i.e. a draw of exactly 0), from numpy's faster fill loop
            noise = rng.standard_normal(out=change)
            noise *= noise_sd
            s += noise
