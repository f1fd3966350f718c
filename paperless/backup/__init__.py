"""Backups of a whole deployment and their restore (`flask --app paperless backup|restore`).

A backup is one folder `kyhop-YYYYMMDD-HHMMSS/` (or, encrypted, one `….tar.gpg` file):

    database.sqlite3 | database.pgdump   a consistent snapshot of the database
    blobs/ab/cdef…                        every blob the snapshot references
    instance/secret_key, settings.json    the secret key, the PAPERLESS_* settings in use
    signing/…                             certificates, ca.pem, CRLs, anchors/ (no keys)
    manifest.json                         SHA-256 of every file, revision, audit head, counts
    COMPLETE                              written last: the SHA-256 of manifest.json

It is built under `.partial-…` and renamed when complete, so an interrupted run leaves
nothing `restore` accepts. See docs/deploy.md (Backups).
"""

from paperless.backup.layout import BackupError

__all__ = ["BackupError"]
