"""Create signature fields and sign PDFs (PAdES B-B / B-T / B-LT / B-LTA) with pyHanko.

All fields are created in one incremental update *before* the first signature:
adding a field after a certification signature counts as a forbidden change,
and even after approval signatures it shows up as a modification.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path

from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign import fields
from pyhanko.sign.signers import PdfSignatureMetadata, PdfSigner
from pyhanko.sign.signers.pdf_cms import Signer
from pyhanko.sign.timestamps.api import TimeStamper
from pyhanko.stamp import BaseStampStyle
from pyhanko_certvalidator import ValidationContext

from ._sync import outside_event_loop
from .errors import DocumentError, SigningError
from .keys import check_signing_certificate, to_asn1_certificate

SIGNER_FIELD = "ChuKyNguoiKy"
ORGANISATION_FIELD = "ChuKyToChuc"


@dataclass(frozen=True)
class FieldPlacement:
    """A signature field: ``page`` is 0-based (-1 = last); ``box`` is (x1, y1, x2, y2) in pt."""

    name: str
    page: int
    box: tuple[float, float, float, float]


@dataclass(frozen=True)
class SignResult:
    """Signed PDF bytes plus what was achieved (PAdES level as re-read from the output)."""

    pdf: bytes
    field_name: str
    pades_level: str
    signing_time: str | None
    reports: list | None = None  # every signature of the output, when validation was asked


def open_writer(pdf: bytes) -> IncrementalPdfFileWriter:
    """Incremental writer over ``pdf``; non-PDF or encrypted input -> DocumentError."""
    if not isinstance(pdf, bytes | bytearray) or not bytes(pdf[:1024]).lstrip().startswith(b"%PDF"):
        raise DocumentError("input does not start with a %PDF header", code="not_a_pdf")
    try:
        w = IncrementalPdfFileWriter(BytesIO(bytes(pdf)), strict=False)
        _ = w.root["/Pages"]
    except Exception as exc:
        raise DocumentError(f"cannot parse PDF: {exc}", code="not_a_pdf") from exc
    if w.prev.encrypted:
        raise DocumentError("encrypted PDFs are not supported", code="not_a_pdf")
    return w


def _page_box(writer: IncrementalPdfFileWriter, page: int) -> tuple[float, float, float, float]:
    page_ref = writer.find_page_for_modification(page)[0]
    page_obj = page_ref.get_object()
    box = page_obj.get("/CropBox") or _inherited(page_obj, "/MediaBox")
    x1, y1, x2, y2 = (float(v) for v in box)
    return x1, y1, x2, y2


def _inherited(page_obj, key):
    node = page_obj
    while node is not None:
        if key in node:
            return node[key]
        node = node.get("/Parent")
        node = node.get_object() if node is not None else None
    return [0, 0, 595.28, 841.89]  # A4


def default_field_placements(pdf: bytes) -> list[FieldPlacement]:
    """Signer's field near the bottom right of the last page, organisation's at the
    top right of page 1 (Decree 30 layout). Pass your own placements when the
    signature place of a document is known."""
    w = open_writer(pdf)
    lx1, ly1, lx2, ly2 = _page_box(w, -1)
    fx1, fy1, fx2, fy2 = _page_box(w, 0)
    signer_box = (lx2 - 57 - 200, ly1 + 120, lx2 - 57, ly1 + 210)
    # inside the ~20 mm top margin that Decree 30 layouts leave free
    org_box = (fx2 - 14 - 195, fy2 - 6 - 50, fx2 - 14, fy2 - 6)
    return [
        FieldPlacement(SIGNER_FIELD, -1, signer_box),
        FieldPlacement(ORGANISATION_FIELD, 0, org_box),
    ]


def signature_field_names(pdf: bytes, *, filled: bool | None = None) -> list[str]:
    """Names of the signature fields (``filled``: True = signed only, False = empty only)."""
    w = open_writer(pdf)
    return [name for name, _, _ in fields.enumerate_sig_fields(w.prev, filled_status=filled)]


def add_signature_fields(pdf: bytes, placements: Sequence[FieldPlacement] | None = None) -> bytes:
    """Add all (empty, visible) signature fields in one incremental update.

    Call this before the first signature. Existing fields with the same name are
    left untouched, so calling it twice is harmless.
    """
    placements = list(placements) if placements is not None else default_field_placements(pdf)
    w = open_writer(pdf)
    existing = {name for name, _, _ in fields.enumerate_sig_fields(w.prev)}
    if fields_signed := [n for n, v, _ in fields.enumerate_sig_fields(w.prev) if v is not None]:
        # Adding fields now would be a post-signature modification.
        missing = [p.name for p in placements if p.name not in existing]
        if missing:
            raise DocumentError(
                f"document already signed ({fields_signed}); cannot add fields {missing}",
                code="field_missing",
            )
        return bytes(pdf)
    added = False
    for p in placements:
        if p.name in existing:
            continue
        fields.append_signature_field(
            w,
            fields.SigFieldSpec(
                sig_field_name=p.name, on_page=p.page, box=tuple(round(v) for v in p.box)
            ),
        )
        added = True
    if not added:
        return bytes(pdf)
    out = BytesIO()
    w.write(out)
    return out.getvalue()


def _validation_context(
    roots: Iterable, crls: Iterable[bytes] = (), other_certs: Iterable = ()
) -> ValidationContext:
    from asn1crypto import crl as asn1_crl

    return ValidationContext(
        trust_roots=[to_asn1_certificate(c) for c in roots],
        other_certs=[to_asn1_certificate(c) for c in other_certs],
        crls=[asn1_crl.CertificateList.load(c) for c in crls],
        allow_fetching=False,
        revocation_mode="soft-fail",
    )


@outside_event_loop
def sign_pdf(
    pdf: bytes,
    signer: Signer,
    *,
    field_name: str,
    stamp: BaseStampStyle | None = None,
    timestamper: TimeStamper | None = None,
    embed_validation_info: bool = False,
    trust_roots: Iterable = (),
    crls: Iterable[bytes] = (),
    archival_timestamp: bool = False,
    certify: bool = False,
    reason: str | None = None,
    location: str | None = None,
    bytes_reserved: int | None = None,
    validate_with: Iterable | None = None,
    validation_crls: Iterable[bytes] = (),
) -> SignResult:
    """Sign the existing empty field ``field_name`` and return the new PDF bytes.

    PAdES B-B by default; B-T with ``timestamper``; with
    ``embed_validation_info`` the chain (and any ``crls`` given) is put in the
    DSS — that is B-LT only when revocation data was actually embedded, which
    :func:`signing.validate.validate_pdf` reports honestly. ``archival_timestamp``
    adds a document timestamp (B-LTA; needs ``timestamper``). ``certify`` makes a
    certification signature that still allows the later signatures (form filling).

    ``bytes_reserved``: the signature's placeholder; by default a fixed size from the
    certificates and the timestamp (pyHanko would otherwise make a whole extra signature
    just to measure it). ``validate_with``: trust roots — the output is validated (every
    signature) in the same parse that reads the PAdES level, reports in ``reports``.
    """
    w = open_writer(pdf)
    found = [
        (name, value)
        for name, value, _ in fields.enumerate_sig_fields(w.prev, with_name=field_name)
    ]
    if not found:
        raise DocumentError(f"no signature field named {field_name!r}", code="field_missing")
    if found[0][1] is not None:
        raise DocumentError(f"field {field_name!r} is already signed", code="field_already_signed")
    cert = signer.signing_cert
    if cert is not None:
        check_signing_certificate(cert)
    if archival_timestamp and timestamper is None:
        raise SigningError("archival timestamp requested without a timestamper")

    vc = None
    if embed_validation_info:
        vc = _validation_context(trust_roots, crls, other_certs=list(signer.cert_registry))
    from pyhanko.sign.fields import MDPPerm

    meta = PdfSignatureMetadata(
        field_name=field_name,
        md_algorithm="sha256",
        subfilter=fields.SigSeedSubFilter.PADES,
        embed_validation_info=embed_validation_info,
        validation_context=vc,
        use_pades_lta=archival_timestamp,
        certify=certify,
        docmdp_permissions=MDPPerm.FILL_FORMS,
        reason=reason,
        location=location,
        signer_key_usage={"non_repudiation", "digital_signature"},
    )
    pdf_signer = PdfSigner(meta, signer=signer, timestamper=timestamper, stamp_style=stamp)
    if bytes_reserved is None:
        bytes_reserved = reservation(signer, timestamper is not None)
    try:
        out = pdf_signer.sign_pdf(w, existing_fields_only=True, bytes_reserved=bytes_reserved)
    except SigningError:
        raise
    except Exception as exc:
        msg = str(exc)
        code = "timestamp_failed" if "timestamp" in msg.lower() or "tsa" in msg.lower() else None
        raise SigningError(f"{type(exc).__name__}: {msg}", code=code or "signing_failed") from exc
    data = out.getvalue()

    if validate_with is not None:
        from .validate import validate_pdf

        reports = validate_pdf(data, validate_with, crls=validation_crls)
        mine = next((r for r in reports if r.field_name == field_name), None)
        return SignResult(data, field_name, mine.pades_level if mine else "unknown",
                          mine.signing_time if mine else None, reports)
    from .validate import summarise_field

    level, signing_time = summarise_field(data, field_name)
    return SignResult(data, field_name, level, signing_time)


def reservation(signer: Signer, timestamped: bool) -> int:
    """Room to reserve for the CMS (in hex digits): the certificates it carries, the signature value and
    the signed attributes, with room to spare; a timestamp token adds the TSA's chain."""
    certs = [signer.signing_cert, *list(getattr(signer, "cert_registry", None) or [])]
    # the certificates as they are, then the signed attributes (~500 bytes), a signature
    # value up to RSA-4096's 512 bytes and the CMS structure: 2 KB is twice what they take.
    # A smaller placeholder is fewer hex digits to write and for every validation to read.
    size = 2048 + sum(len(c.dump()) for c in certs if c is not None)
    size += 12288 if timestamped else 0
    return 2 * size  # pyHanko counts the hex digits of /Contents


def write_atomically(path: str | Path, data: bytes) -> Path:
    """Write ``data`` next to ``path`` and rename into place, so readers never see half a file."""
    path = Path(path)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def sign_file(src: str | Path, dst: str | Path, signer: Signer, **kwargs) -> SignResult:
    """:func:`sign_pdf` from file to file; ``dst`` appears only if signing succeeded."""
    try:
        data = Path(src).read_bytes()
    except OSError as exc:
        raise DocumentError(f"cannot read {src}: {exc}", code="not_a_pdf") from exc
    result = sign_pdf(data, signer, **kwargs)
    write_atomically(dst, result.pdf)
    return result
