"""Who may see and change camp-life objects. A youth's work is seen by the youth and the group's
moderators (the teachers who teach the group's classes and the camp's organizers) until a moderator
approves it for the showcase; then by the group and the camp as the guardian's consent allows.

A fetching helper returns the object, raises Http404 when the user may not know it exists and
PermissionDenied when they may see it but not do what they asked (docs/architecture.md).
"""

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404

from activities.models import Assignment, ShowcasePiece, Submission, Upload
from camp.access import (
    camps_for_user,
    can_manage_group,
    coordinator_may_act,
    get_group_for_user,
    participant_for_youth,
    visible_groups,
)
from camp.models import Group, Participant
from camp.services.consent import consent_allowed_ids, consent_allows
from courses.models import Plan, PlanItem

_BAD_PK = (ValueError, TypeError, OverflowError)


def moderated_groups(user) -> QuerySet[Group]:
    """Groups whose youth's work this user reviews: a teacher's groups are those whose plans have a
    class they teach; an organizer's, every group of the camps they run."""
    if not user.is_authenticated:
        return Group.objects.none()
    if user.is_teacher:
        return Group.objects.filter(pk__in=PlanItem.objects.filter(teacher=user).values("plan__group"))
    if user.is_organizer:
        return Group.objects.filter(camp__in=camps_for_user(user))
    return Group.objects.none()


def can_moderate_group(user, group: Group) -> bool:
    return moderated_groups(user).filter(pk=group.pk).exists()


def require_moderator(user, group: Group) -> None:
    """Services call this before they write for a moderator."""
    if not can_moderate_group(user, group):
        raise PermissionDenied


def require_youth(user, participant: Participant) -> None:
    """Services call this before they write for a youth: only the youth themself."""
    if not (user.is_authenticated and user.is_youth and participant.user_id == user.pk):
        raise PermissionDenied


def youth_participant(user) -> Participant:
    """The roster row of the signed-in youth; PermissionDenied for anybody else."""
    participant = participant_for_youth(user)
    if participant is None:
        raise PermissionDenied
    return participant


def get_group_for_prompts(user, pk) -> Group:
    group = get_group_for_user(user, pk)
    if not can_moderate_group(user, group):
        raise PermissionDenied
    return group


def get_group_for_checkins(user, pk) -> Group:
    """Who checked in today: the group's coordinators and moderators (not its youth)."""
    group = get_group_for_user(user, pk)
    if not (can_manage_group(user, group) or can_moderate_group(user, group)):
        raise PermissionDenied
    return group


def get_item_for_assignment(user, pk) -> PlanItem:
    """A plan item to give homework to: 404 unless its group is visible, 403 unless a moderator of it."""
    try:
        item = PlanItem.objects.select_related("plan__group", "plan__phase", "lesson").get(
            pk=pk, plan__group__in=visible_groups(user)
        )
    except (PlanItem.DoesNotExist, *_BAD_PK):
        raise Http404 from None
    if not can_moderate_group(user, item.plan.group):
        raise PermissionDenied
    return item


def assignments_for_youth(participant: Participant) -> QuerySet[Assignment]:
    return Assignment.objects.filter(
        plan_item__plan__group=participant.group_id, plan_item__plan__status=Plan.Status.PUBLISHED
    )


def get_assignment_for_user(user, pk) -> Assignment:
    """Homework: its group's youth (published plans only) and moderators; 404 for everybody else."""
    try:
        assignment = Assignment.objects.select_related("plan_item__plan__group", "plan_item__lesson").get(
            pk=pk
        )
    except (Assignment.DoesNotExist, *_BAD_PK):
        raise Http404 from None
    group = assignment.plan_item.plan.group
    if user.is_authenticated and user.is_youth:
        participant = youth_participant(user)
        if assignments_for_youth(participant).filter(pk=assignment.pk).exists():
            return assignment
    elif can_moderate_group(user, group):
        return assignment
    raise Http404


def get_submission_for_review(user, pk) -> Submission:
    try:
        submission = Submission.objects.select_related(
            "assignment__plan_item__plan__group", "assignment__plan_item__lesson", "participant"
        ).get(pk=pk, participant__group__in=moderated_groups(user))
    except (Submission.DoesNotExist, *_BAD_PK):
        raise Http404 from None
    return submission


def _in_group(user, group: Group) -> bool:
    if user.is_youth:
        return Participant.objects.filter(user=user, group=group).exists()
    if user.is_coordinator:
        return coordinator_may_act(user) and group.coordinators.filter(pk=user.pk).exists()
    return False


def _in_camp(user, camp_id: int) -> bool:
    if user.is_youth:
        return Participant.objects.filter(user=user, group__camp_id=camp_id).exists()
    if user.is_coordinator:
        return coordinator_may_act(user) and Group.objects.filter(camp_id=camp_id, coordinators=user).exists()
    if user.is_teacher:
        return PlanItem.objects.filter(teacher=user, plan__group__camp_id=camp_id).exists()
    return False


def can_view_piece(user, piece: ShowcasePiece) -> bool:
    """The youth and the group's moderators always; others only an approved piece, and only as far
    as the guardian allows today (a withdrawn consent hides it at once)."""
    if not user.is_authenticated:
        return False
    participant = piece.participant
    if participant.user_id == user.pk or can_moderate_group(user, participant.group):
        return True
    if piece.state != ShowcasePiece.State.APPROVED:
        return False
    if consent_allows(participant, "showcase_camp") and _in_camp(user, participant.group.camp_id):
        return True
    return consent_allows(participant, "showcase_group") and _in_group(user, participant.group)


def _member_scope(user) -> tuple[set[int], set[int]]:
    """(group ids, camp ids) whose approved work this user may see as a member: a youth's group and
    camp, a confirmed coordinator's groups and their camps, a teacher's taught groups' camps."""
    if user.is_youth:
        groups = set(Group.objects.filter(participants__user=user).values_list("pk", flat=True))
    elif user.is_coordinator and coordinator_may_act(user):
        groups = set(Group.objects.filter(coordinators=user).values_list("pk", flat=True))
    elif user.is_teacher:
        taught = moderated_groups(user)
        return set(), set(Group.objects.filter(pk__in=taught).values_list("camp", flat=True))
    else:
        return set(), set()
    return groups, set(Group.objects.filter(pk__in=groups).values_list("camp", flat=True))


def showcase_for_user(user) -> list[ShowcasePiece]:
    """Every piece this user may see, newest first: the same rule as can_view_piece, in a fixed number
    of queries however many pieces and youth there are."""
    if not user.is_authenticated:
        return []
    moderated = set(moderated_groups(user).values_list("pk", flat=True))
    groups, camps = _member_scope(user)
    approved = Q(state=ShowcasePiece.State.APPROVED)
    candidates = list(
        ShowcasePiece.objects.filter(
            Q(participant__user=user)
            | Q(participant__group__in=moderated)
            | (approved & Q(participant__group__camp__in=camps))
        )
        .select_related("participant__group", "upload")
        .distinct()
    )
    others = {piece.participant_id for piece in candidates if piece.state == ShowcasePiece.State.APPROVED}
    camp_wide = consent_allowed_ids(others, "showcase_camp") if others else set()
    group_wide = consent_allowed_ids(others, "showcase_group") if others else set()
    shown = []
    for piece in candidates:
        participant = piece.participant
        if participant.user_id == user.pk or participant.group_id in moderated:
            shown.append(piece)
        elif piece.state == ShowcasePiece.State.APPROVED and (
            (participant.pk in camp_wide and participant.group.camp_id in camps)
            or (participant.pk in group_wide and participant.group_id in groups)
        ):
            shown.append(piece)
    return shown


def _visible_piece(user, pk) -> ShowcasePiece:
    """The piece, or 404 unless the user may see it."""
    try:
        piece = ShowcasePiece.objects.select_related("participant__group").get(pk=pk)
    except (ShowcasePiece.DoesNotExist, *_BAD_PK):
        raise Http404 from None
    if not can_view_piece(user, piece):
        raise Http404
    return piece


def get_piece_for_moderation(user, pk) -> ShowcasePiece:
    piece = _visible_piece(user, pk)
    if not can_moderate_group(user, piece.participant.group):
        raise PermissionDenied
    return piece


def get_piece_for_reaction(user, pk) -> tuple[Participant, ShowcasePiece]:
    """A piece a youth reacts to: 404 unless the user may see it, PermissionDenied for adults."""
    piece = _visible_piece(user, pk)
    return youth_participant(user), piece


def can_view_upload(user, upload: Upload) -> bool:
    if not user.is_authenticated:
        return False
    participant = upload.participant
    if participant.user_id == user.pk or can_moderate_group(user, participant.group):
        return True
    pieces = ShowcasePiece.objects.filter(upload=upload, state=ShowcasePiece.State.APPROVED).select_related(
        "participant__group"
    )
    return any(can_view_piece(user, piece) for piece in pieces)


def get_upload_for_user(user, pk) -> Upload:
    try:
        upload = Upload.objects.select_related("participant__group").get(pk=pk)
    except (Upload.DoesNotExist, *_BAD_PK):
        raise Http404 from None
    if not can_view_upload(user, upload):
        raise Http404
    return upload


def get_piece_for_guardian(link, pk) -> ShowcasePiece:
    """An approved showcase piece of the child behind this guardian link (camp resolved the link,
    active, not rotated); any other piece — another youth's, waiting, hidden — is not there."""
    try:
        return ShowcasePiece.objects.select_related("upload").get(
            pk=pk, participant_id=link.participant_id, state=ShowcasePiece.State.APPROVED
        )
    except (ShowcasePiece.DoesNotExist, *_BAD_PK):
        raise Http404 from None


def participant_for_youth_or_none(user) -> Participant | None:
    return participant_for_youth(user)


# --- Self-study, recorded lessons and quizzes ---------------------------------------------------


def items_for_youth(participant: Participant) -> QuerySet[PlanItem]:
    """The classes of the youth's group's published plans (what their progress counts)."""
    return PlanItem.objects.filter(plan__group=participant.group_id, plan__status=Plan.Status.PUBLISHED)


def get_item_for_youth(user, pk) -> tuple[Participant, PlanItem]:
    """A class of the signed-in youth's own plan; 404 for any other class, PermissionDenied for adults."""
    participant = youth_participant(user)
    try:
        item = items_for_youth(participant).select_related("lesson", "plan__group").get(pk=pk)
    except (PlanItem.DoesNotExist, *_BAD_PK):
        raise Http404 from None
    return participant, item


def can_edit_quiz(user, lesson) -> bool:
    """Who may edit a lesson may edit its quiz; so may a teacher who teaches a class of it."""
    from courses.access import can_edit_lesson

    if not (user.is_authenticated and (user.is_teacher or user.is_organizer)):
        return False
    return can_edit_lesson(user, lesson) or PlanItem.objects.filter(lesson=lesson, teacher=user).exists()


def get_lesson_for_quiz(user, pk):
    """The lesson whose quiz is edited: 404 unless the user sees it, 403 unless they may edit the quiz."""
    from courses.access import get_lesson_for_user

    lesson = get_lesson_for_user(user, pk)
    if not can_edit_quiz(user, lesson):
        raise PermissionDenied
    return lesson
