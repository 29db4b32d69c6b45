"""Who may see what, for camps, groups and participants. Views and consumers call the same helpers.

A helper returns the object, raises Http404 when the user may not know it exists, and
PermissionDenied when they may see it but not do what they asked.
"""

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404

from camp.models import Camp, Group, Participant, User


def camps_for_user(user) -> QuerySet[Camp]:
    """Camps an organizer runs (alone or with others)."""
    if not (user.is_authenticated and user.is_organizer):
        return Camp.objects.none()
    return Camp.objects.filter(Q(organizer=user) | Q(co_organizers=user)).distinct()


def get_camp_for_user(user, pk) -> Camp:
    """A camp the organizer runs (alone or with others), to change it or its phases; PermissionDenied
    for anybody who is not an organizer, 404 for an organizer of other camps."""
    if not (user.is_authenticated and user.is_organizer):
        raise PermissionDenied
    try:
        return camps_for_user(user).get(pk=pk)
    except (Camp.DoesNotExist, ValueError, TypeError, OverflowError):
        raise Http404 from None


def get_phase_for_user(user, pk):
    """A phase of a camp the organizer runs; as get_camp_for_user."""
    from camp.models import Phase

    if not (user.is_authenticated and user.is_organizer):
        raise PermissionDenied
    try:
        return Phase.objects.select_related("camp").get(pk=pk, camp__in=camps_for_user(user))
    except (Phase.DoesNotExist, ValueError, TypeError, OverflowError):
        raise Http404 from None


def coordinator_may_act(user) -> bool:
    """A coordinator an organizer has vouched for: the one test of `is_confirmed` every app uses.
    Anybody can sign up as a coordinator; until confirmed they see no group and change nothing."""
    return bool(user.is_authenticated and user.is_active and user.is_coordinator and user.is_confirmed)


def coordinators_to_confirm(organizer) -> QuerySet[User]:
    """The coordinators waiting for confirmation whom this organizer may confirm: those on a group
    of a camp they run, and those on no group yet (any organizer may vouch for a newcomer). A
    coordinator on another camp's groups only is that camp's organizers' to confirm."""
    if not (organizer.is_authenticated and organizer.is_organizer):
        return User.objects.none()
    return (
        User.objects.filter(role=User.Role.COORDINATOR, is_confirmed=False, is_active=True)
        .filter(Q(coordinated_groups__isnull=True) | Q(coordinated_groups__camp__in=camps_for_user(organizer)))
        .distinct()
    )


def get_coordinator_to_confirm(user, pk) -> User:
    """A coordinator `user` may confirm; PermissionDenied for anybody who is not an organizer, 404
    for a coordinator they may not confirm (another camp's, already confirmed, not a coordinator)."""
    if not (user.is_authenticated and user.is_organizer):
        raise PermissionDenied
    try:
        return coordinators_to_confirm(user).get(pk=pk)
    except (User.DoesNotExist, ValueError, TypeError, OverflowError):
        raise Http404 from None


def visible_groups(user) -> QuerySet[Group]:
    """Groups a user may know about: an organizer's camps, a coordinator's own groups,
    every group for teachers (they plan across groups), a youth's own group.

    A coordinator nobody has confirmed yet sees nothing: anybody can sign up as a coordinator,
    and being added to a group (or staying on one after the organizer un-confirms them) must not
    open its roster, reports, certificates, plans or feeds before an organizer vouches for them.
    Every page and export that lists or fetches groups goes through this helper."""
    if not user.is_authenticated:
        return Group.objects.none()
    if user.is_organizer:
        return Group.objects.filter(camp__in=camps_for_user(user))
    if user.is_teacher:
        return Group.objects.all()
    if user.is_coordinator:
        if not coordinator_may_act(user):
            return Group.objects.none()
        return Group.objects.filter(coordinators=user)
    if user.is_youth:
        return Group.objects.filter(participants__user=user)
    return Group.objects.none()


def get_group_for_user(user, pk, *, manage: bool = False) -> Group:
    """The group, or 404; with manage=True, PermissionDenied unless the user may change it
    (its coordinators and the camp's organizers)."""
    try:
        group = visible_groups(user).select_related("camp").get(pk=pk)
    except (Group.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    if manage and not can_manage_group(user, group):
        raise PermissionDenied
    return group


def can_manage_group(user, group: Group) -> bool:
    if user.is_organizer:
        return camps_for_user(user).filter(pk=group.camp_id).exists()
    if user.is_coordinator:
        return coordinator_may_act(user) and group.coordinators.filter(pk=user.pk).exists()
    return False


def participant_for_youth(user) -> Participant | None:
    """The roster row behind a youth account."""
    if not (user.is_authenticated and user.role == User.Role.YOUTH):
        return None
    return Participant.objects.select_related("group", "group__camp").filter(user=user).first()


def get_participant_for_user(user, group_pk, pk) -> tuple[Group, Participant]:
    """A roster row and its group, for the people who manage the group; 404 for anybody who
    cannot see the group, PermissionDenied for those who see it but do not manage it."""
    group = get_group_for_user(user, group_pk, manage=True)
    try:
        participant = group.participants.on_roster().select_related("user").get(pk=pk)
    except (Participant.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    return group, participant


def get_enrollment_for_user(user, pk, *, decide: bool = False):
    """An enrollment of a visible group; with decide=True only the camp's organizers may act on it."""
    from camp.models import Enrollment

    try:
        enrollment = Enrollment.objects.select_related("group", "phase", "phase__camp").get(
            pk=pk, group__in=visible_groups(user)
        )
    except (Enrollment.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    if decide:
        if not camps_for_user(user).filter(pk=enrollment.phase.camp_id).exists():
            raise PermissionDenied
    elif not can_manage_group(user, enrollment.group):
        raise PermissionDenied
    return enrollment


def get_roster_import_for_user(user, group_pk, pk):
    from camp.models import RosterImport

    group = get_group_for_user(user, group_pk, manage=True)
    try:
        return group, group.roster_imports.get(pk=pk)
    except (RosterImport.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
