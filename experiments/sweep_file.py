"""The sweep file: read and validate it into a `SweepSpec` (`load_sweep`); nothing here runs a model.

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
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from experiments.designs import METHODS, Factor, is_power_of_two
from experiments.spec_header import SpecHeader, param_names, read_header
from model.errors import UserError
from storage.toml_fields import Fields, check_keys, section

__all__ = [
    "Outcome",
    "SensitivityOptions",
    "SweepSpec",
    "load_sweep",
    "design_size",
    "OVERRIDE_FLAGS",
    "STATISTICS",
    "SERIES_CHOICES",
    "PLOT_FORMATS",
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
class SweepSpec(SpecHeader):
    """A validated sweep file: its header (`experiments.spec_header.SpecHeader`) and the sweep itself."""

    replicates: int
    crn: bool
    series: str
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


def _grid_factor(name: str, spec: Any, where: str) -> Factor:
    from model.parameters import PARAMETERS

    p = PARAMETERS[name]
    here = f"{where}: [design.parameters] {name}"
    if isinstance(spec, dict):
        check_keys(spec, ("low", "high", "num"), f"{where}: [design.parameters] {name}:")
        if p.kind is bool:
            raise UserError(f"{here}: true/false parameter; list its values, e.g. [false, true]")
        if "low" not in spec or "high" not in spec or "num" not in spec:
            raise UserError(
                f"{here}: a grid range needs low, high and num (e.g. {{ low = 0, high = 1, num = 5 }})"
            )
        low, high = p.check(spec["low"], here), p.check(spec["high"], here)
        num = Fields(spec, here).integer("num", None, 1, 100_000)
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
        check_keys(spec, ("low", "high"), f"{where}: [design.parameters] {name}:")
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
    check_keys(item, OUTCOME_KEYS, here)
    fields = Fields(item, here)
    metric = fields.string("metric")
    if metric not in REPORTERS:
        raise UserError(f"{here}: unknown metric '{metric}'{_suggest(metric, list(REPORTERS))}")
    statistic = fields.string("statistic", "final")
    if statistic not in STATISTICS:
        raise UserError(
            f"{here}: unknown statistic '{statistic}'{_suggest(statistic, STATISTICS)}; "
            f"expected one of {', '.join(STATISTICS)}"
        )
    last = item.get("last_weeks")
    if last is not None:
        if statistic == "final":
            raise UserError(f"{here}: 'last_weeks' does not apply to statistic 'final'")
        last = fields.integer("last_weeks", None, 1, weeks)
    default = f"{metric}_{statistic}" + (f"_last{last}" if last else "")
    name = fields.string("name", default)
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
    from model.parameters import PARAMETERS
    from model.run_inputs import check_mechanisms_on, check_runs

    path = Path(path_text)
    raw, data = _read(path)
    where = str(path)
    overrides = {k: v for k, v in (overrides or {}).items() if v is not None}
    if overrides:
        data = _apply_overrides(data, overrides, where)
    check_keys(data, TOP_KEYS, f"{where}:", unknown="unknown section [{key}]")
    head_table = section(data, "sweep", where, required=True)
    check_keys(head_table, SWEEP_KEYS, f"{where}: [sweep]")
    head = Fields(head_table, f"{where}: [sweep]")
    header = read_header(path, raw, data, head, "[sweep]")
    if not _SAFE_NAME.match(header.name):
        raise UserError(f"{where}: [sweep] name {header.name!r} must be letters, digits, '_', '.' or '-'")
    weeks, fixed = header.weeks, header.fixed
    replicates = head.integer("replicates", 1, 1, 100_000)
    series = head.string("series", "outcomes")
    if series not in SERIES_CHOICES:
        raise UserError(f"{where}: [sweep] series {series!r}: expected one of {', '.join(SERIES_CHOICES)}")

    design_table = section(data, "design", where, required=True)
    check_keys(design_table, DESIGN_KEYS, f"{where}: [design]")
    design = Fields(design_table, f"{where}: [design]")
    method = design.string("method")
    if method not in METHODS:
        raise UserError(
            f"{where}: [design] unknown method '{method}'{_suggest(method, list(METHODS))}; "
            f"expected one of {', '.join(METHODS)}"
        )
    for key in design_table:
        if key not in ("method", "parameters") and key not in DESIGN_OPTIONS[method]:
            raise UserError(f"{where}: [design] '{key}' does not apply to method '{method}'")
    dw = f"{where}: [design]"
    options: dict[str, Any] = {}
    if method == "lhs":
        options["samples"] = design.integer("samples", None, 2, MAX_RUNS)
    elif method == "morris":
        options["trajectories"] = design.integer("trajectories", None, 2, 100_000)
        options["levels"] = design.integer("levels", 4, 2, 1000)
        if options["levels"] % 2:
            raise UserError(f"{dw} 'levels' = {options['levels']}: Morris needs an even number of levels")
    elif method == "sobol":
        n = design.integer("samples", None, 1, MAX_RUNS)
        if not is_power_of_two(n):
            lo = 1 << (n.bit_length() - 1)
            raise UserError(
                f"{dw} 'samples' = {n}: SALib's Sobol' sample needs a power of two (N), e.g. {lo} or {lo * 2}"
            )
        options["samples"] = n
        options["second_order"] = design.boolean("second_order", False)

    crn = head.boolean("common_random_numbers", method in ("morris", "sobol"))
    params = param_names(section(design_table, "parameters", where, required=True), where, "[design.parameters]",
                         "[sweep]")
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
    # the same rule as --set and the Python API (model.run_inputs.check_mechanisms_on).
    swept = set(params)
    on_by_sweep = {f"{PARAMETERS[n].mechanism}.enabled": True for n in swept if n.endswith(".enabled")}
    hint = '"{switch}" = true in [fixed]'
    scen_params, scen_name = header.scenario_params, header.scenario_name
    check_mechanisms_on(fixed, {**scen_params, **fixed, **on_by_sweep}, scen_params, scen_name,
                        f"{where}: [fixed]", hint)
    check_mechanisms_on({n: None for n in params}, {**scen_params, **fixed, **on_by_sweep}, scen_params,
                        scen_name, f"{where}: [design.parameters]", hint)

    outcomes_raw = data.get("outcomes")
    if not isinstance(outcomes_raw, list) or not outcomes_raw:
        raise UserError(f"{where}: missing [[outcomes]] (at least one: metric and statistic)")
    outcomes = [_outcome(item, where, weeks, i) for i, item in enumerate(outcomes_raw)]
    names = [o.name for o in outcomes]
    dup = sorted({n for n in names if names.count(n) > 1})
    if dup:
        raise UserError(f"{where}: [[outcomes]] name '{dup[0]}' used twice; give each outcome its own name")

    sens_table = section(data, "sensitivity", where)
    check_keys(sens_table, SENSITIVITY_KEYS, f"{where}: [sensitivity]")
    sens = Fields(sens_table, f"{where}: [sensitivity]")
    conf = sens.number("conf_level", 0.95, 0.5, 1, open_high=True)
    plots = sens_table.get("plots", list(PLOT_FORMATS))
    if not isinstance(plots, list) or any(p not in PLOT_FORMATS for p in plots):
        raise UserError(f"{sens.where} 'plots' expected a list of formats from {list(PLOT_FORMATS)}, got {plots!r}")
    sensitivity = SensitivityOptions(
        auto=sens.boolean("auto", True),
        conf_level=conf,
        num_resamples=sens.integer("num_resamples", 1000, 10, 1_000_000),
        plots=tuple(dict.fromkeys(plots)),
    )

    return SweepSpec(
        **header.header(),
        replicates=replicates,
        crn=crn,
        series=series,
        method=method,
        options=options,
        factors=factors,
        outcomes=outcomes,
        sensitivity=sensitivity,
        overrides=overrides,
    )


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
