"""A password check does not freeze the hall: under gevent, scrypt runs off the event loop.

30 delegates logging in at the opening of a sitting cost ~100 ms of scrypt each; run on
the one gevent loop they froze every socket of the hall for seconds (tablets' websocket
handshakes timed out while others logged in). The hash now runs on a small pool of OS
threads (hashlib.scrypt releases the GIL), so the loop keeps serving meanwhile.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap

PROBE = textwrap.dedent("""
    from gevent import monkey
    monkey.patch_all()
    import gevent
    from paperless.services import auth

    stored = auth.hash_secret("kyhopso")
    ticks = 0

    def tick():
        global ticks
        while True:
            ticks += 1
            gevent.sleep(0.001)

    gevent.spawn(tick)
    gevent.sleep(0.02)
    before = ticks
    checks = [auth.secret_matches(stored, "kyhopso"), auth.secret_matches(stored, "sai"),
              auth.secret_matches(None, "kyhopso"), auth.secret_matches(stored, "kyhopso")]
    hashing = ticks - before
    before = ticks
    auth.hash_secret("mat-khau-moi")
    print(checks, hashing, ticks - before)
""")


def test_the_event_loop_runs_while_passwords_are_checked_and_hashed():
    out = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True,
                         timeout=120, check=True).stdout.split()
    assert out[:4] == ["[True,", "False,", "False,", "True]"]
    # four scrypt checks inline leave the loop at 0 ticks; off the loop it ticks throughout
    assert int(out[4]) > 10, out
    assert int(out[5]) > 3, out


def test_without_gevent_a_check_runs_in_the_caller():
    from paperless.services import auth

    stored = auth.hash_secret("kyhopso")
    assert auth.secret_matches(stored, "kyhopso") is True
    assert auth.secret_matches(stored, "") is False
    assert auth.secret_matches("", "kyhopso") is False
