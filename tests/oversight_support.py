"""Oversight records for the hostile and access tests: one of each kind, through the
services, addressed to the demo's UBND body (whose official is `ubnd`)."""

from __future__ import annotations

import io
from datetime import date, timedelta

from sqlalchemy import select

from paperless import db
from paperless.models import DelegateGroup, Meeting, ResponsibleBody
from paperless.services import oversight


def small_pdf(text: str = "Minh chung") -> bytes:
    from reportlab.pdfgen import canvas

    buffer = io.BytesIO()
    page = canvas.Canvas(buffer)
    page.drawString(72, 720, text)
    page.showPage()
    page.save()
    return buffer.getvalue()


def oversight_records(council_id: int, meeting_id: int, answered_slip_id: int) -> dict[str, int]:
    from tests.resolution_support import actor

    staff = actor("thuky")
    body = db.session.scalar(select(ResponsibleBody).where(
        ResponsibleBody.council_id == council_id, ResponsibleBody.name == "UBND xã Tân Phú"))
    meeting = db.session.get(Meeting, meeting_id)
    deadline = (meeting.start_date + timedelta(days=30)).isoformat()
    open_one = oversight.record_commitment(
        staff, council_id, source="question", text="Hoàn thành sửa chợ xã trong quý I",
        body_id=body.id, deadline=deadline, question_slip_id=answered_slip_id)
    kept = oversight.record_commitment(
        staff, council_id, source="question", text="Công khai quy hoạch chợ",
        body_id=body.id, deadline=deadline, question_slip_id=answered_slip_id)
    oversight.report_progress(staff, kept.id, text="Đã niêm yết", completes=True,
                              evidence=small_pdf(), filename="minh-chung.pdf")
    mission = oversight.create_mission(
        staff, council_id, by="council", subject="Giám sát chợ xã",
        start_date=date(2026, 6, 1))
    oversight.report_mission(staff, mission.id, conclusion="Cần sửa mái chợ",
                             report=small_pdf("Bao cao"), filename="bao-cao.pdf")
    group = db.session.scalar(select(DelegateGroup.id).where(
        DelegateGroup.council_id == council_id).order_by(DelegateGroup.id))
    voters = oversight.record_voter_meeting(
        staff, council_id, group_id=group, held_on="2026-06-10", place="Nhà văn hóa ấp 1",
        voters_present=40, session_id=meeting_id,
        petitions=[{"text": "Sửa cầu ấp 1", "field": "giao_thong"}])
    petition = oversight.list_petitions(staff, council_id, session_id=meeting_id)[-1]
    oversight.forward_petition(staff, petition.id, body_id=body.id)
    reception = oversight.record_reception(staff, council_id, receiver="delegate",
                                           delegate_id=3, held_on="2026-06-12", citizens=1)
    citizen = oversight.add_citizen_petition(
        staff, reception.id, kind="proposal", citizen_name="Trần Văn Năm",
        summary="Đề nghị sửa đèn đường")
    oversight.forward_citizen_petition(staff, citizen.id, body_id=body.id)
    return {"body_id": body.id, "commitment_id": open_one.id,
            "fulfilled_commitment_id": kept.id, "mission_id": mission.id,
            "voter_meeting_id": voters.id, "petition_id": petition.id,
            "reception_id": reception.id, "citizen_petition_id": citizen.id}
