"""The showcase: a youth's work waits for a teacher; approved work is shown as consent allows."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from activities.access import require_moderator, require_youth
from activities.models import ShowcasePiece
from activities.services.uploads import upload_discard, upload_store
from camp.errors import DomainError
from camp.models import Participant
from notifications.services import notify_on_commit


@transaction.atomic
def piece_submit(*, by, participant: Participant, title: str, file) -> ShowcasePiece:
    """A youth sends a photo or video for the showcase: nobody but their teachers sees it yet."""
    require_youth(by, participant)
    title = " ".join((title or "").split())
    if not title:
        raise DomainError({"title": _("Give your work a title.")}, code="required")
    piece = ShowcasePiece(participant=participant, title=title)
    piece.full_clean(exclude=["upload"])
    upload = upload_store(participant=participant, file=file)
    try:
        piece.upload = upload
        piece.save()
    except Exception:
        upload_discard(upload)
        raise
    return piece


ACTIONS = {"approve": ShowcasePiece.State.APPROVED, "hide": ShowcasePiece.State.HIDDEN}


@transaction.atomic
def piece_moderate(*, by, piece: ShowcasePiece, action: str) -> ShowcasePiece:
    """A teacher of the group approves a piece or hides it again."""
    require_moderator(by, piece.participant.group)
    if action not in ACTIONS:
        raise DomainError(_("Choose: show or hide."), code="action")
    piece = ShowcasePiece.objects.select_for_update().get(pk=piece.pk)
    was_approved = piece.state == ShowcasePiece.State.APPROVED
    piece.state, piece.decided_by, piece.decided_at = ACTIONS[action], by, timezone.now()
    piece.full_clean()
    piece.save()
    youth = piece.participant.user
    if action == "approve" and not was_approved and youth is not None:
        from django.urls import reverse

        notify_on_commit(
            [youth],
            "work_approved",
            url=reverse("activities:showcase"),
            params={"title": piece.title},
            key=f"work_approved:{piece.pk}",
        )
    return piece
