"""The scale dataset for `bench http` and `bench jobs`: a camp the size of a big federation's year.

10,000 youth in 500 groups over 4 phases (group 0 has 250 youth: the coordinator roster the bench
times), 12,000 plan items (every 4th a live class with a LiveSession), 200,000 chat messages in
the finished live sessions, and attendance spans for them.

Idempotent: every stage creates only what is missing, keyed on natural keys, so a second run
changes nothing and an interrupted run finishes the job. bulk_create in batches; a few minutes.
"""

from __future__ import annotations

import datetime
import random
import time

from allauth.account.models import EmailAddress
from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand
from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from camp.models import Camp, Enrollment, Group, Participant, Phase, User
from courses.models import CalendarFeed, Lesson, Plan, PlanItem
from live.models import AttendanceSpan, ChatMessage, LiveSession

FEDERATION = "QiaoCamp scale"
YEAR = 2098
PASSWORD = "scale-Password-2026"
PHASES = 4
GROUPS = 500
YOUTH = 10_000
BIG_GROUP = 250  # group 0: the coordinator roster that `bench http` opens
ITEMS_PER_PLAN = 24  # 500 × 24 = 12,000 plan items
LIVE_EVERY = 4  # every 4th item is a live class: 3,000 live sessions
MESSAGES = 200_000
TEACHERS = 20
LESSONS = 60
BATCH = 2000
# Phase number → first day relative to today: two done, one running, one ahead (as the demo).
PHASE_OFFSETS = {1: -60, 2: -40, 3: -3, 4: 30}
PHASE_DAYS = 15


def scale_coordinator_email(n: int) -> str:
    return f"scale-coordinator-{n}@example.org"


def scale_teacher_email(n: int) -> str:
    return f"scale-teacher-{n}@example.org"


SCALE_ORGANIZER_EMAIL = "scale-organizer@example.org"


class Command(BaseCommand):
    help = "Build the scale dataset (10,000 youth, 500 groups, 12,000 plan items, 200,000 chat messages)."

    def add_arguments(self, parser):
        parser.add_argument("--youth", type=int, default=YOUTH)
        parser.add_argument("--groups", type=int, default=GROUPS)
        parser.add_argument("--messages", type=int, default=MESSAGES)
        parser.add_argument("--items-per-plan", type=int, default=ITEMS_PER_PLAN)
        parser.add_argument("--big-group", type=int, default=BIG_GROUP)

    def handle(self, *args, youth, groups, messages, items_per_plan, big_group, **options):
        self.rng = random.Random(2098)
        self.password = make_password(PASSWORD)  # hashed once, shared by every scale adult
        self.now = timezone.now()
        began = time.monotonic()
        steps = [
            ("people", lambda: self.people()),
            ("camp and phases", lambda: self.camp_and_phases()),
            ("groups", lambda: self.groups(groups)),
            ("youth", lambda: self.youth(youth, groups, big_group)),
            ("lessons", lambda: self.lessons()),
            ("plans and items", lambda: self.plans(items_per_plan)),
            ("live sessions", lambda: self.live_sessions()),
            ("chat messages", lambda: self.chat(messages)),
            ("attendance", lambda: self.attendance()),
            ("calendar feeds", lambda: self.feeds()),
        ]
        for name, step in steps:
            t = time.monotonic()
            with transaction.atomic():
                detail = step()
            self.stdout.write(f"{name}: {detail} ({time.monotonic() - t:.1f} s)")
        self.stdout.write(self.style.SUCCESS(f"scale dataset ready in {time.monotonic() - began:.1f} s"))

    # -- adults ------------------------------------------------------------------------------------
    def _adult(self, email: str, role: str, name: str) -> User:
        user, created = User.objects.get_or_create(
            username=email,
            defaults={"email": email, "role": role, "display_name": name, "password": self.password,
                      "is_confirmed": True},
        )
        if created:
            EmailAddress.objects.get_or_create(user=user, email=email, defaults={"verified": True, "primary": True})
        return user

    def people(self) -> str:
        self.organizer = self._adult(SCALE_ORGANIZER_EMAIL, User.Role.ORGANIZER, "Scale organizer")
        self.teachers = [self._adult(scale_teacher_email(n), User.Role.TEACHER, f"Scale teacher {n}")
                         for n in range(TEACHERS)]
        return f"1 organizer, {len(self.teachers)} teachers"

    def camp_and_phases(self) -> str:
        self.camp, _ = Camp.objects.get_or_create(
            federation=FEDERATION, year=YEAR,
            defaults={"organizer": self.organizer, "title": "Scale camp", "languages": ["zh-hans", "en", "th"]},
        )
        today = timezone.localdate()
        self.phases = []
        for number, offset in PHASE_OFFSETS.items():
            starts = today + datetime.timedelta(days=offset)
            phase, _ = Phase.objects.update_or_create(
                camp=self.camp, number=number,
                defaults={"starts_on": starts, "ends_on": starts + datetime.timedelta(days=PHASE_DAYS - 1),
                          "enrollment_opens": starts - datetime.timedelta(days=45),
                          "enrollment_closes": starts - datetime.timedelta(days=5), "capacity": 5000},
            )
            self.phases.append(phase)
        return f"{len(self.phases)} phases"

    # -- groups and youth ------------------------------------------------------------------------------
    def groups(self, count: int) -> str:
        existing = {g.name: g for g in Group.objects.filter(camp=self.camp)}
        missing = [
            Group(camp=self.camp, name=f"Scale group {n:04d}", institution=f"Scale school {n}", country="TH",
                  time_zone="Asia/Bangkok", languages=["th", "zh-hans"], age_min=8, age_max=18,
                  available_hours=[{"weekdays": [0, 1, 2, 3, 4, 5, 6], "start": "08:00", "end": "21:00"}])
            for n in range(count)
            if f"Scale group {n:04d}" not in existing
        ]
        Group.objects.bulk_create(missing, batch_size=BATCH)
        self.group_list = list(Group.objects.filter(camp=self.camp, name__startswith="Scale group ").order_by("name"))
        # Coordinators: one per group.
        have = set(User.objects.filter(username__startswith="scale-coordinator-").values_list("username", flat=True))
        new = [User(username=scale_coordinator_email(n), email=scale_coordinator_email(n), role=User.Role.COORDINATOR,
                    display_name=f"Scale coordinator {n}", password=self.password, is_confirmed=True)
               for n in range(count) if scale_coordinator_email(n) not in have]
        User.objects.bulk_create(new, batch_size=BATCH)
        EmailAddress.objects.bulk_create(
            [EmailAddress(user=u, email=u.email, verified=True, primary=True)
             for u in User.objects.filter(username__in=[u.username for u in new])],
            batch_size=BATCH,
        )
        coordinators = {u.username: u.pk for u in User.objects.filter(username__startswith="scale-coordinator-")}
        through = Group.coordinators.through
        linked = set(through.objects.filter(group__camp=self.camp).values_list("group_id", flat=True))
        through.objects.bulk_create(
            [through(group_id=g.pk, user_id=coordinators[scale_coordinator_email(n)])
             for n, g in enumerate(self.group_list) if g.pk not in linked],
            batch_size=BATCH,
        )
        # Enrollment: group n goes to phase n % 4, approved.
        enrolled = set(Enrollment.objects.filter(phase__camp=self.camp).values_list("group_id", flat=True))
        Enrollment.objects.bulk_create(
            [Enrollment(group=g, phase=self.phases[n % PHASES], status=Enrollment.Status.APPROVED,
                        decided_by=self.organizer, decided_at=self.now, submitted_at=self.now,
                        created_by_id=coordinators[scale_coordinator_email(n)])
             for n, g in enumerate(self.group_list) if g.pk not in enrolled],
            batch_size=BATCH,
        )
        return f"{len(self.group_list)} groups ({len(missing)} new), one coordinator each, enrolled"

    def youth_target(self, total: int, groups: int, big: int) -> list[int]:
        rest = total - big
        per, extra = divmod(rest, groups - 1)
        return [big] + [per + (1 if n < extra else 0) for n in range(groups - 1)]

    def youth(self, total: int, groups: int, big: int) -> str:
        targets = self.youth_target(total, groups, big)
        counts = dict(Participant.objects.filter(group__camp=self.camp).values("group_id")
                      .annotate(n=Count("id")).values_list("group_id", "n"))
        users, participants = [], []
        for n, (group, target) in enumerate(zip(self.group_list, targets, strict=True)):
            for k in range(counts.get(group.pk, 0), target):
                username = f"scale-g{n}-y{k}"
                users.append(User(username=username, role=User.Role.YOUTH, display_name=f"Youth {k}",
                                  preferred_language="th", time_zone="Asia/Bangkok", password="!"))
                participants.append((group, k))
        created = User.objects.bulk_create(users, batch_size=BATCH)
        consent_at = self.now - datetime.timedelta(days=70)
        Participant.objects.bulk_create(
            [Participant(group=group, family_name=f"Family{k % 97}", given_name=f"Given{k}",
                         chinese_name="陈明", birth_year=2012 - k % 8, gender="fm"[k % 2],
                         preferred_language="th", guardian_name="Guardian", guardian_contact="+66 000 0000",
                         consent_given=True, consent_at=consent_at, consent_method=Participant.ConsentMethod.PAPER,
                         user=user)
             for (group, k), user in zip(participants, created, strict=True)],
            batch_size=BATCH,
        )
        return f"{sum(targets)} youth ({len(created)} new)"

    # -- plans ---------------------------------------------------------------------------------------
    def lessons(self) -> str:
        have = set(Lesson.objects.filter(title__startswith="Scale lesson ").values_list("title", flat=True))
        formats = [Lesson.Format.LIVE, Lesson.Format.VIDEO, Lesson.Format.CLOUD_TOUR, Lesson.Format.SELF_STUDY]
        Lesson.objects.bulk_create(
            [Lesson(title=f"Scale lesson {n:02d}", summary="A lesson of the scale dataset.",
                    format=formats[n % len(formats)], duration_minutes=45, author=self.teachers[n % TEACHERS])
             for n in range(LESSONS) if f"Scale lesson {n:02d}" not in have],
        )
        self.lesson_list = list(Lesson.objects.filter(title__startswith="Scale lesson ").order_by("title"))
        return f"{len(self.lesson_list)} lessons"

    def plans(self, per_plan: int) -> str:
        enrollments = dict(Enrollment.objects.filter(phase__camp=self.camp).values_list("group_id", "phase_id"))
        have = set(Plan.objects.filter(group__camp=self.camp).values_list("group_id", flat=True))
        Plan.objects.bulk_create(
            [Plan(group=g, phase_id=enrollments[g.pk], status=Plan.Status.PUBLISHED, created_by=self.teachers[0],
                  approved_by=self.organizer, approved_at=self.now, published_at=self.now)
             for g in self.group_list if g.pk not in have],
            batch_size=BATCH,
        )
        plans = list(Plan.objects.filter(group__camp=self.camp).select_related("phase").order_by("group__name"))
        item_counts = dict(PlanItem.objects.filter(plan__in=plans).values("plan_id").annotate(n=Count("id"))
                           .values_list("plan_id", "n"))
        live_lessons = [lesson for lesson in self.lesson_list if lesson.format == Lesson.Format.LIVE]
        other_lessons = [lesson for lesson in self.lesson_list if lesson.format != Lesson.Format.LIVE]
        items = []
        for p_index, plan in enumerate(plans):
            start_day = datetime.datetime.combine(plan.phase.starts_on, datetime.time(10, 0), tzinfo=datetime.UTC)
            for k in range(item_counts.get(plan.pk, 0), per_plan):
                # Two items a day at 10:00 and 12:00 UTC (17:00/19:00 in Bangkok), spread over the phase.
                starts = start_day + datetime.timedelta(days=k // 2 % PHASE_DAYS, hours=2 * (k % 2))
                live = k % LIVE_EVERY == 0
                lesson = (live_lessons if live else other_lessons)[(p_index + k) % (len(live_lessons) if live
                                                                                    else len(other_lessons))]
                items.append(PlanItem(plan=plan, lesson=lesson, starts_at=starts, duration_minutes=45,
                                      teacher=self.teachers[(p_index + k) % TEACHERS] if live else None))
        PlanItem.objects.bulk_create(items, batch_size=BATCH)
        total = PlanItem.objects.filter(plan__in=plans).count()
        return f"{len(plans)} published plans, {total} items ({len(items)} new)"

    def live_sessions(self) -> str:
        items = (PlanItem.objects.filter(plan__group__camp=self.camp, lesson__format=Lesson.Format.LIVE,
                                         live_session__isnull=True).select_related("plan", "lesson").order_by("pk"))
        rows = []
        for item in items:
            ended = item.ends_at < self.now
            row = LiveSession(
                plan_item=item, state=LiveSession.State.ENDED if ended else LiveSession.State.SCHEDULED,
                started_at=item.starts_at if ended else None, ended_at=item.ends_at if ended else None,
            )
            row.copy_item(item)  # bulk_create skips save(), which copies the item's group and time
            rows.append(row)
        LiveSession.objects.bulk_create(rows, batch_size=BATCH)
        total = LiveSession.objects.filter(group__camp=self.camp).count()
        return f"{total} live sessions ({len(rows)} new)"

    def _ended_sessions(self):
        return list(LiveSession.objects.filter(group__camp=self.camp, state=LiveSession.State.ENDED)
                    .select_related("plan_item__plan").order_by("pk"))

    def chat(self, total: int) -> str:
        sessions = self._ended_sessions()
        if not sessions:
            return "no finished sessions"
        have = ChatMessage.objects.filter(session__in=sessions).count()
        if have >= total:
            return f"{have} messages (0 new)"
        youth_by_group: dict[int, list[int]] = {}
        for group_id, user_id in Participant.objects.filter(group__camp=self.camp).values_list("group_id", "user_id"):
            youth_by_group.setdefault(group_id, []).append(user_id)
        with_messages = set(ChatMessage.objects.filter(session__in=sessions).values_list("session_id", flat=True))
        todo = [s for s in sessions if s.pk not in with_messages]
        remaining = total - have
        per, extra = divmod(remaining, len(todo)) if todo else (0, 0)
        created = 0
        batch = []
        for n, session in enumerate(todo):
            count = per + (1 if n < extra else 0)
            authors = youth_by_group[session.plan_item.plan.group_id] + [session.plan_item.teacher_id]
            start = session.started_at
            for seq in range(1, count + 1):
                batch.append(ChatMessage(
                    session=session, seq=seq, author_id=authors[(seq * 7 + n) % len(authors)],
                    text=f"第{seq}条 message {seq} in the scale camp", client_id=f"scale-{seq}",
                    sent_at=start + datetime.timedelta(seconds=seq * 2700 // max(1, count)),
                ))
            session.last_seq = count
            if len(batch) >= 10_000:
                ChatMessage.objects.bulk_create(batch, batch_size=BATCH)
                created += len(batch)
                batch = []
        ChatMessage.objects.bulk_create(batch, batch_size=BATCH)
        created += len(batch)
        LiveSession.objects.bulk_update(todo, ["last_seq"], batch_size=BATCH)
        return f"{have + created} messages ({created} new) in {len(sessions)} finished sessions"

    def attendance(self) -> str:
        sessions = self._ended_sessions()
        done = set(AttendanceSpan.objects.filter(session__in=sessions).values_list("session_id", flat=True))
        youth_by_group: dict[int, list[int]] = {}
        for group_id, user_id in Participant.objects.filter(group__camp=self.camp).values_list("group_id", "user_id"):
            youth_by_group.setdefault(group_id, []).append(user_id)
        spans = []
        for n, session in enumerate(s for s in sessions if s.pk not in done):
            for k, user_id in enumerate(youth_by_group[session.plan_item.plan.group_id]):
                if (k + n) % 6 == 0:  # about one youth in six missed this class
                    continue
                late = 0 if (k + n) % 5 else 12  # and some came in late
                joined = session.started_at + datetime.timedelta(minutes=late)
                spans.append(AttendanceSpan(session=session, user_id=user_id, joined_at=joined,
                                            left_at=session.ended_at, last_seen_at=session.ended_at))
        AttendanceSpan.objects.bulk_create(spans, batch_size=BATCH)
        total = AttendanceSpan.objects.filter(session__in=sessions).count()
        return f"{total} attendance spans ({len(spans)} new)"

    def feeds(self) -> str:
        have = set(CalendarFeed.objects.filter(kind=CalendarFeed.Kind.GROUP, revoked_at__isnull=True,
                                               group__camp=self.camp).values_list("group_id", flat=True))
        CalendarFeed.objects.bulk_create(
            [CalendarFeed(kind=CalendarFeed.Kind.GROUP, token=f"scale-feed-{g.pk}-{self.rng.getrandbits(64):016x}",
                          group=g, language="en")
             for g in self.group_list if g.pk not in have],
            batch_size=BATCH,
        )
        return f"{len(self.group_list)} group calendar feeds"
