"""A calibration's populations and their record on disk: what the sampler (`experiments.calibration.abc`)
makes and what the driver's resume and the report read, without the sampler.

- `Generation`: one completed generation (particles, normalised importance weights, distances, the
  particles' means of every observation, model seeds, what it cost), with its exact JSON round trip;
  `AbcResult`: the generations of a calibration and why it stopped;
- statistics of a weighted population: `weighted_quantile`, `weighted_cov` (and `Generation.ess`);
- on disk, in ``out/generations`` (`GENERATIONS_DIR`): ``gen_NNN.json``, one file a generation, each
  written atomically as the generation completes (`write_generation`; `load_generations` reads the
  consecutive ones from 0, where a resumed calibration continues), and ``stopped.json``, written when the
  budget ended the sampler before a generation (`write_budget_stop`, `read_budget_stop`), so a resume
  does not start it again. The driver keeps its manifest and the predictive runs in the same folder.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from storage.outputs import atomic_write

__all__ = [
    "Generation", "AbcResult", "weighted_quantile", "weighted_cov", "GENERATIONS_DIR", "load_generations",
    "write_generation", "write_budget_stop", "read_budget_stop",
]

GENERATIONS_DIR = "generations"


@dataclass
class Generation:
    """One completed generation: its particles and everything needed to continue from it."""

    index: int
    tolerance: float
    particles: np.ndarray  # (N, D) parameter values (real line; integers rounded only for the model)
    weights: np.ndarray  # (N,) normalised importance weights
    distances: np.ndarray  # (N,)
    stats: np.ndarray  # (N, M) mean of the particle's runs for every observation (fitted and held out)
    seeds: np.ndarray  # (N, k) model seeds of the accepted particles
    proposals: int  # proposals considered (in order, up to the last kept acceptance)
    simulations: int  # model runs made in this generation (including discarded ones)
    batches: int
    seconds: float
    sigma: np.ndarray  # (M,) scale of each observation in the distance
    seed_sd: np.ndarray  # (M,) the model's seed-to-seed sd of each observation (from generation 0)
    run_weeks: int = 0  # weeks the runs simulated after the warm-up (less than simulations x weeks if stopped early)
    stopped_early: int = 0  # particles whose runs stopped early, certainly rejected (see `distance.EarlyRejection`)
    partial: bool = False  # cut short by the budget: fewer particles than the population (then the last generation)
    #: runs handed out after the particle that completed the population (`WorkerPool.starmap_until`: cancelled if
    #: not started, else their results dropped); charged to the budget (in ``simulations``), not in ``run_weeks``
    past_full: int = 0

    @property
    def acceptance_rate(self) -> float:
        """Accepted / proposals considered."""
        return len(self.weights) / max(1, self.proposals)

    @property
    def ess(self) -> float:
        """Effective sample size 1 / Σ w²."""
        return float(1.0 / np.sum(self.weights**2))

    def to_json(self) -> dict[str, Any]:
        """Exact JSON (floats round-trip through repr)."""
        return {
            "generation": self.index, "tolerance": self.tolerance, "particles": self.particles.tolist(),
            "weights": self.weights.tolist(), "distances": self.distances.tolist(), "stats": self.stats.tolist(),
            "seeds": self.seeds.tolist(), "proposals": self.proposals, "simulations": self.simulations,
            "batches": self.batches, "seconds": self.seconds, "sigma": self.sigma.tolist(),
            "seed_sd": self.seed_sd.tolist(), "acceptance_rate": self.acceptance_rate, "ess": self.ess,
            "run_weeks": self.run_weeks, "stopped_early": self.stopped_early, "partial": self.partial,
            "past_full": self.past_full,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Generation:
        """Inverse of `to_json`."""
        return cls(
            index=int(data["generation"]), tolerance=float(data["tolerance"]),
            particles=np.array(data["particles"], dtype=float), weights=np.array(data["weights"], dtype=float),
            distances=np.array(data["distances"], dtype=float), stats=np.array(data["stats"], dtype=float),
            seeds=np.array(data["seeds"], dtype=np.int64), proposals=int(data["proposals"]),
            simulations=int(data["simulations"]), batches=int(data["batches"]), seconds=float(data["seconds"]),
            sigma=np.array(data["sigma"], dtype=float), seed_sd=np.array(data["seed_sd"], dtype=float),
            run_weeks=int(data.get("run_weeks", 0)), stopped_early=int(data.get("stopped_early", 0)),
            partial=bool(data.get("partial", False)), past_full=int(data.get("past_full", 0)),
        )


@dataclass
class AbcResult:
    """The generations of a calibration and why it stopped."""

    generations: list[Generation]
    stop_reason: str
    simulations: int
    discarded_simulations: int = 0
    resumed_from: int = 0
    notes: list[str] = field(default_factory=list)

    @property
    def last(self) -> Generation:
        """The final (posterior) generation."""
        return self.generations[-1]


def weighted_quantile(values: np.ndarray, weights: np.ndarray, q: float | np.ndarray) -> Any:
    """Quantile(s) of a weighted sample (inverse of the weighted empirical CDF, midpoint rule)."""
    values = np.asarray(values, dtype=float)
    weights = np.asarray(weights, dtype=float)
    order = np.argsort(values, kind="stable")
    v, w = values[order], weights[order]
    cdf = (np.cumsum(w) - 0.5 * w) / np.sum(w)
    return np.interp(q, cdf, v)


def weighted_cov(x: np.ndarray, w: np.ndarray) -> np.ndarray:
    """Weighted covariance (weights normalised; population form), always 2-D."""
    w = w / w.sum()
    mean = w @ x
    centred = x - mean
    return np.atleast_2d((centred * w[:, None]).T @ centred)


def _generation_path(out: Path, g: int) -> Path:
    return out / GENERATIONS_DIR / f"gen_{g:03d}.json"


def load_generations(out: Path) -> list[Generation]:
    """The completed generations in ``out/generations`` (consecutive from 0)."""
    gens: list[Generation] = []
    g = 0
    while _generation_path(out, g).is_file():
        gens.append(Generation.from_json(json.loads(_generation_path(out, g).read_text(encoding="utf-8"))))
        g += 1
    return gens


def write_generation(out: Path, gen: Generation) -> None:
    """Write ``gen`` to ``out/generations/gen_NNN.json`` atomically (exact JSON, `Generation.to_json`)."""
    text = json.dumps(gen.to_json()) + "\n"
    atomic_write(_generation_path(out, gen.index), lambda p: p.write_text(text, encoding="utf-8"))


def _budget_stop_path(out: Path) -> Path:
    return out / GENERATIONS_DIR / "stopped.json"


def write_budget_stop(out: Path, generation: int, reason: str, discarded: int) -> None:
    """Record that generation ``generation`` was abandoned for lack of budget (so --resume does not redo it)."""
    text = json.dumps({"generation": generation, "reason": reason, "discarded": discarded}) + "\n"
    atomic_write(_budget_stop_path(out), lambda p: p.write_text(text, encoding="utf-8"))


def read_budget_stop(out: Path, generations: int) -> dict[str, Any] | None:
    """The budget stop recorded after ``generations`` completed generations (None if there is none for that many)."""
    path = _budget_stop_path(out)
    if not path.is_file():
        return None
    record = json.loads(path.read_text(encoding="utf-8"))
    return record if int(record["generation"]) == generations else None
