"""A plan built in the product gets its live rooms: publishing creates them, later edits keep them."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from courses.models import Lesson, Plan
from courses.services.plans import plan_approve, plan_item_add, plan_item_update, plan_propose, plan_publish
from live.models import LiveSession
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def approved_plan(group, phase, teacher, organizer):
    """An approved plan with a live class, a workshop and a self-study item, inside the group's hours."""
    first_day = max(phase.starts_on, timezone.localdate()) + datetime.timedelta(days=1)
    at = datetime.datetime.combine(first_day, datetime.time(9, 0), tzinfo=datetime.UTC)  # 16:00 Bangkok
    plan = factories.plan(group, phase, items=[
        (factories.catalog_lesson("书法直播课", format=Lesson.Format.LIVE), at, teacher),
        (factories.catalog_lesson("剪纸工作坊", format=Lesson.Format.WORKSHOP), at + datetime.timedelta(days=1), teacher),
        (factories.catalog_lesson("自学：茶的故事", format=Lesson.Format.SELF_STUDY), at + datetime.timedelta(days=2),
         teacher),
    ])
    plan_propose(plan=plan, by=teacher)
    plan_approve(plan=plan, by=organizer)
    return plan


def _rooms(plan):
    return {item.lesson.format: LiveSession.objects.filter(plan_item=item).exists() for item in plan.items.all()}


def test_publishing_creates_the_rooms_of_what_is_taught_live(approved_plan, organizer):
    assert not LiveSession.objects.exists()  # approved, not yet published: no room
    plan_publish(plan=approved_plan, by=organizer)
    assert _rooms(approved_plan) == {"live": True, "workshop": True, "self_study": False}


def test_an_item_added_to_a_published_plan_gets_its_room_and_a_move_moves_it(approved_plan, organizer, teacher):
    plan_publish(plan=approved_plan, by=organizer)
    lesson = factories.catalog_lesson("茶艺直播课", format=Lesson.Format.LIVE, minutes=45)
    live_item = approved_plan.items.get(lesson__format="live")
    item = plan_item_add(plan=approved_plan, lesson=lesson, by=teacher,
                         starts_at=live_item.starts_at + datetime.timedelta(hours=2))
    room = LiveSession.objects.get(plan_item=item)
    moved = item.starts_at + datetime.timedelta(days=3)
    plan_item_update(item=item, by=teacher, starts_at=moved)
    room.refresh_from_db()
    assert room.starts_at == moved  # the room follows its item
    assert LiveSession.objects.count() == 3


def test_items_of_a_draft_plan_get_no_room(group, phase, teacher):
    plan = factories.plan(group, phase)
    at = datetime.datetime.combine(phase.ends_on, datetime.time(9, 0), tzinfo=datetime.UTC)
    plan_item_add(plan=plan, lesson=factories.catalog_lesson("书法", format=Lesson.Format.LIVE), by=teacher,
                  starts_at=at)
    assert plan.status == Plan.Status.DRAFT and not LiveSession.objects.exists()


def test_published_through_the_page_the_room_shows_on_plan_and_schedule(client, approved_plan, organizer, teacher):
    client.force_login(organizer)
    response = client.post(reverse("courses:plan_publish", args=[approved_plan.pk]))
    assert response.status_code == 302
    room = LiveSession.objects.get(plan_item__lesson__format="live")
    plan_page = client.get(reverse("courses:plan_detail", args=[approved_plan.pk])).content.decode()
    assert room.get_absolute_url() in plan_page
    client.force_login(teacher)
    assert room.get_absolute_url() in client.get(reverse("courses:teacher_schedule")).content.decode()
    assert client.get(room.get_absolute_url()).status_code == 200
