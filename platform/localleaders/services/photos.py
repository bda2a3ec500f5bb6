"""Photos as evidence of community actions.

A photo can carry where and when it was taken and with which device, which can put the
people in it at risk. So nothing is stored as uploaded: the image is decoded, turned
upright, scaled down and written as a fresh JPEG built from pixels alone, so no EXIF, GPS,
XMP, ICC profile or comment can survive. Files are written atomically under
``<data_dir>/photos/`` and tied to the transaction of their row: a rollback removes a new
file, and a deleted photo's file goes only once its row is committed as gone.
"""

from __future__ import annotations

import io
import logging
import os
import re
import secrets
import struct
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageOps
from sqlalchemy import event
from sqlmodel import Session, col, func, select

from localleaders.i18n import N_, Message
from localleaders.models import ActionPhoto, User
from localleaders.services import actions
from localleaders.services.errors import Conflict, InvalidInput, NotFound
from localleaders.settings import Settings

log = logging.getLogger("localleaders")

MAX_PER_ACTION = 5
MAX_SIDE = 1600
MAX_PIXELS = 40_000_000
JPEG_QUALITY = 82
FORMATS = ("JPEG", "PNG", "WEBP")
NAME = re.compile(r"^[A-Za-z0-9_-]{20,60}\.jpg$")
UNREADABLE = (OSError, ValueError, SyntaxError, EOFError, struct.error, Image.DecompressionBombError,
              Image.DecompressionBombWarning)  # fmt: skip


@dataclass(frozen=True)
class Encoded:
    data: bytes
    width: int
    height: int


def folder(settings: Settings) -> Path:
    return settings.data_dir / "photos"


def _invalid(message: str, **values: object) -> InvalidInput:
    return InvalidInput({"photo": Message(message, dict(values))})


def _decoded(data: bytes) -> Image.Image:
    """Upright RGB pixels at most MAX_SIDE on the long side, in an image without ``info``."""
    with Image.open(io.BytesIO(data), formats=FORMATS) as image:
        if image.width * image.height > MAX_PIXELS:
            raise _invalid(
                N_("The photo has too many pixels: at most %(max)d megapixels. Resize it and try again."),
                max=MAX_PIXELS // 1_000_000,
            )  # fmt: skip
        image.thumbnail((MAX_SIDE, MAX_SIDE))  # before loading, so big JPEGs decode scaled down
        upright = ImageOps.exif_transpose(image)
        clean = Image.new("RGB", upright.size, (255, 255, 255))
        if upright.mode in ("RGBA", "LA", "PA") or "transparency" in upright.info:
            rgba = upright.convert("RGBA")
            clean.paste(rgba, mask=rgba.getchannel("A"))  # transparent parts become white
        else:
            clean.paste(upright.convert("RGB"))
        return clean


def reencode(data: bytes, *, max_bytes: int) -> Encoded:
    """Checks size and real type (by decoding, never by name) and returns a clean JPEG."""
    if not data:
        raise _invalid(N_("Choose a photo to upload."))
    if len(data) > max_bytes:
        raise _invalid(
            N_("The photo is larger than %(size)s MB. Choose a smaller one or resize it."),
            size=f"{max_bytes / 1_000_000:g}",
        )
    try:
        clean = _decoded(data)
    except UNREADABLE:
        raise _invalid(
            N_("This file is not a photo we can read. Use a JPEG, PNG or WebP image.")
        ) from None
    buffer = io.BytesIO()
    # Only pixels go in: no exif, icc_profile, comment or xmp argument, and ``clean`` has
    # an empty ``info``, which Pillow would otherwise copy (a JPEG comment survives that way).
    clean.save(buffer, "JPEG", quality=JPEG_QUALITY, optimize=True, progressive=True)
    return Encoded(buffer.getvalue(), clean.width, clean.height)


def _write_atomically(directory: Path, name: str, data: bytes) -> Path:
    """Readers see the whole file or none: a hidden temporary file, fsync, then rename."""
    directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    target = directory / name
    handle, temporary = tempfile.mkstemp(dir=directory, prefix=".upload-", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as file:
            file.write(data)
            file.flush()
            os.fsync(file.fileno())
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    _fsync_directory(directory)
    return target


def _fsync_directory(directory: Path) -> None:
    """Makes the rename itself durable (POSIX only; elsewhere the rename has to do)."""
    if not hasattr(os, "O_DIRECTORY"):
        return
    descriptor = os.open(directory, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def _remove(path: Path) -> None:
    try:
        path.unlink(missing_ok=True)
    except OSError:
        log.exception("could not remove photo file %s; remove it by hand", path.name)


def _once(session: Session, name: str, callback: Callable[[], None]) -> None:
    """Runs ``callback`` at the first commit or rollback of the session's transaction,
    if that is ``name``; the other outcome cancels it."""
    pending = [True]

    def run(_session: Session) -> None:
        if pending[0]:
            pending[0] = False
            callback()

    def cancel(_session: Session) -> None:
        pending[0] = False

    other = "after_rollback" if name == "after_commit" else "after_commit"
    event.listen(session, name, run, once=True)
    event.listen(session, other, cancel, once=True)


def _editable_action(session: Session, *, user: User, action_id: int) -> None:
    action = actions.owned(session, user=user, action_id=action_id)
    if action.status not in actions.EDITABLE:
        raise Conflict(Message(N_("The photos of a verified or rejected action can no longer change.")))  # fmt: skip
    session.refresh(action, with_for_update=True)  # uploads to one action queue up (PostgreSQL)


def store(
    session: Session, *, user: User, action_id: int, data: bytes, settings: Settings
) -> ActionPhoto:
    """Adds a photo to the learner's own action while it can still be edited."""
    _editable_action(session, user=user, action_id=action_id)
    count = session.exec(
        select(func.count()).select_from(ActionPhoto).where(ActionPhoto.action_id == action_id)
    ).one()
    if count >= MAX_PER_ACTION:
        raise _invalid(
            N_("An action can have at most %(max)d photos. Delete one to add another."),
            max=MAX_PER_ACTION,
        )
    encoded = reencode(data, max_bytes=settings.photo_max_bytes)
    name = f"{secrets.token_urlsafe(24)}.jpg"
    path = _write_atomically(folder(settings), name, encoded.data)
    try:
        photo = ActionPhoto(action_id=action_id, name=name, width=encoded.width,
                            height=encoded.height, size=len(encoded.data))  # fmt: skip
        session.add(photo)
        session.flush()
        _once(session, "after_rollback", lambda: _remove(path))
    except BaseException:
        _remove(path)
        raise
    return photo


def photos_of(session: Session, action_id: int) -> list[ActionPhoto]:
    return list(
        session.exec(
            select(ActionPhoto)
            .where(ActionPhoto.action_id == action_id)
            .order_by(col(ActionPhoto.id))
        )
    )


def _photo(session: Session, action_id: int, photo_id: int) -> ActionPhoto:
    photo = session.get(ActionPhoto, photo_id)
    if photo is None or photo.action_id != action_id or not NAME.match(photo.name):
        raise NotFound()
    return photo


def path_for(
    session: Session, *, user: User, action_id: int, photo_id: int, settings: Settings
) -> Path:
    """The file of a photo, for the learner who owns the action or the trainers reviewing it."""
    try:
        actions.owned(session, user=user, action_id=action_id)
    except NotFound:
        actions.for_reviewer(session, user=user, action_id=action_id)
    path = folder(settings) / _photo(session, action_id, photo_id).name
    if not path.is_file():
        log.warning("photo %s of action %s has no file", photo_id, action_id)
        raise NotFound()
    return path


def delete(
    session: Session, *, user: User, action_id: int, photo_id: int, settings: Settings
) -> None:
    """Removes the row; the file goes once the removal is committed (a failed commit keeps
    both). If the file cannot be removed then, that is logged: the photo is gone for users."""
    _editable_action(session, user=user, action_id=action_id)
    photo = _photo(session, action_id, photo_id)
    path = folder(settings) / photo.name
    session.delete(photo)
    session.flush()
    _once(session, "after_commit", lambda: _remove(path))


def discard_files(session: Session, *, action_id: int, settings: Settings) -> None:
    """Call before deleting an action: its photo rows go by cascade, their files after commit."""
    paths = [folder(settings) / photo.name for photo in photos_of(session, action_id)]

    def remove_all() -> None:
        for path in paths:
            _remove(path)

    _once(session, "after_commit", remove_all)
