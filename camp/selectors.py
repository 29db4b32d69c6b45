"""Reads for the camp app's pages and the home pages."""

from django.db.models import Count, Prefetch, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from camp.access import camps_for_user, coordinators_to_confirm, participant_for_youth, visible_groups
from camp.models import Enrollment, Group, Invitation, User, not_erased

# Pages this app adds to the navigation, per role: {"coordinator": [("url-name", _("Label"))]}.
NAVIGATION: dict = {
    "coordinator": [("group_list", _("My groups"))],
    "organizer": [("camp_list", _("Camps")), ("enrollment_review", _("Enrollments")), ("group_list", _("Groups"))],
}


def organizer_camps(user) -> list[dict]:
    """The camps an organizer runs, newest first, each with its phases' places (taken, free, offered)."""
    from camp.services.enrollment import phases_with_places

    camps = camps_for_user(user).select_related("organizer").prefetch_related("co_organizers", "phases")
    return [{"camp": camp, "phases": phases_with_places(camp)} for camp in camps.order_by("-year", "title")]


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
        .annotate(roster_size=Count("participants", filter=not_erased("participants__"), distinct=True),
                  consent_missing=Count("participants", filter=Q(participants__consent_given=False)
                                        & not_erased("participants__"), distinct=True))
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

        return {"camp_review_count": review_queue(user).count(), "camp_camps": organizer_camps(user)}
    return {}


def people_context(user) -> dict:
    """What an organizer's People page lists: the adults of the camps they run (their organizers,
    the coordinators of their groups), every teacher (teachers plan across camps), coordinators who
    have no group yet, and whoever they or their camps' organizers invited; the invitations those
    organizers sent; the coordinators waiting whom they may confirm (camp.access.coordinators_to_confirm)."""
    camps = camps_for_user(user)
    organizers = User.objects.filter(
        Q(pk=user.pk) | Q(organized_camps__in=camps) | Q(co_organized_camps__in=camps), role=User.Role.ORGANIZER
    ).values("pk")
    invitations = Invitation.objects.filter(invited_by__in=organizers)
    adults = (
        User.objects.filter(is_active=True).exclude(role=User.Role.YOUTH)
        .filter(Q(pk__in=organizers) | Q(role=User.Role.TEACHER)
                | Q(role=User.Role.COORDINATOR, coordinated_groups__camp__in=camps)
                | Q(role=User.Role.COORDINATOR, is_confirmed=True, coordinated_groups__isnull=True)
                | Q(pk__in=invitations.filter(accepted_user__isnull=False).values("accepted_user")))
        .distinct()
        .prefetch_related(Prefetch("coordinated_groups", queryset=Group.objects.filter(camp__in=camps),
                                   to_attr="camp_groups"))
        .order_by("role", "display_name", "email")
    )
    return {
        "pending": coordinators_to_confirm(user).order_by("date_joined"),
        "invitations": invitations.select_related("invited_by")[:50],
        "staff": adults,
    }
