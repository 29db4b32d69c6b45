"""Writing notifications, reading them, and the adults' digest mail.

`notify()` is the one way other apps tell somebody something (camp's and courses' events through
notifications.signals, activities directly). It stores rows only; the text is rendered when read.
"""

import datetime
import logging
from collections.abc import Iterable

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import ngettext

from camp.mail import mail_send, site_url
from camp.models import User
from notifications.kinds import KINDS
from notifications.models import Digest, Notification

logger = logging.getLogger(__name__)

# At most one digest per person per hour: it gathers whatever arrived since the last one.
DIGEST_INTERVAL = datetime.timedelta(hours=1)
# A digest waits this long after the first news it carries, so that a burst (a teacher moving five
# lessons) arrives as one mail.
DIGEST_GATHER = datetime.timedelta(minutes=10)
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
        texts = value.values() if isinstance(value, dict) else [value]
        plain = all(isinstance(text, PARAM_TYPES) for text in texts)
        if isinstance(value, dict):
            plain = plain and all(isinstance(code, str) for code in value)
        if not isinstance(name, str) or not plain:
            raise ValueError(f"notify: param {name!r} must be a plain value or a {{language: text}} dict")
    return params


def _check(kind: str, url: str, params: dict | None, key: str) -> tuple[str, dict]:
    if kind not in KINDS:
        raise ValueError(f"notify: unknown kind {kind!r}")
    if not isinstance(key, str) or len(key) > 120:
        raise ValueError("notify: the key is a text of at most 120 characters")
    return _check_url(url), _check_params(params)


def notify(
    recipients: Iterable, kind: str, *, url: str, params: dict | None = None, key: str = ""
) -> list[Notification]:
    """Store one notification per recipient (a User); the text is rendered in each reader's language.

    `kind` is a key of notifications.kinds.KINDS, `url` a path on this site (`reverse()`,
    `get_absolute_url()`), `params` the %(name)s values of the kind's sentence. With `key`, a
    recipient gets the notification once however often it is sent (idempotent callers, cron).
    Inactive accounts and duplicates in `recipients` are skipped. Returns the rows created.
    """
    url, params = _check(kind, url, params, key)
    people = {person.pk: person for person in recipients if person is not None and person.is_active}
    if not people:
        return []
    if not key:
        return Notification.objects.bulk_create(
            [Notification(recipient_id=pk, kind=kind, url=url, params=params) for pk in people]
        )
    keyed = Notification.objects.filter(key=key)
    before = set(keyed.filter(recipient_id__in=people).values_list("pk", flat=True))
    rows = [Notification(recipient_id=pk, kind=kind, url=url, params=params, key=key) for pk in people]
    # ignore_conflicts: a second (or overlapping) run of the same key adds nothing; such rows get no
    # pk back, so the new ones are read again.
    Notification.objects.bulk_create(rows, ignore_conflicts=True)
    return list(keyed.filter(recipient_id__in=people).exclude(pk__in=before))


def notifications_mark_mailed(rows) -> int:
    """Rows whose news the recipient was already mailed by the app it comes from: no digest repeats them."""
    return Notification.objects.filter(pk__in=[row.pk for row in rows]).update(mailed_at=timezone.now())


def notify_on_commit(
    recipients: Iterable, kind: str, *, url: str, params: dict | None = None, key: str = ""
) -> None:
    """`notify()` once the surrounding transaction commits (nobody hears of a rolled-back change)."""
    # Checked now, inside the caller's transaction: a wrong call fails there, not after the commit.
    url, params = _check(kind, url, params, key)
    recipients = list(recipients)

    def store():
        # After the commit the caller's change stands: a failure here is logged, not a 500 page.
        try:
            notify(recipients, kind, url=url, params=params, key=key)
        except Exception:
            logger.exception("notifications: could not store %s notifications", kind)

    transaction.on_commit(store)


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
    """Adults with an address and something unread and unmailed for 10 minutes, and no digest in the last hour."""
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
    recently = Digest.objects.filter(sent_at__gt=now - DIGEST_INTERVAL).values("recipient_id")
    due = pending.exclude(recipient_id__in=recently).filter(created_at__lte=now - DIGEST_GATHER)
    for recipient_id in due.values_list("recipient_id", flat=True).distinct():
        yield recipient_id, pending.filter(recipient_id=recipient_id)


def digests_send(*, now=None) -> int:
    """Send the due digests (youth get none); returns how many mails went out. Safe to run every minute."""
    now = now or timezone.now()
    sent = 0
    for recipient_id, pending in list(_digest_people(now)):
        with transaction.atomic():
            person = User.objects.select_for_update().get(pk=recipient_id)
            if Digest.objects.filter(recipient=person, sent_at__gt=now - DIGEST_INTERVAL).exists():
                continue  # another run mailed this person meanwhile
            # Re-read under the lock: two overlapping cron runs must not both mail the same rows.
            items = list(pending.select_for_update(of=("self",)).order_by("created_at", "pk"))
            if not items:
                continue
            Notification.objects.filter(pk__in=[item.pk for item in items]).update(mailed_at=now)
            count = len(items)
            Digest.objects.create(recipient=person, sent_at=now, count=count)
        # Mailed once the rows say so (the block above committed): a crash after this point loses a
        # mail, never sends one twice; cron is the top-level caller, not inside a transaction.
        try:
            _mail_digest(person, items, count)
        except Exception:  # one refused address must not keep the others' digests back
            logger.exception("notifications: the digest to user %s failed", recipient_id)
            continue
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


def reminders_send(*, now=None) -> int:
    """Ask the apps above for what is due by `now` (notifications.signals.reminders_due); returns
    how many notifications they stored. Each receiver passes `key=`, so a repeated run adds none."""
    from notifications.signals import reminders_due

    now = now or timezone.now()
    stored = 0
    # send_robust: one app's failing reminders must not keep the others' (or the digests) from going out.
    for receiver, result in reminders_due.send_robust(sender=Notification, now=now):
        if isinstance(result, Exception):
            logger.error("notifications: reminders of %r failed", receiver, exc_info=result)
        else:
            stored += result or 0
    return stored
