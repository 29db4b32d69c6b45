"""Adults get at most one mail an hour gathering what they have not read; youth get none."""

import datetime

import pytest
from django.core import mail
from django.utils import timezone

from notifications.models import Digest, Notification
from notifications.services import DIGEST_GATHER, digests_send, notify


def later(minutes: int) -> datetime.datetime:
    return timezone.now() + datetime.timedelta(minutes=minutes)


@pytest.mark.django_db
def test_one_digest_in_the_teachers_language_gathering_the_burst(teacher, group):
    teacher.preferred_language = "en"
    teacher.save(update_fields=["preferred_language"])
    for _ in range(3):
        notify([teacher], "plan_changed", url="/plans/1/", params={"group": group.name})
    assert digests_send(now=later(1)) == 0  # still gathering
    assert digests_send(now=later(DIGEST_GATHER.seconds // 60 + 1)) == 1
    (message,) = mail.outbox
    assert message.to == [teacher.email]
    assert message.subject.endswith("3 new notifications")
    assert f"The plan of {group.name} changed." in message.body and "/plans/1/" in message.body
    assert Notification.objects.filter(mailed_at__isnull=True).count() == 0
    # Nothing new: nothing sent; something new within the hour: it waits for the hour to pass.
    assert digests_send(now=later(20)) == 0
    notify([teacher], "plan_changed", url="/plans/2/", params={"group": group.name})
    assert digests_send(now=later(40)) == 0
    assert digests_send(now=later(75)) == 1
    assert len(mail.outbox) == 2 and Digest.objects.filter(recipient=teacher).count() == 2


@pytest.mark.django_db
def test_no_mail_for_youth_for_what_was_read_or_for_class_reminders(youth, teacher, coordinator, group):
    youth.email = "youth@example.org"
    youth.save(update_fields=["email"])
    notify([youth], "homework_returned", url="/my/", params={"title": "Brush"})
    (read,) = notify([coordinator], "plan_changed", url="/p/", params={"group": group.name})
    read.read_at = timezone.now()
    read.save(update_fields=["read_at"])
    notify([teacher], "class_starting", url="/t/", params={"lesson": "Tea"})
    assert digests_send(now=later(30)) == 0
    assert not mail.outbox


@pytest.mark.django_db
def test_an_adult_without_an_address_gets_no_mail_and_nothing_breaks(make_user, group):
    from camp.models import User

    nobody = make_user(User.Role.TEACHER, "noaddress@example.org")
    nobody.email = ""
    nobody.save(update_fields=["email"])
    notify([nobody], "plan_changed", url="/p/", params={"group": group.name})
    assert digests_send(now=later(30)) == 0
    assert not mail.outbox


@pytest.mark.django_db
def test_a_failing_reminder_source_does_not_keep_the_digests_back(teacher, group):
    from notifications.services import reminders_send
    from notifications.signals import reminders_due

    def broken(sender, now, **kwargs):
        raise RuntimeError("a broken app")

    reminders_due.connect(broken, dispatch_uid="test_broken")
    try:
        assert reminders_send(now=later(0)) == 0
    finally:
        reminders_due.disconnect(dispatch_uid="test_broken")
    notify([teacher], "plan_changed", url="/p/", params={"group": group.name})
    assert digests_send(now=later(30)) == 1
