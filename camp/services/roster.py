"""The roster: participants one by one, guardian consent, and roster files (CSV or XLSX).

A roster file is read and checked into a RosterImport (the preview); nothing reaches the roster
until the coordinator confirms a file without problems, and then every row is written in one
transaction, after checking again against the roster as it is at that moment.
"""

import csv
import functools
import io
import re
import zipfile
import zlib

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from camp.access import can_manage_group
from camp.models import (
    LANGUAGE_CHOICES,
    LANGUAGE_CODES,
    ChineseLevel,
    Group,
    JoinCode,
    Participant,
    Phase,
    RosterImport,
    User,
    name_key,
    validate_name,
)
from camp.names import full_name
from camp.services.enrollment import (
    approved_enrollments,
    capacity_check,
    group_roster_phase,
    lock_phase,
    places_freed,
)
from camp.services.join import youth_access_revoked_announce

# The file's columns: (key, required, Chinese label printed in the template's header).
COLUMNS = [
    # Optional: a youth with one name (most Burmese names) has it in given_name (camp/names.py).
    ("family_name", False, "姓"),
    ("given_name", True, "名"),
    ("chinese_name", False, "中文名"),
    ("birth_year", True, "出生年份"),
    ("gender", False, "性别"),
    ("preferred_language", False, "语言"),
    ("chinese_level", False, "中文水平"),
    ("guardian_name", True, "监护人"),
    ("guardian_contact", True, "监护人联系方式"),
    ("notes", False, "备注"),
]
COLUMN_KEYS = [key for key, _required, _label in COLUMNS]
REQUIRED = {key for key, required, _label in COLUMNS if required}
HEADER_ALIASES = {label: key for key, _required, label in COLUMNS} | {
    "姓氏": "family_name", "名字": "given_name", "surname": "family_name", "last_name": "family_name",
    "first_name": "given_name", "birth": "birth_year", "year_of_birth": "birth_year", "出生年": "birth_year",
    "language": "preferred_language", "level": "chinese_level", "guardian": "guardian_name",
    "guardian_phone": "guardian_contact", "contact": "guardian_contact",
}
GENDERS = {"f": "f", "female": "f", "女": "f", "m": "m", "male": "m", "男": "m", "x": "x", "other": "x", "其他": "x"}
LANGUAGES = {code: code for code in LANGUAGE_CODES} | {
    "zh": "zh-hans", "zh_hans": "zh-hans", "zh-cn": "zh-hans", "中文": "zh-hans", "汉语": "zh-hans",
    "chinese": "zh-hans", "thai": "th", "lao": "lo", "laotian": "lo", "burmese": "my", "myanmar": "my",
} | {name.casefold(): code for code, name in LANGUAGE_CHOICES}
LEVELS = {value: value for value in ChineseLevel.values} | {
    "无": "none", "零基础": "none", "初级": "beginner", "中级": "intermediate", "高级": "advanced",
}


def _labels_in_every_language(choices) -> dict[str, str]:
    """Each choice's label, as the template's dropdowns write it, in every language → its value."""
    labels = {}
    for language in LANGUAGE_CODES:
        with translation.override(language):
            labels |= {str(label).strip().casefold(): value for value, label in choices}
    return labels


@functools.cache
def _accepted(kind: str) -> dict[str, str]:
    """What a cell may say for a gender, a language or a level: codes, the usual words, the labels."""
    # Built on first use, not at import: the catalogs are ready then.
    if kind == "gender":
        return GENDERS | _labels_in_every_language(Participant.Gender.choices)
    if kind == "level":
        return LEVELS | _labels_in_every_language(ChineseLevel.choices)
    return LANGUAGES


# Bounds on what one file may cost the server (issue #12): rows, one cell, the preview kept.
MAX_ROWS = 1000
# A group not yet approved for a phase (no capacity to hold it to) has at most this many youth:
# one full file (an approved group grows only into its phase's free places).
MAX_ROSTER = 1000
MAX_FILE_BYTES = 5 * 1024 * 1024
# No cell of a roster is longer than the longest field (notes); a longer one is refused while reading.
MAX_CELL_CHARS = 1000
# What the preview keeps of a cell in a column without a length of its own (birth year, codes).
CODE_CELL_CHARS = 40
# The preview keeps this many problems, then one line saying how many more there were.
MAX_PROBLEMS = 200
# An XLSX is a zip: its parts together may unpack to at most this much, and no part of it may be
# packed more tightly than a spreadsheet ever is (a zip bomb is; a real roster is ~5–20 times).
XLSX_MAX_UNCOMPRESSED = 20 * 1024 * 1024
XLSX_MAX_RATIO = 100
XLSX_MAX_PARTS = 500
# XML elements in the whole file (a full roster of 1,000 rows has some 40,000): bounds the time
# openpyxl takes to about a second, whatever the sheet's shape.
XLSX_MAX_ELEMENTS = 150_000
# A cell a spreadsheet would run as a formula when the roster is exported and opened again.
# "+" and "-" are allowed for phone numbers ("+856 20 5555 1234"), nothing else after them.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
PHONE_LIKE = re.compile(r"^[+\-]?[\d\s().\-]+$")
PARTICIPANT_FIELDS = frozenset(COLUMN_KEYS)


def _max_length(key: str) -> int | None:
    return Participant._meta.get_field(key).max_length


def _require_manager(by: User, group: Group) -> None:
    if not can_manage_group(by, group):
        raise PermissionDenied


def _identity(family_name: str, given_name: str, birth_year) -> tuple:
    """Two rows are the same youth when names and birth year match, ignoring case, spacing, the
    Unicode form (NFC) and invisible characters (zero-width space, joiners, BOM, word joiner)."""
    return name_key(family_name), name_key(given_name), str(birth_year)


def _age_problem(phase: Phase | None, birth_year: int) -> str | None:
    if phase is None:
        return None
    age = phase.starts_on.year - birth_year
    if not phase.min_age <= age <= phase.max_age:
        return _("Age %(age)s in %(year)s is outside the ages of phase %(number)s (%(min)s–%(max)s).") % {
            "age": age, "year": phase.starts_on.year, "number": phase.number, "min": phase.min_age,
            "max": phase.max_age,
        }
    return None


def _duplicate_problem(group: Group, values: dict, exclude_pk=None) -> str | None:
    key = _identity(values.get("family_name"), values.get("given_name"), values.get("birth_year"))
    others = group.participants.filter(birth_year=values.get("birth_year"))
    if exclude_pk:
        others = others.exclude(pk=exclude_pk)
    for other in others.only("family_name", "given_name", "birth_year"):
        if _identity(other.family_name, other.given_name, other.birth_year) == key:
            return _("%(name)s (born %(year)s) is already on the roster.") % {
                "name": other.full_name, "year": other.birth_year}
    return None


def _growth_check(group: Group, extra: int) -> None:
    """A group already approved can only grow into free places of its phase; any other group's
    roster holds at most MAX_ROSTER youth."""
    approved = approved_enrollments(group)
    for enrollment in approved:
        capacity_check(phase=lock_phase(enrollment.phase), extra=extra)
    if not approved:
        _roster_size_check(group, extra)


def _roster_size_check(group: Group, extra: int) -> None:
    size = group.participants.on_roster().count()
    if size + extra > MAX_ROSTER:
        raise ValidationError(
            _("A group's roster holds at most %(max)s youth (now %(size)s, adding %(extra)s).")
            % {"max": MAX_ROSTER, "size": size, "extra": extra}, code="roster_full")


# --- One participant -----------------------------------------------------------------------------

def _check_fields(fields: dict) -> None:
    unknown = set(fields) - PARTICIPANT_FIELDS
    if unknown:
        raise TypeError(f"unknown participant fields: {sorted(unknown)}")


@transaction.atomic
def participant_create(*, by: User, group: Group, **fields) -> Participant:
    """Add one youth to the roster."""
    _require_manager(by, group)
    _check_fields(fields)
    participant = Participant(group=group, **fields)
    participant.full_clean()
    errors = {}
    if problem := _duplicate_problem(group, fields):
        errors["given_name"] = problem
    if problem := _age_problem(group_roster_phase(group), participant.birth_year):
        errors["birth_year"] = problem
    if errors:
        raise ValidationError(errors)
    _growth_check(group, 1)
    participant.save()
    return participant


@transaction.atomic
def participant_update(*, by: User, participant: Participant, **fields) -> Participant:
    """Correct one youth's details."""
    participant = Participant.objects.select_for_update(of=("self",)).select_related("group", "user").get(pk=participant.pk)
    _require_manager(by, participant.group)
    _check_fields(fields)
    for name, value in fields.items():
        setattr(participant, name, value)
    participant.full_clean()
    errors = {}
    values = {"family_name": participant.family_name, "given_name": participant.given_name,
              "birth_year": participant.birth_year}
    if problem := _duplicate_problem(participant.group, values, exclude_pk=participant.pk):
        errors["given_name"] = problem
    if problem := _age_problem(group_roster_phase(participant.group), participant.birth_year):
        errors["birth_year"] = problem
    if errors:
        raise ValidationError(errors)
    participant.save()
    if participant.user is not None:
        # The account shows what the roster says: name other youth see, language of the pages.
        participant.user.display_name = participant.display_name
        participant.user.preferred_language = participant.preferred_language
        participant.user.save(update_fields=["display_name", "preferred_language"])
    return participant


@transaction.atomic
def participant_delete(*, by: User, participant: Participant) -> None:
    """Remove a youth from the roster; their account stops working, freed places go to the waitlist."""
    participant = Participant.objects.select_for_update(of=("self",)).select_related("group", "user").get(pk=participant.pk)
    group = participant.group
    _require_manager(by, group)
    user = participant.user  # captured before the row (and its link to the account) is gone
    participant.delete()
    if user is not None:
        # Deactivated rather than deleted: attendance and chat history elsewhere may point at it.
        JoinCode.objects.filter(user=user, revoked_at__isnull=True).update(revoked_at=timezone.now(), revoked_by=by)
        user.is_active = False
        user.set_unusable_password()
        user.save(update_fields=["is_active", "password"])
        youth_access_revoked_announce(user)
    places_freed(group=group)


# --- Guardian consent ----------------------------------------------------------------------------

# --- Roster files --------------------------------------------------------------------------------

class FileProblem(Exception):
    pass


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _decode(data: bytes) -> str:
    try:
        if data.startswith(b"\xef\xbb\xbf"):
            text = data[3:].decode("utf-8")
        elif data.startswith((b"\xff\xfe", b"\xfe\xff")):
            # The BOM says UTF-16; an odd byte count or a lone surrogate means the file is damaged.
            text = data.decode("utf-16")
        else:
            text = None
    except UnicodeDecodeError:
        raise FileProblem(_("The file says it is Unicode text (UTF-8 or UTF-16) but is damaged. "
                            "Save it again as CSV (UTF-8) or XLSX.")) from None
    if text is None:
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            not_text = _("The file is not text in UTF-8 or GBK (Big5, Thai TIS-620 or Latin-1 files are not read). "
                         "Save it as CSV (UTF-8) or XLSX.")
            try:
                # GB18030 is a superset of GBK and GB2312: what Chinese Excel writes for "CSV".
                text = data.decode("gb18030")
            except UnicodeDecodeError:
                raise FileProblem(not_text) from None
            if "\x00" not in text and not _looks_chinese(text):
                # Big5 (and some Thai or Latin-1 files) decode as GBK without an error, into nonsense.
                raise FileProblem(not_text) from None
    if "\x00" in text:
        # NUL never occurs in a text roster (UTF-16 without its BOM, or a binary file), and
        # PostgreSQL refuses it inside the preview's JSON.
        raise FileProblem(_("The file is not a text file. Save it as CSV (UTF-8) or XLSX."))
    return text


def _looks_chinese(text: str, sample: int = 20_000) -> bool:
    """Whether text decoded as GBK reads as Chinese: nearly all of its non-ASCII characters are
    GB2312 hanzi or full-width punctuation. Big5 read as GBK gives private-use characters and
    rare GBK-only ones."""
    common = total = 0
    for char in text:
        if char < "\x80":
            continue
        total += 1
        try:
            lead = char.encode("gb2312")[0]
        except UnicodeEncodeError:
            pass
        else:
            common += lead in (0xA1, 0xA3) or 0xB0 <= lead <= 0xF7
        if total >= sample:
            break
    return total == 0 or common >= 0.8 * total


def _too_long_cell(line: int, column: int | None, length: int) -> FileProblem:
    from openpyxl.utils import get_column_letter

    if column is None:
        return FileProblem(_("Row %(line)s: a cell has more than %(length)s characters; a roster cell has at most "
                             "%(max)s.") % {"line": line, "length": length, "max": MAX_CELL_CHARS})
    return FileProblem(_("Row %(line)s, column %(column)s: the cell has %(length)s characters; a roster cell has "
                         "at most %(max)s.") % {"line": line, "column": get_column_letter(column), "length": length,
                                                "max": MAX_CELL_CHARS})


def _too_many_rows() -> FileProblem:
    return FileProblem(_("The file has more than %(max)s rows (empty rows included): delete the empty rows "
                         "below the roster, or split the file.") % {"max": MAX_ROWS})


def _table_row(line: int, cells) -> list[str]:
    """One row's cells as text, refusing a cell longer than any roster field; blank trailing
    columns past XLSX_MAX_COLUMNS are dropped, a filled one is refused."""
    if len(cells) > XLSX_MAX_COLUMNS:
        # One join, not a loop: a CSV line of five million commas is checked at C speed.
        if "".join(str(cell) for cell in cells[XLSX_MAX_COLUMNS:] if cell is not None).strip():
            raise FileProblem(_("Row %(line)s has more than %(max)s columns.") % {
                "line": line, "max": XLSX_MAX_COLUMNS})
        cells = cells[:XLSX_MAX_COLUMNS]
    row = []
    for column, cell in enumerate(cells, start=1):
        if isinstance(cell, str) and len(cell) > MAX_CELL_CHARS:
            raise _too_long_cell(line, column, len(cell))
        row.append(_cell_text(cell))
    return row


def _read_csv(data: bytes) -> list[list[str]]:
    text = _decode(data)
    first_line = text.split("\n", 1)[0]
    delimiter = max([",", ";", "\t"], key=first_line.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    rows = []
    try:
        for line, cells in enumerate(reader, start=1):
            # Blank lines count too: five megabytes of newlines are not a roster.
            if line > MAX_ROWS + 1 + MAX_ROWS:
                raise _too_many_rows()
            if not cells:
                continue
            rows.append(_table_row(line, cells))
            if len(rows) > MAX_ROWS + 1:
                raise _too_many_rows()
    except csv.Error as error:
        if "field larger than field limit" in str(error):
            raise _too_long_cell(reader.line_num, None, csv.field_size_limit()) from None
        raise FileProblem(_("The CSV file is damaged: %(error)s") % {"error": error}) from None
    return rows


# Every way a damaged or hostile XLSX makes openpyxl fail: bad zip or deflate data, broken XML
# (ParseError is a SyntaxError), missing parts, wrong values or types inside the parts.
_XLSX_ERRORS = (zipfile.BadZipFile, zlib.error, SyntaxError, KeyError, IndexError, ValueError, TypeError,
                AttributeError, OSError, EOFError)
# Columns after these are not read: a stray cell in column XFD must not make every row 16,384 wide.
XLSX_MAX_COLUMNS = len(COLUMNS) + 10


def _check_zip(data: bytes, unreadable) -> None:
    """Refuse a zip bomb before anything unpacks it: the sizes the zip declares for its parts are
    all that zipfile (and so openpyxl) will ever unpack — a part that lies fails its CRC."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            parts = archive.infolist()
    except (zipfile.BadZipFile, zlib.error, OSError, EOFError, ValueError):
        raise FileProblem(unreadable) from None
    too_big = _("This spreadsheet unpacks to more than %(max)s MB: it is not a roster. Save the roster "
                "alone in a new file.") % {"max": XLSX_MAX_UNCOMPRESSED // (1024 * 1024)}
    if len(parts) > XLSX_MAX_PARTS:
        raise FileProblem(unreadable)
    if sum(part.file_size for part in parts) > XLSX_MAX_UNCOMPRESSED:
        raise FileProblem(too_big)
    for part in parts:
        if part.file_size > 1024 * 1024 and part.file_size > XLSX_MAX_RATIO * max(part.compress_size, 1):
            raise FileProblem(too_big)
    # openpyxl spends microseconds on every XML element it reads (shared strings and styles in full,
    # whatever the rows read): count the elements first, unpacking at most the 20 MB allowed above.
    elements = 0
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            for part in parts:
                if not part.filename.lower().endswith((".xml", ".rels")):
                    continue
                with archive.open(part) as stream:
                    while chunk := stream.read(1024 * 1024):
                        elements += chunk.count(b"<") - chunk.count(b"</")
                        if elements > XLSX_MAX_ELEMENTS:
                            raise FileProblem(_("This spreadsheet has far more cells or text than a roster: "
                                                "save the roster alone in a new file."))
    except (zipfile.BadZipFile, zlib.error, OSError, EOFError, ValueError, NotImplementedError):
        # A part that unpacks to more than it says, or is packed in a way zipfile cannot read.
        raise FileProblem(unreadable) from None


def _read_xlsx(data: bytes) -> list[list[str]]:
    import openpyxl
    from openpyxl.utils.exceptions import InvalidFileException

    unreadable = _("This spreadsheet cannot be read. Save it again as XLSX or CSV.")
    _check_zip(data, unreadable)
    try:
        # data_only=False: a formula must reach the checks as "=…", not as its cached result.
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except (*_XLSX_ERRORS, InvalidFileException):
        raise FileProblem(unreadable) from None
    try:
        sheet = workbook.worksheets[0]
        rows = []
        # Read one row past the header and MAX_ROWS youth so that a longer sheet is refused, not
        # cut short; blank rows count here (a sheet that long is not a roster we could check).
        for line, row in enumerate(sheet.iter_rows(max_col=XLSX_MAX_COLUMNS, max_row=MAX_ROWS + 2,
                                                   values_only=True), start=1):
            rows.append(_table_row(line, row))
    except _XLSX_ERRORS:
        # The worksheet is parsed lazily, row by row: its errors surface only here.
        raise FileProblem(unreadable) from None
    finally:
        workbook.close()
    if len(rows) > MAX_ROWS + 1:
        raise _too_many_rows()
    return rows


def roster_file_read(*, file_name: str, data: bytes) -> list[list[str]]:
    """The file's rows as text cells; FileProblem when it cannot be read at all."""
    if len(data) > MAX_FILE_BYTES:
        raise FileProblem(_("The file is larger than 5 MB."))
    if not data.strip():
        raise FileProblem(_("The file is empty."))
    lower = file_name.lower()
    if lower.endswith(".xls") or data.startswith(b"\xd0\xcf\x11\xe0"):
        raise FileProblem(_("Old Excel files (.xls) cannot be read: save the file as XLSX or CSV."))
    if data.startswith(b"PK\x03\x04") or lower.endswith(".xlsx"):
        return _read_xlsx(data)
    return _read_csv(data)


def _header_key(cell: str) -> str:
    # The template's headers read "姓 / Family name (family_name)": the key in brackets decides.
    bracketed = re.search(r"[(（]\s*([a-z_]+)\s*[)）]\s*$", cell.strip().lower())
    if bracketed and bracketed.group(1) in PARTICIPANT_FIELDS:
        return bracketed.group(1)
    text = re.split(r"[(（]", cell, maxsplit=1)[0].strip().lower()
    text = re.sub(r"[\s\-]+", "_", text)
    return HEADER_ALIASES.get(text, text)


def _check_cell(key: str, raw: str, group: Group, phase: Phase | None):
    """(clean value, problem or None) for one cell."""
    if raw.startswith(FORMULA_START) and not (key == "guardian_contact" and PHONE_LIKE.match(raw)):
        return None, _("“%(value)s” looks like a spreadsheet formula; remove the leading %(char)s.") % {
            "value": raw[:40], "char": raw[:1]}
    if not raw:
        if key in REQUIRED:
            return None, _("This field is required.")
        defaults = {"preferred_language": group.languages[0] if group.languages else "zh-hans",
                    "chinese_level": group.chinese_level}
        return defaults.get(key, ""), None
    if key == "birth_year":
        this_year = timezone.localdate().year
        if not re.fullmatch(r"\d{4}", raw) or not this_year - 100 <= int(raw) <= this_year:
            return None, _("“%(value)s” is not a birth year like 2012.") % {"value": raw[:40]}
        year = int(raw)
        return year, _age_problem(phase, year)
    if key == "gender":
        value = _accepted("gender").get(raw.strip().casefold())
        return value, None if value else _("Unknown gender “%(value)s”: use f, m or x, or leave it empty.") % {
            "value": raw[:40]}
    if key == "preferred_language":
        value = _accepted("language").get(raw.strip().casefold())
        return value, None if value else _("Unknown language code “%(value)s”: use one of %(codes)s.") % {
            "value": raw[:40], "codes": ", ".join(LANGUAGE_CODES)}
    if key == "chinese_level":
        value = _accepted("level").get(raw.strip().casefold())
        return value, None if value else _("Unknown Chinese level “%(value)s”: use one of %(levels)s.") % {
            "value": raw[:40], "levels": ", ".join(ChineseLevel.values)}
    limit = _max_length(key)
    if limit and len(raw) > limit:
        return None, _("Too long: %(length)s characters, at most %(limit)s.") % {"length": len(raw), "limit": limit}
    if key in NAME_COLUMNS:
        try:
            validate_name(raw)
        except ValidationError as error:
            return None, error.messages[0]
    return raw, None


# The columns that hold one line of text (the model's validate_name); notes may have line breaks.
NAME_COLUMNS = frozenset({"family_name", "given_name", "chinese_name", "guardian_name", "guardian_contact"})


def roster_rows_check(*, group: Group, rows: list[dict]) -> tuple[list[dict], list[dict]]:
    """Check stored rows against the roster as it is now: (participant values, problems)."""
    phase = group_roster_phase(group)
    existing = {
        _identity(family, given, year): (family, given)
        for family, given, year in group.participants.values_list("family_name", "given_name", "birth_year")
    }
    seen: dict[tuple, int] = {}
    cleaned, problems = [], []
    for row in rows:
        line, cells = row["line"], row["cells"]
        values, row_ok = {}, True
        for key in COLUMN_KEYS:
            value, problem = _check_cell(key, cells.get(key, ""), group, phase)
            if problem:
                problems.append({"line": line, "column": key, "message": str(problem)})
                row_ok = False
            values[key] = value
        if values["given_name"] and isinstance(values["birth_year"], int):
            identity = _identity(values["family_name"], values["given_name"], values["birth_year"])
            if identity in existing:
                problems.append({"line": line, "column": "given_name", "message": str(
                    _("%(name)s (born %(year)s) is already on the roster.")
                    % {"name": full_name(values["family_name"] or "", values["given_name"]),
                       "year": values["birth_year"]})})
                row_ok = False
            elif identity in seen:
                problems.append({"line": line, "column": "given_name", "message": str(
                    _("The same youth as on row %(line)s.") % {"line": seen[identity]})})
                row_ok = False
            else:
                seen[identity] = line
        if row_ok:
            cleaned.append(values)
    return cleaned, problems


def _capacity_problem(group: Group, count: int) -> str | None:
    try:
        approved = approved_enrollments(group)
        for enrollment in approved:
            capacity_check(phase=enrollment.phase, extra=count)
        if not approved:
            _roster_size_check(group, count)
    except ValidationError as error:
        return error.messages[0]
    return None


def roster_file_parse(*, group: Group, file_name: str, data: bytes) -> tuple[list[dict], list[dict]]:
    """(rows as stored for the preview, problems) for an uploaded file."""
    try:
        table = roster_file_read(file_name=file_name, data=data)
    except FileProblem as error:
        return [], [{"line": 0, "column": "", "message": str(error)}]
    table = [row for row in table if any(cell for cell in row)]
    if not table:
        return [], [{"line": 0, "column": "", "message": str(_("The file is empty."))}]
    header_cells = table[0]
    header = [_header_key(cell) for cell in header_cells]
    problems = []
    unknown = [cell for cell, key in zip(header_cells, header, strict=True) if cell and key not in COLUMN_KEYS]
    if unknown:
        problems.append({"line": 1, "column": "", "message": str(
            _("Unknown columns: %(columns)s. Use the template's columns.") % {"columns": ", ".join(unknown)})})
    missing = [key for key in COLUMN_KEYS if key in REQUIRED and key not in header]
    if missing:
        problems.append({"line": 1, "column": "", "message": str(
            _("Missing columns: %(columns)s.") % {"columns": ", ".join(missing)})})
    repeated = sorted({key for key in header if key and header.count(key) > 1})
    if repeated:
        problems.append({"line": 1, "column": "", "message": str(
            _("Columns given twice: %(columns)s.") % {"columns": ", ".join(repeated)})})
    if len(table) - 1 > MAX_ROWS:
        problems.append({"line": 0, "column": "", "message": str(
            _("The file has more than %(max)s rows.") % {"max": MAX_ROWS})})
    if problems:
        return [], problems
    if len(table) == 1:
        return [], [{"line": 0, "column": "", "message": str(_("The file has a header but no youth."))}]
    rows = []
    for index, cells in enumerate(table[1:], start=2):
        if len(cells) > len(header) and any(cells[len(header):]):
            problems.append({"line": index, "column": "", "message": str(
                _("This row has more cells than the header has columns."))})
        row = {}
        for i, key in enumerate(header):
            if not key:
                continue
            text = cells[i] if i < len(cells) else ""
            limit = _cell_limit(key)
            if len(text) > limit:
                # The preview keeps what the field can hold, and says how long the cell was.
                problems.append({"line": index, "column": key, "message": str(
                    _("Too long: %(length)s characters, at most %(limit)s.") % {"length": len(text), "limit": limit})})
                text = text[:limit]
            row[key] = text
        rows.append({"line": index, "cells": row})
    return rows, problems


def _cell_limit(key: str) -> int:
    return _max_length(key) if key in PARTICIPANT_FIELDS and key not in CODE_COLUMNS else CODE_CELL_CHARS


# Columns whose cells are codes or numbers read through a table, not stored as written.
CODE_COLUMNS = frozenset({"birth_year", "gender", "preferred_language", "chinese_level"})


def _bounded_problems(problems: list[dict]) -> list[dict]:
    if len(problems) <= MAX_PROBLEMS:
        return problems
    more = len(problems) - MAX_PROBLEMS
    return problems[:MAX_PROBLEMS] + [{"line": 0, "column": "", "message": str(
        _("… and %(count)s more problems.") % {"count": more})}]


def roster_import_preview(*, by: User, group: Group, file_name: str, data: bytes) -> RosterImport:
    """Read and check a roster file; keep it server-side for the coordinator's confirmation.
    Writes nothing to the roster.

    The file is read and checked outside any transaction (a slow file must not hold the
    database's write lock); only keeping the preview is one atomic write.
    """
    _require_manager(by, group)
    rows, problems = roster_file_parse(group=group, file_name=file_name, data=data)
    if rows and not problems:
        cleaned, problems = roster_rows_check(group=group, rows=rows)
        if not problems and (problem := _capacity_problem(group, len(cleaned))):
            problems = [{"line": 0, "column": "", "message": problem}]
    elif rows:
        _cleaned, row_problems = roster_rows_check(group=group, rows=rows)
        problems = sorted(problems + row_problems, key=lambda p: (p["line"], COLUMN_KEYS.index(p["column"])
                                                                   if p["column"] in COLUMN_KEYS else -1))
    problems = _bounded_problems(problems)
    roster_import = RosterImport(group=group, created_by=by, file_name=_clean_file_name(file_name), rows=rows,
                                 problems=problems)
    roster_import.full_clean(exclude=["rows", "problems"])  # empty lists are valid here
    with transaction.atomic():
        # Only the latest unconfirmed file of a group is kept.
        RosterImport.objects.filter(group=group, confirmed_at__isnull=True).delete()
        roster_import.save()
    return roster_import


def _clean_file_name(file_name: str) -> str:
    """The name shown on the preview: no control characters, at most 255 characters."""
    name = "".join(char for char in file_name if char.isprintable()).strip()
    return name[:255] or "roster"


def roster_import_confirm(*, by: User, roster_import: RosterImport) -> int:
    """Write every row of a checked file in one transaction; returns how many youth were added.

    Checks again first (the roster may have changed since the preview); new problems are kept on
    the import for the preview to show, and nothing is written.
    """
    _require_manager(by, roster_import.group)
    with transaction.atomic():
        roster_import = RosterImport.objects.select_for_update(of=("self",)).select_related("group").get(pk=roster_import.pk)
        group = roster_import.group
        if roster_import.confirmed_at is not None:
            raise ValidationError(_("This file was already imported."))
        if roster_import.problems or not roster_import.rows:
            raise ValidationError(_("Fix the problems in the file and upload it again."))
        cleaned, problems = roster_rows_check(group=group, rows=roster_import.rows)
        if not problems:
            try:
                _growth_check(group, len(cleaned))
            except ValidationError as error:
                problems = [{"line": 0, "column": "", "message": error.messages[0]}]
        if problems:
            roster_import.problems = problems
            roster_import.save(update_fields=["problems"])
        else:
            participants = [Participant(group=group, **values) for values in cleaned]
            for participant in participants:
                # Field checks only: uniqueness and the consent constraint would cost a query per
                # row (5,000 rows), and the rows carry no user and no consent.
                participant.full_clean(exclude=["group", "user", "consent_recorded_by"],
                                       validate_unique=False, validate_constraints=False)
            Participant.objects.bulk_create(participants, batch_size=1000)
            roster_import.confirmed_at = timezone.now()
            roster_import.imported_count = len(participants)
            roster_import.save(update_fields=["confirmed_at", "imported_count"])
    if problems:
        raise ValidationError(_("The roster changed since the preview; see the problems below."))
    return len(cleaned)


def _template_header() -> list[str]:
    """Readable headers that still name their column: "姓 / Family name (family_name)"."""
    header = []
    for key, required, label in COLUMNS:
        local = str(Participant._meta.get_field(key).verbose_name)
        text = label if local == label or translation.get_language() == "zh-hans" else f"{label} / {local}"
        header.append(f"{text}{' *' if required else ''} ({key})")
    return header


def _template_lists() -> dict[str, list[str]]:
    """The dropdowns' entries: the labels people read (each one the import accepts)."""
    return {
        "gender": [str(label) for _value, label in Participant.Gender.choices],
        "preferred_language": [name for _code, name in LANGUAGE_CHOICES],
        "chinese_level": [str(label) for _value, label in ChineseLevel.choices],
    }


def roster_template(file_format: str) -> bytes:
    """The file coordinators fill in: CSV (UTF-8 with BOM, so Excel shows Chinese) or XLSX with
    dropdowns for gender, language and level, in the downloader's language."""
    header = _template_header()
    example = ["แซ่ตั้ง", "สมชาย", "陈明", "2013", "m", "th", "beginner", "แซ่ตั้ง (父亲)", "+66 81 234 5678", ""]
    if file_format == "xlsx":
        import openpyxl
        from openpyxl.worksheet.datavalidation import DataValidation

        workbook = openpyxl.Workbook()
        sheet = workbook.active
        sheet.title = "roster"  # the first sheet: the import reads it
        sheet.append(header)
        sheet.freeze_panes = "A2"
        for column in sheet.columns:
            sheet.column_dimensions[column[0].column_letter].width = 24
        lists = workbook.create_sheet("lists")
        for index, (key, entries) in enumerate(_template_lists().items(), start=1):
            letter = openpyxl.utils.get_column_letter(index)
            lists.cell(row=1, column=index, value=key)
            for row, entry in enumerate(entries, start=2):
                lists.cell(row=row, column=index, value=entry)
            target = openpyxl.utils.get_column_letter(COLUMN_KEYS.index(key) + 1)
            validation = DataValidation(
                type="list", formula1=f"=lists!${letter}$2:${letter}${len(entries) + 1}", allow_blank=True,
                showErrorMessage=True, error=str(_("Choose from the list.")),
            )
            validation.add(f"{target}2:{target}{MAX_ROWS + 1}")
            sheet.add_data_validation(validation)
        lists.sheet_state = "hidden"
        help_sheet = workbook.create_sheet("help")
        help_sheet.append([str(_("column")), str(_("required")), str(_("values"))])
        for row in TEMPLATE_HELP:
            help_sheet.append([row[0], str(_("yes")) if row[0] in REQUIRED else "", str(row[1])])
        help_sheet.append([])
        help_sheet.append(["example"] + example)
        buffer = io.BytesIO()
        workbook.save(buffer)
        return buffer.getvalue()
    buffer = io.StringIO()
    csv.writer(buffer).writerow(header)
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


TEMPLATE_HELP = [
    ("family_name", gettext_lazy("Family name, as the youth writes it; empty for a youth with one name "
                                 "(most Burmese names: the whole name goes in the given name)")),
    ("given_name", gettext_lazy("Given name")),
    ("chinese_name", gettext_lazy("Chinese name, if the family uses one")),
    ("birth_year", gettext_lazy("Year of birth, four digits, e.g. 2013")),
    ("gender", gettext_lazy("Pick from the list (or f, m, x), or leave it empty")),
    ("preferred_language", gettext_lazy("Pick from the list (or zh-hans, en, th, lo, my; empty: the group's "
                                        "first language)")),
    ("chinese_level", gettext_lazy("Pick from the list (or none, beginner, intermediate, advanced; empty: the "
                                   "group's level)")),
    ("guardian_name", gettext_lazy("Parent or guardian")),
    ("guardian_contact", gettext_lazy("Guardian's phone, WeChat, LINE or WhatsApp")),
    ("notes", gettext_lazy("Anything the teachers should know (at most 1000 characters)")),
]
