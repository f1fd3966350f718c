"""The secret ballot box: ballots sealed under a per-vote key that never reaches the files.

Whoever copies the database files (SQLite file and WAL, PostgreSQL heap and pg_wal, a
backup) sees, for each cast, the participation row and a sealed ballot written in the same
commit — the position of the cells, the WAL frame, the xmin all pair them. So the pairing
is not hidden; the content is. A ballot is AES-256-GCM ciphertext of a record padded to one
length for the whole vote (every ballot of a vote has the same size), under a random key
made when the vote opens. That key is stored only wrapped (AES-GCM) under the ballot master
key, which comes from the environment (`PAPERLESS_BALLOT_KEY`) and lives in the processes'
memory, never in the database or its backups. Any process can therefore unseal after a
crash: a ballot acknowledged after its commit is durable.

At close the process unseals, tallies, and in the same transaction deletes the sealed
ballots and the wrapped key; then it scrubs what the files still hold: SQLite runs with
`secure_delete` (freed cells are zeroed) and the WAL is checkpointed and truncated;
PostgreSQL runs `VACUUM FULL` on the two tables, which rewrites them into new files without
the dead tuples. From then on even the master key opens nothing. See docs/ARCHITECTURE.md.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import secrets

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from flask import current_app
from sqlalchemy import delete, select, text

from paperless import db
from paperless.domain import voting as rules
from paperless.models import SecretBallot, SecretBallotKey, Vote

log = logging.getLogger(__name__)
NONCE = 12
_keys: dict[int, bytes] = {}  # vote id → its key, this process only


def master_key() -> bytes:
    """32 bytes from PAPERLESS_BALLOT_KEY (any string; hashed), read once into config. Without
    it (development, tests) the key is derived from the app's secret key — which lives in a
    file, so production must set the variable (the app warns at start otherwise)."""
    configured = current_app.config.get("BALLOT_KEY")
    source = configured or "derived:" + str(current_app.config["SECRET_KEY"])
    return hashlib.sha256(b"paperless ballot master key\0" + source.encode()).digest()


def sealed_votes_at_risk_in_backup() -> list[Vote]:
    """The secret votes still open (their wrapped key is in the database) while no
    PAPERLESS_BALLOT_KEY is configured: the master key is then derived from the app's secret
    key, which every backup holds, so a backup would carry everything needed to open those
    ballots. `flask backup` refuses while this list is not empty."""
    if current_app.config.get("BALLOT_KEY"):
        return []
    return list(db.session.scalars(select(Vote).join(
        SecretBallotKey, SecretBallotKey.vote_id == Vote.id).order_by(Vote.id)))


def _aad(vote_id: int, what: str) -> bytes:
    return f"paperless:{what}:{vote_id}".encode()


def create_key(vote: Vote) -> None:
    """At opening: a fresh key for this vote, stored wrapped under the master key."""
    key = AESGCM.generate_key(bit_length=256)
    nonce = os.urandom(NONCE)
    wrapped = nonce + AESGCM(master_key()).encrypt(nonce, key, _aad(vote.id, "key"))
    db.session.add(SecretBallotKey(vote_id=vote.id, wrapped=wrapped))
    _keys[vote.id] = key


def _key(vote: Vote) -> bytes:
    key = _keys.get(vote.id)
    if key is None:
        row = db.session.get(SecretBallotKey, vote.id)
        if row is None:
            raise LookupError(f"vote {vote.id} has no ballot key (closed or never opened)")
        wrapped = bytes(row.wrapped)
        key = AESGCM(master_key()).decrypt(wrapped[:NONCE], wrapped[NONCE:], _aad(vote.id, "key"))
        _keys[vote.id] = key
    return key


def record_length(vote: Vote) -> int:
    """The longest record any ballot of this vote can encode to; every one is padded to it,
    so a sealed ballot's size says nothing about its content."""
    ids = [o[0] for o in vote.options]
    if vote.kind == "secret":
        worst = {"choice": max((str(c) for c in ids), key=len)}
    elif vote.kind == "election":
        worst = {"selections": sorted(ids, key=lambda i: len(str(i)))[-vote.seats:]}
    else:
        levels = rules.CONFIDENCE_LEVELS if vote.kind == "confidence" else \
            rules.NO_CONFIDENCE_LEVELS
        longest = max((c for c, _ in levels), key=len)
        worst = {"ratings": {str(p): longest for p in ids}}
    return len(_encode(worst)) + 8


def _encode(content: dict) -> bytes:
    return json.dumps(content, sort_keys=True, separators=(",", ":")).encode()


def seal(vote: Vote, content: dict) -> SecretBallot:
    record = _encode(content)
    record += b" " * (record_length(vote) - len(record))  # JSON ignores trailing blanks
    nonce = os.urandom(NONCE)
    sealed = nonce + AESGCM(_key(vote)).encrypt(nonce, record, _aad(vote.id, "ballot"))
    return SecretBallot(id=secrets.token_hex(16), vote_id=vote.id, sealed=sealed)


def contents(vote: Vote) -> list[dict]:
    """Unseal every ballot of the vote (at close, for the tally only)."""
    box = AESGCM(_key(vote))
    out = []
    for sealed in db.session.scalars(select(SecretBallot.sealed).where(
            SecretBallot.vote_id == vote.id)):
        sealed = bytes(sealed)
        out.append(json.loads(box.decrypt(sealed[:NONCE], sealed[NONCE:],
                                          _aad(vote.id, "ballot"))))
    return out


def destroy(vote: Vote) -> None:
    """In the closing (or cancelling) transaction: the sealed ballots and the key go."""
    db.session.execute(delete(SecretBallot).where(SecretBallot.vote_id == vote.id))
    db.session.execute(delete(SecretBallotKey).where(SecretBallotKey.vote_id == vote.id))
    _keys.pop(vote.id, None)


def scrub() -> None:
    """After the closing commit: remove the deleted bytes from the files themselves. Best
    effort — a busy WAL is truncated at the next scrub; what stays is ciphertext whose key
    is gone."""
    engine = db.session.get_bind()
    try:
        if engine.dialect.name == "sqlite":
            with engine.connect() as conn:
                # TRUNCATE waits for readers: never hold the (gevent) server for long.
                conn.exec_driver_sql("PRAGMA busy_timeout=250")
                try:
                    busy = conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)").first()
                finally:
                    conn.exec_driver_sql("PRAGMA busy_timeout=30000")
                if busy and busy[0]:
                    log.warning("ballot scrub: WAL busy, truncated at the next close")
        elif engine.dialect.name == "postgresql":
            with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                # casts of other meetings queue behind the lock: wait briefly or skip
                conn.execute(text("SET lock_timeout = '2s'"))
                conn.execute(text("VACUUM FULL secret_ballot, secret_ballot_key"))
    except Exception:  # the vote is closed and its tally committed; the scrub is extra
        log.exception("ballot scrub failed")
