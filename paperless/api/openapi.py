"""The OpenAPI 3 document of /api/v1. tests/test_openapi.py keeps it in step with the routes."""

from __future__ import annotations

from paperless.domain.labels import AGENDA_KINDS, COUNCIL_LEVELS, GENDERS, MEETING_KINDS


def _ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def _json(schema: dict) -> dict:
    return {"content": {"application/json": {"schema": schema}}}


def _errors(*statuses: int) -> dict:
    text = {400: "Bad request", 401: "Not authenticated", 403: "Role not allowed",
            404: "Not found (or in a council you have no role in)", 409: "Conflict",
            410: "Gone (document_withdrawn)",
            413: "Too large", 422: "Invalid field",
            429: "Too many failed logins (too_many_attempts, Retry-After), or requests too fast "
                 "(rate_limited: every write is rate-limited per user; nothing was done)"}
    return {str(s): {"description": text[s], **_json(_ref("Error"))} for s in statuses}


def _op(summary: str, ok: int, schema: dict | None, *errors: int, request: dict | None = None,
        params: list | None = None, public: bool = False) -> dict:
    op = {"summary": summary,
          "responses": {str(ok): {"description": "OK", **(_json(schema) if schema else {})},
                        **_errors(*errors)}}
    if request:
        op["requestBody"] = {"required": True, **_json(request)}
    if params:
        op["parameters"] = params
    if public:
        op["security"] = []
    return op


def _path_id(name: str) -> dict:
    return {"name": name, "in": "path", "required": True, "schema": {"type": "integer"}}


def _query_int(name: str) -> dict:
    return {"name": name, "in": "query", "required": False, "schema": {"type": "integer"}}


_STR = {"type": "string"}
_INT = {"type": "integer"}
_DATE = {"type": "string", "format": "date"}
_NULL_INT = {"type": ["integer", "null"]}

SCHEMAS = {
    "Error": {"type": "object", "required": ["error"], "properties": {"error": {
        "type": "object", "required": ["code", "message"],
        "properties": {"code": _STR, "message": _STR, "details": {}}}}},
    "Credentials": {"type": "object", "required": ["username", "password"],
                    "properties": {"username": _STR, "password": _STR}},
    "Token": {"type": "object", "required": ["token"], "properties": {
        "token": _STR, "token_type": _STR, "expires_at": {"type": "string", "format": "date-time"}}},
    "Council": {"type": "object", "properties": {
        "id": _INT, "name": _STR, "level": {"type": "string", "enum": sorted(COUNCIL_LEVELS)},
        "parent_id": _NULL_INT}},
    "CouncilSettings": {"type": "object", "properties": {
        "council_id": _INT, "name": _STR, "place_name": _STR,
        "session_number_style": {"type": "string", "enum": ["words", "digits"]},
        "time_zone": _STR, "recipients": _STR,
        "term_numbers": {"type": "object", "additionalProperties": _NULL_INT},
        "terms": {"type": "array", "items": {"type": "object", "properties": {
            "id": _INT, "name": _STR, "number": _NULL_INT,
            "khoa": {"type": ["string", "null"]}}}},
        "signers": {"type": "array", "items": {"type": "object", "properties": {
            "user_id": _INT, "full_name": _STR, "role": _STR,
            "image": {"type": ["string", "null"], "enum": ["own", "council", None]}}}},
        "preview": {"type": "object", "properties": {
            "place_date": _STR, "session_line": _STR,
            "recipients": {"type": "array", "items": _STR}}}}},
    "CouncilSettingsInput": {"type": "object", "additionalProperties": False, "properties": {
        "place_name": {"type": "string", "maxLength": 100},
        "session_number_style": {"type": "string", "enum": ["words", "digits"]},
        "time_zone": {"type": "string", "description": "IANA name, e.g. Asia/Ho_Chi_Minh"},
        "recipients": {"type": "string", "description": "one recipient a line"},
        "term_numbers": {"type": "object", "description": "{term id: khóa} as 12, \"12\" "
                         "or \"XII\"; null or \"\" clears it",
                         "additionalProperties": {"type": ["integer", "string", "null"]}}}},
    "CouncilInput": {"type": "object", "required": ["name", "level"], "properties": {
        "name": {"type": "string", "minLength": 1, "maxLength": 200},
        "level": {"type": "string", "enum": sorted(COUNCIL_LEVELS)}, "parent_id": _NULL_INT}},
    # gender, birth_date and status_history: staff only (others see names and positions)
    "Delegate": {"type": "object", "properties": {
        "id": _INT, "council_id": _INT, "term_id": _INT, "full_name": _STR, "gender": _STR,
        "birth_date": {"type": ["string", "null"], "format": "date"},
        "group": {"type": ["string", "null"]}, "committee": {"type": ["string", "null"]},
        "positions": {"type": "array", "items": _STR}, "status": {"type": ["string", "null"]},
        "status_history": {"type": "array", "items": {"type": "object", "properties": {
            "status": _STR, "effective_date": _DATE, "note": _STR}}}}},
    "DelegateInput": {"type": "object", "required": ["full_name"], "properties": {
        "full_name": {"type": "string", "minLength": 1, "maxLength": 120},
        "gender": {"type": "string", "enum": sorted(GENDERS)}, "birth_date": _DATE,
        "term_id": _INT, "group_id": _INT, "committee_id": _INT, "serving_from": _DATE,
        "positions": {"type": "array", "items": _STR}}},
    "AgendaItem": {"type": "object", "properties": {
        "id": _INT, "parent_id": _NULL_INT, "position": _INT, "number": _STR, "title": _STR,
        "kind": {"type": "string", "enum": sorted(AGENDA_KINDS)}, "presenter": _STR,
        "planned_minutes": _NULL_INT, "description": _STR,
        "children": {"type": "array", "items": _ref("AgendaItem")}}},
    "AgendaItemInput": {"type": "object", "required": ["title"], "properties": {
        "title": {"type": "string", "minLength": 1, "maxLength": 500},
        "kind": {"type": "string", "enum": sorted(AGENDA_KINDS)}, "presenter": _STR,
        "planned_minutes": {"type": "integer", "minimum": 1, "maximum": 1440},
        "parent_id": _INT, "description": _STR}},
    "Meeting": {"type": "object", "properties": {
        "id": _INT, "council_id": _INT, "term_id": _INT,
        "kind": {"type": "string", "enum": sorted(MEETING_KINDS)}, "number": _NULL_INT,
        "title": _STR, "place": _STR, "start_date": _DATE, "end_date": _DATE,
        "status": {"type": "string", "enum": ["draft", "published", "in_progress", "closed"]},
        "agenda": {"type": "array", "items": _ref("AgendaItem")},
        "invitees": {"type": "array", "items": {"type": "object"}}}},
    "DocumentVersion": {"type": "object", "properties": {
        "number": _INT, "sha256": _STR, "size": _INT, "page_count": _INT, "original_name": _STR,
        "converted_from": {"type": ["string", "null"]},
        "active_content": {"type": "array", "items": {"type": "object"}},
        "uploaded_at": {"type": "string", "format": "date-time"}, "file_url": _STR,
        "thumbnail_url": {"type": ["string", "null"]}}},
    "Document": {"type": "object", "properties": {
        "id": _INT, "meeting_id": _INT, "agenda_item_id": _NULL_INT, "title": _STR,
        "access": {"type": "string", "enum": ["public", "delegates", "confidential"]},
        "published_at": {"type": ["string", "null"], "format": "date-time"},
        "withdrawn_at": {"type": ["string", "null"], "format": "date-time"},
        "withdrawn_reason": _STR,
        "unread": {"type": "boolean"}, "current": _ref("DocumentVersion"),
        "versions": {"type": "array", "items": _ref("DocumentVersion")}}},
    "DocumentChange": {"type": "object", "minProperties": 1, "additionalProperties": False,
                       "properties": {
        "title": {"type": "string", "minLength": 1, "maxLength": 300},
        "agenda_item_id": _NULL_INT,
        "access": {"type": "string", "enum": ["public", "delegates", "confidential"]}}},
    "DocumentUpload": {"type": "object", "required": ["file"], "properties": {
        "file": {"type": "string", "format": "binary",
                 "description": "PDF; .docx/.doc/.odt are converted with LibreOffice"},
        "title": _STR, "agenda_item_id": _INT,
        "access": {"type": "string", "enum": ["public", "delegates", "confidential"]}}},
    "Note": {"type": "object", "properties": {
        "id": _INT, "page": _INT, "kind": {"type": "string", "enum": ["highlight", "comment"]},
        "rect": {"type": "array", "items": {"type": "number"}, "minItems": 4, "maxItems": 4},
        "text": _STR, "colour": _STR, "updated_at": {"type": "string", "format": "date-time"}}},
    "NoteInput": {"type": "object", "required": ["page", "kind", "rect"], "properties": {
        "version": _INT, "page": {"type": "integer", "minimum": 1},
        "kind": {"type": "string", "enum": ["highlight", "comment"]},
        "rect": {"type": "array", "items": {"type": "number"}, "minItems": 4, "maxItems": 4},
        "text": {"type": "string", "maxLength": 5000},
        "colour": {"type": "string", "pattern": "^#[0-9a-fA-F]{6}$"}}},
    "Vote": {"type": "object", "properties": {
        "id": _INT, "agenda_item_id": _INT, "round": _INT,
        "kind": {"type": "string", "enum": ["open", "secret", "election", "confidence",
                                            "no_confidence"]},
        "title": _STR, "options": {"type": "array", "items": {"type": "array"}},
        "seats": _INT, "exact": {"type": "boolean"}, "rule": _STR,
        "allow_change": {"type": "boolean"}, "secret": {"type": "boolean"},
        "status": {"type": "string", "enum": ["draft", "open", "closed", "announced",
                                              "cancelled"]},
        "total": _NULL_INT, "result": {"type": "object"}}},
    "VoteInput": {"type": "object", "required": ["kind", "title"], "properties": {
        "kind": {"type": "string", "enum": ["open", "secret", "election", "confidence",
                                            "no_confidence"]},
        "title": {"type": "string", "minLength": 1, "maxLength": 500},
        "choices": {"type": "array", "items": _STR,
                    "description": "open: 3 labels (renaming the legal choices); secret: any"},
        "candidates": {"type": "array", "items": _STR}, "persons": {"type": "array", "items": _STR},
        "seats": {"type": "integer", "minimum": 1}, "exact": {"type": "boolean"},
        "rule": {"type": "string", "enum": ["majority", "two_thirds"]},
        "allow_change": {"type": "boolean"}, "require_checked_in": {"type": "boolean"},
        "countdown_seconds": {"type": "integer", "minimum": 10, "maximum": 3600}}},
    "BallotInput": {"type": "object", "required": ["idempotency_key"], "properties": {
        "idempotency_key": {"type": "string", "minLength": 8, "maxLength": 100},
        "choice": _STR, "selections": {"type": "array", "items": _INT},
        "ratings": {"type": "object", "additionalProperties": _STR}}},
    "BallotAck": {"type": "object", "properties": {
        "vote_id": _INT, "received": {"type": "boolean"}, "choice": _STR,
        "secret": {"type": "boolean"}, "cast_at": _STR, "idempotency_key": _STR}},
    "QuestionSlip": {"type": "object", "properties": {
        "id": _INT, "topic": _STR, "text": _STR, "authors": {"type": "array", "items": _STR},
        "official": {"type": "object"}, "status": _STR, "status_label": _STR,
        "answer_summary": _STR, "answered_by": _STR,
        "written_deadline": {"type": ["string", "null"], "format": "date"},
        "written_answer_url": {"type": ["string", "null"]}, "overdue": {"type": "boolean"}}},
    "QuestionSlipInput": {"type": "object", "required": ["official_id", "text"], "properties": {
        "official_id": _INT, "topic": {"type": "string", "maxLength": 200},
        "text": {"type": "string", "minLength": 1, "maxLength": 5000},
        "petition": {"type": "string", "maxLength": 2000},
        "delegate_id": {"type": "integer", "description": "secretariat: a paper slip's author"}}},
    "Resolution": {"type": "object", "properties": {
        "id": _INT, "public_id": _STR, "number": _STR, "kind": _STR, "kind_label": _STR,
        "title": _STR, "state": {"type": "string", "enum": [
            "to_issue", "issued", "signed_by_chair", "signed", "archived"]},
        "state_label": _STR, "issued_on": {"type": ["string", "null"], "format": "date"},
        "meeting_id": _INT, "vote_id": _NULL_INT, "corrects_id": _NULL_INT,
        "draft_sha256": {"type": ["string", "null"]},
        "official_sha256": {"type": ["string", "null"]},
        "signed_sha256": {"type": ["string", "null"]},
        "signatures": {"type": "array", "items": {"type": "object"}},
        "vote_statement": {"type": "array", "items": _STR}}},
    "VerifyReport": {"type": "object", "properties": {
        "sha256": _STR, "size": _INT, "all_valid": {"type": "boolean"},
        "signatures": {"type": "array", "items": {"type": "object", "properties": {
            "field_name": _STR, "status": {"type": "string", "enum": [
                "valid", "untrusted", "modified", "invalid"]},
            "signer_common_name": _STR, "signing_time": _STR, "timestamp_time": _STR,
            "certificate_chain": {"type": "array", "items": _STR},
            "trusted": {"type": "boolean"}, "intact": {"type": "boolean"},
            "modified_after_signing": {"type": "boolean"}, "pades_level": _STR,
            "problems": {"type": "array", "items": _STR}}}}}},
    "MeetingInput": {"type": "object",
                     "required": ["term_id", "kind", "title", "start_date", "end_date"],
                     "properties": {
                         "term_id": _INT, "kind": {"type": "string", "enum": sorted(MEETING_KINDS)},
                         "title": {"type": "string", "minLength": 1, "maxLength": 300},
                         "number": {"type": "integer", "minimum": 1, "maximum": 999},
                         "place": _STR, "start_date": _DATE, "end_date": _DATE}},
}


def _multipart(schema: dict) -> dict:
    return {"required": True, "content": {"multipart/form-data": {"schema": schema}}}


def _pdf(summary: str, *errors: int, params: list) -> dict:
    return {"summary": summary, "parameters": params, "responses": {
        "200": {"description": "The PDF", "content": {"application/pdf": {}}},
        "206": {"description": "A byte range of the PDF"},
        "304": {"description": "Not modified (If-None-Match matched the ETag)"},
        "416": {"description": "Range not satisfiable"}, **_errors(*errors)}}


def document() -> dict:
    council = _path_id("council_id")
    meeting = _path_id("meeting_id")
    doc = _path_id("document_id")
    vote = _path_id("vote_id")
    slip = _path_id("slip_id")
    written_answer = _op("Upload the written answer (PDF; the official addressed or the "
                         "secretariat)", 201, _ref("QuestionSlip"), 400, 401, 403, 404, 409,
                         413, 422, params=[slip])
    written_answer["requestBody"] = _multipart({"type": "object", "required": ["file"],
                                                "properties": {"file": {"type": "string",
                                                                        "format": "binary"}}})
    report_op = _op("The questioning report (staff) as CSV, XLSX or PDF", 200, None,
                    400, 401, 403, 404, 422,
                    params=[meeting, {"name": "format", "in": "query", "required": False,
                                      "schema": {"type": "string",
                                                 "enum": ["csv", "xlsx", "pdf"]}}])
    agenda_item = _path_id("item_id")
    agenda_answer = {"type": "object", "properties": {
        "agenda": {"type": "array", "items": _ref("AgendaItem")}}}
    version = {"name": "version", "in": "query", "required": False,
               "schema": {"type": "integer", "minimum": 1}}
    doc_list = {"type": "object", "properties": {
        "documents": {"type": "array", "items": _ref("Document")}}}
    upload = _op("Upload a document (secretariat); checked by content", 201, _ref("Document"),
                 400, 401, 403, 404, 409, 413, 422, params=[meeting])
    upload["requestBody"] = _multipart(_ref("DocumentUpload"))
    new_version = _op("Supersede with a new version (secretariat)", 201, _ref("Document"),
                      400, 401, 403, 404, 413, 422, params=[doc])
    new_version["requestBody"] = _multipart({"type": "object", "required": ["file"],
                                             "properties": {"file": {"type": "string",
                                                                     "format": "binary"}}})
    resolution = _path_id("resolution_id")
    file_upload = _multipart({"type": "object", "required": ["file"], "properties": {
        "file": {"type": "string", "format": "binary"}}})
    verify = _op("Verify every signature of any PDF (no login; rate-limited per client "
                 "address)", 200, _ref("VerifyReport"), 400, 413, 422, 429, public=True)
    verify["requestBody"] = file_upload
    public_check = _op("Is this file exactly the archived resolution? (no login)", 200,
                       {"type": "object", "properties": {
                           "matches": {"type": "boolean"}, "sha256": _STR,
                           "archived_sha256": _STR, "resolution": _ref("Resolution"),
                           "report": _ref("VerifyReport")}}, 400, 404, 413, 422, 429,
                       params=[{"name": "public_id", "in": "path", "required": True,
                                "schema": {"type": "string"}}], public=True)
    public_check["requestBody"] = file_upload
    issue = _op("Issue (secretariat): number + official PDF/A with signature fields", 200,
                _ref("Resolution"), 400, 401, 403, 404, 409, 413, 422, params=[resolution])
    issue["requestBody"] = {"required": False, "content": {
        "application/json": {"schema": {"type": "object", "properties": {
            "kind": {"type": "string", "enum": ["individual", "normative"]},
            "title": _STR, "document_id": _INT, "issued_on": _DATE}}},
        "multipart/form-data": {"schema": {"type": "object", "properties": {
            "kind": _STR, "title": _STR, "document_id": _INT, "issued_on": _DATE,
            "file": {"type": "string", "format": "binary",
                     "description": "the final text (PDF) instead of the agenda draft"}}}}}}
    resolution_file = _pdf("A file of the resolution: draft, official, chair_signed, signed",
                           401, 403, 404, params=[resolution, {
                               "name": "which", "in": "path", "required": True,
                               "schema": {"type": "string", "enum": [
                                   "draft", "official", "chair_signed", "signed"]}}])
    signature_image = _op(
        "A chair's handwritten signature (secretariat, admin): PNG with transparency, "
        "60×20 to 3000×1500 px, ≤ 2 MB; drawn at the signature place when that chair signs. "
        "Codes: file_required, image_not_png, image_not_transparent, image_too_small, "
        "image_too_big, image_too_large, image_unreadable", 200, _ref("CouncilSettings"),
        400, 401, 403, 404, 413, 422, params=[council, _path_id("user_id")])
    signature_image["requestBody"] = {"required": True, "content": {
        "multipart/form-data": {"schema": {"type": "object", "required": ["file"],
                                           "properties": {"file": {"type": "string",
                                                                   "format": "binary"}}}},
        "image/png": {"schema": {"type": "string", "format": "binary"}}}}
    signed_copy = _op(
        "An electronic copy of the archived resolution (secretariat): sao y / sao lục (the "
        "whole text) or trích sao (pages, e.g. \"1-2, 4\"), the original's signatures drawn "
        "flat, signed by the council at the top right of page 1 (form, organisation, "
        "ISO 8601 time, Times 10 black). Codes: not_archived, invalid_copy_form, "
        "invalid_pages, pages_required, pages_not_allowed, signing_failed", 201, None,
        400, 401, 403, 404, 409, 422, params=[resolution],
        request={"type": "object", "properties": {
            "form": {"type": "string", "enum": ["sao_y", "sao_luc", "trich_sao"],
                     "default": "sao_y"},
            "pages": {"type": "string", "description": "trích sao only: 1-based pages"}}})
    signed_copy["requestBody"]["required"] = False
    signed_copy["responses"]["201"] = {"description": "The signed copy",
                                       "content": {"application/pdf": {}}}
    signed_attachment = _op(
        "A separate attachment (phụ lục, PDF) of an issued resolution signed by the council "
        "at the top right of its first page (secretariat). Codes: not_issued, file_required, "
        "empty_file, not_a_pdf, field_already_signed / field_missing (a signed file), signing_failed", 201, None,
        400, 401, 403, 404, 409, 413, 422, params=[resolution])
    signed_attachment["requestBody"] = {"required": True, "content": {"multipart/form-data": {
        "schema": {"type": "object", "required": ["file"], "properties": {
            "file": {"type": "string", "format": "binary"}}}}}}
    signed_attachment["responses"]["201"] = {"description": "The signed attachment",
                                             "content": {"application/pdf": {}}}
    archive_zip = _op("The meeting's archive as ZIP with manifest.json (SHA-256); "
                      "layout=national: the national archive's dossier (HoSo.xml, per "
                      "document VanBan.xml, MucLuc.csv, SHA256SUMS)", 200, None,
                      401, 403, 404, 409, params=[meeting, {
                          "name": "layout", "in": "query", "required": False,
                          "schema": {"type": "string", "enum": ["manifest", "national"]}}])
    archive_zip["responses"]["200"] = {"description": "ZIP",
                                       "content": {"application/zip": {}}}
    search = [{"name": n, "in": "query", "required": False, "schema": sch} for n, sch in (
        ("q", _STR), ("number", _STR), ("from", _DATE), ("to", _DATE), ("meeting_id", _INT))]
    thumbnail = _op("First-page thumbnail", 200, None, 401, 403, 404, 422,
                    params=[doc, version])
    thumbnail["responses"]["200"] = {"description": "PNG", "content": {"image/png": {}}}
    range_link = _op("A signed link for byte ranges of this version, valid "
                     "PAPERLESS_RANGE_LINK_SECONDS (60 s); not for confidential documents "
                     "(403 watermarked_only). GET/HEAD with Range on the link need no "
                     "credentials; an expired link is 410 link_expired: ask again", 200,
                     {"type": "object", "required": ["url", "expires", "size"], "properties": {
                         "url": {"type": "string"}, "expires": {"type": "integer"},
                         "size": {"type": "integer"}}}, 401, 403, 404, 410, 422,
                     params=[doc, version])
    export = _pdf("The PDF with my notes as PDF annotations", 401, 403, 404, 422,
                  params=[doc, version])
    return {
        "openapi": "3.1.0",
        "info": {"title": "Kỳ họp số API", "version": "1",
                 "description": "Paperless sessions for Vietnamese People's Councils. "
                                "Errors: {\"error\": {\"code\", \"message\"}}."},
        "servers": [{"url": "/"}],
        "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
            "schemas": SCHEMAS,
        },
        "security": [{"bearer": []}],
        "paths": {
            "/api/v1/openapi.json": {"get": _op("This document", 200, {"type": "object"},
                                                public=True)},
            "/api/v1/auth/token": {"post": _op(
                "Exchange username and password for a bearer token", 201, _ref("Token"),
                400, 401, 422, 429, request=_ref("Credentials"), public=True)},
            "/api/v1/councils": {
                "get": _op("Councils you have a role in", 200, {"type": "object", "properties": {
                    "councils": {"type": "array", "items": _ref("Council")}}}, 401),
                "post": _op("Create a council (superuser, or admin of the parent)", 201,
                            _ref("Council"), 400, 401, 403, 404, 422,
                            request=_ref("CouncilInput")),
            },
            "/api/v1/councils/{council_id}/session-rules": {
                "get": _op("The council's session rules (what bế mạc does to an open vote)",
                           200, {"type": "object"}, 401, 403, 404, params=[council]),
                "put": _op("Set them (council admin): open_vote_at_close refuse | close", 200,
                           {"type": "object"}, 400, 401, 403, 404, 422, params=[council],
                           request={"type": "object", "required": ["open_vote_at_close"],
                                    "properties": {"open_vote_at_close": {
                                        "type": "string", "enum": ["refuse", "close"]}}}),
            },
            "/api/v1/councils/{council_id}/settings": {
                "get": _op("What the council's resolutions take from it (staff): place name, "
                           "session number style, time zone, recipients, khóa per term, the "
                           "signers and whether each has a handwritten-signature image, and a "
                           "preview", 200, _ref("CouncilSettings"), 401, 403, 404,
                           params=[council]),
                "patch": _op("Change some of them (secretariat, admin); absent fields stay. "
                             "Codes: unknown_field, invalid_type, invalid_choice, "
                             "invalid_time_zone, invalid_place_name, too_long, too_many_lines, "
                             "invalid_term_number, unknown_term, duplicate_term_number",
                             200, _ref("CouncilSettings"), 400, 401, 403, 404, 422,
                             params=[council], request=_ref("CouncilSettingsInput")),
            },
            "/api/v1/councils/{council_id}/signers/{user_id}/signature-image": {
                "put": signature_image},
            "/api/v1/councils/{council_id}/delegates": {
                "get": _op("Delegates of a council", 200, {"type": "object", "properties": {
                    "delegates": {"type": "array", "items": _ref("Delegate")}}}, 401, 403, 404,
                    params=[council, _query_int("term_id")]),
                "post": _op("Add a delegate (secretariat)", 201, _ref("Delegate"),
                            400, 401, 403, 404, 422, request=_ref("DelegateInput"),
                            params=[council]),
            },
            "/api/v1/meetings": {
                "get": _op("Meetings you may see", 200, {"type": "object", "properties": {
                    "meetings": {"type": "array", "items": _ref("Meeting")}}}, 401, 403, 404,
                    params=[_query_int("council_id")]),
                "post": _op("Create a meeting (secretariat)", 201, _ref("Meeting"),
                            400, 401, 403, 404, 422, request=_ref("MeetingInput")),
            },
            "/api/v1/meetings/{meeting_id}": {
                "get": _op("A meeting with its agenda tree", 200, _ref("Meeting"),
                           401, 403, 404, params=[meeting]),
            },
            "/api/v1/meetings/{meeting_id}/documents": {
                "get": _op("The meeting's documents I may read, with unread markers", 200,
                           doc_list, 401, 403, 404, params=[meeting]),
                "post": upload,
            },
            "/api/v1/meetings/{meeting_id}/documents/publish": {
                "post": _op("Publish all unpublished documents, or the listed ones", 200,
                            {"type": "object", "properties": {
                                "published": {"type": "array", "items": _INT}}},
                            400, 401, 403, 404, 422, params=[meeting],
                            request={"type": "object", "properties": {
                                "document_ids": {"type": "array", "items": _INT}}}),
            },
            "/api/v1/meetings/{meeting_id}/search": {
                "get": _op("Diacritic-insensitive full-text search", 200, {
                    "type": "object", "properties": {"results": {"type": "array", "items": {
                        "type": "object", "properties": {
                            "document_id": _INT, "title": _STR, "version": _INT, "page": _INT,
                            "snippet": _STR}}}}}, 401, 403, 404,
                    params=[meeting, {"name": "q", "in": "query", "required": True,
                                      "schema": {"type": "string", "maxLength": 200}}]),
            },
            "/api/v1/documents/{document_id}": {
                "get": _op("A document and its versions; a withdrawn one is 410 "
                           "document_withdrawn for its readers (staff still see it)", 200,
                           _ref("Document"), 401, 403, 404, params=[doc]),
                "patch": _op("Rename, move to another agenda item (null: the meeting's "
                             "general documents) or change access (secretariat); open bags and "
                             "tablets hear documents.changed", 200, _ref("Document"),
                             400, 401, 403, 404, 409, 422, params=[doc],
                             request=_ref("DocumentChange")),
            },
            "/api/v1/documents/{document_id}/withdraw": {
                "post": _op("Withdraw a document, with the reason (secretariat): it leaves every "
                            "reader's bag, viewer and offline copy (documents.withdrawn); 409 "
                            "already_withdrawn, 422 reason_required", 200, _ref("Document"),
                            400, 401, 403, 404, 409, 422, params=[doc],
                            request={"type": "object", "required": ["reason"], "properties": {
                                "reason": {"type": "string", "minLength": 1,
                                           "maxLength": 500}}}),
            },
            "/api/v1/documents/{document_id}/versions": {"post": new_version},
            "/api/v1/documents/{document_id}/publish": {
                "post": _op("Publish one document", 200, _ref("Document"), 401, 403, 404, 422,
                            params=[doc]),
            },
            "/api/v1/documents/{document_id}/file": {
                "get": _pdf("The PDF: strong ETag (SHA-256), conditional GET, byte ranges; "
                            "confidential documents are watermarked per reader", 401, 403, 404, 422,
                            params=[doc, version]),
            },
            "/api/v1/documents/{document_id}/reads": {
                "post": _op("Record a read: the viewer's beacon when a document is opened "
                            "(also from the offline copy; queued while offline)", 201,
                            {"type": "object", "properties": {
                                "document_id": _INT, "version_id": _INT, "at": _STR}},
                            401, 403, 404, 422, params=[doc],
                            request={"type": "object", "properties": {"version": _INT}}),
            },
            "/api/v1/documents/{document_id}/thumbnail": {"get": thumbnail},
            "/api/v1/documents/{document_id}/range-link": {"get": range_link},
            "/api/v1/documents/{document_id}/export": {"get": export},
            "/api/v1/documents/{document_id}/notes": {
                "get": _op("My notes on a version", 200, {"type": "object", "properties": {
                    "notes": {"type": "array", "items": _ref("Note")}}}, 401, 403, 404, 422,
                    params=[doc, version]),
                "post": _op("Add a note (private to me)", 201, _ref("Note"), 400, 401, 403, 404,
                            422, request=_ref("NoteInput"), params=[doc]),
            },
            "/api/v1/notes/{note_id}": {
                "patch": _op("Change my note's text or colour", 200, _ref("Note"),
                             400, 401, 404, 422, params=[_path_id("note_id")],
                             request={"type": "object", "properties": {
                                 "text": _STR, "colour": _STR}}),
                "delete": {"summary": "Delete my note", "parameters": [_path_id("note_id")],
                           "responses": {"204": {"description": "Deleted"},
                                         **_errors(401, 404)}},
            },
            "/api/v1/agenda-items/{item_id}/votes": {
                "post": _op("Prepare a vote on an agenda item (secretariat, chair)", 201,
                            _ref("Vote"), 400, 401, 403, 404, 409, 422,
                            request=_ref("VoteInput"), params=[_path_id("item_id")]),
            },
            "/api/v1/meetings/{meeting_id}/votes": {
                "get": _op("The meeting's votes", 200, {"type": "object", "properties": {
                    "votes": {"type": "array", "items": _ref("Vote")}}}, 401, 403, 404,
                    params=[meeting]),
            },
            "/api/v1/votes/{vote_id}": {
                "get": _op("A vote, its progress (counts only) and my ballot", 200,
                           {"type": "object"}, 401, 403, 404, params=[vote]),
            },
            "/api/v1/votes/{vote_id}/open": {"post": _op(
                "Open (chair, secretariat)", 200, {"type": "object"}, 401, 403, 404, 409,
                params=[vote])},
            "/api/v1/votes/{vote_id}/close": {"post": _op(
                "Close and count (chair, secretariat)", 200, {"type": "object"}, 401, 403, 404,
                409, params=[vote])},
            "/api/v1/votes/{vote_id}/announce": {"post": _op(
                "Announce the result to the hall", 200, {"type": "object"}, 401, 403, 404, 409,
                params=[vote])},
            "/api/v1/votes/{vote_id}/cancel": {"post": _op(
                "Cancel with a reason", 200, {"type": "object"}, 400, 401, 403, 404, 409, 422,
                params=[vote], request={"type": "object", "required": ["reason"],
                                        "properties": {"reason": _STR}})},
            "/api/v1/votes/{vote_id}/revote": {"post": _op(
                "A new round (biểu quyết lại); the earlier stays on record", 201, _ref("Vote"),
                401, 403, 404, 409, params=[vote])},
            "/api/v1/votes/{vote_id}/manual-result": {"post": _op(
                "Counts from a show of hands or paper ballots (secretariat; counted once the chair "
                "confirms; only for a vote not open and without electronic ballots)", 200, {"type": "object"},
                400, 401, 403, 404, 409, 422, params=[vote],
                request={"type": "object", "required": ["counts", "note"], "properties": {
                    "counts": {"type": "object", "additionalProperties": _INT},
                    "ballots_issued": _INT, "note": _STR}}),
                "get": _op("The manual count waiting for the chair's confirmation, or null",
                           200, {"type": "object"}, 401, 403, 404, params=[vote])},
            "/api/v1/votes/{vote_id}/manual-result/decision": {"post": _op(
                "The chair confirms (it becomes the result, marked manual) or rejects it", 200,
                {"type": "object"}, 400, 401, 403, 404, 409, 422, params=[vote],
                request={"type": "object", "required": ["confirm"],
                         "properties": {"confirm": {"type": "boolean"}}})},
            "/api/v1/votes/{vote_id}/ballots": {"post": _op(
                "Cast my ballot; acknowledged after commit; same key, same acknowledgement",
                201, _ref("BallotAck"), 400, 401, 403, 404, 409, 422,
                request=_ref("BallotInput"), params=[vote])},
            "/api/v1/votes/{vote_id}/result": {"get": _op(
                "The result (everyone once announced; staff once closed)", 200,
                {"type": "object"}, 401, 403, 404, 409, params=[vote])},
            "/api/v1/meetings/{meeting_id}/question-slips": {
                "get": _op("Question slips I may see (staff: all; delegate: mine; official: "
                           "addressed to me)", 200, {"type": "object", "properties": {
                               "slips": {"type": "array", "items": _ref("QuestionSlip")}}},
                           401, 403, 404, params=[meeting]),
                "post": _op("File a question slip (delegate) or enter a paper one "
                            "(secretariat)", 201, _ref("QuestionSlip"), 400, 401, 403, 404, 409,
                            422, request=_ref("QuestionSlipInput"), params=[meeting]),
            },
            "/api/v1/meetings/{meeting_id}/question-groups": {"post": _op(
                "Make a question group (nhóm vấn đề); the console sees it at once", 201,
                {"type": "object", "properties": {"id": _INT, "meeting_id": _INT,
                                                  "title": _STR, "status": _STR}},
                400, 401, 403, 404, 422, params=[meeting],
                request={"type": "object", "required": ["title"],
                         "properties": {"title": _STR}})},
            "/api/v1/question-slips/{slip_id}/group": {"post": _op(
                "Put a slip in a question group (group_id null: take it out)", 200,
                _ref("QuestionSlip"), 400, 401, 403, 404, 409, 422, params=[slip],
                request={"type": "object", "required": ["group_id"], "properties": {
                    "group_id": {"type": ["integer", "null"]}}})},
            "/api/v1/question-slips/{slip_id}/answer": {"post": _op(
                "Record the answer: at the session, or in writing with a deadline", 200,
                _ref("QuestionSlip"), 400, 401, 403, 404, 409, 422, params=[slip],
                request={"type": "object", "required": ["mode"], "properties": {
                    "mode": {"type": "string", "enum": ["session", "written"]},
                    "answered_by_id": _INT, "summary": _STR, "deadline": _DATE}})},
            "/api/v1/question-slips/{slip_id}/written-answer": {
                "post": written_answer,
                "get": _pdf("The written answer", 401, 403, 404, params=[slip]),
            },
            "/api/v1/meetings/{meeting_id}/questioning-report": {"get": report_op},
            "/api/v1/meetings/{meeting_id}/resolutions": {"get": _op(
                "Resolutions of the meeting (staff); passed votes appear as \"to issue\"", 200,
                {"type": "object", "properties": {"resolutions": {
                    "type": "array", "items": _ref("Resolution")}}}, 401, 403, 404,
                params=[meeting])},
            "/api/v1/resolutions/{resolution_id}": {"get": _op(
                "One resolution (staff)", 200, _ref("Resolution"), 401, 403, 404,
                params=[resolution])},
            "/api/v1/resolutions/{resolution_id}/issue": {"post": issue},
            "/api/v1/resolutions/{resolution_id}/chair-signature": {"post": _op(
                "The chair signs in the app with the chair's key (the chair only, not even the "
                "superuser) the document they saw, after typing their password again: 422 "
                "reauth_required / reauth_failed / document_sha256_required, 409 "
                "document_changed (the official PDF's hash is no longer document_sha256), 429 "
                "too_many_attempts (wrong passwords count like failed logins)", 200,
                _ref("Resolution"), 401, 403, 404, 409, 422, 429, params=[resolution],
                request={"type": "object", "required": ["password", "document_sha256"],
                         "properties": {
                             "password": {"type": "string",
                                          "description": "the chair's password, again"},
                             "document_sha256": {"type": "string", "description":
                                                 "official_sha256 of the previewed PDF"}}})},
            "/api/v1/resolutions/{resolution_id}/chair-signature/prepare": {"post": _op(
                "Two-step signing, step 1 (chair): returns the digest to sign", 200,
                {"type": "object", "properties": {
                    "digest_to_sign": _STR, "document_digest": _STR,
                    "digest_algorithm": _STR, "field_name": _STR}},
                400, 401, 403, 404, 409, 422, params=[resolution],
                request={"type": "object", "required": ["certificate"], "properties": {
                    "certificate": {"type": "string", "description": "PEM, or DER in base64"},
                    "chain": {"type": "array", "items": _STR}}})},
            "/api/v1/resolutions/{resolution_id}/chair-signature/finish": {"post": _op(
                "Two-step signing, step 2: the raw signature over digest_to_sign, or a CMS",
                200, _ref("Resolution"), 400, 401, 403, 404, 409, 422, params=[resolution],
                request={"type": "object", "properties": {
                    "signature": {"type": "string", "description": "base64"},
                    "cms": {"type": "string", "description": "base64 DER SignedData"}}})},
            "/api/v1/resolutions/{resolution_id}/organisation-signature": {"post": _op(
                "The council's certificate signs (secretariat); the result is archived", 200,
                _ref("Resolution"), 401, 403, 404, 409, 422, params=[resolution])},
            "/api/v1/resolutions/{resolution_id}/corrections": {"post": _op(
                "A correction: a new resolution to issue pointing to the archived one", 201,
                _ref("Resolution"), 401, 403, 404, 409, 422, params=[resolution],
                request={"type": "object", "properties": {"title": _STR}})},
            "/api/v1/resolutions/{resolution_id}/files/{which}": {"get": resolution_file},
            "/api/v1/resolutions/{resolution_id}/copies": {"post": signed_copy},
            "/api/v1/resolutions/{resolution_id}/attachments": {"post": signed_attachment},
            "/api/v1/councils/{council_id}/resolutions": {"get": _op(
                "The archive (staff): search by title words, number, date, meeting", 200,
                {"type": "object", "properties": {"resolutions": {
                    "type": "array", "items": _ref("Resolution")}}}, 401, 403, 404, 422,
                params=[council, *search])},
            "/api/v1/meetings/{meeting_id}/resolutions/archive.zip": {"get": archive_zip},
            "/api/v1/verify": {"post": verify},
            "/api/v1/public/resolutions/{public_id}/check": {"post": public_check},
            "/api/v1/meetings/{meeting_id}/agenda-items": {
                "post": _op("Add an agenda item (secretariat); a new top-level item lands "
                            "before the closing item (Bế mạc)", 201, _ref("AgendaItem"),
                            400, 401, 403, 404, 409, 422, request=_ref("AgendaItemInput"),
                            params=[meeting]),
            },
            "/api/v1/agenda-items/{item_id}": {
                "patch": _op("Edit an item (secretariat, before the session opens); parent_id "
                             "nests it (null: top level). Answers the renumbered agenda", 200,
                             agenda_answer, 400, 401, 403, 404, 409, 422, params=[agenda_item],
                             request={"type": "object", "properties": {
                                 **SCHEMAS["AgendaItemInput"]["properties"],
                                 "parent_id": _NULL_INT}}),
                "delete": _op("Delete an item without children (secretariat)", 204, None,
                              401, 403, 404, 409, params=[agenda_item]),
            },
            "/api/v1/agenda-items/{item_id}/move": {
                "post": _op("Move an item one place up or down among its siblings "
                            "(secretariat); answers the renumbered agenda", 200, agenda_answer,
                            400, 401, 403, 404, 409, 422, params=[agenda_item],
                            request={"type": "object", "required": ["direction"],
                                     "properties": {"direction": {
                                         "type": "string", "enum": ["up", "down"]}}}),
            },
            **records_paths(council, meeting),
            **oversight_paths(council, meeting),
            **accounts_paths(),
            **opinions_paths(meeting),
            **projection_paths(meeting),
        },
    }


def accounts_paths() -> dict:
    """Passwords, revocable tokens and sessions, accounts and login lockouts (issue 14)."""
    token = {"type": "object", "properties": {
        "id": _INT, "user_id": _INT, "username": _STR,
        "created_at": {"type": "string", "format": "date-time"},
        "expires_at": {"type": "string", "format": "date-time"},
        "revoked_at": {"type": ["string", "null"], "format": "date-time"},
        "state": {"type": "string", "enum": ["active", "expired", "revoked"]}}}
    user = {"type": "object", "properties": {"id": _INT, "username": _STR, "full_name": _STR,
                                             "is_active": {"type": "boolean"}}}
    user_id = _path_id("user_id")
    lockout = {"type": "object", "properties": {
        "kind": {"type": "string", "enum": ["account", "address"]},
        "username": {"type": ["string", "null"]}, "remote_addr": _STR, "failures": _INT,
        "last_failure": {"type": "string", "format": "date-time"}, "wait_seconds": _INT}}
    logout = _op("Revoke this request's credential (the bearer token, or the browser "
                 "session); its sockets are disconnected", 204, None, 401)
    return {
        "/api/v1/auth/logout": {"post": logout},
        "/api/v1/auth/password": {"post": _op(
            "Change my password (the current one is required); revokes every session, token "
            "and socket of mine, this token too", 200, {"type": "object"}, 400, 401, 422, 429,
            request={"type": "object", "required": ["current_password", "new_password"],
                     "properties": {"current_password": _STR, "new_password": _STR}})},
        "/api/v1/auth/tokens": {"get": _op(
            "My API tokens (an admin: ?user_id= of an account they manage)", 200,
            {"type": "object", "properties": {"tokens": {"type": "array", "items": token}}},
            401, 404, params=[_query_int("user_id")])},
        "/api/v1/auth/tokens/{token_id}": {"delete": _op(
            "Revoke a token (its owner, or an admin of the owner's council)", 200, token,
            401, 404, params=[_path_id("token_id")])},
        "/api/v1/users": {"get": _op(
            "Accounts I administer (admin)", 200, {"type": "object", "properties": {
                "users": {"type": "array", "items": user}}}, 401, 403)},
        "/api/v1/users/{user_id}/password": {"post": _op(
            "Reset an account's password (admin); revokes its sessions, tokens and sockets",
            200, user, 400, 401, 403, 404, 422, params=[user_id],
            request={"type": "object", "required": ["password"],
                     "properties": {"password": _STR}})},
        "/api/v1/users/{user_id}/active": {"post": _op(
            "Disable or enable an account (admin); disabling disconnects it at once", 200, user,
            400, 401, 403, 404, 422, params=[user_id],
            request={"type": "object", "required": ["active"],
                     "properties": {"active": {"type": "boolean"}}})},
        "/api/v1/auth/lockouts": {"get": _op(
            "Addresses and (account, address) pairs that must wait before logging in (admin)",
            200, {"type": "object", "properties": {"lockouts": {"type": "array",
                                                                "items": lockout}}}, 401, 403)},
        "/api/v1/auth/lockouts/clear": {"post": _op(
            "Forget the failed logins of an address, for one account or all (admin)", 200,
            {"type": "object", "properties": {"cleared": _INT}}, 400, 401, 403, 404, 422,
            request={"type": "object", "required": ["remote_addr"], "properties": {
                "remote_addr": _STR, "username": _STR}})},
    }


def records_paths(council: dict, meeting: dict) -> dict:
    """Minutes and statistics (issue #8)."""
    period = [council, {"name": "year", "in": "query", "required": False,
                        "schema": {"type": "integer"}}, _query_int("term_id"),
              {"name": "quarter", "in": "query", "required": False,
               "schema": {"type": "integer", "minimum": 1, "maximum": 4}}]
    minutes = {"type": "object", "properties": {
        "meeting_id": _INT, "status": {"type": "string", "enum": ["draft", "final", "signed"]},
        "sections": {"type": "object", "additionalProperties": _STR},
        "head_seq": _NULL_INT, "head_hash": {"type": ["string", "null"]},
        "pdf_sha256": {"type": ["string", "null"]},
        "signed_pdf_sha256": {"type": ["string", "null"]}}}
    return {
        "/api/v1/councils/{council_id}/statistics": {"get": _op(
            "Activity statistics by year (?year=) or term (?term_id=): meetings, resolutions, "
            "votes, questions by official, per delegate (admin, secretariat, chair)", 200,
            {"type": "object"}, 401, 403, 404, 422, params=period)},
        "/api/v1/councils/{council_id}/statistics/export": {"get": _op(
            "The statistics as CSV or XLSX", 200, None, 401, 403, 404, 422,
            params=[*period, {"name": "format", "in": "query", "required": False,
                              "schema": {"type": "string", "enum": ["csv", "xlsx"]}}])},
        "/api/v1/meetings/{meeting_id}/minutes": {
            "get": _op("The minutes' state and edited sections (staff)", 200, minutes,
                       401, 403, 404, params=[meeting]),
            "put": _op("Edit sections of the draft minutes (secretariat)", 200, minutes,
                       400, 401, 403, 404, 409, 422, params=[meeting],
                       request={"type": "object", "required": ["sections"], "properties": {
                           "sections": {"type": "object", "properties": {
                               "opening": _STR, "discussion": _STR, "conclusion": _STR},
                               "additionalProperties": False}}}),
        },
        "/api/v1/meetings/{meeting_id}/minutes/pdf": {"get": {
            "summary": "The minutes as PDF: signed, else final, else a draft preview",
            "parameters": [meeting], "responses": {
                "200": {"description": "The PDF", "content": {"application/pdf": {}}},
                **_errors(401, 403, 404)}}},
        "/api/v1/meetings/{meeting_id}/minutes/finalize": {"post": _op(
            "Finalise: seal with the audit chain's head; no edits afterwards (secretariat)",
            200, minutes, 401, 403, 404, 409, params=[meeting])},
        "/api/v1/meetings/{meeting_id}/audit": {"get": _op(
            "The meeting's entries of the tamper-evident record, each checked against its "
            "hash (staff)", 200, {"type": "object", "properties": {
                "head_seq": _INT, "head_hash": _STR,
                "entries": {"type": "array", "items": {"type": "object"}}}},
            401, 403, 404, params=[meeting])},
        "/api/v1/meetings/{meeting_id}/minutes/sign": {"post": _op(
            "Sign the final minutes with the council's keys (the chair only)", 200, minutes,
            401, 403, 404, 409, params=[meeting])},
    }


def oversight_paths(council: dict, meeting: dict) -> dict:
    """The oversight cycle (issue #22): bodies, commitments, supervision, petitions."""
    from paperless.domain import oversight as rules

    obj = {"type": "object"}
    ids = {"type": "array", "items": _INT}
    body_id, commitment, mission = _path_id("body_id"), _path_id("commitment_id"), \
        _path_id("mission_id")
    voter_meeting, petition = _path_id("voter_meeting_id"), _path_id("petition_id")
    reception, citizen = _path_id("reception_id"), _path_id("citizen_petition_id")
    forward = {"type": "object", "required": ["body_id"], "properties": {
        "body_id": _INT, "deadline": _DATE}}
    answer = {"type": "object", "required": ["answer"], "properties": {"answer": _STR}}
    listing = {"type": "object"}

    def write(summary, ok=201, request=None, params=None, schema=obj):
        return _op(summary, ok, schema, 400, 401, 403, 404, 409, 422, request=request,
                   params=params)

    def read(summary, params):
        return _op(summary, 200, listing, 401, 403, 404, 422, params=params)

    return {
        "/api/v1/councils/{council_id}/bodies": {
            "get": read("Bodies that answer to the council (UBND, its offices…)", [council]),
            "post": write("Add a body (secretariat)", params=[council], request={
                "type": "object", "required": ["name"], "properties": {"name": _STR}})},
        "/api/v1/bodies/{body_id}/members": {"post": write(
            "An official's account answers for the body (secretariat)", params=[body_id],
            request={"type": "object", "required": ["username"],
                     "properties": {"username": _STR}})},
        "/api/v1/councils/{council_id}/commitments": {
            "get": read("Commitments (officials: those of their bodies), with their state on "
                        "the council's date (open, overdue, kept, kept_late)", [council]),
            "post": write("Record a commitment from an answer, a hearing or a supervision "
                          "(staff)", params=[council], request={
                              "type": "object", "required": ["source", "text", "body_id",
                                                             "deadline"],
                              "properties": {
                                  "source": {"type": "string",
                                             "enum": sorted(rules.COMMITMENT_SOURCES)},
                                  "text": _STR, "committed_by": _STR, "body_id": _INT,
                                  "deadline": _DATE, "question_slip_id": _INT,
                                  "meeting_id": _INT, "mission_id": _INT}})},
        "/api/v1/commitments/{commitment_id}/reports": {"post": {
            **write("Report progress; completes=true needs an evidence PDF (the body's "
                    "official or staff)", params=[commitment]),
            "requestBody": {"required": True, "content": {
                "application/json": {"schema": {"type": "object", "required": ["text"],
                                                "properties": {"text": _STR,
                                                               "completes": {"type": "boolean"}}}},
                "multipart/form-data": {"schema": {"type": "object", "required": ["text"],
                                                   "properties": {
                                                       "text": _STR, "completes": _STR,
                                                       "evidence": {"type": "string",
                                                                    "format": "binary"}}}}}}}},
        "/api/v1/commitments/{commitment_id}/evidence": {"get": _pdf(
            "The evidence of a fulfilled commitment", 401, 403, 404, params=[commitment])},
        "/api/v1/commitments/{commitment_id}/agenda": {"post": write(
            "Put an unfulfilled commitment on a later meeting's agenda (the chair)",
            params=[commitment], request={"type": "object", "required": ["meeting_id"],
                                          "properties": {"meeting_id": _INT}})},
        "/api/v1/councils/{council_id}/supervision": {
            "get": read("Supervision missions with their recommendations (staff, delegates)",
                        [council]),
            "post": write("Create a supervision mission (staff)", params=[council], request={
                "type": "object", "required": ["by", "subject", "start_date"], "properties": {
                    "by": {"type": "string", "enum": sorted(rules.MISSION_BY)},
                    "subject": _STR, "supervised": _STR, "start_date": _DATE,
                    "end_date": _DATE, "member_ids": ids, "committee_id": _INT,
                    "group_id": _INT, "previous_id": _INT, "petition_id": _INT}})},
        "/api/v1/supervision/{mission_id}/report": {
            "post": {**write("The mission's conclusions and report PDF (staff)", ok=200,
                             params=[mission]),
                     "requestBody": {"required": True, "content": {
                         "application/json": {"schema": {
                             "type": "object", "required": ["conclusion"],
                             "properties": {"conclusion": _STR}}},
                         "multipart/form-data": {"schema": {
                             "type": "object", "required": ["conclusion"], "properties": {
                                 "conclusion": _STR,
                                 "file": {"type": "string", "format": "binary"}}}}}}},
            "get": _pdf("The supervision report", 401, 403, 404, params=[mission])},
        "/api/v1/councils/{council_id}/voter-meetings": {
            "get": read("Meetings with voters", [council]),
            "post": write("Record a delegate group's meeting with voters and its petitions "
                          "(a delegate of the group, or staff)", params=[council], request={
                              "type": "object",
                              "required": ["group_id", "held_on", "place", "voters_present"],
                              "properties": {
                                  "group_id": _INT, "held_on": _DATE, "place": _STR,
                                  "voters_present": _INT, "delegate_ids": ids,
                                  "session_id": _INT, "petitions": {
                                      "type": "array", "items": {"type": "object", "properties": {
                                          "text": _STR, "field": {
                                              "type": "string", "enum": sorted(rules.FIELDS)}}}}}})},
        "/api/v1/voter-meetings/{voter_meeting_id}/petitions": {"post": write(
            "Add a petition to a meeting with voters", params=[voter_meeting], request={
                "type": "object", "required": ["text"], "properties": {
                    "text": _STR, "field": {"type": "string", "enum": sorted(rules.FIELDS)}}})},
        "/api/v1/councils/{council_id}/voter-petitions": {"get": read(
            "Voters' petitions (officials: those forwarded to their bodies); ?session_id=",
            [council, _query_int("session_id")])},
        "/api/v1/voter-petitions/{petition_id}/forward": {"post": write(
            "Forward to the body responsible with a deadline (staff)", ok=200,
            params=[petition], request=forward)},
        "/api/v1/voter-petitions/{petition_id}/answer": {"post": write(
            "Answer (the body's official, or staff)", ok=200, params=[petition],
            request=answer)},
        "/api/v1/meetings/{meeting_id}/petition-report": {"get": {
            "summary": "Báo cáo kết quả giải quyết kiến nghị cử tri of a session (staff)",
            "parameters": [meeting, {"name": "format", "in": "query", "required": False,
                                     "schema": {"type": "string", "enum": ["pdf", "csv"]}}],
            "responses": {"200": {"description": "The report", "content": {
                "application/pdf": {}, "text/csv": {}}}, **_errors(401, 403, 404, 422)}}},
        "/api/v1/councils/{council_id}/receptions": {
            "get": read("Citizen receptions (staff; a delegate: their own)", [council]),
            "post": write("Record a citizen reception (staff; a delegate: their own)",
                          params=[council], request={
                              "type": "object", "required": ["receiver", "held_on"],
                              "properties": {
                                  "receiver": {"type": "string", "enum": sorted(rules.RECEIVERS)},
                                  "held_on": _DATE, "delegate_id": _INT, "place": _STR,
                                  "citizens": _INT, "notes": _STR}})},
        "/api/v1/receptions/{reception_id}/petitions": {"post": write(
            "Record a citizen's complaint, denunciation or proposal", params=[reception],
            request={"type": "object", "required": ["kind", "citizen_name", "summary"],
                     "properties": {
                         "kind": {"type": "string", "enum": sorted(rules.CITIZEN_KINDS)},
                         "citizen_name": _STR, "citizen_address": _STR, "citizen_phone": _STR,
                         "summary": _STR}})},
        "/api/v1/councils/{council_id}/citizen-petitions": {"get": read(
            "Citizens' petitions; the citizen's personal data only for staff", [council])},
        "/api/v1/citizen-petitions/{citizen_petition_id}/forward": {"post": write(
            "Forward to the body responsible (staff)", ok=200, params=[citizen],
            request=forward)},
        "/api/v1/citizen-petitions/{citizen_petition_id}/answer": {"post": write(
            "Answer (the body's official, or staff)", ok=200, params=[citizen],
            request=answer)},
    }


def opinions_paths(meeting: dict) -> dict:
    """Opinions on drafts, the drafting agency's answers, written consultations (issue #21)."""
    doc, opinion = _path_id("document_id"), _path_id("opinion_id")
    consultation, group = _path_id("consultation_id"), _path_id("group_id")
    opinion_schema = {"type": "object", "properties": {
        "id": _INT, "document_id": _INT, "authors": {"type": "array", "items": _STR},
        "author_kind": {"type": "string", "enum": ["delegate", "group"]},
        "source": {"type": "string", "enum": ["tablet", "group", "paper"]},
        "article": _STR, "page": _NULL_INT, "rect": {"type": ["array", "null"]},
        "quote": _STR, "text": _STR, "proposed_wording": _STR,
        "status": {"type": "string",
                   "enum": ["new", "accepted", "explained", "withdrawn", "merged"]},
        "merged_into_id": _NULL_INT, "answer": _STR, "answered_by": _STR,
        "vote_id": _NULL_INT}}
    consultation_schema = {"type": "object", "properties": {
        "id": _INT, "title": _STR, "document_id": _INT, "deadline": _STR,
        "deadline_local": _STR, "status": {"type": "string", "enum": ["open", "closed"]},
        "total": _INT, "mine": {"type": ["object", "null"]}, "result": {"type": "object"}}}
    version_param = [{"name": n, "in": "query", "required": False,
                      "schema": {"type": "integer", "minimum": 1}} for n in ("from", "to")]
    fmt = {"name": "format", "in": "query", "required": False,
           "schema": {"type": "string", "enum": ["pdf", "xlsx"]}}
    return {
        "/api/v1/documents/{document_id}/opinions": {
            "get": _op("Opinions on the draft I may see (staff and the drafting agency: all; a "
                       "delegate: theirs and their group's)", 200, {"type": "object", "properties": {
                           "opinions": {"type": "array", "items": opinion_schema}}},
                       401, 403, 404, params=[doc]),
            "post": _op("Give an opinion (delegate), for the group (its secretary: for_group) "
                        "or from paper (secretariat: delegate_id or group_id)", 201,
                        opinion_schema, 400, 401, 403, 404, 409, 422, params=[doc],
                        request={"type": "object", "required": ["text"], "properties": {
                            "text": _STR, "article": _STR, "proposed_wording": _STR,
                            "quote": _STR, "page": _INT,
                            "rect": {"type": "array", "items": {"type": "number"}},
                            "for_group": {"type": "boolean"}, "delegate_id": _INT,
                            "group_id": _INT}}),
        },
        "/api/v1/opinions/{opinion_id}/withdraw": {"post": _op(
            "Withdraw (the author, or the secretariat)", 200, opinion_schema,
            401, 403, 404, 409, params=[opinion])},
        "/api/v1/opinions/{opinion_id}/merge": {"post": _op(
            "Merge duplicates into this opinion, keeping every author (staff)", 200,
            opinion_schema, 400, 401, 403, 404, 409, 422, params=[opinion],
            request={"type": "object", "required": ["duplicate_ids"], "properties": {
                "duplicate_ids": {"type": "array", "items": _INT}}})},
        "/api/v1/opinions/{opinion_id}/answer": {"post": _op(
            "Answer: accepted (tiếp thu) or explained (giải trình) — an official of this "
            "draft's drafting agency only", 200, opinion_schema, 400, 401, 403, 404, 409, 422,
            params=[opinion], request={"type": "object", "required": ["state", "text"],
                                       "properties": {"state": {"type": "string", "enum": [
                                           "accepted", "explained"]}, "text": _STR}})},
        "/api/v1/opinions/{opinion_id}/point-vote": {"post": _op(
            "Create (and with open: true, open) a vote on this contested point, linked to the "
            "opinion (chair, secretariat)", 201, {"type": "object", "properties": {
                "vote_id": _INT, "opinion_id": _INT, "title": _STR, "status": _STR}},
            400, 401, 403, 404, 409, 422, params=[opinion],
            request={"type": "object", "properties": {"title": _STR,
                                                      "open": {"type": "boolean"}}})},
        "/api/v1/documents/{document_id}/drafting-agency": {"put": _op(
            "Set the drafting agency: the meeting's officials who answer this draft "
            "(secretariat)", 200, {"type": "object"}, 400, 401, 403, 404, 422, params=[doc],
            request={"type": "object", "required": ["invitee_ids"], "properties": {
                "invitee_ids": {"type": "array", "items": _INT}}})},
        "/api/v1/delegate-groups/{group_id}/secretary": {"put": _op(
            "Set (or with null clear) the group's secretary, a delegate of the group "
            "(secretariat)", 200, {"type": "object"}, 400, 401, 403, 404, 422, params=[group],
            request={"type": "object", "properties": {"delegate_id": _NULL_INT}})},
        "/api/v1/documents/{document_id}/opinions/compilation": {"get": _op(
            "The compilation of opinions by article, PDF or XLSX (staff, the agency)", 200,
            None, 401, 403, 404, 422, params=[doc, fmt])},
        "/api/v1/documents/{document_id}/opinions/response-report": {"get": _op(
            "Báo cáo tiếp thu, giải trình: each opinion with its answer, PDF (staff, the "
            "agency)", 200, None, 401, 403, 404, params=[doc])},
        "/api/v1/documents/{document_id}/diff": {"get": _op(
            "Sentences inserted and deleted between two versions (default: the last two)",
            200, {"type": "object", "properties": {"from": _INT, "to": _INT, "pieces": {
                "type": "array", "items": {"type": "object", "properties": {
                    "op": {"type": "string", "enum": ["equal", "insert", "delete"]},
                    "text": _STR}}}}}, 401, 403, 404, 409, 422, params=[doc, *version_param])},
        "/api/v1/meetings/{meeting_id}/opinion-statistics": {"get": _op(
            "Opinions per delegate (staff)", 200, {"type": "object"}, 401, 403, 404,
            params=[meeting])},
        "/api/v1/meetings/{meeting_id}/consultations": {"get": _op(
            "Written consultations of the meeting (staff, delegates)", 200,
            {"type": "object", "properties": {"consultations": {
                "type": "array", "items": consultation_schema}}}, 401, 403, 404,
            params=[meeting])},
        "/api/v1/documents/{document_id}/consultations": {"post": _op(
            "Send the draft to every delegate for a written answer by a deadline (a date in "
            "the council's time zone; secretariat, chair)", 201, consultation_schema,
            400, 401, 403, 404, 409, 422, params=[doc],
            request={"type": "object", "required": ["deadline"], "properties": {
                "title": _STR, "deadline": _DATE}})},
        "/api/v1/consultations/{consultation_id}": {"get": _op(
            "One consultation: my answer; for staff the count against N", 200,
            consultation_schema, 401, 403, 404, params=[consultation])},
        "/api/v1/consultations/{consultation_id}/answers": {"post": _op(
            "Answer agree / disagree / opinion (a delegate, before the deadline; again "
            "replaces)", 201, {"type": "object"}, 400, 401, 403, 404, 409, 422,
            params=[consultation], request={"type": "object", "required": ["choice"],
                                            "properties": {"choice": {"type": "string", "enum": [
                                                "agree", "disagree", "opinion"]},
                                                "text": _STR}})},
        "/api/v1/consultations/{consultation_id}/close": {"post": _op(
            "Close and count against N (secretariat, chair)", 200, consultation_schema,
            401, 403, 404, 409, params=[consultation])},
    }


def projection_paths(meeting: dict) -> dict:
    """The hall screen as a projector (issue #21): only published public documents."""
    state = {"type": "object", "required": ["showing", "revision"], "properties": {
        "showing": {"type": "boolean"}, "revision": _INT, "document_id": _INT, "title": _STR,
        "version": _INT, "page_count": _INT, "page": _INT,
        "rect": {"type": ["array", "null"], "items": {"type": "number"}},
        "file_url": _STR, "started_at": _STR, "opinion": {"type": ["object", "null"]}}}
    return {
        "/api/v1/meetings/{meeting_id}/projection": {
            "get": _op("What the hall screen shows (showing: false = the live state); every "
                       "participant", 200, state, 401, 403, 404, params=[meeting]),
            "put": _op("Show a page (document_id, page, optional zoomed rect [x0,y0,x1,y1] in "
                       "PDF points) or an opinion with its passage (opinion_id) on the hall "
                       "screen (chair, secretariat); refused not_projectable unless the "
                       "document is published and public", 200, state,
                       400, 401, 403, 404, 409, 422, params=[meeting],
                       request={"type": "object", "properties": {
                           "document_id": _INT, "page": _INT, "opinion_id": _INT,
                           "rect": {"type": "array", "items": {"type": "number"}}}}),
            "delete": _op("End the showing: the screen returns to the live state (chair, "
                          "secretariat)", 200, state, 401, 403, 404, params=[meeting]),
        },
        "/api/v1/meetings/{meeting_id}/projection/page": {"post": _op(
            "Turn the shown page: to page, or delta pages on (chair, secretariat)", 200, state,
            400, 401, 403, 404, 409, 422, params=[meeting],
            request={"type": "object", "properties": {"page": _INT, "delta": _INT}})},
        "/api/v1/meetings/{meeting_id}/projection/documents": {"get": _op(
            "The meeting's documents the hall screen may show (chair, secretariat)", 200,
            {"type": "object", "properties": {"documents": {"type": "array", "items": {
                "type": "object", "properties": {"id": _INT, "title": _STR,
                                                 "page_count": _INT}}}}},
            401, 403, 404, params=[meeting])},
    }
