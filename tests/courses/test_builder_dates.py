"""Dates typed into the builder that are out of range or far from the phase: a clear error, nothing written."""

import datetime
import zoneinfo

import pytest
from django.urls import reverse
from django.utils import translation

from courses.forms import ItemAddForm, ItemUpdateForm
from tests.courses.conftest import at

EVERY_DAY = [0, 1, 2, 3, 4, 5, 6]
HOURS = [{"weekdays": EVERY_DAY, "start": "16:00", "end": "20:00"}]
DAY = datetime.date(2026, 7, 7)


@pytest.fixture(params=["Asia/Bangkok", "America/Bogota"])  # UTC+7 and UTC-5, neither with DST
def builder(request, make_phase, make_group, make_lesson, make_plan, teacher):
    teacher.preferred_language = "en"  # the messages are asserted in English, the source language
    teacher.save(update_fields=["preferred_language"])
    phase = make_phase(1, datetime.date(2026, 7, 6), days=5)
    group = make_group("曼谷", request.param, HOURS, phase=phase)
    lesson = make_lesson("剪纸", 60)
    start = datetime.datetime(2026, 7, 7, 16, tzinfo=zoneinfo.ZoneInfo(request.param))
    plan = make_plan(group, phase, [(lesson, start, teacher)])
    return plan, lesson, start


OUT_OF_RANGE = ["0001-01-01T00:00", "9999-12-31T23:59"]
FAR = ["2030-07-07T16:00", "2025-07-01T16:00", "1900-01-01T16:00"]


@pytest.mark.django_db
@pytest.mark.parametrize("value", OUT_OF_RANGE + FAR)
def test_move_to_a_far_or_impossible_time_is_refused_with_a_clear_error(client, builder, teacher, value):
    plan, _lesson, start = builder
    item = plan.items.get()
    client.force_login(teacher)
    response = client.post(reverse("courses:plan_item_update", args=[plan.pk, item.pk]),
                           {"starts_local": value}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    body = response.content.decode()
    assert 'role="alert"' in body and "too far from the phase" in body and "2026-07-06" in body
    item.refresh_from_db()
    assert item.starts_at == start and item.sequence == 0


@pytest.mark.django_db
@pytest.mark.parametrize("data", [{"starts_local": v} for v in OUT_OF_RANGE + FAR]
                         + [{"on_date": "9999-12-31"}, {"on_date": "0001-01-01"}, {"on_date": "2031-01-01"}])
def test_add_at_a_far_or_impossible_time_is_refused_with_a_clear_error(client, builder, teacher, data):
    plan, lesson, _start = builder
    client.force_login(teacher)
    response = client.post(reverse("courses:plan_item_add", args=[plan.pk]), {"lesson": lesson.pk, **data},
                           HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    body = response.content.decode()
    assert 'role="alert"' in body and "too far from the phase" in body
    assert plan.items.count() == 1
    assert plan.changes.count() == 0


@pytest.mark.django_db
def test_without_htmx_the_error_comes_back_as_a_message(client, builder, teacher):
    plan, _lesson, start = builder
    item = plan.items.get()
    client.force_login(teacher)
    response = client.post(reverse("courses:plan_item_update", args=[plan.pk, item.pk]),
                           {"starts_local": "0001-01-01T00:00"}, follow=True)
    assert response.status_code == 200
    assert any("too far from the phase" in str(m) for m in response.context["messages"])
    item.refresh_from_db()
    assert item.starts_at == start


@pytest.mark.django_db
def test_a_time_within_a_year_of_the_phase_is_still_accepted(client, builder, teacher):
    plan, _lesson, _start = builder
    item = plan.items.get()
    client.force_login(teacher)
    response = client.post(reverse("courses:plan_item_update", args=[plan.pk, item.pk]),
                           {"starts_local": "2027-03-01T17:00"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    item.refresh_from_db()
    zone = plan.group.zone
    assert item.starts_at == datetime.datetime(2027, 3, 1, 17, tzinfo=zone) and item.sequence == 1
    assert 'data-kind="outside_phase"' in response.content.decode()


@pytest.mark.parametrize("form_class", [ItemAddForm, ItemUpdateForm])
@pytest.mark.parametrize(("zone", "value"), [("Asia/Bangkok", "0001-01-01T00:00"),
                                             ("America/Bogota", "9999-12-31T23:59")])
def test_overflow_without_a_phase_is_a_form_error_not_an_exception(form_class, zone, value):
    form = form_class({"starts_local": value}, zone=zoneinfo.ZoneInfo(zone))
    with translation.override("en"):
        assert not form.is_valid()
        assert "out of range" in " ".join(form.errors["starts_local"])


def test_a_normal_time_converts_to_utc():
    form = ItemUpdateForm({"starts_local": "2026-07-07T16:00"}, zone=zoneinfo.ZoneInfo("Asia/Bangkok"))
    assert form.is_valid()
    assert form.cleaned_data["starts_at"] == at(DAY, 9)


# --- The time box shows the group's local time, and an unchanged Save changes nothing ---------------------

@pytest.mark.django_db
@pytest.mark.parametrize("zone, day, local", [
    ("Asia/Yangon", datetime.date(2026, 7, 7), "16:30"),       # UTC+6:30
    ("Asia/Bangkok", datetime.date(2026, 7, 7), "17:00"),
    ("Asia/Vientiane", datetime.date(2026, 7, 7), "18:00"),
    ("America/Toronto", datetime.date(2026, 3, 6), "18:00"),   # EST, the Friday before DST starts
    ("America/Toronto", datetime.date(2026, 3, 9), "18:00"),   # EDT, the Monday after
    ("America/Toronto", datetime.date(2026, 10, 30), "18:00"),  # EDT, the Friday before DST ends
    ("America/Toronto", datetime.date(2026, 11, 2), "18:00"),  # EST, the Monday after
])
def test_an_unchanged_save_in_a_beijing_teachers_builder_changes_nothing(
        client, make_phase, make_group, make_lesson, make_plan, teacher, coordinator, organizer, zone, day, local,
        django_capture_on_commit_callbacks, mailoutbox):
    from courses.models import PlanChange
    from courses.services.plans import plan_approve, plan_propose, plan_publish

    assert teacher.time_zone == "Asia/Shanghai"  # the page is rendered in Beijing time
    phase = make_phase(1, day - datetime.timedelta(days=1), days=5)
    hours = [{"weekdays": EVERY_DAY, "start": "15:00", "end": "21:00"}]
    group = make_group("测试团", zone, hours, phase=phase, coordinator=coordinator)
    hour, minute = map(int, local.split(":"))
    start = datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=zoneinfo.ZoneInfo(zone))
    plan = make_plan(group, phase, [(make_lesson("开营仪式", 60), start, teacher)])
    plan_propose(plan=plan, by=teacher)
    plan_approve(plan=plan, by=organizer)
    plan_publish(plan=plan, by=organizer)
    item = plan.items.get()
    client.force_login(teacher)
    page = client.get(reverse("courses:plan_builder", args=[plan.pk])).content.decode()
    shown = f'value="{day.isoformat()}T{local}"'
    assert shown in page, f"the box labelled {zone} must show {local} local"
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("courses:plan_item_update", args=[plan.pk, item.pk]),
                               # What the browser sends: the live class's link box too, left empty.
                               {"starts_local": f"{day.isoformat()}T{local}", "teacher": str(teacher.pk),
                                "meeting_url": ""},
                               HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    item.refresh_from_db()
    assert item.starts_at == start and item.sequence == 0 and item.meeting_url == ""
    assert not PlanChange.objects.filter(plan=plan).exists() and mailoutbox == []


# --- Times you can trust: each box names its zone, teachers see the group's time beside Beijing -----------

# (zone, group's local date and time, city label, Beijing date and time of the same moment)
ZONES_AROUND_DST = [
    ("Asia/Yangon", datetime.date(2026, 7, 7), "16:30", "Yangon", "Tue 18:00"),       # UTC+6:30
    ("Asia/Bangkok", datetime.date(2026, 7, 7), "17:00", "Bangkok", "Tue 18:00"),     # UTC+7
    ("Asia/Vientiane", datetime.date(2026, 7, 7), "18:00", "Vientiane", "Tue 19:00"),  # UTC+7
    ("America/Toronto", datetime.date(2026, 3, 6), "18:00", "Toronto", "Sat 07:00"),   # EST, before DST starts
    ("America/Toronto", datetime.date(2026, 3, 9), "18:00", "Toronto", "Tue 06:00"),   # EDT, after
    ("America/Toronto", datetime.date(2026, 10, 30), "18:00", "Toronto", "Sat 06:00"),  # EDT, before DST ends
    ("America/Toronto", datetime.date(2026, 11, 2), "18:00", "Toronto", "Tue 07:00"),  # EST, after
]


def _plus_an_hour(hhmm: str) -> str:
    hour, minute = map(int, hhmm.split(":"))
    return f"{(hour + 1) % 24:02d}:{minute:02d}"


@pytest.fixture
def zoned_plan(make_phase, make_group, make_lesson, make_plan, teacher, coordinator):
    """A Beijing teacher (English UI) and a one-lesson plan of a group in `zone` at `local` on `day`."""

    def make(zone, day, local):
        teacher.preferred_language = "en"
        teacher.save(update_fields=["preferred_language"])
        phase = make_phase(3, day - datetime.timedelta(days=1), days=5)
        group = make_group("测试团", zone, [{"weekdays": EVERY_DAY, "start": "15:00", "end": "21:00"}], phase=phase,
                           coordinator=coordinator)
        hour, minute = map(int, local.split(":"))
        start = datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=zoneinfo.ZoneInfo(zone))
        return make_plan(group, phase, [(make_lesson("开营仪式", 60, format="live"), start, teacher)])

    return make


@pytest.mark.django_db
@pytest.mark.parametrize("zone, day, local, city, beijing", ZONES_AROUND_DST)
def test_every_planning_page_shows_the_groups_time_beside_beijing(client, zoned_plan, teacher, clock,
                                                                   zone, day, local, city, beijing):
    plan = zoned_plan(zone, day, local)
    item = plan.items.get()
    clock.travel_to(datetime.datetime.combine(day - datetime.timedelta(days=3), datetime.time(12), tzinfo=datetime.UTC))
    client.force_login(teacher)
    beijing_day, beijing_time = beijing.split()
    group_weekday = day.strftime("%a")
    # The group's time carries its weekday wherever it is not the date shown first.
    group_text = f"{local}–{_plus_an_hour(local)} {city}</span>"
    beijing_text = f"{beijing_time}–{_plus_an_hour(beijing_time)}</time>"
    pages = {
        "builder": reverse("courses:plan_builder", args=[plan.pk]),
        "detail": reverse("courses:plan_detail", args=[plan.pk]),
        "print": reverse("courses:plan_print", args=[plan.pk]),
        "schedule": reverse("courses:teacher_schedule"),
    }
    for name, url in pages.items():
        body = client.get(url).content.decode()
        assert beijing_text in body, f"{name}: Beijing {beijing_time}"
        assert '<span class="zone-label">Beijing</span>' in body, name
        assert group_text in body, f"{name}: {city} {local}"
        if beijing_day != group_weekday or name in ("builder", "schedule"):
            assert f" · {group_weekday} {group_text}" in body, f"{name}: the group's weekday"
    builder = client.get(pages["builder"]).content.decode()
    assert f"Starts ({zone}, group's time)" in builder
    assert f'id="start-{item.pk}" name="starts_local" step="300" value="{day.isoformat()}T{local}"' in builder
    assert f"On or after ({zone}, group's date)" in builder  # the catalog's date box


@pytest.mark.django_db
@pytest.mark.parametrize("zone, day, local, city, beijing", ZONES_AROUND_DST)
def test_adding_at_a_time_typed_in_the_groups_box_lands_at_that_local_time(client, zoned_plan, teacher,
                                                                            zone, day, local, city, beijing):
    plan = zoned_plan(zone, day, local)
    lesson = plan.items.get().lesson
    client.force_login(teacher)
    later = _plus_an_hour(_plus_an_hour(local))
    response = client.post(reverse("courses:plan_item_add", args=[plan.pk]),
                           {"lesson": lesson.pk, "starts_local": f"{day.isoformat()}T{later}"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and 'role="alert"' not in response.content.decode()
    added = plan.items.order_by("starts_at").last()
    assert timezone_local(added.starts_at, zone) == f"{day.isoformat()} {later}"
    assert f"{later}–{_plus_an_hour(later)} {city}</span>" in response.content.decode()


def timezone_local(moment, zone) -> str:
    return moment.astimezone(zoneinfo.ZoneInfo(zone)).strftime("%Y-%m-%d %H:%M")


@pytest.mark.django_db
def test_a_coordinator_sees_no_beijing_time(client, zoned_plan, coordinator):
    """Beijing beside the time is for the planners; the group reads its own time only."""
    plan = zoned_plan("Asia/Bangkok", datetime.date(2026, 7, 7), "17:00")
    plan.status = plan.Status.PUBLISHED
    plan.save(update_fields=["status"])
    coordinator.time_zone = "Asia/Bangkok"
    coordinator.save(update_fields=["time_zone"])
    client.force_login(coordinator)
    body = client.get(reverse("courses:plan_detail", args=[plan.pk])).content.decode()
    assert "17:00–18:00</time>" in body and "Beijing" not in body.split('class="plan-days')[1]


# --- The teacher's working hours: the boxes say Beijing, a teacher elsewhere sees their own time too ------

@pytest.mark.django_db
def test_teacher_hours_boxes_name_beijing_and_a_toronto_teacher_sees_her_own_time(client, make_user, clock):
    from courses.models import TeacherProfile

    beijing = make_user("teacher", preferred_language="en")
    client.force_login(beijing)
    page = client.get(reverse("courses:teacher_hours")).content.decode()
    assert "Working day starts (Asia/Shanghai, Beijing time)" in page and "In your time zone" not in page
    # 2026-07-07 (EDT, UTC-4): 08:00–22:00 Beijing is Mon 20:00 to Tue 10:00 in Toronto.
    clock.travel_to(datetime.datetime(2026, 7, 7, 4, tzinfo=datetime.UTC))
    toronto = make_user("teacher", preferred_language="en", time_zone="America/Toronto")
    client.force_login(toronto)
    page = client.get(reverse("courses:teacher_hours")).content.decode()
    assert "In your time zone (America/Toronto) that is Mon 20:00 to Tue 10:00 today." in page
    response = client.post(reverse("courses:teacher_hours"), {"work_start": "09:00", "work_end": "21:30"})
    assert response.status_code == 302
    profile = TeacherProfile.objects.get(user=toronto)
    assert (profile.work_start, profile.work_end) == (datetime.time(9), datetime.time(21, 30))


@pytest.mark.django_db
@pytest.mark.parametrize("data", [{"work_start": "25:00", "work_end": "21:00"}, {"work_start": "nine"},
                                  {"work_start": "09:00", "work_end": "09:00"}, {}])
def test_malformed_teacher_hours_write_nothing(client, make_user, data):
    from courses.models import TeacherProfile

    teacher = make_user("teacher", preferred_language="en")
    client.force_login(teacher)
    response = client.post(reverse("courses:teacher_hours"), data)
    assert response.status_code == 200 and "errorlist" in response.content.decode()
    assert not TeacherProfile.objects.filter(user=teacher).exists()
