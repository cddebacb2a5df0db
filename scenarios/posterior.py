"""A calibration's posterior as run input: load the folder `run.py calibrate` wrote and draw parameter sets.

>>> post = load_posterior("out/calibration/example")          # doctest: +SKIP
>>> post.draw(0)                                                # doctest: +SKIP
{'issue_rate_per_year': 2.31, 'buck_pass_prob': 0.42}

``draw(k)`` is deterministic: the k-th draw picks a particle of the final generation by weight with
``SeedSequence(draw_seed, spawn_key=(k,))``, where ``draw_seed`` is stored in the folder's calibration.json.
Lives beside the scenario loader because a posterior, like a scenario, is a set of parameter values for runs
(`experiments.one_run.run_scenario(..., posterior=DIR, draw=k)` reads it; the sampler is in `experiments.calibration`).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from model.errors import UserError

__all__ = ["Posterior", "load_posterior", "not_applied", "FORMAT", "SETTINGS_FILE", "POSTERIOR_FILE"]

FORMAT = "cogov-calibration/1"
SETTINGS_FILE = "calibration.json"
POSTERIOR_FILE = "posterior.parquet"
OBSERVATIONS_FILE = "observations.csv"
PREDICTIVE_FILE = "predictive.parquet"


@dataclass
class Posterior:
    """The final generation of a calibration: weighted particles over the free parameters."""

    path: Path
    settings: dict[str, Any]
    frame: pd.DataFrame  # generation, weight, one column per parameter
    observations: pd.DataFrame
    predictive: pd.DataFrame | None = None
    _weights: np.ndarray = field(default_factory=lambda: np.zeros(0), repr=False)

    def __post_init__(self) -> None:
        w = self.frame["weight"].to_numpy(dtype=float)
        self._weights = w / w.sum()

    @property
    def parameters(self) -> list[str]:
        """Free parameter names."""
        return [p["name"] for p in self.settings["parameters"]]

    @property
    def scenario(self) -> str:
        """The scenario the calibration held fixed (a name, or the path of a scenario file)."""
        return str(self.settings["scenario"])

    @property
    def draw_seed(self) -> int:
        """The seed of `draw`."""
        return int(self.settings["draw_seed"])

    def draw_index(self, k: int) -> int:
        """Row of `frame` that draw ``k`` picks (by weight, deterministic in k)."""
        if isinstance(k, bool) or not isinstance(k, int | np.integer) or k < 0:
            raise UserError(f"posterior draw {k!r}: expected a whole number, 0 or more")
        rng = np.random.Generator(np.random.PCG64(np.random.SeedSequence(self.draw_seed, spawn_key=(int(k),))))
        return int(rng.choice(len(self._weights), p=self._weights))

    def draw(self, k: int) -> dict[str, Any]:
        """The k-th parameter set: ``{name: value}`` (integers rounded as the model needs them)."""
        row = self.frame.iloc[self.draw_index(k)]
        out: dict[str, Any] = {}
        for p in self.settings["parameters"]:
            x = float(row[p["name"]])
            out[p["name"]] = int(round(x)) if p.get("kind") == "int" else x
        return out

    def overrides(self, k: int) -> dict[str, Any]:
        """What a run under draw ``k`` sets: the calibration's fixed parameters, then the drawn values."""
        return {**self.settings.get("fixed", {}), **self.draw(k)}


def not_applied(names: Any, params: Mapping[str, Any]) -> list[str]:
    """Of the parameters ``names``, those of a mechanism that is off under ``params`` (a run's parameter
    values, dotted names): a posterior draw leaves them out of that run, where they would have no effect
    (e.g. a hotline parameter fitted with the hotline on, drawn for a scenario without it)."""
    from model.parameters import PARAMETERS, kwarg_to_name

    values = {kwarg_to_name(k): v for k, v in params.items()}
    return [n for n in names if (m := PARAMETERS[n].mechanism) is not None and not values.get(f"{m}.enabled")]


def load_posterior(path: str | Path | Posterior, flag: str = "--posterior") -> Posterior:
    """Read a calibration folder (complete: calibration.json is written last); `UserError` if it is not one."""
    if isinstance(path, Posterior):
        return path
    folder = Path(path)
    settings_path = folder / SETTINGS_FILE
    if not folder.is_dir():
        raise UserError(f"{flag} {folder}: no such folder")
    if not settings_path.is_file() or not (folder / POSTERIOR_FILE).is_file():
        raise UserError(f"{flag} {folder}: not a finished calibration (no {SETTINGS_FILE} and {POSTERIOR_FILE}); "
                        "run `run.py calibrate FILE --out DIR` (or --resume it) first")
    try:
        settings = json.loads(settings_path.read_text(encoding="utf-8"))
        frame = pd.read_parquet(folder / POSTERIOR_FILE)
        observations = pd.read_csv(folder / OBSERVATIONS_FILE)
        predictive = pd.read_parquet(folder / PREDICTIVE_FILE) if (folder / PREDICTIVE_FILE).is_file() else None
    except (OSError, ValueError) as exc:
        raise UserError(f"{flag} {folder}: unreadable calibration output ({exc})") from None
    if not isinstance(settings, dict) or settings.get("format") != FORMAT:
        raise UserError(f"{flag} {folder}: {SETTINGS_FILE} is not a {FORMAT} file")
    missing = [p["name"] for p in settings["parameters"] if p["name"] not in frame.columns]
    if missing or "weight" not in frame.columns or frame.empty:
        raise UserError(f"{flag} {folder}: {POSTERIOR_FILE} lacks weights or parameter '{(missing or ['?'])[0]}'")
    return Posterior(folder, settings, frame, observations, predictive)
