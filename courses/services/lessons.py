"""Writing lessons: every translated body is sanitized before it is stored."""

from django.db import transaction

from camp.models import LANGUAGE_CODES
from courses.models import Lesson, LessonAttachment, Topic
from courses.services.text import html_sanitize


def _sanitize_bodies(lesson: Lesson) -> None:
    for code in LANGUAGE_CODES:
        name = f"body_{code.replace('-', '_')}"
        setattr(lesson, name, html_sanitize(getattr(lesson, name) or ""))
    lesson.body = lesson.body_zh_hans or lesson.body


@transaction.atomic
def lesson_save(*, lesson: Lesson, topics: list[Topic] | None = None, author=None) -> Lesson:
    """Create or update a lesson (fields already set on the instance), bodies sanitized."""
    if author is not None and lesson.author_id is None:
        lesson.author = author
    _sanitize_bodies(lesson)
    lesson.full_clean()
    lesson.save()
    if topics is not None:
        lesson.topics.set(topics)
    return lesson


@transaction.atomic
def lesson_attachment_add(*, lesson: Lesson, title: str, file) -> LessonAttachment:
    attachment = LessonAttachment(lesson=lesson, title=title, file=file)
    attachment.full_clean()
    attachment.save()
    return attachment
