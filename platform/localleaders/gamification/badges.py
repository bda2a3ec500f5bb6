"""Badge criteria: what a learner has done, measured per criterion kind, against the rules.

``evaluate`` is called by the use case that may have earned a badge, inside its transaction.
Each (badge, tier) is a unique row, inserted in a savepoint: a concurrent request that
inserted it first makes the insert fail quietly, so a badge is never awarded twice.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from sqlalchemy import insert
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, func, select

from localleaders.catalog.program import TIERS, BadgeSpec, CriterionSpec, ProgramSpec
from localleaders.models import (
    ActionStatus,
    BadgeAward,
    ChallengePlacement,
    CommunityAction,
    Course,
    Lesson,
    LessonCompletion,
    QuizAttempt,
    Track,
    UserStreak,
)
from localleaders.models.base import utcnow

# The kinds an event can affect: a use case re-checks only these.
LESSON_KINDS = frozenset({"lessons_completed", "course_completed", "track_completed"})
QUIZ_KINDS = LESSON_KINDS | {"perfect_quizzes"}
ACTION_KINDS = frozenset({"actions_verified", "residents_mobilised"})
STREAK_KINDS = frozenset({"streak_weeks"})
CHALLENGE_KINDS = frozenset({"challenge_placed"})
ALL_KINDS = QUIZ_KINDS | ACTION_KINDS | STREAK_KINDS | CHALLENGE_KINDS


@dataclass(frozen=True)
class NewBadge:
    award_id: int
    badge: BadgeSpec
    tier: str


def _count(session: Session, statement: object) -> int:
    return int(session.exec(statement).one() or 0)  # type: ignore[call-overload]


def _lessons(session: Session, user_id: int, _criterion: CriterionSpec) -> int:
    query = select(func.count()).where(LessonCompletion.user_id == user_id)
    return _count(session, query)


def _perfect_quizzes(session: Session, user_id: int, _criterion: CriterionSpec) -> int:
    query = select(func.count(func.distinct(QuizAttempt.lesson_id))).where(
        QuizAttempt.user_id == user_id, QuizAttempt.correct == QuizAttempt.total
    )
    return _count(session, query)


def _verified(user_id: int) -> list[object]:
    return [
        CommunityAction.user_id == user_id,
        CommunityAction.status == ActionStatus.verified.value,
    ]


def _actions(session: Session, user_id: int, criterion: CriterionSpec) -> int:
    conditions = _verified(user_id)
    if criterion.action_type:
        conditions.append(CommunityAction.type == criterion.action_type)
    return _count(session, select(func.count()).where(*conditions))  # type: ignore[arg-type]


def _residents(session: Session, user_id: int, _criterion: CriterionSpec) -> int:
    total = func.coalesce(func.sum(CommunityAction.residents_mobilised), 0)
    return _count(session, select(total).where(*_verified(user_id)))  # type: ignore[arg-type]


def _streak(session: Session, user_id: int, _criterion: CriterionSpec) -> int:
    best = session.exec(select(UserStreak.best).where(UserStreak.user_id == user_id)).first()
    return best or 0


def _best_place(session: Session, user_id: int, _criterion: CriterionSpec) -> int:
    """The best place reached; 0 when never placed (a threshold is then never met)."""
    query = select(func.min(ChallengePlacement.place)).where(ChallengePlacement.user_id == user_id)
    return _count(session, query)


def completed_courses(session: Session, user_id: int) -> list[Course]:
    """Published courses whose every lesson (shared modules included) the learner completed."""
    done = dict(
        session.exec(
            select(Lesson.course_id, func.count())
            .join(LessonCompletion, col(LessonCompletion.lesson_id) == col(Lesson.id))
            .where(LessonCompletion.user_id == user_id, col(Lesson.is_published))
            .group_by(col(Lesson.course_id))
        ).all()
    )
    if not done:
        return []
    courses = list(session.exec(select(Course).where(col(Course.is_published))))
    ids = {course.slug: course.id or 0 for course in courses}

    def finished(course: Course) -> bool:
        count = done.get(course.id or 0, 0) + sum(
            done.get(ids.get(s, 0), 0) for s in course.includes
        )
        return bool(course.lesson_count) and count >= course.lesson_count

    return [course for course in courses if finished(course)]


def _courses(session: Session, user_id: int, criterion: CriterionSpec) -> int:
    slugs = {course.slug for course in completed_courses(session, user_id)}
    return int(criterion.course in slugs) if criterion.course else len(slugs)


def _tracks(session: Session, user_id: int, criterion: CriterionSpec) -> int:
    done = {course.slug for course in completed_courses(session, user_id)}
    if not done:
        return 0
    by_track: dict[str, set[str]] = {}
    for slug, track in session.exec(
        select(Course.slug, Course.track).where(col(Course.is_published))
    ):
        if track != Track.shared:
            by_track.setdefault(str(track), set()).add(slug)
    finished = {track for track, slugs in by_track.items() if slugs <= done}
    return int(str(criterion.track) in finished) if criterion.track else len(finished)


METRICS: dict[str, Callable[[Session, int, CriterionSpec], int]] = {
    "lessons_completed": _lessons,
    "perfect_quizzes": _perfect_quizzes,
    "actions_verified": _actions,
    "residents_mobilised": _residents,
    "streak_weeks": _streak,
    "challenge_placed": _best_place,
    "course_completed": _courses,
    "track_completed": _tracks,
}


def reached(criterion: CriterionSpec, value: int, threshold: int) -> bool:
    if criterion.kind == "challenge_placed":  # a smaller place is better; 0 is "never placed"
        return 0 < value <= threshold
    return value >= threshold


def tier_order(tier: str) -> int:
    return TIERS.index(tier) + 1 if tier in TIERS else 0  # type: ignore[arg-type]


def _insert(
    session: Session, user_id: int, badge: BadgeSpec, tier: str, version: str,
    awarded_by: int | None = None, note: str = "",
) -> int | None:  # fmt: skip
    try:
        with session.begin_nested():
            result = session.execute(
                insert(BadgeAward).values(
                    user_id=user_id,
                    badge_key=badge.key,
                    tier=tier,
                    awarded_at=utcnow(),
                    rules_version=version,
                    awarded_by=awarded_by,
                    note=note[:200],
                )
            )
    except IntegrityError:
        return None
    return int(result.inserted_primary_key[0])  # type: ignore[attr-defined]


def evaluate(
    session: Session, rules: ProgramSpec, user_id: int, kinds: Iterable[str]
) -> list[NewBadge]:
    """Awards every badge tier of the given kinds the learner has now reached."""
    wanted = [badge for badge in rules.badges if badge.criterion.kind in set(kinds)]
    if not wanted:
        return []
    held = set(
        session.exec(
            select(BadgeAward.badge_key, BadgeAward.tier).where(BadgeAward.user_id == user_id)
        ).all()
    )
    earned = []
    measured: dict[str, int] = {}
    for badge in wanted:
        criterion = badge.criterion
        missing = {t: n for t, n in criterion.thresholds().items() if (badge.key, t) not in held}
        if not missing:
            continue
        # What is measured, not the thresholds: badges counting the same thing share a query.
        cache_key = criterion.model_dump_json(exclude={"count", "tiers"})
        if cache_key not in measured:
            measured[cache_key] = METRICS[criterion.kind](session, user_id, criterion)
        for tier, threshold in missing.items():
            if reached(criterion, measured[cache_key], threshold):
                award_id = _insert(session, user_id, badge, tier, rules.version)
                if award_id is not None:
                    earned.append(NewBadge(award_id, badge, tier))
    return earned


def give(
    session: Session, rules: ProgramSpec, *, user_id: int, badge: BadgeSpec, by: int, note: str
) -> NewBadge | None:
    """A trainer-awarded badge; None when the learner already holds it."""
    award_id = _insert(session, user_id, badge, "", rules.version, awarded_by=by, note=note)
    return NewBadge(award_id, badge, "") if award_id is not None else None
