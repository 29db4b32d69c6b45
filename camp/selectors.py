"""Reads for the camp app's pages and the home pages."""

from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from camp.access import participant_for_youth, visible_groups
from camp.models import Enrollment

# Pages this app adds to the navigation, per role: {"coordinator": [("url-name", _("Label"))]}.
NAVIGATION: dict = {
    "coordinator": [("group_list", _("My groups"))],
    "organizer": [("enrollment_review", _("Enrollments")), ("group_list", _("Groups"))],
}


def my_camp_context(user) -> dict:
    """A youth's group, the phase they take part in (the running one, else the next, else the
    last) and its enrollment; empty values when the youth is on no roster."""
    participant = participant_for_youth(user)
    if participant is None:
        return {"participant": None, "group": None, "phase": None, "enrollment": None}
    today = timezone.localdate(timezone=participant.group.zone)
    enrollments = list(
        Enrollment.objects.filter(group=participant.group, status=Enrollment.Status.APPROVED)
        .select_related("phase", "phase__camp").order_by("phase__starts_on")
    )
    enrollment = (
        next((e for e in enrollments if e.phase.starts_on <= today <= e.phase.ends_on), None)
        or next((e for e in enrollments if e.phase.starts_on > today), None)
        or (enrollments[-1] if enrollments else None)
    )
    phase = enrollment.phase if enrollment else None
    state, day, days = None, None, None
    if phase:
        days = (phase.ends_on - phase.starts_on).days + 1
        if today < phase.starts_on:
            state, day = "ahead", (phase.starts_on - today).days
        elif today > phase.ends_on:
            state = "finished"
        else:
            state, day = "running", (today - phase.starts_on).days + 1
    return {
        "participant": participant,
        "group": participant.group,
        "phase": phase,
        "enrollment": enrollment,
        "camp": phase.camp if phase else participant.group.camp,
        "phase_state": state,
        "phase_day": day,
        "phase_days": days,
        "local_today": today,
    }


def coordinator_groups(user):
    return (
        visible_groups(user).select_related("camp")
        .annotate(roster_size=Count("participants", distinct=True),
                  consent_missing=Count("participants", filter=Q(participants__consent_given=False), distinct=True))
        .prefetch_related("enrollments__phase")
    )


def home_context(user) -> dict:
    """What this app shows on the user's home page."""
    if not user.is_authenticated:
        return {}
    if user.is_youth:
        return my_camp_context(user)
    if user.is_coordinator:
        return {"camp_groups": list(coordinator_groups(user))}
    if user.is_organizer:
        from camp.services.enrollment import review_queue

        return {"camp_review_count": review_queue(user).count()}
    return {}
