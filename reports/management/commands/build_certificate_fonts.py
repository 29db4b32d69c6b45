"""Rebuild the fonts vendored in static/fonts/ for certificates, from Debian's Noto packages.

Run once by a maintainer (`manage.py build_certificate_fonts`), never at run time: the app reads
only static/fonts/. Needs fonts-noto-core and fonts-noto-cjk installed.

Thai, Lao and Burmese are copied as they are (small, TrueType outlines). Noto Sans CJK SC is an
OpenType/CFF collection of 65,535 glyphs: ReportLab embeds only TrueType outlines, so we keep the
characters of GB 2312 (6,763 hanzi, the set nearly every Chinese given name is written in), ASCII,
Latin-1 and CJK punctuation, and convert the CFF outlines to quadratic TrueType curves.
"""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand
from fontTools import subset
from fontTools.ttLib import TTCollection

from reports.fonts import to_truetype

NOTO_CORE = Path("/usr/share/fonts/truetype/noto")
NOTO_CJK = Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc")
CJK_SC_INDEX = 2  # JP, KR, SC, TC, HK in Debian's collection
COPIED = ["NotoSansThai-Regular.ttf", "NotoSansLao-Regular.ttf", "NotoSansMyanmar-Regular.ttf"]
CJK_OUTPUT = "NotoSansSC-GB2312-Regular.ttf"


def gb2312_characters() -> set[str]:
    characters = set()
    for high in range(0xA1, 0xF8):
        for low in range(0xA1, 0xFF):
            try:
                characters.add(bytes([high, low]).decode("gb2312"))
            except UnicodeDecodeError:
                continue
    return characters


def cjk_characters() -> set[str]:
    characters = gb2312_characters()
    characters |= {chr(c) for c in range(0x20, 0x7F)}
    characters |= {chr(c) for c in range(0xA0, 0x100)}
    characters |= {chr(c) for c in range(0x2010, 0x2070)}  # dashes, quotes, bullets
    characters |= {chr(c) for c in range(0x3000, 0x3040)}  # CJK punctuation
    characters |= {chr(c) for c in range(0xFF01, 0xFF5F)}  # full-width forms
    return characters


class Command(BaseCommand):
    help = "Rebuild static/fonts/ (certificate fonts) from the system's Noto fonts."

    def handle(self, *args, **options):
        target = Path(settings.BASE_DIR) / "static" / "fonts"
        target.mkdir(parents=True, exist_ok=True)
        for name in COPIED:
            (target / name).write_bytes((NOTO_CORE / name).read_bytes())
        font = TTCollection(NOTO_CJK).fonts[CJK_SC_INDEX]
        options = subset.Options()
        options.hinting = False
        options.desubroutinize = True
        options.layout_features = ["kern", "liga", "locl", "ccmp"]
        options.name_IDs = ["*"]
        options.notdef_outline = True
        subsetter = subset.Subsetter(options)
        subsetter.populate(text="".join(sorted(cjk_characters())))
        subsetter.subset(font)
        to_truetype(font)
        font.save(target / CJK_OUTPUT)
        for path in sorted(target.glob("*.ttf")):
            self.stdout.write(f"{path.name}: {path.stat().st_size // 1024} KiB")
