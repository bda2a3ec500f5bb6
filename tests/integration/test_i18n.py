"""Every screen in Belarusian, Russian and English; catalogues complete and up to date."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from bs4 import BeautifulSoup
from fastapi.testclient import TestClient

from localleaders.i18n import LOCALES, negotiate, translations_for
from localleaders.resources import locales_dir
from tests.conftest import COURSE, PLAIN_LESSON, QUIZ_LESSON, Users

ROOT = Path(__file__).resolve().parents[2]
PAGES = [
    "/",
    "/courses",
    f"/courses/{COURSE}",
    f"/courses/{COURSE}/{PLAIN_LESSON}",
    f"/courses/{COURSE}/{QUIZ_LESSON}",
    "/login",
    "/register",
    "/nope",
]
SIGNED_IN_PAGES = ["/", "/profile", "/account", f"/courses/{COURSE}/{QUIZ_LESSON}"]


def catalogue(locale: str):  # type: ignore[no-untyped-def]
    with (locales_dir() / locale / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        return read_po(handle, locale=locale)


@pytest.mark.parametrize("locale", LOCALES)
def test_catalogue_is_complete(locale: str) -> None:
    problems = []
    for message in catalogue(locale):
        if not message.id:
            continue
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if message.fuzzy or not all(strings):
            problems.append(message.id)
    assert problems == []


def test_extraction_is_up_to_date(tmp_path: Path) -> None:
    pot = tmp_path / "messages.pot"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "babel.messages.frontend",
            "extract",
            "-F",
            "babel.cfg",
            "-k",
            "N_",
            "-o",
            str(pot),
            "--no-location",
            ".",
        ],
        cwd=ROOT,
        check=True,
    )
    with pot.open("rb") as handle:
        extracted = {m.id if isinstance(m.id, str) else m.id[0] for m in read_po(handle) if m.id}
    for locale in LOCALES:
        translated = {m.id if isinstance(m.id, str) else m.id[0] for m in catalogue(locale) if m.id}
        assert extracted - translated == set(), f"run `make i18n` and translate ({locale})"
        assert translated - extracted == set(), f"run `make i18n` to drop stale entries ({locale})"


@pytest.mark.parametrize(
    ("count", "expected"),
    [
        (1, "1 балл"),
        (2, "2 балла"),
        (5, "5 баллов"),
        (11, "11 баллов"),
        (21, "21 балл"),
        (22, "22 балла"),
        (25, "25 баллов"),
    ],
)
def test_russian_plurals(count: int, expected: str) -> None:
    text = translations_for("ru").ngettext("%(num)s point", "%(num)s points", count)
    assert text % {"num": count} == expected


@pytest.mark.parametrize("count", [1, 2, 5, 11, 21, 22, 25])
def test_belarusian_plurals_use_three_forms(count: int) -> None:
    text = translations_for("be").ngettext("%(num)s point", "%(num)s points", count) % {
        "num": count
    }
    form = (
        0
        if count % 10 == 1 and count % 100 != 11
        else 1
        if 2 <= count % 10 <= 4 and not 12 <= count % 100 <= 14
        else 2
    )
    forms = [
        translations_for("be").ngettext("%(num)s point", "%(num)s points", n) % {"num": count}
        for n in (1, 2, 5)
    ]
    assert text == forms[form] and len(set(forms)) == 3


@pytest.mark.parametrize("locale", LOCALES)
def test_every_page_renders_in_every_language(app, users: Users, locale: str) -> None:  # type: ignore[no-untyped-def]
    with TestClient(app, base_url="https://testserver", cookies={"lang": locale}) as client:
        for path in PAGES:
            response = client.get(path)
            assert response.status_code in (200, 404), path
            assert BeautifulSoup(response.text, "html.parser").html["lang"] == locale
            assert response.headers["content-language"] == locale
        users.login(client)
        for path in SIGNED_IN_PAGES:
            assert client.get(path).status_code == 200, path


def test_language_comes_from_accept_language(client: TestClient) -> None:
    response = client.get("/", headers={"Accept-Language": "de-DE, ru;q=0.8, en;q=0.5"})
    assert response.headers["content-language"] == "ru"
    assert "Войти" in response.text or "Вход" in response.text


def test_language_switch_without_js_sets_cookie_and_returns(client: TestClient) -> None:
    response = client.post(
        "/language", data={"locale": "be", "next": "/courses"}, follow_redirects=False
    )
    assert response.status_code == 303 and response.headers["location"] == "/courses"
    assert client.get("/courses").headers["content-language"] == "be"
    bad = client.post(
        "/language", data={"locale": "xx", "next": "https://evil.example"}, follow_redirects=False
    )
    assert bad.headers["location"] == "/"


def test_signed_in_choice_is_saved_and_wins_over_cookie(client: TestClient, users: Users) -> None:
    users.login(client)
    client.post("/language", data={"locale": "ru", "next": "/"})
    client.cookies.set("lang", "en", domain="testserver.local")
    assert client.get("/profile").headers["content-language"] == "ru"


def test_validation_messages_are_translated(client: TestClient) -> None:
    client.cookies.set("lang", "be", domain="testserver.local")
    response = client.post(
        "/register", data={"username": "ok.name", "display_name": "Ok", "password": "short"}
    )
    error = BeautifulSoup(response.text, "html.parser").select_one("#f-password-error").get_text()
    assert "12" in error and "characters" not in error


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("", "en"),
        ("ru", "ru"),
        ("be-BY,be;q=0.9", "be"),
        ("fr, de;q=0.9", "en"),
        ("en;q=0.1, ru;q=0.9", "ru"),
        ("ru;q=bogus, be", "be"),
    ],
)
def test_negotiate(header: str, expected: str) -> None:
    assert negotiate(header, "en") == expected
