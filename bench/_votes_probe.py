"""Probe of bench_votes.py: what one ballot costs inside the app, without sockets.

Run by bench_votes.py after the app server has stopped, with PAPERLESS_INSTANCE_PATH
pointing at the bench's instance (the session is still open and every tablet's delegate
checked in). In one process, no Socket.IO: creates and opens a vote as the chair (of
`--kind`, open or secret: the sealed ballot box), then for
`--casts` delegates does what the `vote:cast` handler does — load the user and their roles
(`current_actor`), then `payloads.validate` and `commands.vote_cast` — counting SQL statements and timing the SQL,
the DBAPI commit and the whole call; then the same again with the same idempotency keys
(the retry path), and `votes.progress()` alone (what every cast computes for the coalesced
`vote.progress`). Announcement sinks are replaced by a counter: nothing is sent anywhere.
The vote is cancelled at the end (a secret one's sealed ballots and key go with it).
Prints one JSON line.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time

from sqlalchemy import event, func, select
from sqlalchemy.orm import Session

from paperless import create_app, db
from paperless.models import AgendaItem, Meeting, OpenBallot, SecretParticipation, User, Vote
from paperless.realtime.commands import vote_cast
from paperless.realtime.payloads import validate
from paperless.services import events, votes
from paperless.services.access import actor_for

MEETING_ID = 1


class Meter:
    """SQL statements and seconds, split into statement execution and DBAPI commit."""

    def __init__(self, engine):
        self.statements = 0
        self.sql_seconds = 0.0
        self.commit_seconds = 0.0
        self._started = 0.0
        event.listen(engine, "before_cursor_execute", self._before)
        event.listen(engine, "after_cursor_execute", self._after)
        event.listen(engine, "commit", self._commit_start)
        event.listen(Session, "after_commit", self._commit_end)

    def _before(self, *_args):
        self._started = time.perf_counter()

    def _after(self, *_args):
        self.statements += 1
        self.sql_seconds += time.perf_counter() - self._started

    def _commit_start(self, *_args):
        self._commit_started = time.perf_counter()

    def _commit_end(self, *_args):
        started = getattr(self, "_commit_started", None)
        if started is not None:
            self.commit_seconds += time.perf_counter() - started
            self._commit_started = None

    def snapshot(self) -> tuple[int, float, float]:
        return self.statements, self.sql_seconds, self.commit_seconds


def measure(meter: Meter, fn) -> dict:
    s0, q0, c0 = meter.snapshot()
    started = time.perf_counter()
    fn()
    wall = time.perf_counter() - started
    s1, q1, c1 = meter.snapshot()
    return {"wall": wall, "statements": s1 - s0, "sql": q1 - q0, "commit": c1 - c0}


def summary(samples: list[dict]) -> dict:
    ms = 1000
    return {"n": len(samples),
            "statements": statistics.median(s["statements"] for s in samples),
            "wall_ms_median": statistics.median(s["wall"] for s in samples) * ms,
            "sql_exec_ms_median": statistics.median(s["sql"] for s in samples) * ms,
            "commit_ms_median": statistics.median(s["commit"] for s in samples) * ms,
            "python_ms_median": statistics.median(
                s["wall"] - s["sql"] - s["commit"] for s in samples) * ms}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--casts", type=int, default=200)
    parser.add_argument("--kind", choices=["open", "secret"], default="open")
    args = parser.parse_args()
    app = create_app()
    announced = []
    events._sinks.clear()  # no Socket.IO here: count what would be announced
    events.subscribe(announced.append)
    with app.app_context():
        meter = Meter(db.session.get_bind())
        chair = actor_for(db.session.scalar(select(User).where(User.username == "chutoa")))
        item_id = db.session.scalar(select(AgendaItem.id).where(
            AgendaItem.meeting_id == MEETING_ID).order_by(AgendaItem.position).limit(1))
        vote = votes.create_vote(chair, item_id, kind=args.kind,
                                 title="Probe: chi phí một lá phiếu")
        votes.open_vote(chair, vote.id)
        vote_id = vote.id
        usernames = [f"daibieu{n:03d}" for n in range(100, 100 + args.casts)]
        user_ids = list(db.session.scalars(select(User.id).where(User.username.in_(usernames))))
        db.session.remove()

        def handler(user_id: int, key: str):
            def run():
                # What the socket handler does per event: current_actor(), the payload's
                # declared check, then the command.
                user = db.session.get(User, user_id)
                actor = actor_for(user)
                answer = vote_cast(actor, validate("vote:cast", {
                    "vote_id": vote_id, "choice": "yes", "idempotency_key": key}))
                assert answer["received"], answer
                db.session.remove()  # a fresh session per event, like a new app context
            return run

        first = [measure(meter, handler(uid, f"probe-key-{uid}")) for uid in user_ids]
        retry = [measure(meter, handler(uid, f"probe-key-{uid}")) for uid in user_ids]

        def progress_only():
            v = db.session.get(Vote, vote_id)
            votes.progress(v, db.session.get(Meeting, v.meeting_id))
            db.session.remove()

        progress = [measure(meter, progress_only) for _ in range(50)]
        stored = SecretParticipation if args.kind == "secret" else OpenBallot
        counted = db.session.scalar(select(func.count()).select_from(stored).where(
            stored.vote_id == vote_id))
        votes.cancel(chair, vote_id, "Probe của bench_votes.py")
    print(json.dumps({"vote_id": vote_id, "kind": args.kind, "casts": len(user_ids),
                      "counted": counted,
                      "announcements_per_cast": sum(a.name == "vote.progress" for a in announced)
                      / max(len(user_ids) * 2, 1),
                      "first_cast": summary(first), "retry_same_key": summary(retry),
                      "progress_only": summary(progress)}))


if __name__ == "__main__":
    main()
