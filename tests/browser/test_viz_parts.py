"""The app's parts without a browser: texts, parameter fields, the Mesa adaptations, figures, the
step + redraw budget, the in-memory comparison and ``run.py viz``'s argument checks. Fast; not
marked ``browser``."""

from __future__ import annotations

import json
import math
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from model.event_log import Event, event
from model.mechanisms import MECHANISMS
from model.parameters import PARAMETERS
from scenarios import list_scenarios, load_scenario
from viz import i18n, mesa_shim
from viz.compare_runs import CSV_METRICS, Cancelled, run_in_memory, tidy_csv
from viz.explore import COMPONENTS, event_text, events_html, kpi_figures
from viz.explore_model import ExploreModel
from viz.figures import (
    CHARTS,
    MAP_VARIABLES,
    ChartRenderer,
    MapRenderer,
    map_colours,
    map_geometry,
    map_values,
)
from viz.params import (
    EXPLORE_MAX_HOUSEHOLDS,
    combination_refusal,
    explore_model_params,
    format_value,
    parse_seed,
    parse_value,
)

REPO = Path(__file__).resolve().parents[2]
ARTIFACTS = REPO / "test-artifacts"


# -- texts ------------------------------------------------------------------------------------------
def test_every_ui_text_has_both_languages_with_the_same_placeholders() -> None:
    for key, (zh, en) in i18n.UI.items():
        assert zh.strip() and en.strip(), key
        assert set(re.findall(r"{(\w+)", zh)) == set(re.findall(r"{(\w+)", en)), key
    for en_text, (zh, en) in i18n.MESA_UI.items():
        assert zh and en and i18n.mesa_text(en_text, "zh") == zh
    assert i18n.mesa_text("Step: 12", "zh") == "当前：第 12 周"
    assert i18n.mesa_text("Step: 12", "en") == "Current: week 12"
    assert i18n.mesa_text("something else", "zh") == "something else"


def test_declared_labels_exist_in_both_languages() -> None:
    for p in PARAMETERS.values():
        assert p.label_zh and p.label_en, p.name
    for cls in MECHANISMS.values():
        assert cls.name_zh and cls.name_en, cls.key
    for name in list_scenarios():
        s = load_scenario(name)
        assert s.label_zh and s.label_en, name


# -- parameter fields ---------------------------------------------------------------------------------
@pytest.mark.parametrize("name", sorted(PARAMETERS))
def test_every_declared_default_survives_the_text_field(name: str) -> None:
    p = PARAMETERS[name]
    value, refusal = parse_value(p, format_value(p.default))
    assert refusal is None and value == p.default


@pytest.mark.parametrize(("name", "text", "key"), [
    ("owner_share", "abc", "err_number"),
    ("owner_share", "1.5", "err_range"),
    ("owner_share", "-0.1", "err_range"),
    ("owner_share", "nan", "err_number"),
    ("fee", "1e999", "err_number"),
    ("weeks", "10.5", "err_integer"),
    ("weeks", "0", "err_range"),
    ("weeks", "", "err_integer"),
])  # fmt: skip
def test_bad_text_is_refused_with_a_message_key(name: str, text: str, key: str) -> None:
    value, refusal = parse_value(PARAMETERS[name], text)
    assert value is None and refusal is not None and refusal[0] == key
    assert i18n.tr(refusal[0], "zh", **refusal[1]) and i18n.tr(refusal[0], "en", **refusal[1])


def test_good_text_is_converted() -> None:
    assert parse_value(PARAMETERS["weeks"], " 52 ") == (52, None)
    assert parse_value(PARAMETERS["weeks"], "52.0") == (52, None)
    assert parse_value(PARAMETERS["fee"], "1,200") == (1200.0, None)
    assert parse_seed("7") == (7, None)
    assert parse_seed("-1")[1] is not None and parse_seed("x")[1] is not None


def test_cross_parameter_rules_and_size_limit() -> None:
    base = dict(load_scenario("baseline").params)
    assert combination_refusal(base) is None
    conflict = combination_refusal({**base, "retired_share": 0.9})
    assert conflict is not None and conflict[0] == "err_conflict"
    big = combination_refusal({**base, "n_communities": 200})
    assert big is not None and big[0] == "err_too_big"
    assert EXPLORE_MAX_HOUSEHOLDS < 1920 * 200


def test_explore_params_cover_every_parameter_and_pass_mesas_check() -> None:
    from mesa.visualization.solara_viz import _check_model_params

    params = explore_model_params("points", seed=5)
    assert params["scenario"] == "points" and params["seed"]["value"] == 5
    scen = load_scenario("points")
    for name, p in PARAMETERS.items():
        assert params[p.kwarg]["value"] == scen.params[name]
    _check_model_params(ExploreModel.__init__, params)  # Mesa 3.3.1 accepts extra names only as **kwargs
    model = ExploreModel(**{k: (v["value"] if isinstance(v, dict) else v) for k, v in params.items()})
    assert "points" in model.mechanisms and model.seed == 5
    model.remove()


def test_explore_model_stops_at_the_horizon() -> None:
    model = ExploreModel("baseline", seed=1, weeks=3)
    assert model.running
    for _ in range(3):
        model.step()
    assert not model.running and model.week == 3
    model.remove()


# -- Mesa adaptations -----------------------------------------------------------------------------------
def test_mesa_shim_patches_the_three_names_once() -> None:
    import mesa
    import mesa.visualization.solara_viz as sv

    assert mesa.__version__ == "3.3.1", "viz/mesa_shim.py was written for Mesa 3.3.1: re-check it"
    from viz.controls import CogovInputs

    mesa_shim.install(CogovInputs)
    mesa_shim.install(CogovInputs)
    assert isinstance(sv.solara, mesa_shim.TranslatingSolara)
    assert sv.UserInputs.__name__ == "CogovInputs" or "CogovInputs" in repr(sv.UserInputs)
    assert len(sv.make_initial_grid_layout(len(COMPONENTS))) == len(mesa_shim.EXPLORE_LAYOUT) == len(COMPONENTS)
    assert len(sv.make_initial_grid_layout(3)) == 3  # Mesa's own layout for other pages


# -- figures ------------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def model() -> ExploreModel:
    m = ExploreModel("old_compound", seed=2)
    for _ in range(20):
        m.step()
    return m


def test_map_layout_gives_every_household_its_own_cell() -> None:
    geo = map_geometry(2, 3, 5, 12)
    cells = set(zip(geo.rows.tolist(), geo.cols.tolist(), strict=True))
    assert len(cells) == 2 * 3 * 5 * 12
    assert geo.rows.max() < geo.shape[0] and geo.cols.max() < geo.shape[1]


@pytest.mark.parametrize("variable", list(MAP_VARIABLES))
def test_map_paints_households_in_their_colours(model: ExploreModel, variable: str) -> None:
    renderer = MapRenderer()
    img = renderer.rgba(model, variable, "zh")
    colours = map_colours(map_values(model, variable), variable)
    painted = img[renderer._pix]
    assert np.array_equal(painted, colours[renderer._house])
    assert np.unique(renderer._house).size == model.layout.n_households  # every household visible
    assert renderer.render(model, variable, "en")[:8] == b"\x89PNG\r\n\x1a\n"


@pytest.mark.parametrize("key", list(CHARTS))
def test_chart_blitting_matches_a_fresh_drawing(key: str) -> None:
    m = ExploreModel("points", seed=3)
    kept = ChartRenderer(key)
    for _ in range(12):
        m.step()
        kept.rgba(m, "en")
    assert np.array_equal(kept.rgba(m, "en"), ChartRenderer(key).rgba(m, "en"))
    m.remove()


def test_kpis_and_event_log(model: ExploreModel) -> None:
    kpis = kpi_figures(model, "en")
    assert len(kpis) == 8 and all(k["value"] for k in kpis)
    text = events_html([event(3, "firm_exit", compound=1, cause="losses"), Event(5, "new_kind", "x <y>", {})], "en")
    assert "Firm exit" in text and "Compound 2: property firm left" in text and "new_kind" in text
    assert "x &lt;y&gt;" in text  # a kind nobody declared shows its key and its text, escaped
    assert "暂无事件" in events_html([], "zh")


@pytest.mark.parametrize(("made", "zh", "en"), [
    (event(52, "firm_exit", compound=0, cause="scenario_shock"), "小区 1：物业公司退出（情景设定的冲击，小区失管）",
     "Compound 1: property firm left"),
    (event(13, "black_list", compound=3, rating=0.3125), "小区 4：物业公司列入黑榜，评分 0.31",
     "Compound 4: property firm black-listed, rating 0.31"),
    (event(8, "project_completed", community=0, project_zh="加装电梯", project="lift"), "社区 1：加装电梯完工",
     "Community 1: lift completed"),
    (event(104, "points_stopped"), "积分制停止", "Points scheme withdrawn"),
    (event(9, "firm_replaced", compound=2, how="community_found"), "小区 3：社区找到了新物业公司",
     "Compound 3: community found a new property firm"),
])  # fmt: skip
def test_event_details_in_one_language(made: Event, zh: str, en: str) -> None:
    assert event_text(made, "zh") == zh and event_text(made, "en") == en


def test_step_redraw_benchmark_reports_its_figures() -> None:
    """``python -m viz.bench`` (quoted in the README) measures what the page redraws each week; its
    timings are recorded in test-artifacts/, not asserted (a shared machine's load decides them)."""
    from viz.bench import measure

    result = measure("baseline", steps=5, lang="zh")
    assert result["households"] == 1920 and result["steps"] == 5  # the baseline street: 6 compounds × 8 buildings × 40
    assert 0 < result["step_median_ms"] <= result["median_ms"] <= result["max_ms"]
    assert result["redraw_median_ms"] > 0
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "step-redraw-server.json").write_text(json.dumps(result, indent=2) + "\n")


# -- comparison ------------------------------------------------------------------------------------------------
def test_comparison_in_memory_with_common_seeds_and_tidy_csv() -> None:
    seen: list[tuple[int, int]] = []
    out = run_in_memory(["baseline", "points"], "baseline", reps=2, weeks=4, seed=9,
                        on_progress=lambda d, n: seen.append((d, n)))
    assert seen == [(1, 4), (2, 4), (3, 4), (4, 4)]
    assert len(out.wide) == 2 * 2 * 5
    seeds = out.wide.groupby("scenario")["seed"].apply(lambda s: sorted(set(s)))
    assert seeds["baseline"] == seeds["points"]
    diff = out.summary.query("scenario == 'baseline' and metric == 'satisfaction_mean'")["diff"].iloc[0]
    assert diff == 0.0
    assert set(out.series["metric"]) == {"satisfaction_mean", "participation_monthly"}
    lines = tidy_csv(out).decode().splitlines()
    assert lines[0] == "scenario,replicate,seed,week,metric,value"
    assert len(lines) - 1 == 2 * 2 * 5 * len(CSV_METRICS)
    assert not any(math.isnan(v) for v in out.series["mean"])


def test_comparison_can_be_cancelled() -> None:
    with pytest.raises(Cancelled):
        run_in_memory(["baseline"], "baseline", reps=3, weeks=2, seed=1, cancelled=lambda: True)


# -- run.py viz ------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("args", [["--port", "70000"], ["--port", "-1"], ["--host", "256.1.1.1"]])
def test_run_py_viz_refuses_bad_addresses_on_one_line(args: list[str]) -> None:
    r = subprocess.run([sys.executable, str(REPO / "run.py"), "viz", *args], capture_output=True, text=True,
                       timeout=60, cwd=REPO)
    assert r.returncode == 2
    assert r.stderr.count("\n") == 1 and "error" in r.stderr and "Traceback" not in r.stderr
