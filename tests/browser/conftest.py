"""Fixtures for browser tests: the app server, headless Debian Chromium, and a watched page.

Every request the page makes is routed: anything not addressed to this machine is aborted and
recorded; 404 responses, page errors and console errors are recorded too. A test ends with
``page_log.assert_clean()``; the fixture checks again at teardown so nothing slips through.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse

import pytest
from playwright.sync_api import (
    Browser,
    ConsoleMessage,
    Page,
    Request,
    Response,
    Route,
    WebSocket,
    sync_playwright,
)

REPO_ROOT = Path(__file__).resolve().parents[2]
if str(REPO_ROOT) not in sys.path:  # `pytest` (not `python -m pytest`) on an uninstalled checkout
    sys.path.insert(0, str(REPO_ROOT))
ARTIFACTS = REPO_ROOT / "test-artifacts"
SCREENSHOTS = ARTIFACTS / "screenshots"
CHROMIUM = os.environ.get("COGOV_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]  # fmt: skip
LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1", "[::1]"}
LOCAL_SCHEMES = {"data", "blob", "about"}
SERVER_START_TIMEOUT = 60.0


def app_command(host: str, port: int) -> list[str]:
    """The command that starts the app server: ``run.py viz``, as a researcher would."""
    return [sys.executable, str(REPO_ROOT / "run.py"), "viz", "--host", host, "--port", str(port)]


def free_port() -> int:
    """A free TCP port on 127.0.0.1."""
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def is_local(url: str) -> bool:
    """True for a URL that stays on this machine."""
    parsed = urlparse(url)
    return parsed.scheme in LOCAL_SCHEMES or (parsed.hostname or "") in LOCAL_HOSTS


@dataclass
class AppServer:
    """A running app server."""

    url: str
    process: subprocess.Popen[bytes]
    startup_seconds: float
    log_path: Path


def _wait_until_answers(url: str, proc: subprocess.Popen[bytes], log_path: Path) -> None:
    """Poll ``url`` until it answers 200; fail if the process dies or the timeout passes."""
    deadline = time.monotonic() + SERVER_START_TIMEOUT
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"app server exited with {proc.returncode}:\n{log_path.read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(url, timeout=2) as r:
                if r.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.1)
    raise RuntimeError(
        f"app server did not answer in {SERVER_START_TIMEOUT} s:\n{log_path.read_text()[-3000:]}"
    )


def _stop(proc: subprocess.Popen[bytes]) -> None:
    """Stop the server's whole process group: SIGTERM, then SIGKILL after 10 s."""
    if proc.poll() is not None:
        return
    try:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)
    except ProcessLookupError:
        pass


@pytest.fixture(scope="session")
def app_server() -> Iterator[AppServer]:
    """Start the app on a free localhost port (own process group), yield it, stop it."""
    port = free_port()
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    log_path = ARTIFACTS / "app-server.log"
    url = f"http://127.0.0.1:{port}/"
    t0 = time.monotonic()
    with open(log_path, "wb") as log:
        proc = subprocess.Popen(
            app_command("127.0.0.1", port), cwd=REPO_ROOT, stdout=log, stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL, start_new_session=True,
        )  # fmt: skip
    try:
        _wait_until_answers(url, proc, log_path)
        yield AppServer(url, proc, time.monotonic() - t0, log_path)
    finally:
        _stop(proc)


@pytest.fixture(scope="session")
def app_url(app_server: AppServer) -> str:
    """The running app's address, e.g. ``http://127.0.0.1:PORT/``."""
    return app_server.url


@pytest.fixture(scope="session")
def chromium() -> Iterator[Browser]:
    """Debian's headless Chromium driven by sync Playwright (one per session)."""
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} not found: run .ci/install-browser.sh (or set COGOV_CHROMIUM)")
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


@dataclass
class PageLog:
    """What a page did that a test must not accept."""

    blocked: list[str] = field(default_factory=list)  # requests not to this machine (aborted)
    not_found: list[str] = field(default_factory=list)  # responses with status 404
    page_errors: list[str] = field(default_factory=list)  # uncaught exceptions in the page
    console_errors: list[str] = field(default_factory=list)  # console.error messages
    console_warnings: list[str] = field(default_factory=list)  # recorded, not a failure
    requests: int = 0
    _checked: int = 0

    def problems(self) -> list[str]:
        """Every recorded problem, one line each."""
        return (
            [f"non-local request: {u}" for u in self.blocked]
            + [f"404: {u}" for u in self.not_found]
            + [f"page error: {e}" for e in self.page_errors]
            + [f"console error: {e}" for e in self.console_errors]
        )

    def assert_clean(self) -> None:
        """Fail if anything was recorded."""
        found = self.problems()
        self._checked = len(found)
        assert not found, "page problems:\n" + "\n".join(found)


@pytest.fixture
def page_log() -> PageLog:
    """The record of the current test's page."""
    return PageLog()


@pytest.fixture
def page(chromium: Browser, page_log: PageLog) -> Iterator[Page]:
    """A fresh page whose requests are routed and watched (see module docstring)."""
    context = chromium.new_context(viewport={"width": 1400, "height": 900})
    pg = context.new_page()

    def route(r: Route, request: Request) -> None:
        page_log.requests += 1
        if is_local(request.url):
            r.continue_()
        else:
            page_log.blocked.append(request.url)
            r.abort("blockedbyclient")

    def on_response(response: Response) -> None:
        if response.status == 404:
            page_log.not_found.append(response.url)

    def on_console(msg: ConsoleMessage) -> None:
        if msg.type == "error":
            page_log.console_errors.append(msg.text)
        elif msg.type == "warning":
            page_log.console_warnings.append(msg.text)

    def on_websocket(ws: WebSocket) -> None:
        if not is_local(ws.url):
            page_log.blocked.append(ws.url)

    context.route("**/*", route)
    pg.on("response", on_response)
    pg.on("pageerror", lambda exc: page_log.page_errors.append(str(exc)))
    pg.on("console", on_console)
    pg.on("websocket", on_websocket)
    try:
        yield pg
        if len(page_log.problems()) > page_log._checked:  # something the test did not see
            page_log.assert_clean()
    finally:
        context.close()


@pytest.fixture
def save_screenshot() -> Callable[[Page, str], Path]:
    """``save_screenshot(page, name)`` writes ``test-artifacts/screenshots/NAME.png``, returns its path."""

    def save(pg: Page, name: str) -> Path:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        path = SCREENSHOTS / f"{name}.png"
        pg.screenshot(path=str(path), full_page=True)
        return path

    return save
