"""Browser fixtures: a live server on 127.0.0.1 and the system Chromium driven by Playwright.

Chromium comes from Debian's package (never ``playwright install``). With ``CI`` set, a
missing browser is a failure, not a skip. Every page a test opens is watched: a request to
any host but 127.0.0.1, a console error or a Content-Security-Policy violation fails it.
"""

from __future__ import annotations

import os
import shutil
import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import pytest
import uvicorn
from fastapi import FastAPI
from playwright.sync_api import (
    Browser,
    BrowserContext,
    ConsoleMessage,
    Page,
    Playwright,
    Response,
    Route,
    sync_playwright,
)  # fmt: skip

CHROMIUM_ARGS = [
    "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--no-first-run", "--disable-quic", "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
]  # fmt: skip
PHONE = {"width": 375, "height": 812}
DESKTOP = {"width": 1280, "height": 900}


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="session")
def live_server(app: FastAPI) -> Iterator[str]:
    port = _free_port()
    config = uvicorn.Config(
        app, host="127.0.0.1", port=port, log_level="warning", server_header=False
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        if not thread.is_alive():
            raise RuntimeError("the live server did not start")
        threading.Event().wait(0.02)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)


@pytest.fixture(scope="session")
def chromium_path() -> str:
    path = shutil.which("chromium") or shutil.which("chromium-browser")
    if path is None:
        message = "Chromium is not installed (apt-get install chromium); `make test` installs it"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return path


@pytest.fixture(scope="session")
def playwright() -> Iterator[Playwright]:
    with sync_playwright() as driver:
        yield driver


@pytest.fixture(scope="session")
def browser(playwright: Playwright, chromium_path: str) -> Iterator[Browser]:
    launched = playwright.chromium.launch(executable_path=chromium_path, args=CHROMIUM_ARGS)
    yield launched
    launched.close()


@dataclass
class Watch:
    """What the pages of one browser context did that they must not do."""

    outside_requests: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)

    def assert_clean(self) -> None:
        assert self.outside_requests == [], "requests to other hosts"
        assert self.console_errors == [], "console errors or CSP violations"


def _guard(route: Route, watch: Watch) -> None:
    host = urlsplit(route.request.url).hostname
    if route.request.url.startswith("data:") or host == "127.0.0.1":
        route.continue_()
    else:
        watch.outside_requests.append(route.request.url)
        route.abort()


def _console(message: ConsoleMessage, watch: Watch) -> None:
    # Pages answer 404 or 422 on purpose (error pages, invalid forms); broken subresources
    # are caught by _response below, so Chromium's generic load message is not needed.
    if message.text.startswith("Failed to load resource: the server responded with a status"):
        return
    if message.type == "error" or "Content Security Policy" in message.text:
        watch.console_errors.append(message.text)


def _response(response: Response, watch: Watch) -> None:
    if response.status >= 400 and response.request.resource_type not in (
        "document",
        "fetch",
        "xhr",
    ):
        watch.console_errors.append(f"{response.status} for {response.url}")


@dataclass
class Session:
    context: BrowserContext
    page: Page
    watch: Watch
    base: str

    def go(self, path: str) -> Page:
        self.page.goto(self.base + path)
        return self.page


def open_session(browser: Browser, base: str, *, viewport: dict[str, int], javascript: bool = True,
                 locale: str = "en-GB", reduced_motion: bool = False) -> Session:  # fmt: skip
    context = browser.new_context(
        viewport=viewport, java_script_enabled=javascript, locale=locale,
        reduced_motion="reduce" if reduced_motion else "no-preference",
    )  # fmt: skip
    context.set_default_timeout(15_000)
    watch = Watch()
    context.route("**/*", lambda route: _guard(route, watch))
    page = context.new_page()
    page.on("console", lambda message: _console(message, watch))
    page.on("pageerror", lambda error: watch.console_errors.append(str(error)))
    page.on("response", lambda response: _response(response, watch))
    return Session(context, page, watch, base)


@pytest.fixture(params=["phone", "desktop"])
def viewport(request: pytest.FixtureRequest) -> dict[str, int]:
    return PHONE if request.param == "phone" else DESKTOP


@pytest.fixture
def visit(browser: Browser, live_server: str) -> Iterator:  # type: ignore[type-arg]
    """Opens browser sessions for a test and checks each stayed clean when the test ends."""
    sessions: list[Session] = []

    def opener(**options: object) -> Session:
        session = open_session(browser, live_server, **options)  # type: ignore[arg-type]
        sessions.append(session)
        return session

    yield opener
    for session in sessions:
        session.context.close()
    for session in sessions:
        session.watch.assert_clean()
