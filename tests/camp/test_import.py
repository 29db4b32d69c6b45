"""Roster files: every problem reported per row and column, nothing written until confirmed."""

import io

import openpyxl
import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from camp.models import Participant, RosterImport
from camp.services.roster import roster_import_confirm, roster_import_preview, roster_template
from tests.camp.conftest import HEADER, csv_bytes, speak_english, youth_row

pytestmark = pytest.mark.django_db
THIS_YEAR = timezone.localdate().year


def preview(coordinator, group, data, name="roster.csv"):
    return roster_import_preview(by=coordinator, group=group, file_name=name, data=data)


def problems_at(pending, line, column):
    return [p["message"] for p in pending.problems if p["line"] == line and p["column"] == column]


def test_clean_file_previews_without_writing_then_confirm_writes_all(coordinator, applying_group):
    pending = preview(coordinator, applying_group, csv_bytes([youth_row(1), youth_row(2), youth_row(3)]))
    assert pending.problems == [] and len(pending.rows) == 3
    assert not Participant.objects.filter(group=applying_group).exists()

    assert roster_import_confirm(by=coordinator, roster_import=pending) == 3
    pending.refresh_from_db()
    assert pending.confirmed_at is not None and pending.imported_count == 3
    youth = Participant.objects.get(group=applying_group, given_name="สมชาย2")
    assert (youth.family_name, youth.chinese_name, youth.birth_year, youth.preferred_language, youth.gender) == (
        "แซ่ตั้ง2", "陈明2", THIS_YEAR - 12, "th", "m")
    assert youth.consent_given is False and youth.user is None


@pytest.mark.parametrize(
    ("overrides", "column", "fragment"),
    [
        ({"given_name": ""}, "given_name", "This field is required."),  # a family name may be empty
        ({"guardian_contact": ""}, "guardian_contact", "This field is required."),
        ({"birth_year": "twelve"}, "birth_year", "not a birth year"),
        ({"birth_year": "13"}, "birth_year", "not a birth year"),
        ({"birth_year": str(THIS_YEAR + 1)}, "birth_year", "not a birth year"),
        ({"birth_year": str(THIS_YEAR - 5)}, "birth_year", "outside the ages of phase 2"),
        ({"birth_year": str(THIS_YEAR - 25)}, "birth_year", "outside the ages of phase 2"),
        ({"preferred_language": "fr"}, "preferred_language", "Unknown language code"),
        ({"chinese_level": "fluent"}, "chinese_level", "Unknown Chinese level"),
        ({"gender": "q"}, "gender", "Unknown gender"),
        ({"given_name": "ก" * 101}, "given_name", "Too long: 101 characters, at most 100"),
        ({"chinese_name": "陈" * 51}, "chinese_name", "Too long"),
        ({"notes": "=HYPERLINK(\"http://evil.example\")"}, "notes", "looks like a spreadsheet formula"),
        ({"given_name": "+SUM(A1)"}, "given_name", "looks like a spreadsheet formula"),
        ({"family_name": "-2+3"}, "family_name", "looks like a spreadsheet formula"),
        ({"guardian_name": "@cmd"}, "guardian_name", "looks like a spreadsheet formula"),
        ({"guardian_contact": "+1+cmd|' /C calc'!A0"}, "guardian_contact", "looks like a spreadsheet formula"),
    ],
)
def test_each_problem_is_reported_on_its_row_and_column_and_nothing_is_written(
    coordinator, applying_group, overrides, column, fragment
):
    pending = preview(coordinator, applying_group, csv_bytes([youth_row(1), youth_row(2, **overrides), youth_row(3)]))
    messages = problems_at(pending, 3, column)  # line 1 is the header, the bad youth is on line 3
    assert any(fragment in message for message in messages), pending.problems
    assert not problems_at(pending, 2, column) and not problems_at(pending, 4, column)
    with pytest.raises(ValidationError):
        roster_import_confirm(by=coordinator, roster_import=pending)
    assert not Participant.objects.filter(group=applying_group).exists()
    pending.refresh_from_db()
    assert pending.confirmed_at is None


def test_phone_numbers_with_plus_are_not_formulas(coordinator, applying_group):
    pending = preview(coordinator, applying_group, csv_bytes([
        youth_row(1, guardian_contact="+856 20 5555 1234"), youth_row(2, guardian_contact="(66) 81-234-5678")]))
    assert pending.problems == []


def test_duplicate_of_a_youth_already_on_the_roster(coordinator, applying_group, make_participant):
    make_participant(applying_group, with_account=False, family_name="แซ่ตั้ง2", given_name="สมชาย2",
                     birth_year=THIS_YEAR - 12)
    pending = preview(coordinator, applying_group, csv_bytes([youth_row(1), youth_row(2, family_name="  แซ่ตั้ง2 ")]))
    assert any("already on the roster" in m for m in problems_at(pending, 3, "given_name"))
    assert Participant.objects.filter(group=applying_group).count() == 1


def test_duplicate_inside_the_file_names_the_first_row(coordinator, applying_group):
    pending = preview(coordinator, applying_group, csv_bytes([youth_row(1), youth_row(2), youth_row(1)]))
    assert problems_at(pending, 4, "given_name") == ["The same youth as on row 2."]
    assert problems_at(pending, 2, "given_name") == []


def test_every_problem_of_a_row_is_listed(coordinator, applying_group):
    pending = preview(coordinator, applying_group, csv_bytes([
        youth_row(1, given_name="", birth_year="abc", preferred_language="xx", notes="=1+1")]))
    assert {p["column"] for p in pending.problems if p["line"] == 2} == {
        "given_name", "birth_year", "preferred_language", "notes"}


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk", "gb18030"])
def test_csv_encodings_as_excel_saves_them(coordinator, applying_group, encoding):
    rows = [youth_row(1, chinese=True, family_name="陈", given_name="美玲"),
            youth_row(2, chinese=True, family_name="林", given_name="志强", guardian_name="林父亲")]
    pending = preview(coordinator, applying_group, csv_bytes(rows, encoding=encoding))
    assert pending.problems == []
    roster_import_confirm(by=coordinator, roster_import=pending)
    assert set(Participant.objects.values_list("family_name", "given_name")) == {("陈", "美玲"), ("林", "志强")}
    assert Participant.objects.get(given_name="志强").guardian_name == "林父亲"


def test_semicolon_separated_csv_with_chinese_headers(coordinator, applying_group):
    header = "姓;名;出生年份;监护人;监护人联系方式"
    data = csv_bytes([f"王;小明;{THIS_YEAR - 10};王先生;WeChat wang123"], header=header, encoding="gbk")
    pending = preview(coordinator, applying_group, data)
    assert pending.problems == []
    assert pending.rows[0]["cells"]["given_name"] == "小明"


def _xlsx(rows, header=None) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(header or HEADER.split(","))
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_xlsx_with_numbers_and_a_formula(coordinator, applying_group):
    data = _xlsx([
        ["Sisouk", "Dara", "", THIS_YEAR - 11, "f", "lo", "beginner", "Mother", 8562055551234, None],
        ["Phom", "Noy", "", THIS_YEAR - 11.0, "", "", "", "Father", "=A2&B2", None],
    ])
    pending = preview(coordinator, applying_group, data, name="roster.xlsx")
    assert problems_at(pending, 3, "guardian_contact") and "formula" in problems_at(pending, 3, "guardian_contact")[0]
    assert pending.rows[0]["cells"]["guardian_contact"] == "8562055551234"
    assert pending.rows[1]["cells"]["birth_year"] == str(THIS_YEAR - 11)

    fixed = preview(coordinator, applying_group, _xlsx([
        ["Sisouk", "Dara", "", THIS_YEAR - 11, "f", "lo", "beginner", "Mother", 8562055551234, None],
        ["Phom", "Noy", "", THIS_YEAR - 11, "", "", "", "Father", "+856 20 1111", None],
    ]), name="roster.xlsx")
    assert fixed.problems == []
    roster_import_confirm(by=coordinator, roster_import=fixed)
    noy = Participant.objects.get(given_name="Noy")
    # Empty language and level take the group's defaults.
    assert (noy.preferred_language, noy.chinese_level) == ("lo", "beginner")


@pytest.mark.parametrize(
    ("name", "data", "fragment"),
    [
        ("empty.csv", b"", "empty"),
        ("blank.csv", b"\n\n,,,\n", "empty"),
        ("header.csv", csv_bytes([]), "no youth"),
        ("old.xls", b"\xd0\xcf\x11\xe0" + b"\0" * 100, "Old Excel"),
        ("broken.xlsx", b"PK\x03\x04 this is not a zip", "cannot be read"),
        ("missing.csv", b"family_name,given_name\nA,B\n", "Missing columns: birth_year, guardian_name, guardian_contact"),
        ("unknown.csv", (HEADER + ",passport\n").encode(), "Unknown columns: passport"),
        ("twice.csv", (HEADER + ",notes\n").encode(), "Columns given twice: notes"),
        ("latin1.csv", HEADER.encode() + b"\n\xff\xfe\xfd\xfc,\x81\x30\x81", "not text"),
    ],
)
def test_unreadable_files_are_one_clear_problem(coordinator, applying_group, name, data, fragment):
    pending = preview(coordinator, applying_group, data, name=name)
    assert any(fragment in p["message"] for p in pending.problems), pending.problems
    with pytest.raises(ValidationError):
        roster_import_confirm(by=coordinator, roster_import=pending)
    assert not Participant.objects.exists()


def test_confirm_checks_again_and_writes_nothing_when_the_roster_changed(coordinator, applying_group,
                                                                        make_participant):
    pending = preview(coordinator, applying_group, csv_bytes([youth_row(1), youth_row(2)]))
    assert pending.problems == []
    make_participant(applying_group, with_account=False, family_name="แซ่ตั้ง2", given_name="สมชาย2",
                     birth_year=THIS_YEAR - 12)
    with pytest.raises(ValidationError):
        roster_import_confirm(by=coordinator, roster_import=pending)
    assert Participant.objects.filter(group=applying_group).count() == 1
    pending.refresh_from_db()
    assert pending.confirmed_at is None and problems_at(pending, 3, "given_name")


def test_confirm_twice_and_by_an_outsider_are_refused(coordinator, other_coordinator, applying_group):
    pending = preview(coordinator, applying_group, csv_bytes([youth_row(1)]))
    with pytest.raises(PermissionDenied):
        roster_import_confirm(by=other_coordinator, roster_import=pending)
    with pytest.raises(PermissionDenied):
        preview(other_coordinator, applying_group, csv_bytes([youth_row(1)]))
    assert roster_import_confirm(by=coordinator, roster_import=pending) == 1
    with pytest.raises(ValidationError, match="already imported"):
        roster_import_confirm(by=coordinator, roster_import=pending)
    assert Participant.objects.count() == 1


def test_an_approved_group_cannot_import_beyond_its_phase(coordinator, group, phase):
    phase.capacity = 3
    phase.save()
    pending = preview(coordinator, group, csv_bytes([youth_row(n) for n in range(1, 5)]))
    assert any("do not fit" in p["message"] for p in pending.problems)
    assert not Participant.objects.filter(group=group).exists()


def test_a_new_preview_replaces_the_pending_one(coordinator, applying_group):
    first = preview(coordinator, applying_group, csv_bytes([youth_row(1)]))
    second = preview(coordinator, applying_group, csv_bytes([youth_row(2)]))
    assert list(RosterImport.objects.values_list("pk", flat=True)) == [second.pk]
    assert first.pk != second.pk


def test_a_full_roster_in_one_file(coordinator, applying_group):
    from camp.services.roster import MAX_ROSTER

    rows = [youth_row(n, guardian_contact=f"+66 81 {n:07d}") for n in range(MAX_ROSTER)]
    data = csv_bytes(rows)
    pending = preview(coordinator, applying_group, data)
    assert pending.problems == [] and len(pending.rows) == MAX_ROSTER
    assert roster_import_confirm(by=coordinator, roster_import=pending) == MAX_ROSTER
    assert Participant.objects.filter(group=applying_group).count() == MAX_ROSTER


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_the_template_round_trips(coordinator, applying_group, file_format):
    template = roster_template(file_format)
    if file_format == "csv":
        assert template.startswith("\ufeff".encode())
        data = template + (youth_row(1) + "\n").encode()
    else:
        workbook = openpyxl.load_workbook(io.BytesIO(template))
        workbook["roster"].append(youth_row(1).split(","))
        buffer = io.BytesIO()
        workbook.save(buffer)
        data = buffer.getvalue()
    pending = preview(coordinator, applying_group, data, name=f"filled.{file_format}")
    assert pending.problems == [] and len(pending.rows) == 1


# --- The pages ------------------------------------------------------------------------------------

def test_upload_preview_and_confirm_pages(client, coordinator, applying_group):
    speak_english(coordinator)
    client.force_login(coordinator)
    url = reverse("roster_import", args=[applying_group.pk])
    bad = io.BytesIO(csv_bytes([youth_row(1, chinese=True), youth_row(2, chinese=True, birth_year="20x3")],
                              encoding="gbk"))
    bad.name = "名单.csv"
    response = client.post(url, {"file": bad})
    pending = RosterImport.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("roster_import_preview", args=[applying_group.pk, pending.pk])
    page = client.get(response["Location"]).content.decode()
    assert "1 problem: nothing was saved." in page
    assert "Row 3" in page and "“20x3” is not a birth year like 2012." in page
    assert "roster_import_confirm" not in page and "Import 2 youth" not in page
    # The confirm button is refused for a file with problems.
    response = client.post(reverse("roster_import_confirm", args=[applying_group.pk, pending.pk]))
    assert response.status_code == 302 and not Participant.objects.exists()

    good = io.BytesIO(csv_bytes([youth_row(1, chinese=True), youth_row(2, chinese=True)], encoding="gbk"))
    good.name = "名单.csv"
    response = client.post(url, {"file": good})
    pending = RosterImport.objects.get()
    page = client.get(response["Location"]).content.decode()
    assert "2 youth ready to import, no problems." in page
    response = client.post(reverse("roster_import_confirm", args=[applying_group.pk, pending.pk]))
    assert response.status_code == 302 and response["Location"] == reverse("roster", args=[applying_group.pk])
    assert Participant.objects.filter(group=applying_group).count() == 2
    assert client.get(reverse("roster_import_confirm", args=[applying_group.pk, pending.pk])).status_code == 405


def test_outsiders_do_not_see_another_groups_import(client, coordinator, other_coordinator, applying_group):
    pending = preview(coordinator, applying_group, csv_bytes([youth_row(1)]))
    client.force_login(other_coordinator)
    assert client.get(reverse("roster_import_preview", args=[applying_group.pk, pending.pk])).status_code == 404
    assert client.post(reverse("roster_import_confirm", args=[applying_group.pk, pending.pk])).status_code == 404
    assert not Participant.objects.exists()


@pytest.mark.parametrize(("query", "content_type"), [
    ("", "text/csv; charset=utf-8"),
    ("?format=xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
])
def test_template_download(client, coordinator, applying_group, query, content_type):
    client.force_login(coordinator)
    response = client.get(reverse("roster_template", args=[applying_group.pk]) + query)
    assert response.status_code == 200 and response["Content-Type"] == content_type
    assert "attachment" in response["Content-Disposition"]
