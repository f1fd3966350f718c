"""The `backup` and `restore` commands (registered by paperless/cli.py)."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from paperless import db
from paperless.backup.layout import BackupError

STAGES = {"database": "Cơ sở dữ liệu", "blobs": "Tệp tài liệu", "signing": "Thư mục ký số",
          "encrypt": "Mã hóa", "copy": "Bản sao thứ hai", "verify": "Kiểm tra mã băm",
          "check": "Kiểm tra kho tệp"}


class Progress:
    """One line per stage per tenth on the terminal (stderr), so cron mails stay short."""

    def __init__(self):
        self.shown: dict[str, int] = {}

    def __call__(self, stage: str, done: int, total: int) -> None:
        tenth = 10 if total <= 0 else int(10 * done / total)
        if self.shown.get(stage, -1) >= tenth or (total < 20 and done < total):
            return  # a handful of files: only the stage's last line
        self.shown[stage] = tenth
        click.echo(f"  {STAGES.get(stage, stage)}: {done}/{total} ({tenth * 10}%)", err=True)


def _size(n: int) -> str:
    return f"{n / 1e6:.1f} MB"


@click.command("backup", help="Sao lưu toàn bộ (cơ sở dữ liệu, tệp, khóa bí mật, chứng thư "
                              "công khai, neo nhật ký) vào thư mục DEST.")
@click.argument("dest", type=click.Path(file_okay=False, path_type=Path))
@click.option("--copy-to", type=click.Path(file_okay=False, path_type=Path),
              help="Second destination (another medium): the finished backup copied there.")
@click.option("--keep-daily", type=click.IntRange(min=0), default=None,
              help="Keep the newest backup of each of the last N days (others deleted).")
@click.option("--keep-monthly", type=click.IntRange(min=0), default=None,
              help="Keep the newest backup of each of the last M months.")
@click.option("--encrypt", is_flag=True,
              help="Encrypt with gpg (AES-256) using PAPERLESS_BACKUP_PASSPHRASE.")
@click.option("--include-private-keys", is_flag=True,
              help="Also copy private signing keys (.p12, PKCS#11 configs). Off by default.")
@with_appcontext
def backup_command(dest, copy_to, keep_daily, keep_monthly, encrypt, include_private_keys):
    from paperless.backup import create
    from paperless.services import ballot_box

    config = current_app.config
    at_risk = ballot_box.sealed_votes_at_risk_in_backup()
    db.session.remove()
    if at_risk:
        titles = ", ".join(f"“{v.title}”" for v in at_risk[:3])
        raise click.ClickException(
            f"Không sao lưu: đang có biểu quyết kín chưa kết thúc ({titles}) mà chưa cấu hình "
            "PAPERLESS_BALLOT_KEY — khi đó khóa mở phiếu kín suy ra từ khóa bí mật của ứng "
            "dụng, vốn nằm trong bản sao lưu, nên ai giữ bản sao lưu cũng mở được các phiếu "
            "này. Hãy sao lưu sau khi biểu quyết kết thúc, và đặt PAPERLESS_BALLOT_KEY trước "
            "kỳ họp sau (không đổi khi đang có biểu quyết kín).")
    options = create.Options(
        dest=dest, database_url=config["DATABASE_URL"], instance=Path(config["INSTANCE_PATH"]),
        signing_dir=Path(config["SIGNING_DIR"]), secret_key=config["SECRET_KEY"],
        include_private_keys=include_private_keys, encrypt=encrypt, copy_to=copy_to,
        keep_daily=keep_daily, keep_monthly=keep_monthly)
    click.echo(f"Sao lưu vào {dest} …", err=True)
    try:
        result = create.run(options, Progress())
    except BackupError as exc:
        raise click.ClickException(exc.message) from exc
    manifest = result.manifest
    click.echo(f"Đã sao lưu: {result.path}")
    click.echo(f"  phiên bản CSDL {manifest['database']['revision']}, "
               f"{manifest['audit']['entries']} mục nhật ký (đầu chuỗi "
               f"{manifest['audit']['head_hash']}), {manifest['blobs']['copied']} tệp "
               f"({_size(manifest['blobs']['bytes'])}), "
               f"{'CÓ' if include_private_keys else 'không có'} khóa bí mật ký số"
               f"{', mã hóa gpg' if encrypt else ''}.")
    for copy in result.copies:
        click.echo(f"  bản thứ hai: {copy}")
    for path in result.pruned:
        click.echo(f"  đã xóa theo lịch giữ: {path}")
    for warning in result.warnings:
        click.echo(f"CẢNH BÁO: {warning}", err=True)
    if result.warnings:
        sys.exit(1)


@click.command("restore", help="Khôi phục bản sao lưu SRC (thư mục, hoặc tệp .tar.gpg) vào "
                               "phiên bản trống, nâng cấp CSDL, kiểm tra nhật ký và tệp.")
@click.argument("src", type=click.Path(exists=True, path_type=Path))
@click.option("--force", is_flag=True, help="Overwrite an instance that already holds data.")
@with_appcontext
def restore_command(src, force):
    from paperless.backup import restore
    from paperless.services import audit

    config = current_app.config
    url = config["DATABASE_URL"]
    instance = Path(config["INSTANCE_PATH"])
    target = restore.Target(url, instance, Path(config["SIGNING_DIR"]), force=force)
    progress = Progress()
    # nothing of this process may hold the database file/connection being replaced
    db.session.remove()
    current_app.extensions["paperless.engine"].dispose()
    click.echo(f"Khôi phục từ {src} …", err=True)
    try:
        report = restore.restore(src, target, progress)
    except BackupError as exc:
        raise click.ClickException(exc.message) from exc
    db.upgrade(url)
    engine = db.make_engine(url)
    current_app.extensions["paperless.engine"] = engine
    db.session.configure(bind=engine)
    report.revision_after, _head = db.schema_status(engine)
    verdict = audit.verify()
    db.session.rollback()
    report.audit_ok, report.audit_message = verdict.ok, verdict.message
    restore.check_blobs(url, instance, report, progress, frozenset(report.known_missing))
    _print_report(report)
    if not report.ok:
        sys.exit(1)


def _print_report(report) -> None:
    click.echo(f"Đã khôi phục {report.name}: {report.restored_files} tệp.")
    upgraded = (f" → nâng cấp lên {report.revision_after}"
                if report.revision_after != report.revision_before else "")
    click.echo(f"  Phiên bản CSDL: {report.revision_before}{upgraded}")
    differing = {t: c for t, c in report.tables.items() if c[0] != c[1]}
    click.echo(f"  Bảng: {len(report.tables)}, số dòng khớp manifest: "
               f"{'có' if not differing else 'KHÔNG'}")
    for table, (expected, found) in sorted(differing.items()):
        click.echo(f"    {table}: manifest {expected}, khôi phục {found}", err=True)
    click.echo(f"  Nhật ký: {'toàn vẹn' if report.audit_ok else 'BỊ THAY ĐỔI'} "
               f"({report.audit_message})")
    click.echo(f"  Tệp: {report.blobs_checked} tệp đúng mã SHA-256"
               + (f", {len(report.blob_problems)} lỗi" if report.blob_problems else ""))
    for problem in report.blob_problems:
        click.echo(f"    {problem}", err=True)
    click.echo("Kết quả: " + ("ĐẠT" if report.ok else "KHÔNG ĐẠT"))
