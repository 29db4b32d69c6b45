"""Self-study and quizzes on the report pages: the group's grid (reports:group_study), its links,
its phase parameter and query count, and the new columns of the dashboard, the group report, the
nomination page and the exports."""

import csv
import datetime
import io

import pytest
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

from activities.models import ItemDone, Quiz, QuizAttempt
from courses.models import Lesson
from tests import factories

pytestmark = pytest.mark.django_db
HOUR = datetime.timedelta(hours=1)
QUESTION = {"text": {"zh-hans": "几笔？"}, "choices": [{"zh-hans": "五"}, {"zh-hans": "八"}], "answer": 0}


@pytest.fixture
def study(world):
    """In the running phase: a self-study class (done by the Thai youth), a recorded one begun, a
    live class with a 4-question quiz the Thai youth tried twice (best 3), and a later self-study
    class; in a finished phase another self-study class."""
    now = timezone.now()
    plan = factories.plan_of(world.group, world.phase)
    teacher = world.teacher
    self_study = factories.plan_item(
        plan,
        factories.lesson("书法自学", 30, format=Lesson.Format.SELF_STUDY),
        now - 3 * HOUR,
        teacher=teacher,
    )
    video = factories.plan_item(
        plan, factories.lesson("茶艺录播", 20, format=Lesson.Format.VIDEO), now - 2 * HOUR, teacher=teacher
    )
    live = factories.plan_item(plan, factories.lesson("剪纸直播", 45), now - HOUR, teacher=teacher)
    later = factories.plan_item(
        plan,
        factories.lesson("明日自学", 30, format=Lesson.Format.SELF_STUDY),
        now + 24 * HOUR,
        teacher=teacher,
    )
    quiz = Quiz.objects.create(lesson=live.lesson, questions=[QUESTION] * 4)
    youth = world.youth_participant
    ItemDone.objects.create(participant=youth, plan_item=self_study)
    for score in (3, 1):
        QuizAttempt.objects.create(quiz=quiz, participant=youth, answers=[0] * 4, score=score, total=4)
    past = factories.finished_phase(world.camp, world.group, number=5)
    old = factories.plan_item(
        factories.plan_of(world.group, past),
        factories.lesson("旧自学", 30, format=Lesson.Format.SELF_STUDY),
        now - 40 * 24 * HOUR,
        teacher=teacher,
    )
    return {
        "self_study": self_study,
        "video": video,
        "live": live,
        "later": later,
        "quiz": quiz,
        "past": past,
        "old": old,
    }


def test_the_grid_shows_who_did_what_and_the_best_try(client, world, study):
    client.force_login(world.teacher)
    response = client.get(reverse("reports:group_study", args=[world.group.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    grid = response.context["grid"]
    assert [item.pk for item in grid.items] == [
        study["old"].pk,
        study["self_study"].pk,
        study["video"].pk,
        study["later"].pk,
    ]
    assert [quiz.pk for quiz, _item in grid.quizzes] == [study["quiz"].pk]
    youth = world.youth_participant
    row = next(r for r in grid.rows if r[0].pk == youth.pk)
    assert [bool(cell) for cell in row[1]] == [False, True, False, False]
    (cell,) = row[2]
    assert (cell.score, cell.total, cell.tries) == (3, 4, 2)
    assert youth.display_name in html
    assert youth.family_name not in html  # the display name: given name and initial
    assert "3 / 4" in html


@pytest.mark.parametrize("value", ["abc", "-1", "0", "99999999999999999999", "1.0", "١", " 1", "%00"])
def test_a_malformed_or_foreign_phase_is_not_found(client, world, study, value):
    client.force_login(world.organizer)
    url = reverse("reports:group_study", args=[world.group.pk])
    assert client.get(url, {"phase": value}).status_code == 404
    # Another camp's phase, or a phase the group is not approved in, neither.
    other = factories.open_phase(world.camp, number=6)
    assert client.get(url, {"phase": other.pk}).status_code == 404


def test_one_phase_only(client, world, study):
    client.force_login(world.organizer)
    url = reverse("reports:group_study", args=[world.group.pk])
    grid = client.get(url, {"phase": study["past"].pk}).context["grid"]
    assert [item.pk for item in grid.items] == [study["old"].pk]
    assert grid.quizzes == []
    assert client.get(url, {"phase": ""}).status_code == 200


def test_outsiders(client, world, study):
    url = reverse("reports:group_study", args=[world.group.pk])
    other_teacher = factories.user("teacher")
    for user, status in {
        world.youth: 404,
        world.other_youth: 404,
        world.other_coordinator: 404,
        other_teacher: 403,
        world.coordinator: 200,
    }.items():
        client.force_login(user)
        assert client.get(url).status_code == status, user
    client.logout()
    assert client.get(url).status_code == 302


def test_the_page_is_linked_where_teachers_look(client, world, study):
    client.force_login(world.teacher)
    url = reverse("reports:group_study", args=[world.group.pk])
    assert url in client.get(reverse("reports:group", args=[world.group.pk])).content.decode()
    assert url in client.get(reverse("reports:index")).content.decode()
    assert url in client.get(reverse("reports:group_certificates", args=[world.group.pk])).content.decode()
    assert reverse("reports:index") in client.get("/").content.decode()


def test_queries_do_not_grow_with_youth(client, world, study, django_assert_max_num_queries):
    client.force_login(world.teacher)
    url = reverse("reports:group_study", args=[world.group.pk])

    def more(count):
        for n in range(count):
            member = factories.participant(world.group, given_name=f"Y{n}{count}")
            ItemDone.objects.create(participant=member, plan_item=study["video"])
            QuizAttempt.objects.create(
                quiz=study["quiz"], participant=member, answers=[0] * 4, score=2, total=4
            )

    more(2)
    with django_assert_max_num_queries(30) as small:
        assert client.get(url).status_code == 200
    more(8)
    with django_assert_max_num_queries(len(small.captured_queries)) as large:
        assert client.get(url).status_code == 200
    assert len(large.captured_queries) == len(small.captured_queries)


def test_dashboard_group_report_nominations_and_exports_carry_the_figures(client, world, study):
    client.force_login(world.organizer)
    dashboard = client.get(reverse("reports:camp", args=[world.camp.pk]))
    figures = {key: value for key, _label, value in dashboard.context["report"].figures}
    # Youth of the group: the Thai youth only; two self-paced classes begun in the running phase and
    # one in the finished phase: 1 done of 3; one quiz, answered, best 75 %.
    assert (figures["self_study"], figures["quizzes"], figures["quiz_average"]) == (33.3, 100.0, 75.0)
    tables = {t.key: t for t in dashboard.context["tables"]}
    with translation.override("zh-hans"):
        header = gettext("Self-study done (%)")
    group_row = next(r for r in tables["groups"].rows if r[0] == world.group.name)
    assert group_row[-3:] == [33.3, 100.0, 75.0]
    response = client.get(
        reverse("reports:camp_export", args=[world.camp.pk, "csv"]), HTTP_ACCEPT_LANGUAGE="zh-hans"
    )
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert any(header in row for row in rows)
    assert any(row[:1] == [world.group.name] and row[-3:] == ["33.3", "100.0", "75.0"] for row in rows)
    report = client.get(reverse("reports:group", args=[world.group.pk]))
    assert 'data-figure="self_study"' in report.content.decode()
    youth_table = next(t for t in report.context["report"].tables() if t.key == "youth")
    thai = next(r for r in youth_table.rows if r[0] == world.youth_participant.full_name)
    assert thai[-5:] == [1, 3, 1, 1, 75.0]
    page = client.get(reverse("reports:group_certificates", args=[world.group.pk]), {"sort": "quizzes"})
    html = page.content.decode()
    by_phase = {
        section["phase"].pk: {s.participant.pk: s.life.study for s in section["standings"]}
        for section in page.context["sections"]
    }
    running, past = (
        by_phase[world.phase.pk][world.youth_participant.pk],
        by_phase[study["past"].pk][world.youth_participant.pk],
    )
    assert (
        running.self_paced_done,
        running.self_paced_due,
        running.quizzes_answered,
        running.quiz_average,
    ) == (1, 2, 1, 75.0)
    assert (past.self_paced_done, past.self_paced_due, past.quizzes_available) == (0, 1, 0)
    assert 'class="standing-self-study">1 / 2 (50' in html
    assert 'class="standing-quizzes">1 / 1 · 75' in html
