"""Photos of community actions: the learner adds and deletes them while the action can be
edited; the learner and the trainers reviewing the action see them. Nobody else does."""

from __future__ import annotations

import re
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import FileResponse, RedirectResponse, Response
from starlette.datastructures import UploadFile

from localleaders.db import Database
from localleaders.models import User
from localleaders.services import actions, photos
from localleaders.services.errors import Conflict, InvalidInput
from localleaders.settings import Settings
from localleaders.web.access import CurrentUser, signed_in
from localleaders.web.deps import DbDep, SettingsDep, TemplatesDep
from localleaders.web.templating import Templates, is_htmx

router = APIRouter()
UPLOAD_PATH = re.compile(r"/actions/\d+/photos")
MULTIPART_OVERHEAD = 64 * 1024  # boundaries, part headers and the form's other fields
PHOTO_HEADERS = {"Cache-Control": "private, max-age=3600", "X-Content-Type-Options": "nosniff"}


def body_allowances(settings: Settings) -> list[tuple[re.Pattern[str], int]]:
    """Upload requests may be larger than the general body limit (see BodyLimit)."""
    return [(UPLOAD_PATH, settings.photo_max_bytes + MULTIPART_OVERHEAD)]


async def _uploaded(request: Request) -> bytes:
    """The ``photo`` field's bytes (empty when no file was chosen). The body limit bounds
    them; python-multipart spools a large part to a temporary file, never all to memory."""
    form = await request.form(max_files=1, max_fields=20)
    try:
        upload = form.get("photo")
        return await upload.read() if isinstance(upload, UploadFile) else b""
    finally:
        await form.close()


Upload = Annotated[bytes, Depends(_uploaded)]


def _photos(
    request: Request, db: Database, templates: Templates, user: User, action_id: int, *,
    errors: dict[str, Any] | None = None, notice: str = "", status_code: int = 200,
) -> Response:  # fmt: skip
    with db.session() as session:
        action = actions.owned(session, user=user, action_id=action_id)
        items = photos.photos_of(session, action_id)
    context = {"action": action, "photos": items, "can_edit": action.status in actions.EDITABLE,
               "errors": errors or {}, "notice": notice}  # fmt: skip
    return templates.render(request, "pages/action_photos.html", context, block="photos",
                            status_code=status_code)  # fmt: skip


def _done(
    request: Request, db: Database, templates: Templates, user: User, action_id: int, notice: str
) -> Response:
    if is_htmx(request):
        return _photos(request, db, templates, user, action_id, notice=notice)
    return RedirectResponse(f"/actions/{action_id}/edit?photo={notice}", status_code=303)


def _failed(
    request: Request, db: Database, templates: Templates, user: User, action_id: int,
    error: InvalidInput | Conflict,
) -> Response:  # fmt: skip
    if isinstance(error, InvalidInput):
        return _photos(request, db, templates, user, action_id, errors=error.errors,
                       status_code=422)  # fmt: skip
    return _photos(request, db, templates, user, action_id, errors={"photo": error.message},
                   status_code=409)  # fmt: skip


@router.post("/actions/{action_id}/photos", dependencies=[signed_in])
def add_photo(
    request: Request, action_id: int, user: CurrentUser, data: Upload, db: DbDep,
    templates: TemplatesDep, settings: SettingsDep,
) -> Response:  # fmt: skip
    try:
        with db.session(write=True) as session:
            photos.store(session, user=user, action_id=action_id, data=data, settings=settings)
    except (InvalidInput, Conflict) as exc:
        return _failed(request, db, templates, user, action_id, exc)
    return _done(request, db, templates, user, action_id, "added")


@router.get("/actions/{action_id}/photos/{photo_id}", dependencies=[signed_in])
def show_photo(
    action_id: int, photo_id: int, user: CurrentUser, db: DbDep, settings: SettingsDep
) -> FileResponse:
    with db.session() as session:
        path = photos.path_for(session, user=user, action_id=action_id, photo_id=photo_id,
                               settings=settings)  # fmt: skip
    return FileResponse(path, media_type="image/jpeg", headers=PHOTO_HEADERS,
                        filename=f"photo-{photo_id}.jpg", content_disposition_type="inline")  # fmt: skip


@router.post("/actions/{action_id}/photos/{photo_id}/delete", dependencies=[signed_in])
def delete_photo(
    request: Request, action_id: int, photo_id: int, user: CurrentUser, db: DbDep,
    templates: TemplatesDep, settings: SettingsDep,
) -> Response:  # fmt: skip
    try:
        with db.session(write=True) as session:
            photos.delete(session, user=user, action_id=action_id, photo_id=photo_id,
                          settings=settings)  # fmt: skip
    except Conflict as exc:
        return _failed(request, db, templates, user, action_id, exc)
    return _done(request, db, templates, user, action_id, "deleted")
