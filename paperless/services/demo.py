"""A realistic demo: a commune council (HĐND xã) with 30 delegates and its next session."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import func, select

from paperless import db
from paperless.config import DEMO_PASSWORD
from paperless.domain import clock
from paperless.models import (
    AgendaItem,
    Council,
    Delegate,
    DelegateStatusChange,
    Meeting,
    MeetingInvitee,
    Term,
)
from paperless.services import councils, users
from paperless.services.access import SYSTEM
from paperless.services.auth import hash_secret
from paperless.services.errors import Conflict

DEMO_PIN = "1234"

DELEGATES = [
    # (full name, gender, group index, committee index or None, positions)
    ("Nguyễn Văn Hùng", "nam", 0, None, ["Chủ tịch HĐND"]),
    ("Trần Thị Lan", "nu", 1, None, ["Phó Chủ tịch HĐND"]),
    ("Lê Minh Tuấn", "nam", 2, 0, ["Trưởng Ban"]),
    ("Phạm Thị Hồng", "nu", 0, 1, ["Trưởng Ban"]),
    ("Hoàng Văn Nam", "nam", 1, 0, ["Phó Trưởng Ban"]),
    ("Vũ Thị Thu", "nu", 2, 1, ["Phó Trưởng Ban"]),
    ("Đặng Quốc Việt", "nam", 0, 0, ["Tổ trưởng Tổ đại biểu"]),
    ("Bùi Thị Mai", "nu", 1, 1, ["Tổ trưởng Tổ đại biểu"]),
    ("Đỗ Văn Thành", "nam", 2, 0, ["Tổ trưởng Tổ đại biểu"]),
    ("Hồ Thị Ngọc", "nu", 0, 1, []),
    ("Ngô Văn Phúc", "nam", 1, 0, []),
    ("Dương Thị Hạnh", "nu", 2, 1, []),
    ("Lý Văn Cường", "nam", 0, 0, []),
    ("Phan Thị Yến", "nu", 1, 1, []),
    ("Võ Văn Dũng", "nam", 2, 0, []),
    ("Trịnh Thị Hoa", "nu", 0, 1, []),
    ("Mai Văn Long", "nam", 1, None, []),
    ("Đinh Thị Phương", "nu", 2, None, []),
    ("Tạ Văn Khoa", "nam", 0, None, []),
    ("Lương Thị Thảo", "nu", 1, None, []),
    ("Nguyễn Đức Anh", "nam", 2, None, []),
    ("Trần Văn Bình", "nam", 0, None, []),
    ("Lê Thị Cúc", "nu", 1, None, []),
    ("Phạm Văn Đạt", "nam", 2, None, []),
    ("Huỳnh Thị Giang", "nu", 0, None, []),
    ("Châu Văn Hải", "nam", 1, None, []),
    ("Nguyễn Thị Kim", "nu", 2, None, []),
    ("Trương Văn Lộc", "nam", 0, None, []),
    ("Lâm Thị Nga", "nu", 1, None, []),
    ("Kiều Văn Quang", "nam", 2, None, []),
]

RECIPIENTS = [
    "Thường trực HĐND tỉnh Đồng Nai;", "UBND tỉnh Đồng Nai;", "Thường trực HĐND xã;",
    "UBND xã;", "Ủy ban MTTQ Việt Nam xã;", "Các đại biểu HĐND xã;",
    "Cổng thông tin điện tử xã;", "Lưu: VT.",
]
BUDGET_ITEM = "Xem xét, thông qua Nghị quyết về dự toán ngân sách nhà nước xã năm 2027"

GROUPS = ["Tổ đại biểu số 1", "Tổ đại biểu số 2", "Tổ đại biểu số 3"]
COMMITTEES = ["Ban Kinh tế - Xã hội", "Ban Pháp chế"]

AGENDA = [
    ("Khai mạc kỳ họp", "other", "Chủ tịch HĐND xã", 15),
    ("Báo cáo tình hình kinh tế - xã hội năm 2026 và kế hoạch năm 2027", "report",
     "Chủ tịch UBND xã", 30),
    ("Báo cáo thẩm tra của các Ban HĐND xã", "report", "Trưởng Ban Kinh tế - Xã hội", 20),
    ("Báo cáo kết quả giải quyết kiến nghị cử tri trước kỳ họp", "report", "UBND xã", 15),
    ("Thảo luận tại hội trường", "discussion", "Chủ tọa điều hành", 90),
    ("Chất vấn và trả lời chất vấn", "questioning", "Chủ tọa điều hành", 60),
    (BUDGET_ITEM, "vote",
     "Trưởng phòng Kinh tế", 20),
    ("Xem xét, thông qua Nghị quyết về kế hoạch đầu tư công năm 2027", "vote",
     "Trưởng phòng Kinh tế", 20),
    ("Xem xét, thông qua Nghị quyết về kế hoạch tổ chức các kỳ họp thường lệ năm 2027", "vote",
     "Thường trực HĐND xã", 10),
    ("Bế mạc kỳ họp", "other", "Chủ tịch HĐND xã", 15),
]

ACCOUNTS = [
    # (username, full name, role, superuser)
    ("admin", "Quản trị hệ thống", "admin", True),
    ("thuky", "Phạm Thu Hà", "secretariat", False),
    ("chutoa", "Nguyễn Văn Hùng", "chair", False),
    ("ubnd", "Trần Quốc Bảo", "official", False),
    ("truongphong", "Lê Thị Mai", "official", False),
    ("manhinh", "Màn hình hội trường", "screen", False),
    ("khach", "Khách mời", "guest", False),
]


def load_demo(today: date | None = None) -> Council:
    """Load into an empty database; refuses to touch one that already holds councils."""
    if db.session.scalar(select(func.count()).select_from(Council)):
        raise Conflict("Cơ sở dữ liệu đã có dữ liệu; không nạp demo.", code="not_empty")
    today = today or clock.today(clock.DEFAULT_ZONE)  # the demo council's zone
    province = councils.create_council(SYSTEM, name="Hội đồng nhân dân tỉnh Đồng Nai",
                                       level="tinh", parent_id=None)
    council = Council(name="Hội đồng nhân dân xã Tân Phú", level="xa", parent_id=province.id,
                      time_zone=clock.DEFAULT_ZONE, session_number_style="words",
                      recipients="\n".join(RECIPIENTS))
    db.session.add(council)
    db.session.flush()
    term = Term(council_id=council.id, name="2026–2031", start_date=date(2026, 3, 15),
                end_date=date(2031, 3, 14), seats=len(DELEGATES), number=12)
    groups = [councils.DelegateGroup(council_id=council.id, name=n) for n in GROUPS]
    committees = [councils.Committee(council_id=council.id, name=n) for n in COMMITTEES]
    db.session.add_all([term, *groups, *committees])
    db.session.flush()

    delegates = []
    for name, gender, group, committee, positions in DELEGATES:
        delegate = Delegate(council_id=council.id, term_id=term.id, full_name=name, gender=gender,
                            group_id=groups[group].id,
                            committee_id=committees[committee].id if committee is not None else None,
                            positions=positions)
        delegate.status_changes.append(
            DelegateStatusChange(status="active", effective_date=term.start_date))
        delegates.append(delegate)
    db.session.add_all(delegates)
    db.session.flush()

    # One scrypt hash for the one demo password: 38 hashes would cost seconds on every load.
    shared_hash = hash_secret(DEMO_PASSWORD)
    made = {}
    for username, full_name, role, superuser in ACCOUNTS:
        user = users.create_user(SYSTEM, username=username, full_name=full_name,
                                 password_hash=shared_hash, is_superuser=superuser,
                                 pin=DEMO_PIN if role == "screen" else None, commit=False)
        # The chair presides as delegate no. 1 (Chủ tịch HĐND).
        users.assign_role(SYSTEM, user, council.id, role,
                          delegates[0].id if role == "chair" else None, commit=False)
        made[username] = user
    users.assign_role(SYSTEM, made["admin"], province.id, "admin", commit=False)
    pin_hash = hash_secret(DEMO_PIN)
    for number, delegate in enumerate(delegates, start=1):
        user = users.create_user(SYSTEM, username=f"daibieu{number:02d}",
                                 full_name=delegate.full_name, password_hash=shared_hash,
                                 commit=False)
        user.pin_hash = pin_hash
        users.assign_role(SYSTEM, user, council.id, "delegate", delegate.id, commit=False)

    start = today + timedelta(days=3)
    meeting = Meeting(council_id=council.id, term_id=term.id, kind="thuong_le", number=5,
                      title="Kỳ họp thứ năm (kỳ họp thường lệ cuối năm 2026)",
                      place="Hội trường UBND xã Tân Phú", start_date=start,
                      end_date=start + timedelta(days=1), status="published")
    for position, (title, kind, presenter, minutes) in enumerate(AGENDA):
        meeting.agenda_items.append(AgendaItem(title=title, kind=kind, presenter=presenter,
                                               planned_minutes=minutes, position=position))
    meeting.invitees.extend([
        MeetingInvitee(kind="official", full_name="Trần Quốc Bảo", title="Chủ tịch UBND xã",
                       user_id=made["ubnd"].id),
        MeetingInvitee(kind="official", full_name="Lê Thị Mai",
                       title="Trưởng phòng Kinh tế UBND xã", user_id=made["truongphong"].id),
        MeetingInvitee(kind="guest", full_name="Đại diện Ủy ban MTTQ Việt Nam xã",
                       title="Khách mời"),
    ])
    db.session.add(meeting)
    db.session.flush()
    _oversight(council, meeting, made, delegates, groups, committees, today)
    db.session.commit()
    return council


BODIES = ["UBND xã Tân Phú", "Phòng Kinh tế UBND xã", "Công an xã Tân Phú"]


def _oversight(council, meeting, made, delegates, groups, committees, today: date) -> None:
    """A few oversight records, so the pages are not empty: bodies with their officials, a
    supervision mission with a recommendation now overdue, a meeting with voters and its
    petitions in each state, and a citizen reception with a complaint."""
    from paperless.models import (
        BodyMember,
        CitizenPetition,
        CitizenReception,
        Commitment,
        ResponsibleBody,
        SupervisionMission,
        VoterMeeting,
        VoterPetition,
    )

    bodies = [ResponsibleBody(council_id=council.id, name=n) for n in BODIES]
    db.session.add_all(bodies)
    db.session.flush()
    db.session.add_all([BodyMember(body_id=bodies[0].id, user_id=made["ubnd"].id),
                        BodyMember(body_id=bodies[1].id, user_id=made["truongphong"].id)])
    mission = SupervisionMission(
        council_id=council.id, by="committee", committee_id=committees[0].id,
        subject="Giám sát việc đầu tư, duy tu đường giao thông nông thôn năm 2026",
        supervised="UBND xã Tân Phú; Phòng Kinh tế UBND xã",
        member_ids=[delegates[2].id, delegates[4].id, delegates[6].id],
        start_date=today - timedelta(days=60), end_date=today - timedelta(days=55),
        conclusion="Một số tuyến đường xuống cấp chưa được sửa chữa kịp thời.")
    db.session.add(mission)
    db.session.flush()
    db.session.add(Commitment(
        council_id=council.id, source="supervision", mission_id=mission.id,
        text="Sửa chữa tuyến đường liên ấp 3–4 trước mùa mưa", body_id=bodies[1].id,
        committed_by="Trưởng phòng Kinh tế UBND xã", deadline=today - timedelta(days=10)))
    voters = VoterMeeting(
        council_id=council.id, group_id=groups[0].id, session_id=meeting.id,
        held_on=today - timedelta(days=20), place="Nhà văn hóa ấp 2", voters_present=86,
        delegate_ids=[delegates[0].id, delegates[3].id, delegates[6].id])
    db.session.add(voters)
    db.session.flush()
    db.session.add_all([
        VoterPetition(council_id=council.id, voter_meeting_id=voters.id, field="giao_thong",
                      text="Đề nghị lắp đèn chiếu sáng tuyến đường ấp 2 đi chợ xã.",
                      body_id=bodies[0].id, status="answered",
                      forwarded_on=today - timedelta(days=18), deadline=today + timedelta(days=12),
                      answered_on=today - timedelta(days=5),
                      answer="UBND xã đã đưa vào kế hoạch đầu tư công năm 2027."),
        VoterPetition(council_id=council.id, voter_meeting_id=voters.id, field="nong_nghiep",
                      text="Đề nghị nạo vét kênh nội đồng ấp 2 trước vụ Đông Xuân.",
                      body_id=bodies[1].id, status="forwarded",
                      forwarded_on=today - timedelta(days=18), deadline=today + timedelta(days=12)),
        VoterPetition(council_id=council.id, voter_meeting_id=voters.id, field="an_ninh",
                      text="Tình trạng xe tải chạy quá tốc độ qua khu dân cư vào ban đêm."),
    ])
    reception = CitizenReception(council_id=council.id, receiver="standing",
                                 held_on=today - timedelta(days=7), place="Trụ sở HĐND xã",
                                 citizens=3, notes="Tiếp công dân định kỳ")
    db.session.add(reception)
    db.session.flush()
    db.session.add(CitizenPetition(
        council_id=council.id, reception_id=reception.id, kind="complaint",
        citizen_name="Nguyễn Văn Tư", citizen_address="Ấp 5, xã Tân Phú",
        citizen_phone="0909000111",
        summary="Khiếu nại việc đo đạc ranh giới thửa đất số 112.", body_id=bodies[0].id,
        status="forwarded", forwarded_on=today - timedelta(days=6),
        deadline=today + timedelta(days=24)))
def add_budget_draft(council: Council):
    """The budget item's draft resolution, the Văn phòng's Word file (its fields are filled
    when the resolution is issued). Converting it takes LibreOffice a few seconds, so the
    test suite's demo loads without it and the tests that need it call this."""
    from paperless.models import Document, User
    from paperless.services import documents
    from paperless.services.access import actor_for
    from paperless.services.demo_documents import resolution_docx

    meeting = db.session.scalar(select(Meeting).where(Meeting.council_id == council.id)
                                .order_by(Meeting.id))
    item = db.session.scalar(select(AgendaItem).where(AgendaItem.meeting_id == meeting.id,
                                                      AgendaItem.title == BUDGET_ITEM))
    existing = db.session.scalar(select(Document).where(Document.agenda_item_id == item.id))
    if existing is not None:
        return existing
    staff = actor_for(db.session.scalar(select(User).where(User.username == "thuky")))
    return documents.upload(staff, meeting.id, resolution_docx(),
                            filename="du-thao-nghi-quyet-du-toan-ngan-sach-2027.docx",
                            title="Dự thảo Nghị quyết về dự toán ngân sách nhà nước xã năm 2027",
                            agenda_item_id=item.id)
