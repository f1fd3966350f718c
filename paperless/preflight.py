"""Start-up checks: what the app needs from the machine, each missing piece in one sentence.

`make run`, `make prod`, `python -m paperless.serve` and `flask --app paperless check` run
these before serving, so a fresh machine says "install fonts-noto-core" instead of failing
with a traceback at the first signature. Nothing here imports Flask: the checks look at files
and programs only (the database check is `db.require_current_schema`, run by `create_app`).
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from pathlib import Path

FIX = "scripts/system-packages --serve"


@dataclass(frozen=True)
class Problem:
    """One missing piece; `fatal` ones stop the start, the others are warnings."""

    sentence: str
    fatal: bool = True


def _font_problem(path: str, package: str, setting: str | None) -> Problem | None:
    if Path(path).is_file():
        return None
    if setting and os.environ.get(setting, "").strip() and path.startswith(os.environ[setting]):
        return Problem(f"Phông chữ {path} không tồn tại (font missing): sửa {setting}, "
                       f"hoặc bỏ {setting} để dùng phông mặc định của gói {package}.")
    other = f" hoặc đặt {setting} tới một tệp phông TrueType có tiếng Việt" if setting else ""
    return Problem(f"Thiếu phông chữ {path} (font missing): chạy `{FIX}` "
                   f"(apt-get install {package}){other}.")


def _package(path: str) -> str:
    """The Debian package of a default font path (a configured one may come from anywhere)."""
    return "fonts-liberation2" if "liberation" in path.lower() else "fonts-noto-core"


def font_problems() -> list[Problem]:
    """Fonts of the visible signatures, the reports/minutes and the official documents."""
    from paperless.pdf import official
    from paperless.reports import fonts as report_fonts
    from signing.stamp import BOLD_FONT_ENV, FONT_ENV, FontConfig

    stamp = FontConfig()
    wanted = [(stamp.regular, _package(stamp.regular), FONT_ENV)]
    if stamp.bold:
        wanted.append((stamp.bold, _package(stamp.bold), BOLD_FONT_ENV))
    folder = report_fonts.font_dir()
    for name in (report_fonts.REGULAR_FILE, report_fonts.BOLD_FILE):
        wanted.append((str(folder / name), "fonts-noto-core", report_fonts.FONT_DIR_ENV))
    for path, package, setting in official.required_fonts():
        wanted.append((path, package, setting))
    seen: set[str] = set()
    problems = []
    for path, package, setting in wanted:
        if path in seen:
            continue
        seen.add(path)
        problem = _font_problem(path, package, setting)
        if problem:
            problems.append(problem)
    return problems


def tool_problems() -> list[Problem]:
    problems = []
    if shutil.which("pdftoppm") is None:
        problems.append(Problem(
            f"Thiếu chương trình pdftoppm để tạo ảnh thu nhỏ tài liệu (pdftoppm missing): "
            f"chạy `{FIX}` (apt-get install poppler-utils)."))
    from paperless.pdf.convert import find_soffice

    if find_soffice() is None:
        problems.append(Problem(
            "Không có LibreOffice (soffice): tài liệu PDF vẫn dùng được, nhưng không chuyển được "
            f"tệp Word/OpenDocument sang PDF; chạy `{FIX}` (apt-get install "
            "libreoffice-writer-nogui) để bật.", fatal=False))
    return problems


def problems() -> list[Problem]:
    return font_problems() + tool_problems()


def report(echo) -> bool:
    """Print every problem with `echo(text, err=True)`; True when the app may start."""
    found = problems()
    for problem in found:
        echo(("Lỗi: " if problem.fatal else "Cảnh báo: ") + problem.sentence, err=True)
    return not any(p.fatal for p in found)
