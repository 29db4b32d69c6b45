"""Self-study and the showcase end to end: the youth on a phone opens their plan, marks a self-study
class done, opens its quiz, answers one wrong (sees the score), tries again and passes; a classmate
reacts to the youth's approved work; the teacher sees who reacted and turns reactions off."""

import datetime
import os

import pytest
from django.conf import settings
from django.utils import timezone
from playwright.sync_api import expect

from activities.models import ItemDone, QuizAttempt, Reaction, ShowcasePiece
from activities.services import progress, showcase
from camp.models import Participant
from camp.services.consent import consent_record_paper
from courses.models import Lesson, Plan
from tests import factories
from tests.activities import files
from tests.live.servers import session_cookie_value

pytestmark = pytest.mark.django_db(transaction=True)
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1366, "height": 768}
SHOTS = os.environ.get("QIAOCAMP_SCREENSHOTS", "")
OVERFLOW = "document.documentElement.scrollWidth <= window.innerWidth"
QUIZ_ZH = "“永”字有几笔？\n* 五笔\n- 八笔\n\n“书法”的“书”是什么意思？\n- 书本\n* 写"
QUIZ_EN = "How many strokes has 永?\n* Five\n- Eight\n\nWhat does 书 mean in 书法?\n- Book\n* To write"


def _as(new_page, live_server, user, viewport):
    page = new_page(viewport=viewport)
    page.context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": session_cookie_value(user), "url": live_server.url}]
    )
    return page


def _shot(page, name):
    if SHOTS:
        page.screenshot(path=os.path.join(SHOTS, f"{name}.png"), full_page=True)


def test_youth_studies_takes_the_quiz_classmate_reacts_teacher_turns_reactions_off(
    new_page, live_server, group, phase, teacher, coordinator, youth, youth_participant
):
    youth.preferred_language = "en"
    youth.save(update_fields=["preferred_language"])
    plan = factories.plan(group, phase, status=Plan.Status.PUBLISHED)
    lesson = factories.lesson("书法自学", 30, format=Lesson.Format.SELF_STUDY)
    item = factories.plan_item(plan, lesson, timezone.now() - datetime.timedelta(hours=3), teacher=teacher)
    progress.quiz_save(by=teacher, lesson=lesson, texts={"zh-hans": QUIZ_ZH, "en": QUIZ_EN})
    for participant in (youth_participant,):
        consent_record_paper(
            by=coordinator,
            participant=participant,
            agreed={"participation", "showcase_group"},
            method=Participant.ConsentMethod.PAPER,
        )
    piece = showcase.piece_moderate(
        by=teacher,
        piece=showcase.piece_submit(
            by=youth, participant=youth_participant, title="我的剪纸", file=files.photo()
        ),
        action="approve",
    )
    classmate = factories.participant(group, given_name="小明", family_name="王", preferred_language="en")

    kid = _as(new_page, live_server, youth, PHONE)
    kid.goto(f"{live_server.url}/my/")
    kid.locator(".my-camp-classes a[href*='/plans/']").first.click()
    actions = kid.locator(".plan-item", has_text="书法自学").locator(".study-actions")
    actions.locator("button.mark-done").click()
    expect(kid.locator(".plan-item", has_text="书法自学").locator(".badge.done")).to_be_visible()
    assert ItemDone.objects.filter(participant=youth_participant, plan_item=item).exists()
    assert kid.evaluate(OVERFLOW)
    _shot(kid, "self-study-plan-done")

    kid.locator(".plan-item", has_text="书法自学").locator("a.quiz-link").click()
    expect(kid.locator("#quiz")).to_contain_text("How many strokes has 永?")
    kid.locator("input[name=q0][value='0']").check()
    kid.locator("input[name=q1][value='0']").check()  # wrong: 书 is "to write"
    kid.locator("#quiz button[type=submit]").click()
    expect(kid.locator("body")).to_contain_text("1 of 2 right.")
    expect(kid.locator("#quiz")).to_contain_text("Your best: 1 of 2.")
    _shot(kid, "self-study-quiz-one-wrong")
    kid.locator("input[name=q0][value='0']").check()
    kid.locator("input[name=q1][value='1']").check()
    kid.locator("#quiz button[type=submit]").click()
    expect(kid.locator("body")).to_contain_text("2 of 2 right.")
    expect(kid.locator("#quiz")).to_contain_text("Your best: 2 of 2.")
    assert kid.evaluate(OVERFLOW)
    _shot(kid, "self-study-quiz-passed")
    assert sorted(QuizAttempt.objects.values_list("score", flat=True)) == [1, 2]

    friend = _as(new_page, live_server, classmate.user, PHONE)
    friend.goto(f"{live_server.url}/activities/showcase/")
    card = friend.locator(f"#piece-{piece.pk}")
    card.locator("button.reaction[value=heart]").click()
    card = friend.locator(f"#piece-{piece.pk}")
    expect(card.locator("button.reaction[value=heart]")).to_have_attribute("aria-pressed", "true")
    expect(card.locator("button.reaction[value=heart] .count")).to_have_text("1")
    assert friend.evaluate(OVERFLOW)
    _shot(friend, "showcase-classmate-reacted")
    assert Reaction.objects.get().participant == classmate

    adult = _as(new_page, live_server, teacher, DESKTOP)
    adult.goto(f"{live_server.url}/activities/showcase/")
    card = adult.locator(f"#piece-{piece.pk}")
    card.locator(".reaction-names summary").click()
    expect(card.locator(".reaction-names")).to_contain_text(classmate.display_name)
    _shot(adult, "showcase-teacher-names")
    card.locator("form[action$='/reactions/'] button").click()
    expect(adult.locator(f"#piece-{piece.pk} .reactions-off")).to_be_visible()
    _shot(adult, "showcase-teacher-reactions-off")
    assert ShowcasePiece.objects.get(pk=piece.pk).reactions_on is False

    friend.reload()
    expect(friend.locator(f"#piece-{piece.pk} button.reaction")).to_have_count(0)
