"""Security headers, cookies, proxies and login rate limits."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from paperless import db
from paperless.config import PROJECT_ROOT
from paperless.models import User
from paperless.services.auth import hash_secret
from tests.support import login, make_app


def _csp(response) -> dict[str, list[str]]:
    header = response.headers["Content-Security-Policy"]
    directives = {}
    for part in header.split(";"):
        name, *values = part.split()
        directives[name] = values
    return directives


PAGES = ["/login", "/", "/meetings/1", "/meetings/1/live", "/meetings/1/console",
         "/api/v1/openapi.json", "/no-such-page", "/static/js/live.js"]


def test_every_answer_carries_the_security_headers(client, demo):
    login(client, "thuky")
    for path in PAGES:
        response = client.get(path)
        csp = _csp(response)
        assert csp["script-src"] and set(csp["script-src"]) <= {"'self'", "'wasm-unsafe-eval'"}, path
        assert csp["default-src"] == ["'self'"]
        assert csp["frame-ancestors"] == ["'none'"]
        assert csp["object-src"] == ["'none'"]
        assert csp["base-uri"] == ["'self'"]
        assert "'unsafe-inline'" not in response.headers["Content-Security-Policy"]
        assert "'unsafe-eval'" not in response.headers["Content-Security-Policy"]
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["Referrer-Policy"] == "same-origin"
        assert "Strict-Transport-Security" not in response.headers, "HSTS only under HTTPS"


def test_templates_have_no_inline_scripts_or_handlers():
    """The CSP would block them; this names the file instead of a silent broken page."""
    offenders = []
    for template in (PROJECT_ROOT / "templates").rglob("*.html"):
        text = template.read_text()
        for tag in re.findall(r"<script\b[^>]*>", text):
            # a JSON data block is never executed (and its JSON is escaped: _script_json)
            if "src=" not in tag and 'type="application/json"' not in tag:
                offenders.append(f"{template.name}: inline {tag}")
        for handler in re.findall(r"\son[a-z]+\s*=", text):
            offenders.append(f"{template.name}: event handler attribute {handler.strip()}")
        if "javascript:" in text:
            offenders.append(f"{template.name}: javascript: URL")
    assert not offenders, offenders


def test_hsts_under_https_only(client, demo):
    secure = client.get("/login", base_url="https://localhost")
    assert secure.headers["Strict-Transport-Security"].startswith("max-age=")
    assert int(secure.headers["Strict-Transport-Security"].split("=")[1]) >= 15552000
    # X-Forwarded-Proto is ignored unless a proxy is configured (anyone could send it) …
    spoofed = client.get("/login", headers={"X-Forwarded-Proto": "https"})
    assert "Strict-Transport-Security" not in spoofed.headers


def test_behind_one_proxy_forwarded_https_counts(database_url, demo):
    app = make_app(database_url, PROXIES=1)
    client = app.test_client()
    response = client.get("/login", headers={"X-Forwarded-Proto": "https",
                                              "X-Forwarded-For": "203.0.113.9"})
    assert "Strict-Transport-Security" in response.headers
    client.post("/login", data={"username": "thuky", "password": "sai"},
                headers={"X-Forwarded-For": "203.0.113.9", "X-Forwarded-Proto": "https"})
    with app.app_context():
        from paperless.models import LoginAttempt

        attempt = db.session.scalars(select(LoginAttempt)).all()[-1]
        assert attempt.remote_addr == "203.0.113.9", "the client's address, not nginx's"


def test_session_cookie_is_secure_httponly_samesite_in_production(database_url, demo,
                                                                  monkeypatch):
    user = db.session.scalar(select(User).where(User.username == "thuky"))
    user.password_hash = hash_secret("mat-khau-that-2026")
    db.session.commit()
    monkeypatch.setenv("PAPERLESS_ENV", "production")
    prod = make_app(database_url)
    assert prod.config["SESSION_COOKIE_SECURE"] is True
    client = prod.test_client()
    response = client.post("/login", data={"username": "thuky",
                                           "password": "mat-khau-that-2026"},
                           base_url="https://localhost")
    assert response.status_code == 302
    cookie = response.headers["Set-Cookie"]
    assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie
    # development (plain http on the LAN in the demo) keeps cookies usable without TLS
    monkeypatch.setenv("PAPERLESS_ENV", "development")
    assert make_app(database_url).config["SESSION_COOKIE_SECURE"] is False


@pytest.mark.parametrize("second_via", ["page", "api"])
def test_login_limit_holds_across_two_app_instances(database_url, demo, second_via):
    """Two worker processes share only the database: failures on either count for both."""
    limit = 5
    first = make_app(database_url, LOGIN_MAX_FAILURES=limit).test_client()
    second = make_app(database_url, LOGIN_MAX_FAILURES=limit).test_client()
    for i in range(limit):
        client = first if i % 2 == 0 else second
        assert client.post("/login", data={"username": "chutoa", "password": f"sai{i}"}
                           ).status_code == 401
    # the N+1th attempt is refused even with the right password, on either instance
    if second_via == "page":
        refused = second.post("/login", data={"username": "chutoa", "password": "kyhopso"})
        assert refused.status_code == 429
        assert "Vui lòng thử lại sau" in refused.get_data(as_text=True)
    else:
        refused = second.post("/api/v1/auth/token",
                              json={"username": "chutoa", "password": "kyhopso"})
        assert refused.status_code == 429
        assert refused.get_json()["error"]["code"] == "too_many_attempts"
    assert first.post("/login", data={"username": "CHUTOA ", "password": "kyhopso"}
                      ).status_code == 429, "the same account in another spelling"
    # another account is not locked by it
    assert first.post("/login", data={"username": "thuky", "password": "kyhopso"}
                      ).status_code == 302
