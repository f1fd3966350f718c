"""The hall screen as a projector: which documents may be shown, and the page being shown.

The hall screen is read by everyone in the hall — guests, the press, citizens following
the session — so it shows only what the screen's own account may read: a published,
public document (`documents.READERS["public"]` includes "screen"). A document for
delegates only, or a confidential one, is refused (`not_projectable`): a document meant for
the screen is uploaded as public (the access level is chosen at upload). An opinion shown with its passage becomes public in
the hall by the presenter's choice; its draft must be projectable all the same.
"""

from __future__ import annotations

from dataclasses import dataclass

from paperless.domain import documents as document_rules

PRESENTERS = frozenset({"chair", "secretariat"})  # who shows and turns pages
SCREEN_ROLES = frozenset({"screen"})
MAX_COORDINATE = 100_000


class ProjectionRuleError(ValueError):
    def __init__(self, code: str, message: str, field: str | None = None):
        super().__init__(message)
        self.code = code
        self.message = message
        self.field = field


def may_project(access: str, published: bool) -> bool:
    """Only what the hall screen's account could open itself."""
    return document_rules.may_read(SCREEN_ROLES, access, published)


def check_projectable(access: str, published: bool) -> None:
    if not published:
        raise ProjectionRuleError("not_projectable",
                                  "Tài liệu chưa phát hành, không chiếu lên màn hình được.")
    if not may_project(access, published):
        raise ProjectionRuleError(
            "not_projectable",
            "Chỉ chiếu tài liệu công khai lên màn hình hội trường (khách mời cùng xem); "
            "tài liệu dành cho đại biểu hoặc tài liệu mật không chiếu được.")


def check_page(page, page_count: int) -> int:
    if not isinstance(page, int) or isinstance(page, bool) or not 1 <= page <= page_count:
        raise ProjectionRuleError("validation_error",
                                  f"Trang phải từ 1 đến {page_count}.", field="page")
    return page


def check_rect(rect) -> list[float] | None:
    """A zoomed region [x0, y0, x1, y1] in PDF points (origin bottom left), or None."""
    if rect is None:
        return None
    if (not isinstance(rect, list) or len(rect) != 4
            or not all(isinstance(v, int | float) and not isinstance(v, bool)
                       and -MAX_COORDINATE < v < MAX_COORDINATE for v in rect)):
        raise ProjectionRuleError("validation_error",
                                  "Vùng phóng to phải là [x0, y0, x1, y1].", field="rect")
    x0, y0, x1, y1 = (float(v) for v in rect)
    x0, x1 = sorted((x0, x1))
    y0, y1 = sorted((y0, y1))
    if x1 - x0 < 1 or y1 - y0 < 1:
        raise ProjectionRuleError("validation_error", "Vùng phóng to quá nhỏ.", field="rect")
    return [x0, y0, x1, y1]


@dataclass(frozen=True)
class Turn:
    page: int
    moved: bool


def turn(current: int, page_count: int, *, page=None, delta=None) -> Turn:
    """Go to `page`, or `delta` pages on (±1 from the console's arrows); a step past
    either end stays on the first or last page. A zoomed region belongs to its page, so a
    turn that moves drops it (the service does)."""
    if (page is None) == (delta is None):
        raise ProjectionRuleError("validation_error", "Cho biết trang hoặc số trang lật.",
                                  field="page")
    if page is not None:
        target = check_page(page, page_count)
    else:
        if not isinstance(delta, int) or isinstance(delta, bool) or abs(delta) > 10_000:
            raise ProjectionRuleError("validation_error", "Số trang lật phải là số nguyên.",
                                      field="delta")
        target = min(max(1, current + delta), page_count)
    return Turn(page=target, moved=target != current)
