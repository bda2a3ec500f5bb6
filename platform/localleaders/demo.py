"""A demo cohort for trying the platform: an admin, a trainer and learners with progress.

Only ever runs on an empty database, so it cannot touch a real programme's data.
"""

from __future__ import annotations

from sqlmodel import col, select

from localleaders.db import Database
from localleaders.models import Lesson, Role
from localleaders.services import accounts, learning

DEMO_PASSWORD = "demo-password-2026"
DEMO_USERS = [
    ("admin", "Programme staff", Role.admin, 0),
    ("trainer", "Trainer Alesia", Role.trainer, 0),
    ("learner", "Maple Street", Role.learner, 2),
    ("olga", "Courtyard 14", Role.learner, 4),
    ("yan", "River Bank", Role.learner, 1),
]


def load_demo(db: Database) -> list[str]:
    with db.session(write=True) as session:
        if accounts.count_users(session) > 0:
            return ["Demo data skipped: the database already has users."]
        lessons = session.exec(
            select(Lesson)
            .where(col(Lesson.is_published), col(Lesson.quiz).is_(None))
            .order_by(col(Lesson.course_id), col(Lesson.position))
        ).all()
        for username, name, role, completed in DEMO_USERS:
            user = accounts.register(
                session, username=username, display_name=name, password=DEMO_PASSWORD, role=role
            )
            assert user.id is not None
            for lesson in lessons[:completed]:
                course = lesson.course_id
                slug = _course_slug(session, course)
                learning.complete_lesson(
                    session, user_id=user.id, course_slug=slug, slug=lesson.slug
                )
    lines = ["Demo accounts (password for all: " + DEMO_PASSWORD + "):"]
    lines += [f"  {username:<8} {role.value}" for username, _name, role, _done in DEMO_USERS]
    return lines


def _course_slug(session, course_id: int) -> str:  # type: ignore[no-untyped-def]
    from localleaders.models import Course

    course = session.get(Course, course_id)
    assert course is not None
    return course.slug
