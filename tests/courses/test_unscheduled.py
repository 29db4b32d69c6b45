"""A template with more hours than the group has: the plan gets what fits, the rest is listed on the
builder ("could not be placed"), each with an add button (first free slot, or a chosen time) and a
leave-out button."""

import datetime
import zoneinfo

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from camp.models import Enrollment
from courses.models import Plan, PlanItem, UnscheduledLesson
from courses.services.plans import PlanError, plan_create_from_template, plan_unscheduled_dismiss
from tests import factories

BANGKOK = zoneinfo.ZoneInfo("Asia/Bangkok")
MONDAY = datetime.date(2026, 7, 6)


@pytest.fixture
def tight(make_phase, make_group, make_lesson, make_template, teacher):
    """Two days of 16:00–18:00 in Bangkok, and a template of five 60-minute lessons on day 1: with the
    15-minute break only one fits a day, so two are placed and three are not."""
    teacher.preferred_language = "en"
    teacher.save(update_fields=["preferred_language"])
    phase = make_phase(3, MONDAY, days=2)
    group = make_group("曼谷", "Asia/Bangkok", [{"weekdays": [0, 1], "start": "16:00", "end": "18:00"}], phase=phase)
    lessons = [make_lesson(f"课{n}", 60) for n in range(5)]
    return phase, group, lessons, make_template([lessons])


@pytest.mark.django_db
def test_what_fits_is_placed_and_the_rest_is_kept_in_order(tight, teacher):
    phase, group, lessons, template = tight
    plan = plan_create_from_template(template=template, group=group, phase=phase, teacher=teacher,
                                     created_by=teacher)
    placed = list(plan.items.order_by("starts_at"))
    assert [item.lesson for item in placed] == lessons[:2]
    assert [timezone.localtime(item.starts_at, BANGKOK).strftime("%a %H:%M") for item in placed] == [
        "Mon 16:00", "Tue 16:00"]
    waiting = list(plan.unscheduled.all())
    assert [entry.lesson for entry in waiting] == lessons[2:]
    assert {(entry.day, entry.duration_minutes, entry.teacher_id) for entry in waiting} == {(1, 60, teacher.pk)}


@pytest.mark.django_db
def test_creating_through_the_page_says_how_many_and_the_builder_lists_them(client, tight, teacher):
    phase, group, lessons, template = tight
    client.force_login(teacher)
    response = client.post(reverse("courses:plan_create"), {
        "enrollment": Enrollment.objects.get(group=group, phase=phase).pk, "template": template.pk,
        "teacher": teacher.pk}, follow=True)
    plan = Plan.objects.get(group=group)
    assert response.redirect_chain[-1][0] == reverse("courses:plan_builder", args=[plan.pk])
    body = response.content.decode()
    assert "3 lessons could not be placed in the group&#x27;s hours: they are listed in the builder" in body
    assert "3 lessons could not be placed in the group's hours</h3>" in body
    for entry in plan.unscheduled.all():
        assert f'id="unscheduled-{entry.pk}"' in body and entry.lesson.title in body
        assert f'id="unscheduled-date-{entry.pk}" name="on_date" value="2026-07-06"' in body
    assert "At (Asia/Bangkok, group's time)" in body


@pytest.mark.django_db
def test_adding_from_the_list_at_a_chosen_time_takes_it_off(client, tight, teacher):
    phase, group, lessons, template = tight
    plan = plan_create_from_template(template=template, group=group, phase=phase, teacher=teacher,
                                     created_by=teacher)
    entry = plan.unscheduled.get(lesson=lessons[2])
    client.force_login(teacher)
    response = client.post(reverse("courses:plan_item_add", args=[plan.pk]), {
        "lesson": entry.lesson_id, "teacher": teacher.pk, "starts_local": "2026-07-06T19:00"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    item = plan.items.get(lesson=lessons[2])
    assert timezone.localtime(item.starts_at, BANGKOK).strftime("%Y-%m-%d %H:%M") == "2026-07-06 19:00"
    assert item.teacher == teacher
    assert not UnscheduledLesson.objects.filter(pk=entry.pk).exists()
    body = response.content.decode()
    assert "2 lessons could not be placed" in body and 'data-kind="outside_hours"' in body


@pytest.mark.django_db
def test_adding_at_the_first_free_slot_when_there_is_none_keeps_it_listed(client, tight, teacher):
    phase, group, lessons, template = tight
    plan = plan_create_from_template(template=template, group=group, phase=phase, teacher=teacher,
                                     created_by=teacher)
    entry = plan.unscheduled.first()
    client.force_login(teacher)
    response = client.post(reverse("courses:plan_item_add", args=[plan.pk]), {
        "lesson": entry.lesson_id, "teacher": teacher.pk, "on_date": "2026-07-06"}, HTTP_HX_REQUEST="true")
    assert 'role="alert"' in response.content.decode() and "does not fit" in response.content.decode()
    assert plan.items.count() == 2 and UnscheduledLesson.objects.filter(pk=entry.pk).exists()


@pytest.mark.django_db
def test_adding_at_the_first_free_slot_once_there_is_room(client, tight, teacher):
    phase, group, lessons, template = tight
    plan = plan_create_from_template(template=template, group=group, phase=phase, teacher=teacher,
                                     created_by=teacher)
    plan.items.filter(lesson=lessons[1]).delete()  # Tuesday is free again
    entry = plan.unscheduled.get(lesson=lessons[3])
    client.force_login(teacher)
    client.post(reverse("courses:plan_item_add", args=[plan.pk]), {
        "lesson": entry.lesson_id, "teacher": teacher.pk, "on_date": "2026-07-06"}, HTTP_HX_REQUEST="true")
    item = plan.items.get(lesson=lessons[3])
    assert timezone.localtime(item.starts_at, BANGKOK).strftime("%a %H:%M") == "Tue 16:00"
    assert not UnscheduledLesson.objects.filter(pk=entry.pk).exists()


@pytest.mark.django_db
@pytest.mark.parametrize("data", [
    {"starts_local": "garbage"}, {"starts_local": "9999-12-31T23:59"}, {"on_date": "2026-02-30"},
    {"lesson": "nope"}, {"lesson": "99999999999999999999"}, {"teacher": "x"},
])
def test_malformed_adds_from_the_list_write_nothing(client, tight, teacher, data):
    phase, group, lessons, template = tight
    plan = plan_create_from_template(template=template, group=group, phase=phase, teacher=teacher,
                                     created_by=teacher)
    entry = plan.unscheduled.first()
    client.force_login(teacher)
    response = client.post(reverse("courses:plan_item_add", args=[plan.pk]),
                           {"lesson": entry.lesson_id, **data}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and 'role="alert"' in response.content.decode()
    assert plan.items.count() == 2 and plan.unscheduled.count() == 3


@pytest.mark.django_db
def test_leaving_one_out(client, tight, teacher, coordinator, make_group, make_plan):
    phase, group, lessons, template = tight
    plan = plan_create_from_template(template=template, group=group, phase=phase, teacher=teacher,
                                     created_by=teacher)
    entry = plan.unscheduled.first()
    url = reverse("courses:plan_unscheduled_dismiss", args=[plan.pk, entry.pk])
    client.force_login(teacher)
    assert client.get(url).status_code == 405
    # An entry of another plan, or one that does not exist, is not found under this plan.
    other = make_plan(make_group("仰光", "Asia/Yangon", [], phase=phase), phase)
    assert client.post(reverse("courses:plan_unscheduled_dismiss", args=[other.pk, entry.pk])).status_code == 404
    assert client.post(reverse("courses:plan_unscheduled_dismiss", args=[plan.pk, 999999])).status_code == 404
    client.force_login(coordinator)
    assert client.post(url).status_code in (403, 404)
    assert UnscheduledLesson.objects.filter(pk=entry.pk).exists()
    client.force_login(teacher)
    response = client.post(url, HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and "2 lessons could not be placed" in response.content.decode()
    assert not UnscheduledLesson.objects.filter(pk=entry.pk).exists() and plan.items.count() == 2


@pytest.mark.django_db
def test_an_outsider_cannot_leave_one_out_through_the_service(tight, teacher, coordinator):
    phase, group, lessons, template = tight
    plan = plan_create_from_template(template=template, group=group, phase=phase, teacher=teacher,
                                     created_by=teacher)
    entry = plan.unscheduled.first()
    with pytest.raises(PermissionDenied):
        plan_unscheduled_dismiss(entry=entry, by=coordinator)
    assert UnscheduledLesson.objects.filter(pk=entry.pk).exists()


@pytest.mark.django_db
def test_when_nothing_fits_nothing_is_written(make_phase, make_group, make_lesson, make_template, teacher):
    phase = make_phase(3, MONDAY, days=2)
    group = make_group("曼谷", "Asia/Bangkok", [{"weekdays": [0, 1], "start": "16:00", "end": "16:30"}], phase=phase)
    template = make_template([[make_lesson("一小时", 60), make_lesson("又一小时", 60)]])
    with pytest.raises(PlanError) as error:
        plan_create_from_template(template=template, group=group, phase=phase, teacher=teacher, created_by=teacher)
    assert error.value.code == "nothing_fits"
    assert not Plan.objects.exists() and not PlanItem.objects.exists() and not UnscheduledLesson.objects.exists()


@pytest.mark.django_db
def test_a_template_day_past_the_phase_is_listed_not_lost(make_phase, make_group, make_lesson, make_template,
                                                          teacher):
    """A 7-day template in a 2-day phase: days 3–7 have no date at all."""
    phase = make_phase(3, MONDAY, days=2)
    group = make_group("曼谷", "Asia/Bangkok", [{"weekdays": [0, 1], "start": "16:00", "end": "20:00"}], phase=phase)
    week = [[make_lesson(f"第{day}天", 45)] for day in range(1, 8)]
    plan = plan_create_from_template(template=make_template(week), group=group, phase=phase, teacher=teacher,
                                     created_by=teacher)
    assert plan.items.count() == 2
    assert list(plan.unscheduled.values_list("day", flat=True)) == [3, 4, 5, 6, 7]


@pytest.mark.django_db
def test_the_builder_suggests_a_date_within_the_phase(client, make_phase, make_group, make_lesson, make_plan,
                                                      teacher):
    phase = make_phase(3, MONDAY, days=2)
    group = make_group("曼谷", "Asia/Bangkok", [], phase=phase)
    plan = make_plan(group, phase)
    entry = factories.unscheduled_lesson(plan, make_lesson("第七天", 45), day=7, teacher=teacher)
    client.force_login(teacher)
    body = client.get(reverse("courses:plan_builder", args=[plan.pk])).content.decode()
    assert f'id="unscheduled-date-{entry.pk}" name="on_date" value="2026-07-07"' in body
