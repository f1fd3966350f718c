"""A meeting's status: draft → published → in progress → closed.

Above `live` (and so above `meetings`, which every session service uses): closing the
meeting from its page is bế mạc, so the hall closes too and an open vote follows the
council's rule first.
"""

from __future__ import annotations

from paperless import db
from paperless.domain import meetings as meeting_rules
from paperless.domain.labels import MEETING_STATUSES
from paperless.models import Meeting
from paperless.services import audit, live, meetings
from paperless.services.access import MANAGERS, Actor
from paperless.services.errors import Conflict


def set_status(actor: Actor, meeting_id: int, status: str) -> Meeting:
    meeting = meetings.get_meeting(actor, meeting_id, MANAGERS)
    if status not in MEETING_STATUSES or not meeting_rules.can_transition(meeting.status, status):
        raise Conflict(
            f"Không thể chuyển kỳ họp từ “{MEETING_STATUSES[meeting.status]}” sang "
            f"“{MEETING_STATUSES.get(status, status)}”.", code="invalid_transition")
    if status == "closed":  # votes belong to the session: the council's rule for an open one
        live.settle_open_vote(actor, meeting)
    audit.record(actor, "meeting.status", council_id=meeting.council_id, meeting_id=meeting.id,
                 subject=("meeting", meeting.id), details={"from": meeting.status, "to": status})
    meeting.status = status
    if status == "closed":
        live.close_with_meeting(actor, meeting)  # commits; every screen shows it closed
    else:
        db.session.commit()
    return meeting
