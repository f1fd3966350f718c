"""The archive of signed resolutions in the national archive's layout (lưu trữ lịch sử).

One dossier (hồ sơ) per meeting, with the metadata Decree 30/2020 (Appendix VI) and
Circular 02/2019/TT-BNV ask of electronic records: the dossier's code, title, retention
period, access regime, language, dates, number of documents and pages; and per document
its place in the dossier, number and sign, date, kind, abstract (title), issuing body,
signer, pages, format, hash. Layout of the ZIP:

    <mã hồ sơ>/HoSo.xml                 the dossier
    <mã hồ sơ>/MucLuc.csv               the list of documents (UTF-8 with BOM, for Excel)
    <mã hồ sơ>/VanBan/001/<số>.pdf      the signed original (PDF/A-2b, PAdES)
    <mã hồ sơ>/VanBan/001/VanBan.xml    the document's metadata
    SHA256SUMS                          `sha256sum -c` checks every file
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
import unicodedata
import zipfile
from datetime import UTC, datetime, timedelta, timezone
from xml.etree import ElementTree as ET

from paperless.models import Meeting, Resolution
from paperless.services import resolutions
from paperless.services.access import Actor
from paperless.services.errors import ServiceError

COUNCIL_TZ = timezone(timedelta(hours=7), "ICT")
# Resolutions of a People's Council are kept permanently (the Ministry of Home Affairs'
# retention schedule); the dossier inherits the longest period of its documents.
RETENTION = "Vĩnh viễn"
ACCESS_REGIME = "Công khai"
LANGUAGE = "Tiếng Việt"
RELIABILITY = "Bản gốc điện tử"


def _ascii(text: str) -> str:
    folded = unicodedata.normalize("NFKD", text.replace("Đ", "D").replace("đ", "d"))
    return re.sub(r"[^A-Za-z0-9.-]+", "-", folded.encode("ascii", "ignore").decode()).strip("-")


def dossier_code(meeting: Meeting) -> str:
    """Mã hồ sơ: council, year, meeting (ASCII, usable as a folder name anywhere)."""
    year = meeting.start_date.year if meeting.start_date else datetime.now(COUNCIL_TZ).year
    return f"HDND{meeting.council_id:03d}.{year}.KH{meeting.id:04d}"


def _local(moment: datetime | None) -> str:
    if moment is None:
        return ""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(COUNCIL_TZ).isoformat(timespec="seconds")


def _pages(data: bytes) -> int:
    from pypdf import PdfReader

    return len(PdfReader(io.BytesIO(data)).pages)


def _signer(res: Resolution) -> tuple[str, str]:
    for record in res.signatures or []:
        if record.get("role") == "chair":
            return record.get("user", ""), "Chủ tịch"
    return "", ""


def _xml(root: ET.Element) -> bytes:
    ET.indent(root)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)


def _add(parent: ET.Element, tag: str, value, label: str) -> ET.Element:
    node = ET.SubElement(parent, tag, {"ten": label})
    node.text = "" if value is None else str(value)
    return node


def document_metadata(res: Resolution, meeting: Meeting, position: int, code: str,
                      data: bytes, path: str) -> tuple[ET.Element, dict]:
    signer, title = _signer(res)
    number, _, sign = (res.number_text or "").partition("/")
    fields = {
        "ma_luu_tru": f"{code}.{position:03d}", "so_thu_tu": position,
        "so": number, "ky_hieu": sign, "so_va_ky_hieu": res.number_text,
        "ngay": res.issued_on.isoformat() if res.issued_on else "",
        "ten_loai": "Nghị quyết", "trich_yeu": res.title,
        "co_quan_ban_hanh": meeting.council.name, "nguoi_ky": signer, "chuc_vu": title,
        "so_trang": _pages(data), "ngon_ngu": LANGUAGE, "che_do_su_dung": ACCESS_REGIME,
        "muc_do_tin_cay": RELIABILITY, "thoi_han_bao_quan": RETENTION,
        "dinh_dang": "PDF/A-2b, chữ ký số PAdES", "sha256": res.signed_sha256,
        "kich_thuoc": len(data), "tep": path, "ngay_luu_tru": _local(res.archived_at),
        "ma_dinh_danh": res.public_id,
    }
    labels = {
        "ma_luu_tru": "Mã lưu trữ", "so_thu_tu": "Số thứ tự văn bản trong hồ sơ",
        "so": "Số của văn bản", "ky_hieu": "Ký hiệu của văn bản",
        "so_va_ky_hieu": "Số và ký hiệu", "ngay": "Ngày, tháng, năm văn bản",
        "ten_loai": "Tên loại văn bản", "trich_yeu": "Trích yếu nội dung",
        "co_quan_ban_hanh": "Tên cơ quan ban hành", "nguoi_ky": "Người ký",
        "chuc_vu": "Chức vụ người ký", "so_trang": "Số lượng trang", "ngon_ngu": "Ngôn ngữ",
        "che_do_su_dung": "Chế độ sử dụng", "muc_do_tin_cay": "Mức độ tin cậy",
        "thoi_han_bao_quan": "Thời hạn bảo quản", "dinh_dang": "Định dạng",
        "sha256": "Mã băm SHA-256", "kich_thuoc": "Dung lượng (byte)", "tep": "Tệp",
        "ngay_luu_tru": "Thời điểm lưu trữ", "ma_dinh_danh": "Mã định danh (tra cứu /r/)",
    }
    root = ET.Element("VanBan")
    for key, value in fields.items():
        _add(root, key, value, labels[key])
    signatures = ET.SubElement(root, "chu_ky_so", {"ten": "Chữ ký số"})
    for record in res.signatures or []:
        ET.SubElement(signatures, "chu_ky", {k: str(record.get(k, "")) for k in (
            "role", "user", "subject", "issuer", "serial", "signed_at", "pades_level")})
    statement = ET.SubElement(root, "ket_qua_bieu_quyet", {"ten": "Kết quả biểu quyết"})
    statement.text = "\n".join((res.vote_result or {}).get("statement") or [])
    return root, fields


def export_meeting(actor: Actor, meeting_id: int) -> bytes:
    meeting = resolutions.get_meeting(actor, meeting_id, resolutions.READERS)
    rows = sorted(resolutions.search_archive(actor, meeting.council_id, meeting_id=meeting.id),
                  key=lambda r: (r.year or 0, r.number or 0))
    return build_zip([(meeting, rows)])


def build_zip(dossiers: list[tuple[Meeting, list[Resolution]]]) -> bytes:
    blobs = resolutions.store()
    sums: list[tuple[str, str]] = []
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        def put(name: str, data: bytes) -> None:
            zf.writestr(name, data)
            sums.append((hashlib.sha256(data).hexdigest(), name))

        for meeting, rows in dossiers:
            code = dossier_code(meeting)
            listing = io.StringIO()
            table = csv.writer(listing)
            table.writerow(["STT", "Số và ký hiệu", "Ngày văn bản", "Tên loại", "Trích yếu",
                            "Người ký", "Số trang", "Thời hạn bảo quản", "SHA-256", "Tệp"])
            pages = 0
            for position, res in enumerate(rows, 1):
                data = blobs.read(res.signed_sha256)
                if hashlib.sha256(data).hexdigest() != res.signed_sha256:
                    raise ServiceError("Tệp lưu trữ bị thay đổi trên đĩa.", code="blob_corrupted")
                folder = f"{code}/VanBan/{position:03d}"
                path = f"{folder}/{_ascii(res.number_text or f'nq-{res.id}')}.pdf"
                put(path, data)
                meta, fields = document_metadata(res, meeting, position, code, data,
                                                 path.removeprefix(f"{code}/"))
                put(f"{folder}/VanBan.xml", _xml(meta))
                pages += fields["so_trang"]
                table.writerow([position, fields["so_va_ky_hieu"], fields["ngay"],
                                fields["ten_loai"], fields["trich_yeu"], fields["nguoi_ky"],
                                fields["so_trang"], RETENTION, fields["sha256"],
                                fields["tep"]])
            put(f"{code}/MucLuc.csv", ("\ufeff" + listing.getvalue()).encode())
            put(f"{code}/HoSo.xml", _xml(_dossier(meeting, code, rows, pages)))
        zf.writestr("SHA256SUMS", "".join(f"{sha}  {name}\n" for sha, name in sums))
    return buf.getvalue()


def _dossier(meeting: Meeting, code: str, rows: list[Resolution], pages: int) -> ET.Element:
    dates = [r.issued_on for r in rows if r.issued_on]
    root = ET.Element("HoSo")
    for tag, value, label in (
            ("ma_ho_so", code, "Mã hồ sơ"),
            ("tieu_de", f"Nghị quyết {meeting.title} — {meeting.council.name}",
             "Tiêu đề hồ sơ"),
            ("thoi_han_bao_quan", RETENTION, "Thời hạn bảo quản"),
            ("che_do_su_dung", ACCESS_REGIME, "Chế độ sử dụng"),
            ("ngon_ngu", LANGUAGE, "Ngôn ngữ"),
            ("thoi_gian_bat_dau", min(dates).isoformat() if dates else "", "Thời gian bắt đầu"),
            ("thoi_gian_ket_thuc", max(dates).isoformat() if dates else "",
             "Thời gian kết thúc"),
            ("tong_so_van_ban", len(rows), "Tổng số văn bản trong hồ sơ"),
            ("so_luong_trang", pages, "Số lượng trang"),
            ("co_quan", meeting.council.name, "Cơ quan, tổ chức"),
            ("muc_do_tin_cay", RELIABILITY, "Mức độ tin cậy"),
            ("ngay_lap", _local(datetime.now(UTC)), "Thời điểm lập")):
        _add(root, tag, value, label)
    return root
