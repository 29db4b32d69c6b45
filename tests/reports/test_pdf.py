"""Certificate PDFs: names in their own scripts are extracted back, embedded, shaped, and not boxes.

The tests that read the PDF back with poppler (pdftotext, pdffonts, pdftoppm) are marked `poppler`."""

import datetime
import subprocess
import tempfile
from pathlib import Path

import pytest
import uharfbuzz
from django.utils import timezone
from fontTools.ttLib import TTFont
from PIL import Image, ImageChops

from reports import fonts, pdf
from reports.models import Certificate

NAMES = {
    "lo": ("ສຸກສະຫວັນ", "ແກ້ວມະນີ", "QC-Lao"),
    "th": ("พิมพ์ชนก", "แซ่ตั้ง", "QC-Thai"),
    "my": ("မြတ်နိုး", "ခင်ခင်", "QC-Myanmar"),
    "zh-hans": ("欣怡", "陈", "QC-Han"),
}
DPI = 100


def certificate(language: str, **extra) -> Certificate:
    given, family, _font = NAMES[language]
    given, family = extra.pop("given_name", given), extra.pop("family_name", family)
    return Certificate(
        kind=extra.pop("kind", "completion"), code="7K4M-9XWP-3HTR-Q2ZD", given_name=given, family_name=family,
        chinese_name=extra.pop("chinese_name", "陈欣怡"), language=language, camp_title="亲情中华·为你讲故事 2023",
        issuer="普洱市侨联", phase_number=1, starts_on=datetime.date(2023, 7, 1), ends_on=datetime.date(2023, 7, 15),
        attendance_percent=93, issued_at=timezone.now(), **extra,
    )


def run(*args: str) -> str:
    return subprocess.run(args, check=True, capture_output=True, text=True).stdout


def write(tmp_path: Path, data: bytes, name="c.pdf") -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def name_band(pdf_path: Path) -> Image.Image:
    """The rendered band where the name is drawn (baseline 230 pt below the top, 32 pt type)."""
    prefix = pdf_path.with_suffix("")
    run("pdftoppm", "-r", str(DPI), "-gray", "-png", "-singlefile", str(pdf_path), str(prefix))
    image = Image.open(f"{prefix}.png").convert("L")
    scale = DPI / 72
    top, bottom = (230 - 34) * scale, (230 + 12) * scale
    margin = int(60 * scale)  # leave out the page's border lines
    return image.crop((margin, int(top), image.width - margin, int(bottom)))


def ink(image: Image.Image) -> int:
    """Number of dark pixels."""
    return sum(count for value, count in enumerate(image.histogram()) if value < 128)


def differing(a: Image.Image, b: Image.Image) -> int:
    diff = ImageChops.difference(a, b)
    return sum(count for value, count in enumerate(diff.histogram()) if value > 64)


@pytest.mark.poppler
@pytest.mark.parametrize("language", ["lo", "th", "my", "zh-hans"])
def test_text_reads_back_with_name_and_code(tmp_path, language):
    path = write(tmp_path, pdf.certificate_pdf(certificate(language)))
    text = run("pdftotext", str(path), "-")
    given, family, _font = NAMES[language]
    assert f"{given} {family}" in text
    assert "7K4M-9XWP-3HTR-Q2ZD" in text
    assert "结营证书" in text and "普洱市侨联" in text
    assert "/verify/7K4M-9XWP-3HTR-Q2ZD/" in text
    if language != "zh-hans":
        assert pdf.WORDING[language]["completion"] in text


@pytest.mark.poppler
@pytest.mark.parametrize("language", ["lo", "th", "my", "zh-hans"])
def test_every_font_is_embedded(tmp_path, language):
    path = write(tmp_path, pdf.certificate_pdf(certificate(language)))
    lines = run("pdffonts", str(path)).splitlines()[2:]
    assert lines, "the certificate uses fonts"
    for line in lines:
        columns = line.split()
        name, embedded = columns[0], columns[-5]
        assert embedded == "yes", f"{name} is not embedded"
    script_font = {"lo": "NotoSansLao", "th": "NotoSansThai", "my": "NotoSansMyanmar", "zh-hans": "NotoSansCJKsc"}
    assert any(script_font[language] in line for line in lines)


@pytest.mark.parametrize("language", ["lo", "th", "my", "zh-hans"])
def test_vendored_font_has_every_glyph_of_the_name(language):
    given, family, font_name = NAMES[language]
    path = pdf.FONT_DIR / pdf.FONTS[font_name]
    blob = uharfbuzz.Blob.from_file_path(str(path))
    font = uharfbuzz.Font(uharfbuzz.Face(blob))
    buffer = uharfbuzz.Buffer()
    buffer.add_str(given + family)
    buffer.guess_segment_properties()
    uharfbuzz.shape(font, buffer, {})
    assert all(info.codepoint != 0 for info in buffer.glyph_infos), "no .notdef glyph"
    cmap = TTFont(path).getBestCmap()
    assert all(ord(ch) in cmap for ch in given + family)


def test_burmese_is_reordered_by_the_shaper():
    """မြ: the medial ra (written after မ) wraps it and is drawn first."""
    runs = pdf.shape_line("မြတ်နိုး", 32)
    assert len(runs) == 1 and runs[0].font == "QC-Myanmar"
    shaped = runs[0].text
    assert isinstance(shaped, pdf.ShapedStr)
    clusters = [d.cluster for d in shaped.__shapeData__]
    assert clusters != sorted(range(len(clusters))) or len(shaped) != len("မြတ်နိုး")


@pytest.mark.poppler
@pytest.mark.parametrize("language", ["lo", "th", "my"])
def test_rendered_name_is_not_boxes(tmp_path, monkeypatch, language):
    """Render the certificate with poppler; the name band has ink and differs clearly from the
    same page drawn with a font that lacks the script (which shows .notdef boxes)."""
    ours = name_band(write(tmp_path, pdf.certificate_pdf(certificate(language, chinese_name="")), "ours.pdf"))
    assert ink(ours) > 500
    monkeypatch.setattr(pdf, "SCRIPT_RANGES", [])  # every character falls to the CJK font: tofu
    tofu = name_band(write(tmp_path, pdf.certificate_pdf(certificate(language, chinese_name="")), "tofu.pdf"))
    assert ink(tofu) > 0
    assert differing(ours, tofu) > 0.25 * max(ink(ours), ink(tofu))


@pytest.mark.poppler
@pytest.mark.parametrize("language", ["th", "my"])
def test_shaping_changes_what_is_drawn(tmp_path, monkeypatch, language):
    """Without shaping, Thai tone marks collide with the vowels above and Burmese medials sit in
    the wrong place: the shaped rendering must differ from the unshaped one."""
    shaped = name_band(write(tmp_path, pdf.certificate_pdf(certificate(language, chinese_name="")), "s.pdf"))
    monkeypatch.setattr(pdf, "shapeStr", lambda text, font, size: text)
    plain = name_band(write(tmp_path, pdf.certificate_pdf(certificate(language, chinese_name="")), "p.pdf"))
    assert differing(shaped, plain) > 20


@pytest.mark.poppler
def test_outstanding_certificate_has_citation_and_both_titles(tmp_path):
    path = write(tmp_path, pdf.certificate_pdf(certificate("th", kind="outstanding", citation="书法作品优秀")))
    text = run("pdftotext", str(path), "-")
    assert "优秀营员证书" in text and "ผู้เข้าค่ายดีเด่น" in text and "书法作品优秀" in text


@pytest.fixture
def system_fonts():
    """The machine's fallback fonts this test relies on (fonts-noto-cjk and fonts-noto-core, as .ci/run installs)."""
    names = {f[0] for f in fonts.system_coverage()}
    assert {"QC-SysCJK", "QC-SysSymbols2"} <= names, "install fonts-noto-cjk and fonts-noto-core"


@pytest.fixture
def no_system_fonts(monkeypatch):
    monkeypatch.setattr(fonts, "SYSTEM_FONTS", [])
    fonts.system_coverage.cache_clear()
    pdf._unit_width.cache_clear()
    yield
    fonts.system_coverage.cache_clear()
    pdf._unit_width.cache_clear()


def fonts_of(path: Path) -> list[tuple[str, str]]:
    """(name, embedded) of every font pdffonts lists."""
    return [(line.split()[0], line.split()[-5]) for line in run("pdffonts", str(path)).splitlines()[2:]]


@pytest.mark.poppler
def test_rare_hanzi_are_embedded_from_the_machines_cjk_font(tmp_path, system_fonts):
    # 㛃 (Ext-A), 喆 and 堃 (outside GB 2312), 𠀋 (Ext-B): cut from Noto Sans CJK and embedded.
    name = "陈㛃喆堃𠀋"
    runs = pdf.script_runs(name)
    assert runs[0] == ("QC-Han", "陈") and runs[1][0].startswith("QC-SysCJK-") and runs[1][1] == "㛃喆堃𠀋"
    path = write(tmp_path, pdf.certificate_pdf(certificate("zh-hans", chinese_name=name)))
    assert name in run("pdftotext", str(path), "-")
    listed = fonts_of(path)
    assert all(embedded == "yes" for _name, embedded in listed), listed
    assert any("QC-SysCJK" in font for font, _embedded in listed)


@pytest.mark.poppler
def test_rare_hanzi_are_drawn_not_boxes(tmp_path, monkeypatch, system_fonts):
    """The name band with 𠀋喆 differs clearly from the same name drawn in the GB 2312 font (boxes)."""
    given = "𠀋喆"
    ours = name_band(write(tmp_path, pdf.certificate_pdf(certificate("zh-hans", given_name=given, family_name="",
                                                                     chinese_name="")), "ours.pdf"))
    monkeypatch.setattr(fonts, "system_font_for", lambda code: None)  # what the GB 2312 font alone draws
    tofu = name_band(write(tmp_path, pdf.certificate_pdf(certificate("zh-hans", given_name=given, family_name="",
                                                                     chinese_name="")), "tofu.pdf"))
    assert ink(ours) > 300
    assert differing(ours, tofu) > 0.25 * max(ink(ours), ink(tofu))


@pytest.mark.poppler
def test_emoji_are_drawn_or_left_out_never_boxes(tmp_path, system_fonts):
    # ⭐ and ❤ are in Noto Sans Symbols2 (black and white); 🌸 is in no font here: left out.
    assert fonts.printable("Lily🌸⭐❤️") == "Lily⭐❤"
    assert fonts.printable("小明 🌸 Lily") == "小明 Lily"
    path = write(tmp_path, pdf.certificate_pdf(certificate("zh-hans", given_name="Lily🌸⭐", family_name="Wang",
                                                           chinese_name="")))
    text = run("pdftotext", str(path), "-")
    assert "Lily⭐ Wang" in text and "🌸" not in text
    assert all(embedded == "yes" for _name, embedded in fonts_of(path))


@pytest.mark.poppler
def test_characters_no_font_has_print_as_a_placeholder(tmp_path, no_system_fonts):
    """Without the machine's fonts a rare hanzi is printed as 〓 (never a box) and named for the organizer."""
    assert fonts.printable("陈喆") == "陈〓"
    assert fonts.unprintable("陈喆 Lily🌸") == ["喆", "🌸"]
    path = write(tmp_path, pdf.certificate_pdf(certificate("zh-hans", chinese_name="陈喆")))
    text = run("pdftotext", str(path), "-")
    assert "陈〓" in text and "喆" not in text
    assert all(embedded == "yes" for _name, embedded in fonts_of(path))


def test_printable_keeps_joiners_inside_burmese_and_drops_emoji_selectors(system_fonts):
    assert fonts.printable("မြ\u200cတ်") == "မြ\u200cတ်"
    assert fonts.printable("A\u200dB") == "AB"
    assert fonts.printable("e\u0301") == "é"  # NFC: the vendored font has é
    assert fonts.printable("普洱市侨联　2026年") == "普洱市侨联　2026年"  # ideographic space kept


LONG_NAMES = {
    "latin": ("Maximilian Alexander Christopher Jonathan Sebastian Montgomery Worthington " * 2)[:120],
    "thai": ("พิมพ์ชนกแซ่ตั้งสมชายใจดีประเสริฐวงศ์" * 5)[:120],
    "my": ("မြတ်နိုးခင်ခင်ဇော်ဝင်းအောင်" * 6)[:120],
    "unbroken": "X" * 120,
}


def words_with_boxes(path: Path) -> list[tuple[str, float, float, float, float]]:
    """(word, xMin, yMin, xMax, yMax) of every word poppler finds, in points from the top left."""
    import re

    html = run("pdftotext", "-bbox", str(path), "-")
    return [(word, float(x0), float(y0), float(x1), float(y1)) for x0, y0, x1, y1, word in re.findall(
        r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>', html)]


@pytest.mark.poppler
@pytest.mark.parametrize("kind", LONG_NAMES)
def test_a_long_name_stays_inside_the_frame_and_readable(tmp_path, kind):
    name = LONG_NAMES[kind]
    lines, size = pdf.fit(name, size=32, max_width=pdf.PAGE[0] - 140, max_lines=2)
    if kind != "unbroken":
        assert len(lines) == 2 and size >= 16  # wrapped, not shrunk to nothing
        assert "".join(lines).replace(" ", "") == name.replace(" ", "")
    path = write(tmp_path, pdf.certificate_pdf(certificate("th", given_name=name, family_name="")))
    width, height = pdf.PAGE
    boxes = words_with_boxes(path)
    assert boxes
    for word, x0, y0, x1, y1 in boxes:  # inside the inner frame (34 pt from each edge)
        assert 34 <= x0 and x1 <= width - 34 and 34 <= y0 and y1 <= height - 34, (word, x0, x1)
    text = run("pdftotext", str(path), "-").replace("\n", "").replace(" ", "").replace("-", "")
    assert name.replace(" ", "").replace("-", "") in text
    # The name's lines run into nothing else on the page. Poppler's boxes are the fonts' whole
    # ascent and descent (for Burmese over twice the size), so each is trimmed by 15% at the top
    # and the bottom; the name's own two lines are checked by their spacing.
    def trimmed(box):
        word, x0, y0, x1, y1 = box
        return word, x0, y0 + 0.15 * (y1 - y0), x1, y1 - 0.15 * (y1 - y0)

    mine = [trimmed(b) for b in boxes if len(b[0]) >= 5 and b[0] in name]
    others = [trimmed(b) for b in boxes if not (len(b[0]) >= 5 and b[0] in name)]
    assert mine
    for word, x0, y0, x1, y1 in mine:
        for other, u0, v0, u1, v1 in others:
            overlap = max(0, min(x1, u1) - max(x0, u0)) * max(0, min(y1, v1) - max(y0, v0))
            assert overlap < 2, (word, other)
    if len(mine) == 2:
        assert mine[1][2] - mine[0][2] >= size * 1.15


def test_fonts_are_vendored_with_their_licence():
    for filename in pdf.FONTS.values():
        path = pdf.FONT_DIR / filename
        assert path.exists() and path.stat().st_size < 5 * 1024 * 1024
    assert "SIL Open Font License" in (pdf.FONT_DIR / "OFL.txt").read_text()
    assert not str(pdf.FONT_DIR).startswith("/usr/share")


@pytest.mark.poppler
def test_zip_holds_one_pdf_per_certificate():
    import io
    import zipfile

    first, second = certificate("lo"), certificate("my")
    second.code = "AAAA-BBBB-CCCC-DDDD"
    archive = zipfile.ZipFile(io.BytesIO(pdf.certificates_zip([first, second])))
    assert sorted(archive.namelist()) == sorted([first.filename, second.filename])
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / "x.pdf"
        path.write_bytes(archive.read(second.filename))
        assert "AAAA-BBBB-CCCC-DDDD" in run("pdftotext", str(path), "-")
