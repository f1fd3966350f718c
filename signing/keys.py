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


class KeptKeySigner(SimpleSigner):
    """A SimpleSigner that keeps its private key parsed.

    pyHanko's SimpleSigner parses the key from DER on every signature (and the
    signature made to size the placeholder): ~30 ms per PDF for RSA-2048. The key
    object of pyca/cryptography is immutable and safe to share between threads."""

    def __init__(self, *args, private_key=None, **kwargs):
        super().__init__(*args, **kwargs)
        self._private_key = private_key

    def sign_raw(self, data: bytes, digest_algorithm: str) -> bytes:
        from cryptography.hazmat.primitives.asymmetric import ec, rsa
        from cryptography.hazmat.primitives.asymmetric.padding import PKCS1v15
        from pyhanko.sign.general import get_pyca_cryptography_hash

        key = self._private_key
        mechanism = self.get_signature_mechanism_for_digest(digest_algorithm)
        try:
            algorithm = mechanism.signature_algo
        except ValueError:
            algorithm = mechanism["algorithm"].native
        if algorithm == "rsassa_pkcs1v15" and isinstance(key, rsa.RSAPrivateKey):
            return key.sign(data, PKCS1v15(), get_pyca_cryptography_hash(digest_algorithm))
        if algorithm == "ecdsa" and isinstance(key, ec.EllipticCurvePrivateKey):
            return key.sign(data, ec.ECDSA(get_pyca_cryptography_hash(digest_algorithm)))
        return super().sign_raw(data, digest_algorithm)  # PSS, EdDSA…: pyHanko's own path


def _signer_from_pkcs12(data: bytes, passphrase: bytes, extra_certs: tuple) -> KeptKeySigner:
    from pyhanko.keys.internal import (
        translate_pyca_cryptography_cert_to_asn1,
        translate_pyca_cryptography_key_to_asn1,
    )

    try:
        private_key, cert, others = pkcs12.load_key_and_certificates(data, passphrase)
    except ValueError as exc:
        raise KeyLoadError(f"cannot open PKCS#12: {exc}", code="wrong_passphrase") from exc
    if private_key is None or cert is None:
        raise KeyLoadError("PKCS#12 holds no key and certificate", code="wrong_passphrase")
    store = SimpleCertificateStore()
    store.register_multiple({*map(translate_pyca_cryptography_cert_to_asn1, others or []),
                             *extra_certs})
    return KeptKeySigner(signing_cert=translate_pyca_cryptography_cert_to_asn1(cert),
                         signing_key=translate_pyca_cryptography_key_to_asn1(private_key),
                         cert_registry=store, private_key=private_key)


# (path, mtime, size, SHA-256 of passphrase, extra certs) -> signer: decrypting the PKCS#12
# (PBKDF rounds) and parsing the key cost more than the signature itself.
_SIGNERS: dict[tuple, KeptKeySigner] = {}
_SIGNERS_MAX = 32
_SIGNERS_LOCK = __import__("threading").Lock()


def clear_key_cache() -> None:
    with _SIGNERS_LOCK:
        _SIGNERS.clear()


def load_pkcs12_signer(
    path: str | Path,
    passphrase_env: str,
    *,
    extra_certs: Iterable = (),
    check_at: dt.datetime | None = None,
    cache: bool = True,
) -> SimpleSigner:
    """Load a signer from a .p12/.pfx file; the passphrase is read from ``passphrase_env``.

    The decrypted key is kept per process (keyed by the file's identity and a digest of
    the passphrase: a replaced file or a changed passphrase loads anew); the certificate
    is checked on every call. Raises KeyLoadError (key_file_missing, passphrase_missing,
    wrong_passphrase) or CertificateError (certificate_expired, key_usage_missing, ...).
    """
    import hashlib

    try:
        stat = Path(path).stat()
        data = Path(path).read_bytes()
    except OSError as exc:
        raise KeyLoadError(f"cannot read {path}: {exc}", code="key_file_missing") from exc
    passphrase = _secret_from_env(passphrase_env, "passphrase_missing").encode()
    extras = tuple(to_asn1_certificate(c) for c in extra_certs)
    key = (str(Path(path).resolve()), stat.st_mtime_ns, stat.st_size,
           hashlib.sha256(data + b"\0" + passphrase).hexdigest(),
           tuple(c.sha256 for c in extras))
    signer = _SIGNERS.get(key) if cache else None
    if signer is None:
        try:
            signer = _signer_from_pkcs12(data, passphrase, extras)
        except KeyLoadError as exc:
            raise KeyLoadError(f"cannot open PKCS#12 {path}: {exc}", code=exc.code) from exc
        if cache:
            with _SIGNERS_LOCK:
                if len(_SIGNERS) >= _SIGNERS_MAX:
                    _SIGNERS.pop(next(iter(_SIGNERS)))
                _SIGNERS[key] = signer
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
