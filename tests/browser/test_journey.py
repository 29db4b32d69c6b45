"""A real camp from an empty database, walked through the pages by the people who run it.

No seed_demo, no factories: the only thing made outside a page is the first organizer, by the
documented `manage.py create_organizer`. The organizer sets up a camp and a phase and invites a
coordinator and a teacher (the links come from the invitation e-mails); the coordinator registers a
Bangkok group, imports a roster with Thai, Lao, Burmese and Chinese names, records consent and
submits; the organizer approves; the teacher writes two lessons, lays them out in a template, builds
the group's plan from it, sets the class's video link and proposes; the organizer approves and
publishes, which opens the live class's room. At class time (tests/clock.py moves "now" for this
process and for daphne) a youth logs in with the code from the login card, finds the class on My
camp, enters the room, writes everyday Thai and raises a hand; the teacher lowers the hand, removes
the youth with a confirmation and lets them back in, and ends the class; attendance shows the youth
present. After the phase the organizer issues the certificates and a stranger verifies one on /verify/.

Pages are served by pytest-django's live_server (its mails land in this process's outbox); the
live room needs WebSockets, so it is opened on a daphne of the same database (tests/live/servers.py).
Both answer on localhost, so the sign-in cookies carry over.
"""

import datetime
import io
import os
import re
import zoneinfo

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import expect

from tests.browser.conftest import login
from tests.live.servers import daphne

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.poppler]

PASSWORD = "Tea-and-brush-2027"
BANGKOK = zoneinfo.ZoneInfo("Asia/Bangkok")
HEADER = ("family_name,given_name,chinese_name,birth_year,gender,preferred_language,chinese_level,"
          "guardian_name,guardian_contact,notes")
PHONE = {"width": 390, "height": 844}


def _roster(year: int) -> bytes:
    rows = [
        f"แซ่ตั้ง,มาลี,陈丽,{year - 12},f,th,beginner,แม่,+66 81 111 1111,",
        f"ສີສະຫວາດ,ບຸນມີ,林文,{year - 13},m,lo,beginner,ແມ່,+856 20 5555 0001,",
        f"ဦး,အောင်မြင့်,黄明,{year - 11},m,my,none,အမေ,+95 9 555 0002,",
        f"陈,家豪,陈家豪,{year - 14},m,zh-hans,intermediate,陈妈妈,+66 81 444 4444,",
    ]
    return ("\r\n".join([HEADER, *rows]) + "\r\n").encode()


def _invitation_link(email: str) -> str:
    message = next(m for m in reversed(mail.outbox) if email in m.to)
    return re.search(r"https?://\S+/invite/[^/\s]+/", message.body).group(0)


def _accept_invitation(page, base, email, name, zone):
    link = _invitation_link(email)
    page.goto(base + link[link.index("/invite/"):])
    page.fill("#id_display_name", name)
    page.select_option("#id_time_zone", zone)
    page.select_option("#id_preferred_language", "en")
    page.fill("#id_password1", PASSWORD)
    page.fill("#id_password2", PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(f"{base}/")


def _write_lesson(page, base, title, minutes, lesson_format, meeting_url=""):
    page.goto(f"{base}/lessons/new/")
    page.fill("#id_title_zh_hans", title)
    page.fill("#id_duration_minutes", str(minutes))
    page.select_option("#id_format", lesson_format)
    if meeting_url:
        page.fill("#id_meeting_url", meeting_url)
    page.locator("form.lesson-form button[type=submit]").click()
    page.wait_for_url(re.compile(r"/lessons/\d+/$"))


def _open_room(page, host, path):
    page.goto(f"http://{host}{path}")
    expect(page.locator("#live-connection")).to_have_attribute("data-connection", "connected")


def test_a_camp_from_an_empty_database(live_server, new_page, monkeypatch, clock, tmp_path):
    from camp.models import Camp, Enrollment, Group, JoinCode, Participant, User
    from courses.models import Lesson, Plan
    from live.models import AttendanceSpan, ChatMessage, LiveSession
    from reports.models import Certificate

    base = live_server.url.replace("127.0.0.1", "localhost")
    assert not User.objects.exists() and not Camp.objects.exists() and not Lesson.objects.exists()
    today = timezone.localdate()

    # --- The first organizer, by the documented command ---------------------------------------------
    monkeypatch.setenv("QIAOCAMP_ORGANIZER_PASSWORD", PASSWORD)
    call_command("create_organizer", "--email", "wang@federation.example", "--name", "王主任", "--language", "en",
                 stdout=io.StringIO())
    organizer = new_page(locale="en-US")
    login(organizer, base, "wang@federation.example", PASSWORD)
    organizer.wait_for_url(f"{base}/")
    organizer.get_by_role("link", name="Create your first camp").click()
    organizer.get_by_label("Title (简体中文)").fill("云上夏令营")
    organizer.get_by_label("Title (English)").fill("Cloud Summer Camp")
    organizer.get_by_label("Federation").fill("普洱市侨联")
    organizer.get_by_label("Year").fill(str(today.year))
    organizer.get_by_label("Home time zone").select_option("Asia/Shanghai")
    for language in ("zh-hans", "th", "lo", "my"):
        organizer.check(f"input[name=languages][value={language}]")
    organizer.get_by_role("button", name="Create the camp").click()
    camp = Camp.objects.get()
    organizer.wait_for_url(f"{base}/camps/{camp.pk}/phases/new/")
    starts = today + datetime.timedelta(days=10)
    ends = starts + datetime.timedelta(days=4)
    organizer.get_by_label("First day (Asia/Shanghai)").fill(starts.isoformat())
    organizer.get_by_label("Last day (Asia/Shanghai)").fill(ends.isoformat())
    organizer.get_by_label("Enrollment opens (Asia/Shanghai)").fill((today - datetime.timedelta(days=1)).isoformat())
    organizer.get_by_label("Enrollment closes (last day to apply) (Asia/Shanghai)").fill(
        (starts - datetime.timedelta(days=2)).isoformat())
    organizer.get_by_label("Capacity (youth places)").fill("60")
    organizer.get_by_role("button", name="Add the phase").click()
    organizer.wait_for_url(f"{base}/camps/")
    phase = camp.phases.get()

    # The organizer invites a coordinator and a teacher from People.
    organizer.locator(".main-nav").get_by_role("link", name="People").click()
    for email, name, role in (("lin@bangkok-school.example", "Lin Mei", "coordinator"),
                              ("zhao@teachers.example", "赵老师", "teacher")):
        organizer.fill("#id_email", email)
        organizer.fill("#id_display_name", name)
        organizer.select_option("#id_role", role)
        organizer.get_by_role("button", name="Send invitation").click()
        expect(organizer.locator(".messages")).to_contain_text(f"Invitation sent to {email}.")

    # --- The coordinator: group, roster, consent, submit ------------------------------------------
    coordinator = new_page(locale="th-TH", viewport=PHONE, time_zone="Asia/Bangkok")
    _accept_invitation(coordinator, base, "lin@bangkok-school.example", "Lin Mei", "Asia/Bangkok")
    coordinator.goto(f"{base}/groups/new/")
    coordinator.fill("#id_name", "曼谷光华学校")
    coordinator.fill("#id_institution", "Bangkok Kwang Hua School")
    coordinator.select_option("#id_country", "TH")
    coordinator.select_option("#id_time_zone", "Asia/Bangkok")
    for language in ("th", "zh-hans"):
        coordinator.check(f"input[name=languages][value={language}]")
    for weekday in ("5", "6"):  # weekends too: the phase may start on any day
        coordinator.check(f"input[name=slot1_days][value='{weekday}']")
    coordinator.fill("#id_age_min", "10")
    coordinator.fill("#id_age_max", "15")
    coordinator.locator("main form button[type=submit]").click()
    group = Group.objects.get(name="曼谷光华学校")
    coordinator.wait_for_url(f"{base}/groups/{group.pk}/")
    coordinator.select_option("#id_phase", str(phase.pk))
    coordinator.locator("button[name=action][value=draft]").click()
    enrollment = Enrollment.objects.get(group=group, phase=phase)

    coordinator.goto(f"{base}/groups/{group.pk}/roster/import/")
    roster = tmp_path / "roster.csv"
    roster.write_bytes(_roster(today.year))
    coordinator.set_input_files("input[type=file]", str(roster))
    coordinator.get_by_role("button", name="Check the file").click()
    expect(coordinator.locator("main")).to_contain_text("4 youth ready to import, no problems.")
    coordinator.get_by_role("button", name="Import 4 youth").click()
    coordinator.wait_for_url(f"{base}/groups/{group.pk}/roster/")
    names = set(group.participants.values_list("given_name", flat=True))
    assert names == {"มาลี", "ບຸນມີ", "အောင်မြင့်", "家豪"}
    # มาลี's guardian answers through their own link; the other three signed paper forms.
    coordinator.locator("tr", has_text="มาลี").get_by_role("link", name="Guardian link").click()
    link = coordinator.locator("#guardian-url").input_value()
    guardian = new_page(locale="th-TH", viewport=PHONE, time_zone="Asia/Bangkok")
    guardian_path = link[link.index("/guardian/"):]
    guardian.goto(f"{base}{guardian_path}consent/")
    for item in ("participation", "recording", "camera", "showcase_group", "showcase_camp"):
        guardian.locator(f"input[name=item_{item}][value=yes]").check()
    guardian.locator("form.consent-form button[type=submit]").click()
    guardian.wait_for_url(re.compile(re.escape(guardian_path)))
    coordinator.goto(f"{base}/groups/{group.pk}/roster/")
    coordinator.get_by_role("link", name="Record paper consent for several youth").click()
    for given_name in ("ບຸນມີ", "အောင်မြင့်", "家豪"):
        coordinator.locator("label", has_text=given_name).locator("input").check()
    coordinator.get_by_label("I attest that I hold the written consent").check()
    coordinator.get_by_role("button", name="Record consent").click()
    coordinator.wait_for_url(f"{base}/groups/{group.pk}/roster/")
    assert group.participants.filter(consent_given=True).count() == 4
    coordinator.goto(f"{base}/groups/{group.pk}/")
    coordinator.locator(f"form[action='/enrollments/{enrollment.pk}/submit/'] button").click()
    enrollment.refresh_from_db()
    assert enrollment.status == Enrollment.Status.SUBMITTED

    # --- The organizer approves --------------------------------------------------------------------
    organizer.goto(f"{base}/enrollments/review/")
    item = organizer.locator("section.review-item", has_text="曼谷光华学校")
    item.locator("select[name=decision]").select_option("approved")
    item.locator("form.decision button[type=submit]").click()
    organizer.wait_for_url(f"{base}/enrollments/review/")
    enrollment.refresh_from_db()
    assert enrollment.status == Enrollment.Status.APPROVED
    assert JoinCode.objects.filter(user__participant__group=group, revoked_at__isnull=True).count() == 4

    # --- The teacher: lessons, a template, the group's plan -----------------------------------------
    teacher = new_page(locale="zh-CN", time_zone="Asia/Shanghai")
    _accept_invitation(teacher, base, "zhao@teachers.example", "赵老师", "Asia/Shanghai")
    _write_lesson(teacher, base, "书法直播课：永字八法", 45, "live", meeting_url="https://meet.example.org/shufa")
    _write_lesson(teacher, base, "云游普洱茶山", 30, "cloud_tour")
    teacher.goto(f"{base}/plan-templates/")
    teacher.get_by_role("link", name="New template").click()
    teacher.get_by_label("Name").fill("两天：书法与茶")
    teacher.get_by_label("Days").fill("2")
    teacher.get_by_role("button", name="Create template").click()
    teacher.wait_for_url(re.compile(r"/plan-templates/\d+/edit/$"))
    for title, day in (("书法直播课：永字八法", "1"), ("云游普洱茶山", "2")):
        teacher.get_by_label("Lesson").select_option(str(Lesson.objects.get(title_zh_hans=title).pk))
        teacher.fill("#id_day", day)
        teacher.get_by_role("button", name="Add to the day").click()
        expect(teacher.locator(".messages")).to_contain_text(f"Lesson added to day {day}.")

    teacher.goto(f"{base}/plans/new/")
    teacher.select_option("#id_enrollment", value=str(enrollment.pk))
    teacher.select_option("#id_template", label="两天：书法与茶")
    teacher.select_option("#id_teacher", label="赵老师")
    teacher.locator("main form button[type=submit]").click()
    teacher.wait_for_url(re.compile(r"/plans/\d+/build/$"))
    plan = Plan.objects.get(group=group)
    live_item = plan.items.get(lesson__format="live")
    assert plan.items.count() == 2, list(plan.unscheduled.values_list("lesson__title", flat=True))
    # The builder shows the group's time beside Beijing time.
    row = teacher.locator(f"#item-{live_item.pk}")
    local = timezone.localtime(live_item.starts_at, BANGKOK)
    expect(row).to_contain_text(f"{local:%H:%M}")
    expect(row).to_contain_text("Asia/Bangkok")
    # The class's own video link, then propose.
    row.locator("input[name=meeting_url]").fill("https://meet.example.org/shufa-bangkok")
    with teacher.expect_response(lambda r: f"/items/{live_item.pk}/" in r.url and r.request.method == "POST"):
        row.locator("form.item-edit button[type=submit]").click()
    expect(teacher.locator(f"#item-{live_item.pk} input[name=meeting_url]")).to_have_value(
        "https://meet.example.org/shufa-bangkok")
    live_item.refresh_from_db()
    assert live_item.meeting_url == "https://meet.example.org/shufa-bangkok"
    teacher.locator("form.propose button[type=submit]").click()
    expect(teacher.locator("main")).to_contain_text("Proposed")
    assert Plan.objects.get(pk=plan.pk).status == Plan.Status.PROPOSED

    # --- The organizer approves and publishes: the live class gets its room --------------------------
    organizer.goto(f"{base}/plans/{plan.pk}/")
    organizer.get_by_role("button", name="Approve").click()
    organizer.get_by_role("button", name="Publish").click()
    expect(organizer.locator("main")).to_contain_text("Published")
    room = LiveSession.objects.get(plan_item=live_item)
    assert not LiveSession.objects.filter(plan_item__lesson__format="cloud_tour").exists()

    # --- The login card's code ---------------------------------------------------------------------
    malee = Participant.objects.get(group=group, given_name="มาลี")
    coordinator.goto(f"{base}/groups/{group.pk}/cards/")
    card = coordinator.get_by_role("article", name=f"{malee.given_name} {malee.family_name}")
    code = card.locator(".code").inner_text().strip()

    # --- Class time --------------------------------------------------------------------------------
    clock.travel_to(live_item.starts_at - datetime.timedelta(minutes=5))
    with daphne(redis=os.environ.get("REDIS_URL") or None) as host:
        host = host.replace("127.0.0.1", "localhost")
        youth = new_page(locale="th-TH", viewport=PHONE, time_zone="Asia/Bangkok")
        youth.goto(f"{base}/join/")
        youth.get_by_label(re.compile("รหัส|Your code")).fill(code)
        youth.locator("main form button[type=submit]").first.click()
        youth.wait_for_url(f"{base}/my/")
        room_link = youth.locator(f"a[href='{room.get_absolute_url()}']").first
        expect(room_link).to_be_visible()
        _open_room(youth, host, room.get_absolute_url())
        expect(youth.locator("#join-video")).to_have_attribute("href", "https://meet.example.org/shufa-bangkok")

        _open_room(teacher, host, room.get_absolute_url())
        teacher.get_by_role("button", name="Start the class").click()
        expect(teacher.locator("#live-state")).to_have_attribute("data-state", "live")

        # Everyday Thai goes through the filter.
        for text in ("สวัสดีค่ะคุณครู", "หนูเขียนเสร็จแล้วค่ะ ใช่ไหมคะ"):
            youth.locator("#chat-text").fill(text)
            youth.locator("#chat-send").click()
            expect(teacher.locator("#chat-log li.msg", has_text=text)).to_be_visible()
        expect(youth.locator("#chat-error")).to_be_hidden()
        assert ChatMessage.objects.filter(session=room, author=malee.user).count() == 2

        # A raised hand, lowered by the teacher.
        youth.locator("#hand-toggle").click()
        hand = teacher.locator("#hand-list li", has_text=malee.display_name)
        expect(hand).to_be_visible()
        hand.get_by_role("button").click()
        expect(teacher.locator("#hand-list li")).to_have_count(0)
        expect(youth.locator("#hand-toggle")).to_have_attribute("aria-pressed", "false")

        # Remove (confirmed), then let back in.
        teacher.locator("#online-list li", has_text=malee.display_name).locator("[data-action=remove]").click()
        expect(teacher.locator("#live-confirm")).to_be_visible()
        expect(teacher.locator("#live-confirm-text")).to_contain_text(malee.display_name)
        teacher.locator("#live-confirm-ok").click()
        expect(youth.locator("#live-removed")).to_be_visible()
        removed = teacher.locator("#removed-list li", has_text=malee.display_name)
        expect(removed).to_be_visible()
        removed.locator("[data-action=readmit]").click()
        expect(teacher.locator("#removed-list li")).to_have_count(0)
        _open_room(youth, host, room.get_absolute_url())
        expect(teacher.locator("#online-list li", has_text=malee.display_name)).to_be_visible()

        # She stays a minute more (the clock moves; under 90 s, so her open connection still counts up
        # to now). Without it her share of a class of a few real seconds hangs on how long the removal
        # took on a busy machine, and "present" needs half the class.
        clock.advance(datetime.timedelta(seconds=60))

        # End the class (confirmed).
        teacher.get_by_role("button", name="End the class").click()
        expect(teacher.locator("#live-confirm")).to_be_visible()
        teacher.locator("#live-confirm-ok").click()
        expect(teacher.locator("#live-state")).to_have_attribute("data-state", "ended")
    room.refresh_from_db()
    assert room.state == LiveSession.State.ENDED
    assert AttendanceSpan.objects.filter(session=room, user=malee.user).exists()

    # Attendance: the youth was there.
    teacher.goto(f"{base}/live/{room.pk}/attendance/")
    row = teacher.locator("tbody tr", has_text=malee.chinese_name)
    expect(row.locator(".status")).to_have_text("Present")

    # --- After the phase: certificates, verified by anyone ----------------------------------------
    clock.travel_to(datetime.datetime.combine(ends + datetime.timedelta(days=2), datetime.time(10),
                                              tzinfo=zoneinfo.ZoneInfo("Asia/Shanghai")))
    # Two weeks on, the organizer's session has expired: they sign in again.
    login(organizer, base, "wang@federation.example", PASSWORD)
    organizer.wait_for_url(f"{base}/")
    organizer.goto(f"{base}/reports/groups/{group.pk}/certificates/")
    organizer.get_by_role("button", name="Issue the certificates due").click()
    expect(organizer.locator(".messages")).to_contain_text("certificates issued")
    certificate = Certificate.objects.get(participant=malee)
    assert not Certificate.objects.filter(participant__given_name="家豪").exists()  # never came to class

    stranger = new_page(locale="en-US")
    stranger.goto(f"{base}/verify/")
    stranger.locator("main input[name=code]").fill(certificate.code)
    stranger.locator("main form button[type=submit]").click()
    stranger.wait_for_url(re.compile(rf"/verify/{certificate.code}/$"))
    expect(stranger.locator("main")).to_contain_text(malee.given_name)
    expect(stranger.locator("main")).to_contain_text("云上夏令营")
