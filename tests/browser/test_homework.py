"""Homework feedback end to end: the youth on a phone hands in a photo, the teacher on a desktop
returns it with a comment, the youth reads it, hands in again, and the teacher accepts it."""

import datetime
import io
import os

import pytest
from django.conf import settings
from django.utils import timezone
from PIL import Image
from playwright.sync_api import expect

from activities.models import Submission
from activities.services import homework
from courses.models import Plan
from tests import factories
from tests.live.servers import session_cookie_value

pytestmark = pytest.mark.django_db(transaction=True)
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1366, "height": 768}
SHOTS = os.environ.get("QIAOCAMP_SCREENSHOTS", "")
OVERFLOW = "document.documentElement.scrollWidth <= window.innerWidth"


def _as(new_page, live_server, user, viewport):
    page = new_page(viewport=viewport)
    page.context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": session_cookie_value(user), "url": live_server.url}]
    )
    return page


def _shot(page, name):
    if SHOTS:
        page.screenshot(path=os.path.join(SHOTS, f"{name}.png"), full_page=True)


def _jpeg(path, color):
    out = io.BytesIO()
    Image.new("RGB", (600, 400), color).save(out, "JPEG")
    path.write_bytes(out.getvalue())
    return str(path)


def test_youth_teacher_youth_homework_feedback(
    new_page, live_server, group, phase, teacher, youth, youth_participant, tmp_path
):
    plan = factories.plan(group, phase, status=Plan.Status.PUBLISHED)
    item = factories.plan_item(
        plan,
        factories.lesson("书法 Calligraphy", 45),
        timezone.now() - datetime.timedelta(hours=2),
        minutes=45,
        teacher=teacher,
    )
    due = timezone.localtime(timezone.now() + datetime.timedelta(days=1), group.zone).replace(tzinfo=None)
    assignment = homework.assignment_save(
        by=teacher,
        item=item,
        due_local=due,
        kinds=["photo", "text"],
        instructions="用毛笔写“永”字，拍照上传。",
    )

    kid = _as(new_page, live_server, youth, PHONE)
    kid.goto(f"{live_server.url}/my/")
    homework_card = kid.locator("section", has=kid.locator("#homework-card-title"))
    homework_card.get_by_role("link", name="书法 Calligraphy").click()
    expect(kid.locator(".instructions")).to_contain_text("永")
    kid.locator("input[name=file]").set_input_files(_jpeg(tmp_path / "yong.jpg", (20, 20, 20)))
    kid.locator("textarea[name=text]").fill("老师，这是我的永字。")
    kid.locator("form[action$='/hand-in/'] button[type=submit]").click()
    expect(kid.locator(".badge.state-handed_in")).to_be_visible()
    assert kid.evaluate(OVERFLOW)
    _shot(kid, "homework-youth-handed-in")

    adult = _as(new_page, live_server, teacher, DESKTOP)
    adult.goto(f"{live_server.url}/")
    adult.locator("#activities-home-title ~ p a[href$='/activities/homework/review/']").click()
    adult.get_by_role("link", name=youth_participant.full_name).click()
    expect(adult.locator(".round img.activity-thumb")).to_be_visible()
    adult.locator("input[name=outcome][value=returned]").check()
    adult.locator("textarea[name=comment]").fill("横要写平，再写一遍。")
    adult.locator("input[name=mark]").fill("B")
    _shot(adult, "homework-teacher-review")
    adult.locator("#review-title ~ form button[type=submit]").click()
    expect(adult.locator(".review-queue li.muted")).to_have_count(1)

    kid.goto(f"{live_server.url}/my/")
    homework_card = kid.locator("section", has=kid.locator("#homework-card-title"))
    expect(homework_card.locator(".notice")).to_be_visible()
    kid.goto(f"{live_server.url}/activities/homework/{assignment.pk}/")
    expect(kid.locator(".feedback-returned")).to_contain_text("横要写平")
    _shot(kid, "homework-youth-returned")
    kid.locator("input[name=file]").set_input_files(_jpeg(tmp_path / "yong2.jpg", (0, 0, 0)))
    kid.locator("form[action$='/hand-in/'] button[type=submit]").click()
    expect(kid.locator(".badge.state-handed_in_again")).to_be_visible()

    adult.goto(f"{live_server.url}/activities/homework/review/")
    adult.get_by_role("link", name=youth_participant.full_name).click()
    adult.locator("input[name=outcome][value=accepted]").check()
    adult.locator("textarea[name=comment]").fill("很好！")
    adult.locator("#review-title ~ form button[type=submit]").click()

    kid.goto(f"{live_server.url}/activities/homework/{assignment.pk}/")
    expect(kid.locator(".badge.state-accepted")).to_be_visible()
    expect(kid.locator(".feedback-accepted")).to_contain_text("很好")
    assert kid.evaluate(OVERFLOW)
    _shot(kid, "homework-youth-accepted")
    submission = Submission.objects.get()
    assert submission.state == Submission.State.ACCEPTED and submission.rounds.count() == 2
