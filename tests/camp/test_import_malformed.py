"""Damaged and hostile roster files: one clear problem each, never a server error, nothing written."""

import io
import zipfile

import openpyxl
import pytest
from django.urls import reverse
from django.utils import timezone

from camp.models import Participant, RosterImport
from camp.services.roster import MAX_ROWS, XLSX_MAX_COLUMNS, roster_file_read, roster_import_preview
from tests.camp.conftest import HEADER, csv_bytes, speak_english

pytestmark = pytest.mark.django_db
THIS_YEAR = timezone.localdate().year
GOOD_ROW = ["Sisouk", "Dara", "", THIS_YEAR - 11, "f", "lo", "beginner", "Mother", "+856 20 5555 1234", None]


def _workbook_bytes(workbook) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _xlsx(rows=(GOOD_ROW,)) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(HEADER.split(","))
    for row in rows:
        sheet.append(list(row))
    return _workbook_bytes(workbook)


def _rewrite(data: bytes, part: str, content: bytes) -> bytes:
    """The same XLSX with one part of the zip replaced."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        assert part in source.namelist()
        for item in source.infolist():
            target.writestr(item, content if item.filename == part else source.read(item.filename))
    return out.getvalue()


CORRUPT_SHEET = _rewrite(_xlsx(), "xl/worksheets/sheet1.xml",
                         b'<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/'
                         b'spreadsheetml/2006/main"><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>x')
BAD_NUMBER_SHEET = _rewrite(_xlsx(), "xl/worksheets/sheet1.xml",
                            b'<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/'
                            b'spreadsheetml/2006/main"><sheetData><row r="1"><c r="A1"><v>not-a-number</v></c>'
                            b'</row></sheetData></worksheet>')
CORRUPT_WORKBOOK = _rewrite(_xlsx(), "xl/workbook.xml", b"<workbook><sheets><sheet")
LONE_SURROGATE_UTF16 = b"\xff\xfe" + "family_name,".encode("utf-16-le") + b"\x00\xd8" + "A\n".encode("utf-16-le")


@pytest.mark.parametrize(
    ("name", "data", "fragment"),
    [
        ("odd.csv", b"\xff\xfeA", "damaged"),
        ("surrogate.csv", LONE_SURROGATE_UTF16, "damaged"),
        ("bad-bom.csv", b"\xef\xbb\xbf" + HEADER.encode() + b"\n\xff\xfe,\xc3\n", "damaged"),
        ("no-bom-utf16.csv", csv_bytes(["Tan,Ann,,2012,m,th,,Mum,+66 1,"], encoding="utf-16-le"), "not a text file"),
        ("corrupt-sheet.xlsx", CORRUPT_SHEET, "cannot be read"),
        ("bad-number.xlsx", BAD_NUMBER_SHEET, "cannot be read"),
        ("corrupt-workbook.xlsx", CORRUPT_WORKBOOK, "cannot be read"),
    ],
)
def test_damaged_files_are_one_clear_problem(coordinator, applying_group, name, data, fragment):
    pending = roster_import_preview(by=coordinator, group=applying_group, file_name=name, data=data)
    assert pending.rows == []
    assert len(pending.problems) == 1 and fragment in pending.problems[0]["message"], pending.problems
    assert not Participant.objects.exists()


def test_a_cell_in_column_xfd_does_not_widen_every_row(coordinator, applying_group):
    workbook = openpyxl.load_workbook(io.BytesIO(_xlsx()))
    workbook.active["XFD2"] = "far away"
    data = _workbook_bytes(workbook)
    rows = roster_file_read(file_name="wide.xlsx", data=data)
    assert len(rows) == 2 and all(len(row) == XLSX_MAX_COLUMNS for row in rows)
    pending = roster_import_preview(by=coordinator, group=applying_group, file_name="wide.xlsx", data=data)
    assert pending.problems == [] and pending.rows[0]["cells"]["given_name"] == "Dara"


def test_a_sheet_longer_than_the_limit_is_refused_not_cut_short(coordinator, applying_group):
    workbook = openpyxl.load_workbook(io.BytesIO(_xlsx()))
    # Blank rows in between: only the last row beyond the limit has data, which must not be lost.
    workbook.active.cell(row=MAX_ROWS + 3, column=1, value="Tan")
    pending = roster_import_preview(by=coordinator, group=applying_group, file_name="long.xlsx",
                                    data=_workbook_bytes(workbook))
    assert pending.rows == [] and f"more than {MAX_ROWS} rows" in pending.problems[0]["message"]


def test_the_upload_page_shows_the_problem_instead_of_failing(client, coordinator, applying_group):
    speak_english(coordinator)
    client.force_login(coordinator)
    upload = io.BytesIO(CORRUPT_SHEET)
    upload.name = "roster.xlsx"
    response = client.post(reverse("roster_import", args=[applying_group.pk]), {"file": upload})
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "This spreadsheet cannot be read." in page
    assert RosterImport.objects.get().rows == [] and not Participant.objects.exists()
