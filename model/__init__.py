"""cogov: agent-based simulation of urban community co-governance (共建共治共享).

>>> from model import CoGovernanceModel, make_scenario, run_scenario
>>> frame = run_scenario("baseline", seed=1, weeks=4)

The names below are loaded on first use, so ``import model.errors`` (what the command line needs to
report bad input) does not load Mesa and numpy.
"""

from __future__ import annotations

import importlib
from typing import Any

from model.deferred_imports import install as _defer_unused_mesa_parts

_defer_unused_mesa_parts()  # before anything imports Mesa: mesa.space, mesa.experimental.continuous_space on first use

__version__ = "0.1.0"

__all__ = ["CoGovernanceModel", "Scenario", "__version__", "load_scenario", "make_scenario", "run_scenario"]

#: public name -> module that defines it
_EXPORTS = {
    "CoGovernanceModel": "model.model",
    "run_scenario": "experiments.one_run",  # one run joins a scenario to the model: above both
    "Scenario": "scenarios.loader",
    "load_scenario": "scenarios.loader",
    "make_scenario": "scenarios.loader",
}


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        return getattr(importlib.import_module(_EXPORTS[name]), name)
    raise AttributeError(f"module 'model' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_EXPORTS))
