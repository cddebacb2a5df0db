"""model.deferred_imports: the Mesa parts cogov does not use load on first use, and then work as if
imported eagerly; the model and the app are unaffected."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import types
from pathlib import Path

import pytest

from model import deferred_imports

ROOT = Path(__file__).resolve().parent.parent


def _python(code: str, **env: str) -> dict:
    """Run `code` in a fresh interpreter (nothing imported yet) and return the JSON it prints."""
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT,
                          env={**os.environ, **env}, timeout=300, check=True)
    return json.loads(proc.stdout.strip().splitlines()[-1])


RUN_THEN_TOUCH = """
import json, sys
from experiments.one_run import run_scenario
from model.deferred_imports import is_deferred
frame = run_scenario("co_governance_full", seed=3, weeks=4)
after_run = {"space": is_deferred("mesa.space"), "continuous": is_deferred("mesa.experimental.continuous_space"),
             "scipy": "scipy" in sys.modules, "networkx": "networkx" in sys.modules}
import mesa
import mesa.space  # importing again binds the same deferred module: nothing runs yet
still = is_deferred("mesa.space")
space_class = mesa.experimental.continuous_space.ContinuousSpace  # first use: the module's code runs
from mesa.space import MultiGrid
grid = MultiGrid(3, 3, torus=False)
print(json.dumps({"after_run": after_run, "still_deferred_after_import": still,
                  "touched": {"continuous": is_deferred("mesa.experimental.continuous_space"),
                              "space": is_deferred("mesa.space"), "scipy": "scipy.spatial" in sys.modules,
                              "networkx": "networkx" in sys.modules},
                  "class": space_class.__module__, "grid_width": grid.width,
                  "satisfaction": float(frame["satisfaction_mean"].iloc[-1])}))
"""


def test_a_run_leaves_unused_mesa_parts_unloaded_and_touching_them_loads_them() -> None:
    """A run imports neither networkx nor scipy.spatial; the first use of mesa.space or
    mesa.experimental loads them, and they work; the run's figures equal those of eager imports."""
    out = _python(RUN_THEN_TOUCH)
    assert out["after_run"] == {"space": True, "continuous": True, "scipy": False, "networkx": False}
    assert out["still_deferred_after_import"] is True
    assert out["touched"] == {"continuous": False, "space": False, "scipy": True, "networkx": True}
    assert out["class"] == "mesa.experimental.continuous_space.continuous_space"
    assert out["grid_width"] == 3
    eager = _python(RUN_THEN_TOUCH, COGOV_EAGER_IMPORTS="1")
    assert eager["after_run"] == {"space": False, "continuous": False, "scipy": True, "networkx": True}
    assert eager["satisfaction"] == out["satisfaction"]  # bit-identical


def test_the_app_imports_and_steps() -> None:
    """The app (which imports Mesa's visualisation, and through it mesa.space) loads and runs a model."""
    pytest.importorskip("solara")
    out = _python("""
import json
import viz.app
import mesa
from model.deferred_imports import is_deferred
from viz.explore_model import ExploreModel
model = ExploreModel("baseline", seed=1, grids=1)
model.step()
print(json.dumps({"space": is_deferred("mesa.space"), "week": int(model.week), "grid": mesa.space.MultiGrid.__name__}))
""")
    assert out == {"space": False, "week": 1, "grid": "MultiGrid"}


def test_threads_touching_a_deferred_module_at_once_all_see_it_loaded_once(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Threads that first touch a deferred module together wait for one load; none sees it half-made."""
    (tmp_path / "cogov_slow_module.py").write_text(
        "import time\nimport cogov_load_counter\ncogov_load_counter.loads += 1\ntime.sleep(0.2)\nVALUE = 42\n")
    counter = types.ModuleType("cogov_load_counter")
    counter.loads = 0  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "cogov_load_counter", counter)
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.setitem(deferred_imports.DEFERRED, "cogov_slow_module", "")
    deferred_imports.install()
    try:
        import cogov_slow_module  # type: ignore[import-not-found]

        assert deferred_imports.is_deferred("cogov_slow_module") and counter.loads == 0
        seen: list[int] = []
        threads = [threading.Thread(target=lambda: seen.append(cogov_slow_module.VALUE)) for _ in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert seen == [42] * 4 and counter.loads == 1
        assert not deferred_imports.is_deferred("cogov_slow_module")
    finally:
        sys.modules.pop("cogov_slow_module", None)


def test_a_deferred_module_that_fails_raises_its_error_where_it_is_used(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "cogov_broken_module.py").write_text("import cogov_no_such_dependency\nVALUE = 1\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.setitem(deferred_imports.DEFERRED, "cogov_broken_module", "")
    deferred_imports.install()
    try:
        import cogov_broken_module  # type: ignore[import-not-found]  # deferred: no error yet

        with pytest.raises(ModuleNotFoundError, match="cogov_no_such_dependency"):
            cogov_broken_module.VALUE  # noqa: B018
        assert "cogov_broken_module" not in sys.modules  # the next import tries again
    finally:
        sys.modules.pop("cogov_broken_module", None)
