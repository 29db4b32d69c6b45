"""The plan services check their caller's camp, as the views do: an organizer of another camp (the
outsider) cannot approve, publish or send back this camp's plans, nor edit them, whoever calls."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import translation

from camp.models import User
from courses.models import Plan, PlanItem
from courses.services.plans import (
    plan_approve,
    plan_copy,
    plan_create,
    plan_item_add,
    plan_item_remove,
    plan_propose,
    plan_publish,
    plan_return,
    plan_template_from_plan,
)
from tests import factories
from tests.courses.conftest import at

DAY = datetime.date(2026, 7, 7)
HOURS = [{"weekdays": [0, 1, 2, 3, 4, 5, 6], "start": "16:00", "end": "20:00"}]


@pytest.fixture
def other_organizer(make_user):
    """Runs a camp of their own, not this one."""
    user = make_user(User.Role.ORGANIZER, preferred_language="en")
    factories.camp(user, federation="另一个侨联", title="另一个营", year=2026, languages=["zh-hans"])
    return user


@pytest.fixture
def setting(make_phase, make_group, make_lesson, make_plan, teacher):
    phase = make_phase(1, datetime.date(2026, 7, 6), days=5)
    group = make_group("仰光华侨中文学校", "Asia/Yangon", HOURS, phase=phase)
    lesson = make_lesson("剪纸", 60)
    plan = make_plan(group, phase, [(lesson, at(DAY, 9, 30), teacher)])
    return phase, group, lesson, plan


def _status(plan) -> str:
    plan.refresh_from_db()
    return plan.status


@pytest.mark.django_db
@pytest.mark.parametrize(("service", "status"), [
    (plan_approve, Plan.Status.PROPOSED),
    (plan_publish, Plan.Status.APPROVED),
    (plan_return, Plan.Status.PROPOSED),
    (plan_return, Plan.Status.APPROVED),
])
def test_an_organizer_of_another_camp_cannot_decide_on_this_camps_plan(setting, other_organizer, service, status):
    plan = setting[3]
    Plan.objects.filter(pk=plan.pk).update(status=status)
    with pytest.raises(PermissionDenied):
        service(plan=plan, by=other_organizer)
    assert _status(plan) == status
    assert plan.approved_by is None


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "status"), [
    ("courses:plan_approve", Plan.Status.PROPOSED),
    ("courses:plan_publish", Plan.Status.APPROVED),
    ("courses:plan_return", Plan.Status.PROPOSED),
])
def test_the_decision_views_do_not_show_another_camps_plan(client, setting, other_organizer, name, status):
    plan = setting[3]
    Plan.objects.filter(pk=plan.pk).update(status=status)
    client.force_login(other_organizer)
    assert client.post(reverse(name, args=[plan.pk])).status_code == 404
    assert _status(plan) == status


@pytest.mark.django_db
def test_a_co_organizer_of_the_camp_decides(setting, camp, make_user):
    plan = setting[3]
    co_organizer = make_user(User.Role.ORGANIZER)
    camp.co_organizers.add(co_organizer)
    Plan.objects.filter(pk=plan.pk).update(status=Plan.Status.PROPOSED)
    plan_approve(plan=plan, by=co_organizer)
    plan_publish(plan=plan, by=co_organizer)
    assert _status(plan) == Plan.Status.PUBLISHED


@pytest.mark.django_db
def test_an_organizer_of_another_camp_cannot_build_this_camps_plans(setting, other_organizer, make_lesson,
                                                                    make_group):
    phase, group, lesson, plan = setting
    item = plan.items.get()
    refused = [
        lambda: plan_propose(plan=plan, by=other_organizer),
        lambda: plan_item_add(plan=plan, lesson=make_lesson("书法", 45), by=other_organizer, on_date=DAY),
        lambda: plan_item_remove(item=item, by=other_organizer),
        lambda: plan_template_from_plan(plan=plan, name="mine now", owner=other_organizer),
        lambda: plan_create(group=make_group("曼谷", "Asia/Bangkok", HOURS, phase=phase), phase=phase,
                            created_by=other_organizer),
        lambda: plan_copy(source=plan, group=make_group("万象", "Asia/Vientiane", HOURS, phase=phase),
                          created_by=other_organizer),
    ]
    for call in refused:
        with pytest.raises(PermissionDenied):
            call()
    assert _status(plan) == Plan.Status.DRAFT
    assert list(PlanItem.objects.values_list("pk", flat=True)) == [item.pk]
    assert Plan.objects.count() == 1


@pytest.mark.django_db
def test_a_coordinator_cannot_propose_through_the_service(setting, coordinator):
    plan = setting[3]
    with pytest.raises(PermissionDenied):
        plan_propose(plan=plan, by=coordinator)
    assert _status(plan) == Plan.Status.DRAFT


@pytest.mark.django_db
def test_a_refused_decision_shows_its_translated_message_on_the_page_the_user_was_on(client, setting, organizer):
    plan = setting[3]  # a draft: it cannot be approved yet
    organizer.preferred_language = "zh-hans"
    organizer.save(update_fields=["preferred_language"])
    client.force_login(organizer)
    plans_page = "http://testserver" + reverse("courses:plan_list")
    response = client.post(reverse("courses:plan_approve", args=[plan.pk]), HTTP_REFERER=plans_page)
    assert response.status_code == 302 and response["Location"] == plans_page
    with translation.override("zh-hans"):
        expected = translation.gettext("Only a proposed plan can be approved.")
    body = client.get(response["Location"]).content.decode()
    assert expected in body and expected != "Only a proposed plan can be approved."
    # Without a Referer (or with another host's), back to the plan's page.
    response = client.post(reverse("courses:plan_approve", args=[plan.pk]), HTTP_REFERER="https://evil.example/")
    assert response["Location"] == reverse("courses:plan_detail", args=[plan.pk])
    assert _status(plan) == Plan.Status.DRAFT
