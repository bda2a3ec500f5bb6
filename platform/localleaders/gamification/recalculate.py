"""Re-deriving awards after a change of rules.

Every derivable award is re-computed from the records (completions, quiz attempts, actions,
consultations, challenge placements and shared goals) under the current rules and compared with what the
ledger holds per subject. A difference is appended as a new row ("recalculation"), never
an edit; badges the learner now qualifies for are awarded. Manual awards are left alone.
The caller decides whether the transaction commits (``--apply``) or rolls back
(``--dry-run``), so the preview is exactly what applying would do.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from sqlmodel import Session, col, func, select

from localleaders.catalog.program import ProgramSpec
from localleaders.gamification import badges, boards, ledger, streaks
from localleaders.gamification.engine import Rewards
from localleaders.gamification.points import action_due, place_due
from localleaders.models import (
    Challenge,
    ChallengeFormat,
    ChallengePlacement,
    ChallengeScore,
    CommunityAction,
    Consultation,
    Lesson,
    LessonCompletion,
    PointEntry,
    QuizAttempt,
    User,
)

DERIVED = ("lesson", "quiz", "perfect", "action", "consultation", "challenge", "challenge-goal")
Due = dict[int, dict[str, tuple[int, str]]]  # user -> subject -> (points due, note)


@dataclass
class LearnerChange:
    user_id: int
    points: int = 0  # the sum of the rows appended
    subjects: list[tuple[str, int]] = field(default_factory=list)  # (subject, difference)
    badges: list[str] = field(default_factory=list)  # "key" or "key/tier"


def _lessons(session: Session, rules: ProgramSpec, due: Due) -> None:
    rows = session.exec(
        select(LessonCompletion.user_id, Lesson).join(
            Lesson, col(Lesson.id) == col(LessonCompletion.lesson_id)
        )
    )
    for user_id, lesson in rows:
        due[user_id][f"lesson:{lesson.id}"] = (lesson.points, lesson.title)
    attempts = session.exec(
        select(QuizAttempt.user_id, QuizAttempt.correct, QuizAttempt.total, Lesson)
        .join(Lesson, col(Lesson.id) == col(QuizAttempt.lesson_id))
        .where(col(QuizAttempt.passed))
    )
    for user_id, correct, total, lesson in attempts:
        quiz_points = int((lesson.quiz or {}).get("points") or 0)
        due[user_id][f"quiz:{lesson.id}"] = (quiz_points, lesson.title)
        if correct == total:
            due[user_id][f"perfect:{lesson.id}"] = (rules.points.perfect_quiz, lesson.title)


def _others(session: Session, rules: ProgramSpec, due: Due) -> None:
    for action in session.exec(select(CommunityAction)):
        due[action.user_id][f"action:{action.id}"] = (action_due(action, rules), action.title)
    for item in session.exec(select(Consultation)):
        due[item.learner_id][f"consultation:{item.id}"] = (rules.points.consultation, item.topic)
    for placed in session.exec(select(ChallengePlacement)):
        key = f"challenge:{placed.challenge_key}"
        due[placed.user_id][key] = (place_due(placed.place, rules), placed.challenge_key)
    _shared_goals(session, rules, due)


def _shared_goals(session: Session, rules: ProgramSpec, due: Due) -> None:
    """Every contributor to a closed cooperative challenge whose goal was reached."""
    reached = session.exec(
        select(Challenge.id, func.sum(ChallengeScore.score), Challenge.goal)
        .join(ChallengeScore, col(ChallengeScore.challenge_id) == col(Challenge.id))
        .where(
            col(Challenge.closed_at).is_not(None),
            Challenge.format == ChallengeFormat.cooperative.value,
        )
        .group_by(col(Challenge.id), col(Challenge.goal))
    ).all()
    for challenge_id, total, goal in reached:
        if not goal or (total or 0) < goal:
            continue
        key = f"challenge-{challenge_id}"
        contributors = session.exec(
            select(ChallengeScore.user_id).where(
                ChallengeScore.challenge_id == challenge_id, ChallengeScore.score > 0
            )
        )
        for user_id in contributors:
            due[user_id][f"challenge-goal:{key}"] = (rules.points.challenge_goal, key)


def _awarded(session: Session) -> dict[int, dict[str, int]]:
    held: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for user_id, key, amount in session.exec(
        select(PointEntry.user_id, PointEntry.source_key, PointEntry.amount)
    ):
        subject = ledger.subject_of(key)
        if subject.split(":")[0] in DERIVED:
            held[user_id][subject] += amount
    return held


def recalculate(session: Session, rules: ProgramSpec) -> list[LearnerChange]:
    """Appends what the rules now say is owed, per learner; returns what changed."""
    due: Due = defaultdict(dict)
    _lessons(session, rules, due)
    _others(session, rules, due)
    held = _awarded(session)
    changes = []
    for user_id in sorted(set(due) | set(held)):
        change = LearnerChange(user_id)
        rewards = Rewards(session, rules, user_id)
        subjects = set(due.get(user_id, {})) | set(held.get(user_id, {}))
        for subject in sorted(subjects):
            amount, note = due.get(user_id, {}).get(subject, (0, ""))
            if amount == held.get(user_id, {}).get(subject, 0):
                continue
            difference = rewards.settle(subject, amount, reason="recalculation",
                                        correction="recalculation_correction", note=note)  # fmt: skip
            if difference:
                change.subjects.append((subject, difference))
                change.points += difference
        rewards.check(badges.ALL_KINDS)
        celebration = rewards.finish()
        change.badges = [f"{b.badge.key}/{b.tier}" if b.tier else b.badge.key
                         for b in celebration.badges]  # fmt: skip
        if change.subjects or change.badges:
            changes.append(change)
    return changes


def rebuild_boards(session: Session, rules: ProgramSpec) -> int:
    """Recomputes every leaderboard from the ledger (weeks in the program's time zone),
    leaving out learners who opted out. Returns the number of scores written."""
    hidden = set(session.exec(select(User.id).where(col(User.leaderboard_opt_out))).all())
    totals: dict[int, int] = defaultdict(int)
    weeks: dict[tuple[int, str], int] = defaultdict(int)
    for user_id, amount, at in session.exec(
        select(PointEntry.user_id, PointEntry.amount, PointEntry.created_at)
    ):
        if user_id in hidden:
            continue
        totals[user_id] += amount
        weeks[(user_id, boards.week_board(streaks.week_of(at, rules)))] += amount
    return boards.rebuild(session, weeks=weeks, totals=totals)
