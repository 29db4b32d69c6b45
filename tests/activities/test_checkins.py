import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext, ngettext

from activities.models import CheckIn, CheckInPrompt, Upload
from activities.services import checkins
from camp.errors import DomainError
from tests.activities import files


@pytest.fixture
def teaching(plan_item):
    return plan_item


@pytest.mark.django_db
def test_once_per_day_in_the_groups_local_day(clock, youth, youth_participant, group):
    # 23:30 in Bangkok (UTC+7) is already the next day in Beijing: the group's day counts.
    zone = youth_participant.group.zone
    moment = datetime.datetime.combine(datetime.date.today(), datetime.time(16, 30), tzinfo=datetime.UTC)
    clock.travel_to(moment)
    first = checkins.checkin_submit(by=youth, participant=youth_participant, text="学了写字")
    assert first.day == moment.astimezone(zone).date()
    with pytest.raises(DomainError) as refused:
        checkins.checkin_submit(by=youth, participant=youth_participant, text="again")
    assert refused.value.code == "already"
    clock.travel_to(moment + datetime.timedelta(hours=1))  # 00:30 in Bangkok: a new day there
    second = checkins.checkin_submit(by=youth, participant=youth_participant, text="新的一天")
    assert second.day == first.day + datetime.timedelta(days=1)
    assert checkins.participant_streak(youth_participant) == 2


def test_streak_counts_days_in_a_row():
    d = datetime.date(2026, 7, 10)
    days = {d, d - datetime.timedelta(days=1), d - datetime.timedelta(days=2), d - datetime.timedelta(days=4)}
    assert checkins.streak(days, d) == 3
    assert checkins.streak(days, d + datetime.timedelta(days=1)) == 3  # today still open
    assert checkins.streak(days, d + datetime.timedelta(days=2)) == 0


@pytest.mark.django_db
def test_the_groups_prompt_wins_over_the_phases(teacher, group, other_group, phase, teaching, organizer):
    day = phase.starts_on + datetime.timedelta(days=2)
    checkins.checkin_prompt_set(
        by=organizer, group=group, day=day, text="全营：你最喜欢哪个汉字？", whole_phase=True
    )
    assert checkins.prompt_for(other_group, day).text == "全营：你最喜欢哪个汉字？"
    checkins.checkin_prompt_set(by=teacher, group=group, day=day, text="  展示  你的毛笔 ")
    assert checkins.prompt_for(group, day).text == "展示 你的毛笔"
    assert checkins.prompt_for(other_group, day).group is None
    with pytest.raises(DomainError) as refused:
        checkins.checkin_prompt_set(by=teacher, group=group, day=day, text="全营", whole_phase=True)
    assert refused.value.code == "whole_phase"


@pytest.mark.django_db
def test_outsiders_set_no_prompt(world, teaching, other_coordinator, coordinator, youth):
    from camp.models import User
    from tests import factories

    other_teacher = factories.user(User.Role.TEACHER)
    for outsider in (other_teacher, coordinator, other_coordinator, youth):
        with pytest.raises(PermissionDenied):
            checkins.checkin_prompt_set(by=outsider, group=world.group, day=world.phase.starts_on, text="x")
    with pytest.raises(PermissionDenied):
        checkins.checkin_submit(by=world.other_youth, participant=world.youth_participant, text="我替他打卡")
    assert not CheckInPrompt.objects.exists() and not CheckIn.objects.exists()


@pytest.mark.django_db
def test_a_prompt_outside_the_phase_is_refused(teacher, group, phase, teaching):
    with pytest.raises(DomainError) as refused:
        checkins.checkin_prompt_set(
            by=teacher, group=group, day=phase.ends_on + datetime.timedelta(days=5), text="x"
        )
    assert refused.value.code == "no_phase"


@pytest.mark.django_db
def test_checkin_page_with_a_photo_and_with_a_broken_one(client, youth, youth_participant):
    client.force_login(youth)
    url = reverse("activities:checkin")
    bad = client.post(
        url, {"text": "看我的字", "photo": files.SimpleUploadedFile("x.jpg", b"\xff\xd8\xffjunk")}
    )
    with translation.override(youth.preferred_language):
        damaged = gettext("This photo is damaged or not a photo; nothing was saved.")
    assert bad.status_code == 400 and damaged in bad.content.decode()
    assert not CheckIn.objects.exists() and not Upload.objects.exists()
    empty = client.post(url, {"text": ""})
    assert empty.status_code == 400 and not CheckIn.objects.exists()
    ok = client.post(url, {"text": "看我的字", "photo": files.photo()})
    assert ok.status_code == 302
    checkin = CheckIn.objects.get()
    assert checkin.photo.kind == "photo"
    page = client.get(url).content.decode()
    assert reverse("activities:upload_thumbnail", args=[checkin.photo.pk]) in page
    assert client.put(url).status_code == 405


@pytest.mark.django_db
def test_the_coordinator_sees_who_has_not_checked_in(
    client, coordinator, youth, youth_participant, group, make_participant
):
    other = make_participant(group, given_name="小红", family_name="李")
    checkins.checkin_submit(by=youth, participant=youth_participant, text="好")
    client.force_login(coordinator)
    page = client.get(reverse("activities:group_checkins", args=[group.pk])).content.decode()
    assert 'id="missing-count"' in page
    with translation.override(coordinator.preferred_language):
        assert (
            ngettext("%(count)s youth has not checked in yet.", "%(count)s youth have not checked in yet.", 1)
            % {"count": 1}
            in page
        )
    assert page.index(other.full_name) < page.index(youth_participant.full_name)  # the missing first
    group_page = client.get(reverse("group_detail", args=[group.pk])).content.decode()
    assert reverse("activities:group_checkins", args=[group.pk]) in group_page


@pytest.mark.django_db
def test_todays_prompt_rings_the_groups_youth_once(
    teacher, group, youth, other_youth, teaching, django_capture_on_commit_callbacks
):
    from django.utils import timezone

    from notifications.models import Notification

    today = timezone.localdate(timezone=group.zone)
    for text in ("第一问", "改一下"):
        with django_capture_on_commit_callbacks(execute=True):
            checkins.checkin_prompt_set(by=teacher, group=group, day=today, text=text)
    assert list(Notification.objects.values_list("recipient", "kind")) == [(youth.pk, "checkin_prompt")]


@pytest.mark.django_db
def test_prompts_page_whole_phase_for_organizers_only(client, teacher, organizer, group, teaching):
    from django.utils import timezone

    today = timezone.localdate(timezone=group.zone).isoformat()
    url = reverse("activities:prompts", args=[group.pk])
    client.force_login(teacher)
    assert 'name="whole_phase"' not in client.get(url).content.decode()
    assert client.post(url, {"day": today, "text": "老师的问题", "whole_phase": "on"}).status_code == 302
    assert CheckInPrompt.objects.get().group == group  # the teacher's question stays the group's
    client.force_login(organizer)
    assert client.post(url, {"day": today, "text": "全营的问题", "whole_phase": "on"}).status_code == 302
    assert CheckInPrompt.objects.filter(group=None, text="全营的问题").exists()
    assert client.post(url, {"day": "2026-02-30", "text": "x"}).status_code == 400
