"""Writing notifications, reading them, and the adults' digest mail.

`notify()` is the one way other apps tell somebody something (camp's and courses' events through
notifications.signals, activities directly). It stores rows only; the text is rendered when read.
"""

import datetime
from collections.abc import Iterable

from django.conf import settings
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import ngettext

from camp.mail import mail_send, site_url
from camp.models import User
from notifications.kinds import KINDS
from notifications.models import Notification

# At most one digest per person per hour: it gathers whatever arrived since the last one.
DIGEST_INTERVAL = datetime.timedelta(hours=1)
# An unread notification older than this is not mailed any more (a digest is news, not an archive).
DIGEST_MAX_AGE = datetime.timedelta(days=3)
PARAM_TYPES = (str, int, float, bool, type(None))


def _check_url(url: str) -> str:
    # A path on this site only: the "open" view redirects to it, so a full URL would be an open redirect.
    if (
        not isinstance(url, str)
        or not url.startswith("/")
        or url.startswith("//")
        or "\\" in url
        or len(url) > 500
    ):
        raise ValueError(f"notify: url must be a path on this site, got {url!r}")
    return url


def _check_params(params: dict | None) -> dict:
    params = dict(params or {})
    for name, value in params.items():
        if not isinstance(name, str) or not isinstance(value, PARAM_TYPES):
            raise ValueError(f"notify: param {name!r} must be a plain value")
    return params


def notify(
    recipients: Iterable, kind: str, *, url: str, params: dict | None = None, key: str = ""
) -> list[Notification]:
    """Store one notification per recipient (a User); the text is rendered in each reader's language.

    `kind` is a key of notifications.kinds.KINDS, `url` a path on this site (`reverse()`,
    `get_absolute_url()`), `params` the %(name)s values of the kind's sentence. With `key`, a
    recipient gets the notification once however often it is sent (idempotent callers, cron).
    Inactive accounts and duplicates in `recipients` are skipped. Returns the rows created.
    """
    if kind not in KINDS:
        raise ValueError(f"notify: unknown kind {kind!r}")
    url = _check_url(url)
    params = _check_params(params)
    if len(key) > 120:
        raise ValueError("notify: key longer than 120 characters")
    people = {person.pk: person for person in recipients if person is not None and person.is_active}
    if not people:
        return []
    rows = [Notification(recipient_id=pk, kind=kind, url=url, params=params, key=key) for pk in people]
    if key:
        # ignore_conflicts: a second run of the same key (cron, a retried signal) adds nothing.
        Notification.objects.bulk_create(rows, ignore_conflicts=True)
        return list(Notification.objects.filter(recipient_id__in=people, key=key))
    return Notification.objects.bulk_create(rows)


def notify_on_commit(
    recipients: Iterable, kind: str, *, url: str, params: dict | None = None, key: str = ""
) -> None:
    """`notify()` once the surrounding transaction commits (nobody hears of a rolled-back change)."""
    recipients = list(recipients)
    transaction.on_commit(lambda: notify(recipients, kind, url=url, params=params, key=key))


def unread_count(user) -> int:
    if not getattr(user, "is_authenticated", False):
        return 0
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


@transaction.atomic
def notification_read(*, by: User, notification: Notification) -> Notification:
    """Mark one of the reader's own notifications read (callers fetch it through notifications.access)."""
    if notification.recipient_id != by.pk:
        raise PermissionError("not the recipient")
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
    return notification


@transaction.atomic
def notifications_read_all(*, by: User, up_to: int | None = None) -> int:
    """Mark the reader's unread notifications read (those up to the id `up_to` when given); returns how many."""
    unread = Notification.objects.filter(recipient=by, read_at__isnull=True)
    if up_to is not None:
        unread = unread.filter(pk__lte=up_to)
    return unread.update(read_at=timezone.now())


def _digest_people(now):
    """Adults with an address and something unread and unmailed, whose last digest is an hour old."""
    pending = (
        Notification.objects.filter(
            read_at__isnull=True,
            mailed_at__isnull=True,
            kind__in=[kind for kind, entry in KINDS.items() if entry.mailed],
            created_at__gte=now - DIGEST_MAX_AGE,
            recipient__is_active=True,
        )
        .exclude(recipient__role=User.Role.YOUTH)
        .exclude(recipient__email="")
    )
    last_mailed = dict(
        Notification.objects.filter(mailed_at__isnull=False)
        .values("recipient_id")
        .annotate(last=Max("mailed_at"))
        .values_list("recipient_id", "last")
    )
    for recipient_id in pending.values_list("recipient_id", flat=True).distinct():
        last = last_mailed.get(recipient_id)
        if last is None or now - last >= DIGEST_INTERVAL:
            yield recipient_id, pending.filter(recipient_id=recipient_id)


def digests_send(*, now=None) -> int:
    """Send the due digests (youth get none); returns how many mails went out. Safe to run every minute."""
    now = now or timezone.now()
    sent = 0
    for recipient_id, pending in list(_digest_people(now)):
        with transaction.atomic():
            person = User.objects.select_for_update().get(pk=recipient_id)
            # Re-read under the lock: two overlapping cron runs must not both mail the same rows.
            items = list(pending.select_for_update().order_by("created_at", "pk"))
            if not items:
                continue
            Notification.objects.filter(pk__in=[item.pk for item in items]).update(mailed_at=now)
            count = len(items)
            transaction.on_commit(
                lambda person=person, items=items, count=count: _mail_digest(person, items, count)
            )
            sent += 1
    return sent


def _mail_digest(person, items, count) -> None:
    mail_send(
        [person],
        subject=lambda: (
            ngettext("%(count)d new notification", "%(count)d new notifications", count) % {"count": count}
        ),
        template="notifications/mail/digest.txt",
        context={"items": items, "list_url": site_url("notifications:list"), "site_url": settings.SITE_URL},
    )


def class_reminders_send(*, now=None) -> int:
    """Tell everybody in a group whose live class starts within 10 minutes; idempotent (one per class)."""
    from notifications.triggers import class_starting_notify

    return class_starting_notify(now=now or timezone.now())
