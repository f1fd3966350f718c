"""The application factory: configuration, database, extensions, blueprints, headers."""


from __future__ import annotations

import os
from pathlib import Path

import click
from flask import Flask, Response, current_app, g, request, session
from sqlalchemy.exc import SQLAlchemyError
from werkzeug.routing import IntegerConverter

from paperless import config as config_module
from paperless import db
from paperless.extensions import babel, csrf, socketio

PRIVATE_UMASK = 0o077


def _tighten_database_files(url: str) -> None:
    """A database created before the umask (older release, another tool) is made 0600 too."""
    if not url.startswith("sqlite:///") or url == "sqlite:///:memory:":
        return
    path = Path(url.removeprefix("sqlite:///"))
    for name in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        if name.exists():
            name.chmod(0o600)


def create_app(overrides: dict | None = None) -> Flask:
    # Everything this process creates — the SQLite file, its WAL and SHM, blobs, the secret
    # key, the signing folder and its anchors — is readable by its owner only (0600/0700).
    os.umask(PRIVATE_UMASK)
    settings = config_module.load(overrides)
    app = Flask(
        __name__,
        instance_path=settings["INSTANCE_PATH"],
        template_folder=str(config_module.PROJECT_ROOT / "templates"),
        static_folder=str(config_module.PROJECT_ROOT / "static"),
    )
    app.config.update(settings)
    # <int:…> URL parts beyond a database integer answer 404, never an overflow (500).
    app.url_map.converters["int"] = _DatabaseId

    engine = db.make_engine(app.config["DATABASE_URL"])
    _tighten_database_files(app.config["DATABASE_URL"])
    if app.config["ENV_NAME"] == "production" and not app.config["BALLOT_KEY"]:
        app.logger.warning("PAPERLESS_BALLOT_KEY is not set: secret ballots of open votes are "
                           "sealed under a key derived from the secret key (docs/deploy.md)")
    app.extensions["paperless.engine"] = engine
    db.session.remove()
    db.session.configure(bind=engine)
    # CLI commands (db upgrade among them) must run on an un-migrated database;
    # every server and test start refuses one.
    if app.config["SCHEMA_CHECK"] and click.get_current_context(silent=True) is None:
        db.require_current_schema(engine)

    babel.init_app(app, locale_selector=_select_locale)
    csrf.init_app(app)
    socketio.init_app(
        app,
        async_mode=app.config["SOCKETIO_ASYNC_MODE"],
        message_queue=app.config["SOCKETIO_QUEUE"],
        ping_interval=10,
        ping_timeout=10,
        # Same origin only (None), so another site cannot open a socket with our cookie;
        # an empty list would switch the Origin check off altogether.
        cors_allowed_origins=app.config["ALLOWED_ORIGINS"],
    )

    if app.config["PROXIES"]:
        from werkzeug.middleware.proxy_fix import ProxyFix

        n = app.config["PROXIES"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=n, x_proto=n, x_host=n)

    from paperless import (
        api,
        cli,
        limits,
        range_links,
        ratelimit,
        realtime,
        sliced_body,
        web,
        workers,
    )
    from paperless.services import events

    # Signed byte-range links are answered before Flask (and before ProxyFix: the answer
    # depends on nothing but the URL and the blob).
    revocations = range_links.Revocations(app.config["RANGE_LINK_SECONDS"])
    app.wsgi_app = app.extensions["paperless.range_links"] = range_links.RangeLinkServer(
        app.wsgi_app, Path(app.config["INSTANCE_PATH"]) / "blobs",
        range_links.derive_key(app.config["SECRET_KEY"]), revocations)
    events.subscribe(_forget_range_links)
    sliced_body.install(app)  # under gevent: a large body read with turns for the hall

    ratelimit.init_app(app)
    workers.configure(size=app.config["WORKERS"], timeout_s=app.config["WORKER_TIMEOUT_S"],
                      memory_mb=app.config["WORKER_MEMORY_MB"])
    web.register(app)
    api.register(app)
    realtime.register(app)
    cli.register(app)
    limits.register(app)

    @app.teardown_appcontext
    def _remove_session(_exc):
        db.session.remove()

    @app.errorhandler(SQLAlchemyError)
    def _database_error(exc):
        return _database_unavailable(exc)

    @app.after_request
    def _security_headers(response):
        # 'wasm-unsafe-eval' lets PDF.js run its WebAssembly image decoders (scanned
        # documents); it allows no eval() of JavaScript.
        response.headers.setdefault(
            "Content-Security-Policy",
            "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; img-src 'self' data: blob:; "
            "connect-src 'self' ws: wss:; worker-src 'self' blob:; object-src 'none'; "
            "base-uri 'self'; form-action 'self'; frame-ancestors 'none'",
        )
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        if request.is_secure:
            response.headers.setdefault("Strict-Transport-Security", "max-age=31536000")
        return response

    return app


def _forget_range_links(message) -> None:
    """The one place that turns what services announce into refused range links."""
    from paperless.services import events

    server = current_app.extensions.get("paperless.range_links")
    if server is None:
        return
    payload = message.payload if isinstance(message.payload, dict) else {}
    if message.name == events.REVOKED:
        user = payload["user_id"]
        server.revocations.forget(
            users=[user] if payload.get("everything") else [],
            audiences=[f"{user}.s{i}" for i in payload.get("session_ids", ())]
            + [f"{user}.t{i}" for i in payload.get("token_ids", ())])
    elif message.name == "documents.withdrawn":
        server.revocations.forget(documents=[payload["document_id"]])
    elif message.name == "documents.changed" and "access" in payload.get("changed", ()):
        server.revocations.forget(documents=[payload["document"]["id"]])


class _DatabaseId(IntegerConverter):
    # At most nine digits (< 2**31): a longer number matches no route, so it is a 404.
    # (A `max=` check would run after matching and turn into a misleading 405.)
    regex = r"\d{1,9}"


def _database_unavailable(exc):
    """503 `database_unavailable` while the database is down; anything else stays a 500."""
    if not db.is_unavailable(exc):
        raise exc  # a bug or a constraint: Flask's usual 500 path (and tests see it raised)
    db.session.remove()  # drop the broken connection; the pool pings before reuse
    current_app.logger.warning("database unavailable: %s", str(exc).splitlines()[0][:200])
    message = db.UNAVAILABLE_MESSAGE
    if request.path.startswith("/api/"):
        from paperless.http_errors import error_response

        response, status = error_response(503, "database_unavailable", message)
    else:
        # no template: base.html would ask the (unreachable) database who is logged in
        response, status = Response(
            f"<!doctype html><meta charset=utf-8><title>503</title><h1>503</h1><p>{message}</p>",
            mimetype="text/html"), 503
    response.status_code = status
    response.headers["Retry-After"] = "5"
    return response


def _select_locale() -> str:
    lang = request.args.get("lang")
    if lang in ("vi", "en"):
        session["lang"] = lang
    return session.get("lang") or getattr(g, "lang", None) or "vi"
