"""Fonts of the certificate PDFs: the vendored ones first, then the machine's, else a placeholder.

The vendored fonts (static/fonts/, OFL) draw nearly every name: GB 2312 hanzi, Latin-1, Thai,
Lao and Burmese. What they lack is looked up, character by character, in the fonts Debian's
fonts-noto-cjk, fonts-noto-core and fonts-dejavu-core put on the machine (SYSTEM_FONTS): a hanzi
outside GB 2312 (喆, 堃, CJK Ext-A and the Ext-B characters Noto CJK has), Vietnamese or Cyrillic
letters, the few emoji drawn in black and white. Every font is embedded as a subset, as the
vendored ones are: a reader's computer is never asked for a font (Adobe's STSong-Light, used
before, is not embedded and shows boxes in many readers).

What no font can draw is never printed as an empty box: a letter or digit becomes the geta mark
〓 (the typesetter's sign for a missing character, so the reader sees something is missing), a
symbol such as an emoji is left out. `unprintable()` names those characters, so the certificate
page can tell the organizer before the PDF goes to a family.
"""

import hashlib
import io
import re
import unicodedata
from functools import cache
from pathlib import Path

from django.conf import settings
from fontTools import subset
from fontTools.pens.cu2quPen import Cu2QuPen
from fontTools.pens.ttGlyphPen import TTGlyphPen
from fontTools.ttLib import TTFont as ToolsFont
from fontTools.ttLib import newTable
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

FONT_DIR = Path(settings.BASE_DIR) / "static" / "fonts"
FONTS = {
    "QC-Han": "NotoSansSC-GB2312-Regular.ttf",
    "QC-Thai": "NotoSansThai-Regular.ttf",
    "QC-Lao": "NotoSansLao-Regular.ttf",
    "QC-Myanmar": "NotoSansMyanmar-Regular.ttf",
}
# (name, path, index in a collection). Noto Sans CJK is an OpenType/CFF collection: ReportLab
# embeds only TrueType outlines, so the characters a line needs are cut out and converted.
SYSTEM_FONTS = [
    ("QC-SysCJK", "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc", 2),  # SC
    ("QC-SysLatin", "/usr/share/fonts/truetype/noto/NotoSans-Regular.ttf", 0),
    ("QC-SysSymbols2", "/usr/share/fonts/truetype/noto/NotoSansSymbols2-Regular.ttf", 0),
    ("QC-SysSymbols", "/usr/share/fonts/truetype/noto/NotoSansSymbols-Regular.ttf", 0),
    ("QC-SysDejaVu", "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf", 0),
]
PLACEHOLDER = "〓"  # U+3013 GETA MARK, in GB 2312: the vendored CJK font draws it
# Invisible characters that only steer emoji or shaping: kept beside Thai, Lao and Burmese (where
# ZWJ/ZWNJ may matter), dropped elsewhere (a black-and-white emoji has no presentation to select).
IGNORABLE = {0x200B, 0x200C, 0x200D, 0x2060, 0xFEFF, *range(0xFE00, 0xFE10), *range(0xE0000, 0xE0080),
             *range(0xE0100, 0xE01F0)}


@cache
def vendored_coverage() -> dict[str, set[int]]:
    """Register the vendored fonts once; each font's characters."""
    coverage = {}
    for name, filename in FONTS.items():
        font = TTFont(name, str(FONT_DIR / filename))
        pdfmetrics.registerFont(font)
        coverage[name] = set(font.face.charToGlyph)
    return coverage


@cache
def system_coverage() -> list[tuple[str, str, int, frozenset[int], bool]]:
    """(name, path, index, characters, is CFF) of the machine's fonts that exist, in SYSTEM_FONTS order."""
    found = []
    for name, path, index in SYSTEM_FONTS:
        if not Path(path).exists():
            continue
        font = ToolsFont(path, fontNumber=index, lazy=True)
        found.append((name, path, index, frozenset(font.getBestCmap()), "CFF " in font))
        font.close()
    return found


def system_font_for(code: int) -> str | None:
    """The first machine font that has this character (registered for ReportLab), or None."""
    for name, path, _index, characters, is_cff in system_coverage():
        if code in characters:
            if not is_cff:
                _register_truetype(name, path)
            return name
    return None


@cache
def _register_truetype(name: str, path: str) -> None:
    pdfmetrics.registerFont(TTFont(name, path))


def cff_font_for(name: str, text: str) -> str:
    """A TrueType font cut from the CFF collection `name` with just the characters of `text`."""
    characters = "".join(sorted(set(text)))
    return _cff_subset(name, characters)


@cache
def _cff_subset(name: str, characters: str) -> str:
    _name, path, index, _chars, _cff = next(f for f in system_coverage() if f[0] == name)
    font = ToolsFont(path, fontNumber=index)
    options = subset.Options()
    options.hinting = False
    options.desubroutinize = True
    options.layout_features = ["kern", "liga", "locl", "ccmp"]
    options.name_IDs = ["*"]
    options.notdef_outline = True
    subsetter = subset.Subsetter(options)
    subsetter.populate(text=characters)
    subsetter.subset(font)
    to_truetype(font)
    registered = f"{name}-{hashlib.sha1(characters.encode()).hexdigest()[:10]}"
    # ReportLab shares embedded font files between fonts of one PostScript name: each cut needs its own.
    for record in font["name"].names:
        if record.nameID == 6:
            record.string = registered
    data = io.BytesIO()
    font.save(data)
    data.seek(0)
    pdfmetrics.registerFont(TTFont(registered, data))
    return registered


def is_cff(name: str) -> bool:
    return any(f[0] == name and f[4] for f in system_coverage())


def drawable(code: int) -> bool:
    if any(code in chars for chars in vendored_coverage().values()):
        return True
    return any(code in f[3] for f in system_coverage())


SCRIPT_RANGES = [
    ((0x0E00, 0x0E7F), "QC-Thai"),
    ((0x0E80, 0x0EFF), "QC-Lao"),
    ((0x1000, 0x109F), "QC-Myanmar"),
    ((0xA9E0, 0xA9FF), "QC-Myanmar"),
    ((0xAA60, 0xAA7F), "QC-Myanmar"),
]


def script_font(char: str) -> str | None:
    """The vendored font of a Thai, Lao or Burmese character, else None."""
    code = ord(char)
    return next((name for (low, high), name in SCRIPT_RANGES if low <= code <= high), None)


def _complex_script(char: str | None) -> bool:
    return char is not None and script_font(char) is not None


def printable(text: str) -> str:
    """The text as the certificate prints it: NFC, undrawable letters as 〓, undrawable symbols left out."""
    out = []
    dropped = False
    text = unicodedata.normalize("NFC", text or "")
    for index, char in enumerate(text):
        code = ord(char)
        if code in IGNORABLE:
            before = out[-1] if out else None
            after = text[index + 1] if index + 1 < len(text) else None
            if code in (0x200C, 0x200D) and _complex_script(before) and _complex_script(after):
                out.append(char)
            continue
        if char.isspace() or drawable(code):
            out.append(char)
        elif unicodedata.category(char)[0] in "LNM":
            out.append(PLACEHOLDER)
        else:  # a symbol no font has (most emoji): left out
            dropped = True
    result = "".join(out)
    return re.sub(r" {2,}", " ", result).strip() if dropped else result


def unprintable(text: str) -> list[str]:
    """The characters of `text` the certificate cannot print as they are (each once, in order)."""
    seen = []
    for char in unicodedata.normalize("NFC", text or ""):
        code = ord(char)
        if code in IGNORABLE or char.isspace() or drawable(code) or char in seen:
            continue
        seen.append(char)
    return seen


def to_truetype(font: ToolsFont) -> None:
    """CFF → glyf, as in fontTools' Snippets/otf2ttf.py."""
    order = font.getGlyphOrder()
    glyph_set = font.getGlyphSet()
    glyphs = {}
    for name in order:
        pen = TTGlyphPen(glyph_set)
        glyph_set[name].draw(Cu2QuPen(pen, max_err=1.0, reverse_direction=True))
        glyphs[name] = pen.glyph()
    font["loca"] = newTable("loca")
    font["glyf"] = glyf = newTable("glyf")
    glyf.glyphOrder = order
    glyf.glyphs = glyphs
    del font["CFF "]
    if "VORG" in font:
        del font["VORG"]
    glyf.compile(font)
    hmtx = font["hmtx"]
    for name, glyph in glyf.glyphs.items():
        advance, _lsb = hmtx.metrics[name]
        hmtx.metrics[name] = (advance, getattr(glyph, "xMin", 0) if glyph.numberOfContours else 0)
    font["maxp"] = maxp = newTable("maxp")
    maxp.tableVersion = 0x00010000
    maxp.maxZones = 1
    for field in ("maxTwilightPoints", "maxStorage", "maxFunctionDefs", "maxInstructionDefs",
                  "maxStackElements", "maxSizeOfInstructions"):
        setattr(maxp, field, 0)
    maxp.maxComponentElements = 0
    maxp.compile(font)
    post = font["post"]
    post.formatType = 2.0
    post.extraNames = []
    post.mapping = {}
    post.glyphOrder = order
    font["head"].glyphDataFormat = 0
    font.sfntVersion = "\000\001\000\000"
