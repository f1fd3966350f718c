"""Session documents: uploads, versions, changes, withdrawal, publishing, search, reads, the
file and its range link, thumbnails, the export with notes, and personal notes."""

from __future__ import annotations

from typing import Annotated, Any, ClassVar

from pydantic import Field, WithJsonSchema

from paperless import db
from paperless.domain.documents import ACCESS_LEVELS, TITLE_MAX, WITHDRAW_REASON_MAX
from paperless.schemas.base import NO_FILE, Answer, Body, File, Query
from paperless.services.documents import NOTE_KINDS
from paperless.shapes import Id, Says, Text, literal

Access = Annotated[literal(ACCESS_LEVELS), Says("Mức truy cập không hợp lệ.")]
DateTime = Annotated[str, Field(json_schema_extra={"format": "date-time"})]


class DocumentUpload(Query):
    file: Annotated[File, Says(NO_FILE)] = Field(
        description="PDF; .docx/.doc/.odt are converted with LibreOffice")
    title: str = ""
    agenda_item_id: Id | None = None
    access: Access = "delegates"


class DocumentUploadForm(Query):
    """The page's upload form: several files at once (they stay in request.files, each
    checked on its own) and what they share; the title only counts for a single file."""
    title: str = Field("", title="Tên tài liệu")
    agenda_item_id: Id | None = Field(None, title="Mục chương trình")
    access: Access = Field("delegates", title="Mức truy cập")


class VersionUpload(Query):
    file: Annotated[File, Says(NO_FILE)]


class ActiveContent(Answer):
    kind: str
    description: str
    count: int


class DocumentVersion(Answer):
    number: int
    sha256: str
    size: int
    page_count: int
    original_name: str
    converted_from: str | None
    active_content: list[ActiveContent]
    uploaded_at: DateTime
    file_url: str
    thumbnail_url: str | None


class Document(Answer):
    """`unread` only in a meeting's list (whether the current version is unread by me)."""
    id: int
    meeting_id: int
    agenda_item_id: int | None
    title: str
    access: literal(ACCESS_LEVELS)
    published_at: DateTime | None
    withdrawn_at: DateTime | None
    withdrawn_reason: str
    unread: bool = None
    current: DocumentVersion
    versions: list[DocumentVersion]


class DocumentChange(Body):
    """Only the fields sent change; agenda_item_id null: the meeting's general documents."""
    model_config = {**Body.model_config, "extra": "forbid",
                    "json_schema_extra": {"minProperties": 1}}
    unknown_field_code: ClassVar[str] = "unknown_fields"
    title: Text(TITLE_MAX, min_length=1) = None
    agenda_item_id: Id | None = None
    access: Access = None


class DocumentEditForm(Query):
    """The page's edit form without JavaScript (documents-manage.js sends DocumentChange).
    The view tells a field the form did not send (it stays as it is) from one sent blank:
    a blank title is refused by the service, a blank agenda_item_id is the meeting's
    general documents. The title's rules are the service's (rules.title_problem)."""
    title: str | None = Field(None, title="Tên tài liệu")
    agenda_item_id: Id | None = Field(None, title="Mục chương trình")
    access: Access = Field(None, title="Mức truy cập")


class Withdrawal(Body):
    # "" or spaces only: reason_required (the service's check)
    reason: Text(WITHDRAW_REASON_MAX) = Field(json_schema_extra={"minLength": 1})


class WithdrawalForm(Query):
    """The page's form: a blank reason is absent here, and refused by the service
    (reason_required, its message), as the API's "" is."""
    reason: str = Field("", title="Lý do rút")


class PublishInput(Body):
    """No body, or no document_ids: every unpublished document of the meeting."""
    document_ids: Annotated[
        list[Annotated[int, Field(ge=0, le=db.ID_MAX)]] | None, Field(max_length=1000),
        Says("“document_ids” phải là danh sách số.")] = None


class Published(Answer):
    published: list[int]


class SearchQuery(Query):
    """No `q` finds nothing (and a caller who may not read the meeting still hears 403/404)."""
    q: Annotated[str, Field(max_length=200)] = ""


class SearchHit(Answer):
    document_id: int
    title: str
    version: int
    page: int
    snippet: str


Version = Annotated[int, Field(ge=1, le=db.ID_MAX), Says("“version” phải là số.")]


class VersionQuery(Query):
    """Without version: the current one."""
    version: Version = None


class ReadInput(Body):
    """No body, or no version: the current one."""
    version: Id | None = None


class Read(Answer):
    document_id: int
    version_id: int
    at: DateTime | None


class RangeLink(Answer):
    url: str
    expires: int = Field(description="unix seconds")
    size: int


Page = Annotated[int, Field(ge=1, le=db.ID_MAX)]
NoteKind = literal(NOTE_KINDS)
NoteText = Annotated[str | None, Field(max_length=5000),
                     Says("Nội dung ghi chú tối đa 5000 ký tự.")]
Colour = Annotated[str | None, Field(pattern=r"^#[0-9a-fA-F]{6}$"),
                   Says("Màu phải có dạng #rrggbb.")]
# Checked by services/documents._check_note (its message and details {"rect": "invalid"}).
Rect = Annotated[Any, WithJsonSchema({
    "type": "array", "items": {"type": "number", "exclusiveMinimum": -1e5,
                               "exclusiveMaximum": 1e5},
    "minItems": 4, "maxItems": 4, "description": "[x0, y0, x1, y1] in PDF points"})]


class NoteInput(Body):
    """Without version: the current one."""
    version: Id | None = None
    page: Page
    kind: Annotated[NoteKind, Says("Loại ghi chú không hợp lệ.")]
    rect: Rect
    text: NoteText = None
    colour: Colour = None


class NoteChange(Body):
    """Absent or null fields stay."""
    text: NoteText = None
    colour: Colour = None


class Note(Answer):
    id: int
    page: int
    kind: NoteKind
    rect: list[float] = Field(min_length=4, max_length=4)
    text: str
    colour: str
    updated_at: DateTime
