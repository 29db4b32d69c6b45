"""Ceremonies: the phase's opening (开营) and closing (闭营), one live room for every group approved
for the phase. The organizers of the phase's camp make, move and cancel them; the organizers host
(moderators, as in every room of their camp), teachers named as co-hosts moderate beside them.

A ceremony is a LiveSession with kind opening/closing, a phase and no group or plan item
(live_session_class_or_ceremony); its one time is UTC and every page shows it in the reader's zone.
"""

import datetime

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from camp.access import camps_for_user
from camp.errors import DomainError
from camp.models import Phase, User
from live.models import LiveSession
from live.services.sessions import _cancel, _reopen

MIN_MINUTES, MAX_MINUTES = 10, 240
# A ceremony is held during its phase; a day either side leaves room for a group far west or east
# whose local first/last day is the camp's day before or after.
SLACK = datetime.timedelta(days=1)


def can_manage_ceremonies(user, phase: Phase) -> bool:
    """An organizer (or co-organizer) of the phase's camp."""
    return bool(
        user.is_authenticated and user.is_organizer and camps_for_user(user).filter(pk=phase.camp_id).exists()
    )


def _require_organizer(by, phase: Phase) -> None:
    if not can_manage_ceremonies(by, phase):
        raise PermissionDenied


def _clean(phase: Phase, *, kind, title, starts_at, duration_minutes, co_hosts, exclude_pk=None) -> dict:
    errors = {}
    if kind not in LiveSession.CEREMONIES:
        errors["kind"] = _("Choose the opening or the closing ceremony.")
    elif (
        LiveSession.objects.filter(phase=phase, kind=kind)
        .exclude(state=LiveSession.State.CANCELLED)
        .exclude(pk=exclude_pk)
        .exists()
    ):
        errors["kind"] = _("This phase already has that ceremony: edit it instead.")
    title = (title or "").strip() if isinstance(title, str) else None
    if title is None or len(title) > 200:
        errors["title"] = _("At most 200 characters.")
    if not isinstance(starts_at, datetime.datetime) or timezone.is_naive(starts_at):
        errors["starts_at"] = _("Enter the date and time.")
    else:
        zone = phase.camp.zone
        first = datetime.datetime.combine(phase.starts_on, datetime.time.min, zone) - SLACK
        last = datetime.datetime.combine(phase.ends_on, datetime.time.max, zone) + SLACK
        if not first <= starts_at <= last:
            errors["starts_at"] = _("A ceremony is held during its phase (%(first)s to %(last)s).") % {
                "first": phase.starts_on,
                "last": phase.ends_on,
            }
    if (
        not isinstance(duration_minutes, int)
        or isinstance(duration_minutes, bool)
        or not MIN_MINUTES <= duration_minutes <= MAX_MINUTES
    ):
        errors["duration_minutes"] = _("A ceremony lasts %(min)s to %(max)s minutes.") % {
            "min": MIN_MINUTES,
            "max": MAX_MINUTES,
        }
    co_hosts = list(co_hosts or [])
    if any(not isinstance(u, User) or not u.is_teacher or not u.is_active for u in co_hosts):
        errors["co_hosts"] = _("Co-hosts are teachers.")
    if errors:
        raise DomainError(errors)
    return {"title": title, "co_hosts": co_hosts}


@transaction.atomic
def ceremony_create(
    *, by, phase: Phase, kind: str, starts_at, duration_minutes: int, title: str = "", co_hosts=()
) -> LiveSession:
    """A ceremony of the phase (one opening, one closing), hosted by the camp's organizers."""
    _require_organizer(by, phase)
    Phase.objects.select_for_update().filter(pk=phase.pk).first()  # one opening even when two submit at once
    cleaned = _clean(
        phase,
        kind=kind,
        title=title,
        starts_at=starts_at,
        duration_minutes=duration_minutes,
        co_hosts=co_hosts,
    )
    session = LiveSession(
        kind=kind,
        phase=phase,
        group=None,
        title=cleaned["title"],
        teacher=None,
        starts_at=starts_at,
        duration_minutes=duration_minutes,
    )
    session.full_clean()
    session.save()
    session.co_hosts.set(cleaned["co_hosts"])
    return session


@transaction.atomic
def ceremony_update(
    *, by, session: LiveSession, starts_at, duration_minutes: int, title: str = "", co_hosts=(), now=None
) -> LiveSession:
    """Move, rename or re-staff a ceremony that is not over; a cancelled one is scheduled again."""
    session = (
        LiveSession.objects.select_for_update(of=("self",)).select_related("phase__camp").get(pk=session.pk)
    )
    if not session.is_ceremony:
        raise PermissionDenied
    _require_organizer(by, session.phase)
    if session.state == LiveSession.State.ENDED:
        raise DomainError(_("This ceremony is over."), code="ended")
    cleaned = _clean(
        session.phase,
        kind=session.kind,
        title=title,
        starts_at=starts_at,
        duration_minutes=duration_minutes,
        co_hosts=co_hosts,
        exclude_pk=session.pk,
    )
    session.title = cleaned["title"]
    session.starts_at = starts_at
    session.duration_minutes = duration_minutes
    now = now or timezone.now()
    if session.state == LiveSession.State.OPEN and now < starts_at - datetime.timedelta(
        minutes=session.opens_minutes_before
    ):
        session.state = LiveSession.State.SCHEDULED
    session.full_clean()
    session.save()
    session.co_hosts.set(cleaned["co_hosts"])
    if session.is_cancelled:
        _reopen(session, now=now)
    return session


@transaction.atomic
def ceremony_cancel(*, by, session: LiveSession, now=None) -> LiveSession:
    """Cancel a ceremony (it keeps its chat and attendance; its youth are told and their sockets close)."""
    session = (
        LiveSession.objects.select_for_update(of=("self",)).select_related("phase__camp").get(pk=session.pk)
    )
    if not session.is_ceremony:
        raise PermissionDenied
    _require_organizer(by, session.phase)
    if session.state == LiveSession.State.ENDED:
        raise DomainError(_("This ceremony is over."), code="ended")
    _cancel(session, now=now)
    return session
