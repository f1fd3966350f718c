"""Configuration from PAPERLESS_* environment variables.

Everything a deployment may change is read here once, so the rest of the app
reads `app.config` and never the environment.
"""

from __future__ import annotations

import os
import secrets
from datetime import timedelta
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEMO_PASSWORD = "kyhopso"


def instance_path() -> Path:
    return Path(os.environ.get("PAPERLESS_INSTANCE_PATH", PROJECT_ROOT / "instance")).resolve()


def _secret_key(folder: Path) -> str:
    """Generate the secret key into the instance folder on first start; never in git."""
    key_file = folder / "secret_key"
    if not key_file.exists():
        folder.mkdir(parents=True, exist_ok=True)
        key_file.write_text(secrets.token_hex(32))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


def load(overrides: dict | None = None) -> dict:
    folder = instance_path()
    env = os.environ.get("PAPERLESS_ENV", "development")
    config = {
        "ENV_NAME": env,
        "INSTANCE_PATH": str(folder),
        "DATABASE_URL": os.environ.get(
            "PAPERLESS_DATABASE_URL", f"sqlite:///{folder / 'paperless.sqlite3'}"
        ),
        "SOCKETIO_ASYNC_MODE": os.environ.get("PAPERLESS_ASYNC_MODE", "gevent"),
        "SOCKETIO_QUEUE": os.environ.get("PAPERLESS_SOCKETIO_QUEUE") or None,
        # Extra origins allowed to open sockets (space-separated); default: same origin only.
        "ALLOWED_ORIGINS": os.environ.get("PAPERLESS_ALLOWED_ORIGINS", "").split() or None,
        "PERMANENT_SESSION_LIFETIME": timedelta(
            minutes=int(os.environ.get("PAPERLESS_SESSION_MINUTES", "720"))
        ),
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": env == "production",
        "API_TOKEN_HOURS": int(os.environ.get("PAPERLESS_API_TOKEN_HOURS", "24")),
        "LOGIN_MAX_FAILURES": int(os.environ.get("PAPERLESS_LOGIN_MAX_FAILURES", "5")),
        "LOGIN_WINDOW_MINUTES": int(os.environ.get("PAPERLESS_LOGIN_WINDOW_MINUTES", "15")),
        # Failures from one address across accounts, and across the deployment, before that
        # address waits; the wait starts at LOGIN_DELAY_SECONDS and doubles (domain/limits.py).
        "LOGIN_ADDRESS_FAILURES": int(os.environ.get("PAPERLESS_LOGIN_ADDRESS_FAILURES", "10")),
        "LOGIN_OVERALL_FAILURES": int(os.environ.get("PAPERLESS_LOGIN_OVERALL_FAILURES", "300")),
        "LOGIN_DELAY_SECONDS": int(os.environ.get("PAPERLESS_LOGIN_DELAY_SECONDS", "30")),
        "MAX_DOCUMENT_BYTES": int(os.environ.get("PAPERLESS_MAX_DOCUMENT_MB", "100")) * 1024 * 1024,
        # Behind nginx: "/_blobs/" makes document downloads an X-Accel-Redirect to that
        # internal location (which maps to instance/blobs/); Apache/lighttpd: X-Sendfile.
        "X_ACCEL_PREFIX": os.environ.get("PAPERLESS_X_ACCEL_PREFIX") or None,
        "USE_X_SENDFILE": os.environ.get("PAPERLESS_X_SENDFILE") == "1",
        # How many reverse proxies (nginx: 1) set X-Forwarded-For/-Proto/-Host in front of the
        # app; 0 trusts none. With 1, a TLS-terminating nginx makes requests count as HTTPS
        # (HSTS, secure redirects) and the client's address is the real one (login records).
        "PROXIES": int(os.environ.get("PAPERLESS_PROXIES", "0")),
        # Speaking limits: each council's session rules set them; these are the defaults.
        "SPEECH_SECONDS": int(os.environ.get("PAPERLESS_SPEECH_SECONDS", "300")),
        "DEBATE_SECONDS": int(os.environ.get("PAPERLESS_DEBATE_SECONDS", "120")),
        "QUESTION_SECONDS": int(os.environ.get("PAPERLESS_QUESTION_SECONDS", "180")),
        "ANSWER_SECONDS": int(os.environ.get("PAPERLESS_ANSWER_SECONDS", "300")),
        "FOLLOW_UP_SECONDS": int(os.environ.get("PAPERLESS_FOLLOW_UP_SECONDS", "120")),
        # The council's time zone: every time a person reads (e.g. signing times on /verify).
        "TIMEZONE": os.environ.get("PAPERLESS_TIMEZONE", "Asia/Ho_Chi_Minh"),
        # How long a notice stays on the screens unless the sender sets another duration.
        "NOTICE_SECONDS": int(os.environ.get("PAPERLESS_NOTICE_SECONDS", "120")),
        # Whether tablets may keep confidential documents offline (default: no).
        "OFFLINE_CONFIDENTIAL": os.environ.get("PAPERLESS_OFFLINE_CONFIDENTIAL") == "1",
        # Lifetime of a signed byte-range link (paperless/range_links.py): also how long a
        # revoked session or withdrawn document may still be read through another process
        # or nginx. The viewer renews a refused link through the checked API.
        "RANGE_LINK_SECONDS": int(os.environ.get("PAPERLESS_RANGE_LINK_SECONDS", "60")),
        # Signing keys and trust roots (never in git or the database); see README.
        "SIGNING_DIR": os.environ.get("PAPERLESS_SIGNING_DIR") or str(folder / "signing"),
        "TSA_URL": os.environ.get("PAPERLESS_TSA_URL") or None,
        # The ballot master key (services/ballot_box.py): never beside the database files.
        "BALLOT_KEY": os.environ.get("PAPERLESS_BALLOT_KEY") or None,
        # Public address printed in the QR code of resolutions. Never the request's Host
        # header; production refuses to issue without it, development uses `make run`'s.
        "PUBLIC_URL": os.environ.get("PAPERLESS_PUBLIC_URL") or (
            None if env == "production"
            else f"http://127.0.0.1:{os.environ.get('PORT', '5000')}"),
        "MAX_VERIFY_BYTES": int(os.environ.get("PAPERLESS_MAX_VERIFY_MB", "30")) * 1024 * 1024,
        # The public verify refuses files beyond these before parsing them (too_complex).
        "MAX_VERIFY_PAGES": int(os.environ.get("PAPERLESS_MAX_VERIFY_PAGES", "2000")),
        "MAX_VERIFY_FIELDS": int(os.environ.get("PAPERLESS_MAX_VERIFY_FIELDS", "50")),
        # Bodies of every other route (JSON, forms without files): small.
        "MAX_BODY_BYTES": int(os.environ.get("PAPERLESS_MAX_BODY_KB", "1024")) * 1024,
        # The worker pool for heavy work (paperless/workers.py): processes, and each job's
        # limits. PAPERLESS_WORKERS=0 runs jobs in the server itself (debugging only).
        "WORKERS": int(os.environ.get("PAPERLESS_WORKERS") or os.cpu_count() or 1),
        "WORKER_TIMEOUT_S": float(os.environ.get("PAPERLESS_WORKER_TIMEOUT_S", "180")),
        # The public verify's own, shorter limit (anyone may send anything).
        "VERIFY_TIMEOUT_S": float(os.environ.get("PAPERLESS_VERIFY_TIMEOUT_S", "30")),
        "WORKER_MEMORY_MB": int(os.environ.get("PAPERLESS_WORKER_MEMORY_MB", "1024")),
        "BABEL_DEFAULT_LOCALE": "vi",
        "BABEL_SUPPORTED_LOCALES": ["vi", "en"],
        "BABEL_TRANSLATION_DIRECTORIES": str(PROJECT_ROOT / "translations"),
        "WTF_CSRF_TIME_LIMIT": None,
        "SCHEMA_CHECK": True,
    }
    if overrides:
        config.update(overrides)
    # A multipart body carries the file plus a little form overhead.
    config.setdefault("MAX_CONTENT_LENGTH", config["MAX_DOCUMENT_BYTES"] + 1024 * 1024)
    if "SECRET_KEY" not in config:
        config["SECRET_KEY"] = os.environ.get("PAPERLESS_SECRET_KEY") or _secret_key(folder)
    return config
