"""`flask --app paperless backup DEST`: one consistent, self-checking copy of a deployment."""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path

from paperless.backup import database, encryption, layout
from paperless.backup.layout import BackupError
from paperless.domain import retention
from paperless.storage import BlobStore

# Public parts of the signing folder; everything else (.p12, .key, PKCS#11 configs, the
# TEST CA's passphrase note) stays out unless the operator asks for private keys.
PUBLIC_SUFFIXES = {".pem", ".crt", ".cer", ".crl", ".der"}
# Settings never written into a backup: passphrases, PINs, keys.
SECRET_SETTING_WORDS = ("PASSPHRASE", "PIN", "SECRET", "PASSWORD", "TOKEN")


@dataclass
class Options:
    dest: Path
    database_url: str
    instance: Path
    signing_dir: Path
    secret_key: str
    include_private_keys: bool = False
    encrypt: bool = False
    copy_to: Path | None = None
    keep_daily: int | None = None
    keep_monthly: int | None = None


@dataclass
class Result:
    path: Path
    manifest: dict
    copies: list[Path] = field(default_factory=list)
    pruned: list[Path] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def _is_public(path: Path) -> bool:
    if path.suffix.lower() not in PUBLIC_SUFFIXES:
        return False
    with path.open("rb") as handle:  # a .pem may hold a key: never copy one by its name
        return b"PRIVATE KEY" not in handle.read(1024 * 1024)


def signing_files(folder: Path, include_private_keys: bool) -> list[Path]:
    if not folder.is_dir():
        return []
    chosen = []
    for path in sorted(p for p in folder.rglob("*") if p.is_file() and not p.is_symlink()):
        relative = path.relative_to(folder)
        if relative.parts[0] == "anchors" or include_private_keys or _is_public(path):
            chosen.append(path)
    return chosen


def settings_in_use() -> dict[str, str]:
    """The PAPERLESS_* environment, minus secrets; the database URL without its password."""
    from sqlalchemy.engine import make_url

    out = {}
    for name, value in sorted(os.environ.items()):
        if not name.startswith("PAPERLESS_") or any(w in name for w in SECRET_SETTING_WORDS):
            continue
        if name == "PAPERLESS_DATABASE_URL":
            value = make_url(value).render_as_string(hide_password=True)
        out[name] = value
    return out


def _unique_name(dest: Path) -> str:
    base = layout.backup_name(layout.now_local())
    name, n = base, 1
    while (dest / name).exists() or (dest / (name + layout.ENCRYPTED_SUFFIX)).exists():
        n += 1
        name = f"{base}-{n}"
    return name


def run(options: Options, progress) -> Result:
    old_umask = os.umask(0o077)
    try:
        return _run(options, progress)
    finally:
        os.umask(old_umask)


def _run(options: Options, progress) -> Result:
    if options.encrypt:
        encryption.passphrase()  # refuse before any work when it is missing
    dest = layout.private_dir(options.dest)
    layout.remove_stale_partials(dest)
    name = _unique_name(dest)
    # Plain files of an encrypted backup are assembled in the instance folder (where the data
    # already is in clear), so the destination medium only ever receives ciphertext.
    work_root = layout.private_dir(options.instance / ".backup-work") if options.encrypt else dest
    work = work_root / f"{layout.PARTIAL_PREFIX}{name}-{os.getpid()}"
    layout.private_dir(work)
    try:
        manifest, warnings = _assemble(options, work, name, progress)
        layout.finish(work, manifest)
        if options.encrypt:
            final = dest / (name + layout.ENCRYPTED_SUFFIX)
            partial = dest / f"{layout.PARTIAL_PREFIX}{name}-{os.getpid()}{layout.ENCRYPTED_SUFFIX}"
            progress("encrypt", 0, 1)
            encryption.encrypt_folder(work, partial)
            os.replace(partial, final)
            shutil.rmtree(work)
            progress("encrypt", 1, 1)
        else:
            final = dest / name
            os.replace(work, final)  # the one step that makes it a backup
        layout.fsync_dir(dest)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    result = Result(final, manifest, warnings=warnings)
    if options.copy_to:
        result.copies.append(copy_to(final, options.copy_to, progress))
    if options.keep_daily is not None or options.keep_monthly is not None:
        for folder in [dest, *([options.copy_to] if options.copy_to else [])]:
            result.pruned += prune(folder, options.keep_daily or 0, options.keep_monthly or 0)
    return result


def _assemble(options: Options, work: Path, name: str, progress) -> tuple[dict, list[str]]:
    files: dict[str, dict] = {}
    kind = database.kind(options.database_url)
    db_file = database.SQLITE_FILE if kind == "sqlite" else database.PG_FILE
    target = work / db_file
    snapshot = database.snapshot_sqlite if kind == "sqlite" else database.snapshot_postgres
    facts = snapshot(options.database_url, target, progress)
    for produced in (target, work / database.SECRET_FILE):
        if produced.is_file():
            files[produced.name] = {"sha256": layout.file_sha256(produced),
                                    "size": produced.stat().st_size}

    store = BlobStore(options.instance / "blobs")
    blobs = sorted(r for r in facts.blob_refs if _is_hex64(r))
    missing, warnings, total_bytes = [], [], 0
    for done, sha in enumerate(blobs, 1):
        source = store.path(sha)
        if source.is_file():
            relative = f"blobs/{store.relative(sha)}"
            digest, size = layout.copy_private(source, work / relative)
            if digest != sha:  # the live store itself is damaged: say so, keep it out
                (work / relative).unlink()
                missing.append(sha)
                warnings.append(f"blobs/{store.relative(sha)}: tệp trong kho đã hỏng "
                                "(SHA-256 khác tên), không sao lưu.")
            else:
                files[relative] = {"sha256": digest, "size": size}
                total_bytes += size
        else:
            missing.append(sha)  # a hash recorded in the database that names no file
        progress("blobs", done, len(blobs))

    secret = options.secret_key.encode()
    files["instance/secret_key"] = {"sha256": layout.write_private(work / "instance/secret_key",
                                                                   secret),
                                    "size": len(secret)}
    import json

    settings = json.dumps(settings_in_use(), ensure_ascii=False, indent=2).encode()
    files["instance/settings.json"] = {
        "sha256": layout.write_private(work / "instance/settings.json", settings),
        "size": len(settings)}

    signing = signing_files(options.signing_dir, options.include_private_keys)
    for done, path in enumerate(signing, 1):
        relative = f"signing/{path.relative_to(options.signing_dir).as_posix()}"
        digest, size = layout.copy_private(path, work / relative)
        files[relative] = {"sha256": digest, "size": size}
        progress("signing", done, len(signing))

    manifest = {
        "format": layout.FORMAT, "name": name,
        "created_at": layout.now_local().isoformat(timespec="seconds"),
        "database": {"kind": kind, "file": db_file, **facts.as_manifest()},
        "audit": {"entries": facts.audit_entries, "head_hash": facts.audit_head_hash},
        "blobs": {"referenced": len(blobs), "copied": len(blobs) - len(missing),
                  "bytes": total_bytes, "not_in_store": missing},
        "signing": {"files": len(signing), "private_keys": options.include_private_keys},
        "encrypted": options.encrypt,
        "files": files,
    }
    return manifest, warnings


def _is_hex64(value: str) -> bool:
    return len(value) == 64 and all(c in "0123456789abcdef" for c in value)


def copy_to(final: Path, folder: Path, progress) -> Path:
    """The same backup on a second medium: copied under `.partial-…`, checked, renamed."""
    folder = layout.private_dir(folder)
    layout.remove_stale_partials(folder)
    target = folder / final.name
    if target.exists():
        raise BackupError(f"{target} đã tồn tại.", str(target))
    partial = folder / f"{layout.PARTIAL_PREFIX}{final.name.removesuffix(layout.ENCRYPTED_SUFFIX)}" \
                       f"-{os.getpid()}{layout.ENCRYPTED_SUFFIX if final.is_file() else ''}"
    try:
        if final.is_file():
            digest, _size = layout.copy_private(final, partial)
            if digest != layout.file_sha256(final):
                raise BackupError(f"{partial}: bản sao thứ hai khác bản gốc.", str(partial))
        else:
            sources = sorted(p for p in final.rglob("*") if p.is_file())
            for done, source in enumerate(sources, 1):
                layout.copy_private(source, partial / source.relative_to(final))
                progress("copy", done, len(sources))
            layout.verify(partial)  # every hash again, read back from the second medium
        os.replace(partial, target)
        layout.fsync_dir(folder)
    except BaseException:
        layout.remove(partial)
        raise
    return target


def prune(folder: Path, keep_daily: int, keep_monthly: int) -> list[Path]:
    """Delete the complete backups retention does not keep (partials of dead runs too)."""
    removed = layout.remove_stale_partials(folder)
    entries = {layout.taken_at(p.name): p for p in layout.complete_backups(folder)}
    # several backups of one second ("-2"): the map keeps one; those are never pruned
    for moment in retention.to_delete(entries, keep_daily, keep_monthly):
        layout.remove(entries[moment])
        removed.append(entries[moment])
    return removed
