"""A demo database with one of everything the API addresses by id (for the hostile tests).

The demo has a council, a meeting and its agenda; this adds a published document with a
note, a draft vote and a question slip, so generated requests can reach real objects.
"""

from __future__ import annotations

import io

from sqlalchemy import select

from paperless import db
from paperless.models import Council, Meeting, MeetingInvitee
from tests.support import token_for


def small_pdf(text: str = "Tài liệu kỳ họp") -> bytes:
    from reportlab.pdfgen import canvas

    buffer = io.BytesIO()
    page = canvas.Canvas(buffer)
    page.drawString(72, 720, text.encode("ascii", "replace").decode())
    page.showPage()
    page.save()
    return buffer.getvalue()


def populate(client) -> dict[str, int]:
    """Ids of one object of each kind, created through the API as the secretariat."""
    staff = token_for(client, "thuky")
    meeting = db.session.scalar(select(Meeting).order_by(Meeting.id))
    council = db.session.get(Council, meeting.council_id)
    official = db.session.scalar(select(MeetingInvitee.id).where(
        MeetingInvitee.meeting_id == meeting.id, MeetingInvitee.kind == "official"))
    items = [i.id for i in sorted(meeting.agenda_items, key=lambda i: i.position)]

    uploaded = client.post(f"/api/v1/meetings/{meeting.id}/documents", headers=staff,
                           data={"file": (io.BytesIO(small_pdf()), "du-toan.pdf"),
                                 "title": "Dự thảo Nghị quyết", "access": "public"},
                           content_type="multipart/form-data")
    assert uploaded.status_code == 201, uploaded.get_json()
    document_id = uploaded.get_json()["id"]
    published = client.post(f"/api/v1/documents/{document_id}/publish", headers=staff)
    assert published.status_code == 200, published.get_json()
    note = client.post(f"/api/v1/documents/{document_id}/notes", headers=staff,
                       json={"page": 1, "kind": "comment", "rect": [10, 10, 50, 50],
                             "text": "Xem lại số liệu"})
    assert note.status_code == 201, note.get_json()
    vote = client.post(f"/api/v1/agenda-items/{items[6]}/votes", headers=staff,
                       json={"kind": "open", "title": "Thông qua Nghị quyết dự toán"})
    assert vote.status_code == 201, vote.get_json()
    slip = client.post(f"/api/v1/meetings/{meeting.id}/question-slips", headers=staff,
                       json={"official_id": official, "topic": "Giao thông",
                             "text": "Vì sao đường liên xã chậm?", "delegate_id": 3})
    assert slip.status_code == 201, slip.get_json()
    # a second slip, answered in writing (its PDF is on file)
    answered = client.post(f"/api/v1/meetings/{meeting.id}/question-slips", headers=staff,
                           json={"official_id": official, "topic": "Chợ xã",
                                 "text": "Khi nào sửa chợ?", "delegate_id": 4}).get_json()["id"]
    written = client.post(f"/api/v1/question-slips/{answered}/answer", headers=staff,
                          json={"mode": "written"})
    assert written.status_code == 200, written.get_json()
    filed = client.post(f"/api/v1/question-slips/{answered}/written-answer", headers=staff,
                        data={"file": (io.BytesIO(small_pdf("Tra loi")), "tra-loi.pdf")},
                        content_type="multipart/form-data")
    assert filed.status_code == 201, filed.get_json()
    return {"council_id": council.id, "meeting_id": meeting.id, "item_id": items[1],
            "document_id": document_id, "note_id": note.get_json()["id"],
            "vote_id": vote.get_json()["id"], "slip_id": slip.get_json()["id"],
            "answered_slip_id": answered, "delegate_id": 3, "term_id": meeting.term_id,
            "official_id": official}
