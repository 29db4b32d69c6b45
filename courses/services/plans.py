"""Plans (一团一案): creation from templates and copies, the builder's edits, and the workflow."""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from camp.errors import DomainError
from camp.mail import mail_send, site_url
from camp.models import CHINESE_LEVEL_ORDER, Group, Phase, User
from courses.access import can_build_for_group, check_plan
from courses.models import Lesson, Plan, PlanChange, PlanItem, PlanTemplate, TemplateItem, UnscheduledLesson
from courses.services.conflicts import plan_conflicts
from courses.services.scheduling import (
    Request,
    SchedulingError,
    Unplaced,
    busy_load,
    schedule,
    schedule_what_fits,
)
from courses.signals import plan_item_removing, plan_items_published, plan_unpublished

MAX_ITEM_MINUTES = 480


class PlanError(DomainError):
    """A plan's rule refused the request (a conflict, a wrong status, no time left for a lesson)."""

    def __init__(self, message, code: str = "plan"):
        super().__init__(message, code=code)


def lesson_suggestions(*, group: Group, limit: int = 12, exclude_ids=()) -> list[Lesson]:
    """Catalog lessons that fit the group's ages and Chinese level, those on its interests first."""
    interests = set(group.interests.values_list("pk", flat=True))
    level = CHINESE_LEVEL_ORDER[group.chinese_level]
    candidates = (
        Lesson.objects.filter(age_min__lte=group.age_min, age_max__gte=group.age_max)
        .exclude(pk__in=list(exclude_ids))
        .prefetch_related("topics")
    )
    fitting = [lesson for lesson in candidates if CHINESE_LEVEL_ORDER[lesson.chinese_level] <= level]
    fitting.sort(key=lambda lesson: (-len(interests & {topic.pk for topic in lesson.topics.all()}), lesson.title))
    return fitting[:limit]


def _replacement(lesson: Lesson, group: Group, used: set[int]) -> Lesson:
    """A lesson from the same topic that suits the group, when the template's does not."""
    if lesson.suits(group):
        return lesson
    for candidate in lesson_suggestions(group=group, limit=50, exclude_ids=used):
        topics = {topic.pk for topic in candidate.topics.all()}
        if topics & {topic.pk for topic in lesson.topics.all()}:
            return candidate
    return lesson


def _window(phase: Phase) -> tuple[datetime.datetime, datetime.datetime]:
    # Wide enough for every zone from UTC-12 to UTC+14 around the phase's local dates.
    start = datetime.datetime.combine(phase.starts_on, datetime.time(0), tzinfo=datetime.UTC) - datetime.timedelta(days=1)
    end = datetime.datetime.combine(phase.ends_on, datetime.time(0), tzinfo=datetime.UTC) + datetime.timedelta(days=2)
    return start, end


def _check_new_plan(group: Group, phase: Phase, by: User) -> None:
    if not can_build_for_group(by, group):
        raise PermissionDenied
    if group.camp_id != phase.camp_id:
        raise PlanError(_("The group and the phase belong to different camps."))
    if Plan.objects.filter(group=group, phase=phase).exists():
        raise PlanError(_("%(group)s already has a plan for this phase.") % {"group": group.name})


def _place(*, plan: Plan, group: Group, phase: Phase, requests: list[Request], start_on=None) -> list[PlanItem]:
    start, end = _window(phase)
    # The plan's own items count as busy too: adding a lesson must not land on another one.
    busy = busy_load(group=group, teachers=[r.teacher for r in requests], start=start, end=end)
    placements = schedule(group=group, phase=phase, requests=requests, busy=busy, start_on=start_on)
    return [
        PlanItem(plan=plan, lesson=p.lesson, starts_at=p.starts_at, duration_minutes=p.duration_minutes, teacher=p.teacher)
        for p in placements
    ]


@transaction.atomic
def plan_create(*, group: Group, phase: Phase, created_by: User) -> Plan:
    """An empty draft plan for one group in one phase."""
    _check_new_plan(group, phase, created_by)
    plan = Plan(group=group, phase=phase, created_by=created_by)
    plan.full_clean()
    plan.save()
    return plan


@transaction.atomic
def plan_create_from_template(*, template: PlanTemplate, group: Group, phase: Phase, teacher: User | None,
                              created_by: User, start_on: datetime.date | None = None, adapt: bool = True) -> Plan:
    """A draft plan with the template's lessons scheduled into the group's hours.

    What fits is placed; what does not is kept as the plan's UnscheduledLesson rows (plan.unscheduled),
    for the builder to list and the teacher to add by hand. When nothing fits at all (or the group has
    no usable hours) it refuses and writes nothing: an empty plan would only hide the reason.
    """
    _check_new_plan(group, phase, created_by)
    used: set[int] = set()
    requests = []
    for template_item in template.items.select_related("lesson").prefetch_related("lesson__topics"):
        lesson = _replacement(template_item.lesson, group, used) if adapt else template_item.lesson
        used.add(lesson.pk)
        requests.append(Request(lesson=lesson, teacher=teacher, day=template_item.day,
                                duration_minutes=lesson.duration_minutes))
    plan = Plan(group=group, phase=phase, created_by=created_by, template=template)
    plan.full_clean()
    start, end = _window(phase)
    busy = busy_load(group=group, teachers=[teacher], start=start, end=end)
    try:
        placements, unplaced = schedule_what_fits(group=group, phase=phase, requests=requests, busy=busy,
                                                  start_on=start_on)
    except SchedulingError as error:
        raise PlanError(str(error)) from error
    if requests and not placements:
        # Nothing fits: refuse with the scheduler's own words about the first lesson (all or nothing).
        try:
            schedule(group=group, phase=phase, requests=requests, busy=busy, start_on=start_on)
        except SchedulingError as error:
            raise PlanError(str(error), code="nothing_fits") from error
    plan.save()
    PlanItem.objects.bulk_create([
        PlanItem(plan=plan, lesson=p.lesson, starts_at=p.starts_at, duration_minutes=p.duration_minutes,
                 teacher=p.teacher)
        for p in placements
    ])
    _unscheduled_keep(plan, unplaced)
    return plan


def _unscheduled_keep(plan: Plan, unplaced: list[Unplaced]) -> None:
    rows = [UnscheduledLesson(plan=plan, lesson=entry.request.lesson, day=entry.request.day,
                              duration_minutes=entry.request.duration_minutes, teacher=entry.request.teacher)
            for entry in unplaced]
    for row in rows:
        row.full_clean()
    UnscheduledLesson.objects.bulk_create(rows)


@transaction.atomic
def plan_unscheduled_dismiss(*, entry: UnscheduledLesson, by: User) -> None:
    """Drop a lesson from the plan's "could not be placed" list without adding it."""
    check_plan(by, entry.plan, build=True)
    entry.delete()


def _local_days(plan: Plan) -> list[tuple[int, PlanItem]]:
    """(1-based day number, item) in time order, days counted over the group's local dates in use."""
    zone = plan.group.zone
    days: dict[datetime.date, int] = {}
    result = []
    for item in plan.items.select_related("lesson", "teacher__teacher_profile").order_by("starts_at", "pk"):
        local_day = timezone.localtime(item.starts_at, zone).date()
        days.setdefault(local_day, len(days) + 1)
        result.append((days[local_day], item))
    return result


@transaction.atomic
def plan_copy(*, source: Plan, group: Group, created_by: User, phase: Phase | None = None,
              teacher: User | None = None) -> Plan:
    """Another group's copy of a plan: same lessons day by day, rescheduled in that group's time zone."""
    phase = phase or source.phase
    check_plan(created_by, source, build=True)
    _check_new_plan(group, phase, created_by)
    requests = [
        Request(lesson=item.lesson, teacher=teacher or item.teacher, day=day, duration_minutes=item.duration_minutes)
        for day, item in _local_days(source)
    ]
    plan = Plan(group=group, phase=phase, created_by=created_by, template=source.template)
    plan.full_clean()
    try:
        items = _place(plan=plan, group=group, phase=phase, requests=requests)
    except SchedulingError as error:
        raise PlanError(str(error)) from error
    plan.save()
    for item in items:
        item.plan = plan
    PlanItem.objects.bulk_create(items)
    return plan


@transaction.atomic
def plan_template_from_plan(*, plan: Plan, name: str, owner: User) -> PlanTemplate:
    """Keep a good plan as a template: its lessons, day by day."""
    check_plan(owner, plan, build=True)
    days = _local_days(plan)
    if not days:
        raise PlanError(_("An empty plan cannot become a template."))
    template = PlanTemplate(name=name, owner=owner, days=days[-1][0],
                            description=_("From the plan of %(group)s.") % {"group": plan.group.name})
    template.full_clean()
    template.save()
    orders: dict[int, int] = {}
    TemplateItem.objects.bulk_create([
        TemplateItem(template=template, day=day, order=_next_order(orders, day), lesson=item.lesson)
        for day, item in days
    ])
    return template


def _next_order(orders: dict[int, int], day: int) -> int:
    orders[day] = orders.get(day, -1) + 1
    return orders[day]


# --- The builder's edits ---------------------------------------------------------------------------------


def _time_in(zone, moment: datetime.datetime) -> str:
    return timezone.localtime(moment, zone).strftime("%Y-%m-%d %H:%M")


def _edited(plan: Plan, by: User, summary: str) -> None:
    """Bookkeeping after any edit: a published plan stays published, records the change and tells the
    coordinators; a proposed or approved plan goes back to draft, since what was approved changed."""
    # The caller's instance may be stale (a decision taken meanwhile): read the status under a lock.
    plan = _lock(plan)
    if plan.status == Plan.Status.PUBLISHED:
        change = PlanChange(plan=plan, changed_by=by, summary=summary)
        change.full_clean()
        change.save()
        transaction.on_commit(lambda: plan_change_notify(change_id=change.pk))
    elif plan.status in (Plan.Status.PROPOSED, Plan.Status.APPROVED):
        plan.status = Plan.Status.DRAFT
        plan.proposed_at = plan.approved_at = None
        plan.approved_by = None
        plan.save(update_fields=["status", "proposed_at", "approved_at", "approved_by"])


def _check_item(item: PlanItem) -> None:
    if item.duration_minutes > MAX_ITEM_MINUTES:
        raise ValidationError({"duration_minutes": _("A lesson lasts at most 8 hours.")})
    item.full_clean()


@transaction.atomic
def plan_item_add(*, plan: Plan, lesson: Lesson, by: User, teacher: User | None = None,
                  starts_at: datetime.datetime | None = None, on_date: datetime.date | None = None,
                  duration_minutes: int | None = None) -> PlanItem:
    """Add a lesson at a given time, or at the first free slot from `on_date` (the group's local date)."""
    check_plan(by, plan, build=True)
    duration = duration_minutes or lesson.duration_minutes
    if starts_at is None:
        request = Request(lesson=lesson, teacher=teacher, day=1, duration_minutes=duration)
        try:
            placement = _place(plan=plan, group=plan.group, phase=plan.phase, requests=[request], start_on=on_date)[0]
        except SchedulingError as error:
            raise PlanError(str(error)) from error
        starts_at = placement.starts_at
    item = PlanItem(plan=plan, lesson=lesson, starts_at=starts_at, duration_minutes=duration, teacher=teacher)
    _check_item(item)
    item.save()
    # Added by hand, from the list or the catalog: the lesson is no longer waiting for a slot.
    waiting = plan.unscheduled.filter(lesson=lesson).order_by("day", "pk").first()
    if waiting is not None:
        waiting.delete()
    _edited(plan, by, _("Added “%(lesson)s” on %(when)s (%(zone)s).")
            % {"lesson": lesson, "when": _time_in(plan.group.zone, starts_at), "zone": plan.group.time_zone})
    _announce_items(plan)
    return item


@transaction.atomic
def plan_item_update(*, item: PlanItem, by: User, starts_at: datetime.datetime | None = None,
                     teacher: User | None | bool = False, duration_minutes: int | None = None,
                     meeting_url: str | None = None) -> PlanItem:
    """Move an item and/or change its teacher, length or video meeting link (None: leave the link).

    A move raises its calendar SEQUENCE. Only a change of time, length or teacher is a change of the
    schedule: it is recorded and, on a published plan, mailed to the coordinators. The meeting link
    alone is not: the youth reach it through the class's room page (the calendar's link is the room,
    not the meeting), so coordinators have nothing to pass on, and an approved plan stays approved.
    """
    item = PlanItem.objects.select_for_update(of=("self",)).select_related("plan__group", "lesson", "teacher").get(
        pk=item.pk
    )
    plan, zone = item.plan, item.plan.group.zone
    check_plan(by, plan, build=True)
    if meeting_url is not None:
        # Checked before anything is written: a bad link must not leave a half-saved move behind.
        meeting_url = meeting_url_clean(meeting_url)
        if meeting_url and item.lesson.format not in Lesson.TAUGHT_LIVE:
            raise ValidationError({"meeting_url": _("Only live classes and workshops have a video meeting.")})
    if meeting_url is not None and meeting_url != item.meeting_url:
        item = plan_item_meeting_link_set(item=item, by=by, url=meeting_url)
    changes = []
    if starts_at is not None and starts_at != item.starts_at:
        changes.append(_("“%(lesson)s” moved from %(old)s to %(new)s (%(zone)s).") % {
            "lesson": item.lesson, "old": _time_in(zone, item.starts_at), "new": _time_in(zone, starts_at),
            "zone": plan.group.time_zone})
        item.starts_at = starts_at
    if duration_minutes is not None and duration_minutes != item.duration_minutes:
        changes.append(_("“%(lesson)s” now lasts %(minutes)s minutes.") % {"lesson": item.lesson,
                                                                            "minutes": duration_minutes})
        item.duration_minutes = duration_minutes
    if teacher is not False and (teacher.pk if teacher else None) != item.teacher_id:
        changes.append(_("“%(lesson)s” is now taught by %(teacher)s.") % {
            "lesson": item.lesson, "teacher": teacher or _("nobody yet")})
        item.teacher = teacher
    if not changes:
        return item
    # Calendars re-read an event only when its SEQUENCE grows.
    item.sequence += 1
    _check_item(item)
    item.save()
    _edited(plan, by, " ".join(changes))
    _announce_items(plan)
    return item


@transaction.atomic
def plan_item_remove(*, item: PlanItem, by: User) -> None:
    plan = item.plan
    check_plan(by, plan, build=True)
    summary = _("Removed “%(lesson)s” of %(when)s (%(zone)s).") % {
        "lesson": item.lesson, "when": _time_in(plan.group.zone, item.starts_at), "zone": plan.group.time_zone}
    plan_item_removing.send(sender=PlanItem, item=item)
    item.delete()
    _edited(plan, by, summary)


def meeting_url_clean(url: str) -> str:
    """A video meeting link as stored: stripped, https only (a youth's browser opens it), or empty."""
    url = (url or "").strip()
    if not url:
        return ""
    field = PlanItem._meta.get_field("meeting_url")
    try:
        url = field.clean(url, None)
    except ValidationError as error:
        raise ValidationError({"meeting_url": error.messages}) from error
    if not url.lower().startswith("https://"):
        raise ValidationError({"meeting_url": _("The video meeting link must start with https://.")})
    return url


@transaction.atomic
def plan_item_meeting_link_set(*, item: PlanItem, by: User, url: str) -> PlanItem:
    """Set (or clear, with "") the class's own video meeting link; empty falls back to the lesson's
    default. Who may build the plan may set it, on a published plan too; an unchanged link writes nothing."""
    item = PlanItem.objects.select_for_update(of=("self",)).select_related("plan__group", "lesson").get(pk=item.pk)
    check_plan(by, item.plan, build=True)
    url = meeting_url_clean(url)
    if url != item.meeting_url:
        item.meeting_url = url
        item.save(update_fields=["meeting_url"])
    return item


# --- Workflow ----------------------------------------------------------------------------------------------


def _lock(plan: Plan) -> Plan:
    return Plan.objects.select_for_update().select_related("group", "phase").get(pk=plan.pk)


@transaction.atomic
def plan_propose(*, plan: Plan, by: User, override_reason: str = "") -> Plan:
    """Draft → proposed; refused while conflicts remain, unless the teacher says why they are fine."""
    plan = _lock(plan)
    check_plan(by, plan, build=True)
    if plan.status != Plan.Status.DRAFT:
        raise PlanError(_("Only a draft can be proposed."))
    if not plan.items.exists():
        raise PlanError(_("The plan has no lessons yet."))
    conflicts = plan_conflicts(plan)
    override_reason = (override_reason or "").strip()
    if conflicts and not override_reason:
        raise PlanError(
            _("%(count)s lessons still have conflicts. Resolve them, or give a reason for keeping them.")
            % {"count": len(conflicts)}
        )
    plan.status = Plan.Status.PROPOSED
    plan.proposed_at = timezone.now()
    plan.override_reason = override_reason if conflicts else ""
    plan.full_clean()
    plan.save()
    return plan


@transaction.atomic
def plan_approve(*, plan: Plan, by: User) -> Plan:
    plan = _lock(plan)
    check_plan(by, plan, decide=True)
    if plan.status != Plan.Status.PROPOSED:
        raise PlanError(_("Only a proposed plan can be approved."))
    plan.status = Plan.Status.APPROVED
    plan.approved_by = by
    plan.approved_at = timezone.now()
    plan.full_clean()
    plan.save()
    return plan


@transaction.atomic
def plan_publish(*, plan: Plan, by: User) -> Plan:
    plan = _lock(plan)
    check_plan(by, plan, decide=True)
    if plan.status != Plan.Status.APPROVED:
        raise PlanError(_("Only an approved plan can be published."))
    plan.status = Plan.Status.PUBLISHED
    plan.published_at = timezone.now()
    plan.full_clean()
    plan.save()
    _announce_items(plan)
    return plan


def _announce_items(plan: Plan) -> None:
    """A published plan's items are what the group is taught: the live room makes their rooms now."""
    if Plan.objects.filter(pk=plan.pk, status=Plan.Status.PUBLISHED).exists():  # the caller's copy may be stale
        plan_items_published.send(sender=Plan, plan=plan)


@transaction.atomic
def plan_return(*, plan: Plan, by: User, note: str = "") -> Plan:
    """An organizer sends a proposed or approved plan back to the teachers."""
    plan = _lock(plan)
    check_plan(by, plan, decide=True)
    if plan.status not in (Plan.Status.PROPOSED, Plan.Status.APPROVED):
        raise PlanError(_("Only a proposed or approved plan can be sent back."))
    plan.status = Plan.Status.DRAFT
    plan.proposed_at = plan.approved_at = None
    plan.approved_by = None
    plan.save(update_fields=["status", "proposed_at", "approved_at", "approved_by"])
    return plan


@transaction.atomic
def plan_unpublish(*, plan: Plan, by: User, note: str = "") -> Plan:
    """An organizer takes a published plan back to draft: its live rooms close (their chat and
    attendance are kept) until the plan is published again."""
    plan = _lock(plan)
    check_plan(by, plan, decide=True)
    if plan.status != Plan.Status.PUBLISHED:
        raise PlanError(_("Only a published plan can be unpublished."))
    plan.status = Plan.Status.DRAFT
    plan.proposed_at = plan.approved_at = plan.published_at = None
    plan.approved_by = None
    plan.save(update_fields=["status", "proposed_at", "approved_at", "approved_by", "published_at"])
    plan_unpublished.send(sender=Plan, plan=plan)
    return plan


def plan_change_notify(*, change_id: int) -> int:
    """E-mail a published plan's change to the group's coordinators, each in their language and zone."""
    change = PlanChange.objects.select_related("plan__group", "plan__phase", "changed_by").get(pk=change_id)
    plan = change.plan
    return mail_send(
        plan.group.coordinators.exclude(email=""),
        subject=lambda: _("[QiaoCamp] The plan of %(group)s changed") % {"group": plan.group.name},
        template="courses/email/plan_changed.txt",
        context={"change": change, "plan": plan, "url": site_url("courses:plan_detail", plan.pk)},
    )


@transaction.atomic
def teacher_hours_set(*, teacher: User, work_start: datetime.time, work_end: datetime.time):
    """A teacher's working hours in Beijing time, which the scheduler keeps to."""
    from courses.models import TeacherProfile

    profile, _created = TeacherProfile.objects.get_or_create(user=teacher)
    profile.work_start, profile.work_end = work_start, work_end
    profile.full_clean()
    profile.save()
    return profile
