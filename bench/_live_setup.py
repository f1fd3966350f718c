"""Setup step of bench_live.py: grow the demo into a hall of 500 tablets and a long agenda.

Run by bench_live.py with the venv python and PAPERLESS_INSTANCE_PATH pointing at a fresh
instance that already holds the demo (`flask --app paperless db upgrade` then `demo`).
Prints one JSON line: the API tokens the bench's clients authenticate with.

- Delegates 31..N join the demo term, each with a user account (`daibieu031`…) holding the
  delegate role, so every tablet is a distinct delegate (distinct presence rows, like a real
  hall). They reuse the demo's password hash: N scrypt hashes would cost minutes.
- The agenda grows to at least `--items` items, so every "next item" of the run is a real
  change of the current item (at the last item "next" stays put and announces nothing new).
- Tokens are issued through `services.auth.issue_token` rather than the HTTP login, which
  would check N scrypt hashes and trip the login rate limit.
"""

from __future__ import annotations

import argparse
import json
from datetime import date

from sqlalchemy import func, select

from paperless import create_app, db
from paperless.models import AgendaItem, Delegate, DelegateStatusChange, Meeting, Term, User
from paperless.services import auth, users
from paperless.services.access import SYSTEM

MEETING_ID = 1  # the demo's session


def grow_delegates(meeting: Meeting, count: int) -> list[str]:
    """Usernames of `count` delegate accounts of the meeting's council (demo ones first)."""
    term = db.session.get(Term, meeting.term_id)
    shared_hash = db.session.scalar(select(User.password_hash).where(User.username == "daibieu01"))
    existing = db.session.scalar(select(func.count()).select_from(Delegate)
                                 .where(Delegate.term_id == term.id))
    for number in range(existing + 1, count + 1):
        delegate = Delegate(council_id=meeting.council_id, term_id=term.id,
                            full_name=f"Đại biểu số {number}", gender="nam" if number % 2 else "nu",
                            positions=[])
        delegate.status_changes.append(
            DelegateStatusChange(status="active", effective_date=term.start_date))
        db.session.add(delegate)
        db.session.flush()
        user = users.create_user(SYSTEM, username=f"daibieu{number:03d}",
                                 full_name=delegate.full_name, password_hash=shared_hash,
                                 commit=False)
        users.assign_role(SYSTEM, user, meeting.council_id, "delegate", delegate.id, commit=False)
    term.seats = max(term.seats, count)
    db.session.commit()
    return [f"daibieu{n:02d}" if n <= existing else f"daibieu{n:03d}" for n in range(1, count + 1)]


def grow_agenda(meeting: Meeting, items: int) -> int:
    """Append resolution items (titles as long as the demo's) until the agenda has `items`."""
    have = len(meeting.agenda_items)
    year = date.today().year + 1
    for position in range(have, items):
        meeting.agenda_items.append(AgendaItem(
            title=f"Xem xét, thông qua Nghị quyết số {position} về kế hoạch đầu tư công năm {year}",
            kind="vote", presenter="Trưởng phòng Kinh tế", planned_minutes=20,
            position=position))
    db.session.commit()
    return len(meeting.agenda_items)


def issue_tokens(usernames: list[str]) -> dict[str, str]:
    found = {u.username: u for u in db.session.scalars(
        select(User).where(User.username.in_(usernames)))}
    return {name: auth.issue_token(found[name], hours=2)[0] for name in usernames}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--delegates", type=int, default=500)
    parser.add_argument("--items", type=int, default=60)
    args = parser.parse_args()
    app = create_app()
    with app.app_context():
        meeting = db.session.get(Meeting, MEETING_ID)
        delegates = grow_delegates(meeting, args.delegates)
        agenda_items = grow_agenda(meeting, args.items)
        tokens = issue_tokens(["chutoa", "khach", "manhinh", *delegates])
    print(json.dumps({"meeting_id": MEETING_ID, "agenda_items": agenda_items,
                      "chair": tokens["chutoa"],
                      "observers": [tokens["khach"], tokens["manhinh"]],
                      "tablets": [tokens[name] for name in delegates]}))


if __name__ == "__main__":
    main()
