"""Resolutions: from a passing vote to the signed, archived, publicly verifiable document.

"To issue" entries are created lazily: listing a meeting's resolutions (or the register)
adds one for every announced, passed open/secret vote that has none yet — the voting code
is not touched. Issuing assigns the next number of the council's year in the same
transaction that stores the official PDF; a failure rolls the counter back, so numbers
never have holes. Signing never changes anything unless the new PDF validates; an
archived resolution never changes (a correction is a new resolution pointing to it).
"""

from __future__ import annotations

import hashlib
import io
import json
import re
import secrets
import zipfile
from datetime import UTC, date, datetime

from flask import current_app
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

import signing
from paperless import db, jobs, sign_jobs, workers
from paperless import pdf as pdfcheck
from paperless.domain import clock as clock_rules
from paperless.domain import resolutions as rules
from paperless.models import AgendaItem, Document, Meeting, Resolution, ResolutionCounter, Vote
from paperless.pdf import official as official_pdf
from paperless.services import audit, auth, clock
from paperless.services import signing_keys as keys
from paperless.services.access import STAFF, Actor, require
from paperless.services.documents import Rejected, store
from paperless.services.errors import Conflict, Invalid, NotFound
from paperless.services.meetings import get_meeting

ISSUERS = frozenset({"secretariat"})
CHAIRS = frozenset({"chair"})
READERS = STAFF


class ResolutionError(Conflict):
    code = "resolution_conflict"


def _now() -> datetime:
    return datetime.now(UTC)


def _rule(fn, *args):
    try:
        return fn(*args)
    except rules.RuleError as exc:
        raise ResolutionError(exc.message, code=exc.code) from exc


# --- creating "to issue" entries -----------------------------------------------

def _title_from(item: AgendaItem | None, vote: Vote) -> str:
    title = item.title if item else vote.title
    title = re.sub(r"^(xem xét,?\s*)?(thông qua\s+)", "", title, flags=re.I).strip()
    return (title[:1].upper() + title[1:])[:500] if title else vote.title[:500]


def sync_to_issue(meeting: Meeting) -> int:
    """Add a "to issue" resolution for each announced, passed vote without one."""
    have = select(Resolution.vote_id).where(Resolution.vote_id.is_not(None))
    votes = db.session.scalars(select(Vote).where(
        Vote.meeting_id == meeting.id, Vote.status == "announced",
        Vote.kind.in_(("open", "secret")), Vote.id.not_in(have))).all()
    added = 0
    for vote in votes:
        if not (vote.result or {}).get("passed"):
            continue
        item = db.session.get(AgendaItem, vote.agenda_item_id)
        db.session.add(Resolution(
            council_id=meeting.council_id, meeting_id=meeting.id, agenda_item_id=vote.agenda_item_id,
            vote_id=vote.id, title=_title_from(item, vote), kind="individual", state="to_issue",
            public_id=secrets.token_urlsafe(12), signatures=[]))
        added += 1
    if added:
        try:
            db.session.commit()
        except IntegrityError:  # another request added them first
            db.session.rollback()
    return added


def list_for_meeting(actor: Actor, meeting_id: int) -> list[Resolution]:
    meeting = get_meeting(actor, meeting_id, READERS)
    sync_to_issue(meeting)
    return list(db.session.scalars(select(Resolution).where(
        Resolution.meeting_id == meeting.id).order_by(Resolution.id)))


def get(actor: Actor, resolution_id: int, allowed=READERS) -> Resolution:
    res = db.session.get(Resolution, resolution_id)
    if res is None:
        raise NotFound("Không tìm thấy nghị quyết.")
    require(actor, res.council_id, allowed)
    return res


def draft_documents(res: Resolution) -> list[Document]:
    """Documents of the agenda item — where the draft resolution (dự thảo) lives."""
    if res.agenda_item_id is None:
        return []
    docs = db.session.scalars(select(Document).where(
        Document.agenda_item_id == res.agenda_item_id).order_by(Document.id)).all()
    # the ones called "dự thảo" first
    return sorted(docs, key=lambda d: ("dự thảo" not in d.title.lower(), d.id))


# --- issuing ---------------------------------------------------------------------

def _bump_counter(council_id: int, year: int) -> int:
    """+1 on the council's counter for the year, inside the caller's transaction.

    The UPDATE takes the row lock (PostgreSQL) or the database write lock (SQLite) until
    commit or rollback, so concurrent issues queue here; a rollback gives the number back.
    """
    bind = db.session.get_bind()
    for _attempt in range(3):
        bumped = db.session.execute(
            update(ResolutionCounter)
            .where(ResolutionCounter.council_id == council_id, ResolutionCounter.year == year)
            .values(last_number=ResolutionCounter.last_number + 1)
            .execution_options(synchronize_session=False)).rowcount
        if bumped:
            query = select(ResolutionCounter.last_number).where(
                ResolutionCounter.council_id == council_id, ResolutionCounter.year == year)
            if bind.dialect.name == "postgresql":
                query = query.with_for_update()
            return db.session.scalar(query)
        row = ResolutionCounter(council_id=council_id, year=year,
                                last_number=rules.next_number(None))
        if bind.dialect.name == "sqlite":  # the UPDATE above already holds the write lock
            db.session.add(row)
            db.session.flush()
            return row.last_number
        try:
            with db.session.begin_nested():
                db.session.add(row)
            return row.last_number
        except IntegrityError:  # created concurrently (PostgreSQL): update it instead
            continue
    raise ResolutionError("Không cấp được số nghị quyết, hãy thử lại.", code="numbering_busy")


def _clean_title(title: str | None, fallback: str) -> str:
    title = " ".join((title or "").split()) or fallback
    if not title:
        raise Invalid("Tên nghị quyết không được để trống.", details={"title": "required"})
    return title[:500]


class FinalText:
    """The text to issue: the Văn phòng's Word/ODT (fields filled by the system) or a PDF."""

    def __init__(self, data: bytes, fmt: str, source: str, original: bytes | None = None):
        self.data, self.fmt, self.source = data, fmt, source
        self.original = original  # the PDF of the draft version (kept as "draft")


def _checked_final_pdf(data: bytes, filename: str) -> bytes:
    try:
        if not data:
            raise pdfcheck.PdfRejected("empty_file", "Tệp rỗng (0 byte).", "empty")
        pdfcheck.inspect_pdf(data, max_bytes=current_app.config["MAX_DOCUMENT_BYTES"])
    except pdfcheck.PdfRejected as exc:
        raise Rejected(f"{filename or 'Tệp'}: {exc.message_vi}", code=exc.code) from exc
    return data


def _final_text(res: Resolution, document_id: int | None, upload: bytes | None,
                filename: str) -> FinalText:
    if upload is not None:
        fmt = pdfcheck.detect_format(upload) if upload[:2] == b"PK" else None
        if fmt in ("docx", "odt"):
            if len(upload) > current_app.config["MAX_DOCUMENT_BYTES"]:
                raise Rejected(f"{filename or 'Tệp'}: tệp quá lớn.", code="too_large")
            return FinalText(upload, fmt, "upload")
        return FinalText(_checked_final_pdf(upload, filename), "pdf", "upload")
    docs = draft_documents(res)
    if document_id is not None:
        docs = [d for d in docs if d.id == document_id]
        if not docs:
            raise Invalid("Tài liệu không thuộc mục chương trình của nghị quyết này.",
                          code="draft_not_found")
    if not docs:
        raise Invalid("Mục chương trình chưa có dự thảo; hãy tải lên văn bản cuối cùng.",
                      code="draft_missing")
    version = docs[0].current
    blobs = store()
    if version.source_sha256 and version.converted_from in ("docx", "odt"):
        return FinalText(blobs.read(version.source_sha256), version.converted_from,
                         "agenda_draft", original=blobs.read(version.sha256))
    return FinalText(blobs.read(version.sha256), "pdf", "agenda_draft")


def _fields(meeting: Meeting, vote: Vote | None, title: str, number_text: str,
            issued_on: date, effective_on: date | None) -> official_pdf.ResolutionFields:
    """What the system writes into the text, from the council's data (Decree 30)."""
    council, term = meeting.council, meeting.term
    style = council.session_number_style or "words"
    passed = vote.closed_at if vote is not None and vote.closed_at else None
    passed_on = clock.today(council.id) if passed is None else \
        clock_rules.local(passed, council.time_zone).date()
    term_number = term.number if term else None
    term_name = term.name if term else ""
    header_1, header_2 = rules.council_header_lines(council.name)
    return official_pdf.ResolutionFields(
        header_1=header_1, header_2=header_2, number=number_text,
        place_date=rules.place_date_line(_place(council), issued_on),
        council_upper=" ".join(council.name.split()).upper(),
        session_line=rules.session_line(term_number, term_name, meeting.number, style,
                                        meeting.title),
        closing=rules.closing_formula(council.name, term_number, term_name, meeting.number,
                                      passed_on, effective_on or passed_on, style),
        recipients=rules.recipients(council.recipients), chair_name=_chair_name(council.id),
        title=rules.subject_line(title))


def _place(council) -> str:
    """The place of the date line: the council's setting, else taken from its name."""
    return council.place_name or rules.place_name(council.name)


def _make_official(fields: official_pdf.ResolutionFields,
                   final: FinalText) -> official_pdf.OfficialPdf:
    """Pure (bytes in, bytes out): a worker pool can run it."""
    if final.fmt in ("docx", "odt"):
        return official_pdf.from_office(final.data, final.fmt, fields)
    return official_pdf.from_final_pdf(final.data)


def _official(fields, final: FinalText) -> official_pdf.OfficialPdf:
    try:  # LibreOffice and pypdf: in a worker, not in the serving loop
        return workers.run("paperless.services.resolutions:_make_official", fields, final)
    except pdfcheck.PdfRejected as exc:
        raise Rejected(exc.message_vi, code=exc.code) from exc


def _check_number(official: official_pdf.OfficialPdf, number_text: str, title: str) -> None:
    """Inside the numbering transaction: the text carries the number just taken."""
    try:
        workers.run("paperless.pdf.official:check_number", official.pdf, number_text)
    except pdfcheck.PdfRejected as exc:
        raise Rejected(exc.message_vi, code=exc.code) from exc


def _with_signature_fields(official: official_pdf.OfficialPdf) -> bytes:
    """The official PDF with the chair's and the seal's empty fields at its signature place."""
    page = official.signature_page
    return signing.add_signature_fields(official.pdf, [
        signing.FieldPlacement(signing.SIGNER_FIELD, page, official.chair_box),
        signing.FieldPlacement(signing.ORGANISATION_FIELD, page, official.seal_box)])


def _peek_counter(council_id: int, year: int) -> int:
    return db.session.scalar(select(ResolutionCounter.last_number).where(
        ResolutionCounter.council_id == council_id, ResolutionCounter.year == year)) or 0


def _chair_name(council_id: int) -> str:
    from paperless.models import RoleAssignment, User

    name = db.session.scalar(select(User.full_name).join(
        RoleAssignment, RoleAssignment.user_id == User.id).where(
        RoleAssignment.council_id == council_id, RoleAssignment.role == "chair",
        User.is_active.is_(True)).order_by(RoleAssignment.id).limit(1))
    return name or ""


def issue(actor: Actor, resolution_id: int, *, verify_base_url: str | None = None,
          kind: str = "individual",
          title: str | None = None, document_id: int | None = None,
          upload: bytes | None = None, filename: str = "",
          issued_on: date | None = None, effective_on: date | None = None) -> Resolution:
    """Number the resolution and make its official PDF/A: the text itself (Decree 30), with
    both signature fields at its signature place. ``verify_base_url`` is kept for callers;
    the public page stays /r/<public id>."""
    res = get(actor, resolution_id, ISSUERS)
    _rule(rules.check_transition, res.state, "issued")
    if kind not in rules.KINDS:
        raise Invalid("Loại nghị quyết không hợp lệ.", details={"kind": sorted(rules.KINDS)})
    title = _clean_title(title, res.title)
    final = _final_text(res, document_id, upload, filename)
    # A key that cannot sign would strand a numbered resolution: check before numbering.
    keys.check_key(res.council_id, "organisation")
    meeting = db.session.get(Meeting, res.meeting_id)
    issued_on = issued_on or clock.today(res.council_id)
    year = rules.numbering_year(issued_on)
    vote = db.session.get(Vote, res.vote_id) if res.vote_id else None

    def fields_for(number: int):
        return _fields(meeting, vote, title, rules.format_number(number, year, kind),
                       issued_on, effective_on)

    # LibreOffice takes seconds: render with the number this issue will most likely get,
    # outside the numbering lock; a concurrent issue that took it first means one more
    # render inside (rare), never a hole.
    # The signature fields are added outside the lock too: the lock is held by one issue at
    # a time, so whatever runs under it is paid once per waiting issue.
    predicted = _peek_counter(res.council_id, year) + 1
    official = _official(fields_for(predicted), final)
    with_fields = _with_signature_fields(official)
    db.session.rollback()  # end the read transaction before taking the counter's lock
    blobs = store()
    written: list[str] = []
    try:
        number = _bump_counter(res.council_id, year)
        # re-read under the lock: a concurrent issue of the same resolution lost the race
        db.session.refresh(res)
        _rule(rules.check_transition, res.state, "issued")
        number_text = rules.format_number(number, year, kind)
        if number != predicted and final.fmt != "pdf":
            official = _official(fields_for(number), final)
            with_fields = _with_signature_fields(official)
        _check_number(official, number_text, title)
        draft = final.original or final.data
        for data in (draft, with_fields):
            sha, new = blobs.put(data)
            if new:
                written.append(sha)
        res = db.session.get(Resolution, resolution_id)
        res.kind, res.title, res.year, res.number = kind, title, year, number
        res.number_text, res.issued_on = number_text, issued_on
        res.draft_sha256 = hashlib.sha256(draft).hexdigest()
        res.draft_source = final.source
        res.official_sha256 = hashlib.sha256(with_fields).hexdigest()
        res.vote_result = vote.result if vote else None
        res.state, res.issued_at, res.issued_by = "issued", _now(), actor.user_id
        audit.record(actor, "resolution.issued", council_id=res.council_id,
                     meeting_id=res.meeting_id, subject=("resolution", res.id),
                     details={"number": number_text, "title": title,
                              "official_sha256": res.official_sha256,
                              "text": final.fmt})
        db.session.commit()
    except BaseException:
        db.session.rollback()
        for sha in written:
            blobs.discard(sha)
        raise
    # what keeps the file from full PDF/A (fonts of an uploaded PDF not embedded…)
    res.pdfa_findings = official.pdfa_findings
    if official.pdfa_findings:
        current_app.logger.warning("resolution %s: PDF/A findings %s", res.id,
                                   official.pdfa_findings)
    return res


# --- signing ---------------------------------------------------------------------

def _cert_record(cert, role: str, actor: Actor, method: str, result_level: str,
                 signed_at: str | None) -> dict:
    cert = signing.keys.to_asn1_certificate(cert)
    return {"role": role, "user_id": actor.user_id, "user": actor.full_name,
            "subject": cert.subject.human_friendly, "issuer": cert.issuer.human_friendly,
            "serial": format(cert.serial_number, "x"),
            "not_after": cert["tbs_certificate"]["validity"]["not_after"].native.isoformat(),
            "signed_at": signed_at or _now().isoformat(), "pades_level": result_level,
            "method": method}


def _check_signed(data: bytes, council_id: int, expected: int,
                  reports: list | None = None) -> list[dict]:
    """Validate the new file; every signature must be valid, else nothing is stored.
    ``reports``: the validation already made while signing (one parse, not two)."""
    if reports is None:
        reports = jobs.validate_signatures(data, keys.trust_roots(council_id))
    signatures = [r for r in reports if r.kind == "signature"]
    if len(signatures) != expected or any(r.status != signing.VALID for r in reports):
        problems = "; ".join(f"{r.field_name}: {r.status} {r.problems}" for r in reports)
        current_app.logger.warning("signed resolution did not validate: %s", problems)
        raise keys.SigningFailed("Tệp sau khi ký không kiểm tra được là hợp lệ (chứng thư "
                                 "không thuộc gốc tin cậy đã cấu hình?).",
                                 code="signature_not_valid")
    return [r.to_dict() for r in reports]


def _store_signed(actor: Actor, res: Resolution, data: bytes, *, state: str,
                  record: dict) -> None:
    blobs = store()
    sha, new = blobs.put(data)
    try:
        _rule(rules.check_transition, res.state, state)
        # compare-and-set: of two concurrent signings of the same step only one is stored
        claimed = db.session.execute(
            update(Resolution).where(Resolution.id == res.id, Resolution.state == res.state)
            .values(state=state).execution_options(synchronize_session=False)).rowcount
        if not claimed:
            raise ResolutionError("Nghị quyết vừa được người khác ký; hãy tải lại trang.",
                                  code="state_changed")
        if state == "signed_by_chair":
            res.chair_signed_sha256 = sha
            res.pending_two_step = None
        else:
            res.signed_sha256 = sha
        res.signatures = [*res.signatures, record]
        res.state = state
        if state == "signed":
            res.state, res.archived_at = "archived", _now()  # the signed PDF goes to the archive
        audit.record(actor, "resolution.signed", council_id=res.council_id,
                     meeting_id=res.meeting_id, subject=("resolution", res.id),
                     details={"number": res.number_text, "role": record["role"],
                              "method": record["method"], "subject": record["subject"],
                              "sha256": sha, "state": res.state})
        db.session.commit()
    except BaseException:
        db.session.rollback()
        if new:
            blobs.discard(sha)
        raise


def _require_chair(actor: Actor, res: Resolution) -> None:
    # The chair's own signature (their key, their name on the stamp): never applied by anyone
    # else, not even the superuser — as a ballot is only ever cast by its delegate.
    if "chair" not in actor.roles_in(res.council_id):
        from paperless.services.errors import Forbidden

        raise Forbidden("Chỉ Chủ tịch (chủ tọa) được ký nghị quyết.", code="not_the_chair")


def chair_stamp_spec(council_id: int, user_id: int | None = None) -> sign_jobs.StampSpec:
    """The chair's handwritten-signature image at the signature place (the signer's own, else
    the council's; a placeholder without one): the title and the name are in the text
    already, once each. As a spec: the worker draws it."""
    return sign_jobs.StampSpec("signature_image", (keys.signer_image(council_id, user_id),),
                               {"time_zone": clock.zone_name(council_id)})


def signing_preview(actor: Actor, resolution_id: int) -> Resolution:
    """What the chair is about to sign (the official PDF/A and its hash): only the chair,
    only an issued resolution."""
    res = get(actor, resolution_id, CHAIRS)
    _require_chair(actor, res)
    _rule(rules.check_transition, res.state, "signed_by_chair")
    return res


def sign_as_chair(actor: Actor, resolution_id: int, *, document_sha256: str | None,
                  reauth: auth.Reauthentication | None) -> Resolution:
    """The chair signs in the app with the chair's key from the signing folder — the
    document they saw (`document_sha256`: the hash of the official PDF their preview
    showed; another one is `document_changed`) after typing their password again
    (`auth.confirm_identity`: `reauth_required`, `reauth_failed`, `too_many_attempts`)."""
    res = signing_preview(actor, resolution_id)
    if not isinstance(document_sha256, str) or not document_sha256:
        raise Invalid("Thiếu mã băm của văn bản đã xem trước (document_sha256).",
                      code="document_sha256_required", details={"document_sha256": "required"})
    if document_sha256.strip().lower() != res.official_sha256:
        raise ResolutionError("Văn bản đã thay đổi sau khi bạn xem trước; hãy xem lại "
                              "trước khi ký.", code="document_changed",
                              details={"official_sha256": res.official_sha256})
    auth.confirm_identity(actor, reauth, purpose=f"resolution.sign:{res.id}")
    meeting = db.session.get(Meeting, res.meeting_id)
    data = store().read(res.official_sha256)
    result = keys.sign(data, [keys.sign_step(
        res.council_id, "chair", signing.SIGNER_FIELD,
        chair_stamp_spec(res.council_id, actor.user_id),
        reason="Ký ban hành nghị quyết", location=_place(meeting.council))],
        timestamper=keys.timestamper(), validate_with=keys.trust_roots(res.council_id))
    step = result.steps[0]
    _check_signed(result.pdf, res.council_id, 1, result.reports)
    _store_signed(actor, res, result.pdf, state="signed_by_chair", record=_cert_record(
        step.certificate, "chair", actor, "server", step.pades_level, step.signing_time))
    return res


def prepare_chair_two_step(actor: Actor, resolution_id: int, certificate: bytes,
                           chain: list[bytes] | None = None) -> dict:
    """Two-step signing (USB token app, remote service): returns the digest to sign."""
    res = get(actor, resolution_id, CHAIRS)
    _require_chair(actor, res)
    _rule(rules.check_transition, res.state, "signed_by_chair")
    try:
        prepared = sign_jobs.prepare(
            store().read(res.official_sha256), certificate, field_name=signing.SIGNER_FIELD,
            chain=chain or [],
            stamp=chair_stamp_spec(res.council_id, actor.user_id),
            reason="Ký ban hành nghị quyết")
    except signing.SigningError as exc:
        raise keys.from_signing_error(exc) from exc
    except (ValueError, TypeError) as exc:
        raise Invalid("Chứng thư số không đọc được (PEM hoặc DER).",
                      code="invalid_certificate") from exc
    state = prepared.to_dict()
    sha, _new = store().put(prepared.prepared_pdf)
    state["prepared_pdf"] = sha  # the PDF lives in the blob store, the rest in the row
    res.pending_two_step = state
    db.session.commit()
    return {"digest_to_sign": state["digest_to_sign"],
            "document_digest": state["document_digest"], "digest_algorithm": "sha256",
            "field_name": prepared.field_name}


def finish_chair_two_step(actor: Actor, resolution_id: int, *, signature: bytes | None = None,
                          cms: bytes | None = None) -> Resolution:
    import base64

    res = get(actor, resolution_id, CHAIRS)
    _require_chair(actor, res)
    _rule(rules.check_transition, res.state, "signed_by_chair")
    if not res.pending_two_step:
        raise ResolutionError("Chưa chuẩn bị ký hai bước.", code="not_prepared")
    if (signature is None) == (cms is None):
        raise Invalid("Gửi đúng một trong hai: signature (giá trị chữ ký) hoặc cms.",
                      code="signature_required")
    state = dict(res.pending_two_step)
    state["prepared_pdf"] = base64.b64encode(store().read(state["prepared_pdf"])).decode()
    try:
        prepared = signing.PreparedSignature.from_dict(state)
        data, level, signed_at = sign_jobs.finish(prepared, signature=signature, cms=cms,
                                                  timestamper=keys.timestamper())
    except signing.SigningError as exc:
        raise keys.from_signing_error(exc) from exc
    _check_signed(data, res.council_id, 1)
    _store_signed(actor, res, data, state="signed_by_chair", record=_cert_record(
        prepared.signer_cert, "chair", actor, "two_step", level, signed_at))
    return res


def sign_as_organisation(actor: Actor, resolution_id: int) -> Resolution:
    """The council's organisational certificate signs; the result goes to the archive."""
    res = get(actor, resolution_id, ISSUERS)
    _rule(rules.check_transition, res.state, "signed")
    council = db.session.get(Meeting, res.meeting_id).council
    timestamper = keys.timestamper()
    crls = keys.crls(res.council_id)
    # Archive copy (Decree 30 practice: B-LTA): with a timestamp server and revocation
    # data, embed chain + CRLs (DSS) and add a document timestamp.
    long_term = {"embed_validation_info": True, "trust_roots": keys.trust_roots(res.council_id),
                 "crls": crls, "archival_timestamp": True} if timestamper and crls else {}
    stamp = sign_jobs.StampSpec("seal", (" ".join(council.name.split()).upper(),), {
        "seal_image": keys.image(res.council_id, "seal.png"), "time_zone": council.time_zone})
    data = store().read(res.chair_signed_sha256)
    result = keys.sign(data, [keys.sign_step(
        res.council_id, "organisation", signing.ORGANISATION_FIELD, stamp,
        reason="Ký số của cơ quan, tổ chức", **long_term)],
        timestamper=timestamper, validate_with=keys.trust_roots(res.council_id))
    step = result.steps[0]
    _check_signed(result.pdf, res.council_id, 2, result.reports)
    _store_signed(actor, res, result.pdf, state="signed", record=_cert_record(
        step.certificate, "organisation", actor, "server", step.pades_level,
        step.signing_time))
    return res


COPY_FIELD = "ChuKySaoY"
COPY_FORMS = rules.COPY_FORMS


def _organisation_signs_top_right(council_id: int, pdf: bytes, form: str) -> bytes:
    """The organisation's text-only signature at the top right of page 1 (Decree 30 for
    electronic copies and attachments); validated before it is handed out."""
    from paperless.models import Council

    council = db.session.get(Council, council_id)
    try:
        with_field = workers.run("paperless.sign_jobs:add_copy_field", pdf, COPY_FIELD)
    except signing.SigningError as exc:
        raise Invalid(exc.message_vi, code=exc.code) from exc
    stamp = sign_jobs.StampSpec("copy", (" ".join(council.name.split()).upper(), form),
                                {"time_zone": council.time_zone})
    result = keys.sign(with_field, [keys.sign_step(council_id, "organisation", COPY_FIELD,
                                                   stamp, reason=form)],
                       timestamper=keys.timestamper(), validate_with=keys.trust_roots(council_id))
    reports = [r for r in result.reports if r.field_name == COPY_FIELD]
    _check_signed(result.pdf, council_id, 1, reports)
    return result.pdf


def electronic_copy(actor: Actor, resolution_id: int, form: str = "sao_y",
                    pages: str | None = None) -> bytes:
    """Bản sao điện tử (sao y / sao lục / trích sao) of an archived resolution: its pages with
    the original's signatures drawn, signed by the organisation at the top right of page 1.
    A trích sao copies the pages named in ``pages`` ("1-2, 4"), not all of them."""
    res = get(actor, resolution_id, ISSUERS)
    if res.state != "archived":
        raise ResolutionError("Chỉ sao văn bản đã ký và lưu trữ.", code="not_archived")
    if form not in COPY_FORMS:
        raise Invalid("Hình thức sao không hợp lệ.", code="invalid_copy_form",
                      details={"form": sorted(COPY_FORMS)})
    signed = store().read(res.signed_sha256)
    try:
        chosen = rules.copy_pages(form, pages, official_pdf.page_count(signed))
    except rules.RuleError as exc:
        raise Invalid(exc.message, code=exc.code, details={"pages": exc.code}) from exc
    whole = form != "trich_sao"
    flat = workers.run("paperless.pdf.official:electronic_copy", signed,
                       None if whole else chosen)
    label = f"{COPY_FORMS[form]} — Số: {res.number_text}"
    if not whole:
        label += f" (trang {_page_list(chosen)})"
    data = _organisation_signs_top_right(res.council_id, flat, label)
    audit.record(actor, "resolution.copied", council_id=res.council_id,
                 meeting_id=res.meeting_id, subject=("resolution", res.id),
                 details={"number": res.number_text, "form": form, "pages": chosen,
                          "sha256": hashlib.sha256(data).hexdigest()})
    db.session.commit()
    return data


def _page_list(pages: list[int]) -> str:
    """[1, 2, 3, 5] -> "1-3, 5"."""
    runs: list[list[int]] = []
    for page in pages:
        if runs and page == runs[-1][-1] + 1:
            runs[-1].append(page)
        else:
            runs.append([page])
    return ", ".join(f"{r[0]}-{r[-1]}" if len(r) > 1 else str(r[0]) for r in runs)


def sign_attachment(actor: Actor, resolution_id: int, data: bytes, filename: str = "") -> bytes:
    """An attachment in a separate file (phụ lục): the organisation signs it at the top right
    of its first page, naming the resolution it belongs to."""
    res = get(actor, resolution_id, ISSUERS)
    if res.state not in ("issued", "signed_by_chair", "archived"):
        raise ResolutionError("Nghị quyết chưa được cấp số.", code="not_issued")
    pdf = _checked_final_pdf(data, filename)
    signed = _organisation_signs_top_right(
        res.council_id, pdf, f"PHỤ LỤC KÈM THEO NGHỊ QUYẾT SỐ {res.number_text}")
    audit.record(actor, "resolution.attachment_signed", council_id=res.council_id,
                 meeting_id=res.meeting_id, subject=("resolution", res.id),
                 details={"number": res.number_text, "filename": (filename or "")[:200],
                          "sha256": hashlib.sha256(signed).hexdigest()})
    db.session.commit()
    return signed


def correct(actor: Actor, resolution_id: int, title: str | None = None) -> Resolution:
    """Đính chính: a new resolution to issue that points to the archived one."""
    old = get(actor, resolution_id, ISSUERS)
    if old.state != "archived":
        raise ResolutionError("Chỉ đính chính nghị quyết đã lưu trữ.", code="not_archived")
    new = Resolution(council_id=old.council_id, meeting_id=old.meeting_id,
                     agenda_item_id=old.agenda_item_id, vote_id=None, kind=old.kind,
                     title=_clean_title(title, f"Đính chính Nghị quyết số {old.number_text}"),
                     state="to_issue", public_id=secrets.token_urlsafe(12), signatures=[],
                     corrects_id=old.id)
    db.session.add(new)
    db.session.flush()
    audit.record(actor, "resolution.correction_opened", council_id=old.council_id,
                 meeting_id=old.meeting_id, subject=("resolution", new.id),
                 details={"corrects": old.number_text})
    db.session.commit()
    return new


# --- reading, archive, export --------------------------------------------------------

FILES = {"draft": "draft_sha256", "official": "official_sha256",
         "chair_signed": "chair_signed_sha256", "signed": "signed_sha256"}


def file_of(actor: Actor, resolution_id: int, which: str) -> tuple[Resolution, bytes]:
    res = get(actor, resolution_id, READERS)
    sha = getattr(res, FILES.get(which, ""), None) if which in FILES else None
    if not sha:
        raise NotFound("Chưa có tệp này.")
    return res, store().read(sha)


def search_archive(actor: Actor, council_id: int, *, q: str = "", number: str = "",
                   date_from: date | None = None, date_to: date | None = None,
                   meeting_id: int | None = None, states=("archived",)) -> list[Resolution]:
    require(actor, council_id, READERS)
    query = select(Resolution).where(Resolution.council_id == council_id,
                                     Resolution.state.in_(states))
    if q:
        words = q.split()[:10]
        for word in words:
            query = query.where(Resolution.title.ilike(f"%{word}%"))
    if number:
        number = number.strip()
        head = number.split("/")[0]
        # "1", "01", "01/NQ-HĐND" all mean number 1 (ASCII digits, and few enough for the
        # database: "²" or twenty nines used to be a server error)
        if re.fullmatch(r"[0-9]{1,9}", head):
            query = query.where(Resolution.number == int(head))
        else:
            query = query.where(Resolution.number_text.ilike(f"%{number}%"))
    if date_from:
        query = query.where(Resolution.issued_on >= date_from)
    if date_to:
        query = query.where(Resolution.issued_on <= date_to)
    if meeting_id:
        query = query.where(Resolution.meeting_id == meeting_id)
    return list(db.session.scalars(query.order_by(Resolution.year.desc(),
                                                  Resolution.number.desc()).limit(500)))


def _slug(res: Resolution) -> str:
    return (res.number_text or f"nq-{res.id}").replace("/", "-")


def export_meeting(actor: Actor, meeting_id: int) -> bytes:
    """ZIP of the meeting's archived resolutions (draft + signed) with manifest.json."""
    meeting = get_meeting(actor, meeting_id, READERS)
    rows = search_archive(actor, meeting.council_id, meeting_id=meeting.id)
    blobs = store()
    manifest = {"meeting": {"id": meeting.id, "title": meeting.title,
                            "council": meeting.council.name},
                "generated_at": _now().isoformat(), "algorithm": "sha256", "resolutions": []}
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for res in sorted(rows, key=lambda r: (r.year or 0, r.number or 0)):
            entry = public_record(res)
            entry["files"] = {}
            for which in ("draft", "signed"):
                sha = getattr(res, FILES[which])
                name = f"{_slug(res)}/{which}.pdf"
                data = blobs.read(sha)
                if hashlib.sha256(data).hexdigest() != sha:
                    raise ResolutionError("Tệp lưu trữ bị thay đổi trên đĩa.",
                                          code="blob_corrupted")
                zf.writestr(name, data)
                entry["files"][which] = {"path": name, "sha256": sha, "size": len(data)}
            entry["signatures"] = res.signatures
            entry["vote_result"] = res.vote_result
            manifest["resolutions"].append(entry)
        zf.writestr("manifest.json", json.dumps(manifest, ensure_ascii=False, indent=2))
    return buf.getvalue()


def public_record(res: Resolution) -> dict:
    return {"id": res.id, "public_id": res.public_id, "number": res.number_text,
            "kind": res.kind, "kind_label": rules.KINDS.get(res.kind, res.kind),
            "title": res.title, "state": res.state, "state_label": rules.STATES[res.state],
            "issued_on": res.issued_on.isoformat() if res.issued_on else None,
            "signed_sha256": res.signed_sha256,
            "archived_at": res.archived_at.isoformat() if res.archived_at else None,
            "corrects_id": res.corrects_id}


def view(res: Resolution) -> dict:
    data = public_record(res)
    data.update({"meeting_id": res.meeting_id, "agenda_item_id": res.agenda_item_id,
                 "vote_id": res.vote_id, "draft_sha256": res.draft_sha256,
                 "official_sha256": res.official_sha256,
                 "chair_signed_sha256": res.chair_signed_sha256,
                 "signatures": res.signatures,
                 "vote_statement": _vote_statement(res)})
    return data


def vote_result_of(res: Resolution) -> dict | None:
    """The result of the vote that passed the resolution (figures and legal wording)."""
    result = res.vote_result
    if result is None and res.vote_id:
        vote = db.session.get(Vote, res.vote_id)
        result = vote.result if vote else None
    return result or None


def _vote_statement(res: Resolution) -> list[str]:
    result = vote_result_of(res)
    return list(result.get("statement") or []) if result else []


# --- public verification (no login) ----------------------------------------------------

def _checked_upload(data: bytes) -> bytes:
    limit = current_app.config["MAX_VERIFY_BYTES"]
    if not data:
        raise Invalid("Tệp rỗng (0 byte).", code="empty_file")
    if len(data) > limit:
        error = Invalid(f"Tệp quá lớn (tối đa {limit // (1024 * 1024)} MB).", code="too_large")
        error.status = 413
        raise error
    return data


def verify(data: bytes, council_id: int | None = None) -> dict:
    """Every signature of any PDF: signer, time, chain, trust, intact, changed after, level."""
    data = _checked_upload(data)
    config = current_app.config
    limits = {"max_pages": config["MAX_VERIFY_PAGES"], "max_fields": config["MAX_VERIFY_FIELDS"]}
    roots = _all_roots() if council_id is None else keys.trust_roots(council_id)
    try:
        # Anyone may send anything here: a scan of the bytes refuses the absurd before any
        # parsing, and the rest is validated in the worker pool under its time and memory
        # limits (a WorkerError: too_complex / timeout).
        signing.validate.precheck(data, **limits)
        reports = jobs.validate_signatures(
            data, roots, **limits,
            timeout_s=min(config["VERIFY_TIMEOUT_S"], config["WORKER_TIMEOUT_S"]))
    except signing.SigningError as exc:
        raise Invalid(exc.message_vi, code=exc.code) from exc
    return {"sha256": hashlib.sha256(data).hexdigest(), "size": len(data),
            "signatures": [r.to_dict() for r in reports],
            "all_valid": bool(reports) and all(r.status == signing.VALID for r in reports)}


def _all_roots() -> list:
    files = [keys.folder() / "ca.pem", *sorted(keys.folder().glob("council-*/ca.pem"))]
    try:
        return signing.load_certificates([f for f in files if f.is_file()])
    except signing.SigningError:
        return []


def by_public_id(public_id: str) -> Resolution:
    if not isinstance(public_id, str) or not re.fullmatch(r"[A-Za-z0-9_-]{8,40}", public_id):
        raise NotFound("Không tìm thấy văn bản.")
    res = db.session.scalar(select(Resolution).where(Resolution.public_id == public_id))
    if res is None or res.state != "archived":
        raise NotFound("Không tìm thấy văn bản.")
    return res


def check_against_archive(public_id: str, data: bytes) -> dict:
    """Is this exactly the archived file (SHA-256), plus the signature report of what was sent."""
    res = by_public_id(public_id)
    data = _checked_upload(data)
    sha = hashlib.sha256(data).hexdigest()
    try:
        report = verify(data, res.council_id)
    except Invalid as exc:
        report = {"sha256": sha, "size": len(data), "signatures": [], "all_valid": False,
                  "error": {"code": exc.code, "message": exc.message}}
    return {"resolution": public_record(res), "matches": sha == res.signed_sha256,
            "sha256": sha, "archived_sha256": res.signed_sha256, "report": report}
