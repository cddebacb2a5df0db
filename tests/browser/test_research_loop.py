"""The research loop in real headless Chromium: a calibration folder loaded on Compare (fit against
the observed points, comparison under the posterior) and Explore started from scenario files, with
bad folders and files refused in place."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from app_driver import LOAD_TIMEOUT, UI_TIMEOUT, App
from playwright.sync_api import Page, expect

if TYPE_CHECKING:
    from conftest import AppServer, PageLog

pytestmark = pytest.mark.browser

SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"


def _tiny_calibration(folder: Path) -> Path:
    """A calibration folder made by ``run.py calibrate`` (8 particles, 13 weeks: ~15 s)."""
    spec = folder / "spec"
    spec.mkdir(parents=True)
    (spec / "obs.csv").write_text("metric,week,value,sd\nsatisfaction_mean,6,0.52,\nsatisfaction_mean,13,0.53,\n"
                                  "issues_open,13,20,10\n", encoding="utf-8")
    (spec / "tiny.toml").write_text(
        '[calibration]\nname = "tiny"\nscenario = "baseline"\nweeks = 13\nseed = 5\n\n'
        '[observations]\nfile = "obs.csv"\ndefault_sd = 0.02\n\n'
        '[parameters]\nissue_rate_per_year = { low = 1.0, high = 4.0 }\n\n'
        "[method]\npopulation = 8\nseeds_per_particle = 2\nmax_simulations = 64\nmax_generations = 3\n"
        "predictive_draws = 10\n", encoding="utf-8")
    out = folder / "calibration"
    repo = Path(__file__).resolve().parents[2]
    subprocess.run([sys.executable, str(repo / "run.py"), "calibrate", str(spec / "tiny.toml"), "--out", str(out),
                    "--jobs", "1", "--quiet"], check=True, cwd=repo, timeout=300, capture_output=True)
    return out


def test_calibration_on_compare_and_scenario_files_on_explore(app_server: AppServer, page: Page, page_log: PageLog,
                                                               tmp_path: Path) -> None:
    folder = _tiny_calibration(tmp_path)
    page.set_viewport_size({"width": 1280, "height": 1100})
    app = App(page, app_server.url)
    page.goto(app_server.url + "compare")
    expect(page.locator(".cogov-compare-run")).to_be_visible(timeout=LOAD_TIMEOUT)
    path_field = page.locator(".cogov-calibration-path")
    app.type_into(path_field.locator("input"), str(tmp_path / "nowhere"))
    page.locator(".cogov-calibration-load").click()
    expect(path_field).to_contain_text("无法载入", timeout=UI_TIMEOUT)  # refused in place
    app.type_into(path_field.locator("input"), str(folder))
    page.locator(".cogov-calibration-load").click()
    expect(page.locator("img.cogov-fit")).to_be_visible(timeout=UI_TIMEOUT)  # fit against the observed points
    expect(path_field).not_to_contain_text("无法载入")
    expect(page.locator(".cogov-calibration-summary")).to_contain_text("tiny")
    page.get_by_role("checkbox", name=app.t("under_posterior")).check(force=True)
    app.type_into(page.locator(".cogov-compare-reps input"), "2")
    app.type_into(page.locator(".cogov-compare-weeks input"), "13")
    page.locator(".cogov-compare-run").click()
    expect(page.locator("table.cogov-diff-table")).to_be_visible(timeout=LOAD_TIMEOUT)
    expect(page.locator(".cogov-posterior-note")).to_contain_text("tiny")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "compare-calibration-zh.png"))

    page.get_by_role("tab", name=app.t("nav_explore")).click()
    app.wait_explore()
    file_field = page.locator(".cogov-scenario-file")
    app.type_into(file_field.locator("input"), str(tmp_path / "spec" / "tiny.toml"))  # a calibration, not a scenario
    page.locator(".cogov-scenario-file-load").click()
    expect(file_field).to_contain_text("unknown section 'calibration'", timeout=UI_TIMEOUT)
    expect(page.locator(".cogov-scenario-name")).to_contain_text("传统行政管理")  # the page kept its scenario
    bad = tmp_path / "mine.toml"
    bad.write_text('[scenario]\nlabel_en = "Mine"\n[parameters]\nowner_shar = 0.5\n', encoding="utf-8")
    app.type_into(file_field.locator("input"), str(bad))  # (dropping a file takes the same path after saving it)
    page.locator(".cogov-scenario-file-load").click()
    expect(file_field).to_contain_text("owner_shar", timeout=UI_TIMEOUT)  # the loader's reason, in place
    expect(file_field).to_contain_text("owner_share")  # with the nearest valid key
    app.type_into(file_field.locator("input"), str(folder / "calibrated.toml"))
    page.locator(".cogov-scenario-file-load").click()
    expect(page.locator(".cogov-scenario-name")).to_contain_text("校准情景 tiny", timeout=UI_TIMEOUT)
    app.wait_explore()
    app.step_and_time()
    app.button("Reset").click()  # Reset rebuilds the file's scenario
    app.wait_week(0)
    expect(page.locator(".cogov-scenario-name")).to_contain_text("校准情景 tiny")
    page_log.assert_clean()
