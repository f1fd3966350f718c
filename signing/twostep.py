"""Two-step ("interrupted") signing for keys the server never holds (USB token on the
user's PC, remote signing service).

1. :func:`prepare_signature` puts the visible block and a placeholder into the
   field and returns a :class:`PreparedSignature` (JSON-serialisable, store it
   between requests).
2. Hand out ``prepared.digest_to_sign`` (SHA-256 of the CMS signed attributes)
   — that is what the token signs — or ``prepared.document_digest`` to a client
   that builds the whole CMS itself.
3. :func:`finish_with_signature` (raw RSA/ECDSA value) or :func:`finish_with_cms`
   (complete CMS) embeds the result and returns the signed PDF.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
from dataclasses import asdict, dataclass
from io import BytesIO

from asn1crypto import cms
from asn1crypto import x509 as asn1_x509
from pyhanko.sign import fields
from pyhanko.sign.signers import PdfSignatureMetadata, PdfSigner
from pyhanko.sign.signers.pdf_byterange import PreparedByteRangeDigest
from pyhanko.sign.signers.pdf_cms import ExternalSigner, PdfCMSSignedAttributes
from pyhanko.sign.signers.pdf_signer import PdfTBSDocument
from pyhanko.sign.timestamps.api import TimeStamper
from pyhanko.stamp import BaseStampStyle
from pyhanko_certvalidator.registry import SimpleCertificateStore

from ._sync import outside_event_loop
from .errors import DocumentError, SigningError
from .keys import check_signing_certificate, to_asn1_certificate
from .sign import open_writer

MD_ALGORITHM = "sha256"
# Room for the CMS: certificate chain + RSA-4096 signature + a timestamp token.
DEFAULT_RESERVED = 24 * 1024


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


@dataclass(frozen=True)
class PreparedSignature:
    """Everything needed to finish later; ``to_dict``/``from_dict`` for storage."""

    field_name: str
    prepared_pdf: bytes
    document_digest: bytes
    reserved_region_start: int
    reserved_region_end: int
    signed_attrs: bytes  # DER of the CMS SignedAttributes (SET OF)
    signer_cert: bytes  # DER
    chain: tuple[bytes, ...] = ()
    md_algorithm: str = MD_ALGORITHM

    @property
    def digest_to_sign(self) -> bytes:
        """Hash of the signed attributes: what a USB token's "sign hash" call signs."""
        return hashlib.new(self.md_algorithm, self.signed_attrs).digest()

    def to_dict(self) -> dict:
        d = asdict(self)
        for key in ("prepared_pdf", "document_digest", "signed_attrs", "signer_cert"):
            d[key] = _b64(d[key])
        d["chain"] = [_b64(c) for c in self.chain]
        d["digest_to_sign"] = _b64(self.digest_to_sign)
        return d

    @classmethod
    def from_dict(cls, d: dict) -> PreparedSignature:
        try:
            return cls(
                field_name=d["field_name"],
                prepared_pdf=base64.b64decode(d["prepared_pdf"]),
                document_digest=base64.b64decode(d["document_digest"]),
                reserved_region_start=int(d["reserved_region_start"]),
                reserved_region_end=int(d["reserved_region_end"]),
                signed_attrs=base64.b64decode(d["signed_attrs"]),
                signer_cert=base64.b64decode(d["signer_cert"]),
                chain=tuple(base64.b64decode(c) for c in d.get("chain", ())),
                md_algorithm=d.get("md_algorithm", MD_ALGORITHM),
            )
        except (KeyError, ValueError, TypeError) as exc:
            raise SigningError(f"bad prepared state: {exc}", code="invalid_prepared_state") from exc


def _store(chain) -> SimpleCertificateStore:
    store = SimpleCertificateStore()
    store.register_multiple(chain)
    return store


@outside_event_loop
def prepare_signature(
    pdf: bytes,
    signer_cert,
    *,
    field_name: str,
    chain=(),
    stamp: BaseStampStyle | None = None,
    reserved: int = DEFAULT_RESERVED,
    reason: str | None = None,
    location: str | None = None,
) -> PreparedSignature:
    """Fill ``field_name`` with the visible block and an empty signature of ``reserved`` bytes.

    ``signer_cert`` is the certificate the token will sign with (it goes into the
    signed attributes, so it must be known now); ``chain`` its CA certificates.
    """
    cert = to_asn1_certificate(signer_cert)
    check_signing_certificate(cert)
    chain_certs = [to_asn1_certificate(c) for c in chain]
    w = open_writer(pdf)
    found = list(fields.enumerate_sig_fields(w.prev, with_name=field_name))
    if not found:
        raise DocumentError(f"no signature field named {field_name!r}", code="field_missing")
    if found[0][1] is not None:
        raise DocumentError(f"field {field_name!r} is already signed", code="field_already_signed")

    ext = ExternalSigner(cert, _store(chain_certs), signature_value=512)
    meta = PdfSignatureMetadata(
        field_name=field_name,
        md_algorithm=MD_ALGORITHM,
        subfilter=fields.SigSeedSubFilter.PADES,
        reason=reason,
        location=location,
    )
    pdf_signer = PdfSigner(meta, signer=ext, stamp_style=stamp)
    try:
        session = pdf_signer.init_signing_session(w, existing_fields_only=True)
        tbs = session.prepare_tbs_document(validation_info=None, bytes_reserved=reserved)
        prepared_digest, output = tbs.digest_tbs_document()
        signed_attrs = asyncio.run(
            ext.signed_attrs(
                prepared_digest.document_digest,
                MD_ALGORITHM,
                attr_settings=PdfCMSSignedAttributes(signing_time=session.system_time),
                use_pades=True,
            )
        )
    except SigningError:
        raise
    except Exception as exc:
        raise SigningError(f"{type(exc).__name__}: {exc}") from exc
    return PreparedSignature(
        field_name=field_name,
        prepared_pdf=output.getvalue(),
        document_digest=prepared_digest.document_digest,
        reserved_region_start=prepared_digest.reserved_region_start,
        reserved_region_end=prepared_digest.reserved_region_end,
        signed_attrs=signed_attrs.dump(),
        signer_cert=cert.dump(),
        chain=tuple(c.dump() for c in chain_certs),
    )


def _verify_raw(cert: asn1_x509.Certificate, signature: bytes, data: bytes) -> None:
    """Check the returned value before embedding it: a wrong token/key fails here."""
    from cryptography import x509 as pyca_x509
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa

    key = pyca_x509.load_der_x509_certificate(cert.dump()).public_key()
    try:
        if isinstance(key, rsa.RSAPublicKey):
            key.verify(signature, data, padding.PKCS1v15(), hashes.SHA256())
        elif isinstance(key, ec.EllipticCurvePublicKey):
            key.verify(signature, data, ec.ECDSA(hashes.SHA256()))
        else:
            raise SigningError(
                f"unsupported key type {type(key).__name__}", code="signature_mismatch"
            )
    except InvalidSignature as exc:
        raise SigningError(
            "signature does not verify with the signer's certificate", code="signature_mismatch"
        ) from exc


def _embed(prepared: PreparedSignature, cms_obj: cms.ContentInfo | bytes) -> bytes:
    buf = BytesIO(prepared.prepared_pdf)
    digest = PreparedByteRangeDigest(
        document_digest=prepared.document_digest,
        reserved_region_start=prepared.reserved_region_start,
        reserved_region_end=prepared.reserved_region_end,
    )
    try:
        PdfTBSDocument.finish_signing(buf, digest, cms_obj)
    except Exception as exc:
        raise SigningError(f"cannot embed CMS: {exc}", code="invalid_prepared_state") from exc
    return buf.getvalue()


@outside_event_loop
def finish_with_signature(
    prepared: PreparedSignature,
    signature_value: bytes,
    *,
    timestamper: TimeStamper | None = None,
) -> bytes:
    """Wrap a raw signature over ``digest_to_sign`` (PKCS#1 v1.5 or ECDSA) into CMS and embed it.

    With ``timestamper`` the CMS gets a signature timestamp (PAdES B-T).
    """
    cert = asn1_x509.Certificate.load(prepared.signer_cert)
    _verify_raw(cert, signature_value, prepared.signed_attrs)
    chain = [asn1_x509.Certificate.load(c) for c in prepared.chain]
    ext = ExternalSigner(cert, _store(chain), signature_value=signature_value)
    try:
        signed_attrs = cms.CMSAttributes.load(prepared.signed_attrs)
        cms_obj = asyncio.run(
            ext.async_sign_prescribed_attributes(
                prepared.md_algorithm, signed_attrs, timestamper=timestamper
            )
        )
    except Exception as exc:
        raise SigningError(f"cannot build CMS: {exc}", code="invalid_prepared_state") from exc
    return _embed(prepared, cms_obj)


@outside_event_loop
def finish_with_cms(prepared: PreparedSignature, cms_der: bytes) -> bytes:
    """Embed a complete detached CMS (SignedData) made by the client over ``document_digest``."""
    try:
        content = cms.ContentInfo.load(cms_der)
        signed_data = content["content"]
        si = signed_data["signer_infos"][0]
        md = next(
            a["values"][0].native
            for a in si["signed_attrs"]
            if a["type"].native == "message_digest"
        )
    except Exception as exc:
        raise SigningError(f"not a CMS SignedData: {exc}", code="signature_mismatch") from exc
    if md != prepared.document_digest:
        raise SigningError("CMS was made for another document", code="signature_mismatch")
    return _embed(prepared, content)
