"""A researcher's walk through the app in real headless Chromium: set up a scenario, visit Compare,
come back and find the set-up as left; then the page at 1280 × 800 and 1920 × 1080 in both
languages, screenshots in ``test-artifacts/screenshots/``, inspected for clipped or hidden
headline figures, text too small to read and Chinese drawn without a font (server log and page)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from app_driver import LOAD_TIMEOUT, UI_TIMEOUT, App
from playwright.sync_api import Page, expect

from model.mechanisms import MECHANISMS
from scenarios import load_scenario
from viz.explore import KPIS
from viz.figures import DPI, MIN_FONT_PT
from viz.i18n import LANGUAGES

if TYPE_CHECKING:
    from conftest import AppServer, PageLog

pytestmark = pytest.mark.browser

SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
SIZES = ((1280, 800), (1920, 1080))
MIN_TEXT_PX = 10.0

# Layout problems of the Explore page, one line each (empty = none): a headline card outside its
# panel, cut, hidden or too small to read; the grid over the cards; a figure outside its box or
# shrunk below 10 px text; the page wider than the window.
LAYOUT_PROBLEMS = """([minFigurePx]) => {
  const out = [];
  const inside = (a, b) => a.left >= b.left - 1 && a.right <= b.right + 1 && a.top >= b.top - 1 && a.bottom <= b.bottom + 1;
  const panel = document.querySelector('.cogov-kpis');
  if (!panel) return ['no headline panel'];
  const p = panel.getBoundingClientRect();
  if (p.right > window.innerWidth + 1) out.push(`headline panel wider than the window (${p.right})`);
  for (const card of document.querySelectorAll('.cogov-kpi')) {
    const r = card.getBoundingClientRect();
    const name = card.className;
    if (r.width < 40 || r.height < 30) out.push(`${name}: hidden (${r.width}x${r.height})`);
    if (!inside(r, p)) out.push(`${name}: outside its panel`);
    for (const part of card.children) {
      const c = part.getBoundingClientRect();
      if (!inside(c, r)) out.push(`${name}: '${part.textContent}' cut off`);
      if (part.scrollWidth > part.clientWidth + 1 || part.scrollHeight > part.clientHeight + 1)
        out.push(`${name}: '${part.textContent}' truncated`);
      const px = parseFloat(getComputedStyle(part).fontSize);
      if (px < 10) out.push(`${name}: '${part.textContent}' at ${px}px`);
    }
  }
  const grid = document.querySelector('.vue-grid-layout');
  if (!grid) return out.concat(['no component grid']);
  if (grid.getBoundingClientRect().top < p.bottom - 1) out.push('the component grid overlaps the headline figures');
  for (const item of document.querySelectorAll('.vue-grid-item')) {
    const box = item.getBoundingClientRect();
    for (const img of item.querySelectorAll('img.cogov-figure')) {
      const r = img.getBoundingClientRect();
      const cls = [...img.classList].find(c => c.startsWith("cogov-") && c !== "cogov-figure");
      if (!inside(r, box)) out.push(`${cls}: outside its box (${[r.left, r.right, r.top, r.bottom].map(Math.round)} in ${[box.left, box.right, box.top, box.bottom].map(Math.round)})`);
      const scale = r.width / img.naturalWidth;
      if (scale * minFigurePx < 10) out.push(`${cls}: shrunk to ${scale.toFixed(2)}: text below 10px`);
    }
  }
  if (document.documentElement.scrollWidth > window.innerWidth + 1) out.push('the page scrolls sideways');
  return out;
}"""

# Chinese characters on the page that no font draws: each is compared, drawn on a canvas, with a
# code point no font has (what Chromium draws for a missing glyph).
MISSING_GLYPHS = """() => {
  const chars = [...new Set([...document.body.innerText].filter(c => /[\\u3400-\\u9fff\\uff00-\\uffef]/.test(c)))];
  const canvas = document.createElement('canvas'); canvas.width = 40; canvas.height = 40;
  const ctx = canvas.getContext('2d', {willReadFrequently: true});
  const font = getComputedStyle(document.body).fontFamily;
  const draw = (c) => { ctx.clearRect(0, 0, 40, 40); ctx.font = `28px ${font}`; ctx.fillText(c, 4, 32);
                        return ctx.getImageData(0, 0, 40, 40).data.join(','); };
  const none = draw('\\u{10FFFD}');
  return {checked: chars.length, chars: chars, missing: chars.filter(c => draw(c) === none)};
}"""


def _server_log_since(app_server: AppServer, start: int) -> str:
    return app_server.log_path.read_bytes()[start:].decode("utf-8", "replace")


def _check_page(app: App, app_server: AppServer, log_start: int, name: str) -> Path:
    page = app.page
    page.wait_for_timeout(600)  # layout settles after a resize or a language switch
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path))
    problems = page.evaluate(LAYOUT_PROBLEMS, [MIN_FONT_PT * DPI / 72])
    assert problems == [], f"{name}: layout problems (see {path}):\n" + "\n".join(problems)
    glyphs = page.evaluate(MISSING_GLYPHS)
    if app.lang == "zh":
        assert glyphs["checked"] > 20, glyphs
    else:  # only the language switch's own name
        assert set(glyphs["chars"]) <= set(LANGUAGES["zh"]), f"{name}: Chinese text in the English view: {glyphs}"
    assert glyphs["missing"] == [], f"{name}: characters drawn without a font: {glyphs['missing']}"
    log = _server_log_since(app_server, log_start)
    assert "missing from font" not in log, f"{name}: figures drew Chinese without a font:\n{log[-2000:]}"
    return path


def test_setup_survives_compare_and_language_switch(app_server: AppServer, page: Page, page_log: PageLog) -> None:
    page.set_viewport_size({"width": 1280, "height": 800})
    app = App(page, app_server.url)
    app.open_explore()
    points = MECHANISMS["points"]
    page.get_by_role("checkbox", name=points.name_zh, exact=True).check(force=True)
    expect(app.param_input("points__exchange_value")).to_be_visible(timeout=UI_TIMEOUT)
    app.type_into(app.param_input("owner_share"), "0.5")
    expect(page.locator(".cogov-pending")).to_contain_text(app.t("pending_changes", n=2), timeout=UI_TIMEOUT)
    app.button("Reset").click()
    app.wait_week(0)
    app.step_and_time()
    app.step_and_time()
    app.type_into(app.param_input("points__exchange_value"), "0.8")  # an edit not yet applied
    expect(page.locator(".cogov-pending")).to_contain_text(app.t("pending_changes", n=1), timeout=UI_TIMEOUT)

    def check_setup() -> None:
        expect(page.locator(".cogov-week")).to_have_text(app.t("week_n", n=2), timeout=LOAD_TIMEOUT)
        expect(page.locator(".cogov-mechanisms-on")).to_contain_text(app.pick(points.name_zh, points.name_en))
        expect(page.get_by_role("checkbox", name=app.pick(points.name_zh, points.name_en), exact=True)).to_be_checked(
            timeout=UI_TIMEOUT)
        expect(app.param_input("owner_share")).to_have_value("0.5")
        expect(app.param_input("points__exchange_value")).to_have_value("0.8")
        expect(page.locator(".cogov-pending")).to_contain_text(app.t("pending_changes", n=1))  # only the real one

    page.get_by_role("tab", name=app.t("nav_compare")).click()  # Explore -> Compare -> Explore
    expect(page.locator(".cogov-compare-run")).to_be_visible(timeout=LOAD_TIMEOUT)
    page.get_by_role("tab", name=app.t("nav_explore")).click()
    app.wait_explore()
    check_setup()
    app.set_language("en")
    check_setup()
    app.set_language("zh")
    check_setup()
    app.button("Reset").click()  # Reset builds what the card shows
    app.wait_week(0)
    expect(page.locator(".cogov-pending")).not_to_contain_text(app.t("pending_changes", n=1))
    expect(app.param_input("owner_share")).to_have_value("0.5")
    page_log.assert_clean()


def test_both_sizes_and_languages_nothing_clipped_every_glyph_drawn(app_server: AppServer, page: Page,
                                                                    page_log: PageLog) -> None:
    log_start = app_server.log_path.stat().st_size
    page.set_viewport_size({"width": SIZES[0][0], "height": SIZES[0][1]})
    app = App(page, app_server.url)
    app.open_explore()
    page.locator(".cogov-scenario").click()  # a seed package: many mechanisms, the longest headline
    page.get_by_role("option", name="(xiangyang_2024)").click()
    expect(page.locator(".cogov-scenario-name")).to_contain_text("襄阳", timeout=UI_TIMEOUT)
    app.wait_explore()
    for _ in range(3):
        app.step_and_time()
    expect(page.locator(".cogov-kpi")).to_have_count(len(KPIS))
    expect(page.get_by_text("This website runs on")).to_have_count(0)  # Solara's banner covered the corner
    scenario = load_scenario("xiangyang_2024")
    for lang in ("zh", "en"):
        if lang != app.lang:
            app.set_language(lang)
        expect(page.locator(".cogov-scenario-description")).to_have_text(
            app.pick(scenario.description_zh, scenario.description), timeout=UI_TIMEOUT)
        for width, height in SIZES:
            page.set_viewport_size({"width": width, "height": height})
            _check_page(app, app_server, log_start, f"explore-{lang}-{width}x{height}")
    page_log.assert_clean()
