"""Certificate PDFs: bilingual, the youth's name in its own script, shaped and embedded.

Fonts come only from static/fonts/ (OFL, see static/fonts/OFL.txt and README there), never from
the system. Text is cut into runs by script (Thai, Lao, Burmese, everything else in the CJK
font, which also carries Latin and digits), and each run is shaped by HarfBuzz through
ReportLab's shaping support, so that Burmese medials reorder and Thai/Lao marks stack; ReportLab
embeds a subset of each font with the glyphs the shaper chose. Shaped glyphs that have no
character of their own (a stacked tone mark, a Burmese ligature) would read back as private-use
codes, so every line is wrapped in a PDF /ActualText span carrying the original text: copy-paste,
search, screen readers and pdftotext get the real name.
"""

import datetime
import io
import zipfile
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import segno
from django.conf import settings
from django.urls import reverse
from reportlab.lib.colors import Color, white
from reportlab.lib.pagesizes import A4, landscape
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfbase.ttfonts import ShapedStr, TTFont, shapeStr
from reportlab.pdfgen.canvas import Canvas

from reports.models import Certificate

FONT_DIR = Path(settings.BASE_DIR) / "static" / "fonts"
FONTS = {
    "QC-Han": "NotoSansSC-GB2312-Regular.ttf",
    "QC-Thai": "NotoSansThai-Regular.ttf",
    "QC-Lao": "NotoSansLao-Regular.ttf",
    "QC-Myanmar": "NotoSansMyanmar-Regular.ttf",
}
# A hanzi outside GB 2312 (rare in names) is drawn with Adobe's standard Chinese font, which
# PDF readers supply themselves; it is the one thing on a certificate that is not embedded.
FALLBACK_HAN = "STSong-Light"
SCRIPT_RANGES = [
    ((0x0E00, 0x0E7F), "QC-Thai"),
    ((0x0E80, 0x0EFF), "QC-Lao"),
    ((0x1000, 0x109F), "QC-Myanmar"),
    ((0xA9E0, 0xA9FF), "QC-Myanmar"),
    ((0xAA60, 0xAA7F), "QC-Myanmar"),
]
INK = Color(0.45, 0.08, 0.08)
GOLD = Color(0.72, 0.55, 0.2)
GREY = Color(0.3, 0.3, 0.3)
PAGE = landscape(A4)


@cache
def register_fonts() -> dict[str, set[int]]:
    """Register the vendored fonts once; return each font's character coverage."""
    coverage = {}
    for name, filename in FONTS.items():
        font = TTFont(name, str(FONT_DIR / filename))
        pdfmetrics.registerFont(font)
        coverage[name] = set(font.face.charToGlyph)
    pdfmetrics.registerFont(UnicodeCIDFont(FALLBACK_HAN))
    return coverage


def font_for(char: str, previous: str | None) -> str:
    coverage = register_fonts()
    code = ord(char)
    for (low, high), name in SCRIPT_RANGES:
        if low <= code <= high:
            return name
    # Spaces, zero-width joiners and punctuation stay with the run they sit in when it can draw them.
    if previous and previous != FALLBACK_HAN and code in coverage[previous] and not char.isalnum():
        return previous
    if code in coverage["QC-Han"]:
        return "QC-Han"
    if "\u3400" <= char <= "\u9fff" or "\U00020000" <= char <= "\U0002ffff":
        return FALLBACK_HAN
    return "QC-Han"


def script_runs(text: str) -> list[tuple[str, str]]:
    """[(font name, text)] with neighbouring characters of the same font joined."""
    runs: list[list[str]] = []
    previous = None
    for char in text:
        name = font_for(char, previous)
        if runs and runs[-1][0] == name:
            runs[-1][1] += char
        else:
            runs.append([name, char])
        previous = name
    return [(name, chunk) for name, chunk in runs]


@dataclass
class ShapedRun:
    font: str
    text: object  # ShapedStr or str
    width: float


def shape_line(text: str, size: float) -> list[ShapedRun]:
    register_fonts()
    runs = []
    for font, chunk in script_runs(text):
        if font == FALLBACK_HAN:
            runs.append(ShapedRun(font, chunk, pdfmetrics.stringWidth(chunk, font, size)))
            continue
        shaped = shapeStr(chunk, font, size)
        if isinstance(shaped, ShapedStr):
            width = sum(d.x_advance for d in shaped.__shapeData__) * size / 1000
        else:
            width = pdfmetrics.stringWidth(shaped, font, size)
        runs.append(ShapedRun(font, shaped, width))
    return runs


def draw_line(canvas: Canvas, text: str, *, x: float, y: float, size: float, align: str = "center",
              max_width: float | None = None, color=INK) -> float:
    """Draw one line (shrunk to fit max_width); return the size used."""
    runs = shape_line(text, size)
    width = sum(r.width for r in runs)
    if max_width and width > max_width:
        size = size * max_width / width
        runs = shape_line(text, size)
        width = sum(r.width for r in runs)
    start = x - width / 2 if align == "center" else (x - width if align == "right" else x)
    actual = text.encode("utf-16-be").hex().upper()
    canvas.addLiteral(f"/Span <</ActualText <FEFF{actual}>>> BDC")
    canvas.setFillColor(color)
    cursor = start
    for run in runs:
        canvas.setFont(run.font, size)
        canvas.drawString(cursor, y, run.text)
        cursor += run.width
    canvas.addLiteral("EMC")
    return size


# --- Wording ---------------------------------------------------------------------------------
# The certificate's own wording per language. It is a document in two fixed languages (Chinese
# and the youth's), not UI text: it must not change with the viewer's interface language.
WORDING = {
    "zh-hans": {
        "completion": "结营证书",
        "outstanding": "优秀营员证书",
        "body_completion": "参加{camp}第{phase}期（{dates}），出勤率{percent}%，完成全部课程，准予结营。",
        "body_outstanding": "在{camp}第{phase}期（{dates}）中表现优异，被评为优秀营员。",
        "issued": "{issuer}　{date}",
        "verify": "验证",
    },
    "en": {
        "completion": "Certificate of Completion",
        "outstanding": "Outstanding Camper",
        "body_completion": "completed phase {phase} of {camp} ({dates}), attending {percent}% of the live classes.",
        "body_outstanding": "is named an Outstanding Camper of phase {phase} of {camp} ({dates}).",
        "issued": "Issued by {issuer} on {date}",
        "verify": "Verify",
    },
    "th": {
        "completion": "ประกาศนียบัตรจบค่าย",
        "outstanding": "ผู้เข้าค่ายดีเด่น",
        "body_completion": "ได้เข้าร่วม {camp} รุ่นที่ {phase} ({dates}) จนจบหลักสูตร โดยเข้าเรียนสด {percent}%",
        "body_outstanding": "ได้รับการยกย่องเป็นผู้เข้าค่ายดีเด่นของ {camp} รุ่นที่ {phase} ({dates})",
        "issued": "ออกโดย {issuer} วันที่ {date}",
        "verify": "ตรวจสอบ",
    },
    "lo": {
        "completion": "ໃບຢັ້ງຢືນການຈົບຄ່າຍ",
        "outstanding": "ນັກຄ່າຍດີເດັ່ນ",
        "body_completion": "ໄດ້ເຂົ້າຮ່ວມ {camp} ຮຸ່ນທີ {phase} ({dates}) ຈົນຈົບຫຼັກສູດ, ເຂົ້າຮຽນສົດ {percent}%",
        "body_outstanding": "ໄດ້ຮັບການຍ້ອງຍໍເປັນນັກຄ່າຍດີເດັ່ນຂອງ {camp} ຮຸ່ນທີ {phase} ({dates})",
        "issued": "ອອກໂດຍ {issuer} ວັນທີ {date}",
        "verify": "ກວດສອບ",
    },
    "my": {
        "completion": "စခန်းပြီးဆုံးကြောင်း အသိအမှတ်ပြုလက်မှတ်",
        "outstanding": "ထူးချွန်စခန်းသား",
        "body_completion": "{camp} အပိုင်း {phase} ({dates}) ကို ပြီးဆုံးအောင် တက်ရောက်ခဲ့ပြီး "
        "တိုက်ရိုက်သင်ခန်းစာ {percent}% တက်ရောက်ခဲ့သည်။",
        "body_outstanding": "{camp} အပိုင်း {phase} ({dates}) ၏ ထူးချွန်စခန်းသားအဖြစ် ရွေးချယ်ခံရသည်။",
        "issued": "{issuer} မှ {date} တွင် ထုတ်ပေးသည်",
        "verify": "စစ်ဆေးရန်",
    },
}


def _chinese_date(value: datetime.date) -> str:
    return f"{value.year}年{value.month}月{value.day}日"


def verify_url(code: str) -> str:
    return settings.SITE_URL + reverse("reports:verify", args=[code])


def _draw_qr(canvas: Canvas, data: str, *, x: float, y: float, size: float) -> None:
    qr = segno.make(data, error="m")
    matrix = qr.matrix
    modules = len(matrix) + 8  # quiet zone of four modules on each side
    unit = size / modules
    canvas.setFillColor(white)
    canvas.rect(x, y, size, size, stroke=0, fill=1)
    canvas.setFillColorRGB(0, 0, 0)
    for row_index, row in enumerate(matrix):
        for col_index, dark in enumerate(row):
            if dark:
                canvas.rect(x + (col_index + 4) * unit, y + size - (row_index + 5) * unit, unit, unit, stroke=0, fill=1)


def certificate_pdf(certificate: Certificate) -> bytes:
    """One A4 landscape page: Chinese first, then the youth's language (if not Chinese)."""
    register_fonts()
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=PAGE, initialFontName="QC-Han", invariant=1, lang="zh-Hans")
    width, height = PAGE
    zh = WORDING["zh-hans"]
    local_code = certificate.language if certificate.language in WORDING else "en"
    local = WORDING[local_code] if local_code != "zh-hans" else None
    canvas.setTitle(f"{zh[certificate.kind]} {certificate.code}")
    canvas.setAuthor(certificate.issuer)
    canvas.setSubject(certificate.camp_title)

    canvas.setStrokeColor(INK)
    canvas.setLineWidth(3)
    canvas.rect(24, 24, width - 48, height - 48)
    canvas.setStrokeColor(GOLD)
    canvas.setLineWidth(1)
    canvas.rect(34, 34, width - 68, height - 68)
    centre = width / 2
    text_width = width - 140
    draw_line(canvas, certificate.issuer, x=centre, y=height - 80, size=14, color=GREY, max_width=text_width)
    draw_line(canvas, zh[certificate.kind], x=centre, y=height - 135, size=40, max_width=text_width)
    if local:
        draw_line(canvas, local[certificate.kind], x=centre, y=height - 165, size=18, color=GOLD,
                  max_width=text_width)
    draw_line(canvas, certificate.full_name, x=centre, y=height - 230, size=32, color=Color(0, 0, 0),
              max_width=text_width)
    if certificate.chinese_name:
        draw_line(canvas, certificate.chinese_name, x=centre, y=height - 262, size=20, color=Color(0, 0, 0))
    zh_dates = f"{_chinese_date(certificate.starts_on)}至{_chinese_date(certificate.ends_on)}"
    body_key = f"body_{certificate.kind}"
    fields = {"camp": certificate.camp_title, "phase": certificate.phase_number, "percent":
              certificate.attendance_percent}
    draw_line(canvas, zh[body_key].format(dates=zh_dates, **fields), x=centre, y=height - 310, size=15,
              max_width=text_width)
    iso_dates = f"{certificate.starts_on.isoformat()} – {certificate.ends_on.isoformat()}"
    if local:
        local_title = certificate.camp_title_local or certificate.camp_title
        draw_line(canvas, local[body_key].format(dates=iso_dates, **{**fields, "camp": local_title}), x=centre,
                  y=height - 338, size=13, color=GREY, max_width=text_width)
    if certificate.citation:
        draw_line(canvas, f"“{certificate.citation}”", x=centre, y=height - 372, size=14, max_width=text_width)

    issued = certificate.issued_at.date()
    left = 70
    draw_line(canvas, zh["issued"].format(issuer=certificate.issuer, date=_chinese_date(issued)), x=left, y=110,
              size=12, align="left", color=GREY, max_width=430)
    if local:
        draw_line(canvas, local["issued"].format(issuer=certificate.issuer, date=issued.isoformat()), x=left, y=92,
                  size=11, align="left", color=GREY, max_width=430)
    url = verify_url(certificate.code)
    qr_size = 96
    qr_x, qr_y = width - 70 - qr_size, 62
    _draw_qr(canvas, url, x=qr_x, y=qr_y, size=qr_size)
    label = zh["verify"] + (f" / {local['verify']}" if local else "")
    draw_line(canvas, label, x=qr_x - 10, y=qr_y + 62, size=10, align="right", color=GREY)
    draw_line(canvas, certificate.code, x=qr_x - 10, y=qr_y + 44, size=13, align="right", color=Color(0, 0, 0))
    draw_line(canvas, url, x=qr_x - 10, y=qr_y + 28, size=8, align="right", color=GREY, max_width=330)
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def certificates_zip(certificates) -> bytes:
    """All PDFs in one archive, named by kind and code."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for certificate in certificates:
            archive.writestr(certificate.filename, certificate_pdf(certificate))
    return buffer.getvalue()

