"""Three small adaptations of Mesa 3.3.1's SolaraViz, installed once in the server process.

SolaraViz gives the Explore page its sidebar, its Step / Play / Pause / Reset controller, the
parameter card whose values Reset passes to ``Model(**params)``, and its draggable component grid.
Three things it cannot do on its own, and the three names in ``mesa.visualization.solara_viz``
this module rebinds (nothing else of Mesa is touched):

* ``solara`` — Mesa writes its own UI words in English ("Controls", "Reset", "Step: 3"...). The
  module sees a thin proxy of ``solara`` that passes those words through :func:`viz.i18n.mesa_text`,
  so they follow the language switch like everything else. The proxy also keys the sidebar
  column (``sidebar_key``): SolaraViz puts its controller and parameter card in the app layout's
  sidebar through a portal, so remounting SolaraViz alone would keep their state; a new key per
  scenario makes them start afresh with the new scenario's values.
* ``UserInputs`` — Mesa's inputs cannot refuse a bad typed value in place. :func:`install` is
  handed the component that replaces them (the Explore page hands it :func:`viz.controls.CogovInputs`:
  generated, validated, bilingual); that component passes anything it does not draw to Mesa's own
  ``UserInputs`` (:func:`original`). The shim knows no cogov component, so the arrow runs one way
  (``viz.controls`` → ``viz.mesa_shim``).
* ``make_initial_grid_layout`` — Mesa gives every component the same half-width box; the Explore
  components get boxes sized for them (Mesa's layout is kept for any other count).

Pinned to Mesa 3.3.1 (pyproject). :func:`install` checks that the three names exist and raises
``RuntimeError`` otherwise, so a Mesa upgrade fails loudly at start (and in the tests).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import solara

from viz.i18n import mesa_text

__all__ = ["install", "installed", "TranslatingSolara", "EXPLORE_LAYOUT"]

PATCHED = ("solara", "UserInputs", "make_initial_grid_layout")

#: Grid boxes (12 columns, rows of 30 px with 10 px gaps: a box is 40·h − 10 px tall) of the Explore
#: components, in the order given to SolaraViz. Every box holds content of a known height (figures
#: drawn at a fixed size and shrunk with the box's width, a scrolling event log); the headline
#: figures, whose height depends on the language, the scenario and the window, are not in the
#: grid but above it (``viz.explore.ExplorePage``), so they are never cut off.
EXPLORE_LAYOUT: list[dict[str, Any]] = [
    {"i": 0, "x": 0, "y": 0, "w": 6, "h": 16},  # map
    {"i": 1, "x": 6, "y": 0, "w": 6, "h": 8},  # satisfaction
    {"i": 2, "x": 6, "y": 8, "w": 6, "h": 8},  # participation
    {"i": 3, "x": 0, "y": 16, "w": 6, "h": 8},  # issues and resolution time
    {"i": 4, "x": 6, "y": 16, "w": 6, "h": 8},  # fee collection
    {"i": 5, "x": 0, "y": 24, "w": 6, "h": 8},  # firm quality
    {"i": 6, "x": 6, "y": 24, "w": 6, "h": 8},  # event log
]


def _first_or(args: tuple[Any, ...], kwargs: dict[str, Any], key: str) -> tuple[tuple[Any, ...], dict[str, Any]]:
    """Translate the positional text (first argument) or the ``key`` keyword."""
    if args:
        args = (mesa_text(args[0]), *args[1:])
    if key in kwargs:
        kwargs = {**kwargs, key: mesa_text(kwargs[key])}
    return args, kwargs


class _TranslatingV:
    """``solara.v`` with ``Tab`` children translated (Mesa names its tabs "Page 0")."""

    def __init__(self, v: Any) -> None:
        self._v = v

    def __getattr__(self, name: str) -> Any:
        return getattr(self._v, name)

    def Tab(self, *args: Any, **kwargs: Any) -> Any:  # noqa: N802 (Solara's name)
        if "children" in kwargs:
            kwargs = {**kwargs, "children": [mesa_text(c) for c in kwargs["children"]]}
        return self._v.Tab(*args, **kwargs)


class TranslatingSolara:
    """Stands in for ``solara`` inside Mesa's module: the same, with Mesa's words translated."""

    def __init__(self, real: Any) -> None:
        self._real = real
        self.v = _TranslatingV(real.v)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._real, name)

    def _wrap(self, name: str, key: str, *args: Any, **kwargs: Any) -> Any:
        args, kwargs = _first_or(args, kwargs, key)
        return getattr(self._real, name)(*args, **kwargs)

    def Card(self, *args: Any, **kwargs: Any) -> Any:  # noqa: N802
        return self._wrap("Card", "title", *args, **kwargs)

    def Text(self, *args: Any, **kwargs: Any) -> Any:  # noqa: N802
        return self._wrap("Text", "text", *args, **kwargs)

    def Button(self, *args: Any, **kwargs: Any) -> Any:  # noqa: N802
        return self._wrap("Button", "label", *args, **kwargs)

    def SliderInt(self, *args: Any, **kwargs: Any) -> Any:  # noqa: N802
        return self._wrap("SliderInt", "label", *args, **kwargs)

    def Checkbox(self, *args: Any, **kwargs: Any) -> Any:  # noqa: N802
        return self._wrap("Checkbox", "label", *args, **kwargs)

    def Column(self, *args: Any, **kwargs: Any) -> Any:  # noqa: N802 (Mesa's only Column: the sidebar's)
        element = self._real.Column(*args, **kwargs)
        key = sidebar_key() if sidebar_key is not None else None
        return element if key is None else element.key(f"cogov-sidebar-{key}")


_ORIGINAL: dict[str, Any] = {}

#: Returns the key of SolaraViz's sidebar column (None: Mesa's default); set by the Explore page.
sidebar_key: Callable[[], Any] | None = None


def original(name: str) -> Any:
    """Mesa's own object behind a patched name (after :func:`install`)."""
    return _ORIGINAL[name]


def _layout(original_layout: Callable[[int], list[dict[str, Any]]]) -> Callable[[int], list[dict[str, Any]]]:
    def make_initial_grid_layout(num_components: int) -> list[dict[str, Any]]:
        """The Explore layout for its components; Mesa's for any other count."""
        if num_components == len(EXPLORE_LAYOUT):
            return [{**box, "moved": False} for box in EXPLORE_LAYOUT]
        return original_layout(num_components)

    return make_initial_grid_layout


def installed() -> bool:
    """True once :func:`install` has run in this process."""
    return bool(_ORIGINAL)


def install(user_inputs: Callable[..., Any]) -> None:
    """Rebind the three names in ``mesa.visualization.solara_viz`` (idempotent); `user_inputs` is the
    Solara component that stands in for Mesa's ``UserInputs`` (same arguments)."""
    import mesa
    import mesa.visualization.solara_viz as sv

    if installed():
        return
    missing = [name for name in PATCHED if not hasattr(sv, name)]
    if missing:
        raise RuntimeError(
            f"Mesa {mesa.__version__}'s solara_viz has no {', '.join(missing)}: viz/mesa_shim.py "
            "was written for Mesa 3.3.1"
        )
    for name in PATCHED:
        _ORIGINAL[name] = getattr(sv, name)
    sv.solara = TranslatingSolara(solara)
    sv.UserInputs = user_inputs
    sv.make_initial_grid_layout = _layout(_ORIGINAL["make_initial_grid_layout"])
