"""Photos as evidence: stored re-encoded without any metadata, upright and scaled down;
shown only to the learner and the trainers of the action's cohort; nothing half-stored
when the upload or the database step fails."""

from __future__ import annotations

import io
import os
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from bs4 import BeautifulSoup
from fastapi import FastAPI
from fastapi.testclient import TestClient
from httpx import Response
from PIL import ExifTags, Image, ImageCms
from sqlmodel import Session, select

from localleaders.db import Database
from localleaders.models import ActionPhoto, Role, User
from localleaders.services import actions, cohorts, photos
from localleaders.settings import Settings
from localleaders.web.app import create_app
from tests.conftest import COURSE, PASSWORD, Users

PHOTO_MAX = 1_500_000  # above the general 1 MB body limit, to prove the upload allowance


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    return tmp_path / "data"


@pytest.fixture
def photo_app(settings: Settings, db: Database, data_dir: Path) -> FastAPI:
    changed = settings.model_copy(update={"data_dir": data_dir, "photo_max_bytes": PHOTO_MAX})
    return create_app(changed, db=db)


def client_for(app: FastAPI, **options: Any) -> TestClient:
    return TestClient(app, base_url="https://testserver", **options)


def login(client: TestClient, user: User) -> None:
    response = client.post("/login", data={"username": user.username, "password": PASSWORD},
                           follow_redirects=False)  # fmt: skip
    assert response.status_code == 303


@pytest.fixture
def learner_client(photo_app: FastAPI) -> Iterator[TestClient]:
    with client_for(photo_app) as client:
        yield client


# --- images built here, with the metadata a phone would add ---------------------------


def gps_jpeg(size: tuple[int, int] = (2400, 1200), orientation: int = 6) -> bytes:
    """Left half red, right half blue; GPS position, camera, time, comment, XMP and ICC."""
    image = Image.new("RGB", size, (220, 20, 20))
    image.paste((20, 20, 220), (size[0] // 2, 0, size[0], size[1]))
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "PhoneMaker"
    exif[ExifTags.Base.Model] = "Phone 12"
    exif[ExifTags.Base.DateTime] = "2026:03:02 18:30:00"
    exif[ExifTags.Base.Orientation] = orientation
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = "N"
    gps[ExifTags.GPS.GPSLatitude] = (53.0, 54.0, 7.5)
    gps[ExifTags.GPS.GPSLongitudeRef] = "E"
    gps[ExifTags.GPS.GPSLongitude] = (27.0, 33.0, 21.0)
    icc = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    xmp = b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF/></x:xmpmeta>'
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", exif=exif, comment=b"Flat 12, Lenina 5", xmp=xmp, icc_profile=icc)
    return buffer.getvalue()


def encoded(image: Image.Image, format: str, **options: Any) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format, **options)
    return buffer.getvalue()


def png() -> bytes:
    image = Image.new("RGBA", (300, 200), (0, 0, 0, 0))
    image.paste((10, 120, 10, 255), (0, 0, 150, 200))
    return encoded(image, "PNG")


def webp() -> bytes:
    return encoded(Image.new("RGB", (320, 240), (40, 90, 200)), "WEBP")


def noise_png(width: int, height: int) -> bytes:
    """Random pixels barely compress: a valid image of about width * height * 3 bytes."""
    return encoded(Image.frombytes("RGB", (width, height), os.urandom(width * height * 3)), "PNG")


# --- the world: a cohort, its trainer, a learner with an action ---------------------------


class World:
    def __init__(self, app: FastAPI, db: Database, users: Users, client: TestClient) -> None:
        self.app, self.db, self.users = app, db, users
        self.trainer = users.create(Role.trainer)
        self.learner = users.login(client)
        with db.session(write=True) as session:
            form = cohorts.CohortForm(name="Spring", course_slugs=[COURSE], starts_on="2026-03-01")
            cohort = cohorts.create(session, actor=self.trainer, form=form)
            cohorts.join(session, user=self.learner, code=cohort.join_code)

    def action(self, user: User | None = None, *, submit: bool = True) -> int:
        program = self.app.state.program
        form = actions.ActionForm(type=program.action_types[0].key, title="Lamps meeting",
                                  happened_on=(date.today() - timedelta(days=2)).isoformat())  # fmt: skip
        with self.db.session(write=True) as session:
            action = actions.create(session, user=user or self.learner, form=form,
                                    program=program, submit=submit)  # fmt: skip
            assert action.id is not None
            return action.id

    def verify(self, action_id: int) -> None:
        with self.db.session(write=True) as session:
            actions.review(session, reviewer=self.trainer, action_id=action_id, decision="verify",
                           comment="", program=self.app.state.program)  # fmt: skip


@pytest.fixture
def world(photo_app: FastAPI, db: Database, users: Users, learner_client: TestClient) -> World:
    return World(photo_app, db, users, learner_client)


def upload(client: TestClient, action_id: int, data: bytes, name: str = "photo.jpg",
           **headers: str) -> Response:  # fmt: skip
    files = {"photo": (name, data, "image/jpeg")}
    return client.post(f"/actions/{action_id}/photos", files=files, headers=headers,
                       follow_redirects=False)  # fmt: skip


def rows(session: Session, action_id: int) -> list[ActionPhoto]:
    return list(session.exec(select(ActionPhoto).where(ActionPhoto.action_id == action_id)))


def files(data_dir: Path) -> list[str]:
    """Every file under the data folder, temporary ones included."""
    return sorted(p.name for p in data_dir.rglob("*") if p.is_file()) if data_dir.exists() else []


def soup(response: Response) -> BeautifulSoup:
    return BeautifulSoup(response.text, "html.parser")


# --- storing -------------------------------------------------------------------------------


def test_upload_stores_an_upright_smaller_jpeg_without_any_metadata(
    world: World, learner_client: TestClient, session: Session, data_dir: Path
) -> None:
    original = gps_jpeg()
    with Image.open(io.BytesIO(original)) as check:  # the upload really carries all of it
        assert check.getexif().get_ifd(ExifTags.IFD.GPSInfo)
        assert {"exif", "icc_profile", "comment", "xmp"} <= set(check.info)
    action_id = world.action(submit=False)  # a draft needs no review yet

    response = upload(learner_client, action_id, original)

    assert response.status_code == 303
    assert response.headers["location"] == f"/actions/{action_id}/edit?photo=added"
    [photo] = rows(session, action_id)
    path = data_dir / "photos" / photo.name
    assert files(data_dir) == [photo.name]  # no temporary file left behind
    stored = path.read_bytes()
    assert photo.size == len(stored)
    with Image.open(path) as image:
        assert image.format == "JPEG"
        assert len(image.getexif()) == 0
        assert not {"exif", "icc_profile", "comment", "xmp"} & set(image.info)
        assert image.size == (800, 1600) == (photo.width, photo.height)  # turned, then scaled
        red, blue = image.convert("RGB").getpixel((400, 100)), image.getpixel((400, 1500))
    assert red[0] > 150 > red[2] and blue[2] > 150 > blue[0]  # orientation 6: left is now top
    for secret in (b"Exif", b"PhoneMaker", b"Lenina", b"xmpmeta", b"ICC_PROFILE"):
        assert secret not in stored


def test_the_edit_page_shows_the_photo_and_the_upload_form(
    world: World, learner_client: TestClient
) -> None:
    action_id = world.action(submit=False)
    location = upload(learner_client, action_id, gps_jpeg()).headers["location"]
    page = soup(learner_client.get(location))
    section = page.select_one("#action-photos")
    assert section is not None
    assert section.select_one(".alert--success[role=status]") is not None
    [img] = section.select("img")
    assert img["alt"] == "Photo 1 of the action"
    assert (img["width"], img["height"]) == ("800", "1600")
    assert img["src"].startswith(f"/actions/{action_id}/photos/")
    form = section.select_one("form.photo-upload")
    assert form is not None and form["enctype"] == "multipart/form-data"
    assert form["action"] == f"/actions/{action_id}/photos"
    field = form.select_one("input[type=file][name=photo]")
    assert field is not None and field["accept"] == "image/jpeg,image/png,image/webp"
    assert "1.5 MB" in section.select_one("#f-photo-hint").get_text()
    assert section.select_one(f"form[action='{img['src']}/delete'] button") is not None


@pytest.mark.parametrize("make", [png, webp], ids=["png", "webp"])
def test_png_and_webp_are_accepted_and_stored_as_jpeg(
    world: World, learner_client: TestClient, session: Session, data_dir: Path, make: Any
) -> None:
    action_id = world.action()
    assert upload(learner_client, action_id, make(), name="picture.img").status_code == 303
    [photo] = rows(session, action_id)
    with Image.open(data_dir / "photos" / photo.name) as image:
        assert image.format == "JPEG" and image.mode == "RGB"
        assert image.size == (photo.width, photo.height)
        if make is png:  # transparency becomes white, not black
            assert image.getpixel((250, 100))[0] > 240


def test_a_photo_larger_than_the_general_body_limit_is_accepted(
    world: World, learner_client: TestClient, session: Session
) -> None:
    data = noise_png(800, 500)
    assert 1_000_000 < len(data) < PHOTO_MAX
    assert upload(learner_client, world.action(), data).status_code == 303


TRUNCATED = gps_jpeg()[:3000]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"Dear neighbours, this is not a photo.\n" * 20, "not a photo we can read"),
        (TRUNCATED, "not a photo we can read"),
        (encoded(Image.new("RGB", (40, 40)), "GIF"), "not a photo we can read"),
        (b"", "Choose a photo"),
        (b"x" * (PHOTO_MAX + 1), "larger than 1.5 MB"),
    ],
    ids=["text-named-jpg", "truncated-jpeg", "gif", "empty", "too-large"],
)
def test_bad_uploads_get_a_clear_error_and_store_nothing(
    world: World, learner_client: TestClient, session: Session, data_dir: Path, data: bytes,
    message: str,
) -> None:  # fmt: skip
    action_id = world.action()
    response = upload(learner_client, action_id, data)
    assert response.status_code == 422
    page = soup(response)
    assert page.select_one("h1") is not None  # a whole page without JS
    error = page.select_one("#action-photos #f-photo-error")
    assert error is not None and message in error.get_text()
    assert page.select_one("#f-photo")["aria-invalid"] == "true"  # type: ignore[index]
    assert rows(session, action_id) == [] and files(data_dir) == []


def test_a_body_beyond_the_upload_allowance_is_refused(
    world: World, learner_client: TestClient, session: Session, data_dir: Path
) -> None:
    action_id = world.action()
    assert upload(learner_client, action_id, b"x" * (PHOTO_MAX + 100_000)).status_code == 413
    assert rows(session, action_id) == [] and files(data_dir) == []
    # other routes keep the general limit
    big = {"title": "x" * 1_100_000}
    assert learner_client.post("/actions", data=big, follow_redirects=False).status_code == 413


def test_too_many_pixels_is_refused_before_decoding(
    world: World, learner_client: TestClient, session: Session, data_dir: Path
) -> None:
    data = encoded(Image.new("L", (8000, 6000)), "PNG")  # 48 megapixels, a few kilobytes
    response = upload(learner_client, world.action(), data)
    assert response.status_code == 422
    assert "megapixels" in soup(response).select_one("#f-photo-error").get_text()  # type: ignore[union-attr]
    assert files(data_dir) == []


def test_a_sixth_photo_is_refused(
    world: World, learner_client: TestClient, session: Session, data_dir: Path
) -> None:
    action_id = world.action()
    for _ in range(5):
        assert upload(learner_client, action_id, webp()).status_code == 303
    response = upload(learner_client, action_id, webp())
    assert response.status_code == 422
    section = soup(response).select_one("#action-photos")
    assert section is not None and "at most 5 photos" in section.get_text()
    assert section.select_one("form.photo-upload") is None
    assert len(rows(session, action_id)) == 5 and len(files(data_dir)) == 5


def test_nobody_uploads_to_someone_elses_action(
    world: World, learner_client: TestClient, session: Session, data_dir: Path
) -> None:
    other = world.users.create()
    action_id = world.action(other, submit=False)
    assert upload(learner_client, action_id, gps_jpeg()).status_code == 404
    assert upload(learner_client, 999_999, gps_jpeg()).status_code == 404
    with client_for(world.app) as trainer_client:
        login(trainer_client, world.trainer)
        assert upload(trainer_client, world.action(), gps_jpeg()).status_code == 404
    assert session.exec(select(ActionPhoto)).all() == [] and files(data_dir) == []


def test_a_verified_action_takes_no_new_photos(
    world: World, learner_client: TestClient, session: Session, data_dir: Path
) -> None:
    action_id = world.action()
    world.verify(action_id)
    response = upload(learner_client, action_id, gps_jpeg())
    assert response.status_code == 409
    assert "can no longer change" in soup(response).select_one("#action-photos").get_text()  # type: ignore[union-attr]
    assert rows(session, action_id) == [] and files(data_dir) == []


def test_htmx_gets_only_the_photo_section(
    world: World, learner_client: TestClient, session: Session
) -> None:
    action_id = world.action()
    response = upload(learner_client, action_id, webp(), **{"HX-Request": "true"})
    assert response.status_code == 200
    page = soup(response)
    assert page.select_one("h1") is None and page.select_one("section#action-photos")
    assert len(page.select("#action-photos img")) == 1
    assert page.select_one(".alert--success") is not None
    bad = upload(learner_client, action_id, b"not an image", **{"HX-Request": "true"})
    assert bad.status_code == 422
    assert soup(bad).select_one("h1") is None
    assert soup(bad).select_one("#f-photo-error") is not None


# --- failures halfway ----------------------------------------------------------------------


def test_a_failing_database_step_leaves_no_file(
    world: World, session: Session, data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    action_id = world.action()
    original = Session.flush

    def failing_flush(self: Session, objects: Any = None) -> None:
        if any(isinstance(item, ActionPhoto) for item in self.new):
            assert files(data_dir), "the file is written before the row"
            raise RuntimeError("the database went away")
        original(self, objects)

    with client_for(world.app, raise_server_exceptions=False) as client:
        login(client, world.learner)
        monkeypatch.setattr(Session, "flush", failing_flush)
        response = upload(client, action_id, gps_jpeg())
    assert response.status_code == 500
    monkeypatch.undo()
    assert rows(session, action_id) == [] and files(data_dir) == []


def test_a_failing_commit_leaves_no_file(
    world: World, session: Session, data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    action_id = world.action()
    original_store, original_commit = photos.store, Session.commit

    def marking_store(session: Session, **arguments: Any) -> ActionPhoto:
        session.info["stored_photo"] = True
        return original_store(session, **arguments)

    def failing_commit(self: Session) -> None:
        if self.info.get("stored_photo"):
            assert files(data_dir), "the file is written before the commit"
            raise RuntimeError("the disk is full")
        original_commit(self)

    with client_for(world.app, raise_server_exceptions=False) as client:
        login(client, world.learner)
        monkeypatch.setattr(photos, "store", marking_store)
        monkeypatch.setattr(Session, "commit", failing_commit)
        assert upload(client, action_id, gps_jpeg()).status_code == 500
    monkeypatch.undo()
    assert rows(session, action_id) == [] and files(data_dir) == []


# --- who sees them -------------------------------------------------------------------------


def test_photos_are_served_to_the_learner_and_their_trainers_only(
    world: World, learner_client: TestClient, session: Session
) -> None:
    action_id = world.action()
    upload(learner_client, action_id, gps_jpeg())
    [photo] = rows(session, action_id)
    url = f"/actions/{action_id}/photos/{photo.id}"

    mine = learner_client.get(url)
    assert mine.status_code == 200
    assert mine.headers["content-type"] == "image/jpeg"
    assert mine.headers["cache-control"] == "private, max-age=3600"
    assert mine.headers["x-content-type-options"] == "nosniff"
    assert mine.headers["content-disposition"].startswith("inline")
    assert Image.open(io.BytesIO(mine.content)).size == (800, 1600)

    other_trainer = world.users.create(Role.trainer)
    with world.db.session(write=True) as write:
        form = cohorts.CohortForm(name="Autumn", course_slugs=[COURSE], starts_on="2026-03-01")
        cohorts.create(write, actor=other_trainer, form=form)
    expected = [(world.trainer, 200), (world.users.create(Role.admin), 200),
                (other_trainer, 404), (world.users.create(), 404)]  # fmt: skip
    for user, status in expected:
        with client_for(world.app) as client:
            login(client, user)
            assert client.get(url).status_code == status, user.role
            assert client.get(f"/actions/{action_id}/photos/999999").status_code == 404
    with client_for(world.app) as anonymous:
        response = anonymous.get(url, follow_redirects=False)
        assert response.status_code == 303 and response.headers["location"].startswith("/login")
    assert learner_client.get(f"/actions/{world.action()}/photos/{photo.id}").status_code == 404


def test_the_trainer_sees_the_photos_on_the_review_page(
    world: World, learner_client: TestClient, session: Session
) -> None:
    action_id = world.action()
    upload(learner_client, action_id, webp())
    with client_for(world.app) as client:
        login(client, world.trainer)
        page = soup(client.get(f"/trainer/reviews/{action_id}"))
    section = page.select_one("#action-photos")
    assert section is not None and len(section.select("img")) == 1
    assert section.select("form") == []  # no upload, no delete for trainers


# --- deleting ------------------------------------------------------------------------------


def test_the_learner_deletes_a_photo_and_its_file(
    world: World, learner_client: TestClient, session: Session, data_dir: Path
) -> None:
    action_id = world.action()
    upload(learner_client, action_id, webp())
    upload(learner_client, action_id, png())
    first, second = rows(session, action_id)
    with client_for(world.app) as client:  # the trainer cannot delete it
        login(client, world.trainer)
        url = f"/actions/{action_id}/photos/{first.id}/delete"
        assert client.post(url, follow_redirects=False).status_code == 404

    response = learner_client.post(url, follow_redirects=False)

    assert response.status_code == 303
    assert response.headers["location"] == f"/actions/{action_id}/edit?photo=deleted"
    assert [p.id for p in rows(session, action_id)] == [second.id]
    assert files(data_dir) == [second.name]
    assert learner_client.post(url, follow_redirects=False).status_code == 404
    htmx = learner_client.post(f"/actions/{action_id}/photos/{second.id}/delete",
                               headers={"HX-Request": "true"})  # fmt: skip
    assert htmx.status_code == 200 and soup(htmx).select("#action-photos img") == []
    assert files(data_dir) == []


def test_photos_of_a_verified_action_cannot_be_deleted(
    world: World, learner_client: TestClient, session: Session, data_dir: Path
) -> None:
    action_id = world.action()
    upload(learner_client, action_id, webp())
    [photo] = rows(session, action_id)
    world.verify(action_id)
    response = learner_client.post(f"/actions/{action_id}/photos/{photo.id}/delete")
    assert response.status_code == 409
    assert len(rows(session, action_id)) == 1 and files(data_dir) == [photo.name]


def test_deleting_a_draft_can_take_its_photo_files_along(
    world: World, learner_client: TestClient, session: Session, data_dir: Path
) -> None:
    """For the draft deletion (and account erasure): rows go by cascade, files on commit."""
    action_id = world.action(submit=False)
    upload(learner_client, action_id, webp())
    settings = world.app.state.settings
    with pytest.raises(RuntimeError), world.db.session(write=True) as write:
        photos.discard_files(write, action_id=action_id, settings=settings)
        raise RuntimeError("changed my mind")  # a rollback keeps the files
    assert len(files(data_dir)) == 1
    with world.db.session(write=True) as write:
        photos.discard_files(write, action_id=action_id, settings=settings)
        actions.delete_draft(write, user=world.learner, action_id=action_id)
    assert rows(session, action_id) == [] and files(data_dir) == []
