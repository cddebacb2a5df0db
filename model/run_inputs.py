"""Checks on the values a run is given, made before anything is built or written: the model's
constructor, the command line, the scenario loader and the experiments all check through here.

- **sizes** (`households`, `check_households`, `check_runs`): computed arithmetically from the
  parameters before anything is allocated, refused with the limit and how to raise it (an environment
  variable, `LIMITS`);
- **the seed** (`check_seed`);
- **parameters of a mechanism that is off** (`check_mechanisms_on`): they would be silently ignored.

Every refusal is a `UserError` (one line, exit status 2). Files a person hands cogov are read by
`storage.inputs`, which sits above the model; nothing here touches a file.

>>> households({"n_communities": 2, "grids": 3, "buildings_per_grid": 4, "households_per_building": 10})
240
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

from model.errors import UserError, one_line, shown

__all__ = [
    "LIMITS", "limit", "SIZE_PARAMETERS", "households", "check_households", "check_runs", "MAX_SEED", "check_seed",
    "PYTHON_SWITCH", "check_mechanisms_on",
]  # fmt: skip

MAX_SEED = 2**63 - 1

#: Size limits: name -> (environment variable, default, what it counts). Raise one by setting the
#: variable, e.g. ``COGOV_MAX_HOUSEHOLDS=2000000 python run.py run ...``.
LIMITS: dict[str, tuple[str, int, str]] = {
    # ~1.3 KB a household (benchmarks/results.md): a million households is ~1.3 GB of model state.
    "households": ("COGOV_MAX_HOUSEHOLDS", 1_000_000, "households in one run"),
    # A sweep writes one small file per run and its manifest lists every run.
    "sweep_runs": ("COGOV_MAX_RUNS", 200_000, "runs in one sweep"),
    # A comparison keeps every run's weekly table in memory (~70 metrics x weeks x runs).
    "compare_runs": ("COGOV_MAX_COMPARE_RUNS", 5_000, "runs in one comparison (scenarios x --reps)"),
}


def limit(key: str) -> int:
    """The current value of a size limit (its environment variable, else the default)."""
    var, default, _ = LIMITS[key]
    text = os.environ.get(var, "").strip()
    if not text:
        return default
    try:
        value = int(text.replace("_", ""))
    except ValueError:
        raise UserError(f"environment variable {var}={shown(text)}: expected a whole number") from None
    if value < 1:
        raise UserError(f"environment variable {var}={value}: expected 1 or more")
    return value


def _refuse_size(key: str, count: int, where: str, detail: str = "") -> None:
    var, _, what = LIMITS[key]
    cap = limit(key)
    if count > cap:
        raise UserError(f"{where}: {count:,} {what}{detail} is more than the limit of {cap:,}; "
                        f"if you mean it, raise the limit with the environment variable {var}={count}")


# ----------------------------------------------------------------------------- sizes


#: The parameters whose product is the number of households.
SIZE_PARAMETERS = ("n_communities", "grids", "buildings_per_grid", "households_per_building")


def households(params: Mapping[str, Any]) -> int:
    """Households in the street the parameters describe (communities x grids x buildings x households)."""
    return (int(params["n_communities"]) * int(params["grids"]) * int(params["buildings_per_grid"])
            * int(params["households_per_building"]))


def check_households(params: Mapping[str, Any], where: str) -> None:
    """Refuse a street larger than the household limit (each value may be in range, the product not)."""
    n = households(params)
    _refuse_size("households", n, where, detail=(
        f" ({params['n_communities']} communities x {params['grids']} grids x {params['buildings_per_grid']} "
        f"buildings x {params['households_per_building']} households)"))


def check_runs(runs: int, where: str, key: str = "sweep_runs") -> None:
    """Refuse a number of runs (sweep design x replicates, or scenarios x --reps) above its limit."""
    _refuse_size(key, runs, where)


# ----------------------------------------------------------------------------- the seed


def check_seed(seed: Any, flag: str = "--seed") -> int:
    """A seed: a whole number in [0, 2^63 − 1]."""
    if isinstance(seed, bool) or not isinstance(seed, int) or not 0 <= seed <= MAX_SEED:
        raise UserError(f"{flag} {shown(seed)}: expected a whole number in [0, 2^63 - 1]")
    return seed


# ----------------------------------------------------------------------------- mechanisms

#: How the Python API is told to switch a mechanism on (hint of `check_mechanisms_on`).
PYTHON_SWITCH = "{kwarg}=True (on the command line: --set {switch}=true)"


def check_mechanisms_on(changed: Mapping[str, Any], params: Mapping[str, Any], scenario_params: Mapping[str, Any],
                        scenario_name: str, where: str, how_to_enable: str) -> None:
    """Refuse a changed parameter of a mechanism that is off: it would be silently ignored.

    `changed` maps parameter names (``KEY.NAME``) to the values asked for; `params` are the values the
    run will use (switches included); `scenario_params` the scenario's own. Setting a parameter to the
    value it already has is no change and passes (the app hands every parameter over).
    `how_to_enable` is the caller's spelling of a switch, with ``{switch}`` (``points.enabled``) or
    ``{kwarg}`` (``points__enabled``) where it goes, e.g. ``"--set {switch}=true"``. The names are
    declared ones (checked before): ``KEY.NAME`` is a parameter of mechanism ``KEY``, a plain name a core
    parameter (docs/ARCHITECTURE.md), so this needs no look-up in the declaration.
    """
    for name, value in changed.items():
        mech = name.split(".", 1)[0] if "." in name else None
        if mech is None or name == f"{mech}.enabled":
            continue
        switch = f"{mech}.enabled"
        if params.get(switch) or value == scenario_params.get(name):
            continue
        raise UserError(f"{where}: '{name}' belongs to mechanism '{mech}', which is off in scenario "
                        f"'{one_line(scenario_name)}', so it would be ignored; switch the mechanism on with "
                        f"{how_to_enable.format(switch=switch, kwarg=switch.replace('.', '__'))}, or use a scenario "
                        "that enables it")
