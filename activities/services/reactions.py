"""Reactions to the showcase: a youth answers another youth's approved work with one of a fixed set
of emoji (no comments, nothing free to write), one per piece, changed or taken back; a moderator
turns them off for a piece. Counts are for everybody who sees the piece, names for moderators."""

from collections import Counter

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from activities.access import can_view_piece, require_moderator, require_youth
from activities.models import Reaction, ShowcasePiece
from camp.errors import DomainError
from camp.models import Participant


def _check(by, participant: Participant, piece: ShowcasePiece) -> ShowcasePiece:
    require_youth(by, participant)
    if not can_view_piece(by, piece):
        raise PermissionDenied
    piece = ShowcasePiece.objects.select_for_update().get(pk=piece.pk)
    if piece.participant_id == participant.pk:
        raise DomainError(_("You cannot react to your own work."), code="own_piece")
    if piece.state != ShowcasePiece.State.APPROVED:
        raise DomainError(_("Only work a teacher has shown can get reactions."), code="not_approved")
    if not piece.reactions_on:
        raise DomainError(_("A teacher has turned reactions off for this work."), code="reactions_off")
    return piece


@transaction.atomic
def reaction_set(*, by, participant: Participant, piece: ShowcasePiece, emoji: str) -> Reaction:
    """The youth's reaction to the piece: new, or changed to `emoji`."""
    if emoji not in Reaction.Emoji.values:
        raise DomainError(_("Choose one of the reactions shown."), code="emoji")
    piece = _check(by, participant, piece)
    reaction, _created = Reaction.objects.update_or_create(
        piece=piece, participant=participant, defaults={"emoji": emoji}
    )
    return reaction


@transaction.atomic
def reaction_remove(*, by, participant: Participant, piece: ShowcasePiece) -> None:
    """The youth takes their reaction back (nothing to take back is no error)."""
    piece = _check(by, participant, piece)
    Reaction.objects.filter(piece=piece, participant=participant).delete()


@transaction.atomic
def piece_reactions_switch(*, by, piece: ShowcasePiece, on: bool) -> ShowcasePiece:
    """A moderator of the piece's group turns its reactions on or off (the reactions stay stored)."""
    require_moderator(by, piece.participant.group)
    piece = ShowcasePiece.objects.select_for_update().get(pk=piece.pk)
    piece.reactions_on = on
    piece.save(update_fields=["reactions_on"])
    return piece


def reactions_for(pieces, *, viewer_participant: Participant | None, moderated: set[int]) -> dict[int, dict]:
    """Per piece id: `counts` [(emoji value, label, count)] in the fixed order, `mine` (the viewer's
    emoji value or None) and, for the pieces of moderated groups, `names` of who reacted. One query."""
    ids = [piece.pk for piece in pieces]
    rows = Reaction.objects.filter(piece__in=ids).select_related("participant").order_by("updated_at", "pk")
    counts: dict[int, Counter] = {pk: Counter() for pk in ids}
    mine: dict[int, str] = {}
    names: dict[int, list[tuple[str, str]]] = {pk: [] for pk in ids}
    for reaction in rows:
        counts[reaction.piece_id][reaction.emoji] += 1
        if viewer_participant is not None and reaction.participant_id == viewer_participant.pk:
            mine[reaction.piece_id] = reaction.emoji
        names[reaction.piece_id].append((reaction.participant.display_name, reaction.get_emoji_display()))
    result = {}
    for piece in pieces:
        result[piece.pk] = {
            "counts": [(value, label, counts[piece.pk][value]) for value, label in Reaction.Emoji.choices],
            "total": sum(counts[piece.pk].values()),
            "mine": mine.get(piece.pk),
            "names": names[piece.pk] if piece.participant.group_id in moderated else [],
        }
    return result
