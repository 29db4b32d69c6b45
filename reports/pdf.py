"""Certificate PDFs: bilingual, the youth's name in its own script, shaped and embedded.

Fonts come from static/fonts/ (OFL, see static/fonts/OFL.txt and README there) and, for what those
lack, from the machine's Noto/DejaVu fonts (reports/fonts.py); every font is embedded. Text is cut
into runs by script (Thai, Lao, Burmese, everything else in the CJK font, which also carries Latin
and digits, then the machine's fonts), and each run is shaped by HarfBuzz through ReportLab's
shaping support, so that Burmese medials reorder and Thai/Lao marks stack; ReportLab embeds a
subset of each font with the glyphs the shaper chose. Shaped glyphs that have no character of their
own (a stacked tone mark, a Burmese ligature) would read back as private-use codes, so every line
is wrapped in a PDF /ActualText span carrying the printed text: copy-paste, search, screen readers
and pdftotext get the real name.

A name is never cut or run off the page: a long one shrinks a little, then wraps onto two lines at
the places ICU allows a line break (between Thai, Lao and Burmese words too), then shrinks again.
"""

import datetime
import io
import zipfile
from dataclasses import dataclass
from functools import cache

import segno
from django.conf import settings
from django.urls import reverse
from icu4py.breakers import LineBreaker
from reportlab.lib.colors import Color, white
from reportlab.lib.pagesizes import A4, landscape
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import ShapedStr, shapeStr
from reportlab.pdfgen.canvas import Canvas

from reports import fonts
from reports.fonts import FONT_DIR, FONTS, PLACEHOLDER, printable  # noqa: F401  (FONT_DIR, FONTS: tests)
from reports.models import Certificate

SCRIPT_RANGES = fonts.SCRIPT_RANGES
INK = Color(0.45, 0.08, 0.08)
GOLD = Color(0.72, 0.55, 0.2)
GREY = Color(0.3, 0.3, 0.3)
PAGE = landscape(A4)
# A line shrinks to this share of its size before it wraps instead.
SHRINK_BEFORE_WRAP = 0.7
LEADING = 1.2
# Thai and Lao stack marks above and below, Burmese even more: their lines need more room.
TALL_LEADING = {"QC-Thai": 1.35, "QC-Lao": 1.35, "QC-Myanmar": 1.5}


def leading_for(text: str) -> float:
    return max([LEADING, *(TALL_LEADING.get(fonts.script_font(ch), LEADING) for ch in text)])


def register_fonts() -> dict[str, set[int]]:
    """Register the vendored fonts once; return each font's character coverage."""
    return fonts.vendored_coverage()


def _covers(name: str, code: int) -> bool:
    vendored = register_fonts().get(name)
    if vendored is not None:
        return code in vendored
    return any(f[0] == name and code in f[3] for f in fonts.system_coverage())


def font_for(char: str, previous: str | None) -> str:
    coverage = register_fonts()
    code = ord(char)
    for (low, high), name in SCRIPT_RANGES:
        if low <= code <= high:
            return name
    # Spaces, zero-width joiners and punctuation stay with the run they sit in when it can draw them.
    if previous and not char.isalnum() and _covers(previous, code):
        return previous
    if code in coverage["QC-Han"]:
        return "QC-Han"
    return fonts.system_font_for(code) or "QC-Han"


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
    # A collection font (Noto CJK) is cut down to what this line needs: one subset per line.
    cff_text = {}
    for name, chunk in runs:
        if fonts.is_cff(name):
            cff_text[name] = cff_text.get(name, "") + chunk
    cut = {name: fonts.cff_font_for(name, text) for name, text in cff_text.items()}
    return [(cut.get(name, name), chunk) for name, chunk in runs]


@dataclass
class ShapedRun:
    font: str
    text: object  # ShapedStr or str
    width: float


def shape_line(text: str, size: float) -> list[ShapedRun]:
    register_fonts()
    runs = []
    for font, chunk in script_runs(text):
        shaped = shapeStr(chunk, font, size)
        if isinstance(shaped, ShapedStr):
            width = sum(d.x_advance for d in shaped.__shapeData__) * size / 1000
        else:
            width = pdfmetrics.stringWidth(shaped, font, size)
        runs.append(ShapedRun(font, shaped, width))
    return runs


@cache
def _unit_width(text: str) -> float:
    """Width of the shaped text at 1 pt (widths scale with the size)."""
    return sum(r.width for r in shape_line(text, 100)) / 100


def wrap(text: str, lines: int) -> list[str]:
    """`text` in at most `lines` lines of about equal width, broken only where ICU allows a line break."""
    pieces = list(LineBreaker(text, "en")) if text else []
    if len(pieces) < 2 or lines < 2:
        return [text]
    widths = [_unit_width(piece) for piece in pieces]

    def greedy(limit: float) -> list[str]:
        result, current, width = [], "", 0.0
        for piece, piece_width in zip(pieces, widths, strict=True):
            if current and width + _unit_width(piece.rstrip()) > limit:
                result.append(current.rstrip())
                current, width = "", 0.0
            current += piece
            width += piece_width
        return [*result, current.rstrip()]

    low, high = max(widths), sum(widths)
    for _ in range(30):  # bisect the narrowest width that still needs no more lines
        middle = (low + high) / 2
        if len(greedy(middle)) <= lines:
            high = middle
        else:
            low = middle
    return [line for line in greedy(high) if line]


def fit(text: str, *, size: float, max_width: float | None, max_lines: int = 1) -> tuple[list[str], float]:
    """The lines and the size that keep `text` inside `max_width`."""
    width = _unit_width(text) * size
    if not max_width or width <= max_width:
        return [text], size
    if max_lines == 1 or width * SHRINK_BEFORE_WRAP <= max_width:
        return [text], size * max_width / width
    lines = wrap(text, max_lines)
    if len(lines) > 1:  # two lines take the height of one and a quarter
        size = size * 1.25 / len(lines)
    widest = max(_unit_width(line) for line in lines) * size
    if widest > max_width:
        size = size * max_width / widest
    return lines, size


def _draw_run_line(canvas: Canvas, text: str, *, x: float, y: float, size: float, align: str, color) -> None:
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


def draw_line(canvas: Canvas, text: str, *, x: float, y: float, size: float, align: str = "center",
              max_width: float | None = None, max_lines: int = 1, wrapped_y: float | None = None,
              color=INK) -> float:
    """Draw `text` as printed (fonts.printable) with its baseline at `y`, shrunk to fit max_width;
    with max_lines > 1 a long text wraps, its lines centred on `wrapped_y` (else `y`). Return the size used."""
    text = printable(text)
    lines, size = fit(text, size=size, max_width=max_width, max_lines=max_lines)
    step = size * leading_for(text)
    centre = y if len(lines) == 1 or wrapped_y is None else wrapped_y
    first = centre + step * (len(lines) - 1) / 2
    for index, line in enumerate(lines):
        _draw_run_line(canvas, line, x=x, y=first - index * step, size=size, align=align, color=color)
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
        "figures": "出勤{attended}/{held}节 · 打卡{checkins}/{prompt_days}天 · 作业通过{homework_accepted}/{homework_assigned}份"
        " · 作品展示{showcase}件 · 自学完成{self_study_done}/{self_study_due}节"
        " · 测验{quizzes_answered}/{quizzes_available}个，平均{quiz_average}%",
    },
    "en": {
        "completion": "Certificate of Completion",
        "outstanding": "Outstanding Camper",
        "body_completion": "completed phase {phase} of {camp} ({dates}), attending {percent}% of the live classes.",
        "body_outstanding": "is named an Outstanding Camper of phase {phase} of {camp} ({dates}).",
        "issued": "Issued by {issuer} on {date}",
        "verify": "Verify",
        "figures": "Live classes {attended}/{held} · check-ins {checkins}/{prompt_days} days · homework accepted "
        "{homework_accepted}/{homework_assigned} · showcase {showcase} · self-study {self_study_done}/{self_study_due}"
        " · quizzes {quizzes_answered}/{quizzes_available}, average {quiz_average}%",
    },
    "th": {
        "completion": "ประกาศนียบัตรจบค่าย",
        "outstanding": "ผู้เข้าค่ายดีเด่น",
        "body_completion": "ได้เข้าร่วม {camp} รุ่นที่ {phase} ({dates}) จนจบหลักสูตร โดยเข้าเรียนสด {percent}%",
        "body_outstanding": "ได้รับการยกย่องเป็นผู้เข้าค่ายดีเด่นของ {camp} รุ่นที่ {phase} ({dates})",
        "issued": "ออกโดย {issuer} วันที่ {date}",
        "verify": "ตรวจสอบ",
        "figures": "เรียนสด {attended}/{held} ครั้ง · เช็คอิน {checkins}/{prompt_days} วัน · การบ้านผ่าน "
        "{homework_accepted}/{homework_assigned} ชิ้น · ผลงานจัดแสดง {showcase} ชิ้น · เรียนด้วยตนเอง "
        "{self_study_done}/{self_study_due} บท · แบบทดสอบ {quizzes_answered}/{quizzes_available} ชุด เฉลี่ย {quiz_average}%",
    },
    "lo": {
        "completion": "ໃບຢັ້ງຢືນການຈົບຄ່າຍ",
        "outstanding": "ນັກຄ່າຍດີເດັ່ນ",
        "body_completion": "ໄດ້ເຂົ້າຮ່ວມ {camp} ຮຸ່ນທີ {phase} ({dates}) ຈົນຈົບຫຼັກສູດ, ເຂົ້າຮຽນສົດ {percent}%",
        "body_outstanding": "ໄດ້ຮັບການຍ້ອງຍໍເປັນນັກຄ່າຍດີເດັ່ນຂອງ {camp} ຮຸ່ນທີ {phase} ({dates})",
        "issued": "ອອກໂດຍ {issuer} ວັນທີ {date}",
        "verify": "ກວດສອບ",
        "figures": "ຮຽນສົດ {attended}/{held} ຄັ້ງ · ເຊັກອິນ {checkins}/{prompt_days} ມື້ · ວຽກບ້ານຜ່ານ "
        "{homework_accepted}/{homework_assigned} ຊິ້ນ · ຜົນງານວາງສະແດງ {showcase} ຊິ້ນ · ຮຽນດ້ວຍຕົນເອງ "
        "{self_study_done}/{self_study_due} ບົດ · ແບບທົດສອບ {quizzes_answered}/{quizzes_available} ຊຸດ ສະເລ່ຍ {quiz_average}%",
    },
    "my": {
        "completion": "စခန်းပြီးဆုံးကြောင်း အသိအမှတ်ပြုလက်မှတ်",
        "outstanding": "ထူးချွန်စခန်းသား",
        "body_completion": "{camp} အပိုင်း {phase} ({dates}) ကို ပြီးဆုံးအောင် တက်ရောက်ခဲ့ပြီး "
        "တိုက်ရိုက်သင်ခန်းစာ {percent}% တက်ရောက်ခဲ့သည်။",
        "body_outstanding": "{camp} အပိုင်း {phase} ({dates}) ၏ ထူးချွန်စခန်းသားအဖြစ် ရွေးချယ်ခံရသည်။",
        "issued": "{issuer} မှ {date} တွင် ထုတ်ပေးသည်",
        "verify": "စစ်ဆေးရန်",
        "figures": "တိုက်ရိုက်သင်ခန်းစာ {attended}/{held} · နေ့စဉ်မှတ်တမ်း {checkins}/{prompt_days} ရက် · အိမ်စာအောင် "
        "{homework_accepted}/{homework_assigned} · ပြသလက်ရာ {showcase} ခု · ကိုယ်တိုင်လေ့လာ "
        "{self_study_done}/{self_study_due} · စစ်ဆေးမေးခွန်း {quizzes_answered}/{quizzes_available} ၊ ပျမ်းမျှ {quiz_average}%",
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


FIGURES = (
    "attended", "held", "checkins", "prompt_days", "homework_accepted", "homework_assigned", "showcase",
    "self_study_done", "self_study_due", "quizzes_answered", "quizzes_available", "quiz_average",
)


def certificate_figures(certificate: Certificate) -> dict | None:
    """The camp-life figures an outstanding camper's certificate prints (copied at issue time); None
    for a completion certificate or one issued before they were copied."""
    stored = certificate.figures or {}
    if certificate.kind != Certificate.Kind.OUTSTANDING or not all(name in stored for name in FIGURES):
        return None
    figures = {name: stored[name] for name in FIGURES}
    average = figures["quiz_average"]
    figures["quiz_average"] = "—" if average is None else f"{average:g}"
    return figures


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
    # Two lines of a long name sit a little higher, between the title and the Chinese name.
    draw_line(canvas, certificate.full_name, x=centre, y=height - 230, wrapped_y=height - 214, size=32,
              color=Color(0, 0, 0), max_width=text_width, max_lines=2)
    if certificate.chinese_name:
        draw_line(canvas, certificate.chinese_name, x=centre, y=height - 262, size=20, color=Color(0, 0, 0),
                  max_width=text_width)
    zh_dates = f"{_chinese_date(certificate.starts_on)}至{_chinese_date(certificate.ends_on)}"
    body_key = f"body_{certificate.kind}"
    fields = {"camp": certificate.camp_title, "phase": certificate.phase_number, "percent":
              certificate.attendance_percent}
    draw_line(canvas, zh[body_key].format(dates=zh_dates, **fields), x=centre, y=height - 310, size=15,
              max_width=text_width, max_lines=2)
    iso_dates = f"{certificate.starts_on.isoformat()} – {certificate.ends_on.isoformat()}"
    if local:
        local_title = certificate.camp_title_local or certificate.camp_title
        draw_line(canvas, local[body_key].format(dates=iso_dates, **{**fields, "camp": local_title}), x=centre,
                  y=height - 338, size=13, color=GREY, max_width=text_width)
    if certificate.citation:
        draw_line(canvas, f"“{certificate.citation}”", x=centre, y=height - 372, size=14, max_width=text_width)
    figures = certificate_figures(certificate)
    if figures:
        draw_line(canvas, zh["figures"].format(**figures), x=centre, y=height - 405, wrapped_y=height - 410,
                  size=11, color=GREY, max_width=text_width, max_lines=2)
        if local:
            draw_line(canvas, local["figures"].format(**figures), x=centre, y=height - 432, wrapped_y=height - 437,
                      size=10, color=GREY, max_width=text_width, max_lines=2)

    issued = certificate.issued_on  # the camp's date, as on the verify page and the lists
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
            # Each file is dated when it was issued, on the camp's clock (ZIP times have no zone).
            entry = zipfile.ZipInfo(certificate.filename, date_time=certificate.issued_local.timetuple()[:6])
            entry.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(entry, certificate_pdf(certificate))
    return buffer.getvalue()

