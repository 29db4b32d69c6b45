"""Issue #17, done when: a coordinator sends the guardian link; the guardian, in Thai on a phone, agrees to
everything but the camp-wide showcase; the youth can log in; the guardian's page shows the schedule in
Bangkok time; the guardian withdraws and the youth's open room closes at once.

Real Chromium against a real daphne (HTTP and the room's WebSocket in one process, as in production).
QIAOCAMP_SCREENSHOTS=<dir> keeps the screenshots for a person to look at."""

import os
import pathlib
import re

import pytest
from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from playwright.sync_api import expect

from camp.models import ConsentDecision, JoinCode
from camp.zones import zone_city
from tests.live.servers import daphne, session_cookie_value

pytestmark = pytest.mark.django_db(transaction=True)

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1366, "height": 768}


def _shot(page, name):
    folder = os.environ.get("QIAOCAMP_SCREENSHOTS")
    if folder:
        pathlib.Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(pathlib.Path(folder) / f"{name}.png"), full_page=True)


def _no_sideways_overflow(page):
    width = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
    assert width[0] <= width[1], f"the page is {width[0]} px wide in a {width[1]} px window"


def test_a_guardian_consents_sees_the_schedule_and_withdraws(
    new_page, group, coordinator, make_participant, live_session
):
    child = make_participant(
        group, with_account=False, consent=False, given_name="มาลี", family_name="ใจดี", preferred_language="th"
    )
    coordinator.preferred_language = "en"
    coordinator.save(update_fields=["preferred_language"])
    with daphne(redis=os.environ.get("REDIS_URL") or None) as host:
        base = f"http://{host}"
        # --- The coordinator takes the guardian's link from the roster ---------------------------
        desk = new_page(locale="en-US", viewport=DESKTOP)
        desk.context.add_cookies(
            [{"name": settings.SESSION_COOKIE_NAME, "value": session_cookie_value(coordinator), "url": base}]
        )
        desk.goto(f"{base}/groups/{group.pk}/roster/")
        row = desk.locator("tr", has_text="มาลี")
        row.get_by_role("link", name="Guardian link").click()
        link = desk.locator("#guardian-url").input_value()
        assert re.fullmatch(r"http://[^/]+/guardian/[0-9a-f]{40}/", link), link
        expect(desk.locator(".guardian-qr svg")).to_be_visible()
        _shot(desk, "guardian-link-coordinator-desktop")
        desk.set_viewport_size(PHONE)  # coordinators use phones too
        _no_sideways_overflow(desk)
        _shot(desk, "guardian-link-coordinator-phone")
        desk.set_viewport_size(DESKTOP)
        path = link[link.index("/guardian/") :]

        # --- The guardian, on a phone, in Thai ----------------------------------------------------
        guardian = new_page(locale="th-TH", viewport=PHONE, time_zone="Asia/Bangkok")
        guardian.goto(f"{base}{path}?lang=en")
        guardian.locator(".guardian-languages a[lang=th]").click()
        expect(guardian.locator("html")).to_have_attribute("lang", "th")
        guardian.locator(f"a[href^='{path}consent/']").click()
        expect(guardian.locator("html")).to_have_attribute("lang", "th")
        _no_sideways_overflow(guardian)
        _shot(guardian, "guardian-consent-phone-th")
        for item in ("participation", "recording", "camera", "showcase_group"):
            guardian.locator(f"input[name=item_{item}][value=yes]").check()
        guardian.locator("input[name=item_showcase_camp][value=no]").check()
        guardian.locator("form.consent-form button[type=submit]").click()
        guardian.wait_for_url(re.compile(re.escape(path) + r"\?lang=th$"))
        expect(guardian.locator("html")).to_have_attribute("lang", "th")
        answers = dict(ConsentDecision.objects.filter(participant=child).values_list("item", "agreed"))
        assert answers == {
            "participation": True,
            "recording": True,
            "camera": True,
            "showcase_group": True,
            "showcase_camp": False,
        }

        # --- The schedule in Bangkok time --------------------------------------------------------
        schedule = guardian.locator(".guardian-schedule")
        expect(schedule).to_be_visible()
        bangkok = timezone.localtime(live_session.plan_item.starts_at, group.zone).strftime("%H:%M")
        expect(schedule.locator(".guardian-class").first).to_contain_text(bangkok)
        with translation.override("th"):
            bangkok_time = _("%(city)s time") % {"city": zone_city(group.zone)}  # "เวลากรุงเทพฯ"
        expect(schedule.locator(".zone-note")).to_contain_text(bangkok_time)
        assert "Asia/" not in guardian.content()
        _no_sideways_overflow(guardian)
        _shot(guardian, "guardian-home-phone-th")
        guardian.set_viewport_size(DESKTOP)
        _shot(guardian, "guardian-home-desktop-th")
        guardian.set_viewport_size(PHONE)

        # --- The youth logs in with the code their card carries and enters the live room ---------
        child.refresh_from_db()
        assert child.consent_given and child.user is not None
        code = JoinCode.objects.get(user=child.user, revoked_at__isnull=True).code
        youth = new_page(locale="th-TH", viewport=PHONE, time_zone="Asia/Bangkok")
        youth.goto(f"{base}/join/")
        youth.locator("input[name=code]").fill(code)
        youth.locator("main form button[type=submit]").first.click()
        youth.wait_for_url(f"{base}/my/")
        youth.goto(f"{base}{live_session.get_absolute_url()}")
        expect(youth.locator("#live-connection")).to_have_attribute("data-connection", "connected")

        # --- The guardian withdraws: the room closes at once --------------------------------------
        guardian.locator(f"a[href^='{path}withdraw/']").click()
        _shot(guardian, "guardian-withdraw-phone-th")
        guardian.locator("main form button[type=submit]").click()
        expect(youth.locator("#live-notice")).to_be_visible(timeout=1000)
        guardian.wait_for_url(re.compile(re.escape(path) + r"\?lang=th$"))
        child.refresh_from_db()
        assert not child.consent_given

        # The coordinator sees it on the roster.
        desk.goto(f"{base}/groups/{group.pk}/roster/")
        expect(desk.locator("tr", has_text="มาลี").locator(".status.withdrawn")).to_be_visible()
