"""Run every benchmark (bench/bench_*.py), then gather their figures in one table.

    .venv/bin/python bench/run_all.py            # full runs (≈ 4 minutes each)
    .venv/bin/python bench/run_all.py --quick    # small runs: proves the pipeline, not speed
    .venv/bin/python bench/run_all.py --collect  # no runs: tabulate bench/results/*.json
    .venv/bin/python bench/run_all.py --only live votes
    .venv/bin/python bench/run_all.py --only votes votes_secret   # both vote kinds

A variant (VARIANTS) is a bench run again with other arguments under its own name: it
writes its own bench/results/<name>.json and has its own table.

Writes bench/results.json (every figure in the common shape of bench/_common.py) and
bench/RESULTS.md (the markdown table the README links). A bench that fails is reported
and the others still run; the exit status is then 1.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))

from _common import figure  # noqa: E402

RESULTS_DIR = BENCH / "results"
OUT_JSON = BENCH / "results.json"
OUT_MD = BENCH / "RESULTS.md"

# Small runs for --quick, per bench; a bench not listed gets `--quick` if its --help has it.
QUICK_ARGS = {
    "documents": ["--docs", "6", "--total-mb", "12", "--clients", "10", "--ranges", "5",
                  "--phase-limit", "60", "--range-rounds", "1"],
    "live": ["--tablets", "40", "--observers", "60", "--processes", "2", "--moves", "5",
             "--warmup", "1", "--max-seconds", "300"],
    "votes": ["--tablets", "40", "--observers", "20", "--processes", "2", "--rounds", "1",
              "--retry-rounds", "1", "--probe-casts", "20", "--max-seconds", "300"],
    "multiprocess": ["--observers", "200", "--processes", "4", "--moves", "5", "--warmup", "1",
                     "--max-seconds", "400"],
}


# name → (the bench it runs, the arguments that make it this variant)
VARIANTS = {
    # the sealed secret-ballot store (issue 15): the same rounds with secret votes
    "votes_secret": ("votes", ["--kind", "secret"]),
}


def discover() -> list[str]:
    return sorted(p.stem.removeprefix("bench_") for p in BENCH.glob("bench_*.py"))


def known() -> list[str]:
    """The benches and the variants of those present."""
    benches = discover()
    return sorted(benches + [name for name, (base, _) in VARIANTS.items() if base in benches])


def run_bench(name: str, quick: bool) -> tuple[bool, float, str]:
    base, variant_args = VARIANTS.get(name, (name, []))
    script = BENCH / f"bench_{base}.py"
    args: list[str] = list(variant_args)
    if quick:
        if base in QUICK_ARGS:
            args += QUICK_ARGS[base]
        else:
            helptext = subprocess.run([sys.executable, str(script), "--help"],
                                      capture_output=True, text=True, timeout=60).stdout
            args += ["--quick"] if "--quick" in helptext else []
    started = time.monotonic()
    print(f"\n=== bench_{base}.py {' '.join(args)}", flush=True)
    proc = subprocess.run([sys.executable, str(script), *args], cwd=BENCH.parent)
    seconds = time.monotonic() - started
    return proc.returncode == 0, seconds, " ".join(args)


# --- normalisation: each bench's JSON → figures in the common shape --------------------

def _documents(data: dict) -> list[dict]:
    rows = []
    publish = data.get("publish") or {}
    if publish:
        rows.append(figure("publish_mb_per_s",
                           f"publish {publish.get('documents')} PDFs "
                           f"({publish.get('total_mb')} MB): upload, check, thumbnail",
                           "MB/s", publish.get("mb_per_s")))
    labels = {"mb_per_s": ("MB/s", "MB/s"), "req_per_s": ("requests/s", "req/s"),
              "p50_ms": ("latency p50", "ms"), "p99_ms": ("latency p99", "ms"),
              "server_cpu_s": ("server CPU", "s"),
              "server_rss_mb_after": ("server RSS after", "MB")}
    sections = {"full_downloads": "full downloads", "byte_ranges": "64 KiB ranges"}
    for section, title in sections.items():
        compare = (data.get(section) or {}).get("compare") or {}
        for metric, (label, unit) in labels.items():
            values = compare.get(metric)
            if not values:
                continue
            rows.append(figure(f"{section}_{metric}", f"{title}: {label} (app alone)", unit,
                               values.get("app"), "nginx from disk", values.get("nginx")))
            for way, suffix, how in (
                    ("nginx_x_accel", "x_accel", "nginx + X-Accel via the app"),
                    ("app_signed", "signed", "signed link, app alone"),
                    ("nginx_secure_link", "secure_link", "signed link, nginx secure_link")):
                if values.get(way) is not None:
                    rows.append(figure(f"{section}_{metric}_{suffix}",
                                       f"{title}: {label} ({how})", unit, values.get(way),
                                       "nginx from disk", values.get("nginx")))
    return rows


def _app_vs_bare(data: dict) -> list[dict]:
    """live / votes: `figures` rows carrying `app`, `bare`, `ratio`."""
    return [figure(row["figure"], row.get("label", row["figure"]), row.get("unit", ""),
                   row.get("app"), "bare python-socketio", row.get("bare"))
            for row in data.get("figures", [])]


def _generic(data: dict) -> list[dict]:
    """Any bench writing `figures` in the common shape (or app/baseline pairs)."""
    rows = []
    for row in data.get("figures", []):
        if "value" in row:
            rows.append(figure(row["figure"], row.get("label", row["figure"]),
                               row.get("unit", ""), row.get("value"), row.get("baseline", ""),
                               row.get("baseline_value")))
        else:
            numbers = [k for k, v in row.items() if isinstance(v, int | float) and
                       not isinstance(v, bool) and k != "ratio"]
            value = row.get(numbers[0]) if numbers else None
            base_key = numbers[1] if len(numbers) > 1 else ""
            rows.append(figure(row["figure"], row.get("label", row["figure"]),
                               row.get("unit", ""), value, base_key, row.get(base_key)))
    return rows


def _signing(data: dict) -> list[dict]:
    """signing: per key, signatures/s through the project (seal stamp + validation) vs pyHanko
    direct with the same stamp."""
    rows = []
    for row in data.get("rows", []):
        key = row["key"]
        baseline = row["pyhanko_direct_same_stamp"]["per_second"]
        rows.append(figure(f"sign {key}", f"signatures/s, {key} (seal stamp + validation)",
                           "/s", row["project"]["per_second"], "pyHanko direct, same stamp",
                           baseline))
        rows.append(figure(f"sign no stamp {key}", f"signatures/s, {key}, pyHanko direct "
                           "without a stamp", "/s", row["pyhanko_direct_no_stamp"]["per_second"]))
    return rows


def _audit(data: dict) -> list[dict]:
    """audit: the cost of recording an action, appends, verification, minutes, statistics."""
    per = data["per_action"]
    return [
        figure("action with audit", "an attendance mark with its audit entry, mean", "ms",
               per["with_audit"]["mean_ms"], "the same without the entry",
               per["without_audit"]["mean_ms"]),
        figure("appends 4 writers", "audit appends, 4 processes, entries/s", "/s",
               data["appends"]["concurrent"]["entries_per_s"], "1 process",
               data["appends"]["one_writer"]["entries_per_s"]),
        figure("verify", "audit verify, entries/s", "/s", data["verify"]["entries_per_s"]),
        figure("minutes pdf", "minutes PDF (30 delegates, 6 votes, 20 questions), mean", "ms",
               data["minutes_pdf"]["mean_ms"]),
        figure("statistics", "a council's statistics of a year, mean", "ms",
               data["statistics_query"]["mean_ms"]),
    ]


NORMALISE = {"documents": _documents, "live": _app_vs_bare, "votes": _app_vs_bare,
             "votes_secret": _app_vs_bare, "signing": _signing, "audit": _audit}


def _shown(path: Path) -> str:
    try:
        return str(path.relative_to(BENCH.parent))
    except ValueError:
        return str(path)


def _kept_from_last_report(names: list[str]) -> dict[str, dict]:
    """The benches of the committed bench/results.json that this run does not replace: the
    ones not asked for, and asked-for ones whose JSON this machine lacks (bench/results/ is
    ignored by git, so a new machine has none). `--only votes` must not erase the rest."""
    if not OUT_JSON.exists():
        return {}
    try:
        previous = json.loads(OUT_JSON.read_text()).get("benches", {})
    except (ValueError, AttributeError):
        return {}
    return {name: bench for name, bench in previous.items()
            if not bench.get("error")
            and (name not in names or not (RESULTS_DIR / f"{name}.json").exists())}


def collect(names: list[str]) -> dict[str, dict]:
    benches = {}
    for name in names:
        path = RESULTS_DIR / f"{name}.json"
        if not path.exists():
            benches[name] = {"error": f"no {_shown(path)}", "figures": []}
            continue
        data = json.loads(path.read_text())
        rows = NORMALISE.get(name, _generic)(data)
        benches[name] = {
            "source": _shown(path),
            "measured_at": datetime.fromtimestamp(path.stat().st_mtime, UTC)
            .isoformat(timespec="seconds"),
            "parameters": data.get("parameters") or data.get("environment") or {},
            "figures": rows,
        }
    return benches


def _fmt(value) -> str:
    if value is None:
        return "—"
    if isinstance(value, float):
        if abs(value) >= 100:
            return f"{value:,.0f}"
        if abs(value) >= 10:
            return f"{value:.1f}"
        return f"{value:.2f}"
    return f"{value:,}" if isinstance(value, int) else str(value)


TITLES = {
    "documents": "Documents: a 200 MB meeting to 100 tablets (app vs nginx serving the files)",
    "live": "Live session: “next item” to 2,500 clients (app vs bare python-socketio)",
    "signing": "Signing: resolutions per second, project vs pyHanko direct (RSA-2048, ECDSA P-256)",
    "audit": "Audit record: what recording costs, verification, minutes and statistics",
    "votes": "Voting: 500 ballots in one second + 200 observers (app vs bare python-socketio)",
    "votes_secret": "Secret voting: the same rounds with secret ballots, sealed and deleted at "
                    "close (app vs bare python-socketio, which stores nothing)",
    "backup": "Backups: a deployment with the 200 MB meeting, backed up and restored (app vs "
              "`sqlite3 .backup` / `pg_dump` + `tar` of the same files)",
    "hostile": "Under attack: a live-session probe's latency and the server's peak RSS while "
               "hostile requests run (issue 14), beside the quiet figures",
    "multiprocess": "Multi-process: observers over 4 `make prod` processes on PostgreSQL + "
                    "Redis (app vs bare python-socketio + the same Redis)",
}


def markdown(report: dict) -> str:
    lines = ["# Benchmark results", ""]
    mode = report["mode"]
    lines.append(f"Generated by `bench/run_all.py` ({mode}) on {report['generated_at']}, "
                 f"{report['machine']['cores']} cores, Python {report['machine']['python']}. "
                 "Each figure is beside its baseline **from the same run**; ratio = value / "
                 "baseline (for times and costs lower is better, for throughput higher).")
    if mode == "collected":
        lines += ["", "Collected from the JSON each bench wrote when it last ran (times below); "
                      "no bench was run for this table."]
    if mode == "quick":
        lines += ["", "**Quick run: small client counts, meant to prove the pipeline, not "
                      "to measure. Run `make bench` for real figures.**"]
    lines += ["", "See [bench/README.md](README.md) for what each bench does and what the "
                  "figures mean.", ""]
    for name, bench in report["benches"].items():
        lines += [f"## {TITLES.get(name, name)}", ""]
        if bench.get("error"):
            lines += [f"Not available: {bench['error']}.", ""]
            continue
        lines += [f"Measured {bench['measured_at']} (`{bench['source']}`)."
                  + (f" Run time {bench['seconds']:.0f} s." if bench.get("seconds") else ""),
                  ""]
        shown = {k: v for k, v in bench.get("parameters", {}).items()
                 if isinstance(v, int | float | str) and not isinstance(v, bool)
                 and len(str(v)) <= 40}
        if shown:
            lines += ["Parameters: " + ", ".join(f"{k} {v}" for k, v in
                                                 list(shown.items())[:10]) + ".", ""]
        lines += ["| figure | value | baseline | baseline value | ratio |",
                  "|---|---|---|---|---|"]
        for row in bench["figures"]:
            unit = f" {row['unit']}" if row["unit"] and row["value"] is not None else ""
            base_unit = (f" {row['unit']}" if row["unit"] and row["baseline_value"] is not None
                         else "")
            lines.append(f"| {row['label']} | {_fmt(row['value'])}{unit} | "
                         f"{row['baseline'] or '—'} | {_fmt(row['baseline_value'])}{base_unit} | "
                         f"{_fmt(row['ratio'])} |")
        lines.append("")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="small runs (pipeline check)")
    parser.add_argument("--collect", action="store_true",
                        help="run nothing; tabulate the JSON already in bench/results/")
    parser.add_argument("--only", nargs="+", metavar="NAME",
                        help=f"some benches only (of: {' '.join(known())})")
    args = parser.parse_args(argv)
    names = args.only or known()
    unknown = set(names) - set(known())
    if unknown:
        parser.error(f"no bench/bench_<name>.py for: {' '.join(sorted(unknown))}")

    runs, failed = {}, []
    if not args.collect:
        for name in names:
            ok, seconds, used = run_bench(name, args.quick)
            runs[name] = {"seconds": seconds, "arguments": used, "ok": ok}
            if not ok:
                failed.append(name)
    benches = collect(names)
    benches.update(_kept_from_last_report(names))
    for name, run in runs.items():
        benches[name].update(seconds=run["seconds"], arguments=run["arguments"])
        if not run["ok"]:
            benches[name]["error"] = f"bench_{name}.py failed (see its output above)"
    report = {
        "generated_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "mode": "collected" if args.collect else ("quick" if args.quick else "full"),
        "machine": {"cores": os.cpu_count(), "python": platform.python_version(),
                    "load_average": [round(x, 2) for x in os.getloadavg()]},
        "benches": benches,
    }
    OUT_JSON.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n")
    OUT_MD.write_text(markdown(report) + "\n")
    print(f"\nwrote {_shown(OUT_JSON)} and {_shown(OUT_MD)}")
    for name, bench in benches.items():
        print(f"  {name}: {len(bench['figures'])} figures"
              + (f" — {bench['error']}" if bench.get("error") else ""))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
