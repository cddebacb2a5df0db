"""The fast paths of the weekly reporters, the households' rules and the rationing give numpy's own
results bit for bit, so a faster week never moves a number a researcher has already published (the
fingerprints check whole runs; these check the building blocks on inputs the runs rarely produce:
ties, one or two values, all zeros, NaN, −0)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from agents.households import _row_products, sigmoid, sums_by_household
from model.arrays import Constants, clip, clip_unit
from model.arrays import constant as zero_d
from model.domains import DOMAINS
from model.issues import LATENT, OPEN
from model.model import CoGovernanceModel
from model.rationing import smallest, smallest_by_block
from model.reporters import REPORTERS
from model.space import SocialNetwork, StreetLayout
from model.statistics import (
    gini,
    mean,
    moran_of_mask,
    morans_i_by_building,
    percentile_linear,
    share,
    sorted_unit,
)

finite = st.floats(min_value=0.0, max_value=600.0, allow_nan=False, allow_infinity=False)
values = arrays(np.float64, st.integers(1, 300), elements=finite)
weeks = arrays(np.float64, st.integers(1, 300), elements=st.integers(0, 200).map(float))


def _bits(x: float) -> bytes:
    return np.float64(x).tobytes()


@settings(max_examples=300, deadline=None)
@given(st.one_of(values, weeks), st.sampled_from([0, 10, 50, 90, 99, 100, 12.5]))
def test_percentile_matches_numpy_bit_for_bit(x: np.ndarray, q: float) -> None:
    before = x.copy()
    assert _bits(percentile_linear(x, q)) == _bits(np.percentile(x, q))
    assert np.array_equal(x, before)  # the input is not reordered


@settings(max_examples=200, deadline=None)
@given(values)
def test_mean_share_and_gini_match_the_plain_numpy_forms(x: np.ndarray) -> None:
    assert _bits(mean(x)) == _bits(x.mean())
    assert _bits(mean(x[::3])) == _bits(x[::3].mean())  # strided views too
    mask = x > 300.0
    assert _bits(mean(mask)) == _bits(mask.mean()) and _bits(share(mask)) == _bits(mask.mean())
    s = np.sort(x)
    n = x.size
    plain = 0.0 if x.sum() == 0 else float(((2.0 * np.arange(1, n + 1) - n - 1) * s).sum() / (n * s.sum()))
    assert _bits(gini(x)) == _bits(plain)


unit_values = st.floats(0.0, 1.0) | st.sampled_from([0.0, -0.0, 1.0, 0.5, 1e-300, 1.0 - 2**-53])


@settings(max_examples=200, deadline=None)
@given(arrays(np.float64, st.integers(1, 400), elements=unit_values) | arrays(np.float64, st.integers(16_385, 20_000),
       elements=st.sampled_from([0.0, 0.25, 0.5, 1.0, 0.3333333333333333]), fill=st.floats(0.0, 1.0)))
def test_sorting_values_in_the_unit_interval_gives_numpys_sort(x: np.ndarray) -> None:
    """The Gini's sort of satisfaction (radix by fixed-point key, then a stable sort) is np.sort's, for
    one and two key passes (up to 16,384 values and above), heavy ties and values a key cannot tell apart."""
    assert (sorted_unit(x) + 0.0).tobytes() == (np.sort(x) + 0.0).tobytes()  # −0 and 0 are equal: either order
    assert _bits(gini(x, unit=True)) == _bits(gini(x))


@settings(max_examples=150, deadline=None)
@given(st.sampled_from([(1, 6, 8, 40), (2, 5, 10, 3), (20, 3, 7, 9), (3, 1, 1, 1), (17, 1, 2, 1)]),
       st.integers(0, 2**31), st.sampled_from(["normal", "zeros", "negative zeros", "nan"]))
def test_sums_by_building_grid_and_community_are_bincounts_bit_for_bit(layout: tuple, seed: int, kind: str) -> None:
    """Block sums (a transposed copy added row by row) give np.bincount's sums, −0 and NaN included."""
    lay = StreetLayout(*layout)
    rng = np.random.default_rng(seed)
    v = rng.standard_normal(lay.n_households) * np.exp(rng.uniform(-30, 30, lay.n_households))
    if kind == "zeros":
        v[rng.random(v.size) < 0.8] = 0.0
    elif kind == "negative zeros":
        v[rng.random(v.size) < 0.8] = -0.0
    elif kind == "nan":
        v[rng.random(v.size) < 0.05] = np.nan
    for sums, group_of, n in ((lay.per_building, lay.building_of, lay.n_buildings),
                              (lay.per_grid, lay.grid_of, lay.n_grids),
                              (lay.per_community, lay.community_of, lay.n_communities)):
        assert sums(v).tobytes() == np.bincount(group_of, weights=v, minlength=n).tobytes()
    mask = v > 0  # counts of marked households by compound: what per_grid of the mask as floats gives
    assert lay.count_per_grid(mask).tobytes() == lay.per_grid(mask.astype(np.float64)).tobytes()


def test_gini_and_mean_edge_cases() -> None:
    assert gini(np.zeros(5)) == 0.0 and gini(np.zeros(0)) == 0.0
    assert gini(np.array([0.0, 0.0, 1.0])) == pytest.approx(2 / 3)
    assert np.isnan(mean(np.zeros(0)))


def test_morans_i_with_known_weights_equals_computing_them() -> None:
    rng = np.random.default_rng(4)
    building = np.repeat(np.arange(30), 8)
    x = (rng.random(building.size) < 0.3).astype(np.float64)
    sizes = np.bincount(building).astype(np.float64)
    w_total = float((sizes * (sizes - 1)).sum())
    assert _bits(morans_i_by_building(x, building, 30, w_total)) == _bits(morans_i_by_building(x, building, 30))
    clustered = np.repeat((np.arange(30) % 2).astype(np.float64), 8)
    assert morans_i_by_building(clustered, building, 30) == pytest.approx(1.0)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 40), st.floats(0.0, 1.3)), min_size=1, max_size=12), st.integers(0, 2**31),
       st.booleans())
def test_rationing_many_communities_at_once_takes_what_each_takes_alone(blocks: list, seed: int, ties: bool) -> None:
    """With many crowded communities the quotas are found by one threshold per community and one comparison
    (`smallest_by_block`): the same households as the first quota of a stable argsort in each community."""
    rng = np.random.default_rng(seed)
    sizes = np.array([b[0] for b in blocks])
    bounds = np.concatenate([[0], np.cumsum(sizes)]).astype(np.intp)
    key = rng.choice([0.1, 0.2, 0.5], bounds[-1]) if ties else rng.random(bounds[-1])
    quota = np.floor(sizes * np.array([b[1] for b in blocks]))
    crowded = (sizes > quota).nonzero()[0]
    expected = np.ones(key.size, dtype=bool)
    for c in crowded:
        block = np.zeros(sizes[c], dtype=bool)
        block[key[bounds[c]:bounds[c + 1]].argsort(kind="stable")[: int(quota[c])]] = True
        expected[bounds[c]:bounds[c + 1]] = block
    assert np.array_equal(smallest_by_block(key, bounds, quota, crowded), expected)


def test_a_run_records_what_each_reporter_reports_alone() -> None:
    """A run computes its reporters for chunks of weeks at once (`model.weekly_record`): the last week's
    values have the bits of calling each reporter by itself then, in a full run and in one that records
    only some of them."""
    model = CoGovernanceModel("co_governance_full", seed=5, n_communities=2)
    model.run(14)
    frame = model.datacollector.get_model_vars_dataframe()
    for name, reporter in REPORTERS.items():
        assert _bits(frame[name].iloc[-1]) == _bits(reporter(model)), name
        assert type(frame[name].iloc[-1].item()) is type(reporter(model)), name
    model.remove()
    few = CoGovernanceModel("co_governance_full", seed=5, n_communities=2, record=["quality_care", "issues_open"])
    few.run(14)
    kept = few.datacollector.get_model_vars_dataframe()
    assert list(kept.columns) == ["issues_open", "quality_care"]
    for name in kept.columns:
        assert kept[name].tolist() == frame[name].tolist()
    few.remove()


@settings(max_examples=200, deadline=None)
@given(st.sampled_from([(1, 6, 8, 40), (2, 3, 2, 5), (1, 1, 3, 2)]), st.floats(0.0, 1.0), st.integers(0, 2**31))
def test_morans_i_of_a_mask_from_building_counts_is_morans_i(layout: tuple, share: float, seed: int) -> None:
    """Participation's Moran's I from counts by building is the statistic summed over households (to the
    last bits: the sums are ordered differently); no variance (nobody or everybody) gives 0."""
    lay = StreetLayout(*layout)
    mask = np.random.default_rng(seed).random(lay.n_households) < share
    w_total = float(lay.n_buildings * lay.households_per_building * (lay.households_per_building - 1))
    summed = morans_i_by_building(mask.astype(np.float64), lay.building_of, lay.n_buildings)
    assert moran_of_mask(mask, lay, w_total) == pytest.approx(summed, rel=1e-9, abs=1e-14)
    for constant in (np.zeros(lay.n_households, dtype=bool), np.ones(lay.n_households, dtype=bool)):
        assert moran_of_mask(constant, lay, w_total) == 0.0


@settings(max_examples=300, deadline=None)
@given(arrays(np.float64, st.integers(1, 200), elements=st.sampled_from([0.1, 0.2, 0.3, 0.5, 0.9])),
       st.integers(0, 210))
def test_rationing_takes_what_a_stable_sort_takes_first(key: np.ndarray, q: int) -> None:
    """The model's rationing picks the q smallest keys (ties by position) without sorting: the same
    households as the first q of a stable argsort (heavy ties here, on purpose)."""
    expected = np.zeros(key.size, dtype=bool)
    expected[key.argsort(kind="stable")[:q]] = True
    assert np.array_equal(smallest(key, min(q, key.size)), expected)


@settings(max_examples=100, deadline=None)
@given(st.integers(0, 2**31), st.sampled_from([0.0, 0.5, -1.5]), st.sampled_from([0.0, -0.0, 0.3]))
def test_decision_probabilities_equal_their_plain_formulas_bit_for_bit(seed: int, reward: float, delta: float
                                                                        ) -> None:
    """Reporting, taking part and paying the fee are built from their negated terms (one pass fewer): the
    same bits as σ of the formula written out."""
    model = CoGovernanceModel("baseline", seed=1, n_communities=1, warmup_weeks=0)
    hh, rng = model.households, np.random.default_rng(seed)
    p = dict(model.p)
    for name in [k for k in p if k.startswith(("report_", "part_", "pay_")) and isinstance(p[k], float)]:
        p[name] = float(rng.choice([0.0, rng.normal(0.0, 2.0)]))
    for x in (hh.trust_community, hh.trust_property, hh.efficacy, hh.motivation):
        x[: x.size // 4] = rng.choice([0.0, 1.0, 0.5], x.size // 4)
    nbr, mob, quality, paid = (rng.random(hh.n) for _ in range(4))

    def plain_sigmoid(z: np.ndarray) -> np.ndarray:
        return 1.0 / (1.0 + np.exp(-z))

    z = (p["report_base"] + p["report_trust_weight"] * hh.trust_community + p["report_efficacy_weight"] * hh.efficacy
         - p["report_cost_weight"] * 0.7 + p["report_points_weight"] * reward)
    assert hh.report_probability(p, 0.7, reward).tobytes() == plain_sigmoid(z).tobytes()
    some = np.concatenate([rng.integers(0, hh.n, 40), [0, 0, hh.n - 1]])  # repeats, as latent issues' households
    assert hh.report_probability(p, 0.7, reward, some).tobytes() == plain_sigmoid(z)[some].tobytes()
    z = (p["part_motivation_weight"] * hh.motivation + p["part_base"] + p["part_efficacy_weight"] * hh.efficacy
         + p["part_trust_weight"] * hh.trust_community + p["social_influence"] * nbr
         + p["part_party_weight"] * hh.party_member * mob + p["part_reward_weight"] * reward
         - hh.participation_cost(p) - delta)
    assert hh.participation_probability(p, nbr, mob, reward, delta).tobytes() == plain_sigmoid(z).tobytes()
    both = hh.participation_probabilities(p, nbr, mob, reward, (delta, delta + 0.3))
    assert both[0].tobytes() == plain_sigmoid(z).tobytes()
    assert both[1].tobytes() == hh.participation_probability(p, nbr, mob, reward, delta + 0.3).tobytes()
    w = p["pay_trust_weight"]
    z = (p["pay_base"] + p["pay_satisfaction_weight"] * (w * hh.trust_property + (1.0 - w) * quality - 0.5)
         + p["pay_neighbour_weight"] * (paid - 0.85) + reward)
    assert hh.pay_probability(p, quality, paid, reward).tobytes() == plain_sigmoid(z).tobytes()
    model.remove()


def test_phase_9_moves_motivation_aspiration_and_satisfaction_as_the_plain_expressions() -> None:
    """Motivation, aspiration and satisfaction move in one stacked pass (`Households._move_satisfaction`):
    the bits of the rules written one array at a time, motivation unclipped, the others clipped."""
    model = CoGovernanceModel("baseline", seed=4, n_communities=2)
    model.run(3)
    hh, p = model.households, model.p
    hh.motivation = np.linspace(0.0, 1.2, hh.n)  # out of [0, 1]: relaxing must not clip it
    m, m0, a, s = (hh.motivation.copy(), hh.motivation0.copy(), hh.aspiration.copy(), hh.satisfaction.copy())
    x, nbr = hh.experience.copy(), hh.neighbour_satisfaction.copy()
    rng_state = model.rng.bit_generator.state  # the draws the rule will make
    noise = model.rng.normal(0.0, p["satisfaction_noise"], hh.n)
    model.rng.bit_generator.state = rng_state
    target = x + p["surprise_weight"] * (x - a) + hh.disposition
    s_new = s + (p["satisfaction_rate"] * (target - s) + p["neighbour_weight"] * (nbr - s)) + noise
    a_new = a + p["aspiration_rate"] * (x - a)
    m_new = m + p["motivation_relax_rate"] * (m0 - m)
    hh.update_attitudes(p, model.rng)
    assert hh.motivation.tobytes() == m_new.tobytes() and hh.motivation.max() > 1.0
    assert hh.aspiration.tobytes() == clip(a_new, 0.0, 1.0).tobytes()
    assert hh.satisfaction.tobytes() == clip(s_new, 0.0, 1.0).tobytes()
    model.remove()


def test_weighted_quality_by_building_equals_the_per_household_sum() -> None:
    model = CoGovernanceModel("old_compound", seed=3, n_communities=2)
    model.run(3)
    hh = model.households
    per_household = np.einsum("ij,ij->i", hh._age_weights, model.service_quality.by_household())
    fast = hh.weighted_quality(model.service_quality.by_building(), model.layout.building_of)
    assert per_household.tobytes() == fast.tobytes()
    model.remove()


@settings(max_examples=200, deadline=None)
@given(st.integers(1, 400), st.integers(1, 4), st.integers(1, 9), st.integers(0, 2**31), st.booleans())
def test_row_products_are_the_einsum_of_repeated_rows_bit_for_bit(m: int, r: int, k: int, seed: int,
                                                                   zeros: bool) -> None:
    """The (building, age group) table of `Households.weighted_quality` has the bits of the einsum over
    every building's row repeated for each age group (the form it replaced)."""
    rng = np.random.default_rng(seed)
    a, b = rng.random((m, k)), rng.normal(size=(r, k))
    if zeros:
        a[:, rng.integers(k)] = 0.0
    expected = np.einsum("ij,ij->i", a.repeat(r, axis=0), np.tile(b, (m, 1)))
    table = _row_products(a, b)
    assert table.shape == (m, r) and table.flags.c_contiguous
    assert table.reshape(-1).tobytes() == expected.tobytes()


@settings(max_examples=100, deadline=None)
@given(st.lists(st.integers(0, 29_999), min_size=1, max_size=400), st.integers(0, 2**31))
def test_sums_by_household_are_bincounts_bit_for_bit(households: list[int], seed: int) -> None:
    h = np.array(households, dtype=np.int64)
    w = np.random.default_rng(seed).normal(size=h.size)
    hit, total, count = sums_by_household(h, w, 30_000)  # few among many: summed over those present
    full_count = np.bincount(h, minlength=30_000)
    expected = full_count.nonzero()[0]
    assert np.array_equal(hit, expected) and np.array_equal(count, full_count[expected])
    assert total.tobytes() == np.bincount(h, weights=w, minlength=30_000)[expected].tobytes()


def test_shared_subgroup_values_equal_each_group_computed_alone() -> None:
    """Reporters that share one pass over the households (subgroup means and shares, issue counts,
    quality by domain, hotline sums) report what each value computed on its own gives."""
    model = CoGovernanceModel("co_governance_full", seed=2, n_communities=2)
    model.run(9)
    hh, groups = model.households, [np.flatnonzero(model.households.age_group == g) for g in range(3)]
    groups += [np.flatnonzero(hh.owner), np.flatnonzero(~hh.owner)]
    names = ["youth", "working", "retired", "owners", "renters"]
    for name, idx in zip(names, groups, strict=True):
        assert _bits(REPORTERS[f"satisfaction_{name}"](model)) == _bits(hh.satisfaction[idx].mean())
        assert _bits(REPORTERS[f"participation_{name}"](model)) == _bits(model.active_mask[idx].mean())
    for d, domain in enumerate(DOMAINS):
        assert _bits(REPORTERS[f"quality_{domain}"](model)) == _bits(model.quality[:, d].mean())
    assert REPORTERS["issues_open"](model) == model.issues.count(OPEN)
    assert REPORTERS["issues_latent"](model) == model.issues.count(LATENT)
    log = model.hotline_log
    for column, name in ((1, "hotline_resolution_rate"), (2, "hotline_satisfaction_rate")):
        assert _bits(REPORTERS[name](model)) == _bits(log[:, column].sum() / log[:, 0].sum())
    model.remove()


@settings(max_examples=200, deadline=None)
@given(arrays(np.float64, st.integers(1, 400), elements=st.floats(-2.0, 3.0, allow_subnormal=True)
              | st.sampled_from([np.nan, -0.0, 0.0, 1.0])))
def test_clip_and_sigmoid_are_numpys_bit_for_bit(x: np.ndarray) -> None:
    assert clip(x, 0.0, 1.0).tobytes() == np.clip(x, 0.0, 1.0).tobytes()
    y = x.copy()
    clip(y, 0.0, 1.0, out=y)
    assert y.tobytes() == np.clip(x, 0.0, 1.0).tobytes()
    with np.errstate(over="ignore"):
        plain = 1.0 / (1.0 + np.exp(-x))
        assert sigmoid(x).tobytes() == plain.tobytes()
        assert sigmoid(x.copy(), out=y).tobytes() == plain.tobytes()


@settings(max_examples=200, deadline=None)
@given(arrays(np.float64, st.integers(1, 60), elements=st.floats(-1e6, 1e6, allow_subnormal=True)
              | st.sampled_from([np.nan, np.inf, -0.0, 0.0, 1.0])),
       st.floats(-1e6, 1e6, allow_subnormal=True) | st.sampled_from([0.0, -0.0, 1.0, 0.5, np.nan]))
def test_constant_operands_give_the_bits_of_python_floats(x: np.ndarray, value: float) -> None:
    """A 0-d array made by `constant` is the same float64 operand as the Python float, in every ufunc the
    rules pass one to (in place and not, either side); clip_unit is clip to [0, 1]."""
    c = zero_d(value)
    with np.errstate(all="ignore"):
        for ufunc in (np.add, np.subtract, np.multiply, np.divide, np.minimum, np.less_equal, np.greater):
            assert ufunc(x, c).tobytes() == ufunc(x, value).tobytes()
            assert ufunc(c, x).tobytes() == ufunc(value, x).tobytes()
            if ufunc(x, value).dtype == x.dtype:
                y = x.copy()
                ufunc(y, c, out=y)
                assert y.tobytes() == ufunc(x, value).tobytes()
        counts = np.arange(x.size, dtype=np.uint8)
        assert np.divide(counts, c, dtype=np.float64).tobytes() == np.divide(counts, value, dtype=np.float64).tobytes()
        assert np.multiply(counts.astype(np.int64), c).tobytes() == np.multiply(counts.astype(np.int64), value).tobytes()
    assert clip_unit(x).tobytes() == np.clip(x, 0.0, 1.0).tobytes()
    assert c.shape == () and not c.flags.writeable


def test_constants_follow_their_values() -> None:
    """`Constants` makes new arrays whenever a value changes (a parameter changed mid-run is used)."""
    constants = Constants()
    first = constants(1.0, 2.0)
    assert [float(c) for c in first] == [1.0, 2.0] and constants(1.0, 2.0) is first
    assert [float(c) for c in constants(1.0, 3.0)] == [1.0, 3.0]
    assert [float(c) for c in constants(1.0)] == [1.0]
    nan = constants(float("nan"))[0]
    assert np.isnan(nan) and [float(c) for c in constants(0.5)] == [0.5]


def test_rules_use_parameters_changed_mid_run() -> None:
    """The households' rules and the volunteer lift keep their scalar parameters as 0-d arrays between
    weeks (`Constants`): a researcher who changes a parameter mid-run gets the rule with the new value,
    the bits of the formula written out with it."""
    model = CoGovernanceModel("baseline", seed=5, n_communities=1)
    model.run(2)
    hh, p = model.households, model.p
    rng = np.random.default_rng(5)
    nbr, mob = rng.random(hh.n), np.zeros(hh.n)
    for _ in range(4):
        for name in ("report_base", "part_base", "social_influence", "surprise_weight", "satisfaction_rate",
                     "satisfaction_noise", "pending_penalty", "resolved_bonus", "trust_weight_in_experience",
                     "volunteer_productivity", "volunteer_effect_max"):
            p[name] = float(rng.uniform(0.01, 0.5))
        z = (p["report_base"] + p["report_trust_weight"] * hh.trust_community
             + p["report_efficacy_weight"] * hh.efficacy - p["report_cost_weight"] * 0.7)
        assert hh.report_probability(p, 0.7, 0.0).tobytes() == (1.0 / (1.0 + np.exp(-z))).tobytes()
        z = (p["part_motivation_weight"] * hh.motivation + p["part_base"] + p["part_efficacy_weight"] * hh.efficacy
             + p["part_trust_weight"] * hh.trust_community + p["social_influence"] * nbr - hh.participation_cost(p))
        assert hh.participation_probability(p, nbr, mob, 0.0, 0.0).tobytes() == (1.0 / (1.0 + np.exp(-z))).tobytes()
        quality = model.service_quality.by_building()
        tw = p["trust_weight_in_experience"]
        x = (hh.weighted_quality(quality, model.layout.building_of) * (1.0 - tw) + tw * hh.trust_community
             - p["pending_penalty"] * np.minimum(hh.pending_old, p["pending_count_cap"])
             + (p["resolved_bonus"] * np.minimum(hh.resolved_recent, p["resolved_count_cap"]) + hh.project_benefit))
        assert hh.update_experience(quality, model.layout.building_of, p).tobytes() == x.tobytes()
        top, k = p["volunteer_effect_max"], p["volunteer_productivity"]
        hours = model.volunteer_hours_grid / model.layout.households_per_grid
        lift = top * (1.0 - np.exp(np.outer(hours, model.service_quality._volunteer_shares()) * -k / top))
        assert model.service_quality._volunteer_service().tobytes() == lift.tobytes()
        a, s, x, n = hh.aspiration.copy(), hh.satisfaction.copy(), hh.experience.copy(), hh.neighbour_satisfaction
        state = model.rng.bit_generator.state  # the draws the rule will make
        noise = model.rng.normal(0.0, p["satisfaction_noise"], hh.n)
        model.rng.bit_generator.state = state
        target = x + p["surprise_weight"] * (x - a) + hh.disposition
        s_new = s + (p["satisfaction_rate"] * (target - s) + p["neighbour_weight"] * (n - s)) + noise
        hh.update_attitudes(p, model.rng)
        assert hh.satisfaction.tobytes() == np.clip(s_new, 0.0, 1.0).tobytes()
        model.step()
    model.remove()


@pytest.mark.parametrize("k", [0, 1, 4, 7, 9])
def test_neighbour_share_of_a_mask_is_the_neighbour_mean_of_its_zeros_and_ones(k: int) -> None:
    """Also for two masks at once (`neighbour_counts`: a mask and its intersection with another)."""
    rng = np.random.default_rng(k)
    network = SocialNetwork(StreetLayout(2, 3, 2, 5), k, rng)
    for p in (0.0, 0.1, 0.5, 1.0):
        mask = rng.random(network.layout.n_households) < p
        assert network.neighbour_share(mask).tobytes() == network.neighbour_mean(mask.astype(np.float64)).tobytes()
        for q in (0.0, 0.3, 1.0):
            subset = rng.random(mask.size) < q
            counts = network.neighbour_counts(mask, subset)
            degree = max(network.degree, 1)
            assert np.divide(counts[0], degree).tobytes() == network.neighbour_share(mask).tobytes()
            assert np.divide(counts[1], degree).tobytes() == network.neighbour_share(mask & subset).tobytes()


@pytest.mark.parametrize("k", [0, 1, 4, 7, 9])
def test_neighbour_mean_is_the_plain_mean_over_each_households_neighbours(k: int) -> None:
    """Building mates plus interest ties, summed as `values[ties].sum(axis=1)` plus the building's other
    households: the fast form gives the same bits for every k (below 8 ties and from 8 on)."""
    layout = StreetLayout(2, 2, 3, 5)
    network = SocialNetwork(layout, k, np.random.default_rng(k))
    values = np.random.default_rng(10 + k).random(layout.n_households)
    building = np.bincount(layout.building_of, weights=values)[layout.building_of] - values
    plain = (building + values[network.ties].sum(axis=1)) / max(network.degree, 1)
    assert network.neighbour_mean(values).tobytes() == plain.tobytes()


def test_role_model_share_from_its_table_is_the_array_expression() -> None:
    """The Party role model's weighted share of active neighbours, looked up by the two neighbour counts,
    has the bits of (s + w·b) / (1 + w·b) computed over the households' arrays."""
    model = CoGovernanceModel("co_governance_full", seed=3, n_communities=1)
    rng = np.random.default_rng(3)
    seen = rng.random(model.households.n) < 0.3
    party = model.households.party_member
    count, party_count = model.network.neighbour_counts(seen, party)
    for weight in (0.5, 3.0, 17.3):
        table = model.network.role_model_table(weight)
        looked_up = table.take(count.astype(np.intp) * table.shape[1] + party_count)
        share, extra = model.network.neighbour_share(seen), model.network.neighbour_share(seen & party)
        extra *= weight
        assert looked_up.tobytes() == (np.add(share, extra) / (extra + 1.0)).tobytes()
        assert model.network.role_model_share(seen, party, weight).tobytes() == looked_up.tobytes()
