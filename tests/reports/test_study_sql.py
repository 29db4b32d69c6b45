"""Self-study and quizzes in the reports (reports/camp_life.py): the SQL figures per youth and per
group agree with a plain Python count over the raw rows, on random plans, marks and tries."""

import datetime
import random

import pytest
from django.utils import timezone

from activities.models import SELF_PACED_FORMATS, ItemDone, Quiz, QuizAttempt
from camp.models import Participant
from courses.models import Lesson, Plan, PlanItem
from reports.camp_life import group_life, youth_life
from tests import factories

pytestmark = pytest.mark.django_db
HOUR = datetime.timedelta(hours=1)
QUESTION = {"text": {"zh-hans": "几笔？"}, "choices": [{"zh-hans": "五"}, {"zh-hans": "八"}], "answer": 0}
FORMATS = [Lesson.Format.SELF_STUDY, Lesson.Format.VIDEO, Lesson.Format.LIVE, Lesson.Format.CLOUD_TOUR]


def quiz(lesson, questions: int) -> Quiz:
    return Quiz.objects.create(lesson=lesson, questions=[QUESTION] * questions)


def attempt(quiz_, participant, score: int, total: int | None = None) -> QuizAttempt:
    total = quiz_.total if total is None else total
    return QuizAttempt.objects.create(
        quiz=quiz_, participant=participant, answers=[0] * total, score=score, total=total
    )


def python_study(participant, phase=None) -> dict:
    """What the rows say, counted one by one."""
    now = timezone.now()
    items = [
        item
        for item in PlanItem.objects.filter(
            plan__group=participant.group_id, plan__status="published"
        ).select_related("lesson", "plan")
        if phase is None or item.plan.phase_id == phase.pk
    ]
    items = [i for i in items if i.plan.phase.camp_id == participant.group.camp_id]
    done_ids = set(ItemDone.objects.filter(participant=participant).values_list("plan_item_id", flat=True))
    self_paced = [i for i in items if i.lesson.format in SELF_PACED_FORMATS]
    done = [i for i in self_paced if i.pk in done_ids]
    due = [i for i in self_paced if i.starts_at <= now or i.pk in done_ids]
    lessons = {i.lesson_id for i in items}
    due_lessons = {i.lesson_id for i in items if i.starts_at <= now}
    best: dict[int, float] = {}
    for a in QuizAttempt.objects.filter(participant=participant).select_related("quiz"):
        if a.quiz.lesson_id in lessons:
            best[a.quiz_id] = max(best.get(a.quiz_id, -1.0), 100.0 * a.score / a.total)
    quizzes = Quiz.objects.filter(lesson_id__in=lessons)
    available = [q for q in quizzes if q.lesson_id in due_lessons or q.pk in best]
    return {
        "done": len(done),
        "due": len(due),
        "answered": len(best),
        "available": len(available),
        "best_sum": sum(best.values()),
    }


def random_world(world, seed: int, youth: int = 6):
    rng = random.Random(seed)
    now = timezone.now()
    groups = [world.group, world.other_group]
    members = {g.pk: list(Participant.objects.filter(group=g)) for g in groups}
    for g in groups:
        members[g.pk] += [factories.participant(g, given_name=f"Y{seed}-{n}") for n in range(youth)]
    lessons = [factories.lesson(f"课{seed}-{n}", 30, format=rng.choice(FORMATS)) for n in range(8)]
    quizzes = [quiz(lesson, rng.randint(1, 5)) for lesson in lessons if rng.random() < 0.6]
    other_phase = factories.finished_phase(world.camp, world.group, number=8)
    for g in groups:
        for phase, status in (
            (world.phase, Plan.Status.PUBLISHED),
            (other_phase, rng.choice(list(Plan.Status))),
        ):
            plan = factories.plan(g, phase, status=status)
            for lesson in rng.sample(lessons, 5):
                factories.plan_item(plan, lesson, now + rng.randint(-72, 72) * HOUR)
    items = list(PlanItem.objects.select_related("plan"))
    for g in groups:
        for member in members[g.pk]:
            for item in items:
                # Also marks on another group's items or a draft plan's: they must not count.
                if rng.random() < 0.4:
                    ItemDone.objects.get_or_create(participant=member, plan_item=item)
            for q in quizzes:
                for _ in range(rng.choice([0, 0, 1, 2, 3])):
                    total = q.total if rng.random() < 0.8 else q.total + 1  # the quiz was rewritten since
                    attempt(q, member, rng.randint(0, total), total)
    return groups, members, other_phase


@pytest.mark.parametrize("seed", [1, 2, 3, 4])
def test_sql_figures_equal_the_python_count(world, seed):
    groups, members, other_phase = random_world(world, seed)
    tallies = group_life([world.camp.pk])
    for g in groups:
        for phase in (None, world.phase, other_phase):
            figures = youth_life(g, phase)
            for member in members[g.pk]:
                expected = python_study(member, phase)
                study = figures[member.pk].study
                assert (study.self_paced_done, study.self_paced_due) == (expected["done"], expected["due"])
                assert (study.quizzes_answered, study.quizzes_available) == (
                    expected["answered"],
                    expected["available"],
                )
                assert study.quiz_best_sum == pytest.approx(expected["best_sum"])
        whole = [python_study(m) for m in members[g.pk]]
        tally = tallies[g.pk].study
        assert tally.self_paced_done == sum(e["done"] for e in whole)
        assert tally.self_paced_due == sum(e["due"] for e in whole)
        assert tally.quizzes_answered == sum(e["answered"] for e in whole)
        assert tally.quizzes_available == sum(e["available"] for e in whole)
        assert tally.quiz_best_sum == pytest.approx(sum(e["best_sum"] for e in whole))
        assert tally.self_paced_done and tally.quizzes_answered  # the random world is not empty


def test_best_try_rates_and_ties(world):
    """The best try counts (not the last, not the sum); two equal best tries count once; a draft
    plan's item and a future item count for nobody until done."""
    now = timezone.now()
    plan = factories.plan_of(world.group, world.phase)
    study = factories.lesson("书法自学", 30, format=Lesson.Format.SELF_STUDY)
    video = factories.lesson("茶艺录播", 20, format=Lesson.Format.VIDEO)
    later = factories.lesson("剪纸自学", 20, format=Lesson.Format.SELF_STUDY)
    live = factories.lesson("直播", 45)
    first = factories.plan_item(plan, study, now - HOUR)
    factories.plan_item(plan, video, now - 2 * HOUR)
    early = factories.plan_item(plan, later, now + 24 * HOUR)
    factories.plan_item(plan, live, now - HOUR)
    draft = factories.plan(world.group, factories.finished_phase(world.camp, world.group, number=9))
    factories.plan_item(draft, factories.lesson("草稿", 20, format=Lesson.Format.SELF_STUDY), now - HOUR)
    q1, q2 = quiz(study, 4), quiz(live, 2)
    youth = world.youth_participant
    ItemDone.objects.create(participant=youth, plan_item=first)
    ItemDone.objects.create(participant=youth, plan_item=early)  # done before it began
    attempt(q1, youth, 1)
    attempt(q1, youth, 3)
    attempt(q1, youth, 3)
    attempt(q1, youth, 2)
    mine = youth_life(world.group)[youth.pk].study
    assert (mine.self_paced_done, mine.self_paced_due, mine.self_paced_rate) == (2, 3, 66.7)
    assert (mine.quizzes_answered, mine.quizzes_available, mine.quiz_rate) == (1, 2, 50.0)
    assert mine.quiz_average == 75.0
    other = factories.participant(world.group, given_name="B")
    attempt(q2, other, 1)
    tally = group_life([world.camp.pk])[world.group.pk].study
    # Two youth owe the two begun self-paced items; the early one was done by one of them.
    assert (tally.self_paced_done, tally.self_paced_due) == (2, 2 * 2 + 1)
    assert (tally.quizzes_answered, tally.quizzes_available, tally.quiz_average) == (2, 4, 62.5)
    nobody = youth_life(world.other_group)
    assert all(s.study.self_paced_due == 0 and s.study.quiz_average is None for s in nobody.values())
