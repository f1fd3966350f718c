"""Embedded TrueType fonts for reportlab-made PDFs (Vietnamese needs real glyphs).

reportlab's 14 standard fonts only cover Latin-1, so "Đ", "ư", "ạ" and friends
would come out as black boxes.  We embed Noto Sans (Debian package
``fonts-noto-core``); the folder can be overridden with ``PAPERLESS_REPORT_FONT_DIR``.
"""

from __future__ import annotations

import os
from pathlib import Path

from reportlab.lib.fonts import addMapping
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

FONT_DIR_ENV = "PAPERLESS_REPORT_FONT_DIR"
DEFAULT_FONT_DIR = Path("/usr/share/fonts/truetype/noto")
REGULAR_FILE = "NotoSans-Regular.ttf"
BOLD_FILE = "NotoSans-Bold.ttf"

REGULAR = "PaperlessNotoSans"
BOLD = "PaperlessNotoSans-Bold"

_registered_from: Path | None = None


def font_dir() -> Path:
    """The folder holding the report fonts (env override, else Debian's Noto folder)."""
    override = os.environ.get(FONT_DIR_ENV, "").strip()
    return Path(override) if override else DEFAULT_FONT_DIR


def register_fonts() -> tuple[str, str]:
    """Register the regular and bold report fonts with reportlab; return their names.

    Idempotent.  Raises ``RuntimeError`` naming the missing files and the Debian
    package when the fonts cannot be found.
    """
    global _registered_from
    folder = font_dir()
    if _registered_from == folder:
        return REGULAR, BOLD
    regular, bold = folder / REGULAR_FILE, folder / BOLD_FILE
    missing = [str(p) for p in (regular, bold) if not p.is_file()]
    if missing:
        raise RuntimeError(
            "Report fonts not found: "
            + ", ".join(missing)
            + ". Install the Debian package 'fonts-noto-core' (apt-get install fonts-noto-core)"
            + f" or point {FONT_DIR_ENV} at a folder containing {REGULAR_FILE} and {BOLD_FILE}."
        )
    try:
        pdfmetrics.registerFont(TTFont(REGULAR, str(regular)))
        pdfmetrics.registerFont(TTFont(BOLD, str(bold)))
    except Exception as exc:  # unreadable / not a TrueType file
        raise RuntimeError(f"Cannot load report fonts from {folder}: {exc}") from exc
    # Let <b> inside Paragraph markup pick the bold face.
    addMapping(REGULAR, 0, 0, REGULAR)
    addMapping(REGULAR, 1, 0, BOLD)
    addMapping(REGULAR, 0, 1, REGULAR)
    addMapping(REGULAR, 1, 1, BOLD)
    _registered_from = folder
    return REGULAR, BOLD


# Administrative documents (biên bản, nghị quyết) use Times New Roman (Decree 30/2020);
# Liberation Serif (Debian fonts-liberation2) is its metric-compatible twin with Vietnamese.
SERIF_DIR = Path("/usr/share/fonts/truetype/liberation2")
SERIF_FILES = {"R": "LiberationSerif-Regular.ttf", "B": "LiberationSerif-Bold.ttf",
               "I": "LiberationSerif-Italic.ttf", "BI": "LiberationSerif-BoldItalic.ttf"}
SERIF = "PaperlessSerif"


def register_serif() -> dict[str, str]:
    """Register Liberation Serif (regular, bold, italic, bold italic); {"R": name, …}."""
    names = {key: f"{SERIF}-{key}" for key in SERIF_FILES}
    if names["R"] in pdfmetrics.getRegisteredFontNames():
        return names
    missing = [f for f in SERIF_FILES.values() if not (SERIF_DIR / f).is_file()]
    if missing:
        raise RuntimeError(f"Serif fonts not found in {SERIF_DIR}: {', '.join(missing)}. "
                           "Install the Debian package 'fonts-liberation2'.")
    for key, file in SERIF_FILES.items():
        pdfmetrics.registerFont(TTFont(names[key], str(SERIF_DIR / file)))
    addMapping(names["R"], 0, 0, names["R"])
    addMapping(names["R"], 1, 0, names["B"])
    addMapping(names["R"], 0, 1, names["I"])
    addMapping(names["R"], 1, 1, names["BI"])
    return names
