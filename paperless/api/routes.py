"""API v1 routes: each reads its input, calls one service function, returns JSON."""

from __future__ import annotations

from functools import wraps

from flask import Blueprint, current_app, g, jsonify, request
from flask import session as web_session
from flask_wtf.csrf import CSRFError, validate_csrf

from paperless import db, ratelimit
from paperless.api import body
from paperless.api.openapi import document
from paperless.http_errors import error_response
from paperless.limits import accepts_upload
from paperless.models import AgendaItem, User
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
def openapi():
    return jsonify(document())


@bp.post("/auth/token")
def token():
    data = body.json_body()
    user = auth_service.authenticate(
        body.string(data, "username"), body.string(data, "password"),
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
def list_councils():
    return jsonify({"councils": [out.council(c) for c in
                                 council_service.list_councils(g.api_actor)]})


@bp.post("/councils")
@authenticated
def create_council():
    data = body.json_body()
    council = council_service.create_council(
        g.api_actor, name=body.string(data, "name"), level=body.string(data, "level"),
        parent_id=body.integer(data, "parent_id"))
    return jsonify(out.council(council)), 201


@bp.get("/councils/<int:council_id>/session-rules")
@authenticated
def session_rules(council_id: int):
    return jsonify(council_service.session_rules(g.api_actor, council_id))


@bp.put("/councils/<int:council_id>/session-rules")
@authenticated
def set_session_rules(council_id: int):
    data = body.json_body()
    return jsonify(council_service.set_session_rules(
        g.api_actor, council_id, open_vote_at_close=body.string(data, "open_vote_at_close")))


@bp.get("/councils/<int:council_id>/settings")
@authenticated
def council_settings(council_id: int):
    return jsonify(council_service.settings(g.api_actor, council_id))


@bp.patch("/councils/<int:council_id>/settings")
@authenticated
def update_council_settings(council_id: int):
    return jsonify(council_service.update_settings(g.api_actor, council_id, body.json_body()))


@bp.put("/councils/<int:council_id>/signers/<int:user_id>/signature-image")
@authenticated
@accepts_upload("MAX_DOCUMENT_BYTES")
def council_signature_image(council_id: int, user_id: int):
    upload = request.files.get("file")
    data = upload.read() if upload is not None else request.get_data()
    if not data:
        raise Invalid("Thiếu ảnh chữ ký (trường “file”, PNG).", code="file_required",
                      details={"file": "required"})
    return jsonify(council_service.set_signature_image(g.api_actor, council_id, user_id, data))


@bp.get("/councils/<int:council_id>/delegates")
@authenticated
def list_delegates(council_id: int):
    term_id = request.args.get("term_id", type=db.id_arg)
    delegates = delegate_service.list_delegates(g.api_actor, council_id, term_id)
    view = out.delegate if delegate_service.sees_personal_data(g.api_actor, council_id) \
        else out.delegate_public
    return jsonify({"delegates": [view(d) for d in delegates]})


@bp.post("/councils/<int:council_id>/delegates")
@authenticated
def create_delegate(council_id: int):
    data = body.json_body()
    council = council_service.get_council(g.api_actor, council_id)
    term_id = body.integer(data, "term_id")
    if term_id is None:
        term = council_service.current_term(council.id)
        term_id = term.id if term else None
    if term_id is None:
        raise Invalid("Hội đồng chưa có nhiệm kỳ.", code="no_term")
    term = council_service.get_term(g.api_actor, term_id)
    if term.council_id != council.id:
        raise Invalid("Nhiệm kỳ không thuộc Hội đồng này.", details={"term_id": "invalid"})
    delegate = delegate_service.add_delegate(
        g.api_actor, term.id, full_name=body.string(data, "full_name"),
        gender=body.string(data, "gender", required=False, default="khac"),
        birth_date=body.iso_date(data, "birth_date", required=False),
        group_id=body.integer(data, "group_id"), committee_id=body.integer(data, "committee_id"),
        positions=body.string_list(data, "positions"),
        serving_from=body.iso_date(data, "serving_from", required=False))
    return jsonify(out.delegate(delegate)), 201


@bp.get("/meetings")
@authenticated
def list_meetings():
    council_id = request.args.get("council_id", type=db.id_arg)
    meetings = meeting_service.list_meetings(g.api_actor, council_id)
    return jsonify({"meetings": [out.meeting(m) for m in meetings]})


@bp.post("/meetings")
@authenticated
def create_meeting():
    data = body.json_body()
    meeting = meeting_service.create_meeting(
        g.api_actor, term_id=body.integer(data, "term_id", required=True),
        kind=body.string(data, "kind"), title=body.string(data, "title"),
        number=body.integer(data, "number"), place=body.string(data, "place", required=False),
        start_date=body.iso_date(data, "start_date"), end_date=body.iso_date(data, "end_date"))
    return jsonify(out.meeting(meeting, with_agenda=True)), 201


@bp.get("/meetings/<int:meeting_id>")
@authenticated
def get_meeting(meeting_id: int):
    meeting = meeting_service.get_meeting(g.api_actor, meeting_id)
    return jsonify(out.meeting(meeting, with_agenda=True))


@bp.post("/meetings/<int:meeting_id>/agenda-items")
@authenticated
def create_agenda_item(meeting_id: int):
    data = body.json_body()
    item = meeting_service.add_agenda_item(
        g.api_actor, meeting_id, title=body.string(data, "title"),
        kind=body.string(data, "kind", required=False, default="other"),
        presenter=body.string(data, "presenter", required=False),
        planned_minutes=body.integer(data, "planned_minutes"),
        parent_id=body.integer(data, "parent_id"),
        description=body.string(data, "description", required=False))
    return jsonify(out.agenda_item(item)), 201


_AGENDA_FIELDS = {"title", "kind", "presenter", "planned_minutes", "description", "parent_id"}


def _agenda_answer(meeting_id: int):
    meeting = meeting_service.get_meeting(g.api_actor, meeting_id)
    return jsonify({"agenda": out.meeting(meeting, with_agenda=True)["agenda"]})


@bp.patch("/agenda-items/<int:item_id>")
@authenticated
def update_agenda_item(item_id: int):
    """Edit an item (secretariat, before the session opens); "parent_id" nests it elsewhere
    (null: the top level). Answers the whole agenda, renumbered."""
    data = body.json_body()
    unknown = sorted(set(data) - _AGENDA_FIELDS)
    if unknown:
        raise Invalid("Trường không sửa được.", code="unknown_fields",
                      details={"fields": unknown[:10]})
    item = db.session.get(AgendaItem, item_id)
    if item is None:
        raise NotFound("Không tìm thấy mục chương trình.")
    meeting_service.get_meeting(g.api_actor, item.meeting_id)  # another council: 404
    if set(data) - {"parent_id"}:
        meeting_service.update_agenda_item(
            g.api_actor, item_id,
            title=body.string(data, "title", required=False, default=item.title),
            kind=body.string(data, "kind", required=False, default=item.kind),
            presenter=body.string(data, "presenter", required=False, default=item.presenter),
            planned_minutes=body.integer(data, "planned_minutes")
            if "planned_minutes" in data else item.planned_minutes,
            description=body.string(data, "description", required=False, default=None))
    if "parent_id" in data:
        meeting_service.nest_agenda_item(g.api_actor, item_id, body.integer(data, "parent_id"))
    return _agenda_answer(item.meeting_id)


@bp.post("/agenda-items/<int:item_id>/move")
@authenticated
def move_agenda_item(item_id: int):
    """One place up or down among its siblings; answers the whole agenda, renumbered."""
    data = body.json_body()
    direction = body.string(data, "direction")
    if direction not in ("up", "down"):
        raise Invalid("“direction” phải là “up” hoặc “down”.", details={"direction": ["up", "down"]})
    item = db.session.get(AgendaItem, item_id)
    if item is None:
        raise NotFound("Không tìm thấy mục chương trình.")
    meeting_service.move_agenda_item(g.api_actor, item_id, -1 if direction == "up" else 1)
    return _agenda_answer(item.meeting_id)


@bp.delete("/agenda-items/<int:item_id>")
@authenticated
def delete_agenda_item(item_id: int):
    meeting_service.delete_agenda_item(g.api_actor, item_id)
    return "", 204
