"""Chair then organisation signing, checked by our validator and by poppler's pdfsig."""

from __future__ import annotations

import json
import re
from io import BytesIO

import pytest
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from sigtest_pdfgen import SIGNATURE_PLACE
from sigtest_tools import CORPUS, PASS_ENV, POPPLER_VALID, pdfsig, pdftotext, render_page

import signing
from signing import testca
from signing.sign import FieldPlacement

ORG_NAME = "HỘI ĐỒNG NHÂN DÂN XÃ AN BÌNH"


def _placements(pdf: bytes) -> list[FieldPlacement]:
    placements = signing.default_field_placements(pdf)
    # the generated resolution leaves its signature place under "TM. HỘI ĐỒNG NHÂN DÂN"
    return [
        FieldPlacement(p.name, p.page, SIGNATURE_PLACE) if p.name == signing.SIGNER_FIELD else p
        for p in placements
    ]


def _sign_both(pdf: bytes, pki, *, certify=True, **kwargs) -> tuple[bytes, bytes]:
    chair = signing.load_pkcs12_signer(pki.chair.p12, PASS_ENV)
    org = signing.load_pkcs12_signer(pki.organisation.p12, PASS_ENV)
    after_chair = signing.sign_pdf(
        pdf,
        chair,
        field_name=signing.SIGNER_FIELD,
        stamp=signing.signer_stamp("Nguyễn Văn A", "Chủ tịch"),
        certify=certify,
        **kwargs,
    ).pdf
    after_org = signing.sign_pdf(
        after_chair,
        org,
        field_name=signing.ORGANISATION_FIELD,
        stamp=signing.organisation_stamp(ORG_NAME),
        **kwargs,
    ).pdf
    return after_chair, after_org


def _assert_all_valid(pdf: bytes, pki, tmp_path, expected_fields: list[str]) -> list:
    reports = [
        r for r in signing.validate_pdf(pdf, [pki.root.certificate]) if r.kind == "signature"
    ]
    assert [r.field_name for r in reports] == expected_fields
    for r in reports:
        assert r.status == signing.VALID, r.to_dict()
        assert r.intact and r.cryptographically_valid and r.trusted
        assert not r.modified_after_signing
    verdicts = pdfsig(pdf, tmp_path)
    for name in expected_fields:
        assert verdicts.get(name) == POPPLER_VALID, verdicts
    return reports


def test_fields_are_created_up_front(one_page_pdf):
    with_fields = signing.add_signature_fields(one_page_pdf)
    assert set(signing.signature_field_names(with_fields)) == {
        signing.SIGNER_FIELD,
        signing.ORGANISATION_FIELD,
    }
    # idempotent: a second call adds nothing
    assert signing.add_signature_fields(with_fields) == with_fields


def test_chair_then_organisation_one_page(one_page_pdf, pki, p12_env, tmp_path):
    pdf = signing.add_signature_fields(one_page_pdf, _placements(one_page_pdf))
    after_chair, after_org = _sign_both(pdf, pki)

    _assert_all_valid(after_chair, pki, tmp_path, [signing.SIGNER_FIELD])
    reports = _assert_all_valid(
        after_org, pki, tmp_path, [signing.SIGNER_FIELD, signing.ORGANISATION_FIELD]
    )
    chair, org = reports
    assert chair.signer_common_name == "Nguyễn Văn A"
    assert chair.certified and not org.certified
    assert org.signer_common_name == ORG_NAME
    assert org.covers_whole_file and not chair.covers_whole_file
    assert chair.pades_level == org.pades_level == "B-B"
    assert "TEST Root CA" in chair.certificate_chain[-1]
    json.dumps([r.to_dict() for r in reports], ensure_ascii=False)

    # without trusted roots the signatures are intact but "untrusted"
    untrusted = signing.validate_pdf(after_org)
    assert {r.status for r in untrusted} == {signing.UNTRUSTED}

    text = pdftotext(after_org, tmp_path)
    for expected in ("Ký bởi", "Nguyễn Văn A", "HỘI ĐỒNG NHÂN DÂN", "CHỦ TỊCH", "Thời gian ký"):
        assert expected in text
    assert re.search(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+07:00", text), text
    png = render_page(after_org, "one-page-signed", page=1)
    assert png.stat().st_size > 1000


def test_three_page_document(three_page_pdf, pki, p12_env, tmp_path):
    pdf = signing.add_signature_fields(three_page_pdf, _placements(three_page_pdf))
    _, signed = _sign_both(pdf, pki)
    _assert_all_valid(signed, pki, tmp_path, [signing.SIGNER_FIELD, signing.ORGANISATION_FIELD])
    render_page(signed, "three-page-signed-last", page=3)
    render_page(signed, "three-page-signed-first", page=1)


@pytest.mark.parametrize("name", ["pdflatex-4-pages.pdf", "minimal-document.pdf"])
def test_corpus_documents(name, pki, p12_env, tmp_path):
    source = CORPUS / name
    pdf = signing.add_signature_fields(source.read_bytes())
    _, signed = _sign_both(pdf, pki, certify=False)
    _assert_all_valid(signed, pki, tmp_path, [signing.SIGNER_FIELD, signing.ORGANISATION_FIELD])
    render_page(signed, f"corpus-{source.stem}-first", page=1)


def _byte_range(pdf: bytes) -> tuple[int, int, int, int]:
    m = re.search(rb"/ByteRange\s*\[\s*(\d+)\s+(\d+)\s+(\d+)\s+(\d+)", pdf)
    assert m
    return tuple(int(x) for x in m.groups())


def test_flipped_byte_is_caught_by_both(one_page_pdf, pki, p12_env, tmp_path):
    pdf = signing.add_signature_fields(one_page_pdf)
    chair = signing.load_pkcs12_signer(pki.chair.p12, PASS_ENV)
    signed = signing.sign_pdf(
        pdf, chair, field_name=signing.SIGNER_FIELD, stamp=signing.signer_stamp("Nguyễn Văn A", "")
    ).pdf
    start, length, _, _ = _byte_range(signed)
    # inside the first signed range, in page content (not the PDF header)
    pos = start + length // 2
    damaged = bytearray(signed)
    damaged[pos] ^= 0x01
    damaged = bytes(damaged)

    reports = signing.validate_pdf(damaged, [pki.root.certificate])
    assert [r.status for r in reports] == [signing.INVALID]
    assert not reports[0].intact
    assert pdfsig(damaged, tmp_path)[signing.SIGNER_FIELD] != POPPLER_VALID


def test_damage_anywhere_never_crashes(one_page_pdf, pki, p12_env):
    pdf = signing.add_signature_fields(one_page_pdf)
    chair = signing.load_pkcs12_signer(pki.chair.p12, PASS_ENV)
    signed = signing.sign_pdf(pdf, chair, field_name=signing.SIGNER_FIELD).pdf
    step = max(1, len(signed) // 60)
    for pos in range(0, len(signed), step):
        damaged = bytearray(signed)
        damaged[pos] ^= 0x20
        try:
            reports = signing.validate_pdf(bytes(damaged), [pki.root.certificate])
        except signing.SigningError as exc:
            assert exc.code == "not_a_pdf"
            continue
        for r in reports:
            json.dumps(r.to_dict())
            # a flipped byte may land in the unsigned /Contents padding; anything else breaks it
            assert r.status in (signing.VALID, signing.INVALID, signing.MODIFIED)


def test_overlay_after_signing_is_reported_modified(one_page_pdf, pki, p12_env, tmp_path):
    pdf = signing.add_signature_fields(one_page_pdf)
    _, signed = _sign_both(pdf, pki)
    w = IncrementalPdfFileWriter(BytesIO(signed))
    overlay = b"q 1 1 1 rg 80 560 450 60 re f 1 0 0 rg 90 580 m 500 600 l S Q"
    w.add_stream_to_page(0, w.add_object(generic.StreamObject(stream_data=overlay)))
    out = BytesIO()
    w.write(out)
    tampered = out.getvalue()

    reports = signing.validate_pdf(tampered, [pki.root.certificate])
    assert [r.status for r in reports] == [signing.MODIFIED, signing.MODIFIED]
    assert all(r.intact and r.modified_after_signing for r in reports)
    assert reports[-1].modification_level == "OTHER"
    # poppler only checks the signed bytes, so it still says "valid": that is why we diff
    assert pdfsig(tampered, tmp_path)[signing.ORGANISATION_FIELD] == POPPLER_VALID


def test_timestamp_and_long_term_levels(one_page_pdf, pki, p12_env, tmp_path):
    tsa = testca.dummy_timestamper(pki.tsa)
    pdf = signing.add_signature_fields(one_page_pdf)
    chair = signing.load_pkcs12_signer(pki.chair.p12, PASS_ENV)
    org = signing.load_pkcs12_signer(pki.organisation.p12, PASS_ENV)
    roots = [pki.root.certificate]

    b_t = signing.sign_pdf(pdf, chair, field_name=signing.SIGNER_FIELD, timestamper=tsa)
    assert b_t.pades_level == "B-T"
    (rep,) = signing.validate_pdf(b_t.pdf, roots)
    assert rep.status == signing.VALID and rep.timestamp_time

    # chain in the DSS but no revocation data: honestly still B-T
    no_crl = signing.sign_pdf(
        pdf,
        chair,
        field_name=signing.SIGNER_FIELD,
        timestamper=tsa,
        embed_validation_info=True,
        trust_roots=roots,
    )
    assert no_crl.pades_level == "B-T"

    b_lt = signing.sign_pdf(
        pdf,
        chair,
        field_name=signing.SIGNER_FIELD,
        timestamper=tsa,
        embed_validation_info=True,
        trust_roots=roots,
        crls=[pki.crl_der.read_bytes()],
    )
    assert b_lt.pades_level == "B-LT"
    b_lta = signing.sign_pdf(
        b_lt.pdf,
        org,
        field_name=signing.ORGANISATION_FIELD,
        timestamper=tsa,
        embed_validation_info=True,
        trust_roots=roots,
        crls=[pki.crl_der.read_bytes()],
        archival_timestamp=True,
        stamp=signing.organisation_stamp(ORG_NAME),
    )
    assert b_lta.pades_level == "B-LTA"
    reports = signing.validate_pdf(b_lta.pdf, roots)
    kinds = [(r.kind, r.status) for r in reports]
    assert kinds == [
        ("signature", signing.VALID),
        ("signature", signing.VALID),
        ("document_timestamp", signing.VALID),
    ], [r.to_dict() for r in reports]
    verdicts = pdfsig(b_lta.pdf, tmp_path)
    assert verdicts[signing.SIGNER_FIELD] == POPPLER_VALID
    assert verdicts[signing.ORGANISATION_FIELD] == POPPLER_VALID


def test_sign_file_is_atomic(one_page_pdf, pki, p12_env, tmp_path):
    src = tmp_path / "in.pdf"
    src.write_bytes(signing.add_signature_fields(one_page_pdf))
    dst = tmp_path / "out.pdf"
    chair = signing.load_pkcs12_signer(pki.chair.p12, PASS_ENV)
    result = signing.sign_file(src, dst, chair, field_name=signing.SIGNER_FIELD)
    assert dst.read_bytes() == result.pdf
    # second time the field is taken: error, and the existing output is untouched
    with pytest.raises(signing.SigningError) as err:
        signing.sign_file(dst, tmp_path / "again.pdf", chair, field_name=signing.SIGNER_FIELD)
    assert err.value.code == "field_already_signed"
    assert not (tmp_path / "again.pdf").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.pdf", "out.pdf"]


def test_works_inside_a_running_event_loop(one_page_pdf, pki, p12_env):
    """pyHanko's sync API calls asyncio.run(); callers with a loop (async servers,
    Playwright's sync API) must still be able to sign and validate."""
    import asyncio

    pdf = signing.add_signature_fields(one_page_pdf)
    chair = signing.load_pkcs12_signer(pki.chair.p12, PASS_ENV)

    def work():
        signed = signing.sign_pdf(pdf, chair, field_name=signing.SIGNER_FIELD).pdf
        return signing.validate_pdf(signed, [pki.root.certificate])

    async def inside_loop():
        return work()

    try:
        asyncio.get_running_loop()
        reports = work()  # the suite already runs a loop here (Playwright's sync API)
    except RuntimeError:
        reports = asyncio.run(inside_loop())
    (rep,) = reports
    assert rep.status == signing.VALID
