"""Detached signatures over small byte strings (e.g. the audit record's anchors), with the
key of a PKCS#12 file and, optionally, an RFC 3161 timestamp of the signature.

The signature travels with the signer's certificate (PEM), so a verifier needs nothing else
to check it; whether that certificate is the council's is the caller's question.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
from pathlib import Path

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.hazmat.primitives.serialization import pkcs12

from ._sync import outside_event_loop
from .errors import KeyLoadError, SigningError
from .keys import _secret_from_env


def sign_detached(p12_path: str | Path, passphrase_env: str, data: bytes) -> dict:
    """{"algorithm", "certificate" (PEM), "value" (base64)} over `data`."""
    try:
        key, cert, _extra = pkcs12.load_key_and_certificates(
            Path(p12_path).read_bytes(),
            _secret_from_env(passphrase_env, "passphrase_missing").encode())
    except OSError as exc:
        raise KeyLoadError(str(exc), code="key_file_missing") from exc
    except ValueError as exc:
        raise KeyLoadError(str(exc), code="wrong_passphrase") from exc
    if isinstance(key, rsa.RSAPrivateKey):
        value, algorithm = key.sign(data, padding.PKCS1v15(), hashes.SHA256()), "rsa-sha256"
    elif isinstance(key, ec.EllipticCurvePrivateKey):
        value, algorithm = key.sign(data, ec.ECDSA(hashes.SHA256())), "ecdsa-sha256"
    else:
        raise KeyLoadError(type(key).__name__, code="signing_failed")
    return {"algorithm": algorithm,
            "certificate": cert.public_bytes(serialization.Encoding.PEM).decode(),
            "value": base64.b64encode(value).decode()}


def verify_detached(signature: dict, data: bytes) -> str:
    """The signer's subject when `signature` is valid over `data`; SigningError otherwise."""
    try:
        cert = x509.load_pem_x509_certificate(signature["certificate"].encode())
        value = base64.b64decode(signature["value"])
        public = cert.public_key()
        if signature["algorithm"] == "rsa-sha256":
            public.verify(value, data, padding.PKCS1v15(), hashes.SHA256())
        elif signature["algorithm"] == "ecdsa-sha256":
            public.verify(value, data, ec.ECDSA(hashes.SHA256()))
        else:
            raise ValueError(signature["algorithm"])
    except (KeyError, TypeError, ValueError, InvalidSignature) as exc:
        raise SigningError(str(exc), code="signature_mismatch") from exc
    return cert.subject.rfc4514_string()


@outside_event_loop
def timestamp_token(timestamper, data: bytes) -> str:
    """Base64 DER of an RFC 3161 token over SHA-256(data) from a pyHanko timestamper."""
    digest = hashlib.sha256(data).digest()
    try:
        token = asyncio.run(timestamper.async_timestamp(digest, "sha256"))
    except Exception as exc:  # network, HTTP, ASN.1: all mean "no timestamp"
        raise SigningError(str(exc), code="timestamp_failed") from exc
    return base64.b64encode(token.dump()).decode()
