import datetime

import pytest
from django.core.files.base import ContentFile
from django.utils import timezone

from activities.services import homework, progress
from camp.models import Participant
from camp.services.consent import consent_record_paper
from courses.models import Lesson, LessonAttachment, Plan
from tests import factories


@pytest.fixture
def plan_item(group, phase, teacher):
    """A class of `group`'s published plan, taught by `teacher`, yesterday."""
    plan = factories.plan(group, phase, status=Plan.Status.PUBLISHED)
    lesson = factories.lesson("书法 Calligraphy", 45)
    return factories.plan_item(
        plan, lesson, timezone.now() - datetime.timedelta(days=1), minutes=45, teacher=teacher
    )


@pytest.fixture
def assignment(plan_item, teacher, group):
    due = timezone.localtime(timezone.now() + datetime.timedelta(days=1), group.zone).replace(tzinfo=None)
    return homework.assignment_save(
        by=teacher, item=plan_item, due_local=due, instructions="写“永”字。", kinds=["photo", "text"]
    )


@pytest.fixture(autouse=True)
def _small_caps(monkeypatch):
    from activities.services import uploads

    monkeypatch.setattr(uploads, "PHOTO_MAX_BYTES", 200_000)
    monkeypatch.setattr(uploads, "VIDEO_MAX_BYTES", 50_000)


QUIZ_ZH = "“永”字有几笔？\n* 五笔\n- 八笔\n\n“书法”的“书”是什么意思？\n- 书本\n* 写"
QUIZ_EN = "How many strokes has 永?\n* Five\n- Eight\n\nWhat does 书 mean in 书法?\n- Book\n* To write"


@pytest.fixture
def study_items(group, phase, teacher):
    """A self-study class, a recorded one with a video attachment, and a live class of `group`'s
    published plan."""
    plan = factories.plan(group, phase, status=Plan.Status.PUBLISHED)
    start = timezone.now() - datetime.timedelta(days=1)
    self_study = factories.lesson("书法自学", 30, format=Lesson.Format.SELF_STUDY)
    video = factories.lesson("茶艺录播", 20, format=Lesson.Format.VIDEO)
    LessonAttachment.objects.create(
        lesson=video, title="茶艺", file=ContentFile(b"\x00" * 64, name="tea.mp4")
    )
    live = factories.lesson("剪纸直播", 45)
    return {
        "self_study": factories.plan_item(plan, self_study, start, teacher=teacher),
        "video": factories.plan_item(plan, video, start + datetime.timedelta(hours=2), teacher=teacher),
        "live": factories.plan_item(plan, live, start + datetime.timedelta(hours=4), teacher=teacher),
    }


@pytest.fixture
def quiz(study_items, teacher):
    return progress.quiz_save(
        by=teacher, lesson=study_items["self_study"].lesson, texts={"zh-hans": QUIZ_ZH, "en": QUIZ_EN}
    )


def paper_consent(coordinator, participant, *items):
    """The coordinator records the guardian's paper consent: participation and `items`."""
    consent_record_paper(
        by=coordinator,
        participant=participant,
        agreed={"participation", *items},
        method=Participant.ConsentMethod.PAPER,
    )
    participant.refresh_from_db()
