"""A teacher builds a Yangon group's plan from a template, fixes a conflict, proposes; an organizer
approves and publishes; the coordinator sees it in Yangon time."""

import datetime
import re
import zoneinfo

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from camp.models import Enrollment
from courses.models import Plan
from tests import factories
from tests.browser.conftest import login
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)
YANGON = zoneinfo.ZoneInfo("Asia/Yangon")


@pytest.fixture
def yangon_setup(camp, organizer, teacher, make_user):
    for user in (organizer, teacher):
        user.preferred_language = "en"
        user.save()
    coordinator = make_user("coordinator", time_zone="Asia/Yangon", preferred_language="en")
    first_day = timezone.localdate(timezone=YANGON) + datetime.timedelta(days=1)
    phase = factories.phase(camp, 2, first_day, days=5, enrollment_opens=first_day - datetime.timedelta(days=30),
                            enrollment_closes=first_day - datetime.timedelta(days=1), capacity=60)
    group = factories.group(camp, "仰光华侨中文学校", institution="Yangon Overseas Chinese School", country="MM",
                            time_zone="Asia/Yangon", chinese_level="beginner", age_min=10, age_max=14,
                            available_hours=[{"weekdays": [0, 1, 2, 3, 4, 5, 6], "start": "16:00", "end": "20:00"}],
                            coordinators=[coordinator], approved_in=phase)
    lessons = [
        factories.lesson("普洱茶制作直播", 60, title_en="Live Pu'er tea making"),
        factories.lesson("云游长城", 45, title_en="Cloud tour: the Great Wall"),
        factories.lesson("剪纸直播课", 60, title_en="Live paper-cutting"),
    ]
    template = factories.template(organizer, [lessons[:2], lessons[2:]], "7 days: tea & culture",
                                  name_en="7 days: tea & culture")
    return coordinator, group, phase, template


def test_teacher_builds_yangon_plan_organizer_publishes_coordinator_sees_local_time(
    live_server, new_page, organizer, teacher, yangon_setup
):
    coordinator, group, phase, template = yangon_setup

    # The teacher creates the plan from the template.
    page = new_page()
    login(page, live_server.url, teacher.email, PASSWORD)
    page.wait_for_url(f"{live_server.url}/")
    page.goto(f"{live_server.url}/plans/new/")
    page.select_option("#id_enrollment", value=str(Enrollment.objects.get(group=group).pk))
    page.select_option("#id_template", label="7 days: tea & culture")
    page.select_option("#id_teacher", label=teacher.name)
    page.click("form button[type=submit]:has-text('Create plan')")
    page.wait_for_url(re.compile(r"/plans/\d+/build/$"))
    plan = Plan.objects.get(group=group)
    assert plan.items.count() == 3
    expect(page.locator("#conflict-summary")).to_contain_text("No conflicts")

    # Move the first lesson to 22:00 Yangon time: outside the group's hours, flagged at once (htmx).
    first = plan.items.order_by("starts_at").first()
    local_day = timezone.localtime(first.starts_at, YANGON).date()
    row = page.locator(f"#item-{first.pk}")
    row.locator("input[type=datetime-local]").fill(f"{local_day:%Y-%m-%d}T22:00")
    row.locator("form.item-edit button[type=submit]").click()
    flagged = page.locator(f"#item-{first.pk} .conflict[data-kind=outside_hours]")
    expect(flagged).to_be_visible()
    expect(page.locator("#conflict-summary")).to_contain_text("1 conflict")
    # Proposing is blocked while the conflict stands.
    page.click("form.propose button[type=submit]")
    expect(page.locator("#builder [role=alert]")).to_contain_text("conflicts")
    assert Plan.objects.get(pk=plan.pk).status == Plan.Status.DRAFT

    # Fix it: 18:30 Yangon time, after the other lesson of the day.
    row = page.locator(f"#item-{first.pk}")
    row.locator("input[type=datetime-local]").fill(f"{local_day:%Y-%m-%d}T18:30")
    row.locator("form.item-edit button[type=submit]").click()
    expect(page.locator("#conflict-summary")).to_contain_text("No conflicts")
    expect(page.locator(f"#item-{first.pk}.conflicted")).to_have_count(0)
    first.refresh_from_db()
    assert timezone.localtime(first.starts_at, YANGON).strftime("%H:%M") == "18:30" and first.sequence == 2

    page.click("form.propose button[type=submit]")
    page.wait_for_url(f"{live_server.url}/plans/{plan.pk}/")
    assert Plan.objects.get(pk=plan.pk).status == Plan.Status.PROPOSED

    # The organizer approves and publishes.
    boss = new_page()
    login(boss, live_server.url, organizer.email, PASSWORD)
    boss.wait_for_url(f"{live_server.url}/")
    boss.goto(f"{live_server.url}/plans/{plan.pk}/")
    boss.click("button:has-text('Approve')")
    expect(boss.locator(".status.approved").first).to_be_visible()
    boss.click("button:has-text('Publish')")
    expect(boss.locator(".status.published").first).to_be_visible()
    assert Plan.objects.get(pk=plan.pk).status == Plan.Status.PUBLISHED

    # The coordinator sees the plan in Yangon time (18:30 local; 20:00 in Beijing is nowhere on the page).
    school = new_page(time_zone="Asia/Yangon")
    login(school, live_server.url, coordinator.email, PASSWORD)
    school.wait_for_url(f"{live_server.url}/")
    school.goto(f"{live_server.url}/plans/{plan.pk}/")
    main = school.locator("main")
    expect(main).to_contain_text("the group's time: Yangon")  # a city, never the raw zone id
    expect(main).to_contain_text("18:30–19:30")
    expect(main).to_contain_text("16:00–17:00")
    assert "20:00–21:00" not in main.inner_text()
    expect(school.locator("a[type='text/calendar']")).to_contain_text("Subscribe")


BANGKOK = zoneinfo.ZoneInfo("Asia/Bangkok")
BEIJING = zoneinfo.ZoneInfo("Asia/Shanghai")


@pytest.fixture
def bangkok_setup(camp, organizer, teacher):
    """A Beijing teacher (English UI) and a Bangkok group with two short afternoons (16:00–18:00)."""
    teacher.preferred_language = "en"
    teacher.save()
    first_day = timezone.localdate(timezone=BANGKOK) + datetime.timedelta(days=2)
    phase = factories.phase(camp, 3, first_day, days=2, enrollment_opens=first_day - datetime.timedelta(days=30),
                            enrollment_closes=first_day - datetime.timedelta(days=1), capacity=60)
    weekdays = sorted({(first_day + datetime.timedelta(days=n)).weekday() for n in range(2)})
    group = factories.group(camp, "曼谷中华语言文化中心", country="TH", time_zone="Asia/Bangkok",
                            chinese_level="beginner", age_min=10, age_max=14, approved_in=phase,
                            available_hours=[{"weekdays": weekdays, "start": "16:00", "end": "18:00"}])
    return group, phase, first_day


def test_partial_template_lists_what_did_not_fit_and_the_teacher_adds_one_by_hand(
    live_server, new_page, teacher, organizer, bangkok_setup
):
    group, phase, first_day = bangkok_setup
    lessons = [factories.lesson(f"直播课{n}", 60, title_en=f"Live class {n}") for n in range(4)]
    factories.template(organizer, [lessons], "Too much for two afternoons", name_en="Too much for two afternoons")

    page = new_page(locale="en-US", viewport={"width": 390, "height": 844})  # a phone
    login(page, live_server.url, teacher.email, PASSWORD)
    page.wait_for_url(f"{live_server.url}/")
    page.goto(f"{live_server.url}/plans/new/")
    page.select_option("#id_enrollment", value=str(Enrollment.objects.get(group=group).pk))
    page.select_option("#id_template", label="Too much for two afternoons")
    page.select_option("#id_teacher", label=teacher.name)
    page.click("form button[type=submit]:has-text('Create plan')")
    page.wait_for_url(re.compile(r"/plans/\d+/build/$"))
    plan = Plan.objects.get(group=group)
    assert plan.items.count() == 2 and plan.unscheduled.count() == 2
    expect(page.locator(".messages")).to_contain_text("2 lessons could not be placed in the group's hours")
    card = page.locator("#unscheduled")
    expect(card).to_contain_text("2 lessons could not be placed in the group's hours")
    expect(card.locator(".unscheduled-lesson")).to_have_count(2)

    # The first one at a time the teacher chooses (after the afternoon: flagged, but placed).
    entry = plan.unscheduled.order_by("pk").first()
    row = page.locator(f"#unscheduled-{entry.pk}")
    expect(row.get_by_label("At (Asia/Bangkok, group's time)")).to_be_visible()
    row.get_by_label("At (Asia/Bangkok, group's time)").fill(f"{first_day:%Y-%m-%d}T18:30")
    row.get_by_role("button", name=re.compile("at this time")).click()
    expect(page.locator("#unscheduled .unscheduled-lesson")).to_have_count(1)
    expect(page.locator("#unscheduled")).to_contain_text("1 lesson could not be placed")
    added = plan.items.get(lesson=entry.lesson)
    assert timezone.localtime(added.starts_at, BANGKOK).strftime("%Y-%m-%d %H:%M") == f"{first_day:%Y-%m-%d} 18:30"
    expect(page.locator(f"#item-{added.pk} .conflict[data-kind=outside_hours]")).to_be_visible()

    # The other one is left out: the list is gone.
    page.once("dialog", lambda dialog: dialog.accept())
    page.locator("#unscheduled .dismiss-unscheduled button").click()
    expect(page.locator("#unscheduled")).to_have_count(0)
    assert plan.unscheduled.count() == 0 and plan.items.count() == 3


def test_builder_shows_both_zones_and_the_teacher_sets_a_class_meeting_link(
    live_server, new_page, teacher, bangkok_setup
):
    group, phase, first_day = bangkok_setup
    live = factories.lesson("剪纸直播课", 60, title_en="Live paper-cutting", format="live",
                            meeting_url="https://meet.example.org/paper-cutting")
    start = datetime.datetime.combine(first_day, datetime.time(17, 0), tzinfo=BANGKOK)
    plan = factories.plan(group, phase, [(live, start, teacher)])
    item = plan.items.get()

    page = new_page(locale="en-US", time_zone="Asia/Shanghai")
    login(page, live_server.url, teacher.email, PASSWORD)
    page.wait_for_url(f"{live_server.url}/")
    page.goto(f"{live_server.url}/plans/{plan.pk}/build/")
    row = page.locator(f"#item-{item.pk}")
    # 17:00 in Bangkok is 18:00 in Beijing: the teacher's own time first, the group's beside it.
    weekday = first_day.strftime("%a")
    expect(row.locator(".when")).to_contain_text("18:00–19:00")
    expect(row.locator(".when .zone-label")).to_have_text("Beijing")
    expect(row.locator(".when .time-group")).to_have_text(f" · {weekday} 17:00–18:00 Bangkok")
    box = row.get_by_label("Starts (Asia/Bangkok, group's time)")
    expect(box).to_have_value(f"{first_day:%Y-%m-%d}T17:00")

    # The link box shows the lesson's default; plain http is refused, nothing is written.
    link = row.get_by_label("Video meeting link")
    expect(link).to_have_attribute("placeholder", "https://meet.example.org/paper-cutting")
    link.fill("http://meet.example.org/class-7")
    row.locator("form.item-edit button[type=submit]").click()
    expect(page.locator("#builder [role=alert]")).to_contain_text("https://")
    item.refresh_from_db()
    assert item.meeting_url == "" and item.sequence == 0
    row = page.locator(f"#item-{item.pk}")
    row.get_by_label("Video meeting link").fill("https://meet.example.org/class-7")
    row.locator("form.item-edit button[type=submit]").click()
    expect(page.locator("#builder [role=alert]")).to_have_count(0)  # the new builder came back, no error
    expect(page.locator(f"#item-{item.pk}").get_by_label("Video meeting link")).to_have_value(
        "https://meet.example.org/class-7")
    item.refresh_from_db()
    assert item.meeting_url == "https://meet.example.org/class-7"
    assert item.starts_at == start and item.sequence == 0  # the time was saved unchanged: nothing moved

    # The plan page shows both zones too.
    page.goto(f"{live_server.url}/plans/{plan.pk}/")
    expect(page.locator(".plan-item .when").first).to_contain_text("18:00–19:00 Beijing · 17:00–18:00 Bangkok")
