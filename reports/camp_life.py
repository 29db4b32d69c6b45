"""Camp life in the reports: check-ins, homework and the showcase (activities' rows), counted in SQL.

Reports sits above activities and reads its models through the ORM. Every figure is a COUNT in a
correlated subquery, so a page takes the same queries for 5 youth or 500 and no check-in or
submission row travels to Python (tests/reports/test_camp_life.py holds it to that).

What counts:
- a **prompt day** of a group is a day (up to today on the group's clock) with a question for it:
  its own, or its phase's while the group is approved in that phase;
- a **check-in** counts when it was given on a prompt day (a youth may also check in on a day with
  no question: that is not held against anybody, nor counted for them);
- **homework assigned** is every assignment of the group's published plans; handed in is a
  submission in any state, accepted is the teacher's last word;
- **showcase** counts the pieces a teacher approved (shown), not pending or hidden ones.
"""

import datetime
import zoneinfo
from dataclasses import dataclass

from django.db.models import Case, Count, DateField, Exists, IntegerField, OuterRef, Q, Subquery, Value, When
from django.db.models.functions import Coalesce
from django.utils import timezone

from activities.models import Assignment, CheckIn, CheckInPrompt, ShowcasePiece, Submission
from camp.models import Enrollment, Group, Participant, Phase
from courses.models import Plan
from reports.attendance import percent


def _count(queryset, column: str = "pk", *, distinct: bool = False) -> Coalesce:
    """COUNT of a correlated subquery as an integer expression (0 when there is no row)."""
    counted = (
        queryset.order_by().values(_one=Value(1)).annotate(n=Count(column, distinct=distinct)).values("n")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def _prompts_of(group_ref: str) -> Q:
    """Prompts that ask the group `group_ref` (an OuterRef path): its own or its phase's, in a phase
    it is approved in."""
    return (Q(group=OuterRef(group_ref)) | Q(group__isnull=True)) & Q(
        phase__enrollments__group=OuterRef(group_ref),
        phase__enrollments__status=Enrollment.Status.APPROVED,
    )


def _today_by_zone(zones) -> Case:
    """Today on each group's clock, as a SQL value of the group row (a Case over its time zone)."""
    now = timezone.now()
    whens = [
        When(time_zone=zone, then=Value(timezone.localdate(now, timezone=zoneinfo.ZoneInfo(zone))))
        for zone in zones
    ]
    return Case(*whens, default=Value(now.date()), output_field=DateField())


def _phase_pieces(group: Group, phase: Phase) -> Q:
    """Pieces sent during the phase's days on the group's clock."""
    first = datetime.datetime.combine(phase.starts_on, datetime.time(), tzinfo=group.zone)
    after = datetime.datetime.combine(
        phase.ends_on + datetime.timedelta(days=1), datetime.time(), tzinfo=group.zone
    )
    return Q(created_at__gte=first, created_at__lt=after)


# --- Per youth (the nomination page) ----------------------------------------------------------


@dataclass
class YouthLife:
    checkins: int = 0
    prompt_days: int = 0
    homework_handed_in: int = 0
    homework_accepted: int = 0
    homework_assigned: int = 0
    showcase: int = 0

    @property
    def checkin_rate(self) -> float | None:
        return percent(self.checkins, self.prompt_days)

    @property
    def homework_rate(self) -> float | None:
        return percent(self.homework_accepted, self.homework_assigned)


def youth_life(group: Group, phase: Phase | None = None) -> dict[int, YouthLife]:
    """Per youth of the group, camp life in the phase (or in all the camp's phases); one query."""
    today = timezone.localdate(timezone=group.zone)
    if phase is None:
        prompt_scope, assignment_scope, piece_scope = (
            Q(phase__camp_id=group.camp_id),
            Q(plan_item__plan__phase__camp_id=group.camp_id),
            Q(),
        )
    else:
        prompt_scope, assignment_scope, piece_scope = (
            Q(phase=phase),
            Q(plan_item__plan__phase=phase),
            _phase_pieces(group, phase),
        )
    prompts = CheckInPrompt.objects.filter(prompt_scope, day__lte=today).filter(_prompts_of("group_id"))
    prompt_on_day = CheckInPrompt.objects.filter(prompt_scope, day=OuterRef("day")).filter(
        _prompts_of("participant__group_id")
    )
    checkins = CheckIn.objects.alias(_asked=Exists(prompt_on_day)).filter(
        participant=OuterRef("pk"), day__lte=today, _asked=True
    )
    assignments = Assignment.objects.filter(
        assignment_scope,
        plan_item__plan__group=OuterRef("group_id"),
        plan_item__plan__status=Plan.Status.PUBLISHED,
    )
    submissions = Submission.objects.filter(
        participant=OuterRef("pk"),
        assignment__in=Assignment.objects.filter(
            assignment_scope, plan_item__plan__status=Plan.Status.PUBLISHED
        ),
    )
    rows = (
        Participant.objects.filter(group=group)
        .annotate(
            life_prompt_days=_count(prompts, "day", distinct=True),
            life_checkins=_count(checkins),
            life_assigned=_count(assignments),
            life_handed_in=_count(submissions),
            life_accepted=_count(submissions.filter(state=Submission.State.ACCEPTED)),
            life_showcase=_count(
                ShowcasePiece.objects.filter(
                    piece_scope, participant=OuterRef("pk"), state=ShowcasePiece.State.APPROVED
                )
            ),
        )
        .values_list(
            "pk",
            "life_checkins",
            "life_prompt_days",
            "life_handed_in",
            "life_accepted",
            "life_assigned",
            "life_showcase",
        )
        .order_by()
    )
    return {pk: YouthLife(*figures) for pk, *figures in rows}


# --- Per group and per country (the dashboard and its exports) -------------------------------


@dataclass
class LifeTally:
    youth: int = 0
    checkins: int = 0
    checkins_expected: int = 0
    homework_handed_in: int = 0
    homework_accepted: int = 0
    homework_expected: int = 0

    def add(self, other: "LifeTally") -> None:
        for name in (
            "youth",
            "checkins",
            "checkins_expected",
            "homework_handed_in",
            "homework_accepted",
            "homework_expected",
        ):
            setattr(self, name, getattr(self, name) + getattr(other, name))

    @property
    def checkin_rate(self) -> float | None:
        return percent(self.checkins, self.checkins_expected)

    @property
    def handed_in_rate(self) -> float | None:
        return percent(self.homework_handed_in, self.homework_expected)

    @property
    def accepted_rate(self) -> float | None:
        return percent(self.homework_accepted, self.homework_expected)


def group_life(camp_ids: list[int], *, group_ids: list[int] | None = None) -> dict[int, LifeTally]:
    """Per group approved in the camps (or only those of `group_ids`): youth, check-ins and homework,
    counted in SQL; two queries."""
    prompt_scope, assignment_scope = (
        Q(phase__camp_id__in=camp_ids),
        Q(plan_item__plan__phase__camp_id__in=camp_ids),
    )
    groups = Group.objects.filter(
        enrollments__phase__camp_id__in=camp_ids, enrollments__status=Enrollment.Status.APPROVED
    ).distinct()
    if group_ids is not None:
        groups = groups.filter(pk__in=group_ids)
    zones = sorted(set(groups.values_list("time_zone", flat=True)))
    prompts = CheckInPrompt.objects.filter(prompt_scope, day__lte=OuterRef("life_today")).filter(
        _prompts_of("pk")
    )
    prompt_on_day = CheckInPrompt.objects.filter(prompt_scope, day=OuterRef("day")).filter(
        _prompts_of("participant__group_id")
    )
    checkins = CheckIn.objects.alias(_asked=Exists(prompt_on_day)).filter(
        participant__group=OuterRef("pk"), day__lte=OuterRef("life_today"), _asked=True
    )
    published = Assignment.objects.filter(assignment_scope, plan_item__plan__status=Plan.Status.PUBLISHED)
    submissions = Submission.objects.filter(participant__group=OuterRef("pk"), assignment__in=published)
    rows = (
        Group.objects.filter(pk__in=groups.values("pk"))
        .annotate(life_today=_today_by_zone(zones))
        .annotate(
            life_youth=_count(Participant.objects.filter(group=OuterRef("pk"))),
            life_prompt_days=_count(prompts, "day", distinct=True),
            life_checkins=_count(checkins),
            life_assigned=_count(published.filter(plan_item__plan__group=OuterRef("pk"))),
            life_handed_in=_count(submissions),
            life_accepted=_count(submissions.filter(state=Submission.State.ACCEPTED)),
        )
        .values_list(
            "pk",
            "life_youth",
            "life_prompt_days",
            "life_checkins",
            "life_assigned",
            "life_handed_in",
            "life_accepted",
        )
        .order_by()
    )
    result = {}
    for pk, youth, prompt_days, checkins_done, assigned, handed_in, accepted in rows:
        result[pk] = LifeTally(
            youth=youth,
            checkins=checkins_done,
            checkins_expected=youth * prompt_days,
            homework_handed_in=handed_in,
            homework_accepted=accepted,
            homework_expected=youth * assigned,
        )
    return result
