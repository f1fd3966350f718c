"""Content-addressed file store: a blob's name is its SHA-256, so one file is stored once."""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
from pathlib import Path

_HEX64 = re.compile(r"^[0-9a-f]{64}$")


class BlobStore:
    def __init__(self, root: str | os.PathLike):
        self.root = Path(root)

    def path(self, sha256: str) -> Path:
        if not _HEX64.match(sha256):  # never let a caller build a path from other input
            raise ValueError("not a SHA-256 hex digest")
        return self.root / sha256[:2] / sha256[2:]

    def relative(self, sha256: str) -> str:
        return f"{sha256[:2]}/{sha256[2:]}"

    def exists(self, sha256: str) -> bool:
        return self.path(sha256).is_file()

    def put(self, data: bytes) -> tuple[str, bool]:
        """Store `data`; returns (sha256, newly_written). Atomic: a reader never sees half a file."""
        sha = hashlib.sha256(data).hexdigest()
        target = self.path(sha)
        if target.is_file():
            return sha, False
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".incoming-")
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(tmp, target)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        return sha, True

    def read(self, sha256: str) -> bytes:
        return self.path(sha256).read_bytes()

    def discard(self, sha256: str) -> None:
        """Remove a blob this request wrote when the database refused the record."""
        self.path(sha256).unlink(missing_ok=True)

    def count(self) -> int:
        return sum(1 for p in self.root.glob("??/*") if p.is_file()) if self.root.exists() else 0
