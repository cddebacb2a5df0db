"""The calibration file: read, validate, and resolve it into a `CalibrationSpec`.

A calibration file (TOML; examples in ``scenarios/calibration/``)::

    [calibration]
    name = "example"                    # optional (default: the file name)
    description = "..."                 # optional
    scenario = "baseline"               # a scenario name, or a .toml path (relative to this file): held fixed
    weeks = 156                         # default: the scenario's horizon
    seed = 1                            # calibration seed: every random number of the sampler comes from it

    [observations]
    file = "obs.csv"                    # relative to this file: columns metric, week, value[, sd][, window][, ...]
                                        # window: average the metric over the N weeks ending at week (52 = a year)
    default_sd = 0.03                   # sd of rows without one (a number, or { metric = sd, ... })

    [fixed]                             # optional: parameters held at one value (checked like --set)
    "hotline.enabled" = true

    [parameters]                        # the free parameters: {} = the declaration's prior
    issue_rate_per_year = {}
    "hotline.report_cost_reduction" = { low = 0.1, high = 1.0 }   # a narrower uniform prior

    [method]
    name = "abc-smc"
    population = 200                    # particles per generation
    max_simulations = 4000              # model runs in all (seeds x particles, every generation)
    seeds_per_particle = 3              # runs per particle, averaged (at least 2: gives the seed spread)
    max_generations = 10
    min_tolerance = 0.0                 # stop once the tolerance is at or below this
    quantile = 0.5                      # next tolerance = this weighted quantile of the last distances
    min_acceptance_rate = 0.01          # stop when a generation accepts less than this share
    predictive_draws = 100              # posterior-predictive runs for the fit plot and coverage
    lookahead = 8                       # particles in flight at most (≥ 2 x the workers of a cluster)

Every problem is one `UserError` line naming the file, the key and what was expected.
"""

from __future__ import annotations

import io
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from experiments.calibration.priors import prior_of
from experiments.spec_header import SpecHeader, param_names, read_header
from model.errors import UserError
from storage.toml_fields import CALIBRATION_FORM, Fields, check_keys, section

__all__ = ["CalibrationSpec", "FreeParameter", "MethodSettings", "load_calibration", "observation_key"]

TOP_KEYS = ("calibration", "observations", "fixed", "parameters", "method")
HEAD_KEYS = ("name", "description", "scenario", "weeks", "seed")
OBS_KEYS = ("file", "default_sd")
METHOD_KEYS = (
    "name", "population", "max_simulations", "seeds_per_particle", "max_generations", "min_tolerance",
    "quantile", "min_acceptance_rate", "predictive_draws", "lookahead",
)
METHODS = ("abc-smc",)
OBS_COLUMNS = ("metric", "week", "value")
MAX_OBSERVATIONS = 10_000


@dataclass(frozen=True)
class FreeParameter:
    """A parameter the calibration fits, with its prior (the declaration's, or narrowed by the file)."""

    name: str
    prior: Any  # a model.priors.Prior (integers: its continuous form)
    kind: type
    narrowed: bool

    def model_value(self, x: float) -> float | int:
        """The value handed to the model: integers are rounded (the sampler works on the real line)."""
        return int(round(x)) if self.kind is int else float(x)


@dataclass(frozen=True)
class MethodSettings:
    """The ``[method]`` section."""

    name: str = "abc-smc"
    population: int = 200
    max_simulations: int = 4000
    seeds_per_particle: int = 3
    max_generations: int = 10
    min_tolerance: float = 0.0
    quantile: float = 0.5
    min_acceptance_rate: float = 0.01
    predictive_draws: int = 100
    lookahead: int = 8  # particles handed out past the oldest unfinished one (see WorkerPool.starmap_until)


@dataclass
class CalibrationSpec(SpecHeader):
    """A validated calibration file: its header (`experiments.spec_header.SpecHeader`) and the calibration."""

    observations: pd.DataFrame  # metric, week, value, sd, fitted (bool), plus any extra columns of the file
    observations_file: Path
    parameters: list[FreeParameter]
    method: MethodSettings
    holdout_after: int | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def names(self) -> list[str]:
        """Free parameter names, in file order."""
        return [p.name for p in self.parameters]

    @property
    def fitted(self) -> pd.DataFrame:
        """The observations the distance uses (all of them unless --holdout-after)."""
        return self.observations[self.observations["fitted"]].reset_index(drop=True)

    @property
    def metrics(self) -> list[str]:
        """Observed metrics, in order of first appearance."""
        return list(dict.fromkeys(self.observations["metric"]))


def observation_key(metric: str, week: int) -> str:
    """``metric@week``: how an observation is named in tables and messages."""
    return f"{metric}@{week}"


# --------------------------------------------------------------------------- helpers


def _read_toml(path: Path) -> tuple[bytes, dict[str, Any]]:
    from storage.inputs import read_toml

    text, data = read_toml(path, "calibration file")  # encoding, emptiness, nesting: storage.inputs
    return text.encode("utf-8"), data


def _method(table: dict[str, Any], where: str) -> MethodSettings:
    w = f"{where}: [method]"
    check_keys(table, METHOD_KEYS, f"{w}:")
    fields = Fields(table, w, CALIBRATION_FORM)
    name = fields.string("name", "abc-smc")
    if name not in METHODS:
        raise UserError(f"{w} 'name': unknown method {name!r}; expected one of {', '.join(METHODS)}")
    population = fields.integer("population", 200, 2, 100_000)
    seeds = fields.integer("seeds_per_particle", 3, 2, 100)
    max_sims = fields.integer("max_simulations", 4000, 1, 10**9)
    if max_sims < population * seeds:
        raise UserError(
            f"{w} 'max_simulations' = {max_sims}: less than one generation "
            f"(population {population} x seeds_per_particle {seeds} = {population * seeds} runs)"
        )
    return MethodSettings(
        name=name,
        population=population,
        max_simulations=max_sims,
        seeds_per_particle=seeds,
        max_generations=fields.integer("max_generations", 10, 1, 1000),
        min_tolerance=fields.number("min_tolerance", 0.0, 0.0, 1e12),
        quantile=fields.number("quantile", 0.5, 0.0, 1.0, open_low=True),
        min_acceptance_rate=fields.number("min_acceptance_rate", 0.01, 0.0, 1.0),
        predictive_draws=fields.integer("predictive_draws", min(100, population), 10, 100_000),
        lookahead=fields.integer("lookahead", 8, 1, 10_000),
    )


def _free_parameter(name: str, spec: Any, where: str) -> FreeParameter:
    from model.parameters import PARAMETERS

    p = PARAMETERS[name]
    here = f"{where}: [parameters] '{name}'"
    if p.kind is bool:
        raise UserError(f"{here}: a true/false switch cannot be calibrated; set it in [fixed]")
    if not isinstance(spec, dict):
        raise UserError(f"{here}: expected {{}} (the declared prior) or {{ low = .., high = .. }}, got {spec!r}")
    check_keys(spec, ("low", "high"), f"{here}:")
    if not spec:
        return FreeParameter(name, prior_of(p, here), p.kind, narrowed=False)
    if "low" not in spec or "high" not in spec:
        raise UserError(f"{here}: a narrowed prior needs both low and high, e.g. {{ low = 0.1, high = 0.5 }}")
    bounds = Fields(spec, here, CALIBRATION_FORM)
    for key in ("low", "high"):
        bounds.number(key, None)
    return FreeParameter(name, prior_of(p, here, spec["low"], spec["high"]), p.kind, narrowed=True)


def _observations(head: dict[str, Any], base: Path, where: str, weeks: int) -> tuple[Path, pd.DataFrame]:
    from model.parameters import suggest
    from model.reporters import REPORTERS

    w = f"{where}: [observations]"
    check_keys(head, OBS_KEYS, f"{w}:")
    file = Fields(head, w, CALIBRATION_FORM).string("file")
    path = Path(file).expanduser()
    if not path.is_absolute():
        path = base / path
    if not path.is_file():
        raise UserError(f"{w} 'file': {path} not found")
    from storage.inputs import read_text_file

    text = read_text_file(path, "observation file")  # UTF-8 (or which encoding it is), not empty, not binary
    try:
        frame = pd.read_csv(io.StringIO(text), comment=None, skipinitialspace=True)
    except pd.errors.EmptyDataError:
        raise UserError(f"{path}: empty observation file; expected columns metric, week, value[, sd]") from None
    except (OSError, UnicodeDecodeError, pd.errors.ParserError) as exc:
        raise UserError(f"{path}: unreadable observation file ({type(exc).__name__}: {str(exc).splitlines()[0]})") from None
    missing = [c for c in OBS_COLUMNS if c not in frame.columns]
    if missing:
        raise UserError(f"{path}: missing column '{missing[0]}'; expected columns metric, week, value[, sd]")
    if frame.empty:
        raise UserError(f"{path}: empty observation file (a header but no rows)")
    if len(frame) > MAX_OBSERVATIONS:
        raise UserError(f"{path}: {len(frame)} observations; more than {MAX_OBSERVATIONS} is surely a mistake")
    default_sd = head.get("default_sd")
    if default_sd is not None and not isinstance(default_sd, dict):
        default_sd = {"*": default_sd}
    for key, value in (default_sd or {}).items():
        if key != "*" and key not in REPORTERS:
            raise UserError(f"{w} 'default_sd': unknown metric '{key}'{suggest(key, list(REPORTERS))}")
        if isinstance(value, bool) or not isinstance(value, int | float) or not value >= 0:
            raise UserError(f"{w} 'default_sd': expected a number 0 or more, got {value!r}")
    rows = []
    has_sd = "sd" in frame.columns
    has_window = "window" in frame.columns
    for i, row in enumerate(frame.to_dict("records")):
        here = f"{path}: row {i + 2}"  # +1 header, +1 one-based
        metric = str(row["metric"]).strip()
        if metric not in REPORTERS:
            raise UserError(f"{here}: unknown metric '{metric}'{suggest(metric, list(REPORTERS))}")
        week = _cell_number(row["week"], here, "week")
        if not float(week).is_integer() or week < 0:
            raise UserError(f"{here}: 'week' expected a whole number 0 or more, got {row['week']!r}")
        week = int(week)
        if week > weeks:
            raise UserError(f"{here}: week {week} is past the calibration's horizon (weeks = {weeks})")
        value = _cell_number(row["value"], here, "value")
        sd_cell = row["sd"] if has_sd else None
        if sd_cell is None or (isinstance(sd_cell, float) and math.isnan(sd_cell)):
            chosen = (default_sd or {}).get(metric, (default_sd or {}).get("*"))
            if chosen is None:
                raise UserError(f"{here}: no 'sd' for {metric} and [observations] 'default_sd' is not set")
            sd = float(chosen)
        else:
            sd = _cell_number(sd_cell, here, "sd")
            if sd < 0:
                raise UserError(f"{here}: negative sd ({sd:g}); expected 0 or more")
        window = 0
        if has_window and not (isinstance(row["window"], float) and math.isnan(row["window"])):
            window = _cell_number(row["window"], here, "window")
            if not float(window).is_integer() or not 1 <= window <= max(week, 1):
                raise UserError(f"{here}: 'window' expected a whole number of weeks in [1, {max(week, 1)}] "
                                f"(the weeks ending at week {week}), got {row['window']!r}")
            window = int(window)
        rows.append({**row, "metric": metric, "week": week, "value": float(value), "sd": float(sd), "window": window})
    table = pd.DataFrame(rows)
    dup = table.duplicated(["metric", "week"])
    if dup.any():
        first = table[dup].iloc[0]
        raise UserError(f"{path}: {first['metric']} at week {first['week']} is observed twice; keep one row")
    table = table.sort_values(["metric", "week"], kind="stable").reset_index(drop=True)
    return path, table


def _cell_number(value: Any, where: str, column: str) -> float:
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise UserError(f"{where}: '{column}' expected a number, got {value!r}") from None
    if math.isnan(number) or math.isinf(number):
        raise UserError(f"{where}: '{column}' expected a number, got {value!r}")
    return number


# --------------------------------------------------------------------------- the file


def load_calibration(path_text: str | Path, holdout_after: int | None = None) -> CalibrationSpec:
    """Read and validate a calibration file (and its observation file); a problem is one `UserError` line."""
    import model.mechanisms  # noqa: F401  (declares mechanism parameters)
    from model.parameters import PARAMETERS

    path = Path(path_text)
    raw, data = _read_toml(path)
    where = str(path)
    check_keys(data, TOP_KEYS, f"{where}:")
    head_table = section(data, "calibration", where, required=True)
    hw = f"{where}: [calibration]"
    check_keys(head_table, HEAD_KEYS, f"{hw}:")
    header = read_header(path, raw, data, Fields(head_table, hw, CALIBRATION_FORM), "[calibration]")
    weeks, fixed = header.weeks, header.fixed

    obs_file, observations = _observations(
        section(data, "observations", where, required=True), path.parent, where, weeks
    )
    if holdout_after is not None:
        if holdout_after < 0 or holdout_after >= weeks:
            raise UserError(f"--holdout-after {holdout_after}: expected a week in [0, {weeks - 1}]")
        fitted = observations["week"] <= holdout_after
        if not fitted.any():
            raise UserError(f"--holdout-after {holdout_after}: no observation at or before week {holdout_after} is left to fit")
        if fitted.all():
            raise UserError(f"--holdout-after {holdout_after}: no observation after week {holdout_after} is held out")
        observations["fitted"] = fitted.to_numpy()
    else:
        observations["fitted"] = True

    free_raw = param_names(section(data, "parameters", where, required=True), where, "[parameters]", "[calibration]")
    if not free_raw:
        raise UserError(f"{where}: [parameters] names no parameter to calibrate")
    for n in free_raw:
        if n in fixed:
            raise UserError(f"{where}: parameter '{n}' is both in [fixed] and in [parameters]")
    parameters = [_free_parameter(n, v, where) for n, v in free_raw.items()]
    for p in parameters:
        mech = PARAMETERS[p.name].mechanism
        if mech is not None and not fixed.get(f"{mech}.enabled", header.scenario_params[f"{mech}.enabled"]):
            raise UserError(
                f"{where}: [parameters] '{p.name}' belongs to mechanism '{mech}', which is off in scenario "
                f"'{header.scenario_name}'; add \"{mech}.enabled\" = true to [fixed] or use a scenario that enables it"
            )
    method = _method(section(data, "method", where), where)
    return CalibrationSpec(
        **header.header(),
        observations=observations,
        observations_file=obs_file,
        parameters=parameters,
        method=method,
        holdout_after=holdout_after,
    )
