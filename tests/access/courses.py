import datetime

from tests import factories
from tests.access.rules import LOGIN, Rule, everyone, table


def build(world) -> None:
    """A published plan for `group` (coordinator, youth), a draft for `other_group`, a template, feeds;
    the lesson is `teacher`'s. Also the extra personas (tests/access/rules.py EXTRA_PERSONAS)."""
    from camp.models import User
    from courses.models import CalendarFeed, Plan
    from courses.services.feeds import calendar_feed_get_or_create

    _build_extra_personas(world)
    lesson = factories.lesson("剪纸直播课", 60, title_en="Live paper-cutting", age_min=8, age_max=18,
                              chinese_level="none", author=world.teacher)
    world.lesson = lesson
    first_day = world.phase.starts_on + datetime.timedelta(days=1)
    # 16:00 local in Bangkok (UTC+7) and in Yangon (UTC+6:30): inside both groups' hours.
    bangkok = datetime.datetime.combine(first_day, datetime.time(9, 0), tzinfo=datetime.UTC)
    yangon = datetime.datetime.combine(first_day, datetime.time(9, 30), tzinfo=datetime.UTC)
    world.plan = factories.plan(world.group, world.phase, status=Plan.Status.PUBLISHED)
    world.plan_item = factories.plan_item(world.plan, lesson, bangkok, minutes=60, teacher=world.teacher)
    world.removable_item = factories.plan_item(world.plan, lesson, bangkok + datetime.timedelta(days=1), minutes=45)
    world.other_plan = factories.plan(world.other_group, world.phase)
    world.other_item = factories.plan_item(world.other_plan, lesson, yangon, minutes=60)
    world.unscheduled = factories.unscheduled_lesson(world.other_plan, lesson, day=2, teacher=world.teacher)
    world.template = factories.template(world.organizer, [[lesson]], days=7)
    world.template_item = world.template.items.get()
    world.group_feed = calendar_feed_get_or_create(kind=CalendarFeed.Kind.GROUP, group=world.group, language="th")
    world.youth_feed = calendar_feed_get_or_create(kind=CalendarFeed.Kind.YOUTH, user=world.youth, language="th")
    assert User.objects.filter(pk=world.teacher.pk).exists()
    _build_attachments(world)


def _build_extra_personas(world) -> None:
    """An organizer of another camp, a teacher who wrote none of the lessons, and a coordinator of
    `group` nobody has confirmed yet."""
    from camp.models import User

    world.other_organizer = factories.user(User.Role.ORGANIZER, time_zone="Asia/Shanghai")
    world.other_camp = factories.camp(world.other_organizer, federation="昆明市侨联", title="寻根之旅")
    world.other_teacher = factories.user(User.Role.TEACHER, time_zone="Asia/Shanghai")
    world.unconfirmed_coordinator = factories.user(User.Role.COORDINATOR, is_confirmed=False)
    world.group.coordinators.add(world.unconfirmed_coordinator)


def _build_attachments(world) -> None:
    """One attachment with a real file to download, one without a file for the remove rule."""
    import weakref

    from django.core.files.base import ContentFile

    from courses.models import LessonAttachment

    world.attachment = LessonAttachment(lesson=world.lesson, title="剪纸图样")
    world.attachment.file.save("paper-cut.txt", ContentFile("剪纸图样\n".encode()), save=True)
    # The world has no teardown hook: drop the file from MEDIA_ROOT when the test lets go of it.
    weakref.finalize(world.attachment, world.attachment.file.storage.delete, world.attachment.file.name)
    world.removable_attachment = LessonAttachment.objects.create(lesson=world.lesson, title="旧讲义",
                                                                 file="lessons/access-matrix/gone.txt")


def _removable_attachment(world) -> dict:
    """Put the attachment back before each persona tries to remove it (the URL names its pk)."""
    from courses.models import LessonAttachment

    if not LessonAttachment.objects.filter(pk=world.removable_attachment.pk).exists():
        world.removable_attachment.save(force_insert=True)
    return {}


def _removable(world) -> dict:
    """Put the item back before each persona tries to remove it (the URL names its pk)."""
    from courses.models import PlanItem

    if not PlanItem.objects.filter(pk=world.removable_item.pk).exists():
        world.removable_item.save(force_insert=True)
    return {}


def _removable_template_item(world) -> dict:
    """Put the template's lesson back before each persona tries to remove it."""
    from courses.models import TemplateItem

    if not TemplateItem.objects.filter(pk=world.template_item.pk).exists():
        world.template_item.save(force_insert=True)
    return {}


def _unscheduled(world) -> dict:
    """Put the dismissed lesson back on the list before each persona tries (the URL names its pk)."""
    from courses.models import UnscheduledLesson

    if not UnscheduledLesson.objects.filter(pk=world.unscheduled.pk).exists():
        world.unscheduled.save(force_insert=True)
    return {}


def _group_feed_back(world) -> dict:
    """Make the group's feed live again before each persona tries to revoke it."""
    from courses.models import CalendarFeed

    CalendarFeed.objects.filter(pk=world.group_feed.pk).update(revoked_at=None)
    return {}


def _republished(world) -> dict:
    """Publish the plan again before each persona tries to unpublish it (confirmed)."""
    from courses.models import Plan

    Plan.objects.filter(pk=world.plan.pk).update(status=Plan.Status.PUBLISHED)
    return {"confirm": "on"}


# The extra personas, where a rule names them: `other_organizer` organizes another camp, `other_teacher`
# wrote none of the world's lessons, `unconfirmed_coordinator` is on `group` but nobody vouched for them
# (camp.access.visible_groups: they see no group, so no plan, feed or interests of it).
ADULTS = {"other_organizer": 200, "other_teacher": 200, "unconfirmed_coordinator": 200}
BUILDERS = {"other_organizer": 200, "other_teacher": 200, "unconfirmed_coordinator": 403}
BUILDERS_POST = {"other_organizer": 302, "other_teacher": 302, "unconfirmed_coordinator": 403}
# `group`'s published plan / `other_group`'s draft (camp 1): another camp's organizer does not know them.
PLAN_BUILDERS = {"other_organizer": 404, "other_teacher": 200, "unconfirmed_coordinator": 404}
PLAN_BUILDERS_POST = {"other_organizer": 404, "other_teacher": 302, "unconfirmed_coordinator": 404}
# The lesson (by `teacher`) is in camp 1's published plan: only its author and camp 1's organizers change it.
LESSON_WRITERS = {"other_organizer": 403, "other_teacher": 403, "unconfirmed_coordinator": 403}

BUILDERS_ONLY = table(403, teacher=200, organizer=200, **BUILDERS)
# The organizer's own template: organizers edit it (a template is no camp's); a teacher who did not write it only reads it.
TEMPLATE_EDIT = table(403, organizer=200, other_organizer=200, other_teacher=403, unconfirmed_coordinator=403)
TEMPLATE_EDIT_POST = table(403, organizer=302, other_organizer=302, other_teacher=403, unconfirmed_coordinator=403)
TEACHER_ONLY = table(403, teacher=200, other_organizer=403, other_teacher=200, unconfirmed_coordinator=403)
# A published plan of `group`: its youth and coordinator see it; the other group's do not know it exists.
PUBLISHED_PLAN_VIEW = table(200, other_youth=404, other_coordinator=404, **PLAN_BUILDERS)
PUBLISHED_PLAN_BUILD = table(403, other_youth=404, other_coordinator=404, teacher=200, organizer=200, **PLAN_BUILDERS)
PUBLISHED_PLAN_BUILD_POST = table(403, other_youth=404, other_coordinator=404, teacher=302, organizer=302,
                                  **PLAN_BUILDERS_POST)
PUBLISHED_PLAN_DECIDE = table(403, other_youth=404, other_coordinator=404, organizer=302,
                              other_organizer=404, other_teacher=403, unconfirmed_coordinator=404)
# A draft of `other_group`: nobody outside the builders knows it exists, its own coordinator included.
DRAFT_BUILD_POST = table(404, teacher=302, organizer=302, **PLAN_BUILDERS_POST)
# The group's interests: like the group page (camp's MANAGE), its coordinators and the camp's organizers.
INTERESTS = {"other_coordinator": 404, "other_youth": 404, "other_organizer": 404, "other_teacher": 403,
             "unconfirmed_coordinator": 404}


def _plan(world):
    return {"pk": world.plan.pk}


RULES = {
    "courses:group_interests": Rule(table(403, coordinator=200, organizer=200, **INTERESTS),
                                    kwargs=lambda w: {"pk": w.group.pk}),
    "courses:group_interests@post": Rule(table(403, coordinator=302, organizer=302, **INTERESTS), method="post",
                                         kwargs=lambda w: {"pk": w.group.pk}, data=lambda w: {"topics": []}),
    "courses:lesson_list": Rule(table(200, youth=403, other_youth=403, **ADULTS)),
    "courses:lesson_create": Rule(BUILDERS_ONLY),
    "courses:lesson_detail": Rule(table(200, other_youth=404, **ADULTS), kwargs=lambda w: {"pk": w.lesson.pk}),
    "courses:lesson_edit": Rule(table(403, other_youth=404, teacher=200, organizer=200, **LESSON_WRITERS),
                                kwargs=lambda w: {"pk": w.lesson.pk}),
    # A form without a file: the access check runs first, a writer gets the page back with the errors.
    "courses:lesson_attachment_add": Rule(table(403, other_youth=404, teacher=200, organizer=200, **LESSON_WRITERS),
                                          method="post", kwargs=lambda w: {"pk": w.lesson.pk},
                                          data=lambda w: {"title": ""}),
    "courses:attachment_download": Rule(table(200, other_youth=404, **ADULTS),
                                        kwargs=lambda w: {"pk": w.lesson.pk, "attachment_pk": w.attachment.pk}),
    # The lesson's author (teacher) and an organizer of a camp using it; not another teacher or camp.
    "courses:lesson_attachment_remove": Rule(
        table(403, other_youth=404, teacher=302, organizer=302, **LESSON_WRITERS), method="post",
        kwargs=lambda w: {"pk": w.lesson.pk, "attachment_pk": w.removable_attachment.pk},
        data=_removable_attachment,
    ),
    "courses:plan_list": Rule(table(200, **ADULTS)),
    "courses:plan_create": Rule(BUILDERS_ONLY),
    "courses:plan_detail": Rule(PUBLISHED_PLAN_VIEW, kwargs=_plan),
    "courses:plan_print": Rule(PUBLISHED_PLAN_VIEW, kwargs=_plan),
    "courses:plan_builder": Rule(PUBLISHED_PLAN_BUILD, kwargs=_plan),
    "courses:plan_catalog": Rule(PUBLISHED_PLAN_BUILD, kwargs=_plan, query="?q=剪纸"),
    "courses:plan_copy": Rule(PUBLISHED_PLAN_BUILD, kwargs=_plan),
    "courses:plan_save_template": Rule(PUBLISHED_PLAN_BUILD_POST, kwargs=_plan, method="post",
                                       data=lambda w: {"name": "模板"}),
    "courses:plan_item_add": Rule(
        DRAFT_BUILD_POST, method="post", kwargs=lambda w: {"pk": w.other_plan.pk},
        data=lambda w: {"lesson": w.lesson.pk, "on_date": w.phase.starts_on.isoformat()},
    ),
    "courses:plan_item_update": Rule(
        DRAFT_BUILD_POST, method="post", kwargs=lambda w: {"pk": w.other_plan.pk, "item_pk": w.other_item.pk},
        data=lambda w: {"shift": "30"},
    ),
    "courses:plan_item_remove": Rule(
        PUBLISHED_PLAN_BUILD_POST, method="post",
        kwargs=lambda w: {"pk": w.plan.pk, "item_pk": w.removable_item.pk}, data=_removable,
    ),
    "courses:plan_propose": Rule(DRAFT_BUILD_POST, method="post", kwargs=lambda w: {"pk": w.other_plan.pk},
                                 data=lambda w: {"override_reason": ""}),
    "courses:plan_approve": Rule(PUBLISHED_PLAN_DECIDE, method="post", kwargs=_plan, data=lambda w: {}),
    "courses:plan_publish": Rule(PUBLISHED_PLAN_DECIDE, method="post", kwargs=_plan, data=lambda w: {}),
    "courses:plan_return": Rule(PUBLISHED_PLAN_DECIDE, method="post", kwargs=_plan, data=lambda w: {"note": ""}),
    "courses:plan_unpublish": Rule(PUBLISHED_PLAN_DECIDE, method="post", kwargs=_plan, data=_republished),
    "courses:plan_unscheduled_dismiss": Rule(
        DRAFT_BUILD_POST, method="post", kwargs=lambda w: {"pk": w.other_plan.pk, "entry_pk": w.unscheduled.pk},
        data=_unscheduled,
    ),
    "courses:template_list": Rule(BUILDERS_ONLY),
    "courses:template_detail": Rule(BUILDERS_ONLY, kwargs=lambda w: {"pk": w.template.pk}),
    "courses:template_create": Rule(table(403, teacher=302, organizer=302, **BUILDERS_POST), method="post",
                                    data=lambda w: {"name": "新模板", "description": "", "days": "5"}),
    "courses:template_edit": Rule(TEMPLATE_EDIT, kwargs=lambda w: {"pk": w.template.pk}),
    "courses:template_item_add": Rule(TEMPLATE_EDIT_POST, method="post", kwargs=lambda w: {"pk": w.template.pk},
                                      data=lambda w: {"lesson": str(w.lesson.pk), "day": "2"}),
    "courses:template_item_remove": Rule(TEMPLATE_EDIT_POST, method="post", data=_removable_template_item,
                                         kwargs=lambda w: {"pk": w.template.pk, "item_pk": w.template_item.pk}),
    "courses:teacher_schedule": Rule(TEACHER_ONLY),
    "courses:teacher_hours": Rule(TEACHER_ONLY),
    "courses:feed_list": Rule(table(200, **ADULTS)),
    # The token is the key: calendar apps cannot sign in.
    "courses:calendar_feed": Rule(everyone(200), kwargs=lambda w: {"token": w.group_feed.token}),
    # Only the owner revokes a personal feed; for everybody else it does not exist.
    "courses:feed_revoke": Rule(table(404, anonymous=LOGIN, youth=302, other_organizer=404, other_teacher=404,
                                      unconfirmed_coordinator=404), method="post",
                                kwargs=lambda w: {"pk": w.youth_feed.pk}, data=lambda w: {}),
    # The group's feed: its confirmed coordinators and the camp's organizers; teachers may know it (403).
    "courses:feed_revoke@group": Rule(
        table(404, anonymous=LOGIN, coordinator=302, organizer=302, teacher=403, other_organizer=404,
              other_teacher=403, unconfirmed_coordinator=404),
        method="post", kwargs=lambda w: {"pk": w.group_feed.pk}, data=_group_feed_back,
    ),
}
