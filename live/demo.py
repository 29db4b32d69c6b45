"""This app's part of the demo camp: a live session for every live class of the published plans.

- The class of DEMO-YOUTH-01's group (中老友谊侨校) taught by teacher@example.org that spans the
  moment the seed runs is LIVE, with a little chat history, a raised hand, a question and a poll,
  so a newcomer can open /live/<id>/ as the teacher and as the youth at once.
- Classes that are over are ENDED, with attendance spans: most youth on time, some late, some
  absent, a few who dropped and came back (the reports build on these figures).
- Later classes stay scheduled; each room opens by itself 15 minutes before.
- The running phase of each camp has both ceremonies (开营 on its first day, 闭营 on its last, 19:00 in
  the camp's time, teacher@example.org co-hosting): the opening held, with attendance of every group,
  the closing ahead.
Runs after courses/demo.py; with no plans yet it does nothing. Idempotent.
"""

import datetime
import random

from django.db.models import Q
from django.utils import timezone

from camp.models import JoinCode, Participant, User
from courses.models import Lesson, PlanItem
from courses.services.plans import plan_item_meeting_link_set
from live import services
from live.access import member_for
from live.models import AttendanceSpan, ChatMessage, LiveSession, Poll, RaisedHand
from live.services.blocklist import blocklist_seed_starter

DEMO_CODE = "DEMO-YOUTH-01"
DEMO_GROUP = "中老友谊侨校"
DEMO_TEACHER = "teacher@example.org"
VIDEO_URL = "https://meet.example.org/qiaocamp-{pk}"

TEACHER_LINES = [
    "大家好！欢迎来到书法课。请准备好毛笔、墨汁和米字格纸。",
    "今天我们学习“永”字八法：点、横、竖、钩、提、撇、短撇、捺。",
    "先看我写一遍，注意起笔要藏锋。",
]
# Posted through the chat filter like any youth's line (the demo camp gets the five-language starter
# blocklists): everyday Thai, Lao and Burmese pass.
YOUTH_LINES = ["老师好！", "ສະບາຍດີ ອາຈານ 👋", "我准备好了", "ขีดแรกเขียนจากซ้ายไปขวาใช่ไหมคะ", "横要写得平一点吗？",
               "ဆရာ မင်များနေတယ် 😅"]


def seed(stdout) -> None:
    now = timezone.now()
    items = (PlanItem.objects.filter(plan__status="published", lesson__format=Lesson.Format.LIVE)
             .select_related("plan__group__camp", "teacher", "lesson"))
    if not items.exists():
        stdout.write("live: no published live classes yet, nothing to do")
        return
    for camp_id in {item.plan.group.camp_id for item in items}:
        blocklist_seed_starter(camp=items.filter(plan__group__camp_id=camp_id).first().plan.group.camp)
    live_now = _live_now_item(items, now)
    counts = {"sessions": 0, "live": 0, "ended": 0}
    for item in items:
        session = LiveSession.objects.filter(plan_item=item).first()
        if session is None:
            session = services.live_session_ensure(plan_item=item)
        if not item.meeting_link:  # the demo's classes have a (pretend) video meeting to join
            plan_item_meeting_link_set(item=item, by=item.teacher or item.plan.group.camp.organizer,
                                       url=VIDEO_URL.format(pk=item.pk))
        counts["sessions"] += 1
        if live_now is not None and item.pk == live_now.pk:
            _make_live(session, now)
            counts["live"] += 1
        elif item.ends_at <= now:
            _make_ended(session)
            counts["ended"] += 1
    stdout.write(f"live: {counts['sessions']} sessions, {counts['live']} live now, {counts['ended']} ended "
                 f"with attendance")
    _seed_ceremonies(stdout, now)


CEREMONY_TITLES = {LiveSession.Kind.OPENING: "亲情中华·开营仪式", LiveSession.Kind.CLOSING: "亲情中华·闭营仪式"}


def _seed_ceremonies(stdout, now) -> None:
    """Both ceremonies of every running phase that has approved groups (once)."""
    from camp.models import Enrollment, Phase
    from live.services.ceremonies import ceremony_create

    co_host = User.objects.filter(username=DEMO_TEACHER).first()
    made = 0
    for phase in Phase.objects.select_related("camp__organizer"):
        zone = phase.camp.zone
        today = now.astimezone(zone).date()
        if not (phase.starts_on <= today <= phase.ends_on) or not Enrollment.objects.filter(
                phase=phase, status=Enrollment.Status.APPROVED).exists():
            continue
        for kind, day in ((LiveSession.Kind.OPENING, phase.starts_on), (LiveSession.Kind.CLOSING, phase.ends_on)):
            if LiveSession.objects.filter(phase=phase, kind=kind).exists():
                continue
            starts_at = datetime.datetime.combine(day, datetime.time(19, 0), zone)
            session = ceremony_create(by=phase.camp.organizer, phase=phase, kind=kind, title=CEREMONY_TITLES[kind],
                                      starts_at=starts_at, duration_minutes=60, co_hosts=[co_host] if co_host else [])
            made += 1
            if session.ends_at <= now:
                _hold_ceremony(session)
    stdout.write(f"live: {made} ceremonies")


def _hold_ceremony(session: LiveSession) -> None:
    """The ceremony took place: most youth of every group came (attendance per group to read)."""
    from live.access import ceremony_groups

    LiveSession.objects.filter(pk=session.pk).update(state=LiveSession.State.ENDED, started_at=session.starts_at,
                                                     ended_at=session.ends_at)
    rng = random.Random(session.pk)
    users = User.objects.filter(participant__group__in=ceremony_groups(session),
                                participant__consent_given=True).order_by("pk").values_list("pk", flat=True)
    AttendanceSpan.objects.bulk_create(
        AttendanceSpan(session=session, user_id=user_id,
                       joined_at=session.starts_at - datetime.timedelta(minutes=rng.randint(0, 10)),
                       left_at=session.ends_at, last_seen_at=session.ends_at)
        for user_id in users if rng.random() > 0.15)


def _demo_group_id(items):
    code = JoinCode.objects.filter(code=DEMO_CODE, revoked_at__isnull=True).select_related("user").first()
    if code is not None:
        participant = Participant.objects.filter(user=code.user).first()
        if participant is not None:
            return participant.group_id
    item = items.filter(plan__group__name=DEMO_GROUP).first()
    return item.plan.group_id if item else None


def _live_now_item(items, now):
    """The demo group's class with the demo teacher that spans now (or, failing that, the one
    closest to now today), which the demo keeps live."""
    group_id = _demo_group_id(items)
    if group_id is None:
        return None
    mine = items.filter(plan__group_id=group_id).filter(Q(teacher__username=DEMO_TEACHER) | Q(teacher__isnull=True))
    for item in mine.filter(starts_at__lte=now).order_by("-starts_at"):
        if item.ends_at > now:
            return item
    return None


def _make_live(session: LiveSession, now) -> None:
    if session.state != LiveSession.State.LIVE:
        LiveSession.objects.filter(pk=session.pk).update(state=LiveSession.State.LIVE,
                                                         started_at=session.starts_at, ended_at=None)
        session.refresh_from_db()
    if ChatMessage.objects.filter(session=session).exists():
        return
    teacher = session.teacher or User.objects.get(username=DEMO_TEACHER)
    teacher_member = member_for(teacher, session)
    youth = list(User.objects.filter(participant__group=session.group, participant__consent_given=True)
                 .select_related("participant").order_by("participant__pk")[:6])
    if teacher_member is None:
        return
    moment = session.started_at + datetime.timedelta(minutes=1)
    # Spaced a minute apart: history looks real and the token bucket is not involved.
    lines = [(teacher_member, TEACHER_LINES[0])]
    youth_members = [m for m in (member_for(u, session) for u in youth) if m is not None]
    for member, line in zip(youth_members, YOUTH_LINES, strict=False):
        lines.append((member, line))
    lines += [(teacher_member, line) for line in TEACHER_LINES[1:]]
    for n, (member, text) in enumerate(lines):
        services.chat_message_post(session_id=session.pk, member=member, text=text, client_id=f"demo-{n}",
                                   now=min(now, moment + datetime.timedelta(minutes=n)))
    if youth_members:
        asker = youth_members[-1]
        services.question_ask(session_id=session.pk, member=asker, text="“永”字的捺怎么写才好看？",
                              client_id="demo-q1", now=now)
        RaisedHand.objects.get_or_create(session=session, user_id=youth_members[0].user_id,
                                         defaults={"raised_at": now})
    if not Poll.objects.filter(session=session).exists():
        services.poll_open(session_id=session.pk, member=teacher_member, question="你以前写过毛笔字吗？",
                           options=["写过很多次", "写过一两次", "第一次"], now=now)


def _make_ended(session: LiveSession) -> None:
    item = session.plan_item
    if session.state != LiveSession.State.ENDED:
        LiveSession.objects.filter(pk=session.pk).update(state=LiveSession.State.ENDED, started_at=item.starts_at,
                                                         ended_at=item.ends_at)
    if AttendanceSpan.objects.filter(session=session).exists():
        return
    rng = random.Random(item.pk)
    start, end = item.starts_at, item.ends_at
    spans = []
    users = User.objects.filter(participant__group=item.plan.group, participant__consent_given=True).order_by("pk")
    for user_id in users.values_list("pk", flat=True):
        roll = rng.random()
        if roll < 0.12:
            continue  # absent
        if roll < 0.25:  # late
            joined = start + datetime.timedelta(minutes=rng.randint(7, 25))
        else:
            joined = start - datetime.timedelta(minutes=rng.randint(0, 8))
        left = end + datetime.timedelta(minutes=rng.randint(0, 4)) if rng.random() > 0.1 else end - datetime.timedelta(
            minutes=rng.randint(10, 20))
        if rng.random() < 0.15 and left - joined > datetime.timedelta(minutes=20):
            # A shaky connection: dropped for a few minutes, then back.
            drop = joined + datetime.timedelta(minutes=rng.randint(5, 15))
            back = drop + datetime.timedelta(minutes=rng.randint(1, 4))
            spans.append(AttendanceSpan(session=session, user_id=user_id, joined_at=joined, left_at=drop,
                                        last_seen_at=drop))
            joined = back
        spans.append(AttendanceSpan(session=session, user_id=user_id, joined_at=joined, left_at=left, last_seen_at=left))
    AttendanceSpan.objects.bulk_create(spans)
