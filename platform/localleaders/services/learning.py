"""Completing lessons and taking quizzes: the actions that earn a learner points."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import insert
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from localleaders.catalog.program import ProgramSpec
from localleaders.gamification import badges, guard
from localleaders.gamification.engine import Celebration, Rewards
from localleaders.i18n import N_, Message
from localleaders.models import Course, Lesson, LessonCompletion, QuizAttempt
from localleaders.models.base import utcnow
from localleaders.services.catalogue import lesson_view
from localleaders.services.errors import Conflict, InvalidInput, NotFound


@dataclass(frozen=True)
class Outcome:
    """What an action earned, for the page and the celebration toast."""

    points: int
    newly_completed: bool
    celebration: Celebration = field(default_factory=Celebration)


@dataclass(frozen=True)
class QuestionResult:
    number: int
    text: str
    choices: list[str]
    chosen: set[int]
    correct: set[int]
    explanation: str

    @property
    def is_right(self) -> bool:
        return self.chosen == self.correct


@dataclass(frozen=True)
class QuizResult:
    attempt: QuizAttempt
    questions: list[QuestionResult]
    pass_percent: int
    outcome: Outcome

    @property
    def percent(self) -> int:
        return self.attempt.correct * 100 // self.attempt.total


def _lesson_and_course(session: Session, course_slug: str, slug: str) -> tuple[Lesson, Course]:
    row = session.exec(
        select(Lesson, Course)
        .join(Course, col(Course.id) == col(Lesson.course_id))
        .where(
            Course.slug == course_slug,
            col(Course.is_published),
            Lesson.slug == slug,
            col(Lesson.is_published),
        )
    ).first()
    if row is None:
        raise NotFound()
    return row


def _lesson(session: Session, course_slug: str, slug: str) -> Lesson:
    return _lesson_and_course(session, course_slug, slug)[0]


def _mark_complete(session: Session, rewards: Rewards, lesson: Lesson) -> bool:
    """Completion and its award, each idempotent under concurrent duplicates; a lesson
    completed once never earns again, however often it is completed."""
    assert lesson.id is not None
    try:
        with session.begin_nested():
            session.execute(
                insert(LessonCompletion).values(
                    user_id=rewards.user_id,
                    lesson_id=lesson.id,
                    course_id=lesson.course_id,
                    completed_at=utcnow(),
                )
            )
    except IntegrityError:
        return False
    rewards.points(lesson.points, reason="lesson_completed", source_key=f"lesson:{lesson.id}",
                   note=lesson.title)  # fmt: skip
    rewards.active()
    rewards.check(badges.LESSON_KINDS)
    return True


def _already_completed(session: Session, user_id: int, lesson: Lesson) -> bool:
    found = session.exec(
        select(LessonCompletion.id).where(
            LessonCompletion.user_id == user_id, LessonCompletion.lesson_id == lesson.id
        )
    ).first()
    return found is not None


def _guard_completion(session: Session, rules: ProgramSpec, user_id: int, lesson: Lesson) -> None:
    guard.check_reading_time(session, rules, user_id=user_id, lesson=lesson)
    guard.count(session, rules, user_id=user_id, event="lesson_completed", subject=lesson.title)


def complete_lesson(
    session: Session, *, user_id: int, course_slug: str, slug: str, rules: ProgramSpec
) -> Outcome:
    lesson = _lesson(session, course_slug, slug)
    if lesson.quiz is not None:
        raise Conflict(Message(N_("Pass the quiz below to complete this lesson.")))
    if _already_completed(session, user_id, lesson):
        return Outcome(0, False)
    _guard_completion(session, rules, user_id, lesson)
    rewards = Rewards(session, rules, user_id)
    newly = _mark_complete(session, rewards, lesson)
    celebration = rewards.finish()
    return Outcome(celebration.points, newly, celebration)


def opened(session: Session, *, user_id: int | None, lesson_id: int) -> bool:
    """Whether the learner has opened this lesson before (anonymous visitors: no)."""
    if user_id is None:
        return False
    return guard.first_opened(session, user_id=user_id, lesson_id=lesson_id) is not None


def open_lesson(session: Session, *, user_id: int, lesson_id: int) -> None:
    """The learner opened a lesson: its minimum reading time starts now (first time only)."""
    guard.record_visit(session, user_id=user_id, lesson_id=lesson_id)


def parse_answers(quiz: dict[str, Any], form: dict[str, list[str]]) -> dict[int, set[int]]:
    """Reads ``q<n>`` form fields into chosen choice indexes; every question needs an answer."""
    answers: dict[int, set[int]] = {}
    errors: dict[str, Message] = {}
    for number, question in enumerate(quiz["questions"]):
        chosen: set[int] = set()
        for raw in form.get(f"q{number}", []):
            if raw.isdigit() and int(raw) < len(question["choices"]):
                chosen.add(int(raw))
        if not chosen:
            errors[f"q{number}"] = Message(N_("Choose an answer."))
        answers[number] = chosen
    if errors:
        raise InvalidInput(errors)
    return answers


def submit_quiz(
    session: Session,
    *,
    user_id: int,
    course_slug: str,
    slug: str,
    form: dict[str, list[str]],
    locale: str,
    rules: ProgramSpec,
) -> QuizResult:
    lesson, course = _lesson_and_course(session, course_slug, slug)
    if lesson.quiz is None:
        raise NotFound()
    # Scored by the rules; explained in the language the learner read the quiz in.
    quiz = lesson_view(session, lesson, locale, course.language).quiz
    assert quiz is not None
    answers = parse_answers(quiz, form)
    guard.count(session, rules, user_id=user_id, event="quiz_submitted", subject=lesson.title)
    results = [
        QuestionResult(
            number=number,
            text=question["text"],
            choices=[choice["text"] for choice in question["choices"]],
            chosen=answers[number],
            correct={i for i, choice in enumerate(question["choices"]) if choice["correct"]},
            explanation=question.get("explanation", ""),
        )
        for number, question in enumerate(quiz["questions"])
    ]
    right = sum(1 for result in results if result.is_right)
    passed = right * 100 >= quiz["pass_percent"] * len(results)
    attempt = QuizAttempt(
        user_id=user_id,
        lesson_id=lesson.id or 0,
        correct=right,
        total=len(results),
        passed=passed,
        answers={str(k): sorted(v) for k, v in answers.items()},
    )
    session.add(attempt)
    session.flush()
    outcome = Outcome(0, False)
    if passed:
        outcome = _passed(session, rules, user_id, lesson, perfect=right == len(results))
    return QuizResult(attempt, results, quiz["pass_percent"], outcome)


def _passed(
    session: Session, rules: ProgramSpec, user_id: int, lesson: Lesson, *, perfect: bool
) -> Outcome:
    """A passed quiz completes its lesson (after the reading time) and earns its points."""
    assert lesson.quiz is not None
    if not _already_completed(session, user_id, lesson):
        _guard_completion(session, rules, user_id, lesson)
    rewards = Rewards(session, rules, user_id)
    newly = _mark_complete(session, rewards, lesson)
    rewards.points(lesson.quiz["points"] or 0, reason="quiz_passed",
                   source_key=f"quiz:{lesson.id}", note=lesson.title)  # fmt: skip
    if perfect:
        rewards.points(rules.points.perfect_quiz, reason="perfect_quiz",
                       source_key=f"perfect:{lesson.id}", note=lesson.title)  # fmt: skip
        rewards.check({"perfect_quizzes"})
    celebration = rewards.finish()
    return Outcome(celebration.points, newly, celebration)
