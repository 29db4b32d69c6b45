"""Who may see and change lessons, plans and calendar feeds. Views call these helpers only.

Coordinators and youth never learn that an unpublished plan exists (404); teachers and organizers
build plans; only organizers of the plan's camp approve and publish.

Lessons are shared catalog content: their author or an organizer edits them, but a lesson that a
published plan uses is edited only by its author or an organizer of a camp whose published plan uses
it (docs/architecture.md, the permission rule). A coordinator nobody has confirmed yet writes nothing.
"""

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404

from camp.access import camps_for_user, visible_groups
from courses.models import (
    CalendarFeed,
    Lesson,
    LessonAttachment,
    Plan,
    PlanItem,
    PlanTemplate,
    UnscheduledLesson,
)


def can_write_lessons(user) -> bool:
    return user.is_authenticated and (user.is_teacher or user.is_organizer)


def can_build_plans(user) -> bool:
    return user.is_authenticated and (user.is_teacher or user.is_organizer)


def can_build_for_group(user, group) -> bool:
    """Teachers build plans for every group (they plan across groups); organizers for their camps' groups."""
    if not can_build_plans(user):
        return False
    return user.is_teacher or camps_for_user(user).filter(pk=group.camp_id).exists()


def can_decide_plan(user, plan: Plan) -> bool:
    """Only organizers of the plan's camp approve, publish and send back."""
    return (user.is_authenticated and user.is_organizer
            and camps_for_user(user).filter(pk=plan.group.camp_id).exists())


def check_plan(user, plan: Plan, *, build: bool = False, decide: bool = False) -> None:
    """PermissionDenied unless the user may build (build=True) or decide on (decide=True) this plan.
    The plan services call it with their caller, the views through get_plan_for_user."""
    if build and not can_build_for_group(user, plan.group):
        raise PermissionDenied
    if decide and not can_decide_plan(user, plan):
        raise PermissionDenied


def visible_plans(user) -> QuerySet[Plan]:
    """Plans a user may know about: all for teachers, their camps' for organizers, published ones of
    their own groups for coordinators and youth."""
    if not user.is_authenticated:
        return Plan.objects.none()
    plans = Plan.objects.all()
    if user.is_teacher:
        return plans
    if user.is_organizer:
        return plans.filter(group__camp__in=camps_for_user(user))
    if user.is_coordinator or user.is_youth:
        return plans.filter(group__in=visible_groups(user), status=Plan.Status.PUBLISHED)
    return Plan.objects.none()


def get_plan_for_user(user, pk, *, build: bool = False, decide: bool = False) -> Plan:
    """The plan, or 404; build=True needs a teacher or an organizer of its camp, decide=True an organizer
    of its camp (check_plan)."""
    try:
        plan = visible_plans(user).select_related("group", "group__camp", "phase", "phase__camp").get(pk=pk)
    except (Plan.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    check_plan(user, plan, build=build, decide=decide)
    return plan


def get_item_for_user(user, plan: Plan, item_pk) -> PlanItem:
    try:
        return plan.items.select_related("lesson", "teacher").get(pk=item_pk)
    except (PlanItem.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def get_unscheduled_for_user(user, plan: Plan, pk) -> UnscheduledLesson:
    """A lesson on the plan's "could not be placed" list; 404 for another plan's (the plan was fetched
    with build=True by get_plan_for_user)."""
    try:
        return plan.unscheduled.select_related("plan__group", "lesson").get(pk=pk)
    except (UnscheduledLesson.DoesNotExist, ValueError, TypeError, OverflowError):
        raise Http404 from None


def visible_lessons(user) -> QuerySet[Lesson]:
    """Adults browse the whole catalog; a youth sees the lessons of their group's published plan."""
    if not user.is_authenticated:
        return Lesson.objects.none()
    if user.is_youth:
        return Lesson.objects.filter(
            plan_items__plan__in=visible_plans(user)
        ).distinct()
    return Lesson.objects.all()


def lesson_camp_ids(lesson: Lesson, *, published: bool = False) -> set[int]:
    """The camps whose plans use the lesson (only published plans with published=True)."""
    plans = Plan.objects.filter(items__lesson=lesson)
    if published:
        plans = plans.filter(status=Plan.Status.PUBLISHED)
    return set(plans.values_list("group__camp_id", flat=True).distinct())


def _organizes_one_of(user, camp_ids: set[int]) -> bool:
    return bool(camp_ids) and camps_for_user(user).filter(pk__in=camp_ids).exists()


def can_edit_lesson(user, lesson: Lesson) -> bool:
    """Its author (a teacher or an organizer), or an organizer; once a published plan uses the lesson,
    only its author or an organizer of a camp whose published plan uses it (what those youth are taught
    is not changed from another camp)."""
    if not can_write_lessons(user):
        return False
    if lesson.author_id is not None and lesson.author_id == user.pk:
        return True
    if not user.is_organizer:
        return False
    published = lesson_camp_ids(lesson, published=True)
    return not published or _organizes_one_of(user, published)


def check_lesson_edit(user, lesson: Lesson) -> None:
    if not can_edit_lesson(user, lesson):
        raise PermissionDenied


def can_remove_attachment(user, attachment: LessonAttachment) -> bool:
    """The lesson's author, the attachment's uploader, or an organizer who may edit the lesson and
    organizes a camp using it (any organizer who may edit it while no camp's plan uses it)."""
    if not can_write_lessons(user):
        return False
    lesson = attachment.lesson
    if user.pk in {lesson.author_id, attachment.uploaded_by_id}:
        return True
    if not (user.is_organizer and can_edit_lesson(user, lesson)):
        return False
    using = lesson_camp_ids(lesson)
    return not using or _organizes_one_of(user, using)


def check_attachment_remove(user, attachment: LessonAttachment) -> None:
    if not can_remove_attachment(user, attachment):
        raise PermissionDenied


def get_lesson_for_user(user, pk, *, write: bool = False) -> Lesson:
    """The lesson, or 404; with write=True, PermissionDenied unless the user may edit it (can_edit_lesson)."""
    try:
        lesson = visible_lessons(user).get(pk=pk)
    except (Lesson.DoesNotExist, ValueError, TypeError, OverflowError):
        raise Http404 from None
    if write:
        check_lesson_edit(user, lesson)
    return lesson


def get_attachment_for_user(user, lesson_pk, pk, *, remove: bool = False) -> LessonAttachment:
    """An attachment follows its lesson: whoever may see the lesson downloads it; with remove=True,
    PermissionDenied unless the user may remove it (can_remove_attachment)."""
    lesson = get_lesson_for_user(user, lesson_pk)
    try:
        attachment = lesson.attachments.select_related("lesson").get(pk=pk)
    except (LessonAttachment.DoesNotExist, ValueError, TypeError, OverflowError):
        raise Http404 from None
    if remove:
        check_attachment_remove(user, attachment)
    return attachment


def get_template_for_user(user, pk) -> PlanTemplate:
    if not can_build_plans(user):
        raise PermissionDenied
    try:
        return PlanTemplate.objects.get(pk=pk)
    except (PlanTemplate.DoesNotExist, ValueError, TypeError, OverflowError):
        raise Http404 from None


def can_edit_template(user, template: PlanTemplate | None) -> bool:
    """Teachers and organizers make templates; a template is edited by its owner or an organizer."""
    if not can_build_plans(user):
        return False
    return template is None or user.is_organizer or template.owner_id == user.pk


def check_template_edit(user, template: PlanTemplate) -> None:
    if not can_edit_template(user, template):
        raise PermissionDenied


def get_template_item_for_user(user, pk, item_pk):
    """A template's item the user may remove (owner or organizer); 404 for an item of another template."""
    template = get_template_for_user(user, pk)
    check_template_edit(user, template)
    try:
        return template.items.get(pk=item_pk)
    except (template.items.model.DoesNotExist, ValueError, TypeError, OverflowError):
        raise Http404 from None


def get_feed_for_user(user, pk) -> CalendarFeed:
    """A feed the user may revoke: their own personal feed, or a group feed of a group they manage."""
    try:
        feed = CalendarFeed.objects.select_related("group", "user").get(pk=pk)
    except (CalendarFeed.DoesNotExist, ValueError, TypeError, OverflowError):
        raise Http404 from None
    if feed.user_id == user.pk:
        return feed
    if feed.kind == CalendarFeed.Kind.GROUP and feed.group_id:
        if can_revoke_feed(user, feed):
            return feed
        if user.is_teacher:
            raise PermissionDenied
    raise Http404


def can_revoke_feed(user, feed: CalendarFeed) -> bool:
    """The owner of a personal feed; for a group's feed, the camp's organizers and the group's confirmed
    coordinators (an unconfirmed coordinator sees no group: camp.access.visible_groups)."""
    if not user.is_authenticated:
        return False
    if feed.user_id is not None:
        return feed.user_id == user.pk
    if feed.kind != CalendarFeed.Kind.GROUP or feed.group_id is None:
        return False
    if user.is_organizer:
        return camps_for_user(user).filter(pk=feed.group.camp_id).exists()
    if user.is_coordinator:
        return visible_groups(user).filter(pk=feed.group_id).exists()
    return False


def check_feed_revoke(user, feed: CalendarFeed) -> None:
    if not can_revoke_feed(user, feed):
        raise PermissionDenied


def feed_by_token(token: str) -> CalendarFeed:
    """The token is the key: a revoked or unknown one is a 404 like any other.

    A personal feed also dies with its owner's access: an inactive account, or a youth off the
    roster or whose guardian withdrew consent, gets the same 404 as a revoked link (calendar apps
    poll for months, long after the youth may no longer see the plan).
    """
    feed = (CalendarFeed.objects.select_related("group", "user", "user__participant")
            .filter(token=token, revoked_at__isnull=True).first())
    if feed is None:
        raise Http404
    if feed.user_id is not None:
        if not feed.user.is_active:
            raise Http404
        if feed.kind == CalendarFeed.Kind.YOUTH or feed.user.is_youth:
            participant = getattr(feed.user, "participant", None)
            if participant is None or not participant.consent_given:
                raise Http404
    return feed
