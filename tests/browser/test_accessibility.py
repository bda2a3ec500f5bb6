"""axe-core on every page in every language, logged out and in; keyboard and motion."""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

from localleaders.i18n import LOCALES
from localleaders.models import User
from tests.browser.test_journeys import log_in
from tests.browser.test_screenshots import seeded_programme
from tests.conftest import COURSE, PASSWORD, PLAIN_LESSON, QUIZ_LESSON

pytestmark = pytest.mark.ui

PUBLIC = ["/", "/courses", f"/courses/{COURSE}", f"/courses/{COURSE}/{PLAIN_LESSON}",
          f"/courses/{COURSE}/{QUIZ_LESSON}", "/login", "/register", "/nope"]  # fmt: skip
SIGNED_IN = ["/", "/courses", f"/courses/{COURSE}", f"/courses/{COURSE}/{PLAIN_LESSON}",
             f"/courses/{COURSE}/{QUIZ_LESSON}", "/profile", "/account", "/badges",
             "/notifications", "/leaderboard", "/leaderboard?period=week"]  # fmt: skip
AXE = Axe()


def violations(page: Page) -> list[str]:
    results = AXE.run(page)
    return [
        f"{page.url} [{v['id']}] {v['help']}: {[n['target'] for n in v['nodes']]}"
        for v in results.response["violations"]
    ]


@pytest.mark.parametrize("locale", LOCALES)
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_no_axe_violations(visit, users, locale: str, scheme: str) -> None:  # type: ignore[no-untyped-def]
    browser = visit(viewport={"width": 1280, "height": 900}, locale=locale)
    browser.page.emulate_media(color_scheme=scheme)
    found: list[str] = []
    for path in PUBLIC:
        found += violations(browser.go(path))
    page = browser.go("/register")
    page.click("#register-form button[type=submit]")
    expect(page.locator(".field__error").first).to_be_visible()
    found += violations(page)
    log_in(browser, users)
    for path in SIGNED_IN:
        found += violations(browser.go(path))
    page = browser.go(f"/courses/{COURSE}/{QUIZ_LESSON}")
    page.click(".quiz-form button[type=submit]")
    expect(page.locator(".quiz-form .field__error").first).to_be_visible()
    found += violations(page)
    assert found == []


def test_skip_link_and_visible_focus(visit) -> None:  # type: ignore[no-untyped-def]
    browser = visit(viewport={"width": 375, "height": 812})
    page = browser.go("/")
    page.keyboard.press("Tab")
    focused = page.locator(":focus")
    expect(focused).to_have_class("skip-link")
    expect(focused).to_be_in_viewport()
    outline = focused.evaluate("el => getComputedStyle(el).outlineStyle")
    assert outline != "none"
    page.keyboard.press("Enter")
    assert page.url.endswith("#main")


def test_quiz_by_keyboard_moves_focus_to_the_result(visit, users, session) -> None:  # type: ignore[no-untyped-def]
    from tests.integration.test_learning import quiz_answers

    browser = visit(viewport={"width": 1280, "height": 900})
    log_in(browser, users)
    page = browser.go(f"/courses/{COURSE}/{QUIZ_LESSON}")
    for name, values in quiz_answers(session, right=True).items():
        for value in values:
            box = page.locator(f"input[name={name}][value='{value}']")
            box.focus()
            page.keyboard.press("Space")
    page.locator(".quiz-form button[type=submit]").focus()
    page.keyboard.press("Enter")
    expect(page.locator(".quiz-result--pass")).to_be_visible()
    expect(page.locator("#quiz")).to_be_focused()
    expect(page.locator("#toasts")).to_have_attribute("aria-live", "polite")


def test_reduced_motion_turns_animation_off(visit, users) -> None:  # type: ignore[no-untyped-def]
    browser = visit(viewport={"width": 1280, "height": 900}, reduced_motion=True)
    log_in(browser, users)
    page = browser.go(f"/courses/{COURSE}/{PLAIN_LESSON}")
    page.click("text=Mark as complete")
    toast = page.locator("#toasts .toast").first
    expect(toast).to_be_visible()
    durations = toast.evaluate("el => getComputedStyle(el).animationDuration")
    assert all(float(d.rstrip("s")) <= 0.01 for d in durations.split(","))


@pytest.mark.parametrize(
    ("locale", "scheme"), [("en", "light"), ("en", "dark"), ("be", "light"), ("ru", "dark")]
)
def test_no_axe_violations_on_programme_pages(visit, users, app, locale: str, scheme: str) -> None:  # type: ignore[no-untyped-def]
    """Cohort, action, trainer, review, consultation, admin and report pages: both schemes
    and every language, in four runs rather than six (each run audits 20 pages)."""
    trainer, admin, cohort, action = seeded_programme(users, app.state.program)
    with users.db.session() as session:
        learner = session.get(User, action.user_id)
    c, a = cohort.id, action.id
    pages = [
        (learner, ["/cohorts", f"/cohorts/{c}", f"/cohorts/{c}/leaderboard", "/actions", "/actions/new", f"/actions/{a}",
                   f"/actions/{a}/edit", f"/join/{cohort.join_code}"]),
        (trainer, ["/trainer", f"/trainer/cohorts/{c}", f"/trainer/cohorts/{c}/manage",
                   f"/trainer/cohorts/{c}/edit", "/trainer/cohorts/new", "/trainer/reviews",
                   f"/trainer/reviews/{a}", f"/trainer/cohorts/{c}/consultations",
                   f"/trainer/cohorts/{c}/learners/{action.user_id}",
                   "/reports/impact"]),
        (admin, ["/admin", "/admin/users", "/admin/courses", "/admin/audit"]),
    ]  # fmt: skip
    found: list[str] = []
    for user, paths in pages:
        browser = visit(viewport={"width": 1280, "height": 900}, locale=locale)
        browser.page.emulate_media(color_scheme=scheme)
        page = browser.go("/login")
        page.fill("#f-username", user.username)
        page.fill("#f-password", PASSWORD)
        page.click("#login-form button[type=submit]")
        page.wait_for_url("**/")
        for path in paths:
            found += violations(browser.go(path))
    assert found == [], "\n".join(found)
