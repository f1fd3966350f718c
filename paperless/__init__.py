"""Kỳ họp số — paperless sessions for Vietnamese People's Councils.

`create_app()` is the factory used by `flask --app paperless`, the `paperless`
console script, the production server and the tests. This module imports nothing
heavy on purpose: `python -m paperless.serve` must let gevent patch the standard
library before Flask, SQLAlchemy or sockets are imported, or every greenlet would
share one thread-local database session.
"""

from __future__ import annotations


def create_app(overrides: dict | None = None):
    from paperless.app import create_app as factory

    return factory(overrides)
