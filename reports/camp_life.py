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
- **showcase** counts the pieces a teacher approved (shown), not pending or hidden ones;
- **self-study**: the self-paced items (self-study and recorded-video lessons) of the group's
  published plans are *due* once they have begun (`starts_at` passed); a youth's item is done when
  they marked it (ItemDone). An item done before it began counts as done and as due, so a rate
  never passes 100 %;
- **quizzes**: a quiz of a lesson with an item in the group's published plans is *available* once
  such an item has begun (or once the youth answered it); *answered* when the youth tried it at
  least once; a youth's *best score* is their best try (score / questions) in percent, and the
  average is over the quizzes they answered.
"""

import datetime
import zoneinfo
from dataclasses import dataclass, field

from django.db.models import (
    Case,
    Count,
    DateField,
    Exists,
    ExpressionWrapper,
    F,
    FloatField,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Cast, Coalesce
from django.utils import timezone

from activities.models import (
    SELF_PACED_FORMATS,
    Assignment,
    CheckIn,
    CheckInPrompt,
    ItemDone,
    Quiz,
    QuizAttempt,
    ShowcasePiece,
    Submission,
)
from camp.models import Enrollment, Group, Participant, Phase
from courses.models import Plan, PlanItem
from reports.attendance import percent


def _count(queryset, column: str = "pk", *, distinct: bool = False) -> Coalesce:
    """COUNT of a correlated subquery as an integer expression (0 when there is no row)."""
    counted = (
        queryset.order_by().values(_one=Value(1)).annotate(n=Count(column, distinct=distinct)).values("n")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def _sum(queryset, expression) -> Coalesce:
    """SUM of a correlated subquery as a float expression (0.0 when there is no row)."""
    summed = queryset.order_by().values(_one=Value(1)).annotate(n=Sum(expression)).values("n")
    return Coalesce(Subquery(summed, output_field=FloatField()), Value(0.0))


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


# --- Self-study and quizzes ---------------------------------------------------------------------


def _plan_items(scope: Q, group_ref) -> QuerySet[PlanItem]:
    """Items of the group's (`group_ref`, an OuterRef) published plans in `scope` (on PlanItem)."""
    return PlanItem.objects.filter(scope, plan__group=group_ref, plan__status=Plan.Status.PUBLISHED)


def _best_attempts() -> QuerySet[QuizAttempt]:
    """Each youth's best try at each quiz, one row per (youth, quiz): no other try of theirs has a
    better share right (score × total cross-multiplied, no division), nor the same share and a later id."""
    mine = ExpressionWrapper(F("score") * OuterRef("total"), output_field=IntegerField())
    theirs = ExpressionWrapper(OuterRef("score") * F("total"), output_field=IntegerField())
    better = (
        QuizAttempt.objects.filter(participant=OuterRef("participant_id"), quiz=OuterRef("quiz_id"))
        .alias(_mine=mine, _theirs=theirs)
        .filter(Q(_mine__gt=F("_theirs")) | Q(_mine=F("_theirs"), pk__gt=OuterRef("pk")))
    )
    return QuizAttempt.objects.alias(_beaten=Exists(better)).filter(_beaten=False)


BEST_PERCENT = Cast("score", FloatField()) * Value(100.0) / Cast("total", FloatField())


def study_figures(scope: Q, youth: Q, group_ref: str) -> dict:
    """Annotations (on a Participant or a Group row) of self-study and quizzes: items done and due,
    quizzes answered and available, the sum of best scores (%). `scope` filters PlanItem; `youth`
    filters the rows of the youth counted (relative to the annotated row); `group_ref` names the
    group's id on the annotated row. Counts for the due items and quizzes are of the group, the rest
    sums over its youth (on a Group row), or the youth's own (on a Participant row)."""
    now = timezone.now()
    self_paced = Q(lesson__format__in=SELF_PACED_FORMATS)
    items = _plan_items(scope, OuterRef(group_ref)).filter(self_paced)
    done = ItemDone.objects.filter(
        youth,
        plan_item__in=PlanItem.objects.filter(scope, self_paced, plan__status=Plan.Status.PUBLISHED),
        plan_item__plan__group=OuterRef(group_ref),
    )
    # A quiz counts for the group when a lesson of its plans has it; it is due once such an item began.
    quiz_items = _plan_items(scope, OuterRef(OuterRef(group_ref))).filter(lesson=OuterRef("lesson_id"))
    quizzes_due = Quiz.objects.filter(Exists(quiz_items.filter(starts_at__lte=now)))
    attempt_items = _plan_items(scope, OuterRef(OuterRef(group_ref))).filter(lesson=OuterRef("quiz__lesson"))
    best = _best_attempts().filter(youth, Exists(attempt_items))
    return {
        "study_items_due": _count(items.filter(starts_at__lte=now)),
        "study_done": _count(done),
        "study_done_early": _count(done.filter(plan_item__starts_at__gt=now)),
        "study_quizzes_due": _count(quizzes_due),
        "study_answered": _count(best),
        "study_answered_early": _count(best.exclude(Exists(attempt_items.filter(starts_at__lte=now)))),
        "study_best_sum": _sum(best, BEST_PERCENT),
    }


STUDY_COLUMNS = [
    "study_items_due",
    "study_done",
    "study_done_early",
    "study_quizzes_due",
    "study_answered",
    "study_answered_early",
    "study_best_sum",
]


@dataclass
class Study:
    """Self-study and quiz figures, summable (a country's are its groups' sums)."""

    self_paced_done: int = 0
    self_paced_due: int = 0
    quizzes_answered: int = 0
    quizzes_available: int = 0
    quiz_best_sum: float = 0.0

    @classmethod
    def of(cls, youth: int, items_due, done, done_early, quizzes_due, answered, answered_early, best_sum):
        """From study_figures' columns; `youth` youth each owe every due item and quiz."""
        return cls(
            self_paced_done=done,
            self_paced_due=youth * items_due + done_early,
            quizzes_answered=answered,
            quizzes_available=youth * quizzes_due + answered_early,
            quiz_best_sum=float(best_sum or 0),
        )

    @property
    def self_paced_rate(self) -> float | None:
        return percent(self.self_paced_done, self.self_paced_due)

    @property
    def quiz_rate(self) -> float | None:
        return percent(self.quizzes_answered, self.quizzes_available)

    @property
    def quiz_average(self) -> float | None:
        """The average best score (%) over the quizzes answered."""
        if not self.quizzes_answered:
            return None
        return round(self.quiz_best_sum / self.quizzes_answered, 1)


# --- Per youth (the nomination page) ----------------------------------------------------------


@dataclass
class YouthLife:
    checkins: int = 0
    prompt_days: int = 0
    homework_handed_in: int = 0
    homework_accepted: int = 0
    homework_assigned: int = 0
    showcase: int = 0
    study: Study = field(default_factory=Study)

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
        prompt_scope, assignment_scope, piece_scope, item_scope = (
            Q(phase__camp_id=group.camp_id),
            Q(plan_item__plan__phase__camp_id=group.camp_id),
            Q(),
            Q(plan__phase__camp_id=group.camp_id),
        )
    else:
        prompt_scope, assignment_scope, piece_scope, item_scope = (
            Q(phase=phase),
            Q(plan_item__plan__phase=phase),
            _phase_pieces(group, phase),
            Q(plan__phase=phase),
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
            **study_figures(item_scope, Q(participant=OuterRef("pk")), "group_id"),
        )
        .values_list(
            "pk",
            "life_checkins",
            "life_prompt_days",
            "life_handed_in",
            "life_accepted",
            "life_assigned",
            "life_showcase",
            *STUDY_COLUMNS,
        )
        .order_by()
    )
    return {pk: YouthLife(*row[:6], Study.of(1, *row[6:])) for pk, *row in rows}


# --- Per group and per country (the dashboard and its exports) -------------------------------


@dataclass
class LifeTally:
    youth: int = 0
    checkins: int = 0
    checkins_expected: int = 0
    homework_handed_in: int = 0
    homework_accepted: int = 0
    homework_expected: int = 0
    study: Study = field(default_factory=Study)

    def add(self, other: "LifeTally") -> None:
        for name in (
            "self_paced_done",
            "self_paced_due",
            "quizzes_answered",
            "quizzes_available",
            "quiz_best_sum",
        ):
            setattr(self.study, name, getattr(self.study, name) + getattr(other.study, name))
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
    prompt_scope, assignment_scope, item_scope = (
        Q(phase__camp_id__in=camp_ids),
        Q(plan_item__plan__phase__camp_id__in=camp_ids),
        Q(plan__phase__camp_id__in=camp_ids),
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
            **study_figures(item_scope, Q(participant__group=OuterRef("pk")), "pk"),
        )
        .values_list(
            "pk",
            "life_youth",
            "life_prompt_days",
            "life_checkins",
            "life_assigned",
            "life_handed_in",
            "life_accepted",
            *STUDY_COLUMNS,
        )
        .order_by()
    )
    result = {}
    for pk, youth, prompt_days, checkins_done, assigned, handed_in, accepted, *study in rows:
        result[pk] = LifeTally(
            youth=youth,
            checkins=checkins_done,
            checkins_expected=youth * prompt_days,
            homework_handed_in=handed_in,
            homework_accepted=accepted,
            homework_expected=youth * assigned,
            study=Study.of(youth, *study),
        )
    return result


# --- One group's self-study and quizzes, youth by item (reports:group_study) ---------------------


@dataclass
class QuizCell:
    score: int
    total: int
    tries: int

    @property
    def percent(self) -> float | None:
        return percent(self.score, self.total)


@dataclass
class StudyGrid:
    items: list  # the self-paced PlanItems, in time order
    quizzes: list  # (Quiz, the first PlanItem of its lesson), in time order
    rows: list  # (Participant, [ItemDone row or None per item], [QuizCell or None per quiz])


def study_grid(group: Group, phase: Phase | None = None) -> StudyGrid:
    """Who of the group did which self-paced class (and when), and each youth's best try and tries
    per quiz of the group's published plans (of `phase`, or of all the camp's phases); four queries,
    whatever the number of youth."""
    scope = Q(plan__phase=phase) if phase is not None else Q(plan__phase__camp_id=group.camp_id)
    of_group = PlanItem.objects.filter(scope, plan__group=group, plan__status=Plan.Status.PUBLISHED)
    items = list(of_group.select_related("lesson", "lesson__quiz").order_by("starts_at", "pk"))
    self_paced = [item for item in items if item.lesson.format in SELF_PACED_FORMATS]
    quizzes, seen = [], set()
    for item in items:
        quiz = getattr(item.lesson, "quiz", None)
        if quiz is not None and quiz.pk not in seen:
            seen.add(quiz.pk)
            quizzes.append((quiz, item))
    participants = list(group.participants.order_by("family_name", "given_name", "pk"))
    done = {
        (participant_id, item_id): (done_at, how)
        for participant_id, item_id, done_at, how in ItemDone.objects.filter(
            participant__group=group, plan_item__in=of_group.filter(lesson__format__in=SELF_PACED_FORMATS)
        ).values_list("participant_id", "plan_item_id", "done_at", "how")
    }
    tries = QuizAttempt.objects.filter(participant=OuterRef("participant_id"), quiz=OuterRef("quiz_id"))
    best = {
        (participant_id, quiz_id): QuizCell(score, total, count)
        for participant_id, quiz_id, score, total, count in _best_attempts()
        .filter(participant__group=group, quiz__lesson__in=of_group.values("lesson"))
        .annotate(tries=_count(tries))
        .values_list("participant_id", "quiz_id", "score", "total", "tries")
    }
    rows = [
        (
            p,
            [done.get((p.pk, item.pk)) for item in self_paced],
            [best.get((p.pk, quiz.pk)) for quiz, _item in quizzes],
        )
        for p in participants
    ]
    return StudyGrid(self_paced, quizzes, rows)
