"""The Vietnamese subset of the stamp font: every Vietnamese letter kept, much smaller."""

from __future__ import annotations

from pathlib import Path

from fontTools.ttLib import TTFont

import signing
from signing.stamp import FontConfig

LETTERS = ("aàáảãạăằắẳẵặâầấẩẫậbcdđeèéẻẽẹêềếểễệghiìíỉĩịklmnoòóỏõọôồốổỗộơờớởỡợpqrstu"
           "ùúủũụưừứửữựvxyỳýỷỹỵ")


def test_subset_keeps_vietnamese_and_is_reused(tmp_path):
    fonts = signing.vietnamese_fonts(tmp_path / "cache")
    full = FontConfig().checked()
    for small, big in ((fonts.regular, full.regular), (fonts.bold, full.bold)):
        assert Path(small).parent == tmp_path / "cache"
        assert Path(small).stat().st_size < Path(big).stat().st_size / 3
        cmap = TTFont(small).getBestCmap()
        for ch in LETTERS + LETTERS.upper() + "₫–“”":
            assert ord(ch) in cmap, ch
    made = Path(fonts.regular).stat().st_mtime_ns
    again = signing.vietnamese_fonts(tmp_path / "cache")
    assert again == fonts and Path(again.regular).stat().st_mtime_ns == made


def test_a_font_that_cannot_be_subset_is_used_whole(tmp_path):
    fake = tmp_path / "broken.ttf"
    fake.write_bytes(b"not a font")
    fonts = signing.vietnamese_fonts(tmp_path / "cache", FontConfig(str(fake), str(fake)))
    assert fonts.regular == fonts.bold == str(fake)
