"""`python -m paperless.serve`: the app with Socket.IO on gevent (what `make run` starts).

gevent must patch the standard library before anything else imports socket or
threading, hence this separate entry point rather than a CLI command.
"""

import os

if os.environ.get("PAPERLESS_ASYNC_MODE", "gevent") == "gevent":
    from gevent import monkey

    monkey.patch_all()

import sys  # noqa: E402

from paperless import create_app, db, heap, preflight  # noqa: E402
from paperless.extensions import socketio  # noqa: E402


def _echo(text: str, err: bool = False) -> None:
    print(text, file=sys.stderr if err else sys.stdout, flush=True)


def main() -> None:
    host = os.environ.get("HOST", "127.0.0.1")
    port = int(os.environ.get("PORT", "5000"))
    if not preflight.report(_echo):
        sys.exit(1)
    try:
        app = create_app()
    except db.SchemaNotMigrated as exc:
        sys.exit(str(exc))
    heap.freeze_start_up_heap()  # after the app is built, before the first request
    print(f"Kỳ họp số: http://{host}:{port}  (Socket.IO async mode: {socketio.async_mode})",
          flush=True)
    options = {}
    if socketio.async_mode == "gevent":
        from paperless.gevent_handler import Handler

        options["handler_class"] = Handler  # a refused body is not read to its end
    socketio.run(app, host=host, port=port, log_output=False, allow_unsafe_werkzeug=True,
                 **options)


if __name__ == "__main__":
    main()
