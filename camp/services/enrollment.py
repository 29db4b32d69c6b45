"""Enrollment: a group applies for a phase, an organizer decides, places are counted in youth.

Statuses: draft → submitted → approved / waitlisted / rejected; waitlisted → approved / rejected;
any open enrollment → withdrawn (by its coordinator). When places free up in a phase (an
approved group withdraws or shrinks) the waitlist is walked in order of submission and every
group that now fits is *flagged* (offered_place_at) for one-click approval by an organizer:
a person, not the machine, decides who joins a camp (docs/enrollment.md).
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from camp.access import camps_for_user, can_manage_group
from camp.mail import mail_send, site_url
from camp.models import Enrollment, Group, Participant, Phase, User

Status = Enrollment.Status


# --- Reads the services (and pages) share ------------------------------------------------------

def phase_places_taken(phase: Phase) -> int:
    """Youth on the rosters of the phase's approved groups."""
    return Participant.objects.filter(
        group__enrollments__phase=phase, group__enrollments__status=Status.APPROVED
    ).count()


def phase_places_free(phase: Phase) -> int:
    return max(phase.capacity - phase_places_taken(phase), 0)


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
    today = today or timezone.localdate()
    return camp.phases.filter(enrollment_opens__lte=today, enrollment_closes__gte=today)


def roster_ages_outside(group: Group, phase: Phase) -> int:
    """How many youth of the roster are outside the phase's ages (age reached in the phase's year)."""
    year = phase.starts_on.year
    return group.participants.filter(
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
    today = timezone.localdate()
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
    size = enrollment.group.participants.count()
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
    enrollment.status = Status.WITHDRAWN
    enrollment.withdrawn_at = timezone.now()
    enrollment.withdrawn_by = by
    enrollment.offered_place_at = None
    enrollment.save(update_fields=["status", "withdrawn_at", "withdrawn_by", "offered_place_at"])
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
        .select_related("group", "phase", "phase__camp")
        .prefetch_related("group__coordinators")
        .annotate(roster_size=Count("group__participants", distinct=True),
                  consent_missing=Count("group__participants", filter=Q(group__participants__consent_given=False),
                                        distinct=True))
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
        size = enrollment.group.participants.count()
        if size == 0:
            raise ValidationError(_("The group has nobody on its roster."))
        capacity_check(phase=phase, extra=size)
    enrollment.status = decision
    enrollment.decided_by = by
    enrollment.decided_at = timezone.now()
    enrollment.reason = reason
    enrollment.offered_place_at = None
    enrollment.full_clean()
    enrollment.save(update_fields=["status", "decided_by", "decided_at", "reason", "offered_place_at"])
    if decision == Status.APPROVED:
        youth_accounts_issue(group=enrollment.group, issued_by=by)
    else:
        _end_access_unless_approved(enrollment.group)
    waitlist_offers_refresh(phase=enrollment.phase, offer_new=False)
    transaction.on_commit(lambda: _mail_coordinators_decision(enrollment))
    return enrollment


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
                offered.append(enrollment)
                changed.append(enrollment)
        elif enrollment.offered_place_at is not None and not fits:
            enrollment.offered_place_at = None
            changed.append(enrollment)
    if changed:
        Enrollment.objects.bulk_update(changed, ["offered_place_at"])
    if offered:
        transaction.on_commit(lambda: [_mail_organizers_offer(e) for e in offered])
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


def phase_summary(phase: Phase) -> dict:
    taken = phase_places_taken(phase)
    return {"phase": phase, "taken": taken, "free": max(phase.capacity - taken, 0)}


def phases_with_places(camp) -> list[dict]:
    """Each phase of a camp with places taken and free (one query per phase is fine: a camp has few)."""
    return [phase_summary(phase) for phase in camp.phases.all()]

