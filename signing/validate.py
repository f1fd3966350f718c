"""Validate every signature in any PDF and report it in plain, JSON-ready terms.

Besides the cryptographic check (bytes covered unchanged, CMS signature
correct, chain up to a caller-given root), pyHanko's difference analysis looks
at what later incremental updates changed: a drawing overlaid on the page after
signing leaves the signed bytes intact (poppler's pdfsig still says "valid"),
but it is not a signature or form-filling change, so we report "modified".
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from contextlib import suppress
from dataclasses import dataclass, field, fields
from io import BytesIO

from asn1crypto import x509 as asn1_x509
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.diff_analysis import ModificationLevel
from pyhanko.sign.fields import enumerate_sig_fields
from pyhanko.sign.validation import (
    DocumentSecurityStore,
    EmbeddedPdfSignature,
    validate_pdf_signature,
    validate_pdf_timestamp,
)
from pyhanko.sign.validation.settings import KeyUsageConstraints
from pyhanko_certvalidator import ValidationContext

from ._sync import outside_event_loop
from .errors import DocumentError
from .keys import to_asn1_certificate

VALID = "valid"
INVALID = "invalid"
MODIFIED = "modified"
UNTRUSTED = "untrusted"


@dataclass
class SignatureReport:
    """What a person needs to know about one signature (or document timestamp)."""

    field_name: str
    kind: str = "signature"  # or "document_timestamp"
    status: str = INVALID
    signer_common_name: str | None = None
    signing_time: str | None = None  # claimed by the signer (CMS signingTime)
    timestamp_time: str | None = None  # from an RFC 3161 token, if any
    certificate_chain: list[str] = field(default_factory=list)  # leaf first
    trusted: bool = False
    intact: bool = False  # digest over the signed byte ranges matches
    cryptographically_valid: bool = False
    covers_whole_file: bool = False
    modified_after_signing: bool = False  # something other than signatures/DSS was changed
    modification_level: str | None = None  # pyHanko's ModificationLevel name
    pades_level: str | None = None  # B-B, B-T, B-LT, B-LTA
    revocation_info_embedded: bool = False
    certified: bool = False
    problems: list[str] = field(default_factory=list)

    def __setattr__(self, name: str, value) -> None:
        # pyHanko's names are str subclasses (TextStringObject) whose instance dict can reach
        # the parsed PDF: pickled back from the worker and deep-copied, 300 of them cost the
        # server 111 s. Every value is stored plain, at construction and on later assignment.
        if isinstance(value, str):
            value = str(value)
        elif isinstance(value, list):
            value = [str(v) if isinstance(v, str) else v for v in value]
        object.__setattr__(self, name, value)

    def to_dict(self) -> dict:
        """Shallow: every field is a plain value or a list of them."""
        return {f.name: (list(v) if isinstance(v := getattr(self, f.name), list) else v)
                for f in fields(self)}


def _cn(cert: asn1_x509.Certificate) -> str:
    native = cert.subject.native
    return native.get("common_name") or cert.subject.human_friendly


def _chain_from_embedded(emb: EmbeddedPdfSignature) -> list[str]:
    leaf = emb.signer_cert
    pool = list(emb.other_embedded_certs)
    chain = [leaf]
    while len(chain) < 10:
        cur = chain[-1]
        if cur.self_signed in ("yes", "maybe"):
            break
        nxt = next((c for c in pool if c.subject == cur.issuer and c not in chain), None)
        if nxt is None:
            break
        chain.append(nxt)
    return [c.subject.human_friendly for c in chain]


def _has_signature_timestamp(emb: EmbeddedPdfSignature) -> bool:
    ua = emb.signer_info["unsigned_attrs"]
    if not ua:
        return False
    return any(a["type"].native == "signature_time_stamp_token" for a in ua)


def _revocation_info(reader: PdfFileReader) -> bool:
    try:
        dss = DocumentSecurityStore.read_dss(reader)
    except Exception:  # no DSS, or an unreadable one: nothing usable embedded
        return False
    return bool(dss.ocsps or dss.crls)


def _pades_level(
    emb: EmbeddedPdfSignature, reader: PdfFileReader, revinfo: bool, doc_ts_revisions: list[int]
) -> str:
    # PAdES B-LT and B-LTA build on B-T: without a signature timestamp stay at B-B.
    if not _has_signature_timestamp(emb):
        return "B-B"
    if not revinfo:
        return "B-T"
    if any(rev > emb.signed_revision for rev in doc_ts_revisions):
        return "B-LTA"
    return "B-LT"


def validation_context(trust_roots: Iterable = (), crls: Iterable[bytes] = ()) -> ValidationContext:
    """Context trusting exactly ``trust_roots``; never fetches OCSP/CRL over the network."""
    from asn1crypto import crl as asn1_crl

    return ValidationContext(
        trust_roots=[to_asn1_certificate(c) for c in trust_roots],
        crls=[asn1_crl.CertificateList.load(c) for c in crls],
        allow_fetching=False,
        revocation_mode="soft-fail",
    )


def _open_reader(pdf: bytes) -> PdfFileReader:
    if not isinstance(pdf, bytes | bytearray) or b"%PDF" not in bytes(pdf[:1024]):
        raise DocumentError("input does not start with a %PDF header", code="not_a_pdf")
    try:
        reader = PdfFileReader(BytesIO(bytes(pdf)), strict=False)
        _ = reader.root["/Pages"]
    except Exception as exc:
        raise DocumentError(f"cannot parse PDF: {exc}", code="not_a_pdf") from exc
    return reader


def _embedded(reader: PdfFileReader) -> list[tuple[str, EmbeddedPdfSignature | None, str | None]]:
    """All filled signature fields; a field whose signature can't be parsed gets the error."""
    out = []
    for name, _value, field_ref in enumerate_sig_fields(reader, filled_status=True):
        try:
            out.append((name, EmbeddedPdfSignature(reader, field_ref, name), None))
        except Exception as exc:
            out.append((name, None, f"unreadable signature: {type(exc).__name__}: {exc}"))

    def order(item):
        emb = item[1]
        return emb.signed_revision if emb is not None else 1 << 30

    return sorted(out, key=order)


def _status(rep: SignatureReport) -> str:
    if not (rep.intact and rep.cryptographically_valid):
        return INVALID
    if rep.modified_after_signing:
        return MODIFIED
    if not rep.trusted:
        return UNTRUSTED
    return VALID


def _report(
    name: str,
    emb: EmbeddedPdfSignature,
    reader: PdfFileReader,
    vc_factory,
    revinfo: bool,
    doc_ts_revisions: list[int],
) -> SignatureReport:
    is_ts = emb.sig_object_type == "/DocTimeStamp"
    rep = SignatureReport(field_name=name, kind="document_timestamp" if is_ts else "signature")
    rep.signer_common_name = _cn(emb.signer_cert)
    rep.certificate_chain = _chain_from_embedded(emb)
    reported = emb.self_reported_timestamp
    rep.signing_time = reported.isoformat() if reported else None
    if is_ts:
        status = validate_pdf_timestamp(emb, validation_context=vc_factory())
        rep.timestamp_time = status.timestamp.isoformat()
    else:
        rep.certified = emb.docmdp_level is not None
        status = validate_pdf_signature(
            emb,
            signer_validation_context=vc_factory(),
            ts_validation_context=vc_factory(),
            key_usage_settings=KeyUsageConstraints(
                key_usage={"non_repudiation", "digital_signature"},
                match_all_key_usages=False,
            ),
        )
        if status.signer_reported_dt:
            rep.signing_time = status.signer_reported_dt.isoformat()
        tsv = status.timestamp_validity
        if tsv is not None:
            rep.timestamp_time = tsv.timestamp.isoformat()
            if not (tsv.intact and tsv.valid):
                rep.problems.append("signature timestamp token is invalid")
            elif not tsv.trusted:
                rep.problems.append("signature timestamp token is not trusted")
        rep.pades_level = _pades_level(emb, reader, revinfo, doc_ts_revisions)
        rep.revocation_info_embedded = revinfo
    rep.intact = bool(status.intact)
    rep.cryptographically_valid = bool(status.valid)
    rep.trusted = bool(status.trusted)
    if status.validation_path is not None and rep.trusted:
        certs = list(status.validation_path.iter_certs(include_root=True))
        rep.certificate_chain = [c.subject.human_friendly for c in reversed(certs)]
    level = status.modification_level
    rep.modification_level = level.name if level is not None else None
    rep.covers_whole_file = status.coverage is not None and status.coverage.name == "ENTIRE_FILE"
    # pyHanko's bottom_line folds trust in; we keep "changed" and "trusted" apart.
    # Later signatures/form filling are allowed after a signature, only DSS and
    # timestamp updates after a document timestamp.
    allowed = ModificationLevel.LTA_UPDATES if is_ts else ModificationLevel.FORM_FILLING
    rep.modified_after_signing = status.docmdp_ok is False and not is_ts
    if level is not None and level > allowed:
        rep.modified_after_signing = True
    if not rep.intact:
        rep.problems.append("signed bytes were changed")
    elif not rep.cryptographically_valid:
        rep.problems.append("signature value does not verify")
    if rep.modified_after_signing:
        rep.problems.append(f"document changed after signing ({rep.modification_level})")
    if not rep.trusted and rep.intact and rep.cryptographically_valid:
        rep.problems.append("certificate does not chain to a trusted root")
    if is_ts:
        rep.status = _status(rep)
    else:
        tsv = status.timestamp_validity
        rep.status = _status(rep)
        if rep.status == VALID and tsv is not None and not tsv.trusted:
            rep.status = UNTRUSTED
        if tsv is not None and not (tsv.intact and tsv.valid):
            rep.status = INVALID
    return rep


# Validation cost grows with the square of the signature fields (every signature's
# difference analysis walks every field); a file far beyond any real document is refused.
_SIG_FIELD_MARK = re.compile(rb"/FT\s*/Sig(?![A-Za-z0-9])")
_PAGE_MARK = re.compile(rb"/Type\s*/Page(?![A-Za-z0-9])")
_MAX_FIELD_NODES = 20_000


def _too_complex(what: str) -> DocumentError:
    return DocumentError(what, code="too_complex")


def precheck(pdf: bytes, *, max_pages: int, max_fields: int) -> None:
    """A scan of the raw bytes, before any parsing: refuse (too_complex) a file that shows
    more pages or signature fields than allowed. Objects hidden in compressed object
    streams escape it; :func:`validate_pdf`'s own limits catch those after opening."""
    if len(_SIG_FIELD_MARK.findall(pdf)) > max_fields:
        raise _too_complex(f"more than {max_fields} signature fields")
    if len(_PAGE_MARK.findall(pdf)) > max_pages:
        raise _too_complex(f"more than {max_pages} pages")


def _check_structure(reader: PdfFileReader, max_pages: int | None, max_fields: int | None) -> None:
    root = reader.root
    if max_pages is not None:
        try:
            count = int(root["/Pages"].get("/Count", 0))
        except Exception:
            count = 0
        if count > max_pages:
            raise _too_complex(f"{count} pages (limit {max_pages})")
    if max_fields is None:
        return
    try:
        fields = root["/AcroForm"]["/Fields"]
    except Exception:
        return
    # An explicit stack (no recursion) with a ceiling on nodes: loops and deep trees end.
    pending, signatures, seen = [(f, None) for f in fields], 0, 0
    while pending:
        seen += 1
        if seen > _MAX_FIELD_NODES:
            raise _too_complex("form field tree too large")
        ref, inherited = pending.pop()
        try:
            node = ref.get_object()
            kind = node.get("/FT", inherited)
            kids = node.get("/Kids")
        except Exception:
            continue
        if kids:
            pending.extend((k, kind) for k in kids)
        elif kind == "/Sig":
            signatures += 1
            if signatures > max_fields:
                raise _too_complex(f"more than {max_fields} signature fields")


@outside_event_loop
def validate_pdf(
    pdf: bytes, trust_roots: Iterable = (), *, crls: Iterable[bytes] = (),
    max_pages: int | None = None, max_fields: int | None = None,
) -> list[SignatureReport]:
    """Validate all signatures (and document timestamps) in ``pdf``, oldest first.

    ``trust_roots``: root certificates (asn1crypto, pyca, DER or PEM) to trust;
    with none, every signature is at best "untrusted". Raises DocumentError
    (not_a_pdf) when the bytes are not a readable PDF; a broken signature is
    reported with status "invalid", never raised. With ``max_pages``/``max_fields`` a file
    beyond them raises DocumentError(too_complex) before any signature is looked at.
    """
    reader = _open_reader(pdf)
    _check_structure(reader, max_pages, max_fields)
    roots = [to_asn1_certificate(c) for c in trust_roots]
    crls = list(crls)

    def vc_factory():
        # a fresh context per check: contexts cache path-building state
        return validation_context(roots, crls)

    try:
        entries = _embedded(reader)
    except Exception as exc:
        raise DocumentError(f"cannot enumerate signature fields: {exc}", code="not_a_pdf") from exc
    revinfo = _revocation_info(reader)
    doc_ts_revisions = [
        emb.signed_revision
        for _, emb, _ in entries
        if emb is not None and emb.sig_object_type == "/DocTimeStamp"
    ]
    reports = []
    for name, emb, err in entries:
        if emb is None:
            reports.append(SignatureReport(field_name=name, problems=[err or "unreadable"]))
            continue
        try:
            reports.append(_report(name, emb, reader, vc_factory, revinfo, doc_ts_revisions))
        except Exception as exc:  # any parser/crypto failure means: do not trust it
            rep = SignatureReport(field_name=name, problems=[f"{type(exc).__name__}: {exc}"])
            with suppress(Exception):
                rep.signer_common_name = _cn(emb.signer_cert)
            reports.append(rep)
    return reports


def summarise_field(pdf: bytes, field_name: str) -> tuple[str, str | None]:
    """PAdES level and claimed signing time of one signature, without trust checks."""
    reader = _open_reader(pdf)
    entries = _embedded(reader)
    revinfo = _revocation_info(reader)
    doc_ts = [
        e.signed_revision
        for _, e, _ in entries
        if e is not None and e.sig_object_type == "/DocTimeStamp"
    ]
    for name, emb, _ in entries:
        if name == field_name and emb is not None:
            ts = emb.self_reported_timestamp
            return _pades_level(emb, reader, revinfo, doc_ts), ts.isoformat() if ts else None
    return "unknown", None
