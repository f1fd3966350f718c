"""gunicorn settings of one production app process (`make prod` starts several).

Socket.IO needs every request of a client to reach the same process (sticky sessions),
which gunicorn's own balancing cannot give, so each gunicorn runs ONE gevent worker on
its own port and nginx spreads clients over the ports (docs/deploy.md). The gevent
worker monkey-patches the standard library before it imports the app.
"""

import os

worker_class = "gevent"
workers = 1
# One tablet, console or hall screen holds one WebSocket: connections, not requests.
worker_connections = int(os.environ.get("PAPERLESS_WORKER_CONNECTIONS", "10000"))
timeout = 30  # the arbiter restarts a worker whose loop stops answering for 30 s
graceful_timeout = 10
keepalive = 5
# nginx on the same host sets X-Forwarded-Proto: https (HSTS, secure cookies).
forwarded_allow_ips = os.environ.get("PAPERLESS_FORWARDED_ALLOW_IPS", "127.0.0.1")
accesslog = os.environ.get("PAPERLESS_ACCESS_LOG") or None
errorlog = "-"
loglevel = os.environ.get("PAPERLESS_LOG_LEVEL", "info")
proc_name = "kyhopso"


def post_worker_init(worker):
    """The worker has imported paperless.wsgi (the app is built): freeze that heap so the
    garbage collector stops walking it on every full collection (paperless/heap.py)."""
    from paperless import heap

    heap.freeze_start_up_heap()
