"""Digital signatures for resolution PDFs (Decree 30/2020/NĐ-CP, PAdES via pyHanko).

Framework-free: no Flask, SQLAlchemy or ``paperless`` imports, so the web app,
CLI tools and tests can all use it. Typical flow::

    pdf = add_signature_fields(pdf)                       # all fields, before any signature
    chair = load_pkcs12_signer("chair.p12", "CHAIR_P12_PASS")
    pdf = sign_pdf(pdf, chair, field_name=SIGNER_FIELD,
                   stamp=signer_stamp("Nguyễn Văn A", "Chủ tịch")).pdf
    org = load_pkcs12_signer("org.p12", "ORG_P12_PASS")
    pdf = sign_pdf(pdf, org, field_name=ORGANISATION_FIELD,
                   stamp=organisation_stamp("HỘI ĐỒNG NHÂN DÂN XÃ AN BÌNH")).pdf
    reports = validate_pdf(pdf, trust_roots=[root_cert])  # list[SignatureReport]

Errors are :class:`SigningError` subclasses with a stable ``code`` and a
Vietnamese ``message_vi``.
"""

from . import _speedups
from .detached import sign_detached, timestamp_token, verify_detached
from .errors import (
    CertificateError,
    DocumentError,
    KeyLoadError,
    SigningError,
    StampError,
    TokenError,
)
from .keys import (
    check_signing_certificate,
    load_certificates,
    load_pkcs12_signer,
    open_pkcs11_signer,
)
from .sign import (
    ORGANISATION_FIELD,
    SIGNER_FIELD,
    FieldPlacement,
    SignResult,
    add_signature_fields,
    default_field_placements,
    sign_file,
    sign_pdf,
    signature_field_names,
    write_atomically,
)
from .stamp import (
    FontConfig,
    copy_stamp,
    iso_vietnam_time,
    organisation_stamp,
    seal_stamp,
    signature_image_stamp,
    signer_stamp,
    vietnamese_fonts,
)
from .twostep import (
    PreparedSignature,
    finish_with_cms,
    finish_with_signature,
    prepare_signature,
)
from .validate import INVALID, MODIFIED, UNTRUSTED, VALID, SignatureReport, validate_pdf

_speedups.install()  # before any parse: pyHanko reads hex strings byte by byte

__all__ = [
    "sign_detached",
    "timestamp_token",
    "verify_detached",
    "INVALID",
    "MODIFIED",
    "ORGANISATION_FIELD",
    "SIGNER_FIELD",
    "UNTRUSTED",
    "VALID",
    "CertificateError",
    "DocumentError",
    "FieldPlacement",
    "FontConfig",
    "KeyLoadError",
    "PreparedSignature",
    "SignResult",
    "SignatureReport",
    "SigningError",
    "StampError",
    "TokenError",
    "add_signature_fields",
    "check_signing_certificate",
    "copy_stamp",
    "default_field_placements",
    "finish_with_cms",
    "finish_with_signature",
    "iso_vietnam_time",
    "load_certificates",
    "load_pkcs12_signer",
    "open_pkcs11_signer",
    "organisation_stamp",
    "prepare_signature",
    "seal_stamp",
    "sign_file",
    "sign_pdf",
    "signature_field_names",
    "signature_image_stamp",
    "signer_stamp",
    "validate_pdf",
    "vietnamese_fonts",
    "write_atomically",
]
