"""Meetings, their invitees and their agenda."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from paperless import db
from paperless.domain import agenda as agenda_rules
from paperless.domain import meetings as meeting_rules
from paperless.domain.labels import AGENDA_KINDS, MEETING_KINDS
from paperless.models import AgendaItem, Meeting, MeetingInvitee, Term
from paperless.services import audit, clock
from paperless.services.access import MANAGERS, PARTICIPANTS, STAFF, Actor, require
from paperless.services.errors import Conflict, Invalid, NotFound


def _visible(actor: Actor, meeting: Meeting) -> bool:
    return _may_see(actor, meeting.council_id, meeting.status)


def _may_see(actor: Actor, council_id: int, status: str) -> bool:
    if actor.is_superuser or actor.has(council_id, STAFF):
        return True
    return status in meeting_rules.VISIBLE_TO_PARTICIPANTS


def list_meetings(actor: Actor, council_id: int | None = None) -> list[Meeting]:
    query = select(Meeting).order_by(Meeting.start_date.desc(), Meeting.id.desc())
    if council_id is not None:
        require(actor, council_id, PARTICIPANTS)
        query = query.where(Meeting.council_id == council_id)
    elif not actor.is_superuser:
        query = query.where(Meeting.council_id.in_(actor.council_ids))
    return [m for m in db.session.scalars(query) if _visible(actor, m)]


def get_meeting(actor: Actor, meeting_id: int, allowed=PARTICIPANTS) -> Meeting:
    meeting = db.session.get(Meeting, meeting_id)
    if meeting is None:
        raise NotFound("Không tìm thấy kỳ họp.")
    require_meeting_access(actor, meeting.council_id, meeting.status, allowed)
    return meeting


def require_meeting_access(actor: Actor, council_id: int, status: str,
                           allowed=PARTICIPANTS) -> None:
    """What get_meeting checks, for a caller that read the meeting's council and status in
    its own statement (a ballot): 404 unless the actor may see it, 403 without the role."""
    require(actor, council_id, allowed)
    if not _may_see(actor, council_id, status):
        raise NotFound("Không tìm thấy kỳ họp.")


def _audit(actor: Actor, meeting: Meeting, action: str, subject: tuple, details: dict) -> None:
    audit.record(actor, action, council_id=meeting.council_id, meeting_id=meeting.id,
                 subject=subject, details=details)


def _validate(kind: str, title: str, start_date: date, end_date: date) -> str:
    if kind not in MEETING_KINDS:
        raise Invalid("Loại kỳ họp không hợp lệ.", details={"kind": sorted(MEETING_KINDS)})
    title = " ".join((title or "").split())
    if not title:
        raise Invalid("Tên kỳ họp không được để trống.", details={"title": "required"})
    if end_date < start_date:
        raise Invalid("Ngày kết thúc không được trước ngày khai mạc.")
    return title[:300]


def create_meeting(actor: Actor, *, term_id: int, kind: str, title: str, number: int | None,
                   place: str, start_date: date, end_date: date) -> Meeting:
    term = db.session.get(Term, term_id)
    if term is None:
        raise NotFound("Không tìm thấy nhiệm kỳ.")
    require(actor, term.council_id, MANAGERS)
    title = _validate(kind, title, start_date, end_date)
    if number is not None and not 1 <= number <= 999:
        raise Invalid("Số kỳ họp phải từ 1 đến 999.")
    meeting = Meeting(council_id=term.council_id, term_id=term.id, kind=kind, title=title,
                      number=number, place=(place or "").strip()[:300],
                      start_date=start_date, end_date=end_date, status="draft")
    db.session.add(meeting)
    db.session.flush()
    _audit(actor, meeting, "meeting.created", ("meeting", meeting.id),
           {"title": title, "kind": kind, "start_date": start_date, "end_date": end_date})
    db.session.commit()
    return meeting


def update_meeting(actor: Actor, meeting_id: int, *, kind: str, title: str, number: int | None,
                   place: str, start_date: date, end_date: date) -> Meeting:
    meeting = get_meeting(actor, meeting_id, MANAGERS)
    if meeting.status == "closed":
        raise Conflict("Kỳ họp đã bế mạc, không thể sửa.", code="meeting_closed")
    meeting.title = _validate(kind, title, start_date, end_date)
    meeting.kind, meeting.number = kind, number
    meeting.place = (place or "").strip()[:300]
    meeting.start_date, meeting.end_date = start_date, end_date
    _audit(actor, meeting, "meeting.updated", ("meeting", meeting.id),
           {"title": meeting.title, "kind": kind, "number": number, "place": meeting.place,
            "start_date": start_date, "end_date": end_date})
    db.session.commit()
    return meeting



def audit_record(actor: Actor, meeting_id: int) -> dict:
    """The council's staff read a meeting's entries of the tamper-evident record."""
    return audit.record_of(get_meeting(actor, meeting_id, STAFF))

def add_invitee(actor: Actor, meeting_id: int, *, kind: str, full_name: str, title: str,
                user_id: int | None = None) -> MeetingInvitee:
    meeting = get_meeting(actor, meeting_id, MANAGERS)
    if kind not in {"official", "guest"}:
        raise Invalid("Loại khách mời không hợp lệ.")
    full_name = " ".join((full_name or "").split())
    if not full_name:
        raise Invalid("Họ tên không được để trống.")
    invitee = MeetingInvitee(kind=kind, full_name=full_name[:120],
                             title=(title or "").strip()[:200], user_id=user_id)
    meeting.invitees.append(invitee)
    db.session.flush()
    _audit(actor, meeting, "meeting.invitee_added", ("invitee", invitee.id),
           {"kind": kind, "full_name": invitee.full_name, "title": invitee.title})
    db.session.commit()
    return invitee


# --- agenda ---------------------------------------------------------------

def agenda_tree(meeting: Meeting) -> list[agenda_rules.Node]:
    return agenda_rules.build_tree(meeting.agenda_items)


def _editable_meeting(actor: Actor, meeting_id: int) -> Meeting:
    meeting = get_meeting(actor, meeting_id, MANAGERS)
    if not meeting_rules.agenda_editable(meeting.status):
        raise Conflict("Chương trình chỉ sửa được trước khi khai mạc.", code="agenda_locked")
    return meeting


def _get_item(actor: Actor, item_id: int) -> tuple[Meeting, AgendaItem]:
    item = db.session.get(AgendaItem, item_id)
    if item is None:
        raise NotFound("Không tìm thấy mục chương trình.")
    return _editable_meeting(actor, item.meeting_id), item


def _clean_item(title: str, kind: str, planned_minutes: int | None) -> str:
    # One line; control characters (NUL: PostgreSQL refuses it) dropped.
    title = " ".join("".join(c for c in (title or "") if c.isprintable() or c.isspace()).split())
    if not title:
        raise Invalid("Tên mục không được để trống.", details={"title": "required"})
    if kind not in AGENDA_KINDS:
        raise Invalid("Loại mục không hợp lệ.", details={"kind": sorted(AGENDA_KINDS)})
    if planned_minutes is not None and not 0 < planned_minutes <= 24 * 60:
        raise Invalid("Thời lượng dự kiến phải từ 1 đến 1440 phút.")
    return title[:500]


def add_agenda_item(actor: Actor, meeting_id: int, *, title: str, kind: str = "other",
                    presenter: str = "", planned_minutes: int | None = None,
                    parent_id: int | None = None, description: str = "") -> AgendaItem:
    meeting = _editable_meeting(actor, meeting_id)
    title = _clean_item(title, kind, planned_minutes)
    if parent_id is not None:
        parent = db.session.get(AgendaItem, parent_id)
        if parent is None or parent.meeting_id != meeting.id:
            raise Invalid("Mục cha không thuộc kỳ họp này.", details={"parent_id": "invalid"})
    siblings = sorted((i for i in meeting.agenda_items if i.parent_id == parent_id),
                      key=lambda i: (i.position, i.id))
    # A new item lands before "Bế mạc", which stays the last thing of the session.
    index = agenda_rules.insertion_index([i.title for i in siblings], title,
                                         top_level=parent_id is None)
    for position, sibling in enumerate(siblings):
        sibling.position = position if position < index else position + 1
    item = AgendaItem(parent_id=parent_id, title=title, kind=kind,
                      presenter=(presenter or "").strip()[:200], planned_minutes=planned_minutes,
                      description=(description or "")[:5000], position=index)
    # Through the relationship, so the meeting's loaded agenda includes the new item.
    meeting.agenda_items.append(item)
    db.session.flush()
    _audit(actor, meeting, "agenda.added", ("agenda_item", item.id),
           {"title": title, "kind": kind, "parent_id": parent_id})
    db.session.commit()
    return item


def update_agenda_item(actor: Actor, item_id: int, *, title: str, kind: str, presenter: str,
                       planned_minutes: int | None, description: str | None = None) -> AgendaItem:
    """``description=None`` keeps the item's description (the page's form has no field)."""
    _, item = _get_item(actor, item_id)
    item.title = _clean_item(title, kind, planned_minutes)
    item.kind, item.planned_minutes = kind, planned_minutes
    item.presenter = (presenter or "").strip()[:200]
    if description is not None:
        item.description = description[:5000]
    _audit(actor, item.meeting, "agenda.updated", ("agenda_item", item.id),
           {"title": item.title, "kind": kind, "presenter": item.presenter,
            "planned_minutes": planned_minutes})
    db.session.commit()
    return item


def delete_agenda_item(actor: Actor, item_id: int) -> None:
    meeting, item = _get_item(actor, item_id)
    children = [i for i in meeting.agenda_items if i.parent_id == item.id]
    if children:
        raise Conflict("Hãy xóa hoặc chuyển các mục con trước.", code="has_children")
    _audit(actor, meeting, "agenda.deleted", ("agenda_item", item.id), {"title": item.title})
    meeting.agenda_items.remove(item)
    db.session.commit()


def _siblings(meeting: Meeting, parent_id: int | None) -> list[int]:
    items = [i for i in meeting.agenda_items if i.parent_id == parent_id]
    return [i.id for i in sorted(items, key=lambda i: (i.position, i.id))]


def _apply_order(meeting: Meeting, order: list[int]) -> None:
    positions = {i.id: i for i in meeting.agenda_items}
    for item_id, position in agenda_rules.reorder(order, order).items():
        positions[item_id].position = position


def move_agenda_item(actor: Actor, item_id: int, offset: int) -> None:
    meeting, item = _get_item(actor, item_id)
    _apply_order(meeting, agenda_rules.move(_siblings(meeting, item.parent_id), item.id, offset))
    _audit(actor, meeting, "agenda.moved", ("agenda_item", item.id),
           {"offset": offset, "order": _siblings(meeting, item.parent_id)})
    db.session.commit()


def reorder_agenda(actor: Actor, meeting_id: int, parent_id: int | None,
                   order: list[int]) -> None:
    meeting = _editable_meeting(actor, meeting_id)
    try:
        agenda_rules.reorder(_siblings(meeting, parent_id), order)
    except ValueError as exc:
        raise Invalid("Thứ tự mới phải liệt kê đúng các mục cùng cấp.", code="invalid_order") from exc
    _apply_order(meeting, order)
    _audit(actor, meeting, "agenda.reordered", ("meeting", meeting.id),
           {"parent_id": parent_id, "order": order})
    db.session.commit()


def nest_agenda_item(actor: Actor, item_id: int, parent_id: int | None) -> None:
    """Put an item under another parent (or at the top level), as the parent's last child."""
    meeting, item = _get_item(actor, item_id)
    parents = {i.id: i.parent_id for i in meeting.agenda_items}
    if parent_id is not None:
        if parent_id not in parents:
            raise Invalid("Mục cha không thuộc kỳ họp này.")
        if agenda_rules.is_descendant(parents, item.id, parent_id):
            raise Invalid("Không thể đặt một mục vào chính nó hoặc mục con của nó.",
                          code="agenda_cycle")
    old_parent = item.parent_id
    item.parent_id = parent_id
    item.position = len(_siblings(meeting, parent_id))
    db.session.flush()
    _apply_order(meeting, _siblings(meeting, old_parent))
    _audit(actor, meeting, "agenda.nested", ("agenda_item", item.id),
           {"from_parent": old_parent, "to_parent": parent_id})
    db.session.commit()


def meeting_for_today(actor: Actor, council_id: int, today: date | None = None) -> Meeting | None:
    """The meeting a participant should see first: the one in progress, else the next
    upcoming, else the most recent one."""
    today = today or clock.today(council_id)
    meetings = list_meetings(actor, council_id)
    for wanted in (
        lambda m: m.status == "in_progress",
        lambda m: m.status == "published" and m.end_date >= today,
        lambda m: m.status != "draft",
    ):
        candidates = [m for m in meetings if wanted(m)]
        if candidates:
            return min(candidates, key=lambda m: abs((m.start_date - today).days))
    return None
