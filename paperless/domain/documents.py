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


def may_read(roles: Iterable[str], access: str, published: bool) -> bool:
    roles = frozenset(roles)
    if roles & STAFF:
        return True
    return published and bool(roles & READERS.get(access, frozenset()))


def must_watermark(access: str) -> bool:
    return access == "confidential"


def offline_allowed(access: str, council_allows_confidential: bool = False) -> bool:
    """Whether a tablet may keep a copy for when the Wi-Fi fails."""
    return access != "confidential" or council_allows_confidential
