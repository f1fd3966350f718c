"""A TrueType font for text the pipeline draws itself (the reader's watermark): cmap lookup,
advance widths and a glyph-ID-preserving subset, all with fontTools (a dependency through
pyHanko already), so Identity CID == glyph ID holds in the embedded font.

Each font file is parsed once per process; the subset of each set of glyphs is made once
and reused (a watermark's glyphs are the reader's name and the time, so a few sets recur).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from functools import lru_cache
from io import BytesIO
from pathlib import Path

_SUBSETS: OrderedDict[tuple, bytes] = OrderedDict()
_SUBSETS_MAX = 256
_LOCK = threading.Lock()
# Only what a PDF renderer needs from an embedded CIDFontType2 (ISO 32000 9.9), plus cmap/
# name/OS/2/post which the subsetter keeps consistent.
_DROP = ["GSUB", "GPOS", "GDEF", "BASE", "JSTF", "MATH", "kern", "FFTM", "DSIG", "STAT",
         "fvar", "gvar", "avar", "HVAR", "MVAR", "meta", "morx", "feat"]


class TrueTypeFont:
    """One font file parsed by fontTools, read-only once built."""

    def __init__(self, path: str, data: bytes):
        from fontTools import ttLib

        self.path, self.data = path, data
        try:
            tt = ttLib.TTFont(BytesIO(data), lazy=False)
        except Exception as exc:  # fontTools raises many kinds on a damaged file
            raise ValueError(f"not a font: {exc}") from exc
        if "glyf" not in tt or "CFF " in tt:
            raise ValueError("not a TrueType (glyf) font")
        head, hhea = tt["head"], tt["hhea"]
        self.units_per_em = head.unitsPerEm
        self.bbox = (head.xMin, head.yMin, head.xMax, head.yMax)
        self.ascent, self.descent = hhea.ascent, hhea.descent
        order = tt.getGlyphOrder()
        metrics = tt["hmtx"].metrics
        self.advances = tuple(metrics[name][0] for name in order)
        ids = {name: gid for gid, name in enumerate(order)}
        best = tt.getBestCmap()
        if not best:
            raise ValueError("font has no Unicode cmap")
        self.cmap = {cp: ids[name] for cp, name in best.items() if ids.get(name)}
        name = tt["name"].getDebugName(6) if "name" in tt else None
        clean = "".join(c for c in (name or "") if c.isalnum() or c == "-")
        self.postscript_name = clean or Path(path).stem or "EmbeddedFont"

    def glyph(self, char: str) -> int:
        return self.cmap.get(ord(char), 0)

    def width(self, gid: int) -> int:
        """Advance width in PDF glyph space (1/1000 em)."""
        adv = self.advances[gid] if gid < len(self.advances) else self.advances[-1]
        return round(adv * 1000 / self.units_per_em)


@lru_cache(maxsize=8)
def _load(path: str, mtime_ns: int) -> TrueTypeFont:
    return TrueTypeFont(path, Path(path).read_bytes())


def load_font(path: str) -> TrueTypeFont:
    """The parsed font (once per file and modification time); ValueError if unusable."""
    return _load(str(path), Path(path).stat().st_mtime_ns)


def subset(font: TrueTypeFont, gids: set[int]) -> bytes:
    """A font program keeping glyph IDs (the others emptied) for these glyphs and the
    components of composite glyphs (accented letters), layout tables dropped."""
    key = (font.path, font.units_per_em, frozenset(gids))
    with _LOCK:
        cached = _SUBSETS.get(key)
        if cached is not None:
            _SUBSETS.move_to_end(key)
            return cached
    from fontTools import subset as ft_subset
    from fontTools import ttLib

    options = ft_subset.Options()
    options.retain_gids = True
    options.layout_closure = False
    options.layout_features = []
    options.drop_tables += _DROP
    options.notdef_outline = True
    options.name_IDs = [1, 2, 3, 4, 6]
    options.recalc_bounds = False
    tt = ttLib.TTFont(BytesIO(font.data))
    for tag in _DROP:  # before the subsetter decompiles them (most of its time otherwise)
        if tag in tt:
            del tt[tag]
    subsetter = ft_subset.Subsetter(options=options)
    subsetter.populate(gids=sorted(set(gids) | {0}))
    subsetter.subset(tt)
    out = BytesIO()
    tt.save(out)
    program = out.getvalue()
    with _LOCK:
        _SUBSETS[key] = program
        while len(_SUBSETS) > _SUBSETS_MAX:
            _SUBSETS.popitem(last=False)
    return program
