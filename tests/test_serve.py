"""The production entry point patches the standard library before anything imports it."""

import subprocess
import sys

PROBE = """
import warnings
warnings.simplefilter("error")  # gevent's MonkeyPatchWarning means patching came too late
import paperless.serve  # noqa: F401  (patches on import, as `python -m paperless.serve` does)
import gevent
from paperless import db
sessions = []
def grab():
    sessions.append(id(db.session()))
    gevent.sleep(0.01)  # keep the session alive while the others take theirs
gevent.joinall([gevent.spawn(grab) for _ in range(3)])
print(len(set(sessions)))
"""


def test_each_greenlet_gets_its_own_database_session(tmp_path):
    result = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True,
                            env={"PATH": "/usr/bin:/bin", "PAPERLESS_INSTANCE_PATH": str(tmp_path),
                                 "PAPERLESS_ASYNC_MODE": "gevent"}, timeout=60)
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.strip() == "3"
