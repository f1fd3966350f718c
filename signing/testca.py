"""A clearly labelled TEST certificate authority, for tests and demos only.

Every certificate carries "TEST" in its names; none of it has legal value.
Files are written as PEM (certificate), PEM (unencrypted key, for tests that
import keys into SoftHSM) and PKCS#12 (key + certificate + CA, passphrase set).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

TEST_LABEL = "TEST - KHÔNG CÓ GIÁ TRỊ PHÁP LÝ"
# A never-resolvable host (RFC 2606): the URL only names where the CRL "lives";
# validators are always given the CRL directly.
CRL_URL = "http://test-ca.invalid/kyhopso-test-root.crl"

_NOW_SKEW = dt.timedelta(minutes=5)


@dataclass
class TestIdentity:
    """A certificate (and its key when we hold it) plus the files written for it."""

    __test__ = False  # not a pytest test class

    common_name: str
    certificate: x509.Certificate
    private_key: rsa.RSAPrivateKey | None
    cert_pem: Path
    key_pem: Path | None = None
    p12: Path | None = None

    @property
    def cert_der(self) -> bytes:
        return self.certificate.public_bytes(serialization.Encoding.DER)


@dataclass
class TestPKI:
    """Root CA, chair, organisation and TSA identities written into ``folder``."""

    __test__ = False

    folder: Path
    passphrase: bytes
    root: TestIdentity
    chair: TestIdentity
    organisation: TestIdentity
    tsa: TestIdentity
    crl_der: Path
    extra: dict[str, TestIdentity] = field(default_factory=dict)


def _name(common_name: str, *, organisation: str | None = None, title: str | None = None):
    attrs = [
        x509.NameAttribute(NameOID.COUNTRY_NAME, "VN"),
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, organisation or TEST_LABEL),
        x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, TEST_LABEL),
    ]
    if title:
        attrs.append(x509.NameAttribute(NameOID.TITLE, title))
    attrs.append(x509.NameAttribute(NameOID.COMMON_NAME, common_name))
    return x509.Name(attrs)


def _new_key(key_type: str = "rsa"):
    """RSA-2048 (default) or ECDSA P-256 (``key_type="ec"``)."""
    if key_type == "ec":
        return ec.generate_private_key(ec.SECP256R1())
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def _write(
    folder: Path,
    stem: str,
    common_name: str,
    cert: x509.Certificate,
    key: rsa.RSAPrivateKey | None,
    passphrase: bytes,
    ca_certs: list[x509.Certificate],
) -> TestIdentity:
    folder.mkdir(parents=True, exist_ok=True)
    cert_pem = folder / f"{stem}.pem"
    cert_pem.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    ident = TestIdentity(common_name, cert, key, cert_pem)
    if key is not None:
        ident.key_pem = folder / f"{stem}.key.pem"
        ident.key_pem.write_bytes(
            key.private_bytes(
                serialization.Encoding.PEM,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            )
        )
        ident.p12 = folder / f"{stem}.p12"
        ident.p12.write_bytes(
            pkcs12.serialize_key_and_certificates(
                stem.encode(),
                key,
                cert,
                ca_certs or None,
                serialization.BestAvailableEncryption(passphrase),
            )
        )
    return ident


def make_root(folder: Path, passphrase: bytes) -> TestIdentity:
    """Self-signed TEST root CA, valid for ten years."""
    key = _new_key()
    cn = "TEST Root CA Kỳ họp số (chỉ dùng thử nghiệm)"
    name = _name(cn)
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=3650))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=False,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=True,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )
    return _write(folder, "root", cn, cert, key, passphrase, [])


def issue(
    ca: TestIdentity,
    folder: Path,
    stem: str,
    common_name: str,
    *,
    passphrase: bytes,
    organisation: str | None = None,
    title: str | None = None,
    signing_usage: bool = True,
    expired: bool = False,
    tsa: bool = False,
    public_key=None,
    key_type: str = "rsa",
) -> TestIdentity:
    """Issue an end-entity TEST certificate signed by ``ca``.

    ``key_type="ec"`` makes an ECDSA P-256 key instead of RSA-2048;
    ``signing_usage=False`` gives a key-encipherment-only certificate;
    ``expired=True`` one whose validity ended yesterday; ``public_key`` issues a
    certificate for a key held elsewhere (e.g. generated inside a token).
    """
    if ca.private_key is None:
        raise ValueError("CA private key required")
    key = None
    if public_key is None:
        key = _new_key(key_type)
        public_key = key.public_key()
    now = dt.datetime.now(dt.UTC)
    if expired:
        not_before, not_after = now - dt.timedelta(days=400), now - dt.timedelta(days=1)
    else:
        not_before, not_after = now - _NOW_SKEW, now + dt.timedelta(days=730)
    builder = (
        x509.CertificateBuilder()
        .subject_name(_name(common_name, organisation=organisation, title=title))
        .issuer_name(ca.certificate.subject)
        .public_key(public_key)
        .serial_number(x509.random_serial_number())
        .not_valid_before(not_before)
        .not_valid_after(not_after)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=signing_usage,
                content_commitment=signing_usage and not tsa,
                key_encipherment=not signing_usage,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=False,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(public_key), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca.private_key.public_key()),
            critical=False,
        )
        .add_extension(
            x509.CRLDistributionPoints(
                [
                    x509.DistributionPoint(
                        full_name=[x509.UniformResourceIdentifier(CRL_URL)],
                        relative_name=None,
                        reasons=None,
                        crl_issuer=None,
                    )
                ]
            ),
            critical=False,
        )
    )
    if tsa:
        builder = builder.add_extension(
            x509.ExtendedKeyUsage([ExtendedKeyUsageOID.TIME_STAMPING]), critical=True
        )
    cert = builder.sign(ca.private_key, hashes.SHA256())
    return _write(folder, stem, common_name, cert, key, passphrase, [ca.certificate])


def make_crl(ca: TestIdentity, path: Path) -> Path:
    """Write an empty (nothing revoked) DER CRL for ``ca``, valid for 7 days."""
    assert ca.private_key is not None
    now = dt.datetime.now(dt.UTC)
    crl = (
        x509.CertificateRevocationListBuilder()
        .issuer_name(ca.certificate.subject)
        .last_update(now - _NOW_SKEW)
        .next_update(now + dt.timedelta(days=7))
        .add_extension(x509.CRLNumber(1), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca.private_key.public_key()),
            critical=False,
        )
        .sign(ca.private_key, hashes.SHA256())
    )
    path.write_bytes(crl.public_bytes(serialization.Encoding.DER))
    return path


def make_test_pki(
    folder: str | Path,
    *,
    passphrase: bytes = b"test-passphrase",
    chair_name: str = "Nguyễn Văn A",
    chair_title: str = "Chủ tịch HĐND",
    organisation_name: str = "HỘI ĐỒNG NHÂN DÂN XÃ AN BÌNH",
) -> TestPKI:
    """Create root CA, chair, organisation and TSA identities plus a CRL in ``folder``."""
    folder = Path(folder)
    root = make_root(folder, passphrase)
    chair = issue(
        root,
        folder,
        "chair",
        chair_name,
        passphrase=passphrase,
        organisation=organisation_name,
        title=chair_title,
    )
    org = issue(
        root,
        folder,
        "organisation",
        organisation_name,
        passphrase=passphrase,
        organisation=organisation_name,
    )
    tsa = issue(root, folder, "tsa", "TEST TSA Kỳ họp số", passphrase=passphrase, tsa=True)
    crl = make_crl(root, folder / "root.crl")
    return TestPKI(folder, passphrase, root, chair, org, tsa, crl)


def dummy_timestamper(tsa: TestIdentity):
    """pyHanko's in-process RFC 3161 TSA signing with the TEST TSA key (no network)."""
    from pyhanko.keys.internal import (
        translate_pyca_cryptography_cert_to_asn1,
        translate_pyca_cryptography_key_to_asn1,
    )
    from pyhanko.sign.timestamps.dummy_client import DummyTimeStamper

    assert tsa.private_key is not None
    return DummyTimeStamper(
        tsa_cert=translate_pyca_cryptography_cert_to_asn1(tsa.certificate),
        tsa_key=translate_pyca_cryptography_key_to_asn1(tsa.private_key),
    )
