"""Governance mechanisms, one module each, registered by key (docs/specification.md §7).

Importing this package imports every module in it, so a new mechanism is one new file. The
mechanisms' parameters are declared by model.parameters, after the core ones (``declare_parameters``).
"""

from __future__ import annotations

import importlib
import pkgutil

from model.errors import UserError
from model.mechanisms.base import (
    MECHANISMS,
    PHASES,
    Mechanism,
    MechParam,
    coverage,
    declare_parameters,
    per_1000,
    register,
)
from model.parameter_registry import suggest

__all__ = ["MECHANISMS", "PHASES", "Mechanism", "MechParam", "coverage", "declare_parameters", "get_mechanism",
           "per_1000", "register"]

for _info in sorted(pkgutil.iter_modules(__path__), key=lambda info: info.name):
    if _info.name != "base":
        importlib.import_module(f"{__name__}.{_info.name}")


def get_mechanism(key: str, where: str = "mechanism") -> type[Mechanism]:
    """Look a mechanism up by key; an unknown key is a UserError with the nearest valid key."""
    if key not in MECHANISMS:
        raise UserError(f"{where}: unknown mechanism '{key}'{suggest(key, list(MECHANISMS))}")
    return MECHANISMS[key]
