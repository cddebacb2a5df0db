"""Chinese text in figures renders however matplotlib's font cache was built (experiments/fonts.py):
a cache made before the Chinese font was installed must not turn 中文 into boxes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from experiments.fonts import CJK_FAMILIES, cjk_family, figure_language
from model.units import unit_text, untranslated

REPO = Path(__file__).resolve().parents[1]

# Runs in a fresh process with a stale font cache: finds the font, draws every figure kind in 中文,
# and fails on the first "Glyph ... missing from font(s)" warning.
DRAW = """
import warnings
warnings.filterwarnings("error", message="Glyph")
from matplotlib import font_manager
stale = {f.name for f in font_manager.fontManager.ttflist} & set(FAMILIES)
from viz.explore_model import ExploreModel
from viz.figures import CHARTS, ChartRenderer, MapRenderer
from experiments.fonts import cjk_family
m = ExploreModel("points", seed=1, weeks=8)
for _ in range(3):
    m.step()
for variable in ("satisfaction", "participation", "open_issues"):
    MapRenderer().render(m, variable, "zh")
for key in CHARTS:
    ChartRenderer(key).render(m, "zh")
print("stale:", sorted(stale), "found:", cjk_family())
"""


def _stale_cache(config_dir: Path, env: dict[str, str]) -> None:
    """Build matplotlib's font list in ``config_dir``, then drop every Chinese font from it, as if
    the list had been built before the font was installed."""
    subprocess.run([sys.executable, "-c", "import matplotlib.font_manager"], env=env, check=True, timeout=120)
    (cache,) = config_dir.glob("fontlist-*.json")
    data = json.loads(cache.read_text())
    data["ttflist"] = [f for f in data["ttflist"] if f["name"] not in CJK_FAMILIES
                       and "wqy" not in f["fname"].lower() and "cjk" not in f["fname"].lower()]
    cache.write_text(json.dumps(data))


def test_chinese_renders_with_a_font_cache_older_than_the_font(tmp_path: Path) -> None:
    if cjk_family() is None:
        pytest.fail("no Chinese font on this machine: run `make setup` (installs fonts-wqy-microhei)")
    env = {**os.environ, "MPLCONFIGDIR": str(tmp_path), "PYTHONPATH": str(REPO)}
    _stale_cache(tmp_path, env)
    code = f"FAMILIES = {list(CJK_FAMILIES)!r}\n{DRAW}"
    r = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=300,
                       cwd=REPO)
    assert r.returncode == 0, r.stderr[-3000:]
    assert "stale: [] found: " in r.stdout and "found: None" not in r.stdout, r.stdout


def test_without_a_chinese_font_figures_fall_back_to_english(monkeypatch: pytest.MonkeyPatch) -> None:
    import experiments.fonts as fonts

    monkeypatch.setattr(fonts, "cjk_family", lambda: None)
    assert fonts.figure_language("zh") == "en" and fonts.figure_language("en") == "en"
    assert figure_language("en") == "en"


def test_every_declared_unit_has_a_chinese_form() -> None:
    import model.mechanisms  # noqa: F401  (declares the mechanisms' parameters)
    from model.parameters import PARAMETERS
    from model.reporters import METRIC_INFO

    units = {p.unit for p in PARAMETERS.values()} | {info[2] for info in METRIC_INFO.values()}
    assert untranslated(units) == [], "add the 中文 of these units to model/units.py"
    assert unit_text("yuan/community/week", "zh") == "元/社区/周"
    assert unit_text("yuan/community/week", "en") == "yuan/community/week"
    assert unit_text("probability", "zh") == "概率"
