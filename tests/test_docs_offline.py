"""The interactive reference (/docs, /redoc) loads nothing from elsewhere: every script, style
sheet and icon it names is served by the app itself, so it works offline."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

_REFERENCES = re.compile(r"""(?:src|href|url)\s*[=:]\s*["']([^"']+)["']""")


@pytest.mark.parametrize(
    ("page", "assets"),
    [
        ("/docs", {"/docs/assets/swagger-ui-bundle.js", "/docs/assets/swagger-ui.css"}),
        ("/redoc", {"/docs/assets/redoc.standalone.js"}),
    ],
)
def test_the_reference_pages_name_only_local_assets(
    client: TestClient, page: str, assets: set[str]
) -> None:
    response = client.get(page)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    references = set(_REFERENCES.findall(response.text))
    assert assets <= references
    assert "/openapi.json" in references
    assert all(reference.startswith("/") for reference in references), references
    assert "http" not in response.text.lower()  # no CDN, no web fonts


@pytest.mark.parametrize(
    ("asset", "media_type", "marker"),
    [
        ("swagger-ui-bundle.js", "text/javascript", b"SwaggerUIBundle"),
        ("swagger-ui.css", "text/css", b".swagger-ui"),
        ("redoc.standalone.js", "text/javascript", b"Redoc"),
        ("favicon.png", "image/png", b"\x89PNG"),
    ],
)
def test_the_assets_are_served(
    client: TestClient, asset: str, media_type: str, marker: bytes
) -> None:
    response = client.get(f"/docs/assets/{asset}")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith(media_type)
    assert marker in response.content[:200_000]


@pytest.mark.parametrize("path", ["/docs/assets/index.html", "/docs/assets/..%2F..%2Fconfig.py"])
def test_an_unknown_asset_is_a_problem(client: TestClient, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"


def test_an_unknown_asset_is_told_the_known_ones(client: TestClient) -> None:
    assert "swagger-ui.css" in client.get("/docs/assets/index.html").json()["detail"]


def test_the_reference_pages_are_not_operations(client: TestClient) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    assert not [path for path in paths if path.startswith(("/docs", "/redoc"))]
