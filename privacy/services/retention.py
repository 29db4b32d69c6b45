"""Retention: a camp's personal data is erased QIAOCAMP_RETENTION_MONTHS after its last day."""

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from camp.models import Camp, Participant, RosterImport
from privacy.models import Erasure
from privacy.services.data import _erase, add_months


@dataclass
class ExpiredCamp:
    camp: Camp
    last_day: datetime.date
    erase_after: datetime.date
    youth: int  # roster rows still holding personal data
    roster_files: int  # roster files read and kept (their rows are personal data)


def _expiry(camp: Camp, last_day, today, months) -> tuple[bool, datetime.date | None]:
    if last_day is None:
        return False, None
    erase_after = add_months(last_day, months)
    # "Today" on the camp's own clock: the camp's days are days in its home zone.
    day = today or timezone.localdate(timezone=camp.zone)
    return day > erase_after, erase_after


def expired_camps(*, today: datetime.date | None = None, months: int | None = None) -> list[ExpiredCamp]:
    """Camps whose last phase ended more than `months` months ago and that still hold personal data."""
    months = settings.QIAOCAMP_RETENTION_MONTHS if months is None else months
    found = []
    for camp in Camp.objects.annotate(last_day=Max("phases__ends_on")).order_by("pk"):
        expired, erase_after = _expiry(camp, camp.last_day, today, months)
        if not expired:
            continue
        youth = Participant.objects.filter(group__camp=camp, erasure__isnull=True).count()
        roster_files = RosterImport.objects.filter(group__camp=camp).count()
        if youth or roster_files:
            found.append(ExpiredCamp(camp, camp.last_day, erase_after, youth, roster_files))
    return found


@transaction.atomic
def camp_personal_data_purge(
    *, camp: Camp, today: datetime.date | None = None, months: int | None = None
) -> int:
    """Erase every youth of an expired camp and its roster files, all or nothing; the number erased.

    Nobody asks for it: the retention rule is the caller, so the rule is checked here, under the
    camp's lock (a camp given a new phase since it was listed is left alone)."""
    months = settings.QIAOCAMP_RETENTION_MONTHS if months is None else months
    camp = Camp.objects.select_for_update().get(pk=camp.pk)
    expired, _erase_after = _expiry(camp, camp.phases.aggregate(last=Max("ends_on"))["last"], today, months)
    if not expired:
        return 0
    erased = 0
    for participant in Participant.objects.filter(group__camp=camp, erasure__isnull=True).order_by("pk"):
        _erase(participant, erased_by=None, reason=Erasure.Reason.RETENTION)
        erased += 1
    RosterImport.objects.filter(group__camp=camp).delete()
    return erased
