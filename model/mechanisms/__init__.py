"""Governance mechanisms, one module each, registered by key (docs/specification.md §7).

Importing this package imports every module in it, so a new mechanism is one new file.
"""

from __future__ import annotations

import importlib
import pkgutil

from model.mechanisms.base import (
    MECHANISMS,
    PHASES,
    Mechanism,
    MechParam,
    coverage,
    get_mechanism,
    per_1000,
    register,
)

__all__ = ["MECHANISMS", "PHASES", "Mechanism", "MechParam", "coverage", "get_mechanism", "per_1000", "register"]

for _info in sorted(pkgutil.iter_modules(__path__), key=lambda info: info.name):
    if _info.name != "base":
        importlib.import_module(f"{__name__}.{_info.name}")
