"""Resolutions over HTTP: roles, two-step signing, the archive ZIP, public verification."""

from __future__ import annotations

import base64
import io
import json
import re
import zipfile

import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding
from cryptography.hazmat.primitives.serialization import Encoding, pkcs12
from sqlalchemy import delete, select

import signing
from paperless import db
from paperless.models import LoginAttempt
from paperless.services import signing_keys
from tests.resolution_support import (
    draft_pdf,
    flip_byte_in_signed_range,
    make_test_ca,
    passed_vote,
    pdfsig,
)
from tests.support import login, token_for


@pytest.fixture
def ready(demo, client, monkeypatch):
    monkeypatch.delenv(signing_keys.PASSPHRASE_ENV, raising=False)
    make_test_ca()
    vote = passed_vote()
    staff = token_for(client, "thuky")
    listed = client.get(f"/api/v1/meetings/{vote['meeting_id']}/resolutions", headers=staff)
    assert listed.status_code == 200
    [res] = listed.get_json()["resolutions"]
    assert res["state"] == "to_issue"
    return {**vote, "id": res["id"], "staff": staff, "chair": token_for(client, "chutoa")}


def _post(client, url, headers, **kwargs):
    return client.post(url, headers=headers, **kwargs)


def test_roles_and_two_step_chair_signature(client, ready, tmp_path):
    rid = ready["id"]
    delegate = token_for(client, "daibieu07")
    assert client.get(f"/api/v1/resolutions/{rid}", headers=delegate).status_code == 403
    assert _post(client, f"/api/v1/resolutions/{rid}/issue", delegate, json={}).status_code == 403
    assert _post(client, f"/api/v1/resolutions/{rid}/issue", ready["chair"],
                 json={}).status_code == 403
    bad = _post(client, f"/api/v1/resolutions/{rid}/issue", ready["staff"],
                json={"kind": "decree"})
    assert bad.status_code == 422 and bad.get_json()["error"]["code"] == "validation_error"
    # a normative resolution's final PDF carries its normative number (Số: 01/2026/NQ-HĐND)
    final = draft_pdf(1, number="01/2026/NQ-HĐND")
    issued = _post(client, f"/api/v1/resolutions/{rid}/issue", ready["staff"],
                   data={"kind": "normative", "issued_on": "2026-12-05",
                         "file": (io.BytesIO(final), "nq.pdf")})
    assert issued.status_code == 200, issued.get_json()
    assert issued.get_json()["number"] == "01/2026/NQ-HĐND"
    again = _post(client, f"/api/v1/resolutions/{rid}/issue", ready["staff"], json={})
    assert again.status_code == 409 and again.get_json()["error"]["code"] == "wrong_state"

    # the secretariat may not sign for the chair, in either way
    assert _post(client, f"/api/v1/resolutions/{rid}/chair-signature",
                 ready["staff"]).status_code == 403
    folder = signing_keys.folder()
    key, cert, _ = pkcs12.load_key_and_certificates(
        (folder / "council-2" / "chair.p12").read_bytes(), signing_keys.TEST_PASSPHRASE.encode())
    cert_b64 = base64.b64encode(cert.public_bytes(Encoding.DER)).decode()
    root_pem = (folder / "ca.pem").read_text()
    assert _post(client, f"/api/v1/resolutions/{rid}/chair-signature/prepare", ready["staff"],
                 json={"certificate": cert_b64}).status_code == 403
    garbage = _post(client, f"/api/v1/resolutions/{rid}/chair-signature/prepare",
                    ready["chair"], json={"certificate": "bm90IGEgY2VydA=="})
    assert garbage.status_code == 422
    prepared = _post(client, f"/api/v1/resolutions/{rid}/chair-signature/prepare",
                     ready["chair"], json={"certificate": cert_b64, "chain": [root_pem]})
    assert prepared.status_code == 200, prepared.get_json()
    digest = base64.b64decode(prepared.get_json()["digest_to_sign"])
    assert len(digest) == 32
    # what the USB token does: sign the hash of the signed attributes
    from cryptography.hazmat.primitives.asymmetric.utils import Prehashed

    value = key.sign(digest, padding.PKCS1v15(), Prehashed(hashes.SHA256()))
    wrong = _post(client, f"/api/v1/resolutions/{rid}/chair-signature/finish", ready["chair"],
                  json={"signature": base64.b64encode(b"\x00" * 256).decode()})
    assert wrong.status_code == 422 and wrong.get_json()["error"]["code"] == "signature_mismatch"
    done = _post(client, f"/api/v1/resolutions/{rid}/chair-signature/finish", ready["chair"],
                 json={"signature": base64.b64encode(value).decode()})
    assert done.status_code == 200, done.get_json()
    body = done.get_json()
    assert body["state"] == "signed_by_chair"
    assert body["signatures"][0]["method"] == "two_step"

    assert _post(client, f"/api/v1/resolutions/{rid}/organisation-signature",
                 ready["chair"]).status_code == 403
    archived = _post(client, f"/api/v1/resolutions/{rid}/organisation-signature",
                     ready["staff"])
    assert archived.status_code == 200 and archived.get_json()["state"] == "archived"
    signed = client.get(f"/api/v1/resolutions/{rid}/files/signed", headers=ready["staff"]).data
    assert pdfsig(signed, tmp_path) == {signing.SIGNER_FIELD: "Signature is Valid.",
                                        signing.ORGANISATION_FIELD: "Signature is Valid."}

    # archive search and ZIP
    found = client.get("/api/v1/councils/2/resolutions?q=ngân+sách&number=01",
                       headers=ready["staff"]).get_json()["resolutions"]
    assert [r["id"] for r in found] == [rid]
    assert client.get("/api/v1/councils/2/resolutions?from=05-12-2026",
                      headers=ready["staff"]).status_code == 422
    zipped = client.get(f"/api/v1/meetings/{ready['meeting_id']}/resolutions/archive.zip",
                        headers=ready["staff"])
    with zipfile.ZipFile(io.BytesIO(zipped.data)) as zf:
        manifest = json.loads(zf.read("manifest.json"))
    assert manifest["resolutions"][0]["files"]["signed"]["sha256"] == \
        archived.get_json()["signed_sha256"]


def test_the_chair_signs_only_what_they_saw_after_typing_their_password_again(app, client,
                                                                              ready):
    from paperless.models import AuditEntry, Resolution

    rid, chair = ready["id"], ready["chair"]
    _post(client, f"/api/v1/resolutions/{rid}/issue", ready["staff"], json={})
    seen = client.get(f"/api/v1/resolutions/{rid}", headers=chair).get_json()["official_sha256"]
    url = f"/api/v1/resolutions/{rid}/chair-signature"

    def code(response):
        return response.status_code, response.get_json()["error"]["code"]

    assert code(_post(client, url, chair, json={"document_sha256": seen})) == (
        422, "reauth_required")
    assert code(_post(client, url, chair, json={"password": "kyhopso"})) == (
        422, "document_sha256_required")
    # the document changed since the preview: refused before any password is checked
    assert code(_post(client, url, chair, json={"password": "kyhopso",
                                                "document_sha256": "ab" * 32})) == (
        409, "document_changed")
    assert code(_post(client, url, chair, json={"password": "sai", "document_sha256": seen})) \
        == (422, "reauth_failed")
    # wrong passwords count like failed logins: after the limit even the right one waits
    for _ in range(app.config["LOGIN_MAX_FAILURES"] - 1):
        _post(client, url, chair, json={"password": "sai", "document_sha256": seen})
    throttled = _post(client, url, chair, json={"password": "kyhopso", "document_sha256": seen})
    assert code(throttled) == (429, "too_many_attempts")
    assert int(throttled.headers["Retry-After"]) >= 1
    with app.app_context():
        assert db.session.get(Resolution, rid).state == "issued"  # nothing was signed
        actions = db.session.scalars(select(AuditEntry.action).where(
            AuditEntry.action.like("auth.%"))).all()
        assert actions.count("auth.reauth_failed") == app.config["LOGIN_MAX_FAILURES"]
        # the wait is over (an admin cleared it): the right password signs what was seen
        db.session.execute(delete(LoginAttempt))
        db.session.commit()
    done = _post(client, url, chair, json={"password": "kyhopso", "document_sha256": seen})
    assert done.status_code == 200, done.get_json()
    assert done.get_json()["state"] == "signed_by_chair"
    with app.app_context():
        assert "auth.reauth" in db.session.scalars(select(AuditEntry.action)).all()


def test_public_verification_without_login(app, client, ready):
    staff, rid = ready["staff"], ready["id"]
    _post(client, f"/api/v1/resolutions/{rid}/issue", staff, json={})
    seen = client.get(f"/api/v1/resolutions/{rid}", headers=staff).get_json()["official_sha256"]
    signed_by_chair = _post(client, f"/api/v1/resolutions/{rid}/chair-signature", ready["chair"],
                            json={"password": "kyhopso", "document_sha256": seen})
    assert signed_by_chair.status_code == 200, signed_by_chair.get_json()
    final = _post(client, f"/api/v1/resolutions/{rid}/organisation-signature", staff).get_json()
    signed = client.get(f"/api/v1/resolutions/{rid}/files/signed", headers=staff).data
    anonymous = app.test_client()

    report = anonymous.post("/api/v1/verify", data={"file": (io.BytesIO(signed), "nq.pdf")},
                            content_type="multipart/form-data")
    assert report.status_code == 200
    data = report.get_json()
    assert data["all_valid"] and [s["status"] for s in data["signatures"]] == ["valid", "valid"]
    assert "THỬ NGHIỆM" in data["signatures"][0]["signer_common_name"]
    tampered = anonymous.post("/api/v1/verify", content_type="multipart/form-data",
                              data={"file": (io.BytesIO(flip_byte_in_signed_range(signed)),
                                             "x.pdf")}).get_json()
    assert [s["status"] for s in tampered["signatures"]] == ["invalid", "invalid"]
    for junk in (b"", b"hello", b"%PDF-1.7\n" + b"\x00" * 200):
        refused = anonymous.post("/api/v1/verify", content_type="multipart/form-data",
                                 data={"file": (io.BytesIO(junk), "x.pdf")})
        assert refused.status_code == 422, junk
        assert refused.get_json()["error"]["code"] in ("empty_file", "not_a_pdf")
    assert anonymous.post("/api/v1/verify", data={}).status_code == 422
    app.config["MAX_VERIFY_BYTES"] = 1000
    assert anonymous.post("/api/v1/verify", content_type="multipart/form-data",
                          data={"file": (io.BytesIO(signed), "x.pdf")}).status_code == 413
    app.config["MAX_VERIFY_BYTES"] = 30 * 1024 * 1024

    public_id = final["public_id"]
    page = anonymous.get(f"/r/{public_id}")
    assert page.status_code == 200 and final["number"] in page.get_data(as_text=True)
    assert anonymous.get("/r/not-a-real-id-000").status_code == 404
    same = anonymous.post(f"/r/{public_id}", data={"file": (io.BytesIO(signed), "nq.pdf")},
                          content_type="multipart/form-data").get_data(as_text=True)
    assert 'data-matches="yes"' in same and "ĐÚNG là bản đã lưu trữ" in same
    overlay = signed + b"\n%%EOF\n"
    other = anonymous.post(f"/r/{public_id}", data={"file": (io.BytesIO(overlay), "nq.pdf")},
                           content_type="multipart/form-data").get_data(as_text=True)
    assert 'data-matches="no"' in other and "KHÔNG phải bản đã lưu trữ" in other
    api = anonymous.post(f"/api/v1/public/resolutions/{public_id}/check",
                         content_type="multipart/form-data",
                         data={"file": (io.BytesIO(draft_pdf(1)), "d.pdf")}).get_json()
    assert api["matches"] is False and api["report"]["signatures"] == []
    verify_page = anonymous.post("/verify", data={"file": (io.BytesIO(b"junk"), "j.pdf")},
                                 content_type="multipart/form-data")
    assert verify_page.status_code == 422
    assert "không phải là tài liệu PDF" in verify_page.get_data(as_text=True)


def test_pages_issue_and_sign(client, ready):
    login(client, "thuky")
    page = client.get(f"/meetings/{ready['meeting_id']}/resolutions").get_data(as_text=True)
    assert "Cấp số và ban hành" in page and "Dự thảo Nghị quyết" in page
    issued = client.post(f"/resolutions/{ready['id']}/issue",
                         data={"source": str(ready["document_id"]), "kind": "individual",
                               "title": "Nghị quyết về dự toán ngân sách xã năm 2027"})
    assert issued.status_code == 302
    shown = client.get(issued.headers["Location"]).get_data(as_text=True)
    assert "01/NQ-HĐND" in shown and "Đã cấp số" in shown
    sign = f"/resolutions/{ready['id']}/sign"
    assert client.get(sign).status_code == 403  # the chair's own page
    assert client.post(sign, data={"password": "kyhopso"}).status_code == 403
    client.post("/logout")
    login(client, "chutoa")
    preview = client.get(sign).get_data(as_text=True)
    [seen] = re.findall(r'name="document_sha256" value="([0-9a-f]{64})"', preview)
    assert f"/resolutions/{ready['id']}/files/official" in preview  # the pages it shows
    # no password, a wrong one: the page again, the reason beside the password, unsigned
    for password, status, reason in (("", 422, "Nhập lại mật khẩu"),
                                     ("sai-mat-khau", 422, "Mật khẩu không đúng")):
        again = client.post(sign, data={"password": password, "document_sha256": seen})
        assert again.status_code == status and reason in again.get_data(as_text=True)
    changed = client.post(sign, data={"password": "kyhopso", "document_sha256": "0" * 64})
    assert changed.status_code == 409 and "đã thay đổi" in changed.get_data(as_text=True)
    assert "Đã cấp số" in client.get(f"/resolutions/{ready['id']}").get_data(as_text=True)
    assert client.post(sign, data={"password": "kyhopso",
                                   "document_sha256": seen}).status_code == 302
    assert "Chủ tịch đã ký" in client.get(f"/resolutions/{ready['id']}").get_data(as_text=True)
    assert client.get(sign).status_code == 409  # signed: nothing left to sign
    client.post("/logout")
    login(client, "thuky")
    assert client.post(f"/resolutions/{ready['id']}/sign-organisation").status_code == 302
    archive = client.get("/archive?q=dự+toán").get_data(as_text=True)
    assert "01/NQ-HĐND" in archive
    assert "01/NQ-HĐND" not in client.get("/archive?number=9").get_data(as_text=True)


@pytest.mark.parametrize("query", ["number=²", "meeting_id=²", "meeting_id=99999999999",
                                   "number=12345678901"])
def test_archive_search_refuses_odd_numbers_without_a_server_error(client, demo, query):
    response = client.get(f"/api/v1/councils/2/resolutions?{query}",
                          headers=token_for(client, "thuky"))
    assert response.status_code in (200, 422), response.get_data(as_text=True)[:300]


@pytest.mark.parametrize("query", ["year=²", "term_id=99999999999", "year=12345678901"])
def test_statistics_refuse_odd_numbers_without_a_server_error(client, demo, query):
    response = client.get(f"/api/v1/councils/2/statistics?{query}",
                          headers=token_for(client, "thuky"))
    assert response.status_code in (404, 422), response.get_data(as_text=True)[:300]


def test_issue_with_a_non_ascii_digit_document_id_is_refused_not_a_server_error(client, ready):
    """"²".isdigit() is true but int("²") fails: the form's id goes through db.id_arg."""
    response = client.post(f"/api/v1/resolutions/{ready['id']}/issue", headers=ready["staff"],
                           data={"document_id": "²"}, content_type="multipart/form-data")
    # an unusable id is ignored: the agenda item's draft is taken, as with no id at all
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    assert response.get_json()["state"] == "issued"
