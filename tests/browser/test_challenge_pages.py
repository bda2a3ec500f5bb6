"""Challenge pages in a real browser: accessible in every language and scheme, light,
readable on phones, joining a team without JavaScript, the live part replaced by htmx."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest
from playwright.sync_api import expect

from localleaders.models import Challenge, User
from localleaders.services import actions, challenge_teams, challenges, cohorts
from tests.browser.conftest import DESKTOP, PHONE
from tests.browser.test_accessibility import violations
from tests.browser.test_screenshots import out_dir, seeded_programme  # noqa: F401  (fixture)
from tests.browser.test_weight import LIMIT, weigh
from tests.conftest import PASSWORD

pytestmark = pytest.mark.ui


def seeded_challenges(users, program):  # type: ignore[no-untyped-def]
    """The seeded programme's cohort with a shared goal under way (one verified action), a
    race through the lessons, and teams forming for a challenge that starts in three days."""
    trainer, _admin, cohort, action = seeded_programme(users, program)
    today = date.today()
    with users.db.session(write=True) as session:
        actions.review(session, reviewer=trainer, action_id=action.id, decision="verify",
                       comment="", program=program)  # fmt: skip
        made = {}
        for key, measure, kind, start, goal in (("goal", "residents", "cooperative", -10, "100"),
                                                ("race", "lessons", "individual", -2, ""),
                                                ("teams", "actions", "teams", 3, "")):  # fmt: skip
            first = today + timedelta(days=start)
            form = challenges.ChallengeForm(
                cohort_id=str(cohort.id), titles={"en": f"Spring {key}", "be": f"Вясна: {key}"},
                descriptions={"en": "Every clean-up you lead counts."}, measure=measure,
                format=kind, goal=goal, starts_on=str(first), ends_on=str(first + timedelta(days=20)),
            )  # fmt: skip
            made[key] = challenges.create(session, actor=trainer, form=form, rules=program).id
        learner = session.get(User, action.user_id)
        assert learner is not None
        team = challenge_teams.create_team(session, user=learner, challenge=session.get(
            Challenge, made["teams"]), name="Courtyard crew", rules=program)  # fmt: skip
        made["team"] = team.id
    return trainer, learner, cohort, made


def sign_in(visit, user: User, **options):  # type: ignore[no-untyped-def]
    browser = visit(**options)
    page = browser.go("/login")
    page.fill("#f-username", user.username)
    page.fill("#f-password", PASSWORD)
    page.click("#login-form button[type=submit]")
    page.wait_for_url("**/")
    return browser


@pytest.mark.parametrize(("locale", "scheme"), [("en", "light"), ("be", "dark"), ("ru", "light")])
def test_challenge_pages_have_no_axe_violations(
    visit, users, app, locale: str, scheme: str
) -> None:  # type: ignore[no-untyped-def]
    trainer, learner, _cohort, made = seeded_challenges(users, app.state.program)
    found: list[str] = []
    for user, paths in (
        (learner, ["/challenges", f"/challenges/{made['goal']}", f"/challenges/{made['race']}",
                   f"/challenges/{made['teams']}", f"/challenges/{made['teams']}/teams/{made['team']}"]),
        (trainer, [f"/challenges/{made['teams']}", f"/challenges/{made['goal']}/edit",
                   "/challenges/new"]),
    ):  # fmt: skip
        browser = sign_in(visit, user, viewport=DESKTOP, locale=locale)
        browser.page.emulate_media(color_scheme=scheme)
        for path in paths:
            found += violations(browser.go(path))
    assert found == [], "\n".join(found)


def test_challenge_pages_are_light_and_fit_a_phone(visit, users, app, out_dir: Path) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    trainer, learner, _cohort, made = seeded_challenges(users, app.state.program)
    shots = [(learner, "challenges", "/challenges"), (learner, "challenge", f"/challenges/{made['goal']}"),
             (learner, "challenge-teams", f"/challenges/{made['teams']}"),
             (trainer, "challenge-staff", f"/challenges/{made['teams']}"),
             (trainer, "challenge-form", "/challenges/new")]  # fmt: skip
    for width, viewport in (("phone", PHONE), ("desktop", DESKTOP)):
        for user, name, path in shots:
            browser = sign_in(visit, user, viewport=viewport)  # a fresh cache: a first visit
            size, _ = weigh(browser, path)
            assert size < LIMIT, (path, size)
            assert (
                browser.page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
            )
            browser.page.screenshot(path=str(out_dir / f"{name}-{width}.png"), full_page=True)


def test_joining_a_team_works_without_javascript(visit, users, app) -> None:  # type: ignore[no-untyped-def]
    _trainer, _learner, cohort, made = seeded_challenges(users, app.state.program)
    newcomer = users.create(display_name="Linden Yard")
    with users.db.session(write=True) as session:
        cohorts.join(session, user=newcomer, code=cohort.join_code, rules=app.state.program)
    browser = sign_in(visit, newcomer, viewport=PHONE, javascript=False)
    page = browser.go(f"/challenges/{made['teams']}")
    page.click("text=Join Courtyard crew")
    expect(page.locator("[role=status]#joined")).to_be_visible()
    expect(page.locator(".board__me")).to_contain_text("Courtyard crew")
    page.fill("#f-name", "courtyard CREW")
    page.click("text=Start the team")
    expect(page.locator("#f-name-error")).to_contain_text("already has this name")


def test_the_live_part_is_swapped_in_by_htmx(visit, users, app) -> None:  # type: ignore[no-untyped-def]
    trainer, learner, cohort, made = seeded_challenges(users, app.state.program)
    browser = sign_in(visit, learner, viewport=DESKTOP)
    page = browser.go(f"/challenges/{made['goal']}")
    expect(page.locator("#live .stat__value").last).to_have_text("40")
    program = app.state.program
    with users.db.session(write=True) as session:
        form = actions.ActionForm(type="improvement", title="Yard repair", residents_mobilised="7",
                                  happened_on=str(date.today()), cohort_id=str(cohort.id))  # fmt: skip
        other = session.get(User, learner.id)
        done = actions.create(session, user=other, form=form, program=program, submit=True)
        actions.review(session, reviewer=trainer, action_id=done.id, decision="verify",
                       comment="", program=program)  # fmt: skip
    # Coming back to the tab asks at once (the timer asks every 30 seconds).
    page.evaluate("document.dispatchEvent(new Event('visibilitychange'))")
    expect(page.locator("#live .stat__value").last).to_have_text("47")
