"""Helpers shared by the tests (fixtures live in conftest.py)."""

from __future__ import annotations

import re

from paperless import create_app


def make_app(database_url: str, **overrides):
    config = {"DATABASE_URL": database_url, "SOCKETIO_ASYNC_MODE": "threading",
              "WTF_CSRF_ENABLED": False, "TESTING": True}
    config.update(overrides)
    return create_app(config)


def login(client, username: str, password: str = "kyhopso"):
    response = client.post("/login", data={"username": username, "password": password})
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    return client


def token_for(client, username: str, password: str = "kyhopso") -> dict:
    response = client.post("/api/v1/auth/token", json={"username": username, "password": password})
    assert response.status_code == 201, response.get_json()
    return {"Authorization": f"Bearer {response.get_json()['token']}"}


def csrf_from(html: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert match, "no CSRF token in page"
    return match.group(1)
