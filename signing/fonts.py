"""Font programs for visible signatures, parsed once per process and subset once per glyph set.

pyHanko's GlyphAccumulator parses the font file (HarfBuzz face, fontTools TTFont, its
tables) for every stamp and subsets it with fontTools on every write — most of the cost of
a signature. Here each font file is parsed once (`FontProgram`), and the embedded subset
of each set of glyphs is made once (fontTools, the same options pyHanko uses, so stamps
are byte-for-byte the same font program) and reused. TrueType (glyf) fonts only; other
fonts use pyHanko's own engine.

It also measures in thousandths of an em, as PDF glyph space is: pyHanko's engine passes
font units through, which spreads the letters of fonts with 2048 units per em (Liberation
Serif, Times New Roman) over twice their width.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from functools import lru_cache
from io import BytesIO
from pathlib import Path

from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.font.api import FontEngine
from pyhanko.pdf_utils.font.opentype import (
    CIDFontType2,
    GlyphAccumulator,
    GlyphAccumulatorFactory,
    _read_ps_name,
)

_SUBSETS: OrderedDict[tuple, bytes] = OrderedDict()
_SUBSETS_MAX = 512
_LOCK = threading.Lock()


class FontProgram:
    """One font file, parsed once; shared read-only by every stamp of the process."""

    def __init__(self, path: str):
        import uharfbuzz as hb
        from fontTools import ttLib

        self.path = path
        self.data = Path(path).read_bytes()
        self.hb_font = hb.Font(hb.Face(self.data))
        # PDF glyph space is 1/1000 em whatever the font's units per em (Liberation: 2048;
        # pyHanko writes font units as they are, right only for 1000-unit fonts such as Noto):
        # shape and measure in thousandths.
        self.hb_font.scale = (1000, 1000)
        self.tt = ttLib.TTFont(BytesIO(self.data))
        # decompile now, under no race: fontTools loads tables lazily and not thread-safely
        for tag in ("head", "hhea", "hmtx", "maxp", "OS/2", "post", "name", "cmap", "loca",
                    "glyf"):
            if tag in self.tt:
                self.tt[tag]  # noqa: B018
        self.is_truetype = "glyf" in self.tt and "CFF " not in self.tt
        self.ps_name = _read_ps_name(self.tt)
        self.units_per_em = self.tt["head"].unitsPerEm
        self.glyph_set = self.tt.getGlyphSet(preferCFF=True)
        self.widths = {}
        # Glyphs of the signing time are always embedded, so the subset of a stamp does not
        # change with the clock (one subset per text, not one per second).
        cmap = self.tt.getBestCmap() or {}
        self.time_gids = frozenset(self.tt.getGlyphID(cmap[ord(c)])
                                   for c in "0123456789:+-T." if ord(c) in cmap)

    def width(self, gid: int) -> int:
        try:
            return self.widths[gid]
        except KeyError:
            width = self.glyph_set.get(self.tt.getGlyphName(gid)).width
            width = round(width * 1000 / self.units_per_em, 3)
            self.widths[gid] = width
            return width

    def subset(self, gids: frozenset[int]) -> bytes:
        """The embedded font program for these glyphs (GIDs kept, layout tables dropped)."""
        key = (self.path, gids)
        with _LOCK:
            cached = _SUBSETS.get(key)
            if cached is not None:
                _SUBSETS.move_to_end(key)
                return cached
        from fontTools import subset, ttLib

        options = subset.Options(layout_closure=False)
        options.drop_tables += ["GPOS", "GDEF", "GSUB", "FFTM"]  # FFTM: FontForge's dates
        options.retain_gids = True
        font = ttLib.TTFont(BytesIO(self.data))
        subsetter = subset.Subsetter(options=options)
        subsetter.populate(gids=sorted(gids))
        subsetter.subset(font)
        out = BytesIO()
        font.save(out)
        program = out.getvalue()
        with _LOCK:
            _SUBSETS[key] = program
            if len(_SUBSETS) > _SUBSETS_MAX:
                _SUBSETS.popitem(last=False)
        return program


@lru_cache(maxsize=16)
def font_program(path: str, mtime_ns: int) -> FontProgram:
    return FontProgram(path)


def load_program(path: str) -> FontProgram:
    return font_program(str(path), Path(path).stat().st_mtime_ns)


class _CachedCIDFontType2(CIDFontType2):
    program: bytes = b""

    def set_font_file(self, writer):
        stream = generic.StreamObject(stream_data=self.program)
        stream.compress()
        ref = writer.add_object(stream)
        self._font_descriptor[generic.pdf_name("/FontFile2")] = ref
        return ref


class CachedGlyphAccumulator(GlyphAccumulator):
    """GlyphAccumulator over a shared FontProgram: no parse, cached subsets."""

    def __init__(self, writer, program: FontProgram, font_size, obj_stream=None):
        # GlyphAccumulator.__init__ would parse the font again; set up what it sets up.
        FontEngine.__init__(self, writer, program.ps_name, embedded_subset=True,
                            obj_stream=obj_stream, font_size=font_size)
        self._program = program
        self._font_ref = writer.allocate_placeholder()
        self.hb_font = program.hb_font
        self.tt = program.tt
        self.cff_charset = None
        self.use_raw_gids = True
        self.cidfont_obj = _CachedCIDFontType2(program.tt, program.ps_name, self.subset_prefix)
        self.features = None
        self.units_per_em = 1000  # see FontProgram.hb_font
        self._glyphs = {}
        self._glyph_set = program.glyph_set
        self._cid_to_unicode = {}
        self._GlyphAccumulator__reverse_cmap = None
        self.ot_language_tag = self.ot_script_tag = None
        self.writing_direction = None
        self.bcp47_lang_code = None
        self._subset_created = self._write_prepared = False

    def _get_cid_and_width(self, glyph_id: int) -> tuple[int, int]:
        try:
            return self._glyphs[glyph_id]
        except KeyError:
            result = self._glyphs[glyph_id] = (glyph_id, self._program.width(glyph_id))
            return result

    def _extract_subset(self, options=None):
        self.cidfont_obj.program = self._program.subset(
            frozenset(self._glyphs) | self._program.time_gids)


def font_engine(path: str, writer, *, cached: bool = True):
    """A font engine for ``path`` on ``writer``: the cached one for TrueType fonts."""
    if cached:
        program = load_program(path)
        if program.is_truetype:
            obj_stream = writer.prepare_object_stream() if writer.stream_xrefs else None
            return CachedGlyphAccumulator(writer, program, 10, obj_stream=obj_stream)
    return GlyphAccumulatorFactory(path).create_font_engine(writer)
