"""Benchmark: what the tamper-evident record costs, and how fast it is checked.

In a fresh temporary instance (SQLite, WAL, as deployed by default):

1. **Per-action overhead.** The secretariat marks attendance 600 times (a real service call:
   lock, write, live event, commit) with the audit entry, then 600 times with
   `audit.record` replaced by a no-op — the difference is what recording costs an action.
2. **Concurrent appends.** 4 processes append 300 entries each, one transaction per entry,
   all at once; entries/s overall, then `verify` must find one unbroken chain.
3. **Verification.** `audit verify` over the whole chain (entries/s).
4. **Minutes and statistics.** Build the demo session's minutes PDF, and the council's
   statistics for the year, a few times each.

Prints a table and writes bench/results/audit.json. Run: `.venv/bin/python bench/bench_audit.py`.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

WRITER = """
import sys, time
from paperless import db
from paperless.services import audit
from tests.support import make_app
app = make_app(sys.argv[1])
with app.app_context():
    start = time.perf_counter()
    for i in range(int(sys.argv[3])):
        audit.record(None, "bench.append", actor_name=sys.argv[2], details={"i": i})
        db.session.commit()
    print(time.perf_counter() - start)
"""


def _ms(values: list[float]) -> dict:
    values = sorted(values)
    return {"mean_ms": round(1000 * statistics.fmean(values), 3),
            "p50_ms": round(1000 * values[len(values) // 2], 3),
            "p99_ms": round(1000 * values[min(len(values) - 1, int(len(values) * .99))], 3)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--marks", type=int, default=600)
    parser.add_argument("--writers", type=int, default=4)
    parser.add_argument("--per-writer", type=int, default=300)
    args = parser.parse_args()

    folder = Path(tempfile.mkdtemp(prefix="bench-audit-"))
    os.environ["PAPERLESS_INSTANCE_PATH"] = str(folder)
    os.environ.setdefault("PAPERLESS_ASYNC_MODE", "threading")
    from sqlalchemy import select

    from paperless import db
    from paperless.models import Meeting
    from paperless.services import audit, live, minutes
    from paperless.services import statistics as stats_service
    from paperless.services.demo import load_demo
    from tests import session_script as script
    from tests.support import make_app

    url = f"sqlite:///{folder / 'bench.sqlite3'}"
    db.upgrade(url)
    app = make_app(url)
    results: dict = {"machine": {"python": platform.python_version(), "cpus": os.cpu_count()},
                     "database": "sqlite (WAL)"}
    with app.app_context():
        load_demo()
        meeting = db.session.scalar(select(Meeting))
        script.open_session(meeting)
        thuky = script.actor("thuky")
        delegates = [d.id for d in script.delegates_of(meeting)]

        real = audit.record

        def mark(i: int, recording: bool) -> float:
            audit.record = real if recording else (lambda *a, **k: None)
            status = ("present", "absent_excused", "absent")[i % 3]
            start = time.perf_counter()
            try:
                live.mark_attendance(thuky, meeting.id, delegates[i % len(delegates)], status,
                                     "Ốm" if status == "absent_excused" else "")
            finally:
                audit.record = real
            return time.perf_counter() - start

        for i in range(50):  # warm up
            mark(i, True)
        # interleaved, so drift of a shared machine hits both sides alike
        with_audit, without = [], []
        for i in range(args.marks):
            with_audit.append(mark(2 * i, True))
            without.append(mark(2 * i + 1, False))
        results["per_action"] = {
            "action": "live.mark_attendance (one transaction each)", "count": args.marks,
            "with_audit": _ms(with_audit), "without_audit": _ms(without),
            "overhead_ms": round(1000 * (statistics.fmean(with_audit)
                                         - statistics.fmean(without)), 3)}
        db.session.remove()

    def appends(writers: int) -> dict:
        procs = []
        start = time.perf_counter()
        for n in range(writers):
            procs.append(subprocess.Popen(
                [sys.executable, "-c", WRITER, url, f"w{writers}-{n}", str(args.per_writer)],
                cwd=ROOT, stdout=subprocess.PIPE, text=True))
        own = [float(p.communicate(timeout=600)[0].strip().splitlines()[-1]) for p in procs]
        total = writers * args.per_writer
        return {"writers": writers, "entries": total,
                "wall_s": round(time.perf_counter() - start, 3),
                "entries_per_s": round(total / max(own), 1)}

    results["appends"] = {
        "one_writer": appends(1), "concurrent": appends(args.writers),
        "note": "one transaction per entry; entries/s over the slowest writer's own loop "
                "(process start excluded)"}

    with app.app_context():
        start = time.perf_counter()
        verdict = audit.verify()
        took = time.perf_counter() - start
        assert verdict.ok, verdict.message
        results["verify"] = {"entries": verdict.count, "seconds": round(took, 3),
                             "entries_per_s": round(verdict.count / took, 1)}
        meeting = db.session.scalar(select(Meeting))
        thuky = script.actor("thuky")
        # a realistic session for the minutes: votes, speeches, questions (on a fresh sitting)
        delegates = [d.id for d in script.delegates_of(meeting)]
        live.start_new_sitting(script.actor("chutoa"), meeting.id)
        script.check_in(meeting, delegates[:28])
        items = script.items_of(meeting)
        for n in range(6):
            script.speak(meeting, delegates[n])
            script.vote(meeting, items[6 + n % 3].id, {d: "yes" for d in delegates[:26]},
                        title=f"Nghị quyết {n + 1}")
        officials = script.officials_of(meeting)
        for n in range(20):
            script.question(meeting, delegates[n], officials[n % 2].id, f"Câu hỏi số {n + 1}?",
                            answer="Trả lời tại kỳ họp.")
        times, size = [], 0
        for _ in range(5):
            start = time.perf_counter()
            size = len(minutes.preview_pdf(thuky, meeting.id))
            times.append(time.perf_counter() - start)
        results["minutes_pdf"] = {"runs": 5, **_ms(times), "bytes": size,
                                  "content": "1 sitting of 30, 6 speeches, 6 votes, 20 questions"}
        times = []
        for _ in range(10):
            start = time.perf_counter()
            stats_service.council_statistics(thuky, meeting.council_id,
                                             year=meeting.start_date.year)
            times.append(time.perf_counter() - start)
        results["statistics_query"] = {"runs": 10, **_ms(times)}

    out = ROOT / "bench" / "results"
    out.mkdir(parents=True, exist_ok=True)
    (out / "audit.json").write_text(json.dumps(results, indent=2, ensure_ascii=False))
    p = results["per_action"]
    print(f"per action (mark attendance, n={p['count']}): with audit {p['with_audit']['mean_ms']} ms"
          f" mean / {p['with_audit']['p99_ms']} ms p99; without {p['without_audit']['mean_ms']}"
          f" ms / {p['without_audit']['p99_ms']} ms; overhead {p['overhead_ms']} ms")
    one, c = results["appends"]["one_writer"], results["appends"]["concurrent"]
    print(f"appends: 1 process {one['entries_per_s']} entries/s; {c['writers']} processes x "
          f"{args.per_writer} = {c['entries']} entries, {c['entries_per_s']} entries/s, "
          "chain verified")
    v = results["verify"]
    print(f"verify: {v['entries']} entries in {v['seconds']} s ({v['entries_per_s']} entries/s)")
    m = results["minutes_pdf"]
    print(f"minutes PDF: {m['mean_ms']} ms mean ({m['bytes']} bytes; {m['content']})")
    print(f"statistics of the year: {results['statistics_query']['mean_ms']} ms mean")
    print(f"results: {out / 'audit.json'}")
    import shutil

    shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
