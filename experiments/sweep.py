"""Parameter sweeps: a sweep file → a design → runs through `experiments.engine` → results and analysis.

    python run.py sweep scenarios/sweeps/buck_passing_grid.toml --jobs 2     # --out: out/sweeps/NAME
    python run.py sweep SWEEP.toml --scheduler tcp://HOST:8786 --out DIR       # a running Dask cluster
    python run.py sweep SWEEP.toml --out DIR --resume                          # only what is missing
    python run.py sweep SWEEP.toml --dry-run                                   # check it, count the runs
    python run.py sensitivity DIR                                              # results, indices, plots again

Exit status: 0 when every run finished, 1 when some run failed (``DIR/failed/``; ``--resume`` retries
them), 2 for bad input (one line on stderr; nothing written).

A sweep file (TOML)::

    [sweep]
    name = "participation_grid"      # optional (default: the file name); the default --out is out/sweeps/NAME
    description = "..."               # optional
    scenario = "baseline"             # base scenario: a name in scenarios/, or a .toml path (relative to this file)
    weeks = 26                        # default: the scenario's horizon
    replicates = 3                    # runs per design point (default 1)
    seed = 2024                       # base seed (default 1); run seeds come from it via numpy SeedSequence
    common_random_numbers = false     # true: replicate r gets the same seed at every design point
                                      # (default: true for morris and sobol, false for grid and lhs)
    series = "outcomes"               # weekly series kept in each run's file: "outcomes" (the metrics the
                                      # outcomes use; default), "all" (every metric) or "none"

    [fixed]                           # parameters held at one value in every run (checked like --set)
    grids = 2
    "points.enabled" = true           # mechanism parameters are KEY.NAME (quoted), or [fixed.points] tables

    [design]
    method = "grid"                   # grid | lhs | morris | sobol
    # samples = 64                    # lhs: points; sobol: N, a power of two (runs = N·(D+2), N·(2D+2) with
    # second_order = false            #      second_order = true)
    # trajectories = 10               # morris: trajectories (runs = trajectories·(D+1))
    # levels = 4                      # morris: grid levels (even)
    [design.parameters]
    buck_pass_prob = [0.1, 0.35, 0.6]                   # grid: the values
    social_influence = { low = 0, high = 10, num = 3 }  # grid: evenly spaced values
    # lhs/morris/sobol: a range, [low, high] or { low = 0, high = 10 }

    [[outcomes]]                      # one or more
    metric = "satisfaction_mean"      # any weekly metric (model/reporters.py)
    statistic = "mean"                # final (default) | mean | median | min | max | std | sum
    last_weeks = 13                   # window: the last N weeks (default: weeks 1..weeks; not with final)
    name = "satisfaction"             # optional (default METRIC_STATISTIC[_lastN])

    [sensitivity]                     # optional
    auto = true                       # analyse at the end of the sweep (default true)
    conf_level = 0.95                 # confidence level of the bootstrap intervals (Morris, Sobol)
    num_resamples = 1000              # bootstrap resamples
    plots = ["png", "svg"]            # plot formats ([] for none)

Rules. Every name is a declared parameter (`model/parameters.py`), every value is checked against its
declared range, unknown keys get the nearest valid one. A mechanism parameter (``KEY.NAME``) may only be
set or swept when its mechanism is on: in the base scenario, by ``"KEY.enabled" = true`` in ``[fixed]``,
or by sweeping ``KEY.enabled`` itself in a grid (nothing is switched on implicitly, so a sweep file says
what it runs). ``weeks`` is set in ``[sweep]``, not as a parameter. Sampled integer parameters are rounded
to the nearest integer; true/false parameters can only be swept in a grid.

Seeds: run (point p, replicate r) gets ``SeedSequence(seed, spawn_key=(p, r))``'s first 63 bits
(``spawn_key=(r,)`` with common random numbers). Morris and Sobol estimate effects from differences
between design points, so they use common random numbers by default: otherwise every elementary effect
also carries the run-to-run noise, and a parameter with no effect at all gets a clearly positive μ*.
Run ids are ``p<point>-r<replicate>``, zero-padded.

Output folder: ``manifest.json`` (written atomically before the first run: sweep file text and sha256,
scenario, design points, run ids and seeds, versions), ``runs/<run_id>.parquet`` (one per finished run:
its outcomes, and its weekly series unless ``series = "none"``), ``failed/<run_id>.json``,
``results.parquet`` (one row per run and outcome with the swept parameters and the seed),
``sensitivity.csv`` (Morris/Sobol) and ``plots/``. `load_series` reads the weekly series back.

Dask: start workers with ``--nthreads 1`` (the model is pure Python; threads only add contention) and
with the project importable (run them from the repository or set PYTHONPATH).
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import hashlib
import json
import math
import re
import sys
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from experiments.designs import METHODS, Design, Factor, is_power_of_two
from experiments.engine import (
    FINGERPRINT_ATTR,
    DaskExecutor,
    RunTask,
    WorkerPool,
    completed_run_ids,
    execute,
    folder_lock,
    parse_jobs,
)
from experiments.sensitivity import analyse_sweep
from experiments.sweep_folder import (
    FORMAT,
    MANIFEST,
    build_results,
    load_series,
    read_manifest,
    write_json,
    write_results,
)
from model.errors import UserError
from storage.outputs import atomic_write, staged_folder

__all__ = [
    "Outcome",
    "SensitivityOptions",
    "SweepSpec",
    "load_sweep",
    "build_design",
    "design_size",
    "run_seed",
    "make_manifest",
    "tasks_from_manifest",
    "run_task",
    "task_fingerprint",
    "run_sweep",
    "build_results",
    "load_series",
    "read_manifest",
    "atomic_write",
    "add_cli",
]

STATISTICS = ("final", "mean", "median", "min", "max", "std", "sum")
SERIES_CHOICES = ("outcomes", "all", "none")
PLOT_FORMATS = ("png", "svg")
TOP_KEYS = ("sweep", "fixed", "design", "outcomes", "sensitivity")
SWEEP_KEYS = (
    "name",
    "description",
    "scenario",
    "weeks",
    "replicates",
    "seed",
    "common_random_numbers",
    "series",
)
OUTCOME_KEYS = ("metric", "statistic", "last_weeks", "name")
SENSITIVITY_KEYS = ("auto", "conf_level", "num_resamples", "plots")
DESIGN_OPTIONS = {
    "grid": (),
    "lhs": ("samples",),
    "morris": ("trajectories", "levels"),
    "sobol": ("samples", "second_order"),
}
DESIGN_KEYS = ("method", "parameters", "samples", "trajectories", "levels", "second_order")
MAX_RUNS = 10_000_000
LOCK_FILE = ".lock"  # experiments.engine.folder_lock's file
_SAFE_NAME = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.-]{0,99}$")


# --------------------------------------------------------------------------- the sweep file


@dataclass(frozen=True)
class Outcome:
    """A number computed from one run's weekly series: ``statistic`` of ``metric`` (over a window)."""

    name: str
    metric: str
    statistic: str
    last_weeks: int | None = None

    def compute(self, series: np.ndarray) -> float:
        """The outcome of one run; ``series`` is the metric's weekly values, week 0 first."""
        if self.statistic == "final":
            return float(series[-1])
        window = series[1:] if self.last_weeks is None else series[-self.last_weeks :]
        if window.size == 0 or np.all(np.isnan(window)):
            return 0.0 if self.statistic == "sum" else math.nan
        fn = {
            "mean": np.nanmean,
            "median": np.nanmedian,
            "min": np.nanmin,
            "max": np.nanmax,
            "std": np.nanstd,
            "sum": np.nansum,
        }[self.statistic]
        return float(fn(window))


@dataclass(frozen=True)
class SensitivityOptions:
    """The ``[sensitivity]`` section."""

    auto: bool = True
    conf_level: float = 0.95
    num_resamples: int = 1000
    plots: tuple[str, ...] = PLOT_FORMATS


@dataclass
class SweepSpec:
    """A validated sweep file."""

    path: Path
    sha256: str
    text: str
    name: str
    description: str
    scenario: str  # a scenario name, or the absolute path of a scenario file
    scenario_name: str
    scenario_params: dict[str, Any]
    weeks: int
    replicates: int
    seed: int
    crn: bool
    series: str
    fixed: dict[str, Any]
    method: str
    options: dict[str, Any]
    factors: list[Factor]
    outcomes: list[Outcome]
    sensitivity: SensitivityOptions = field(default_factory=SensitivityOptions)
    overrides: dict[str, int] = field(default_factory=dict)  # --replicates/--weeks/--samples given


def _read(path: Path) -> tuple[bytes, dict[str, Any]]:
    from storage.inputs import read_toml

    text, data = read_toml(path, "sweep file")
    return text.encode("utf-8"), data


def _suggest(key: str, pool: list[str] | tuple[str, ...]) -> str:
    from model.parameters import suggest

    return suggest(key, list(pool))


def _table(data: dict[str, Any], key: str, where: str, required: bool = False) -> dict[str, Any]:
    if key not in data:
        if required:
            raise UserError(f"{where}: missing section [{key}]")
        return {}
    value = data[key]
    if not isinstance(value, dict):
        raise UserError(f"{where}: [{key}] expected a table, got {type(value).__name__}")
    return value


def _known(table: dict[str, Any], keys: tuple[str, ...], where: str, section: str) -> None:
    for key in table:
        if key not in keys:
            what = f"{section} unknown key '{key}'" if section else f"unknown section [{key}]"
            raise UserError(f"{where}: {what}{_suggest(key, keys)}; expected one of {', '.join(keys)}")


def _int(table: dict[str, Any], key: str, where: str, default: int | None, low: int, high: int) -> int:
    value = table.get(key, default)
    if value is None:
        raise UserError(f"{where}: missing '{key}' (an integer in [{low}, {high}])")
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise UserError(f"{where}: '{key}' expected an integer in [{low}, {high}], got {value!r}")
    return value


def _bool(table: dict[str, Any], key: str, where: str, default: bool) -> bool:
    value = table.get(key, default)
    if not isinstance(value, bool):
        raise UserError(f"{where}: '{key}' expected true or false, got {value!r}")
    return value


def _str(table: dict[str, Any], key: str, where: str, default: str | None) -> str:
    value = table.get(key, default)
    if value is None:
        raise UserError(f"{where}: missing '{key}' (a string)")
    if not isinstance(value, str):
        raise UserError(f"{where}: '{key}' expected a string, got {value!r}")
    return value


def _param_names(table: dict[str, Any], where: str, section: str) -> dict[str, Any]:
    """Flatten a table of parameters: ``"points.crowding"``, ``points__crowding`` or ``[..points]`` tables."""
    from model.mechanisms import MECHANISMS
    from model.parameters import PARAMETERS, kwarg_to_name, suggest

    flat: dict[str, Any] = {}
    items: list[tuple[str, Any]] = []
    for key, value in table.items():
        name = kwarg_to_name(key)
        if name in MECHANISMS and name not in PARAMETERS and isinstance(value, dict):
            items.extend((f"{name}.{kwarg_to_name(k)}", v) for k, v in value.items())
        else:
            items.append((name, value))
    for name, value in items:
        if name not in PARAMETERS:
            raise UserError(f"{where}: {section} unknown parameter '{name}'{suggest(name)}")
        if name == "weeks":
            raise UserError(f"{where}: {section} 'weeks' is set in [sweep] (weeks = N), not as a parameter")
        if name in flat:
            raise UserError(f"{where}: {section} parameter '{name}' given twice")
        flat[name] = value
    return flat


def _resolve_scenario(text: str, sweep_path: Path) -> str:
    """A scenario name stays a name; a path is made absolute (relative paths: from the sweep file)."""
    if text.endswith(".toml") or "/" in text or "\\" in text:
        path = Path(text).expanduser()
        if not path.is_absolute():
            path = sweep_path.parent / path
        return str(path.resolve())
    return text


def _grid_factor(name: str, spec: Any, where: str) -> Factor:
    from model.parameters import PARAMETERS

    p = PARAMETERS[name]
    here = f"{where}: [design.parameters] {name}"
    if isinstance(spec, dict):
        _known(spec, ("low", "high", "num"), where, f"[design.parameters] {name}:")
        if p.kind is bool:
            raise UserError(f"{here}: true/false parameter; list its values, e.g. [false, true]")
        if "low" not in spec or "high" not in spec or "num" not in spec:
            raise UserError(
                f"{here}: a grid range needs low, high and num (e.g. {{ low = 0, high = 1, num = 5 }})"
            )
        low, high = p.check(spec["low"], here), p.check(spec["high"], here)
        num = _int(spec, "num", here, None, 1, 100_000)
        if low >= high and num > 1:
            raise UserError(f"{here}: low ({low!r}) must be below high ({high!r})")
        raw = np.linspace(float(low), float(high), num)
        values: list[Any] = [int(round(x)) if p.kind is int else float(x) for x in raw]
    elif isinstance(spec, list):
        if not spec:
            raise UserError(f"{here}: expected a non-empty list of values")
        values = [p.check(v, here) for v in spec]
    else:
        raise UserError(f"{here}: expected a list of values (grid) or {{ low, high, num }}, got {spec!r}")
    if len(set(values)) != len(values):
        raise UserError(f"{here}: values repeat ({values!r})")
    return Factor(name, p.kind, values=tuple(values))


def _range_factor(name: str, spec: Any, where: str, method: str) -> Factor:
    from model.parameters import PARAMETERS

    p = PARAMETERS[name]
    here = f"{where}: [design.parameters] {name}"
    if p.kind is bool:
        raise UserError(f"{here}: true/false parameters can only be swept in a grid design, not {method}")
    if isinstance(spec, dict):
        _known(spec, ("low", "high"), where, f"[design.parameters] {name}:")
        if "low" not in spec or "high" not in spec:
            raise UserError(f"{here}: a range needs low and high (e.g. {{ low = 0, high = 1 }})")
        low, high = spec["low"], spec["high"]
    elif isinstance(spec, list) and len(spec) == 2:
        low, high = spec
    else:
        raise UserError(
            f"{here}: method {method} expects a range, [low, high] or {{ low = .., high = .. }}, got {spec!r}"
        )
    low, high = p.check(low, here), p.check(high, here)
    if not low < high:
        raise UserError(f"{here}: low ({low!r}) must be below high ({high!r})")
    return Factor(name, p.kind, low=low, high=high)


def _outcome(item: Any, where: str, weeks: int, index: int) -> Outcome:
    from model.reporters import REPORTERS

    here = f"{where}: [[outcomes]] #{index + 1}"
    if not isinstance(item, dict):
        raise UserError(f"{here}: expected a table (metric, statistic, last_weeks, name)")
    _known(item, OUTCOME_KEYS, where, f"[[outcomes]] #{index + 1}")
    metric = _str(item, "metric", here, None)
    if metric not in REPORTERS:
        raise UserError(f"{here}: unknown metric '{metric}'{_suggest(metric, list(REPORTERS))}")
    statistic = _str(item, "statistic", here, "final")
    if statistic not in STATISTICS:
        raise UserError(
            f"{here}: unknown statistic '{statistic}'{_suggest(statistic, STATISTICS)}; "
            f"expected one of {', '.join(STATISTICS)}"
        )
    last = item.get("last_weeks")
    if last is not None:
        if statistic == "final":
            raise UserError(f"{here}: 'last_weeks' does not apply to statistic 'final'")
        last = _int(item, "last_weeks", here, None, 1, weeks)
    default = f"{metric}_{statistic}" + (f"_last{last}" if last else "")
    name = _str(item, "name", here, default)
    if not _SAFE_NAME.match(name):
        raise UserError(f"{here}: name {name!r} must be letters, digits, '_', '.' or '-'")
    return Outcome(name, metric, statistic, last)


OVERRIDE_FLAGS = {"replicates": "--replicates", "weeks": "--weeks", "samples": "--samples"}


def _apply_overrides(data: dict[str, Any], overrides: dict[str, int], where: str) -> dict[str, Any]:
    """The sweep file's data with command-line overrides applied; each checked and blamed on its flag.

    ``samples`` is the lhs sample size, the Sobol' base sample N or the number of Morris trajectories.
    """
    from model.parameters import validate_value

    data = {**data, "sweep": dict(data.get("sweep") or {}), "design": dict(data.get("design") or {})}
    for key, value in overrides.items():
        flag = OVERRIDE_FLAGS.get(key)
        if flag is None:
            raise UserError(f"sweep override '{key}': expected one of {', '.join(OVERRIDE_FLAGS)}")
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise UserError(f"{flag} {value}: expected a whole number, 1 or more")
        if key == "weeks":
            data["sweep"]["weeks"] = validate_value("weeks", value, where=flag)
        elif key == "replicates":
            data["sweep"]["replicates"] = value
        else:
            method = data["design"].get("method")
            if method in ("lhs", "sobol"):
                if method == "sobol" and not is_power_of_two(value):
                    lo = 1 << (value.bit_length() - 1)
                    raise UserError(f"{flag} {value}: a Sobol' design needs a power of two, e.g. {lo} or {lo * 2}")
                data["design"]["samples"] = value
            elif method == "morris":
                data["design"]["trajectories"] = value
            else:
                raise UserError(f"{flag} {value}: {where} has a {method or 'missing'} design, whose points "
                                f"are listed, not sampled; --samples applies to lhs, sobol and morris designs")
    return data


def load_sweep(path_text: str | Path, overrides: dict[str, int] | None = None) -> SweepSpec:
    """Read and validate a sweep file; any problem is a one-line `UserError` naming file, key and expectation.

    ``overrides`` (``--replicates``, ``--weeks``, ``--samples``) replace the file's values, e.g. to try a
    sweep small first: ``{"replicates": 1, "weeks": 26, "samples": 8}``.
    """
    import model.mechanisms  # noqa: F401  (declares mechanism parameters)
    from model.model import check_consistency
    from scenarios import load_scenario
    from storage.inputs import check_mechanisms_on, check_runs

    path = Path(path_text)
    raw, data = _read(path)
    where = str(path)
    overrides = {k: v for k, v in (overrides or {}).items() if v is not None}
    if overrides:
        data = _apply_overrides(data, overrides, where)
    _known(data, TOP_KEYS, where, "")
    head = _table(data, "sweep", where, required=True)
    _known(head, SWEEP_KEYS, where, "[sweep]")
    name = _str(head, "name", f"{where}: [sweep]", path.stem)
    if not _SAFE_NAME.match(name):
        raise UserError(f"{where}: [sweep] name {name!r} must be letters, digits, '_', '.' or '-'")
    scenario = _resolve_scenario(_str(head, "scenario", f"{where}: [sweep]", "baseline"), path)
    try:
        scen = load_scenario(scenario)
    except UserError as exc:
        raise UserError(f"{where}: [sweep] scenario: {exc}") from None
    from model.parameters import PARAMETERS

    weeks = _int(
        head, "weeks", f"{where}: [sweep]", int(scen.params["weeks"]), 1, int(PARAMETERS["weeks"].high)
    )
    replicates = _int(head, "replicates", f"{where}: [sweep]", 1, 1, 100_000)
    seed = _int(head, "seed", f"{where}: [sweep]", 1, 0, 2**63 - 1)
    series = _str(head, "series", f"{where}: [sweep]", "outcomes")
    if series not in SERIES_CHOICES:
        raise UserError(f"{where}: [sweep] series {series!r}: expected one of {', '.join(SERIES_CHOICES)}")

    fixed_raw = _param_names(_table(data, "fixed", where), where, "[fixed]")
    fixed = {n: PARAMETERS[n].check(v, f"{where}: [fixed] {n}") for n, v in fixed_raw.items()}

    design = _table(data, "design", where, required=True)
    _known(design, DESIGN_KEYS, where, "[design]")
    method = _str(design, "method", f"{where}: [design]", None)
    if method not in METHODS:
        raise UserError(
            f"{where}: [design] unknown method '{method}'{_suggest(method, list(METHODS))}; "
            f"expected one of {', '.join(METHODS)}"
        )
    for key in design:
        if key not in ("method", "parameters") and key not in DESIGN_OPTIONS[method]:
            raise UserError(f"{where}: [design] '{key}' does not apply to method '{method}'")
    dw = f"{where}: [design]"
    options: dict[str, Any] = {}
    if method == "lhs":
        options["samples"] = _int(design, "samples", dw, None, 2, MAX_RUNS)
    elif method == "morris":
        options["trajectories"] = _int(design, "trajectories", dw, None, 2, 100_000)
        options["levels"] = _int(design, "levels", dw, 4, 2, 1000)
        if options["levels"] % 2:
            raise UserError(f"{dw} 'levels' = {options['levels']}: Morris needs an even number of levels")
    elif method == "sobol":
        n = _int(design, "samples", dw, None, 1, MAX_RUNS)
        if not is_power_of_two(n):
            lo = 1 << (n.bit_length() - 1)
            raise UserError(
                f"{dw} 'samples' = {n}: SALib's Sobol' sample needs a power of two (N), e.g. {lo} or {lo * 2}"
            )
        options["samples"] = n
        options["second_order"] = _bool(design, "second_order", dw, False)

    crn = _bool(head, "common_random_numbers", f"{where}: [sweep]", method in ("morris", "sobol"))
    params = _param_names(_table(design, "parameters", where, required=True), where, "[design.parameters]")
    if not params:
        raise UserError(f"{where}: [design.parameters] names no parameter to sweep")
    if method in ("morris", "sobol") and len(params) < 2:
        raise UserError(f"{where}: [design.parameters] method {method} needs at least two parameters")
    for n in params:
        if n in fixed:
            raise UserError(f"{where}: parameter '{n}' is both in [fixed] and in [design.parameters]")
    factors = [
        _grid_factor(n, v, where) if method == "grid" else _range_factor(n, v, where, method)
        for n, v in params.items()
    ]

    check_runs(design_size(method, factors, options) * replicates, f"{where}: [design] x replicates")

    # A mechanism parameter needs its mechanism on (scenario, [fixed], or KEY.enabled swept in the grid):
    # the same rule as --set and the Python API (storage.inputs.check_mechanisms_on).
    swept = set(params)
    on_by_sweep = {f"{PARAMETERS[n].mechanism}.enabled": True for n in swept if n.endswith(".enabled")}
    hint = '"{switch}" = true in [fixed]'
    check_mechanisms_on(fixed, {**scen.params, **fixed, **on_by_sweep}, scen.params, scen.name,
                        f"{where}: [fixed]", hint)
    check_mechanisms_on({n: None for n in params}, {**scen.params, **fixed, **on_by_sweep}, scen.params,
                        scen.name, f"{where}: [design.parameters]", hint)

    outcomes_raw = data.get("outcomes")
    if not isinstance(outcomes_raw, list) or not outcomes_raw:
        raise UserError(f"{where}: missing [[outcomes]] (at least one: metric and statistic)")
    outcomes = [_outcome(item, where, weeks, i) for i, item in enumerate(outcomes_raw)]
    names = [o.name for o in outcomes]
    dup = sorted({n for n in names if names.count(n) > 1})
    if dup:
        raise UserError(f"{where}: [[outcomes]] name '{dup[0]}' used twice; give each outcome its own name")

    sens = _table(data, "sensitivity", where)
    _known(sens, SENSITIVITY_KEYS, where, "[sensitivity]")
    sw = f"{where}: [sensitivity]"
    conf = sens.get("conf_level", 0.95)
    if isinstance(conf, bool) or not isinstance(conf, int | float) or not 0.5 <= conf < 1:
        raise UserError(f"{sw} 'conf_level' expected a number in [0.5, 1), got {conf!r}")
    plots = sens.get("plots", list(PLOT_FORMATS))
    if not isinstance(plots, list) or any(p not in PLOT_FORMATS for p in plots):
        raise UserError(f"{sw} 'plots' expected a list of formats from {list(PLOT_FORMATS)}, got {plots!r}")
    sensitivity = SensitivityOptions(
        auto=_bool(sens, "auto", sw, True),
        conf_level=float(conf),
        num_resamples=_int(sens, "num_resamples", sw, 1000, 10, 1_000_000),
        plots=tuple(dict.fromkeys(plots)),
    )

    base = dict(scen.params)
    base.update(fixed)
    check_consistency(base, f"{where}: [fixed]")
    return SweepSpec(
        path=path,
        sha256=hashlib.sha256(raw).hexdigest(),
        text=raw.decode("utf-8"),
        name=name,
        description=_str(head, "description", f"{where}: [sweep]", ""),
        scenario=scenario,
        scenario_name=scen.name,
        scenario_params=dict(scen.params),
        weeks=weeks,
        replicates=replicates,
        seed=seed,
        crn=crn,
        series=series,
        fixed=fixed,
        method=method,
        options=options,
        factors=factors,
        outcomes=outcomes,
        sensitivity=sensitivity,
        overrides=overrides,
    )


# --------------------------------------------------------------------------- design, seeds, manifest


def design_seed(base_seed: int) -> int:
    """The seed SALib's samplers and bootstrap get: 32 bits from ``SeedSequence(base_seed)``."""
    return int(np.random.SeedSequence(base_seed).generate_state(1, np.uint32)[0])


def run_seed(base_seed: int, point: int, replicate: int, crn: bool = False) -> int:
    """The seed of run (point, replicate): 63 bits of ``SeedSequence(base_seed, spawn_key=(point, replicate))``.

    With common random numbers the key is ``(replicate,)``: replicate r has the same seed at every point.
    """
    key = (replicate,) if crn else (point, replicate)
    state = np.random.SeedSequence(base_seed, spawn_key=key).generate_state(1, np.uint64)[0]
    return int(state >> np.uint64(1))


def design_size(method: str, factors: list[Factor], options: dict[str, Any]) -> int:
    """Design points of a sweep, computed arithmetically (nothing is built): grid = product of the value
    counts, lhs = samples, morris = trajectories x (D + 1), sobol = N x (D + 2) or N x (2D + 2)."""
    d = len(factors)
    if method == "grid":
        return math.prod(len(f.values or ()) for f in factors)
    if method == "lhs":
        return int(options["samples"])
    if method == "morris":
        return int(options["trajectories"]) * (d + 1)
    return int(options["samples"]) * ((2 * d + 2) if options["second_order"] else (d + 2))


def build_design(spec: SweepSpec) -> Design:
    """The design points of a sweep, checked for cross-parameter rules (e.g. youth + retired share ≤ 1)."""
    from experiments import designs
    from model.model import check_consistency
    from storage.inputs import check_households

    seed = design_seed(spec.seed)
    if spec.method == "grid":
        design = designs.grid_design(spec.factors)
    elif spec.method == "lhs":
        design = designs.lhs_design(spec.factors, spec.options["samples"], seed)
    elif spec.method == "morris":
        design = designs.morris_design(
            spec.factors, spec.options["trajectories"], spec.options["levels"], seed
        )
    else:
        design = designs.sobol_design(
            spec.factors, spec.options["samples"], spec.options["second_order"], seed
        )
    base = dict(spec.scenario_params)
    base.update(spec.fixed)
    for i, point in enumerate(design.points):
        shown = ", ".join(f"{k}={v!r}" for k, v in point.items())
        check_consistency({**base, **point}, f"{spec.path}: design point {i} ({shown})")
        check_households({**base, **point}, f"{spec.path}: design point {i} ({shown})")
    return design


def _run_id_format(points: int, replicates: int) -> tuple[int, int]:
    return max(4, len(str(points - 1))), max(2, len(str(replicates - 1)))


def run_id(point: int, replicate: int, widths: tuple[int, int]) -> str:
    """``p0003-r01``: zero-padded so that sorting run ids sorts by point, then replicate."""
    return f"p{point:0{widths[0]}d}-r{replicate:0{widths[1]}d}"


def _params_sha256(params: dict[str, Any]) -> str:
    return hashlib.sha256(json.dumps(params, sort_keys=True).encode()).hexdigest()


def make_manifest(spec: SweepSpec, design: Design) -> dict[str, Any]:
    """Everything needed to rerun, resume or analyse the sweep without its sweep file."""
    widths = _run_id_format(len(design.points), spec.replicates)
    runs = [
        {
            "run_id": run_id(p, r, widths),
            "point": p,
            "replicate": r,
            "seed": run_seed(spec.seed, p, r, spec.crn),
        }
        for p in range(len(design.points))
        for r in range(spec.replicates)
    ]
    return {
        "format": FORMAT,
        "name": spec.name,
        "description": spec.description,
        "sweep_file": str(spec.path),
        "sweep_sha256": spec.sha256,
        "sweep_text": spec.text,
        "command_line_overrides": spec.overrides,
        "scenario": spec.scenario,
        "scenario_name": spec.scenario_name,
        "scenario_params_sha256": _params_sha256(spec.scenario_params),
        "weeks": spec.weeks,
        "replicates": spec.replicates,
        "base_seed": spec.seed,
        "design_seed": design_seed(spec.seed),
        "common_random_numbers": spec.crn,
        "series": spec.series,
        "fixed": spec.fixed,
        "design": {
            "method": spec.method,
            "options": spec.options,
            "factors": [f.to_json() for f in spec.factors],
            "points": len(design.points),
            "matrix": None if design.matrix is None else design.matrix.tolist(),
        },
        "outcomes": [asdict(o) for o in spec.outcomes],
        "sensitivity": {**asdict(spec.sensitivity), "plots": list(spec.sensitivity.plots)},
        "points": design.points,
        "runs": runs,
        "versions": _versions(),
        "created": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
    }


def _versions() -> dict[str, str]:
    from importlib.metadata import PackageNotFoundError, version

    from storage.outputs import versions

    info = versions()
    for package in ("SALib", "dask", "distributed", "pyarrow"):
        with contextlib.suppress(PackageNotFoundError):
            info[package] = version(package)
    return info


def tasks_from_manifest(manifest: dict[str, Any]) -> list[RunTask]:
    """The sweep's runs, in run-id order, as engine tasks (overrides = fixed values + the point's values)."""
    fixed, points = manifest["fixed"], manifest["points"]
    return [
        RunTask(
            run_id=r["run_id"],
            scenario=manifest["scenario"],
            seed=int(r["seed"]),
            weeks=int(manifest["weeks"]),
            overrides={**fixed, **points[r["point"]]},
        )
        for r in manifest["runs"]
    ]


def outcomes_from_manifest(manifest: dict[str, Any]) -> tuple[Outcome, ...]:
    """The sweep's outcomes."""
    return tuple(Outcome(**o) for o in manifest["outcomes"])


# --------------------------------------------------------------------------- the per-run task (workers)


def task_fingerprint(task: RunTask) -> str:
    """sha256 of what defines a run (run id, scenario, seed, weeks, parameter values), kept in its run
    file's metadata, so a resume can tell a run of this design from a file another sweep left."""
    text = json.dumps([task.run_id, task.scenario, task.seed, task.weeks, task.overrides], sort_keys=True,
                      default=repr)
    return hashlib.sha256(text.encode()).hexdigest()


def run_task(task: RunTask, outcomes: tuple[Outcome, ...], series: str = "outcomes") -> pd.DataFrame:
    """Run one model and return its outcomes (and weekly series), long: ``kind, name, week, value``.

    ``kind`` is ``"outcome"`` (``week`` null) or ``"series"``. Runs in a worker; the model is released
    (``run_scenario`` calls ``model.remove()``), so a worker's memory stays flat over thousands of runs.
    """
    from model.runner import run_scenario

    frame = run_scenario(task.scenario, seed=task.seed, weeks=task.weeks, overrides=task.overrides)
    parts = [
        pd.DataFrame(
            {
                "kind": "outcome",
                "name": [o.name for o in outcomes],
                "week": pd.array([None] * len(outcomes), dtype="Int64"),
                "value": np.array([o.compute(frame[o.metric].to_numpy(dtype=float)) for o in outcomes]),
            }
        )
    ]
    if series != "none":
        metrics = (
            [c for c in frame.columns if c != "week"]
            if series == "all"
            else list(dict.fromkeys(o.metric for o in outcomes))
        )
        weeks = frame["week"].to_numpy()
        for metric in metrics:
            parts.append(
                pd.DataFrame(
                    {
                        "kind": "series",
                        "name": metric,
                        "week": pd.array(weeks, dtype="Int64"),
                        "value": frame[metric].to_numpy(dtype=float),
                    }
                )
            )
    result = pd.concat(parts, ignore_index=True)
    result.attrs[FINGERPRINT_ATTR] = task_fingerprint(task)
    return result


# --------------------------------------------------------------------------- driver


def _start_pool(jobs: int | None, scheduler: str | None, run_fn: Callable[..., Any]) -> WorkerPool:
    """Start the pool or connect to Dask and check a worker can load the run function (UserError if not)."""
    pool = WorkerPool(jobs, scheduler).check(run_fn)
    executor = pool()
    if isinstance(executor, DaskExecutor):
        with contextlib.suppress(Exception):
            threads = executor.client.nthreads()
            if any(n > 1 for n in threads.values()):
                print(
                    "warning: some Dask workers have more than one thread; start them with --nthreads 1 "
                    "(the model is pure Python, threads only contend)",
                    file=sys.stderr,
                )
    return pool


def _check_folder(out: Path, spec: SweepSpec, resume: bool) -> dict[str, Any] | None:
    """Refuse an unusable output folder before anything is written; on --resume return its manifest."""
    if out.exists() and not out.is_dir():
        raise UserError(f"--out {out}: exists and is not a folder")
    if not out.exists() or not any(p.name != LOCK_FILE for p in out.iterdir()):
        return None
    if not resume:
        raise UserError(
            f"--out {out}: folder is not empty; add --resume to continue the sweep in it, or choose another folder"
        )
    manifest = read_manifest(out, flag="--resume")
    if manifest.get("sweep_sha256") != spec.sha256:
        raise UserError(
            f"--resume {out}: made by a different sweep file ({manifest.get('sweep_file')}, sha256 "
            f"{str(manifest.get('sweep_sha256'))[:12]}) than {spec.path} (sha256 {spec.sha256[:12]}); nothing changed"
        )
    if manifest.get("command_line_overrides", {}) != spec.overrides:
        started = " ".join(f"{OVERRIDE_FLAGS[k]} {v}" for k, v in manifest.get("command_line_overrides", {}).items())
        raise UserError(f"--resume {out}: the sweep started with {started or 'no --replicates/--weeks/--samples'}; "
                        f"resume it with the same flags")
    if manifest.get("scenario_params_sha256") != _params_sha256(spec.scenario_params):
        raise UserError(
            f"--resume {out}: scenario '{spec.scenario_name}' has changed since the sweep started; "
            "its runs would not be comparable, start a new folder"
        )
    return manifest


def _remove_if_only_lock(out: Path) -> None:
    with contextlib.suppress(OSError):
        if [p.name for p in out.iterdir()] == [LOCK_FILE]:
            (out / LOCK_FILE).unlink()
            out.rmdir()


def _warn_if_code_changed(manifest: dict[str, Any]) -> None:
    current = _versions().get("git_commit")
    started_at = str(manifest.get("versions", {}).get("git_commit", "?"))
    if current and current != started_at:
        print(
            f"warning: code version differs from the sweep's start (git {started_at[:10]} → {current[:10]}); "
            "runs made before and after may differ",
            file=sys.stderr,
        )


def run_sweep(
    sweep_file: str | Path,
    out: str | Path | None = None,
    *,
    jobs: int | None = None,
    scheduler: str | None = None,
    resume: bool = False,
    progress: bool = True,
    analyse: bool | None = None,
    plots: bool = True,
    pool: WorkerPool | None = None,
    overrides: dict[str, int] | None = None,
) -> dict[str, Any]:
    """Validate, plan, run (skipping finished runs on resume), then write results and the analysis.

    ``overrides``: ``replicates``, ``weeks``, ``samples`` in place of the file's (see `load_sweep`).

    ``plots=False`` leaves out the sweep file's plots (``run.py sensitivity DIR`` draws them later).
    ``pool``: a running `WorkerPool` to use (and leave running) instead of starting one from
    ``jobs``/``scheduler``. Returns a summary dict (out, runs, completed, skipped, failed, seconds,
    written files).
    """
    from storage.inputs import cap_jobs, check_out

    started = time.monotonic()
    spec = load_sweep(sweep_file, overrides)
    out_dir = check_out(out) if out is not None else Path("out") / "sweeps" / spec.name
    jobs = cap_jobs(jobs)
    existing = _check_folder(out_dir, spec, resume)  # read-only: refuse before anything is written
    manifest = make_manifest(spec, build_design(spec)) if existing is None else existing
    tasks = tasks_from_manifest(manifest)
    run_fn = functools.partial(run_task, outcomes=outcomes_from_manifest(manifest), series=manifest["series"])
    todo = len(set(t.run_id for t in tasks) - completed_run_ids(out_dir))

    own = pool is None
    created = not out_dir.exists()
    # Workers start before the folder lock is taken: forked workers would inherit the lock's file and
    # hold the folder after this sweep ended.
    if pool is None:
        pool = _start_pool(jobs, scheduler, run_fn) if todo else WorkerPool(jobs, scheduler)
    elif todo:
        pool.check(run_fn)
    try:
        # The folder lock comes before the first byte: a second sweep into the same folder is refused
        # before it can touch the manifest. Under the lock, look at the folder again (it may have
        # been filled since the check above).
        with folder_lock(out_dir):
            now = _check_folder(out_dir, spec, resume)
            if existing is None and now is not None:
                manifest, tasks = now, tasks_from_manifest(now)
            if existing is None and now is None:
                write_json(out_dir / MANIFEST, manifest)
            else:
                _warn_if_code_changed(manifest)
            report = execute(tasks, run_fn, out_dir, pool, resume=True, progress=progress, locked=True,
                             fingerprint=task_fingerprint)  # every run file must belong to this design
            do_analyse = manifest["sensitivity"]["auto"] if analyse is None else analyse
            results, analysis, written = write_results_and_analysis(out_dir, manifest, do_analyse, plots)
            notes = analysis.notes if analysis is not None else []
    except BaseException:
        if created:  # refused before the first byte (e.g. no Dask scheduler): leave no folder behind
            _remove_if_only_lock(out_dir)
        raise
    finally:
        if own:
            pool.close()
    return {
        "out": out_dir,
        "runs": len(tasks),
        "completed": len(report.completed),
        "skipped": report.skipped,
        "failed": dict(report.failed),
        "pool_rebuilds": report.pool_rebuilds,
        "seconds": time.monotonic() - started,
        "written": written,
        "notes": notes,
    }


def write_results_and_analysis(out_dir: Path, manifest: dict[str, Any], analyse: bool, plots: bool
                               ) -> tuple[pd.DataFrame, Any, list[Path]]:
    """Write results.parquet and (with `analyse`) sensitivity.csv and the plots together or not at all:
    into a staging folder beside the sweep folder, moved in when all are written. Returns the results,
    the analysis (None without `analyse`) and the written files as they are named in `out_dir`."""
    with staged_folder(out_dir) as stage:
        results_path, results = write_results(out_dir, manifest, into=stage)
        analysis = analyse_sweep(out_dir, manifest, results, plots=plots, into=stage) if analyse else None
        staged = [results_path, *(analysis.written if analysis is not None else [])]
        written = [out_dir / Path(p).relative_to(stage) for p in staged]
    return results, analysis, written


# --------------------------------------------------------------------------- command line


def cmd_sweep(args: argparse.Namespace) -> int:
    """``run.py sweep``."""
    if args.dry_run:
        spec = load_sweep(args.sweep_file, _overrides(args))
        design = build_design(spec)
        n = len(design.points)
        print(
            f"{spec.name}: {spec.method} design over {', '.join(design.names)}; {n} points × "
            f"{spec.replicates} replicates = {n * spec.replicates} runs of {spec.weeks} weeks on "
            f"scenario {spec.scenario_name}; outcomes: {', '.join(o.name for o in spec.outcomes)}"
        )
        return 0
    summary = run_sweep(
        args.sweep_file,
        args.out,
        jobs=args.jobs,
        scheduler=args.scheduler,
        resume=args.resume,
        progress=not args.quiet,
        plots=not args.no_plots,
        overrides=_overrides(args),
    )
    failed = summary["failed"]
    print(
        f"{summary['runs']} runs: {summary['completed']} done now, {summary['skipped']} already done, "
        f"{len(failed)} failed; {summary['seconds']:.1f} s"
    )
    for note in summary["notes"]:
        print(f"note: {note}", file=sys.stderr)
    print("wrote " + ", ".join(str(p) for p in summary["written"]))
    if failed:
        print(
            f"{len(failed)} run(s) failed (see {summary['out'] / 'failed'}); `--resume` retries them",
            file=sys.stderr,
        )
        return 1
    return 0


def cmd_sensitivity(args: argparse.Namespace) -> int:
    """``run.py sensitivity DIR``."""
    out = Path(args.dir)
    manifest = read_manifest(out)
    results, analysis, written = write_results_and_analysis(out, manifest, analyse=True, plots=True)
    for note in analysis.notes:
        print(f"note: {note}", file=sys.stderr)
    done = results["run_id"].nunique() if len(results) else 0
    if done:
        from experiments.sensitivity import ranking, ranking_text

        print(ranking_text(manifest, ranking(manifest, results, analysis.indices)))
    print(
        f"{done} of {len(manifest['runs'])} runs finished; wrote "
        + ", ".join(str(p) for p in written)
    )
    return 1 if analysis.incomplete else 0


SWEEP_EXAMPLES = """\
examples:
  run.py sweep scenarios/sweeps/buck_passing_grid.toml --jobs 2
  run.py sweep scenarios/sweeps/points_sobol.toml --samples 8 --replicates 1 --weeks 26 --out out/try
  run.py sweep scenarios/sweeps/owner_share_lhs.toml --dry-run --samples 16
  run.py sweep my_sweep.toml --scheduler tcp://10.0.0.5:8786 --out out/big --resume
"""


def add_cli(sub: Any) -> None:
    """Register ``sweep`` and ``sensitivity`` with run.py."""
    p = sub.add_parser(
        "sweep", help="many runs over a design (grid, Latin hypercube, Morris, Sobol)",
        description="Run a sweep file's design (format: top of experiments/sweep.py; examples in "
                    "scenarios/sweeps/), write one file per run, then results.parquet, sensitivity indices "
                    "and plots. --replicates, --weeks and --samples shrink or grow it without editing the file.",
        epilog=SWEEP_EXAMPLES, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("sweep_file", metavar="FILE", help="a sweep file (TOML), e.g. scenarios/sweeps/points_sobol.toml")
    p.add_argument("--replicates", type=_positive, default=None, metavar="N",
                   help="runs per design point, in place of the file's [sweep] replicates")
    p.add_argument("--weeks", type=_positive, default=None, metavar="W",
                   help="weeks per run, in place of the file's [sweep] weeks")
    p.add_argument("--samples", type=_positive, default=None, metavar="N",
                   help="design size in place of the file's: lhs points, Sobol' N (a power of two) or Morris "
                        "trajectories; not for grids")
    where = p.add_mutually_exclusive_group()
    where.add_argument("--jobs", type=parse_jobs, default=None, metavar="N",
                       help="local worker processes (default: all cores); results do not depend on it")
    where.add_argument(
        "--scheduler", default=None, metavar="tcp://HOST:PORT",
        help="a running Dask scheduler to run on instead of local processes (needs the [cluster] extra)"
    )
    p.add_argument("--out", default=None, metavar="DIR", help="output folder (default out/sweeps/NAME)")
    p.add_argument(
        "--resume", action="store_true", help="continue a sweep in --out: run only what is missing"
    )
    p.add_argument(
        "--dry-run", action="store_true", help="check the file and print the number of runs; write nothing"
    )
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.add_argument(
        "--no-plots", action="store_true", help="skip the plots (`run.py sensitivity DIR` draws them later)"
    )
    p.set_defaults(handler=cmd_sweep)

    s = sub.add_parser(
        "sensitivity", help="results, sensitivity indices and plots of a sweep folder",
        description="(Re)compute a sweep folder's results.parquet, sensitivity indices and plots from its run "
                    "files (e.g. after --no-plots or an interrupted sweep), and print each outcome's parameter "
                    "ranking.",
        epilog="example:\n  run.py sensitivity out/sweeps/points_sobol",
        formatter_class=argparse.RawDescriptionHelpFormatter)
    s.add_argument("dir", metavar="DIR", help="the folder a sweep wrote (its --out), e.g. out/sweeps/points_sobol")
    s.set_defaults(handler=cmd_sensitivity)


def _positive(text: str) -> int:
    """A whole number, 1 or more (argparse blames the flag it was given to)."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a whole number, 1 or more, got {value}")
    return value


def _overrides(args: argparse.Namespace) -> dict[str, int]:
    return {k: getattr(args, k) for k in OVERRIDE_FLAGS if getattr(args, k, None) is not None}
