"""Notifications' own signal for the apps above it, and the receivers of camp's events.

Camp is below notifications, so its events are heard here (post_save of an Enrollment). The apps
above (courses, live, activities) call `notify()` themselves; for what is due at a time rather than
on an event, they connect to `reminders_due`.
"""

from django.db import transaction
from django.db.models.signals import post_save
from django.dispatch import Signal, receiver
from django.urls import reverse

from camp.models import Enrollment

# Sent by `manage.py send_due_notifications` (cron, every minute) with `now`: a receiver notifies
# what is due by then (courses: a class starting within 10 minutes) and passes `key=` to notify(),
# so that overlapping or repeated runs tell nobody twice.
reminders_due = Signal()

DECIDED = (Enrollment.Status.APPROVED, Enrollment.Status.WAITLISTED, Enrollment.Status.REJECTED)


@receiver(post_save, sender=Enrollment, dispatch_uid="notifications_enrollment_decided")
def enrollment_decided(sender, instance, created, update_fields=None, **kwargs) -> None:
    """An enrollment decided (camp.services.enrollment saves decided_at with the status): its
    coordinators see it in the bell. Camp mails them the decision itself, so no digest repeats it."""
    if created or not update_fields or not {"status", "decided_at"} <= set(update_fields):
        return
    if instance.status not in DECIDED:
        return
    enrollment_pk = instance.pk
    transaction.on_commit(lambda: enrollment_decided_notify(enrollment_pk=enrollment_pk))


def enrollment_decided_notify(*, enrollment_pk: int) -> None:
    from notifications.services import notifications_mark_mailed, notify

    enrollment = Enrollment.objects.select_related("group", "phase").get(pk=enrollment_pk)
    # Who decided is not told (a coordinator accepting an offered place decides it themselves).
    coordinators = enrollment.group.coordinators.exclude(pk=enrollment.decided_by_id)
    rows = notify(
        coordinators,
        "enrollment_decided",
        url=reverse("group_detail", args=[enrollment.group_id]),
        params={
            "group": enrollment.group.name,
            "number": enrollment.phase.number,
            "status": enrollment.status,
        },
    )
    notifications_mark_mailed(rows)
