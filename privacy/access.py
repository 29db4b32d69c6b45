"""Who may use a youth's data rights: the organizers of the youth's camp, nobody else."""

from django.core.exceptions import PermissionDenied
from django.http import Http404

from camp.access import camps_for_user, visible_groups
from camp.models import Participant


def can_use_data_rights(user, participant: Participant) -> bool:
    """An organizer of the participant's camp (co-organizers included)."""
    return bool(
        user.is_authenticated
        and user.is_organizer
        and camps_for_user(user).filter(pk=participant.group.camp_id).exists()
    )


def get_participant_for_data_rights(user, pk) -> Participant:
    """The roster row, for an organizer of its camp; PermissionDenied for those who may see the
    youth's group but not export or erase (its coordinators, teachers, the youth), 404 for the rest
    (another camp's organizer included: they may not know the youth exists)."""
    try:
        participant = Participant.objects.select_related("group", "group__camp", "user").get(pk=pk)
    except (Participant.DoesNotExist, ValueError, TypeError, OverflowError):
        raise Http404 from None
    if can_use_data_rights(user, participant):
        return participant
    if not user.is_organizer and visible_groups(user).filter(pk=participant.group_id).exists():
        raise PermissionDenied
    raise Http404
