"""Prepare -> hand out digest -> sign elsewhere (a USB-token app) -> embed."""

from __future__ import annotations

import json

import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, utils
from sigtest_tools import PASS_ENV, POPPLER_VALID, pdfsig

import signing
from signing import testca
from signing._sync import outside_event_loop


def _prepare(pdf, pki, field=signing.SIGNER_FIELD, ident=None, stamp=None):
    ident = ident or pki.chair
    prepared = signing.prepare_signature(
        pdf,
        ident.certificate,
        field_name=field,
        chain=[pki.root.certificate],
        stamp=stamp or signing.signer_stamp("Nguyễn Văn A", "Chủ tịch"),
    )
    # what the web app would store between the two HTTP requests
    return signing.PreparedSignature.from_dict(json.loads(json.dumps(prepared.to_dict())))


def _token_sign(private_key, digest: bytes) -> bytes:
    """What a USB token's sign-hash call does: PKCS#1 v1.5 over a precomputed SHA-256."""
    return private_key.sign(digest, padding.PKCS1v15(), utils.Prehashed(hashes.SHA256()))


def test_two_step_then_organisation(one_page_pdf, pki, p12_env, tmp_path):
    pdf = signing.add_signature_fields(one_page_pdf)
    prepared = _prepare(pdf, pki)
    assert len(prepared.digest_to_sign) == 32
    signed = signing.finish_with_signature(
        prepared, _token_sign(pki.chair.private_key, prepared.digest_to_sign)
    )
    (rep,) = signing.validate_pdf(signed, [pki.root.certificate])
    assert rep.status == signing.VALID and rep.signer_common_name == "Nguyễn Văn A"
    assert pdfsig(signed, tmp_path)[signing.SIGNER_FIELD] == POPPLER_VALID

    # the organisation then signs server-side; the first signature stays valid
    org = signing.load_pkcs12_signer(pki.organisation.p12, PASS_ENV)
    both = signing.sign_pdf(
        signed,
        org,
        field_name=signing.ORGANISATION_FIELD,
        stamp=signing.organisation_stamp("HỘI ĐỒNG NHÂN DÂN XÃ AN BÌNH"),
    ).pdf
    reports = signing.validate_pdf(both, [pki.root.certificate])
    assert [r.status for r in reports] == [signing.VALID, signing.VALID]
    verdicts = pdfsig(both, tmp_path)
    assert verdicts[signing.SIGNER_FIELD] == verdicts[signing.ORGANISATION_FIELD] == POPPLER_VALID


def test_two_step_with_timestamp(one_page_pdf, pki, tmp_path):
    pdf = signing.add_signature_fields(one_page_pdf)
    prepared = _prepare(pdf, pki)
    signed = signing.finish_with_signature(
        prepared,
        _token_sign(pki.chair.private_key, prepared.digest_to_sign),
        timestamper=testca.dummy_timestamper(pki.tsa),
    )
    (rep,) = signing.validate_pdf(signed, [pki.root.certificate])
    assert rep.status == signing.VALID and rep.pades_level == "B-T"
    assert pdfsig(signed, tmp_path)[signing.SIGNER_FIELD] == POPPLER_VALID


def test_signature_from_wrong_key_is_refused(one_page_pdf, pki):
    pdf = signing.add_signature_fields(one_page_pdf)
    prepared = _prepare(pdf, pki)
    with pytest.raises(signing.SigningError) as err:
        signing.finish_with_signature(
            prepared, _token_sign(pki.organisation.private_key, prepared.digest_to_sign)
        )
    assert err.value.code == "signature_mismatch"


def test_client_made_cms(one_page_pdf, pki, p12_env, tmp_path):
    """A client that builds the whole CMS over the document digest (e.g. a desktop plug-in)."""
    import asyncio

    pdf = signing.add_signature_fields(one_page_pdf)
    prepared = _prepare(pdf, pki)
    client = signing.load_pkcs12_signer(pki.chair.p12, PASS_ENV)
    # a thread of its own: the suite may already run an event loop (Playwright)
    cms_obj = outside_event_loop(asyncio.run)(
        client.async_sign(prepared.document_digest, "sha256", use_pades=True)
    )
    signed = signing.finish_with_cms(prepared, cms_obj.dump())
    (rep,) = signing.validate_pdf(signed, [pki.root.certificate])
    assert rep.status == signing.VALID
    assert pdfsig(signed, tmp_path)[signing.SIGNER_FIELD] == POPPLER_VALID

    other = _prepare(signing.add_signature_fields(one_page_pdf), pki)
    with pytest.raises(signing.SigningError) as err:
        signing.finish_with_cms(other, cms_obj.dump())
    assert err.value.code == "signature_mismatch"


def test_bad_stored_state():
    with pytest.raises(signing.SigningError) as err:
        signing.PreparedSignature.from_dict({"field_name": "x"})
    assert err.value.code == "invalid_prepared_state"
