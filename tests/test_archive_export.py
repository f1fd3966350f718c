"""The archive of signed resolutions in the national archive's layout (issue 19)."""

from __future__ import annotations

import csv
import hashlib
import io
import zipfile
from xml.etree import ElementTree as ET

from sqlalchemy import select

from paperless import db
from paperless.models import Meeting, Resolution
from tests.support import login, token_for


def _archived(demo):
    from tests.world import resolutions_in_every_state

    meeting = db.session.scalar(select(Meeting).order_by(Meeting.id))
    ids = resolutions_in_every_state(meeting.id, meeting.council_id)
    return meeting, db.session.get(Resolution, ids["resolution_id"])


def _check_zip(data: bytes, res: Resolution, meeting: Meeting) -> None:
    zf = zipfile.ZipFile(io.BytesIO(data))
    names = zf.namelist()
    sums = dict(reversed(line.split("  ", 1)) for line in
                zf.read("SHA256SUMS").decode().splitlines())
    assert set(sums) == set(names) - {"SHA256SUMS"}
    for name, sha in sums.items():
        assert hashlib.sha256(zf.read(name)).hexdigest() == sha, name
    code = f"HDND{meeting.council_id:03d}.{meeting.start_date.year}.KH{meeting.id:04d}"
    pdfs = [n for n in names if n.endswith(".pdf")]
    assert pdfs == [f"{code}/VanBan/001/{res.number_text.replace('/', '-').replace('Đ', 'D')}.pdf"]
    assert hashlib.sha256(zf.read(pdfs[0])).hexdigest() == res.signed_sha256
    doc = ET.fromstring(zf.read(f"{code}/VanBan/001/VanBan.xml"))
    assert doc.findtext("so_va_ky_hieu") == res.number_text
    assert doc.findtext("ngay") == res.issued_on.isoformat()
    assert doc.findtext("trich_yeu") == res.title
    assert doc.findtext("nguoi_ky")  # the chair who signed
    assert doc.findtext("chuc_vu") == "Chủ tịch"
    assert doc.findtext("sha256") == res.signed_sha256
    assert doc.findtext("thoi_han_bao_quan") == "Vĩnh viễn"
    assert doc.find("sha256").get("ten") == "Mã băm SHA-256"
    assert len(doc.find("chu_ky_so")) == 2  # chair, then the council
    assert doc.findtext("ngay_luu_tru").endswith("+07:00")
    dossier = ET.fromstring(zf.read(f"{code}/HoSo.xml"))
    assert dossier.findtext("ma_ho_so") == code
    assert dossier.findtext("tong_so_van_ban") == "1"
    assert dossier.findtext("thoi_han_bao_quan") == "Vĩnh viễn"
    rows = list(csv.reader(io.StringIO(zf.read(f"{code}/MucLuc.csv").decode("utf-8-sig"))))
    assert rows[0][:3] == ["STT", "Số và ký hiệu", "Ngày văn bản"]
    assert rows[1][1] == res.number_text and rows[1][8] == res.signed_sha256


def test_national_layout_from_the_api_and_the_page(app, demo, client):
    meeting, res = _archived(demo)
    staff = token_for(client, "thuky")
    response = client.get(f"/api/v1/meetings/{meeting.id}/resolutions/archive.zip"
                          "?layout=national", headers=staff)
    assert response.status_code == 200
    assert "ho-so-luu-tru" in response.headers["Content-Disposition"]
    _check_zip(response.data, res, meeting)
    plain = client.get(f"/api/v1/meetings/{meeting.id}/resolutions/archive.zip", headers=staff)
    assert "manifest.json" in zipfile.ZipFile(io.BytesIO(plain.data)).namelist()
    page = login(app.test_client(), "thuky").get(
        f"/meetings/{meeting.id}/resolutions/archive.zip?layout=national")
    assert page.status_code == 200
    _check_zip(page.data, res, meeting)
    guest = token_for(client, "khach")
    refused = client.get(f"/api/v1/meetings/{meeting.id}/resolutions/archive.zip"
                         "?layout=national", headers=guest)
    assert refused.status_code in (403, 404)


def test_national_layout_from_the_command_line(app, demo, tmp_path):
    meeting, res = _archived(demo)
    out = tmp_path / "luu-tru.zip"
    result = app.test_cli_runner().invoke(args=[
        "archive", "export", str(out), "--council", str(res.council_id), "--year",
        str(res.year)])
    assert result.exit_code == 0, result.output
    assert "1 hồ sơ, 1 nghị quyết" in result.output
    _check_zip(out.read_bytes(), res, meeting)
    bad = app.test_cli_runner().invoke(args=["archive", "export", str(out), "--council", "2"])
    assert bad.exit_code != 0
