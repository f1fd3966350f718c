"""Benchmark: back up and restore a deployment holding the bench's 200 MB meeting.

The acceptance item of the backups issue: `flask --app paperless backup` / `restore` (time and
size) beside what an operator would do by hand with the same files, in the same run:

* SQLite: `sqlite3 DB ".backup out"` (Python's sqlite3 backup API when the CLI is missing)
  plus `tar` of blobs/, the signing folder and the secret key; restore = copy + `tar -x`.
* PostgreSQL (a throw-away server, tests/integration/servers.py): `pg_dump -Fc` plus the same
  `tar`; restore = `pg_restore` into a fresh database + `tar -x`.

The app's figures include what the baseline does not: starting the app (Python imports), the
SHA-256 of every file, the manifest, VACUUM of the SQLite copy; on restore, checking every hash
before touching anything, `db upgrade`, `audit verify` and re-hashing every blob.

Writes bench/results/backup.json. Run: `.venv/bin/python bench/bench_backup.py [--quick]`.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
RESULTS = ROOT / "bench" / "results" / "backup.json"
MB = 1_000_000

from _common import figure  # noqa: E402
from bench_documents import make_documents  # noqa: E402


def flask(env: dict, *args: str) -> float:
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "flask", "--app", "paperless", *args], cwd=ROOT,
                          env=env, capture_output=True, text=True, timeout=1800)
    seconds = time.perf_counter() - started
    if done.returncode:
        raise RuntimeError(f"flask {' '.join(args)} failed:\n{done.stdout[-1500:]}\n"
                           f"{done.stderr[-1500:]}")
    return seconds


def timed(args: list[str], **kwargs) -> float:
    started = time.perf_counter()
    subprocess.run(args, check=True, capture_output=True, timeout=1800, **kwargs)
    return time.perf_counter() - started


def size_of(path: Path) -> int:
    if path.is_file():
        return path.stat().st_size
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def env_for(instance: Path, url: str) -> dict:
    env = dict(os.environ, PAPERLESS_INSTANCE_PATH=str(instance), PAPERLESS_DATABASE_URL=url,
               PAPERLESS_ENV="development", PAPERLESS_BACKUP_PASSPHRASE="bench-passphrase-2026")
    env.pop("PAPERLESS_SIGNING_DIR", None)
    return env


def populate(instance: Path, url: str, docs: list[bytes]) -> None:
    """Migrations, the demo, TEST keys, then the meeting's documents through the service."""
    env = env_for(instance, url)
    for args in (["db", "upgrade"], ["demo"], ["ca", "init"]):
        flask(env, *args)
    script = (
        "import sys\n"
        "from paperless import create_app, db\n"
        "from paperless.services import documents\n"
        "from paperless.models import Meeting, User\n"
        "from paperless.services.access import actor_for\n"
        "from sqlalchemy import select\n"
        "app = create_app({'SOCKETIO_ASYNC_MODE': 'threading'})\n"
        "with app.app_context():\n"
        "    staff = actor_for(db.session.scalar(select(User).where(User.username == 'thuky')))\n"
        "    meeting = db.session.scalar(select(Meeting.id).order_by(Meeting.id))\n"
        "    for path in sys.argv[1:]:\n"
        "        documents.upload(staff, meeting, open(path, 'rb').read(), filename='t.pdf',\n"
        "                         title=path.rsplit('/', 1)[-1])\n")
    folder = instance.parent / "pdfs"
    folder.mkdir(exist_ok=True)
    paths = []
    for n, data in enumerate(docs):
        path = folder / f"tai-lieu-{n + 1:02d}.pdf"
        path.write_bytes(data)
        paths.append(str(path))
    subprocess.run([sys.executable, "-c", script, *paths], cwd=ROOT, env=env, check=True,
                   timeout=1800, capture_output=True)


def tar_files(instance: Path, out: Path) -> float:
    members = [m for m in ("blobs", "signing", "secret_key") if (instance / m).exists()]
    return timed(["tar", "-cf", str(out), "-C", str(instance), *members])


def sqlite_baseline(instance: Path, work: Path) -> dict:
    db_file = instance / "paperless.sqlite3"
    copy = work / "by-hand.sqlite3"
    if shutil.which("sqlite3"):
        seconds = timed(["sqlite3", str(db_file), f".backup '{copy}'"])
    else:
        started = time.perf_counter()
        src, dst = sqlite3.connect(db_file), sqlite3.connect(copy)
        src.backup(dst)
        src.close()
        dst.close()
        seconds = time.perf_counter() - started
    seconds += tar_files(instance, work / "by-hand.tar")
    size = copy.stat().st_size + (work / "by-hand.tar").stat().st_size
    fresh = work / "by-hand-restored"
    fresh.mkdir()
    started = time.perf_counter()
    shutil.copyfile(copy, fresh / "paperless.sqlite3")
    subprocess.run(["tar", "-xf", str(work / "by-hand.tar"), "-C", str(fresh)], check=True)
    return {"backup_s": seconds, "bytes": size, "restore_s": time.perf_counter() - started}


def pg_baseline(instance: Path, server, url: str, work: Path) -> dict:
    from paperless.backup.database import pg_tool

    dump = work / "by-hand.pgdump"
    uri = f"postgresql://paperless@127.0.0.1:{server.port}/paperless"
    seconds = timed([pg_tool("pg_dump"), "-Fc", "--no-owner", f"--file={dump}", f"--dbname={uri}"])
    seconds += tar_files(instance, work / "by-hand.tar")
    size = dump.stat().st_size + (work / "by-hand.tar").stat().st_size
    server.psql("CREATE DATABASE by_hand")
    fresh = work / "by-hand-restored"
    fresh.mkdir()
    started = time.perf_counter()
    subprocess.run([pg_tool("pg_restore"), "--no-owner", "--dbname",
                    uri.rsplit("/", 1)[0] + "/by_hand", str(dump)], check=True,
                   capture_output=True)
    subprocess.run(["tar", "-xf", str(work / "by-hand.tar"), "-C", str(fresh)], check=True)
    return {"backup_s": seconds, "bytes": size, "restore_s": time.perf_counter() - started}


def app_run(instance: Path, url: str, target_url: str, work: Path, encrypt: bool) -> dict:
    dest = work / ("app-encrypted" if encrypt else "app")
    seconds = flask(env_for(instance, url), "backup", str(dest), *(["--encrypt"] if encrypt
                                                                    else []))
    [made] = [p for p in dest.iterdir() if not p.name.startswith(".")]
    fresh = work / (dest.name + "-restored")
    fresh.mkdir()
    if target_url.startswith("sqlite"):
        target_url = f"sqlite:///{fresh / 'paperless.sqlite3'}"
    restore_s = flask(env_for(fresh, target_url), "restore", str(made))
    return {"backup_s": seconds, "bytes": size_of(made), "restore_s": restore_s}


def startup_s(instance: Path, url: str) -> float:
    """What any `flask --app paperless …` command costs before it does anything: Python,
    the app's imports, create_app (measured with `db current`, the cheapest command)."""
    return min(flask(env_for(instance, url), "db", "current") for _ in range(2))


def compare(db_kind: str, app: dict, base: dict, labels: tuple[str, str], start: float,
            tag: str = "") -> list[dict]:
    name = f"{db_kind}{tag}"
    backup_label, restore_label = labels
    return [
        figure(f"{name} backup s", f"{db_kind}{tag}: backup time", "s", round(app["backup_s"], 2),
               backup_label, round(base["backup_s"], 2)),
        figure(f"{name} backup net s", f"{db_kind}{tag}: backup time less app start", "s",
               round(max(app["backup_s"] - start, 0), 2), backup_label,
               round(base["backup_s"], 2)),
        figure(f"{name} backup MB", f"{db_kind}{tag}: backup size", "MB",
               round(app["bytes"] / MB, 1), backup_label, round(base["bytes"] / MB, 1)),
        figure(f"{name} restore s", f"{db_kind}{tag}: restore time (with checks)", "s",
               round(app["restore_s"], 2), restore_label, round(base["restore_s"], 2)),
        figure(f"{name} restore net s", f"{db_kind}{tag}: restore less app start", "s",
               round(max(app["restore_s"] - start, 0), 2), restore_label,
               round(base["restore_s"], 2)),
    ]


def run(args) -> dict:
    docs = make_documents(args.docs, args.total_mb)
    work = Path(tempfile.mkdtemp(prefix="bench-backup-"))
    figures, raw = [], {}
    try:
        instance = work / "sqlite" / "instance"
        instance.mkdir(parents=True)
        url = f"sqlite:///{instance / 'paperless.sqlite3'}"
        print(f"populating SQLite instance with {len(docs)} PDFs "
              f"({sum(map(len, docs)) / MB:.0f} MB)…", flush=True)
        populate(instance, url, docs)
        base = sqlite_baseline(instance, work / "sqlite")
        app = app_run(instance, url, "sqlite", work / "sqlite", encrypt=False)
        enc = app_run(instance, url, "sqlite", work / "sqlite", encrypt=True)
        raw["sqlite"] = {"app": app, "app_encrypted": enc, "baseline": base}
        start = startup_s(instance, url)
        raw["app_start_s"] = start
        figures.append(figure("app start s", "any flask command: Python + app start", "s",
                              round(start, 2)))
        labels = ("sqlite3 .backup + tar" if shutil.which("sqlite3") else
                  "sqlite3 backup API + tar", "cp + tar -x")
        figures += compare("SQLite", app, base, labels, start)
        figures += compare("SQLite", enc, base, labels, start, " encrypted (gpg)")
        shutil.rmtree(work / "sqlite" / "pdfs", ignore_errors=True)
        if not args.no_postgres:
            from tests.integration.servers import Postgres

            server = Postgres(work / "pg" / "server")
            server.init()
            try:
                pg_instance = work / "pg" / "instance"
                pg_instance.mkdir(parents=True)
                print("populating PostgreSQL instance…", flush=True)
                populate(pg_instance, server.url, docs)
                base = pg_baseline(pg_instance, server, server.url, work / "pg")
                server.psql("CREATE DATABASE restored")
                target = server.url.rsplit("/", 1)[0] + "/restored"
                app = app_run(pg_instance, server.url, target, work / "pg", encrypt=False)
                raw["postgresql"] = {"app": app, "baseline": base}
                figures += compare("PostgreSQL", app, base,
                                   ("pg_dump -Fc + tar", "pg_restore + tar -x"), start)
            finally:
                server.stop()
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return {"bench": "backup", "documents": len(docs), "total_mb": args.total_mb,
            "figures": figures, "raw": raw,
            "environment": {"python": platform.python_version(), "cores": os.cpu_count()}}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=50)
    parser.add_argument("--total-mb", type=float, default=200)
    parser.add_argument("--no-postgres", action="store_true")
    parser.add_argument("--quick", action="store_true", help="6 documents, 12 MB")
    args = parser.parse_args()
    if args.quick:
        args.docs, args.total_mb = 6, 12
    result = run(args)
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(result, indent=2, ensure_ascii=False))
    print(f"\n{'figure':<52} {'app':>8} {'baseline':>8}  baseline is")
    for row in result["figures"]:
        print(f"{row['label']:<52} {row['value']!s:>8} {row['baseline_value']!s:>8}  "
              f"{row['baseline']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
