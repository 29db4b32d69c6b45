import datetime

import pytest
from django.utils import timezone

from activities.services import homework
from courses.models import Plan
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
