"""Fill each room's copy of its plan item (group, lesson, title in the source language, teacher,
time), and move the link a teacher set on the room page (LiveSession.video_url) to the item's own
meeting link, which is now the one place for it (an item that already has its own link keeps it).
Self-contained: a migration never imports app code."""

from django.db import migrations

SOURCE_LANGUAGE_TITLE = "title_zh_hans"  # settings.LANGUAGE_CODE "zh-hans", as modeltranslation names it


def fill(apps, schema_editor):
    LiveSession = apps.get_model("live", "LiveSession")
    PlanItem = apps.get_model("courses", "PlanItem")
    for session in LiveSession.objects.filter(plan_item__isnull=False).select_related("plan_item__plan",
                                                                                      "plan_item__lesson"):
        item = session.plan_item
        lesson = item.lesson
        session.group_id = item.plan.group_id
        session.lesson_id = item.lesson_id
        session.title = (getattr(lesson, SOURCE_LANGUAGE_TITLE, None) or lesson.title or "")[:200]
        session.teacher_id = item.teacher_id
        session.starts_at = item.starts_at
        session.duration_minutes = item.duration_minutes
        session.save(update_fields=["group", "lesson", "title", "teacher", "starts_at", "duration_minutes"])
        link = (session.video_url or "").strip()
        if link and not item.meeting_url:
            PlanItem.objects.filter(pk=item.pk).update(meeting_url=link)


def unfill(apps, schema_editor):
    """Back to 0005: the rooms' links come back from their items (the copies just stay)."""
    LiveSession = apps.get_model("live", "LiveSession")
    for session in LiveSession.objects.filter(plan_item__isnull=False).select_related("plan_item"):
        if session.plan_item.meeting_url:
            LiveSession.objects.filter(pk=session.pk).update(video_url=session.plan_item.meeting_url)


class Migration(migrations.Migration):

    dependencies = [("live", "0005_room_keeps_its_class")]

    operations = [migrations.RunPython(fill, unfill)]
