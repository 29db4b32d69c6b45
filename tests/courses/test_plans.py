"""Conflicts, the builder's edits, the workflow and its permissions, copies across time zones."""

import datetime
import zoneinfo

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone, translation

from courses.models import Plan, PlanChange, PlanTemplate
from courses.services import conflicts as kinds
from courses.services.conflicts import plan_conflicts
from courses.services.plans import (
    PlanError,
    plan_approve,
    plan_copy,
    plan_item_add,
    plan_item_update,
    plan_propose,
    plan_publish,
    plan_template_from_plan,
)
from tests import factories
from tests.courses.conftest import at

EVERY_DAY = [0, 1, 2, 3, 4, 5, 6]
HOURS = [{"weekdays": EVERY_DAY, "start": "16:00", "end": "20:00"}]
DAY = datetime.date(2026, 7, 7)


@pytest.fixture
def setting(make_phase, make_group, make_lesson, make_plan, teacher, coordinator):
    phase = make_phase(1, datetime.date(2026, 7, 6), days=5)
    yangon = make_group("仰光华侨中文学校", "Asia/Yangon", HOURS, phase=phase, coordinator=coordinator)
    lesson = make_lesson("剪纸", 60)
    # 16:00 in Yangon = 09:30 UTC.
    plan = make_plan(yangon, phase, [(lesson, at(DAY, 9, 30), teacher)])
    return phase, yangon, lesson, plan


def kinds_of(plan):
    return {item_id: sorted({c.kind for c in found}) for item_id, found in plan_conflicts(plan).items()}


@pytest.mark.django_db
def test_a_clean_plan_has_no_conflicts(setting):
    assert kinds_of(setting[3]) == {}


@pytest.mark.django_db
def test_teacher_double_booked_across_groups(setting, make_group, make_plan, make_lesson, teacher):
    phase, _yangon, _lesson, plan = setting
    bangkok = make_group("曼谷", "Asia/Bangkok", HOURS, phase=phase)
    # 16:45 in Bangkok = 09:45 UTC: overlaps the Yangon lesson (09:30–10:30 UTC).
    make_plan(bangkok, phase, [(make_lesson("书法", 60), at(DAY, 9, 45), teacher)])
    assert list(kinds_of(plan).values()) == [[kinds.TEACHER_BUSY]]
    assert "曼谷" in plan_conflicts(plan)[plan.items.get().pk][0].message


@pytest.mark.django_db
def test_group_double_booked(setting, make_lesson, make_user):
    _phase, _yangon, _lesson, plan = setting
    factories.plan_item(plan, make_lesson("诗词", 45), at(DAY, 10), minutes=45, teacher=make_user("teacher"))
    assert sorted(kinds_of(plan).values()) == [[kinds.GROUP_BUSY], [kinds.GROUP_BUSY]]


@pytest.mark.django_db
def test_outside_local_hours_is_exact_for_half_hour_zone(setting):
    _phase, _yangon, _lesson, plan = setting
    item = plan.items.get()
    # 15:30 UTC... no: 09:00 UTC is 15:30 in Yangon, half an hour before the group's 16:00.
    item.starts_at = at(DAY, 9, 0)
    item.save()
    assert list(kinds_of(plan).values()) == [[kinds.OUTSIDE_HOURS]]
    item.starts_at = at(DAY, 12, 30)  # 19:00–20:00 local: still inside
    item.save()
    assert kinds_of(plan) == {}
    item.starts_at = at(DAY, 12, 35)  # ends 20:05 local
    item.save()
    assert list(kinds_of(plan).values()) == [[kinds.OUTSIDE_HOURS]]


@pytest.mark.django_db
def test_outside_phase_dates(setting):
    phase, _yangon, _lesson, plan = setting
    item = plan.items.get()
    item.starts_at = at(phase.ends_on + datetime.timedelta(days=1), 9, 30)
    item.save()
    assert list(kinds_of(plan).values()) == [[kinds.OUTSIDE_PHASE]]


@pytest.mark.django_db
def test_lesson_unsuited_to_age_or_level(setting):
    _phase, _yangon, lesson, plan = setting
    lesson.age_min, lesson.chinese_level = 12, "advanced"  # the group is 10–14, beginner
    lesson.save()
    found = plan_conflicts(plan)[plan.items.get().pk]
    assert [c.kind for c in found] == [kinds.UNSUITABLE, kinds.UNSUITABLE]
    assert "12" in found[0].message


@pytest.mark.django_db
def test_propose_is_blocked_by_conflicts_unless_overridden_with_a_reason(setting, teacher):
    _phase, _yangon, _lesson, plan = setting
    item = plan.items.get()
    item.starts_at = at(DAY, 2)
    item.save()
    with translation.override("en"), pytest.raises(PlanError, match="conflicts"):
        plan_propose(plan=plan, by=teacher)
    plan.refresh_from_db()
    assert plan.status == Plan.Status.DRAFT
    plan_propose(plan=plan, by=teacher, override_reason="The school opens the hall early that day.")
    plan.refresh_from_db()
    assert plan.status == Plan.Status.PROPOSED and "early" in plan.override_reason


@pytest.mark.django_db
def test_workflow_draft_proposed_approved_published(setting, teacher, organizer):
    _phase, _yangon, _lesson, plan = setting
    with pytest.raises(PlanError):
        plan_approve(plan=plan, by=organizer)  # not proposed yet
    plan_propose(plan=plan, by=teacher)
    with pytest.raises(PlanError):
        plan_publish(plan=plan, by=organizer)  # not approved yet
    plan_approve(plan=plan, by=organizer)
    plan_publish(plan=plan, by=organizer)
    plan.refresh_from_db()
    assert plan.status == Plan.Status.PUBLISHED
    assert plan.approved_by == organizer and plan.published_at and plan.proposed_at


@pytest.mark.django_db
def test_teacher_cannot_approve_or_publish(setting, teacher):
    from django.core.exceptions import PermissionDenied

    _phase, _yangon, _lesson, plan = setting
    plan_propose(plan=plan, by=teacher)
    with pytest.raises(PermissionDenied):
        plan_approve(plan=plan, by=teacher)


@pytest.mark.django_db(transaction=True)
def test_editing_a_published_plan_keeps_it_published_records_and_mails_coordinators(setting, teacher):
    _phase, yangon, _lesson, plan = setting
    plan.status = Plan.Status.PUBLISHED
    plan.save()
    item = plan.items.get()

    plan_item_update(item=item, by=teacher, starts_at=at(DAY, 10, 30))

    item.refresh_from_db()
    plan.refresh_from_db()
    assert plan.status == Plan.Status.PUBLISHED
    assert item.sequence == 1
    change = PlanChange.objects.get(plan=plan)
    assert "16:00" in change.summary and "17:00" in change.summary  # Yangon local times
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [yangon.coordinators.get().email]
    assert "仰光华侨中文学校" in mail.outbox[0].subject


@pytest.mark.django_db
def test_editing_a_proposed_plan_sends_it_back_to_draft(setting, teacher, make_lesson):
    _phase, _yangon, _lesson, plan = setting
    plan_propose(plan=plan, by=teacher)
    plan_item_add(plan=plan, lesson=make_lesson("云游故宫", 45), by=teacher, teacher=teacher,
                  on_date=DAY)
    plan.refresh_from_db()
    assert plan.status == Plan.Status.DRAFT
    assert not PlanChange.objects.exists()


@pytest.mark.django_db
def test_add_without_time_takes_the_first_free_slot(setting, teacher, make_lesson):
    _phase, yangon, _lesson, plan = setting
    item = plan_item_add(plan=plan, lesson=make_lesson("云游故宫", 45), by=teacher, teacher=teacher, on_date=DAY)
    # The 16:00–17:00 lesson and a 15-minute break come first.
    assert timezone.localtime(item.starts_at, yangon.zone).strftime("%Y-%m-%d %H:%M") == "2026-07-07 17:15"
    assert kinds_of(plan) == {}


@pytest.mark.django_db
def test_copy_to_another_group_reschedules_in_its_time_zone(setting, make_group, teacher, organizer, make_lesson):
    phase, yangon, _lesson, plan = setting
    factories.plan_item(plan, make_lesson("书法", 45), at(DAY + datetime.timedelta(days=1), 9, 30), minutes=45,
                        teacher=teacher)
    toronto = make_group("多伦多", "America/Toronto", [{"weekdays": EVERY_DAY, "start": "08:00", "end": "09:30"}],
                         phase=phase)

    copy = plan_copy(source=plan, group=toronto, created_by=organizer)

    items = list(copy.items.order_by("starts_at"))
    toronto_zone = zoneinfo.ZoneInfo("America/Toronto")
    assert [timezone.localtime(i.starts_at, toronto_zone).strftime("%m-%d %H:%M") for i in items] == [
        "07-06 08:00", "07-07 08:00",
    ]
    # 08:00 in Toronto (EDT) is 20:00 in Beijing: inside the teacher's day, and not clashing with Yangon.
    assert items[0].starts_at == at(datetime.date(2026, 7, 6), 12)
    assert [i.lesson.title for i in items] == ["剪纸", "书法"]
    assert copy.status == Plan.Status.DRAFT and plan_conflicts(copy) == {}


@pytest.mark.django_db
def test_plan_becomes_a_template_day_by_day(setting, teacher, make_lesson):
    _phase, _yangon, lesson, plan = setting
    factories.plan_item(plan, make_lesson("书法", 45), at(DAY, 11), minutes=45)
    template = plan_template_from_plan(plan=plan, name="2 lessons", owner=teacher)
    assert [(i.day, i.order, i.lesson.title) for i in template.items.all()] == [(1, 0, "剪纸"), (1, 1, "书法")]
    assert PlanTemplate.objects.count() == 1


# --- Views --------------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_builder_move_into_conflict_is_flagged_by_htmx_partial(client, setting, teacher):
    _phase, _yangon, _lesson, plan = setting
    item = plan.items.get()
    client.force_login(teacher)
    url = reverse("courses:plan_item_update", args=[plan.pk, item.pk])
    response = client.post(url, {"starts_local": "2026-07-07T21:00"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert [t.name for t in response.templates][0] == "courses/_builder.html"
    body = response.content.decode()
    assert 'data-kind="outside_hours"' in body
    item.refresh_from_db()
    assert item.starts_at == at(DAY, 14, 30) and item.sequence == 1
    # Propose now fails with the message, nothing changes.
    response = client.post(reverse("courses:plan_propose", args=[plan.pk]), {}, HTTP_HX_REQUEST="true")
    assert "conflicts" in response.content.decode()
    plan.refresh_from_db()
    assert plan.status == Plan.Status.DRAFT


@pytest.mark.django_db
@pytest.mark.parametrize("data", [{"starts_local": "not a time"}, {"shift": "17"}, {"duration_minutes": "0"}])
def test_builder_rejects_malformed_moves(client, setting, teacher, data):
    _phase, _yangon, _lesson, plan = setting
    item = plan.items.get()
    client.force_login(teacher)
    response = client.post(reverse("courses:plan_item_update", args=[plan.pk, item.pk]), data, HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and 'role="alert"' in response.content.decode()
    item.refresh_from_db()
    assert item.starts_at == at(DAY, 9, 30) and item.sequence == 0


@pytest.mark.django_db
def test_builder_views_refuse_get_and_outsiders(client, setting, coordinator, other_coordinator):
    _phase, _yangon, _lesson, plan = setting
    item = plan.items.get()
    url = reverse("courses:plan_item_update", args=[plan.pk, item.pk])
    client.force_login(coordinator)
    assert client.post(url, {"shift": "30"}).status_code == 404  # a draft: its coordinator does not see it
    assert client.get(reverse("courses:plan_approve", args=[plan.pk])).status_code == 405
    item.refresh_from_db()
    assert item.sequence == 0


@pytest.mark.django_db
def test_propose_approve_publish_through_views(client, setting, teacher, organizer, coordinator):
    _phase, _yangon, _lesson, plan = setting
    client.force_login(teacher)
    assert client.post(reverse("courses:plan_propose", args=[plan.pk])).status_code == 302
    assert client.post(reverse("courses:plan_approve", args=[plan.pk])).status_code == 403
    client.force_login(coordinator)
    assert client.get(reverse("courses:plan_detail", args=[plan.pk])).status_code == 404
    client.force_login(organizer)
    client.post(reverse("courses:plan_approve", args=[plan.pk]))
    client.post(reverse("courses:plan_publish", args=[plan.pk]))
    plan.refresh_from_db()
    assert plan.status == Plan.Status.PUBLISHED
    client.force_login(coordinator)
    response = client.get(reverse("courses:plan_detail", args=[plan.pk]))
    assert response.status_code == 200
    assert "剪纸" in response.content.decode()


@pytest.mark.django_db
def test_create_plan_from_template_view_and_its_malformed_twin(client, setting, make_group, make_template, teacher):
    phase, _yangon, lesson, _plan = setting
    from camp.models import Enrollment

    mandalay = make_group("曼德勒", "Asia/Yangon", HOURS, phase=phase)
    enrollment = Enrollment.objects.get(group=mandalay)
    template = make_template([[lesson]])
    client.force_login(teacher)
    response = client.post(reverse("courses:plan_create"), {"enrollment": "nope", "template": template.pk})
    assert response.status_code == 200 and not Plan.objects.filter(group=mandalay).exists()
    response = client.post(reverse("courses:plan_create"), {"enrollment": enrollment.pk, "template": template.pk,
                                                            "teacher": teacher.pk, "adapt": "on"})
    plan = Plan.objects.get(group=mandalay)
    assert response.status_code == 302 and response["Location"] == reverse("courses:plan_builder", args=[plan.pk])
    assert plan.items.count() == 1


@pytest.mark.django_db
def test_impossible_template_view_shows_the_message(client, setting, make_group, make_template, teacher):
    phase, _yangon, lesson, _plan = setting
    from camp.models import Enrollment

    nowhere = make_group("没有时间", "Asia/Yangon", [], phase=phase)
    teacher.preferred_language = "en"
    teacher.save(update_fields=["preferred_language"])
    client.force_login(teacher)
    response = client.post(reverse("courses:plan_create"), {
        "enrollment": Enrollment.objects.get(group=nowhere).pk, "template": make_template([[lesson]]).pk})
    assert response.status_code == 200
    assert "no available hours" in response.content.decode()
    assert not Plan.objects.filter(group=nowhere).exists()
