"""Every date a rule uses and every time a person reads is the council's (Asia/Ho_Chi_Minh by
default), whatever the server's zone: the same results with TZ=UTC and TZ=America/New_York.

The instant used, 2026-12-05T20:30Z, is already 6 December 03:30 in Vietnam but still
5 December on a UTC or a New York server."""

from __future__ import annotations

import io
import os
import time
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select

from paperless import db
from paperless.domain import clock
from paperless.domain import questioning as question_rules
from paperless.models import Delegate, DelegateStatusChange, Meeting
from paperless.services import clock as council_clock
from paperless.services import hall, live, meeting_events, signing_keys
from paperless.services import resolutions as service
from tests.resolution_support import actor, draft_pdf, make_test_ca, passed_vote

INSTANT = datetime(2026, 12, 5, 20, 30, tzinfo=UTC)
VIETNAM_DAY = date(2026, 12, 6)


@pytest.fixture(params=["Asia/Ho_Chi_Minh", "UTC", "America/New_York"])
def server_zone(request):
    before = os.environ.get("TZ")
    os.environ["TZ"] = request.param
    time.tzset()
    yield request.param
    if before is None:
        os.environ.pop("TZ", None)
    else:
        os.environ["TZ"] = before
    time.tzset()


@pytest.fixture
def at_instant(monkeypatch):
    monkeypatch.setattr(clock, "utc_now", lambda: INSTANT)
    monkeypatch.setattr(live, "_now", lambda: INSTANT)
    monkeypatch.setattr(hall, "_now", lambda: INSTANT)
    monkeypatch.setattr(meeting_events, "_now", lambda: INSTANT)
    monkeypatch.setattr(service, "_now", lambda: INSTANT)


def test_the_councils_day_and_hour(server_zone):
    assert clock.today("Asia/Ho_Chi_Minh", INSTANT) == VIETNAM_DAY
    assert clock.iso(INSTANT, "Asia/Ho_Chi_Minh") == "2026-12-06T03:30:00+07:00"
    assert clock.clock_text(INSTANT, "Asia/Ho_Chi_Minh") == "03 giờ 30, ngày 06/12/2026"
    assert clock.zone("no/such-zone").key == clock.DEFAULT_ZONE
    from signing import iso_vietnam_time

    assert iso_vietnam_time(INSTANT, "Asia/Ho_Chi_Minh") == "2026-12-06T03:30:00+07:00"


def test_n_on_the_meeting_day_deadlines_and_resolution_dates(server_zone, demo, at_instant,
                                                            monkeypatch):
    # a resolution issued at that instant is dated 6 December, numbered in its year
    monkeypatch.delenv(signing_keys.PASSPHRASE_ENV, raising=False)
    make_test_ca()
    vote = passed_vote(with_draft=False)
    [res] = service.list_for_meeting(actor("thuky"), vote["meeting_id"])
    issued = service.issue(actor("thuky"), res.id, verify_base_url="https://x.example",
                           upload=draft_pdf(1), filename="nq.pdf")
    assert (issued.issued_on, issued.year) == (VIETNAM_DAY, 2026)

    meeting = db.session.scalar(select(Meeting).order_by(Meeting.id))
    meeting.start_date, meeting.end_date = date(2026, 12, 5), date(2026, 12, 6)
    # a delegate leaves on 6 December: N is 29 on the Vietnamese day, 30 the day before
    leaving = db.session.scalars(select(Delegate).where(
        Delegate.council_id == meeting.council_id).order_by(Delegate.id)).all()[-1]
    leaving.status_changes.append(DelegateStatusChange(status="resigned",
                                                       effective_date=VIETNAM_DAY))
    db.session.commit()
    assert council_clock.today(meeting.council_id) == VIETNAM_DAY
    summary = hall.attendance_summary(meeting, _state(meeting))
    assert summary["total"] == 29

    # the 20-day written-answer deadline counts from the council's day
    assert question_rules.written_deadline(council_clock.today(meeting.council_id)) == \
        question_rules.written_deadline(VIETNAM_DAY)

def _state(meeting):
    from paperless.models import LiveState

    return db.session.scalar(select(LiveState).where(LiveState.meeting_id == meeting.id)) or \
        LiveState(meeting_id=meeting.id, sitting_id=None)


def test_minutes_print_the_councils_hour(server_zone):
    from pypdf import PdfReader

    from paperless.reports import minutes

    data = minutes.MinutesData(council="Hội đồng nhân dân xã Tân Phú", meeting="Kỳ họp thứ năm",
                               kind_label="Kỳ họp thường lệ", place="Hội trường",
                               start_date=date(2026, 12, 5), end_date=date(2026, 12, 6),
                               generated_at=INSTANT, time_zone="Asia/Ho_Chi_Minh")
    pdf, _ = minutes.to_pdf(data)
    text = " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages).split())
    assert "lập lúc 03 giờ 30, ngày 06/12/2026" in text
