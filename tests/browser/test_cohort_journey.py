"""A trainer creates a cohort and a learner joins it through the invitation link, in a real
browser at phone and desktop widths, with and without JavaScript. Screenshots of the
cohort pages go where test_screenshots puts them."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from playwright.sync_api import expect

from localleaders.models import Role
from tests.browser.conftest import DESKTOP, PHONE
from tests.conftest import COURSE, PASSWORD


def log_in(browser, username: str):  # type: ignore[no-untyped-def]
    page = browser.go("/login")
    page.fill("#f-username", username)
    page.fill("#f-password", PASSWORD)
    page.click("#login-form button[type=submit]")
    page.wait_for_url("**/")
    return page


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
@pytest.mark.parametrize("width", ["phone", "desktop"])
def test_trainer_invites_and_learner_joins(  # type: ignore[no-untyped-def]
    visit, users, tmp_path: Path, width: str, javascript: bool
) -> None:
    viewport = PHONE if width == "phone" else DESKTOP
    shots = Path(os.environ.get("LOCALLEADERS_SCREENSHOTS_DIR") or tmp_path)
    shots.mkdir(parents=True, exist_ok=True)
    trainer = users.create(Role.trainer, display_name="Coach Birch")
    learner = users.create(display_name="Maple Street")
    coach = visit(viewport=viewport, javascript=javascript)
    page = log_in(coach, trainer.username)
    page.click("header >> text=Trainer")
    page = coach.go("/trainer/cohorts/new")
    page.fill("#f-name", "Hrodna spring")
    page.check(f"input[name=courses][value={COURSE}]")
    page.fill("#f-starts_on", "2027-03-01")
    page.click("form[action='/trainer/cohorts'] button[type=submit]")
    expect(page.locator(".alert--success")).to_be_visible()
    link = page.locator(".invite__link").inner_text()
    expect(page.locator(".invite__qr")).to_be_visible()
    page.fill("#f-body", "First meeting on Thursday at the library.")
    page.click("form[action$='/announcements'] button[type=submit]")
    expect(page.locator(".alert--success")).to_contain_text("Announcement posted")
    if javascript and width == "phone":
        page.screenshot(path=str(shots / f"cohort-manage-{width}.png"), full_page=True)

    member = visit(viewport=viewport, javascript=javascript)
    log_in(member, learner.username)
    page = member.go("/join/" + link.split("/join/", 1)[1])
    expect(page.locator("h1")).to_have_text("Hrodna spring")
    page.click("text=Join this cohort")
    expect(page.locator(".alert--success")).to_contain_text("Welcome")
    expect(page.locator(".announcement__body")).to_have_text(
        "First meeting on Thursday at the library."
    )
    if javascript:
        page.screenshot(path=str(shots / f"cohort-{width}.png"), full_page=True)
    page = coach.go(page.url.replace(member.base, "").split("?")[0])
    expect(page.locator(".page-header")).to_contain_text("1 learner")
