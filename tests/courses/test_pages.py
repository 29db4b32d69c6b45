"""Plan pages: query counts that do not grow with items, local times per viewer, My camp, the demo."""

import datetime

import pytest
from django.core.management import call_command
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from courses.models import Plan, PlanItem
from tests import factories
from tests.courses.conftest import at

HOURS = [{"weekdays": [0, 1, 2, 3, 4, 5, 6], "start": "00:00", "end": "24:00"}]


def _fill(plan, lessons, teachers, count):
    start = at(plan.phase.starts_on, 0)
    factories.plan_items_bulk(plan, [
        (lessons[n % len(lessons)], start + datetime.timedelta(minutes=30 * n), teachers[n % len(teachers)])
        for n in range(count)
    ], minutes=45)


@pytest.fixture
def big_plan(make_phase, make_group, make_lesson, make_plan, teacher, make_user, coordinator):
    phase = make_phase(7, datetime.date(2026, 7, 6), days=10)
    group = make_group("仰光 Q", "Asia/Yangon", HOURS, phase=phase, coordinator=coordinator)
    plan = make_plan(group, phase, status=Plan.Status.PUBLISHED)
    lessons = [make_lesson(f"课{n}", 45, materials="红纸") for n in range(5)]
    return plan, lessons, [teacher, make_user("teacher")]


@pytest.mark.django_db
@pytest.mark.parametrize("url_name, persona", [
    ("courses:plan_builder", "teacher"), ("courses:plan_detail", "teacher"),
    ("courses:plan_detail", "coordinator"), ("courses:plan_print", "coordinator"),
])
def test_plan_pages_queries_do_not_grow_with_items(client, big_plan, django_assert_max_num_queries, teacher,
                                                    coordinator, url_name, persona):
    plan, lessons, teachers = big_plan
    client.force_login({"teacher": teacher, "coordinator": coordinator}[persona])
    url = reverse(url_name, args=[plan.pk])
    client.get(url)  # the feed link is made on the first visit
    _fill(plan, lessons, teachers, 10)
    with django_assert_max_num_queries(22) as small:
        assert client.get(url).status_code == 200
    PlanItem.objects.filter(plan=plan).delete()
    _fill(plan, lessons, teachers, 200)
    with django_assert_max_num_queries(22) as large:
        response = client.get(url)
    assert response.status_code == 200
    assert response.content.decode().count("课") >= 200
    assert len(large.captured_queries) == len(small.captured_queries)


@pytest.mark.django_db
def test_times_show_viewer_zone_with_beijing_for_teachers_and_group_time_for_coordinators(
    client, big_plan, teacher, make_user
):
    plan, lessons, _teachers = big_plan
    factories.plan_item(plan, lessons[0], at(datetime.date(2026, 7, 7), 9, 30), minutes=45)
    client.force_login(teacher)  # Beijing: 17:30, already Beijing — shown once, the group's 16:00 beside it
    body = client.get(reverse("courses:plan_detail", args=[plan.pk])).content.decode()
    assert "17:30–18:15</time>" in body and 'class="time-beijing"' not in body
    # The group's zone by its city, in the page's language (camp.zones.zone_city): 仰光 on a Chinese page.
    assert '<span class="time-group"> · 16:00–16:45 仰光</span>' in body
    toronto_teacher = make_user("teacher", time_zone="America/Toronto")
    client.force_login(toronto_teacher)
    body = client.get(reverse("courses:plan_detail", args=[plan.pk])).content.decode()
    assert "05:30" in body and 'class="time-beijing"' in body and "17:30" in body
    bangkok_coordinator = make_user("coordinator", time_zone="Asia/Bangkok")
    plan.group.coordinators.add(bangkok_coordinator)
    client.force_login(bangkok_coordinator)
    body = client.get(reverse("courses:plan_detail", args=[plan.pk])).content.decode()
    # Bangkok is UTC+7, Yangon UTC+6:30.
    assert "16:30–17:15" in body and 'class="time-other"' in body and "(仰光 16:00–16:45)" in body


@pytest.mark.django_db
def test_my_camp_partial_shows_today_and_tomorrow_in_local_time(make_lesson, make_plan, group, phase, youth,
                                                               youth_participant):
    lesson = make_lesson("今天的课", 45)
    later = make_lesson("后天的课", 45)
    zone = group.zone
    today = timezone.localdate(timezone=zone)
    make_plan(group, phase, [
        (lesson, datetime.datetime.combine(today, datetime.time(16, 30), tzinfo=zone), None),
        (later, datetime.datetime.combine(today + datetime.timedelta(days=2), datetime.time(16), tzinfo=zone), None),
    ], status=Plan.Status.PUBLISHED)
    request = RequestFactory().get("/")
    request.user = youth
    with timezone.override(zone):
        html = render_to_string("courses/_my_camp.html", {"participant": youth_participant, "group": group,
                                                          "phase": phase, "user": youth}, request=request)
    assert "今天的课" in html and "16:30" in html
    # Today comes first, the next days after it (a youth sees the days ahead, not only tomorrow).
    assert html.index("今天的课") < html.index("后天的课")


@pytest.mark.django_db
def test_seed_demo_youth_of_the_running_phase_sees_today_and_a_live_class_now(client):
    from camp.models import Participant, User

    call_command("seed_demo", stdout=open("/dev/null", "w"))
    plan = Plan.objects.get(group__name="中老友谊侨校")
    assert plan.status == Plan.Status.PUBLISHED
    now = timezone.now()
    running = plan.items.get(starts_at__lte=now, starts_at__gte=now - datetime.timedelta(minutes=15))
    assert running.lesson.format == "live" and running.teacher.email == "teacher@example.org"
    assert 60 <= running.duration_minutes <= 90
    assert plan.items.filter(starts_at__gt=now + datetime.timedelta(hours=12), lesson__format="live",
                             teacher__email="teacher@example.org").exists()
    for name in ["寮龚侨校", "曼谷中华语言文化中心", "清迈华侨公立学校", "仰光华侨中文学校"]:
        finished = Plan.objects.get(group__name=name)
        assert finished.status == Plan.Status.PUBLISHED
        assert finished.items.filter(lesson__format="live", starts_at__lt=now).exists()
    youth = Participant.objects.filter(group=plan.group).exclude(user=None).first()
    if youth is not None:  # the youth accounts come from the camp helper's seed
        client.force_login(youth.user)
        assert client.get(reverse("courses:plan_detail", args=[plan.pk])).status_code == 200
    assert User.objects.filter(email="teacher@example.org").exists()
    counts = (Plan.objects.count(), PlanItem.objects.count())
    call_command("seed_demo", stdout=open("/dev/null", "w"))
    assert (Plan.objects.count(), PlanItem.objects.count()) == counts
