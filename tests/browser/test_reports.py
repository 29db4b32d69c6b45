"""Reports in a real browser: the organizer's charts, the coordinator's certificates ZIP, a public
verification of one of them."""

import io
import subprocess
import zipfile

import pytest

from reports import services
from tests.browser.conftest import login
from tests.factories import PASSWORD, finished_phase, held_session, span

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.poppler
def test_dashboard_zip_and_verification(live_server, new_page, world, make_participant, tmp_path):
    phase = finished_phase(world.camp, world.group, number=6)
    lao = make_participant(world.group, given_name="ອານຸສອນ", family_name="ແສງທອງ", preferred_language="lo")
    for day in (1, 2):
        session = held_session(world.group, phase, teacher=world.teacher, day=day)
        span(session, world.youth, 0, 45)
        span(session, lao.user, 2, 45)
    issued = services.certificates_issue(group=world.group, phase=phase, by=world.organizer)
    assert len(issued) == 2

    organizer = new_page()
    login(organizer, live_server.url, world.organizer.email, PASSWORD)
    organizer.wait_for_url(f"{live_server.url}/")
    organizer.goto(f"{live_server.url}/reports/camps/{world.camp.pk}/")
    chart = organizer.locator("svg#chart-youth-by-country")
    assert chart.is_visible()
    assert chart.locator("rect").count() == 2  # Thailand, Myanmar
    phase_chart = organizer.locator("svg#chart-attendance-by-phase")
    assert phase_chart.is_visible() and phase_chart.locator("rect").count() == 2
    assert organizer.locator("#table-countries").is_visible()
    box = chart.bounding_box()
    assert box["width"] > 200 and box["height"] > 40
    organizer.screenshot(path=str(tmp_path / "dashboard.png"), full_page=True)

    coordinator = new_page(locale="th-TH")
    login(coordinator, live_server.url, world.coordinator.email, PASSWORD)
    coordinator.wait_for_url(f"{live_server.url}/")
    coordinator.goto(f"{live_server.url}/reports/groups/{world.group.pk}/certificates/")
    with coordinator.expect_download() as download_info:
        coordinator.click("#download-zip")
    archive = zipfile.ZipFile(io.BytesIO(open(download_info.value.path(), "rb").read()))
    assert len(archive.namelist()) == 2
    lao_certificate = next(c for c in issued if c.participant_id == lao.pk)
    pdf_path = tmp_path / "lao.pdf"
    pdf_path.write_bytes(archive.read(lao_certificate.filename))
    text = subprocess.run(["pdftotext", str(pdf_path), "-"], check=True, capture_output=True, text=True).stdout
    assert "ອານຸສອນ ແສງທອງ" in text and lao_certificate.code in text

    stranger = new_page(locale="en-US")
    stranger.goto(f"{live_server.url}/verify/{lao_certificate.code}/")
    assert stranger.locator("#verify-result.valid").is_visible()
    assert stranger.locator("#verify-name").inner_text() == "ອານຸສອນ"
    assert "ແສງທອງ" not in stranger.locator("main").inner_text()
