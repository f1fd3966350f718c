"""Opinions (ý kiến) on drafts: giving them, consolidating, the drafting agency's answers,
votes on contested points, and the difference between versions of the draft."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select

from paperless import db
from paperless.domain import opinions as rules
from paperless.domain import textdiff
from paperless.models import (
    Delegate,
    DelegateGroup,
    Document,
    DocumentPage,
    DraftAgency,
    GroupSecretary,
    Meeting,
    MeetingInvitee,
    Opinion,
    User,
)
from paperless.services import audit, votes
from paperless.services.access import MANAGERS, STAFF, Actor, require
from paperless.services.documents import get_document, version_of
from paperless.services.errors import Conflict, Forbidden, Invalid, NotFound
from paperless.services.meetings import get_meeting

KEEPERS = STAFF  # the secretariat compiles; the chair and the admin may too
POINT_VOTERS = frozenset({"chair", "secretariat"})  # who opens a vote on a contested point


def _now() -> datetime:
    return datetime.now(UTC)


def _audit(actor: Actor, meeting, action: str, subject: tuple, details: dict) -> None:
    audit.record(actor, action, council_id=meeting.council_id, meeting_id=meeting.id,
                 subject=subject, details=details)


def _clean(value, limit: int, label: str, required: bool = False) -> str:
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise Invalid(f"{label} phải là chuỗi.")
    value = value.strip()
    if required and not value:
        raise Invalid(f"{label} không được để trống.", details={"text": "required"})
    if len(value) > limit:
        raise Invalid(f"{label} tối đa {limit} ký tự.")
    return value


def _rule(fn, *args):
    try:
        return fn(*args)
    except rules.OpinionRuleError as exc:
        raise Conflict(exc.message, code=exc.code) from exc


def _is_keeper(actor: Actor, council_id: int) -> bool:
    return actor.is_superuser or actor.has(council_id, KEEPERS)


# --- the drafting agency and group secretaries -------------------------------------------

def agency_of(document: Document) -> list[MeetingInvitee]:
    ids = db.session.scalars(select(DraftAgency.invitee_id).where(
        DraftAgency.document_id == document.id)).all()
    return [db.session.get(MeetingInvitee, i) for i in sorted(ids)]


def set_drafting_agency(actor: Actor, document_id: int, invitee_ids: list[int]) -> list:
    """The officials who answer this draft's opinions (the agency that drafted it)."""
    document = get_document(actor, document_id, MANAGERS)
    meeting = get_meeting(actor, document.meeting_id, MANAGERS)
    officials = {i.id for i in meeting.invitees if i.kind == "official"}
    if not isinstance(invitee_ids, list) or any(i not in officials for i in invitee_ids):
        raise Invalid("Người của cơ quan soạn thảo phải là quan chức mời dự kỳ họp.",
                      code="invalid_official")
    for row in db.session.scalars(select(DraftAgency).where(
            DraftAgency.document_id == document.id)):
        db.session.delete(row)
    db.session.flush()
    db.session.add_all(DraftAgency(document_id=document.id, invitee_id=i)
                       for i in sorted(set(invitee_ids)))
    _audit(actor, meeting, "opinions.agency_set", ("document", document.id),
           {"invitee_ids": sorted(set(invitee_ids))})
    db.session.commit()
    return agency_of(document)


def is_agency_official(actor: Actor, document: Document) -> bool:
    """An official account linked to an invitee of this draft's agency: for that draft only."""
    if actor.user_id is None:
        return False
    meeting = db.session.get(Meeting, document.meeting_id)
    if "official" not in actor.roles_in(meeting.council_id):
        return False
    return any(i.user_id == actor.user_id for i in agency_of(document))


def group_secretaries(council_id: int) -> dict[int, int]:
    """group id → the secretary's delegate id."""
    rows = db.session.execute(select(GroupSecretary.group_id, GroupSecretary.delegate_id)
                              .join(DelegateGroup, DelegateGroup.id == GroupSecretary.group_id)
                              .where(DelegateGroup.council_id == council_id))
    return dict(rows.all())


def set_group_secretary(actor: Actor, group_id: int, delegate_id: int | None) -> GroupSecretary | None:
    group = db.session.get(DelegateGroup, group_id)
    if group is None:
        raise NotFound("Không tìm thấy tổ đại biểu.")
    require(actor, group.council_id, MANAGERS)
    row = db.session.get(GroupSecretary, group.id)
    if delegate_id is None:
        if row is not None:
            db.session.delete(row)
    else:
        delegate = db.session.get(Delegate, delegate_id)
        if delegate is None or delegate.group_id != group.id:
            raise Invalid("Thư ký tổ phải là đại biểu của tổ.", code="invalid_delegate")
        if row is None:
            row = GroupSecretary(group_id=group.id, delegate_id=delegate.id)
            db.session.add(row)
        row.delegate_id = delegate.id
    audit.record(actor, "group.secretary_set", council_id=group.council_id,
                 subject=("delegate_group", group.id), details={"delegate_id": delegate_id})
    db.session.commit()
    return row if delegate_id is not None else None


def secretary_of_group(actor: Actor, council_id: int) -> int | None:
    """The delegate group this actor records opinions for, if they are its secretary."""
    delegate_id = actor.delegate_ids.get(council_id)
    if delegate_id is None or "delegate" not in actor.roles_in(council_id):
        return None
    for group_id, secretary in group_secretaries(council_id).items():
        if secretary == delegate_id:
            return group_id
    return None


# --- opinions ------------------------------------------------------------------------------

def _check_passage(version, page, rect) -> tuple[int | None, list[float] | None]:
    if page is None:
        if rect is not None:
            raise Invalid("Vùng đánh dấu cần số trang.", details={"page": "required"})
        return None, None
    if not isinstance(page, int) or isinstance(page, bool) or not 1 <= page <= version.page_count:
        raise Invalid(f"Trang phải từ 1 đến {version.page_count}.", details={"page": "range"})
    if rect is None:
        return page, None
    if (not isinstance(rect, list) or len(rect) != 4
            or not all(isinstance(v, int | float) and not isinstance(v, bool)
                       and -1e5 < v < 1e5 for v in rect)):
        raise Invalid("Vùng đánh dấu phải là [x0, y0, x1, y1].", details={"rect": "invalid"})
    return page, [float(v) for v in rect]


def give_opinion(actor: Actor, document_id: int, *, text: str, article: str = "",
                 proposed_wording: str = "", quote: str = "", page: int | None = None,
                 rect=None, for_group: bool = False, delegate_id: int | None = None,
                 group_id: int | None = None) -> Opinion:
    """A delegate in their own name; a group's secretary for the group (`for_group`); the
    secretariat an opinion received on paper, for a delegate or a group."""
    document = get_document(actor, document_id)
    meeting = get_meeting(actor, document.meeting_id)
    council_id = meeting.council_id
    if delegate_id is not None or group_id is not None:
        if not _is_keeper(actor, council_id):
            raise Forbidden("Chỉ Văn phòng nhập ý kiến nhận bằng văn bản giấy.")
        if (delegate_id is None) == (group_id is None):
            raise Invalid("Chọn một đại biểu hoặc một tổ đại biểu.", code="invalid_author")
        source = "paper"
    elif for_group:
        group_id = secretary_of_group(actor, council_id)
        if group_id is None:
            raise Forbidden("Chỉ thư ký tổ ghi ý kiến của tổ.", code="not_group_secretary")
        source = "group"
    else:
        delegate_id = actor.votes_in(council_id)
        if delegate_id is None:
            raise Forbidden("Chỉ đại biểu được góp ý kiến.", code="not_a_delegate")
        source = "tablet"
    if delegate_id is not None:
        delegate = db.session.get(Delegate, delegate_id)
        if delegate is None or delegate.term_id != meeting.term_id:
            raise Invalid("Đại biểu không thuộc nhiệm kỳ của kỳ họp.", code="invalid_delegate")
    if group_id is not None:
        group = db.session.get(DelegateGroup, group_id)
        if group is None or group.council_id != council_id:
            raise Invalid("Tổ đại biểu không thuộc Hội đồng.", code="invalid_group")
    if meeting.status == "closed":
        raise Conflict("Kỳ họp đã bế mạc.", code="meeting_closed")
    version = version_of(document, None)
    page, rect = _check_passage(version, page, rect)
    opinion = Opinion(
        meeting_id=meeting.id, document_id=document.id, version_id=version.id,
        delegate_id=delegate_id, group_id=group_id, source=source, entered_by=actor.user_id,
        article=_clean(article, 100, "Điều, khoản"), page_number=page, rect=rect,
        quote=_clean(quote, 2000, "Đoạn trích"),
        text=_clean(text, 5000, "Nội dung ý kiến", required=True),
        proposed_wording=_clean(proposed_wording, 5000, "Đề xuất sửa"), status="new")
    db.session.add(opinion)
    db.session.flush()
    _audit(actor, meeting, "opinion.given", ("opinion", opinion.id),
           {"document_id": document.id, "delegate_id": delegate_id, "group_id": group_id,
            "source": source, "article": opinion.article, "page": page})
    db.session.commit()
    return opinion


def _may_see(actor: Actor, document: Document, council_id: int, opinion: Opinion) -> bool:
    if _is_keeper(actor, council_id) or is_agency_official(actor, document):
        return True
    mine = actor.delegate_ids.get(council_id)
    if mine is None:
        return False
    if mine in _author_delegates(opinion):
        return True
    delegate = db.session.get(Delegate, mine)
    return delegate is not None and delegate.group_id is not None \
        and delegate.group_id in _author_groups(opinion)


def _merged_into(opinion: Opinion) -> list[Opinion]:
    return list(db.session.scalars(select(Opinion).where(
        Opinion.merged_into_id == opinion.id).order_by(Opinion.id)))


def _author_delegates(opinion: Opinion) -> set[int]:
    return {o.delegate_id for o in [opinion, *_merged_into(opinion)] if o.delegate_id}


def _author_groups(opinion: Opinion) -> set[int]:
    return {o.group_id for o in [opinion, *_merged_into(opinion)] if o.group_id}


def _author_name(opinion: Opinion) -> str:
    if opinion.group_id:
        return db.session.get(DelegateGroup, opinion.group_id).name
    return db.session.get(Delegate, opinion.delegate_id).full_name


def authors(opinion: Opinion) -> list[str]:
    """The opinion's author and every author of the opinions merged into it, once each."""
    names: list[str] = []
    for row in [opinion, *_merged_into(opinion)]:
        name = _author_name(row)
        if name not in names:
            names.append(name)
    return names


def get_opinion(actor: Actor, opinion_id: int) -> tuple[Opinion, Document, object]:
    opinion = db.session.get(Opinion, opinion_id)
    if opinion is None:
        raise NotFound("Không tìm thấy ý kiến.")
    document = db.session.get(Document, opinion.document_id)
    meeting = get_meeting(actor, document.meeting_id)
    if not _may_see(actor, document, meeting.council_id, opinion):
        raise NotFound("Không tìm thấy ý kiến.")
    return opinion, document, meeting


def list_opinions(actor: Actor, document_id: int) -> list[Opinion]:
    """Staff and the agency: all; a delegate: their own and their group's."""
    document = get_document(actor, document_id)
    meeting = get_meeting(actor, document.meeting_id)
    rows = db.session.scalars(select(Opinion).where(Opinion.document_id == document.id)
                              .order_by(Opinion.id)).all()
    return [o for o in rows if _may_see(actor, document, meeting.council_id, o)]


def withdraw(actor: Actor, opinion_id: int) -> Opinion:
    opinion, _document, meeting = get_opinion(actor, opinion_id)
    council_id = meeting.council_id
    own = (opinion.delegate_id is not None
           and opinion.delegate_id == actor.delegate_ids.get(council_id)
           and opinion.source == "tablet")
    group = opinion.group_id is not None and opinion.group_id == secretary_of_group(actor, council_id)
    if not (own or group or _is_keeper(actor, council_id)):
        raise Forbidden("Chỉ người góp ý (hoặc Văn phòng) được rút ý kiến.")
    opinion.status = _rule(rules.check_transition, opinion.status, "withdrawn")
    _audit(actor, meeting, "opinion.withdrawn", ("opinion", opinion.id), {})
    db.session.commit()
    return opinion


def merge(actor: Actor, keep_id: int, duplicate_ids: list[int]) -> Opinion:
    """Duplicates point at the kept opinion; every author stays an author of it."""
    keep, document, meeting = get_opinion(actor, keep_id)
    require(actor, meeting.council_id, KEEPERS)
    duplicates = []
    for dup_id in duplicate_ids:
        if dup_id == keep.id:
            continue
        dup, _doc, _meeting = get_opinion(actor, dup_id)
        if dup.document_id != keep.document_id:
            raise Invalid("Chỉ gộp ý kiến về cùng một dự thảo.", code="invalid_merge")
        duplicates.append(dup)
    if not duplicates:
        raise Invalid("Chọn ít nhất một ý kiến trùng để gộp.", code="invalid_merge")
    if not rules.may_merge([keep.status, *(d.status for d in duplicates)]):
        raise Conflict("Chỉ gộp được các ý kiến chưa được trả lời.", code="invalid_merge")
    for dup in duplicates:
        dup.status, dup.merged_into_id = "merged", keep.id
        for child in _merged_into(dup):  # opinions merged into the duplicate follow it
            child.merged_into_id = keep.id
    _audit(actor, meeting, "opinion.merged", ("opinion", keep.id),
           {"merged": [d.id for d in duplicates]})
    db.session.commit()
    return keep


def answer(actor: Actor, opinion_id: int, *, state: str, text: str) -> Opinion:
    """Tiếp thu or giải trình: by an official of this draft's drafting agency, nobody else."""
    opinion, document, meeting = get_opinion(actor, opinion_id)
    if not is_agency_official(actor, document):
        raise Forbidden("Chỉ cơ quan soạn thảo dự thảo này trả lời ý kiến.",
                        code="not_drafting_agency")
    if state not in rules.ANSWERS:
        raise Invalid("Trả lời là “tiếp thu” hoặc “giải trình”.",
                      details={"state": list(rules.ANSWERS)})
    if opinion.status != state:
        opinion.status = _rule(rules.check_transition, opinion.status, state)
    opinion.answer = _clean(text, 5000, "Nội dung trả lời", required=True)
    opinion.answered_by, opinion.answered_at = actor.user_id, _now()
    _audit(actor, meeting, "opinion.answered", ("opinion", opinion.id), {"state": state})
    db.session.commit()
    return opinion


def open_point_vote(actor: Actor, opinion_id: int, *, title: str = "",
                    open_now: bool = False) -> dict:
    """A vote on this contested point (the existing votes, on the draft's agenda item),
    linked to the opinion; held before the vote on the whole text."""
    opinion, document, meeting = get_opinion(actor, opinion_id)
    require(actor, meeting.council_id, POINT_VOTERS)
    if opinion.status in ("merged", "withdrawn"):
        raise Conflict("Ý kiến đã gộp hoặc đã rút.", code="invalid_transition")
    if opinion.vote_id is not None:
        raise Conflict("Điểm này đã có cuộc biểu quyết.", code="already_has_vote")
    if document.agenda_item_id is None:
        raise Conflict("Dự thảo chưa gắn với mục chương trình nào.", code="no_agenda_item")
    where = f"{opinion.article}: " if opinion.article else ""
    title = _clean(title, 400, "Nội dung biểu quyết") or \
        f"Biểu quyết riêng về {where}{(opinion.proposed_wording or opinion.text)[:300]}"
    vote = votes.create_vote(actor, document.agenda_item_id, kind="open", title=title)
    opinion.vote_id = vote.id
    _audit(actor, meeting, "opinion.vote_linked", ("opinion", opinion.id), {"vote_id": vote.id})
    db.session.commit()
    if open_now:
        votes.open_vote(actor, vote.id)
    return {"vote_id": vote.id, "opinion_id": opinion.id, "title": vote.title,
            "status": db.session.get(type(vote), vote.id).status}


def view(opinion: Opinion, council=None) -> dict:
    from paperless.domain.council_time import format_local

    answered_by = db.session.get(User, opinion.answered_by) if opinion.answered_by else None
    return {
        "id": opinion.id, "document_id": opinion.document_id,
        "version_id": opinion.version_id, "authors": authors(opinion),
        "author_kind": "group" if opinion.group_id else "delegate",
        "delegate_id": opinion.delegate_id, "group_id": opinion.group_id,
        "source": opinion.source, "source_label": rules.SOURCES[opinion.source],
        "article": opinion.article, "page": opinion.page_number, "rect": opinion.rect,
        "quote": opinion.quote, "text": opinion.text,
        "proposed_wording": opinion.proposed_wording, "status": opinion.status,
        "status_label": rules.STATES[opinion.status], "merged_into_id": opinion.merged_into_id,
        "answer": opinion.answer, "answered_by": answered_by.full_name if answered_by else "",
        "answered_at": opinion.answered_at.isoformat() if opinion.answered_at else None,
        "answered_at_local": format_local(opinion.answered_at, council),
        "vote_id": opinion.vote_id, "created_at": opinion.created_at.isoformat()}


def by_article(views: list[dict]) -> list[tuple[str, list[dict]]]:
    """Opinions grouped by the article they concern, in first-mentioned order; merged ones
    appear under the opinion they were merged into."""
    groups: dict[str, list[dict]] = {}
    for item in views:
        if item["status"] == "merged":
            continue
        groups.setdefault(item["article"] or "Ý kiến chung", []).append(item)
    return list(groups.items())


def per_delegate(actor: Actor, meeting_id: int) -> list[dict]:
    """Statistics: opinions given by each delegate (merged ones still count for their author,
    withdrawn ones do not; the council's statistics count the same way)."""
    meeting = get_meeting(actor, meeting_id, KEEPERS)
    rows = db.session.scalars(select(Opinion).where(Opinion.meeting_id == meeting.id,
                                                    Opinion.delegate_id.is_not(None),
                                                    Opinion.status != "withdrawn")).all()
    counts: dict[int, int] = {}
    for row in rows:
        counts[row.delegate_id] = counts.get(row.delegate_id, 0) + 1
    return sorted(({"delegate_id": d, "name": db.session.get(Delegate, d).full_name,
                    "opinions": n} for d, n in counts.items()),
                  key=lambda r: (-r["opinions"], r["name"]))


# --- reports -------------------------------------------------------------------------------

def report_data(actor: Actor, document_id: int) -> dict:
    """What the compilation and the báo cáo tiếp thu, giải trình print (staff, the agency)."""
    document = get_document(actor, document_id)
    meeting = get_meeting(actor, document.meeting_id)
    if not (_is_keeper(actor, meeting.council_id) or is_agency_official(actor, document)):
        raise Forbidden("Chỉ Văn phòng và cơ quan soạn thảo xem tổng hợp ý kiến.")
    views = [view(o, meeting.council) for o in list_opinions(actor, document.id)]
    return {"council": meeting.council.name, "meeting": meeting.title,
            "document": document.title, "version": document.current.number,
            "agency": ", ".join(f"{i.full_name} — {i.title}" if i.title else i.full_name
                                for i in agency_of(document)),
            "articles": by_article(views), "generated_at": _now(),
            "council_obj": meeting.council}


# --- versions ------------------------------------------------------------------------------

def _version_text(version) -> str:
    pages = db.session.scalars(select(DocumentPage.text).where(
        DocumentPage.version_id == version.id).order_by(DocumentPage.page_number)).all()
    return "\n".join(pages)


def version_diff(actor: Actor, document_id: int, old: int | None = None,
                 new: int | None = None) -> dict:
    """Sentences inserted and deleted between two versions (text extracted at upload)."""
    document = get_document(actor, document_id)
    if len(document.versions) < 2 and (old is None or new is None):
        raise Conflict("Dự thảo mới có một phiên bản.", code="single_version")
    new_version = version_of(document, new)
    old_version = version_of(document, old if old is not None else new_version.number - 1)
    if old_version.number == new_version.number:
        raise Invalid("Chọn hai phiên bản khác nhau.", code="same_version")
    pieces = textdiff.diff(_version_text(old_version), _version_text(new_version))
    return {"document_id": document.id, "title": document.title,
            "from": old_version.number, "to": new_version.number,
            "versions": [v.number for v in document.versions],
            "pieces": [{"op": p.op, "text": p.text} for p in pieces],
            "summary": textdiff.summary(pieces)}
