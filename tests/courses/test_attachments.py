"""Lesson attachments: who may edit the lesson uploads (its author, an organizer); its author, the uploader
or an organizer of a camp using it removes; whoever sees the lesson downloads (the reach rules across
camps and teachers: tests/courses/test_reach.py)."""

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from courses.models import LessonAttachment, Plan
from courses.services import lessons as lesson_services
from tests import factories

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n"
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 64


def _docx() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def lesson(make_lesson, teacher):
    return make_lesson("剪纸", author=teacher)


def _files(media) -> list:
    return [path for path in media.rglob("*") if path.is_file()] if media.exists() else []


def _upload(client, lesson, name, content, title="剪纸图样"):
    data = {"file": SimpleUploadedFile(name, content)}
    if title is not None:
        data["title"] = title
    return client.post(reverse("courses:lesson_attachment_add", args=[lesson.pk]), data)


def test_teacher_uploads_and_downloads(client, teacher, lesson, media):
    client.force_login(teacher)
    response = _upload(client, lesson, "../../剪纸 图样(v2).pdf", PDF)
    assert response.status_code == 302
    attachment = LessonAttachment.objects.get(lesson=lesson)
    assert attachment.title == "剪纸图样"
    stored = attachment.file.name.rsplit("/", 1)[-1]
    assert stored.endswith(".pdf") and "/" not in stored and " " not in stored and ".." not in stored
    assert attachment.file.name.startswith("lessons/")
    assert [path.read_bytes() for path in _files(media)] == [PDF]

    page = client.get(reverse("courses:lesson_detail", args=[lesson.pk]))
    download_url = reverse("courses:attachment_download", args=[lesson.pk, attachment.pk])
    assert download_url in page.content.decode()

    response = client.get(download_url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert b"".join(response.streaming_content) == PDF


def test_organizer_uploads_office_file(client, organizer, lesson, media):
    client.force_login(organizer)
    assert _upload(client, lesson, "plan.docx", _docx()).status_code == 302
    attachment = LessonAttachment.objects.get(lesson=lesson)
    response = client.get(reverse("courses:attachment_download", args=[lesson.pk, attachment.pk]))
    assert response["Content-Type"].startswith("application/vnd.openxmlformats-officedocument.wordprocessing")


def test_another_teacher_may_not_attach_to_a_lesson_they_did_not_write(client, teacher, make_user, lesson, media):
    """A lesson is edited by its author or an organizer (access.can_edit_lesson), attachments too."""
    other = make_user(role="teacher")
    client.force_login(other)
    assert _upload(client, lesson, "notes.txt", "第一课\n".encode()).status_code == 403
    assert not LessonAttachment.objects.filter(lesson=lesson).exists() and _files(media) == []


@pytest.mark.parametrize("persona", ["coordinator", "youth", "other_youth"])
def test_outsiders_cannot_upload(client, world, persona, lesson, media, request):
    factories.plan(world.group, world.phase, [(lesson, f"{world.phase.starts_on}T09:00Z", None)],
                   status=Plan.Status.PUBLISHED)
    client.force_login(getattr(world, persona))
    response = _upload(client, lesson, "a.pdf", PDF)
    assert response.status_code == (404 if persona == "other_youth" else 403)
    assert not LessonAttachment.objects.exists()
    assert _files(media) == []


def test_anonymous_cannot_upload(client, lesson, media):
    response = _upload(client, lesson, "a.pdf", PDF)
    assert response.status_code == 302 and "login" in response["Location"]
    assert not LessonAttachment.objects.exists() and _files(media) == []


def test_wrong_methods(client, teacher, lesson):
    attachment = lesson_services.lesson_attachment_add(
        lesson=lesson, by=teacher, title="t", file=SimpleUploadedFile("a.txt", b"hello"))
    client.force_login(teacher)
    assert client.get(reverse("courses:lesson_attachment_add", args=[lesson.pk])).status_code == 405
    assert client.get(reverse("courses:lesson_attachment_remove", args=[lesson.pk, attachment.pk])).status_code == 405
    assert client.post(reverse("courses:attachment_download", args=[lesson.pk, attachment.pk])).status_code == 405
    assert LessonAttachment.objects.filter(pk=attachment.pk).exists()


def test_upload_needs_csrf(teacher, lesson, media):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(teacher)
    assert _upload(client, lesson, "a.pdf", PDF).status_code == 403
    assert not LessonAttachment.objects.exists() and _files(media) == []


@pytest.mark.parametrize(("name", "content", "title", "code"), [
    ("tool.exe", EXE, "t", "extension"),
    ("handout.pdf", EXE, "t", "content"),
    ("song.mp3", PDF, "t", "content"),
    ("plan.docx", b"PK\x03\x04" + b"\x00" * 30, "t", "content"),
    ("notes.txt", b"\x00\x01binary", "t", "content"),
    ("empty.pdf", b"", "t", "empty"),
    ("noextension", PDF, "t", "extension"),
    ("a.pdf", PDF, None, "required"),
    ("a.pdf", PDF, "   ", "required"),
    ("a.pdf", PDF, "x" * 201, "max_length"),
])
def test_malformed_uploads_write_nothing(client, teacher, lesson, media, name, content, title, code):
    client.force_login(teacher)
    response = _upload(client, lesson, name, content, title=title)
    assert response.status_code == 200
    errors = response.context["attachment_form"].errors.as_data()
    assert code in [error.code for field_errors in errors.values() for error in field_errors]
    # The clear error is on the page, in the user's language.
    assert 'class="errorlist' in response.content.decode()
    assert not LessonAttachment.objects.exists()
    assert _files(media) == []


def test_too_large_is_refused_with_a_clear_error(client, teacher, lesson, media, monkeypatch):
    monkeypatch.setattr(lesson_services, "ATTACHMENT_MAX_BYTES", 1024 * 1024)
    client.force_login(teacher)
    response = _upload(client, lesson, "big.pdf", PDF + b"0" * (1024 * 1024))
    assert response.status_code == 200
    [error] = response.context["attachment_form"].errors.as_data()["file"]
    assert error.code == "too_large"
    assert "1 MiB" in response.content.decode()
    assert not LessonAttachment.objects.exists() and _files(media) == []
    # Just under the limit passes.
    assert _upload(client, lesson, "ok.pdf", PDF).status_code == 302


def test_service_refuses_bad_file_without_the_form(teacher, lesson, media):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        lesson_services.lesson_attachment_add(lesson=lesson, by=teacher, title="t",
                                              file=SimpleUploadedFile("evil.pdf", EXE))
    assert not LessonAttachment.objects.exists() and _files(media) == []


def test_remove_deletes_row_and_file(client, teacher, lesson, media, django_capture_on_commit_callbacks):
    attachment = lesson_services.lesson_attachment_add(
        lesson=lesson, by=teacher, title="t", file=SimpleUploadedFile("a.pdf", PDF))
    assert len(_files(media)) == 1
    client.force_login(teacher)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("courses:lesson_attachment_remove", args=[lesson.pk, attachment.pk]))
    assert response.status_code == 302
    assert not LessonAttachment.objects.exists()
    assert _files(media) == []


def test_coordinator_cannot_remove(client, teacher, coordinator, lesson, media):
    attachment = lesson_services.lesson_attachment_add(
        lesson=lesson, by=teacher, title="t", file=SimpleUploadedFile("a.pdf", PDF))
    client.force_login(coordinator)
    response = client.post(reverse("courses:lesson_attachment_remove", args=[lesson.pk, attachment.pk]))
    assert response.status_code == 403
    assert LessonAttachment.objects.filter(pk=attachment.pk).exists() and len(_files(media)) == 1


def test_attachment_of_another_lesson_is_404(client, teacher, lesson, make_lesson):
    attachment = lesson_services.lesson_attachment_add(
        lesson=lesson, by=teacher, title="t", file=SimpleUploadedFile("a.pdf", PDF))
    other = make_lesson("茶")
    client.force_login(teacher)
    assert client.get(reverse("courses:attachment_download", args=[other.pk, attachment.pk])).status_code == 404
    response = client.post(reverse("courses:lesson_attachment_remove", args=[other.pk, attachment.pk]))
    assert response.status_code == 404
    assert LessonAttachment.objects.filter(pk=attachment.pk).exists()


def test_youth_downloads_only_lessons_of_their_published_plan(client, world, teacher, lesson, make_lesson):
    attachment = lesson_services.lesson_attachment_add(
        lesson=lesson, by=teacher, title="t", file=SimpleUploadedFile("a.txt", b"hello"))
    url = reverse("courses:attachment_download", args=[lesson.pk, attachment.pk])
    plan = factories.plan(world.group, world.phase, status=Plan.Status.DRAFT)
    factories.plan_item(plan, lesson, f"{world.phase.starts_on}T09:00Z", minutes=45)
    client.force_login(world.youth)
    assert client.get(url).status_code == 404  # a draft plan: the youth does not know the lesson yet
    plan.status = Plan.Status.PUBLISHED
    plan.save()
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "text/plain; charset=utf-8"
    assert b"".join(response.streaming_content) == b"hello"
    client.force_login(world.other_youth)
    assert client.get(url).status_code == 404
    client.logout()
    assert client.get(url).status_code == 302


def test_missing_file_on_disk_is_404(client, teacher, lesson):
    attachment = LessonAttachment.objects.create(lesson=lesson, title="t", file="lessons/2025/gone.pdf")
    client.force_login(teacher)
    assert client.get(reverse("courses:attachment_download", args=[lesson.pk, attachment.pk])).status_code == 404
