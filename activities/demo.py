"""This app's part of the demo camp, for DEMO-YOUTH-01's group (中老友谊侨校):

- a question of the day for the whole phase on every day so far (and the next two), and the group's
  own question today; check-ins of the last days (streaks), three youth already checked in today,
  DEMO-YOUTH-01 not yet (so a visitor can try);
- homework on the group's last classes in every state: handed in, returned with comments, handed
  in again, accepted (with a mark), late; DEMO-YOUTH-01's calligraphy is returned with comments
  (they can revise it) and their paper-cut accepted; homework on the next class is still to do;
- a showcase: approved pieces (shown as each guardian's consent allows), one waiting for a teacher,
  one hidden again;
- quizzes (zh-hans, en, th where the lesson has Thai) on the plan's self-study and recorded classes,
  those classes done by some youth (DEMO-YOUTH-01 has the recorded one done, the self-study one left
  to do), quiz tries with different scores and retries;
- the guardians of DEMO-YOUTH-01 and of six classmates agreed on paper to show their work to the
  camp, so the approved pieces are in the closing ceremony's showcase, with classmates' reactions.
Everything goes through the services, as the youth and the teachers. Runs after live/demo.py;
idempotent (each part is left as it is once its rows exist).
"""

import datetime
import io
import random

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image, ImageDraw

from activities.models import SELF_PACED_FORMATS, Assignment, CheckIn, Quiz, Reaction, ShowcasePiece
from activities.services import checkins, homework, progress, reactions, showcase
from activities.services.uploads import local_day
from camp.models import JoinCode, Participant
from courses.models import Plan, PlanItem

DEMO_CODE = "DEMO-YOUTH-01"
PROMPTS = [
    "今天你学会了什么？",
    "用一句中文说说今天的课。",
    "拍一张你今天写的字。",
    "今天你最喜欢的汉字是哪一个？",
    "给家人讲一个今天学到的故事了吗？",
    "今天的茶艺课你学会了哪一步？",
]
ANSWERS = [
    "我学会了写“永”字。",
    "ວັນນີ້ຂ້ອຍຮຽນຂຽນພູ່ກັນ",
    "我喜欢“福”字。",
    "今天我给妈妈泡了茶。",
    "我学会了说“谢谢老师”。",
]


def _photo(seed: int, name: str = "work.jpg") -> SimpleUploadedFile:
    """A picture of brush strokes on rice paper (made here: the demo ships no photos of children)."""
    rng = random.Random(seed)
    image = Image.new("RGB", (800, 600), (245, 238, 220))
    draw = ImageDraw.Draw(image)
    for _ in range(6):
        x, y = rng.randint(100, 700), rng.randint(100, 500)
        draw.line(
            [(x, y), (x + rng.randint(-200, 200), y + rng.randint(-150, 150))],
            fill=(20, 20, 20),
            width=rng.randint(14, 30),
        )
    out = io.BytesIO()
    image.save(out, "JPEG")
    return SimpleUploadedFile(name, out.getvalue())


def _due(item: PlanItem, days: int) -> datetime.datetime:
    local = timezone.localtime(item.starts_at, item.plan.group.zone) + datetime.timedelta(days=days)
    return local.replace(hour=20, minute=0, second=0, microsecond=0, tzinfo=None)


def seed(stdout) -> None:
    code = JoinCode.objects.filter(code=DEMO_CODE, revoked_at__isnull=True).first()
    demo = (
        Participant.objects.filter(user_id=code.user_id).select_related("group__camp").first()
        if code
        else None
    )
    if demo is None:
        return
    group = demo.group
    now = timezone.now()
    items = list(
        PlanItem.objects.filter(plan__group=group, plan__status=Plan.Status.PUBLISHED, teacher__isnull=False)
        .select_related("plan__group", "plan__phase", "lesson", "teacher")
        .order_by("starts_at")
    )
    past = [item for item in items if item.ends_at <= now]
    future = [item for item in items if item.starts_at > now]
    if len(past) < 2:
        return
    classmates = list(
        group.participants.filter(user__isnull=False, consent_given=True)
        .exclude(pk=demo.pk)
        .select_related("user", "group")
        .order_by("pk")[:8]
    )
    if len(classmates) < 6:
        return
    if Assignment.objects.filter(plan_item__plan__group=group).exists():
        stdout.write("activities: the demo group already has homework")
    else:
        _checkins(stdout, demo, classmates, past[-1])
        _homework(stdout, demo, classmates, past, future)
    if not Quiz.objects.filter(lesson__in=[item.lesson_id for item in items]).exists():
        _study(stdout, demo, classmates, items)
    if not Reaction.objects.filter(piece__participant__group=group).exists():
        _reactions(stdout, demo, classmates, past[-1].teacher)


def _checkins(stdout, demo: Participant, classmates: list[Participant], item: PlanItem) -> None:
    group, phase, teacher = demo.group, item.plan.phase, item.teacher
    today = local_day(demo)
    day, index = phase.starts_on, 0
    while day <= min(phase.ends_on, today + datetime.timedelta(days=2)):
        checkins.checkin_prompt_set(
            by=group.camp.organizer,
            group=group,
            day=day,
            text=PROMPTS[index % len(PROMPTS)],
            whole_phase=True,
        )
        day, index = day + datetime.timedelta(days=1), index + 1
    checkins.checkin_prompt_set(by=teacher, group=group, day=today, text="今天请拍一张你写的毛笔字！")
    rng = random.Random(16)
    # Earlier days cannot be answered through the service (it takes today only): written as they were.
    earlier = []
    for offset in range(1, min(6, (today - phase.starts_on).days + 1)):
        day = today - datetime.timedelta(days=offset)
        for participant in [demo, *classmates]:
            if participant is demo or rng.random() < 0.7:
                earlier.append(
                    CheckIn(
                        participant=participant,
                        day=day,
                        prompt=checkins.prompt_for(group, day),
                        text=rng.choice(ANSWERS),
                    )
                )
    CheckIn.objects.bulk_create(earlier, ignore_conflicts=True)
    for n, participant in enumerate(classmates[:3]):
        checkins.checkin_submit(
            by=participant.user, participant=participant, text=ANSWERS[n], photo=_photo(n) if n == 0 else None
        )
    stdout.write(f"activities: {index + 1} questions of the day, {len(earlier) + 3} check-ins")


def _homework(
    stdout, demo: Participant, classmates: list[Participant], past: list[PlanItem], future: list[PlanItem]
) -> None:
    last, before = past[-1], past[-2]
    a1 = homework.assignment_save(
        by=last.teacher,
        item=last,
        due_local=_due(last, 2),
        kinds=["photo", "text"],
        instructions="用毛笔写“永”字三遍，拍一张照片交上来。注意横要平、竖要直。",
    )
    # Due yesterday evening: what comes in now is late (shown, not refused).
    yesterday = timezone.localtime(timezone.now(), demo.group.zone) - datetime.timedelta(days=1)
    a2 = homework.assignment_save(
        by=before.teacher,
        item=before,
        kinds=["photo"],
        due_local=yesterday.replace(hour=20, minute=0, second=0, microsecond=0, tzinfo=None),
        instructions="剪一个你喜欢的生肖，拍照上传。",
    )
    if future:
        homework.assignment_save(
            by=future[0].teacher,
            item=future[0],
            due_local=_due(future[0], 1),
            kinds=["text"],
            instructions="下课后，用一两句话写写：你今天学到了什么？",
        )

    def hand_in(participant, assignment, seed, text=""):
        return homework.hand_in(
            by=participant.user, participant=participant, assignment=assignment, text=text, file=_photo(seed)
        )

    t1, t2 = last.teacher, before.teacher
    p = classmates
    hand_in(p[0], a1, 10, "老师，我写好了。")  # handed in
    s = hand_in(p[1], a1, 11)
    homework.hand_in_review(by=t1, submission=s, outcome="returned", comment="竖要写直一点，再写一遍好吗？")
    s = hand_in(p[2], a1, 12)
    homework.hand_in_review(by=t1, submission=s, outcome="returned", comment="“永”的点太小了。")
    hand_in(p[2], a1, 13, "我又写了一遍。")  # handed in again
    s = hand_in(p[3], a1, 14)
    homework.hand_in_review(
        by=t1, submission=s, outcome="accepted", comment="写得真好！", mark="优", showcase_title="我的“永”字"
    )
    s = hand_in(demo, a1, 15, "这是我的“永”字。")
    homework.hand_in_review(
        by=t1,
        submission=s,
        outcome="returned",
        mark="良",
        comment="起笔很好！横再平一点，捺要舒展。请再写一遍交上来。",
    )
    hand_in(p[4], a2, 16)  # late
    s = hand_in(demo, a2, 17)
    homework.hand_in_review(
        by=t2,
        submission=s,
        outcome="accepted",
        comment="剪得很细致！",
        mark="优",
        showcase_title="小老虎剪纸",
    )
    pending = showcase.piece_submit(by=p[5].user, participant=p[5], title="我泡的茶", file=_photo(18))
    hidden = showcase.piece_submit(by=p[0].user, participant=p[0], title="我的书法", file=_photo(19))
    showcase.piece_moderate(by=t1, piece=hidden, action="approve")
    showcase.piece_moderate(by=t1, piece=hidden, action="hide")
    stdout.write(f"activities: homework in every state, showcase ({pending.title}: waiting for a teacher)")


# A quiz on a lesson from the lesson's own texts: its title among the plan's others, and its length.
QUIZ_WORDS = {
    "zh-hans": ("这节课叫什么？", "这节课大约多长？", "{} 分钟"),
    "en": ("What is this class called?", "About how long is this class?", "{} minutes"),
    "th": ("บทเรียนนี้ชื่ออะไร", "บทเรียนนี้ยาวประมาณเท่าไร", "{} นาที"),
}


def _quiz_texts(lesson, others) -> dict[str, str]:
    texts = {}
    minutes = lesson.duration_minutes
    for code, (name_q, length_q, unit) in QUIZ_WORDS.items():
        field = f"title_{code.replace('-', '_')}"
        if not getattr(lesson, field, "") or not all(getattr(other, field, "") for other in others):
            continue
        titles = [f"* {getattr(lesson, field)}", *(f"- {getattr(other, field)}" for other in others)]
        lengths = [
            f"- {unit.format(minutes * 2)}",
            f"* {unit.format(minutes)}",
            f"- {unit.format(minutes + 60)}",
        ]
        texts[code] = "\n".join([name_q, *titles]) + "\n\n" + "\n".join([length_q, *lengths])
    return texts


def _study(stdout, demo: Participant, classmates: list[Participant], items: list[PlanItem]) -> None:
    """Quizzes on the self-study and recorded classes (two at least), done classes, quiz tries."""
    now = timezone.now()
    quizzed = [item for item in items if item.lesson.format in SELF_PACED_FORMATS]
    quizzed += [item for item in items if item not in quizzed and item.ends_at <= now][
        : max(0, 2 - len(quizzed))
    ]
    lessons = {item.lesson_id: item.lesson for item in items}
    for item in quizzed:
        others = [lesson for pk, lesson in lessons.items() if pk != item.lesson_id][:2]
        progress.quiz_save(by=item.teacher, lesson=item.lesson, texts=_quiz_texts(item.lesson, others))
    self_paced = [item for item in items if item.lesson.format in SELF_PACED_FORMATS]
    # DEMO-YOUTH-01: the first self-paced class done, the last one still to do.
    done = 0
    for item in self_paced[:-1] if len(self_paced) > 1 else []:
        progress.item_mark_done(by=demo.user, participant=demo, item=item, watched=True)
        done += 1
    for n, participant in enumerate(classmates[:5]):
        for item in self_paced[: 1 + n % 2]:
            progress.item_mark_done(by=participant.user, participant=participant, item=item)
            done += 1
    tries = 0

    def answer(participant, item, right: int):
        """One try with the first `right` questions right."""
        nonlocal tries
        quiz = Quiz.objects.get(lesson=item.lesson_id)
        answers = [
            q["answer"] if n < right else (q["answer"] + 1) % len(q["choices"])
            for n, q in enumerate(quiz.questions)
        ]
        progress.quiz_answer(by=participant.user, participant=participant, item=item, answers=answers)
        tries += 1

    first = quizzed[0]
    answer(demo, first, 1)  # DEMO-YOUTH-01 tried once (1 of 2), then again (2 of 2)
    answer(demo, first, 2)
    for n, participant in enumerate(classmates[:4]):
        answer(participant, first, n % 3)
        if n % 2 == 0:
            answer(participant, first, 2)
    if len(quizzed) > 1:
        answer(classmates[0], quizzed[1], 2)
        answer(classmates[1], quizzed[1], 0)
    stdout.write(f"activities: {len(quizzed)} quizzes, {done} self-paced classes done, {tries} quiz tries")


def _reactions(stdout, demo: Participant, classmates: list[Participant], teacher) -> None:
    """Show the group's approved work camp-wide (paper consent), two more pieces, and reactions."""
    from camp.services.consent import ITEMS, consent_allows, consent_record_paper

    group = demo.group
    coordinator = group.coordinators.first()
    if coordinator is None:
        return
    for participant in [demo, *classmates[:6]]:
        agreed = {item for item in ITEMS if consent_allows(participant, item)}
        consent_record_paper(
            by=coordinator,
            participant=participant,
            agreed={*agreed, "participation", "showcase_group", "showcase_camp"},
            method=Participant.ConsentMethod.PAPER,
        )
    for n, (participant, title) in enumerate(((classmates[1], "我的中国结"), (classmates[2], "月亮和月饼"))):
        piece = showcase.piece_submit(
            by=participant.user, participant=participant, title=title, file=_photo(30 + n)
        )
        showcase.piece_moderate(by=teacher, piece=piece, action="approve")
    pieces = list(
        ShowcasePiece.objects.filter(participant__group=group, state=ShowcasePiece.State.APPROVED)
        .select_related("participant__group")
        .order_by("pk")
    )
    emoji = Reaction.Emoji.values
    made = 0
    for n, piece in enumerate(pieces):
        for m, participant in enumerate([demo, *classmates]):
            if participant.pk == piece.participant_id or (n + m) % 3 == 2:
                continue
            reactions.reaction_set(
                by=participant.user, participant=participant, piece=piece, emoji=emoji[(n + m) % len(emoji)]
            )
            made += 1
    stdout.write(f"activities: {len(pieces)} pieces shown to the camp, {made} reactions")
