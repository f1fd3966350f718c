"""Where the app finds signing keys, passphrases, trust roots and the timestamp server.

Layout of the signing folder (PAPERLESS_SIGNING_DIR, default <instance>/signing; never in
git, never in the database):

    ca.pem                        trusted root certificates (PEM, several allowed)
    *.crl                         revocation lists (DER) to embed for PAdES B-LT/B-LTA
    council-<id>/chair.p12        the chair's key and certificate (PKCS#12)
    council-<id>/organisation.p12 the council's organisational certificate
    council-<id>/ca.pem           optional extra roots for that council
    council-<id>/chair-signature.png  the chair's handwritten signature (blue, transparent)
    council-<id>/signatures/user-<id>.png  one signer's own (council settings page), first
    council-<id>/seal.png         the council's seal (red, transparent; else one is drawn)
    council-<id>/<role>.pkcs11.json  instead of the .p12: a PKCS#11 token or HSM,
                                  {"module": "/usr/lib/…/libX.so", "token_label": "…",
                                   "key_label": "…", "cert_label": "…" (optional),
                                   "pin_env": "PAPERLESS_SIGNING_PIN" (optional)}
    TEST-CA-ONLY                  marker written by `flask ca init` (test certificates)

Passphrases come from the environment: PAPERLESS_SIGNING_PASSPHRASE_<id>_CHAIR /
PAPERLESS_SIGNING_PASSPHRASE_<id>_ORGANISATION, else PAPERLESS_SIGNING_PASSPHRASE. Only
when the folder holds nothing but the TEST CA (marker present) and PAPERLESS_ENV is not
production, the test passphrase is the default, so the demo signs out of the box.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path

from flask import current_app

import signing
from paperless.services.errors import ServiceError

ROLES = ("chair", "organisation")
PASSPHRASE_ENV = "PAPERLESS_SIGNING_PASSPHRASE"
TEST_MARKER = "TEST-CA-ONLY"
TEST_PASSPHRASE = "kyhopso-test"  # only ever for the clearly labelled TEST CA


class SigningFailed(ServiceError):
    """A key, certificate, token or timestamp problem; nothing was stored or changed."""

    status = 422
    code = "signing_failed"


def from_signing_error(exc: signing.SigningError) -> SigningFailed:
    return SigningFailed(exc.message_vi, code=exc.code)


def folder() -> Path:
    return Path(current_app.config["SIGNING_DIR"])


def key_path(council_id: int, role: str) -> Path:
    if role not in ROLES:
        raise ValueError(role)
    return folder() / f"council-{int(council_id)}" / f"{role}.p12"


def is_test_ca() -> bool:
    return (folder() / TEST_MARKER).is_file()


def passphrase_env(council_id: int, role: str) -> str:
    specific = f"{PASSPHRASE_ENV}_{int(council_id)}_{role.upper()}"
    if os.environ.get(specific):
        return specific
    if not os.environ.get(PASSPHRASE_ENV) and is_test_ca() and \
            current_app.config.get("ENV_NAME") != "production":
        os.environ[PASSPHRASE_ENV] = TEST_PASSPHRASE
    return PASSPHRASE_ENV


def trust_roots(council_id: int) -> list:
    files = [p for p in (folder() / "ca.pem", folder() / f"council-{int(council_id)}" / "ca.pem")
             if p.is_file()]
    try:
        return list(_roots(tuple((str(f), f.stat().st_mtime_ns) for f in files)))
    except signing.SigningError as exc:
        raise from_signing_error(exc) from exc


@lru_cache(maxsize=32)
def _roots(files: tuple[tuple[str, int], ...]) -> tuple:
    """Parsed once per set of files and their modification times."""
    return tuple(signing.load_certificates([name for name, _mtime in files]))


def image(council_id: int, name: str) -> str | None:
    """A stamp image of the signing folder (chair-signature.png, seal.png), if configured."""
    if name not in ("chair-signature.png", "seal.png"):
        raise ValueError(name)
    path = folder() / f"council-{int(council_id)}" / name
    return str(path) if path.is_file() else None


def signer_image_path(council_id: int, user_id: int) -> Path:
    """Where a signer's own handwritten signature lives (set on the council's settings)."""
    return folder() / f"council-{int(council_id)}" / "signatures" / f"user-{int(user_id)}.png"


def signer_image(council_id: int, user_id: int | None) -> str | None:
    """The signer's own image, else the council's chair-signature.png, else None (the stamp
    draws a clear placeholder)."""
    if user_id is not None:
        own = signer_image_path(council_id, user_id)
        if own.is_file():
            return str(own)
    return image(council_id, "chair-signature.png")


def crls(council_id: int) -> list[bytes]:
    """Revocation lists (DER) put in the signing folder (*.crl, or council-<id>/*.crl);
    with a timestamp server they make the archived signature PAdES B-LT/B-LTA."""
    files = [*sorted(folder().glob("*.crl")),
             *sorted((folder() / f"council-{int(council_id)}").glob("*.crl"))]
    return [f.read_bytes() for f in files]


def load_signer(council_id: int, role: str):
    """The pyHanko signer for the council's chair or organisation; SigningFailed if unusable."""
    try:
        return signing.load_pkcs12_signer(key_path(council_id, role),
                                          passphrase_env(council_id, role),
                                          extra_certs=trust_roots(council_id))
    except signing.SigningError as exc:
        raise from_signing_error(exc) from exc
    except (ValueError, TypeError) as exc:  # a file that is not PKCS#12 at all
        raise SigningFailed("Tệp chứng thư số không hợp lệ.", code="key_file_invalid") from exc


PIN_ENV = "PAPERLESS_SIGNING_PIN"


def token_config(council_id: int, role: str) -> dict | None:
    path = folder() / f"council-{int(council_id)}" / f"{role}.pkcs11.json"
    if not path.is_file():
        return None
    try:
        config = json.loads(path.read_text(encoding="utf-8"))
        if not all(isinstance(config.get(k), str) and config[k]
                   for k in ("module", "token_label", "key_label")):
            raise ValueError("module, token_label and key_label are required")
    except (OSError, ValueError) as exc:
        raise SigningFailed("Cấu hình thiết bị ký số (PKCS#11) không hợp lệ.",
                            code="token_config_invalid") from exc
    return config


@contextmanager
def signer(council_id: int, role: str) -> Iterator:
    """The signer for the council's chair or organisation: a PKCS#11 token when
    ``<role>.pkcs11.json`` exists (the session stays open inside the ``with``), else the
    ``.p12``. Any key, PIN, token or certificate problem is a SigningFailed."""
    config = token_config(council_id, role)
    if config is None:
        yield load_signer(council_id, role)
        return
    opened = signing.open_pkcs11_signer(
        config["module"], config["token_label"], config["key_label"],
        config.get("pin_env") or PIN_ENV, cert_label=config.get("cert_label"),
        extra_certs=trust_roots(council_id))
    try:
        token_signer = opened.__enter__()
    except signing.SigningError as exc:
        raise from_signing_error(exc) from exc
    try:
        yield token_signer
    except BaseException as exc:
        if not opened.__exit__(type(exc), exc, exc.__traceback__):
            raise
    else:
        opened.__exit__(None, None, None)


def key_spec(council_id: int, role: str):
    """Where a worker finds the council's chair or organisation key (paperless.sign_jobs):
    the PKCS#11 configuration when ``<role>.pkcs11.json`` exists, else the ``.p12`` and the
    name of its passphrase's variable; the configured roots go along as the chain."""
    from paperless.sign_jobs import KeySpec

    config = token_config(council_id, role)
    roots = tuple(signing.keys.to_asn1_certificate(c).dump() for c in trust_roots(council_id))
    if config is not None:
        return KeySpec(path="", passphrase_env="", extra_certs=roots, token=config,
                       pin_env=PIN_ENV)
    return KeySpec(path=str(key_path(council_id, role)),
                   passphrase_env=passphrase_env(council_id, role), extra_certs=roots)


def sign_step(council_id: int, role: str, field_name: str, stamp=None, **options):
    """One signature of a worker job: the council's ``role`` key signs ``field_name``."""
    from paperless.sign_jobs import SignStep

    return SignStep(field_name, key_spec(council_id, role), stamp, options)


def sign(pdf: bytes, steps: list, **kwargs):
    """paperless.sign_jobs.sign (in the worker pool); any key, token, certificate or
    timestamp problem is a SigningFailed. The request's database connection is given back
    first (db.release): a signature takes seconds, and queued ones must not hold the pool."""
    from paperless import db, sign_jobs

    db.release()
    try:
        return sign_jobs.sign(pdf, steps, **kwargs)
    except signing.SigningError as exc:
        raise _signing_failed(exc) from exc


def check_key(council_id: int, role: str) -> None:
    """The key opens and its certificate may sign (in a worker, like the signing itself)."""
    from paperless import db, sign_jobs

    spec = key_spec(council_id, role)
    db.release()
    try:
        sign_jobs.check_key(spec)
    except signing.SigningError as exc:
        raise _signing_failed(exc) from exc


def _signing_failed(exc: signing.SigningError) -> SigningFailed:
    if exc.code == "key_file_invalid":
        return SigningFailed("Tệp chứng thư số không hợp lệ.", code="key_file_invalid")
    return from_signing_error(exc)


def stamp_fonts() -> signing.FontConfig:
    """The stamp fonts: Liberation Serif (Times New Roman metrics, Decree 30) unless
    SIGNING_FONT / SIGNING_FONT_BOLD name others; parsed and subset once per process
    (signing.fonts)."""
    return signing.FontConfig().checked()


def timestamper():
    """RFC 3161 client when PAPERLESS_TSA_URL is set (PAdES B-T), else None (B-B)."""
    url = current_app.config.get("TSA_URL")
    if not url:
        return None
    from pyhanko.sign.timestamps import HTTPTimeStamper

    return HTTPTimeStamper(url, timeout=10)


TEST_LABEL = "KỲ HỌP SỐ — CHỨNG THƯ THỬ NGHIỆM, KHÔNG CÓ GIÁ TRỊ PHÁP LÝ"


def init_test_ca(councils: list[tuple[int, str, str]], passphrase: str = TEST_PASSPHRASE
                 ) -> list[str]:
    """Make (once) a TEST root CA and, per council (id, name, chair's name), TEST
    certificates for the chair and the organisation. Existing files are kept, so running
    it again only adds what is missing. Returns what was created."""
    from cryptography import x509
    from cryptography.hazmat.primitives import serialization

    from signing import testca

    root_dir = folder()
    ca_dir = root_dir / "test-ca"
    ca_dir.mkdir(parents=True, exist_ok=True)
    root_dir.chmod(0o700)
    secret = passphrase.encode()
    created = []
    if not (ca_dir / "root.pem").is_file():
        testca.make_root(ca_dir, secret)
        created.append(str(ca_dir / "root.pem"))
    root = testca.TestIdentity(
        "root", x509.load_pem_x509_certificate((ca_dir / "root.pem").read_bytes()),
        serialization.load_pem_private_key((ca_dir / "root.key.pem").read_bytes(), None),
        ca_dir / "root.pem")
    testca.make_crl(root, root_dir / "test-root.crl")  # fresh (7 days) on every run
    if not (root_dir / "ca.pem").is_file():
        (root_dir / "ca.pem").write_bytes((ca_dir / "root.pem").read_bytes())
        created.append(str(root_dir / "ca.pem"))
    (root_dir / TEST_MARKER).write_text(
        f"{TEST_LABEL}\nEvery key here was made by `flask ca init` for tests and demos.\n"
        f"Passphrase of the .p12 files: {passphrase}\n", encoding="utf-8")
    for council_id, council_name, chair_name in councils:
        target = root_dir / f"council-{int(council_id)}"
        for role, common_name, title in (
                ("chair", f"{chair_name or 'Chủ tịch HĐND'} (THỬ NGHIỆM)", "Chủ tịch HĐND"),
                ("organisation", f"{council_name.upper()} (THỬ NGHIỆM)", None)):
            if (target / f"{role}.p12").is_file():
                continue
            ident = testca.issue(root, target, role, common_name, passphrase=secret,
                                 organisation=council_name, title=title)
            if ident.key_pem is not None:
                ident.key_pem.unlink()  # the .p12 (with passphrase) is the only key copy
            created.append(str(target / f"{role}.p12"))
        if not (target / "chair-signature.png").is_file():
            test_signature_png(target / "chair-signature.png", chair_name or "Chủ tịch")
            created.append(str(target / "chair-signature.png"))
    return created


def test_signature_png(path: Path, name: str) -> Path:
    """A TEST handwritten signature: a blue flourish on a transparent background."""
    import math

    from PIL import Image, ImageDraw

    width, height = 360, 150
    img = Image.new("RGBA", (width, height), (0, 0, 0, 0))
    draw = ImageDraw.Draw(img)
    blue = (20, 40, 170, 255)
    seed = sum(map(ord, name))
    points = []
    for i in range(240):
        t = i / 239
        x = 25 + t * (width - 60)
        y = height / 2 + 34 * math.sin(t * 9.5 + seed % 7) * (1 - t * 0.6) \
            + 14 * math.sin(t * 31 + seed % 5)
        points.append((x, y))
    draw.line(points, fill=blue, width=4, joint="curve")
    draw.line([(40, height - 38), (width - 50, height - 52)], fill=blue, width=3)
    path.parent.mkdir(parents=True, exist_ok=True)
    img.save(path)
    return path
