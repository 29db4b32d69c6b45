"""The organizer chooses the outstanding campers from the pages: reports → the group's certificates
page, camp life per youth, sorted by check-ins by clicking the header; on a phone and a desktop."""

import pytest

from activities.models import ShowcasePiece, Submission
from tests.browser.conftest import login
from tests.factories import PASSWORD, finished_phase, held_session, span
from tests.reports.test_camp_life import DAY, assignment, check_in, piece, prompt, submission

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.parametrize("viewport", [{"width": 390, "height": 844}, {"width": 1366, "height": 768}])
def test_organizer_sorts_the_nomination_table_by_check_ins(
    live_server, new_page, world, make_participant, tmp_path, viewport
):
    phase = finished_phase(world.camp, world.group, number=6)
    lao = make_participant(world.group, given_name="ອານຸສອນ", family_name="ແສງທອງ", preferred_language="lo")
    session = held_session(world.group, phase, teacher=world.teacher, day=1)
    span(session, world.youth, 0, 45)
    span(session, lao.user, 0, 45)
    for day in (1, 2, 3):
        prompt(phase, day)
        check_in(lao, phase.starts_on + (day - 1) * DAY)
    check_in(world.youth_participant, phase.starts_on)
    homework = assignment(session)
    submission(homework, lao, Submission.State.ACCEPTED)
    piece(lao, ShowcasePiece.State.APPROVED, session.plan_item.starts_at)

    page = new_page(viewport=viewport)
    login(page, live_server.url, world.organizer.email, PASSWORD)
    page.wait_for_url(f"{live_server.url}/")
    page.goto(f"{live_server.url}/reports/")
    page.locator("tr", has_text=world.group.name).locator("a.certificates-link").click()
    section = page.locator(f"#phase-{phase.number}")
    rows = section.locator("tbody tr")
    assert rows.count() == 2
    page.locator(f"#phase-{phase.number} thead a[href*='sort=checkins']").click()
    page.wait_for_url("**sort=checkins**")
    first = page.locator(f"#phase-{phase.number} tbody tr").first
    assert first.get_attribute("data-participant") == str(lao.pk)
    assert "3 / 3" in first.locator(".standing-checkins").inner_text()
    assert "1 / 1" in first.locator(".standing-homework").inner_text()
    assert first.locator(".standing-showcase").inner_text().strip() == "1"
    page.screenshot(path=str(tmp_path / f"nominations-{viewport['width']}.png"), full_page=True)
    page.screenshot(path=f"/tmp/h/nominations-{viewport['width']}.png", full_page=True)

    # The dashboard, from the reports page: the rates per group and per country.
    page.goto(f"{live_server.url}/reports/")
    page.locator(f"a[href='/reports/camps/{world.camp.pk}/']").click()
    assert page.locator("#camp-life-help").is_visible()
    group_row = page.locator("#table-groups tr", has_text=world.group.name)
    assert "66.7" in group_row.inner_text()  # 2 youth x 3 question days, 4 check-ins
    page.screenshot(path=f"/tmp/h/dashboard-{viewport['width']}.png", full_page=True)
