"""Encryption of a finished backup with GnuPG's symmetric mode (OpenPGP, RFC 4880).

Why gpg: it is in every Debian, maintained, and its symmetric mode is authenticated (the
modification detection code makes decryption fail on any changed byte), with a salted,
iterated key derivation from the passphrase. `age` would do too but is not installed here;
`openssl enc` has no authentication. No cryptography is done in this project's code.
The passphrase comes from PAPERLESS_BACKUP_PASSPHRASE and reaches gpg through a pipe,
never the command line. gpg runs with a throw-away home folder (no keyring is touched).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tarfile
import tempfile
from contextlib import contextmanager
from pathlib import Path

from paperless.backup.layout import BackupError

PASSPHRASE_ENV = "PAPERLESS_BACKUP_PASSPHRASE"


def passphrase() -> bytes:
    value = os.environ.get(PASSPHRASE_ENV, "")
    if len(value) < 12:
        raise BackupError(f"Đặt {PASSPHRASE_ENV} (ít nhất 12 ký tự) để mã hóa/giải mã bản "
                          "sao lưu.")
    return value.encode()


@contextmanager
def _gpg(args: list[str], **popen):
    gpg = shutil.which("gpg")
    if not gpg:
        raise BackupError("Không tìm thấy gpg (apt-get install gnupg).")
    home = tempfile.mkdtemp(prefix="kyhop-gpg-")
    read_end, write_end = os.pipe()
    os.write(write_end, passphrase())
    os.close(write_end)
    try:
        proc = subprocess.Popen(
            [gpg, "--batch", "--quiet", "--homedir", home, "--pinentry-mode", "loopback",
             "--no-symkey-cache", "--passphrase-fd", str(read_end), *args],
            pass_fds=(read_end,), stderr=subprocess.PIPE, **popen)
        os.close(read_end)
        read_end = -1
        yield proc
    finally:
        if read_end >= 0:
            os.close(read_end)
        subprocess.run(["gpgconf", "--homedir", home, "--kill", "gpg-agent"],
                       capture_output=True, check=False)
        shutil.rmtree(home, ignore_errors=True)


def encrypt_folder(folder: Path, target: Path) -> None:
    """tar of `folder` (its name as the top entry) → gpg --symmetric AES-256 → `target`."""
    fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as out, _gpg(
            ["--symmetric", "--cipher-algo", "AES256", "--s2k-digest-algo", "SHA512",
             "--s2k-mode", "3", "--s2k-count", "65011712", "--compress-algo", "none",
             "--output", "-"], stdin=subprocess.PIPE, stdout=out) as proc:
        with tarfile.open(fileobj=proc.stdin, mode="w|") as tar:
            tar.add(folder, arcname=folder.name)
        proc.stdin.close()
        err = proc.stderr.read()
        if proc.wait():
            raise BackupError(f"gpg không mã hóa được: {err.decode(errors='replace')[-300:]}")
        out.flush()
        os.fsync(out.fileno())


def decrypt_to(source: Path, workdir: Path) -> Path:
    """Decrypt and unpack into `workdir`; any changed byte or wrong passphrase: refused."""
    with source.open("rb") as src, _gpg(["--decrypt"], stdin=src,
                                        stdout=subprocess.PIPE) as proc:
        try:
            with tarfile.open(fileobj=proc.stdout, mode="r|") as tar:
                tar.extractall(workdir, filter="data")
        except tarfile.TarError as exc:
            proc.kill()
            raise BackupError(f"{source.name}: không giải nén được ({exc}).",
                              source.name) from exc
        err = proc.stderr.read()
        if proc.wait():
            raise BackupError(f"{source.name}: giải mã thất bại — sai mật khẩu hoặc tệp đã bị "
                              f"thay đổi ({err.decode(errors='replace').strip()[-200:]}).",
                              source.name)
    entries = [p for p in workdir.iterdir() if p.is_dir()]
    if len(entries) != 1:
        raise BackupError(f"{source.name}: nội dung không phải một bản sao lưu.", source.name)
    return entries[0]
