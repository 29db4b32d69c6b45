"""A corpus of hostile roster files (issue #12): zip bombs, huge cells, huge row counts, every
encoding a coordinator's computer writes, formulas, garbage. Each is refused with a clear message
(or imported safely) within two seconds, and a refused file writes nothing to the roster."""

import io
import os
import time
import tracemalloc
import zipfile

import openpyxl
import pytest
from django.urls import reverse
from django.utils import timezone

from camp.models import Participant, RosterImport
from camp.services.roster import (
    MAX_CELL_CHARS,
    MAX_PROBLEMS,
    MAX_ROWS,
    XLSX_MAX_UNCOMPRESSED,
    roster_import_confirm,
    roster_import_preview,
)
from tests.camp.conftest import HEADER, csv_bytes, speak_english, youth_row

pytestmark = pytest.mark.django_db
THIS_YEAR = timezone.localdate().year
MB = 1024 * 1024
SHEET_NS = b'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'


def _xlsx(rows=()) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(HEADER.split(","))
    for row in rows:
        sheet.append(list(row))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _good_row(number=1, **overrides):
    return youth_row(number, **overrides).split(",")


def _with_part(data: bytes, part: str, content: bytes) -> bytes:
    """The same XLSX with one part replaced (or added), deflated."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            if item.filename != part:
                target.writestr(item, source.read(item.filename))
        target.writestr(part, content)
    return out.getvalue()


def _shared_strings(*texts: bytes) -> bytes:
    items = b"".join(b"<si><t>" + text + b"</t></si>" for text in texts)
    return b'<?xml version="1.0"?><sst ' + SHEET_NS + b' count="%d">' % len(texts) + items + b"</sst>"


def _sheet_with_shared_cell(index=0) -> bytes:
    return (b'<?xml version="1.0"?><worksheet ' + SHEET_NS + b'><sheetData><row r="1">'
            b'<c r="A1" t="s"><v>%d</v></c></row></sheetData></worksheet>' % index)


def _one_huge_cell_xlsx(chars: int, random: bool = False) -> bytes:
    """The shape of the report's 52 KB file: one shared string of `chars` characters (random ones
    pack like real text; the report's were all the same)."""
    text = os.urandom(chars // 2).hex().encode() if random else b"A" * chars
    return _with_part(_xlsx(), "xl/worksheets/sheet1.xml",
                      b'<?xml version="1.0"?><worksheet ' + SHEET_NS + b'><sheetData><row r="1">'
                      b'<c r="A1" t="inlineStr"><is><t>' + text + b"</t></is></c></row></sheetData></worksheet>")


BILLION_LAUGHS = (b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lololololololololol">'
                  + b"".join(b'<!ENTITY lol%d "%s">' % (n, (b"&lol%d;" % (n - 1) if n > 1 else b"&lol;") * 10)
                             for n in range(1, 10))
                  + b']><worksheet ' + SHEET_NS + b'><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>&lol9;'
                  b"</t></is></c></row></sheetData></worksheet>")


def _with_shared_strings(count: int) -> bytes:
    """The roster (header and three youth) written as Excel does, every cell a shared string, in a
    table (declared, so openpyxl reads all of it) padded to `count` strings that pack like text."""
    from openpyxl.utils import get_column_letter

    table = [HEADER.split(",")] + [_good_row(n) for n in range(1, 4)]
    texts = [cell.encode() for row in table for cell in row]
    cells = iter(range(len(texts)))
    body = b"".join(b'<row r="%d">' % r + b"".join(
        b'<c r="%s%d" t="s"><v>%d</v></c>' % (get_column_letter(c).encode(), r, next(cells))
        for c in range(1, len(row) + 1)) + b"</row>" for r, row in enumerate(table, start=1))
    texts += [b"%06x" % (n * 7919) for n in range(count - len(texts))]
    data = _xlsx()
    types = zipfile.ZipFile(io.BytesIO(data)).read("[Content_Types].xml").replace(
        b"</Types>", b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
        b'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml" /></Types>')
    data = _with_part(data, "[Content_Types].xml", types)
    data = _with_part(data, "xl/sharedStrings.xml", _shared_strings(*texts))
    return _with_part(data, "xl/worksheets/sheet1.xml", b'<?xml version="1.0"?><worksheet ' + SHEET_NS
                      + b"><sheetData>" + body + b"</sheetData></worksheet>")


def _wide_sheet(rows: int, columns: int) -> bytes:
    """Numbers in every cell of `columns` columns: openpyxl parses every cell of a row it reads,
    the ones past the columns we keep too."""
    from openpyxl.utils import get_column_letter

    letters = [get_column_letter(column).encode() for column in range(1, columns + 1)]
    body = b"".join(b'<row r="%d">' % r + b"".join(b'<c r="%s%d"><v>%d</v></c>' % (c, r, r) for c in letters)
                    + b"</row>" for r in range(1, rows + 1))
    return _with_part(_xlsx(), "xl/worksheets/sheet1.xml", b'<?xml version="1.0"?><worksheet ' + SHEET_NS
                      + b"><sheetData>" + body + b"</sheetData></worksheet>")


def _zip_of(name: str, content: bytes) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(name, content)
    return out.getvalue()


def _text(rows: list[str], encoding: str, bom: bytes = b"") -> bytes:
    return bom + ("\r\n".join([HEADER, *rows]) + "\r\n").encode(encoding)


CHINESE_ROWS = [youth_row(n, chinese=True) for n in range(1, 4)]
THAI_ROWS = [youth_row(n) for n in range(1, 4)]
TIS620_ROWS = [youth_row(n, chinese_name="") for n in range(1, 4)]  # TIS-620 has no hanzi
BIG5_ROWS = [f"陳{n},國強{n},,{THIS_YEAR - 12},m,zh-hans,beginner,陳父親,+886 912 345 678," for n in range(1, 4)]
LATIN1_ROWS = [f"Müller{n},José{n},,{THIS_YEAR - 12},m,en,none,Zoé Lefèvre,+33 6 12 34 56 78,élève"
               for n in range(1, 4)]

# (name, file name, bytes, a fragment of the one clear message)
REFUSED = [
    ("zip bomb: shared strings unpack past the cap", "bomb.xlsx",
     _with_part(_xlsx([_good_row()]), "xl/sharedStrings.xml",
                _shared_strings(*[b"x" * 1000] * (XLSX_MAX_UNCOMPRESSED // 1000 + 100))), "unpacks to more than"),
    ("zip bomb: one part packed a thousandfold", "ratio.xlsx",
     _with_part(_xlsx([_good_row()]), "xl/styles.xml", b" " * (5 * MB)), "unpacks to more than"),
    ("200,000 shared strings (openpyxl reads them all up front)", "strings.xlsx", _with_shared_strings(200_000),
     "far more cells"),
    ("1,000 rows of 300 filled columns", "wide.xlsx", _wide_sheet(1000, 300), "far more cells"),
    ("one 50 MB cell (the 52 KB file)", "cell.xlsx", _one_huge_cell_xlsx(50 * MB), "unpacks to more than"),
    ("one 2 MB cell", "cell2.xlsx", _one_huge_cell_xlsx(2 * MB, random=True), "Row 1, column A"),
    ("a cell just over the cap (xlsx)", "long.xlsx", _xlsx([_good_row(notes="n" * (MAX_CELL_CHARS + 1))]),
     "Row 2, column J"),
    ("a cell just over the cap (csv)", "long.csv", csv_bytes([youth_row(1, notes="n" * (MAX_CELL_CHARS + 1))]),
     "Row 2, column J"),
    ("a cell past csv's own limit", "huge.csv", csv_bytes([youth_row(1, notes="n" * 200_000)]), "Row 2"),
    ("billion laughs in the shared strings", "laughs.xlsx",
     _with_part(_xlsx(), "xl/worksheets/sheet1.xml", BILLION_LAUGHS), "cannot be read"),
    ("too many rows (csv)", "rows.csv", csv_bytes([youth_row(n) for n in range(MAX_ROWS + 1)]),
     f"more than {MAX_ROWS} rows"),
    ("too many rows (xlsx)", "rows.xlsx", _xlsx([_good_row(n) for n in range(MAX_ROWS + 1)]),
     f"more than {MAX_ROWS} rows"),
    ("five megabytes of newlines", "newlines.csv", (HEADER + "\n").encode() + b"\n" * (5 * MB - 200),
     f"more than {MAX_ROWS} rows"),
    ("a row a hundred thousand cells wide", "wide.csv", (HEADER + "\n" + youth_row(1) + "," * 100_000 + "x\n").encode(),
     "more than"),
    ("a row of five megabytes of commas", "commas.csv",
     (HEADER + "\n" + youth_row(1) + "," * (5 * MB - 400) + "x\n").encode(), "more than 20 columns"),
    ("UTF-16 without its BOM", "utf16.csv", _text(THAI_ROWS, "utf-16-le"), "not"),
    ("Big5", "big5.csv", _text(BIG5_ROWS, "big5"), "not text in UTF-8 or GBK"),
    ("Thai TIS-620", "tis620.csv", _text(TIS620_ROWS, "tis-620"), "not text in UTF-8 or GBK"),
    ("Latin-1", "latin1.csv", _text(LATIN1_ROWS, "latin-1"), "not text in UTF-8 or GBK"),
    ("=HYPERLINK formula (csv)", "f1.csv",
     csv_bytes([youth_row(1, notes='"=HYPERLINK(""http://evil.example/"",""click"")"')]), "spreadsheet formula"),
    ("+cmd formula (csv)", "f2.csv", csv_bytes([youth_row(1, guardian_name="+cmd|' /C calc'!A0")]),
     "spreadsheet formula"),
    ("@SUM formula (csv)", "f3.csv", csv_bytes([youth_row(1, given_name="@SUM(1+1)*cmd|' /C calc'!A0")]),
     "spreadsheet formula"),
    ("-2+3 in a phone number (csv)", "f4.csv", csv_bytes([youth_row(1, guardian_contact="-2+3+cmd|' /C calc'!A0")]),
     "spreadsheet formula"),
    ("a formula cell in a sheet", "f5.xlsx", _xlsx([_good_row(notes='=HYPERLINK("http://evil.example/","x")')]),
     "spreadsheet formula"),
    ("not a zip, named .xlsx", "fake.xlsx", b"family_name,given_name\nA,B\n", "cannot be read"),
    ("a zip that is no spreadsheet", "other.xlsx", _zip_of("readme.txt", b"hello"), "cannot be read"),
    ("an empty file", "empty.csv", b"", "empty"),
    ("only blanks", "blank.csv", b" \r\n\t\n", "empty"),
    ("binary garbage (csv)", "garbage.csv", os.urandom(64 * 1024), "not"),
    ("binary garbage (xlsx)", "garbage.xlsx", b"PK\x03\x04" + os.urandom(64 * 1024), "cannot be read"),
    ("an old Excel file", "old.xls", b"\xd0\xcf\x11\xe0" + os.urandom(1024), "Old Excel"),
]

IMPORTED = [
    ("XLSX with 20,000 shared strings", "shared.xlsx", _with_shared_strings(20_000)),
    ("UTF-8 without BOM", "utf8.csv", _text(THAI_ROWS, "utf-8")),
    ("UTF-8 with BOM", "bom.csv", _text(THAI_ROWS, "utf-8", b"\xef\xbb\xbf")),
    ("UTF-16 LE with BOM", "utf16le.csv", _text(THAI_ROWS, "utf-16-le", b"\xff\xfe")),
    ("UTF-16 BE with BOM", "utf16be.csv", _text(THAI_ROWS, "utf-16-be", b"\xfe\xff")),
    ("GBK", "gbk.csv", _text(CHINESE_ROWS, "gbk")),
    ("Big5 text saved again as UTF-8", "big5-utf8.csv", _text(BIG5_ROWS, "utf-8")),
    ("Latin-1 text saved again as UTF-8", "latin1-utf8.csv", _text(LATIN1_ROWS, "utf-8")),
    ("XLSX", "ok.xlsx", _xlsx([_good_row(n) for n in range(1, 4)])),
]


@pytest.mark.parametrize(("name", "file_name", "data", "fragment"), REFUSED, ids=[case[0] for case in REFUSED])
def test_hostile_files_are_refused_quickly_with_one_clear_message(coordinator, applying_group, name, file_name,
                                                                  data, fragment):
    started = time.monotonic()
    pending = roster_import_preview(by=coordinator, group=applying_group, file_name=file_name, data=data)
    assert time.monotonic() - started < 2, name
    messages = [problem["message"] for problem in pending.problems]
    assert any(fragment in message for message in messages), messages
    assert len(pending.problems) <= MAX_PROBLEMS + 1
    assert all(len(message) < 400 for message in messages)
    # The preview keeps nothing of a file it cannot read, and bounded cells of one it can.
    assert all(len(value) <= MAX_CELL_CHARS for row in pending.rows for value in row["cells"].values())
    with pytest.raises(Exception):  # noqa: B017 — any refusal; the roster is what matters
        roster_import_confirm(by=coordinator, roster_import=pending)
    assert not Participant.objects.filter(group=applying_group).exists()


@pytest.mark.parametrize(("name", "file_name", "data"), IMPORTED, ids=[case[0] for case in IMPORTED])
def test_every_encoding_a_computer_writes_is_imported_safely(coordinator, applying_group, name, file_name, data):
    started = time.monotonic()
    pending = roster_import_preview(by=coordinator, group=applying_group, file_name=file_name, data=data)
    assert time.monotonic() - started < 2
    assert pending.problems == [], pending.problems
    assert roster_import_confirm(by=coordinator, roster_import=pending) == 3
    names = set(Participant.objects.filter(group=applying_group).values_list("family_name", flat=True))
    expected = {"GBK": "陈1", "Big5 text saved again as UTF-8": "陳1", "Latin-1 text saved again as UTF-8": "Müller1"}
    assert expected.get(name, "แซ่ตั้ง1") in names


def test_the_zip_bomb_is_refused_before_anything_unpacks(coordinator, applying_group):
    """The report's file: 316 KB that unpack to 108 MB. Refused from the zip's directory alone."""
    bomb = _with_part(_xlsx([_good_row()]), "xl/sharedStrings.xml", _shared_strings(*[b"y" * 1000] * 108_000))
    assert len(bomb) < 1 * MB
    tracemalloc.start()
    try:
        pending = roster_import_preview(by=coordinator, group=applying_group, file_name="bomb.xlsx", data=bomb)
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 10 * MB
    assert "unpacks to more than" in pending.problems[0]["message"] and pending.rows == []


def test_a_long_cell_in_a_short_column_is_kept_short_in_the_preview(coordinator, applying_group):
    pending = roster_import_preview(by=coordinator, group=applying_group, file_name="name.csv",
                                    data=csv_bytes([youth_row(1, family_name="F" * 900)]))
    assert [(p["line"], p["column"]) for p in pending.problems] == [(2, "family_name")]
    assert "900 characters, at most 100" in pending.problems[0]["message"]
    assert pending.rows[0]["cells"]["family_name"] == "F" * 100


def test_many_problems_are_kept_bounded(coordinator, applying_group):
    rows = [youth_row(n, birth_year="year", gender="?", preferred_language="??") for n in range(MAX_ROWS)]
    pending = roster_import_preview(by=coordinator, group=applying_group, file_name="bad.csv", data=csv_bytes(rows))
    assert len(pending.problems) == MAX_PROBLEMS + 1
    assert "more problems" in pending.problems[-1]["message"]


def test_the_file_is_read_outside_the_write_transaction(coordinator, applying_group, monkeypatch):
    """A slow file must not hold the database's write lock: no transaction is open while it is read."""
    from django.db import connection

    from camp.services import roster as roster_service

    seen = []
    real = roster_service.roster_file_read

    def spy(**kwargs):
        seen.append(connection.in_atomic_block and len(connection.savepoint_ids))
        return real(**kwargs)

    monkeypatch.setattr(roster_service, "roster_file_read", spy)
    roster_import_preview(by=coordinator, group=applying_group, file_name="ok.csv", data=csv_bytes([youth_row(1)]))
    # pytest-django wraps the test in one atomic block (no savepoint); the service must add none.
    assert seen == [0]


def test_the_upload_page_refuses_a_bomb_with_a_message(client, coordinator, applying_group):
    speak_english(coordinator)
    client.force_login(coordinator)
    bomb = io.BytesIO(_one_huge_cell_xlsx(50 * MB))
    bomb.name = "roster.xlsx"
    started = time.monotonic()
    response = client.post(reverse("roster_import", args=[applying_group.pk]), {"file": bomb}, follow=True)
    assert time.monotonic() - started < 2
    page = response.content.decode()
    assert response.status_code == 200 and "unpacks to more than 20 MB" in page
    assert len(page) < 200_000
    assert RosterImport.objects.get(group=applying_group).rows == []
    assert not Participant.objects.filter(group=applying_group).exists()


def test_control_characters_in_the_file_name_do_not_reach_the_page(coordinator, applying_group):
    pending = roster_import_preview(by=coordinator, group=applying_group, file_name="a\r\nb\x00c.csv",
                                    data=csv_bytes([youth_row(1)]))
    assert pending.file_name == "abc.csv"


@pytest.mark.parametrize("text", ['=HYPERLINK("http://evil.example/","x")', "+cmd|' /C calc'!A0", "@SUM(1+1)"])
def test_formula_like_names_typed_on_the_form_are_text_and_export_safely(coordinator, applying_group, text):
    """A file refuses them (above); one youth typed on the form keeps the name as written, and
    every export writes it as text (reports.exports.neutralize)."""
    from camp.services.roster import participant_create
    from reports.exports import to_csv, to_xlsx
    from reports.selectors import Table

    participant = participant_create(by=coordinator, group=applying_group, family_name=text, given_name="Mei",
                                     birth_year=THIS_YEAR - 12, guardian_name="Mother",
                                     guardian_contact="+66 81 234 5678")
    participant.refresh_from_db()
    assert participant.family_name == text
    table = Table(key="roster", title="roster", columns=["family_name"], rows=[[participant.family_name]])
    assert f"'{text}" in to_csv([table]).decode("utf-8-sig").replace('""', '"')
    sheet = openpyxl.load_workbook(io.BytesIO(to_xlsx([table]))).active
    assert sheet["A2"].value == f"'{text}" and sheet["A2"].data_type == "s"
