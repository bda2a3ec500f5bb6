"""A learner logs an action with a photo, a trainer asks for a change, the learner edits,
the trainer verifies, points appear and the impact report counts it: in a real browser,
with and without JavaScript."""

from __future__ import annotations

import io
import os
from datetime import date, timedelta
from pathlib import Path

import pytest
from PIL import Image
from playwright.sync_api import expect

from localleaders.models import Role
from localleaders.services import cohorts
from tests.browser.conftest import DESKTOP, PHONE
from tests.conftest import COURSE, PASSWORD


def log_in(browser, username: str):  # type: ignore[no-untyped-def]
    page = browser.go("/login")
    page.fill("#f-username", username)
    page.fill("#f-password", PASSWORD)
    page.click("#login-form button[type=submit]")
    page.wait_for_url("**/")
    return page


def photo_with_location(path: Path) -> Path:
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif.get_ifd(0x8825).update({1: "N", 2: (53.0, 40.0, 0.0), 3: "E", 4: (23.0, 49.0, 0.0)})
    buffer = io.BytesIO()
    Image.new("RGB", (640, 480), (200, 120, 40)).save(buffer, "JPEG", exif=exif.tobytes())
    path.write_bytes(buffer.getvalue())
    return path


@pytest.mark.parametrize(
    ("javascript", "width"),
    [(True, "phone"), (False, "desktop")],
    ids=["js-phone", "no-js-desktop"],
)
def test_action_from_log_to_report(  # type: ignore[no-untyped-def]
    visit, users, tmp_path: Path, javascript: bool, width: str
) -> None:
    viewport = PHONE if width == "phone" else DESKTOP
    trainer = users.create(Role.trainer, display_name="Coach Birch")
    learner = users.create(display_name="Maple Street")
    admin = users.create(Role.admin)
    with users.db.session(write=True) as session:
        form = cohorts.CohortForm(name="Spring", course_slugs=[COURSE], starts_on="2026-03-01")
        cohort = cohorts.create(session, actor=trainer, form=form)
        cohorts.join(session, user=learner, code=cohort.join_code)

    me = visit(viewport=viewport, javascript=javascript)
    log_in(me, learner.username)
    shots = Path(os.environ.get("LOCALLEADERS_SCREENSHOTS_DIR") or tmp_path)
    page = me.go("/actions/new")
    page.select_option("#f-type", "public-event")
    page.fill("#f-title", "Courtyard film evening")
    page.fill("#f-happened_on", (date.today() - timedelta(days=1)).isoformat())
    page.fill("#f-description", "We showed a film in the courtyard.")
    page.fill("#f-residents_mobilised", "40")
    page.fill("#f-participants", "35")
    page.click("button[name=intent][value=draft]")
    expect(page.locator(".status--draft")).to_be_visible()
    page.click("text=Edit")
    page.set_input_files("#f-photo", str(photo_with_location(tmp_path / "evening.jpg")))
    page.click("form.photo-upload button[type=submit]")
    expect(page.locator(".photo-grid img")).to_have_count(1)
    page.click("button[name=intent][value=submit]")
    expect(page.locator(".status--submitted")).to_be_visible()
    action_url = page.url.split("?")[0]
    page.screenshot(path=str(shots / f"action-{width}.png"), full_page=True)

    coach = visit(viewport=viewport, javascript=javascript)
    log_in(coach, trainer.username)
    page = coach.go("/trainer/reviews")
    page.click("text=Courtyard film evening")
    expect(page.locator(".photo-grid img")).to_have_count(1)
    page.fill("#f-comment", "Please add how many neighbours helped to set up.")
    page.click("button[value=changes]")
    expect(page.locator(".alert--success")).to_be_visible()

    page = me.go(action_url.replace(me.base, ""))
    expect(page.locator(".alert--info")).to_contain_text("how many neighbours helped")
    page.click("text=Edit")
    page.fill("#f-volunteer_hours", "12")
    page.click("button[name=intent][value=submit]")
    expect(page.locator(".status--submitted")).to_be_visible()

    page = coach.go("/trainer/reviews")
    page.click("text=Courtyard film evening")
    page.click("button[value=verify]")
    expect(page.locator(".alert--success")).to_be_visible()

    page = me.go("/profile")
    expect(page.locator("#history-title ~ .table-wrap")).to_contain_text("Courtyard film evening")
    boss = visit(viewport=viewport, javascript=javascript)
    log_in(boss, admin.username)
    page = boss.go("/reports/impact")
    expect(page.locator("[data-indicator=public_events]")).to_contain_text("1")
    expect(page.locator("[data-indicator=residents_mobilised]")).to_contain_text("40")
