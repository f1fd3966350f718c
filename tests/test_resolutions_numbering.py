"""Gap-free numbering under concurrent issue requests (threads, and separate processes
each with its own app, engine and SQLite connections on one database file)."""

from __future__ import annotations

import multiprocessing
import secrets

import pytest
from sqlalchemy import select

from paperless import db
from paperless.models import Meeting, Resolution, ResolutionCounter
from paperless.services import signing_keys
from tests.resolution_support import issue_many, make_test_ca


@pytest.fixture
def twenty(demo, monkeypatch):
    monkeypatch.delenv(signing_keys.PASSPHRASE_ENV, raising=False)
    make_test_ca()
    meeting = db.session.scalar(select(Meeting).order_by(Meeting.id))
    rows = [Resolution(council_id=meeting.council_id, meeting_id=meeting.id,
                       title=f"Nghị quyết thử số {i}", kind="individual", state="to_issue",
                       public_id=secrets.token_urlsafe(12), signatures=[]) for i in range(20)]
    db.session.add_all(rows)
    db.session.commit()
    return [r.id for r in rows]


def _numbers() -> list[int]:
    db.session.expire_all()
    return sorted(db.session.scalars(select(Resolution.number).where(
        Resolution.number.is_not(None))))


def test_twenty_concurrent_issues_in_threads(database_url, instance, twenty, monkeypatch):
    # some send a broken PDF (refused before numbering), some fail after taking a number:
    # neither may leave a hole
    modes = {i: "broken" if k % 7 == 0 else "fail_inside" if k % 7 == 3 else "ok"
             for k, i in enumerate(twenty)}
    results = issue_many(database_url, str(instance), list(modes.items()))
    assert len(results) == 20
    errors = sorted(code for _, _, code in results if code)
    failed = sum(m != "ok" for m in modes.values())
    assert errors == sorted(["not_a_pdf" if m == "broken" else "failed after numbering"
                             for m in modes.values() if m != "ok"])
    assert _numbers() == list(range(1, 21 - failed))
    assert db.session.scalar(select(ResolutionCounter.last_number)) == 20 - failed
    # the failed ones are still waiting, and get the next numbers when retried
    retry = issue_many(database_url, str(instance),
                       [(i, "ok") for i, m in modes.items() if m != "ok"])
    assert sorted(n for _, n, _ in retry) == list(range(21 - failed, 21))
    assert _numbers() == list(range(1, 21))


def test_twenty_concurrent_issues_from_four_processes(database_url, instance, twenty):
    ctx = multiprocessing.get_context("spawn")
    chunks = [[(i, "ok") for i in twenty[k::4]] for k in range(4)]
    with ctx.Pool(4) as pool:
        parts = pool.starmap(issue_many, [(database_url, str(instance), c) for c in chunks])
    results = [r for part in parts for r in part]
    assert [code for _, _, code in results if code] == []
    assert sorted(n for _, n, _ in results) == list(range(1, 21))
    assert _numbers() == list(range(1, 21))


def test_the_same_resolution_issued_five_times_at_once(database_url, instance, twenty):
    results = issue_many(database_url, str(instance), [(twenty[0], "ok")] * 5)
    assert sorted(n for _, n, _ in results if n) == [1]
    assert sorted(code for _, _, code in results if code) == ["wrong_state"] * 4
    assert _numbers() == [1]
