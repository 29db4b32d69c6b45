"""Report pages: dashboard, group report, exports, attendance corrections."""

import csv
import io

import openpyxl
import pytest
from django.urls import reverse
from django.utils import translation

from reports.models import AttendanceCorrection
from tests import factories

pytestmark = pytest.mark.django_db


def test_dashboard_shows_figures_charts_and_tables(client, world, delivered):
    client.force_login(world.organizer)
    response = client.get(reverse("reports:camp", args=[world.camp.pk]))
    assert response.status_code == 200
    figures = {key: value for key, _label, value in response.context["report"].figures}
    # Approved groups: group and other_group (running phase) + group again in the finished phase.
    assert figures["groups"] == 2
    assert figures["youth"] == 4  # Thai youth, Lao youth, Ryan in `group`; one in `other_group`
    assert figures["countries"] == 2
    assert figures["phases"] == 2
    assert figures["sessions"] == 4
    assert figures["hours"] == 3.0
    # 3 youth × 4 sessions = 12 expected; attended: Thai 4, Lao 3 (present, late, present), Ryan 1.
    assert figures["attendance"] == round(100 * 8 / 12, 1)
    html = response.content.decode()
    assert 'id="chart-youth-by-country"' in html and 'id="chart-attendance-by-phase"' in html
    assert "<svg" in html and "cdn" not in html.lower()
    assert 'id="table-countries"' in html and 'id="table-phases"' in html


def test_dashboard_refuses_others_and_wrong_method(client, world, make_user):
    url = reverse("reports:camp", args=[world.camp.pk])
    other_organizer = make_user("organizer")
    client.force_login(other_organizer)
    assert client.get(url).status_code == 404
    client.force_login(world.organizer)
    assert client.post(url).status_code == 405


def test_year_dashboard_spans_the_organizers_camps(client, world, delivered):
    factories.camp(world.organizer, federation="普洱市侨联", title="第二个营", year=world.camp.year)
    client.force_login(world.organizer)
    response = client.get(reverse("reports:year", args=[world.camp.year]))
    assert response.status_code == 200
    assert [c.title for c in response.context["report"].camps] == sorted([world.camp.title, "第二个营"])
    assert 'id="table-camps"' in response.content.decode()
    assert client.get(reverse("reports:year", args=[1999])).status_code == 404


def test_group_report_per_session_and_per_youth(client, world, delivered):
    client.force_login(world.coordinator)
    response = client.get(reverse("reports:group", args=[world.group.pk]))
    assert response.status_code == 200
    rows = {row["participant"].pk: row for row in response.context["youth_rows"]}
    assert (rows[delivered.thai.pk]["present"], rows[delivered.thai.pk]["rate"]) == (4, 100.0)
    lao = rows[delivered.lao.pk]
    assert (lao["present"], lao["late"], lao["absent"], lao["minutes"]) == (2, 1, 1, 45 + 30 + 44)
    assert lao["completed"] is False  # 75% < 80%
    totals = response.context["totals"]
    assert (totals["sessions_planned"], totals["sessions_held"], totals["youth"]) == (5, 4, 3)
    assert "ສຸກສະຫວັນ" in response.content.decode()


def test_group_report_is_not_for_other_coordinators_or_teachers_of_other_groups(client, world, make_user):
    url = reverse("reports:group", args=[world.group.pk])
    client.force_login(world.other_coordinator)
    assert client.get(url).status_code == 404
    client.force_login(make_user("teacher"))
    assert client.get(url).status_code == 403


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_exports_open_cleanly_and_neutralize_formulas(client, world, delivered, make_participant, fmt):
    make_participant(world.group, given_name="=HYPERLINK(\"http://evil\")", family_name="+1", chinese_name="@SUM(A1)")
    make_participant(world.group, given_name="-2", family_name="\tTab")
    client.force_login(world.coordinator)
    response = client.get(reverse("reports:group_export", args=[world.group.pk, fmt]))
    assert response.status_code == 200
    assert response["Content-Disposition"].endswith(f'.{fmt}"')
    cells = _cells(response.content, fmt)
    assert "'=HYPERLINK(\"http://evil\") +1" in cells
    assert "'@SUM(A1)" in cells and "'-2 \tTab" in cells
    assert not any(isinstance(c, str) and c and c[0] in "=+-@\t\r" for c in cells)
    assert "ສຸກສະຫວັນ ແກ້ວມະນີ" in cells


def _cells(content: bytes, fmt: str) -> list:
    if fmt == "csv":
        text = content.decode("utf-8-sig")
        return [cell for row in csv.reader(io.StringIO(text)) for cell in row]
    workbook = openpyxl.load_workbook(io.BytesIO(content))
    values = []
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows(values_only=True):
            values.extend(v for v in row if v is not None)
        for row in sheet.iter_rows():
            assert all(c.data_type != "f" for c in row), "no formulas in an export"
    return values


@pytest.mark.parametrize("language, header", [("en", "Attendance rate (%)"), ("zh-hans", None)])
def test_exports_follow_the_viewers_language(client, world, delivered, language, header):
    world.organizer.preferred_language = language
    world.organizer.save()
    client.force_login(world.organizer)
    response = client.get(reverse("reports:camp_export", args=[world.camp.pk, "xlsx"]))
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    with translation.override(language):
        expected = header or translation.gettext("Attendance rate (%)")
    assert expected in [c.value for c in workbook.worksheets[1][1]]
    assert len(workbook.worksheets) == 4  # summary, countries, phases, groups


def test_export_refuses_unknown_format(client, world):
    client.force_login(world.organizer)
    assert client.get(reverse("reports:camp_export", args=[world.camp.pk, "pdf"])).status_code == 404
    assert client.get(reverse("reports:group_export", args=[world.group.pk, "exe"])).status_code == 404


def test_teacher_corrects_a_status_and_reports_use_it(client, world, delivered):
    session = delivered.sessions[3]
    url = reverse("reports:session_attendance", args=[session.pk])
    client.force_login(world.teacher)
    response = client.post(url, {"participant": delivered.lao.pk, "status": "present",
                                 "reason": "家里断网，用妈妈手机听课"})
    assert response.status_code == 302
    correction = AttendanceCorrection.objects.get()
    assert (correction.corrected_by, correction.status, correction.reason) == (
        world.teacher, "present", "家里断网，用妈妈手机听课")
    assert correction.corrected_at is not None
    client.force_login(world.coordinator)
    rows = {r["participant"].pk: r for r in client.get(reverse("reports:group", args=[world.group.pk])).context[
        "youth_rows"]}
    assert rows[delivered.lao.pk]["absent"] == 0 and rows[delivered.lao.pk]["completed"] is True
    page = client.get(url).content.decode()
    assert "家里断网" in page


@pytest.mark.parametrize("data", [
    {"participant": "", "status": "present", "reason": "x"},
    {"participant": "not-a-number", "status": "present", "reason": "x"},
    {"status": "asleep", "reason": "x"},
    {"status": "present", "reason": "   "},
    {"status": "present"},
])
def test_malformed_corrections_write_nothing(client, world, delivered, data):
    data = {"participant": delivered.lao.pk} | data
    client.force_login(world.teacher)
    response = client.post(reverse("reports:session_attendance", args=[delivered.sessions[0].pk]), data)
    assert response.status_code == 400
    assert response.context["form"].errors
    assert not AttendanceCorrection.objects.exists()


def test_corrections_only_by_the_sessions_teacher_or_organizer(client, world, delivered, make_participant):
    url = reverse("reports:session_attendance", args=[delivered.sessions[0].pk])
    data = {"participant": delivered.lao.pk, "status": "present", "reason": "x"}
    client.force_login(world.coordinator)
    assert client.get(url).status_code == 200
    assert client.post(url, data).status_code == 403
    client.force_login(world.other_coordinator)
    assert client.post(url, data).status_code == 404
    outsider = make_participant(world.other_group)
    client.force_login(world.organizer)
    response = client.post(url, data | {"participant": outsider.pk})
    assert response.status_code == 400  # not in this session's group: not a choice
    assert client.put(url, data).status_code == 405
    assert not AttendanceCorrection.objects.exists()
    assert client.post(url, data).status_code == 302
    assert AttendanceCorrection.objects.get().corrected_by == world.organizer


def test_reports_index_lists_what_each_adult_may_open(client, world, delivered):
    client.force_login(world.organizer)
    html = client.get(reverse("reports:index")).content.decode()
    assert reverse("reports:camp", args=[world.camp.pk]) in html
    client.force_login(world.coordinator)
    html = client.get(reverse("reports:index")).content.decode()
    assert reverse("reports:group", args=[world.group.pk]) in html
    assert reverse("reports:group", args=[world.other_group.pk]) not in html
    client.force_login(world.teacher)
    html = client.get(reverse("reports:index")).content.decode()
    assert reverse("reports:group", args=[world.group.pk]) in html
    assert reverse("reports:group", args=[world.other_group.pk]) not in html
