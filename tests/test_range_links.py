"""Signed byte-range links (paperless/range_links.py): the middleware's answers and refusals,
and the document rules — a revoked session, a disabled user, a removed role, a withdrawn or
re-classified document — for links already handed out."""

from __future__ import annotations

import io
import time
from urllib.parse import parse_qs, urlsplit

import pytest
from sqlalchemy import delete, select

from paperless import db, range_links
from paperless.models import Meeting, RoleAssignment, User
from tests.conftest import CORPUS
from tests.support import login, token_for

PDF = (CORPUS / "pdf" / "cmyk-image.pdf").read_bytes()  # 434 KiB: ranges and pieces


@pytest.fixture
def staff(client, demo):
    return token_for(client, "thuky")


def _publish(client, staff, access="delegates") -> dict:
    meeting_id = db.session.scalar(select(Meeting.id))
    body = client.post(f"/api/v1/meetings/{meeting_id}/documents", headers=staff,
                       data={"file": (io.BytesIO(PDF), "du-toan.pdf"), "access": access},
                       content_type="multipart/form-data").get_json()
    client.post(f"/api/v1/meetings/{meeting_id}/documents/publish", headers=staff, json={})
    return body


@pytest.fixture
def published(client, staff):
    return _publish(client, staff)


@pytest.fixture
def reader(client, demo):
    return token_for(client, "daibieu05")


def _link(client, headers, document_id, version=1):
    return client.get(f"/api/v1/documents/{document_id}/range-link?version={version}",
                      headers=headers)


@pytest.fixture
def link(client, reader, published) -> str:
    answer = _link(client, reader, published["id"])
    assert answer.status_code == 200, answer.get_json()
    assert answer.headers["Cache-Control"] == "no-store"
    body = answer.get_json()
    assert body["size"] == len(PDF)
    assert 0 < body["expires"] - time.time() <= 61
    return body["url"]


def _code(response) -> str:
    assert response.content_type == "application/json"
    return response.get_json()["error"]["code"]


def _server(app) -> range_links.RangeLinkServer:
    return app.extensions["paperless.range_links"]


# --- answers ------------------------------------------------------------------------------

def test_a_range_is_answered_from_the_blob_without_credentials(app, client, link, published):
    sha = published["current"]["sha256"]
    assert urlsplit(link).path == f"/ranges/{published['id']}/1/{sha}"
    part = client.get(link, headers={"Range": "bytes=100-65635"})  # no cookie, no token
    assert part.status_code == 206
    assert part.data == PDF[100:65636]
    assert part.headers["Content-Range"] == f"bytes 100-65635/{len(PDF)}"
    assert part.headers["Content-Length"] == str(65536)
    assert part.headers["Content-Type"] == "application/pdf"
    assert part.headers["Accept-Ranges"] == "bytes"
    assert part.headers["Cache-Control"].startswith("private")
    assert part.headers["ETag"] == f'"{sha}"'


@pytest.mark.parametrize(("header", "status", "expected"), [
    ("bytes=-500", 206, lambda d: d[-500:]),  # suffix: the last 500 bytes
    ("bytes=1000-", 206, lambda d: d[1000:]),
    ("bytes=0-999999999", 206, lambda d: d),  # past the end: up to the end
    (None, 200, lambda d: d),
    ("bytes=0-9,20-29", 200, lambda d: d),  # several ranges: ignored, the whole file
    ("bytes=9-0", 200, lambda d: d),  # not a range: ignored
    ("pages=1-2", 200, lambda d: d),
])
def test_ranges_suffixes_and_ignored_headers(client, link, header, status, expected):
    answer = client.get(link, headers={"Range": header} if header else {})
    assert answer.status_code == status
    assert answer.data == expected(PDF)
    assert answer.headers["Content-Length"] == str(len(expected(PDF)))


@pytest.mark.parametrize("header", [f"bytes={len(PDF)}-", f"bytes={len(PDF) + 10}-20000000",
                                    "bytes=-0"])
def test_an_unsatisfiable_range_is_416_with_the_size(client, link, header):
    answer = client.get(link, headers={"Range": header})
    assert answer.status_code == 416
    assert answer.headers["Content-Range"] == f"bytes */{len(PDF)}"
    assert answer.data == b""


def test_head_tells_the_size_without_the_bytes(client, link):
    answer = client.head(link, headers={"Range": "bytes=0-99"})
    assert answer.status_code == 206
    assert answer.headers["Content-Length"] == "100" and answer.data == b""


def test_other_methods_are_405(client, link):
    answer = client.post(link)
    assert answer.status_code == 405 and _code(answer) == "method_not_allowed"
    assert answer.headers["Allow"] == "GET, HEAD"


# --- refusals -----------------------------------------------------------------------------

def test_an_expired_link_is_410_link_expired(app, client, link, monkeypatch):
    monkeypatch.setattr(_server(app), "_now", lambda: time.time() + 61)
    answer = client.get(link, headers={"Range": "bytes=0-99"})
    assert answer.status_code == 410 and _code(answer) == "link_expired"


def _with(link: str, **changes) -> str:
    parts = urlsplit(link)
    query = {k: v[0] for k, v in parse_qs(parts.query).items()}
    path = changes.pop("path", parts.path)
    query.update(changes)
    return path + "?" + "&".join(f"{k}={v}" for k, v in query.items())


def test_tampered_links_are_403_link_invalid(app, client, link, published):
    query = {k: v[0] for k, v in parse_qs(urlsplit(link).query).items()}
    other_sha = "0" * 64
    tampered = [
        _with(link, e=str(int(query["e"]) + 3600)),  # a longer life
        _with(link, a="1.s1"),  # someone else's session
        _with(link, path=urlsplit(link).path.replace(f"/{published['id']}/", "/999/")),
        _with(link, path=urlsplit(link).path.replace("/1/", "/2/", 1)),
        _with(link, path=f"/ranges/{published['id']}/1/{other_sha}"),  # another blob
        _with(link, s=("A" if query["s"][0] != "A" else "B") + query["s"][1:]),
        _with(link, s=query["s"][:-1]),  # too short
        link + "&s=" + query["s"],  # a field twice
        link + "&x=1",  # an unknown field
        link.split("&s=")[0],  # no signature
        urlsplit(link).path,  # no query at all
        _with(link, a="1.s1%20"),  # nginx signs the raw query: no decoding games
    ]
    for url in tampered:
        answer = client.get(url, headers={"Range": "bytes=0-99"})
        assert answer.status_code == 403, url
        assert _code(answer) == "link_invalid", url
        assert b"%PDF" not in answer.data


def test_a_link_signed_with_another_key_is_refused(app, client, link, published):
    query = {k: v[0] for k, v in parse_qs(urlsplit(link).query).items()}
    sha = published["current"]["sha256"]
    forged = range_links.issue(published["id"], 1, sha, query["a"],
                               range_links.derive_key("another secret"), int(query["e"]))
    answer = client.get(forged, headers={"Range": "bytes=0-99"})
    assert answer.status_code == 403 and _code(answer) == "link_invalid"
    # …and the app's own key is not the secret key itself (nginx holds only the derived one)
    assert _server(app).key == range_links.derive_key(app.config["SECRET_KEY"])
    assert _server(app).key != app.config["SECRET_KEY"]


@pytest.mark.parametrize("path", [
    "/ranges/1/1/../../secret_key", "/ranges/../secret_key", "/ranges/1/1/%2e%2e%2fsecret_key",
    "/ranges/1/1/ab/" + "c" * 62, "/ranges/1/1/" + "A" * 64, "/ranges/",
])
def test_paths_outside_the_form_never_reach_the_disk(app, client, path, demo):
    answer = client.get(path + "?e=1&a=1.s1&s=" + "A" * 22)
    assert answer.status_code == 404 and _code(answer) == "not_found"


def test_the_middleware_builds_no_file_name_from_a_hostile_path(tmp_path):
    (tmp_path / "secret").write_text("nope")
    served = []
    server = range_links.RangeLinkServer(lambda e, s: served.append(e) or [b"app"],
                                         tmp_path / "blobs", "k", range_links.Revocations(60))
    statuses = []
    for path in ("/ranges/1/1/../../secret", "/ranges/1/1/\x00", "/ranges//1/1/" + "a" * 64):
        body = b"".join(server({"PATH_INFO": path, "REQUEST_METHOD": "GET",
                                "QUERY_STRING": ""}, lambda st, h: statuses.append(st)))
        assert b"nope" not in body
    assert statuses == ["404 Not Found"] * 3 and served == []
    b"".join(server({"PATH_INFO": "/api/v1/x", "REQUEST_METHOD": "GET"}, lambda *a: None))
    assert len(served) == 1  # everything else goes to the app


def test_a_confidential_document_never_gets_a_link(client, staff, reader):
    secret = _publish(client, staff, access="confidential")
    answer = _link(client, reader, secret["id"])
    assert answer.status_code == 403 and _code(answer) == "watermarked_only"
    assert "url" not in answer.get_json()
    staff_answer = _link(client, staff, secret["id"])  # not even for the secretariat
    assert staff_answer.status_code == 403


def test_the_viewer_page_says_which_documents_use_links(client, staff, published, demo):
    secret = _publish(client, staff, access="confidential")
    login(client, "daibieu05")
    page = client.get(f"/documents/{published['id']}/view").get_data(as_text=True)
    assert f'data-range-link-url="/api/v1/documents/{published["id"]}/range-link?version=1"' \
        in page
    secret_page = client.get(f"/documents/{secret['id']}/view").get_data(as_text=True)
    assert "data-range-link-url" not in secret_page


def test_a_browser_session_gets_a_link_bound_to_that_session(client, published, demo):
    login(client, "daibieu05")
    answer = client.get(f"/api/v1/documents/{published['id']}/range-link?version=1")
    assert answer.status_code == 200, answer.get_json()
    audience_id = parse_qs(urlsplit(answer.get_json()["url"]).query)["a"][0]
    user = db.session.scalar(select(User).where(User.username == "daibieu05"))
    assert audience_id.startswith(f"{user.id}.s")


# --- the rules, for links already handed out ----------------------------------------------

def test_a_revoked_token_stops_its_links_at_once(client, reader, link, published):
    assert client.post("/api/v1/auth/logout", headers=reader).status_code == 204
    answer = client.get(link, headers={"Range": "bytes=0-99"})
    assert answer.status_code == 403 and _code(answer) == "link_revoked"
    assert _link(client, reader, published["id"]).status_code == 401  # no new one either


def test_a_disabled_user_loses_every_link_at_once(client, demo, reader, link, published):
    admin = token_for(client, "admin")
    user = db.session.scalar(select(User).where(User.username == "daibieu05"))
    other = token_for(client, "daibieu06")
    others_link = _link(client, other, published["id"]).get_json()["url"]
    assert client.post(f"/api/v1/users/{user.id}/active", headers=admin,
                       json={"active": False}).status_code == 200
    assert _code(client.get(link, headers={"Range": "bytes=0-9"})) == "link_revoked"
    assert client.get(others_link, headers={"Range": "bytes=0-9"}).status_code == 206


def test_a_withdrawn_document_stops_its_links_at_once(client, staff, reader, link, published):
    assert client.post(f"/api/v1/documents/{published['id']}/withdraw", headers=staff,
                       json={"reason": "Thay bằng bản mới"}).status_code == 200
    answer = client.get(link, headers={"Range": "bytes=0-99"})
    assert answer.status_code == 403 and _code(answer) == "link_revoked"
    renewal = _link(client, reader, published["id"])
    assert renewal.status_code == 410 and _code(renewal) == "document_withdrawn"


def test_a_document_made_confidential_stops_its_links_at_once(client, staff, reader, link,
                                                              published):
    assert client.patch(f"/api/v1/documents/{published['id']}", headers=staff,
                        json={"access": "confidential"}).status_code == 200
    assert _code(client.get(link, headers={"Range": "bytes=0-9"})) == "link_revoked"
    assert _code(_link(client, reader, published["id"])) == "watermarked_only"


def test_a_removed_role_gets_no_new_link_and_the_old_one_ends_with_its_life(
        app, client, reader, link, published, monkeypatch):
    """By design (docs/deploy.md, Range links): a role change is not announced, so a link
    already handed out lives out its 60 s; every renewal checks the roles again."""
    user = db.session.scalar(select(User).where(User.username == "daibieu05"))
    db.session.execute(delete(RoleAssignment).where(RoleAssignment.user_id == user.id))
    db.session.commit()
    assert _link(client, reader, published["id"]).status_code == 404
    assert client.get(link, headers={"Range": "bytes=0-9"}).status_code == 206
    monkeypatch.setattr(_server(app), "_now", lambda: time.time() + 61)
    assert _code(client.get(link, headers={"Range": "bytes=0-9"})) == "link_expired"


def test_revocations_forget_entries_once_every_older_link_has_expired():
    now = [1000.0]
    revocations = range_links.Revocations(60, now=lambda: now[0])
    revocations.forget(audiences=["5.s1"], documents=[7])
    assert revocations.refuses("5.s1", "5", "1", issued_before=999) == "revoked"
    assert revocations.refuses("6.s2", "6", "7", issued_before=1000) == "revoked"
    assert revocations.refuses("6.s2", "6", "8", issued_before=1000) is None
    assert revocations.refuses("5.s1", "5", "1", issued_before=1001) is None  # a later link
    now[0] = 1100.0
    revocations.forget(users=[9])  # prunes on the way
    assert ("a", "5.s1") not in revocations._since


def test_nginx_is_given_the_derived_key_by_a_command(app):
    printed = app.test_cli_runner().invoke(args=["range-link-key"])
    assert printed.exit_code == 0, printed.output
    assert printed.output == f'set $kyhopso_range_key "{_server(app).key}";\n'
    assert app.config["SECRET_KEY"] not in printed.output
