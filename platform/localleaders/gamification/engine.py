"""One use case's rewards for one learner: points, streak, badges and level-ups together.

A use case makes a ``Rewards`` at its start, records what happened, and calls ``finish``
before its transaction commits. Everything is written in that transaction, so a failure
leaves no half-awarded state; ``finish`` returns what to celebrate (the toast and the
notifications list).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import insert
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from localleaders.catalog.program import BadgeSpec, ProgramSpec
from localleaders.gamification import badges, boards, challenges, ledger, streaks
from localleaders.gamification.levels import level_for
from localleaders.gamification.points import place_due
from localleaders.models import ChallengePlacement, Notification, RuleVersion
from localleaders.models.base import utcnow


@dataclass
class Celebration:
    points: int = 0
    badges: list[badges.NewBadge] = field(default_factory=list)
    level: int | None = None  # the level number reached, when it rose
    notifications: list[int] = field(default_factory=list)


class Rewards:
    def __init__(self, session: Session, rules: ProgramSpec, user_id: int) -> None:
        self.session, self.rules, self.user_id = session, rules, user_id
        self.start_total = ledger.total_points(session, user_id)
        self.earned = Celebration()
        # The ledger leaves learners who opted out off these boards.
        self.boards = (boards.ALL, boards.week_board(streaks.week_of(utcnow(), rules)))

    def points(
        self, amount: int, *, reason: str, source_key: str, note: str = "",
        awarded_by: int | None = None,
    ) -> int:  # fmt: skip
        """Awards once per source key; returns the amount, or 0 when it was awarded before."""
        if not amount and awarded_by is None:
            return 0
        keep_rules(self.session, self.rules)
        added = ledger.award(self.session, user_id=self.user_id, amount=amount, reason=reason,
                             source_key=source_key, note=note, rules_version=self.rules.version,
                             awarded_by=awarded_by, boards=self.boards)  # fmt: skip
        if added:
            self.earned.points += amount
        return amount if added else 0

    def settle(self, subject: str, due: int, *, reason: str, correction: str, note: str) -> int:
        keep_rules(self.session, self.rules)
        difference = ledger.settle(self.session, user_id=self.user_id, subject=subject, due=due,
                                   reason=reason, correction=correction, note=note,
                                   rules_version=self.rules.version, boards=self.boards)  # fmt: skip
        self.earned.points += difference
        return difference

    def active(self, when: datetime | None = None) -> None:
        """The learner did something that counts for this week's streak."""
        if streaks.record(self.session, self.rules, self.user_id, when):
            self.check(badges.STREAK_KINDS)

    def check(self, kinds: Iterable[str]) -> None:
        self.earned.badges += badges.evaluate(self.session, self.rules, self.user_id, kinds)

    def placed(self, challenge_key: str, place: int, *, note: str = "") -> None:
        """The learner finished a community challenge in ``place``: points and badges."""
        try:
            with self.session.begin_nested():
                self.session.add(
                    ChallengePlacement(
                        user_id=self.user_id, challenge_key=challenge_key, place=place
                    )
                )
        except IntegrityError:
            return  # placed already (a challenge closes once)
        self.points(place_due(place, self.rules), reason="challenge_placed",
                    source_key=f"challenge:{challenge_key}", note=note or challenge_key)  # fmt: skip
        self.check(badges.CHALLENGE_KINDS)

    def give(self, badge: BadgeSpec, *, by: int, note: str) -> bool:
        new = badges.give(self.session, self.rules, user_id=self.user_id, badge=badge, by=by,
                          note=note)  # fmt: skip
        if new is not None:
            self.earned.badges.append(new)
        return new is not None

    def finish(self) -> Celebration:
        """Brings the learner's challenge contributions up to date, notes a level-up and
        keeps a notification of each new badge and level."""
        challenges.refresh(self.session, self.rules, self.user_id)
        before = level_for(self.start_total, self.rules.levels).number
        after = level_for(ledger.total_points(self.session, self.user_id), self.rules.levels)
        if after.number > before:
            self.earned.level = after.number
            self._notify("level", {"level": after.number})
        for new in self.earned.badges:
            self._notify("badge", {"badge": new.badge.key, "tier": new.tier, "award": new.award_id})
        return self.earned

    def _notify(self, kind: str, data: dict[str, object]) -> None:
        note = Notification(user_id=self.user_id, kind=kind, data=data)
        self.session.add(note)
        self.session.flush()
        assert note.id is not None
        self.earned.notifications.append(note.id)


def keep_rules(session: Session, rules: ProgramSpec) -> None:
    """Stores this version of the rules once, so any ledger row can be explained later."""
    version = rules.version
    if session.get(RuleVersion, version) is not None:
        return
    try:
        with session.begin_nested():
            session.execute(
                insert(RuleVersion).values(
                    version=version,
                    rules=rules.model_dump(mode="json", exclude={"cheat_guard"}),
                    first_seen_at=utcnow(),
                )
            )
    except IntegrityError:
        pass
