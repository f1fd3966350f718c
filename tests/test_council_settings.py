"""The council's settings that its resolutions use (issue 17): khóa per term, place name,
session number in words or digits, time zone, recipients, the signers' handwritten
signatures — the pure rules, the API, the page, and a resolution issued with them."""

from __future__ import annotations

import io
from datetime import date

import pytest
from PIL import Image
from sqlalchemy import select

from paperless import db
from paperless.domain import council_settings as rules
from paperless.models import AuditEntry, Council, Term, User
from paperless.services import signing_keys
from tests.support import login, token_for


def _png(size=(180, 60), mode="RGBA") -> bytes:
    buf = io.BytesIO()
    Image.new(mode, size, (20, 40, 170, 0) if mode == "RGBA" else (255, 255, 255)).save(buf,
                                                                                       "PNG")
    return buf.getvalue()


def test_the_rules():
    assert [rules.term_number(v) for v in (12, "12", "xii", " XIV ", "", None)] == \
        [12, 12, 12, 14, None, None]
    for bad in ("IIII", "XIIV", "12a", "0", 0, 100, True, 1.5, "١٢", "MMXXVI"):
        with pytest.raises(rules.SettingsError) as caught:
            rules.term_number(bad)
        assert caught.value.code == "invalid_term_number", bad
    assert rules.place_name("  Tân   Phú ") == "Tân Phú" and rules.place_name("") == ""
    for bad, code in (("Tân Phú, ngày", "invalid_place_name"), ("{{SO}}", "invalid_place_name"),
                      ("123", "invalid_place_name"), ("x" * 101, "too_long"),
                      ("Tân\x00Phú", "invalid_characters"), (12, "invalid_type")):
        with pytest.raises(rules.SettingsError) as caught:
            rules.place_name(bad)
        assert caught.value.code == code, bad
    assert rules.time_zone("America/New_York") == "America/New_York"
    for bad in ("Mars/Base", "UTC+7", "", "/".join([".."] * 2 + ["etc", "passwd"]), None):
        with pytest.raises(rules.SettingsError):
            rules.time_zone(bad)
    assert rules.recipients(" Thường trực  HĐND;\n\n UBND xã; ") == "Thường trực HĐND;\nUBND xã;"
    with pytest.raises(rules.SettingsError):
        rules.recipients("\n".join(["x"] * 31))
    with pytest.raises(rules.SettingsError) as caught:
        rules.check_changes({"colour": "red"}, set())
    assert caught.value.code == "unknown_field"
    with pytest.raises(rules.SettingsError) as caught:
        rules.check_changes({"term_numbers": {"7": "XII"}}, {1})
    assert caught.value.code == "unknown_term"
    with pytest.raises(rules.SettingsError) as caught:
        rules.distinct_khoa({1: 12, 2: 12})
    assert caught.value.code == "duplicate_term_number"
    assert rules.check_changes({"term_numbers": {"1": "XIII"}, "session_number_style": "digits"},
                               {1}) == {"term_numbers": {1: 13}, "session_number_style": "digits"}
    rules.check_signature_image("PNG", "RGBA", (300, 100), 1000)
    rules.check_signature_image("PNG", "P+transparency", (300, 100), 1000)
    for args, code in ((("JPEG", "RGB", (300, 100), 10), "image_not_png"),
                       (("PNG", "RGB", (300, 100), 10), "image_not_transparent"),
                       (("PNG", "RGBA", (20, 10), 10), "image_too_small"),
                       (("PNG", "RGBA", (5000, 100), 10), "image_too_big"),
                       (("PNG", "RGBA", (300, 100), 3 * 1024 * 1024), "image_too_large")):
        with pytest.raises(rules.SettingsError) as caught:
            rules.check_signature_image(*args)
        assert caught.value.code == code


def test_settings_over_the_api_validated_and_audited(demo, client):
    council = db.session.scalar(select(Council).where(Council.name.like("%Tân Phú%")))
    term = db.session.scalar(select(Term).where(Term.council_id == council.id))
    url = f"/api/v1/councils/{council.id}/settings"
    staff, chair = token_for(client, "thuky"), token_for(client, "chutoa")
    assert client.get(url, headers=token_for(client, "daibieu03")).status_code == 403
    read = client.get(url, headers=chair)
    assert read.status_code == 200
    assert read.get_json()["time_zone"] == "Asia/Ho_Chi_Minh"
    assert client.patch(url, headers=chair, json={"place_name": "X"}).status_code == 403

    changed = client.patch(url, headers=staff, json={
        "place_name": "Phú Mỹ", "session_number_style": "digits",
        "term_numbers": {str(term.id): "XIII"}, "recipients": "Thường trực HĐND tỉnh\nLưu: VT"})
    assert changed.status_code == 200, changed.get_json()
    body = changed.get_json()
    assert body["place_name"] == "Phú Mỹ" and body["terms"][0]["khoa"] == "XIII"
    assert body["preview"]["session_line"] == "KHÓA XIII, KỲ HỌP THỨ 1"
    assert body["preview"]["place_date"].startswith("Phú Mỹ, ngày ")
    assert body["preview"]["recipients"] == ["- Thường trực HĐND tỉnh;", "- Lưu: VT."]
    entry = db.session.scalars(select(AuditEntry).where(
        AuditEntry.action == "council.settings").order_by(AuditEntry.id.desc())).first()
    assert entry.details["place_name"] == ["", "Phú Mỹ"]
    assert entry.details["term_numbers"] == {str(term.id): [12, 13]}  # the demo is khóa XII

    # hostile or wrong input: a clear code, nothing changed (not even the valid fields)
    for sent, code in (({"time_zone": "Mars/Base", "place_name": "Khác"}, "invalid_time_zone"),
                       ({"term_numbers": {"999999": 1}}, "unknown_term"),
                       ({"term_numbers": {str(term.id): "XIIII"}}, "invalid_term_number"),
                       ({"session_number_style": "roman"}, "invalid_choice"),
                       ({"place_name": ["a"]}, "invalid_type"),
                       ({"is_superuser": True}, "unknown_field")):
        refused = client.patch(url, headers=staff, json=sent)
        assert refused.status_code == 422 and refused.get_json()["error"]["code"] == code, sent
    assert client.patch(url, headers=staff, json=[1]).status_code == 422
    db.session.expire_all()
    again = client.get(url, headers=staff).get_json()
    assert (again["place_name"], again["session_number_style"], again["time_zone"]) == \
        ("Phú Mỹ", "digits", "Asia/Ho_Chi_Minh")


def test_a_signers_own_signature_image(demo, client, monkeypatch):
    from tests.resolution_support import make_test_ca

    monkeypatch.delenv(signing_keys.PASSPHRASE_ENV, raising=False)
    make_test_ca()
    council = db.session.scalar(select(Council).where(Council.name.like("%Tân Phú%")))
    chair = db.session.scalar(select(User).where(User.username == "chutoa"))
    delegate = db.session.scalar(select(User).where(User.username == "daibieu03"))
    staff = token_for(client, "thuky")
    base = f"/api/v1/councils/{council.id}/signers"
    [signer] = client.get(f"/api/v1/councils/{council.id}/settings",
                          headers=staff).get_json()["signers"]
    assert (signer["user_id"], signer["image"]) == (chair.id, "council")  # the TEST CA's
    for data, code in ((_png(mode="RGB"), "image_not_transparent"),
                       (_png((10, 10)), "image_too_small"),
                       (b"\x89PNG\r\n\x1a\n" + b"\0" * 40, "image_unreadable"),
                       (b"GIF89a", "image_unreadable")):
        refused = client.put(f"{base}/{chair.id}/signature-image", headers=staff,
                             data={"file": (io.BytesIO(data), "a.png")})
        assert refused.status_code == 422 and refused.get_json()["error"]["code"] == code
    assert not signing_keys.signer_image_path(council.id, chair.id).exists()
    # not a signer of this council: 404
    assert client.put(f"{base}/{delegate.id}/signature-image", headers=staff,
                      data={"file": (io.BytesIO(_png()), "a.png")}).status_code == 404
    done = client.put(f"{base}/{chair.id}/signature-image", headers=staff,
                      data={"file": (io.BytesIO(_png((181, 61))), "a.png")})
    assert done.status_code == 200 and done.get_json()["signers"][0]["image"] == "own"
    assert signing_keys.signer_image(council.id, chair.id).endswith(f"user-{chair.id}.png")
    assert signing_keys.signer_image(council.id, None).endswith("chair-signature.png")

    # the page: the secretariat sees the form and the preview, and saves
    login(client, "thuky")
    page = client.get(f"/councils/{council.id}/settings").get_data(as_text=True)
    assert 'data-testid="settings-form"' in page
    assert 'data-testid="preview-session">KHÓA XII, KỲ HỌP THỨ NHẤT<' in page
    saved = client.post(f"/councils/{council.id}/settings", data={
        "place_name": "Tân Phú", "session_number_style": "words", "time_zone": "Asia/Bangkok",
        "recipients": "", "term_1": ""}, follow_redirects=True)
    assert saved.status_code == 200 and "Asia/Bangkok" in saved.get_data(as_text=True)
    bad = client.post(f"/councils/{council.id}/settings", data={
        "place_name": "Tân Phú", "session_number_style": "words", "time_zone": "Nowhere",
        "recipients": ""}, follow_redirects=True)
    assert "Múi giờ phải là tên IANA" in bad.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Council, council.id).time_zone == "Asia/Bangkok"


def test_a_resolution_takes_the_councils_settings(demo, monkeypatch, tmp_path):
    from paperless.services import councils
    from paperless.services import resolutions as service
    from paperless.services.demo import add_budget_draft
    from tests.resolution_support import actor, make_test_ca, passed_vote, pdftotext

    monkeypatch.delenv(signing_keys.PASSPHRASE_ENV, raising=False)
    make_test_ca()
    council = db.session.scalar(select(Council).where(Council.name.like("%Tân Phú%")))
    term = db.session.scalar(select(Term).where(Term.council_id == council.id))
    councils.update_settings(actor("thuky"), council.id, {
        "place_name": "Phú Mỹ", "session_number_style": "digits",
        "term_numbers": {term.id: "XIII"}})
    add_budget_draft(council)
    vote = passed_vote(yes=27, with_draft=False)
    [res] = service.list_for_meeting(actor("thuky"), vote["meeting_id"])
    res = service.issue(actor("thuky"), res.id, issued_on=date(2026, 12, 5))
    _, official = service.file_of(actor("thuky"), res.id, "official")
    first = pdftotext(official, tmp_path)
    assert "Phú Mỹ, ngày 05 tháng 12 năm 2026" in first
    assert "KHÓA XIII, KỲ HỌP THỨ 5" in first
