"""Obtain a pyHanko signer from a PKCS#12 file or a PKCS#11 token.

Secrets (passphrase, PIN) are never passed as values: the caller names an
environment variable, so they stay out of config files, logs and tracebacks.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

from asn1crypto import pem
from asn1crypto import x509 as asn1_x509
from cryptography.hazmat.primitives.serialization import pkcs12
from pyhanko.keys import load_certs_from_pemder_data
from pyhanko.sign.signers import SimpleSigner
from pyhanko.sign.signers.pdf_cms import Signer
from pyhanko_certvalidator.registry import SimpleCertificateStore

from .errors import CertificateError, KeyLoadError, TokenError

# Either of these lets a certificate make document signatures (RFC 5280 4.2.1.3;
# Vietnamese CAs set both on personal and organisation certificates).
SIGNING_KEY_USAGES = frozenset({"digital_signature", "non_repudiation"})


def _secret_from_env(env_name: str, missing_code: str) -> str:
    value = os.environ.get(env_name)
    if value is None or value == "":
        raise KeyLoadError(f"environment variable {env_name!r} is not set", code=missing_code)
    return value


def load_certificates(paths: Iterable[str | Path]) -> list[asn1_x509.Certificate]:
    """Read PEM or DER certificates (one or several per file), e.g. trusted roots."""
    certs: list[asn1_x509.Certificate] = []
    for p in paths:
        try:
            data = Path(p).read_bytes()
        except OSError as exc:
            raise KeyLoadError(f"cannot read certificate {p}: {exc}") from exc
        certs.extend(load_certs_from_pemder_data(data))
    return certs


def to_asn1_certificate(cert) -> asn1_x509.Certificate:
    """Accept asn1crypto, pyca/cryptography, DER or PEM and return asn1crypto."""
    if isinstance(cert, asn1_x509.Certificate):
        return cert
    if hasattr(cert, "public_bytes"):
        from cryptography.hazmat.primitives.serialization import Encoding

        return asn1_x509.Certificate.load(cert.public_bytes(Encoding.DER))
    if isinstance(cert, bytes | bytearray):
        data = bytes(cert)
        if pem.detect(data):
            _, _, data = pem.unarmor(data)
        return asn1_x509.Certificate.load(data)
    raise TypeError(f"unsupported certificate type {type(cert)!r}")


def check_signing_certificate(cert, at: dt.datetime | None = None) -> None:
    """Refuse certificates that are expired/not yet valid or lack a signing key usage."""
    cert = to_asn1_certificate(cert)
    at = at or dt.datetime.now(dt.UTC)
    validity = cert["tbs_certificate"]["validity"]
    not_before = validity["not_before"].native
    not_after = validity["not_after"].native
    subject = cert.subject.human_friendly
    if at > not_after:
        raise CertificateError(
            f"certificate of {subject} expired on {not_after.isoformat()}",
            code="certificate_expired",
        )
    if at < not_before:
        raise CertificateError(
            f"certificate of {subject} valid from {not_before.isoformat()}",
            code="certificate_not_yet_valid",
        )
    usage = cert.key_usage_value
    # No keyUsage extension means "unrestricted" (RFC 5280).
    if usage is not None and not (set(usage.native) & SIGNING_KEY_USAGES):
        raise CertificateError(
            f"certificate of {subject} has key usage {sorted(usage.native)}, "
            "needs digital_signature or non_repudiation",
            code="key_usage_missing",
        )


def load_pkcs12_signer(
    path: str | Path,
    passphrase_env: str,
    *,
    extra_certs: Iterable = (),
    check_at: dt.datetime | None = None,
) -> SimpleSigner:
    """Load a signer from a .p12/.pfx file; the passphrase is read from ``passphrase_env``.

    Raises KeyLoadError (key_file_missing, passphrase_missing, wrong_passphrase) or
    CertificateError (certificate_expired, key_usage_missing, ...).
    """
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise KeyLoadError(f"cannot read {path}: {exc}", code="key_file_missing") from exc
    passphrase = _secret_from_env(passphrase_env, "passphrase_missing").encode()
    try:
        # Probe with pyca first: it tells a wrong passphrase apart from garbage.
        pkcs12.load_key_and_certificates(data, passphrase)
    except ValueError as exc:
        raise KeyLoadError(f"cannot open PKCS#12 {path}: {exc}", code="wrong_passphrase") from exc
    signer = SimpleSigner.load_pkcs12_data(
        data,
        other_certs=[to_asn1_certificate(c) for c in extra_certs],
        passphrase=passphrase,
    )
    check_signing_certificate(signer.signing_cert, check_at)
    return signer


@contextmanager
def open_pkcs11_signer(
    module_path: str | Path,
    token_label: str,
    key_label: str,
    pin_env: str,
    *,
    cert_label: str | None = None,
    extra_certs: Iterable = (),
    check_at: dt.datetime | None = None,
) -> Iterator[Signer]:
    """Open a PKCS#11 session (USB token, HSM, SoftHSM) and yield a signer.

    The certificate is read from the token (label ``cert_label``, default
    ``key_label``). The PIN comes from the environment variable ``pin_env``.
    Raises TokenError (token_module_missing, token_missing, wrong_pin, key_missing).
    """
    try:
        import pkcs11
        from pyhanko.config.pkcs11 import TokenCriteria
        from pyhanko.sign.pkcs11 import PKCS11Signer, open_pkcs11_session
    except ImportError as exc:  # pragma: no cover - dependency missing
        raise TokenError(
            f"python-pkcs11 not installed: {exc}", code="token_module_missing"
        ) from exc

    if not Path(module_path).is_file():
        raise TokenError(f"PKCS#11 module {module_path} not found", code="token_module_missing")
    pin = _secret_from_env(pin_env, "pin_missing")
    try:
        session = open_pkcs11_session(
            str(module_path), token_criteria=TokenCriteria(label=token_label), user_pin=pin
        )
    except pkcs11.exceptions.PinIncorrect as exc:
        raise TokenError(f"PIN rejected by token {token_label!r}", code="wrong_pin") from exc
    except pkcs11.exceptions.PKCS11Error as exc:
        raise TokenError(f"token {token_label!r}: {exc!r}", code="token_missing") from exc
    except Exception as exc:  # pyHanko wraps "no token found" in its own error type
        msg = str(exc)
        code = "token_missing" if "token" in msg.lower() else "token_module_missing"
        raise TokenError(f"token {token_label!r}: {msg}", code=code) from exc
    try:
        store = SimpleCertificateStore()
        store.register_multiple(to_asn1_certificate(c) for c in extra_certs)
        signer = PKCS11Signer(
            session,
            key_label=key_label,
            cert_label=cert_label or key_label,
            ca_chain=list(store),
            other_certs_to_pull=None,
        )
        try:
            cert = signer.signing_cert  # forces the key/cert lookup now
        except Exception as exc:
            raise TokenError(
                f"key/cert {key_label!r} not found on token {token_label!r}: {exc}",
                code="key_missing",
            ) from exc
        check_signing_certificate(cert, check_at)
        yield signer
    finally:
        session.close()
