"""The Compare page in real headless Chromium: background runs with progress, bands, differences, CSV."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from app_driver import LOAD_TIMEOUT, UI_TIMEOUT, App
from playwright.sync_api import Page, expect

from viz.compare_runs import CSV_METRICS

if TYPE_CHECKING:
    from conftest import AppServer, PageLog

pytestmark = pytest.mark.browser

Shot = Callable[[Page, str], Path]


def _open(app_server: AppServer, page: Page) -> App:
    app = App(page, app_server.url)
    page.goto(app_server.url + "compare")
    expect(page.locator(".cogov-compare-run")).to_be_visible(timeout=LOAD_TIMEOUT)
    return app


def _set(app: App, css: str, text: str) -> None:
    app.type_into(app.page.locator(f"{css} input"), text)


def _drop_chip(page: Page, name: str) -> None:
    chip = page.locator(".cogov-compare-scenarios .v-chip", has_text=f"({name})")
    chip.locator("button, .v-chip__close").first.click()
    expect(chip).to_have_count(0, timeout=UI_TIMEOUT)


def test_runs_in_background_stays_responsive_and_can_be_cancelled(app_server: AppServer, page: Page,
                                                                    page_log: PageLog) -> None:
    app = _open(app_server, page)
    _set(app, ".cogov-compare-reps", "60")
    _set(app, ".cogov-compare-weeks", "156")
    page.locator(".cogov-compare-run").click()
    status = page.locator(".cogov-compare-status")
    expect(status).to_contain_text(re.compile(r"运行中：[1-9]\d*/180"), timeout=UI_TIMEOUT)  # progress moves
    expect(page.locator(".cogov-compare-progress")).to_be_visible()
    app.set_language("en")  # the page answers while the runs go on
    expect(status).to_contain_text("Running:", timeout=UI_TIMEOUT)
    page.locator(".cogov-compare-cancel").click()
    expect(status).to_have_text("Cancelled", timeout=UI_TIMEOUT)
    expect(page.locator(".cogov-compare-run")).to_be_enabled()
    page_log.assert_clean()


def test_bad_inputs_are_refused_in_place(app_server: AppServer, page: Page, page_log: PageLog) -> None:
    app = _open(app_server, page)
    _set(app, ".cogov-compare-reps", "1")
    _set(app, ".cogov-compare-weeks", "abc")
    _set(app, ".cogov-compare-seed", "-3")
    page.locator(".cogov-compare-run").click()
    expect(page.locator(".cogov-compare-reps")).to_contain_text("请输入 2 到", timeout=UI_TIMEOUT)
    expect(page.locator(".cogov-compare-weeks")).to_contain_text("请输入整数")
    expect(page.locator(".cogov-compare-seed")).to_contain_text("超出范围")
    expect(page.locator(".cogov-compare-status")).to_have_count(0)  # nothing started
    _set(app, ".cogov-compare-reps", "200")
    _set(app, ".cogov-compare-weeks", "2000")
    _set(app, ".cogov-compare-seed", "1")
    page.locator(".cogov-compare-run").click()
    expect(page.get_by_text(re.compile("运行量过大"))).to_be_visible(timeout=UI_TIMEOUT)
    page_log.assert_clean()


def test_produces_bands_differences_and_csv(app_server: AppServer, page: Page, page_log: PageLog,
                                             save_screenshot: Shot) -> None:
    app = _open(app_server, page)
    _drop_chip(page, "three_party_linkage")
    _set(app, ".cogov-compare-reps", "3")
    _set(app, ".cogov-compare-weeks", "26")
    page.locator(".cogov-compare-run").click()
    status = page.locator(".cogov-compare-status")
    expect(status).to_contain_text("完成 6 次运行", timeout=LOAD_TIMEOUT)
    bands = page.locator("img.cogov-bands")
    expect(bands).to_be_visible(timeout=UI_TIMEOUT)
    assert bands.evaluate("e => e.naturalWidth > 400")
    table = page.locator("table.cogov-diff-table")
    expect(table).to_contain_text("平均满意度")
    expect(table).to_contain_text("积分制")
    assert table.locator("tbody tr").count() >= 10
    with page.expect_download(timeout=UI_TIMEOUT) as info:
        page.get_by_role("button", name=app.t("download_csv")).click()
    download = info.value
    assert download.suggested_filename == "cogov-compare.csv"
    rows = list(csv.DictReader(io.StringIO(Path(download.path()).read_text(encoding="utf-8"))))
    assert rows and list(rows[0]) == ["scenario", "replicate", "seed", "week", "metric", "value"]
    assert {r["scenario"] for r in rows} == {"baseline", "points"}
    assert {r["metric"] for r in rows} == set(CSV_METRICS)
    assert len(rows) == 2 * 3 * 27 * len(CSV_METRICS)
    seeds = {(r["scenario"], r["replicate"]): r["seed"] for r in rows}
    assert all(seeds[("points", k)] == seeds[("baseline", k)] for k in ("0", "1", "2"))  # common random numbers
    app.set_language("en")
    expect(table).to_contain_text("Mean satisfaction")
    page.set_viewport_size({"width": 1400, "height": 1300})
    page.wait_for_timeout(300)
    save_screenshot(page, "compare-en")
    page_log.assert_clean()
