"""Reach across camps and authors (issue #12, point 10): lessons are shared catalog content, but what a
camp's published plan teaches is changed only by the lesson's author or that camp's organizers; an
attachment is removed by the lesson's author, its uploader or an organizer of a camp using the lesson;
a coordinator nobody has confirmed writes nothing. The access matrix has the same cases per URL
(tests/access/courses.py, the extra personas); these call the services directly and check that
nothing was written."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from camp.models import User
from courses.models import CalendarFeed, Lesson, LessonAttachment, Plan
from courses.services import lessons as lesson_services
from courses.services.feeds import calendar_feed_get_or_create, calendar_feed_revoke
from courses.services.interests import group_interests_set
from tests import factories

TXT = "剪纸图样\n".encode()


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def other_organizer(make_user):
    return make_user(User.Role.ORGANIZER)


@pytest.fixture
def other_camp(other_organizer):
    return factories.camp(other_organizer, federation="昆明市侨联", title="寻根之旅")


@pytest.fixture
def other_teacher(make_user):
    return make_user(User.Role.TEACHER)


@pytest.fixture
def lesson(teacher, world):
    """`teacher`'s lesson, used by camp 1's published plan of `group`."""
    made = factories.catalog_lesson("剪纸", author=teacher)
    plan = factories.plan(world.group, world.phase, status=Plan.Status.PUBLISHED)
    factories.plan_item(plan, made, datetime.datetime.combine(world.phase.starts_on, datetime.time(9), datetime.UTC))
    return made


def _edit(client, user, lesson, title):
    client.force_login(user)
    return client.post(reverse("courses:lesson_edit", args=[lesson.pk]),
                       {"title_zh_hans": title, "duration_minutes": "45", "format": "live", "age_min": "8",
                        "age_max": "18", "chinese_level": "none"})


def _upload(lesson, by, name="a.txt"):
    return lesson_services.lesson_attachment_add(lesson=lesson, by=by, title="图样",
                                                 file=SimpleUploadedFile(name, TXT))


@pytest.mark.django_db
def test_another_camps_organizer_cannot_edit_a_lesson_our_published_plan_uses(client, lesson, other_organizer,
                                                                              other_camp):
    assert _edit(client, other_organizer, lesson, "改掉").status_code == 403
    lesson.title_zh_hans = "改掉"
    with pytest.raises(PermissionDenied):
        lesson_services.lesson_save(lesson=lesson, by=other_organizer)
    lesson.refresh_from_db()
    assert lesson.title_zh_hans == "剪纸"
    page = client.get(reverse("courses:lesson_detail", args=[lesson.pk])).content.decode()
    assert reverse("courses:lesson_edit", args=[lesson.pk]) not in page


@pytest.mark.django_db
def test_the_author_and_the_camps_organizer_edit_it(client, lesson, teacher, organizer):
    assert _edit(client, teacher, lesson, "剪纸一").status_code == 302
    assert _edit(client, organizer, lesson, "剪纸二").status_code == 302
    lesson.refresh_from_db()
    assert lesson.title_zh_hans == "剪纸二" and lesson.author == teacher


@pytest.mark.django_db
def test_another_camps_organizer_edits_when_their_own_published_plan_uses_it(client, lesson, other_organizer,
                                                                             other_camp):
    phase = factories.running_phase(other_camp)
    group = factories.group(other_camp, "万象寮都公学", country="LA", time_zone="Asia/Vientiane", approved_in=phase)
    plan = factories.plan(group, phase, status=Plan.Status.PUBLISHED)
    factories.plan_item(plan, lesson, datetime.datetime.combine(phase.starts_on, datetime.time(9), datetime.UTC))
    assert _edit(client, other_organizer, lesson, "两营共用").status_code == 302
    assert Lesson.objects.get(pk=lesson.pk).title_zh_hans == "两营共用"


@pytest.mark.django_db
def test_a_lesson_no_published_plan_uses_is_any_organizers(client, teacher, other_organizer, world):
    unused = factories.catalog_lesson("茶艺", author=teacher)
    draft = factories.plan(world.group, world.phase)  # a draft does not lock the lesson
    factories.plan_item(draft, unused, datetime.datetime.combine(world.phase.starts_on, datetime.time(9),
                                                                 datetime.UTC))
    assert _edit(client, other_organizer, unused, "茶艺课").status_code == 302


@pytest.mark.django_db
def test_a_teacher_edits_only_their_own_lessons(client, lesson, other_teacher):
    assert _edit(client, other_teacher, lesson, "别人的课").status_code == 403
    lesson.title_zh_hans = "别人的课"
    with pytest.raises(PermissionDenied):
        lesson_services.lesson_save(lesson=lesson, by=other_teacher)
    with pytest.raises(PermissionDenied):
        lesson_services.lesson_save(lesson=lesson)  # a stored lesson is never saved for nobody
    assert Lesson.objects.get(pk=lesson.pk).title_zh_hans == "剪纸"


@pytest.mark.django_db
def test_outsiders_cannot_attach(lesson, other_organizer, other_teacher, other_camp, media):
    for outsider in (other_organizer, other_teacher):
        with pytest.raises(PermissionDenied):
            _upload(lesson, outsider)
    assert not LessonAttachment.objects.exists()
    assert not media.exists() or not any(path.is_file() for path in media.rglob("*"))


@pytest.mark.django_db
def test_a_teacher_cannot_delete_another_teachers_attachment(client, lesson, teacher, other_teacher):
    attachment = _upload(lesson, teacher)
    assert attachment.uploaded_by == teacher
    with pytest.raises(PermissionDenied):
        lesson_services.lesson_attachment_remove(attachment=attachment, by=other_teacher)
    client.force_login(other_teacher)
    response = client.post(reverse("courses:lesson_attachment_remove", args=[lesson.pk, attachment.pk]))
    assert response.status_code == 403
    assert LessonAttachment.objects.filter(pk=attachment.pk).exists()
    page = client.get(reverse("courses:lesson_detail", args=[lesson.pk])).content.decode()
    assert reverse("courses:lesson_attachment_remove", args=[lesson.pk, attachment.pk]) not in page


@pytest.mark.django_db
def test_another_camps_organizer_cannot_delete_our_attachments(lesson, teacher, other_organizer, other_camp):
    attachment = _upload(lesson, teacher)
    with pytest.raises(PermissionDenied):
        lesson_services.lesson_attachment_remove(attachment=attachment, by=other_organizer)
    assert LessonAttachment.objects.filter(pk=attachment.pk).exists()


@pytest.mark.django_db
def test_the_uploader_removes_their_own_attachment_and_only_that(teacher, other_organizer, other_camp, world):
    lesson = factories.catalog_lesson("书法", author=teacher)
    own = _upload(lesson, other_organizer)  # the lesson was nobody's plan yet
    authors = _upload(lesson, teacher, "b.txt")
    plan = factories.plan(world.group, world.phase, status=Plan.Status.PUBLISHED)
    factories.plan_item(plan, lesson, datetime.datetime.combine(world.phase.starts_on, datetime.time(9),
                                                                datetime.UTC))
    with pytest.raises(PermissionDenied):
        lesson_services.lesson_attachment_remove(attachment=authors, by=other_organizer)
    lesson_services.lesson_attachment_remove(attachment=own, by=other_organizer)
    assert list(LessonAttachment.objects.values_list("pk", flat=True)) == [authors.pk]


@pytest.mark.django_db
def test_the_author_and_an_organizer_of_a_camp_using_it_remove(lesson, teacher, organizer):
    first, second = _upload(lesson, teacher), _upload(lesson, teacher, "b.txt")
    lesson_services.lesson_attachment_remove(attachment=first, by=organizer)
    lesson_services.lesson_attachment_remove(attachment=second, by=teacher)
    assert not LessonAttachment.objects.exists()


@pytest.fixture
def unconfirmed(make_user, world):
    """On `group`'s coordinators, but no organizer has confirmed them."""
    user = make_user(User.Role.COORDINATOR, is_confirmed=False)
    world.group.coordinators.add(user)
    return user


@pytest.mark.django_db
def test_an_unconfirmed_coordinator_cannot_revoke_the_groups_feed(client, world, unconfirmed):
    feed = calendar_feed_get_or_create(kind=CalendarFeed.Kind.GROUP, group=world.group)
    with pytest.raises(PermissionDenied):
        calendar_feed_revoke(by=unconfirmed, feed=feed)
    client.force_login(unconfirmed)
    assert client.post(reverse("courses:feed_revoke", args=[feed.pk])).status_code == 404
    feed.refresh_from_db()
    assert feed.revoked_at is None
    # Nor is the group's link listed on their calendar page.
    revoke = reverse("courses:feed_revoke", args=[feed.pk])
    assert revoke not in client.get(reverse("courses:feed_list")).content.decode()
    # Once confirmed, they may.
    unconfirmed.is_confirmed = True
    unconfirmed.save()
    assert revoke in client.get(reverse("courses:feed_list")).content.decode()
    assert client.post(reverse("courses:feed_revoke", args=[feed.pk])).status_code == 302
    feed.refresh_from_db()
    assert feed.revoked_at is not None


@pytest.mark.django_db
def test_revoking_a_group_feed_checks_the_caller(world):
    feed = calendar_feed_get_or_create(kind=CalendarFeed.Kind.GROUP, group=world.group)
    for outsider in (world.other_coordinator, world.teacher, world.youth):
        with pytest.raises(PermissionDenied):
            calendar_feed_revoke(by=outsider, feed=feed)
    feed.refresh_from_db()
    assert feed.revoked_at is None
    personal = calendar_feed_get_or_create(kind=CalendarFeed.Kind.YOUTH, user=world.youth)
    with pytest.raises(PermissionDenied):
        calendar_feed_revoke(by=world.organizer, feed=personal)
    calendar_feed_revoke(by=world.youth, feed=personal)
    calendar_feed_revoke(by=world.coordinator, feed=feed)


@pytest.mark.django_db
def test_an_unconfirmed_coordinator_cannot_set_the_groups_interests(client, world, unconfirmed):
    tea = factories.topic("tea", "茶")
    with pytest.raises(PermissionDenied):
        group_interests_set(by=unconfirmed, group=world.group, topics=[tea])
    client.force_login(unconfirmed)
    response = client.post(reverse("courses:group_interests", args=[world.group.pk]), {"topics": [tea.pk]})
    assert response.status_code == 404
    assert not world.group.interests.exists()


@pytest.mark.django_db
def test_interests_saved_with_nothing_ticked_clear_them(client, world):
    """A form of checkboxes only posts nothing when none is ticked: that is a save, not a page view."""
    tea = factories.topic("tea", "茶")
    world.group.interests.set([tea])
    client.force_login(world.coordinator)
    response = client.post(reverse("courses:group_interests", args=[world.group.pk]), {})
    assert response.status_code == 302
    assert not world.group.interests.exists()
