"""Parts of Mesa that cogov never uses are loaded only when something uses them.

``import mesa`` imports every part of Mesa: ``mesa.space`` (the classic grids, which imports networkx)
and ``mesa.experimental.continuous_space`` (which imports scipy.spatial) cost about 0.3 CPU-s together,
a third of a sweep's fixed cost, and cogov uses neither (its agents are ``mesa.Agent``/``mesa.Model``
with numpy arrays; model/space.py is its own). `install()` (called by ``model/__init__.py``, which every
cogov entry point imports before Mesa) puts a finder first on ``sys.meta_path`` that hands out those
modules *deferred*: the module object exists, with its ``__name__``, ``__file__``, ``__path__`` and
``__spec__``, and ``import mesa.space`` binds it, but its code runs on first use of any other attribute
(``mesa.space.MultiGrid``, ``from mesa.space import MultiGrid``), as if it had been imported eagerly.

Why not `importlib.util.LazyLoader`, the standard-library form of this pattern: its modules load on
*any* attribute, ``__file__`` included, and ``mesa.model`` calls ``inspect.stack()`` at import, which reads
``__file__`` of every module in ``sys.modules`` — the deferred modules would load right away. Here the
metadata the import system set is read without loading; everything else loads the module.

Loading is serialised by a lock (the app's threads may touch a deferred module at the same time); a
module that cannot load raises its ImportError at the point of use. ``COGOV_EAGER_IMPORTS=1`` turns
deferral off.
"""

from __future__ import annotations

import os
import sys
import threading
import types
from collections.abc import Sequence
from typing import Any

__all__ = ["DEFERRED", "install", "is_deferred"]

#: Modules that are loaded on first use: Mesa parts cogov does not use, and what each would import.
DEFERRED: dict[str, str] = {
    "mesa.space": "networkx",
    "mesa.experimental.continuous_space": "scipy.spatial",
}

_lock = threading.RLock()
_loading: set[str] = set()  # deferred modules whose code is running


class _DeferredModule(types.ModuleType):
    """A module whose code has not run yet: the first attribute it does not hold runs it."""

    def __getattr__(self, name: str) -> Any:
        _load(self)
        return getattr(self, name)


def _load(module: types.ModuleType) -> None:
    """Run a deferred module's code. Other threads wait until it has run; the loading thread itself
    (an import cycle inside the module's own imports) sees a partly initialised module, as with any import."""
    spec = module.__spec__
    with _lock:
        if type(module) is not _DeferredModule:  # loaded meanwhile by another thread
            return
        if spec.name in _loading:
            raise AttributeError(f"partially initialized module {spec.name!r} (deferred, loading)")
        _loading.add(spec.name)
        loader = spec.loader.loader  # the real loader under the _DeferredLoader
        spec.loader = module.__loader__ = loader
        try:
            loader.exec_module(module)
        except BaseException:
            sys.modules.pop(spec.name, None)  # as after a failed eager import: the next import tries again
            raise
        finally:
            _loading.discard(spec.name)
            module.__class__ = types.ModuleType  # loaded (or failed, its error raised here): a plain module


class _DeferredLoader:
    """Wraps a module's real loader: creating the module is left to it, running its code is deferred.
    (A loader and a finder are protocols; the `importlib.abc` base classes would cost 20 ms to import.)"""

    def __init__(self, loader: Any) -> None:
        self.loader = loader

    def create_module(self, spec: Any) -> types.ModuleType | None:
        return self.loader.create_module(spec)

    def exec_module(self, module: types.ModuleType) -> None:
        module.__class__ = _DeferredModule

    def __getattr__(self, name: str) -> Any:  # get_source, get_resource_reader, ...: the real loader's
        return getattr(self.loader, name)


class _DeferringFinder:
    """First on ``sys.meta_path``: finds the modules in `DEFERRED` through the other finders and
    defers them; every other module is left to the other finders."""

    def find_spec(self, fullname: str, path: Sequence[str] | None, target: types.ModuleType | None = None) -> Any:
        if fullname not in DEFERRED:
            return None
        for finder in sys.meta_path:
            if finder is self or not hasattr(finder, "find_spec"):
                continue
            spec = finder.find_spec(fullname, path, target)
            if spec is not None:
                if spec.loader is not None and hasattr(spec.loader, "exec_module"):
                    spec.loader = _DeferredLoader(spec.loader)
                return spec
        return None


def install() -> None:
    """Defer the modules in `DEFERRED` from now on (once; no effect on modules already imported)."""
    if os.environ.get("COGOV_EAGER_IMPORTS", "") not in ("", "0"):
        return
    if not any(isinstance(f, _DeferringFinder) for f in sys.meta_path):
        sys.meta_path.insert(0, _DeferringFinder())


def is_deferred(name: str) -> bool:
    """True while module ``name`` is imported but its code has not run yet."""
    return type(sys.modules.get(name)) is _DeferredModule
