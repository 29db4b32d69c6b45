"""Video meeting links: the lesson's default on the lesson form, a live class's own link in the builder.

https only, a clear error otherwise and nothing written; a link change alone is not a change of the
schedule (no record, no mail to the coordinators, no new calendar SEQUENCE), see plan_item_update.
"""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from courses.models import Lesson, Plan, PlanChange
from courses.services.lessons import lesson_save
from courses.services.plans import plan_item_update
from tests.courses.conftest import at
from tests.courses.test_lessons import _form_data

EVERY_DAY = [0, 1, 2, 3, 4, 5, 6]
HOURS = [{"weekdays": EVERY_DAY, "start": "16:00", "end": "20:00"}]
DAY = datetime.date(2026, 7, 7)
LINK = "https://meeting.tencent.com/dm/abc123"

BAD_LINKS = [
    ("http://meet.example.org/x", "must start with https://"),
    ("javascript:alert(1)", "valid URL"),
    ("not a url", "valid URL"),
    ("https://" + "a" * 200 + ".example.org", "at most 200"),
]


@pytest.fixture
def english_teacher(teacher):
    teacher.preferred_language = "en"
    teacher.save(update_fields=["preferred_language"])
    return teacher


# --- The lesson form ----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_lesson_form_keeps_a_default_meeting_link(client, english_teacher):
    client.force_login(english_teacher)
    page = client.get(reverse("courses:lesson_create")).content.decode()
    assert 'name="meeting_url"' in page and "Default video meeting link" in page
    response = client.post(reverse("courses:lesson_create"), _form_data(meeting_url=f"  {LINK}  "))
    lesson = Lesson.objects.get(title_zh_hans="剪窗花")
    assert response.status_code == 302 and lesson.meeting_url == LINK
    edit = client.get(reverse("courses:lesson_edit", args=[lesson.pk])).content.decode()
    assert f'value="{LINK}"' in edit
    client.post(reverse("courses:lesson_edit", args=[lesson.pk]), _form_data(meeting_url=""))
    lesson.refresh_from_db()
    assert lesson.meeting_url == ""


@pytest.mark.django_db
def test_a_link_without_a_scheme_becomes_https(client, english_teacher):
    client.force_login(english_teacher)
    client.post(reverse("courses:lesson_create"), _form_data(meeting_url="meet.example.org/room-7"))
    assert Lesson.objects.get(title_zh_hans="剪窗花").meeting_url == "https://meet.example.org/room-7"


@pytest.mark.django_db
@pytest.mark.parametrize("link, message", BAD_LINKS)
def test_a_bad_default_link_is_refused_on_the_form_and_nothing_is_written(client, english_teacher, link, message):
    client.force_login(english_teacher)
    response = client.post(reverse("courses:lesson_create"), _form_data(meeting_url=link))
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors["meeting_url"])
    assert not Lesson.objects.exists()
    lesson = lesson_save(lesson=Lesson(title_zh_hans="旧课", title="旧课", duration_minutes=45, meeting_url=LINK),
                         by=english_teacher)
    response = client.post(reverse("courses:lesson_edit", args=[lesson.pk]),
                           _form_data(title_zh_hans="改名", meeting_url=link))
    assert response.status_code == 200
    lesson.refresh_from_db()
    assert lesson.meeting_url == LINK and lesson.title_zh_hans == "旧课"


@pytest.mark.django_db
def test_lesson_save_itself_refuses_plain_http(teacher):
    """The rule is in the service, so the admin or a seeder cannot store an http link either."""
    with pytest.raises(ValidationError) as error:
        lesson_save(lesson=Lesson(title_zh_hans="课", title="课", duration_minutes=45,
                                  meeting_url="http://meet.example.org/x"), author=teacher)
    assert "meeting_url" in error.value.message_dict
    assert not Lesson.objects.exists()


# --- A class's own link in the builder ----------------------------------------------------------------


@pytest.fixture
def published(make_phase, make_group, make_lesson, make_plan, english_teacher, coordinator):
    phase = make_phase(3, datetime.date(2026, 7, 6), days=5)
    group = make_group("曼谷", "Asia/Bangkok", HOURS, phase=phase, coordinator=coordinator)
    live = make_lesson("剪纸直播课", 60, format="live", meeting_url="https://meet.example.org/lesson-default")
    tour = make_lesson("云游长城", 45, format="cloud_tour")
    plan = make_plan(group, phase, [(live, at(DAY, 9), english_teacher), (tour, at(DAY, 11), english_teacher)],
                     status=Plan.Status.PUBLISHED)
    return plan, plan.items.get(lesson=live), plan.items.get(lesson=tour)


def _save(client, plan, item, **data):
    return client.post(reverse("courses:plan_item_update", args=[plan.pk, item.pk]), data, HTTP_HX_REQUEST="true")


@pytest.mark.django_db
def test_the_builder_offers_a_link_box_only_for_live_classes_with_the_lessons_default(client, published,
                                                                                      english_teacher):
    plan, live, tour = published
    client.force_login(english_teacher)
    page = client.get(reverse("courses:plan_builder", args=[plan.pk])).content.decode()
    assert f'id="meeting-{live.pk}"' in page and f'id="meeting-{tour.pk}"' not in page
    assert 'placeholder="https://meet.example.org/lesson-default"' in page
    assert "Empty: the lesson&#x27;s link, https://meet.example.org/lesson-default" in page or \
        "Empty: the lesson's link, https://meet.example.org/lesson-default" in page


@pytest.mark.django_db(transaction=True)
def test_a_link_change_alone_sets_the_link_and_mails_nobody(client, published, english_teacher, mailoutbox):
    plan, live, _tour = published
    client.force_login(english_teacher)
    response = _save(client, plan, live, starts_local="2026-07-07T16:00", teacher=str(english_teacher.pk),
                     meeting_url=LINK)
    assert response.status_code == 200 and 'role="alert"' not in response.content.decode()
    live.refresh_from_db()
    plan.refresh_from_db()
    assert live.meeting_url == LINK and live.meeting_link == LINK
    assert live.starts_at == at(DAY, 9) and live.sequence == 0
    assert plan.status == Plan.Status.PUBLISHED
    assert not PlanChange.objects.exists() and mailoutbox == []
    # Saved again unchanged: still nothing. Emptied: back to the lesson's default.
    _save(client, plan, live, starts_local="2026-07-07T16:00", teacher=str(english_teacher.pk), meeting_url=LINK)
    assert not PlanChange.objects.exists() and mailoutbox == []
    _save(client, plan, live, starts_local="2026-07-07T16:00", teacher=str(english_teacher.pk), meeting_url="")
    live.refresh_from_db()
    assert live.meeting_url == "" and live.meeting_link == "https://meet.example.org/lesson-default"
    assert mailoutbox == []


@pytest.mark.django_db(transaction=True)
def test_a_move_with_a_new_link_mails_the_move_only(client, published, english_teacher, mailoutbox):
    plan, live, _tour = published
    client.force_login(english_teacher)
    _save(client, plan, live, starts_local="2026-07-07T17:30", teacher=str(english_teacher.pk), meeting_url=LINK)
    live.refresh_from_db()
    assert live.meeting_url == LINK and live.sequence == 1
    change = PlanChange.objects.get()
    assert "moved" in change.summary and "abc123" not in change.summary
    assert len(mailoutbox) == 1


@pytest.mark.django_db
@pytest.mark.parametrize("link, message", BAD_LINKS)
def test_a_bad_class_link_is_refused_and_the_move_with_it_is_not_saved(client, published, english_teacher,
                                                                      link, message):
    plan, live, _tour = published
    client.force_login(english_teacher)
    response = _save(client, plan, live, starts_local="2026-07-07T17:30", meeting_url=link)
    body = response.content.decode()
    assert response.status_code == 200 and 'role="alert"' in body
    assert message.replace("'", "&#x27;") in body or message in body
    live.refresh_from_db()
    assert live.meeting_url == "" and live.starts_at == at(DAY, 9) and live.sequence == 0
    assert not PlanChange.objects.exists()


@pytest.mark.django_db
def test_a_class_not_taught_live_gets_no_link(client, published, english_teacher):
    plan, _live, tour = published
    client.force_login(english_teacher)
    response = _save(client, plan, tour, meeting_url=LINK)
    assert "Only live classes and workshops have a video meeting." in response.content.decode()
    tour.refresh_from_db()
    assert tour.meeting_url == ""


@pytest.mark.django_db
def test_the_shift_buttons_leave_the_link_alone(client, published, english_teacher):
    plan, live, _tour = published
    live.meeting_url = LINK
    live.save(update_fields=["meeting_url"])
    client.force_login(english_teacher)
    _save(client, plan, live, shift="30")
    live.refresh_from_db()
    assert live.meeting_url == LINK and live.starts_at == at(DAY, 9, 30)


@pytest.mark.django_db
def test_an_outsider_cannot_set_a_link_through_the_service(published, coordinator):
    from django.core.exceptions import PermissionDenied

    _plan, live, _tour = published
    with pytest.raises(PermissionDenied):
        plan_item_update(item=live, by=coordinator, meeting_url=LINK)
    live.refresh_from_db()
    assert live.meeting_url == ""
