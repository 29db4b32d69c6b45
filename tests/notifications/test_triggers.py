"""What tells people today: an enrollment decided (camp), a published plan changed and a class about
to start (courses), each in the reader's language with a link to the page."""

import datetime

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone, translation

from camp.models import Enrollment
from camp.services.enrollment import enrollment_decide
from courses.models import Plan
from courses.services.plans import plan_item_update
from notifications.models import Notification
from tests import factories


@pytest.fixture
def published(group, phase, teacher):
    lesson = factories.lesson("茶艺", title_zh_hans="茶艺", title_th="ศิลปะการชงชา", title_en="Tea")
    starts = timezone.now() + datetime.timedelta(minutes=7)
    plan = factories.plan(group, phase, [(lesson, starts, teacher)], status=Plan.Status.PUBLISHED)
    return plan


@pytest.mark.django_db
def test_a_decision_tells_the_coordinators_not_the_organizer_and_no_digest_repeats_the_mail(
    group, organizer, coordinator, django_capture_on_commit_callbacks
):
    phase = factories.open_phase(group.camp)
    factories.participant(group)
    enrollment = factories.enrollment(
        group, phase, status=Enrollment.Status.SUBMITTED, submitted_at=timezone.now()
    )
    with django_capture_on_commit_callbacks(execute=True):
        enrollment_decide(by=organizer, enrollment=enrollment, decision="waitlisted", reason="Full")
    (note,) = Notification.objects.all()
    assert note.recipient == coordinator and note.url == reverse("group_detail", args=[group.pk])
    assert note.mailed_at is not None  # camp's own decision mail told them
    with translation.override("en"):
        assert note.text == f"{group.name}, phase {phase.number}: Waitlisted."


@pytest.mark.django_db
def test_a_plan_change_tells_youth_coordinators_and_teachers_once_until_read(
    published, youth, coordinator, teacher, organizer, django_capture_on_commit_callbacks
):
    item = published.items.get()
    with django_capture_on_commit_callbacks(execute=True):
        plan_item_update(item=item, by=organizer, duration_minutes=50)
    with django_capture_on_commit_callbacks(execute=True):
        plan_item_update(item=item, by=organizer, duration_minutes=55)
    url = reverse("courses:plan_detail", args=[published.pk])
    rows = Notification.objects.filter(kind="plan_changed")
    assert sorted(rows.values_list("recipient_id", flat=True)) == sorted(
        [youth.pk, coordinator.pk, teacher.pk]
    )
    assert {row.url for row in rows} == {url}
    assert not rows.filter(recipient=organizer).exists()  # who changed it is not told
    # The coordinator got courses' own change mail; the teacher's news waits for the digest.
    assert rows.get(recipient=coordinator).mailed_at is not None
    assert rows.get(recipient=teacher).mailed_at is None


@pytest.mark.django_db
def test_class_starting_is_told_once_per_class_in_each_readers_language(
    published, youth, coordinator, teacher
):
    youth.preferred_language = "th"
    youth.save(update_fields=["preferred_language"])
    call_command("send_due_notifications", stdout=open("/dev/null", "w"))
    call_command("send_due_notifications", stdout=open("/dev/null", "w"))
    rows = Notification.objects.filter(kind="class_starting")
    assert rows.count() == 3
    note = rows.get(recipient=youth)
    assert note.url == reverse("home")
    with translation.override("th"):
        assert "ศิลปะการชงชา" in note.text
    with translation.override("en"):
        assert rows.get(recipient=teacher).text == "Tea starts in 10 minutes."
    assert rows.get(recipient=teacher).url == reverse("courses:teacher_schedule")


@pytest.mark.django_db
def test_no_reminder_for_a_draft_plan_or_a_class_later_than_10_minutes(group, phase, teacher, youth):
    lesson = factories.lesson("书法")
    soon = timezone.now() + datetime.timedelta(minutes=5)
    factories.plan(group, phase, [(lesson, soon, teacher)], status=Plan.Status.DRAFT)
    other_phase = factories.phase(group.camp, number=3)
    later = timezone.now() + datetime.timedelta(minutes=25)
    factories.plan(group, other_phase, [(lesson, later, teacher)], status=Plan.Status.PUBLISHED)
    call_command("send_due_notifications", stdout=open("/dev/null", "w"))
    assert not Notification.objects.exists()
    assert not mail.outbox
