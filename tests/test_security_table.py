"""Who may call what: every route of the URL map and every socket event, against every role.

The table below is the specification. Each entry is keyed by endpoint name (pages and API)
or socket event, with the methods it answers, and a compact list of the roles that are
ALLOWED; every other role must be DENIED (401/403/404, or a redirect to the login page).
A route missing from the table fails the test: add a row when you add a route.

Roles (the demo council "HĐND xã Tân Phú" unless said otherwise):
    anon         not logged in
    guest        khach          screen     manhinh        delegate   daibieu03
    official     ubnd           secretariat thuky         chair      chutoa
    admin        admin (superuser)
    other        the secretariat of ANOTHER council (the province) — sees nothing of this one
Shorthands: public = everyone; login = everyone logged in (other included);
council = every role of this council; staff = secretariat chair admin;
managers = secretariat admin; "none" = nobody. Combine with spaces: "staff delegate".

"Allowed" means the role got past authorisation: the answer is a success, or the request
was refused for its content (400/409/413/422, or a form sent back with an error message).
Requests carry no meaningful body, so allowed roles mostly see the latter. Each request runs
on a fresh copy of the database, so one role's change never decides another's answer.
"""

from __future__ import annotations

import io
import re
import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import func, select

from paperless import db
from paperless.models import ApiToken, User
from paperless.services import users
from paperless.services.access import SYSTEM
from paperless.services.auth import hash_secret
from tests.support import token_for
from tests.world import populate

ROLES = ("anon", "guest", "screen", "delegate", "official", "secretariat", "chair", "admin",
         "other")
ACCOUNTS = {"guest": "khach", "screen": "manhinh", "delegate": "daibieu03", "official": "ubnd",
            "secretariat": "thuky", "chair": "chutoa", "admin": "admin", "other": "tinh_thuky"}
SHORTHANDS = {
    "public": set(ROLES),
    "login": set(ROLES) - {"anon"},
    "council": {"guest", "screen", "delegate", "official", "secretariat", "chair", "admin"},
    "staff": {"secretariat", "chair", "admin"},
    "managers": {"secretariat", "admin"},
    "none": set(),
}

# endpoint → {method: allowed roles}; a bare string applies to every method of the route.
ROUTES: dict[str, str | dict[str, str]] = {
    # --- pages: sign-in, homes, offline shell ---
    "static": "public",
    "auth.login": "public",
    "auth.logout": "public",
    "auth.switch_council": "login",
    # --- pages: one's password and tokens; accounts and lockouts (admins) ---
    "accounts.password": "login",
    "accounts.tokens": "login",
    "accounts.revoke_token": "delegate admin",  # daibieu03's token: its owner, or an admin
    "accounts.index": "admin",
    "accounts.user_tokens": "delegate admin",  # daibieu03's: oneself, or an admin
    "accounts.reset_password": "admin",
    "accounts.set_active": "admin",
    "accounts.lockouts": "admin",
    "accounts.clear_lockout": "admin",
    "documents.manifest": "public",
    "documents.service_worker": "public",
    "documents.offline": "public",
    "home.index": "login",
    "home.manage": "managers other",
    "home.chair": "chair admin",
    "home.delegate": "delegate admin",
    "home.official": "official admin",
    "home.guest": "guest admin",
    "home.screen": "screen admin",
    # --- pages: councils, delegates, meetings, agenda ---
    "councils.index": "login",
    "councils.create": "admin",
    "councils.show": "staff",
    "councils.add_term": "managers",
    "councils.add_group": "managers",
    "councils.add_committee": "managers",
    "councils.settings": "staff",
    "councils.update_settings": "managers",
    "councils.signature_image": "managers",
    "delegates.index": "staff",
    "delegates.new": "managers",
    "delegates.edit": "managers",
    "delegates.change_status": "managers",
    "delegates.import_csv": "managers",
    "meetings.index": "council",
    "meetings.new": "managers",
    "meetings.show": "council",
    "meetings.edit": "managers",
    "meetings.set_status": "managers",
    "meetings.add_item": "managers",
    "meetings.edit_item": "managers",
    "meetings.delete_item": "managers",
    "meetings.move_item": "managers",
    "meetings.nest_item": "managers",
    "meetings.reorder": "managers",
    "meetings.add_invitee": "managers",
    # --- pages: documents ---
    "documents.bag": "council",
    "documents.search": "council",
    "documents.show": "council",
    "documents.viewer": "council",
    "documents.upload": "managers",
    "documents.new_version": "managers",
    "documents.publish_all": "managers",
    "documents.publish_one": "managers",
    "documents.edit": "managers",
    "documents.withdraw": "managers",
    # --- pages: opinions on drafts, written consultations ---
    "opinions.page": "council",
    "opinions.give": "staff",  # with an author: a paper opinion (a delegate gives their own)
    "opinions.withdraw": "delegate staff",
    "opinions.merge": "staff",
    "opinions.answer": "official",  # the drafting agency of that draft only
    "opinions.point_vote": "staff",
    "opinions.set_agency": "managers",
    "opinions.set_secretary": "managers",
    "opinions.diff": "council",
    "opinions.consultations_page": "delegate staff",
    "opinions.send_consultation": "staff",
    "opinions.answer_consultation": "delegate chair",
    "opinions.close_consultation": "staff",
    # --- pages: live session ---
    "live.console": "staff",
    "live.tablet": "council",
    "live.screen": "council",
    # --- pages: questioning ---
    "questioning.page": "delegate official staff",
    "questioning.file": "staff",  # with delegate_id: a paper slip
    "questioning.filing": "staff",
    "questioning.create_group": "staff",
    "questioning.assign": "staff",
    "questioning.merge": "staff",
    "questioning.edit": "delegate",  # the author (daibieu03) only
    "questioning.withdraw": "delegate",
    "questioning.answer": "staff",
    "questioning.written_answer": "official staff",
    # --- pages: resolutions (issue = secretariat, chair's signature = the chair only: a
    # personal signature, like a ballot, that not even the superuser may apply) ---
    "resolutions.meeting": "staff",
    "resolutions.show": "staff",
    "resolutions.issue": "secretariat admin",  # the to-issue resolution
    "resolutions.sign_page": "chair",  # the preview of what the chair signs
    "resolutions.sign_chair": "chair",  # the issued one; then 422: the password again
    "resolutions.sign_organisation": "secretariat admin",  # the one the chair signed
    "resolutions.correct": "secretariat admin",  # the archived one
    "resolutions.copy": "secretariat admin",  # the archived one
    "resolutions.attachment": "secretariat admin",  # the archived one
    "resolutions.download": "staff",
    "resolutions.archive": "staff other",  # the archive of the signed-in council (other: its own)
    "resolutions.archive_zip": "staff",
    "resolutions.verify": "public",
    "resolutions.public": "public",  # an archived resolution's public page, and its check
    # --- pages: the record (minutes, audit record, statistics) ---
    "records.minutes": "staff",
    "records.save_minutes": "managers",
    "records.finalize_minutes": "managers",  # on a closed meeting
    "records.sign_minutes": "chair",  # on final minutes; the chair's own signature
    "records.minutes_pdf": "staff",
    "records.record": "staff",
    "records.statistics": "staff",
    # --- pages: oversight (officials: what is addressed to their body — ubnd's UBND xã) ---
    "oversight.commitments": "delegate official staff",
    "oversight.record_commitment": "staff",
    "oversight.report_progress": "official staff",
    "oversight.commitment_to_agenda": "chair admin",
    "oversight.create_body": "managers",
    "oversight.add_body_member": "managers",
    "oversight.supervision": "delegate staff",
    "oversight.create_mission": "staff",
    "oversight.report_mission": "staff",
    "oversight.petitions": "delegate official staff",
    "oversight.record_voter_meeting": "delegate staff",  # a delegate: their own group
    "oversight.add_petition": "staff",  # the world's meeting with voters is Tổ 1's, not daibieu03's
    "oversight.forward_petition": "staff",
    "oversight.answer_petition": "official staff",
    "oversight.receptions": "delegate official staff",
    "oversight.record_reception": "delegate staff",
    "oversight.add_citizen_petition": "delegate staff",  # daibieu03's own reception
    "oversight.forward_citizen_petition": "staff",
    "oversight.answer_citizen_petition": "official staff",
    # --- API ---
    "api.openapi": "public",
    "api.token": "public",
    "api.logout": "login",
    "api.change_password": "login",
    "api.list_tokens": "login",
    "api.revoke_token": "delegate admin",
    "api.list_users": "admin",
    "api.reset_password": "admin",
    "api.set_user_active": "admin",
    "api.list_lockouts": "admin",
    "api.clear_lockout": "admin",
    "api.list_councils": "login",
    "api.create_council": "admin",
    "api.session_rules": "staff",
    "api.set_session_rules": "admin",
    "api.council_settings": "staff",
    "api.update_council_settings": "managers",
    "api.council_signature_image": "managers",
    "api.list_delegates": "council",
    "api.create_delegate": "managers",
    "api.list_meetings": "login",
    "api.create_meeting": "managers",
    "api.get_meeting": "council",
    "api.create_agenda_item": "managers",
    "api.update_agenda_item": "managers",
    "api.move_agenda_item": "managers",
    "api.delete_agenda_item": "managers",
    "api.list_documents": "council",
    "api.upload_document": "managers",
    "api.publish_documents": "managers",
    "api.search_documents": "council",
    "api.get_document": "council",
    "api.add_version": "managers",
    "api.publish_document": "managers",
    "api.update_document": "managers",
    "api.withdraw_document": "managers",
    "api.document_file": "council",
    "api.record_document_read": "council",
    "api.document_thumbnail": "council",
    "api.document_range_link": "council",
    "api.export_with_notes": "council",
    "api.list_notes": "council",
    "api.add_note": "delegate staff",  # not guests, the hall screen or officials
    "api.update_note": "secretariat",  # notes are private: only their author (thuky)
    "api.delete_note": "secretariat",
    "api.create_vote": "staff",
    "api.list_votes": "council",
    "api.get_vote": "council",
    "api.open_vote": "staff",
    "api.close_vote": "staff",
    "api.announce_vote": "staff",
    "api.cancel_vote": "staff",
    "api.revote": "staff",
    "api.manual_result": "secretariat admin",  # the secretariat enters,
    "api.pending_manual_result": "staff",
    "api.decide_manual_result": "chair admin",  # the chair confirms
    "api.cast_ballot": "delegate chair",  # the chair votes as the delegate they are
    "api.vote_result": "council",  # then the vote's state decides (409)
    "api.list_slips": "council",
    "api.file_slip": "staff",  # with delegate_id: a paper slip
    "api.record_answer": "staff",
    "api.create_question_group": "staff",
    "api.group_slip": "staff",
    "api.upload_written_answer": "official staff",
    "api.written_answer": "staff official",  # and its author
    "api.questioning_report": "staff",
    "api.meeting_resolutions": "staff",
    "api.resolution": "staff",
    "api.issue": "secretariat admin",
    "api.chair_sign": "chair",
    "api.chair_prepare": "chair",
    "api.chair_finish": "chair",  # then 409: nothing was prepared
    "api.organisation_sign": "secretariat admin",
    "api.correction": "secretariat admin",
    "api.resolution_file": "staff",
    "api.resolution_copy": "secretariat admin",
    "api.resolution_attachment": "secretariat admin",
    "api.archive": "staff",
    "api.archive_zip": "staff",
    "api.verify": "public",
    "api.public_check": "public",
    "api.minutes_status": "staff",
    "api.minutes_edit": "managers",
    "api.minutes_pdf": "staff",
    "api.minutes_finalize": "managers",
    "api.minutes_sign": "chair",
    "api.meeting_audit": "staff",
    "api.council_statistics": "staff",
    "api.statistics_export": "staff",
    "api.list_bodies": "delegate official staff",
    "api.create_body": "managers",
    "api.add_body_member": "managers",
    "api.list_commitments": "delegate official staff",
    "api.record_commitment": "staff",
    "api.report_progress": "official staff",
    "api.commitment_evidence": "delegate official staff",
    "api.commitment_to_agenda": "chair admin",
    "api.list_missions": "delegate staff",
    "api.create_mission": "staff",
    "api.report_mission": "staff",
    "api.mission_report": "delegate staff",
    "api.list_voter_meetings": "delegate official staff",
    "api.record_voter_meeting": "delegate staff",
    "api.add_petition": "staff",
    "api.list_petitions": "delegate official staff",
    "api.forward_petition": "staff",
    "api.answer_petition": "official staff",
    "api.petition_report": "staff",
    "api.list_receptions": "delegate staff",
    "api.record_reception": "delegate staff",
    "api.add_citizen_petition": "delegate staff",
    "api.list_citizen_petitions": "delegate official staff",
    "api.forward_citizen_petition": "staff",
    "api.answer_citizen_petition": "official staff",
    # --- API: opinions on drafts, written consultations ---
    "api.list_opinions": "council",  # filtered: staff and the agency all, a delegate theirs
    "api.give_opinion": "delegate chair",  # staff: only with delegate_id/group_id (paper)
    "api.withdraw_opinion": "delegate staff",  # the author (daibieu03) or the secretariat
    "api.merge_opinions": "staff",
    "api.answer_opinion": "official",  # the drafting agency of that draft only (ubnd)
    "api.point_vote": "staff",
    "api.set_drafting_agency": "managers",
    "api.set_group_secretary": "managers",
    "api.opinions_compilation": "staff official",
    "api.opinions_response_report": "staff official",
    "api.document_diff": "council",  # then 409: one version
    "api.opinion_statistics": "staff",
    "api.list_consultations": "delegate staff",
    "api.send_consultation": "staff",
    "api.get_consultation": "delegate staff",
    "api.answer_consultation": "delegate chair",
    "api.close_consultation": "staff",
    # --- the hall screen as a projector ---
    "api.get_projection": "council",
    "api.show_projection": "staff",  # chair, secretariat (and the superuser); 422 for no body
    "api.turn_projection": "staff",
    "api.stop_projection": "staff",
    "api.projectable_documents": "staff",
    "opinions.project": "staff",
}


def expand(spec: str) -> set[str]:
    allowed: set[str] = set()
    for token in spec.split():
        if token in SHORTHANDS:
            allowed |= SHORTHANDS[token]
        elif token in ROLES:
            allowed.add(token)
        else:
            raise ValueError(f"unknown role or shorthand {token!r} in the security table")
    return allowed


def expected(endpoint: str, method: str) -> set[str] | None:
    spec = ROUTES.get(endpoint)
    if isinstance(spec, dict):
        spec = spec.get(method)
    return None if spec is None else expand(spec)


def test_table_entries_are_well_formed():
    for endpoint, spec in ROUTES.items():
        for value in (spec.values() if isinstance(spec, dict) else [spec]):
            expand(value)
            assert value.strip(), endpoint


def _routes(app):
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: (r.endpoint, r.rule)):
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            yield rule, method


def _missing(app) -> list[str]:
    return sorted({f"{rule.endpoint} ({method} {rule.rule})" for rule, method in _routes(app)
                   if expected(rule.endpoint, method) is None})


def test_every_route_is_in_the_table(app):
    missing = _missing(app)
    assert not missing, (
        "These routes are not in the security table of tests/test_security_table.py. Add a "
        "row to ROUTES saying which roles may call each (e.g. \"staff\", \"council\", "
        "\"managers\", \"delegate chair\"):\n  " + "\n  ".join(missing))
    stale = sorted(set(ROUTES) - {rule.endpoint for rule in app.url_map.iter_rules()})
    assert not stale, f"Table rows for routes that no longer exist: {stale}"


def test_a_new_route_without_a_row_is_caught(database_url):
    from tests.support import make_app

    extended = make_app(database_url)
    extended.add_url_rule("/resolutions/<int:resolution_id>/sign", "resolutions.sign",
                          lambda resolution_id: "", methods=["POST"])
    assert _missing(extended) == ["resolutions.sign (POST /resolutions/<int:resolution_id>/sign)"]


# --- the matrix ---------------------------------------------------------------------------

@pytest.fixture
def world(app, client, demo, database_url):
    """The demo plus one object of each kind, a user of another council, sessions, tokens."""
    ids = populate(client)
    province = 1 if ids["council_id"] != 1 else 2
    other = users.create_user(SYSTEM, username="tinh_thuky", full_name="Thư ký HĐND tỉnh",
                              password_hash=hash_secret("kyhopso"))
    users.assign_role(SYSTEM, other, province, "secretariat")
    cookies, tokens = {}, {}
    for role, username in ACCOUNTS.items():
        fresh = app.test_client()
        response = fresh.post("/login", data={"username": username, "password": "kyhopso"})
        assert response.status_code == 302, username
        cookies[role] = fresh.get_cookie("session").value
        tokens[role] = token_for(fresh, username)
    # the account pages act on daibieu03 and on a second token of theirs
    from paperless.services.auth import issue_token

    target = db.session.scalar(select(User).where(User.username == ACCOUNTS["delegate"]))
    issue_token(target, hours=1)
    ids["user_id"] = target.id
    ids["chair_user_id"] = db.session.scalar(select(User.id).where(
        User.username == ACCOUNTS["chair"]))
    ids["token_id"] = db.session.scalar(select(func.max(ApiToken.id)))
    db.session.remove()
    path = Path(database_url.removeprefix("sqlite:///"))
    pristine = path.with_name("pristine.sqlite3")
    with sqlite3.connect(path) as source, sqlite3.connect(pristine) as copy:
        source.backup(copy)
    return {"ids": ids, "cookies": cookies, "tokens": tokens, "db": path, "pristine": pristine,
            "users": {r: db.session.scalar(select(User.id).where(User.username == u))
                      for r, u in ACCOUNTS.items()}}


def _restore(app, world) -> None:
    db.session.remove()
    app.extensions["paperless.engine"].dispose()
    with sqlite3.connect(world["pristine"]) as source, sqlite3.connect(world["db"]) as live:
        source.backup(live)


PATH_VALUES = {"filename": "js/live.js", "which": "signed"}
# The written answer exists only on the second, answered slip. Each step of a resolution is
# tried on the resolution waiting for it (the plain resolution_id is the archived one).
_TO_ISSUE = {"resolution_id": "to_issue_resolution_id"}
_ISSUED = {"resolution_id": "issued_resolution_id"}
_CHAIR_SIGNED = {"resolution_id": "chair_signed_resolution_id"}
PATH_OVERRIDES = {"api.written_answer": {"slip_id": "answered_slip_id"},
                  "resolutions.issue": _TO_ISSUE, "api.issue": _TO_ISSUE,
                  "resolutions.sign_chair": _ISSUED, "api.chair_sign": _ISSUED,
                  "api.chair_prepare": _ISSUED, "api.chair_finish": _ISSUED,
                  "resolutions.sign_organisation": _CHAIR_SIGNED,
                  "api.organisation_sign": _CHAIR_SIGNED,
                  # minutes are finalised once the meeting closed, and signed once final
                  "records.finalize_minutes": {"meeting_id": "closed_meeting_id"},
                  "api.minutes_finalize": {"meeting_id": "closed_meeting_id"},
                  "records.sign_minutes": {"meeting_id": "final_minutes_meeting_id"},
                  "api.minutes_sign": {"meeting_id": "final_minutes_meeting_id"},
                  "api.commitment_evidence": {"commitment_id": "fulfilled_commitment_id"},
                  # a signer's image: the chair's (another user is not a signer: 404)
                  "api.council_signature_image": {"user_id": "chair_user_id"},
                  "councils.signature_image": {"user_id": "chair_user_id"}}


def _pdf_file(name="tai-lieu.pdf"):
    from tests.world import small_pdf

    return (io.BytesIO(small_pdf()), name)


def _png_file():
    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGBA", (120, 40), (20, 40, 170, 0)).save(buf, "PNG")
    return (io.BytesIO(buf.getvalue()), "chu-ky.png")


def _first_section() -> str:
    from paperless.services.minutes import SECTIONS

    return next(iter(SECTIONS))


# Bodies that an allowed role could send successfully, so a role is judged by its rights and
# not by an empty form (`ids` are the world's). Routes without an entry get an empty body.
BODIES = {
    "auth.login": lambda ids: {"username": "khach", "password": "kyhopso"},
    "api.token": lambda ids: {"username": "khach", "password": "kyhopso"},
    "api.set_session_rules": lambda ids: {"open_vote_at_close": "close"},
    "api.update_council_settings": lambda ids: {"place_name": "Tân Phú"},
    "councils.update_settings": lambda ids: {"place_name": "Tân Phú", "time_zone":
                                             "Asia/Ho_Chi_Minh", "session_number_style": "words"},
    "api.council_signature_image": lambda ids: {"file": _png_file()},
    "councils.signature_image": lambda ids: {"file": _png_file()},
    "api.create_council": lambda ids: {"name": "HĐND xã Mới", "level": "xa",
                                       "parent_id": 1},
    "api.create_delegate": lambda ids: {"full_name": "Nguyễn Văn Mới"},
    "api.create_meeting": lambda ids: {"term_id": ids["term_id"], "kind": "chuyen_de",
                                       "title": "Kỳ họp chuyên đề", "start_date": "2026-12-20",
                                       "end_date": "2026-12-20"},
    "api.create_agenda_item": lambda ids: {"title": "Mục mới"},
    "api.update_agenda_item": lambda ids: {"title": "Mục đã sửa"},
    "api.move_agenda_item": lambda ids: {"direction": "down"},
    "api.update_document": lambda ids: {"title": "Tờ trình (đã sửa tên)"},
    "api.withdraw_document": lambda ids: {"reason": "Thay bằng tờ trình khác"},
    "documents.edit": lambda ids: {"title": "Tờ trình (đã sửa tên)", "access": "delegates"},
    "documents.withdraw": lambda ids: {"reason": "Thay bằng tờ trình khác"},
    "api.upload_document": lambda ids: {"file": _pdf_file(), "title": "Tờ trình"},
    "api.add_version": lambda ids: {"file": _pdf_file()},
    "api.upload_written_answer": lambda ids: {"file": _pdf_file("tra-loi.pdf")},
    "api.add_note": lambda ids: {"page": 1, "kind": "comment", "rect": [1, 1, 20, 20],
                                 "text": "Ghi chú"},
    "api.update_note": lambda ids: {"text": "Sửa ghi chú"},
    "api.create_vote": lambda ids: {"kind": "open", "title": "Biểu quyết"},
    "api.cancel_vote": lambda ids: {"reason": "Nhầm nội dung"},
    "api.manual_result": lambda ids: {"counts": {"yes": 20, "no": 1, "abstain": 1},
                                      "note": "Giơ tay"},
    "api.decide_manual_result": lambda ids: {"confirm": True},
    "api.cast_ballot": lambda ids: {"idempotency_key": "the-same-key-1", "choice": "yes"},
    "api.file_slip": lambda ids: {"official_id": ids["official_id"], "text": "Câu hỏi",
                                  "delegate_id": ids["delegate_id"]},
    "api.record_answer": lambda ids: {"mode": "session", "summary": "Đã trả lời"},
    "api.give_opinion": lambda ids: {"text": "Ý kiến", "article": "Điều 1"},
    "api.merge_opinions": lambda ids: {"duplicate_ids": [ids["second_opinion_id"]]},
    "api.answer_opinion": lambda ids: {"state": "accepted", "text": "Tiếp thu"},
    "api.set_drafting_agency": lambda ids: {"invitee_ids": [ids["official_id"]]},
    "api.set_group_secretary": lambda ids: {"delegate_id": None},
    "api.send_consultation": lambda ids: {"deadline": "2099-12-31"},
    "api.answer_consultation": lambda ids: {"choice": "agree"},
    "opinions.give": lambda ids: {"text": "Ý kiến", "author": f"d:{ids['delegate_id']}"},
    "opinions.merge": lambda ids: {"keep_id": str(ids["opinion_id"]),
                                   "opinion_id": [str(ids["second_opinion_id"])]},
    "opinions.answer": lambda ids: {"state": "accepted", "text": "Tiếp thu"},
    "opinions.send_consultation": lambda ids: {"deadline": "2099-12-31"},
    "opinions.answer_consultation": lambda ids: {"choice": "agree"},
    "api.create_question_group": lambda ids: {"title": "Nhóm giao thông"},
    "api.group_slip": lambda ids: {"group_id": None},
    "councils.create": lambda ids: {"name": "HĐND xã Mới", "level": "xa", "parent_id": "1"},
    "councils.add_term": lambda ids: {"name": "2031–2036", "start_date": "2031-03-15",
                                      "seats": "30"},
    "councils.add_group": lambda ids: {"name": "Tổ 4"},
    "councils.add_committee": lambda ids: {"name": "Ban Văn hóa"},
    "delegates.change_status": lambda ids: {"status": "resigned",
                                            "effective_date": "2026-12-01", "note": "Xin thôi"},
    "delegates.new": lambda ids: {"full_name": "Nguyễn Văn Mới"},
    "delegates.edit": lambda ids: {"full_name": "Đặng Quốc Việt"},
    "meetings.new": lambda ids: {"term_id": str(ids["term_id"]), "kind": "chuyen_de",
                                 "title": "Kỳ họp chuyên đề", "start_date": "2026-12-20",
                                 "end_date": "2026-12-20"},
    "meetings.edit": lambda ids: {"kind": "thuong_le", "title": "Kỳ họp thứ năm",
                                  "start_date": "2026-12-20", "end_date": "2026-12-21"},
    "meetings.add_item": lambda ids: {"title": "Mục mới"},
    "meetings.edit_item": lambda ids: {"title": "Mục đã sửa"},
    "meetings.add_invitee": lambda ids: {"kind": "guest", "full_name": "Khách",
                                         "title": "Đại biểu mời"},
    "documents.upload": lambda ids: {"file": _pdf_file(), "title": "Tờ trình"},
    "documents.new_version": lambda ids: {"file": _pdf_file()},
    "questioning.file": lambda ids: {"official_id": str(ids["official_id"]), "text": "Câu hỏi",
                                     "delegate_id": str(ids["delegate_id"])},
    "questioning.edit": lambda ids: {"official_id": str(ids["official_id"]),
                                     "text": "Câu hỏi đã sửa"},
    "questioning.create_group": lambda ids: {"title": "Nhóm giao thông"},
    "questioning.merge": lambda ids: {"slip_id": [str(ids["slip_id"]),
                                                  str(ids["answered_slip_id"])],
                                      "keep_id": str(ids["slip_id"])},
    "questioning.answer": lambda ids: {"mode": "session", "summary": "Đã trả lời"},
    "questioning.written_answer": lambda ids: {"file": _pdf_file("tra-loi.pdf")},
    "resolutions.issue": lambda ids: {"source": str(ids["draft_document_id"]),
                                      "kind": "individual"},
    "resolutions.correct": lambda ids: {"title": "Đính chính Nghị quyết"},
    "resolutions.attachment": lambda ids: {"file": _pdf_file("phu-luc.pdf")},
    "api.resolution_attachment": lambda ids: {"file": _pdf_file("phu-luc.pdf")},
    "resolutions.verify": lambda ids: {"file": _pdf_file()},
    "resolutions.public": lambda ids: {"file": _pdf_file()},
    "records.save_minutes": lambda ids: {_first_section(): "Khai mạc lúc 8 giờ."},
    "api.issue": lambda ids: {"document_id": ids["draft_document_id"], "kind": "individual"},
    "api.chair_prepare": lambda ids: {"certificate": ids["chair_certificate"]},
    "api.correction": lambda ids: {"title": "Đính chính Nghị quyết"},
    "api.verify": lambda ids: {"file": _pdf_file()},
    "api.public_check": lambda ids: {"file": _pdf_file()},
    "api.minutes_edit": lambda ids: {"sections": {_first_section(): "Khai mạc lúc 8 giờ."}},
    "accounts.password": lambda ids: {"current_password": "not-the-password",
                                      "new_password": "mat-khau-moi",
                                      "confirm_password": "mat-khau-moi"},
    "accounts.reset_password": lambda ids: {"new_password": "mat-khau-moi"},
    "accounts.set_active": lambda ids: {"active": "0"},
    "accounts.clear_lockout": lambda ids: {"remote_addr": "10.0.0.9"},
    "api.change_password": lambda ids: {"current_password": "not-the-password",
                                        "new_password": "mat-khau-moi"},
    "api.reset_password": lambda ids: {"password": "mat-khau-moi"},
    "api.set_user_active": lambda ids: {"active": False},
    "api.clear_lockout": lambda ids: {"remote_addr": "10.0.0.9"},
}


def _url(rule, ids) -> str:
    values = {}
    overrides = PATH_OVERRIDES.get(rule.endpoint, {})
    for name in rule.arguments:
        values[name] = PATH_VALUES.get(name, ids.get(overrides.get(name, name)))
        assert values[name] is not None, f"no demo value for <{name}> in {rule.rule}"
    return re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", lambda m: str(values[m.group(1)]), rule.rule)


def _outcome(app, world, role: str, endpoint: str, method: str, url: str) -> tuple[str, str]:
    client = app.test_client()
    headers = {}
    if url.startswith("/api/"):
        if role != "anon":
            headers = world["tokens"][role]
    elif role != "anon":
        client.set_cookie("session", world["cookies"][role])
    kwargs = {}
    if method in ("POST", "PATCH", "PUT"):
        data = BODIES[endpoint](world["ids"]) if endpoint in BODIES else {}
        if not url.startswith("/api/") or any(isinstance(v, tuple) for v in data.values()):
            kwargs = {"data": data}  # a form, or multipart when it carries a file
        else:
            kwargs = {"json": data}
    response = client.open(url, method=method, headers=headers, **kwargs)
    status = response.status_code
    location = response.headers.get("Location", "")
    detail = f"{status} {location}".strip()
    if status in (401, 403, 404) or (status in (301, 302, 303) and "/login" in location
                                     and not url.startswith("/logout")):
        return "denied", detail
    if status >= 500:
        return "error", detail
    if status in (301, 302, 303) and not url.startswith("/api/"):
        with client.session_transaction() as session:
            flashes = session.get("_flashes", [])
        if any(category == "error" for category, _ in flashes):
            return "refused", detail + " (form error: " + flashes[-1][1][:60] + ")"
    if status in (400, 405, 409, 413, 415, 422):
        return "refused", detail
    return "allowed", detail


def test_every_route_against_every_role(app, world):
    mismatches, refused_while_allowed = [], []
    for rule, method in _routes(app):
        allowed = expected(rule.endpoint, method)
        if allowed is None:
            continue  # test_every_route_is_in_the_table reports it
        url = _url(rule, world["ids"])
        for role in ROLES:
            outcome, detail = _outcome(app, world, role, rule.endpoint, method, url)
            if outcome != "denied" and method != "GET":
                _restore(app, world)
            ok = (outcome in ("allowed", "refused")) if role in allowed else outcome == "denied"
            if role in allowed and outcome == "refused":
                refused_while_allowed.append(f"{rule.endpoint} {method} {role}: {detail}")
            if outcome == "error" or not ok:
                want = "allowed" if role in allowed else "denied"
                mismatches.append(f"{rule.endpoint:28} {method:6} {url:50} {role:11} "
                                  f"expected {want}, got {outcome}: {detail}")
    assert not mismatches, f"{len(mismatches)} mismatches:\n" + "\n".join(mismatches)
    print(f"{len(refused_while_allowed)} allowed calls refused for their content:",
          *refused_while_allowed, sep="\n  ")


# --- socket events ----------------------------------------------------------------------
# Same shorthands; "operators" = chair, secretariat (and the superuser admin).
SHORTHANDS["operators"] = {"chair", "secretariat", "admin"}
EVENTS: dict[str, str] = {
    "meeting:join": "council",
    "live:snapshot": "council",
    "live:phase": "operators",
    "live:goto": "operators",
    "live:sitting": "operators",
    "attendance:check_in": "delegate chair",  # the chair is a delegate too
    "attendance:mark": "operators",
    "attendance:report_absence": "delegate chair",
    "floor:request": "delegate",
    "floor:withdraw": "delegate operators",  # the requester (daibieu03), or a cancel
    "floor:reorder": "operators",
    "floor:give": "operators",
    "floor:stop": "operators",
    "floor:extend": "operators",
    "floor:pause": "operators",
    "notice:send": "operators",
    "live:clear": "operators",
    "vote:cast": "delegate chair",
    "vote:open": "operators",
    "vote:close": "operators",
    "vote:announce": "operators",
    "vote:cancel": "operators",
    "vote:state": "council",
    "vote:manual": "secretariat admin",
    "vote:manual_decision": "chair admin",
    "questioning:open_group": "operators",
    "questioning:close_group": "operators",
    "questioning:invite_answer": "operators",
    "projection:show": "operators",
    "projection:page": "operators",
    "projection:stop": "operators",
}
EVENT_PAYLOADS = {
    "live:phase": lambda w: {"meeting_id": w["meeting_id"], "action": "pause"},
    "live:goto": lambda w: {"meeting_id": w["meeting_id"], "offset": 1},
    "attendance:report_absence": lambda w: {"meeting_id": w["meeting_id"], "reason": "Ốm"},
    "attendance:mark": lambda w: {"meeting_id": w["meeting_id"], "delegate_id": 5,
                                  "status": "absent_excused", "reason": "Ốm"},
    "floor:request": lambda w: {"meeting_id": w["meeting_id"], "kind": "debate", "topic": "Thuế"},
    "floor:withdraw": lambda w: {"meeting_id": w["meeting_id"], "request_id": w["request_id"]},
    "floor:reorder": lambda w: {"meeting_id": w["meeting_id"], "order": [w["request_id"]]},
    "floor:give": lambda w: {"meeting_id": w["meeting_id"], "request_id": w["request_id"]},
    "notice:send": lambda w: {"meeting_id": w["meeting_id"], "text": "Nghỉ giải lao",
                              "audience": "all"},
    "vote:cast": lambda w: {"vote_id": w["vote_id"], "idempotency_key": "table-key-0001",
                            "choice": "yes"},
    "vote:cancel": lambda w: {"vote_id": w["vote_id"], "reason": "Nhầm nội dung"},
    "vote:manual": lambda w: {"vote_id": w["vote_id"], "counts": {"yes": 2}, "note": "Giơ tay"},
    "vote:manual_decision": lambda w: {"vote_id": w["vote_id"], "confirm": True},
    "questioning:open_group": lambda w: {"meeting_id": w["meeting_id"],
                                         "group_id": w["group_id"]},
    "questioning:invite_answer": lambda w: {"meeting_id": w["meeting_id"],
                                            "official_id": w["official_id"]},
}
DENIALS = {"unauthorized", "forbidden", "not_found", "not_a_delegate"}


def test_every_socket_event_is_in_the_table():
    from paperless.realtime.commands import COMMANDS

    missing = sorted((set(COMMANDS) | {"meeting:join"}) - set(EVENTS))
    assert not missing, f"Add these socket events to EVENTS in {__file__}: {missing}"
    for spec in EVENTS.values():
        expand(spec)


def test_every_socket_event_against_every_role(app, client, demo, database_url):
    from tests.socket_world import connect, session_in_progress

    world_ids = session_in_progress(app, client)
    other = users.create_user(SYSTEM, username="tinh_thuky", full_name="Thư ký HĐND tỉnh",
                              password_hash=hash_secret("kyhopso"))
    users.assign_role(SYSTEM, other, 1, "secretariat")
    assert not connect(app, None).is_connected(), "anonymous sockets must be refused"
    # logged in before the copy: the restored database must still hold their sessions
    sockets = {role: connect(app, user) for role, user in ACCOUNTS.items()}
    db.session.remove()
    path = Path(database_url.removeprefix("sqlite:///"))
    pristine = path.with_name("pristine-sockets.sqlite3")
    with sqlite3.connect(path) as source, sqlite3.connect(pristine) as copy:
        source.backup(copy)
    world = {"db": path, "pristine": pristine}
    mismatches = []
    for event, spec in EVENTS.items():
        allowed = expand(spec)
        maker = EVENT_PAYLOADS.get(event)
        for role, sock in sockets.items():
            payload = maker(world_ids) if maker else (
                {"vote_id": world_ids["vote_id"]} if event.startswith("vote:")
                else {"meeting_id": world_ids["meeting_id"]})
            answer = sock.emit(event, payload, callback=True)
            code = None if answer.get("ok") else answer["error"]["code"]
            if code is None or code not in DENIALS:
                _restore(app, world)
            if code == "server_error":
                mismatches.append(f"{event} {role}: server_error")
            elif (role in allowed) == (code in DENIALS):
                want = "allowed" if role in allowed else "denied"
                mismatches.append(f"{event:26} {role:11} expected {want}, got "
                                  f"{'ok' if code is None else code}")
    for sock in sockets.values():
        sock.disconnect()
    assert not mismatches, f"{len(mismatches)} mismatches:\n" + "\n".join(mismatches)
