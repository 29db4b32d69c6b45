import datetime

from tests import factories
from tests.access.rules import LOGIN, Rule, everyone, table


def build(world) -> None:
    """Homework on `group`'s class taught by `teacher` (tests/access/courses.py builds the plan): the
    youth handed it in with a photo; a second homework still to do; a showcase piece of the youth
    waiting for a teacher; the group's question of today."""
    from django.utils import timezone

    from activities.services import checkins, homework, showcase
    from tests.activities import files

    due = timezone.localtime(timezone.now() + datetime.timedelta(days=2), world.group.zone).replace(
        tzinfo=None
    )
    world.assignment = homework.assignment_save(
        by=world.teacher,
        item=world.plan_item,
        due_local=due,
        instructions="写一个“永”字，拍照上传。",
        kinds=["photo"],
    )
    # Its own class: the courses table removes `removable_item`.
    second_class = factories.plan_item(
        world.plan,
        world.lesson,
        world.plan_item.starts_at + datetime.timedelta(days=2),
        minutes=45,
        teacher=world.teacher,
    )
    world.todo_assignment = homework.assignment_save(
        by=world.teacher,
        item=second_class,
        due_local=due,
        instructions="用一句话说说你最喜欢的剪纸。",
        kinds=["text", "photo"],
    )
    world.submission = homework.hand_in(
        by=world.youth, participant=world.youth_participant, assignment=world.assignment, file=files.photo()
    )
    world.upload = world.submission.rounds.get().upload
    world.piece = showcase.piece_submit(
        by=world.youth,
        participant=world.youth_participant,
        title="我的剪纸",
        file=files.photo("paper-cut.jpg"),
    )
    world.today = timezone.localdate(timezone=world.group.zone)
    # A self-study class of the group's plan, its lesson with a quiz by the class's teacher.
    from activities.services import progress
    from courses.models import Lesson

    study_lesson = factories.lesson("书法自学", 30, format=Lesson.Format.SELF_STUDY)
    world.study_item = factories.plan_item(
        world.plan,
        study_lesson,
        world.plan_item.starts_at + datetime.timedelta(days=3),
        teacher=world.teacher,
    )
    progress.quiz_save(
        by=world.teacher, lesson=study_lesson, texts={"zh-hans": "“永”字有几笔？\n* 五笔\n- 八笔"}
    )
    checkins.checkin_prompt_set(
        by=world.teacher, group=world.group, day=world.today, text="今天你学会了什么？"
    )
    # The guardian's view of the youth's work: one piece approved, one waiting, the link rotated once;
    # the guardian of another child (camp's table) holds `guardian_token`.
    from camp.services.consent import guardian_link_ensure, guardian_link_rotate, guardian_link_token

    world.shown_piece = showcase.piece_moderate(
        by=world.teacher,
        piece=showcase.piece_submit(
            by=world.youth, participant=world.youth_participant, title="我的书法", file=files.photo()
        ),
        action="approve",
    )
    # Its own waiting piece: the moderation rows approve `piece`.
    world.waiting_piece = showcase.piece_submit(
        by=world.youth, participant=world.youth_participant, title="还在等", file=files.photo()
    )
    # A classmate's piece, approved and shown to the whole camp: youth of the camp react to it.
    from camp.models import Participant
    from camp.services.consent import consent_record_paper

    classmate = factories.participant(world.group, given_name="小明", family_name="王")
    consent_record_paper(
        by=world.coordinator,
        participant=classmate,
        agreed={"participation", "showcase_group", "showcase_camp"},
        method=Participant.ConsentMethod.PAPER,
    )
    world.classmate_piece = showcase.piece_moderate(
        by=world.teacher,
        piece=showcase.piece_submit(
            by=classmate.user, participant=classmate, title="我的茶", file=files.photo()
        ),
        action="approve",
    )
    guardian_link_ensure(by=world.coordinator, participant=world.youth_participant)
    world.youth_guardian_token = guardian_link_token(
        guardian_link_rotate(by=world.coordinator, participant=world.youth_participant)
    )


def _hand_in_data(world) -> dict:
    return {"text": "我最喜欢十二生肖剪纸。"}


def _piece_data(world) -> dict:
    from tests.activities import files

    return {"title": "茶艺", "file": files.video()}


# The outsiders who may not know a group's work exists.
OUTSIDERS = {"other_organizer": 404, "other_teacher": 404, "unconfirmed_coordinator": 404}
YOUTH_ONLY = table(
    403, youth=200, other_youth=200, other_organizer=403, other_teacher=403, unconfirmed_coordinator=403
)
YOUTH_ONLY_POST = table(
    403, youth=302, other_youth=302, other_organizer=403, other_teacher=403, unconfirmed_coordinator=403
)
# The group's work: its youth (their own), the teacher of its class and the camp's organizer.
WORK = table(404, youth=200, teacher=200, organizer=200, **OUTSIDERS)
# What a moderator does: the teacher of the group's class and the camp's organizers. Teachers plan for
# every group, so the group itself is no secret to another teacher (403); its work is (404).
MODERATE = table(
    403,
    teacher=200,
    organizer=200,
    other_youth=404,
    other_coordinator=404,
    other_organizer=404,
    other_teacher=403,
    unconfirmed_coordinator=404,
)

RULES = {
    "activities:checkin": Rule(YOUTH_ONLY),
    "activities:checkin@post": Rule(
        YOUTH_ONLY_POST, method="post", data=lambda w: {"text": "今天我写了毛笔字。"}
    ),
    "activities:group_checkins": Rule(
        table(
            403,
            coordinator=200,
            teacher=200,
            organizer=200,
            other_youth=404,
            other_coordinator=404,
            other_organizer=404,
            other_teacher=403,
            unconfirmed_coordinator=404,
        ),
        kwargs=lambda w: {"pk": w.group.pk},
    ),
    "activities:prompts": Rule(MODERATE, kwargs=lambda w: {"pk": w.group.pk}),
    "activities:prompts@post": Rule(
        {**MODERATE, "teacher": 302, "organizer": 302},
        method="post",
        kwargs=lambda w: {"pk": w.group.pk},
        data=lambda w: {"day": w.today.isoformat(), "text": "你最喜欢哪一个汉字？"},
    ),
    "activities:homework_list": Rule(YOUTH_ONLY),
    "activities:assignment_detail": Rule(WORK, kwargs=lambda w: {"pk": w.assignment.pk}),
    "activities:hand_in": Rule(
        table(404, youth=302, teacher=403, organizer=403, **OUTSIDERS),
        method="post",
        kwargs=lambda w: {"pk": w.todo_assignment.pk},
        data=_hand_in_data,
    ),
    "activities:assignment_edit": Rule(MODERATE, kwargs=lambda w: {"item_pk": w.plan_item.pk}),
    "activities:assignment_edit@post": Rule(
        {**MODERATE, "teacher": 302, "organizer": 302},
        method="post",
        kwargs=lambda w: {"item_pk": w.plan_item.pk},
        data=lambda w: {
            "instructions": "写三个字。",
            "due_date": w.today.isoformat(),
            "due_time": "20:00",
            "kinds": ["photo", "text"],
        },
    ),
    "activities:review_queue": Rule(
        table(
            403,
            teacher=200,
            organizer=200,
            other_organizer=200,
            other_teacher=200,
            unconfirmed_coordinator=403,
        )
    ),
    "activities:submission_review": Rule(
        table(404, teacher=200, organizer=200, **OUTSIDERS), kwargs=lambda w: {"pk": w.submission.pk}
    ),
    # The teacher returns the work; the organizer, right after, finds nothing waiting (the page again, 400).
    "activities:submission_review@post": Rule(
        table(404, teacher=302, organizer=400, **OUTSIDERS),
        method="post",
        kwargs=lambda w: {"pk": w.submission.pk},
        data=lambda w: {"outcome": "returned", "comment": "横再平一点。", "mark": ""},
    ),
    "activities:showcase": Rule(
        table(200, other_organizer=200, other_teacher=200, unconfirmed_coordinator=200)
    ),
    "activities:piece_add": Rule(YOUTH_ONLY),
    "activities:piece_add@post": Rule(YOUTH_ONLY_POST, method="post", data=_piece_data),
    # A piece waiting for a teacher: the youth sees it but may not approve it; nobody else knows it.
    "activities:piece_moderate": Rule(
        table(404, youth=403, teacher=302, organizer=302, **OUTSIDERS),
        method="post",
        kwargs=lambda w: {"pk": w.piece.pk},
        data=lambda w: {"action": "approve"},
    ),
    # Reactions to a classmate's piece shown to the camp: the youth of the camp react; adults may
    # see it but not react (403: `other_teacher` teaches in the camp, so sees camp-wide work); those
    # who may not see it do not know it (404).
    "activities:piece_react": Rule(
        table(403, youth=302, other_youth=302, **{**OUTSIDERS, "other_teacher": 403}),
        method="post",
        kwargs=lambda w: {"pk": w.classmate_piece.pk},
        data=lambda w: {"emoji": "heart"},
    ),
    "activities:piece_reactions": Rule(
        table(404, youth=403, teacher=302, organizer=302, **OUTSIDERS),
        method="post",
        kwargs=lambda w: {"pk": w.piece.pk},
        data=lambda w: {"on": "0"},
    ),
    # Self-study and quizzes: a youth of the group only (another group's youth: 404), for themself.
    "activities:study": Rule(YOUTH_ONLY),
    "activities:study_item": Rule(
        table(403, youth=200, other_youth=404, **{k: 403 for k in OUTSIDERS}),
        kwargs=lambda w: {"item_pk": w.study_item.pk},
    ),
    "activities:item_done": Rule(
        table(403, youth=302, other_youth=404, **{k: 403 for k in OUTSIDERS}),
        method="post",
        kwargs=lambda w: {"item_pk": w.study_item.pk},
        data=lambda w: {"watched": "1"},
    ),
    "activities:quiz_answer": Rule(
        table(403, youth=302, other_youth=404, **{k: 403 for k in OUTSIDERS}),
        method="post",
        kwargs=lambda w: {"item_pk": w.study_item.pk},
        data=lambda w: {"q0": "0"},
    ),
    # The quiz: the lesson's teacher (of its class) and the camp's organizer; a youth of another
    # group does not know the lesson (404); other adults see the catalog but not this quiz's form.
    "activities:quiz_edit": Rule(
        table(403, teacher=200, organizer=200, other_youth=404, **{k: 403 for k in OUTSIDERS}),
        kwargs=lambda w: {"pk": w.study_item.lesson_id},
    ),
    "activities:quiz_edit@post": Rule(
        table(403, teacher=302, organizer=302, other_youth=404, **{k: 403 for k in OUTSIDERS}),
        method="post",
        kwargs=lambda w: {"pk": w.study_item.lesson_id},
        data=lambda w: {"text_zh_hans": "“永”字有几笔？\n* 五笔\n- 八笔\n- 三笔"},
    ),
    "activities:upload_file": Rule(WORK, kwargs=lambda w: {"pk": w.upload.pk}),
    "activities:upload_thumbnail": Rule(WORK, kwargs=lambda w: {"pk": w.upload.pk}),
    # The child's approved work behind the guardian's link: the token is the key, whoever holds it
    # (signed in or not); another child's link, the rotated link, a piece not approved: not there.
    **{
        f"activities:{name}{variant}": Rule(everyone(status), kwargs=kwargs)
        for name in ("guardian_piece_file", "guardian_piece_thumbnail")
        for variant, status, kwargs in (
            ("", 200, lambda w: {"token": w.youth_guardian_token, "pk": w.shown_piece.pk}),
            ("@other_child", 404, lambda w: {"token": w.guardian_token, "pk": w.shown_piece.pk}),
            ("@waiting", 404, lambda w: {"token": w.youth_guardian_token, "pk": w.waiting_piece.pk}),
            ("@garbage", 404, lambda w: {"token": "not-a-guardian-link-at-all-0000", "pk": w.shown_piece.pk}),
        )
    },
    # A rotated link is a failed guess (camp.ratelimit counts it): camp's rows already spend most of
    # GUARDIAN_RATE_LIMIT_PER_IP, so the rotated link is tried in tests/activities/test_guardian.py.
}
assert LOGIN == 302
