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
    expect(main).to_contain_text("Asia/Yangon")
    expect(main).to_contain_text("18:30–19:30")
    expect(main).to_contain_text("16:00–17:00")
    assert "20:00–21:00" not in main.inner_text()
    expect(school.locator("a[type='text/calendar']")).to_contain_text("Subscribe")
