"""Screenshots of the main pages at phone and desktop widths.

Always runs (so a page that breaks in a real browser fails here). ``make screenshots``
sets LOCALLEADERS_SCREENSHOTS_DIR=docs/screenshots to refresh the committed pictures;
otherwise they go to a temporary folder.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from playwright.sync_api import expect
from sqlmodel import select

from localleaders.models import BadgeAward
from tests.browser.conftest import DESKTOP, PHONE
from tests.conftest import COURSE, PASSWORD, PLAIN_LESSON, QUIZ_LESSON
from tests.integration.test_learning import quiz_answers

pytestmark = pytest.mark.ui

PAGES = [
    ("home", "/", False),
    ("catalogue", "/courses", True),
    ("course", f"/courses/{COURSE}", True),
    ("lesson", f"/courses/{COURSE}/{PLAIN_LESSON}", True),
    ("profile", "/profile", True),
    ("badges", "/badges", True),
    ("notifications", "/notifications", True),
    ("leaderboard", "/leaderboard", True),
    ("register", "/register", False),
]


@pytest.fixture
def out_dir(tmp_path: Path) -> Path:
    target = os.environ.get("LOCALLEADERS_SCREENSHOTS_DIR")
    path = Path(target) if target else tmp_path
    path.mkdir(parents=True, exist_ok=True)
    return path


@pytest.mark.parametrize("width", ["phone", "desktop"])
def test_main_pages(visit, users, session, out_dir: Path, width: str) -> None:  # type: ignore[no-untyped-def]
    viewport = PHONE if width == "phone" else DESKTOP
    anonymous = visit(viewport=viewport)
    member = visit(viewport=viewport)
    user = users.create(display_name="Maple Street")
    page = member.go("/login")
    page.fill("#f-username", user.username)
    page.fill("#f-password", PASSWORD)
    page.click("#login-form button[type=submit]")
    page.wait_for_url("**/")
    member.go(f"/courses/{COURSE}/{PLAIN_LESSON}").click("text=Mark as complete")
    expect(member.page.locator("#lesson-status")).to_contain_text("Lesson completed")
    for name, path, signed_in in PAGES:
        browser = member if signed_in else anonymous
        browser.go(path)
        target = out_dir / f"{name}-{width}.png"
        browser.page.screenshot(path=str(target))
        assert target.stat().st_size > 5_000
    award = session.exec(select(BadgeAward).where(BadgeAward.user_id == user.id)).first()
    assert award is not None
    member.go(f"/badges/{award.id}").screenshot(path=str(out_dir / f"badge-{width}.png"))
    page = member.go(f"/courses/{COURSE}/{QUIZ_LESSON}")
    for field, values in quiz_answers(session, right=True).items():
        for value in values:
            page.check(f"input[name={field}][value='{value}']")
    page.click(".quiz-form button[type=submit]")
    result = page.locator(".quiz-result--pass")
    expect(result).to_be_visible()
    result.scroll_into_view_if_needed()
    page.screenshot(path=str(out_dir / f"quiz-{width}.png"))


@pytest.mark.parametrize(("locale", "accept"), [("be", "be-BY"), ("ru", "ru-RU"), ("en", "en-GB")])
def test_lesson_in_each_language(visit, out_dir: Path, locale: str, accept: str) -> None:  # type: ignore[no-untyped-def]
    reader = visit(viewport=PHONE, locale=accept)
    page = reader.go(f"/courses/{COURSE}/{QUIZ_LESSON}")
    assert page.locator("html").get_attribute("lang") == locale
    expect(page.locator(".alert--info")).to_have_count(0)
    target = out_dir / f"lesson-phone-{locale}.png"
    page.screenshot(path=str(target))
    assert target.stat().st_size > 5_000


def seeded_programme(users, app_program):  # type: ignore[no-untyped-def]
    """A cohort with a trainer, an admin and learners with some progress and one action."""
    from localleaders.models import Role
    from localleaders.services import actions, cohorts, learning

    trainer = users.create(Role.trainer, display_name="Coach Birch")
    admin = users.create(Role.admin, display_name="Programme staff")
    learners = [users.create(display_name=name) for name in
                ("Maple Street", "Courtyard 14", "River Bank", "Linden", "Blue Door")]  # fmt: skip
    with users.db.session(write=True) as session:
        form = cohorts.CohortForm(
            name="Hrodna spring", course_slugs=[COURSE], starts_on="2026-09-01"
        )
        cohort = cohorts.create(session, actor=trainer, form=form)
        for number, learner in enumerate(learners):
            cohorts.join(session, user=learner, code=cohort.join_code)
            if number % 2 == 0:
                learning.complete_lesson(session, user_id=learner.id, course_slug=COURSE,
                                         slug=PLAIN_LESSON, rules=app_program)  # fmt: skip
        done = actions.ActionForm(
            type="public-event", title="Courtyard film evening", happened_on="2026-11-20",
            description="We showed a film in the courtyard; neighbours brought chairs.",
            outcome="Thirty-five people came; we agreed on a clean-up next month.",
            residents_mobilised="40", participants="35", volunteer_hours="12", place="Hrodna",
        )  # fmt: skip
        action = actions.create(session, user=learners[0], form=done, program=app_program,
                                submit=True)  # fmt: skip
    return trainer, admin, cohort, action


@pytest.mark.parametrize("width", ["phone", "desktop"])
def test_trainer_and_admin_pages(visit, users, app, out_dir: Path, width: str) -> None:  # type: ignore[no-untyped-def]
    viewport = PHONE if width == "phone" else DESKTOP
    trainer, admin, cohort, action = seeded_programme(users, app.state.program)
    for user, pages in (
        (trainer, [("trainer-dashboard", "/trainer"), ("trainer-cohort", f"/trainer/cohorts/{cohort.id}"),
                   ("review", f"/trainer/reviews/{action.id}"),
                   ("trainer-learner", f"/trainer/cohorts/{cohort.id}/learners/{action.user_id}"),
                   ("cohort-leaderboard", f"/cohorts/{cohort.id}/leaderboard")]),
        (admin, [("admin-users", "/admin/users"), ("impact", "/reports/impact")]),
    ):  # fmt: skip
        browser = visit(viewport=viewport)
        page = browser.go("/login")
        page.fill("#f-username", user.username)
        page.fill("#f-password", PASSWORD)
        page.click("#login-form button[type=submit]")
        page.wait_for_url("**/")
        for name, path in pages:
            response = browser.page.goto(browser.base + path)
            assert response is not None and response.status == 200, path
            width_used = browser.page.evaluate("document.documentElement.scrollWidth")
            assert width_used <= viewport["width"], f"{path} scrolls sideways"
            target = out_dir / f"{name}-{width}.png"
            browser.page.screenshot(path=str(target), full_page=True)
            assert target.stat().st_size > 5_000
