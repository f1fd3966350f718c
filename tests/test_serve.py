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


FREEZE_PROBE = """
import gc
import paperless.serve as serve
serve.preflight.report = lambda echo: True
serve.create_app = lambda: object()
def run(app, **kwargs):  # instead of serving: how much of the heap is frozen by now
    print(gc.get_freeze_count())
serve.socketio.run = run
serve.socketio.async_mode = "threading"
serve.main()
"""


def test_serving_starts_with_the_start_up_heap_frozen(tmp_path):
    # A full collection of the start-up heap paused the hall's loop for 110–140 ms (#18).
    result = subprocess.run([sys.executable, "-c", FREEZE_PROBE], capture_output=True, text=True,
                            env={"PATH": "/usr/bin:/bin", "PAPERLESS_INSTANCE_PATH": str(tmp_path),
                                 "PAPERLESS_ASYNC_MODE": "threading"}, timeout=60)
    assert result.returncode == 0, result.stderr[-2000:]
    assert int(result.stdout.strip().splitlines()[-1]) > 10_000


def test_gunicorn_worker_freezes_its_heap_once_the_app_is_loaded():
    import gc

    from paperless import gunicorn_conf

    gc.unfreeze()
    try:
        gunicorn_conf.post_worker_init(worker=None)
        assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()
