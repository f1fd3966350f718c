"""Command line: `flask --app paperless …` or the `paperless` console script."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import FlaskGroup, with_appcontext

import signing
from paperless import db, preflight
from paperless.config import DEMO_PASSWORD
from paperless.services import delegates as delegate_service
from paperless.services import users as user_service
from paperless.services.access import SYSTEM
from paperless.services.errors import ServiceError


def register(app: Flask) -> None:
    from paperless.backup.cli import backup_command, restore_command

    for command in (db_group, user_group, delegates_group, demo, ca_group, audit_group,
                    check, backup_command, restore_command, archive_group, range_link_key):
        app.cli.add_command(command)


@click.command("range-link-key",
               help="Khóa của liên kết đọc tài liệu cho nginx (the range links' key, for "
                    "nginx's secure_link: docs/deploy.md).")
@with_appcontext
def range_link_key():
    # Derived from the secret key for range links alone: it opens nothing else.
    click.echo(f'set $kyhopso_range_key "{current_app.extensions["paperless.range_links"].key}";')


def _fail(exc: ServiceError) -> None:
    db.session.rollback()
    raise click.ClickException(exc.message)


@click.group("db", help="Cơ sở dữ liệu (database).")
def db_group():
    pass


@db_group.command("upgrade", help="Apply every Alembic migration up to the code's head.")
@with_appcontext
def db_upgrade():
    db.upgrade(current_app.config["DATABASE_URL"])
    current, head = db.schema_status(current_app.extensions["paperless.engine"])
    click.echo(f"Database at revision {current} (head {head}).")


@db_group.command("current", help="Show the database revision.")
@with_appcontext
def db_current():
    current, head = db.schema_status(current_app.extensions["paperless.engine"])
    click.echo(f"current: {current or 'empty'}  head: {head}")


@click.group("user", help="Tài khoản (user accounts).")
def user_group():
    pass


@user_group.command("add")
@click.argument("username")
@click.option("--name", "full_name", required=True, help="Họ và tên.")
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True)
@click.option("--pin", default=None, help="PIN 4–8 chữ số cho máy tính bảng.")
@click.option("--council", "council_id", type=int, help="Council id for the role.")
@click.option("--role", type=click.Choice(["admin", "secretariat", "chair", "delegate",
                                           "official", "guest", "screen"]))
@click.option("--delegate", "delegate_id", type=int, help="Delegate id (role delegate).")
@click.option("--superuser", is_flag=True, help="Deployment-wide administrator.")
@with_appcontext
def user_add(username, full_name, password, pin, council_id, role, delegate_id, superuser):
    """Create a user, optionally with a role in one council."""
    db.require_current_schema(current_app.extensions["paperless.engine"])
    if bool(council_id) != bool(role):
        raise click.UsageError("--council and --role go together.")
    try:
        user = user_service.create_user(
            SYSTEM, username=username, full_name=full_name, password=password, pin=pin,
            is_superuser=superuser, production=current_app.config["ENV_NAME"] == "production",
            commit=False)
        if role:
            user_service.assign_role(SYSTEM, user, council_id, role, delegate_id, commit=False)
        db.session.commit()
    except ServiceError as exc:
        _fail(exc)
    click.echo(f"User {user.username} created (id {user.id}).")


@click.group("delegates", help="Đại biểu (delegates).")
def delegates_group():
    pass


@delegates_group.command("import")
@click.argument("csv_file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--term", "term_id", type=int, required=True, help="Term (nhiệm kỳ) id.")
@with_appcontext
def delegates_import(csv_file: Path, term_id: int):
    """Import delegates from a UTF-8 CSV; bad rows are reported and skipped."""
    db.require_current_schema(current_app.extensions["paperless.engine"])
    try:
        rows = delegate_service.import_csv(SYSTEM, term_id, csv_file.read_bytes())
    except ServiceError as exc:
        _fail(exc)
    good = [r for r in rows if not r.errors]
    for row in rows:
        if row.errors:
            click.echo(f"dòng {row.line}: {' '.join(row.errors)}", err=True)
    click.echo(f"Imported {len(good)} of {len(rows)} rows.")
    if len(good) != len(rows):
        sys.exit(1)


@click.command("demo", help="Load the demo council, accounts and session into an empty database.")
@click.option("--if-empty", is_flag=True, help="Do nothing (and succeed) when data exists.")
@with_appcontext
def demo(if_empty: bool):
    from paperless.services.demo import ACCOUNTS, DEMO_PIN, add_budget_draft, load_demo

    db.require_current_schema(current_app.extensions["paperless.engine"])
    try:
        council = load_demo()
        click.echo(f"Demo loaded: {council.name}.")
        try:
            add_budget_draft(council)
            click.echo("Draft budget resolution (DOCX) added to its agenda item.")
        except ServiceError as exc:  # no LibreOffice here: the demo works without the draft
            db.session.rollback()
            click.echo(f"Draft budget resolution not added: {exc.message}")
    except ServiceError as exc:
        if not (if_empty and exc.code == "not_empty"):
            _fail(exc)
        db.session.rollback()
        click.echo("Database already holds data; demo not loaded again.")
    if current_app.config["ENV_NAME"] != "production":
        click.echo(f"Demo accounts (password {DEMO_PASSWORD}):")
        for username, full_name, role, _superuser in ACCOUNTS:
            click.echo(f"  {username:<12} {role:<12} {full_name}")
        click.echo(f"  daibieu01…daibieu30  delegate  (tablet PIN {DEMO_PIN})")


@click.group("ca", help="Chứng thư số thử nghiệm (TEST certificates for the demo).")
def ca_group():
    pass


@ca_group.command("init")
@click.option("--council", "council_ids", type=int, multiple=True,
              help="Only these councils (default: every council).")
@with_appcontext
def ca_init(council_ids):
    """Make a clearly labelled TEST CA and TEST chair/organisation certificates.

    Idempotent: existing files are kept. Production keys are never made here."""
    from sqlalchemy import select

    from paperless.models import Council
    from paperless.services import signing_keys
    from paperless.services.resolutions import _chair_name
    from signing.errors import StampError

    if current_app.config["ENV_NAME"] == "production":
        raise click.ClickException("Không tạo chứng thư thử nghiệm khi PAPERLESS_ENV=production.")
    db.require_current_schema(current_app.extensions["paperless.engine"])
    query = select(Council).order_by(Council.id)
    if council_ids:
        query = query.where(Council.id.in_(council_ids))
    councils = [(c.id, c.name, _chair_name(c.id)) for c in db.session.scalars(query)]
    if not preflight.report(click.echo):
        sys.exit(1)
    created = signing_keys.init_test_ca(councils)
    try:
        signing_keys.stamp_fonts()  # make the Vietnamese font subsets now, not at the first click
    except StampError as exc:
        raise click.ClickException(f"Không tạo được phông chữ cho chữ ký: {exc}") from None
    click.echo(f"{signing_keys.TEST_LABEL}")
    click.echo(f"Signing folder: {signing_keys.folder()} ({len(created)} files created).")
    for path in created:
        click.echo(f"  {path}")


@click.command("check", help="Start-up checks: fonts, programs and the database migration.")
@with_appcontext
def check():
    """What `make run` checks before serving; exit 1 naming each missing piece in a sentence."""
    ok = preflight.report(click.echo)
    try:
        db.require_current_schema(current_app.extensions["paperless.engine"])
    except db.SchemaNotMigrated as exc:
        click.echo(f"Lỗi: {exc}", err=True)
        ok = False
    if not ok:
        sys.exit(1)
    click.echo("Máy chủ sẵn sàng (start-up checks passed).")


@click.group("audit", help="Nhật ký không thể sửa (the tamper-evident record).")
def audit_group():
    pass


@audit_group.command("verify", help="Check the whole hash chain; name the first broken entry.")
@with_appcontext
def audit_verify():
    from paperless.services import anchors, audit

    db.require_current_schema(current_app.extensions["paperless.engine"])
    anchored, problems = anchors.expected()
    verdict = audit.verify(anchored=anchored)
    db.session.rollback()
    for problem in problems:
        click.echo(f"Mốc neo không dùng được: {problem}", err=True)
    if verdict.ok and not problems:
        click.echo(f"Chuỗi nhật ký toàn vẹn: {verdict.count} mục, mã băm đầu chuỗi "
                   f"{verdict.head_hash}; khớp {len(anchored)} mục đã neo ngoài cơ sở dữ liệu. "
                   f"({verdict.message})")
        return
    if verdict.ok:
        sys.exit(1)
    click.echo(f"Nhật ký bị thay đổi tại mục số {verdict.broken_id}: {verdict.problem}. "
               f"({verdict.message})", err=True)
    sys.exit(1)


@click.group("archive", help="Lưu trữ nghị quyết (the archive of signed resolutions).")
def archive_group():
    pass


@archive_group.command("export")
@click.argument("out", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--meeting", "meeting_ids", type=int, multiple=True, help="Meeting id (repeatable).")
@click.option("--council", "council_id", type=int, help="Every meeting of this council …")
@click.option("--year", type=int, help="… whose resolutions were issued in this year.")
@with_appcontext
def archive_export(out: Path, meeting_ids, council_id, year):
    """A ZIP in the national archive's layout: one dossier per meeting, metadata per document
    (number, date, title, signer, SHA-256, retention), SHA256SUMS."""
    from sqlalchemy import select

    from paperless.models import Resolution
    from paperless.services import archive_export as export
    from paperless.services import resolutions

    db.require_current_schema(current_app.extensions["paperless.engine"])
    if bool(meeting_ids) == bool(council_id) or bool(council_id) != bool(year):
        raise click.UsageError("Give --meeting, or --council with --year.")
    if council_id:
        meeting_ids = list(db.session.scalars(select(Resolution.meeting_id).distinct().where(
            Resolution.council_id == council_id, Resolution.year == year,
            Resolution.state == "archived")))
    dossiers = []
    try:
        for meeting_id in sorted(meeting_ids):
            meeting = resolutions.get_meeting(SYSTEM, meeting_id, resolutions.READERS)
            rows = resolutions.search_archive(SYSTEM, meeting.council_id, meeting_id=meeting_id)
            if year:
                rows = [r for r in rows if r.year == year]
            dossiers.append((meeting, sorted(rows, key=lambda r: (r.year or 0, r.number or 0))))
        data = export.build_zip(dossiers)
    except ServiceError as exc:
        _fail(exc)
    out.write_bytes(data)
    count = sum(len(rows) for _m, rows in dossiers)
    click.echo(f"{out}: {len(dossiers)} hồ sơ, {count} nghị quyết.")
    db.session.rollback()


@audit_group.command("anchor", help="Sign the chain head into <signing folder>/anchors/ "
                                    "(hourly from cron/systemd).")
@click.option("--council", "council_id", type=int, default=None,
              help="council whose organisation key signs (default: the first with a key)")
@with_appcontext
def audit_anchor(council_id):
    from paperless.services import anchors

    db.require_current_schema(current_app.extensions["paperless.engine"])
    try:
        path = anchors.write("hourly", council_id)
    except signing.SigningError as exc:
        raise click.ClickException(exc.message_vi) from exc
    if path is None:
        click.echo("Nhật ký chưa có mục nào: không có gì để neo.")
        return
    click.echo(f"Đã neo đầu chuỗi nhật ký: {path}")


def main() -> None:
    from paperless import create_app

    FlaskGroup(create_app=create_app, help="Kỳ họp số.")(prog_name="paperless")
