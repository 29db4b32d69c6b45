"""This app's part of the demo camp: the catalog, three templates, and a published plan per approved group.

Plans are scheduled relative to the day seed_demo runs, like the phases (camp/demo.py). For the live
classroom demo, 中老友谊侨校's plan has a live calligraphy class with teacher@example.org that started
ten minutes before the seed ran, and live classes on the following days; the finished phases' groups
have published plans in the past. Idempotent: a plan seeded today is left alone; a plan seeded on an
earlier day is rescheduled to the phases' new dates.
"""

import datetime

from django.utils import timezone

from camp.models import Camp, Enrollment, User
from courses import demo_catalog_lo_my
from courses.demo_catalog import LESSONS, TEMPLATES, TOPICS
from courses.models import Lesson, Plan, PlanItem, PlanTemplate, TeacherProfile, TemplateItem, Topic
from courses.services.plans import _replacement
from courses.services.scheduling import Request, SchedulingError, busy_load, schedule
from courses.services.text import html_sanitize

# group name → (template index, interests)
GROUP_PLANS = {
    "中老友谊侨校": (1, ["calligraphy", "tea", "paper-cutting"]),
    "寮龚侨校": (0, ["tea", "culture"]),
    "曼谷中华语言文化中心": (1, ["poetry", "classics"]),
    "清迈华侨公立学校": (0, ["paper-cutting", "tea"]),
    "仰光华侨中文学校": (0, ["tea", "cloud-tour"]),
    "曼德勒福庆学校": (1, ["poetry", "calligraphy"]),
    "多伦多中华文化协会": (2, ["classics", "heritage"]),
    "万象寮都公学": (2, ["cloud-tour", "heritage"]),
}
LIVE_NOW_GROUP = "中老友谊侨校"
LIVE_NOW_LESSON = "calligraphy-yong"
TEACHER_HOURS = {
    "teacher@example.org": (datetime.time(7, 0), datetime.time(22, 30)),
    "teacher-tea@example.org": (datetime.time(8, 0), datetime.time(22, 0)),
    "teacher-art@example.org": (datetime.time(8, 0), datetime.time(22, 0)),
}
GOALS_HEADING = {"zh_hans": "学习目标", "en": "Learning goals", "th": "เป้าหมายการเรียนรู้", **demo_catalog_lo_my.GOALS_HEADING}


def seed(stdout) -> None:
    camp = Camp.objects.filter(federation="普洱市侨联", year=2023).first()
    if camp is None:
        return
    teachers = {email: User.objects.get(username=email) for email in TEACHER_HOURS}
    for email, (start, end) in TEACHER_HOURS.items():
        TeacherProfile.objects.get_or_create(user=teachers[email], defaults={"work_start": start, "work_end": end})
    topics = _topics()
    lessons = _lessons(topics, teachers["teacher@example.org"])
    templates = _templates(lessons, camp.organizer)
    organizer = camp.organizer
    plans = 0
    for enrollment in Enrollment.objects.filter(phase__camp=camp, status=Enrollment.Status.APPROVED).select_related(
        "group", "phase"
    ).order_by("phase__number", "group__name"):
        group = enrollment.group
        template_index, interests = GROUP_PLANS.get(group.name, (0, []))
        for slug in interests:
            topics[slug].interested_groups.add(group)
        _plan(enrollment, templates[template_index], lessons, teachers, organizer)
        plans += 1
    stdout.write(f"courses: {len(lessons)} lessons, {len(templates)} templates, {plans} published plans")


def _topics() -> dict[str, Topic]:
    result = {}
    for slug, zh, en, th, lo, my in TOPICS:
        topic, _created = Topic.objects.get_or_create(
            slug=slug, defaults={"name": zh, "name_zh_hans": zh, "name_en": en, "name_th": th, "name_lo": lo,
                                 "name_my": my},
        )
        result[slug] = topic
    return result


def _texts(code: str, values) -> dict:
    title, summary, goals, materials = values
    body = f"<p>{summary}</p><h3>{GOALS_HEADING[code]}</h3><p>{goals}</p>"
    return {f"title_{code}": title, f"summary_{code}": summary, f"goals_{code}": goals,
            f"materials_{code}": materials, f"body_{code}": html_sanitize(body)}


def _lessons(topics, author) -> dict[str, Lesson]:
    result = {}
    for key, topic_slugs, format_, minutes, (age_min, age_max), level, zh, en, th in LESSONS:
        lesson = Lesson.objects.filter(title_zh_hans=zh[0]).first()
        lo_my = demo_catalog_lo_my.LESSONS[key]
        if lesson is not None and not lesson.title_lo:  # seeded before the demo had Lao and Burmese
            Lesson.objects.filter(pk=lesson.pk).update(**_texts("lo", lo_my["lo"]), **_texts("my", lo_my["my"]))
        if lesson is None:
            fields = {**_texts("zh_hans", zh), **_texts("en", en), **(_texts("th", th) if th else {}),
                      **_texts("lo", lo_my["lo"]), **_texts("my", lo_my["my"])}
            lesson = Lesson(
                title=zh[0], summary=zh[1], goals=zh[2], materials=zh[3], body=fields["body_zh_hans"],
                duration_minutes=minutes, format=format_, age_min=age_min, age_max=age_max, chinese_level=level,
                author=author, **fields,
            )
            lesson.full_clean()
            lesson.save()
            lesson.topics.set([topics[slug] for slug in topic_slugs])
        result[key] = lesson
    return result


def _templates(lessons, owner) -> list[PlanTemplate]:
    result = []
    for ((zh, en, th), days, (description_zh, description_en), by_day), lo_my in zip(
        TEMPLATES, demo_catalog_lo_my.TEMPLATES, strict=True
    ):
        (name_lo, description_lo), (name_my, description_my) = lo_my["lo"], lo_my["my"]
        template, created = PlanTemplate.objects.get_or_create(
            name_zh_hans=zh,
            defaults={"name": zh, "name_en": en, "name_th": th, "name_lo": name_lo, "name_my": name_my,
                      "days": days, "owner": owner, "description": description_zh,
                      "description_zh_hans": description_zh, "description_en": description_en,
                      "description_lo": description_lo, "description_my": description_my},
        )
        if created:
            TemplateItem.objects.bulk_create([
                TemplateItem(template=template, day=day, order=order, lesson=lessons[key])
                for day, keys in enumerate(by_day, start=1) for order, key in enumerate(keys)
            ])
        result.append(template)
    return result


def _teacher_for(lesson: Lesson, teachers, group) -> User:
    if group.name == LIVE_NOW_GROUP and lesson.format == Lesson.Format.LIVE:
        return teachers["teacher@example.org"]  # the live-room demo signs in as this teacher
    slugs = {topic.slug for topic in lesson.topics.all()}
    if "tea" in slugs and lesson.format in (Lesson.Format.LIVE, Lesson.Format.WORKSHOP):
        return teachers["teacher-tea@example.org"]
    if "paper-cutting" in slugs or lesson.format == Lesson.Format.WORKSHOP:
        return teachers["teacher-art@example.org"]
    return teachers["teacher@example.org"]


def _schedule_what_fits(group, phase, requests, busy):
    """All the template when it fits; otherwise the lessons that fit, in order (teachers are shared
    between groups that meet at the same hours, so a demo group can run out of evenings)."""
    try:
        return schedule(group=group, phase=phase, requests=requests, busy=busy)
    except SchedulingError:
        pass
    accepted: list[Request] = []
    for request in requests:
        try:
            schedule(group=group, phase=phase, requests=[*accepted, request], busy=busy)
        except SchedulingError:
            continue
        accepted.append(request)
    return schedule(group=group, phase=phase, requests=accepted, busy=busy)


def _plan(enrollment, template, lessons, teachers, organizer) -> Plan:
    group, phase = enrollment.group, enrollment.phase
    today = timezone.localdate()
    plan = Plan.objects.filter(group=group, phase=phase).first()
    if plan is not None and timezone.localdate(plan.created_at) == today and plan.items.exists():
        return plan  # seeded today already: leave it (and the live rooms built on its items) alone
    now = timezone.now()
    if plan is None:
        plan = Plan.objects.create(group=group, phase=phase, created_by=teachers["teacher@example.org"],
                                   template=template)
    else:
        plan.items.all().delete()
        Plan.objects.filter(pk=plan.pk).update(created_at=now)
    live_now = lessons[LIVE_NOW_LESSON]
    if group.name == LIVE_NOW_GROUP:
        # The class the live-room demo opens: started ten minutes ago, 75 minutes long.
        PlanItem.objects.create(
            plan=plan, lesson=live_now, teacher=teachers["teacher@example.org"],
            starts_at=(now - datetime.timedelta(minutes=10)).replace(second=0, microsecond=0),
            duration_minutes=live_now.duration_minutes,
        )
    used: set[int] = {live_now.pk} if group.name == LIVE_NOW_GROUP else set()
    requests = []
    for template_item in template.items.select_related("lesson").prefetch_related("lesson__topics"):
        lesson = _replacement(template_item.lesson, group, used)
        if lesson.pk in used or not lesson.suits(group):
            continue  # a demo plan the organizer published has no unsuitable lessons
        used.add(lesson.pk)
        requests.append(Request(lesson=lesson, teacher=_teacher_for(lesson, teachers, group), day=template_item.day,
                                duration_minutes=lesson.duration_minutes))
    start = datetime.datetime.combine(phase.starts_on, datetime.time(0), tzinfo=datetime.UTC) - datetime.timedelta(days=1)
    end = datetime.datetime.combine(phase.ends_on, datetime.time(0), tzinfo=datetime.UTC) + datetime.timedelta(days=2)
    busy = busy_load(group=group, teachers=teachers.values(), start=start, end=end)
    placements = _schedule_what_fits(group, phase, requests, busy)
    PlanItem.objects.bulk_create([
        PlanItem(plan=plan, lesson=p.lesson, teacher=p.teacher, starts_at=p.starts_at, duration_minutes=p.duration_minutes)
        for p in placements
    ])
    plan.status = Plan.Status.PUBLISHED
    plan.proposed_at = plan.approved_at = plan.published_at = now
    plan.approved_by = organizer
    plan.override_reason = (
        "直播课按老师实际开课时间安排。" if group.name == LIVE_NOW_GROUP else ""
    )
    plan.save()
    return plan
