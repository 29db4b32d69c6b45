"""Who may see and change lessons, plans and calendar feeds. Views call these helpers only.

Coordinators and youth never learn that an unpublished plan exists (404); teachers and organizers
build plans; only organizers of the plan's camp approve and publish.
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


def get_lesson_for_user(user, pk, *, write: bool = False) -> Lesson:
    try:
        lesson = visible_lessons(user).get(pk=pk)
    except (Lesson.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    if write and not can_write_lessons(user):
        raise PermissionDenied
    return lesson


def get_attachment_for_user(user, lesson_pk, pk, *, write: bool = False) -> LessonAttachment:
    """An attachment follows its lesson: whoever may see the lesson downloads it, lesson writers remove it."""
    lesson = get_lesson_for_user(user, lesson_pk, write=write)
    try:
        return lesson.attachments.select_related("lesson").get(pk=pk)
    except (LessonAttachment.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


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
    except (CalendarFeed.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    if feed.user_id == user.pk:
        return feed
    if feed.kind == CalendarFeed.Kind.GROUP and feed.group_id:
        if user.is_organizer and camps_for_user(user).filter(pk=feed.group.camp_id).exists():
            return feed
        if user.is_coordinator and feed.group.coordinators.filter(pk=user.pk).exists():
            return feed
        if user.is_teacher:
            raise PermissionDenied
    raise Http404


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
