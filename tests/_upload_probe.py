"""Run in a subprocess by test_hostile_uploads.py: upload one hostile PDF through the API
of a throw-away app and print what happened, with this process's peak memory and that of
its children (the worker pool, stopped first so the kernel has counted them, and pdftoppm).

`verify:<kind>` sends the file to the public verify instead of the documents upload."""

from __future__ import annotations

import io
import json
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("PAPERLESS_ASYNC_MODE", "threading")


def main(kind: str) -> None:
    folder = Path(tempfile.mkdtemp(prefix="bomb-"))
    os.environ["PAPERLESS_INSTANCE_PATH"] = str(folder)
    from paperless import db
    from tests.pdf_bombs import BOMBS
    from tests.support import make_app, token_for

    url = f"sqlite:///{folder / 'db.sqlite3'}"
    db.upgrade(url)
    app = make_app(url)
    with app.app_context():
        from paperless.services.demo import load_demo

        load_demo()
        client = app.test_client()
        staff = token_for(client, "thuky")
        target, _, bomb = kind.rpartition(":")
        data = BOMBS[bomb]()
        idle = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        started = time.monotonic()
        url = "/api/v1/verify" if target == "verify" else "/api/v1/meetings/1/documents"
        response = client.post(url, headers=staff,
                               data={"file": (io.BytesIO(data), f"{bomb}.pdf")},
                               content_type="multipart/form-data")
        body = response.get_json()
        from paperless.services import documents

        try:
            from paperless import workers
        except ImportError:  # (the code before the worker pool)
            workers = None
        if workers is not None:
            workers.shutdown()

        print(json.dumps({
            "kind": kind, "file_bytes": len(data), "status": response.status_code,
            "code": (body.get("error") or {}).get("code"), "pages": (body.get("current") or
                                                                    {}).get("page_count"),
            "stored_documents": documents.document_count(),
            "seconds": round(time.monotonic() - started, 1),
            "rss_idle_mb": idle // 1024,
            "rss_peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024,
            "children_peak_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss // 1024,
        }))


if __name__ == "__main__":
    main(sys.argv[1])
