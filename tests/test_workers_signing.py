"""Issue 14: signing, stamping, copies and report PDFs run in the worker pool, never in the
serving process; the worker keeps the decrypted key between jobs; a request waiting for a
worker holds no pooled database connection."""

from __future__ import annotations

import io
import threading
import time

import pytest
from sqlalchemy import func, select

import signing
from paperless import db, workers
from paperless.models import DocumentRead, Meeting
from paperless.pdf import official as official_pdf
from paperless.reports import minutes as minutes_writer
from paperless.services import documents, signing_keys
from paperless.services import resolutions as service
from tests.conftest import CORPUS
from tests.resolution_support import actor, chair_signs, draft_pdf, make_test_ca, passed_vote
from tests.support import token_for


@pytest.fixture
def ready(demo, monkeypatch):
    monkeypatch.delenv(signing_keys.PASSPHRASE_ENV, raising=False)
    make_test_ca()
    vote = passed_vote()
    [res] = service.list_for_meeting(actor("thuky"), vote["meeting_id"])
    return {**vote, "resolution_id": res.id}


def _refuse_in_this_process(monkeypatch) -> None:
    """Signing, stamping, copying and the minutes' layout fail if run in the server itself;
    the worker processes have their own, untouched modules."""
    def refused(*_args, **_kwargs):
        raise AssertionError("heavy work ran in the serving process")

    import signing.sign
    import signing.twostep

    for module, name in ((signing, "sign_pdf"), (signing.sign, "sign_pdf"),
                         (signing, "prepare_signature"), (signing.twostep, "prepare_signature"),
                         (signing, "finish_with_signature"), (signing, "finish_with_cms"),
                         (signing, "seal_stamp"), (signing, "copy_stamp"),
                         (signing, "signature_image_stamp"), (signing, "load_pkcs12_signer"),
                         (official_pdf, "electronic_copy"), (minutes_writer, "to_pdf")):
        monkeypatch.setattr(module, name, refused)


def test_resolution_signatures_copies_and_attachments_are_made_in_workers(ready, monkeypatch):
    staff = actor("thuky")
    res = service.issue(staff, ready["resolution_id"], verify_base_url="https://x.example")
    _refuse_in_this_process(monkeypatch)
    chair_signs(actor("chutoa"), res.id)
    service.sign_as_organisation(staff, res.id)
    db.session.refresh(res)
    assert res.state == "archived"
    assert [s["role"] for s in res.signatures] == ["chair", "organisation"]
    assert all(s["subject"] and s["pades_level"].startswith("B-") for s in res.signatures)
    copy = service.electronic_copy(staff, res.id, "trich_sao", "1")
    attachment = service.sign_attachment(staff, res.id, draft_pdf(1, "Phụ lục"), "phu-luc.pdf")
    monkeypatch.undo()
    roots = signing_keys.trust_roots(res.council_id)
    for data in (copy, attachment):
        reports = signing.validate_pdf(data, roots)
        assert [r.field_name for r in reports] == [service.COPY_FIELD]
        assert reports[0].status == signing.VALID


def test_two_step_signing_prepares_and_finishes_in_workers(ready, monkeypatch):
    import base64

    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import padding
    from cryptography.hazmat.primitives.asymmetric.utils import Prehashed
    from cryptography.hazmat.primitives.serialization import Encoding, pkcs12

    staff = actor("thuky")
    res = service.issue(staff, ready["resolution_id"], verify_base_url="https://x.example")
    key, cert, _ = pkcs12.load_key_and_certificates(
        signing_keys.key_path(res.council_id, "chair").read_bytes(),
        signing_keys.TEST_PASSPHRASE.encode())
    _refuse_in_this_process(monkeypatch)
    chair = actor("chutoa")
    prepared = service.prepare_chair_two_step(chair, res.id, cert.public_bytes(Encoding.DER))
    digest = base64.b64decode(prepared["digest_to_sign"])
    value = key.sign(digest, padding.PKCS1v15(), Prehashed(hashes.SHA256()))  # the token
    done = service.finish_chair_two_step(chair, res.id, signature=value)
    assert done.state == "signed_by_chair"
    assert done.signatures[0]["method"] == "two_step"
    assert done.signatures[0]["pades_level"].startswith("B-")


def test_the_worker_keeps_the_decrypted_key_between_signatures(ready):
    """One worker: the .p12 is decrypted by the first signature and kept for the next."""
    before = workers.settings()
    workers.configure(size=1, timeout_s=before.timeout_s, memory_mb=before.memory_mb)
    try:
        cached = "len(__import__('signing').keys._SIGNERS)"
        staff = actor("thuky")
        res = service.issue(staff, ready["resolution_id"], verify_base_url="https://x.example")
        assert workers.run("builtins:eval", cached) == 1  # the council's, checked at issue
        chair_signs(actor("chutoa"), res.id)
        assert workers.run("builtins:eval", cached) == 2  # the chair's beside it
        service.sign_as_organisation(staff, res.id)
        service.electronic_copy(staff, res.id)
        assert workers.run("builtins:eval", cached) == 2  # reused, not loaded again
    finally:
        workers.configure(size=before.size, timeout_s=before.timeout_s,
                          memory_mb=before.memory_mb, queue_timeout_s=before.queue_timeout_s)


def test_a_job_sees_its_environment_and_only_that_job(app):
    name = "PAPERLESS_TEST_JOB_SECRET"
    assert workers.run("os:getenv", name, env={name: "mở"}) == "mở"
    assert workers.run("os:getenv", name) is None


def test_signed_minutes_are_laid_out_and_signed_in_workers(client, demo, monkeypatch):
    from tests import session_script as script

    monkeypatch.delenv(signing_keys.PASSPHRASE_ENV, raising=False)
    make_test_ca()
    meeting = db.session.get(Meeting, db.session.scalar(select(Meeting.id)))
    script.demo_session(meeting)
    db.session.commit()
    _refuse_in_this_process(monkeypatch)
    url = f"/api/v1/meetings/{meeting.id}/minutes"
    assert client.post(url + "/finalize", headers=token_for(client, "thuky")).status_code == 200
    signed = client.post(url + "/sign", headers=token_for(client, "chutoa"))
    assert signed.status_code == 200, signed.get_json()
    assert signed.get_json()["status"] == "signed"


def test_readers_waiting_for_the_watermark_worker_hold_no_database_connection(
        app, client, demo, monkeypatch):
    """More readers of a confidential document than the database pool has connections, all
    waiting for the watermark worker at once: none holds a pooled connection meanwhile, so
    every reader gets through to the worker and the rest of the hall still answers."""
    staff = token_for(client, "thuky")
    meeting_id = db.session.scalar(select(Meeting.id))
    body = client.post(f"/api/v1/meetings/{meeting_id}/documents", headers=staff, data={
        "file": (io.BytesIO((CORPUS / "pdf" / "pdflatex-4-pages.pdf").read_bytes()), "mat.pdf"),
        "access": "confidential"}, content_type="multipart/form-data").get_json()
    assert client.post(f"/api/v1/documents/{body['id']}/publish", headers=staff).status_code \
        == 200
    pool = app.extensions["paperless.engine"].pool
    readers = pool.size() + max(getattr(pool, "_max_overflow", 0), 0) + 5
    tokens = [token_for(client, f"daibieu{n % 20 + 1:02d}") for n in range(readers)]
    db.session.remove()

    waiting: list[int] = []
    lock, go = threading.Lock(), threading.Event()

    def slow_worker(path, text):  # a worker that is busy until the test says go
        with lock:
            waiting.append(pool.checkedout())
        go.wait(120)
        return b"%PDF-1.4 watermarked for " + text.encode()

    monkeypatch.setattr(documents.jobs, "watermark_file", slow_worker)
    statuses: list[int] = []

    def read(headers):
        response = app.test_client().get(f"/api/v1/documents/{body['id']}/file",
                                         headers=headers)
        with lock:
            statuses.append(response.status_code)

    threads = [threading.Thread(target=read, args=(t,)) for t in tokens]
    for thread in threads:
        thread.start()
    try:
        deadline = time.monotonic() + 60  # a guard against a hang, not a speed figure
        while len(waiting) < readers and time.monotonic() < deadline:
            time.sleep(0.05)
        assert len(waiting) == readers, f"{len(waiting)} of {readers} readers reached the worker"
        assert pool.checkedout() == 0
        other = app.test_client().get(f"/api/v1/meetings/{meeting_id}", headers=staff)
        assert other.status_code == 200
    finally:
        go.set()
        for thread in threads:
            thread.join(120)
    assert statuses == [200] * readers
    assert db.session.scalar(select(func.count()).select_from(DocumentRead).where(
        DocumentRead.document_id == body["id"], DocumentRead.watermarked)) == readers


def _written_by(_data) -> bytes:
    """Stands in for a report writer: which process wrote the file."""
    import os

    return str(os.getpid()).encode()


def test_report_files_are_written_in_workers(client, demo, monkeypatch):
    import os

    from paperless.models import Council
    from paperless.reports import petitions, statistics

    staff = token_for(client, "thuky")
    meeting = db.session.get(Meeting, db.session.scalar(select(Meeting.id)))
    council = db.session.get(Council, meeting.council_id)
    real = client.get(f"/api/v1/meetings/{meeting.id}/petition-report", headers=staff)
    assert real.status_code == 200 and real.data.startswith(b"%PDF")
    monkeypatch.setattr(petitions, "to_pdf", _written_by)
    monkeypatch.setattr(statistics, "to_xlsx", _written_by)
    report = client.get(f"/api/v1/meetings/{meeting.id}/petition-report", headers=staff)
    sheet = client.get(f"/api/v1/councils/{council.id}/statistics/export?format=xlsx",
                       headers=staff)
    assert report.status_code == sheet.status_code == 200
    assert int(report.data) in workers.worker_pids() and int(report.data) != os.getpid()
    assert int(sheet.data) in workers.worker_pids()


def test_signing_waits_for_its_worker_without_a_database_connection(app, ready, monkeypatch):
    from paperless import sign_jobs

    pool = app.extensions["paperless.engine"].pool
    seen: list[int] = []
    real = sign_jobs.sign

    def watched(*args, **kwargs):
        seen.append(pool.checkedout())
        return real(*args, **kwargs)

    monkeypatch.setattr(sign_jobs, "sign", watched)
    staff = actor("thuky")
    res = service.issue(staff, ready["resolution_id"], verify_base_url="https://x.example")
    chair_signs(actor("chutoa"), res.id)
    service.sign_as_organisation(staff, res.id)
    service.electronic_copy(staff, res.id)
    assert seen == [0, 0, 0]
    assert db.session.get(type(res), res.id).state == "archived"
