"""A demo database with one of everything the API addresses by id (for the hostile tests).

The demo has a council, a meeting and its agenda; this adds a published document with a
note, a draft vote, question slips and resolutions in each state (to issue, issued, signed
by the chair, archived), so generated requests can reach real objects.
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


def populate(client, *, records: bool = True) -> dict[str, int | str]:
    """Ids of one object of each kind, created through the API as the secretariat; with
    `records`, also a resolution in each state and two closed meetings whose minutes wait to
    be finalised and signed (see resolutions_in_every_state and closed_meetings)."""
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
    drafts = opinions_on(client, staff, document_id, official)
    ids = {"council_id": council.id, "meeting_id": meeting.id, "item_id": items[1],
           "document_id": document_id, "note_id": note.get_json()["id"],
           "vote_id": vote.get_json()["id"], "slip_id": slip.get_json()["id"],
           "answered_slip_id": answered, "delegate_id": 3, "term_id": meeting.term_id,
           "official_id": official, **drafts}
    from tests.oversight_support import oversight_records

    ids.update(oversight_records(council.id, meeting.id, answered))
    if records:
        ids.update(resolutions_in_every_state(meeting.id, council.id))
        ids.update(closed_meetings(meeting.term_id))
    return ids


def opinions_on(client, staff: dict, document_id: int, official_id: int) -> dict[str, int]:
    """The document is a draft drafted by the official (ubnd); delegate no. 3 gave two
    opinions on it; it is out for written consultation; group 1 has a secretary."""
    from datetime import date, timedelta

    from paperless.models import DelegateGroup

    agency = client.put(f"/api/v1/documents/{document_id}/drafting-agency", headers=staff,
                        json={"invitee_ids": [official_id]})
    assert agency.status_code == 200, agency.get_json()
    delegate = token_for(client, "daibieu03")
    opinions = []
    for text in ("Làm rõ nguồn thu.", "Nguồn thu chưa rõ."):
        given = client.post(f"/api/v1/documents/{document_id}/opinions", headers=delegate,
                            json={"text": text, "article": "Điều 1", "page": 1})
        assert given.status_code == 201, given.get_json()
        opinions.append(given.get_json()["id"])
    sent = client.post(f"/api/v1/documents/{document_id}/consultations", headers=staff,
                       json={"deadline": (date.today() + timedelta(days=30)).isoformat()})
    assert sent.status_code == 201, sent.get_json()
    group_id = db.session.scalar(select(DelegateGroup.id).order_by(DelegateGroup.id))
    return {"opinion_id": opinions[0], "second_opinion_id": opinions[1],
            "consultation_id": sent.get_json()["id"], "group_id": group_id}


def resolutions_in_every_state(meeting_id: int, council_id: int) -> dict[str, int | str]:
    """Four resolutions of the demo meeting, one per step, made through the services (with
    the TEST CA): to issue, issued (awaiting the chair), signed by the chair (awaiting the
    organisation) and archived (its four files on record, a real public id)."""
    import base64

    from cryptography.hazmat.primitives.serialization import Encoding, pkcs12

    from paperless.services import resolutions, signing_keys
    from tests.resolution_support import (
        actor,
        chair_signs,
        draft_pdf,
        make_test_ca,
        passed_vote,
    )

    make_test_ca(council_id)
    draft = passed_vote()["document_id"]
    for _ in range(3):
        passed_vote(with_draft=False)
    staff, chair = actor("thuky"), actor("chutoa")
    fresh = [r.id for r in resolutions.list_for_meeting(staff, meeting_id)
             if r.state == "to_issue"]
    assert len(fresh) >= 4, fresh
    to_issue, issued, chair_signed, archived = fresh[-4:]
    for number, rid in enumerate((issued, chair_signed, archived), start=1):
        # a final PDF carries its own number: one text per resolution
        resolutions.issue(staff, rid, verify_base_url="https://kyhop.example.vn",
                          upload=draft_pdf(1, number=f"{number:02d}/NQ-HĐND"),
                          filename="nq.pdf")
    for rid in (chair_signed, archived):
        chair_signs(chair, rid)
    done = resolutions.sign_as_organisation(staff, archived)
    assert done.state == "archived", done.state
    _key, cert, _chain = pkcs12.load_key_and_certificates(
        signing_keys.key_path(council_id, "chair").read_bytes(),
        signing_keys.TEST_PASSPHRASE.encode())
    return {"resolution_id": archived, "to_issue_resolution_id": to_issue,
            "issued_resolution_id": issued, "chair_signed_resolution_id": chair_signed,
            "public_id": done.public_id, "draft_document_id": draft,
            "chair_certificate": base64.b64encode(cert.public_bytes(Encoding.DER)).decode()}


def closed_meetings(term_id: int) -> dict[str, int]:
    """Two past meetings, closed: one with minutes still a draft (to finalise), one with final
    minutes (for the chair to sign; the keys are resolutions_in_every_state's TEST CA)."""
    from datetime import date

    from paperless.services import meeting_status, meetings, minutes
    from tests.resolution_support import actor

    staff = actor("thuky")
    ids = {}
    for name, day in (("closed_meeting_id", 1), ("final_minutes_meeting_id", 2)):
        meeting = meetings.create_meeting(
            staff, term_id=term_id, kind="chuyen_de", title=f"Kỳ họp chuyên đề {day}",
            number=None, place="Hội trường xã", start_date=date(2026, 7, day),
            end_date=date(2026, 7, day))
        for status in ("published", "in_progress", "closed"):
            meeting_status.set_status(staff, meeting.id, status)
        ids[name] = meeting.id
    minutes.finalize(staff, ids["final_minutes_meeting_id"])
    return ids
