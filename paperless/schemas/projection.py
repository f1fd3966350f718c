"""The hall screen as a projector: what it shows, page turns, the documents it may show."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from paperless import db
from paperless.domain.projection import MAX_COORDINATE
from paperless.schemas.base import Answer, Body
from paperless.shapes import Id, Says

# The same shapes as the socket's projection:show and projection:page (realtime/payloads.py).
Coordinate = Annotated[float, Field(gt=-MAX_COORDINATE, lt=MAX_COORDINATE,
                                    allow_inf_nan=False)]
Page = Annotated[int | None, Field(ge=1, le=db.ID_MAX),
                 Says("Trường “{name}” phải là số trang (từ 1).")]


class ProjectionShow(Body):
    """A document's page (optionally a zoomed region [x0, y0, x1, y1] in PDF points), or an
    opinion with its passage (opinion_id)."""
    document_id: Id | None = None
    page: Page = None
    rect: Annotated[list[Coordinate] | None, Field(min_length=4, max_length=4),
                    Says("Vùng phóng to phải là [x0, y0, x1, y1].")] = None
    opinion_id: Id | None = None


class ProjectionTurn(Body):
    """To page, or delta pages on (±1 from the console's arrows); exactly one of them."""
    page: Page = None
    delta: Annotated[int | None, Field(ge=-10_000, le=10_000),
                     Says("Số trang lật phải là số nguyên.")] = None


class ShownOpinion(Answer):
    id: int
    authors: list[str]
    article: str | None
    text: str | None
    proposed_wording: str | None
    quote: str | None
    page: int | None
    rect: list[float] | None


class ProjectionState(Answer):
    """showing: false is the live state (only showing and revision are sent then)."""
    showing: bool
    revision: int
    document_id: int | None = None
    title: str | None = None
    version: int | None = None
    page_count: int | None = None
    page: int | None = None
    rect: list[float] | None = None
    file_url: str | None = None
    started_at: str | None = Field(None, json_schema_extra={"format": "date-time"})
    opinion: ShownOpinion | None = None


class ProjectableDocument(Answer):
    id: int
    title: str
    page_count: int


class ProjectableDocuments(Answer):
    documents: list[ProjectableDocument]

