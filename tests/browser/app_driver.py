"""Drive the cogov app in a Playwright page: open a page, read the week, press Mesa's buttons,
switch language. Labels come from ``viz.i18n`` so the tests follow the app's own wording."""

from __future__ import annotations

import re
import time
from dataclasses import dataclass, field

from playwright.sync_api import Locator, Page, expect

from viz.i18n import LANGUAGES, mesa_text, tr

LOAD_TIMEOUT = 60_000  # first render of a page: kernel start, model set-up, figures
UI_TIMEOUT = 15_000
FIGURES = ("cogov-map", "cogov-chart-satisfaction", "cogov-chart-participation", "cogov-chart-issues",
           "cogov-chart-fee", "cogov-chart-firm")


@dataclass
class App:
    """One browser page on the app, in language ``lang`` (the app starts in 中文)."""

    page: Page
    url: str
    lang: str = "zh"
    step_ms: list[float] = field(default_factory=list)

    def t(self, key: str, **values: object) -> str:
        """The app's UI string ``key`` in the page's current language."""
        return tr(key, self.lang, **values)

    def pick(self, zh: str, en: str) -> str:
        """``zh`` or ``en``, whichever the page's language shows."""
        return zh if self.lang == "zh" else en

    def mesa(self, text: str) -> str:
        """Mesa's own word ``text`` as the page shows it now."""
        return str(mesa_text(text, self.lang))

    # -- explore ------------------------------------------------------------------------------
    def open_explore(self) -> None:
        """Load ``/`` and wait for the week counter and every figure."""
        self.page.goto(self.url)
        self.wait_explore()

    def wait_explore(self) -> None:
        """Wait for the week counter and every figure (after a load, a scenario change, a remount)."""
        expect(self.page.locator(".cogov-week")).to_be_visible(timeout=LOAD_TIMEOUT)
        for name in FIGURES:
            expect(self.page.locator(f"img.{name}")).to_be_visible(timeout=LOAD_TIMEOUT)

    def week(self) -> int:
        """The week the KPI panel shows."""
        text = self.page.locator(".cogov-week").inner_text()
        m = re.search(r"\d+", text)
        assert m, f"no week number in {text!r}"
        return int(m.group())

    def button(self, mesa_label: str) -> Locator:
        """A button of Mesa's controller by its English label (Reset, Step, ▶, ❚❚)."""
        return self.page.get_by_role("button", name=self.mesa(mesa_label), exact=True)

    def wait_week(self, n: int, timeout: float = UI_TIMEOUT) -> None:
        """Wait until the page shows week ``n``."""
        expect(self.page.locator(".cogov-week")).to_have_text(self.t("week_n", n=n), timeout=timeout)

    def figure_sources(self) -> list[str]:
        """The current ``src`` of every figure (a new blob URL each time a figure is redrawn)."""
        return self.page.eval_on_selector_all("img.cogov-figure", "els => els.map(e => e.src)")

    def step_and_time(self) -> float:
        """Press Step; milliseconds until the week counter moved and every figure was redrawn."""
        week, before = self.week(), self.figure_sources()
        t0 = time.perf_counter()
        self.button("Step").click()
        self.page.wait_for_function(
            """([sel, want, before]) => {
                const w = document.querySelector('.cogov-week');
                if (!w || w.textContent.trim() !== want) return false;
                const now = [...document.querySelectorAll(sel)].map(e => e.src);
                return now.length === before.length && now.every((s, i) => s !== before[i]);
            }""",
            arg=["img.cogov-figure", self.t("week_n", n=week + 1), before], timeout=UI_TIMEOUT, polling=5,
        )  # fmt: skip
        ms = (time.perf_counter() - t0) * 1000
        self.step_ms.append(ms)
        return ms

    def settled_week(self, quiet_ms: int = 1000, timeout: float = UI_TIMEOUT) -> int:
        """The week once it has stopped changing for ``quiet_ms`` (a step under way may still land)."""
        deadline = time.monotonic() + timeout / 1000
        last = self.week()
        while time.monotonic() < deadline:
            self.page.wait_for_timeout(quiet_ms)
            now = self.week()
            if now == last:
                return now
            last = now
        raise AssertionError(f"the week kept moving (last {last})")

    def set_language(self, lang: str) -> None:
        """Press the language switch."""
        self.page.locator(".cogov-language").get_by_role("button", name=LANGUAGES[lang]).click()
        self.lang = lang
        expect(self.page.get_by_role("tab", name=self.t("nav_explore"))).to_be_visible(timeout=UI_TIMEOUT)

    def param_input(self, kwarg: str) -> Locator:
        """The text input of a generated parameter field."""
        return self.page.locator(f".cogov-param-{kwarg} input")

    def type_into(self, field: Locator, text: str) -> None:
        """Replace a text field's content and commit it (Enter)."""
        field.click()
        field.fill(text)
        field.press("Enter")
