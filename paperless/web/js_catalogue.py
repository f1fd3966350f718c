"""The catalogue of strings the browser scripts draw (static/js/*.js call `t(msgid)`).

Each page carries the translations of its language as a JSON data block in base.html, so
the hall screen, console and tablet speak the page's language without a second request.
Add a msgid here when a script draws a new string, and its English entry at the end of
translations/en/LC_MESSAGES/messages.po.
"""

from __future__ import annotations

import json

from flask_babel import get_locale, gettext, pgettext

# Strings whose English depends on their use: (context, msgid); scripts call t(msgid, {}, ctx).
JS_CONTEXT_STRINGS = (("phase", "Tạm dừng"),)

JS_STRINGS = (
    # phases, kinds, statuses
    "Chưa khai mạc", "Đang họp", "Tạm dừng", "Đã bế mạc",
    "Phát biểu", "Tranh luận", "Chất vấn", "Chất vấn lại",
    "Chuẩn bị", "Đang biểu quyết", "Đã kết thúc", "Đã công bố", "Đã công bố kết quả", "Đã hủy",
    "Biểu quyết công khai", "Bỏ phiếu kín", "Bầu cử", "Lấy phiếu tín nhiệm", "Bỏ phiếu tín nhiệm",
    "Tán thành", "Không tán thành", "Không biểu quyết",
    "Có mặt", "Vắng có lý do", "Vắng",
    # connection, attendance, quorum
    "● Trực tuyến", "○ Mất kết nối — đang kết nối lại…", "đại biểu có mặt",
    "Có mặt {present}/{total} đại biểu ({percent})",
    "Đủ số đại biểu để tiến hành (cần {required}/{total})",
    "Chưa đủ số đại biểu (cần {required}/{total})",
    "Phiên {number}", "{online}/{total} máy tính bảng đang kết nối",
    "Máy tính bảng đang kết nối", "Máy tính bảng không kết nối", "Điểm danh: {name}",
    "Mất kết nối, vui lòng thử lại.", "Lỗi",
    # votes
    "Đã nhận {received} phiếu · có mặt {present} · tổng số {total} đại biểu",
    "còn {time}", "ĐƯỢC THÔNG QUA", "KHÔNG ĐƯỢC THÔNG QUA", " ✓ trúng cử",
    "Đang gửi phiếu…", "Chưa gửi được phiếu — kiểm tra kết nối và bấm lại.",
    "✓ Đã nhận phiếu: {label}", "✓ Đã nhận phiếu của bạn", " (có thể thay đổi khi còn mở)",
    "Chọn đúng {seats} người.", "Chọn tối đa {seats} người.", "Gửi phiếu bầu", "Gửi phiếu",
    "Biểu quyết đã kết thúc.", "(lần {round})",
    "Mở biểu quyết", "Kết thúc biểu quyết", "Công bố kết quả", "Biểu quyết lại", "Lý do hủy",
    "Hủy", "Hủy biểu quyết này?", "Chưa có mục chương trình hiện tại.",
    # floor and questioning
    "{kind} — đang chờ (thứ {position}) ", "Rút đăng ký", "Lên: {name}", "Xuống: {name}",
    "Mời phát biểu", "Hủy lượt đăng ký của {name}?", "dự kiến", "đang chất vấn", "đã xong",
    "Kết thúc nhóm", "Mở nhóm", "Mời {name} trả lời", "“{text}” — hỏi {official}",
    "Tạm dừng đồng hồ", "Chạy tiếp đồng hồ", "Đồng hồ đang dừng", "Tiếp theo",
    "Bế mạc kỳ họp?", "Đã xóa màn hình.", "Đang biểu quyết — mời đại biểu bấm nút",
    "Lý do vắng: {name}", "Có lý do", "Ốm", "Đi công tác", "Việc gia đình", "Lý do khác",
    "Họp cấp trên triệu tập", "Lý do vắng (ốm, đi công tác…)",
    # documents that change while open; the agenda editor
    "← Túi tài liệu", "Tài liệu “{title}” đã được rút. Lý do: {reason}",
    "Tài liệu “{title}” đã được rút.", "Bạn không còn quyền đọc tài liệu “{title}”.",
    "✓ Đọc được khi mất mạng", "Chỉ đọc trực tuyến", " · {count} tài liệu đã lưu trên máy",
    "✓ Đã lưu.", "Tài liệu đã được rút", "Lý do: {reason}",
    "Không tải lại được chương trình ({status}).", "Đã thêm mục “{title}”.",
    "Đã chuyển mục lên.", "Đã chuyển mục xuống.", "Đã lưu mục chương trình.", "Đã chuyển mục.",
    "Đã xóa mục chương trình.",
    # hand counts and the announcement lines (vote-view.js rebuilds them outside Vietnamese)
    "Nhập kết quả kiểm thủ công (thư ký)", "Số phiếu phát ra / số đại biểu tham gia",
    "Cách kiểm (giơ tay, phiếu giấy…)", "Gửi để chủ tọa xác nhận",
    "Kết quả kiểm thủ công chờ chủ tọa xác nhận ({note}):", "Số phiếu phát ra: {count}",
    "Xác nhận kết quả", "Từ chối", "KẾT QUẢ KIỂM THỦ CÔNG", "Kết quả kiểm thủ công ({note}).",
    "Có {voted}/{total} đại biểu tham gia biểu quyết (chiếm {percent} tổng số đại biểu)",
    "{label}: {count}/{total} đại biểu, chiếm {percent} tổng số đại biểu",
    "{name}: {count}/{total} phiếu bầu, chiếm {percent} tổng số đại biểu", " — trúng cử",
    "Có mặt nhưng không biểu quyết: {not_voted}; vắng mặt: {absent}",
    "Kết quả: được thông qua ({rule}: cần {required}/{total})",
    "Kết quả: không được thông qua ({rule}: cần {required}/{total})",
    "quá một nửa tổng số đại biểu", "ít nhất hai phần ba tổng số đại biểu",
    "Có ứng cử viên bằng phiếu ở vị trí cuối: cần bầu lại.",
    # private notes in the viewer (notes.js), API errors (app.js)
    "Tô sáng", "Ghi chú", "Kéo ngón tay trên trang để tô sáng. Bấm “Tô sáng” lần nữa để thôi.",
    "Chạm vào chỗ cần ghi trên trang. Bấm “Ghi chú” lần nữa để thôi.", "Ghi chú: {text}",
    "Nội dung ghi chú…", "Nội dung ghi chú", "Lưu", "Đã lưu {kind} ở trang {page}.",
    "Chưa lưu được ghi chú", "{what}: mất kết nối với máy chủ.",
    "Chưa có ghi chú. Chọn “Tô sáng” hoặc “Ghi chú” rồi chạm vào trang.", "Sửa", "Xóa",
    "Xóa {kind} trang {page}", "Xóa thật?", "Chưa xóa được ghi chú", "Chưa tải được ghi chú",
    "Lỗi {status}",
    # the chair's signing page
    "({count} trang)", "Trang {number}/{count}",
    "Không hiển thị được văn bản; tải bản PDF/A để đọc trước khi ký.",
    # the hall screen as a projector, written consultations (projection.js,
    # consultation-notice.js)
    "{title} — trang {page}/{count}", "Đề xuất sửa: {text}", "Đang chiếu: {caption}",
    "Màn hình đang hiện diễn biến phiên họp.", "Trả lời phiếu lấy ý kiến",
    "Lấy ý kiến bằng văn bản", "{title} — hạn {deadline} ",
)


def catalogue_json() -> str:
    """The page's data block: {msgid: translation} for the current language ({} in
    Vietnamese). `<` is escaped so no string can close the script element."""
    if str(get_locale()) == "vi":
        table = {}
    else:
        table = {m: gettext(m) for m in JS_STRINGS if gettext(m) != m}
        for context, msgid in JS_CONTEXT_STRINGS:
            if pgettext(context, msgid) != msgid:
                table[f"{context}\u0004{msgid}"] = pgettext(context, msgid)
    return json.dumps(table, ensure_ascii=False).replace("<", "\\u003c")
