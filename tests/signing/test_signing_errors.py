"""Each failure raises a SigningError with a stable code and leaves no output file."""

from __future__ import annotations

import pytest
from sigtest_tools import PASS_ENV

import signing
from signing import testca
from signing.stamp import FontConfig


@pytest.fixture
def src(tmp_path, one_page_pdf):
    path = tmp_path / "in.pdf"
    path.write_bytes(signing.add_signature_fields(one_page_pdf))
    return path


def _attempt(src, dst, p12, env=PASS_ENV):
    signer = signing.load_pkcs12_signer(p12, env)
    return signing.sign_file(src, dst, signer, field_name=signing.SIGNER_FIELD)


def _assert_fails(code, tmp_path, src, fn):
    dst = tmp_path / "out.pdf"
    with pytest.raises(signing.SigningError) as err:
        fn(dst)
    assert err.value.code == code, err.value
    assert err.value.message_vi  # Vietnamese text for the user
    assert err.value.to_dict()["code"] == code
    assert not dst.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == [src.name]


def test_wrong_passphrase(tmp_path, src, pki, monkeypatch):
    monkeypatch.setenv(PASS_ENV, "not-the-passphrase")
    _assert_fails("wrong_passphrase", tmp_path, src, lambda dst: _attempt(src, dst, pki.chair.p12))


def test_passphrase_env_missing(tmp_path, src, pki, monkeypatch):
    monkeypatch.delenv(PASS_ENV, raising=False)
    _assert_fails(
        "passphrase_missing", tmp_path, src, lambda dst: _attempt(src, dst, pki.chair.p12)
    )


def test_key_file_missing(tmp_path, src, p12_env):
    _assert_fails(
        "key_file_missing", tmp_path, src, lambda dst: _attempt(src, dst, tmp_path / "nope.p12")
    )


def test_expired_certificate(tmp_path_factory, tmp_path, src, pki, p12_env):
    folder = tmp_path_factory.mktemp("expired")
    ident = testca.issue(
        pki.root, folder, "expired", "Trần Thị B", passphrase=pki.passphrase, expired=True
    )
    _assert_fails("certificate_expired", tmp_path, src, lambda dst: _attempt(src, dst, ident.p12))


def test_certificate_without_signing_key_usage(tmp_path_factory, tmp_path, src, pki, p12_env):
    folder = tmp_path_factory.mktemp("nousage")
    ident = testca.issue(
        pki.root, folder, "nousage", "Lê Văn C", passphrase=pki.passphrase, signing_usage=False
    )
    _assert_fails("key_usage_missing", tmp_path, src, lambda dst: _attempt(src, dst, ident.p12))


def test_missing_field(tmp_path, pki, p12_env, one_page_pdf):
    src = tmp_path / "in.pdf"
    src.write_bytes(one_page_pdf)  # no fields added
    _assert_fails("field_missing", tmp_path, src, lambda dst: _attempt(src, dst, pki.chair.p12))


def test_not_a_pdf(tmp_path, pki, p12_env):
    src = tmp_path / "in.pdf"
    src.write_bytes(b"<html>not a pdf</html>")
    _assert_fails("not_a_pdf", tmp_path, src, lambda dst: _attempt(src, dst, pki.chair.p12))
    for junk in (b"", b"%PDF-1.7\ngarbage", b"\x00" * 100):
        with pytest.raises(signing.SigningError) as err:
            signing.validate_pdf(junk)
        assert err.value.code == "not_a_pdf"


def test_fields_cannot_be_added_after_signing(one_page_pdf, pki, p12_env):
    only_signer = [
        p for p in signing.default_field_placements(one_page_pdf) if p.name == signing.SIGNER_FIELD
    ]
    pdf = signing.add_signature_fields(one_page_pdf, only_signer)
    chair = signing.load_pkcs12_signer(pki.chair.p12, PASS_ENV)
    signed = signing.sign_pdf(pdf, chair, field_name=signing.SIGNER_FIELD, certify=True).pdf
    with pytest.raises(signing.SigningError) as err:
        signing.add_signature_fields(signed)
    assert err.value.code == "field_missing"


def test_font_missing(tmp_path):
    with pytest.raises(signing.SigningError) as err:
        signing.signer_stamp("Nguyễn Văn A", "Chủ tịch", fonts=FontConfig(str(tmp_path / "x.ttf")))
    assert err.value.code == "font_missing"


def test_font_from_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("SIGNING_FONT", str(tmp_path / "missing.ttf"))
    with pytest.raises(signing.SigningError) as err:
        signing.organisation_stamp("HỘI ĐỒNG NHÂN DÂN XÃ AN BÌNH")
    assert err.value.code == "font_missing"
