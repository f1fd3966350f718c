"""Start-up checks and the system-packages script: a missing piece is one sentence, not a traceback."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from paperless import db, preflight

ROOT = Path(__file__).resolve().parent.parent
FLASK = [sys.executable, "-m", "flask", "--app", "paperless"]


def _env(instance: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PAPERLESS_", "SIGNING_"))}
    env.update({"PAPERLESS_INSTANCE_PATH": str(instance), "PAPERLESS_ASYNC_MODE": "threading",
                **extra})
    return env


@pytest.fixture
def migrated(tmp_path) -> Path:
    instance = tmp_path / "instance"
    instance.mkdir()
    db.upgrade(f"sqlite:///{instance / 'paperless.sqlite3'}")
    return instance


def _run(args, env, timeout=120) -> subprocess.CompletedProcess:
    return subprocess.run(args, capture_output=True, text=True, env=env, cwd=ROOT,
                          timeout=timeout, stdin=subprocess.DEVNULL)


def _one_sentence(stderr: str, *words: str) -> str:
    assert "Traceback" not in stderr, stderr
    lines = [line for line in stderr.splitlines() if line.strip()]
    matching = [line for line in lines if all(w in line for w in words)]
    assert len(matching) == 1, stderr
    return matching[0]


def test_check_names_a_missing_signing_font_in_one_sentence(migrated):
    result = _run(FLASK + ["check"], _env(migrated, SIGNING_FONT="/nonexistent"))
    assert result.returncode == 1
    line = _one_sentence(result.stderr, "/nonexistent", "SIGNING_FONT")
    assert line.startswith("Lỗi:")


def test_check_passes_on_a_complete_machine(migrated):
    result = _run(FLASK + ["check"], _env(migrated))
    assert result.returncode == 0, result.stderr
    assert "Lỗi" not in result.stderr


def test_serve_refuses_to_start_without_the_font(migrated):
    # What `make run` ends with: it must stop before binding the port, with the sentence.
    result = _run([sys.executable, "-m", "paperless.serve"],
                  _env(migrated, SIGNING_FONT="/nonexistent", PORT="5999"), timeout=60)
    assert result.returncode == 1
    _one_sentence(result.stderr, "/nonexistent")
    assert "http://" not in result.stdout


def test_ca_init_without_the_font_is_a_sentence_not_a_traceback(migrated):
    result = _run(FLASK + ["ca", "init"], _env(migrated, SIGNING_FONT="/nonexistent"))
    assert result.returncode != 0
    _one_sentence(result.stderr, "/nonexistent")
    assert not (migrated / "signing").exists() or not any((migrated / "signing").rglob("*.p12"))


def test_check_names_a_database_not_at_the_head(tmp_path):
    instance = tmp_path / "instance"
    instance.mkdir()
    result = _run(FLASK + ["check"], _env(instance))
    assert result.returncode == 1
    _one_sentence(result.stderr, "db upgrade")


def test_report_fonts_and_pdftoppm_are_fatal_soffice_only_warns(monkeypatch, tmp_path):
    monkeypatch.setenv("PAPERLESS_REPORT_FONT_DIR", str(tmp_path / "no-fonts"))
    monkeypatch.setattr(preflight.shutil, "which", lambda name: None)
    monkeypatch.setattr("paperless.pdf.convert.find_soffice", lambda: None)
    found = preflight.problems()
    fatal = [p.sentence for p in found if p.fatal]
    warnings = [p.sentence for p in found if not p.fatal]
    assert any("NotoSans-Regular.ttf" in s and "PAPERLESS_REPORT_FONT_DIR" in s for s in fatal)
    assert any("pdftoppm" in s and "poppler-utils" in s for s in fatal)
    assert len(warnings) == 1 and "libreoffice-writer-nogui" in warnings[0]
    printed = []
    assert preflight.report(lambda text, err=False: printed.append(text)) is False
    assert len(printed) == len(found)


def test_system_packages_names_what_is_missing_in_one_line(tmp_path):
    # A PATH with only python3 (and bash): no pdftoppm, soffice, npm, make, chromium…
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "python3").symlink_to(sys.executable)
    result = _run(["/bin/bash", str(ROOT / "scripts" / "system-packages"), "--test", "--check"],
                  {"PATH": str(bin_dir), "HOME": str(tmp_path)})
    assert result.returncode == 1
    line = _one_sentence(result.stderr, "apt-get install")
    for package in ("poppler-utils", "libreoffice-writer-nogui", "npm", "chromium", "softhsm2",
                    "redis-server"):
        assert package in line.split()


def test_system_packages_serve_needs_no_test_servers(tmp_path):
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "python3").symlink_to(sys.executable)
    result = _run(["/bin/bash", str(ROOT / "scripts" / "system-packages"), "--check"],
                  {"PATH": str(bin_dir), "HOME": str(tmp_path)})
    assert result.returncode == 1
    words = _one_sentence(result.stderr, "apt-get install").split()
    assert "poppler-utils" in words
    assert not {"chromium", "postgresql", "redis-server", "nginx"} & set(words)


def test_no_project_file_reaches_outside_the_repository():
    # The project stands alone: no code builds a path from the parent of the repository root
    # (the parent folder by name, or parents[] climbing past the root); the test data is inside it.
    from tests import tools

    assert tools.CORPUS_PDF.is_relative_to(ROOT) and len(list(tools.CORPUS_PDF.glob("*.pdf"))) >= 25
    tracked = subprocess.run(["git", "ls-files"], capture_output=True, text=True, cwd=ROOT,
                             check=True).stdout.split()
    dots = ".."
    climbing = re.compile("|".join([
        re.escape(f'/ "{dots}"'), re.escape(f"'{dots}' /"), re.escape(f'"{dots}/'),
        re.escape(f"'{dots}/"), r"parents\[[3-9]\]"]))
    offenders = []
    for name in tracked:
        path = ROOT / name
        if path.suffix not in {".py", ".sh", ".toml", ".cfg", ".js", ".html", ""}:
            continue
        if not path.is_file() or path.is_symlink():
            continue
        if climbing.search(path.read_text(encoding="utf-8", errors="replace")):
            offenders.append(name)
    assert offenders == []
