"""Model → JSON shapes of the API and of the events services announce (the schemas in
api/openapi.py describe the same)."""

from __future__ import annotations

from paperless.domain import documents as document_rules
from paperless.domain.agenda import Node, build_tree
from paperless.models import AgendaItem, Council, Delegate, Document, DocumentVersion, Meeting


def council(c: Council) -> dict:
    return {"id": c.id, "name": c.name, "level": c.level, "parent_id": c.parent_id}


def delegate_public(d: Delegate) -> dict:
    """What every participant (a guest too) may know: name, positions, group, committee."""
    return {
        "id": d.id, "council_id": d.council_id, "term_id": d.term_id, "full_name": d.full_name,
        "group": d.group.name if d.group else None,
        "committee": d.committee.name if d.committee else None,
        "positions": list(d.positions or []), "status": d.current_status,
    }


def delegate(d: Delegate) -> dict:
    return {
        "id": d.id, "council_id": d.council_id, "term_id": d.term_id, "full_name": d.full_name,
        "gender": d.gender, "birth_date": d.birth_date.isoformat() if d.birth_date else None,
        "group": d.group.name if d.group else None,
        "committee": d.committee.name if d.committee else None,
        "positions": list(d.positions or []), "status": d.current_status,
        "status_history": [{"status": c.status, "effective_date": c.effective_date.isoformat(),
                            "note": c.note} for c in d.status_changes],
    }


def agenda_item(item: AgendaItem, number: str | None = None, children=None) -> dict:
    data = {
        "id": item.id, "parent_id": item.parent_id, "position": item.position,
        "title": item.title, "kind": item.kind, "presenter": item.presenter,
        "planned_minutes": item.planned_minutes, "description": item.description,
    }
    if number is not None:
        data["number"] = number
        data["children"] = children or []
    return data


def _tree(nodes: list[Node]) -> list[dict]:
    return [agenda_item(n.item, n.number, _tree(n.children)) for n in nodes]


def meeting(m: Meeting, *, with_agenda: bool = False) -> dict:
    data = {
        "id": m.id, "council_id": m.council_id, "term_id": m.term_id, "kind": m.kind,
        "number": m.number, "title": m.title, "place": m.place,
        "start_date": m.start_date.isoformat(), "end_date": m.end_date.isoformat(),
        "status": m.status,
    }
    if with_agenda:
        data["agenda"] = _tree(build_tree(m.agenda_items))
        data["invitees"] = [{"id": i.id, "kind": i.kind, "full_name": i.full_name,
                             "title": i.title} for i in m.invitees]
    return data


def version(v: DocumentVersion, access: str) -> dict:
    return {
        "number": v.number, "sha256": v.sha256, "size": v.size, "page_count": v.page_count,
        "original_name": v.original_name, "converted_from": v.converted_from,
        "active_content": v.active_content, "uploaded_at": v.uploaded_at.isoformat(),
        "file_url": f"/api/v1/documents/{v.document_id}/file?version={v.number}",
        "thumbnail_url": (f"/api/v1/documents/{v.document_id}/thumbnail?version={v.number}"
                          if v.thumbnail_sha256 and document_rules.thumbnail_allowed(access)
                          else None),
    }


def document(d: Document, unread: bool | None = None) -> dict:
    data = {
        "id": d.id, "meeting_id": d.meeting_id, "agenda_item_id": d.agenda_item_id,
        "title": d.title, "access": d.access,
        "published_at": d.published_at.isoformat() if d.published_at else None,
        "withdrawn_at": d.withdrawn_at.isoformat() if d.withdrawn_at else None,
        "withdrawn_reason": d.withdrawn_reason or "",
        "current": version(d.current, d.access),
        "versions": [version(v, d.access) for v in d.versions],
    }
    if unread is not None:
        data["unread"] = unread
    return data
