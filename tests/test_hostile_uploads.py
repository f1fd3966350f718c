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
