"""A demo cohort for trying the platform: an admin, a trainer and learners with progress.

Only ever runs on an empty database, so it cannot touch a real programme's data.
"""

from __future__ import annotations

from datetime import date, timedelta

from sqlmodel import Session, col, select

from localleaders.catalog.program import CheatGuard, ProgramSpec
from localleaders.db import Database
from localleaders.models import Course, Lesson, Role, User
from localleaders.services import accounts, actions, challenge_teams, challenges, cohorts, learning

DEMO_PASSWORD = "demo-password-2026"
DEMO_COURSE = "organising-neighbours"
DEMO_USERS = [
    ("admin", "Programme staff", Role.admin, 0),
    ("trainer", "Trainer Alesia", Role.trainer, 0),
    ("learner", "Maple Street", Role.learner, 2),
    ("olga", "Courtyard 14", Role.learner, 4),
    ("yan", "River Bank", Role.learner, 1),
]


def load_demo(db: Database, program: ProgramSpec) -> list[str]:
    # Demo progress is made in one go, so the cheat guard's limits would stop it.
    rules = program.model_copy(update={"cheat_guard": CheatGuard.off()})
    with db.session(write=True) as session:
        if accounts.count_users(session) > 0:
            return ["Demo data skipped: the database already has users."]
        course = session.exec(select(Course).where(Course.slug == DEMO_COURSE)).first()
        lessons = (
            list(
                session.exec(
                    select(Lesson)
                    .where(Lesson.course_id == course.id, col(Lesson.is_published))
                    .order_by(col(Lesson.position))
                )
            )
            if course is not None
            else []
        )
        people: dict[str, User] = {}
        for username, name, role, completed in DEMO_USERS:
            user = accounts.register(
                session, username=username, display_name=name, password=DEMO_PASSWORD, role=role
            )
            people[username] = user
            for lesson in lessons[:completed]:
                _finish(session, user, lesson, rules)
        if course is not None:
            _demo_cohort(session, people, rules)
    lines = ["Demo accounts (password for all: " + DEMO_PASSWORD + "):"]
    lines += [f"  {username:<8} {role.value}" for username, _name, role, _done in DEMO_USERS]
    return lines


def _finish(session: Session, user: User, lesson: Lesson, rules: ProgramSpec) -> None:
    """Completes a lesson the way a learner does: by passing its quiz if it has one."""
    assert user.id is not None
    if lesson.quiz is None:
        learning.complete_lesson(session, user_id=user.id, course_slug=DEMO_COURSE,
                                 slug=lesson.slug, rules=rules)  # fmt: skip
        return
    right = {
        f"q{number}": [str(i) for i, choice in enumerate(question["choices"]) if choice["correct"]]
        for number, question in enumerate(lesson.quiz["questions"])
    }
    learning.submit_quiz(session, user_id=user.id, course_slug=DEMO_COURSE, slug=lesson.slug,
                         form=right, locale="en", rules=rules)  # fmt: skip


def _demo_cohort(session: Session, people: dict[str, User], rules: ProgramSpec) -> None:
    start = date.today() - timedelta(days=21)
    form = cohorts.CohortForm(
        name="Demo cohort: spring neighbours", course_slugs=[DEMO_COURSE],
        starts_on=start.isoformat(), ends_on=(start + timedelta(days=84)).isoformat(),
    )  # fmt: skip
    cohort = cohorts.create(session, actor=people["trainer"], form=form)
    for username in ("learner", "olga", "yan"):
        cohorts.join(session, user=people[username], code=cohort.join_code)
    cohorts.set_due_date(session, actor=people["trainer"], cohort=cohort, course_slug=DEMO_COURSE,
                         due_on=(date.today() + timedelta(days=30)).isoformat())  # fmt: skip
    cohorts.announce(
        session, actor=people["trainer"], cohort=cohort,
        body="Welcome! Finish the first module this week; we meet online on Thursday.",
    )  # fmt: skip
    _demo_actions(session, people, cohort.id or 0, rules)
    _demo_challenges(session, people, cohort.id or 0, rules)


def _demo_actions(
    session: Session, people: dict[str, User], cohort_id: int, rules: ProgramSpec
) -> None:
    """Two verified community actions, so the feed, report and challenges have something."""
    done = [
        ("olga", "improvement", "Courtyard clean-up before spring", 2, "14"),
        ("learner", "neighbourhood-meeting", "Meeting about the broken street lights", 4, "9"),
    ]
    for username, kind, title, days_ago, residents in done:
        form = actions.ActionForm(
            type=kind, title=title, happened_on=(date.today() - timedelta(days=days_ago)).isoformat(),
            residents_mobilised=residents, place="Hrodna", cohort_id=str(cohort_id),
        )  # fmt: skip
        action = actions.create(session, user=people[username], form=form, program=rules,
                                submit=True)  # fmt: skip
        actions.review(session, reviewer=people["trainer"], action_id=action.id or 0,
                       decision="verify", comment="", program=rules)  # fmt: skip


def _demo_challenges(
    session: Session, people: dict[str, User], cohort_id: int, rules: ProgramSpec
) -> None:
    """A running shared goal, a running race through the lessons, and teams forming."""
    today = date.today()
    made = []
    about = {
        "en": "Every clean-up, meeting or repair you lead counts: log it with the number of "
              "neighbours who took part, and your trainer verifies it.",
        "ru": "Считается каждый субботник, встреча или ремонт, которые вы проводите: "
              "отметьте действие и число соседей, а тренер его подтвердит.",
        "be": "Лічыцца кожны суботнік, сустрэча ці рамонт, якія вы праводзіце: адзначце "
              "дзеянне і колькасць суседзяў, а трэнер яго пацвердзіць.",
    }  # fmt: skip
    for titles, measure, form_, goal, start, days in [
        ({"en": "100 neighbours for the spring clean-ups",
          "ru": "100 соседей на весенние субботники",
          "be": "100 суседзяў на вясновыя суботнікі"}, "residents", "cooperative", "100", -7, 21),
        ({"en": "First module in two weeks", "ru": "Первый модуль за две недели",
          "be": "Першы модуль за два тыдні"}, "lessons", "individual", "", -3, 14),
        ({"en": "Courtyard teams: most actions in a month",
          "ru": "Команды дворов: больше всего акций за месяц",
          "be": "Каманды двароў: больш за ўсё акцый за месяц"}, "actions", "teams", "", 3, 30),
    ]:  # fmt: skip
        first = today + timedelta(days=start)
        form = challenges.ChallengeForm(
            cohort_id=str(cohort_id), titles=titles, measure=measure, format=form_, goal=goal,
            descriptions=about if measure != "lessons" else {},
            starts_on=first.isoformat(), ends_on=(first + timedelta(days=days)).isoformat(),
        )  # fmt: skip
        made.append(challenges.create(session, actor=people["trainer"], form=form, rules=rules))
    teams = made[-1]
    for username, name in (("olga", "Courtyard 14"), ("yan", "River side")):
        challenge_teams.create_team(session, user=people[username], challenge=teams, name=name,
                                    rules=rules)  # fmt: skip
