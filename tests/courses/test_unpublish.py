"""Unpublish: an organizer of the plan's camp takes a published plan back to draft from the plan page,
after ticking the confirmation; nobody else can, and nothing changes without the tick."""

import datetime

import pytest
from django.urls import reverse

from camp.models import User
from courses.models import Plan
from tests import factories
from tests.courses.conftest import at

HOURS = [{"weekdays": [0, 1, 2, 3, 4, 5, 6], "start": "16:00", "end": "20:00"}]


@pytest.fixture
def published(make_phase, make_group, make_lesson, make_plan, teacher, coordinator, organizer):
    organizer.preferred_language = "en"
    organizer.save(update_fields=["preferred_language"])
    phase = make_phase(3, datetime.date(2026, 7, 6), days=5)
    group = make_group("曼谷", "Asia/Bangkok", HOURS, phase=phase, coordinator=coordinator)
    return make_plan(group, phase, [(make_lesson("剪纸直播课", 60), at(phase.starts_on, 9), teacher)],
                     status=Plan.Status.PUBLISHED)


def _status(plan) -> str:
    return Plan.objects.get(pk=plan.pk).status


@pytest.mark.django_db
def test_the_organizer_unpublishes_after_confirming(client, published, organizer, coordinator):
    url = reverse("courses:plan_unpublish", args=[published.pk])
    client.force_login(organizer)
    page = client.get(reverse("courses:plan_detail", args=[published.pk])).content.decode()
    assert f'action="{url}"' in page and 'name="confirm"' in page and "Unpublish" in page
    response = client.post(url, {}, follow=True)
    assert any("Tick the box" in str(message) for message in response.context["messages"])
    assert _status(published) == Plan.Status.PUBLISHED
    response = client.post(url, {"confirm": "on"})
    assert response.status_code == 302 and response["Location"] == reverse("courses:plan_detail",
                                                                           args=[published.pk])
    plan = Plan.objects.get(pk=published.pk)
    assert plan.status == Plan.Status.DRAFT and plan.published_at is None and plan.approved_by is None
    # The group no longer sees it; the page offers no unpublish on a draft.
    client.force_login(coordinator)
    assert client.get(reverse("courses:plan_detail", args=[plan.pk])).status_code == 404
    client.force_login(organizer)
    assert f'action="{url}"' not in client.get(reverse("courses:plan_detail", args=[plan.pk])).content.decode()


@pytest.mark.django_db
def test_a_draft_cannot_be_unpublished(client, published, organizer):
    Plan.objects.filter(pk=published.pk).update(status=Plan.Status.APPROVED)
    client.force_login(organizer)
    response = client.post(reverse("courses:plan_unpublish", args=[published.pk]), {"confirm": "on"}, follow=True)
    assert any("Only a published plan" in str(message) for message in response.context["messages"])
    assert _status(published) == Plan.Status.APPROVED


@pytest.mark.django_db
@pytest.mark.parametrize("data", [{}, {"confirm": ""}, {"confirm": "false"}, {"confirmed": "on"}])
def test_malformed_confirmations_change_nothing(client, published, organizer, data):
    client.force_login(organizer)
    response = client.post(reverse("courses:plan_unpublish", args=[published.pk]), data)
    assert response.status_code == 302
    assert _status(published) == Plan.Status.PUBLISHED


@pytest.mark.django_db
def test_only_the_camps_organizers_may_unpublish(client, published, teacher, coordinator, youth, make_user):
    url = reverse("courses:plan_unpublish", args=[published.pk])
    assert client.post(url, {"confirm": "on"}).status_code == 302  # anonymous: to the login page
    client.force_login(teacher)
    assert client.post(url, {"confirm": "on"}).status_code == 403
    client.force_login(coordinator)
    assert client.post(url, {"confirm": "on"}).status_code == 403
    client.force_login(youth)
    assert client.post(url, {"confirm": "on"}).status_code == 404
    stranger = make_user(User.Role.ORGANIZER)
    factories.camp(stranger, title="另一个营")
    client.force_login(stranger)
    assert client.post(url, {"confirm": "on"}).status_code == 404
    assert client.get(url).status_code == 405
    assert _status(published) == Plan.Status.PUBLISHED
