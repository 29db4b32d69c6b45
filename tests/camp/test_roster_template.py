"""The roster template: readable headers, dropdowns for gender, language and level, and an import
that reads those labels (in any language) and a youth with one name."""

import io

import openpyxl
import pytest
from django.utils import translation

from camp.models import Participant
from camp.services.roster import roster_import_confirm, roster_import_preview, roster_template
from tests.camp.conftest import HEADER, csv_bytes, youth_row

pytestmark = pytest.mark.django_db


def _preview(coordinator, group, data, name="roster.csv"):
    return roster_import_preview(by=coordinator, group=group, file_name=name, data=data)


@pytest.mark.parametrize("language", ["zh-hans", "th", "lo", "my", "en"])
def test_the_xlsx_template_has_dropdowns_and_readable_headers(language):
    with translation.override(language):
        workbook = openpyxl.load_workbook(io.BytesIO(roster_template("xlsx")))
    sheet = workbook.worksheets[0]
    header = [cell.value for cell in sheet[1]]
    assert header[0].startswith("姓") and header[0].endswith("(family_name)")
    assert all(value.endswith(f"({key})") for value, key in zip(header, HEADER.split(","), strict=True))
    ranges = {str(v.sqref): v.formula1 for v in sheet.data_validations.dataValidation}
    assert set(ranges) == {"E2:E1001", "F2:F1001", "G2:G1001"}  # gender, language, level
    lists = workbook["lists"]
    assert lists.sheet_state == "hidden"
    languages = [cell.value for cell in lists["B"][1:] if cell.value]
    assert languages == ["简体中文", "English", "ไทย", "ລາວ", "မြန်မာ"]


@pytest.mark.parametrize("language", ["zh-hans", "th", "en"])
def test_a_template_filled_from_its_dropdowns_imports(coordinator, applying_group, language):
    with translation.override(language):
        workbook = openpyxl.load_workbook(io.BytesIO(roster_template("xlsx")))
        lists = workbook["lists"]
        gender, spoken, level = lists["A2"].value, lists["B5"].value, lists["C4"].value
    row = youth_row(1).split(",")
    row[4], row[5], row[6] = gender, spoken, level  # Female, ລາວ, Intermediate as the lists write them
    workbook.worksheets[0].append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    pending = _preview(coordinator, applying_group, buffer.getvalue(), name="filled.xlsx")
    assert pending.problems == [], pending.problems
    roster_import_confirm(by=coordinator, roster_import=pending)
    youth = Participant.objects.get(group=applying_group)
    assert (youth.gender, youth.preferred_language, youth.chinese_level) == ("f", "lo", "intermediate")


def test_a_youth_with_one_name_is_accepted(coordinator, applying_group):
    data = csv_bytes([youth_row(1, family_name="", given_name="အောင်မြင့်", preferred_language="မြန်မာ")])
    pending = _preview(coordinator, applying_group, data)
    assert pending.problems == []
    roster_import_confirm(by=coordinator, roster_import=pending)
    youth = Participant.objects.get(group=applying_group)
    assert youth.full_name == "အောင်မြင့်" and youth.family_name == "" and youth.preferred_language == "my"


@pytest.mark.parametrize("cell", ["Klingon", "中文水平", "=HYPERLINK(1)", "th,lo"])
def test_an_unknown_label_is_a_problem_and_writes_nothing(coordinator, applying_group, cell):
    pending = _preview(coordinator, applying_group, csv_bytes([youth_row(1, preferred_language=f'"{cell}"')]))
    assert pending.problems and not Participant.objects.exists()


def test_the_same_single_name_twice_is_caught(coordinator, applying_group):
    rows = [youth_row(n, family_name="", given_name="အောင်မြင့်") for n in (1, 2)]
    pending = _preview(coordinator, applying_group, csv_bytes(rows))
    assert any("row" in problem["message"].lower() for problem in pending.problems)


def test_the_participant_form_takes_a_single_name(client, coordinator, group):
    from django.urls import reverse

    client.force_login(coordinator)
    data = {
        "family_name": "",
        "given_name": "အောင်မြင့်",
        "chinese_name": "",
        "birth_year": 2013,
        "gender": "",
        "preferred_language": "my",
        "chinese_level": "beginner",
        "guardian_name": "ဒေါ်ခင်",
        "guardian_contact": "+95 9 123 4567",
        "notes": "",
    }
    response = client.post(reverse("participant_create", args=[group.pk]), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Participant.objects.get(group=group, given_name="အောင်မြင့်").full_name == "အောင်မြင့်"
