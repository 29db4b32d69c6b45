"""Writing lessons: every translated body is sanitized before it is stored; attachments are checked
by extension and by their first bytes before they reach the disk."""

import codecs
import zipfile
from dataclasses import dataclass
from pathlib import PurePath

from django.core.exceptions import PermissionDenied, SuspiciousFileOperation, ValidationError
from django.db import transaction
from django.utils.text import get_valid_filename
from django.utils.translation import gettext as _

from camp.models import LANGUAGE_CODES
from courses.access import can_write_lessons, check_attachment_remove, check_lesson_edit
from courses.models import Lesson, LessonAttachment, Topic
from courses.services.plans import meeting_url_clean
from courses.services.text import html_sanitize


def _sanitize_bodies(lesson: Lesson) -> None:
    for code in LANGUAGE_CODES:
        name = f"body_{code.replace('-', '_')}"
        setattr(lesson, name, html_sanitize(getattr(lesson, name) or ""))


@transaction.atomic
def lesson_save(*, lesson: Lesson, topics: list[Topic] | None = None, author=None, by=None) -> Lesson:
    """Create or update a lesson (fields already set on the instance), bodies sanitized.

    `by` is the person saving: a new lesson needs a lesson writer, a change to a stored one someone who
    may edit it (courses.access.can_edit_lesson, checked against the stored row). Without `by` only a
    new lesson is saved (seeders, imports); `author` defaults to `by` for a new lesson.
    """
    if lesson.pk is not None:
        stored = Lesson.objects.filter(pk=lesson.pk).first()
        if stored is not None:
            if by is None:
                raise PermissionDenied
            check_lesson_edit(by, stored)
    elif by is not None and not can_write_lessons(by):
        raise PermissionDenied
    author = author if author is not None else by
    if author is not None and lesson.author_id is None:
        lesson.author = author
    _sanitize_bodies(lesson)
    # The same rule as an item's own link: https only, or empty (a youth's browser opens it).
    lesson.meeting_url = meeting_url_clean(lesson.meeting_url)
    lesson.full_clean()
    lesson.save()
    if topics is not None:
        lesson.topics.set(topics)
    return lesson


# Teachers upload from camp Wi-Fi and youth download on phones: 20 MiB is a long video clip at most.
# Tests monkeypatch this constant to try the limit with small files.
ATTACHMENT_MAX_BYTES = 20 * 1024 * 1024
# How much of a file the content check reads; enough for every signature below.
SNIFF_BYTES = 8192
# FileField's default max_length is 100: "lessons/2025/" plus a storage suffix "_abcdefg" must still fit.
_STEM_MAX = 60


@dataclass(frozen=True)
class AttachmentType:
    extensions: tuple[str, ...]
    content_type: str
    label: str


ATTACHMENT_TYPES = (
    AttachmentType(("pdf",), "application/pdf", "PDF"),
    AttachmentType(("png",), "image/png", "PNG"),
    AttachmentType(("jpg", "jpeg"), "image/jpeg", "JPEG"),
    AttachmentType(("docx",), "application/vnd.openxmlformats-officedocument.wordprocessingml.document", "Word"),
    AttachmentType(("xlsx",), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "Excel"),
    AttachmentType(("pptx",), "application/vnd.openxmlformats-officedocument.presentationml.presentation",
                   "PowerPoint"),
    AttachmentType(("mp3",), "audio/mpeg", "MP3"),
    AttachmentType(("mp4",), "video/mp4", "MP4"),
    AttachmentType(("txt",), "text/plain; charset=utf-8", "text"),
)
_TYPE_BY_EXTENSION = {ext: kind for kind in ATTACHMENT_TYPES for ext in kind.extensions}
ALLOWED_EXTENSIONS = tuple(_TYPE_BY_EXTENSION)
# Office Open XML files are zip archives; the folder inside tells a Word file from a renamed zip.
_OOXML_FOLDER = {"docx": "word/", "xlsx": "xl/", "pptx": "ppt/"}


def attachment_extension(name: str) -> str:
    return PurePath(name or "").suffix.lower().lstrip(".")


def attachment_content_type(name: str) -> str:
    """The Content-Type a stored attachment is served with (only allowed extensions were ever stored)."""
    kind = _TYPE_BY_EXTENSION.get(attachment_extension(name))
    return kind.content_type if kind else "application/octet-stream"


def _head(file) -> bytes:
    file.seek(0)
    head = file.read(SNIFF_BYTES)
    file.seek(0)
    return head


def _looks_like(extension: str, file, head: bytes) -> bool:
    if extension == "pdf":
        return head.startswith(b"%PDF-")
    if extension == "png":
        return head.startswith(b"\x89PNG\r\n\x1a\n")
    if extension in ("jpg", "jpeg"):
        return head.startswith(b"\xff\xd8\xff")
    if extension == "mp3":
        # An ID3 tag, or straight into an MPEG audio frame (11 sync bits set).
        return head.startswith(b"ID3") or (len(head) > 1 and head[0] == 0xFF and head[1] & 0xE0 == 0xE0)
    if extension == "mp4":
        return head[4:8] == b"ftyp"
    if extension == "txt":
        if b"\x00" in head:
            return False
        try:
            # The sniffed prefix may cut a multi-byte character in half: decode incrementally.
            codecs.getincrementaldecoder("utf-8")().decode(head, final=False)
        except UnicodeDecodeError:
            return False
        return True
    if extension in _OOXML_FOLDER:
        if not head.startswith(b"PK\x03\x04"):
            return False
        try:
            file.seek(0)
            with zipfile.ZipFile(file) as archive:
                names = archive.namelist()
        except (zipfile.BadZipFile, OSError, ValueError):
            return False
        finally:
            file.seek(0)
        folder = _OOXML_FOLDER[extension]
        return "[Content_Types].xml" in names and any(name.startswith(folder) for name in names)
    return False


def attachment_file_check(file) -> str:
    """Validate an uploaded file (extension, size, content) and return its sanitized name, or raise."""
    if file is None:
        raise ValidationError(_("Choose a file to upload."), code="required")
    extension = attachment_extension(file.name)
    kind = _TYPE_BY_EXTENSION.get(extension)
    if kind is None:
        raise ValidationError(
            _("Files of this type cannot be attached. Allowed: %(types)s.") % {"types": ", ".join(ALLOWED_EXTENSIONS)},
            code="extension",
        )
    size = file.size
    if not size:
        raise ValidationError(_("The file is empty."), code="empty")
    if size > ATTACHMENT_MAX_BYTES:
        raise ValidationError(
            _("The file is too large (%(size)s MiB); the limit is %(limit)s MiB.")
            % {"size": f"{size / 1024 / 1024:.1f}", "limit": f"{ATTACHMENT_MAX_BYTES / 1024 / 1024:g}"},
            code="too_large",
        )
    if not _looks_like(extension, file, _head(file)):
        raise ValidationError(
            _("The file's content is not a %(type)s file although its name ends in .%(ext)s.")
            % {"type": kind.label, "ext": extension},
            code="content",
        )
    stem = PurePath(PurePath(file.name).name).stem[:_STEM_MAX]
    try:
        stem = get_valid_filename(stem)
    except SuspiciousFileOperation:
        stem = "attachment"
    return f"{stem}.{extension}"


@transaction.atomic
def lesson_attachment_add(*, lesson: Lesson, by, title: str, file) -> LessonAttachment:
    """Attach a checked file to a lesson (who may edit the lesson only); the file is written to storage
    only when it passed."""
    check_lesson_edit(by, lesson)
    file.name = attachment_file_check(file)
    attachment = LessonAttachment(lesson=lesson, title=(title or "").strip(), file=file, uploaded_by=by)
    # full_clean before save: FileField writes the file to storage during save, so a bad row never
    # leaves a file behind.
    attachment.full_clean()
    try:
        attachment.save()
    except Exception:
        if attachment.file.name:
            attachment.file.storage.delete(attachment.file.name)
        raise
    return attachment


@transaction.atomic
def lesson_attachment_remove(*, attachment: LessonAttachment, by) -> None:
    """Delete the row now and the file once the deletion is committed (a rollback keeps both); the
    lesson's author, the uploader or an organizer of a camp using the lesson only."""
    check_attachment_remove(by, attachment)
    storage, name = attachment.file.storage, attachment.file.name
    attachment.delete()
    if name:
        transaction.on_commit(lambda: storage.delete(name))
