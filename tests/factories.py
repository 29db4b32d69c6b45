"""Test data: one set of builders per app, used by every test, fixture and access-matrix `build(world)`.

Plain functions that create and return saved rows. Each takes the model's own field names as
keyword arguments and fills in only what the model needs and the test did not say, so a call reads
as the row it makes. The shared world of tests/conftest.py (camp, running phase, two groups, their
people) is built from these too.

- camp:    user, participant, participants_bulk, camp, phase (and the named shapes running_phase,
           open_phase, finished_phase), group, enrollment, offered_enrollment
- courses: lesson, catalog_lesson, topic, plan, plan_of, plan_item, plan_items_bulk, template,
           unscheduled_lesson
- live:    live_session (the one LiveSession builder), held_session (a session on a day of a
           phase, through live_session), span (an attendance span)
"""

import datetime
import itertools

from allauth.account.models import EmailAddress
from django.utils import timezone

from camp.models import Camp, Enrollment, Group, Participant, Phase, User
from courses.models import Lesson, Plan, PlanItem, PlanTemplate, TemplateItem, Topic, UnscheduledLesson
from live.models import AttendanceSpan, LiveSession

PASSWORD = "test-Password-2026"
_counter = itertools.count(1)
DAY = datetime.timedelta(days=1)


# --- camp -------------------------------------------------------------------------------------

def user(role=User.Role.COORDINATOR, email=None, *, email_address=True, **extra) -> User:
    """An account with PASSWORD; adults get a verified e-mail address (allauth) unless
    `email_address` is False (a sign-up that never confirmed), youth none."""
    number = next(_counter)
    if email is None and role != User.Role.YOUTH:
        email = f"{role}{number}@example.org"
    account = User(
        username=email or f"youth-{number}",
        email=email or "",
        role=role,
        display_name=extra.pop("display_name", f"{role.title()} {number}"),
        **extra,
    )
    account.set_password(PASSWORD)
    account.save()
    if email and email_address:
        EmailAddress.objects.create(user=account, email=email, verified=True, primary=True)
    return account


def participant(group, *, with_account=True, consent=True, **extra) -> Participant:
    """A youth on `group`'s roster, 12 years old, with guardian consent on paper and (by default) a
    youth account in the group's time zone."""
    number = next(_counter)
    youth = Participant.objects.create(
        group=group,
        family_name=extra.pop("family_name", f"Family{number}"),
        given_name=extra.pop("given_name", f"Given{number}"),
        birth_year=extra.pop("birth_year", timezone.localdate().year - 12),
        guardian_name="Guardian",
        guardian_contact="+66 000 0000",
        consent_given=consent,
        consent_at=timezone.now() if consent else None,
        consent_method=Participant.ConsentMethod.PAPER if consent else "",
        preferred_language=extra.pop("preferred_language", "th"),
        **extra,
    )
    if with_account:
        youth.user = user(
            User.Role.YOUTH, display_name=youth.display_name, preferred_language=youth.preferred_language,
            time_zone=group.time_zone,
        )
        youth.save(update_fields=["user"])
    return youth


def participants_bulk(group, count: int, **fields) -> list[Participant]:
    """`count` youth on `group`'s roster in a few queries (bulk_create: no accounts, no consent),
    family names F00000, F00001, … so that they sort in order."""
    values = {"given_name": "G", "birth_year": timezone.localdate().year - 12, "guardian_name": "Guardian",
              "guardian_contact": "+66 000 0000"} | fields
    return Participant.objects.bulk_create(
        [Participant(group=group, family_name=f"F{number:05d}", **values) for number in range(count)], batch_size=1000)


def camp(organizer, **fields) -> Camp:
    fields.setdefault("federation", "普洱市侨联")
    fields.setdefault("title", "亲情中华·为你讲故事")
    fields.setdefault("year", 2026)
    return Camp.objects.create(organizer=organizer, **fields)


def phase(camp, number=1, starts_on=None, *, days=10, capacity=100, **fields) -> Phase:
    """Phase `number` of `camp`, `days` long from `starts_on` (today); enrollment from 60 days
    before it until its first day, unless the fields say otherwise."""
    starts_on = starts_on or timezone.localdate()
    fields.setdefault("ends_on", starts_on + (days - 1) * DAY)
    fields.setdefault("enrollment_opens", starts_on - 60 * DAY)
    fields.setdefault("enrollment_closes", starts_on)
    return Phase.objects.create(camp=camp, number=number, starts_on=starts_on, capacity=capacity, **fields)


def running_phase(camp, number=1, **fields) -> Phase:
    """Running today: began two days ago, ends in 12 days; enrollment still open (−40 … +30 days)."""
    today = timezone.localdate()
    fields.setdefault("enrollment_opens", today - 40 * DAY)
    fields.setdefault("enrollment_closes", today + 30 * DAY)
    return phase(camp, number, today - 2 * DAY, ends_on=today + 12 * DAY, min_age=8, max_age=18, **fields)


def open_phase(camp, number=2, *, capacity=50, **fields) -> Phase:
    """Enrollment open today (−10 … +20 days), starts in a month, 15 days long, ages 8–18."""
    today = timezone.localdate()
    return phase(camp, number, today + 30 * DAY, ends_on=today + 44 * DAY, enrollment_opens=today - 10 * DAY,
                 enrollment_closes=today + 20 * DAY, capacity=capacity, **fields)


def finished_phase(camp, group, *, number: int, days_ago: int = 30) -> Phase:
    """A phase that ended yesterday or earlier (15 days from `days_ago` days ago), `group` approved in it."""
    starts_on = timezone.localdate() - days_ago * DAY
    finished = phase(camp, number, starts_on, ends_on=starts_on + 14 * DAY, enrollment_opens=starts_on - 40 * DAY,
                     enrollment_closes=starts_on - 5 * DAY, capacity=500)
    enrollment(group, finished, status=Enrollment.Status.APPROVED, submitted_at=timezone.now(),
               decided_at=timezone.now())
    return finished


def group(camp, name="曼谷中华语言文化中心", *, coordinators=(), approved_in=None, **fields) -> Group:
    """A group of `camp` (Bangkok unless the fields say otherwise) run by `coordinators`; with
    `approved_in`, its enrollment in that phase is approved."""
    fields.setdefault("institution", name)
    fields.setdefault("country", "TH")
    fields.setdefault("time_zone", "Asia/Bangkok")
    made = Group.objects.create(camp=camp, name=name, **fields)
    if coordinators:
        made.coordinators.add(*coordinators)
    if approved_in is not None:
        enrollment(made, approved_in, status=Enrollment.Status.APPROVED)
    return made


def enrollment(group, phase, **fields) -> Enrollment:
    """`group`'s application for `phase`; a draft unless `status` says otherwise."""
    return Enrollment.objects.create(group=group, phase=phase, **fields)


def approved_enrollment(group, phase, organizer) -> Enrollment:
    """`group` applied for `phase` and `organizer` approved it just now."""
    now = timezone.now()
    return enrollment(group, phase, status=Enrollment.Status.APPROVED, decided_by=organizer, decided_at=now,
                      submitted_at=now)


def offered_enrollment(group, phase, **fields) -> Enrollment:
    """`group` waitlisted for `phase` with a place offered to it (open for five days unless
    `offer_expires_at` says otherwise)."""
    now = timezone.now()
    fields.setdefault("submitted_at", now - DAY)
    fields.setdefault("offered_place_at", now)
    fields.setdefault("offer_expires_at", now + 5 * DAY)
    return enrollment(group, phase, status=Enrollment.Status.WAITLISTED, **fields)


# --- courses ----------------------------------------------------------------------------------

def lesson(title="云游长城", minutes=45, **fields) -> Lesson:
    return Lesson.objects.create(title=title, duration_minutes=minutes, **fields)


def catalog_lesson(title="云游长城", minutes=45, **fields) -> Lesson:
    """A lesson as the catalog shows it: Chinese and English titles, ages 8–18, no Chinese needed."""
    fields.setdefault("age_min", 8)
    fields.setdefault("age_max", 18)
    fields.setdefault("chinese_level", "none")
    return lesson(title, minutes, title_zh_hans=title, title_en=fields.pop("title_en", f"EN {title}"), **fields)


def topic(slug, name, **fields) -> Topic:
    return Topic.objects.create(slug=slug, name=name, **fields)


def plan(group, phase, items=(), status=Plan.Status.DRAFT, **fields) -> Plan:
    """`group`'s plan for `phase`, with `items` given as (lesson, starts_at, teacher)."""
    made = Plan.objects.create(group=group, phase=phase, status=status, **fields)
    for item_lesson, starts_at, teacher in items:
        plan_item(made, item_lesson, starts_at, teacher=teacher)
    return made


def plan_of(group, phase) -> Plan:
    """`group`'s plan for `phase`: the existing one, else a new published one."""
    return Plan.objects.get_or_create(group=group, phase=phase, defaults={"status": Plan.Status.PUBLISHED})[0]


def plan_item(plan, lesson, starts_at, *, minutes=None, teacher=None, **fields) -> PlanItem:
    """`lesson` in `plan` at `starts_at`, for `minutes` (the lesson's length by default)."""
    return PlanItem.objects.create(plan=plan, lesson=lesson, starts_at=starts_at,
                                   duration_minutes=minutes or lesson.duration_minutes, teacher=teacher, **fields)


def plan_items_bulk(plan, items, *, minutes=None) -> list[PlanItem]:
    """Many items of `plan` in one query (bulk_create: no save() or signals), given as
    (lesson, starts_at, teacher)."""
    return PlanItem.objects.bulk_create([
        PlanItem(plan=plan, lesson=item_lesson, starts_at=starts_at, teacher=teacher,
                 duration_minutes=minutes or item_lesson.duration_minutes)
        for item_lesson, starts_at, teacher in items
    ])


def template(owner, lessons_by_day, name="7天：茶与中华文化", **fields) -> PlanTemplate:
    """A plan template of `len(lessons_by_day)` days (unless `days` says otherwise), day by day."""
    fields.setdefault("days", len(lessons_by_day))
    made = PlanTemplate.objects.create(name=name, owner=owner, **fields)
    for day, lessons in enumerate(lessons_by_day, start=1):
        for order, day_lesson in enumerate(lessons):
            TemplateItem.objects.create(template=made, day=day, order=order, lesson=day_lesson)
    return made


def unscheduled_lesson(plan, lesson, *, day=1, minutes=None, teacher=None) -> UnscheduledLesson:
    """A lesson on a plan's "could not be placed" list (what plan_create_from_template leaves)."""
    return UnscheduledLesson.objects.create(plan=plan, lesson=lesson, day=day, teacher=teacher,
                                            duration_minutes=minutes or lesson.duration_minutes)


# --- live -------------------------------------------------------------------------------------

_lesson, _plan_item = lesson, plan_item  # the builders below take arguments of those names

def live_session(*, plan_item=None, plan=None, lesson=None, starts_at=None, minutes=None, teacher=None,
                 state=LiveSession.State.SCHEDULED, started_late=0, **fields) -> LiveSession:
    """The one LiveSession builder: the room of `plan_item`, or of a new item of `plan` (`lesson`,
    default a 60-minute live calligraphy class, at `starts_at`, default now, taught by `teacher`).
    A live or ended session started `started_late` minutes after the planned start; an ended one
    ended on time."""
    if plan_item is None:
        lesson = lesson or Lesson.objects.create(title="书法 Calligraphy", format=Lesson.Format.LIVE,
                                                 duration_minutes=60)
        plan_item = _plan_item(plan, lesson, starts_at or timezone.now(), minutes=minutes, teacher=teacher)
    begins = plan_item.starts_at
    started = state in (LiveSession.State.LIVE, LiveSession.State.ENDED)
    return LiveSession.objects.create(
        plan_item=plan_item, state=state,
        started_at=begins + datetime.timedelta(minutes=started_late) if started else None,
        ended_at=begins + datetime.timedelta(minutes=plan_item.duration_minutes)
        if state == LiveSession.State.ENDED else None,
        **fields,
    )


def held_session(group, phase, *, teacher=None, day: int = 1, minutes: int = 45, state=LiveSession.State.ENDED,
                 started_late: int = 0, lesson=None) -> LiveSession:
    """A session of the group's plan in `phase`, `day` days after the phase began, 12:00 UTC;
    ended (held) unless `state` says otherwise; a new lesson each unless `lesson` is given."""
    starts_at = datetime.datetime.combine(phase.starts_on + (day - 1) * DAY, datetime.time(12, 0),
                                          tzinfo=datetime.UTC)
    return live_session(plan=plan_of(group, phase), lesson=lesson or _lesson(f"书法 {day}", minutes),
                        starts_at=starts_at, minutes=minutes, teacher=teacher, state=state, started_late=started_late)


def ceremony(phase, *, kind="opening", starts_at=None, minutes=60, state=LiveSession.State.SCHEDULED,
             co_hosts=(), title="") -> LiveSession:
    """A ceremony of `phase` (opening or closing: one room for every approved group), made by its
    camp's organizer through live.services.ceremonies; at `starts_at` (default now), in `state`."""
    from live.services.ceremonies import ceremony_create

    session = ceremony_create(by=phase.camp.organizer, phase=phase, kind=kind, title=title,
                              starts_at=starts_at or timezone.now(), duration_minutes=minutes, co_hosts=co_hosts)
    if state != LiveSession.State.SCHEDULED:
        LiveSession.objects.filter(pk=session.pk).update(
            state=state, started_at=session.starts_at if state in (LiveSession.State.LIVE, LiveSession.State.ENDED)
            else None)
        session.refresh_from_db()
    return session


def span(session, user, start_minute: float, end_minute: float | None, *, last_seen: float | None = None
         ) -> AttendanceSpan:
    """A connection from `start_minute` to `end_minute` after the planned start (None: never
    closed), last seen `last_seen` minutes after the planned start (None: not recorded)."""
    base = session.starts_at  # the room's copy of its item's time (a ceremony has no item)
    return AttendanceSpan.objects.create(
        session=session, user=user, joined_at=base + datetime.timedelta(minutes=start_minute),
        left_at=None if end_minute is None else base + datetime.timedelta(minutes=end_minute),
        last_seen_at=None if last_seen is None else base + datetime.timedelta(minutes=last_seen),
    )


def span_at(session, user, joined: datetime.datetime, left: datetime.datetime | None = None,
            last_seen: datetime.datetime | None = None) -> AttendanceSpan:
    """A connection at absolute moments (for tests of the rule's edges down to the microsecond)."""
    return AttendanceSpan.objects.create(session=session, user=user, joined_at=joined, left_at=left,
                                         last_seen_at=last_seen)
