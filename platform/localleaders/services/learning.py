"""Completing lessons and taking quizzes: the actions that earn a learner points."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import insert
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from localleaders.gamification.ledger import award
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


def _mark_complete(session: Session, user_id: int, lesson: Lesson) -> Outcome:
    """Completion and its award, each idempotent under concurrent duplicates."""
    assert lesson.id is not None
    try:
        with session.begin_nested():
            session.execute(
                insert(LessonCompletion).values(
                    user_id=user_id,
                    lesson_id=lesson.id,
                    course_id=lesson.course_id,
                    completed_at=utcnow(),
                )
            )
        newly = True
    except IntegrityError:
        newly = False
    awarded = award(
        session,
        user_id=user_id,
        amount=lesson.points,
        reason="lesson_completed",
        source_key=f"lesson:{lesson.id}",
        note=lesson.title[:200],
    )
    return Outcome(lesson.points if awarded else 0, newly)


def complete_lesson(session: Session, *, user_id: int, course_slug: str, slug: str) -> Outcome:
    lesson = _lesson(session, course_slug, slug)
    if lesson.quiz is not None:
        raise Conflict(Message(N_("Pass the quiz below to complete this lesson.")))
    return _mark_complete(session, user_id, lesson)


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
) -> QuizResult:
    lesson, course = _lesson_and_course(session, course_slug, slug)
    if lesson.quiz is None:
        raise NotFound()
    # Scored by the rules; explained in the language the learner read the quiz in.
    quiz = lesson_view(session, lesson, locale, course.language).quiz
    assert quiz is not None
    answers = parse_answers(quiz, form)
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
        completed = _mark_complete(session, user_id, lesson)
        quiz_awarded = award(
            session,
            user_id=user_id,
            amount=quiz["points"],
            reason="quiz_passed",
            source_key=f"quiz:{lesson.id}",
            note=lesson.title[:200],
        )
        points = completed.points + (quiz["points"] if quiz_awarded else 0)
        outcome = Outcome(points, completed.newly_completed)
    return QuizResult(attempt, results, quiz["pass_percent"], outcome)
