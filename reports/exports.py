"""CSV and XLSX for every report, in the viewer's language, safe to open in a spreadsheet.

A youth's name or a teacher's reason is typed by people we do not control: a cell that begins
with = + - @ (or a tab or carriage return, which some spreadsheets strip before looking) would be
read as a formula. Such text cells get a leading apostrophe; numbers stay numbers.
"""

import csv
import io
from collections.abc import Sequence

from django.http import HttpResponse
from django.utils.text import slugify
from openpyxl import Workbook
from openpyxl.cell.cell import TYPE_STRING
from openpyxl.styles import Font

from reports.selectors import Table

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def neutralize(value):
    """The cell as it should be written: text that could start a formula is prefixed with '."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, (int, float)):
        return value
    text = str(value)
    if text.startswith(FORMULA_PREFIXES):
        return "'" + text
    return text


def to_csv(tables: Sequence[Table]) -> bytes:
    """All tables one after the other, each under its title; UTF-8 with BOM so Excel reads Thai and Lao."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for index, table in enumerate(tables):
        if index:
            writer.writerow([])
        writer.writerow([neutralize(table.title)])
        writer.writerow([neutralize(c) for c in table.columns])
        for row in table.rows:
            writer.writerow([neutralize(c) for c in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def to_xlsx(tables: Sequence[Table]) -> bytes:
    """One sheet per table."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    used = set()
    for table in tables:
        title = _sheet_title(str(table.title), used)
        sheet = workbook.create_sheet(title)
        sheet.append([neutralize(c) for c in table.columns])
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for row in table.rows:
            sheet.append([neutralize(c) for c in row])
        # openpyxl turns any text beginning with "=" into a formula; force text cells to stay text.
        for row in sheet.iter_rows(min_row=1):
            for cell in row:
                if isinstance(cell.value, str):
                    cell.data_type = TYPE_STRING
        sheet.freeze_panes = "A2"
        for column_cells in sheet.columns:
            width = max((len(str(c.value)) for c in column_cells if c.value is not None), default=8)
            sheet.column_dimensions[column_cells[0].column_letter].width = min(max(width + 2, 8), 60)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _sheet_title(title: str, used: set) -> str:
    cleaned = "".join(ch for ch in title if ch not in "[]:*?/\\")[:28] or "Sheet"
    candidate, number = cleaned, 2
    while candidate in used:
        candidate, number = f"{cleaned[:26]} {number}", number + 1
    used.add(candidate)
    return candidate


def export_response(tables: Sequence[Table], fmt: str, basename: str) -> HttpResponse:
    body = to_csv(tables) if fmt == "csv" else to_xlsx(tables)
    response = HttpResponse(body, content_type=CONTENT_TYPES[fmt])
    name = slugify(basename) or "report"
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response
