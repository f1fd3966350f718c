"""Issue 14, part B: revocable sessions and tokens, login limits without a lever, rate
limits per connection, user and address, safe `next`, the QR address from configuration,
search within what the reader may read, what guests see and who keeps notes."""

from __future__ import annotations

import io
from datetime import UTC, datetime

import pytest
from pypdf import PdfReader
from sqlalchemy import func, select

from paperless import config as config_module
from paperless import db, ratelimit
from paperless.domain import limits
from paperless.domain.limits import Rate
from paperless.models import (
    AgendaItem,
    ApiToken,
    AuditEntry,
    Document,
    DocumentPage,
    DocumentVersion,
    Meeting,
    PersonalNote,
    User,
)
from tests.socket_world import connect, session_in_progress
from tests.support import login, make_app, token_for
from tests.world import small_pdf


def _audit(action: str) -> int:
    return db.session.scalar(select(func.count()).select_from(AuditEntry).where(
        AuditEntry.action == action))


def _user_id(username: str) -> int:
    return db.session.scalar(select(User.id).where(User.username == username))


def _limits(app, **rates: Rate) -> None:
    app.extensions["paperless.limiter"].rates.update(rates)


# --- sessions the server can revoke ---------------------------------------------------------

def test_a_copied_cookie_is_worthless_after_logout(app, client, demo):
    login(client, "thuky")
    copied = client.get_cookie("session").value
    thief = app.test_client()
    thief.set_cookie("session", copied)
    assert thief.get("/manage").status_code == 200
    assert client.post("/logout").status_code == 302
    after = thief.get("/manage")
    assert after.status_code == 302 and "/login" in after.headers["Location"]
    assert thief.get("/api/v1/councils").status_code == 401
    assert _audit("auth.logout") == 1


def test_changing_the_password_revokes_every_session_token_and_socket(app, client, demo):
    tablet = login(app.test_client(), "daibieu05")
    copied = tablet.get_cookie("session").value
    token = token_for(client, "daibieu05")
    sock = connect(app, "daibieu05")
    assert sock.is_connected()
    page = login(app.test_client(), "daibieu05")
    assert page.get("/account/password").status_code == 200
    form = {"current_password": "sai-roi", "new_password": "mat-khau-moi",
            "confirm_password": "mat-khau-moi"}
    assert page.post("/account/password", data=form).status_code == 302  # refused, flashed
    assert client.get("/api/v1/councils", headers=token).status_code == 200
    assert page.post("/account/password",
                     data={**form, "current_password": "kyhopso"}).status_code == 302
    assert page.get("/account/password").status_code == 200  # this person: a fresh session
    thief = app.test_client()
    thief.set_cookie("session", copied)
    assert thief.get("/account/password").status_code == 302
    assert client.get("/api/v1/councils", headers=token).status_code == 401
    assert not sock.is_connected()
    assert client.post("/api/v1/auth/token", json={"username": "daibieu05",
                                                   "password": "kyhopso"}).status_code == 401
    token_for(client, "daibieu05", "mat-khau-moi")
    assert _audit("user.password_changed") == 1


def test_the_api_password_change_needs_the_current_password(app, client, demo):
    token = token_for(client, "daibieu06")
    wrong = client.post("/api/v1/auth/password", headers=token,
                        json={"current_password": "x", "new_password": "mat-khau-moi"})
    assert wrong.status_code == 422 and wrong.get_json()["error"]["code"] == "wrong_password"
    done = client.post("/api/v1/auth/password", headers=token,
                       json={"current_password": "kyhopso", "new_password": "mat-khau-moi"})
    assert done.status_code == 200
    assert client.get("/api/v1/councils", headers=token).status_code == 401


def test_an_admin_reset_revokes_the_users_sessions_and_tokens(app, client, demo):
    victim = login(app.test_client(), "daibieu07")
    token = token_for(client, "daibieu07")
    admin = token_for(client, "admin")
    uid = _user_id("daibieu07")
    assert client.post(f"/api/v1/users/{uid}/password", headers=token_for(client, "thuky"),
                       json={"password": "mat-khau-moi"}).status_code in (403, 404)
    assert client.post(f"/api/v1/users/{uid}/password", headers=admin,
                       json={"password": "mat-khau-moi"}).status_code == 200
    assert client.get("/api/v1/councils", headers=token).status_code == 401
    assert victim.get("/account/password").status_code == 302
    assert _audit("user.password_reset") == 1


def test_disabling_a_user_disconnects_their_open_socket_at_once(app, client, demo):
    ids = session_in_progress(app, client)
    meeting_id = ids["meeting_id"]
    chair = connect(app, "chutoa", meeting_id)
    delegate = connect(app, "daibieu08", meeting_id)
    delegate.get_received()
    admin = login(app.test_client(), "admin")
    uid = _user_id("daibieu08")
    assert admin.post(f"/users/{uid}/active", data={"active": "0"}).status_code == 302
    assert not delegate.is_connected()
    answer = chair.emit("notice:send", {"meeting_id": meeting_id, "text": "Chỉ đại biểu",
                                        "audience": "delegates"}, callback=True)
    assert answer["ok"], answer
    assert _audit("user.disabled") == 1
    assert client.post("/api/v1/auth/token", json={"username": "daibieu08",
                                                   "password": "kyhopso"}).status_code == 401


def test_a_socket_rechecks_its_token_on_every_event(app, client, demo):
    """Revoked by another process (no announcement here): the next event is refused."""
    from paperless.extensions import socketio

    raw = client.post("/api/v1/auth/token", json={"username": "daibieu09",
                                                  "password": "kyhopso"}).get_json()["token"]
    meeting_id = db.session.scalar(select(Meeting.id))
    sock = socketio.test_client(app, auth={"token": raw})
    assert sock.is_connected()
    assert sock.emit("live:snapshot", {"meeting_id": meeting_id}, callback=True)["ok"]
    row = db.session.scalar(select(ApiToken).order_by(ApiToken.id.desc()))
    row.revoked_at = datetime.now(UTC)
    db.session.commit()
    answer = sock.emit("live:snapshot", {"meeting_id": meeting_id}, callback=True)
    assert answer["error"]["code"] == "unauthorized"


def test_tokens_are_listed_and_revoked_by_their_owner_and_by_an_admin(app, client, demo):
    first = token_for(client, "daibieu10")
    second = token_for(client, "daibieu10")
    listed = client.get("/api/v1/auth/tokens", headers=first).get_json()["tokens"]
    assert [t["state"] for t in listed] == ["active", "active"]
    newest, oldest = listed[0]["id"], listed[1]["id"]
    stranger = token_for(client, "daibieu11")
    assert client.delete(f"/api/v1/auth/tokens/{newest}", headers=stranger).status_code == 404
    assert client.get(f"/api/v1/auth/tokens?user_id={_user_id('daibieu10')}",
                      headers=stranger).status_code == 404
    revoked = client.delete(f"/api/v1/auth/tokens/{newest}", headers=first)
    assert revoked.status_code == 200 and revoked.get_json()["state"] == "revoked"
    assert client.get("/api/v1/councils", headers=second).status_code == 401
    admin = token_for(client, "admin")
    seen = client.get(f"/api/v1/auth/tokens?user_id={_user_id('daibieu10')}", headers=admin)
    assert {t["id"] for t in seen.get_json()["tokens"]} == {newest, oldest}
    assert client.delete(f"/api/v1/auth/tokens/{oldest}", headers=admin).status_code == 200
    assert client.get("/api/v1/councils", headers=first).status_code == 401
    page = login(app.test_client(), "daibieu10")
    assert "Đã thu hồi" in page.get("/account/tokens").get_data(as_text=True)
    assert _audit("auth.token_revoked") == 2


def test_api_logout_revokes_the_token_it_was_sent_with(client, demo):
    token = token_for(client, "daibieu12")
    assert client.post("/api/v1/auth/logout", headers=token).status_code == 204
    assert client.get("/api/v1/councils", headers=token).status_code == 401


# --- login limits that give nobody a lever ----------------------------------------------------

def _pin(client, username: str, pin: str, address: str):
    return client.post("/login", data={"mode": "pin", "username": username, "pin": pin},
                       environ_base={"REMOTE_ADDR": address})


def test_spraying_pins_across_accounts_is_slowed_per_address(app, client, demo):
    statuses = [_pin(client, f"daibieu{n:02d}", pin, "10.0.0.66").status_code
                for n in range(1, 9) for pin in ("0000", "1111", "2222", "3333")]
    assert statuses[:10] == [401] * 10
    assert set(statuses[10:]) == {429}
    # even the right PIN from the spraying address is refused, unchecked
    assert _pin(client, "daibieu08", "1234", "10.0.0.66").status_code == 429
    # the delegate on their own tablet is not slowed
    assert _pin(app.test_client(), "daibieu08", "1234", "10.0.0.8").status_code == 302
    assert _audit("auth.login_throttled") == statuses.count(429) + 1


def test_nobody_in_the_hall_can_lock_the_chair_out(app, client, demo):
    answers = [client.post("/api/v1/auth/token", json={"username": "chutoa", "password": "x"},
                           environ_base={"REMOTE_ADDR": "10.0.0.99"}) for _ in range(7)]
    assert [a.status_code for a in answers[:5]] == [401] * 5
    assert answers[6].status_code == 429 and answers[6].headers["Retry-After"]
    assert answers[6].get_json()["error"]["code"] == "too_many_attempts"
    own = client.post("/api/v1/auth/token", json={"username": "chutoa", "password": "kyhopso"},
                      environ_base={"REMOTE_ADDR": "10.0.0.5"})
    assert own.status_code == 201
    assert _pin(client, "chutoa", "1234", "10.0.0.5").status_code in (302, 401)  # not 429


def test_the_admin_sees_and_clears_lockouts(app, client, demo):
    for n in range(1, 13):
        _pin(client, f"daibieu{n:02d}", "0000", "10.0.0.77")
    assert _pin(client, "daibieu01", "1234", "10.0.0.77").status_code == 429
    admin = token_for(client, "admin")
    rows = client.get("/api/v1/auth/lockouts", headers=admin).get_json()["lockouts"]
    assert {(r["kind"], r["remote_addr"]) for r in rows} == {("address", "10.0.0.77")}
    assert client.get("/api/v1/auth/lockouts",
                      headers=token_for(client, "thuky")).status_code == 403
    page = login(app.test_client(), "admin")
    assert "10.0.0.77" in page.get("/lockouts").get_data(as_text=True)
    cleared = client.post("/api/v1/auth/lockouts/clear", headers=admin,
                          json={"remote_addr": "10.0.0.77"})
    assert cleared.status_code == 200 and cleared.get_json()["cleared"] == 10
    assert _pin(client, "daibieu01", "1234", "10.0.0.77").status_code == 302
    assert _audit("auth.lockout_cleared") == 1


def test_behind_a_proxy_the_forwarded_client_address_counts(database_url, demo):
    proxied = make_app(database_url, PROXIES=1).test_client()
    for _ in range(6):
        proxied.post("/api/v1/auth/token", json={"username": "thuky", "password": "x"},
                     headers={"X-Forwarded-For": "10.1.1.1"})
    blocked = proxied.post("/api/v1/auth/token", json={"username": "thuky", "password": "x"},
                           headers={"X-Forwarded-For": "10.1.1.1"})
    assert blocked.status_code == 429
    mine = proxied.post("/api/v1/auth/token", json={"username": "thuky", "password": "kyhopso"},
                        headers={"X-Forwarded-For": "10.1.1.2"})
    assert mine.status_code == 201


# --- rate limits: refused events change nothing ---------------------------------------------

def test_a_snapshot_flood_is_refused_and_other_delegates_are_served(app, client, demo):
    ids = session_in_progress(app, client)
    _limits(app, socket=Rate(20, 0), socket_user=Rate(40, 0))
    flooder = connect(app, "daibieu09", ids["meeting_id"])
    other = connect(app, "daibieu10", ids["meeting_id"])
    answers = []
    while flooder.is_connected() and len(answers) < 2000:
        answers.append(flooder.emit("live:snapshot", {"meeting_id": ids["meeting_id"]},
                                    callback=True))
    served = [a for a in answers if a and a["ok"]]
    refused = [a for a in answers if a and not a["ok"]]
    assert len(served) == 3  # 20 tokens, no refill; the join took 5, each snapshot 5
    assert {a["error"]["code"] for a in refused} == {"rate_limited"}
    assert "retry_after" in refused[0]["error"]["details"]
    # told to wait 100 times in a row, it is a script: the server drops the connection
    assert not flooder.is_connected()
    assert len(refused) == limits.FLOOD_REFUSALS
    assert other.emit("vote:state", {"vote_id": ids["vote_id"]}, callback=True)["ok"]
    assert other.is_connected()


def test_a_credential_dropped_for_flooding_cannot_come_straight_back(app, client, demo):
    from paperless.extensions import socketio

    ids = session_in_progress(app, client)
    _limits(app, socket=Rate(20, 0), socket_user=Rate(40, 0))
    browser = login(app.test_client(), "daibieu09")
    # connecting is not rate-limited (shared guest and hall-screen tokens, a page per connect)
    many = [socketio.test_client(app, flask_test_client=browser) for _ in range(80)]
    assert all(one.is_connected() for one in many)
    for one in many:
        one.disconnect()
    flooder = socketio.test_client(app, flask_test_client=browser)
    assert flooder.emit("meeting:join", {"meeting_id": ids["meeting_id"]}, callback=True)["ok"]
    while flooder.is_connected():
        flooder.emit("live:snapshot", {"meeting_id": ids["meeting_id"]}, callback=True)
    # each reconnection would cost a connect and a join: that login session waits 30 s
    again = socketio.test_client(app, flask_test_client=browser)
    assert not again.is_connected()
    # the same delegate on their own tablet (another login session) was never kept out
    tablet = connect(app, "daibieu09", ids["meeting_id"])
    assert tablet.is_connected()
    limiter = app.extensions["paperless.limiter"]
    now = limiter.clock
    limiter.clock = lambda: now() + ratelimit.FLOOD_COOL_DOWN + 1
    assert socketio.test_client(app, flask_test_client=browser).is_connected()


def test_a_hold_ends_by_itself_and_looking_stores_nothing():
    now = [100.0]
    limiter = ratelimit.Limiter(dict(ratelimit.DEFAULT_RATES), clock=lambda: now[0], max_keys=3)
    assert limiter.check("socket", "tablet") is None
    for junk in range(1000):  # a junk token at every connect: only looked up
        assert limiter.held("socket_connect", ("token", f"junk{junk}", "10.0.0.9")) is None
    assert limiter._buckets and not limiter._held  # the tablet's bucket is still there
    limiter.hold("socket_connect", "flooder", 30)
    now[0] = 129.0
    assert limiter.held("socket_connect", "flooder") == 1.0
    now[0] = 130.0
    assert limiter.held("socket_connect", "flooder") is None and not limiter._held


def test_request_withdraw_floods_make_few_audit_entries_and_broadcasts(app, client, demo):
    ids = session_in_progress(app, client)
    meeting_id = ids["meeting_id"]
    flooder = connect(app, "daibieu09", meeting_id)
    assert flooder.emit("attendance:check_in", {"meeting_id": meeting_id}, callback=True)["ok"]
    _limits(app, socket_write=Rate(6, 0))
    watcher = connect(app, "chutoa", meeting_id)
    watcher.get_received()
    before = _audit("floor.requested") + _audit("floor.withdrawn")
    codes = []
    for _ in range(200):
        asked = flooder.emit("floor:request", {"meeting_id": meeting_id, "kind": "speech",
                                               "topic": "Ngân sách"}, callback=True)
        queue = asked["result"]["queue"] if asked["ok"] else []
        newest = max((q["id"] for q in queue), default=1)
        gone = flooder.emit("floor:withdraw", {"meeting_id": meeting_id, "request_id": newest},
                            callback=True)
        codes += [None if a["ok"] else a["error"]["code"] for a in (asked, gone)]
    after = _audit("floor.requested") + _audit("floor.withdrawn")
    assert after - before <= 6
    assert codes.count("rate_limited") >= 390
    queues = [e for e in watcher.get_received()
              if e["args"] and e["args"][0].get("name") == "live.queue"]
    assert len(queues) <= 6


def test_api_writes_are_rate_limited_per_user(app, client, demo):
    meeting_id = db.session.scalar(select(Meeting.id))
    _limits(app, api_write=Rate(3, 0))
    staff = token_for(client, "thuky")
    before = db.session.scalar(select(func.count()).select_from(AgendaItem))
    answers = [client.post(f"/api/v1/meetings/{meeting_id}/agenda-items", headers=staff,
                           json={"title": f"Mục {i}"}) for i in range(5)]
    assert [a.status_code for a in answers] == [201, 201, 201, 429, 429]
    assert answers[3].get_json()["error"]["code"] == "rate_limited"
    assert answers[3].headers["Retry-After"]
    assert db.session.scalar(select(func.count()).select_from(AgendaItem)) == before + 3
    admin = token_for(client, "admin")  # another user: their own bucket
    assert client.post(f"/api/v1/meetings/{meeting_id}/agenda-items", headers=admin,
                       json={"title": "Mục khác"}).status_code == 201


def test_the_public_verification_is_rate_limited_per_client_address(app, client, demo):
    _limits(app, verify=Rate(2, 0))

    def verify(address, url="/api/v1/verify"):
        return client.post(url, data={"file": (io.BytesIO(small_pdf()), "a.pdf")},
                           environ_base={"REMOTE_ADDR": address})

    assert [verify("10.2.0.1").status_code for _ in range(2)] == [200, 200]
    third = verify("10.2.0.1")
    assert third.status_code == 429 and third.get_json()["error"]["code"] == "rate_limited"
    assert verify("10.2.0.1", "/verify").status_code == 429
    assert verify("10.2.0.2").status_code == 200


# --- next, the QR address, search, guests, notes --------------------------------------------

@pytest.mark.parametrize("target", ["/\t/evil.example/", "/\n/evil.example/", "//evil.example/",
                                    "/\\evil.example/", "https://evil.example/", "evil.example",
                                    "/\r\nSet-Cookie: x=1", "/ /evil.example\x7f"])
def test_next_after_login_is_only_a_same_site_path(client, demo, target):
    answer = client.post("/login", data={"username": "thuky", "password": "kyhopso",
                                         "next": target})
    assert answer.status_code == 302 and answer.headers["Location"] == "/"


def test_next_after_login_keeps_a_real_path(client, demo):
    answer = client.post("/login", data={"username": "thuky", "password": "kyhopso",
                                         "next": "/meetings/1?tab=tai-lieu"})
    assert answer.headers["Location"] == "/meetings/1?tab=tai-lieu"


def test_the_public_url_comes_from_configuration(monkeypatch):
    monkeypatch.delenv("PAPERLESS_PUBLIC_URL", raising=False)
    monkeypatch.delenv("PORT", raising=False)
    monkeypatch.setenv("PAPERLESS_ENV", "production")
    assert config_module.load({"SECRET_KEY": "x"})["PUBLIC_URL"] is None
    monkeypatch.setenv("PAPERLESS_ENV", "development")
    assert config_module.load({"SECRET_KEY": "x"})["PUBLIC_URL"] == "http://127.0.0.1:5000"


def test_the_host_header_never_reaches_a_signed_document(app, client, demo, monkeypatch):
    # The resolution is its own text (no QR code on it since issue 17); whatever the request's
    # Host header says must not end up in a document that is signed and archived for good.
    from paperless.services import signing_keys
    from tests.resolution_support import make_test_ca, passed_vote

    monkeypatch.delenv(signing_keys.PASSPHRASE_ENV, raising=False)
    make_test_ca()
    vote = passed_vote()
    staff = token_for(client, "thuky")
    [res] = client.get(f"/api/v1/meetings/{vote['meeting_id']}/resolutions",
                       headers=staff).get_json()["resolutions"]
    app.config["PUBLIC_URL"] = None
    issued = client.post(f"/api/v1/resolutions/{res['id']}/issue", headers=staff, json={},
                         base_url="http://evil.example")
    assert issued.status_code == 200, issued.get_json()
    assert issued.get_json()["number"].startswith("01/")
    pdf = client.get(f"/api/v1/resolutions/{res['id']}/files/official", headers=staff).data
    assert b"evil.example" not in pdf
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    assert "evil.example" not in text


def test_search_ranks_only_what_the_reader_may_read(app, client, demo):
    meeting_id = db.session.scalar(select(Meeting.id))
    staff = token_for(client, "thuky")
    made = client.post(f"/api/v1/meetings/{meeting_id}/documents", headers=staff,
                       data={"file": (io.BytesIO(small_pdf("Du toan ngan sach xa")), "a.pdf"),
                             "title": "Tờ trình ngân sách"}, content_type="multipart/form-data")
    assert made.status_code == 201, made.get_json()
    document_id = made.get_json()["id"]
    client.post(f"/api/v1/meetings/{meeting_id}/documents/publish", headers=staff,
                json={"document_ids": [document_id]})
    # a large draft nobody but the staff may read, every page matching
    hidden = Document(meeting_id=meeting_id, title="Dự thảo mật", access="confidential")
    version = DocumentVersion(document=hidden, number=1, sha256="0" * 64, size=1,
                              page_count=2500)
    db.session.add_all([hidden, version])
    db.session.flush()
    db.session.add_all([DocumentPage(version_id=version.id, page_number=n,
                                     text="ngân sách ngân sách", folded="ngan sach ngan sach")
                        for n in range(1, 2501)])
    db.session.commit()
    hits = client.get(f"/api/v1/meetings/{meeting_id}/search?q=ngan sach",
                      headers=token_for(client, "daibieu03")).get_json()["results"]
    assert [h["document_id"] for h in hits] == [document_id]


def test_guests_see_names_and_positions_of_delegates_not_birth_dates(client, demo):
    council_id = demo.id
    for username in ("khach", "manhinh", "ubnd"):
        rows = client.get(f"/api/v1/councils/{council_id}/delegates",
                          headers=token_for(client, username)).get_json()["delegates"]
        assert rows and all("full_name" in r and "positions" in r for r in rows)
        assert not any({"birth_date", "gender", "status_history"} & set(r) for r in rows)
    staff = client.get(f"/api/v1/councils/{council_id}/delegates",
                       headers=token_for(client, "thuky")).get_json()["delegates"]
    assert all("birth_date" in r and "gender" in r for r in staff)
    guest_page = login(client.application.test_client(), "khach")
    assert guest_page.get(f"/councils/{council_id}/delegates").status_code in (403, 404)


def test_notes_are_for_delegates_and_staff(client, demo):
    meeting_id = db.session.scalar(select(Meeting.id))
    staff = token_for(client, "thuky")
    made = client.post(f"/api/v1/meetings/{meeting_id}/documents", headers=staff,
                       data={"file": (io.BytesIO(small_pdf()), "a.pdf"), "title": "Công khai",
                             "access": "public"}, content_type="multipart/form-data")
    document_id = made.get_json()["id"]
    client.post(f"/api/v1/meetings/{meeting_id}/documents/publish", headers=staff,
                json={"document_ids": [document_id]})
    note = {"page": 1, "kind": "comment", "rect": [1, 1, 20, 20], "text": "Ghi chú"}
    for username in ("khach", "manhinh"):
        reader = token_for(client, username)
        assert client.get(f"/api/v1/documents/{document_id}", headers=reader).status_code == 200
        answer = client.post(f"/api/v1/documents/{document_id}/notes", headers=reader,
                             json=note)
        assert answer.status_code == 403, username
    assert db.session.scalar(select(func.count()).select_from(PersonalNote)) == 0
    assert client.post(f"/api/v1/documents/{document_id}/notes", json=note,
                       headers=token_for(client, "daibieu03")).status_code == 201
