"""Reads for the home pages and the navigation."""

import datetime

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

NAVIGATION = {
    "teacher": [("activities:review_queue", _("Homework")), ("activities:showcase", _("Showcase"))],
    "organizer": [("activities:review_queue", _("Homework")), ("activities:showcase", _("Showcase"))],
    "coordinator": [("activities:showcase", _("Showcase"))],
    "youth": [
        ("activities:checkin", _("Check-in")),
        ("activities:homework_list", _("Homework")),
        ("activities:study", _("My progress")),
        ("activities:showcase", _("Showcase")),
    ],
}


def home_context(user) -> dict:
    """What this app shows on the user's home page ("My camp" for a youth)."""
    from activities.access import moderated_groups
    from activities.models import CheckIn, ShowcasePiece, Submission
    from activities.services.homework import review_queue
    from camp.access import participant_for_youth
    from courses.models import PlanItem

    if not user.is_authenticated:
        return {}
    if user.is_youth:
        participant = participant_for_youth(user)
        if participant is None:
            return {}
        from activities.access import assignments_for_youth
        from activities.services.checkins import participant_streak, prompt_for
        from activities.services.progress import progress_for
        from activities.services.uploads import local_day
        from activities.templatetags.activities_study import remember_study_state

        today = local_day(participant)
        study = progress_for(participant)
        # The day view's "Mark done" / quiz links (templatetags/activities_study.py) read it again.
        remember_study_state(user, participant, study)
        open_homework = assignments_for_youth(participant).exclude(
            submissions__participant=participant,
            submissions__state__in=[Submission.State.ACCEPTED, *Submission.WAITING],
        )
        return {
            "activities_checked_in": CheckIn.objects.filter(participant=participant, day=today).exists(),
            "activities_prompt": prompt_for(participant.group, today),
            "activities_streak": participant_streak(participant),
            "activities_open_homework": open_homework.select_related("plan_item__lesson").order_by("due_at")[
                :5
            ],
            "activities_returned": Submission.objects.filter(
                participant=participant, state=Submission.State.RETURNED
            ).count(),
            "activities_progress": study,
        }
    if user.is_teacher or user.is_organizer:
        now = timezone.now()
        groups = moderated_groups(user)
        items = PlanItem.objects.filter(
            plan__group__in=groups,
            starts_at__gte=now - datetime.timedelta(days=3),
            starts_at__lte=now + datetime.timedelta(days=7),
        )
        if user.is_teacher:
            items = items.filter(teacher=user)
        return {
            "activities_queue_count": review_queue(user).count(),
            "activities_pending_pieces": ShowcasePiece.objects.filter(
                participant__group__in=groups, state=ShowcasePiece.State.PENDING
            ).count(),
            "activities_items": _around_now(items, now),
        }
    return {}


def _around_now(items, now) -> list:
    """The five classes before now and the five after, in time order: homework is given around today."""
    items = items.select_related("lesson", "lesson__quiz", "plan__group", "assignment")
    before = list(items.filter(starts_at__lte=now).order_by("-starts_at")[:5])
    after = list(items.filter(starts_at__gt=now).order_by("starts_at")[:5])
    return [*reversed(before), *after]


def closing_showcase(session) -> list:
    """The closing ceremony's showcase: the approved pieces of every group of the phase whose
    guardian allows showing them camp-wide ("showcase_camp"), newest first; three queries."""
    from activities.models import ShowcasePiece
    from camp.services.consent import consent_allowed_ids
    from live.access import ceremony_groups

    if not getattr(session, "is_ceremony", False) or session.kind != "closing":
        return []
    pieces = list(
        ShowcasePiece.objects.filter(
            state=ShowcasePiece.State.APPROVED, participant__group__in=ceremony_groups(session)
        )
        .select_related("participant__group", "upload")
        .distinct()
    )
    allowed = (
        consent_allowed_ids({piece.participant_id for piece in pieces}, "showcase_camp") if pieces else set()
    )
    return [piece for piece in pieces if piece.participant_id in allowed]
