"""Who may read a session document, and what a served copy must carry."""

from __future__ import annotations

from collections.abc import Iterable

STAFF = frozenset({"admin", "secretariat", "chair"})

ACCESS_LEVELS = {
    "public": "Công khai (khách mời, màn hình hội trường)",
    "delegates": "Đại biểu",
    "confidential": "Mật (chỉ đại biểu; mỗi bản in tên người đọc)",
}

# Beyond the council's staff, who reads each level once it is published. Officials
# present the reports and answer questions, so they read delegates' documents too,
# but never confidential ones.
READERS = {
    "public": frozenset({"delegate", "official", "guest", "screen"}),
    "delegates": frozenset({"delegate", "official"}),
    "confidential": frozenset({"delegate"}),
}


def may_read(roles: Iterable[str], access: str, published: bool,
             withdrawn: bool = False) -> bool:
    """Staff read everything (a withdrawn document stays in their record); anyone else reads
    a published, not withdrawn document of an access level meant for them."""
    roles = frozenset(roles)
    if roles & STAFF:
        return True
    return published and not withdrawn and bool(roles & READERS.get(access, frozenset()))


TITLE_MAX = 300
WITHDRAW_REASON_MAX = 500


def _one_line(text: str) -> str:
    """Spaces collapsed, control characters (NUL included: PostgreSQL refuses it) dropped."""
    return " ".join("".join(c for c in (text or "") if c.isprintable() or c.isspace()).split())


def clean_title(title: str) -> str:
    """A document's title as shown: one line, spaces collapsed; "" when nothing is left."""
    return _one_line(title)[:TITLE_MAX]


def title_problem(title: object) -> str | None:
    """Why a title typed in is refused (a code), or None."""
    if not isinstance(title, str):
        return "type"
    text = _one_line(title)
    if not text:
        return "required"
    if len(text) > TITLE_MAX:
        return "too_long"
    return None


def clean_reason(reason: str) -> str:
    return _one_line(reason)[:WITHDRAW_REASON_MAX]


def withdraw_reason_problem(reason: object) -> str | None:
    """Why a withdrawal reason is refused (a code), or None: a withdrawal always says why,
    because delegates lose a paper they may have been reading."""
    if not isinstance(reason, str):
        return "type"
    text = _one_line(reason)
    if not text:
        return "required"
    if len(text) > WITHDRAW_REASON_MAX:
        return "too_long"
    return None


def audiences_after_change(old_access: str, new_access: str) -> list[str]:
    """Which readers hear that a published document changed: those of its old level (who
    may lose it) and those of its new one (who may gain it)."""
    return [old_access] if old_access == new_access else [old_access, new_access]


def must_watermark(access: str) -> bool:
    return access == "confidential"


def thumbnail_allowed(access: str) -> bool:
    """A picture of page 1 carries no reader's name and is no logged read: not for secrets."""
    return not must_watermark(access)


def offline_allowed(access: str, council_allows_confidential: bool = False) -> bool:
    """Whether a tablet may keep a copy for when the Wi-Fi fails."""
    return access != "confidential" or council_allows_confidential
