"""A youth's day view: each class says its state now; today first, past days after and dimmed."""

import datetime

import pytest
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone, translation

from courses.models import Lesson, Plan
from courses.selectors import my_camp_days, plan_days, plan_days_marked, plan_items
from live.models import LiveSession
from live.services.sessions import plan_rooms_ensure
from tests import factories


@pytest.fixture
def day_plan(group, phase):
    """A published plan around "now" (fixed): live now, in 12 min, tonight, ended, cancelled, past, next."""
    zone = group.zone
    now = datetime.datetime.combine(timezone.localdate(timezone=zone), datetime.time(15, 0), tzinfo=zone)
    lessons = {
        name: factories.catalog_lesson(name, 45, format=Lesson.Format.LIVE)
        for name in ("正在上", "马上开始", "晚上的课", "已结束", "取消了", "昨天的课", "明天的课")
    }
    times = {
        "正在上": now - datetime.timedelta(minutes=10),
        "马上开始": now + datetime.timedelta(minutes=12),
        "晚上的课": now.replace(hour=19),
        "已结束": now - datetime.timedelta(hours=3),
        "取消了": now + datetime.timedelta(hours=2),
        "昨天的课": now - datetime.timedelta(days=1),
        "明天的课": now + datetime.timedelta(days=1),
    }
    plan = factories.plan(
        group, phase, [(lessons[name], times[name], None) for name in lessons], status=Plan.Status.PUBLISHED
    )
    plan_rooms_ensure(plan=plan)
    LiveSession.objects.filter(title="正在上").update(state=LiveSession.State.LIVE)
    LiveSession.objects.filter(title="已结束").update(state=LiveSession.State.ENDED)
    LiveSession.objects.filter(title="取消了").update(state=LiveSession.State.CANCELLED)
    return plan, now


@pytest.mark.django_db
def test_each_class_says_its_state_and_only_a_class_on_now_can_be_joined(day_plan, group):
    plan, now = day_plan
    with timezone.override(group.zone):
        days = my_camp_days(group, now)
    today = {c.item.lesson.title_zh_hans: c for c in days["today"].classes}
    assert {title: c.state for title, c in today.items()} == {
        "正在上": "live",
        "马上开始": "soon",
        "晚上的课": "today",
        "已结束": "ended",
        "取消了": "cancelled",
    }
    assert today["马上开始"].minutes == 12
    assert [title for title, c in today.items() if c.joinable] == ["正在上"]
    assert [c.item.lesson.title_zh_hans for day in days["next_days"] for c in day.classes] == ["明天的课"]
    assert [c.state for day in days["past_days"] for c in day.classes] == ["ended"]
    assert days["past_days"][0].is_past and days["today"].is_today


@pytest.mark.django_db
def test_the_day_view_shows_the_states_and_no_join_button_for_an_ended_class(
    day_plan, group, youth, youth_participant
):
    plan, now = day_plan
    request = RequestFactory().get("/")
    request.user = youth
    with timezone.override(group.zone), translation.override("en"):
        html = render_to_string(
            "courses/_classes_days.html",
            {**my_camp_days(group, now), "user": youth, "group": group, "pinyin": False},
            request=request,
        )
    live_room = LiveSession.objects.get(title="正在上")
    ended_room = LiveSession.objects.get(title="已结束")
    assert "Live now" in html and "Starts in 12 min" in html and "Ended" in html and "Cancelled" in html
    assert live_room.get_absolute_url() in html and ended_room.get_absolute_url() not in html
    assert html.count('class="button join"') == 1
    assert html.index('id="today"') < html.index("明天的课") < html.index("class-days-past")
    assert "Asia/" not in html


@pytest.mark.django_db
def test_plan_page_marks_today_and_the_past_days(client, day_plan, group, youth, youth_participant):
    plan, _now = day_plan
    days, anchor = plan_days_marked(plan, plan_days(plan, plan_items(plan)))
    assert anchor == timezone.localdate(timezone=group.zone)
    assert [day.is_past for day in days] == [True, False, False]
    client.force_login(youth)
    page = client.get(reverse("courses:plan_detail", args=[plan.pk])).content.decode()
    assert (
        'id="today"' in page and f'href="#day-{anchor:%Y-%m-%d}"' in page and "plan-day card is-past" in page
    )
    assert group.time_zone not in page  # the city, never the raw zone name


@pytest.mark.django_db
def test_youth_plan_list_is_cards_not_a_table(client, day_plan, youth, youth_participant):
    plan, _now = day_plan
    client.force_login(youth)
    page = client.get(reverse("courses:plan_list")).content.decode()
    assert "<table" not in page and f"{reverse('courses:plan_detail', args=[plan.pk])}#today" in page


@pytest.mark.django_db
@pytest.mark.parametrize("days", [2, 12])
def test_my_camp_queries_do_not_grow_with_the_plan(
    client, group, phase, youth, youth_participant, days, django_assert_max_num_queries
):
    start = timezone.now().replace(minute=0, second=0, microsecond=0)
    lessons = [factories.catalog_lesson(f"课{n}", 45, format=Lesson.Format.LIVE) for n in range(3)]
    items = [
        (lessons[n % 3], start + datetime.timedelta(days=d, hours=n), None)
        for d in range(-1, days)
        for n in range(3)
    ]
    plan = factories.plan(group, phase, items, status=Plan.Status.PUBLISHED)
    plan_rooms_ensure(plan=plan)
    client.force_login(youth)
    client.get(reverse("my_camp"))
    with django_assert_max_num_queries(26):  # 26 at both sizes (ceremonies and progress cards added two)
        assert client.get(reverse("my_camp")).status_code == 200
