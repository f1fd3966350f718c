"""API v1 routes: each reads its input, calls one service function, returns JSON."""

from __future__ import annotations

from functools import wraps

from flask import Blueprint, current_app, g, jsonify, request
from flask import session as web_session
from flask_wtf.csrf import CSRFError, validate_csrf

from paperless import db, ratelimit
from paperless.api import openapi as generated
from paperless.api.spec import declare
from paperless.http_errors import error_response
from paperless.limits import accepts_upload
from paperless.models import AgendaItem, User
from paperless.schemas import councils as shapes
from paperless.schemas.base import AnyObject, listing
from paperless.services import auth as auth_service
from paperless.services import councils as council_service
from paperless.services import delegates as delegate_service
from paperless.services import meetings as meeting_service
from paperless.services import serialize as out
from paperless.services.access import actor_for
from paperless.services.errors import Invalid, NotFound, Unauthorized
from paperless.web.auth import cookie_session

bp = Blueprint("api", __name__, url_prefix="/api/v1")


def authenticated(view):
    """Bearer token, or the browser's login session with its CSRF token on writes."""

    @wraps(view)
    def wrapper(*args, **kwargs):
        header = request.headers.get("Authorization", "")
        user = None
        g.api_token = None
        if header.startswith("Bearer "):
            g.api_token = auth_service.token_row(header.removeprefix("Bearer ").strip()[:200])
            user = g.api_token.user if g.api_token else None
        elif "auth" in web_session:
            if request.method not in ("GET", "HEAD", "OPTIONS"):
                try:
                    validate_csrf(request.headers.get("X-CSRFToken", ""))
                except CSRFError as exc:
                    raise Unauthorized("Thiếu mã CSRF.", code="csrf_failed") from exc
                except Exception as exc:  # flask-wtf raises ValidationError for a bad token
                    raise Unauthorized("Mã CSRF không hợp lệ.", code="csrf_failed") from exc
            row = cookie_session()
            user = db.session.get(User, row.user_id) if row is not None else None
        if user is None or not user.is_active:
            raise Unauthorized("Cần đăng nhập (Authorization: Bearer <token>).")
        if request.method not in ("GET", "HEAD", "OPTIONS"):
            ratelimit.require("api_write", user.id)  # refused: 429, nothing done
        g.api_actor = actor_for(user)
        return view(*args, **kwargs)

    return wrapper


@bp.errorhandler(404)
def _not_found(_exc):
    return error_response(404, "not_found", "Không tìm thấy.")


@bp.errorhandler(405)
def _method(_exc):
    return error_response(405, "method_not_allowed", "Phương thức không được hỗ trợ.")


@bp.get("/openapi.json")
@declare("This document", answer=AnyObject, public=True)
def openapi():
    # Drawn once per app: the declarations do not change after start-up, and generating the
    # document (~50–180 ms of CPU) on every anonymous request would be a lever on the hall.
    if "paperless.openapi" not in current_app.extensions:
        current_app.extensions["paperless.openapi"] = generated.document(current_app)
    return jsonify(current_app.extensions["paperless.openapi"])


@bp.post("/auth/token")
@declare("Exchange username and password for a bearer token", status=201,
         body=shapes.Credentials, answer=shapes.Token, errors=(400, 401, 422, 429), public=True)
def token(body: shapes.Credentials):
    user = auth_service.authenticate(
        body.username, body.password,
        remote_addr=request.remote_addr or "",
        policy=auth_service.login_policy(current_app.config),
        window_minutes=current_app.config["LOGIN_WINDOW_MINUTES"],
        production=current_app.config["ENV_NAME"] == "production",
    )
    value, expires = auth_service.issue_token(user, hours=current_app.config["API_TOKEN_HOURS"])
    return jsonify({"token": value, "token_type": "Bearer",
                    "expires_at": expires.isoformat()}), 201


@bp.get("/councils")
@authenticated
@declare("Councils you have a role in", answer=listing("councils", shapes.Council),
         errors=(401,))
def list_councils():
    return jsonify({"councils": [out.council(c) for c in
                                 council_service.list_councils(g.api_actor)]})


@bp.post("/councils")
@authenticated
@declare("Create a council (superuser, or admin of the parent)", status=201,
         body=shapes.CouncilInput, answer=shapes.Council, errors=(400, 401, 403, 404, 422))
def create_council(body: shapes.CouncilInput):
    council = council_service.create_council(
        g.api_actor, name=body.name, level=body.level, parent_id=body.parent_id)
    return jsonify(out.council(council)), 201


@bp.get("/councils/<int:council_id>/session-rules")
@authenticated
@declare("The council's session rules (what bế mạc does to an open vote)",
         answer=shapes.SessionRules, errors=(401, 403, 404))
def session_rules(council_id: int):
    return jsonify(council_service.session_rules(g.api_actor, council_id))


@bp.put("/councils/<int:council_id>/session-rules")
@authenticated
@declare("Set them (council admin): open_vote_at_close refuse | close",
         body=shapes.SessionRulesInput, answer=shapes.SessionRules,
         errors=(400, 401, 403, 404, 422))
def set_session_rules(council_id: int, body: shapes.SessionRulesInput):
    return jsonify(council_service.set_session_rules(
        g.api_actor, council_id, open_vote_at_close=body.open_vote_at_close))


@bp.get("/councils/<int:council_id>/settings")
@authenticated
@declare("What the council's resolutions take from it (staff): place name, session number "
         "style, time zone, recipients, khóa per term, the signers and whether each has a "
         "handwritten-signature image, and a preview", answer=shapes.CouncilSettings,
         errors=(401, 403, 404))
def council_settings(council_id: int):
    return jsonify(council_service.settings(g.api_actor, council_id))


@bp.patch("/councils/<int:council_id>/settings")
@authenticated
@declare("Change some of them (secretariat, admin); absent fields stay. Codes: unknown_field, "
         "invalid_type, invalid_choice, invalid_time_zone, invalid_place_name, too_long, "
         "too_many_lines, invalid_term_number, unknown_term, duplicate_term_number",
         body=shapes.CouncilSettingsInput, answer=shapes.CouncilSettings,
         errors=(400, 401, 403, 404, 422))
def update_council_settings(council_id: int, body: shapes.CouncilSettingsInput):
    return jsonify(council_service.update_settings(g.api_actor, council_id,
                                                   body.model_dump(exclude_unset=True)))


@bp.put("/councils/<int:council_id>/signers/<int:user_id>/signature-image")
@authenticated
@accepts_upload("MAX_DOCUMENT_BYTES")
@declare("A chair's handwritten signature (secretariat, admin): PNG with transparency, 60×20 "
         "to 3000×1500 px, ≤ 2 MB; drawn at the signature place when that chair signs. Codes: "
         "file_required, image_not_png, image_not_transparent, image_too_small, image_too_big, "
         "image_too_large, image_unreadable", form=shapes.SignatureImage,
         also_accepts=("image/png",), answer=shapes.CouncilSettings,
         errors=(400, 401, 403, 404, 413, 422))
def council_signature_image(council_id: int, user_id: int, form: shapes.SignatureImage | None):
    upload = form.file if form is not None else None
    data = upload.read() if upload is not None else request.get_data()
    if not data:
        raise Invalid("Thiếu ảnh chữ ký (trường “file”, PNG).", code="file_required",
                      details={"file": "required"})
    return jsonify(council_service.set_signature_image(g.api_actor, council_id, user_id, data))


@bp.get("/councils/<int:council_id>/delegates")
@authenticated
@declare("Delegates of a council", query=shapes.DelegateQuery,
         answer=listing("delegates", shapes.Delegate), errors=(401, 403, 404, 422))
def list_delegates(council_id: int, query: shapes.DelegateQuery):
    delegates = delegate_service.list_delegates(g.api_actor, council_id, query.term_id)
    view = out.delegate if delegate_service.sees_personal_data(g.api_actor, council_id) \
        else out.delegate_public
    return jsonify({"delegates": [view(d) for d in delegates]})


@bp.post("/councils/<int:council_id>/delegates")
@authenticated
@declare("Add a delegate (secretariat)", status=201, body=shapes.DelegateInput,
         answer=shapes.Delegate, errors=(400, 401, 403, 404, 422))
def create_delegate(council_id: int, body: shapes.DelegateInput):
    council = council_service.get_council(g.api_actor, council_id)
    term_id = body.term_id
    if term_id is None:
        term = council_service.current_term(council.id)
        term_id = term.id if term else None
    if term_id is None:
        raise Invalid("Hội đồng chưa có nhiệm kỳ.", code="no_term")
    term = council_service.get_term(g.api_actor, term_id)
    if term.council_id != council.id:
        raise Invalid("Nhiệm kỳ không thuộc Hội đồng này.", details={"term_id": "invalid"})
    delegate = delegate_service.add_delegate(
        g.api_actor, term.id, full_name=body.full_name, gender=body.gender,
        birth_date=body.birth_date, group_id=body.group_id, committee_id=body.committee_id,
        positions=list(body.positions), serving_from=body.serving_from)
    return jsonify(out.delegate(delegate)), 201


@bp.get("/meetings")
@authenticated
@declare("Meetings you may see", query=shapes.MeetingQuery,
         answer=listing("meetings", shapes.Meeting), errors=(401, 403, 404, 422))
def list_meetings(query: shapes.MeetingQuery):
    meetings = meeting_service.list_meetings(g.api_actor, query.council_id)
    return jsonify({"meetings": [out.meeting(m) for m in meetings]})


@bp.post("/meetings")
@authenticated
@declare("Create a meeting (secretariat)", status=201, body=shapes.MeetingInput,
         answer=shapes.Meeting, errors=(400, 401, 403, 404, 422))
def create_meeting(body: shapes.MeetingInput):
    meeting = meeting_service.create_meeting(
        g.api_actor, term_id=body.term_id, kind=body.kind, title=body.title,
        number=body.number, place=body.place, start_date=body.start_date,
        end_date=body.end_date)
    return jsonify(out.meeting(meeting, with_agenda=True)), 201


@bp.get("/meetings/<int:meeting_id>")
@authenticated
@declare("A meeting with its agenda tree", answer=shapes.Meeting, errors=(401, 403, 404))
def get_meeting(meeting_id: int):
    meeting = meeting_service.get_meeting(g.api_actor, meeting_id)
    return jsonify(out.meeting(meeting, with_agenda=True))


@bp.post("/meetings/<int:meeting_id>/agenda-items")
@authenticated
@declare("Add an agenda item (secretariat); a new top-level item lands before the closing "
         "item (Bế mạc)", status=201,
         body=shapes.AgendaItemInput, answer=shapes.AgendaItem,
         errors=(400, 401, 403, 404, 409, 422))
def create_agenda_item(meeting_id: int, body: shapes.AgendaItemInput):
    item = meeting_service.add_agenda_item(
        g.api_actor, meeting_id, title=body.title, kind=body.kind, presenter=body.presenter,
        planned_minutes=body.planned_minutes, parent_id=body.parent_id,
        description=body.description)
    return jsonify(out.agenda_item(item)), 201


def _agenda_answer(meeting_id: int):
    meeting = meeting_service.get_meeting(g.api_actor, meeting_id)
    return jsonify({"agenda": out.meeting(meeting, with_agenda=True)["agenda"]})


@bp.patch("/agenda-items/<int:item_id>")
@authenticated
@declare("Edit an item (secretariat, before the session opens); parent_id nests it (null: top "
         "level). Answers the renumbered agenda", body=shapes.AgendaItemChange,
         answer=shapes.Agenda, errors=(400, 401, 403, 404, 409, 422))
def update_agenda_item(item_id: int, body: shapes.AgendaItemChange):
    data = body.model_dump(exclude_unset=True)
    item = db.session.get(AgendaItem, item_id)
    if item is None:
        raise NotFound("Không tìm thấy mục chương trình.")
    meeting_service.get_meeting(g.api_actor, item.meeting_id)  # another council: 404
    if set(data) - {"parent_id"}:
        meeting_service.update_agenda_item(
            g.api_actor, item_id,
            title=item.title if body.title is None else body.title,
            kind=item.kind if body.kind is None else body.kind,
            presenter=item.presenter if body.presenter is None else body.presenter,
            planned_minutes=data.get("planned_minutes", item.planned_minutes),
            description=body.description)
    if "parent_id" in data:
        meeting_service.nest_agenda_item(g.api_actor, item_id, body.parent_id)
    return _agenda_answer(item.meeting_id)


@bp.post("/agenda-items/<int:item_id>/move")
@authenticated
@declare("Move an item one place up or down among its siblings (secretariat); answers the "
         "renumbered agenda", body=shapes.AgendaMove, answer=shapes.Agenda,
         errors=(400, 401, 403, 404, 409, 422))
def move_agenda_item(item_id: int, body: shapes.AgendaMove):
    direction = body.direction
    item = db.session.get(AgendaItem, item_id)
    if item is None:
        raise NotFound("Không tìm thấy mục chương trình.")
    meeting_service.move_agenda_item(g.api_actor, item_id, -1 if direction == "up" else 1)
    return _agenda_answer(item.meeting_id)


@bp.delete("/agenda-items/<int:item_id>")
@authenticated
@declare("Delete an item without children (secretariat)", status=204,
         errors=(401, 403, 404, 409))
def delete_agenda_item(item_id: int):
    meeting_service.delete_agenda_item(g.api_actor, item_id)
    return "", 204
