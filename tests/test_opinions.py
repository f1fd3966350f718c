"""Opinions on drafts: states, merging, who may answer, point votes, version differences,
written consultations counted against N."""

from __future__ import annotations

import io
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from paperless import db
from paperless.domain import opinions as rules
from paperless.domain import textdiff
from paperless.models import (
    AuditEntry,
    Consultation,
    Delegate,
    DelegateGroup,
    Meeting,
    MeetingInvitee,
    Opinion,
)
from tests.support import token_for as _login_token

_TOKENS: dict[tuple[str, str], dict] = {}


def token_for(client, username: str) -> dict:
    """One login per user and test (each costs a scrypt hash)."""
    key = (client.application.config["DATABASE_URL"], username)
    if key not in _TOKENS:
        _TOKENS[key] = _login_token(client, username)
    return _TOKENS[key]

OLD = ["Điều 1. Dự toán thu ngân sách xã năm 2027 là 12 tỷ đồng.",
       "Điều 2. Chi đầu tư phát triển 4 tỷ đồng.",
       "Điều 3. Giao UBND xã tổ chức thực hiện."]
NEW = ["Điều 1. Dự toán thu ngân sách xã năm 2027 là 12 tỷ đồng.",
       "Điều 3. Giao UBND xã tổ chức thực hiện.",
       "Điều 4. Thường trực HĐND xã giám sát việc thực hiện."]


def draft_pdf(lines: list[str]) -> bytes:
    """A two-page draft written with reportlab in Noto Sans (Vietnamese text survives)."""
    from reportlab.pdfgen import canvas

    from paperless.reports.fonts import register_fonts

    regular, _bold = register_fonts()
    buffer = io.BytesIO()
    page = canvas.Canvas(buffer)
    page.setFont(regular, 11)
    y = 760
    for line in lines:
        page.drawString(60, y, line)
        y -= 22
    page.showPage()
    page.setFont(regular, 11)
    page.drawString(60, 760, "Nơi nhận: như trên.")
    page.showPage()
    page.save()
    return buffer.getvalue()


@pytest.fixture(autouse=True)
def _fresh_tokens():
    _TOKENS.clear()  # every test has its own database, so its own tokens
    yield
    _TOKENS.clear()


@pytest.fixture
def meeting(demo):
    return db.session.scalar(select(Meeting))


@pytest.fixture
def officials(meeting):
    rows = db.session.scalars(select(MeetingInvitee).where(
        MeetingInvitee.meeting_id == meeting.id, MeetingInvitee.kind == "official")).all()
    return {o.full_name: o.id for o in rows}


@pytest.fixture
def draft(client, meeting, officials):
    """The budget draft on agenda item 7, published, drafted by Lê Thị Mai (truongphong)."""
    staff = token_for(client, "thuky")
    item = sorted(meeting.agenda_items, key=lambda i: i.position)[6]
    uploaded = client.post(f"/api/v1/meetings/{meeting.id}/documents", headers=staff,
                           data={"file": (io.BytesIO(draft_pdf(OLD)), "du-thao.pdf"),
                                 "title": "Dự thảo Nghị quyết dự toán ngân sách 2027",
                                 "agenda_item_id": str(item.id)},
                           content_type="multipart/form-data")
    assert uploaded.status_code == 201, uploaded.get_json()
    document_id = uploaded.get_json()["id"]
    assert client.post(f"/api/v1/documents/{document_id}/publish",
                       headers=staff).status_code == 200
    agency = client.put(f"/api/v1/documents/{document_id}/drafting-agency", headers=staff,
                        json={"invitee_ids": [officials["Lê Thị Mai"]]})
    assert agency.status_code == 200, agency.get_json()
    return document_id


def _give(client, username, document_id, **fields):
    body = {"text": "Đề nghị làm rõ nguồn thu.", "article": "Điều 1", **fields}
    return client.post(f"/api/v1/documents/{document_id}/opinions",
                       headers=token_for(client, username), json=body)


# --- domain ----------------------------------------------------------------------------

def test_states_move_only_forward():
    assert rules.check_transition("new", "accepted") == "accepted"
    assert rules.check_transition("new", "explained") == "explained"
    assert rules.check_transition("new", "withdrawn") == "withdrawn"
    assert rules.check_transition("accepted", "explained") == "explained"
    for current, target in (("withdrawn", "accepted"), ("merged", "explained"),
                            ("accepted", "withdrawn"), ("new", "new")):
        with pytest.raises(rules.OpinionRuleError) as raised:
            rules.check_transition(current, target)
        assert raised.value.code == "invalid_transition"
    with pytest.raises(rules.OpinionRuleError):
        rules.check_transition("new", "bogus")
    assert rules.may_merge(["new", "new"]) and not rules.may_merge(["new", "accepted"])


def test_consultation_is_counted_against_n():
    # 30 delegates: 15 agreeing is half, not more than half
    half = rules.tally_consultation(["agree"] * 15 + ["disagree"] * 2, total=30)
    assert half.required == 16 and not half.passed and half.answered == 17
    more = rules.tally_consultation(["agree"] * 16 + ["opinion"], total=30)
    assert more.passed
    assert more.statement()[0] == "Có 17/30 đại biểu trả lời (chiếm 56,67% tổng số đại biểu)"
    assert "Đồng ý: 16/30 đại biểu, chiếm 53,33% tổng số đại biểu" in more.statement()
    assert not rules.tally_consultation([], total=0).passed


def test_sentence_diff_marks_inserted_and_deleted():
    pieces = textdiff.diff(" ".join(OLD), "\n".join(NEW))
    assert [p.op for p in pieces] == ["equal", "delete", "equal", "insert"]
    assert pieces[1].text == OLD[1] and pieces[3].text == NEW[2]


# --- services through the API ------------------------------------------------------------

def test_delegates_group_secretaries_and_paper_opinions(client, draft):
    mine = _give(client, "daibieu03", draft, page=1, rect=[60, 740, 400, 770],
                 quote="Dự toán thu ngân sách xã năm 2027 là 12 tỷ đồng")
    assert mine.status_code == 201, mine.get_json()
    assert mine.get_json()["authors"] == ["Lê Minh Tuấn"] and mine.get_json()["source"] == "tablet"
    assert _give(client, "daibieu03", draft, page=9).status_code == 422
    assert _give(client, "daibieu03", draft, text="  ").status_code == 422
    assert _give(client, "khach", draft).status_code == 403
    assert _give(client, "ubnd", draft).status_code == 403
    # not (yet) the secretary of a group
    refused = _give(client, "daibieu07", draft, for_group=True)
    assert refused.status_code == 403 and refused.get_json()["error"]["code"] == "not_group_secretary"
    delegate = db.session.get(Delegate, 7)
    staff = token_for(client, "thuky")
    assert client.put(f"/api/v1/delegate-groups/{delegate.group_id}/secretary", headers=staff,
                      json={"delegate_id": 3}).status_code == 422  # not in that group
    assert client.put(f"/api/v1/delegate-groups/{delegate.group_id}/secretary",
                      headers=token_for(client, "daibieu07"),
                      json={"delegate_id": 7}).status_code == 403
    assert client.put(f"/api/v1/delegate-groups/{delegate.group_id}/secretary", headers=staff,
                      json={"delegate_id": 7}).status_code == 200
    group = _give(client, "daibieu07", draft, for_group=True, text="Tổ đề nghị tăng chi giáo dục.")
    assert group.status_code == 201
    assert group.get_json()["authors"] == [db.session.get(DelegateGroup, delegate.group_id).name]
    # the secretariat enters a paper opinion for a delegate; a delegate cannot
    paper = _give(client, "thuky", draft, delegate_id=9)
    assert paper.status_code == 201 and paper.get_json()["source"] == "paper"
    assert _give(client, "daibieu03", draft, delegate_id=9).status_code == 403
    # who sees what: a delegate their own; a group member their group's; staff and agency all
    def seen(username):
        r = client.get(f"/api/v1/documents/{draft}/opinions", headers=token_for(client, username))
        return r.status_code, len(r.get_json().get("opinions", []))
    assert seen("thuky") == (200, 3) and seen("truongphong") == (200, 3)
    assert seen("daibieu03") == (200, 1)
    assert seen("daibieu10") == (200, 1)  # delegate 10 is in group 1 with delegate 7
    assert seen("ubnd")[1] == 0  # an official of another agency sees none
    actions = set(db.session.scalars(select(AuditEntry.action)))
    assert {"opinion.given", "group.secretary_set", "opinions.agency_set"} <= actions


def test_merging_keeps_every_author(client, draft):
    first = _give(client, "daibieu03", draft).get_json()["id"]
    second = _give(client, "daibieu09", draft, text="Nguồn thu chưa rõ.").get_json()["id"]
    third = _give(client, "daibieu04", draft, text="Cũng về nguồn thu.").get_json()["id"]
    staff = token_for(client, "thuky")
    assert client.post(f"/api/v1/opinions/{first}/merge", headers=token_for(client, "daibieu03"),
                       json={"duplicate_ids": [second]}).status_code == 403
    merged = client.post(f"/api/v1/opinions/{second}/merge", headers=staff,
                         json={"duplicate_ids": [third]})
    assert merged.status_code == 200
    merged = client.post(f"/api/v1/opinions/{first}/merge", headers=staff,
                         json={"duplicate_ids": [second]})
    assert merged.get_json()["authors"] == ["Lê Minh Tuấn", "Đỗ Văn Thành", "Phạm Thị Hồng"]
    assert db.session.get(Opinion, third).merged_into_id == first
    assert client.post(f"/api/v1/opinions/{first}/merge", headers=staff,
                       json={"duplicate_ids": [second]}).status_code == 409
    bad = client.post(f"/api/v1/opinions/{first}/merge", headers=staff,
                      json={"duplicate_ids": "all"})
    assert bad.status_code == 422
    # a delegate whose opinion was merged still sees it, in the kept one
    seen = client.get(f"/api/v1/documents/{draft}/opinions", headers=token_for(client, "daibieu09"))
    assert first in [o["id"] for o in seen.get_json()["opinions"]]


def test_only_the_drafting_agency_of_that_draft_answers(client, meeting, draft):
    opinion = _give(client, "daibieu03", draft).get_json()["id"]
    answer = {"state": "accepted", "text": "Tiếp thu, đã bổ sung nguồn thu tại Điều 1."}
    for username in ("thuky", "chutoa", "admin", "daibieu03", "ubnd"):
        refused = client.post(f"/api/v1/opinions/{opinion}/answer",
                              headers=token_for(client, username), json=answer)
        assert refused.status_code in (403, 404), username
    # truongphong drafts this draft; on another draft she is not the agency
    ok = client.post(f"/api/v1/opinions/{opinion}/answer",
                     headers=token_for(client, "truongphong"), json=answer)
    assert ok.status_code == 200 and ok.get_json()["status"] == "accepted"
    assert ok.get_json()["answered_by"] == "Lê Thị Mai"
    staff = token_for(client, "thuky")
    other = client.post(f"/api/v1/meetings/{meeting.id}/documents", headers=staff,
                        data={"file": (io.BytesIO(draft_pdf(NEW)), "khac.pdf"),
                              "title": "Dự thảo khác"}, content_type="multipart/form-data")
    other_id = other.get_json()["id"]
    client.post(f"/api/v1/documents/{other_id}/publish", headers=staff)
    client.put(f"/api/v1/documents/{other_id}/drafting-agency", headers=staff,
               json={"invitee_ids": [db.session.scalar(select(MeetingInvitee.id).where(
                   MeetingInvitee.full_name == "Trần Quốc Bảo"))]})
    foreign = _give(client, "daibieu03", other_id).get_json()["id"]
    assert client.post(f"/api/v1/opinions/{foreign}/answer",
                       headers=token_for(client, "truongphong"), json=answer).status_code == 404
    bad = client.post(f"/api/v1/opinions/{opinion}/answer",
                      headers=token_for(client, "truongphong"), json={"state": "merged",
                                                                      "text": "x"})
    assert bad.status_code == 422
    # withdrawn opinions are not answered
    withdrawn = _give(client, "daibieu03", draft).get_json()["id"]
    assert client.post(f"/api/v1/opinions/{withdrawn}/withdraw",
                       headers=token_for(client, "daibieu04")).status_code == 404
    assert client.post(f"/api/v1/opinions/{withdrawn}/withdraw",
                       headers=token_for(client, "daibieu03")).status_code == 200
    late = client.post(f"/api/v1/opinions/{withdrawn}/answer",
                       headers=token_for(client, "truongphong"), json=answer)
    assert late.status_code == 409 and late.get_json()["error"]["code"] == "invalid_transition"


def test_reports_list_each_opinion_with_its_answer(client, draft):
    from pypdf import PdfReader

    opinion = _give(client, "daibieu03", draft, proposed_wording="Thu 13 tỷ đồng").get_json()["id"]
    _give(client, "daibieu04", draft, article="Điều 2", text="Giữ nguyên chi đầu tư.")
    client.post(f"/api/v1/opinions/{opinion}/answer", headers=token_for(client, "truongphong"),
                json={"state": "explained", "text": "Giữ 12 tỷ vì nguồn thu đất chưa chắc."})
    staff = token_for(client, "thuky")
    report = client.get(f"/api/v1/documents/{draft}/opinions/response-report", headers=staff)
    assert report.status_code == 200 and report.mimetype == "application/pdf"
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(report.data)).pages)
    text = " ".join(text.split())
    assert "TIẾP THU, GIẢI TRÌNH" in text and "Giữ 12 tỷ vì nguồn thu đất chưa chắc." in text
    assert "Giữ nguyên chi đầu tư." in text and "Lê Minh Tuấn" in text
    compilation = client.get(f"/api/v1/documents/{draft}/opinions/compilation?format=xlsx",
                             headers=staff)
    assert compilation.status_code == 200
    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(compilation.data)).active
    values = [c.value for row in sheet.iter_rows() for c in row]
    assert "Đề nghị làm rõ nguồn thu." in values and "Thu 13 tỷ đồng" in values
    assert client.get(f"/api/v1/documents/{draft}/opinions/compilation?format=doc",
                      headers=staff).status_code == 422
    assert client.get(f"/api/v1/documents/{draft}/opinions/compilation",
                      headers=token_for(client, "daibieu03")).status_code == 403
    stats = client.get(f"/api/v1/meetings/{db.session.scalar(select(Meeting.id))}"
                       "/opinion-statistics", headers=staff).get_json()
    assert {"delegate_id": 3, "name": "Lê Minh Tuấn", "opinions": 1} in stats["delegates"]


def test_chair_opens_a_vote_on_a_contested_point(client, draft):
    opinion = _give(client, "daibieu03", draft, proposed_wording="Thu 13 tỷ đồng").get_json()["id"]
    assert client.post(f"/api/v1/opinions/{opinion}/point-vote",
                       headers=token_for(client, "daibieu03"), json={}).status_code == 403
    made = client.post(f"/api/v1/opinions/{opinion}/point-vote",
                       headers=token_for(client, "chutoa"), json={})
    assert made.status_code == 201, made.get_json()
    vote_id = made.get_json()["vote_id"]
    vote = client.get(f"/api/v1/votes/{vote_id}", headers=token_for(client, "chutoa")
                      ).get_json()["vote"]
    assert "Điều 1" in vote["title"] and "Thu 13 tỷ đồng" in vote["title"]
    assert client.get(f"/api/v1/documents/{draft}/opinions", headers=token_for(client, "thuky")
                      ).get_json()["opinions"][0]["vote_id"] == vote_id
    again = client.post(f"/api/v1/opinions/{opinion}/point-vote",
                        headers=token_for(client, "chutoa"), json={})
    assert again.status_code == 409


def test_point_votes_come_before_the_whole_text(client, meeting, draft):
    from paperless.models import User
    from paperless.services import live
    from paperless.services.access import actor_for

    chair = token_for(client, "chutoa")
    live.change_phase(actor_for(db.session.scalar(select(User).where(
        User.username == "chutoa"))), meeting.id, "open")
    item = sorted(meeting.agenda_items, key=lambda i: i.position)[6]
    whole = client.post(f"/api/v1/agenda-items/{item.id}/votes", headers=chair,
                        json={"kind": "open", "title": "Thông qua toàn văn dự thảo",
                              "require_checked_in": False}).get_json()["id"]
    first = _give(client, "daibieu03", draft, proposed_wording="Thu 13 tỷ đồng").get_json()["id"]
    second = _give(client, "daibieu04", draft, article="Điều 2").get_json()["id"]
    points = [client.post(f"/api/v1/opinions/{o}/point-vote", headers=chair,
                          json={}).get_json()["vote_id"] for o in (first, second)]
    refused = client.post(f"/api/v1/votes/{whole}/open", headers=chair)
    assert refused.status_code == 409
    error = refused.get_json()["error"]
    assert error["code"] == "point_votes_pending" and "Thu 13 tỷ đồng" in error["message"]
    assert client.get(f"/api/v1/votes/{whole}", headers=chair).get_json()["vote"]["status"] \
        == "draft"
    # the first point is voted on; the second the chair decides not to hold
    assert client.post(f"/api/v1/votes/{points[0]}/open", headers=chair).status_code == 200
    assert client.post(f"/api/v1/votes/{points[0]}/close", headers=chair).status_code == 200
    still = client.post(f"/api/v1/votes/{whole}/open", headers=chair)
    assert still.get_json()["error"]["code"] == "point_votes_pending"
    assert client.post(f"/api/v1/votes/{points[1]}/cancel", headers=chair,
                       json={"reason": "Ý kiến đã được tiếp thu"}).status_code == 200
    opened = client.post(f"/api/v1/votes/{whole}/open", headers=chair)
    assert opened.status_code == 200, opened.get_json()
    # an election never waits; a point vote does not wait for itself nor for other points
    assert rules.pending_point_votes(99, "election", [(1, "draft")]) == []
    assert rules.pending_point_votes(1, "open", [(1, "draft"), (2, "open")]) == []
    assert rules.pending_point_votes(3, "secret", [(1, "draft"), (2, "closed")]) == [1]


def test_difference_between_versions_of_the_draft(client, draft):
    staff = token_for(client, "thuky")
    single = client.get(f"/api/v1/documents/{draft}/diff", headers=staff)
    assert single.status_code == 409
    revised = client.post(f"/api/v1/documents/{draft}/versions", headers=staff,
                          data={"file": (io.BytesIO(draft_pdf(NEW)), "du-thao-2.pdf")},
                          content_type="multipart/form-data")
    assert revised.status_code == 201, revised.get_json()
    diff = client.get(f"/api/v1/documents/{draft}/diff", headers=token_for(client, "daibieu03"))
    assert diff.status_code == 200
    pieces = diff.get_json()["pieces"]
    assert {"op": "delete", "text": OLD[1]} in pieces
    assert {"op": "insert", "text": NEW[2]} in pieces
    assert {"op": "equal", "text": OLD[0]} in pieces
    assert client.get(f"/api/v1/documents/{draft}/diff?from=x",
                      headers=staff).status_code == 422
    assert client.get(f"/api/v1/documents/{draft}/diff?from=9",
                      headers=staff).status_code == 404


def test_written_consultation_counted_against_n(client, meeting, draft):
    staff = token_for(client, "thuky")
    deadline = (date.today() + timedelta(days=5)).isoformat()
    assert client.post(f"/api/v1/documents/{draft}/consultations",
                       headers=token_for(client, "daibieu03"),
                       json={"deadline": deadline}).status_code == 403
    assert client.post(f"/api/v1/documents/{draft}/consultations", headers=staff,
                       json={"deadline": "2001-01-01"}).status_code == 422
    sent = client.post(f"/api/v1/documents/{draft}/consultations", headers=staff,
                       json={"deadline": deadline, "title": "Lấy ý kiến dự toán"})
    assert sent.status_code == 201, sent.get_json()
    consultation = sent.get_json()
    assert consultation["total"] == 30
    assert consultation["deadline_local"].startswith("23:59")
    cid = consultation["id"]
    for number in range(1, 17):  # 16 of 30 agree: more than half of N
        r = client.post(f"/api/v1/consultations/{cid}/answers",
                        headers=token_for(client, f"daibieu{number:02d}"),
                        json={"choice": "agree"})
        assert r.status_code == 201, r.get_json()
    # changing one's answer counts once
    client.post(f"/api/v1/consultations/{cid}/answers", headers=token_for(client, "daibieu16"),
                json={"choice": "disagree"})
    client.post(f"/api/v1/consultations/{cid}/answers", headers=token_for(client, "daibieu17"),
                json={"choice": "opinion", "text": "Cần thêm số liệu."})
    assert client.post(f"/api/v1/consultations/{cid}/answers",
                       headers=token_for(client, "daibieu18"),
                       json={"choice": "maybe"}).status_code == 422
    assert client.post(f"/api/v1/consultations/{cid}/answers", headers=token_for(client, "ubnd"),
                       json={"choice": "agree"}).status_code == 403
    closed = client.post(f"/api/v1/consultations/{cid}/close", headers=staff).get_json()
    result = closed["result"]
    assert result["counts"] == {"agree": 15, "disagree": 1, "opinion": 1}
    assert result["answered"] == 17 and not result["passed"]  # 15 < 16 = ⌊30/2⌋+1
    assert closed["opinions"] == [{"name": db.session.get(Delegate, 17).full_name,
                                   "text": "Cần thêm số liệu."}]
    late = client.post(f"/api/v1/consultations/{cid}/answers",
                       headers=token_for(client, "daibieu20"), json={"choice": "agree"})
    assert late.status_code == 409 and late.get_json()["error"]["code"] == "consultation_closed"
    mine = client.get(f"/api/v1/consultations/{cid}", headers=token_for(client, "daibieu16"))
    assert mine.get_json()["mine"]["choice"] == "disagree" and "opinions" not in mine.get_json()


def test_minutes_summarise_opinions_per_item(client, meeting, draft):
    from paperless.services.minutes import opinion_lines

    opinion = _give(client, "daibieu03", draft).get_json()["id"]
    _give(client, "daibieu04", draft, text="Ý kiến khác.")
    client.post(f"/api/v1/opinions/{opinion}/answer", headers=token_for(client, "truongphong"),
                json={"state": "accepted", "text": "Tiếp thu."})
    item = sorted(meeting.agenda_items, key=lambda i: i.position)[6]
    line = ("Ý kiến về Dự thảo Nghị quyết dự toán ngân sách 2027: 2 ý kiến; cơ quan soạn thảo "
            "tiếp thu 1, giải trình 0, chưa trả lời 1; rút 0.")
    assert opinion_lines(meeting.id) == [(item.id, line)]
    # the minutes print it under that item of the agenda
    from pypdf import PdfReader

    pdf = client.get(f"/api/v1/meetings/{meeting.id}/minutes/pdf",
                     headers=token_for(client, "thuky"))
    assert pdf.status_code == 200, pdf.get_data(as_text=True)[:300]
    text = " ".join("".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.data)).pages
                            ).split())
    assert line in text
    assert text.index(f"7. {item.title}") < text.index(line)


def test_pages_give_a_paper_opinion_and_refuse_bad_forms(client, draft):
    from tests.support import login

    staff = login(client.application.test_client(), "thuky")
    page = staff.get(f"/documents/{draft}/opinions")
    assert page.status_code == 200 and "Ý kiến về dự thảo" in page.get_data(as_text=True)
    made = staff.post(f"/documents/{draft}/opinions",
                      data={"author": "d:9", "text": "<script>x</script> Ý kiến giấy",
                            "article": "Điều 2"})
    assert made.status_code == 302
    html = staff.get(f"/documents/{draft}/opinions").get_data(as_text=True)
    assert "&lt;script&gt;x&lt;/script&gt; Ý kiến giấy" in html and "Đỗ Văn Thành" in html
    bad = staff.post(f"/documents/{draft}/opinions", data={"author": "d:abc", "text": "x"})
    assert bad.status_code == 302
    assert db.session.scalars(select(Opinion)).all()[-1].text.endswith("Ý kiến giấy")
    assert len(db.session.scalars(select(Opinion)).all()) == 1
    assert "Đỗ Văn Thành</td><td>1</td>" in html  # opinions per delegate

    meeting_id = db.session.scalar(select(Meeting.id))
    deadline = (date.today() + timedelta(days=3)).isoformat()
    sent = staff.post(f"/documents/{draft}/consultations",
                      data={"title": "Lấy ý kiến dự toán", "deadline": deadline})
    assert sent.status_code == 302
    assert staff.post(f"/documents/{draft}/consultations",
                      data={"deadline": "không phải ngày"}).status_code == 302
    delegate = login(client.application.test_client(), "daibieu05")
    page = delegate.get(f"/meetings/{meeting_id}/consultations").get_data(as_text=True)
    assert "Lấy ý kiến dự toán" in page and "23:59 ngày" in page
    cid = db.session.scalar(select(Consultation.id))
    assert delegate.post(f"/consultations/{cid}/answer",
                         data={"choice": "agree"}).status_code == 302
    assert staff.post(f"/consultations/{cid}/close").status_code == 302
    result = staff.get(f"/meetings/{meeting_id}/consultations").get_data(as_text=True)
    assert "Đồng ý: 1/30 đại biểu, chiếm 3,33% tổng số đại biểu" in result
    assert len(db.session.scalars(select(Consultation)).all()) == 1


def test_a_consultation_sent_reaches_the_delegates_live(app, client, meeting, draft):
    from paperless.extensions import socketio
    from tests.support import login

    def joined(username):
        sock = socketio.test_client(app, flask_test_client=login(app.test_client(), username))
        assert sock.emit("meeting:join", {"meeting_id": meeting.id}, callback=True)["ok"]
        sock.get_received()
        return sock

    delegate, guest, screen = joined("daibieu05"), joined("khach"), joined("manhinh")
    deadline = date.today() + timedelta(days=4)
    sent = client.post(f"/api/v1/documents/{draft}/consultations",
                       headers=token_for(client, "thuky"),
                       json={"deadline": deadline.isoformat(), "title": "Lấy ý kiến dự toán"})
    assert sent.status_code == 201

    def announced(sock):
        return [m["args"][0]["payload"] for m in sock.get_received()
                if m["name"] == "event" and m["args"][0]["name"] == "consultation.sent"]

    [message] = announced(delegate)
    assert message["consultation"]["title"] == "Lấy ý kiến dự toán"
    assert message["consultation"]["total"] == 30
    assert message["consultation"]["deadline_local"] == sent.get_json()["deadline_local"]
    assert message["consultation"]["url"].startswith(f"/meetings/{meeting.id}/consultations")
    assert announced(guest) == [] and announced(screen) == []
    for sock in (delegate, guest, screen):
        sock.disconnect()


def test_council_statistics_count_opinions_per_delegate(client, meeting, draft):
    from openpyxl import load_workbook

    from paperless.models import User
    from paperless.services import live
    from paperless.services.access import actor_for
    from tests.support import login

    live.change_phase(actor_for(db.session.scalar(select(User).where(
        User.username == "chutoa"))), meeting.id, "open")  # the meeting is held
    _give(client, "daibieu03", draft)
    _give(client, "daibieu03", draft, article="Điều 2")
    withdrawn = _give(client, "daibieu04", draft).get_json()["id"]
    client.post(f"/api/v1/opinions/{withdrawn}/withdraw", headers=token_for(client, "daibieu04"))
    _give(client, "daibieu07", draft)
    staff = token_for(client, "thuky")
    url = f"/api/v1/councils/{meeting.council_id}/statistics"
    rows = {d["delegate_id"]: d for d in client.get(url, headers=staff).get_json()["delegates"]}
    assert rows[3]["opinions"] == 2 and rows[4]["opinions"] == 0 and rows[7]["opinions"] == 1
    book = load_workbook(io.BytesIO(client.get(f"{url}/export?format=xlsx", headers=staff).data))
    values = [[c.value for c in row] for sheet in book.worksheets for row in sheet.iter_rows()]
    header = next(r for r in values if "Số ý kiến về dự thảo" in r)
    column = header.index("Số ý kiến về dự thảo")
    assert next(r for r in values if "Lê Minh Tuấn" in r)[column] == 2
    page = login(client.application.test_client(), "thuky").get(
        f"/councils/{meeting.council_id}/statistics").get_data(as_text=True)
    assert 'data-testid="opinions-3">2</td>' in page
