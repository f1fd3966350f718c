"""Pages of the live session: the chair's console, the delegate's tablet, the hall screen.
They render the frame; static/js/live-session.js fills it from the Socket.IO snapshot."""

from __future__ import annotations

from flask import Blueprint, g, render_template
from sqlalchemy import func, select

from paperless import db
from paperless.domain import live as live_rules
from paperless.services import meetings as meeting_service
from paperless.services.meeting_events import OPERATORS
from paperless.web.auth import login_required

bp = Blueprint("live", __name__)


@bp.get("/meetings/<int:meeting_id>/console")
@login_required
def console(meeting_id: int):
    from paperless.models import Resolution

    meeting = meeting_service.get_meeting(g.actor, meeting_id, OPERATORS)
    # The chair's path to what waits for the signature, from the console.
    awaiting = db.session.scalar(select(func.count()).select_from(Resolution).where(
        Resolution.meeting_id == meeting.id, Resolution.state == "issued"))
    return render_template("live/console.html", meeting=meeting, awaiting_signature=awaiting)


@bp.get("/meetings/<int:meeting_id>/live")
@login_required
def tablet(meeting_id: int):
    meeting = meeting_service.get_meeting(g.actor, meeting_id)
    return render_template("live/tablet.html", meeting=meeting,
                           tree=meeting_service.agenda_tree(meeting),
                           absence_suggestions=live_rules.ABSENCE_SUGGESTIONS)


@bp.get("/meetings/<int:meeting_id>/screen")
@login_required
def screen(meeting_id: int):
    meeting = meeting_service.get_meeting(g.actor, meeting_id)
    return render_template("live/screen.html", meeting=meeting)
