"""`flask --app paperless restore SRC`: check the backup, bring it back onto an empty
instance, upgrade it to the code's migration head, then prove it: audit chain, blobs."""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from paperless.backup import database, encryption, layout
from paperless.backup.layout import BackupError
from paperless.storage import BlobStore


@dataclass
class Target:
    database_url: str
    instance: Path
    signing_dir: Path
    force: bool = False


@dataclass
class Report:
    name: str
    revision_before: str | None = None
    revision_after: str | None = None
    tables: dict[str, tuple[int, int]] = field(default_factory=dict)  # manifest, restored
    blobs_checked: int = 0
    blob_problems: list[str] = field(default_factory=list)
    audit_ok: bool | None = None
    audit_message: str = ""
    restored_files: int = 0
    known_missing: list[str] = field(default_factory=list)  # named no file at backup time

    @property
    def ok(self) -> bool:
        return (self.audit_ok is not False and not self.blob_problems
                and all(a == b for a, b in self.tables.values()))


def _unpacked(source: Path, instance: Path):
    """(folder holding the backup, temporary folder to remove or None)."""
    if source.is_file() and source.name.endswith(layout.ENCRYPTED_SUFFIX):
        work = Path(tempfile.mkdtemp(prefix=".restore-", dir=layout.private_dir(
            instance / ".backup-work")))
        try:
            return encryption.decrypt_to(source, work), work
        except BaseException:
            shutil.rmtree(work, ignore_errors=True)
            raise
    return source, None


def _instance_empty(target: Target) -> list[str]:
    reasons = []
    if not database.is_empty(target.database_url):
        reasons.append("cơ sở dữ liệu đã có dữ liệu")
    if BlobStore(target.instance / "blobs").count():
        reasons.append("kho tệp (blobs) đã có tệp")
    return reasons


def restore(source: Path, target: Target, progress) -> Report:
    layout.private_dir(target.instance)
    folder, work = _unpacked(Path(source), target.instance)
    try:
        checked = layout.verify(folder, progress)  # nothing is touched before this passes
        return _restore(checked, target, progress)
    finally:
        if work is not None:
            shutil.rmtree(work, ignore_errors=True)


def _restore(checked: layout.Checked, target: Target, progress) -> Report:
    manifest, folder = checked.manifest, checked.folder
    kind = database.kind(target.database_url)
    if manifest["database"]["kind"] != kind:
        raise BackupError(f"Bản sao lưu là {manifest['database']['kind']}, cơ sở dữ liệu đích "
                          f"là {kind}: khôi phục vào cùng loại cơ sở dữ liệu.")
    busy = _instance_empty(target)
    if busy and not target.force:
        raise BackupError("Nơi khôi phục không trống (" + "; ".join(busy) + "). Dùng --force "
                          "để ghi đè.")
    report = Report(manifest["name"], revision_before=manifest["database"]["revision"])
    dump = folder / manifest["database"]["file"]
    progress("database", 0, 1)
    if kind == "sqlite":
        database.restore_sqlite(dump, target.database_url)
    else:
        database.empty_postgres(target.database_url)
        database.restore_postgres(dump, target.database_url)
    progress("database", 1, 1)

    files = manifest["files"]
    blob_names = [n for n in files if n.startswith("blobs/")]
    blobs_root = target.instance / "blobs"
    for done, name in enumerate(blob_names, 1):
        destination = blobs_root / name.removeprefix("blobs/")
        if not destination.is_file():
            _place(folder / name, destination, 0o644)
        progress("blobs", done, len(blob_names))
    secret = target.instance / "secret_key"
    _place(folder / "instance/secret_key", secret, 0o600)
    _place(folder / "instance/settings.json", target.instance / "restored-settings.json", 0o600)
    signing = [n for n in files if n.startswith("signing/")]
    for name in signing:
        _place(folder / name, target.signing_dir / name.removeprefix("signing/"), 0o600)
    report.restored_files = len(files)
    report.known_missing = list(manifest["blobs"].get("not_in_store", []))

    restored = _facts(target.database_url)
    for table, count in manifest["database"]["tables"].items():
        report.tables[table] = (count, restored.tables.get(table, -1))
    return report


def _place(source: Path, destination: Path, mode: int) -> None:
    """Copy next to the destination, then rename (a crash never leaves half a file)."""
    destination.parent.mkdir(parents=True, exist_ok=True)
    tmp = destination.with_name(f".incoming-{destination.name}-{os.getpid()}")
    shutil.copyfile(source, tmp)
    tmp.chmod(mode)
    os.replace(tmp, destination)


def _facts(url: str) -> database.Facts:
    from sqlalchemy import create_engine

    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return database.facts_of(conn)
    finally:
        engine.dispose()


def check_blobs(url: str, instance: Path, report: Report, progress,
                known_missing: frozenset = frozenset()) -> None:
    """Every blob the restored database names is on disk with the right SHA-256 (hashes
    that named no file already when the backup was made are listed in its manifest)."""
    store = BlobStore(instance / "blobs")
    refs = sorted(r for r in _facts(url).blob_refs if len(r) == 64)
    for done, sha in enumerate(refs, 1):
        try:
            path = store.path(sha)
        except ValueError:
            continue
        if path.is_file():
            digest = hashlib.sha256()
            with path.open("rb") as handle:
                while chunk := handle.read(layout.CHUNK):
                    digest.update(chunk)
            if digest.hexdigest() != sha:
                report.blob_problems.append(f"blobs/{store.relative(sha)}: SHA-256 khác tên tệp")
            report.blobs_checked += 1
        elif sha not in known_missing:
            report.blob_problems.append(f"blobs/{store.relative(sha)}: thiếu tệp")
        progress("check", done, len(refs))
