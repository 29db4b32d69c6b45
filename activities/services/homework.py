"""Homework with feedback: assigned → handed in → returned → handed in again → accepted. Late is
recorded and shown, never refused."""

import datetime

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from activities.access import assignments_for_youth, moderated_groups, require_moderator, require_youth
from activities.models import Assignment, AssignmentKind, HandIn, ShowcasePiece, Submission, Upload
from activities.services.uploads import upload_discard, upload_store
from camp.errors import DomainError
from camp.models import LANGUAGE_CODES, Participant
from courses.models import Lesson, PlanItem
from notifications.services import notify_on_commit


def lesson_titles(lesson: Lesson) -> dict[str, str]:
    """The lesson's title in each language (a notification is read in its reader's)."""
    return {
        code: getattr(lesson, f"title_{code.replace('-', '_')}", "") or lesson.title
        for code in LANGUAGE_CODES
    }


@transaction.atomic
def assignment_save(
    *, by, item: PlanItem, instructions: str, due_local: datetime.datetime, kinds: list[str]
) -> Assignment:
    """Give a class homework (or change it); `due_local` is a wall-clock time in the group's zone."""
    group = item.plan.group
    require_moderator(by, group)
    if due_local is None:
        raise DomainError({"due_date": _("Say when the homework is due.")}, code="required")
    assignment = Assignment.objects.filter(plan_item=item).first() or Assignment(
        plan_item=item, created_by=by
    )
    assignment.instructions = (instructions or "").strip()
    assignment.due_at = due_local.replace(tzinfo=group.zone)
    assignment.kinds = [kind for kind in AssignmentKind.values if kind in (kinds or [])]
    assignment.full_clean()
    assignment.save()
    return assignment


def _kinds_for_file(assignment: Assignment) -> tuple[str, ...]:
    return tuple(kind for kind in (Upload.Kind.PHOTO, Upload.Kind.VIDEO) if kind in assignment.kinds)


@transaction.atomic
def hand_in(*, by, participant: Participant, assignment: Assignment, text: str = "", file=None) -> Submission:
    """The youth hands in (first time, or again after the teacher returned it)."""
    require_youth(by, participant)
    if not assignments_for_youth(participant).filter(pk=assignment.pk).exists():
        raise PermissionDenied
    submission = (
        Submission.objects.select_for_update().filter(assignment=assignment, participant=participant).first()
    )
    if submission and submission.is_waiting:
        raise DomainError(
            _("Your work is with the teacher. You can hand in again if they return it."), code="waiting"
        )
    if submission and submission.state == Submission.State.ACCEPTED:
        raise DomainError(_("This homework is accepted: nothing more to hand in."), code="accepted")
    text = (text or "").strip()
    if file and not _kinds_for_file(assignment):
        raise DomainError({"file": _("This homework is handed in as text only.")}, code="kind")
    if not file and AssignmentKind.TEXT not in assignment.kinds:
        raise DomainError({"file": _("Add a photo or a video of your work.")}, code="required")
    if not file and not text:
        raise DomainError({"text": _("Write your answer or add your work.")}, code="required")
    now = timezone.now()
    again = submission is not None
    submission = submission or Submission(assignment=assignment, participant=participant)
    submission.state = Submission.State.HANDED_IN_AGAIN if again else Submission.State.HANDED_IN
    submission.waiting_since = now
    number = (submission.rounds.count() if again else 0) + 1
    round_ = HandIn(number=number, text=text, handed_in_at=now, late=now > assignment.due_at)
    round_.full_clean(exclude=["submission", "upload"])
    upload = (
        upload_store(participant=participant, file=file, kinds=_kinds_for_file(assignment)) if file else None
    )
    try:
        submission.full_clean()
        submission.save()
        round_.submission, round_.upload = submission, upload
        round_.save()
    except Exception:
        upload_discard(upload)
        raise
    return submission


@transaction.atomic
def hand_in_review(
    *, by, submission: Submission, outcome: str, comment: str = "", mark: str = "", showcase_title: str = ""
) -> Submission:
    """The teacher returns the latest round with comments, or accepts it (optionally into the showcase,
    approved at once: the teacher who accepts it is the one who approves)."""
    require_moderator(by, submission.participant.group)
    submission = Submission.objects.select_for_update().get(pk=submission.pk)
    if not submission.is_waiting:
        raise DomainError(_("This work is not waiting for a review."), code="not_waiting")
    comment, mark, showcase_title = (
        (comment or "").strip(),
        (mark or "").strip(),
        (showcase_title or "").strip(),
    )
    if outcome not in HandIn.Outcome.values:
        raise DomainError({"outcome": _("Choose: return for revision or accept.")}, code="outcome")
    if outcome == HandIn.Outcome.RETURNED and not comment:
        raise DomainError({"comment": _("Say what to improve when you return work.")}, code="comment")
    round_ = submission.rounds.order_by("-number").first()
    now = timezone.now()
    round_.outcome, round_.comment, round_.mark, round_.reviewed_by, round_.reviewed_at = (
        outcome,
        comment,
        mark,
        by,
        now,
    )
    round_.full_clean()
    round_.save()
    accepted = outcome == HandIn.Outcome.ACCEPTED
    submission.state = Submission.State.ACCEPTED if accepted else Submission.State.RETURNED
    submission.waiting_since = None
    if mark:
        submission.mark = mark
    submission.full_clean()
    submission.save()
    if accepted and showcase_title:
        if round_.upload is None:
            raise DomainError(
                {"showcase_title": _("Only a photo or a video goes into the showcase.")}, code="no_upload"
            )
        piece = ShowcasePiece(
            participant=submission.participant,
            title=showcase_title,
            upload=round_.upload,
            hand_in=round_,
            state=ShowcasePiece.State.APPROVED,
            decided_by=by,
            decided_at=now,
        )
        piece.full_clean()
        piece.save()
    youth = submission.participant.user
    if youth is not None and not accepted:
        from django.urls import reverse

        notify_on_commit(
            [youth],
            "homework_returned",
            url=reverse("activities:assignment_detail", args=[submission.assignment_id]),
            params={"title": lesson_titles(submission.assignment.plan_item.lesson)},
        )
    if youth is not None and accepted and showcase_title:
        from django.urls import reverse

        notify_on_commit(
            [youth], "work_approved", url=reverse("activities:showcase"), params={"title": showcase_title}
        )
    return submission


def review_queue(user) -> QuerySet[Submission]:
    """Work waiting for this teacher across their groups, oldest first."""
    return (
        Submission.objects.filter(state__in=Submission.WAITING, participant__group__in=moderated_groups(user))
        .select_related("participant__group", "assignment__plan_item__lesson")
        .order_by("waiting_since", "pk")
    )
