"""The child's camp life on the guardian's page (camp's "guardian" place, templates/activities/_guardian.html):
their approved showcase work and what the teachers wrote on their homework, this child only."""

from dataclasses import dataclass

from django import template

from activities.models import HandIn, ShowcasePiece

register = template.Library()

# A page for a phone on a slow line: the newest few, not the whole camp's history.
PIECES_SHOWN = 12
COMMENTS_SHOWN = 10


@dataclass
class GuardianCampLife:
    pieces: list  # approved ShowcasePiece, newest first (their files behind the guardian's link)
    comments: list  # reviewed HandIn with a comment, newest first


@register.simple_tag
def guardian_camp_life(participant) -> GuardianCampLife:
    """Approved pieces and the teachers' comments (returned or accepted rounds) of this youth: 2 queries."""
    pieces = list(
        ShowcasePiece.objects.filter(participant=participant, state=ShowcasePiece.State.APPROVED)
        .select_related("upload")
        .order_by("-decided_at", "-pk")[:PIECES_SHOWN]
    )
    comments = list(
        HandIn.objects.filter(submission__participant=participant, reviewed_at__isnull=False)
        .exclude(outcome="")
        .exclude(comment="")
        .select_related("submission__assignment__plan_item__lesson", "reviewed_by")
        .order_by("-reviewed_at", "-pk")[:COMMENTS_SHOWN]
    )
    return GuardianCampLife(pieces, comments)
