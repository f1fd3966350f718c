"""Statistics on a scripted year of meetings: every figure equals a count made here, by
plain loops over the script (never by the queries under test)."""

from __future__ import annotations

import csv
import io
import random
from collections import Counter
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from paperless import db
from paperless.domain import statistics as rules
from paperless.models import Term
from paperless.services import live, meeting_status, meetings, questioning, statistics, votes
from tests import session_script as script
from tests.support import login, token_for

TODAY = date(2027, 2, 1)
N = 30

# (kind, start date, number of sittings, votes per sitting)
PLAN = [
    ("thuong_le", date(2026, 6, 10), 2, [("open", True), ("secret", True)]),
    ("chuyen_de", date(2026, 8, 5), 1, [("open", True), ("open", False)]),  # 2nd cancelled
    ("bat_thuong", date(2026, 10, 1), 1, [("open", True)]),
    ("thuong_le", date(2027, 1, 12), 1, [("open", True)]),
]


def _pdf() -> bytes:
    from reportlab.pdfgen import canvas

    out = io.BytesIO()
    c = canvas.Canvas(out)
    c.drawString(72, 720, "Tra loi chat van bang van ban")
    c.showPage()
    c.save()
    return out.getvalue()


def _run_year(council_id: int) -> dict:
    """Run the plan through the services; remember what happened, fact by fact."""
    rng = random.Random(8)
    term = db.session.scalar(select(Term).where(Term.council_id == council_id))
    thuky, chair = script.actor("thuky"), script.actor("chutoa")
    facts = {"meetings": [], "attendance": [], "ballots": [], "votes": [], "speeches": [],
             "slips": []}
    for number, (kind, start, sitting_count, vote_plan) in enumerate(PLAN, start=1):
        meeting = meetings.create_meeting(thuky, term_id=term.id, kind=kind,
                                          title=f"Kỳ họp {number}", number=number, place="",
                                          start_date=start, end_date=start + timedelta(days=1))
        item = meetings.add_agenda_item(thuky, meeting.id, title="Nghị quyết", kind="vote")
        officials = [meetings.add_invitee(thuky, meeting.id, kind="official",
                                          full_name=name, title=title)
                     for name, title in (("Trần Quốc Bảo", "Chủ tịch UBND xã"),
                                         ("Lê Thị Mai", "Trưởng phòng Kinh tế"))]
        meeting_status.set_status(thuky, meeting.id, "published")
        facts["meetings"].append((meeting.id, kind, start))
        script.open_session(meeting)
        ids = [d.id for d in script.delegates_of(meeting)]
        facts["delegate_ids"] = ids
        for sitting in range(sitting_count):
            if sitting:
                live.start_new_sitting(chair, meeting.id)
            present = []
            for delegate_id in ids:
                roll = rng.random()
                if roll < 0.78:
                    if rng.random() < 0.5:
                        script.check_in(meeting, [delegate_id])
                    else:
                        script.mark(meeting, delegate_id, "present")
                    status = "present"
                    present.append(delegate_id)
                elif roll < 0.9:
                    script.mark(meeting, delegate_id, "absent_excused", "Ốm")
                    status = "absent_excused"
                elif roll < 0.95:
                    script.mark(meeting, delegate_id, "absent")
                    status = "absent"
                else:
                    status = None  # never marked
                if status:
                    facts["attendance"].append((meeting.id, delegate_id, status))
            for speaker in rng.sample(present, 3):
                kind_of = rng.choice(["speech", "debate"])
                script.speak(meeting, speaker, kind=kind_of)
                facts["speeches"].append((meeting.id, speaker))
            # a request withdrawn before the floor is given is no speech
            live.request_floor(script.delegate_actor(present[0]), meeting.id, "speech", "")
            waiting = live.queue_json(meeting)["queue"][0]["id"]
            live.withdraw_request(script.delegate_actor(present[0]), meeting.id, waiting)
            plans = [vote_plan[sitting]] if sitting_count > 1 else vote_plan
            for vote_kind, counted in plans:
                voters = rng.sample(present, rng.randint(len(present) - 6, len(present)))
                choices = {d: rng.choice(["yes"] * 7 + ["no", "abstain"]) for d in voters}
                if counted:
                    made = script.vote(meeting, item.id, choices, kind=vote_kind)
                    facts["votes"].append((meeting.id, vote_kind,
                                           sum(c == "yes" for c in choices.values())))
                    facts["ballots"].extend((meeting.id, d) for d in voters)
                else:
                    made = votes.create_vote(thuky, item.id, kind=vote_kind, title="Hủy")
                    votes.open_vote(chair, made.id)
                    for d, c in list(choices.items())[:5]:
                        votes.cast(script.delegate_actor(d), made.id,
                                   idempotency_key=f"cancel-{made.id}-{d}", choice=c)
                    votes.cancel(chair, made.id, "Sự cố thiết bị")
        # questions: one of each fate, asked by present delegates
        askers = rng.sample(ids, 7)
        fates = ["session", "overdue", "written_pending", "written", "pending", "withdrawn",
                 "merged"]
        slips = {}
        for asker, fate in zip(askers, fates, strict=True):
            official = officials[len(slips) % 2]
            slip = questioning.file_slip(script.delegate_actor(asker), meeting.id,
                                         official_id=official.id, topic="", text=f"Hỏi {fate}")
            slips[fate] = slip
            facts["slips"].append((meeting.id, asker, official.full_name, fate))
        questioning.record_answer(thuky, slips["session"].id, mode="session",
                                  answered_by_id=slips["session"].official_id, summary="Đã rõ")
        questioning.record_answer(thuky, slips["overdue"].id, mode="written",
                                  deadline=TODAY - timedelta(days=1))
        questioning.record_answer(thuky, slips["written_pending"].id, mode="written",
                                  deadline=TODAY + timedelta(days=5))
        questioning.record_answer(thuky, slips["written"].id, mode="written",
                                  deadline=TODAY - timedelta(days=3))
        questioning.upload_written_answer(thuky, slips["written"].id, _pdf(), "tra-loi.pdf")
        questioning.withdraw_slip(script.delegate_actor(slips["withdrawn"].delegate_id),
                                  slips["withdrawn"].id)
        questioning.merge(thuky, slips["pending"].id, [slips["merged"].id])
        script.close_session(meeting)
    # a meeting planned for 2026 but never opened does not count
    never = meetings.create_meeting(thuky, term_id=term.id, kind="chuyen_de", title="Chưa họp",
                                    number=None, place="", start_date=date(2026, 12, 20),
                                    end_date=date(2026, 12, 20))
    meeting_status.set_status(thuky, never.id, "published")
    facts["sittings"] = {m: s for (m, _k, _d), (_k2, _d2, s, _v) in zip(facts["meetings"], PLAN,
                                                                         strict=True)}
    facts["resolutions"] = _issue_resolutions(facts["meetings"])
    return facts


# (index of the meeting in PLAN, issue date or None for one still to issue)
RESOLUTIONS = [(0, date(2026, 6, 12)), (0, date(2026, 6, 12)), (2, date(2026, 10, 3)),
               (2, date(2027, 1, 4)), (3, date(2027, 1, 14)), (3, None)]


def _issue_resolutions(meeting_facts) -> list[date]:
    """Register rows as the resolutions service leaves them: numbered per year once issued."""
    import secrets

    from paperless.models import Meeting, Resolution

    numbers = Counter()
    for index, issued_on in RESOLUTIONS:
        meeting = db.session.get(Meeting, meeting_facts[index][0])
        row = Resolution(council_id=meeting.council_id, meeting_id=meeting.id,
                         title=f"Nghị quyết {index}", public_id=secrets.token_urlsafe(12),
                         signatures=[], state="to_issue")
        if issued_on is not None:
            numbers[issued_on.year] += 1
            row.state, row.year, row.number = "issued", issued_on.year, numbers[issued_on.year]
            row.number_text, row.issued_on = f"{row.number:02d}/NQ-HĐND", issued_on
        db.session.add(row)
    db.session.commit()
    return [d for _i, d in RESOLUTIONS if d is not None]


@pytest.fixture(scope="module")
def year(tmp_path_factory):
    """The scripted year is expensive: run it once, in its own database, for the module."""
    import os

    from paperless.services.demo import load_demo
    from tests.support import make_app

    folder = tmp_path_factory.mktemp("stats")
    previous = os.environ.get("PAPERLESS_INSTANCE_PATH")
    os.environ["PAPERLESS_INSTANCE_PATH"] = str(folder)
    url = f"sqlite:///{folder / 'stats.sqlite3'}"
    db.upgrade(url)
    application = make_app(url)
    with application.app_context():
        council = load_demo(today=date(2026, 5, 1))
        facts = _run_year(council.id)
        facts["council_id"] = council.id
        yield application, facts
    db.session.remove()
    if previous is None:
        os.environ.pop("PAPERLESS_INSTANCE_PATH", None)
    else:
        os.environ["PAPERLESS_INSTANCE_PATH"] = previous


def _expected(facts, meeting_ids, year: int | None = None) -> dict:
    """The figures, by hand (resolutions by their issue year, or all of them for the term)."""
    kinds = Counter(k for m, k, _d in facts["meetings"] if m in meeting_ids)
    sittings = sum(facts["sittings"][m] for m in meeting_ids)
    votes_here = [(m, k, yes) for m, k, yes in facts["votes"] if m in meeting_ids]
    outcomes = Counter()
    per_official = {}
    for m, _asker, official, fate in facts["slips"]:
        if m in meeting_ids and fate not in ("withdrawn", "merged"):
            outcomes[fate] += 1
            per_official.setdefault(official, Counter())[fate] += 1
    delegates = {}
    for d in facts["delegate_ids"]:
        delegates[d] = {"sittings": sittings, "present": 0, "excused": 0,
                        "votes": len(votes_here), "votes_taken": 0, "speeches": 0,
                        "questions": 0}
    for m, d, status in facts["attendance"]:
        if m in meeting_ids:
            key = {"present": "present", "absent_excused": "excused"}.get(status)
            if key:
                delegates[d][key] += 1
    for m, d in facts["ballots"]:
        if m in meeting_ids:
            delegates[d]["votes_taken"] += 1
    for m, d in facts["speeches"]:
        if m in meeting_ids:
            delegates[d]["speeches"] += 1
    for m, d, _official, fate in facts["slips"]:
        if m in meeting_ids and fate != "withdrawn":
            delegates[d]["questions"] += 1
    resolutions = sum(1 for d in facts["resolutions"] if year is None or d.year == year)
    return {"resolutions": resolutions,
            "kinds": kinds, "meetings": sum(kinds.values()), "sittings": sittings,
            "votes": len(votes_here), "vote_kinds": Counter(k for _m, k, _y in votes_here),
            "passed": sum(1 for _m, _k, yes in votes_here if yes >= N // 2 + 1),
            "outcomes": outcomes, "per_official": per_official, "delegates": delegates}


def _check(stats, expected) -> None:
    assert stats["meetings"]["total"] == expected["meetings"]
    assert {k: v for k, v in stats["meetings"]["by_kind"].items() if v} == expected["kinds"]
    assert stats["meetings"]["sittings"] == expected["sittings"]
    assert stats["votes"]["total"] == expected["votes"]
    assert {k: v for k, v in stats["votes"]["by_kind"].items() if v} == expected["vote_kinds"]
    assert stats["votes"]["passed"] == expected["passed"]
    assert stats["resolutions"]["issued"] == expected["resolutions"]
    questions = stats["questions"]
    assert questions["total"] == sum(expected["outcomes"].values())
    for outcome in rules.OUTCOMES:
        assert questions[outcome] == expected["outcomes"].get(outcome, 0), outcome
    assert {o["name"]: {k: o[k] for k in rules.OUTCOMES if o[k]}
            for o in questions["by_official"]} == {
        name: dict(c) for name, c in expected["per_official"].items()}
    got = {row["delegate_id"]: row for row in stats["delegates"]}
    assert sorted(got) == sorted(expected["delegates"]) and len(got) == N
    for d, want in expected["delegates"].items():
        row = got[d]
        for key, value in want.items():
            assert row[key] == value, (d, key, row[key], value)
        assert row["attendance_rate"] == (round(100 * want["present"] / want["sittings"], 2)
                                          if want["sittings"] else 0.0)


def test_figures_of_the_year_equal_the_script(year):
    app, facts = year
    with app.test_request_context():
        stats = statistics.council_statistics(script.actor("thuky"), facts["council_id"],
                                              year=2026, today=TODAY)
        ids = {m for m, _k, d in facts["meetings"] if d.year == 2026}
        _check(stats, _expected(facts, ids, 2026))
        assert stats["resolutions"]["issued"] == 3
        assert stats["meetings"]["total"] == 3  # the 2027 one and the never-opened one left out


def test_figures_of_the_next_year_and_of_the_term(year):
    app, facts = year
    with app.test_request_context():
        council_id = facts["council_id"]
        actor = script.actor("chutoa")
        stats_2027 = statistics.council_statistics(actor, council_id, year=2027, today=TODAY)
        _check(stats_2027, _expected(facts, {m for m, _k, d in facts["meetings"]
                                             if d.year == 2027}, 2027))
        term = db.session.scalar(select(Term).where(Term.council_id == council_id))
        stats_term = statistics.council_statistics(actor, council_id, term_id=term.id,
                                                   today=TODAY)
        _check(stats_term, _expected(facts, {m for m, _k, _d in facts["meetings"]}))
        # the script exercises both verdicts, and every fate of a question
        assert 0 < stats_term["votes"]["passed"] < stats_term["votes"]["total"]
        assert all(stats_term["questions"][k] for k in rules.OUTCOMES)
        # a question overdue today was within its deadline earlier
        earlier = statistics.council_statistics(actor, council_id, term_id=term.id,
                                                today=TODAY - timedelta(days=10))
        assert earlier["questions"]["overdue"] == 0
        assert earlier["questions"]["written_pending"] == stats_term["questions"]["overdue"] \
            + stats_term["questions"]["written_pending"]


def test_only_the_councils_staff_see_statistics(year):
    app, facts = year
    client = app.test_client()
    council_id = facts["council_id"]
    url = f"/api/v1/councils/{council_id}/statistics?year=2026"
    assert client.get(url, headers=token_for(client, "thuky")).status_code == 200
    assert client.get(url, headers=token_for(client, "chutoa")).status_code == 200
    for username in ("daibieu05", "ubnd", "khach", "manhinh"):
        assert client.get(url, headers=token_for(client, username)).status_code == 403
    assert client.get(url).status_code == 401
    other = client.get("/api/v1/councils/1/statistics", headers=token_for(client, "thuky"))
    assert other.status_code == 404  # the province: thuky has no role there
    bad = client.get(f"/api/v1/councils/{council_id}/statistics?year=abc",
                     headers=token_for(client, "thuky"))
    assert bad.status_code == 422 and bad.get_json()["error"]["code"] == "validation_error"
    page = login(app.test_client(), "daibieu05").get(f"/councils/{council_id}/statistics")
    assert page.status_code == 403
    staff = login(app.test_client(), "thuky").get(f"/councils/{council_id}/statistics?year=2026")
    assert staff.status_code == 200
    html = staff.get_data(as_text=True)
    assert "Nguyễn Văn Hùng" in html and 'id="statistics-data"' in html
    assert login(app.test_client(), "chutoa").get(
        f"/councils/{council_id}/statistics?year=x").status_code == 422


def test_exports_carry_the_same_figures(year):
    app, facts = year
    client = app.test_client()
    headers = token_for(client, "thuky")
    base = f"/api/v1/councils/{facts['council_id']}/statistics"
    stats = client.get(base + "?year=2026", headers=headers).get_json()
    response = client.get(base + "/export?year=2026&format=csv", headers=headers)
    assert response.status_code == 200
    text = response.get_data().decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    by_name = {r[1]: r for r in rows if len(r) > 8 and r[0].isdigit()}
    for d in stats["delegates"]:
        row = by_name[d["name"]]
        assert [int(x) for x in row[3:6]] == [d["sittings"], d["present"], d["excused"]]
    assert any(r[:2] == ["Tổng số kỳ họp", str(stats["meetings"]["total"])] for r in rows)
    xlsx = client.get(base + "/export?year=2026&format=xlsx", headers=headers)
    assert xlsx.status_code == 200
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(xlsx.get_data()))
    sheet = book["Đại biểu"]
    names = [c.value for c in sheet["B"][1:]]
    assert sorted(names) == sorted(d["name"] for d in stats["delegates"])
    bad = client.get(base + "/export?format=doc", headers=headers)
    assert bad.status_code == 422
