"""Vocabulary of councils, roles and meetings, with their Vietnamese labels.

Labels are marked with `lazy_gettext`-compatible plain strings; the web layer
translates them. Codes are stable (stored in the database and the API).
"""

COUNCIL_LEVELS = {
    "tinh": "Tỉnh / thành phố trực thuộc trung ương",
    "xa": "Xã / phường / đặc khu",
    # Kept for archives of the pre-2025 three-level system.
    "huyen": "Huyện / quận / thị xã (trước 01/7/2025)",
}

ROLES = {
    "admin": "Quản trị",
    "secretariat": "Văn phòng HĐND",
    "chair": "Chủ tọa",
    "delegate": "Đại biểu",
    "official": "Đại biểu khách mời trả lời chất vấn",
    "guest": "Khách mời",
    "screen": "Màn hình hội trường",
}

DELEGATE_STATUSES = {
    "active": "Đang hoạt động",
    "resigned": "Thôi làm nhiệm vụ",
    "removed": "Bị bãi nhiệm",
    "deceased": "Từ trần",
}

GENDERS = {"nam": "Nam", "nu": "Nữ", "khac": "Khác"}

MEETING_KINDS = {
    "thuong_le": "Kỳ họp thường lệ",
    "chuyen_de": "Kỳ họp chuyên đề",
    "bat_thuong": "Kỳ họp bất thường",
    "thuong_truc": "Phiên họp Thường trực HĐND",
    "giai_trinh": "Phiên giải trình",
    "giao_ban": "Hội nghị giao ban",
}

MEETING_STATUSES = {
    "draft": "Dự thảo",
    "published": "Đã công bố",
    "in_progress": "Đang họp",
    "closed": "Đã bế mạc",
}

AGENDA_KINDS = {
    "report": "Báo cáo",
    "discussion": "Thảo luận",
    "vote": "Biểu quyết",
    "questioning": "Chất vấn",
    "election": "Bầu cử",
    "other": "Khác",
}

POSITIONS = (
    "Chủ tịch HĐND",
    "Phó Chủ tịch HĐND",
    "Ủy viên Thường trực HĐND",
    "Trưởng Ban",
    "Phó Trưởng Ban",
    "Tổ trưởng Tổ đại biểu",
    "Tổ phó Tổ đại biểu",
)
