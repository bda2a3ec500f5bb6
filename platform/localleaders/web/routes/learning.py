"""Completing a lesson and submitting a quiz: htmx gets a fragment, plain forms a redirect."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from localleaders.catalog.program import ProgramSpec
from localleaders.db import Database
from localleaders.gamification import guard
from localleaders.gamification.engine import Celebration
from localleaders.models import User
from localleaders.services import catalogue, learning, profile
from localleaders.services.errors import InvalidInput
from localleaders.web import celebrate
from localleaders.web.access import CurrentUser, signed_in
from localleaders.web.deps import DbDep, ProgramDep
from localleaders.web.errors import log_blocked
from localleaders.web.forms import FormLists
from localleaders.web.templating import is_htmx

router = APIRouter()


def _lesson_block(
    request: Request, db: Database, program: ProgramSpec, user: User, course: str, slug: str,
    *, block: str, celebration: Celebration | None = None, status_code: int = 200, **extra: Any,
) -> Response:  # fmt: skip
    """Re-reads the lesson after the change and renders one block, with the toast event."""
    celebration = celebration or Celebration()
    with db.session() as session:
        page = catalogue.lesson_page(
            session, course_slug=course, slug=slug, user_id=user.id, locale=request.state.locale
        )
        standing = profile.standing(session, user_id=user.id or 0, levels=program.levels)
    texts = celebrate.messages(request, program, celebration)
    headers = celebrate.trigger(celebration, texts)
    context = {"page": page, "standing": standing, "earned": celebration.points,
               "celebrations": texts, **extra}  # fmt: skip
    return request.app.state.templates.render(  # type: ignore[no-any-return]
        request, "pages/lesson.html", context, block=block, status_code=status_code,
        headers=headers,
    )  # fmt: skip


@router.post("/courses/{course}/{slug}/complete", dependencies=[signed_in])
def complete_lesson(
    request: Request, course: str, slug: str, user: CurrentUser, db: DbDep, program: ProgramDep
) -> Response:
    with db.session(write=True) as session:
        outcome = learning.complete_lesson(
            session, user_id=user.id or 0, course_slug=course, slug=slug, rules=program
        )
    if not is_htmx(request):
        url = f"/courses/{course}/{slug}?earned={outcome.points}{celebrate.query(outcome.celebration)}"
        return RedirectResponse(url, status_code=303)
    return _lesson_block(request, db, program, user, course, slug, block="status",
                         celebration=outcome.celebration)  # fmt: skip


@router.post("/courses/{course}/{slug}/quiz", dependencies=[signed_in])
def submit_quiz(
    request: Request, course: str, slug: str, user: CurrentUser, form: FormLists, db: DbDep,
    program: ProgramDep,
) -> Response:  # fmt: skip
    try:
        with db.session(write=True) as session:
            result = learning.submit_quiz(session, user_id=user.id or 0, course_slug=course,
                                          slug=slug, form=form, locale=request.state.locale,
                                          rules=program)  # fmt: skip
    except InvalidInput as exc:
        return _lesson_block(request, db, program, user, course, slug, block="quiz",
                             status_code=422, errors=exc.errors, values=form)  # fmt: skip
    except guard.Blocked as exc:
        if is_htmx(request):
            raise  # a toast says why; the form stays as it is on the page
        response = _lesson_block(request, db, program, user, course, slug, block="quiz",
                                 status_code=429, errors={"": exc.message}, values=form)  # fmt: skip
        response.headers.update(log_blocked(request, exc))
        return response
    return _lesson_block(request, db, program, user, course, slug, block="quiz",
                         celebration=result.outcome.celebration, result=result,
                         values=form)  # fmt: skip
