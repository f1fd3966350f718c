"""The landing page of each role."""

from __future__ import annotations

from flask import Blueprint, abort, g, redirect, render_template, url_for

from paperless.services import clock
from paperless.services import councils as council_service
from paperless.services import delegates as delegate_service
from paperless.services import meetings as meeting_service
from paperless.services.access import MANAGERS
from paperless.web.auth import ROLE_HOMES, login_required

bp = Blueprint("home", __name__)


@bp.get("/")
@login_required
def index():
    if g.council is None:
        return render_template("home/no_role.html")
    roles = g.actor.roles_in(g.council.id)
    for role, endpoint in ROLE_HOMES:
        if role in roles:
            return redirect(url_for(endpoint))
    return render_template("home/no_role.html")


def _context(*allowed: str) -> dict:
    if g.council is None or not (g.actor.has(g.council.id, allowed) or g.actor.is_superuser):
        abort(403)
    meeting = meeting_service.meeting_for_today(g.actor, g.council.id)
    total = None
    if meeting is not None:
        total = delegate_service.total_delegates_on(meeting.term_id, meeting.start_date)
    return {
        "council": g.council,
        "meeting": meeting,
        "tree": meeting_service.agenda_tree(meeting) if meeting else [],
        "total_delegates": total,
    }


@bp.get("/manage")
@login_required
def manage():
    ctx = _context(*MANAGERS)
    term = council_service.current_term(g.council.id)
    ctx["term"] = term
    ctx["serving_today"] = (
        delegate_service.total_delegates_on(term.id, clock.today(g.council.id)) if term else 0
    )
    ctx["meetings"] = meeting_service.list_meetings(g.actor, g.council.id)
    return render_template("home/manage.html", **ctx)


@bp.get("/chair")
@login_required
def chair():
    from paperless.services import oversight

    overdue = len(oversight.overdue_commitments(g.actor, g.council.id)) \
        if g.council is not None and g.actor.has(g.council.id, ("chair",)) else 0
    return render_template("home/participant.html", role="chair", overdue_commitments=overdue,
                           **_context("chair"))


@bp.get("/delegate")
@login_required
def delegate():
    """A delegate's tablet opens on the live session of their meeting."""
    ctx = _context("delegate")
    if ctx["meeting"] is not None:
        return redirect(url_for("live.tablet", meeting_id=ctx["meeting"].id))
    return render_template("home/participant.html", role="delegate", **ctx)


@bp.get("/official")
@login_required
def official():
    return render_template("home/participant.html", role="official", **_context("official"))


@bp.get("/guest")
@login_required
def guest():
    return render_template("home/participant.html", role="guest", **_context("guest"))


@bp.get("/screen")
@login_required
def screen():
    ctx = _context("screen")
    if ctx["meeting"] is None:
        return render_template("home/screen.html", **ctx)
    return redirect(url_for("live.screen", meeting_id=ctx["meeting"].id))
