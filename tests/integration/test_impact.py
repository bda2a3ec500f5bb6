"""The impact report against a seeded dataset whose every figure is computed by hand below.

Lessons are given known lengths for the test (10 minutes, 15 for the shared Digital safety
module; their real lengths are put back afterwards), so every hour can be written out.

The world (dates are 2026 unless said otherwise; all times noon UTC unless said):

    cohort A takes organising-neighbours (GR, grassroots: 9 lessons + DS 4 = 13)
    cohort B ("=Riverside", a formula-like name) takes youth-initiatives (YO: 9 + DS 4 = 13)

    learner  gender      cohorts  lessons completed                                minutes
    amy      female      A        GR 9 on 01-10, DS 4 on 02-05 -> GR finished 02-05  90+60=150
    bea      female      A and B  GR 2 on 2025-12-15, DS 4 on 01-20, YO 8 on 03-03   20+60+90=170
                                  and the 9th YO at 03-31 23:30 -> YO finished then
    cal      male        B        YO 9 on 02-10, DS 3 of 4 on 02-11 -> nothing done  90+45=135
    dan      (not said)  A        GR 9 + DS 4 on 04-02 -> GR finished 04-02         150
    eve      other       none     WO 9 + DS 4 on 2025-11-20 -> WO finished then      150
    fay      female      B        none; one failed quiz on a YO lesson on 02-20
    trainer of A completes 2 GR lessons on 02-01: staff, never counted

    action  by   cohort  kind                   status             on     res  part  vol.min  sent
    a1      amy  A       public-event           verified           02-14  40   55    120      02-15
    a2      amy  A       new-service            verified           03-20  10   0     0        03-21
    a3      dan  A       improvement            verified           04-05  0    12    300      04-06
    a4      bea  B       public-event           verified           03-08  25   30    90       03-09
    a5      cal  B       public-event           rejected           02-20  500  600   600      02-21
    a6      cal  B       appeal                 submitted          03-01  100  0     0        03-02
    a7      bea  A       neighbourhood-meeting  verified           01-25  15   15    0        01-26
    a8      eve  none    public-event           verified     2025-12-01  8    20    60   2025-12-02
    a9      dan  A       campaign               draft              02-02  999  0     0        -
    a10     fay  B       volunteer-drive        changes_requested  02-24  50   0     0        02-25

    consultation  cohort  learner  held on      minutes
    c1            A       amy      02-01        45
    c2            A       dan      04-10        60
    c3            B       cal      03-05        30
    c4            none    eve      2025-12-05   90
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime

import pytest
from bs4 import BeautifulSoup
from fastapi.testclient import TestClient
from sqlalchemy import text, update
from sqlmodel import Session, col, select

from localleaders.db import Database
from localleaders.models import (
    AuditEntry,
    Cohort,
    CohortCourse,
    CohortMember,
    CohortTrainer,
    CommunityAction,
    Consultation,
    Course,
    Lesson,
    LessonCompletion,
    QuizAttempt,
    Role,
    User,
)
from localleaders.settings import Settings
from tests.conftest import PASSWORD, Users

GR, YO, WO, DS = "organising-neighbours", "youth-initiatives", "women-leaders", "digital-safety"
REPORT, CSV = "/reports/impact", "/reports/impact.csv"


@dataclass
class World:
    a: int
    b: int
    admin: User
    trainer_a: User
    trainer_b: User
    trainer_ab: User
    learner: User


def at(day: str, clock: str = "12:00") -> datetime:
    return datetime.fromisoformat(f"{day}T{clock}").replace(tzinfo=UTC)


def lessons_of(session: Session, slug: str) -> list[Lesson]:
    return list(
        session.exec(
            select(Lesson)
            .join(Course, col(Course.id) == col(Lesson.course_id))
            .where(Course.slug == slug, col(Lesson.is_published))
            .order_by(col(Lesson.position))
        )
    )


def complete(session: Session, user: User, lessons: list[Lesson], when: datetime) -> None:
    for lesson in lessons:
        assert lesson.id is not None
        session.add(LessonCompletion(user_id=user.id or 0, lesson_id=lesson.id,
                                     course_id=lesson.course_id, completed_at=when))  # fmt: skip


def action(
    user: User, cohort_id: int | None, kind: str, status: str, day: str, residents: int,
    participants: int, minutes: int, sent: str | None,
) -> CommunityAction:  # fmt: skip
    return CommunityAction(
        user_id=user.id or 0, cohort_id=cohort_id, type=kind, title=f"{kind} by {user.username}",
        happened_on=date.fromisoformat(day), residents_mobilised=residents,
        participants=participants, volunteer_minutes=minutes, status=status,
        submitted_at=at(sent) if sent else None,
        verified_at=at(sent) if status == "verified" and sent else None,
    )  # fmt: skip


def seed(db: Database, users: Users) -> World:
    admin = users.create(Role.admin)
    trainer_a, trainer_b, trainer_ab = (users.create(Role.trainer) for _ in range(3))
    amy = users.create(username="amy", gender="female")
    bea = users.create(username="bea", gender="female")
    cal = users.create(username="cal", gender="male")
    dan = users.create(username="dan")
    eve = users.create(username="eve", gender="other")
    fay = users.create(username="fay", gender="female")
    with db.session(write=True) as session:
        session.execute(text("UPDATE lesson SET minutes = 10"))
        session.execute(text(
            "UPDATE lesson SET minutes = 15 WHERE course_id = "
            "(SELECT id FROM course WHERE slug = 'digital-safety')"))  # fmt: skip
        course = {slug: session.exec(select(Course).where(Course.slug == slug)).one()
                  for slug in (GR, YO, WO, DS)}  # fmt: skip
        cohort_a = Cohort(name="Alpha", join_code="AAAA2222", starts_on=date(2026, 1, 1))
        cohort_b = Cohort(name="=Riverside", join_code="BBBB3333", starts_on=date(2026, 1, 1))
        session.add_all([cohort_a, cohort_b])
        session.flush()
        a, b = cohort_a.id or 0, cohort_b.id or 0
        session.add_all([
            CohortCourse(cohort_id=a, course_id=course[GR].id or 0),
            CohortCourse(cohort_id=b, course_id=course[YO].id or 0),
            CohortTrainer(cohort_id=a, user_id=trainer_a.id or 0),
            CohortTrainer(cohort_id=b, user_id=trainer_b.id or 0),
            CohortTrainer(cohort_id=a, user_id=trainer_ab.id or 0),
            CohortTrainer(cohort_id=b, user_id=trainer_ab.id or 0),
            *(CohortMember(cohort_id=a, user_id=u.id or 0) for u in (amy, bea, dan)),
            *(CohortMember(cohort_id=b, user_id=u.id or 0) for u in (bea, cal, fay)),
        ])  # fmt: skip
        gr, yo, wo, ds = (lessons_of(session, slug) for slug in (GR, YO, WO, DS))
        assert (len(gr), len(yo), len(wo), len(ds)) == (9, 9, 9, 4)
        complete(session, amy, gr, at("2026-01-10"))
        complete(session, amy, ds, at("2026-02-05"))
        complete(session, bea, gr[:2], at("2025-12-15"))
        complete(session, bea, ds, at("2026-01-20"))
        complete(session, bea, yo[:8], at("2026-03-03"))
        complete(session, bea, yo[8:], at("2026-03-31", "23:30"))
        complete(session, cal, yo, at("2026-02-10"))
        complete(session, cal, ds[:3], at("2026-02-11"))
        complete(session, dan, gr + ds, at("2026-04-02"))
        complete(session, eve, wo + ds, at("2025-11-20"))
        complete(session, trainer_a, gr[:2], at("2026-02-01"))
        quiz = next(lesson for lesson in yo if lesson.quiz is not None)
        session.add(QuizAttempt(user_id=fay.id or 0, lesson_id=quiz.id or 0, correct=0, total=3,
                                passed=False, answers={}, created_at=at("2026-02-20")))  # fmt: skip
        session.add_all([
            action(amy, a, "public-event", "verified", "2026-02-14", 40, 55, 120, "2026-02-15"),
            action(amy, a, "new-service", "verified", "2026-03-20", 10, 0, 0, "2026-03-21"),
            action(dan, a, "improvement", "verified", "2026-04-05", 0, 12, 300, "2026-04-06"),
            action(bea, b, "public-event", "verified", "2026-03-08", 25, 30, 90, "2026-03-09"),
            action(cal, b, "public-event", "rejected", "2026-02-20", 500, 600, 600, "2026-02-21"),
            action(cal, b, "appeal", "submitted", "2026-03-01", 100, 0, 0, "2026-03-02"),
            action(bea, a, "neighbourhood-meeting", "verified", "2026-01-25", 15, 15, 0,
                   "2026-01-26"),
            action(eve, None, "public-event", "verified", "2025-12-01", 8, 20, 60, "2025-12-02"),
            action(dan, a, "campaign", "draft", "2026-02-02", 999, 0, 0, None),
            action(fay, b, "volunteer-drive", "changes_requested", "2026-02-24", 50, 0, 0,
                   "2026-02-25"),
            Consultation(learner_id=amy.id or 0, cohort_id=a, held_on=date(2026, 2, 1),
                         minutes=45, topic="First meeting"),
            Consultation(learner_id=dan.id or 0, cohort_id=a, held_on=date(2026, 4, 10),
                         minutes=60, topic="Clean-up"),
            Consultation(learner_id=cal.id or 0, cohort_id=b, held_on=date(2026, 3, 5),
                         minutes=30, topic="Appeal"),
            Consultation(learner_id=eve.id or 0, cohort_id=None, held_on=date(2025, 12, 5),
                         minutes=90, topic="Crowdfunding"),
        ])  # fmt: skip
    return World(a, b, admin, trainer_a, trainer_b, trainer_ab, amy)


@pytest.fixture
def world(db: Database, users: Users) -> Iterator[World]:
    """The seeded world; the lessons get their real lengths back afterwards."""
    with db.session() as session:
        lengths = session.exec(select(Lesson.id, Lesson.minutes)).all()
    yield seed(db, users)
    with db.session(write=True) as session:
        for lesson_id, minutes in lengths:
            session.execute(
                update(Lesson).where(col(Lesson.id) == lesson_id).values(minutes=minutes)
            )


def login(client: TestClient, user: User) -> None:
    client.cookies.clear()
    response = client.post("/login", data={"username": user.username, "password": PASSWORD},
                           follow_redirects=False)  # fmt: skip
    assert response.status_code == 303


def page(client: TestClient, query: str = "", status: int = 200) -> BeautifulSoup:
    response = client.get(f"{REPORT}?{query}")
    assert response.status_code == status, response.text
    return BeautifulSoup(response.text, "html.parser")


def indicators(soup: BeautifulSoup) -> dict[str, str]:
    found = {}
    for item in soup.select(".indicator[data-indicator]"):
        assert item.select_one(".indicator__definition").get_text(strip=True)  # type: ignore[union-attr]
        found[str(item["data-indicator"])] = item.select_one(".indicator__value").get_text(
            strip=True
        )  # type: ignore[union-attr]
    return found


def table(soup: BeautifulSoup, table_id: str, key: str) -> dict[str, list[str]]:
    return {
        str(row[key]): [cell.get_text(strip=True) for cell in row.select("td")]
        for row in soup.select(f"#{table_id} tbody tr")
    }


def read_csv(client: TestClient, query: str) -> list[list[str]]:
    response = client.get(f"{CSV}?{query}")
    assert response.status_code == 200, response.text
    assert response.content.startswith("\ufeff".encode())
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


ALL_TIME = {
    "leaders_trained": "4",  # amy (GR), bea (YO), dan (GR), eve (WO); cal lacks 1 DS lesson
    "learners_active": "6",  # all six learners; bea, in two cohorts, once; trainer never
    "lessons_completed": "66",  # amy 13 + bea 2+4+9=15 + cal 9+3=12 + dan 13 + eve 13
    "training_hours": "12.6",  # minutes 150 + 170 + 135 + 150 + 150 = 755; 755 / 60 = 12.58
    "consultation_hours": "3.8",  # 45 + 60 + 30 + 90 = 225 minutes = 3.75 h, rounded up
    "verified_actions": "6",  # a1 a2 a3 a4 a7 a8; a5 rejected, a6 waiting, a9 draft, a10 back
    "public_events": "3",  # a1 a4 a8
    "public_event_participants": "105",  # 55 + 30 + 20
    "residents_mobilised": "98",  # 40 + 10 + 0 + 25 + 15 + 8
    "leaders_mobilising": "3",  # amy (a1, a2), bea (a4, a7), eve (a8); dan's a3 mobilised 0
    "new_services": "1",  # a2
    "volunteer_hours": "9.5",  # 120 + 0 + 300 + 90 + 0 + 60 = 570 minutes
}


@pytest.fixture(autouse=True)
def _show_small_groups(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    """The seeded groups are small on purpose; the hiding itself is tested below."""
    monkeypatch.setattr(settings, "report_min_group", 1)


def test_small_gender_groups_are_hidden(
    client: TestClient, world: World, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(settings, "report_min_group", 3)
    login(client, world.admin)
    genders = table(page(client), "gender-table", "data-gender")
    assert genders["female"] == ["<3", "3", "<3", "<3"]  # 2 trained, 3 active, 2 mobilising
    assert genders["male"] == ["0", "<3", "0", "0"]  # zero is shown: it points at nobody
    rows = read_csv(client, "table=gender")
    assert rows[1] == ["Women", "small group, not shown", "3", "small group, not shown",
                       "small group, not shown"]  # fmt: skip


def test_every_indicator_for_all_time(client: TestClient, world: World) -> None:
    login(client, world.admin)
    soup = page(client)
    assert indicators(soup) == ALL_TIME
    assert "The whole programme" in soup.select_one("[data-scope]").get_text()  # type: ignore[union-attr]
    kinds = table(soup, "actions-by-type", "data-type")
    # every kind of the program rules, zeros included: [actions, residents, participants]
    assert list(kinds) == [
        "public-event", "neighbourhood-meeting", "improvement", "appeal", "new-service",
        "volunteer-drive", "fundraising", "campaign", "training", "other",
    ]  # fmt: skip
    assert kinds["public-event"] == ["3", "73", "105"]  # a1 40+a4 25+a8 8; 55+30+20
    assert kinds["neighbourhood-meeting"] == ["1", "15", "15"]  # a7
    assert kinds["improvement"] == ["1", "0", "12"]  # a3
    assert kinds["new-service"] == ["1", "10", "0"]  # a2
    assert kinds["appeal"] == kinds["campaign"] == kinds["volunteer-drive"] == ["0", "0", "0"]
    assert [c.get_text() for c in soup.select("#actions-by-type tfoot td")] == ["6", "98", "132"]
    genders = table(soup, "gender-table", "data-gender")
    # [leaders trained, learners active, residents mobilised, leaders who mobilised]
    assert genders == {
        "female": ["2", "3", "90", "2"],  # amy, bea trained; + fay active; 40+10+25+15
        "male": ["0", "1", "0", "0"],  # cal: active, not finished, a5 rejected
        "other": ["1", "1", "8", "1"],  # eve
        "not_stated": ["1", "1", "0", "0"],  # dan: a3 mobilised nobody
    }
    cohorts = table(soup, "by-cohort", "data-cohort")
    # [actions, residents, events, participants, new services, volunteer h, consultation h]
    assert cohorts == {
        str(world.a): ["4", "65", "1", "55", "1", "7.0", "1.8"],  # 420 min; 45+60=105 min
        str(world.b): ["1", "25", "1", "30", "0", "1.5", "0.5"],  # 90 min; 30 min
        "": ["1", "8", "1", "20", "0", "1.0", "1.5"],  # eve's a8 and c4, in no cohort
    }


def test_every_indicator_for_a_period(client: TestClient, world: World) -> None:
    login(client, world.admin)
    soup = page(client, "from=2026-02-01&to=2026-03-31")
    assert indicators(soup) == {
        "leaders_trained": "2",  # amy (02-05), bea (03-31 23:30, the last day counts whole)
        "learners_active": "4",  # amy, bea, cal (lessons), fay (quiz 02-20, a10 sent 02-25)
        "lessons_completed": "25",  # amy DS 4 + bea YO 9 + cal YO 9 + DS 3
        "training_hours": "4.8",  # 4*15 + 9*10 + 9*10 + 3*15 = 285 minutes = 4.75 h
        "consultation_hours": "1.3",  # c1 45 (on the first day) + c3 30 = 75 min = 1.25 h
        "verified_actions": "3",  # a1 02-14, a4 03-08, a2 03-20
        "public_events": "2",  # a1 a4
        "public_event_participants": "85",  # 55 + 30
        "residents_mobilised": "75",  # 40 + 25 + 10
        "leaders_mobilising": "2",  # amy, bea
        "new_services": "1",  # a2
        "volunteer_hours": "3.5",  # 120 + 90 + 0 = 210 minutes
    }
    assert table(soup, "gender-table", "data-gender") == {
        "female": ["2", "3", "75", "2"],
        "male": ["0", "1", "0", "0"],
        "other": ["0", "0", "0", "0"],
        "not_stated": ["0", "0", "0", "0"],
    }
    months = soup.select("#chart-actions-by-month-figure table tbody tr")
    # a1 in February; a4 and a2 in March
    assert [row.select_one("td").get_text() for row in months] == ["1", "2"]  # type: ignore[union-attr]


def test_every_indicator_for_a_cohort(client: TestClient, world: World) -> None:
    login(client, world.admin)
    soup = page(client, f"cohort={world.a}")
    assert indicators(soup) == {
        "leaders_trained": "3",  # members amy, bea (her YO course counts too), dan
        "learners_active": "3",  # amy, bea, dan
        "lessons_completed": "41",  # amy 13 + bea 15 + dan 13
        "training_hours": "7.8",  # 150 + 170 + 150 = 470 minutes = 7.83 h
        "consultation_hours": "1.8",  # c1 45 + c2 60 = 105 minutes = 1.75 h
        "verified_actions": "4",  # a1 a2 a3 a7
        "public_events": "1",  # a1
        "public_event_participants": "55",
        "residents_mobilised": "65",  # 40 + 10 + 0 + 15
        "leaders_mobilising": "2",  # amy, bea
        "new_services": "1",  # a2
        "volunteer_hours": "7.0",  # 120 + 0 + 300 + 0 = 420 minutes
    }
    assert table(soup, "gender-table", "data-gender") == {
        "female": ["2", "2", "65", "2"],
        "male": ["0", "0", "0", "0"],
        "other": ["0", "0", "0", "0"],
        "not_stated": ["1", "1", "0", "0"],
    }
    assert list(table(soup, "by-cohort", "data-cohort")) == [str(world.a)]


def test_every_indicator_for_a_track(client: TestClient, world: World) -> None:
    login(client, world.admin)
    soup = page(client, "track=youth")
    assert indicators(soup) == {
        "leaders_trained": "1",  # bea finished YO; the other finished courses are GR and WO
        "learners_active": "6",  # DS (shared) lessons count for every track: amy dan eve too
        "lessons_completed": "37",  # amy DS 4 + bea YO 9 + DS 4 + cal 12 + dan DS 4 + eve DS 4
        "training_hours": "7.8",  # 60 + 150 + 135 + 60 + 60 = 465 minutes = 7.75 h
        "consultation_hours": "0.5",  # c3 only: B is the cohort that takes a youth course
        "verified_actions": "1",  # a4
        "public_events": "1",
        "public_event_participants": "30",
        "residents_mobilised": "25",
        "leaders_mobilising": "1",  # bea
        "new_services": "0",
        "volunteer_hours": "1.5",  # 90 minutes
    }
    assert table(soup, "gender-table", "data-gender")["female"] == ["1", "3", "25", "1"]


def test_a_trainer_sees_only_their_cohorts(client: TestClient, world: World) -> None:
    login(client, world.trainer_a)
    soup = page(client)
    mine = page(client, f"cohort={world.a}")
    assert indicators(soup) == indicators(mine)  # "all my cohorts" is cohort A alone
    assert indicators(soup)["verified_actions"] == "4"  # not B's a4 nor eve's a8
    assert [o.get_text(strip=True) for o in soup.select("#f-cohort option")] == [
        "All my cohorts", "Alpha"
    ]  # fmt: skip
    assert "Riverside" not in soup.get_text()
    assert list(table(soup, "by-cohort", "data-cohort")) == [str(world.a)]
    # Cohort B's figures are not there to be had, on the page or in a file
    assert client.get(f"{REPORT}?cohort={world.b}").status_code == 404
    assert client.get(f"{CSV}?table=by_cohort&cohort={world.b}").status_code == 404
    rows = read_csv(client, "table=by_cohort")
    assert [row[0] for row in rows[1:]] == ["Alpha"]


def test_a_learner_in_two_trained_cohorts_counts_once(client: TestClient, world: World) -> None:
    login(client, world.trainer_ab)
    assert indicators(page(client)) == {
        "leaders_trained": "3",  # amy, bea, dan
        "learners_active": "5",  # amy, bea, cal, dan, fay: bea is in A and B, counted once
        "lessons_completed": "53",  # 13 + 15 + 12 + 13 (bea's 15 once, not twice)
        "training_hours": "10.1",  # 150 + 170 + 135 + 150 = 605 minutes = 10.08 h
        "consultation_hours": "2.3",  # 45 + 60 + 30 = 135 minutes = 2.25 h
        "verified_actions": "5",  # a1 a2 a3 a4 a7; eve's a8 is in no cohort
        "public_events": "2",
        "public_event_participants": "85",
        "residents_mobilised": "90",
        "leaders_mobilising": "2",
        "new_services": "1",
        "volunteer_hours": "8.5",  # 120 + 0 + 300 + 90 + 0 = 510 minutes
    }
    login(client, world.trainer_b)
    assert indicators(page(client))["lessons_completed"] == "27"  # bea 15 + cal 12


def test_csv_has_bom_translated_header_and_values(
    client: TestClient, world: World, session: Session
) -> None:
    login(client, world.admin)
    rows = read_csv(client, "table=indicators")
    assert rows[0] == ["Indicator", "Value", "Definition"]
    values = {row[0]: row[1] for row in rows[1:]}
    assert values["Leaders trained"] == "4" and values["Training hours"] == "12.6"
    assert values["Residents mobilised"] == "98" and values["Volunteer hours"] == "9.5"
    assert all(row[2] for row in rows[1:])  # each with its definition
    kinds = read_csv(client, "table=actions_by_type&from=2026-02-01&to=2026-03-31")
    assert kinds[0] == ["Kind of action", "Verified actions", "Residents mobilised",
                        "Participants"]  # fmt: skip
    assert kinds[1] == ["Public event", "2", "65", "85"]  # a1 40 + a4 25; 55 + 30
    genders = read_csv(client, "table=gender")
    assert genders[1] == ["Women", "2", "3", "90", "2"]
    cohorts = read_csv(client, "table=by_cohort")
    assert cohorts[0][0] == "Cohort"
    # a cohort named like a formula stays text in a spreadsheet
    assert ["'=Riverside", "1", "25", "1", "30", "0", "1.5", "0.5"] in cohorts
    response = client.get(f"{CSV}?table=gender&cohort={world.a}&track=grassroots")
    disposition = response.headers["content-disposition"]
    assert disposition.isascii() and "impact-gender" in disposition
    assert f"cohort-{world.a}-grassroots" in disposition
    entries = session.exec(select(AuditEntry).where(AuditEntry.action == "export.impact_report"))
    assert len(entries.all()) == 5


def test_csv_in_the_readers_language(client: TestClient, world: World) -> None:
    login(client, world.admin)
    client.cookies.set("lang", "ru", domain="testserver.local")
    rows = read_csv(client, "table=indicators")
    assert len(rows) == 13 and len(rows[0]) == 3  # header (translated when ru has it)


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("from=2026-13-01", "from"),
        ("to=yesterday", "to"),
        ("from=2026-04-01&to=2026-03-01", "to"),
        ("from=9999-12-31", "from"),
        ("track=shared", "track"),
        ("cohort=abc", "cohort"),
        ("cohort=%C2%B2", "cohort"),
    ],
)
def test_bad_filters_are_422_with_a_message(
    client: TestClient, world: World, query: str, field: str
) -> None:
    login(client, world.admin)
    soup = page(client, query, status=422)
    assert soup.select_one(".alert--error li").get_text(strip=True)  # type: ignore[union-attr]
    assert soup.select_one(f"#f-{field}")["aria-invalid"] == "true"  # type: ignore[index]
    assert not soup.select(".indicator")
    assert client.get(f"{CSV}?{query}").status_code == 422


def test_unknown_table_and_unknown_cohort(client: TestClient, world: World) -> None:
    login(client, world.admin)
    assert client.get(f"{CSV}?table=users").status_code == 422
    assert client.get(f"{REPORT}?cohort=999999").status_code == 404


def test_learners_may_not_see_the_report(client: TestClient, world: World) -> None:
    login(client, world.learner)
    assert client.get(REPORT).status_code == 403
    assert client.get(f"{CSV}?table=indicators").status_code == 403


def test_empty_report_and_charts_with_text_alternatives(client: TestClient, users: Users) -> None:
    users.login(client, Role.trainer)  # trains no cohort: every figure is zero
    soup = page(client)
    assert set(indicators(soup).values()) == {"0", "0.0"}
    figures = soup.select("figure.chart-figure")
    assert len(figures) == 4
    for figure in figures:
        svg = figure.select_one("svg[role=img]")
        assert svg is not None and svg.select_one("title") and svg.select_one("desc")
        assert figure.select_one(".visually-hidden table caption") is not None
    assert soup.select("[style]") == []


def test_charts_carry_the_figures(client: TestClient, world: World) -> None:
    login(client, world.admin)
    soup = page(client)
    by_type = soup.select_one("#chart-actions-by-type-figure")
    assert by_type is not None and len(by_type.select("svg rect.chart__bar")) == 10
    cells = {r.th.get_text(): r.td.get_text() for r in by_type.select("table tbody tr")}  # type: ignore[union-attr]
    assert cells["Public event"] == "3"
    months = soup.select("#chart-residents-by-month-figure table tbody tr")
    # December 2025 (a8: 8) to April 2026 (a3: 0), every month in between
    assert [r.td.get_text() for r in months] == ["8", "15", "40", "35", "0"]  # type: ignore[union-attr]


def test_a_mistyped_year_does_not_draw_centuries_of_months(
    client: TestClient, world: World, db: Database
) -> None:
    with db.session(write=True) as session:
        session.add(action(world.learner, world.a, "other", "verified", "0206-03-01", 1, 0, 0,
                           "2026-03-02"))  # fmt: skip
    login(client, world.admin)
    months = page(client).select("#chart-actions-by-month-figure table tbody tr")
    # 1820 years apart: no zero months filled in, only the six with verified actions
    # (March 206; December 2025 a8, January a7, February a1, March a4 a2, April a3)
    assert len(months) == 6
