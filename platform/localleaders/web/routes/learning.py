"""Completing a lesson and submitting a quiz: htmx gets a fragment, plain forms a redirect."""

from __future__ import annotations

import json

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from localleaders.services import catalogue, learning, profile
from localleaders.services.errors import InvalidInput
from localleaders.web.access import CurrentUser, signed_in
from localleaders.web.deps import DbDep, ProgramDep, TemplatesDep
from localleaders.web.forms import FormLists
from localleaders.web.templating import is_htmx

router = APIRouter()


def _celebration(points: int, level_before: int, level_after: int) -> dict[str, str]:
    event = {"earned": {"points": points, "levelUp": level_after > level_before}}
    return {"HX-Trigger": json.dumps(event)} if points else {}


@router.post("/courses/{course}/{slug}/complete", dependencies=[signed_in])
def complete_lesson(
    request: Request,
    course: str,
    slug: str,
    user: CurrentUser,
    db: DbDep,
    templates: TemplatesDep,
    program: ProgramDep,
) -> Response:
    assert user.id is not None
    with db.session(write=True) as session:
        before = profile.standing(session, user_id=user.id, levels=program.levels)
        outcome = learning.complete_lesson(session, user_id=user.id, course_slug=course, slug=slug)
    if not is_htmx(request):
        return RedirectResponse(
            f"/courses/{course}/{slug}?earned={outcome.points}", status_code=303
        )
    with db.session() as session:
        page = catalogue.lesson_page(session, course_slug=course, slug=slug, user_id=user.id)
        standing = profile.standing(session, user_id=user.id, levels=program.levels)
    context = {"page": page, "standing": standing, "earned": outcome.points}
    headers = _celebration(outcome.points, before.level.number, standing.level.number)
    return templates.render(request, "pages/lesson.html", context, block="status", headers=headers)


@router.post("/courses/{course}/{slug}/quiz", dependencies=[signed_in])
def submit_quiz(
    request: Request,
    course: str,
    slug: str,
    user: CurrentUser,
    form: FormLists,
    db: DbDep,
    templates: TemplatesDep,
    program: ProgramDep,
) -> Response:
    assert user.id is not None
    errors: dict = {}
    result = None
    try:
        with db.session(write=True) as session:
            before = profile.standing(session, user_id=user.id, levels=program.levels)
            result = learning.submit_quiz(
                session, user_id=user.id, course_slug=course, slug=slug, form=form
            )
    except InvalidInput as exc:
        errors = exc.errors
    with db.session() as session:
        page = catalogue.lesson_page(session, course_slug=course, slug=slug, user_id=user.id)
        standing = profile.standing(session, user_id=user.id, levels=program.levels)
    context = {
        "page": page,
        "standing": standing,
        "result": result,
        "errors": errors,
        "values": form,
        "earned": result.outcome.points if result else 0,
    }
    headers = _celebration(
        context["earned"], before.level.number if result else 0, standing.level.number
    )
    status = 422 if errors else 200
    return templates.render(
        request, "pages/lesson.html", context, block="quiz", status_code=status, headers=headers
    )
