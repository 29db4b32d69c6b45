"""One youth's camp life made through the services, for the export and the guardian's page: a check-in,
homework returned with a comment then accepted with one (into the showcase), a piece still waiting."""

import datetime
from types import SimpleNamespace

from django.utils import timezone

from activities.models import ShowcasePiece
from activities.services import checkins, homework, showcase
from camp.models import ConsentItem
from camp.services.consent import (
    consent_answer,
    consent_version_current,
    guardian_link_ensure,
    guardian_message_send,
)
from courses.models import Plan
from tests import factories
from tests.activities import files

RETURNED_COMMENT = "横要平，再写一遍。"
ACCEPTED_COMMENT = "很好！这次的“永”字有力。"
CHECKIN_TEXT = "今天学了毛笔字"
SHOWN_TITLE = "我的“永”字"
WAITING_TITLE = "还没批的作品"
GUARDIAN_QUESTION = "请问下周几点上课？"


def camp_life(world, *, participant=None, youth=None, consent=True) -> SimpleNamespace:
    participant = participant or world.youth_participant
    youth = youth or participant.user
    group = participant.group
    plan = Plan.objects.filter(group=group, phase=world.phase).first() or factories.plan(
        group, world.phase, status=Plan.Status.PUBLISHED
    )
    item = factories.plan_item(
        plan,
        factories.lesson("书法 Calligraphy", 45),
        timezone.now() - datetime.timedelta(days=1),
        minutes=45,
        teacher=world.teacher,
    )
    due = timezone.localtime(timezone.now() + datetime.timedelta(days=1), group.zone).replace(tzinfo=None)
    assignment = homework.assignment_save(
        by=world.teacher, item=item, due_local=due, instructions="写“永”字。", kinds=["photo", "text"]
    )
    link = guardian_link_ensure(by=world.coordinator, participant=participant)
    if consent:
        version = consent_version_current()
        consent_answer(
            link=link, version=version.number, answers={key: True for key, _ in ConsentItem.choices}
        )
    checkin = checkins.checkin_submit(by=youth, participant=participant, text=CHECKIN_TEXT)
    submission = homework.hand_in(
        by=youth, participant=participant, assignment=assignment, file=files.photo()
    )
    homework.hand_in_review(
        by=world.teacher, submission=submission, outcome="returned", comment=RETURNED_COMMENT
    )
    homework.hand_in(
        by=youth, participant=participant, assignment=assignment, text="第二次", file=files.photo()
    )
    homework.hand_in_review(
        by=world.teacher,
        submission=submission,
        outcome="accepted",
        comment=ACCEPTED_COMMENT,
        mark="A",
        showcase_title=SHOWN_TITLE,
    )
    shown = ShowcasePiece.objects.get(participant=participant, title=SHOWN_TITLE)
    waiting = showcase.piece_submit(
        by=youth, participant=participant, title=WAITING_TITLE, file=files.photo()
    )
    message = guardian_message_send(link=link, body=GUARDIAN_QUESTION)
    return SimpleNamespace(
        participant=participant,
        assignment=assignment,
        submission=submission,
        checkin=checkin,
        shown=shown,
        waiting=waiting,
        link=link,
        message=message,
    )
