"""In a real browser: a roster file with a mistake, fixed and imported; login cards; a youth logs in by code.

And the issue's "done when": the demo coordinator takes a new group from empty to approved with a
40-row roster from a GBK CSV, prints its cards, and one of those youth logs in by code.
"""

import datetime
import io
import subprocess

import pytest
from django.utils import timezone

from camp.models import Enrollment, Group, JoinCode, Participant
from tests.browser.conftest import login
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)
HEADER = "family_name,given_name,chinese_name,birth_year,gender,preferred_language,chinese_level,guardian_name,guardian_contact,notes"


def _csv(rows, encoding="utf-8") -> bytes:
    return ("\r\n".join([HEADER, *rows]) + "\r\n").encode(encoding)


@pytest.mark.poppler
def test_coordinator_fixes_a_roster_file_prints_cards_and_a_youth_logs_in_in_thai(
    live_server, new_page, tmp_path, coordinator, group
):
    coordinator.preferred_language = "en"
    coordinator.save()
    year = timezone.localdate().year
    page = new_page(locale="en-US")
    login(page, live_server.url, coordinator.email, PASSWORD)
    page.wait_for_url(f"{live_server.url}/")
    page.goto(f"{live_server.url}/groups/{group.pk}/roster/import/")

    rows = [
        f"แซ่ตั้ง,มาลี,陈丽,{year - 12},f,th,beginner,แม่,+66 81 111 1111,",
        "แซ่ลิ้ม,กิตติ,林伟,20l2,m,th,beginner,พ่อ,+66 81 222 2222,",  # a typo: l for 1
        f"วงศ์ไพศาล,ปิยะ,黄芳,{year - 11},f,th,beginner,ยาย,+66 81 333 3333,",
    ]
    bad = tmp_path / "roster.csv"
    bad.write_bytes(_csv(rows))
    page.set_input_files("input[type=file]", str(bad))
    page.get_by_role("button", name="Check the file").click()
    alert = page.get_by_role("alert")
    assert "1 problem: nothing was saved." in alert.inner_text()
    assert "Row 3, birth_year: “20l2” is not a birth year like 2012." in alert.inner_text()
    assert page.locator("tr.problem-row").count() == 1
    assert page.locator("tr.problem-row th").inner_text() == "3"
    assert not Participant.objects.filter(group=group).exists()

    rows[1] = rows[1].replace("20l2", str(year - 12))
    fixed = tmp_path / "roster-fixed.csv"
    fixed.write_bytes(_csv(rows))
    page.set_input_files("input[type=file]", str(fixed))
    page.get_by_role("button", name="Check the file").click()
    assert "3 youth ready to import, no problems." in page.locator("main").inner_text()
    page.get_by_role("button", name="Import 3 youth").click()
    page.wait_for_url(f"{live_server.url}/groups/{group.pk}/roster/")
    assert "3 youth imported to the roster." in page.locator(".messages").inner_text()
    assert set(group.participants.values_list("given_name", flat=True)) >= {"มาลี", "กิตติ", "ปิยะ"}

    page.get_by_role("link", name="Record paper consent for several youth").click()
    boxes = page.locator("input[name=participants]")  # nobody is ticked in advance
    for index in range(boxes.count()):
        boxes.nth(index).check()
    page.get_by_label("I attest that I hold the written consent").check()
    page.get_by_role("button", name="Record consent").click()
    page.wait_for_url(f"{live_server.url}/groups/{group.pk}/roster/")
    kitti = Participant.objects.get(group=group, given_name="กิตติ")
    assert kitti.consent_given and kitti.consent_method == "bulk" and kitti.user is not None
    code = JoinCode.objects.get(user=kitti.user, revoked_at__isnull=True).code

    page.get_by_role("link", name="Print login cards").first.click()
    cards = page.locator("article.login-card")
    assert cards.count() == 3
    card = page.get_by_role("article", name=f"{kitti.given_name} {kitti.family_name}")
    assert code in card.inner_text() and card.locator(".youth svg").count() == 1
    assert card.locator(".guardian svg").count() == 1 and "/guardian/" in card.locator(".guardian .link").inner_text()
    assert page.get_by_role("button", name="Print the cards").is_visible()
    _assert_printable(page, tmp_path, code)

    youth = new_page(locale="en-US")  # the browser says English; the youth reads Thai
    youth.goto(f"{live_server.url}/join/")
    youth.get_by_label("Your code").fill(code.lower().replace("-", " "))
    youth.get_by_role("button", name="Log in").click()
    youth.wait_for_url(f"{live_server.url}/my/")
    assert youth.locator("html").get_attribute("lang") == "th"
    assert youth.get_by_role("heading", name="ค่ายของฉัน").is_visible()
    assert group.name in youth.locator(".my-camp").inner_text()
    assert "รอบที่ 1" in youth.locator(".my-camp").inner_text()


def _assert_printable(page, tmp_path, code):
    """The print version hides the site's chrome and carries the codes (Chromium's own PDF)."""
    page.emulate_media(media="print")
    assert not page.locator(".site-header").is_visible()
    pdf = tmp_path / "cards.pdf"
    page.pdf(path=str(pdf), format="A4")
    page.emulate_media(media="screen")
    assert pdf.read_bytes().startswith(b"%PDF")
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert code in text


def _forty_youth_gbk(phase) -> bytes:
    families = ["陈", "林", "黄", "李", "王", "张", "刘", "杨"]
    givens = ["明", "丽", "伟", "芳", "家豪"]
    rows = []
    for number in range(40):
        family, given = families[number % 8], givens[number // 8]
        age = 10 + number % 6
        rows.append(f"{family},{given}{number},{family}{given},{phase.starts_on.year - age},,zh-hans,beginner,"
                    f"{family}家长,+856 20 {5550000 + number},")
    return _csv(rows, encoding="gbk")


@pytest.mark.poppler
def test_done_when_demo_coordinator_takes_a_group_from_empty_to_approved_and_a_youth_logs_in(
    live_server, new_page, tmp_path
):
    from camp import demo

    demo.seed(io.StringIO())
    phase4 = demo.Phase.objects.get(number=4)
    assert phase4.enrollment_opens <= timezone.localdate() <= phase4.enrollment_closes

    coordinator = new_page(locale="zh-CN")
    login(coordinator, live_server.url, "coordinator@example.org", demo.DEMO_PASSWORD)
    coordinator.wait_for_url(f"{live_server.url}/")
    coordinator.goto(f"{live_server.url}/groups/new/")
    coordinator.fill("#id_name", "琅勃拉邦华侨学校")
    coordinator.fill("#id_institution", "Luang Prabang Overseas Chinese School")
    coordinator.select_option("#id_country", "LA")
    coordinator.select_option("#id_time_zone", "Asia/Vientiane")
    coordinator.check("input[name=languages][value=lo]")
    coordinator.check("input[name=languages][value=zh-hans]")
    coordinator.fill("#id_age_min", "10")
    coordinator.fill("#id_age_max", "15")
    coordinator.locator("main form button[type=submit]").click()
    group = Group.objects.get(name="琅勃拉邦华侨学校")
    coordinator.wait_for_url(f"{live_server.url}/groups/{group.pk}/")
    assert group.participants.count() == 0 and group.available_hours[0]["start"] == "16:00"

    coordinator.select_option("#id_phase", str(phase4.pk))
    coordinator.locator("button[name=action][value=draft]").click()
    enrollment = Enrollment.objects.get(group=group)
    assert enrollment.phase == phase4 and enrollment.status == "draft"

    coordinator.goto(f"{live_server.url}/groups/{group.pk}/roster/import/")
    roster = tmp_path / "名单.csv"
    roster.write_bytes(_forty_youth_gbk(phase4))
    coordinator.set_input_files("input[type=file]", str(roster))
    coordinator.locator("form.upload button[type=submit]").click()
    coordinator.locator("form[action$='/confirm/'] button[type=submit]").click()
    coordinator.wait_for_url(f"{live_server.url}/groups/{group.pk}/roster/")
    assert group.participants.count() == 40
    assert group.participants.filter(given_name="家豪39", family_name="杨", chinese_name="杨家豪").exists()

    coordinator.goto(f"{live_server.url}/groups/{group.pk}/roster/consent/")
    boxes = coordinator.locator("input[name=participants]")  # nobody is ticked in advance
    for index in range(boxes.count()):
        boxes.nth(index).check()
    coordinator.check("input[name=attestation]")
    coordinator.locator("main form button[type=submit]").click()
    coordinator.wait_for_url(f"{live_server.url}/groups/{group.pk}/roster/")
    assert group.participants.filter(consent_given=True).count() == 40

    coordinator.goto(f"{live_server.url}/groups/{group.pk}/")
    coordinator.locator(f"form[action='/enrollments/{enrollment.pk}/submit/'] button").click()
    enrollment.refresh_from_db()
    assert enrollment.status == "submitted"

    organizer = new_page(locale="zh-CN")
    login(organizer, live_server.url, "organizer@example.org", demo.DEMO_PASSWORD)
    organizer.wait_for_url(f"{live_server.url}/")
    organizer.goto(f"{live_server.url}/enrollments/review/")
    item = organizer.locator("section.review-item", has_text="琅勃拉邦华侨学校")
    assert "40" in item.inner_text()
    item.locator("select[name=decision]").select_option("approved")
    item.locator("form.decision button[type=submit]").click()
    organizer.wait_for_url(f"{live_server.url}/enrollments/review/")
    enrollment.refresh_from_db()
    assert enrollment.status == "approved", organizer.locator(".messages").inner_text()
    assert JoinCode.objects.filter(user__participant__group=group, revoked_at__isnull=True).count() == 40

    coordinator.goto(f"{live_server.url}/groups/{group.pk}/cards/")
    assert coordinator.locator("article.login-card").count() == 40
    first_code = coordinator.locator("article.login-card .code").first.inner_text().strip()
    assert JoinCode.objects.filter(code=first_code, user__participant__group=group).exists()
    _assert_printable(coordinator, tmp_path, first_code)

    youth = new_page(locale="zh-CN")
    youth.goto(f"{live_server.url}/join/{first_code}/")  # what the QR code opens
    assert youth.locator("strong.join-code").inner_text() == first_code
    youth.locator("main form button[type=submit]").first.click()
    youth.wait_for_url(f"{live_server.url}/my/")
    assert "琅勃拉邦华侨学校" in youth.locator(".my-camp").inner_text()
    assert "第4期" in youth.locator(".my-camp").inner_text()
    assert phase4.starts_on > timezone.localdate() - datetime.timedelta(days=1)


def test_organizer_creates_the_first_camp_and_its_phase_from_an_empty_installation_on_a_phone(
    live_server, new_page, monkeypatch
):
    from django.core.management import call_command

    from camp.models import Camp, User

    assert not User.objects.exists()
    monkeypatch.setenv("QIAOCAMP_ORGANIZER_PASSWORD", PASSWORD)
    call_command("create_organizer", "--email", "wang@federation.example", "--name", "王老师", "--language", "en",
                 stdout=io.StringIO())
    page = new_page(locale="en-US", viewport={"width": 390, "height": 844})
    login(page, live_server.url, "wang@federation.example", PASSWORD)
    page.wait_for_url(f"{live_server.url}/")
    first = page.locator("section.first-camp")
    assert "You run no camp yet." in first.inner_text()
    first.get_by_role("link", name="Create your first camp").click()
    page.wait_for_url(f"{live_server.url}/camps/new/")
    assert page.get_by_role("heading", name="Create your first camp").is_visible()
    page.get_by_label("Title (简体中文)").fill("寻根之旅")
    page.get_by_label("Title (English)").fill("Roots Journey")
    page.get_by_label("Federation").fill("普洱市侨联")
    page.get_by_label("Year").fill(str(timezone.localdate().year + 1))
    page.get_by_label("Home time zone").select_option("Asia/Shanghai")
    page.check("input[name=languages][value=zh-hans]")
    page.check("input[name=languages][value=lo]")
    page.get_by_role("button", name="Create the camp").click()
    camp = Camp.objects.get()
    page.wait_for_url(f"{live_server.url}/camps/{camp.pk}/phases/new/")
    assert "The camp Roots Journey is created." in page.locator(".messages").inner_text()

    start = timezone.localdate() + datetime.timedelta(days=60)
    page.get_by_label("First day (Asia/Shanghai)").fill(start.isoformat())
    page.get_by_label("Last day (Asia/Shanghai)").fill((start - datetime.timedelta(days=1)).isoformat())  # a slip
    page.get_by_label("Enrollment opens (Asia/Shanghai)").fill((start - datetime.timedelta(days=40)).isoformat())
    page.get_by_label("Enrollment closes (last day to apply) (Asia/Shanghai)").fill(
        (start - datetime.timedelta(days=5)).isoformat())
    page.get_by_label("Capacity (youth places)").fill("80")
    page.get_by_role("button", name="Add the phase").click()
    assert "The last day is before the first day." in page.locator(".field-ends_on").inner_text()
    assert not camp.phases.exists()
    page.get_by_label("Last day (Asia/Shanghai)").fill((start + datetime.timedelta(days=9)).isoformat())
    page.get_by_role("button", name="Add the phase").click()
    page.wait_for_url(f"{live_server.url}/camps/")
    phase = camp.phases.get()
    assert (phase.number, phase.starts_on, phase.capacity) == (1, start, 80)
    row = page.locator("table.capacity tbody tr").first
    assert "80" in row.inner_text() and row.get_by_role("link", name="Edit phase 1").is_visible()
    # The navigation reaches the camps from anywhere.
    page.goto(f"{live_server.url}/people/")
    page.locator(".main-nav").get_by_role("link", name="Camps").click()
    page.wait_for_url(f"{live_server.url}/camps/")


def test_coordinator_accepts_a_place_offered_when_one_frees(
    live_server, new_page, camp, organizer, coordinator, other_coordinator, make_participant
):
    from camp.services.enrollment import enrollment_decide, enrollment_withdraw
    from tests import factories

    coordinator.preferred_language = "en"
    coordinator.save()
    phase = factories.open_phase(camp, 2, capacity=6)
    full = factories.group(camp, "Full School", coordinators=[other_coordinator])
    waiting = factories.group(camp, "Waiting School", coordinators=[coordinator])
    for _ in range(4):
        make_participant(full, with_account=False)
        make_participant(waiting, with_account=False)
    approved = factories.enrollment(full, phase, status=Enrollment.Status.SUBMITTED, submitted_at=timezone.now())
    enrollment_decide(by=organizer, enrollment=approved, decision="approved")
    wait = factories.enrollment(waiting, phase, status=Enrollment.Status.SUBMITTED, submitted_at=timezone.now())
    enrollment_decide(by=organizer, enrollment=wait, decision="waitlisted", reason="Full")
    enrollment_withdraw(by=other_coordinator, enrollment=approved)  # 6 places free: Waiting School is offered
    wait.refresh_from_db()
    assert wait.offered_place_at is not None

    page = new_page(locale="en-US", viewport={"width": 390, "height": 844})
    login(page, live_server.url, coordinator.email, PASSWORD)
    page.wait_for_url(f"{live_server.url}/")
    page.get_by_role("link", name="A place is free for phase 2: accept it on the group page").click()
    page.wait_for_url(f"{live_server.url}/groups/{waiting.pk}/#place-offer-{wait.pk}")
    offer = page.locator("section.place-offer")
    assert "A place is free for phase 2: accept by" in offer.inner_text()
    offer.get_by_role("button", name="Accept the place").click()
    page.wait_for_url(f"{live_server.url}/groups/{waiting.pk}/")
    assert "Your group has its place in phase 2" in page.locator(".messages").inner_text()
    assert page.locator("section.place-offer").count() == 0
    wait.refresh_from_db()
    assert wait.status == Enrollment.Status.APPROVED
    assert JoinCode.objects.filter(user__participant__group=waiting, revoked_at__isnull=True).count() == 4
    page.get_by_role("link", name="Print login cards").click()
    assert page.locator("article.login-card").count() == 4
