"""Hostile uploads: decompression bombs and absurd files are refused within bounded memory.

Each bomb is uploaded through the API of a throw-away app in a subprocess
(tests/_upload_probe.py), which reports its own peak RSS and its children's (pdftoppm):
memory is a behaviour here, so it is asserted; time is not.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

PROBE = Path(__file__).with_name("_upload_probe.py")
# Peak growth over the idle app allowed while handling one upload. The bombs expand to
# gigabytes; pypdf's limits keep a stream under 40 MB, a generous bound is still far below.
MAX_GROWTH_MB = 400
MAX_CHILD_MB = 1024


@pytest.mark.parametrize("kind,codes", [
    ("content", {"too_complex"}),   # a 4 KB page stream inflating to 2 GB
    ("image", {"too_complex"}),     # an 8 KB image of 40,000 × 40,000 px (4.8 GB)
    ("nesting", {"damaged"}),       # arrays nested 200,000 deep
    ("pages", {"too_complex", "damaged", None}),  # 200,000 pages (42 MB): bounded
])
def test_bombs_are_refused_within_bounded_memory(kind, codes, tmp_path):
    proc = subprocess.run([sys.executable, str(PROBE), kind], capture_output=True, text=True,
                          timeout=600, cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr[-3000:]
    result = json.loads(proc.stdout.strip().splitlines()[-1])
    assert result["code"] in codes, result
    if result["code"]:
        assert result["status"] == 422 and result["stored_documents"] == 0, result
    else:
        assert result["status"] == 201, result
    assert result["rss_peak_mb"] - result["rss_idle_mb"] < MAX_GROWTH_MB, result
    assert result["children_peak_mb"] < MAX_CHILD_MB, result


def test_big_scans_are_not_mistaken_for_bombs():
    """A 600 dpi A3 page (7,016 × 9,921 px) is a legitimate scan and stays accepted."""
    from paperless import pdf
    from tests.pdf_bombs import image_bomb

    info = pdf.inspect_pdf(image_bomb(9_921), max_bytes=100 * 1024 * 1024)
    assert info.page_count == 1


def test_bomb_refusal_speaks_vietnamese(app, client, demo):
    import io

    from tests.pdf_bombs import content_bomb
    from tests.support import login, token_for

    api = client.post("/api/v1/meetings/1/documents", headers=token_for(client, "thuky"),
                      data={"file": (io.BytesIO(content_bomb(1)), "bom.pdf")},
                      content_type="multipart/form-data")
    assert api.status_code == 422 and api.get_json()["error"]["code"] == "too_complex"
    assert "giải nén" in api.get_json()["error"]["message"]
    login(client, "thuky")
    page = client.post("/meetings/1/documents", data={"file": (io.BytesIO(content_bomb(1)),
                                                               "bom.pdf")},
                       content_type="multipart/form-data", follow_redirects=True)
    assert "giải nén ra quá lớn" in page.get_data(as_text=True)


def test_oversized_form_upload_gets_a_vietnamese_page_and_stores_nothing(database_url, demo):
    import io

    from paperless.services import documents
    from tests.support import login, make_app

    small = make_app(database_url, MAX_CONTENT_LENGTH=4096)
    client = login(small.test_client(), "thuky")
    response = client.post("/meetings/1/documents",
                           data={"file": (io.BytesIO(b"%PDF-" + b"x" * 20_000), "to.pdf")},
                           content_type="multipart/form-data")
    assert response.status_code == 413
    assert "Tệp tải lên quá lớn" in response.get_data(as_text=True)
    with small.app_context():
        assert documents.document_count() == 0


def _vm_hwm_mb(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) // 1024
    raise AssertionError("no VmHWM")


def test_a_chunked_body_beyond_the_limit_is_cut_off_by_the_real_server(instance, monkeypatch):
    """No Content-Length to refuse up front: the production server must stop reading at the
    limit (413), not buffer 64 MB."""
    import http.client

    from paperless import db
    from tests.support import ServerProcess, make_app

    url = f"sqlite:///{instance / 'paperless.sqlite3'}"
    db.upgrade(url)
    app = make_app(url)
    with app.app_context():
        from paperless.services.demo import load_demo

        load_demo()
    db.session.remove()
    monkeypatch.setenv("PAPERLESS_MAX_DOCUMENT_MB", "1")
    server = ServerProcess(instance).start()
    try:
        token = server.token("thuky")
        idle = _vm_hwm_mb(server.proc.pid)
        connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=60)
        boundary = "xyzzy"
        head = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; "
                f"filename=\"big.pdf\"\r\nContent-Type: application/pdf\r\n\r\n%PDF-1.7\n")

        def body():
            yield head.encode()
            chunk = b"0" * (1 << 20)
            for _ in range(64):
                yield chunk

        try:
            connection.request("POST", "/api/v1/meetings/1/documents", body=body(),
                               encode_chunked=True,
                               headers={"Authorization": f"Bearer {token}",
                                        "Content-Type": f"multipart/form-data; "
                                                        f"boundary={boundary}"})
            response = connection.getresponse()
            status, payload = response.status, response.read()
        except (BrokenPipeError, ConnectionResetError):
            status, payload = None, b""  # the server hung up on the rest: also a refusal
        assert status in (413, None), (status, payload[:300])
        if status == 413:
            import json

            assert json.loads(payload)["error"]["code"] == "payload_too_large"
        assert _vm_hwm_mb(server.proc.pid) - idle < 48, "the body was buffered, not cut off"
        with make_app(url).app_context():
            from paperless.services import documents

            assert documents.document_count() == 0
    finally:
        server.stop()
