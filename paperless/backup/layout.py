"""The backup's on-disk shape: names, permissions, hashing, the manifest and its check."""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path

FORMAT = "kyhop-backup/1"
MANIFEST = "manifest.json"
COMPLETE = "COMPLETE"
ENCRYPTED_SUFFIX = ".tar.gpg"
PARTIAL_PREFIX = ".partial-"
# Vietnam keeps one offset all year; backup names and report times are in it.
COUNCIL_TZ = timezone(timedelta(hours=7), "ICT")
_NAME = re.compile(r"^kyhop-(\d{8})-(\d{6})(?:-\d+)?$")
CHUNK = 1024 * 1024


class BackupError(Exception):
    """A backup or restore that must stop; `path` names the file at fault, if one is."""

    def __init__(self, message: str, path: str | None = None):
        super().__init__(message)
        self.message = message
        self.path = path


def now_local() -> datetime:
    return datetime.now(COUNCIL_TZ)


def backup_name(moment: datetime) -> str:
    return f"kyhop-{moment.astimezone(COUNCIL_TZ):%Y%m%d-%H%M%S}"


def taken_at(name: str) -> datetime | None:
    """The time in a backup's name (folder, or file without `.tar.gpg`), or None."""
    match = _NAME.match(name.removesuffix(ENCRYPTED_SUFFIX))
    if not match:
        return None
    return datetime.strptime(match[1] + match[2], "%Y%m%d%H%M%S").replace(tzinfo=COUNCIL_TZ)


def private_dir(path: Path) -> Path:
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    path.chmod(0o700)
    return path


def write_private(path: Path, data: bytes) -> str:
    private_dir(path.parent)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
    return hashlib.sha256(data).hexdigest()


def copy_private(source: Path, target: Path) -> tuple[str, int]:
    """Copy with mode 0600, hashing as it reads; returns (sha256, size)."""
    private_dir(target.parent)
    digest, size = hashlib.sha256(), 0
    fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with source.open("rb") as src, os.fdopen(fd, "wb") as dst:
        while chunk := src.read(CHUNK):
            digest.update(chunk)
            dst.write(chunk)
            size += len(chunk)
        dst.flush()
        os.fsync(dst.fileno())
    return digest.hexdigest(), size


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def finish(folder: Path, manifest: dict) -> None:
    """Write manifest.json, then COMPLETE holding its SHA-256 (the last file written)."""
    body = json.dumps(manifest, ensure_ascii=False, indent=2, sort_keys=True).encode()
    digest = write_private(folder / MANIFEST, body)
    write_private(folder / COMPLETE, f"{FORMAT} manifest-sha256 {digest}\n".encode())
    fsync_dir(folder)


@dataclass
class Checked:
    folder: Path
    manifest: dict


def verify(folder: Path, progress=None) -> Checked:
    """Refuse anything but a complete, unchanged backup; names the first file at fault."""
    folder = Path(folder)
    if not folder.is_dir():
        raise BackupError(f"Không tìm thấy thư mục sao lưu {folder}.", str(folder))
    marker = folder / COMPLETE
    if not marker.is_file():
        raise BackupError(f"{folder.name}: bản sao lưu chưa hoàn chỉnh (thiếu {COMPLETE}) — "
                          "có thể lần sao lưu đã bị ngắt giữa chừng.", COMPLETE)
    words = marker.read_text(errors="replace").split()
    manifest_file = folder / MANIFEST
    if len(words) != 3 or words[0] != FORMAT or not manifest_file.is_file():
        raise BackupError(f"{COMPLETE}: không đúng định dạng {FORMAT}.", COMPLETE)
    if file_sha256(manifest_file) != words[2]:
        raise BackupError(f"{MANIFEST}: mã SHA-256 không khớp với {COMPLETE} (tệp bị sửa).",
                          MANIFEST)
    manifest = json.loads(manifest_file.read_text())
    files: dict = manifest.get("files", {})
    on_disk = {p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()}
    extra = sorted(on_disk - set(files) - {MANIFEST, COMPLETE})
    if extra:
        raise BackupError(f"{extra[0]}: tệp không có trong manifest.json.", extra[0])
    for done, (name, meta) in enumerate(sorted(files.items()), 1):
        path = folder / name
        if not path.is_file():
            raise BackupError(f"{name}: thiếu tệp ghi trong manifest.json.", name)
        sha = file_sha256(path)
        if sha != meta["sha256"] or (name.startswith("blobs/")
                                     and name.removeprefix("blobs/").replace("/", "") != sha):
            raise BackupError(f"{name}: mã SHA-256 không khớp (tệp đã bị thay đổi).", name)
        if progress:
            progress("verify", done, len(files))
    return Checked(folder, manifest)


def is_complete(path: Path) -> bool:
    """A finished entry of a backup folder (encrypted files are complete once renamed)."""
    if path.name.startswith(PARTIAL_PREFIX) or taken_at(path.name) is None:
        return False
    if path.is_file():
        return path.name.endswith(ENCRYPTED_SUFFIX)
    return (path / COMPLETE).is_file()


def complete_backups(folder: Path) -> list[Path]:
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir() if is_complete(p))


def remove(path: Path) -> None:
    if path.is_dir():
        shutil.rmtree(path)
    else:
        path.unlink(missing_ok=True)


def remove_stale_partials(folder: Path) -> list[Path]:
    """`.partial-<name>-<pid>` of runs that died (SIGKILL, power cut): never complete."""
    removed = []
    for path in folder.glob(PARTIAL_PREFIX + "*") if folder.is_dir() else []:
        pid = path.name.removesuffix(ENCRYPTED_SUFFIX).rsplit("-", 1)[-1]
        if pid.isdigit() and _alive(int(pid)):
            continue
        remove(path)
        removed.append(path)
    return removed


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
