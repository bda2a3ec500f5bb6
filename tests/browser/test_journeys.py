"""The learner's journey in a real browser, at phone and desktop widths, with and without
JavaScript: register, choose a course, complete a lesson, fail then pass a quiz, see points
and level change, switch language, log out."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect
from sqlmodel import Session as DbSession

from tests.browser.conftest import Session
from tests.conftest import COURSE, PLAIN_LESSON, QUIZ_LESSON
from tests.integration.test_learning import quiz_answers, quiz_lesson_points


def answer(page: Page, answers: dict[str, list[str]]) -> None:
    for name, values in answers.items():
        for value in values:
            page.check(f"input[name={name}][value='{value}']")
    page.click(".quiz-form button[type=submit]")


def points_on_profile(session: Session) -> str:
    page = session.go("/profile")
    return page.locator(".level-card__points strong").inner_text()


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_learner_journey(
    visit, viewport: dict[str, int], javascript: bool, session: DbSession
) -> None:  # type: ignore[no-untyped-def]
    browser = visit(viewport=viewport, javascript=javascript)
    page = browser.go("/")
    page.click("header >> text=Join")
    page.fill("#f-username", "river.bank")
    page.fill("#f-display_name", "River Bank")
    page.fill("#f-password", "a quiet river in spring")
    page.click("#register-form button[type=submit]")
    expect(page).to_have_url(f"{browser.base}/courses")
    expect(page.locator("header")).to_contain_text("Log out")

    page.click(f"a[href='/courses/{COURSE}']")
    expect(page.locator("h1")).to_have_text("Organising your neighbours")
    page.click(f"a[href='/courses/{COURSE}/{PLAIN_LESSON}']")
    page.click("text=Mark as complete")
    expect(page.locator("#lesson-status")).to_contain_text("Lesson completed")
    assert points_on_profile(browser) == "15"

    page.goto(f"{browser.base}/courses/{COURSE}/{QUIZ_LESSON}")
    answer(page, quiz_answers(session, right=False))
    expect(page.locator(".quiz-result--fail")).to_be_visible()
    expect(page.locator(".question--wrong").first).to_be_visible()
    answer(page, quiz_answers(session, right=True))
    expect(page.locator(".quiz-result--pass")).to_be_visible()
    expect(page.locator(".explanation").first).to_be_visible()
    total = 15 + quiz_lesson_points(session)
    assert points_on_profile(browser) == str(total)
    expect(page.locator(".level-card progress")).to_have_attribute("value", str(total * 100 // 50))

    page.select_option("#lang-select", "ru")
    page.click(".lang-form button[type=submit]")
    expect(page.locator("html")).to_have_attribute("lang", "ru")
    expect(page.locator("h2#history-title")).not_to_have_text("What earned your points")

    page.click("header .nav button[type=submit]")
    expect(page).to_have_url(f"{browser.base}/")
    expect(page.locator("header a[href='/login']")).to_be_visible()


def test_htmx_completion_updates_in_place_and_announces_points(visit, users) -> None:  # type: ignore[no-untyped-def]
    browser = visit(viewport={"width": 1280, "height": 900})
    log_in(browser, users)
    page = browser.go(f"/courses/{COURSE}/{PLAIN_LESSON}")
    page.click("text=Mark as complete")
    expect(page.locator("#toasts .toast").first).to_contain_text("+15")
    assert page.url.endswith(PLAIN_LESSON)  # swapped in place: no navigation


def log_in(browser: Session, users) -> None:  # type: ignore[no-untyped-def]
    from tests.conftest import PASSWORD

    user = users.create()
    page = browser.go("/login")
    page.fill("#f-username", user.username)
    page.fill("#f-password", PASSWORD)
    page.click("#login-form button[type=submit]")
    expect(page.locator("header .nav form[action='/logout']")).to_be_visible()


def test_a_new_badge_is_celebrated_and_kept_in_notifications(visit, users) -> None:  # type: ignore[no-untyped-def]
    browser = visit(viewport={"width": 375, "height": 812})
    log_in(browser, users)
    page = browser.go(f"/courses/{COURSE}/{PLAIN_LESSON}")
    page.click("text=Mark as complete")
    expect(page.locator("#toasts .toast--level")).to_contain_text("New badge: First step")
    expect(page.locator("#lesson-status .celebration")).to_contain_text("First step")
    page = browser.go("/notifications")
    expect(page.locator(".notification--unread")).to_contain_text("First step")


def test_the_cheat_guard_explains_itself_without_changing_the_page(visit, users, strict) -> None:  # type: ignore[no-untyped-def]
    browser = visit(viewport={"width": 375, "height": 812})
    log_in(browser, users)
    page = browser.go(f"/courses/{COURSE}/{PLAIN_LESSON}")
    page.click("text=Mark as complete")
    expect(page.locator("#toasts .toast--warning")).to_contain_text("Take a little more time")
    expect(page.locator("#lesson-status button[type=submit]")).to_be_visible()
