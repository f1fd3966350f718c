"""Anchors of the audit record, kept outside the database.

An administrator with database access can drop the triggers, delete entries, renumber and
re-hash the chain with the app's own canonical form: the chain alone then verifies. So at
every vote announcement, every minutes finalisation and hourly (`flask --app paperless
audit anchor` from cron/systemd), the chain head — and the hash of every entry since the
previous anchor — is signed with a council's organisation key (RFC 3161 timestamp when
PAPERLESS_TSA_URL is set) and written as a file under `<PAPERLESS_SIGNING_DIR>/anchors/`.
`audit.verify(anchored=…)` compares the chain with every anchor and names the first entry
that disagrees. Anchor files are written once and never changed (0600, the app's umask).
"""

from __future__ import annotations

import json
import logging
import os
import tempfile
from datetime import UTC, datetime
from pathlib import Path

from cryptography import x509
from sqlalchemy import select

import signing
from paperless import db
from paperless.models import AuditEntry, Council
from paperless.services import audit, signing_keys

FORMAT = "paperless-audit-anchor/1"
log = logging.getLogger(__name__)


def folder() -> Path:
    return signing_keys.folder() / "anchors"


def _signed_bytes(body: dict) -> bytes:
    fields = {k: body[k] for k in ("format", "seq", "hash", "at", "reason", "council_id",
                                   "from_seq", "hashes")}
    return json.dumps(fields, sort_keys=True, separators=(",", ":")).encode()


def _signing_council(council_id: int | None) -> int | None:
    """The council whose organisation key signs: the one the event belongs to, else (the
    hourly anchor) the first council that has a key."""
    candidates = [council_id] if council_id is not None else list(
        db.session.scalars(select(Council.id).order_by(Council.id)))
    for candidate in candidates:
        if signing_keys.key_path(candidate, "organisation").is_file():
            return candidate
    return None


def write(reason: str, council_id: int | None = None) -> Path | None:
    """Anchor the current chain head. Returns the file, or None when the chain is empty."""
    seq, head_hash = audit.head()
    if seq == 0:
        return None
    previous = max((n for n in _anchored_seqs() if n <= seq), default=0)
    hashes = list(db.session.scalars(select(AuditEntry.hash).where(
        AuditEntry.id > previous, AuditEntry.id <= seq).order_by(AuditEntry.id)))
    db.session.commit()  # read only: release the snapshot before signing
    at = datetime.now(UTC)
    body = {"format": FORMAT, "seq": seq, "hash": head_hash,
            "at": at.strftime("%Y-%m-%dT%H:%M:%S.%fZ"), "reason": reason[:40],
            "council_id": council_id, "from_seq": previous + 1, "hashes": hashes,
            "signature": None, "timestamp": None}
    signer = _signing_council(council_id)
    if signer is not None:
        body["signed_by_council"] = signer
        body["signature"] = signing.sign_detached(
            signing_keys.key_path(signer, "organisation"),
            signing_keys.passphrase_env(signer, "organisation"), _signed_bytes(body))
        stamper = signing_keys.timestamper()
        if stamper is not None:
            body["timestamp"] = signing.timestamp_token(
                stamper, json.dumps(body["signature"], sort_keys=True).encode())
    target = folder()
    target.mkdir(parents=True, exist_ok=True)
    name = f"{seq:010d}-{at.strftime('%Y%m%dT%H%M%S%fZ')}-{reason[:20]}.json"
    fd, tmp = tempfile.mkstemp(dir=target, prefix=".incoming-")
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        json.dump(body, handle, ensure_ascii=False, indent=1)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(tmp, target / name)
    return target / name


def _anchored_seqs() -> list[int]:
    """The head ids already anchored, from the file names (no file is opened)."""
    if not folder().is_dir():
        return []
    return [int(p.name[:10]) for p in folder().glob("*.json") if p.name[:10].isdigit()]


def write_quietly(reason: str, council_id: int | None) -> None:
    """The automatic anchors (after an announcement or a finalisation has committed): a key
    or timestamp problem is logged, never undoes or fails what was done."""
    try:
        write(reason, council_id)
    except Exception:
        log.exception("audit anchor (%s) not written", reason)


def _trusted(signature: dict) -> str:
    """Valid over its data and issued by a root of the signing folder: the signer's name."""
    roots = []
    for path in [signing_keys.folder() / "ca.pem",
                 *sorted(signing_keys.folder().glob("council-*/ca.pem"))]:
        if path.is_file():
            roots += x509.load_pem_x509_certificates(path.read_bytes())
    cert = x509.load_pem_x509_certificate(signature["certificate"].encode())
    for root in roots:
        try:
            cert.verify_directly_issued_by(root)
            return cert.subject.rfc4514_string()
        except Exception:  # any mismatch (key type, signature): not this root
            continue
    raise signing.SigningError("certificate not issued by a trusted root",
                               code="signature_mismatch")


def _read_all() -> tuple[list[dict], list[str]]:
    """Every anchor file, with the problems of those that cannot be used."""
    anchors, problems = [], []
    if not folder().is_dir():
        return anchors, problems
    for path in sorted(folder().glob("*.json")):
        try:
            body = json.loads(path.read_text(encoding="utf-8"))
            if body.get("format") != FORMAT or not isinstance(body.get("hashes"), list):
                raise ValueError("not an anchor")
            body["file"] = path.name
            anchors.append(body)
        except (OSError, ValueError) as exc:
            problems.append(f"{path.name}: {exc}")
    return anchors, problems


def expected() -> tuple[dict[int, tuple[str, str]], list[str]]:
    """entry id → (hash, anchor file) from every anchor whose signature holds (an unsigned
    anchor counts, and says so in the verdict); problems of the others."""
    anchors, problems = _read_all()
    hashes: dict[int, tuple[str, str]] = {}
    for anchor in anchors:
        if anchor.get("signature") is not None:
            try:
                signing.verify_detached(anchor["signature"], _signed_bytes(anchor))
                _trusted(anchor["signature"])
            except (signing.SigningError, ValueError, KeyError) as exc:
                problems.append(f"{anchor['file']}: chữ ký không hợp lệ ({exc})")
                continue
        for offset, value in enumerate(anchor["hashes"]):
            seq = anchor["from_seq"] + offset
            known = hashes.get(seq)
            if known and known[0] != value:
                problems.append(f"{anchor['file']} và {known[1]} khác nhau ở mục {seq}")
            hashes.setdefault(seq, (value, anchor["file"]))
        hashes.setdefault(anchor["seq"], (anchor["hash"], anchor["file"]))
    return hashes, problems
