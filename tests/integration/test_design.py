"""The styleguide exists only in development; the manifest and icons are served."""

from __future__ import annotations

from fastapi.testclient import TestClient

from localleaders.db import Database
from localleaders.settings import Settings
from localleaders.web.app import create_app


def test_styleguide_is_only_served_in_development(
    client: TestClient, settings: Settings, db: Database
) -> None:
    assert client.get("/styleguide").status_code == 404
    development = create_app(settings.model_copy(update={"environment": "development"}), db=db)
    with TestClient(development, base_url="https://testserver") as dev:
        page = dev.get("/styleguide")
    assert page.status_code == 200
    for component in ("btn--primary", "level-card", "toast", "field__error", "table", "progress"):
        assert component in page.text


def test_manifest_links_icons_that_exist(client: TestClient) -> None:
    response = client.get("/manifest.webmanifest")
    assert response.headers["content-type"].startswith("application/manifest+json")
    manifest = response.json()
    assert manifest["name"] == "Local Leaders" and manifest["display"] == "standalone"
    purposes = {icon.get("purpose", "any") for icon in manifest["icons"]}
    assert {"any", "maskable"} <= purposes
    for icon in manifest["icons"]:
        assert client.get(icon["src"]).status_code == 200, icon["src"]


def test_manifest_speaks_the_readers_language(client: TestClient) -> None:
    client.cookies.set("lang", "be", domain="testserver.local")
    manifest = client.get("/manifest.webmanifest").json()
    assert manifest["lang"] == "be"
    assert manifest["description"].startswith("Кароткія")
