"""Migrations, totals on a date through the service, council isolation, CSV import, auth."""

from datetime import date

import pytest
from sqlalchemy import inspect, select

from paperless import create_app, db
from paperless.models import Base, Delegate, LoginAttempt, Meeting, User
from paperless.services import councils, delegates, meeting_status, meetings, users
from paperless.services.access import SYSTEM, actor_for
from tests.support import login, make_app, token_for

# --- migrations -----------------------------------------------------------

def test_migrations_from_empty_create_every_table(instance):
    url = f"sqlite:///{instance / 'fresh.sqlite3'}"
    db.upgrade(url)
    engine = db.make_engine(url)
    tables = set(inspect(engine).get_table_names())
    assert set(Base.metadata.tables) <= tables
    current, head = db.schema_status(engine)
    assert current == head


def test_models_and_migrations_agree(database_url):
    """Autogenerate against the migrated database finds nothing left to migrate."""
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    engine = db.make_engine(database_url)
    with engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"include_name": db.include_name})
        diff = compare_metadata(context, Base.metadata)
    assert diff == []


def test_unmigrated_database_refuses_to_start(instance):
    url = f"sqlite:///{instance / 'empty.sqlite3'}"
    with pytest.raises(db.SchemaNotMigrated, match="flask --app paperless db upgrade"):
        create_app({"DATABASE_URL": url, "SOCKETIO_ASYNC_MODE": "threading"})


def test_secret_key_is_generated_into_instance(app, instance):
    key_file = instance / "secret_key"
    assert key_file.exists() and app.config["SECRET_KEY"] == key_file.read_text().strip()


# --- totals ---------------------------------------------------------------

def _council_with_term(name="HĐND xã A", seats=5):
    council = councils.create_council(SYSTEM, name=name, level="xa", parent_id=None)
    term = councils.create_term(SYSTEM, council.id, name="2026–2031",
                                start_date=date(2026, 3, 15), end_date=None, seats=seats)
    return council, term


def test_total_delegates_on_date_follows_status_changes(app):
    _, term = _council_with_term()
    people = [delegates.add_delegate(SYSTEM, term.id, full_name=f"Đại biểu {i}", gender="nam")
              for i in range(5)]
    delegates.change_status(SYSTEM, people[0].id, status="resigned",
                            effective_date=date(2026, 6, 1))
    delegates.change_status(SYSTEM, people[1].id, status="deceased",
                            effective_date=date(2026, 8, 1))
    delegates.add_delegate(SYSTEM, term.id, full_name="Đại biểu bầu bổ sung", gender="nu",
                           serving_from=date(2026, 10, 1))
    assert delegates.total_delegates_on(term.id, date(2026, 3, 14)) == 0
    assert delegates.total_delegates_on(term.id, date(2026, 3, 15)) == 5
    assert delegates.total_delegates_on(term.id, date(2026, 6, 1)) == 4
    assert delegates.total_delegates_on(term.id, date(2026, 9, 1)) == 3
    assert delegates.total_delegates_on(term.id, date(2026, 10, 1)) == 4


def test_status_change_before_service_start_is_refused(app):
    _, term = _council_with_term()
    person = delegates.add_delegate(SYSTEM, term.id, full_name="A", gender="nam")
    with pytest.raises(delegates.Invalid):
        delegates.change_status(SYSTEM, person.id, status="resigned",
                                effective_date=date(2025, 1, 1))
    assert len(db.session.get(Delegate, person.id).status_changes) == 1


# --- isolation ------------------------------------------------------------

@pytest.fixture
def two_councils(app):
    data = {}
    for key in ("a", "b"):
        council, term = _council_with_term(name=f"HĐND xã {key.upper()}")
        delegate = delegates.add_delegate(SYSTEM, term.id, full_name=f"Người {key}", gender="nam")
        meeting = meetings.create_meeting(
            SYSTEM, term_id=term.id, kind="thuong_le", title=f"Kỳ họp {key}", number=1,
            place="", start_date=date(2026, 12, 1), end_date=date(2026, 12, 1))
        item = meetings.add_agenda_item(SYSTEM, meeting.id, title="Khai mạc")
        user = users.create_user(SYSTEM, username=f"thuky_{key}", full_name="Thư ký",
                                 password="matkhau1")
        users.assign_role(SYSTEM, user, council.id, "secretariat")
        data[key] = {"council": council, "term": term, "delegate": delegate,
                     "meeting": meeting, "item": item}
    return data


def test_secretariat_of_a_sees_nothing_of_b_by_pages(client, two_councils):
    login(client, "thuky_a", "matkhau1")
    b = two_councils["b"]
    for path in (f"/councils/{b['council'].id}", f"/councils/{b['council'].id}/delegates",
                 f"/councils/{b['council'].id}/meetings", f"/meetings/{b['meeting'].id}",
                 f"/delegates/{b['delegate'].id}/edit",
                 f"/councils/{b['council'].id}/delegates/import"):
        assert client.get(path).status_code in (403, 404), path
    for path, data in (
        (f"/meetings/{b['meeting'].id}/agenda", {"title": "Chen vào"}),
        (f"/meetings/{b['meeting'].id}/status", {"status": "published"}),
        (f"/agenda-items/{b['item'].id}/delete", {}),
        (f"/delegates/{b['delegate'].id}/status", {"status": "removed",
                                                   "effective_date": "2026-12-01"}),
        (f"/councils/{b['council'].id}/groups", {"name": "Tổ lạ"}),
    ):
        assert client.post(path, data=data).status_code in (403, 404), path
    db.session.expire_all()
    meeting_b = db.session.get(Meeting, b["meeting"].id)
    assert meeting_b.status == "draft" and len(meeting_b.agenda_items) == 1
    assert db.session.get(Delegate, b["delegate"].id).current_status == "active"
    # and A's own pages work
    assert client.get(f"/meetings/{two_councils['a']['meeting'].id}").status_code == 200


def test_secretariat_of_a_sees_nothing_of_b_by_api(client, two_councils):
    headers = token_for(client, "thuky_a", "matkhau1")
    b = two_councils["b"]
    listed = client.get("/api/v1/councils", headers=headers).get_json()["councils"]
    assert [c["id"] for c in listed] == [two_councils["a"]["council"].id]
    assert all(m["council_id"] != b["council"].id for m in
               client.get("/api/v1/meetings", headers=headers).get_json()["meetings"])
    for method, path, body in (
        ("get", f"/api/v1/councils/{b['council'].id}/delegates", None),
        ("post", f"/api/v1/councils/{b['council'].id}/delegates", {"full_name": "X"}),
        ("get", f"/api/v1/meetings/{b['meeting'].id}", None),
        ("get", f"/api/v1/meetings?council_id={b['council'].id}", None),
        ("post", f"/api/v1/meetings/{b['meeting'].id}/agenda-items", {"title": "X"}),
        ("post", "/api/v1/meetings", {"term_id": b["term"].id, "kind": "thuong_le",
                                      "title": "X", "start_date": "2026-12-01",
                                      "end_date": "2026-12-01"}),
    ):
        response = getattr(client, method)(path, json=body, headers=headers)
        assert response.status_code in (403, 404), (path, response.status_code)
        assert response.get_json()["error"]["code"] in ("forbidden", "not_found")
    assert len(db.session.get(Meeting, b["meeting"].id).agenda_items) == 1


def test_delegates_never_see_draft_meetings(client, two_councils):
    a = two_councils["a"]
    user = users.create_user(SYSTEM, username="db_a", full_name="ĐB", password="matkhau1")
    users.assign_role(SYSTEM, user, a["council"].id, "delegate", a["delegate"].id)
    login(client, "db_a", "matkhau1")
    assert client.get(f"/meetings/{a['meeting'].id}").status_code == 404
    meeting_status.set_status(SYSTEM, a["meeting"].id, "published")
    assert client.get(f"/meetings/{a['meeting'].id}").status_code == 200
    # a delegate may read but not edit
    assert client.post(f"/meetings/{a['meeting'].id}/agenda",
                       data={"title": "Của đại biểu"}).status_code == 403


# --- CSV import -----------------------------------------------------------

CSV = (
    "\ufeffho_ten,gioi_tinh,ngay_sinh,to_dai_bieu,ban,chuc_vu\n"
    "Nguyễn Văn An,Nam,01/02/1970,Tổ đại biểu số 1,Ban Pháp chế,Trưởng Ban\n"
    ",Nữ,,Tổ đại biểu số 1,,\n"
    "Nguyễn Văn An,Nam,,Tổ đại biểu số 1,,\n"
    "Trần Thị Bình,Nữ,,Tổ không có,,\n"
    "Lê Văn Cường,Nam,31/02/1980,,,\n"
    "Phạm Thị Dung,Nữ,1975-05-20,Tổ đại biểu số 1,,Tổ trưởng Tổ đại biểu|Phó Trưởng Ban\n"
)


def _seed_import_target():
    council, term = _council_with_term()
    councils.add_group(SYSTEM, council.id, "Tổ đại biểu số 1")
    councils.add_committee(SYSTEM, council.id, "Ban Pháp chế")
    user = users.create_user(SYSTEM, username="vp", full_name="VP", password="matkhau1")
    users.assign_role(SYSTEM, user, council.id, "secretariat")
    return council, term


def test_csv_import_reports_bad_rows_and_keeps_good_ones(client):
    council, term = _seed_import_target()
    login(client, "vp", "matkhau1")
    import io

    response = client.post(f"/councils/{council.id}/delegates/import",
                           data={"term_id": term.id,
                                 "file": (io.BytesIO(CSV.encode()), "daibieu.csv")},
                           content_type="multipart/form-data")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "đã nhập 2/6 dòng" in html
    assert "Thiếu họ tên" in html and "Trùng đại biểu" in html
    assert "Tổ đại biểu không tồn tại: Tổ không có" in html and "Ngày sinh không hợp lệ" in html
    names = sorted(db.session.scalars(select(Delegate.full_name)).all())
    assert names == ["Nguyễn Văn An", "Phạm Thị Dung"]
    dung = db.session.scalar(select(Delegate).where(Delegate.full_name == "Phạm Thị Dung"))
    assert dung.positions == ["Tổ trưởng Tổ đại biểu", "Phó Trưởng Ban"]
    assert dung.birth_date == date(1975, 5, 20) and dung.group.name == "Tổ đại biểu số 1"
    # importing the same file again adds nothing: every name is now a duplicate
    client.post(f"/councils/{council.id}/delegates/import",
                data={"term_id": term.id, "file": (io.BytesIO(CSV.encode()), "d.csv")},
                content_type="multipart/form-data")
    assert len(db.session.scalars(select(Delegate)).all()) == 2


@pytest.mark.parametrize("payload", [b"", "Đào,x\n".encode("cp1258"), b"\x00\xff\xfe" * 50,
                                     b"gioi_tinh\nNam\n"])
def test_csv_import_refuses_unreadable_files_and_stores_nothing(client, payload):
    council, term = _seed_import_target()
    login(client, "vp", "matkhau1")
    import io

    response = client.post(f"/councils/{council.id}/delegates/import",
                           data={"term_id": term.id, "file": (io.BytesIO(payload), "x.csv")},
                           content_type="multipart/form-data", follow_redirects=True)
    assert response.status_code == 200
    assert 'flash-error' in response.get_data(as_text=True)
    assert db.session.scalars(select(Delegate)).all() == []


def test_csv_import_by_cli(app, tmp_path):
    _, term = _seed_import_target()
    path = tmp_path / "d.csv"
    path.write_text(CSV, encoding="utf-8")
    result = app.test_cli_runner().invoke(args=["delegates", "import", str(path),
                                                "--term", str(term.id)])
    assert result.exit_code == 1  # some rows were bad
    assert "Imported 2 of 6 rows." in result.output
    assert "dòng 3: Thiếu họ tên." in result.output


# --- auth -----------------------------------------------------------------

def test_login_by_password_and_by_pin(client, demo):
    assert client.post("/login", data={"username": "daibieu07", "password": "kyhopso"}
                       ).status_code == 302
    other = client.application.test_client()
    assert other.post("/login", data={"username": "daibieu07", "mode": "pin", "pin": "1234"}
                      ).status_code == 302
    assert other.get("/", follow_redirects=True).request.path.endswith("/live")
    bad = client.application.test_client()
    assert bad.post("/login", data={"username": "daibieu07", "mode": "pin", "pin": "9999"}
                    ).status_code == 401


def test_login_is_rate_limited_per_username(client, demo):
    for _ in range(5):
        assert client.post("/login", data={"username": "thuky", "password": "sai"}
                           ).status_code == 401
    # even the right password is refused while locked
    response = client.post("/login", data={"username": "thuky", "password": "kyhopso"})
    assert response.status_code == 429
    assert "thử lại sau" in response.get_data(as_text=True)
    api = client.post("/api/v1/auth/token", json={"username": "thuky", "password": "kyhopso"})
    assert api.status_code == 429 and api.get_json()["error"]["code"] == "too_many_attempts"
    assert db.session.scalar(select(LoginAttempt).where(LoginAttempt.succeeded.is_(True))) is None


def test_demo_password_refused_in_production(database_url, monkeypatch):
    app = make_app(database_url)
    with app.app_context():
        from paperless.services.demo import load_demo

        load_demo()
    prod = make_app(database_url, ENV_NAME="production")
    client = prod.test_client()
    assert client.post("/login", data={"username": "thuky", "password": "kyhopso"}
                       ).status_code == 401
    with prod.app_context(), pytest.raises(users.Invalid):
        users.create_user(SYSTEM, username="newone", full_name="N", password="kyhopso",
                          production=True)


def test_forms_require_csrf_token(database_url):
    app = make_app(database_url, WTF_CSRF_ENABLED=True)
    client = app.test_client()
    assert client.post("/login", data={"username": "x", "password": "y"}).status_code == 400
    from tests.support import csrf_from

    token = csrf_from(client.get("/login").get_data(as_text=True))
    assert client.post("/login", data={"username": "x", "password": "y",
                                       "csrf_token": token}).status_code == 401


def test_login_next_never_redirects_off_site(client, demo):
    response = client.post("/login", data={"username": "thuky", "password": "kyhopso",
                                           "next": "//evil.example/"})
    assert response.location == "/"


def test_sessions_expire(app):
    assert app.config["PERMANENT_SESSION_LIFETIME"].total_seconds() <= 24 * 3600


def test_each_role_lands_on_its_home_showing_the_session(client, demo):
    meeting_id = db.session.scalar(select(Meeting.id))
    expected = {"thuky": "/manage", "admin": "/manage", "chutoa": "/chair",
                "daibieu01": f"/meetings/{meeting_id}/live", "ubnd": "/official",
                "truongphong": "/official", "khach": "/guest",
                "manhinh": f"/meetings/{meeting_id}/screen"}
    for username, path in expected.items():
        c = client.application.test_client()
        login(c, username)
        response = c.get("/", follow_redirects=True)
        assert response.request.path == path, username
        html = response.get_data(as_text=True)
        assert "Kỳ họp thứ năm" in html, username
        if username != "manhinh":  # the screen draws the agenda from the live snapshot
            assert "Chất vấn và trả lời chất vấn" in html, username


def test_passwords_are_hashed(app, demo):
    user = db.session.scalar(select(User).where(User.username == "thuky"))
    assert "kyhopso" not in user.password_hash and user.password_hash.startswith("scrypt:")
    assert actor_for(user).roles
