"""ABC-SMC (Beaumont et al. 2009; Toni et al. 2009; as in pyabc, Schälte et al. 2022), batch-synchronous so
that the posterior is the same, bit for bit, for any number of workers.

- Generation 0 draws ``population`` particles from the prior (joint constraints respected) and accepts
  every one whose runs produce all observed numbers. Its runs also give each observation's seed spread.
- Generation t ≥ 1: tolerance ε_t = weighted ``quantile`` of generation t − 1's distances. Proposals pick
  an ancestor by weight and perturb it with a multivariate normal kernel whose covariance is twice the
  weighted covariance of generation t − 1; proposals outside the prior's support or the joint
  constraints are redrawn (up to 100 times, then counted as rejected without a run). A proposal is
  accepted when its distance ≤ ε_t; its weight is prior(θ) / Σ_j w_j K(θ | θ_j).
- Distance: √Σ ((mean of the particle's runs − observed) / σ)² over the fitted observations, with
  σ² = sd² (the observation's) + s² (the model's seed-to-seed variance of that number, pooled over
  generation 0's particles). A run that leaves an observed number undefined gives distance ∞.
- Reproducible in parallel: every random number of generation t, batch b comes from
  ``SeedSequence(seed, spawn_key=(t, b))`` (proposals, then model seeds), fixed before any run starts;
  runs are evaluated in any order, acceptance is decided in proposal order, and the first
  ``population`` accepted are kept. Batch sizes depend only on earlier results. A batch ends at the
  particle that completes the population (`WorkerPool.starmap_until`): particles are handed out in proposal
  order, at most ``lookahead`` past the oldest unfinished one, so the particles that may have been handed out
  (and are charged to the budget) are the same for any workers; the rest are never handed out. Each
  generation is written atomically (`generations.write_generation`); resuming continues at the first missing one.
- Early rejection (`distance.EarlyRejection`): in generations t ≥ 1 a particle's runs stop after the first
  observed week at which the observations known so far already exceed ε_t; exact (the same particles are
  accepted), and a stopped run still counts one run of the budget, so batch sizes do not change.
- Stops at ``max_generations``, when ε ≤ ``min_tolerance``, when a generation accepts less than
  ``min_acceptance_rate``, or when the simulation budget is spent. A generation starts only if the budget
  left would give it at least a final population's worth (below) at the acceptance rate expected of it
  (`expected_acceptance`: the previous generation's, times the fall from the one before), so the last
  generation uses the budget. If the budget runs out before it has the whole population, the particles it accepted (in proposal order, from every proposal considered) are
  kept as a smaller final population with the usual importance weights, provided they are at least
  ``MIN_FINAL_SHARE`` of the population and ``MIN_FINAL_PARTICLES``; it is abandoned (its runs not kept) as soon as the rate seen says
  it cannot reach that many. The budget is never exceeded, not even within a generation.
"""

from __future__ import annotations

import math
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from experiments.calibration.distance import EarlyRejection, distances, particle_means
from experiments.calibration.generations import (
    GENERATIONS_DIR,
    AbcResult,
    Generation,
    read_budget_stop,
    weighted_cov,
    weighted_quantile,
    write_budget_stop,
    write_generation,
)
from experiments.calibration.simulate import simulate_particle
from experiments.calibration.spec import CalibrationSpec
from experiments.worker_pool import WorkerPool
from model.errors import UserError

__all__ = [
    "run_abc", "MAX_TRIES", "MIN_FINAL_PARTICLES", "MIN_FINAL_SHARE", "RETRIES", "min_final_population",
    "expected_acceptance",
]

MAX_TRIES = 100
#: a model run that raises (or whose worker dies) is run again this many times before the calibration stops
RETRIES = 1
MIN_SIGMA = 1e-9
#: a generation the budget cuts short is kept (as a smaller final population) if it accepted this share of the
#: population and at least MIN_FINAL_PARTICLES; with fewer it is not kept and the previous generation is the
#: posterior. 20 particles: the 5 % and 95 % quantiles of a 90 % interval then have one particle beyond each
#: on average (a population smaller than 20 is never replaced by a cut-short one).
MIN_FINAL_SHARE = 0.5
MIN_FINAL_PARTICLES = 20


def min_final_population(population: int) -> int:
    """The fewest accepted particles a generation cut short by the budget keeps as the final population (at most the
    population itself: then a generation cut short is never kept)."""
    return min(population, max(MIN_FINAL_PARTICLES, math.ceil(MIN_FINAL_SHARE * population)))


def expected_acceptance(gens: list[Generation], quantile: float) -> float:
    """The acceptance rate the start rule expects of the generation after ``gens``: the last one's, times the
    fall from the one before (rates fall as the tolerance shrinks). Generation 0 keeps every particle, so
    it counts as ``quantile`` (a draw from generation 0 itself passes the next tolerance with about that
    probability)."""
    rates = [min(g.acceptance_rate, quantile) if g.index == 0 else g.acceptance_rate for g in gens[-2:]]
    if len(rates) == 1:
        return rates[0]
    return rates[1] * min(1.0, rates[1] / max(rates[0], 1e-9))


def _kernel_cholesky(prev: Generation, prior_var: np.ndarray) -> np.ndarray:
    cov = 2.0 * weighted_cov(prev.particles, prev.weights)
    # a parameter that collapsed onto one value would make the kernel singular: keep a sliver of prior spread
    cov = cov + np.diag(np.maximum(prior_var * 1e-8, 1e-300))
    return np.linalg.cholesky(cov)


def _kernel_mixture(theta: np.ndarray, prev: Generation, chol: np.ndarray) -> np.ndarray:
    """Σ_j w_j N(θ_i; θ_j, Σ) for every row θ_i."""
    d = theta.shape[1]
    diff = theta[:, None, :] - prev.particles[None, :, :]  # (n, N, D)
    z = np.linalg.solve(chol, diff.reshape(-1, d).T).T.reshape(diff.shape)
    log_norm = -0.5 * d * math.log(2 * math.pi) - float(np.sum(np.log(np.diag(chol))))
    dens = np.exp(log_norm - 0.5 * np.sum(z * z, axis=2))  # (n, N)
    return dens @ prev.weights


# --------------------------------------------------------------------------- the sampler


class _Completes:
    """Called on a batch's particles in proposal order: true at the one that completes the population."""

    def __init__(self, need: int, distance: Callable[[np.ndarray], float], tolerance: float) -> None:
        self.need, self.distance, self.tolerance, self.accepted = need, distance, tolerance, 0

    def __call__(self, row: int, values: np.ndarray) -> bool:
        self.accepted += bool(self.distance(values) <= self.tolerance)
        return self.accepted == self.need


class _Sampler:
    def __init__(self, spec: CalibrationSpec, out: Path, pool: WorkerPool | None, progress: bool,
                 early_rejection: bool = True) -> None:
        self.spec, self.out, self.pool, self.progress = spec, out, pool, progress
        self.early_rejection = early_rejection
        self.method = spec.method
        self.names = spec.names
        self.priors = [p.prior for p in spec.parameters]
        self.prior_var = np.array([float(pr.variance()) for pr in self.priors])
        obs = spec.observations
        self.targets = tuple((m, int(w), int(n)) for m, w, n in zip(obs["metric"], obs["week"], obs["window"], strict=True))
        self.observed = obs["value"].to_numpy(dtype=float)
        self.obs_sd = obs["sd"].to_numpy(dtype=float)
        self.fitted = obs["fitted"].to_numpy(dtype=bool)
        self.obs_week = obs["week"].to_numpy(dtype=int)
        self.base = {**spec.scenario_params, **spec.fixed}
        self.bar: Any = None
        self.on_runs: Callable[[int], None] | None = None

    # -- priors and constraints
    def prior_pdf(self, theta: np.ndarray) -> np.ndarray:
        dens = np.ones(theta.shape[0])
        for j, pr in enumerate(self.priors):
            dens = dens * np.asarray(pr.pdf(theta[:, j]), dtype=float)
        return dens

    def overrides(self, theta: np.ndarray) -> dict[str, Any]:
        values = {p.name: p.model_value(x) for p, x in zip(self.spec.parameters, theta, strict=True)}
        return {**self.spec.fixed, **values}

    def allowed(self, theta: np.ndarray) -> bool:
        from model.model import check_consistency

        if self.prior_pdf(theta[None, :])[0] <= 0.0:
            return False
        try:
            check_consistency({**self.base, **self.overrides(theta)}, "proposal")
        except UserError:
            return False
        return True

    # -- proposals
    def propose(self, rng: np.random.Generator, n: int, prev: Generation | None,
                chol: np.ndarray | None) -> tuple[np.ndarray, np.ndarray]:
        """n proposals (rows) and whether each is valid (found within MAX_TRIES draws)."""
        d = len(self.names)
        theta = np.full((n, d), np.nan)
        valid = np.zeros(n, dtype=bool)
        for i in range(n):
            for _ in range(MAX_TRIES):
                if prev is None:
                    cand = np.array([float(pr.draw(rng)) for pr in self.priors])
                else:
                    j = rng.choice(len(prev.weights), p=prev.weights)
                    cand = prev.particles[j] + chol @ rng.standard_normal(d)
                if self.allowed(cand):
                    theta[i], valid[i] = cand, True
                    break
        return theta, valid

    # -- runs
    def evaluate(self, theta: np.ndarray, valid: np.ndarray, seeds: np.ndarray,
                 early: EarlyRejection | None = None,
                 enough: Callable[[int, np.ndarray], bool] | None = None) -> tuple[np.ndarray, int, int, int, int]:
        """The runs of the valid proposals (its seeds side by side, one task a particle): (n, k, M) values
        (NaN rows for invalid proposals, for particles stopped early, certainly rejected, and for proposals
        after the end), the weeks simulated after the warm-up (of the particles up to the end), how many of
        those stopped early, how many particles were handed to the workers (charged to the budget), and how
        many of these came after the end.

        With ``enough(row, values)``, called in proposal order, the batch ends at the first row for which it
        is true: the particles before that row + ``method.lookahead`` may have been handed out
        (`WorkerPool.starmap_until`), the same number whatever the workers, and they are charged."""
        k = seeds.shape[1]
        rows = np.flatnonzero(valid)
        calls = [(self.spec.scenario, tuple(int(x) for x in seeds[i]), self.spec.weeks, self.overrides(theta[i]),
                  self.targets, early) for i in rows]
        assert self.pool is not None

        def progress(_call: int) -> None:
            if self.bar is not None:
                self.bar.update(k)
            if self.on_runs is not None:
                self.on_runs(k)

        if enough is None:
            done, handed = self.pool.starmap(simulate_particle, calls, retries=RETRIES, on_done=progress), len(calls)
        else:
            done, handed = self.pool.starmap_until(
                simulate_particle, calls, lambda c, result: enough(int(rows[c]), result[0]),
                lookahead=self.method.lookahead, retries=RETRIES, on_done=progress)
        out = np.full((len(theta), k, len(self.targets)), np.nan)
        weeks = stopped = 0
        for i, (values, ran) in zip(rows, done, strict=False):
            out[i] = values
            weeks += k * int(ran)
            stopped += int(ran) < self.spec.weeks
        return out, weeks, stopped, handed, handed - len(done)

    def distance(self, stats: np.ndarray, sigma: np.ndarray) -> np.ndarray:
        return distances(stats, self.observed, sigma, self.fitted)

    def batch_streams(self, g: int, b: int, n: int) -> tuple[np.random.Generator, np.ndarray]:
        proposals, model_seeds = np.random.SeedSequence(self.spec.seed, spawn_key=(g, b)).spawn(2)
        k = self.method.seeds_per_particle
        seeds = (model_seeds.generate_state(n * k, np.uint64) >> np.uint64(1)).astype(np.int64).reshape(n, k)
        return np.random.Generator(np.random.PCG64(proposals)), seeds

    # -- generations
    def generation_zero(self, budget: int) -> Generation | None:
        started = time.perf_counter()
        n, k = self.method.population, self.method.seeds_per_particle
        if budget < n * k:
            return None
        rng, seeds = self.batch_streams(0, 0, n)
        theta, valid = self.propose(rng, n, None, None)
        if not valid.all():
            raise UserError(
                f"{self.spec.path}: [parameters] the priors and the joint constraints leave (almost) no "
                f"admissible parameter set ({int((~valid).sum())} of {n} prior draws failed {MAX_TRIES} times)"
            )
        runs, run_weeks, _, _, _ = self.evaluate(theta, valid, seeds)
        with np.errstate(invalid="ignore"):
            stats = np.nanmean(runs, axis=1) if k else runs[:, 0]
            per_particle_var = np.nanvar(runs, axis=1, ddof=1)
        incomplete = np.isnan(runs).any(axis=(1, 2))
        seed_var = np.nanmean(np.where(incomplete[:, None], np.nan, per_particle_var), axis=0) if (~incomplete).any() \
            else np.zeros(len(self.targets))
        seed_sd = np.sqrt(np.nan_to_num(seed_var))
        sigma = np.maximum(np.sqrt(self.obs_sd**2 + seed_sd**2), MIN_SIGMA)
        stats = np.where(incomplete[:, None], np.nan, stats)
        dist = self.distance(stats, sigma)
        keep = np.isfinite(dist)
        if not keep.any():
            raise UserError(
                f"{self.spec.observations_file}: no prior draw produced every observed number (a metric that is "
                "undefined, e.g. no resolution in that week, at every observed week)"
            )
        weights = np.where(keep, 1.0, 0.0)
        weights = weights / weights.sum()
        return Generation(
            index=0, tolerance=math.inf, particles=theta[keep], weights=weights[keep], distances=dist[keep],
            stats=stats[keep], seeds=seeds[keep], proposals=n, simulations=n * k, batches=1,
            seconds=time.perf_counter() - started, sigma=sigma, seed_sd=seed_sd, run_weeks=run_weeks,
        )

    def next_generation(self, prev: Generation, g: int, tolerance: float, budget: int,
                        expected: float | None = None) -> tuple[Generation | None, int]:
        """Generation g at ``tolerance``; (None, runs spent) if the budget ran out first, or (None, 0) if the
        budget would not give it a final population at the ``expected`` acceptance rate (default: the
        previous generation's)."""
        started = time.perf_counter()
        n_pop, k = self.method.population, self.method.seeds_per_particle
        chol = _kernel_cholesky(prev, self.prior_var)
        acc_theta: list[np.ndarray] = []
        acc_stats: list[np.ndarray] = []
        acc_dist: list[float] = []
        acc_seeds: list[np.ndarray] = []
        considered = spent = run_weeks = stopped_early = past_full = 0
        b = 0
        early = EarlyRejection(tolerance, self.observed, prev.sigma, self.fitted, self.obs_week) \
            if self.early_rejection and math.isfinite(tolerance) else None
        n_min = min_final_population(n_pop)
        if math.ceil(n_min / max(prev.acceptance_rate if expected is None else expected, 1e-3)) * k > budget:
            return None, 0  # not even a final population at the acceptance rate expected: not started
        while len(acc_theta) < n_pop:
            need = n_pop - len(acc_theta)
            short = n_min - len(acc_theta)
            if considered and short > 0 and \
                    spent + math.ceil(short / max(len(acc_theta) / considered, 1e-3)) * k > budget:
                return None, spent  # not even n_min at the rate seen so far: stop rather than spend it for nothing
            rate = len(acc_theta) / considered if considered else 0.5 * prev.acceptance_rate
            rate = max(rate, 0.01)
            size = int(min(max(math.ceil(1.1 * need / rate), 10, n_pop // 5), 10 * n_pop))
            size = min(size, (budget - spent) // k)
            if size <= 0:
                if len(acc_theta) >= n_min:
                    break  # the budget ran out: what was accepted is the (smaller) final population
                return None, spent
            rng, seeds = self.batch_streams(g, b, size)
            theta, valid = self.propose(rng, size, prev, chol)
            enough = _Completes(need, lambda values: self.distance(particle_means(values[None]), prev.sigma)[0],
                                tolerance)
            runs, weeks, stopped, handed, unused = self.evaluate(theta, valid, seeds, early, enough)
            spent += handed * k
            past_full += unused * k
            run_weeks += weeks
            stopped_early += stopped
            b += 1
            stats = particle_means(runs)
            dist = np.where(valid, self.distance(stats, prev.sigma), np.inf)
            for i in range(size):  # acceptance in proposal order
                considered += 1
                if dist[i] <= tolerance:
                    acc_theta.append(theta[i])
                    acc_stats.append(stats[i])
                    acc_dist.append(float(dist[i]))
                    acc_seeds.append(seeds[i])
                    if len(acc_theta) == n_pop:
                        break
            if self.bar is not None:
                self.bar.set_postfix_str(self._postfix(g, tolerance, len(acc_theta) / max(1, considered)), refresh=False)
        theta = np.array(acc_theta)
        weights = self.prior_pdf(theta) / _kernel_mixture(theta, prev, chol)
        weights = weights / weights.sum()
        gen = Generation(
            index=g, tolerance=float(tolerance), particles=theta, weights=weights, distances=np.array(acc_dist),
            stats=np.array(acc_stats), seeds=np.array(acc_seeds, dtype=np.int64), proposals=considered,
            simulations=spent, batches=b, seconds=time.perf_counter() - started, sigma=prev.sigma,
            seed_sd=prev.seed_sd, run_weeks=run_weeks, stopped_early=stopped_early, partial=len(acc_theta) < n_pop,
            past_full=past_full,
        )
        return gen, spent

    @staticmethod
    def _postfix(g: int, tol: float, rate: float) -> str:
        return f"gen {g}, ε {tol:.3g}, accept {100 * rate:.0f} %"


def run_abc(spec: CalibrationSpec, out: Path, pool: WorkerPool | None, *, progress: bool = True,
            existing: list[Generation] | None = None, stop_after: int | None = None,
            early_rejection: bool = True, on_runs: Callable[[int], None] | None = None) -> AbcResult:
    """Run (or continue) the sampler, writing each generation to ``out/generations`` as it completes.

    ``stop_after`` ends after that many generations have been written (tests use it to simulate a kill).
    ``early_rejection`` stops a particle's runs as soon as it is certainly rejected (the same particles are
    accepted either way; off, every run goes to the end: for tests and measurements).
    ``on_runs(n)`` is called as n more model runs of the sampler finish.
    """
    from tqdm import tqdm

    method = spec.method
    gens = list(existing or [])
    used = sum(g.simulations for g in gens)
    discarded = 0
    sampler = _Sampler(spec, out, pool, progress, early_rejection)
    sampler.on_runs = on_runs
    (out / GENERATIONS_DIR).mkdir(parents=True, exist_ok=True)
    sampler.bar = tqdm(total=method.max_simulations, initial=used, unit="run", desc="calibrate", disable=not progress,
                       dynamic_ncols=True, file=sys.stderr, mininterval=0.5)
    reason = ""
    budget_stop = read_budget_stop(out, len(gens))
    if budget_stop is not None:  # resumed after the sampler had already stopped on its budget
        sampler.bar.close()
        used += budget_stop["discarded"]
        return AbcResult(generations=gens, stop_reason=budget_stop["reason"], simulations=used,
                         discarded_simulations=budget_stop["discarded"], resumed_from=len(gens))
    try:
        while True:
            if gens and (reason := _stop_reason(gens, method, used)):
                break
            if stop_after is not None and len(gens) >= stop_after:
                reason = "stopped on request"
                break
            g = len(gens)
            if g == 0:
                gen = sampler.generation_zero(method.max_simulations - used)
                spent = 0 if gen is None else gen.simulations
            else:
                tol = float(weighted_quantile(gens[-1].distances, gens[-1].weights, method.quantile))
                tol = max(tol, method.min_tolerance)
                sampler.bar.set_postfix_str(sampler._postfix(g, tol, gens[-1].acceptance_rate), refresh=False)
                gen, spent = sampler.next_generation(gens[-1], g, tol, method.max_simulations - used,
                                                     expected_acceptance(gens, method.quantile))
            used += spent
            if gen is None:
                discarded += spent
                n_min = min_final_population(method.population)
                reason = (f"the simulation budget ({method.max_simulations}) would not give generation {g} "
                          f"the {n_min} accepted particles a final population needs, at the acceptance rate seen; "
                          f"stopped after {spent} of its runs (not kept)" if spent else
                          f"the simulation budget ({method.max_simulations}) would not give generation {g} the {n_min} "
                          "accepted particles a final population needs, at the acceptance rate expected of it "
                          "(expected_acceptance); "
                          f"not started ({method.max_simulations - used} runs left)")
                write_budget_stop(out, g, reason, spent)
                break
            write_generation(out, gen)
            gens.append(gen)
    finally:
        sampler.bar.close()
    return AbcResult(generations=gens, stop_reason=reason, simulations=used, discarded_simulations=discarded,
                     resumed_from=len(existing or []))


def _stop_reason(gens: list[Generation], method: Any, used: int) -> str:
    last = gens[-1]
    if last.partial:
        return (f"the simulation budget ({method.max_simulations}) ran out during generation {last.index}; the "
                f"{len(last.weights)} particles it had accepted (of {method.population}; at least "
                f"{min_final_population(method.population)} are kept) are the final population, properly weighted")
    if len(gens) >= method.max_generations:
        return f"reached max_generations ({method.max_generations})"
    if last.index > 0 and last.tolerance <= method.min_tolerance:
        return f"tolerance reached min_tolerance ({method.min_tolerance:g})"
    if last.index > 0 and last.acceptance_rate < method.min_acceptance_rate:
        return f"acceptance rate {last.acceptance_rate:.3f} fell below min_acceptance_rate ({method.min_acceptance_rate:g})"
    if method.max_simulations - used < min_final_population(method.population) * method.seeds_per_particle:
        return (f"simulation budget ({method.max_simulations}) cannot give another generation even a final population "
                f"({method.max_simulations - used} runs left)")
    return ""
