"""Page weight: every page under 100 KB of HTML, CSS, scripts and images together,
uncompressed, on a first visit; compressed in transit; usable on a slow 3G profile."""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Response, expect

from tests.browser.test_accessibility import PUBLIC, SIGNED_IN
from tests.browser.test_journeys import log_in
from tests.conftest import COURSE, QUIZ_LESSON

pytestmark = pytest.mark.ui

LIMIT = 100 * 1024
SLOW_3G = {"offline": False, "latency": 400, "downloadThroughput": 400 * 1024 // 8,
           "uploadThroughput": 400 * 1024 // 8}  # fmt: skip


def weigh(browser, path: str) -> tuple[int, list[Response]]:  # type: ignore[no-untyped-def]
    browser.page.wait_for_load_state("networkidle")
    responses: list[Response] = []

    def handler(response: Response) -> None:
        responses.append(response)

    browser.page.on("response", handler)
    browser.go(path)
    browser.page.wait_for_load_state("load")
    browser.page.remove_listener("response", handler)
    return sum(len(r.body()) for r in responses if r.status < 300), responses


@pytest.mark.parametrize("signed_in", [False, True], ids=["anonymous", "signed-in"])
def test_every_page_is_under_100_kb(visit, users, signed_in: bool) -> None:  # type: ignore[no-untyped-def]
    sizes = {}
    pages = SIGNED_IN if signed_in else PUBLIC
    for path in pages:
        browser = visit(viewport={"width": 375, "height": 812})  # a fresh cache per page
        if signed_in:
            log_in(browser, users)
        sizes[path], responses = weigh(browser, path)
        for response in responses:
            if response.request.resource_type in ("document", "stylesheet", "script"):
                assert response.headers.get("content-encoding") == "gzip", response.url
    assert all(size < LIMIT for size in sizes.values()), sizes


def test_a_lesson_works_on_slow_3g(visit, users) -> None:  # type: ignore[no-untyped-def]
    browser = visit(viewport={"width": 375, "height": 812})
    log_in(browser, users)
    cdp = browser.context.new_cdp_session(browser.page)
    cdp.send("Network.enable")
    cdp.send("Network.emulateNetworkConditions", SLOW_3G)
    page = browser.go(f"/courses/{COURSE}/{QUIZ_LESSON}")
    expect(page.locator("h1")).to_be_visible()
    page.click(".quiz-form button[type=submit]")
    expect(page.locator(".quiz-form .field__error").first).to_be_visible()


def test_axe_finds_a_planted_violation(visit) -> None:  # type: ignore[no-untyped-def]
    """Guards the accessibility tests: axe must really run under our strict CSP."""
    browser = visit(viewport={"width": 1280, "height": 900})
    page = browser.go("/")
    page.evaluate("document.querySelector('main').append(document.createElement('input'))")
    results = Axe().run(page)
    assert "label" in {v["id"] for v in results.response["violations"]}


def test_manifest_and_icons(visit) -> None:  # type: ignore[no-untyped-def]
    browser = visit(viewport={"width": 375, "height": 812})
    page = browser.go("/")
    manifest_url = page.locator("link[rel=manifest]").get_attribute("href")
    assert manifest_url is not None
    manifest = page.request.get(browser.base + manifest_url).json()
    assert manifest["display"] == "standalone" and manifest["start_url"] == "/"
    for icon in manifest["icons"]:
        assert page.request.get(browser.base + icon["src"]).ok, icon["src"]
    assert page.locator("link[rel=icon]").count() >= 1
    assert page.locator("link[rel=apple-touch-icon]").count() == 1
