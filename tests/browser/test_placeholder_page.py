"""The placeholder page loads offline in Chromium and talks to the server (rewritten with the app)."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from playwright.sync_api import Page, expect

if TYPE_CHECKING:
    from conftest import AppServer, PageLog

pytestmark = pytest.mark.browser


def test_placeholder_page_loads_offline(
    app_server: AppServer, page: Page, page_log: PageLog, save_screenshot: Callable[[Page, str], Path]
) -> None:
    """Title, button round trip and a Vega-Lite chart, with no request leaving the machine."""
    t0 = time.monotonic()
    page.goto(app_server.url)
    expect(page.get_by_role("heading", name="cogov")).to_be_visible(timeout=30_000)
    expect(page).to_have_title("cogov")
    expect(page.get_by_text("城市社区共建共治共享")).to_be_visible()
    button = page.get_by_role("button", name="Click")
    button.click()
    expect(page.get_by_text("Clicks: 1")).to_be_visible()
    expect(page.locator(".vega-embed svg, .vega-embed canvas").first).to_be_visible(timeout=30_000)
    page.wait_for_load_state("networkidle")
    shot = save_screenshot(page, "placeholder")
    print(f"server start {app_server.startup_seconds:.2f} s, page test {time.monotonic() - t0:.2f} s, "
          f"{page_log.requests} requests, screenshot {shot}")  # fmt: skip
    assert page_log.requests > 10
    page_log.assert_clean()
