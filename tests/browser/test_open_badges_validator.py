"""A published badge passes the official Open Badges 2.0 validator, run against the live
server on 127.0.0.1 (the validator's own venv; it fetches nothing from elsewhere)."""

from __future__ import annotations

import json
import urllib.error
import urllib.request

from sqlmodel import select

from localleaders.catalog.program import ProgramSpec
from localleaders.db import Database
from localleaders.models import BadgeAward, User
from localleaders.services import achievements, learning
from tests.conftest import COURSE, PLAIN_LESSON, Users
from tests.openbadges_tool import validate_assertion

EMAIL = "maple.street@example.org"


def status_of(url: str) -> tuple[int, dict]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, json.load(response)
    except urllib.error.HTTPError as error:
        body = error.read()
        return error.code, json.loads(body) if body.startswith(b"{") else {}


def test_a_published_badge_validates_and_a_withdrawn_one_is_revoked(
    live_server: str, db: Database, users: Users, program: ProgramSpec
) -> None:
    learner = users.create()
    with db.session(write=True) as session:
        learning.complete_lesson(session, user_id=learner.id or 0, course_slug=COURSE,
                                 slug=PLAIN_LESSON, rules=program)  # fmt: skip
        award = session.exec(select(BadgeAward).where(BadgeAward.user_id == learner.id)).one()
        owner = session.get(User, learner.id)
        assert owner is not None and award.id is not None
        assertion = achievements.publish(session, user=owner, award_id=award.id, email=EMAIL)
    url = f"{live_server}/openbadges/assertions/{assertion.id}"

    report = validate_assertion(url, recipient=EMAIL)
    assert report["report"]["valid"] is True, report["report"]["messages"]
    assert report["report"]["errorCount"] == 0
    wrong = validate_assertion(url, recipient="someone.else@example.org")
    assert wrong["report"]["valid"] is False  # the hashed recipient is really checked

    unpublished = f"{live_server}/openbadges/assertions/{'f' * 32}"
    assert status_of(unpublished)[0] == 404
    assert validate_assertion(unpublished)["report"]["valid"] is False

    with db.session(write=True) as session:
        owner = session.get(User, learner.id)
        assert owner is not None
        achievements.unpublish(session, user=owner, award_id=award.id)
    # The validator does not check revocation of hosted badges, so the status is checked here.
    status, body = status_of(url)
    assert status == 410 and body["revoked"] is True
