"""Resolutions: issue, chair and organisation signatures, corrections, electronic copies and
signed attachments, the archive and its ZIP; the public verification of any PDF and the
check of a file against the archived resolution."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal

from pydantic import BeforeValidator, Field

from paperless import db
from paperless.domain.resolutions import COPY_FORMS, KINDS, STATES
from paperless.schemas.base import NO_FILE, Answer, Body, File, Query
from paperless.services.resolutions import FILES
from paperless.shapes import AsTyped, Id, IsoDate, Says, literal

WHICH_FILES = list(FILES)  # the path parameter of /resolutions/<id>/files/<which>


def _form_id(value: Any) -> Any:
    # A form's id that is no id ("²", "abc") is ignored, as it always was: no document chosen.
    if isinstance(value, str):
        try:
            return db.id_arg(value)
        except ValueError:
            return None
    return value


Kind = Annotated[literal(KINDS) | None, Says("Loại nghị quyết không hợp lệ.")]
Certificate = Annotated[str, Field(max_length=20_000)]
Base64 = Annotated[str | None, Field(json_schema_extra={"description": "base64"})]


class IssueInput(Body):
    """Everything optional: kind individual, the title of the vote, the agenda draft as the
    text, today's date."""
    kind: Kind = None
    title: str | None = None
    document_id: Id | None = None
    issued_on: IsoDate | None = None


class IssueForm(Query):
    kind: Kind = None
    title: str | None = None
    document_id: Annotated[Id | None, BeforeValidator(_form_id)] = None
    issued_on: IsoDate | None = None
    file: Annotated[File | None, Field(json_schema_extra={
        "description": "the final text (PDF) instead of the agenda draft"})] = None


class IssuePageForm(Query):
    """The page's form: IssueForm, with the text chosen as `source` (a draft's document id,
    or "upload": the final text in request.files; no draft and no file is refused by the
    view)."""
    kind: Kind = Field(None, title="Loại")
    title: str | None = Field(None, title="Tên nghị quyết")
    document_id: Annotated[Id | None, BeforeValidator(_form_id)] = Field(
        None, alias="source", title="Văn bản")
    issued_on: IsoDate | None = Field(None, title="Ngày ban hành")


class ChairSignatureInput(Body):
    # The signing page's form too.
    password: Annotated[str | None, AsTyped(), Says("Nhập lại mật khẩu của bạn để xác nhận.",
                                         "reauth_required"),
                        Field(title="Mật khẩu",
                              json_schema_extra={"description": "the chair's password, again"})
                        ] = None
    document_sha256: Annotated[
        str | None, Says("Thiếu mã băm của văn bản đã xem trước (document_sha256).",
                         "document_sha256_required"),
        Field(json_schema_extra={"description": "official_sha256 of the previewed PDF"})] = None


class TwoStepPrepareInput(Body):
    certificate: Annotated[Certificate, Field(json_schema_extra={
        "description": "PEM, or DER in base64"})]
    chain: Annotated[list[Certificate] | None, Field(max_length=100),
                     Says("Trường “{name}” phải là danh sách chuỗi.")] = None


class TwoStepDigest(Answer):
    digest_to_sign: str
    document_digest: str
    digest_algorithm: str
    field_name: str


class TwoStepFinishInput(Body):
    """Exactly one of them."""
    signature: Base64 = None
    cms: Annotated[str | None, Field(json_schema_extra={
        "description": "base64 DER SignedData"})] = None


class CorrectionInput(Body):
    # The page's form too.
    title: str | None = Field(None, title="Tên nghị quyết")


class CopyInput(Body):
    # The page's form too.
    form: Annotated[literal(COPY_FORMS) | None,
                    Says("Hình thức sao không hợp lệ.", "invalid_copy_form"),
                    Field(title="Hình thức sao",
                          json_schema_extra={"description": "absent: sao_y"})] = None
    pages: Annotated[str | None, Field(title="Trang cần trích", json_schema_extra={
        "description": "trích sao only: 1-based pages, e.g. \"1-2, 4\""})] = None


class AttachmentForm(Query):
    file: Annotated[File, Says(NO_FILE, "file_required")]


class PdfForm(Query):
    file: Annotated[File, Says(NO_FILE)]


class ArchiveQuery(Query):
    q: str = ""
    number: str = ""
    date_from: Annotated[IsoDate | None, Says("“{name}” phải là ngày YYYY-MM-DD.")] = Field(
        None, alias="from")
    date_to: Annotated[IsoDate | None, Says("“{name}” phải là ngày YYYY-MM-DD.")] = Field(
        None, alias="to")
    meeting_id: Id | None = None


class ArchiveZipQuery(Query):
    layout: Annotated[Literal["manifest", "national"] | None, Field(json_schema_extra={
        "description": "absent: manifest"})] = None


class ResolutionSignature(Answer):
    role: Literal["chair", "organisation"]
    user_id: int | None
    user: str | None
    subject: str
    issuer: str
    serial: str
    not_after: str
    signed_at: str
    pades_level: str | None
    method: Literal["server", "two_step"]


class PublicResolution(Answer):
    """What anyone may read of an archived resolution (the public check, the ZIP)."""
    id: int
    public_id: str
    number: str
    kind: literal(KINDS)
    kind_label: str
    title: str
    state: literal(STATES)
    state_label: str
    issued_on: date | None
    signed_sha256: str | None
    archived_at: str | None = Field(json_schema_extra={"format": "date-time"})
    corrects_id: int | None


class Resolution(PublicResolution):
    meeting_id: int
    agenda_item_id: int | None
    vote_id: int | None
    draft_sha256: str | None
    official_sha256: str | None
    chair_signed_sha256: str | None
    signatures: list[ResolutionSignature]
    vote_statement: list[str]


class SignatureReport(Answer):
    field_name: str
    kind: Literal["signature", "document_timestamp"]
    status: Literal["valid", "untrusted", "modified", "invalid"]
    signer_common_name: str | None
    signing_time: str | None
    timestamp_time: str | None
    certificate_chain: list[str]
    trusted: bool
    intact: bool
    cryptographically_valid: bool
    covers_whole_file: bool
    modified_after_signing: bool
    modification_level: str | None
    pades_level: str | None
    revocation_info_embedded: bool
    certified: bool
    problems: list[str]


class ReportError(Answer):
    code: str
    message: str


class VerifyReport(Answer):
    """error: in a public check, why the file sent could not be verified."""
    sha256: str
    size: int
    signatures: list[SignatureReport]
    all_valid: bool
    error: ReportError | None = None


class PublicCheck(Answer):
    resolution: PublicResolution
    matches: bool
    sha256: str
    archived_sha256: str | None
    report: VerifyReport
