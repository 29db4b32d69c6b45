import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from activities.models import ItemDone, Quiz, QuizAttempt
from activities.services import progress
from camp.errors import DomainError
from tests.activities.conftest import QUIZ_EN, QUIZ_ZH


@pytest.mark.django_db
def test_marking_done_counts_once_and_only_self_paced(youth, youth_participant, study_items):
    progress.item_mark_done(by=youth, participant=youth_participant, item=study_items["self_study"])
    progress.item_mark_done(by=youth, participant=youth_participant, item=study_items["self_study"])
    progress.item_mark_done(by=youth, participant=youth_participant, item=study_items["video"], watched=True)
    with pytest.raises(DomainError):
        progress.item_mark_done(by=youth, participant=youth_participant, item=study_items["live"])
    assert sorted(ItemDone.objects.values_list("how", flat=True)) == ["marked", "watched"]
    summary = progress.progress_for(youth_participant)
    assert (summary["done"], summary["total"]) == (2, 2)


@pytest.mark.django_db
def test_only_the_youth_marks_their_own(youth_participant, other_youth, teacher, study_items):
    for outsider in (other_youth, teacher):
        with pytest.raises(PermissionDenied):
            progress.item_mark_done(
                by=outsider, participant=youth_participant, item=study_items["self_study"]
            )
    assert not ItemDone.objects.exists()


@pytest.mark.django_db
def test_another_groups_class_is_404(client, other_youth, study_items):
    client.force_login(other_youth)
    item = study_items["self_study"]
    assert client.get(reverse("activities:study_item", args=[item.pk])).status_code == 404
    assert client.post(reverse("activities:item_done", args=[item.pk])).status_code == 404
    assert not ItemDone.objects.exists()


@pytest.mark.django_db
def test_the_page_posts_watched_and_marks_done(client, youth, youth_participant, study_items):
    client.force_login(youth)
    item = study_items["video"]
    page = client.get(reverse("activities:study_item", args=[item.pk]))
    assert b"<video" in page.content and b"data-done-url" in page.content
    response = client.post(reverse("activities:item_done", args=[item.pk]), {"watched": "1"})
    assert response.status_code == 302
    assert ItemDone.objects.get(participant=youth_participant, plan_item=item).how == ItemDone.How.WATCHED
    home = client.get(reverse("my_camp"))
    assert '<progress max="2" value="1">' in home.content.decode()


@pytest.mark.django_db
def test_quiz_in_two_languages_marked_retries_best_kept(client, youth, youth_participant, study_items, quiz):
    assert quiz.questions[0]["text"]["en"] == "How many strokes has 永?"
    assert [q["answer"] for q in quiz.questions] == [0, 1]
    item = study_items["self_study"]
    client.force_login(youth)
    url = reverse("activities:quiz_answer", args=[item.pk])
    client.post(url, {"q0": "0", "q1": "1"})
    client.post(url, {"q0": "1", "q1": "1"})
    assert sorted(QuizAttempt.objects.values_list("score", flat=True)) == [1, 2]
    assert progress.best_scores(youth_participant) == {item.lesson_id: 2}
    page = client.get(reverse("activities:study"), HTTP_ACCEPT_LANGUAGE="en")
    with translation.override(page.headers["Content-Language"]):
        expected = gettext("best %(score)s of %(total)s") % {"score": 2, "total": 2}
    assert expected in page.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "data", [{}, {"q0": "0"}, {"q0": "0", "q1": "9"}, {"q0": "-1", "q1": "0"}, {"q0": "x", "q1": "0"}]
)
def test_malformed_answers_write_nothing(client, youth, study_items, quiz, data):
    client.force_login(youth)
    response = client.post(reverse("activities:quiz_answer", args=[study_items["self_study"].pk]), data)
    assert response.status_code == 302
    assert not QuizAttempt.objects.exists()


@pytest.mark.django_db
def test_teacher_of_the_lesson_edits_the_quiz_others_do_not(client, teacher, make_user, study_items):
    from camp.models import User

    lesson = study_items["self_study"].lesson
    url = reverse("activities:quiz_edit", args=[lesson.pk])
    stranger = make_user(User.Role.TEACHER)
    client.force_login(stranger)
    assert client.post(url, {"text_zh_hans": QUIZ_ZH}).status_code == 403
    assert not Quiz.objects.exists()
    client.force_login(teacher)
    assert client.get(url).status_code == 200
    assert client.post(url, {"text_zh_hans": QUIZ_ZH, "text_en": QUIZ_EN}).status_code == 302
    assert Quiz.objects.get(lesson=lesson).total == 2


@pytest.mark.django_db
@pytest.mark.parametrize(
    "texts",
    [
        {"text_zh_hans": ""},
        {"text_zh_hans": "问题\n- 一\n- 二"},  # no right answer
        {"text_zh_hans": "问题\n* 一\n* 二"},  # two right answers
        {"text_zh_hans": "问题\n* 只有一个"},  # one choice
        {"text_zh_hans": "问题\n一\n二"},  # choices without a mark
        {"text_zh_hans": QUIZ_ZH, "text_en": "Only one question?\n* Yes\n- No"},  # shapes differ
        {"text_zh_hans": QUIZ_ZH, "text_en": QUIZ_EN.replace("* Five\n- Eight", "- Five\n* Eight")},
    ],
)
def test_malformed_quiz_writes_nothing(client, teacher, study_items, texts):
    client.force_login(teacher)
    response = client.post(reverse("activities:quiz_edit", args=[study_items["self_study"].lesson.pk]), texts)
    assert response.status_code == 400
    assert not Quiz.objects.exists()


@pytest.mark.django_db
def test_quiz_shown_in_the_readers_language(client, youth, study_items, quiz):
    youth.preferred_language = "en"
    youth.save()
    client.force_login(youth)
    page = client.get(reverse("activities:study_item", args=[study_items["self_study"].pk])).content.decode()
    assert "How many strokes has 永?" in page and "“永”字有几笔？" not in page
    youth.preferred_language = "th"  # not written in Thai: the Chinese source is shown
    youth.save()
    page = client.get(reverse("activities:study_item", args=[study_items["self_study"].pk])).content.decode()
    assert "“永”字有几笔？" in page
