"""Resolutions: to issue after a passing vote, gap-free numbers, PDF/A, chair and council
signatures (checked by our validator and by poppler's pdfsig), archive, errors."""

from __future__ import annotations

import io
import os
from datetime import date

import pytest
from pypdf import PdfReader
from sqlalchemy import func, select

import signing
from paperless import db
from paperless.domain import resolutions as rules
from paperless.models import Resolution, ResolutionCounter
from paperless.services import documents, signing_keys
from paperless.services import resolutions as service
from paperless.services.errors import Forbidden, ServiceError
from tests.conftest import ARTIFACTS
from tests.resolution_support import (
    POPPLER_VALID,
    actor,
    chair_signs,
    draft_pdf,
    flip_byte_in_signed_range,
    make_test_ca,
    passed_vote,
    pdfsig,
    pdftotext,
)

BASE = "https://kyhop.example.vn"
SHOTS = ARTIFACTS / "resolutions"


@pytest.fixture
def ready(demo, monkeypatch):
    monkeypatch.delenv(signing_keys.PASSPHRASE_ENV, raising=False)
    make_test_ca()
    vote = passed_vote()
    meeting_id = vote["meeting_id"]
    [res] = service.list_for_meeting(actor("thuky"), meeting_id)
    return {**vote, "resolution_id": res.id}


def _widget_boxes(pdf: bytes) -> dict[tuple[str, int], list[float]]:
    """(field name, page index) -> the widget's rectangle."""
    reader = PdfReader(io.BytesIO(pdf))
    boxes = {}
    for index, page in enumerate(reader.pages):
        for ref in page.get("/Annots") or []:
            annot = ref.get_object()
            if annot.get("/FT") == "/Sig" or annot.get("/Parent") is not None:
                name = str(annot.get("/T") or annot["/Parent"].get_object()["/T"])
                boxes[(name, index)] = [float(v) for v in annot["/Rect"]]
    return boxes


def _counter() -> int | None:
    return db.session.scalar(select(func.max(ResolutionCounter.last_number)))


# --- domain ---------------------------------------------------------------------

def test_number_formats_and_date_line():
    assert rules.format_number(1, 2026, "individual") == "01/NQ-HĐND"
    assert rules.format_number(12, 2026, "individual") == "12/NQ-HĐND"
    assert rules.format_number(6, 2025, "normative") == "06/2025/NQ-HĐND"
    assert rules.number_line(123, 2026, "individual") == "Số: 123/NQ-HĐND"
    assert rules.next_number(None) == 1 and rules.next_number(19) == 20
    with pytest.raises(rules.RuleError):
        rules.format_number(0, 2026, "individual")
    with pytest.raises(rules.RuleError):
        rules.format_number(3, 2026, "decree")
    assert rules.place_date_line("Tân Phú", date(2026, 2, 5)) == \
        "Tân Phú, ngày 05 tháng 02 năm 2026"
    assert rules.place_date_line("Tân Phú", date(2026, 12, 15)) == \
        "Tân Phú, ngày 15 tháng 12 năm 2026"
    assert rules.council_header_lines("Hội đồng nhân dân xã Tân Phú") == \
        ("HỘI ĐỒNG NHÂN DÂN", "XÃ TÂN PHÚ")
    assert rules.place_name("Hội đồng nhân dân xã Tân Phú") == "Tân Phú"


def test_state_transitions():
    rules.check_transition("to_issue", "issued")
    rules.check_transition("issued", "signed_by_chair")
    with pytest.raises(rules.RuleError) as skipped:
        rules.check_transition("issued", "signed")
    assert skipped.value.code == "wrong_state"
    with pytest.raises(rules.RuleError) as frozen:
        rules.check_transition("archived", "issued")
    assert frozen.value.code == "archived_immutable"


# --- flow -----------------------------------------------------------------------

def test_only_passed_announced_votes_become_resolutions(demo, monkeypatch):
    monkeypatch.delenv(signing_keys.PASSPHRASE_ENV, raising=False)
    failed = passed_vote(yes=10, with_draft=False)
    assert service.list_for_meeting(actor("thuky"), failed["meeting_id"]) == []
    passed = passed_vote(yes=25, with_draft=False)
    listed = service.list_for_meeting(actor("thuky"), passed["meeting_id"])
    assert [r.vote_id for r in listed] == [passed["vote_id"]]
    assert listed[0].state == "to_issue" and listed[0].number is None
    # listing again adds nothing
    assert len(service.list_for_meeting(actor("chutoa"), passed["meeting_id"])) == 1
    with pytest.raises(ServiceError) as refused:
        service.list_for_meeting(actor("daibieu05"), passed["meeting_id"])
    assert refused.value.status == 403


def test_issue_sign_archive_verified_by_us_and_by_pdfsig(ready, tmp_path):
    staff, chair = actor("thuky"), actor("chutoa")
    with pytest.raises(Forbidden):
        service.issue(chair, ready["resolution_id"], verify_base_url=BASE)
    res = service.issue(staff, ready["resolution_id"], verify_base_url=BASE,
                        issued_on=date(2026, 12, 5))
    assert (res.state, res.number, res.number_text) == ("issued", 1, "01/NQ-HĐND")
    _, official = service.file_of(staff, res.id, "official")
    reader = PdfReader(io.BytesIO(official))
    # a final PDF made elsewhere: the text itself, unchanged — no cover page, no vote result
    assert len(reader.pages) == 2
    text = "\n".join(p.extract_text() for p in reader.pages)
    assert "Số: 01/NQ-HĐND" in text and "Tán thành" not in text and "Kết quả" not in text
    # both signature fields exist before the first signature, at the signature place
    assert sorted(signing.signature_field_names(official)) == sorted(
        [signing.SIGNER_FIELD, signing.ORGANISATION_FIELD])
    boxes = _widget_boxes(official)
    assert set(boxes) == {(signing.SIGNER_FIELD, 1), (signing.ORGANISATION_FIELD, 1)}
    chair_box = boxes[(signing.SIGNER_FIELD, 1)]
    assert 130 < chair_box[1] < chair_box[3] < 214  # between "CHỦ TỊCH" and the name

    with pytest.raises(Forbidden):
        chair_signs(staff, res.id)
    chair_signs(chair, res.id)
    assert res.state == "signed_by_chair"
    _, after_chair = service.file_of(staff, res.id, "chair_signed")
    [first] = signing.validate_pdf(after_chair, signing_keys.trust_roots(2))
    assert first.status == signing.VALID and first.intact and first.trusted
    assert pdfsig(after_chair, tmp_path) == {signing.SIGNER_FIELD: POPPLER_VALID}

    with pytest.raises(Forbidden):
        service.sign_as_organisation(chair, res.id)
    service.sign_as_organisation(staff, res.id)
    assert res.state == "archived" and res.archived_at is not None
    _, signed = service.file_of(staff, res.id, "signed")
    reports = signing.validate_pdf(signed, signing_keys.trust_roots(2))
    assert [(r.field_name, r.status) for r in reports] == [
        (signing.SIGNER_FIELD, signing.VALID), (signing.ORGANISATION_FIELD, signing.VALID)]
    assert all(not r.modified_after_signing and r.pades_level == "B-B" for r in reports)
    assert pdfsig(signed, tmp_path) == {signing.SIGNER_FIELD: POPPLER_VALID,
                                        signing.ORGANISATION_FIELD: POPPLER_VALID}
    assert [s["role"] for s in res.signatures] == ["chair", "organisation"]
    assert "THỬ NGHIỆM" in res.signatures[0]["subject"]

    # the seal's Vietnamese text comes out of the signed file; the text's own lines once each
    text = pdftotext(signed, tmp_path, last=True)
    assert "HỘI ĐỒNG NHÂN DÂN XÃ TÂN PHÚ" in text
    assert text.count("CHỦ TỊCH") == 1 and text.count("Nguyễn Văn Hùng") == 1

    # one byte changed inside the signed ranges: both validators say so
    tampered = flip_byte_in_signed_range(signed)
    assert all(r.status == signing.INVALID and not r.intact
               for r in signing.validate_pdf(tampered, signing_keys.trust_roots(2)))
    assert all(v != POPPLER_VALID for v in pdfsig(tampered, tmp_path).values())
    assert len(pdfsig(tampered, tmp_path)) == 2

    # archived: nothing changes any more; a correction is a new resolution
    with pytest.raises(ServiceError) as frozen:
        service.sign_as_organisation(staff, res.id)
    assert frozen.value.code == "archived_immutable"
    fix = service.correct(staff, res.id)
    assert fix.corrects_id == res.id and fix.state == "to_issue"
    again = service.issue(staff, fix.id, verify_base_url=BASE, issued_on=date(2026, 12, 6),
                          upload=draft_pdf(1, "Đính chính", number="02/NQ-HĐND"),
                          filename="dinh-chinh.pdf")
    assert again.number == 2 and again.draft_source == "upload"

    # public check: the archived file matches, a modified copy does not
    check = service.check_against_archive(res.public_id, signed)
    assert check["matches"] and check["report"]["all_valid"]
    overlay = signed + b"\n% appended after signing\n"
    check = service.check_against_archive(res.public_id, overlay)
    assert not check["matches"]


def test_archive_search_and_zip_export(ready):
    import json
    import zipfile

    staff = actor("thuky")
    res = service.issue(staff, ready["resolution_id"], verify_base_url=BASE)
    chair_signs(actor("chutoa"), res.id)
    service.sign_as_organisation(staff, res.id)
    assert service.search_archive(staff, 2, q="dự toán") == [res]
    assert service.search_archive(staff, 2, number="1") == [res]
    assert service.search_archive(staff, 2, number="7") == []
    assert service.search_archive(staff, 2, meeting_id=ready["meeting_id"]) == [res]
    assert service.search_archive(staff, 2, date_from=date(2000, 1, 1),
                                  date_to=date(2000, 12, 31)) == []
    data = service.export_meeting(staff, ready["meeting_id"])
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        manifest = json.loads(zf.read("manifest.json"))
        [entry] = manifest["resolutions"]
        assert entry["number"] == res.number_text
        for which in ("draft", "signed"):
            import hashlib

            blob = zf.read(entry["files"][which]["path"])
            assert hashlib.sha256(blob).hexdigest() == entry["files"][which]["sha256"]
        assert entry["files"]["signed"]["sha256"] == res.signed_sha256
    with pytest.raises(ServiceError):
        service.search_archive(actor("daibieu03"), 2)


# --- errors: nothing half-done, no number used ---------------------------------------

def _blob_count() -> int:
    return documents.stored_blob_count()


def _replace_org_cert(**kwargs):
    """Swap the council's organisation.p12 for one issued with a defect."""
    from cryptography import x509
    from cryptography.hazmat.primitives import serialization

    from signing import testca

    ca_dir = signing_keys.folder() / "test-ca"
    root = testca.TestIdentity(
        "root", x509.load_pem_x509_certificate((ca_dir / "root.pem").read_bytes()),
        serialization.load_pem_private_key((ca_dir / "root.key.pem").read_bytes(), None),
        ca_dir / "root.pem")
    target = signing_keys.folder() / "council-2"
    testca.issue(root, target, "organisation", "HĐND XÃ TÂN PHÚ (THỬ NGHIỆM)",
                 passphrase=signing_keys.TEST_PASSPHRASE.encode(), **kwargs)


@pytest.mark.parametrize("defect, code", [
    ("wrong_passphrase", "wrong_passphrase"),
    ("expired", "certificate_expired"),
    ("no_signing_usage", "key_usage_missing"),
    ("missing", "key_file_missing"),
])
def test_key_problems_refuse_issuing_without_using_a_number(ready, monkeypatch, defect, code):
    staff = actor("thuky")
    if defect == "wrong_passphrase":
        monkeypatch.setenv(signing_keys.PASSPHRASE_ENV, "not-the-passphrase")
    elif defect == "expired":
        _replace_org_cert(expired=True)
    elif defect == "no_signing_usage":
        _replace_org_cert(signing_usage=False)
    else:
        signing_keys.key_path(2, "organisation").unlink()
    blobs = _blob_count()
    with pytest.raises(ServiceError) as refused:
        service.issue(staff, ready["resolution_id"], verify_base_url=BASE)
    assert refused.value.code == code
    assert refused.value.message  # Vietnamese, from signing.errors
    res = db.session.get(Resolution, ready["resolution_id"])
    assert (res.state, res.number, _counter(), _blob_count()) == ("to_issue", None, None, blobs)


@pytest.mark.parametrize("defect, code", [
    ("wrong_passphrase", "wrong_passphrase"),
    ("missing", "key_file_missing"),
])
def test_chair_key_problems_leave_the_issued_resolution_unchanged(ready, monkeypatch, defect,
                                                                   code):
    staff, chair = actor("thuky"), actor("chutoa")
    res = service.issue(staff, ready["resolution_id"], verify_base_url=BASE)
    blobs = _blob_count()
    if defect == "wrong_passphrase":
        monkeypatch.setenv(f"{signing_keys.PASSPHRASE_ENV}_2_CHAIR", "wrong")
    else:
        signing_keys.key_path(2, "chair").unlink()
    with pytest.raises(ServiceError) as refused:
        chair_signs(chair, res.id)
    assert refused.value.code == code
    db.session.expire_all()
    res = db.session.get(Resolution, res.id)
    assert (res.state, res.chair_signed_sha256, res.signatures) == ("issued", None, [])
    assert _blob_count() == blobs and _counter() == 1


def test_bad_final_text_is_refused_and_uses_no_number(ready):
    with pytest.raises(ServiceError) as refused:
        service.issue(actor("thuky"), ready["resolution_id"], verify_base_url=BASE,
                      upload=b"%PDF-1.7 not really", filename="hong.pdf")
    assert refused.value.status == 422 and "hong.pdf" in refused.value.message
    assert _counter() is None


def test_verify_reports_garbage_cleanly(ready):
    with pytest.raises(ServiceError) as refused:
        service.verify(b"this is not a pdf")
    assert refused.value.code == "not_a_pdf"
    unsigned = service.verify(draft_pdf(1))
    assert unsigned["signatures"] == [] and not unsigned["all_valid"]


@pytest.mark.parametrize("with_crl", [False, True])
def test_timestamp_server_gives_b_t_and_with_crls_b_lta(ready, monkeypatch, tmp_path,
                                                         with_crl):
    """With a TSA configured (here pyHanko's in-process TSA on a TEST key) both signatures
    carry an RFC 3161 timestamp: PAdES B-T. With revocation lists in the signing folder
    the archive copy gets the DSS and a document timestamp: B-LTA. Valid for us and
    for pdfsig either way."""
    from cryptography import x509
    from cryptography.hazmat.primitives import serialization

    from signing import testca

    ca_dir = signing_keys.folder() / "test-ca"
    root = testca.TestIdentity(
        "root", x509.load_pem_x509_certificate((ca_dir / "root.pem").read_bytes()),
        serialization.load_pem_private_key((ca_dir / "root.key.pem").read_bytes(), None),
        ca_dir / "root.pem")
    tsa = testca.issue(root, tmp_path, "tsa", "TEST TSA", passphrase=b"x", tsa=True)
    monkeypatch.setattr(signing_keys, "timestamper", lambda: testca.dummy_timestamper(tsa))
    if not with_crl:
        (signing_keys.folder() / "test-root.crl").unlink()
    staff = actor("thuky")
    res = service.issue(staff, ready["resolution_id"], verify_base_url=BASE)
    chair_signs(actor("chutoa"), res.id)
    service.sign_as_organisation(staff, res.id)
    _, signed = service.file_of(staff, res.id, "signed")
    reports = signing.validate_pdf(signed, signing_keys.trust_roots(2))
    if with_crl:
        assert res.signatures[1]["pades_level"] == "B-LTA"
        assert [(r.kind, r.status, r.pades_level) for r in reports] == [
            ("signature", signing.VALID, "B-LTA"), ("signature", signing.VALID, "B-LTA"),
            ("document_timestamp", signing.VALID, None)]
    else:
        assert [s["pades_level"] for s in res.signatures] == ["B-T", "B-T"]
        assert [(r.status, r.pades_level) for r in reports] == [(signing.VALID, "B-T")] * 2
    assert all(r.timestamp_time for r in reports)
    assert all(not r.modified_after_signing for r in reports)
    verdicts = pdfsig(signed, tmp_path)
    # (poppler does not verify document timestamps: "not yet been verified" for that one)
    assert verdicts[signing.SIGNER_FIELD] == verdicts[signing.ORGANISATION_FIELD] == POPPLER_VALID


SOFTHSM_MODULES = ["/usr/lib/softhsm/libsofthsm2.so",
                   "/usr/lib/x86_64-linux-gnu/softhsm/libsofthsm2.so",
                   "/usr/lib/aarch64-linux-gnu/softhsm/libsofthsm2.so"]


@pytest.mark.parametrize("setup, code", [
    ("token_absent", "token_missing"),
    ("module_absent", "token_module_missing"),
    ("bad_config", "token_config_invalid"),
])
def test_missing_token_refuses_issuing_without_using_a_number(ready, monkeypatch, tmp_path,
                                                               request, setup, code):
    """The council's key on a PKCS#11 token (SoftHSM2 standing in): a token that is not
    plugged in, a missing driver or a broken configuration stop issuing before numbering."""
    import json

    module = next((m for m in SOFTHSM_MODULES if os.path.isfile(m)), None)
    if module is None:
        pytest.fail("SoftHSM2 missing: install Debian's softhsm2 (.ci/run does)")
    (tmp_path / "tokens").mkdir()
    conf = tmp_path / "softhsm2.conf"
    conf.write_text(f"directories.tokendir = {tmp_path / 'tokens'}\n")
    monkeypatch.setenv("SOFTHSM2_CONF", str(conf))
    import pkcs11

    # the PKCS#11 library is loaded once per process and reads its configuration when
    # initialised: start from ours, and finalise afterwards so the next user starts anew
    library = pkcs11.lib(module)
    library.reinitialize()
    request.addfinalizer(library.finalize)
    monkeypatch.setenv(signing_keys.PIN_ENV, "1234")
    config = {"module": module, "token_label": "khong-co-token", "key_label": "organisation"}
    if setup == "module_absent":
        config["module"] = "/usr/lib/khong-co/libpkcs11.so"
    if setup == "bad_config":
        config = {"module": module}
    path = signing_keys.folder() / "council-2" / "organisation.pkcs11.json"
    path.write_text(json.dumps(config))
    blobs = _blob_count()
    with pytest.raises(ServiceError) as refused:
        service.issue(actor("thuky"), ready["resolution_id"], verify_base_url=BASE)
    assert refused.value.code == code and refused.value.message
    res = db.session.get(Resolution, ready["resolution_id"])
    assert (res.state, res.number, _counter(), _blob_count()) == ("to_issue", None, None, blobs)


def test_official_pdf_names_what_keeps_an_upload_from_pdfa():
    """A final text whose fonts are not embedded (reportlab's default Helvetica) is still
    issued, and the gap is reported instead of being hidden."""
    from reportlab.pdfgen import canvas

    from paperless.pdf import official

    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=official.A4)
    c.drawString(72, 720, "So: 03/NQ-HDND Dieu 1. Helvetica, not embedded")
    c.drawString(400, 300, "CHU TICH")
    c.showPage()
    c.save()
    with pytest.raises(official.PdfRejected) as nowhere:  # no signature place on its last page
        official.from_final_pdf(buf.getvalue())
    assert nowhere.value.code == "signature_place_missing"
    made = official.from_final_pdf(draft_pdf(1))
    assert made.page_count == 1
    assert "no output intent" in made.pdfa_findings  # a PDF made by reportlab is not PDF/A
    assert not any("not embedded" in f for f in made.pdfa_findings)
    with pytest.raises(official.PdfRejected) as unnumbered:
        official.check_number(draft_pdf(1, number=None), "03/NQ-HĐND")
    assert unnumbered.value.code == "number_missing"
