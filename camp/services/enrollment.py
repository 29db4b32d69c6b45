"""Enrollment: a group applies for a phase, an organizer decides, places are counted in youth.

Statuses: draft → submitted → approved / waitlisted / rejected; waitlisted → approved / rejected;
any open enrollment → withdrawn (by its coordinator). When places free up in a phase (an
approved group withdraws or shrinks) the waitlist is walked in order of submission and every
group that now fits is *offered* the place (offered_place_at, offer_expires_at): its coordinators
are e-mailed and accept (or decline) on the group page until the deadline, and an organizer may
approve it in the review queue. An organizer may also offer a waitlisted group a place in another
phase of the camp that has room (a new enrollment for that phase, accepted the same way). Nobody
joins a camp without a person saying yes (docs/enrollment.md).
"""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from camp.access import camps_for_user, can_manage_group
from camp.errors import DomainError
from camp.mail import mail_send, site_url
from camp.models import Camp, Enrollment, Group, Participant, Phase, User, not_erased

Status = Enrollment.Status
# How long a waitlisted group's coordinators have to accept a place offered to them.
OFFER_VALID_FOR = datetime.timedelta(days=5)


# --- Reads the services (and pages) share ------------------------------------------------------

def phase_places_taken(phase: Phase) -> int:
    """Youth on the rosters of the phase's approved groups."""
    return Participant.objects.on_roster().filter(
        group__enrollments__phase=phase, group__enrollments__status=Status.APPROVED
    ).count()


def phase_places_free(phase: Phase) -> int:
    return max(phase.capacity - phase_places_taken(phase), 0)


def phase_places_offered(phase: Phase) -> int:
    """Youth of the waitlisted groups a place in the phase is offered to (held for them)."""
    return Participant.objects.on_roster().filter(
        group__enrollments__phase=phase, group__enrollments__status=Status.WAITLISTED,
        group__enrollments__offered_place_at__isnull=False,
    ).count()


def camp_today(camp: Camp) -> datetime.date:
    """Today in the camp's home zone: the day its phase dates and enrollment windows are read in."""
    return timezone.localdate(timezone=camp.zone)


def group_roster_phase(group: Group) -> Phase | None:
    """The phase a group's roster is checked against: its latest open enrollment's."""
    enrollment = (
        group.enrollments.filter(status__in=Enrollment.OPEN_STATUSES).select_related("phase")
        .order_by("-created_at", "-pk").first()
    )
    return enrollment.phase if enrollment else None


def approved_enrollments(group: Group):
    return group.enrollments.filter(status=Status.APPROVED).select_related("phase")


def phases_open_for_enrollment(camp, today=None):
    today = today or camp_today(camp)
    return camp.phases.filter(enrollment_opens__lte=today, enrollment_closes__gte=today)


def roster_ages_outside(group: Group, phase: Phase) -> int:
    """How many youth of the roster are outside the phase's ages (age reached in the phase's year)."""
    year = phase.starts_on.year
    return group.participants.on_roster().filter(
        Q(birth_year__gt=year - phase.min_age) | Q(birth_year__lt=year - phase.max_age)
    ).count()


def capacity_check(*, phase: Phase, extra: int) -> None:
    """Refuse `extra` more youth in the phase when they do not fit. Call with the phase row locked."""
    taken = phase_places_taken(phase)
    if taken + extra > phase.capacity:
        raise ValidationError(
            _("Phase %(number)s has %(capacity)s places and %(taken)s are taken: %(extra)s more youth do not "
              "fit (%(free)s places left).")
            % {"number": phase.number, "capacity": phase.capacity, "taken": taken, "extra": extra,
               "free": max(phase.capacity - taken, 0)}
        )


def lock_phase(phase: Phase) -> Phase:
    # Approvals and roster growth in one phase go one at a time, so two organizers (or an
    # organizer and an import) can never both take the last places.
    return Phase.objects.select_for_update().get(pk=phase.pk)


# --- Coordinator ---------------------------------------------------------------------------------

def _require_manager(by: User, group: Group) -> None:
    if not can_manage_group(by, group):
        raise PermissionDenied


def _check_window(phase: Phase) -> None:
    today = camp_today(phase.camp)
    if not (phase.enrollment_opens <= today <= phase.enrollment_closes):
        raise ValidationError(
            _("Enrollment for phase %(number)s is open from %(opens)s to %(closes)s.")
            % {"number": phase.number, "opens": phase.enrollment_opens, "closes": phase.enrollment_closes}
        )


@transaction.atomic
def enrollment_create(*, by: User, group: Group, phase: Phase, submit: bool = False) -> Enrollment:
    """Apply for a phase: a draft, or submitted at once."""
    _require_manager(by, group)
    if phase.camp_id != group.camp_id:
        raise ValidationError({"phase": _("This phase belongs to another camp.")})
    _check_window(phase)
    enrollment = Enrollment.objects.select_for_update().filter(group=group, phase=phase).first()
    if enrollment is not None and enrollment.status != Status.WITHDRAWN:
        raise ValidationError({"phase": _("This group has already applied for phase %(number)s.")
                               % {"number": phase.number}})
    if enrollment is None:
        enrollment = Enrollment(group=group, phase=phase)
    # Coming back after a withdrawal starts a new application from scratch.
    enrollment.status = Status.DRAFT
    enrollment.created_by = by
    enrollment.submitted_at = enrollment.decided_at = enrollment.decided_by = None
    enrollment.withdrawn_at = enrollment.withdrawn_by = enrollment.offered_place_at = None
    enrollment.offer_expires_at = enrollment.offer_from = None
    enrollment.reason = ""
    enrollment.full_clean()
    enrollment.save()
    if submit:
        enrollment_submit(by=by, enrollment=enrollment)
    return enrollment


@transaction.atomic
def enrollment_submit(*, by: User, enrollment: Enrollment) -> Enrollment:
    """Send a draft to the organizers."""
    enrollment = Enrollment.objects.select_for_update(of=("self",)).select_related("group", "phase", "phase__camp").get(
        pk=enrollment.pk
    )
    _require_manager(by, enrollment.group)
    if enrollment.status != Status.DRAFT:
        raise ValidationError(_("Only a draft can be submitted."))
    _check_window(enrollment.phase)
    size = enrollment.group.participants.on_roster().count()
    if size == 0:
        raise ValidationError(_("Add your youth to the roster before you apply."))
    outside = roster_ages_outside(enrollment.group, enrollment.phase)
    if outside:
        raise ValidationError(
            _("%(count)s youth on the roster are outside the ages of phase %(number)s (%(min)s–%(max)s).")
            % {"count": outside, "number": enrollment.phase.number, "min": enrollment.phase.min_age,
               "max": enrollment.phase.max_age}
        )
    enrollment.status = Status.SUBMITTED
    enrollment.submitted_at = timezone.now()
    enrollment.full_clean()
    enrollment.save(update_fields=["status", "submitted_at"])
    transaction.on_commit(lambda: _mail_organizers_submitted(enrollment))
    return enrollment


@transaction.atomic
def enrollment_withdraw(*, by: User, enrollment: Enrollment) -> Enrollment:
    """The coordinator withdraws, whatever the status; an approved group's places go to the waitlist."""
    enrollment = Enrollment.objects.select_for_update(of=("self",)).select_related("group", "phase").get(pk=enrollment.pk)
    _require_manager(by, enrollment.group)
    if not enrollment.is_open:
        raise ValidationError(_("This application is already closed."))
    was_approved = enrollment.status == Status.APPROVED
    _close(enrollment, by)
    waitlist_offers_refresh(phase=enrollment.phase)
    if was_approved:
        _end_access_unless_approved(enrollment.group)
        transaction.on_commit(lambda: _mail_organizers_withdrawn(enrollment))
    return enrollment


def _end_access_unless_approved(group: Group) -> None:
    """Access follows the enrollment: a group with no approved phase left has no youth signed in."""
    from camp.services.join import group_is_approved, group_youth_access_end

    if not group_is_approved(group):
        group_youth_access_end(group=group)


# --- Organizer ----------------------------------------------------------------------------------

def review_queue(user: User):
    """Enrollments waiting for a decision in the organizer's camps, with roster sizes."""
    return (
        Enrollment.objects.filter(phase__camp__in=camps_for_user(user), status__in=Enrollment.DECIDABLE_STATUSES)
        .select_related("group", "phase", "phase__camp", "offer_from__phase")
        .prefetch_related("group__coordinators")
        .annotate(roster_size=Count("group__participants", filter=not_erased("group__participants__"), distinct=True),
                  consent_missing=Count("group__participants", filter=Q(group__participants__consent_given=False)
                                        & not_erased("group__participants__"), distinct=True))
        .order_by("phase__starts_on", "phase__number", "status", "submitted_at", "pk")
    )


DECISIONS = (Status.APPROVED, Status.WAITLISTED, Status.REJECTED)


@transaction.atomic
def enrollment_decide(*, by: User, enrollment: Enrollment, decision: str, reason: str = "") -> Enrollment:
    """Approve, waitlist or reject; approving respects the phase's capacity and makes youth accounts."""
    from camp.services.join import youth_accounts_issue

    enrollment = Enrollment.objects.select_for_update(of=("self",)).select_related("group", "phase", "phase__camp").get(
        pk=enrollment.pk
    )
    if not camps_for_user(by).filter(pk=enrollment.phase.camp_id).exists():
        raise PermissionDenied
    reason = (reason or "").strip()
    if decision not in DECISIONS:
        raise ValidationError({"decision": _("Choose approve, waitlist or reject.")})
    if enrollment.status not in Enrollment.DECIDABLE_STATUSES or enrollment.status == decision:
        raise ValidationError(
            _("This application is %(status)s and cannot be %(decision)s.")
            % {"status": enrollment.get_status_display(), "decision": Status(decision).label}
        )
    if decision != Status.APPROVED and not reason:
        raise ValidationError({"reason": _("Say why: the coordinator will read it.")})
    if decision == Status.APPROVED:
        phase = lock_phase(enrollment.phase)
        size = enrollment.group.participants.on_roster().count()
        if size == 0:
            raise ValidationError(_("The group has nobody on its roster."))
        capacity_check(phase=phase, extra=size)
    held_a_place = enrollment.offered_place_at is not None
    enrollment.status = decision
    enrollment.decided_by = by
    enrollment.decided_at = timezone.now()
    enrollment.reason = reason
    enrollment.offered_place_at = enrollment.offer_expires_at = None
    enrollment.full_clean()
    enrollment.save(update_fields=["status", "decided_by", "decided_at", "reason", "offered_place_at",
                                   "offer_expires_at"])
    if decision == Status.APPROVED:
        youth_accounts_issue(group=enrollment.group, issued_by=by)
        _close_other_offers(enrollment, by)
    else:
        _end_access_unless_approved(enrollment.group)
    # Refusing a group a place was offered to frees that place for the next in line; any other
    # decision frees nothing, and a group just waitlisted for another reason is not offered one.
    waitlist_offers_refresh(phase=enrollment.phase, offer_new=held_a_place and decision != Status.APPROVED)
    transaction.on_commit(lambda: _mail_coordinators_decision(enrollment))
    return enrollment


def _close(enrollment: Enrollment, by: User) -> None:
    """Withdraw an open enrollment (the row is locked by the caller), offer and all."""
    enrollment.status = Status.WITHDRAWN
    enrollment.withdrawn_at = timezone.now()
    enrollment.withdrawn_by = by
    enrollment.offered_place_at = enrollment.offer_expires_at = None
    enrollment.save(update_fields=["status", "withdrawn_at", "withdrawn_by", "offered_place_at", "offer_expires_at"])


def _close_other_offers(enrollment: Enrollment, by: User) -> None:
    """A group approved in a phase leaves the waitlist it was moved from, and drops the places
    other phases offered it instead of this one: it takes one place, not two."""
    linked = Enrollment.objects.select_for_update().filter(status=Status.WAITLISTED).filter(
        Q(offer_from=enrollment) | Q(pk=enrollment.offer_from_id)
    ).select_related("phase")
    for other in linked:
        had_offer = other.offered_place_at is not None
        _close(other, by)
        if had_offer:
            waitlist_offers_refresh(phase=other.phase)


# --- A place offered to a waitlisted group -------------------------------------------------------

def offer_is_expired(enrollment: Enrollment, now=None) -> bool:
    return enrollment.offer_expires_at is not None and (now or timezone.now()) > enrollment.offer_expires_at


def _offered(enrollment: Enrollment) -> None:
    if enrollment.status != Status.WAITLISTED or enrollment.offered_place_at is None:
        raise DomainError(
            _("No place in phase %(number)s is offered to %(group)s (any more): the group is %(status)s.")
            % {"number": enrollment.phase.number, "group": enrollment.group.name,
               "status": enrollment.get_status_display()},
            code="no_offer",
        )


def enrollment_offer_accept(*, by: User, enrollment: Enrollment) -> Enrollment:
    """The coordinator takes the place offered: the capacity is checked again under the phase's
    lock, the group is approved and its youth get their accounts, as an organizer's approval does.
    If the place went meanwhile (another group or a grown roster took it), nothing is approved,
    the offer is withdrawn and the group stays on the waitlist."""
    try:
        return _offer_accept(by=by, enrollment=enrollment)
    except DomainError as refused:
        if refused.code == "offer_gone":
            waitlist_offers_refresh(phase=enrollment.phase, offer_new=False)
        raise


@transaction.atomic
def _offer_accept(*, by: User, enrollment: Enrollment) -> Enrollment:
    from camp.services.join import youth_accounts_issue

    enrollment = Enrollment.objects.select_for_update(of=("self",)).select_related("group", "phase", "phase__camp").get(
        pk=enrollment.pk
    )
    _require_manager(by, enrollment.group)
    _offered(enrollment)
    if offer_is_expired(enrollment):
        raise DomainError(
            _("The offer of a place in phase %(number)s ended on %(date)s. Write to the organizers: they can "
              "still approve the group.")
            % {"number": enrollment.phase.number,
               "date": date_format(timezone.localtime(enrollment.offer_expires_at), "SHORT_DATETIME_FORMAT")},
            code="offer_expired",
        )
    phase = lock_phase(enrollment.phase)
    size = enrollment.group.participants.on_roster().count()
    if size == 0:
        raise DomainError(_("The group has nobody on its roster."), code="empty_roster")
    taken = phase_places_taken(phase)
    if taken + size > phase.capacity:
        raise DomainError(
            _("The place in phase %(number)s went meanwhile: %(free)s places are left and the group has %(size)s "
              "youth. It stays on the waitlist.")
            % {"number": phase.number, "free": max(phase.capacity - taken, 0), "size": size},
            code="offer_gone",
        )
    outside = roster_ages_outside(enrollment.group, phase)
    if outside:
        raise DomainError(
            _("%(count)s youth on the roster are outside the ages of phase %(number)s (%(min)s–%(max)s).")
            % {"count": outside, "number": phase.number, "min": phase.min_age, "max": phase.max_age},
            code="ages",
        )
    enrollment.status = Status.APPROVED
    enrollment.decided_by = by
    enrollment.decided_at = timezone.now()
    enrollment.reason = ""
    enrollment.offered_place_at = enrollment.offer_expires_at = None
    enrollment.full_clean()
    enrollment.save(update_fields=["status", "decided_by", "decided_at", "reason", "offered_place_at",
                                   "offer_expires_at"])
    youth_accounts_issue(group=enrollment.group, issued_by=by)
    _close_other_offers(enrollment, by)
    waitlist_offers_refresh(phase=phase, offer_new=False)
    transaction.on_commit(lambda: _mail_organizers_offer_answer(enrollment, accepted=True))
    return enrollment


@transaction.atomic
def enrollment_offer_decline(*, by: User, enrollment: Enrollment) -> Enrollment:
    """The coordinator says no to the place offered: this application is withdrawn and the place
    goes to the next group in line. Declining another phase's offer keeps the group on the
    waitlist it was moved from."""
    enrollment = Enrollment.objects.select_for_update(of=("self",)).select_related("group", "phase", "phase__camp").get(
        pk=enrollment.pk
    )
    _require_manager(by, enrollment.group)
    _offered(enrollment)
    _close(enrollment, by)
    waitlist_offers_refresh(phase=enrollment.phase)
    transaction.on_commit(lambda: _mail_organizers_offer_answer(enrollment, accepted=False))
    return enrollment


def phase_room_for_offers(phase: Phase) -> int:
    """Places neither taken nor already offered to another group."""
    return max(phase.capacity - phase_places_taken(phase) - phase_places_offered(phase), 0)


@transaction.atomic
def enrollment_offer_phase(*, by: User, enrollment: Enrollment, phase: Phase) -> Enrollment:
    """An organizer offers a group waitlisted for one phase a place in another phase of the same
    camp that has room for the whole roster. The offer is a new (waitlisted, offered) enrollment
    for that phase, which the coordinators accept or decline like any offered place; accepting it
    withdraws the group from the waitlist it came from."""
    enrollment = Enrollment.objects.select_for_update(of=("self",)).select_related("group", "phase", "phase__camp").get(
        pk=enrollment.pk
    )
    if not camps_for_user(by).filter(pk=enrollment.phase.camp_id).exists():
        raise PermissionDenied
    if enrollment.status != Status.WAITLISTED:
        raise DomainError(
            _("Only a waitlisted group can be offered another phase; this application is %(status)s.")
            % {"status": enrollment.get_status_display()}, code="not_waitlisted")
    if phase.camp_id != enrollment.phase.camp_id:
        raise DomainError({"phase": _("This phase belongs to another camp.")}, code="other_camp")
    if phase.pk == enrollment.phase_id:
        raise DomainError({"phase": _("The group is already waitlisted for phase %(number)s.")
                           % {"number": phase.number}}, code="same_phase")
    group = enrollment.group
    phase = lock_phase(phase)
    size = group.participants.on_roster().count()
    if size == 0:
        raise DomainError(_("The group has nobody on its roster."), code="empty_roster")
    room = phase_room_for_offers(phase)
    if size > room:
        raise DomainError(
            {"phase": _("Phase %(number)s has room for %(room)s more youth (places free and not offered to "
                        "another group); the group has %(size)s.")
             % {"number": phase.number, "room": room, "size": size}}, code="full")
    outside = roster_ages_outside(group, phase)
    if outside:
        raise DomainError(
            {"phase": _("%(count)s youth on the roster are outside the ages of phase %(number)s (%(min)s–%(max)s).")
             % {"count": outside, "number": phase.number, "min": phase.min_age, "max": phase.max_age}},
            code="ages")
    offer = Enrollment.objects.select_for_update().filter(group=group, phase=phase).first()
    if offer is not None and offer.is_open:
        raise DomainError(
            {"phase": _("The group already has an application for phase %(number)s: %(status)s.")
             % {"number": phase.number, "status": offer.get_status_display()}}, code="already_applied")
    if offer is None:
        offer = Enrollment(group=group, phase=phase)
    now = timezone.now()
    offer.status = Status.WAITLISTED
    offer.created_by = offer.decided_by = by
    offer.submitted_at = offer.decided_at = offer.offered_place_at = now
    offer.offer_expires_at = now + OFFER_VALID_FOR
    offer.offer_from = enrollment
    offer.withdrawn_at = offer.withdrawn_by = None
    offer.reason = ""
    offer.full_clean()
    offer.save()
    transaction.on_commit(lambda: _mail_coordinators_offer(offer))
    return offer


@transaction.atomic
def waitlist_offers_refresh(*, phase: Phase, offer_new: bool = True) -> list[Enrollment]:
    """Flag, in order of submission, each waitlisted group that fits in the free places; unflag the
    ones that no longer fit. Returns the newly flagged ones (their organizers are told).

    offer_new=False only unflags: after a decision nothing was freed, and a group an organizer
    has just waitlisted for another reason than room must not be offered a place at once."""
    phase = lock_phase(phase)
    free = phase.capacity - phase_places_taken(phase)
    waitlist = (
        phase.enrollments.filter(status=Status.WAITLISTED)
        .select_related("group", "phase", "phase__camp")
        .annotate(roster_size=Count("group__participants"))
        .order_by("submitted_at", "pk")
    )
    now, offered, changed = timezone.now(), [], []
    for enrollment in waitlist:
        fits = 0 < enrollment.roster_size <= free
        if fits and (offer_new or enrollment.offered_place_at is not None):
            free -= enrollment.roster_size
            if enrollment.offered_place_at is None:
                enrollment.offered_place_at = now
                enrollment.offer_expires_at = now + OFFER_VALID_FOR
                offered.append(enrollment)
                changed.append(enrollment)
        elif enrollment.offered_place_at is not None and not fits:
            enrollment.offered_place_at = enrollment.offer_expires_at = None
            changed.append(enrollment)
    if changed:
        Enrollment.objects.bulk_update(changed, ["offered_place_at", "offer_expires_at"])
    if offered:
        def tell():
            for enrollment in offered:
                _mail_coordinators_offer(enrollment)
                _mail_organizers_offer(enrollment)
        transaction.on_commit(tell)
    return offered


def places_freed(*, group: Group) -> None:
    """After a roster shrinks: the group's approved phases may have room for the waitlist."""
    for enrollment in approved_enrollments(group):
        waitlist_offers_refresh(phase=enrollment.phase)


# --- Mail (after commit: nobody is told about a decision that was rolled back) ----------------

def _organizers(camp):
    return [camp.organizer, *camp.co_organizers.all()]


def _mail_coordinators_decision(enrollment: Enrollment) -> None:
    enrollment.refresh_from_db()
    mail_send(
        enrollment.group.coordinators.all(),
        subject=lambda: _("%(group)s, phase %(number)s: %(status)s")
        % {"group": enrollment.group.name, "number": enrollment.phase.number,
           "status": enrollment.get_status_display()},
        template="camp/email/enrollment_decision.txt",
        context={"enrollment": enrollment, "group_url": site_url("group_detail", enrollment.group.pk)},
    )


def _mail_organizers_submitted(enrollment: Enrollment) -> None:
    mail_send(
        _organizers(enrollment.phase.camp),
        subject=lambda: _("New application: %(group)s for phase %(number)s")
        % {"group": enrollment.group.name, "number": enrollment.phase.number},
        template="camp/email/enrollment_submitted.txt",
        context={"enrollment": enrollment, "review_url": site_url("enrollment_review")},
    )


def _mail_organizers_withdrawn(enrollment: Enrollment) -> None:
    mail_send(
        _organizers(enrollment.phase.camp),
        subject=lambda: _("%(group)s withdrew from phase %(number)s")
        % {"group": enrollment.group.name, "number": enrollment.phase.number},
        template="camp/email/enrollment_withdrawn.txt",
        context={"enrollment": enrollment, "review_url": site_url("enrollment_review")},
    )


def _mail_organizers_offer(enrollment: Enrollment) -> None:
    mail_send(
        _organizers(enrollment.phase.camp),
        subject=lambda: _("A place is free for %(group)s in phase %(number)s")
        % {"group": enrollment.group.name, "number": enrollment.phase.number},
        template="camp/email/enrollment_offer.txt",
        context={"enrollment": enrollment, "review_url": site_url("enrollment_review")},
    )


def _mail_coordinators_offer(enrollment: Enrollment) -> None:
    enrollment = Enrollment.objects.select_related("group", "phase", "phase__camp", "offer_from__phase").get(
        pk=enrollment.pk)
    mail_send(
        enrollment.group.coordinators.all(),
        subject=lambda: _("%(group)s: a place is free in phase %(number)s, accept it on the group page")
        % {"group": enrollment.group.name, "number": enrollment.phase.number},
        template="camp/email/enrollment_offer_coordinator.txt",
        context={"enrollment": enrollment, "group_url": site_url("group_detail", enrollment.group_id)},
    )


def _mail_organizers_offer_answer(enrollment: Enrollment, *, accepted: bool) -> None:
    mail_send(
        _organizers(enrollment.phase.camp),
        subject=lambda: (_("%(group)s accepted the place in phase %(number)s") if accepted
                         else _("%(group)s declined the place in phase %(number)s"))
        % {"group": enrollment.group.name, "number": enrollment.phase.number},
        template="camp/email/enrollment_offer_answer.txt",
        context={"enrollment": enrollment, "accepted": accepted, "review_url": site_url("enrollment_review")},
    )


def phase_summary(phase: Phase) -> dict:
    taken, offered = phase_places_taken(phase), phase_places_offered(phase)
    return {"phase": phase, "taken": taken, "free": max(phase.capacity - taken, 0), "offered": offered,
            "room": max(phase.capacity - taken - offered, 0)}


def phases_with_places(camp) -> list[dict]:
    """Each phase of a camp with places taken, free, offered to waitlisted groups, and the room left
    for another offer (two queries per phase are fine: a camp has few)."""
    return [phase_summary(phase) for phase in camp.phases.all()]


def offer_phase_choices(enrollment: Enrollment, rows: list[dict]) -> list[dict]:
    """The other phases of a waitlisted group's camp with room for its whole roster (`rows` from
    phases_with_places, `enrollment` annotated with roster_size as in review_queue)."""
    if enrollment.status != Status.WAITLISTED:
        return []
    return [row for row in rows if row["phase"].pk != enrollment.phase_id and row["room"] >= enrollment.roster_size > 0]

