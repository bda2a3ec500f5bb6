"""Security headers, same-origin protection and the request body limit."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from tests.conftest import COURSE, PLAIN_LESSON, Users


@pytest.mark.parametrize("path", ["/", "/courses", "/login", "/nope", "/static/css/app.css"])
def test_security_headers_everywhere(client: TestClient, path: str) -> None:
    response = client.get(path)
    csp = response.headers["content-security-policy"]
    assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["referrer-policy"] == "no-referrer"
    assert "server" not in response.headers


def test_pages_reference_only_our_own_origin(client: TestClient) -> None:
    html = client.get("/").text
    assert "http://" not in html and "https://" not in html
    assert "<style" not in html and " style=" not in html and " onclick" not in html


@pytest.mark.parametrize(
    ("headers", "allowed"),
    [
        ({"Sec-Fetch-Site": "same-origin"}, True),
        ({"Sec-Fetch-Site": "cross-site"}, False),
        ({"Sec-Fetch-Site": "same-site"}, False),
        ({"Origin": "https://testserver"}, True),
        ({"Origin": "https://evil.example"}, False),
        ({"Origin": "null"}, False),
        ({}, True),
    ],
)
def test_unsafe_requests_must_come_from_our_origin(
    client: TestClient, users: Users, headers: dict[str, str], allowed: bool
) -> None:
    users.login(client)
    response = client.post(
        f"/courses/{COURSE}/{PLAIN_LESSON}/complete", headers=headers, follow_redirects=False
    )
    assert (response.status_code == 303) is allowed
    if not allowed:
        assert response.status_code == 403
        assert "+" not in client.get("/profile").text.split("What earned your points")[1][:200]


def test_request_body_limit(client: TestClient) -> None:
    response = client.post(
        "/login",
        content=b"x" * 1_000_001,
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert response.status_code == 413


def test_responses_are_compressed_when_accepted(client: TestClient) -> None:
    response = client.get("/courses", headers={"Accept-Encoding": "gzip"})
    assert response.headers["content-encoding"] == "gzip"


def test_static_files_are_cached_by_digest(client: TestClient) -> None:
    response = client.get("/static/css/app.css")
    assert response.status_code == 200 and "immutable" in response.headers["cache-control"]
    assert client.get("/static/../pyproject.toml").status_code == 404


def test_unexpected_errors_get_a_calm_500_page(app, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    from localleaders.services import catalogue

    def broken(*_args: object, **_kwargs: object) -> None:
        raise RuntimeError("database on fire")

    monkeypatch.setattr(catalogue, "catalogue", broken)
    with TestClient(app, base_url="https://testserver", raise_server_exceptions=False) as client:
        response = client.get("/courses")
    assert response.status_code == 500
    assert "Something went wrong" in response.text and "database on fire" not in response.text
